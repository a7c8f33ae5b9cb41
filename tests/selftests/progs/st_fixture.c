/*
 * A fixture that skips or fails on request (ST_FIXTURE=skip|fail), inside a
 * group, with subtests before, in and after the group.
 */
#include <string.h>

#include "igt_core.h"

igt_main
{
	const char *mode = getenv("ST_FIXTURE");

	igt_subtest("before")
		igt_info("before ran\n");
	igt_subtest_group {
		igt_fixture {
			igt_require_f(!mode || strcmp(mode, "skip"), "asked to skip\n");
			igt_assert_f(!mode || strcmp(mode, "fail"), "asked to fail\n");
		}
		igt_subtest("inside-a")
			igt_info("inside-a ran\n");
		igt_subtest("inside-b")
			igt_info("inside-b ran\n");
	}
	igt_subtest("after")
		igt_info("after ran\n");
}
