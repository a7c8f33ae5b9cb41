/* SPDX-License-Identifier: MIT */
/*
 * Migration to device memory and back.  Data must survive every move; a
 * CPU access brings a page back to system memory; pages the kernel cannot
 * move (shared, page cache, hugetlb) stay where they are, as the memory
 * kind's properties say (scn_migrate).  #included by svm_catalog.c.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../svm_scenario.h"

#define MIGRATE_DATA (SCN_DATA | SVM_CAP_MIGRATE)

/**
 * SUBTEST: migrate-cpu-read-%s
 * Description: %arg[1] filled by the CPU is migrated to device memory where
 *   the kind allows it (anonymous private memory moves, shared, file and
 *   hugetlb memory does not); the CPU then reads its data intact, which
 *   brings the pages back to system memory, and the device reads it too.
 *   (Private file mappings: see migrate-file-private.)
 * Functionality: migration, cpu fault
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @calloc-large: a large calloc(), its own zeroed mmap
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 * @mmap-shared:  a shared anonymous mapping (shmem)
 * @memfd-shared: a memfd mapped shared
 * @file-shared:  a /tmp file mapped shared
 * @hugetlb:      hugetlb pages
 * @stack:        the calling thread's stack
 * @mlocked:      mlock()ed anonymous memory
 */
static void migrate_cpu_read_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	size_t npages = scn_npages(ctx, buf->size);
	bool moved;

	svm_buf_fill(buf->ptr, buf->size, SEED_CPU);
	moved = scn_migrate(ctx, ctx->dev, buf->ptr, buf->size);
	scn_check(buf->ptr, buf->size, SEED_CPU, "CPU reads migrated memory");
	if (moved)
		scn_expect_residency(ctx->dev, buf->ptr, npages, SVM_RES_SYSTEM,
				     "after the CPU read");
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_CPU, "device reads it afterwards");
}

static void migrate_cpu_read(struct svm_scenario_ctx *ctx)
{
	scn_with_buf(ctx, scn_size(ctx), migrate_cpu_read_body);
}

/**
 * SUBTEST: migrate-to-system-%s
 * Description: %arg[1] migrated to device memory is migrated back
 *   explicitly, without a CPU fault: every page moves, and the data is
 *   intact.
 * Functionality: migration
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 */
static void migrate_to_system_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	size_t npages = scn_npages(ctx, buf->size);
	uint64_t back;

	svm_buf_fill(buf->ptr, buf->size, SEED_CPU);
	igt_assert(scn_migrate(ctx, ctx->dev, buf->ptr, buf->size));
	back = svm_migrate(ctx->dev, buf->ptr, buf->size, SVM_LOC_SYSTEM);
	igt_assert_eq_u64(back, npages);
	scn_expect_residency(ctx->dev, buf->ptr, npages, SVM_RES_SYSTEM, "after migrating back");
	scn_check(buf->ptr, buf->size, SEED_CPU, "CPU after migrating back");
}

static void migrate_to_system(struct svm_scenario_ctx *ctx)
{
	scn_with_buf(ctx, scn_size(ctx), migrate_to_system_body);
}

/**
 * SUBTEST: migrate-mixed-%s
 * Description: 2 MiB of %arg[1] are migrated to device memory, then the CPU
 *   writes one page in the middle (which comes back to system memory): the
 *   device reads and writes the whole mixed range correctly, and migrating
 *   it again moves every page.
 * Functionality: migration, cpu fault, residency
 *
 * arg[1]:
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 */
static void migrate_mixed_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	size_t npages = scn_npages(ctx, buf->size), mid = npages / 2, ps = ctx->page_size;
	char *p = buf->ptr, *want = scn_scratch(buf->size), *other = scn_scratch(buf->size);

	svm_buf_fill(p, buf->size, SEED_CPU);
	igt_assert(scn_migrate(ctx, ctx->dev, p, buf->size));

	/* One page takes the second pattern's bytes at the same offsets. */
	svm_buf_fill(want, buf->size, SEED_CPU);
	svm_buf_fill(other, buf->size, SEED_CPU + 1);
	memcpy(want + mid * ps, other + mid * ps, ps);
	memcpy(p + mid * ps, other + mid * ps, ps);

	scn_expect_residency(ctx->dev, p, mid, SVM_RES_LOCAL, "pages before the CPU-written one");
	scn_expect_residency(ctx->dev, p + mid * ps, 1, SVM_RES_SYSTEM, "the CPU-written page");
	scn_expect_residency(ctx->dev, p + (mid + 1) * ps, npages - mid - 1, SVM_RES_LOCAL,
			     "pages after the CPU-written one");
	scn_gpu_check_same(ctx->dev, p, want, buf->size, "device reads the mixed range");
	scn_expect_residency(ctx->dev, p, mid, SVM_RES_LOCAL, "device reads do not move pages");

	scn_gpu_fill(ctx->dev, p, buf->size, SEED_GPU);
	igt_assert(scn_migrate(ctx, ctx->dev, p, buf->size));
	scn_check(p, buf->size, SEED_GPU, "CPU reads the device's write");
}

static void migrate_mixed(struct svm_scenario_ctx *ctx)
{
	scn_with_buf(ctx, SZ_2M, migrate_mixed_body);
}

