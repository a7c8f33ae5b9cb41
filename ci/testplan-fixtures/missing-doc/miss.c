// SPDX-License-Identifier: MIT
/* Fixture for ci/testplan-selftest: subtest "second" has no documentation. */

/**
 * TEST: Missing documentation
 * Functionality: none
 */

/**
 * SUBTEST: first
 * Description: The only documented subtest
 */

igt_main
{
	igt_subtest("first")
		;
	igt_subtest("second")
		;
}
