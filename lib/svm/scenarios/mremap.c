/* SPDX-License-Identifier: MIT */
/*
 * mremap() of memory the device has touched: the device must follow the
 * pages to their new address, lose the old one, and see grown memory as
 * fresh.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "../svm_scenario.h"
#include "themes.h"

/* A 2 MiB-aligned inaccessible reservation of @len bytes, to move into. */
static char *reserve(size_t len)
{
	char *res = scn_mmap(NULL, len + SZ_2M, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return (char *)(((uintptr_t)res + SZ_2M - 1) & ~(SZ_2M - 1));
}

/**
 * SUBTEST: mremap-move-%s
 * Description: %arg[1] written by the device is moved by mremap(): the
 *   device reads the data at the new address, its accesses to the old
 *   address fail with EFAULT, and it writes the new address.
 * Functionality: mremap, invalidation
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
static void mremap_move_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	char *to = reserve(buf->size);
	char *moved;

	scn_gpu_fill(ctx->dev, buf->ptr, buf->size, SEED_GPU);
	moved = mremap(buf->ptr, buf->size, buf->size, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	igt_assert_f(moved == to, "mremap: %s\n", strerror(errno));

	scn_gpu_refused(ctx->dev, buf->ptr, buf->size, SCN_ERR_NO_ACCESS, "the old address");
	scn_plug(buf->ptr, buf->size);
	scn_gpu_check(ctx->dev, moved, buf->size, SEED_GPU, "device at the new address");
	scn_check(moved, buf->size, SEED_GPU, "CPU at the new address");
	scn_gpu_fill(ctx->dev, moved, buf->size, SEED_GPU + 1);
	scn_check(moved, buf->size, SEED_GPU + 1, "CPU after a device write at the new address");
}

/**
 * SUBTEST: mremap-grow-%s
 * Description: %arg[1] written by the device is grown to twice its size by
 *   mremap() (moving if it must): the device reads the old data and zeroes
 *   in the new part, and writes the new part.
 * Functionality: mremap
 *
 * arg[1]:
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 * @mlocked:      mlock()ed anonymous memory
 */
static void mremap_grow_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	size_t len = buf->size;
	char *grown, *tail;

	scn_gpu_fill(ctx->dev, buf->ptr, len, SEED_GPU);
	grown = mremap(buf->ptr, len, 2 * len, MREMAP_MAYMOVE);
	igt_assert_f(grown != MAP_FAILED, "mremap: %s\n", strerror(errno));
	scn_track_mapping(grown, 2 * len);
	if (grown != (char *)buf->ptr) {
		scn_gpu_refused(ctx->dev, buf->ptr, len, SCN_ERR_NO_ACCESS, "the old address");
		scn_plug(buf->ptr, len);
	}
	tail = grown + len;
	scn_gpu_check(ctx->dev, grown, len, SEED_GPU, "device reads the old part");
	scn_gpu_check_zero(ctx->dev, tail, len, "device reads the new part");
	scn_gpu_fill(ctx->dev, tail, len, SEED_GPU + 1);
	scn_check(tail, len, SEED_GPU + 1, "CPU reads the device's write to the new part");
	scn_check(grown, len, SEED_GPU, "CPU reads the old part");
}

/**
 * SUBTEST: mremap-shrink-%s
 * Description: %arg[1] written by the device is shrunk to half by mremap():
 *   the kept half keeps its data for the device and the CPU, device accesses
 *   to the cut half fail with EFAULT.
 * Functionality: mremap, invalidation
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
static void mremap_shrink_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	size_t half = buf->size / 2;
	char *p = buf->ptr, *want = scn_scratch(buf->size);

	svm_buf_fill(want, buf->size, SEED_GPU);
	svm_gpu_write(ctx->dev, p, want, buf->size);
	/* A device read, so the half is cut with the pages where the write left them. */
	scn_gpu_check_same(ctx->dev, p + half, want + half, half, "device reads the half to cut");
	igt_assert_f(mremap(p, buf->size, half, 0) == p, "mremap: %s\n", strerror(errno));
	scn_gpu_refused(ctx->dev, p + half, half, SCN_ERR_NO_ACCESS, "the cut half");
	scn_plug(p + half, half);
	scn_gpu_check_same(ctx->dev, p, want, half, "device reads the kept half");
	scn_check_same(p, want, half, "CPU reads the kept half");
}

/**
 * SUBTEST: mremap-dontunmap-%s
 * Description: %arg[1] written by the device is moved by mremap() with the
 *   MREMAP_DONTUNMAP flag; the data follows to the new address, and the old
 *   address, still mapped, reads zeroes for the device and the CPU.
 * Functionality: mremap, invalidation, stale data
 *
 * arg[1]:
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 */
static void mremap_dontunmap_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	char *to = reserve(buf->size);
	char *moved;

	scn_gpu_fill(ctx->dev, buf->ptr, buf->size, SEED_GPU);
	moved = mremap(buf->ptr, buf->size, buf->size,
		       MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, to);
	igt_assert_f(moved == to, "mremap: %s\n", strerror(errno));
	scn_gpu_check(ctx->dev, moved, buf->size, SEED_GPU, "device at the new address");
	scn_gpu_check_zero(ctx->dev, buf->ptr, buf->size, "device at the old address");
	scn_check_zero(buf->ptr, buf->size, "CPU at the old address");
	scn_check(moved, buf->size, SEED_GPU, "CPU at the new address");
}

const struct svm_scenario svm_scenarios_mremap[] = {
	{ .name = "mremap-move", .needs = SCN_DATA, .kinds = SCN_KINDS_MAPPED,
	  .with_buf = mremap_move_body },
	{ .name = "mremap-grow", .needs = SCN_DATA,
	  .kinds = SCN_KIND(THP) | SCN_KIND(ANON_PRIVATE) | SCN_KIND(MLOCKED),
	  .with_buf = mremap_grow_body },
	{ .name = "mremap-shrink", .needs = SCN_DATA, .kinds = SCN_KINDS_MAPPED,
	  .with_buf = mremap_shrink_body },
	{ .name = "mremap-dontunmap", .needs = SCN_DATA,
	  .kinds = SCN_KIND(THP) | SCN_KIND(ANON_PRIVATE), .with_buf = mremap_dontunmap_body },
};
const unsigned int svm_num_scenarios_mremap = ARRAY_SIZE(svm_scenarios_mremap);