#define PING_PONG_ROUNDS 6

/**
 * SUBTEST: migrate-ping-pong-%s
 * Description: %arg[1] goes back and forth between device and system
 *   memory several times; each round the device writes the migrated pages,
 *   the CPU checks and rewrites them, and the device checks the CPU's data.
 * Functionality: migration, cpu fault, gpu write
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 */
static void migrate_ping_pong_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	for (uint32_t round = 0; round < PING_PONG_ROUNDS; round++) {
		igt_assert(scn_migrate(ctx, ctx->dev, buf->ptr, buf->size));
		scn_gpu_fill(ctx->dev, buf->ptr, buf->size, SEED_GPU + round);
		scn_check(buf->ptr, buf->size, SEED_GPU + round, "CPU reads the device's write");
		svm_buf_fill(buf->ptr, buf->size, SEED_CPU + round);
		scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_CPU + round,
			      "device reads the CPU's write");
	}
}

static void migrate_ping_pong(struct svm_scenario_ctx *ctx)
{
	scn_with_buf(ctx, scn_size(ctx), migrate_ping_pong_body);
}

/**
 * SUBTEST: migrate-untouched-%s
 * Description: %arg[1] that nobody touched is migrated: every page gets a
 *   device page, and the device and the CPU read zeroes.
 * Functionality: migration, zero fill
 *
 * arg[1]:
 * @calloc-large: a large calloc(), its own zeroed mmap
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 */
static void migrate_untouched_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	igt_assert(scn_migrate(ctx, ctx->dev, buf->ptr, buf->size));
	scn_gpu_check_zero(ctx->dev, buf->ptr, buf->size, "device reads migrated zeroes");
	scn_check_zero(buf->ptr, buf->size, "CPU reads migrated zeroes");
}

static void migrate_untouched(struct svm_scenario_ctx *ctx)
{
	scn_with_buf(ctx, scn_size(ctx), migrate_untouched_body);
}

/**
 * SUBTEST: migrate-file-private
 * Description: In a private mapping of a file, the CPU has written the first
 *   half (anonymous copy-on-write pages) and only read the second (page
 *   cache): migration moves exactly the written half, the device reads all
 *   of it, and unmapping the range with those pages in device memory leaves
 *   the file as it was.
 * Functionality: migration, file-backed memory, munmap
 * Kernel change: the zap_nonpresent_ptes() fix for device-private pages in
 *   a MAP_PRIVATE file VMA (Alistair Popple, 2026; Fixes: 999dad824c39
 *   ("mm/shmem: persist uffd-wp bit across zapping for file-backed"))
 */
static void migrate_file_private(struct svm_scenario_ctx *ctx)
{
	struct svm_buf *buf = scn_buf(svm_mem_kind(SVM_MEM_FILE_PRIVATE), 16 * ctx->page_size);
	size_t half = buf->size / 2, npages = scn_npages(ctx, buf->size);
	char *p = buf->ptr, *file = scn_scratch(buf->size), *want = scn_scratch(buf->size);
	volatile char sink;
	uint64_t moved = 0;
	char *again;

	svm_buf_fill(file, buf->size, SEED_CPU);
	igt_assert(pwrite(buf->fd, file, buf->size, 0) == (ssize_t)buf->size);
	memcpy(want, file, buf->size);
	svm_buf_fill(want, half, SEED_GPU);
	memcpy(p, want, half);
	for (size_t i = half; i < buf->size; i += ctx->page_size)
		sink = p[i];
	(void)sink;

	igt_assert_eq(__svm_migrate(ctx->dev, p, buf->size, SVM_LOC_DEVICE, &moved), 0);
	igt_assert_eq_u64(moved, npages / 2);
	scn_expect_residency(ctx->dev, p, npages / 2, SVM_RES_LOCAL, "the written half");
	scn_expect_not_residency(ctx->dev, p + half, npages / 2, SVM_RES_LOCAL, "the read half");
	scn_gpu_check_same(ctx->dev, p, want, buf->size, "device reads both halves");

	igt_assert(!munmap(p, buf->size));
	again = scn_mmap(NULL, buf->size, PROT_READ, MAP_PRIVATE, buf->fd, 0);
	scn_check_same(again, file, buf->size, "a new mapping shows the untouched file");
}

#define SVM_SCENARIOS_MIGRATE \
	{ "migrate-cpu-read", MIGRATE_DATA, SCN_KINDS_ALL & ~SCN_KIND(FILE_PRIVATE), false, \
	  migrate_cpu_read }, \
	{ "migrate-file-private", MIGRATE_DATA, 0, false, migrate_file_private }, \
	{ "migrate-to-system", MIGRATE_DATA, SCN_KINDS_ANON, false, migrate_to_system }, \
	{ "migrate-mixed", MIGRATE_DATA, SCN_KIND(THP) | SCN_KIND(ANON_PRIVATE), false, \
	  migrate_mixed }, \
	{ "migrate-ping-pong", MIGRATE_DATA, SCN_KINDS_ANON, false, migrate_ping_pong }, \
	{ "migrate-untouched", MIGRATE_DATA, \
	  SCN_KIND(CALLOC_LARGE) | SCN_KIND(THP) | SCN_KIND(ANON_PRIVATE), false, \
	  migrate_untouched },
