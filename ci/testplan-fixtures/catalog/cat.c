// SPDX-License-Identifier: MIT
/*
 * Fixture for ci/testplan-selftest: a binary that also runs the subtests
 * documented in scenarios/*.c (its Scenario catalog), as hmm_svm and
 * xe_svm both run lib/svm/scenarios.
 */

/**
 * TEST: Catalog user
 * Category: Core
 * Functionality: shared scenarios
 * Scenario catalog: scenarios
 */

#include "igt.h"

/**
 * SUBTEST: own
 * Description: A subtest of this binary only
 */

igt_main
{
	igt_subtest("own")
		;
	/* The catalog's subtests, as svm_catalog_subtests() emits them. */
	igt_subtest("gpu-read-malloc")
		;
	igt_subtest("gpu-read-stack")
		;
	igt_subtest("teardown")
		;
}
