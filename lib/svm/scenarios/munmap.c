/* SPDX-License-Identifier: MIT */
/*
 * Unmapping memory the device has touched: the unmapped part must become
 * inaccessible to the device at once (no stale translation), the rest must
 * keep working, and memory mapped again at the same address must not show
 * the old data.
 */
#include <sys/mman.h>

#include "../svm_scenario.h"
#include "themes.h"

enum hole_at { HOLE_HEAD, HOLE_MIDDLE, HOLE_TAIL };

/* Where a quarter of the buffer is unmapped, in pages. */
static size_t hole_start(enum hole_at at, size_t npages)
{
	switch (at) {
	case HOLE_HEAD:
		return 0;
	case HOLE_MIDDLE:
		return npages / 2 - npages / 8;
	case HOLE_TAIL:
		break;
	}
	return npages - npages / 4;
}

/* The device and the CPU see @want in every page outside the hole. */
static void check_around(struct svm_scenario_ctx *ctx, struct svm_buf *buf, const char *want,
			 size_t hole, size_t hole_len, bool by_cpu)
{
	char *p = buf->ptr;
	size_t after = hole + hole_len;

	if (hole) {
		scn_gpu_check_same(ctx->dev, p, want, hole, "device, before the hole");
		if (by_cpu)
			scn_check_same(p, want, hole, "CPU, before the hole");
	}
	if (after < buf->size) {
		scn_gpu_check_same(ctx->dev, p + after, want + after, buf->size - after,
				   "device, after the hole");
		if (by_cpu)
			scn_check_same(p + after, want + after, buf->size - after,
				       "CPU, after the hole");
	}
}

static void munmap_part(struct svm_scenario_ctx *ctx, struct svm_buf *buf, enum hole_at at)
{
	size_t npages = scn_npages(ctx, buf->size);
	size_t hole = hole_start(at, npages) * ctx->page_size;
	size_t hole_len = npages / 4 * ctx->page_size;
	char *want = scn_scratch(buf->size);
	char *p = buf->ptr;

	scn_gpu_fill(ctx->dev, p, buf->size, SEED_GPU);
	scn_check(p, buf->size, SEED_GPU, "CPU before munmap");
	igt_assert(!munmap(p + hole, hole_len));

	scn_gpu_refused(ctx->dev, p + hole, hole_len, SCN_ERR_NO_ACCESS, "the unmapped part");
	svm_buf_fill(want, buf->size, SEED_GPU);
	check_around(ctx, buf, want, hole, hole_len, true);

	/* The rest still takes device writes. */
	svm_buf_fill(want, buf->size, SEED_GPU + 1);
	if (hole)
		svm_gpu_write(ctx->dev, p, want, hole);
	if (hole + hole_len < buf->size)
		svm_gpu_write(ctx->dev, p + hole + hole_len, want + hole + hole_len,
			      buf->size - hole - hole_len);
	check_around(ctx, buf, want, hole, hole_len, true);
	scn_plug(p + hole, hole_len);
	scn_gpu_refused(ctx->dev, p + hole, hole_len, SCN_ERR_NO_ACCESS, "the plugged hole");
}

/**
 * SUBTEST: munmap-head-%s
 * SUBTEST: munmap-middle-%s
 * SUBTEST: munmap-tail-%s
 * Description: The device writes %arg[1], then its first, middle or last
 *   quarter is unmapped; device accesses there fail with EFAULT while the
 *   rest keeps its data and still takes device writes.
 * Functionality: munmap, invalidation
 *
 * arg[1]:
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 * @mmap-shared:  a shared anonymous mapping (shmem)
 * @memfd-shared: a memfd mapped shared
 * @file-private: a /tmp file mapped private (copy-on-write)
 * @file-shared:  a /tmp file mapped shared
 * @mlocked:      mlock()ed anonymous memory
 */
static void munmap_head_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	munmap_part(ctx, buf, HOLE_HEAD);
}

static void munmap_middle_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	munmap_part(ctx, buf, HOLE_MIDDLE);
}

static void munmap_tail_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	munmap_part(ctx, buf, HOLE_TAIL);
}

/* Replaces the whole buffer by fresh anonymous memory at the same address. */
static void remap_fresh(struct svm_buf *buf)
{
	igt_assert(!munmap(buf->ptr, buf->size));
	igt_assert(scn_mmap(buf->ptr, buf->size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == buf->ptr);
}

/**
 * SUBTEST: munmap-remap-%s
 * Description: The device writes %arg[1], which is then unmapped and
 *   replaced by fresh anonymous memory at the same address: the device and
 *   the CPU read zeroes there, never the old data, and the device can write
 *   the new memory.
 * Functionality: munmap, invalidation, stale data
 *
 * arg[1]:
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 * @mmap-shared:  a shared anonymous mapping (shmem)
 * @memfd-shared: a memfd mapped shared
 * @file-private: a /tmp file mapped private (copy-on-write)
 * @file-shared:  a /tmp file mapped shared
 * @mlocked:      mlock()ed anonymous memory
 */
static void munmap_remap_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	scn_gpu_fill(ctx->dev, buf->ptr, buf->size, SEED_GPU);
	scn_check(buf->ptr, buf->size, SEED_GPU, "CPU before munmap");
	remap_fresh(buf);
	scn_gpu_check_zero(ctx->dev, buf->ptr, buf->size, "device reads the new mapping");
	scn_check_zero(buf->ptr, buf->size, "CPU reads the new mapping");
	scn_gpu_fill(ctx->dev, buf->ptr, buf->size, SEED_GPU + 1);
	scn_check(buf->ptr, buf->size, SEED_GPU + 1, "CPU reads the device's write");
}

/**
 * SUBTEST: munmap-remap-migrated-%s
 * Description: %arg[1] migrated to device memory is unmapped and replaced
 *   by fresh memory at the same address: no page of it is in device memory
 *   any more, and the device and the CPU read zeroes.
 * Functionality: munmap, migration, stale data
 *
 * arg[1]:
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 */
static void munmap_remap_migrated_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	svm_buf_fill(buf->ptr, buf->size, SEED_CPU);
	igt_assert(scn_migrate(ctx, ctx->dev, buf->ptr, buf->size));
	remap_fresh(buf);
	scn_expect_residency(ctx->dev, buf->ptr, scn_npages(ctx, buf->size), SVM_RES_NONE,
			     "the new mapping, untouched");
	scn_gpu_check_zero(ctx->dev, buf->ptr, buf->size, "device reads the new mapping");
	scn_check_zero(buf->ptr, buf->size, "CPU reads the new mapping");
}

const struct svm_scenario svm_scenarios_munmap[] = {
	{ .name = "munmap-head", .needs = SCN_DATA, .kinds = SCN_KINDS_MAPPED,
	  .with_buf = munmap_head_body },
	{ .name = "munmap-middle", .needs = SCN_DATA, .kinds = SCN_KINDS_MAPPED,
	  .with_buf = munmap_middle_body },
	{ .name = "munmap-tail", .needs = SCN_DATA, .kinds = SCN_KINDS_MAPPED,
	  .with_buf = munmap_tail_body },
	{ .name = "munmap-remap", .needs = SCN_DATA, .kinds = SCN_KINDS_MAPPED,
	  .with_buf = munmap_remap_body },
	{ .name = "munmap-remap-migrated", .needs = SCN_DATA | SVM_CAP_MIGRATE,
	  .kinds = SCN_KIND(THP) | SCN_KIND(ANON_PRIVATE), .with_buf = munmap_remap_migrated_body },
};
const unsigned int svm_num_scenarios_munmap = ARRAY_SIZE(svm_scenarios_munmap);
