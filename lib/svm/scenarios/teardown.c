/* SPDX-License-Identifier: MIT */
/*
 * Tearing down device state under live memory: closing a device handle
 * (or asking the device to release its memory) while pages still sit in
 * device memory must hand them back to the process intact.
 */
#include "../svm_scenario.h"
#include "themes.h"

/**
 * SUBTEST: teardown-migrated-%s
 * Description: %arg[1] is migrated through a second device handle, which is
 *   then closed with the pages still in device memory: no page is left
 *   there, and the CPU and the first handle read the data intact.
 * Functionality: teardown, migration
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 */
static void teardown_migrated_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	struct svm_dev *temp = scn_reopen(ctx->dev);

	svm_buf_fill(buf->ptr, buf->size, SEED_CPU);
	igt_assert(scn_migrate(ctx, temp, buf->ptr, buf->size));
	scn_close(temp);
	scn_expect_not_residency(ctx->dev, buf->ptr, scn_npages(ctx, buf->size), SVM_RES_LOCAL,
				 "after closing the handle that migrated them");
	scn_check(buf->ptr, buf->size, SEED_CPU, "CPU after the close");
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_CPU, "the other handle after the close");
}

/**
 * SUBTEST: teardown-mirrored
 * Description: A second device handle writes anonymous memory and is
 *   closed; the CPU and the first handle read its data, and the first
 *   handle keeps working on the same range.
 * Functionality: teardown
 */
static void teardown_mirrored(struct svm_scenario_ctx *ctx)
{
	struct svm_buf *buf = scn_buf(svm_mem_kind(SVM_MEM_ANON_PRIVATE), 16 * ctx->page_size);
	struct svm_dev *temp = scn_reopen(ctx->dev);

	scn_gpu_fill(temp, buf->ptr, buf->size, SEED_PEER);
	scn_close(temp);
	scn_check(buf->ptr, buf->size, SEED_PEER, "CPU after the close");
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_PEER, "the other handle after the close");
	scn_gpu_fill(ctx->dev, buf->ptr, buf->size, SEED_GPU);
	scn_check(buf->ptr, buf->size, SEED_GPU, "CPU after the other handle's write");
}

/**
 * SUBTEST: release-%s
 * Description: %arg[1] is migrated to device memory and the device is told
 *   to release all its memory: every page comes back to system memory with
 *   its data, and the device can migrate it again.
 * Functionality: teardown, eviction, migration
 *
 * arg[1]:
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 */
static void release_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	size_t npages = scn_npages(ctx, buf->size);

	svm_buf_fill(buf->ptr, buf->size, SEED_CPU);
	igt_assert(scn_migrate(ctx, ctx->dev, buf->ptr, buf->size));
	svm_release(ctx->dev);
	scn_expect_residency(ctx->dev, buf->ptr, npages, SVM_RES_SYSTEM, "after the release");
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_CPU, "device after the release");
	igt_assert(scn_migrate(ctx, ctx->dev, buf->ptr, buf->size));
	scn_check(buf->ptr, buf->size, SEED_CPU, "CPU after migrating again");
}

const struct svm_scenario svm_scenarios_teardown[] = {
	{ .name = "teardown-migrated", .needs = SCN_DATA | SVM_CAP_MIGRATE, .kinds = SCN_KINDS_ANON,
	  .with_buf = teardown_migrated_body },
	{ .name = "teardown-mirrored", .needs = SCN_DATA, .run = teardown_mirrored },
	{ .name = "release", .needs = SCN_DATA | SVM_CAP_MIGRATE | SVM_CAP_RELEASE,
	  .kinds = SCN_KIND(THP) | SCN_KIND(ANON_PRIVATE), .with_buf = release_body },
};
const unsigned int svm_num_scenarios_teardown = ARRAY_SIZE(svm_scenarios_teardown);
