/* SPDX-License-Identifier: MIT */
/*
 * MADV_DONTNEED on memory the device has written: the pages are dropped
 * from the process, and the device must then read what the CPU reads.
 * That is zeroes for private anonymous memory, the file's content for a
 * private file mapping, and the data itself for shared memory, whose pages
 * live on in the shared object.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../svm_scenario.h"
#include "themes.h"

/**
 * SUBTEST: madv-dontneed-%s
 * Description: The device writes %arg[1], which is then dropped with the
 *   MADV_DONTNEED advice; the device and the CPU read zeroes for private anonymous
 *   memory, the file's content for a private file mapping, and the device's
 *   data for shared memory.
 * Functionality: madvise, invalidation
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 * @mmap-shared:  a shared anonymous mapping (shmem)
 * @memfd-shared: a memfd mapped shared
 * @file-private: a /tmp file mapped private (copy-on-write)
 * @file-shared:  a /tmp file mapped shared
 */
static void madv_dontneed_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	bool file = scn_has(ctx, SVM_MEM_PROP_FILE), shared = scn_has(ctx, SVM_MEM_PROP_SHARED);

	if (file)
		scn_file_fill(buf, SEED_CPU);
	scn_gpu_fill(ctx->dev, buf->ptr, buf->size, SEED_GPU);
	scn_check(buf->ptr, buf->size, SEED_GPU, "CPU before MADV_DONTNEED");
	igt_assert_f(!madvise(buf->ptr, buf->size, MADV_DONTNEED), "madvise: %s\n",
		     strerror(errno));

	/* The device first: a stale device mapping would still show the old pages. */
	if (shared) {
		scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_GPU, "device, shared memory");
		scn_check(buf->ptr, buf->size, SEED_GPU, "CPU, shared memory");
	} else if (file) {
		scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_CPU,
			      "device, the file's content");
		scn_check(buf->ptr, buf->size, SEED_CPU, "CPU, the file's content");
	} else {
		scn_gpu_check_zero(ctx->dev, buf->ptr, buf->size, "device, anonymous memory");
		scn_check_zero(buf->ptr, buf->size, "CPU, anonymous memory");
	}
}

/**
 * SUBTEST: madv-dontneed-migrated-%s
 * Description: %arg[1] migrated to device memory is dropped with the
 *   MADV_DONTNEED advice; the device pages are gone and the device and the
 *   CPU read zeroes.
 * Functionality: madvise, migration
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 */
static void madv_dontneed_migrated_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	svm_buf_fill(buf->ptr, buf->size, SEED_CPU);
	igt_assert(scn_migrate(ctx, ctx->dev, buf->ptr, buf->size));
	igt_assert_f(!madvise(buf->ptr, buf->size, MADV_DONTNEED), "madvise: %s\n",
		     strerror(errno));
	scn_expect_residency(ctx->dev, buf->ptr, scn_npages(ctx, buf->size), SVM_RES_NONE,
			     "after MADV_DONTNEED");
	scn_gpu_check_zero(ctx->dev, buf->ptr, buf->size, "device after MADV_DONTNEED");
	scn_check_zero(buf->ptr, buf->size, "CPU after MADV_DONTNEED");
}

const struct svm_scenario svm_scenarios_madvise[] = {
	{ .name = "madv-dontneed", .needs = SCN_DATA,
	  .kinds = SCN_KINDS_ANON | SCN_KINDS_SHARED | SCN_KIND(FILE_PRIVATE),
	  .with_buf = madv_dontneed_body },
	{ .name = "madv-dontneed-migrated", .needs = SCN_DATA | SVM_CAP_MIGRATE,
	  .kinds = SCN_KINDS_ANON, .with_buf = madv_dontneed_migrated_body },
};
const unsigned int svm_num_scenarios_madvise = ARRAY_SIZE(svm_scenarios_madvise);
