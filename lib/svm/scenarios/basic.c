/* SPDX-License-Identifier: MIT */
/*
 * Basic data movement between the CPU and the device through shared
 * virtual addresses, on every kind of memory.
 */
#include <string.h>

#include "../svm_scenario.h"
#include "themes.h"

/**
 * SUBTEST: gpu-write-cpu-read-%s
 * Description: The device writes a pattern into %arg[1]; the CPU, then the
 *   device, read it back intact.
 * Functionality: gpu write, cpu read
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
 * @stack:        the calling thread's stack
 * @mlocked:      mlock()ed anonymous memory
 */
static void gpu_write_cpu_read_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	scn_gpu_fill(ctx->dev, buf->ptr, buf->size, SEED_GPU);
	scn_check(buf->ptr, buf->size, SEED_GPU, "CPU reads the device's write");
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_GPU, "device reads its own write");
}

/**
 * SUBTEST: cpu-write-gpu-read-%s
 * Description: The CPU writes a pattern into %arg[1] and the device reads
 *   it; the CPU overwrites it and the device must see the new data, not a
 *   stale copy.
 * Functionality: cpu write, gpu read, coherence
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
 * @stack:        the calling thread's stack
 * @mlocked:      mlock()ed anonymous memory
 */
static void cpu_write_gpu_read_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	svm_buf_fill(buf->ptr, buf->size, SEED_CPU);
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_CPU, "device reads the CPU's write");
	svm_buf_fill(buf->ptr, buf->size, SEED_CPU + 1);
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_CPU + 1,
		      "device reads the CPU's second write");
}

/**
 * SUBTEST: gpu-copy-%s
 * Description: The device copies the first half of a buffer of %arg[1]
 *   into its second half; the CPU finds the copy and an untouched source.
 * Functionality: gpu copy
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
 * @stack:        the calling thread's stack
 * @mlocked:      mlock()ed anonymous memory
 */
static void gpu_copy_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	size_t half = buf->size / 2;
	char *src = buf->ptr, *dst = src + half;

	svm_buf_fill(src, half, SEED_CPU);
	svm_buf_fill(dst, half, SEED_CPU + 1);
	svm_gpu_copy(ctx->dev, dst, src, half);
	scn_check(dst, half, SEED_CPU, "CPU reads the copy");
	scn_check(src, half, SEED_CPU, "CPU reads the source");
}

/**
 * SUBTEST: untouched-reads-zero-%s
 * Description: The device reads %arg[1] that nobody touched and finds
 *   zeroes, as the CPU does; one CPU store afterwards is then seen by the
 *   device.
 * Functionality: gpu read, zero fill
 *
 * arg[1]:
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
static void untouched_reads_zero_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	uint32_t *word = (uint32_t *)((char *)buf->ptr + buf->size / 2 + 12);
	uint32_t *seen = scn_scratch(buf->size);

	igt_assert_f(scn_has(ctx, SVM_MEM_PROP_ZEROED), "%s is not zeroed memory\n",
		     ctx->kind->name);
	scn_gpu_check_zero(ctx->dev, buf->ptr, buf->size, "device reads untouched memory");
	scn_check_zero(buf->ptr, buf->size, "CPU reads untouched memory");
	*word = 0xc0ffee11;
	svm_gpu_read(ctx->dev, seen, buf->ptr, buf->size);
	igt_assert_eq_u32(seen[(word - (uint32_t *)buf->ptr)], 0xc0ffee11);
	seen[word - (uint32_t *)buf->ptr] = 0;
	scn_check_zero(seen, buf->size, "device reads the rest after one CPU store");
}

const struct svm_scenario svm_scenarios_basic[] = {
	{ .name = "gpu-write-cpu-read", .needs = SCN_DATA, .kinds = SCN_KINDS_ALL,
	  .with_buf = gpu_write_cpu_read_body },
	{ .name = "cpu-write-gpu-read", .needs = SVM_CAP_GPU_READ, .kinds = SCN_KINDS_ALL,
	  .with_buf = cpu_write_gpu_read_body },
	{ .name = "gpu-copy", .needs = SVM_CAP_GPU_COPY, .kinds = SCN_KINDS_ALL,
	  .with_buf = gpu_copy_body },
	{ .name = "untouched-reads-zero", .needs = SVM_CAP_GPU_READ,
	  .kinds = SVM_MEM_ALL & ~(SCN_KIND(MALLOC) | SCN_KIND(STACK)),
	  .with_buf = untouched_reads_zero_body },
};
const unsigned int svm_num_scenarios_basic = ARRAY_SIZE(svm_scenarios_basic);
