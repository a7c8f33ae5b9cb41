/*
 * Every subtest behind a fixture that skips on request (ST_FIXTURE=skip),
 * the shape of a binary whose device is missing: the fixture in an outer
 * group, subtests in a nested group and after it.
 */
#include <string.h>

#include "igt_core.h"

igt_main
{
	const char *mode = getenv("ST_FIXTURE");

	igt_subtest_group {
		igt_fixture
			igt_require_f(!mode || strcmp(mode, "skip"), "no device here\n");
		igt_subtest_group {
			igt_subtest("first")
				igt_info("first ran\n");
			igt_subtest("second")
				igt_info("second ran\n");
		}
		igt_subtest("last")
			igt_info("last ran\n");
	}
}
