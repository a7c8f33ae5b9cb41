/* SPDX-License-Identifier: MIT */
/*
 * The scenario catalog: lists the theme tables of lib/svm/scenarios/ and
 * turns each scenario into subtests.
 *
 * Each file of lib/svm/scenarios/ is compiled on its own and exports one
 * theme table (scenarios/themes.h); the catalog is those tables in the
 * order below, which is the subtest order.  A scenario's body, its doc
 * comment and its table row stay together in its theme's file.
 *
 * The subtest list depends on the tables and the backend's declared
 * variants only, never on the machine: devices are opened by each group's
 * fixture, which does not run while listing.
 */

#include <stdio.h>

#include "svm_catalog.h"
#include "svm_scenario.h"
#include "scenarios/themes.h"

#define THEME(theme) { svm_scenarios_##theme, &svm_num_scenarios_##theme }

/* The counts are not constant expressions here, hence the pointers. */
static const struct {
	const struct svm_scenario *table;
	const unsigned int *count;
} themes[] = {
	THEME(basic),
	THEME(protect),
	THEME(fork),
	THEME(munmap),
	THEME(mremap),
	THEME(madvise),
	THEME(file),
	THEME(migrate),
	THEME(thp),
	THEME(threads),
	THEME(multidev),
	THEME(layout),
	THEME(teardown),
	THEME(exclusive),
};

static unsigned int scenario_count(void)
{
	unsigned int n = 0;

	for (unsigned int t = 0; t < ARRAY_SIZE(themes); t++)
		n += *themes[t].count;
	return n;
}

/* Scenario @i of the catalog, counting through the themes in order. */
static const struct svm_scenario *scenario_at(unsigned int i)
{
	for (unsigned int t = 0; t < ARRAY_SIZE(themes); t++) {
		if (i < *themes[t].count)
			return &themes[t].table[i];
		i -= *themes[t].count;
	}
	return NULL;
}

/*
 * A hang detector on every scenario: above its waits' own bound and far
 * above its time on a busy machine (< 2 s in QEMU TCG; 14 s for the
 * slowest, threads-disjoint-thp on vdev's xe-pvc, with both cores loaded).
 */
#define SCENARIO_TIMEOUT_S (2 * SCN_HANG_S)

/* Statics: the fixture sets them and they must survive a failed subtest. */
static struct svm_scenario_ctx catalog;
/* The scenario being run, for run_with_buf(): scn_run() passes only the context. */
static const struct svm_scenario *running;

static void run_with_buf(struct svm_scenario_ctx *ctx)
{
	size_t size = running->buf_size ? running->buf_size : scn_size(ctx);

	scn_with_buf(ctx, size, running->with_buf);
}

static void run_scenario(const struct svm_scenario *s, const struct svm_mem_kind *kind)
{
	struct svm_scenario_ctx *ctx = &catalog;

	svm_require(ctx->dev, s->needs);
	igt_require_f(!s->needs_peer || ctx->peer,
		      "needs a second %s device and there is only one\n", ctx->backend->name);
	igt_assert_f(!s->run != !s->with_buf,
		     "scenario %s needs exactly one of .run and .with_buf\n", s->name);
	ctx->kind = kind;
	running = s;
	igt_set_timeout(SCENARIO_TIMEOUT_S, s->name);
	scn_run(s->with_buf ? run_with_buf : s->run, ctx);
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

		for (unsigned int i = 0; i < scenario_count(); i++) {
			const struct svm_scenario *s = scenario_at(i);

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
