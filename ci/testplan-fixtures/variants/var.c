// SPDX-License-Identifier: MIT
/*
 * Fixture for ci/testplan-selftest: a binary whose backend declares two
 * variants, so svm_catalog_subtests() emits the catalog once per variant
 * with the variant's name as a suffix.
 */

/**
 * TEST: Variant user
 * Category: Core
 * Functionality: shared scenarios
 * Scenario catalog: catalog/scenarios
 * Catalog variants:
 * @xnack-off: retry faults off, every range mapped
 *   before the device touches it
 * @xnack-on:  retry faults on
 */

#include "igt.h"

/**
 * SUBTEST: own
 * Description: A subtest of this binary only, not expanded per variant
 */

igt_main
{
	igt_subtest("own")
		;
	/* The catalog once per variant, as svm_catalog_subtests() emits it. */
	igt_subtest("gpu-read-malloc-xnack-off")
		;
	igt_subtest("gpu-read-stack-xnack-off")
		;
	igt_subtest("teardown-xnack-off")
		;
	igt_subtest("gpu-read-malloc-xnack-on")
		;
	igt_subtest("gpu-read-stack-xnack-on")
		;
	igt_subtest("teardown-xnack-on")
		;
}
