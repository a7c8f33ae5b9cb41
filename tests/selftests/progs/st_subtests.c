/* Passing, skipping and failing subtests with names for the pattern cases. */
#include "igt_core.h"

igt_main
{
	igt_subtest("alpha")
		igt_info("alpha ran\n");
	igt_subtest("alpha-two")
		igt_info("alpha-two ran\n");
	igt_subtest("beta")
		igt_info("beta ran\n");
	igt_subtest("skipper")
		igt_require_f(false, "not today\n");
	igt_subtest("failer")
		igt_assert_eq(2 + 2, 5);
	igt_subtest("failer-u64")
		igt_assert_eq_u64(0x10, 0x20);
}
