/* SPDX-License-Identifier: MIT */
/*
 * Address layouts that are not one neat page-aligned buffer: objects at odd
 * offsets and of odd sizes, straddling pages (some of them in device
 * memory), and a huge address range with a few scattered pages in use.
 */
#include <string.h>
#include <sys/mman.h>

#include "../svm_scenario.h"
#include "themes.h"

/* Offsets and lengths in bytes, as multiples of the page size plus a remainder. */
static const struct {
	int pages_off, off;
	int pages_len, len;
} unaligned_cases[] = {
	{ 0, 1, 0, 1 },		/* one byte */
	{ 0, 3, 0, 5 },		/* inside one word pair */
	{ 0, 17, 0, 100 },
	{ 1, -3, 0, 7 },	/* straddles a page boundary */
	{ 1, 5, 1, 0 },		/* a page's worth, off the boundary */
	{ 2, -1, 2, 2 },	/* one byte before, two pages, one byte after */
	{ 5, 123, 3, 457 },
};

/* Device write of @obj at an odd place, then both sides check object and background. */
static void unaligned_case(struct svm_scenario_ctx *ctx, struct svm_buf *buf, int i,
			   char *want)
{
	size_t ps = ctx->page_size;
	size_t off = unaligned_cases[i].pages_off * ps + unaligned_cases[i].off;
	size_t len = unaligned_cases[i].pages_len * ps + unaligned_cases[i].len;
	char *obj = want + off, *seen = scn_scratch(len);

	igt_assert(off + len <= buf->size);
	svm_buf_fill(obj, len, SEED_GPU + i);
	svm_gpu_write(ctx->dev, (char *)buf->ptr + off, obj, len);
	scn_check_same(buf->ptr, want, buf->size, "CPU reads object and background");
	svm_gpu_read(ctx->dev, seen, (char *)buf->ptr + off, len);
	scn_check_same(seen, obj, len, "device reads the object");

	svm_buf_fill(obj, len, SEED_CPU + i);
	memcpy((char *)buf->ptr + off, obj, len);
	scn_gpu_check_same(ctx->dev, buf->ptr, want, buf->size,
			   "device reads the CPU's object and the background");
}

/**
 * SUBTEST: unaligned-%s
 * Description: Objects at odd offsets and of odd sizes in %arg[1] (single
 *   bytes, a few words, page-sized runs straddling page boundaries) are
 *   written by the device and read by the CPU, and the other way round;
 *   the bytes around each object never change.
 * Functionality: sub-page access
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @mmap-private: a private anonymous mapping
 * @mmap-shared:  a shared anonymous mapping (shmem)
 * @stack:        the calling thread's stack
 */
static void unaligned_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	char *want = scn_scratch(buf->size);

	svm_buf_fill(buf->ptr, buf->size, SEED_CPU);
	svm_buf_fill(want, buf->size, SEED_CPU);
	for (int i = 0; i < (int)ARRAY_SIZE(unaligned_cases); i++)
		unaligned_case(ctx, buf, i, want);
}

/**
 * SUBTEST: unaligned-migrated-%s
 * Description: An object of %arg[1] straddles two pages of which only the
 *   first is migrated to device memory: the device reads and writes it at
 *   its odd offset, the CPU reads it, and the bytes around it never change.
 * Functionality: sub-page access, migration
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @mmap-private: a private anonymous mapping
 * @stack:        the calling thread's stack
 */
static void unaligned_migrated_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	size_t ps = ctx->page_size, off = 3 * ps - 777, len = 1500;
	char *p = buf->ptr, *want = scn_scratch(buf->size), *seen = scn_scratch(len);

	svm_buf_fill(p, buf->size, SEED_CPU);
	svm_buf_fill(want, buf->size, SEED_CPU);
	igt_assert(scn_migrate(ctx, ctx->dev, p + 2 * ps, ps));
	scn_expect_residency(ctx->dev, p + 3 * ps, 1, SVM_RES_SYSTEM, "the second page");

	svm_gpu_read(ctx->dev, seen, p + off, len);
	scn_check_same(seen, want + off, len, "device reads the straddling object");
	svm_buf_fill(want + off, len, SEED_GPU);
	svm_gpu_write(ctx->dev, p + off, want + off, len);
	scn_check_same(p, want, buf->size, "CPU reads object and background");
}

#define SPARSE_SIZE (1ul << 30)
#define SPARSE_STEP (32ul << 20)

/**
 * SUBTEST: sparse
 * Description: In a 1 GiB anonymous range the device writes one page every
 *   32 MiB (and the last page); the CPU finds each, and the device and the
 *   CPU read zeroes half way between them, where nothing was ever touched.
 * Functionality: sparse address space, gpu write
 */
static void sparse(struct svm_scenario_ctx *ctx)
{
	size_t ps = ctx->page_size;
	char *base = scn_mmap(NULL, SPARSE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	size_t off;
	uint32_t n;

	for (off = 0, n = 0; off < SPARSE_SIZE; off += SPARSE_STEP, n++)
		scn_gpu_fill(ctx->dev, base + off, ps, SEED_GPU + n);
	scn_gpu_fill(ctx->dev, base + SPARSE_SIZE - ps, ps, SEED_GPU + n);
	for (off = 0, n = 0; off < SPARSE_SIZE; off += SPARSE_STEP, n++) {
		scn_check(base + off, ps, SEED_GPU + n, "CPU reads a device-written page");
		scn_expect_residency(ctx->dev, base + off + SPARSE_STEP / 2, 1, SVM_RES_NONE,
				     "an untouched page");
		scn_gpu_check_zero(ctx->dev, base + off + SPARSE_STEP / 2, ps,
				   "device reads an untouched page");
		scn_check_zero(base + off + SPARSE_STEP / 2, ps, "CPU reads an untouched page");
	}
	scn_check(base + SPARSE_SIZE - ps, ps, SEED_GPU + n, "CPU reads the last page");
}

const struct svm_scenario svm_scenarios_layout[] = {
	{ .name = "unaligned", .needs = SCN_DATA | SVM_CAP_SUBPAGE,
	  .kinds = SCN_KIND(MALLOC) | SCN_KIND(ANON_PRIVATE) | SCN_KIND(ANON_SHARED) |
		   SCN_KIND(STACK),
	  .with_buf = unaligned_body },
	{ .name = "unaligned-migrated", .needs = SCN_DATA | SVM_CAP_SUBPAGE | SVM_CAP_MIGRATE,
	  .kinds = SCN_KIND(MALLOC) | SCN_KIND(ANON_PRIVATE) | SCN_KIND(STACK),
	  .with_buf = unaligned_migrated_body },
	{ .name = "sparse", .needs = SCN_DATA, .run = sparse },
};
const unsigned int svm_num_scenarios_layout = ARRAY_SIZE(svm_scenarios_layout);
