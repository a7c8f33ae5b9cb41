/* Dynamic containers: none run, one fails, all pass, skip inside. */
#include "igt_core.h"

igt_main
{
	igt_subtest_with_dynamic("none")
		igt_info("no dynamic subtest here\n");
	igt_subtest_with_dynamic("one-fails") {
		for (int i = 0; i < 3; i++)
			igt_dynamic_f("item-%d", i)
				igt_assert_neq(i, 1);
	}
	igt_subtest_with_dynamic("all-pass") {
		igt_dynamic("first")
			igt_info("first ran\n");
		igt_dynamic("second")
			igt_info("second ran\n");
	}
	igt_subtest_with_dynamic("only-skips") {
		igt_dynamic("skipped")
			igt_skip("nothing to do\n");
	}
}
