/* SPDX-License-Identifier: MIT */
/*
 * The scenario catalog: each SVM behaviour described once, as a table
 * entry, and run on every backend whose capabilities it needs.  A scenario
 * that expands over memory kinds becomes one subtest per kind,
 * "<scenario>-<kind>"; the subtest list is the same on every backend (a
 * device that lacks a capability skips, it does not hide the subtest), so
 * results compare side by side across drivers.
 *
 * Variants (svm_dev.h): a backend that declares them gets the whole catalog
 * once per variant, in declaration order, each subtest name with the
 * variant's name as a suffix: "<scenario>-<kind>-<variant>", e.g.
 * gpu-write-cpu-read-malloc-xnack-on.  Each variant is a subtest group whose
 * fixture opens the devices in that variant, so a variant the device cannot
 * do skips all its subtests with the reason its open gave.  A backend
 * without variants keeps the plain names.
 *
 * Why a suffix and not a dynamic subtest per variant: the names are fixed
 * by the backend's table, not by the machine, so they belong in the subtest
 * list, where igt_runner's testlists, CI result history and the known-failure
 * lists key on them (a dynamic subtest is invisible to --list-subtests and
 * the testlists); every variant's result is then a subtest of its own, run
 * in its own process with its own timeout, selectable alone
 * (--run-subtest '*-xnack-on'), and one variant failing does not make a
 * container of both fail.  It also keeps device opening in fixtures, as
 * for every other skip for a missing device, instead of in each subtest.
 * The test plan documents the variants in the binary's TEST block
 * ("Catalog variants:", docs/documenting-tests.md) and ci/testplan.py
 * expands the catalog's names with them.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svm_dev.h"
#include "svm_mem.h"

struct svm_scenario_ctx {
	const struct svm_backend *backend;
	struct svm_dev *dev;		/* device 0 */
	struct svm_dev *peer;		/* device 1, NULL when the machine has one */
	const struct svm_mem_kind *kind; /* NULL for scenarios not expanded over kinds */
	size_t page_size;
};

/*
 * One row of a theme table (lib/svm/scenarios/), written with designated
 * initializers.  The body is exactly one of .run and .with_buf: most
 * scenarios work on one buffer of the subtest's memory kind, which the
 * catalog allocates for them (.with_buf); .run is for those that need more
 * than that, or no kind at all.
 */
struct svm_scenario {
	const char *name;
	uint32_t needs;			/* enum svm_cap bits; missing ones skip */
	uint32_t kinds;			/* SVM_MEM_BIT()s to expand over; 0: one subtest */
	bool needs_peer;		/* skips without a second device */
	void (*run)(struct svm_scenario_ctx *ctx);
	void (*with_buf)(struct svm_scenario_ctx *ctx, struct svm_buf *buf);
	size_t buf_size;		/* .with_buf's buffer; 0: scn_size() */
};

/*
 * Emits one igt_subtest per scenario (and kind, and variant) inside the
 * caller's igt_main, in a group per variant whose fixture opens device 0
 * (skipping when absent or refused) and, if it opens too, device 1 of
 * @backend, both in that variant.
 */
void svm_catalog_subtests(const struct svm_backend *backend);
