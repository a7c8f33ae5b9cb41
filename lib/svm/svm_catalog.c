/* SPDX-License-Identifier: MIT */
/*
 * The scenario catalog: assembles the scenarios of lib/svm/scenarios/ into
 * one table and turns each into subtests.
 *
 * The scenario files are #included here, not compiled on their own: each
 * keeps its bodies, its doc comments and its table entries together and
 * exports the entries as one SVM_SCENARIOS_<THEME> macro, and this file is
 * the single translation unit that can therefore build svm_scenarios[] as a
 * constant array.  Build only this file, svm_scenario.c and
 * svm_scenario_check.c, never the files of lib/svm/scenarios/ on their own.
 *
 * The subtest list depends on the table and the backend's declared
 * variants only, never on the machine: devices are opened by each group's
 * fixture, which does not run while listing.
 */

#include <stdio.h>

#include "svm_catalog.h"
#include "svm_scenario.h"

#include "scenarios/basic.c"
#include "scenarios/protect.c"
#include "scenarios/fork.c"
#include "scenarios/munmap.c"
#include "scenarios/mremap.c"
#include "scenarios/madvise.c"
#include "scenarios/file.c"
#include "scenarios/migrate.c"
#include "scenarios/thp.c"
#include "scenarios/threads.c"
#include "scenarios/multidev.c"
#include "scenarios/layout.c"
#include "scenarios/teardown.c"
#include "scenarios/exclusive.c"

const struct svm_scenario svm_scenarios[] = {
	SVM_SCENARIOS_BASIC
	SVM_SCENARIOS_PROTECT
	SVM_SCENARIOS_FORK
	SVM_SCENARIOS_MUNMAP
	SVM_SCENARIOS_MREMAP
	SVM_SCENARIOS_MADVISE
	SVM_SCENARIOS_FILE
	SVM_SCENARIOS_MIGRATE
	SVM_SCENARIOS_THP
	SVM_SCENARIOS_THREADS
	SVM_SCENARIOS_MULTIDEV
	SVM_SCENARIOS_LAYOUT
	SVM_SCENARIOS_TEARDOWN
	SVM_SCENARIOS_EXCLUSIVE
};
const unsigned int svm_num_scenarios = SCN_ARRAY_SIZE(svm_scenarios);

/*
 * A hang detector on every scenario: above its waits' own bound and far
 * above its time on a busy machine (< 2 s in QEMU TCG; 14 s for the
 * slowest, threads-disjoint-thp on vdev's xe-pvc, with both cores loaded).
 */
#define SCENARIO_TIMEOUT_S (2 * SCN_HANG_S)

/* Statics: the fixture sets them and they must survive a failed subtest. */
static struct svm_scenario_ctx catalog;

static void run_scenario(const struct svm_scenario *s, const struct svm_mem_kind *kind)
{
	struct svm_scenario_ctx *ctx = &catalog;

	svm_require(ctx->dev, s->needs);
	igt_require_f(!s->needs_peer || ctx->peer,
		      "needs a second %s device and there is only one\n", ctx->backend->name);
	ctx->kind = kind;
	igt_set_timeout(SCENARIO_TIMEOUT_S, s->name);
	scn_run(s->run, ctx);
	igt_set_timeout(0, NULL);
}

/* One group: the whole catalog on @backend's devices opened in @variant. */
static void catalog_group(const struct svm_backend *backend, const struct svm_variant *variant)
{
	/* "" or "-<variant>", appended to every name (svm_catalog.h). */
	char suffix[64];

	snprintf(suffix, sizeof(suffix), "%s%s", variant ? "-" : "", variant ? variant->name : "");
	igt_subtest_group {
		igt_fixture {
			catalog.backend = backend;
			catalog.dev = svm_dev_open_variant(backend, variant, 0);
			catalog.page_size = catalog.dev->page_size;
			if (__svm_dev_open_variant(backend, variant, 1, &catalog.peer))
				catalog.peer = NULL;
			scn_evict_on_crash(&catalog);
		}

		for (unsigned int i = 0; i < svm_num_scenarios; i++) {
			const struct svm_scenario *s = &svm_scenarios[i];

			if (!s->kinds) {
				igt_subtest_f("%s%s", s->name, suffix)
					run_scenario(s, NULL);
				continue;
			}
			for (unsigned int k = 0; k < SVM_MEM_NUM_KINDS; k++) {
				const struct svm_mem_kind *kind = svm_mem_kind(k);

				if (!(s->kinds & SVM_MEM_BIT(k)))
					continue;
				igt_subtest_f("%s-%s%s", s->name, kind->name, suffix)
					run_scenario(s, kind);
			}
		}

		igt_fixture {
			svm_dev_close(catalog.peer);
			svm_dev_close(catalog.dev);
			catalog.peer = catalog.dev = NULL;
		}
	}
}

void svm_catalog_subtests(const struct svm_backend *backend)
{
	if (!backend->num_variants)
		catalog_group(backend, NULL);
	for (unsigned int v = 0; v < backend->num_variants; v++)
		catalog_group(backend, &backend->variants[v]);
}
