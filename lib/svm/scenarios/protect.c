/* SPDX-License-Identifier: MIT */
/*
 * CPU protections bind the device too: a read-only mapping can be read but
 * not written by the device, a PROT_NONE one not accessed at all, and a
 * refused access changes nothing.
 */
#include <sys/mman.h>

#include "../svm_scenario.h"
#include "themes.h"

/**
 * SUBTEST: read-only-%s
 * Description: %arg[1] made read-only with mprotect(): the device reads it,
 *   a device write is refused with EPERM and changes nothing; once writable
 *   again the device writes it.
 * Functionality: protection, gpu write
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @calloc-large: a large calloc(), its own zeroed mmap
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 * @mmap-shared:  a shared anonymous mapping (shmem)
 * @memfd-shared: a memfd mapped shared
 * @file-private: a /tmp file mapped private (copy-on-write)
 * @file-shared:  a /tmp file mapped shared
 * @hugetlb:      hugetlb pages
 * @mlocked:      mlock()ed anonymous memory
 */
static void read_only_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	void *tmp = scn_scratch(buf->size);

	svm_buf_fill(buf->ptr, buf->size, SEED_CPU);
	scn_protect(buf->ptr, buf->size, PROT_READ);
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_CPU, "device reads read-only memory");
	svm_buf_fill(tmp, buf->size, SEED_GPU);
	igt_assert_eq(__svm_gpu_write(ctx->dev, buf->ptr, tmp, buf->size), SCN_ERR_READ_ONLY);
	scn_check(buf->ptr, buf->size, SEED_CPU, "CPU after the refused device write");
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_CPU,
		      "device after its refused write");

	scn_protect(buf->ptr, buf->size, PROT_READ | PROT_WRITE);
	scn_gpu_fill(ctx->dev, buf->ptr, buf->size, SEED_GPU);
	scn_check(buf->ptr, buf->size, SEED_GPU, "CPU after the device write to writable memory");
}

/**
 * SUBTEST: prot-none-%s
 * Description: %arg[1] made PROT_NONE: device reads and writes are refused
 *   with EFAULT; once accessible again the data is unchanged for the CPU
 *   and the device.
 * Functionality: protection
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 * @mmap-shared:  a shared anonymous mapping (shmem)
 * @file-shared:  a /tmp file mapped shared
 */
static void prot_none_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	svm_buf_fill(buf->ptr, buf->size, SEED_CPU);
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_CPU, "device reads before PROT_NONE");
	scn_protect(buf->ptr, buf->size, PROT_NONE);
	scn_gpu_refused(ctx->dev, buf->ptr, buf->size, SCN_ERR_NO_ACCESS, "PROT_NONE memory");
	scn_protect(buf->ptr, buf->size, PROT_READ | PROT_WRITE);
	scn_check(buf->ptr, buf->size, SEED_CPU, "CPU after the refused accesses");
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_CPU, "device after the refused accesses");
}

const struct svm_scenario svm_scenarios_protect[] = {
	{ .name = "read-only", .needs = SVM_CAP_GPU_READ | SVM_CAP_GPU_WRITE,
	  .kinds = SVM_MEM_ALL & ~SCN_KIND(STACK), .with_buf = read_only_body },
	{ .name = "prot-none", .needs = SVM_CAP_GPU_READ | SVM_CAP_GPU_WRITE,
	  .kinds = SCN_KIND(MALLOC) | SCN_KIND(THP) | SCN_KIND(ANON_PRIVATE) |
		   SCN_KIND(ANON_SHARED) | SCN_KIND(FILE_SHARED),
	  .with_buf = prot_none_body },
};
const unsigned int svm_num_scenarios_protect = ARRAY_SIZE(svm_scenarios_protect);
