// SPDX-License-Identifier: MIT
/*
 * Fixture for ci/testplan-selftest: "undescribed" lacks its Description and
 * "nofunc" lacks a Functionality that the TEST block does not give either.
 */

/**
 * TEST: Missing mandatory fields
 * Category: Core
 */

/**
 * SUBTEST: undescribed
 * Functionality: fault
 */

/**
 * SUBTEST: nofunc
 * Description: Has a description only
 */

igt_main
{
	igt_subtest("undescribed")
		;
	igt_subtest("nofunc")
		;
}
