/* Listing must not run fixtures: this one would fail the test loudly. */
#include "igt_core.h"

IGT_TEST_DESCRIPTION("Checks that listing does not run fixtures");

igt_main
{
	igt_fixture {
		igt_info("FIXTURE RAN\n");
		exit(3);
	}
	igt_describe("The first subtest.");
	igt_subtest("one")
		igt_info("one ran\n");
	igt_subtest_group {
		igt_describe("Inherited by the group's subtests.");
		igt_subtest_group {
			igt_subtest("two")
				igt_info("two ran\n");
		}
	}
	igt_subtest("three")
		igt_info("three ran\n");
}
