// SPDX-License-Identifier: MIT
/* Fixture for ci/testplan-selftest: "Functionalty" is a typo. */

/**
 * TEST: Unknown field
 * Functionality: none
 */

/**
 * SUBTEST: typo
 * Description: Its second field name is misspelt
 * Functionalty: fault
 */

igt_main
{
	igt_subtest("typo")
		;
}
