// SPDX-License-Identifier: MIT
/*
 * Fixture for ci/testplan-selftest: two wildcards expanded with a text table
 * and an explicit value list, several SUBTEST lines sharing one block,
 * %arg[n] substitution and Functionality inherited from the TEST block.
 */

/**
 * TEST: Wildcard expansion
 * Category: Core
 * Description: Exercises the name expansion of the documentation checker
 * Functionality: migration
 */

#include "igt.h"

/**
 * SUBTEST: gpu-write-%s-%d
 * Description: GPU writes %arg[2] pages of %arg[1], the CPU
 *              reads them back
 * Functionality: fault, residency
 * Kernel change: abcdef012345 ("mm: fix | the <pipe> case")
 *
 * arg[1]:
 *
 * @malloc:      malloc'd memory
 * @mmap-shared: anonymous shared
 *               mapping
 *
 * arg[2].values: 2, 8
 */

/**
 * SUBTEST: evict
 * SUBTEST: evict-twice
 * Description: Evicts the buffer under memory pressure
 */

igt_main
{
	const char *mems[] = { "malloc", "mmap-shared" };
	const int counts[] = { 2, 8 };

	for (int m = 0; m < 2; m++)
		for (int c = 0; c < 2; c++)
			igt_subtest_f("gpu-write-%s-%d", mems[m], counts[c])
				;
	igt_subtest("evict")
		;
	igt_subtest("evict-twice")
		;
}
