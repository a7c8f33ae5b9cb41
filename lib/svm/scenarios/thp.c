/* SPDX-License-Identifier: MIT */
/*
 * Splitting a transparent huge page the device has mapped: a 4 KiB
 * mprotect() or munmap() inside it forces the kernel to split the PMD (and
 * the page), and the device must follow the new 4 KiB mappings exactly.
 * These scenarios allocate their own THP memory and skip where THP is off.
 */
#include <string.h>
#include <sys/mman.h>

#include "../svm_scenario.h"
#include "themes.h"

/* A populated, device-read 2 MiB huge page holding @want's data. */
static char *thp_touched(struct svm_scenario_ctx *ctx, char *want)
{
	struct svm_buf *buf = scn_buf(svm_mem_kind(SVM_MEM_THP), SZ_2M);

	ctx->kind = buf->kind;
	svm_buf_fill(want, SZ_2M, SEED_CPU);
	memcpy(buf->ptr, want, SZ_2M);
	scn_require_thp(buf->ptr, SZ_2M);
	scn_gpu_check_same(ctx->dev, buf->ptr, want, SZ_2M, "device reads the huge page");
	return buf->ptr;
}

/* Page index in the middle of the huge page, not on any natural boundary. */
#define SPLIT_PAGE 301

/**
 * SUBTEST: thp-split-mprotect
 * Description: One 4 KiB page inside a device-read transparent huge page
 *   is made read-only; the device still reads all 2 MiB, its write to that
 *   page fails with EPERM and changes nothing, its writes around it land.
 * Functionality: thp, protection, split
 */
static void thp_split_mprotect(struct svm_scenario_ctx *ctx)
{
	char *want = scn_scratch(SZ_2M), *p = thp_touched(ctx, want);
	size_t ps = ctx->page_size, at = SPLIT_PAGE * ps;
	char *data = scn_scratch(SZ_2M);

	scn_protect(p + at, ps, PROT_READ);
	scn_gpu_check_same(ctx->dev, p, want, SZ_2M, "device reads the split page");
	svm_buf_fill(data, SZ_2M, SEED_GPU);
	igt_assert_eq(__svm_gpu_write(ctx->dev, p + at, data + at, ps), SCN_ERR_READ_ONLY);
	svm_gpu_write(ctx->dev, p, data, at);
	svm_gpu_write(ctx->dev, p + at + ps, data + at + ps, SZ_2M - at - ps);
	memcpy(data + at, want + at, ps);
	scn_check_same(p, data, SZ_2M, "CPU after the device writes");
	scn_gpu_check_same(ctx->dev, p, data, SZ_2M, "device after its writes");
}

/**
 * SUBTEST: thp-split-munmap
 * Description: One 4 KiB page inside a device-read transparent huge page
 *   is unmapped; device accesses to it fail with EFAULT, the other 511
 *   pages keep their data for the device and the CPU and take device
 *   writes.
 * Functionality: thp, munmap, split
 */
static void thp_split_munmap(struct svm_scenario_ctx *ctx)
{
	char *want = scn_scratch(SZ_2M), *p = thp_touched(ctx, want);
	size_t ps = ctx->page_size, at = SPLIT_PAGE * ps;

	igt_assert(!munmap(p + at, ps));
	scn_gpu_refused(ctx->dev, p + at, ps, SCN_ERR_NO_ACCESS, "the unmapped page");
	scn_gpu_check_same(ctx->dev, p, want, at, "device, before the hole");
	scn_gpu_check_same(ctx->dev, p + at + ps, want + at + ps, SZ_2M - at - ps,
			   "device, after the hole");
	svm_buf_fill(want, SZ_2M, SEED_GPU);
	svm_gpu_write(ctx->dev, p, want, at);
	svm_gpu_write(ctx->dev, p + at + ps, want + at + ps, SZ_2M - at - ps);
	scn_check_same(p, want, at, "CPU, before the hole");
	scn_check_same(p + at + ps, want + at + ps, SZ_2M - at - ps, "CPU, after the hole");
	scn_plug(p + at, ps);
}

/**
 * SUBTEST: thp-split-migrated
 * Description: A transparent huge page is migrated to device memory, then
 *   one 4 KiB page inside it is unmapped: the CPU and the device read the
 *   other pages' data intact and device accesses to the hole fail with
 *   EFAULT.
 * Functionality: thp, migration, munmap, split
 */
static void thp_split_migrated(struct svm_scenario_ctx *ctx)
{
	char *want = scn_scratch(SZ_2M), *p = thp_touched(ctx, want);
	size_t ps = ctx->page_size, at = SPLIT_PAGE * ps;

	igt_assert(scn_migrate(ctx, ctx->dev, p, SZ_2M));
	igt_assert(!munmap(p + at, ps));
	scn_gpu_refused(ctx->dev, p + at, ps, SCN_ERR_NO_ACCESS, "the unmapped page");
	scn_expect_residency(ctx->dev, p + at + ps, 1, SVM_RES_LOCAL, "the page after the hole");
	scn_check_same(p, want, at, "CPU, before the hole");
	scn_gpu_check_same(ctx->dev, p + at + ps, want + at + ps, SZ_2M - at - ps,
			   "device, after the hole");
	scn_check_same(p + at + ps, want + at + ps, SZ_2M - at - ps, "CPU, after the hole");
	scn_plug(p + at, ps);
}

const struct svm_scenario svm_scenarios_thp[] = {
	{ .name = "thp-split-mprotect", .needs = SCN_DATA, .run = thp_split_mprotect },
	{ .name = "thp-split-munmap", .needs = SCN_DATA, .run = thp_split_munmap },
	{ .name = "thp-split-migrated", .needs = SCN_DATA | SVM_CAP_MIGRATE,
	  .run = thp_split_migrated },
};
const unsigned int svm_num_scenarios_thp = ARRAY_SIZE(svm_scenarios_thp);
