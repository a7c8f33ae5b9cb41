/* SPDX-License-Identifier: MIT */
/*
 * Migration to device memory and back.  Data must survive every move; a
 * CPU access brings a page back to system memory; pages the kernel cannot
 * move (shared, page cache, hugetlb) stay where they are, as the memory
 * kind's properties say (scn_migrate).
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../svm_scenario.h"
#include "themes.h"

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

/*
 * Where the pages of a migrated range are after the CPU wrote page @mid:
 * the kernel guarantees that the page the CPU touched is back in system
 * memory once the access completes (and that the data of every page is
 * intact, checked by the caller).  Which neighbours come back with it is
 * the kernel's choice: Linux 6.12 migrates the one 4K page back, 7.3 the
 * whole device-private THP the page was part of (512 pages).  Returns where
 * the other pages are: SVM_RES_LOCAL (one page came back) or, for memory
 * that may be huge pages, SVM_RES_SYSTEM (the whole range came back as one
 * THP); any other mix fails, as does a backend without residency queries
 * (SVM_RES_UNKNOWN is returned then and nothing is checked).
 */
static enum svm_residency fault_back_choice(struct svm_scenario_ctx *ctx, const char *p,
					    size_t npages, size_t mid)
{
	struct svm_page_state *st = scn_scratch(npages * sizeof(*st));
	size_t local = 0, system = 0;

	if (!svm_dev_has(ctx->dev, SVM_CAP_RESIDENCY))
		return SVM_RES_UNKNOWN;
	svm_query(ctx->dev, p, npages, st);
	igt_assert_f(st[mid].where == SVM_RES_SYSTEM,
		     "the CPU-written page %zu is %s, expected system\n", mid,
		     svm_residency_name(st[mid].where));
	for (size_t i = 0; i < npages; i++) {
		if (i == mid)
			continue;
		local += st[i].where == SVM_RES_LOCAL;
		system += st[i].where == SVM_RES_SYSTEM;
	}
	if (local == npages - 1)
		return SVM_RES_LOCAL;
	igt_assert_f(system == npages - 1 && scn_has(ctx, SVM_MEM_PROP_HUGE),
		     "after the CPU write to page %zu of %zu: %zu other pages in device memory, "
		     "%zu in system memory; expected all %zu in one place (4K fault-back, or the "
		     "whole THP%s)\n", mid, npages, local, system, npages - 1,
		     scn_has(ctx, SVM_MEM_PROP_HUGE) ? "" : ", which this memory cannot be");
	igt_info("the kernel brought the whole THP back on the CPU fault\n");
	return SVM_RES_SYSTEM;
}

/**
 * SUBTEST: migrate-mixed-%s
 * Description: 2 MiB of %arg[1] are migrated to device memory, then the CPU
 *   writes one page in the middle, which comes back to system memory (alone,
 *   or with the whole THP it belonged to: either is the kernel's choice):
 *   the device reads and writes the whole mixed range correctly without
 *   moving it, and migrating it again moves every page.
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
	enum svm_residency rest;

	svm_buf_fill(p, buf->size, SEED_CPU);
	igt_assert(scn_migrate(ctx, ctx->dev, p, buf->size));

	/* One page takes the second pattern's bytes at the same offsets. */
	svm_buf_fill(want, buf->size, SEED_CPU);
	svm_buf_fill(other, buf->size, SEED_CPU + 1);
	memcpy(want + mid * ps, other + mid * ps, ps);
	memcpy(p + mid * ps, other + mid * ps, ps);

	rest = fault_back_choice(ctx, p, npages, mid);
	scn_gpu_check_same(ctx->dev, p, want, buf->size, "device reads the mixed range");
	if (rest != SVM_RES_UNKNOWN) {
		scn_expect_residency(ctx->dev, p, mid, rest, "device reads do not move pages");
		scn_expect_residency(ctx->dev, p + (mid + 1) * ps, npages - mid - 1, rest,
				     "device reads do not move pages");
	}

	scn_gpu_fill(ctx->dev, p, buf->size, SEED_GPU);
	igt_assert(scn_migrate(ctx, ctx->dev, p, buf->size));
	scn_check(p, buf->size, SEED_GPU, "CPU reads the device's write");
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
	char *p = buf->ptr, *want = scn_scratch(buf->size);
	volatile char sink;
	uint64_t moved = 0;
	char *again;

	scn_file_fill(buf, SEED_CPU);
	svm_buf_fill(want, buf->size, SEED_CPU);
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
	scn_check(again, buf->size, SEED_CPU, "a new mapping shows the untouched file");
}

const struct svm_scenario svm_scenarios_migrate[] = {
	{ .name = "migrate-cpu-read", .needs = MIGRATE_DATA,
	  .kinds = SCN_KINDS_ALL & ~SCN_KIND(FILE_PRIVATE), .with_buf = migrate_cpu_read_body },
	{ .name = "migrate-file-private", .needs = MIGRATE_DATA, .run = migrate_file_private },
	{ .name = "migrate-to-system", .needs = MIGRATE_DATA, .kinds = SCN_KINDS_ANON,
	  .with_buf = migrate_to_system_body },
	/* 2 MiB for every kind, mmap-private too: the mixed range is one huge page's span. */
	{ .name = "migrate-mixed", .needs = MIGRATE_DATA,
	  .kinds = SCN_KIND(THP) | SCN_KIND(ANON_PRIVATE),
	  .with_buf = migrate_mixed_body, .buf_size = SZ_2M },
	{ .name = "migrate-ping-pong", .needs = MIGRATE_DATA, .kinds = SCN_KINDS_ANON,
	  .with_buf = migrate_ping_pong_body },
	{ .name = "migrate-untouched", .needs = MIGRATE_DATA,
	  .kinds = SCN_KIND(CALLOC_LARGE) | SCN_KIND(THP) | SCN_KIND(ANON_PRIVATE),
	  .with_buf = migrate_untouched_body },
};
const unsigned int svm_num_scenarios_migrate = ARRAY_SIZE(svm_scenarios_migrate);
