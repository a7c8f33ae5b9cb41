// SPDX-License-Identifier: MIT
/* Fixture for ci/testplan-selftest: "gone" is documented but no longer exists. */

/**
 * TEST: Unneeded documentation
 * Functionality: none
 */

/**
 * SUBTEST: kept
 * Description: Still in the binary
 *
 * SUBTEST: gone
 * Description: Removed from the binary, still documented
 */

igt_main
{
	igt_subtest("kept")
		;
}
