/* SPDX-License-Identifier: MIT */
/*
 * Splitting a transparent huge page the device has mapped: a 4 KiB
 * mprotect() or munmap() inside it forces the kernel to split the PMD (and
 * the page), and the device must follow the new page-sized mappings exactly.
 * These scenarios allocate their own THP memory and skip where THP is off.
 */
#include <string.h>
#include <sys/mman.h>

#include "../svm_scenario.h"
#include "themes.h"

/* The PMD huge page's size (2 MiB at 4K pages), or a skip saying why not. */
static size_t thp_size(void)
{
	size_t thp = svm_thp_size();

	igt_require_f(thp <= SVM_THP_MAX, "the PMD huge page is %zu MiB here: THP buffers are capped at %u MiB\n",
		      thp >> 20, SVM_THP_MAX >> 20);
	return thp;
}

/* A populated, device-read huge page of @thp bytes holding @want's data. */
static char *thp_touched(struct svm_scenario_ctx *ctx, char *want, size_t thp)
{
	struct svm_buf *buf = scn_buf(svm_mem_kind(SVM_MEM_THP), thp);

	ctx->kind = buf->kind;
	svm_buf_fill(want, thp, SEED_CPU);
	memcpy(buf->ptr, want, thp);
	scn_require_thp(buf->ptr, thp);
	scn_gpu_check_same(ctx->dev, buf->ptr, want, thp, "device reads the huge page");
	return buf->ptr;
}

/*
 * A page in the middle of the huge page, not on any natural boundary:
 * 301 of 512 with 4K pages, the same place in the huge page at another
 * page size (18 of 32 with 64K pages in a 2 MiB one).
 */
static size_t split_offset(size_t thp, size_t ps)
{
	size_t pages = thp / ps, at = pages * 301 / 512;

	return (at | 1) * ps;
}

/**
 * SUBTEST: thp-split-mprotect
 * Description: One page inside a device-read transparent huge page
 *   is made read-only; the device still reads all of it, its write to that
 *   page fails with EPERM and changes nothing, its writes around it land.
 * Functionality: thp, protection, split
 */
static void thp_split_mprotect(struct svm_scenario_ctx *ctx)
{
	size_t thp = thp_size(), ps = ctx->page_size, at = split_offset(thp, ps);
	char *want = scn_scratch(thp), *p = thp_touched(ctx, want, thp);
	char *data = scn_scratch(thp);

	scn_protect(p + at, ps, PROT_READ);
	scn_gpu_check_same(ctx->dev, p, want, thp, "device reads the split page");
	svm_buf_fill(data, thp, SEED_GPU);
	igt_assert_eq(__svm_gpu_write(ctx->dev, p + at, data + at, ps), SCN_ERR_READ_ONLY);
	svm_gpu_write(ctx->dev, p, data, at);
	svm_gpu_write(ctx->dev, p + at + ps, data + at + ps, thp - at - ps);
	memcpy(data + at, want + at, ps);
	scn_check_same(p, data, thp, "CPU after the device writes");
	scn_gpu_check_same(ctx->dev, p, data, thp, "device after its writes");
}

/**
 * SUBTEST: thp-split-munmap
 * Description: One page inside a device-read transparent huge page
 *   is unmapped; device accesses to it fail with EFAULT, the other
 *   pages keep their data for the device and the CPU and take device
 *   writes.
 * Functionality: thp, munmap, split
 */
static void thp_split_munmap(struct svm_scenario_ctx *ctx)
{
	size_t thp = thp_size(), ps = ctx->page_size, at = split_offset(thp, ps);
	char *want = scn_scratch(thp), *p = thp_touched(ctx, want, thp);

	igt_assert(!munmap(p + at, ps));
	scn_gpu_refused(ctx->dev, p + at, ps, SCN_ERR_NO_ACCESS, "the unmapped page");
	scn_gpu_check_same(ctx->dev, p, want, at, "device, before the hole");
	scn_gpu_check_same(ctx->dev, p + at + ps, want + at + ps, thp - at - ps,
			   "device, after the hole");
	svm_buf_fill(want, thp, SEED_GPU);
	svm_gpu_write(ctx->dev, p, want, at);
	svm_gpu_write(ctx->dev, p + at + ps, want + at + ps, thp - at - ps);
	scn_check_same(p, want, at, "CPU, before the hole");
	scn_check_same(p + at + ps, want + at + ps, thp - at - ps, "CPU, after the hole");
	scn_plug(p + at, ps);
}

/**
 * SUBTEST: thp-split-migrated
 * Description: A transparent huge page is migrated to device memory, then
 *   one page inside it is unmapped: the CPU and the device read the
 *   other pages' data intact and device accesses to the hole fail with
 *   EFAULT.
 * Functionality: thp, migration, munmap, split
 */
static void thp_split_migrated(struct svm_scenario_ctx *ctx)
{
	size_t thp = thp_size(), ps = ctx->page_size, at = split_offset(thp, ps);
	char *want = scn_scratch(thp), *p = thp_touched(ctx, want, thp);

	igt_assert(scn_migrate(ctx, ctx->dev, p, thp));
	igt_assert(!munmap(p + at, ps));
	scn_gpu_refused(ctx->dev, p + at, ps, SCN_ERR_NO_ACCESS, "the unmapped page");
	scn_expect_residency(ctx->dev, p + at + ps, 1, SVM_RES_LOCAL, "the page after the hole");
	scn_check_same(p, want, at, "CPU, before the hole");
	scn_gpu_check_same(ctx->dev, p + at + ps, want + at + ps, thp - at - ps,
			   "device, after the hole");
	scn_check_same(p + at + ps, want + at + ps, thp - at - ps, "CPU, after the hole");
	scn_plug(p + at, ps);
}

const struct svm_scenario svm_scenarios_thp[] = {
	{ .name = "thp-split-mprotect", .needs = SCN_DATA, .run = thp_split_mprotect },
	{ .name = "thp-split-munmap", .needs = SCN_DATA, .run = thp_split_munmap },
	{ .name = "thp-split-migrated", .needs = SCN_DATA | SVM_CAP_MIGRATE,
	  .run = thp_split_migrated },
};
const unsigned int svm_num_scenarios_thp = ARRAY_SIZE(svm_scenarios_thp);
