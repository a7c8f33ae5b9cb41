/* A test without subtests; ST_SIMPLE=skip|fail picks the outcome. */
#include <string.h>

#include "igt_core.h"

igt_simple_main
{
	const char *mode = getenv("ST_SIMPLE");

	igt_debug("a debug line for the failure dump\n");
	igt_require_f(!mode || strcmp(mode, "skip"), "asked to skip\n");
	igt_assert_f(!mode || strcmp(mode, "fail"), "asked to fail\n");
	igt_info("simple ran\n");
}
