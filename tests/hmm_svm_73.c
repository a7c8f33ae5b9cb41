/* SPDX-License-Identifier: MIT */
/*
 * hmm_svm's subtests of what Linux 7.3's test_hmm adds: device-private
 * THP migration (a huge page moves to the device as one device huge page,
 * mapped by a PMD), the FLAGS command with FAIL_ALLOC for the 4K fallback
 * of both directions, and READ_UNLOCKED.  Each skips with the reason on a
 * test_hmm without the command it needs, found by asking it.
 *
 * Documented through hmm_svm.c's TEST block (Scenario catalog field).
 *
 * Two things 7.3's test_hmm does that these subtests steer clear of, since
 * they crash that kernel and are not what is tested here: a device WRITE or
 * READ that has to fault while pages of the range sit in the device's own
 * memory (test_hmm then maps the device page itself instead of its backing
 * page).  So whatever an invalidation may have unmirrored is brought back by
 * CPU reads, and only SNAPSHOT (which never faults) looks at device memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hmm/hmm_dmirror_ext.h"
#include "hmm_svm_73.h"
#include "svm/svm_scenario.h"

/* <sys/mman.h> of glibc < 2.37 lacks it; the kernel's number since 6.1. */
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

#define LOCAL HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL
#define PROT_R HMM_DMIRROR_PROT_READ
#define PROT_W HMM_DMIRROR_PROT_WRITE
#define PMD HMM_DMIRROR_PROT_PMD
#define KIND_MASK 0xf0

/* The page the CPU touches inside a huge page: on no natural boundary. */
#define TOUCH_PAGE 301

/* ---- helpers -------------------------------------------------------------- */

static size_t thp_pages(const struct svm_scenario_ctx *ctx)
{
	return SZ_2M / ctx->page_size;
}

static const char *prot_name(uint8_t raw)
{
	static char buf[4][64];
	static int next;
	char *b = buf[next++ % 4];

	return hmm_prot_name(raw, b, sizeof(buf[0]));
}

/* SNAPSHOT of @npages pages at @addr, one HMM_DMIRROR_PROT_* byte each. */
static uint8_t *snapshot(struct svm_dev *dev, const void *addr, size_t npages)
{
	uint8_t *raw = scn_scratch(npages);
	struct hmm_dmirror_cmd cmd;
	int ret = __hmm_cmd(dev, HMM_DMIRROR_SNAPSHOT, (void *)addr, raw, npages, &cmd);

	igt_assert_f(ret == 0, "SNAPSHOT of %p (%zu pages) on %s: %s\n", addr, npages,
		     dev->info.devnode, strerror(-ret));
	igt_assert_eq_u64(cmd.cpages, npages);
	return raw;
}

/* A system page: mapped (read or write), of kind "system" or the zero page. */
static bool in_system(uint8_t raw)
{
	uint8_t kind = raw & KIND_MASK;

	return raw != HMM_DMIRROR_PROT_ERROR && (raw & (PROT_R | PROT_W)) &&
	       (kind == 0 || kind == HMM_DMIRROR_PROT_ZERO);
}

static void expect_in_system(struct svm_dev *dev, const void *addr, size_t npages,
			     const char *what)
{
	uint8_t *raw = snapshot(dev, addr, npages);

	for (size_t i = 0; i < npages; i++)
		igt_assert_f(in_system(raw[i]), "%s: page %zu is %#04x (%s), expected a "
			     "system page\n", what, i, raw[i], prot_name(raw[i]));
}

/* MIGRATE_TO_DEV, which must succeed; the device's copy goes to @copy. */
static uint64_t migrate(struct svm_dev *dev, void *addr, size_t npages, void *copy)
{
	struct hmm_dmirror_cmd cmd;
	int ret = __hmm_cmd(dev, HMM_DMIRROR_MIGRATE_TO_DEV, addr, copy, npages, &cmd);

	igt_assert_f(ret == 0, "MIGRATE_TO_DEV of %p (%zu pages) on %s: %s\n", addr, npages,
		     dev->info.devnode, strerror(-ret));
	return cmd.cpages;
}

/* Migrates the huge page at @p, asserting every page moved and the device's copy is @want. */
static void migrate_thp(struct svm_scenario_ctx *ctx, struct svm_dev *dev, char *p,
			const char *want)
{
	char *copy = scn_scratch(SZ_2M);

	memset(copy, 0xa5, SZ_2M);
	igt_assert_eq_u64(migrate(dev, p, thp_pages(ctx), copy), thp_pages(ctx));
	if (want)
		scn_check_same(copy, want, SZ_2M, "the device's copy of the migrated range");
	else
		scn_check_zero(copy, SZ_2M, "the device's copy of the migrated range");
}

/*
 * A 2 MiB-aligned anonymous private range of @prot, MADV_HUGEPAGE when
 * @advise; untouched.
 */
static char *thp_range(int prot, bool advise)
{
	char *map = scn_mmap(NULL, 2 * SZ_2M, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p = (char *)(((uintptr_t)map + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1));

	if (advise)
		igt_assert_f(!madvise(p, SZ_2M, MADV_HUGEPAGE), "MADV_HUGEPAGE: %s\n",
			     strerror(errno));
	return p;
}

/* A populated transparent huge page holding SEED_CPU data, copied to @want. */
static char *thp_filled(char *want)
{
	struct svm_buf *buf = scn_buf(svm_mem_kind(SVM_MEM_THP), SZ_2M);

	svm_buf_fill(want, SZ_2M, SEED_CPU);
	memcpy(buf->ptr, want, SZ_2M);
	scn_require_thp(buf->ptr, SZ_2M);
	return buf->ptr;
}

#define THP_USE_ZERO_PAGE "/sys/kernel/mm/transparent_hugepage/use_zero_page"

/*
 * A read-only 2 MiB range on the huge zero page; skips where there is none.
 * test_hmm's SNAPSHOT has no word for it (its ZERO is the 4K zero page
 * only): it reads READ|PMD.  With use_zero_page on, a CPU read of a
 * never-written range that ends up mapped by a read-only PMD is that page.
 */
static char *huge_zero_range(struct svm_scenario_ctx *ctx)
{
	FILE *f = fopen(THP_USE_ZERO_PAGE, "r");
	int on = 0;
	char *p;
	uint8_t *raw;

	igt_require_f(f, "no %s: kernel without CONFIG_TRANSPARENT_HUGEPAGE\n",
		      THP_USE_ZERO_PAGE);
	if (fscanf(f, "%d", &on) != 1)
		on = 0;
	fclose(f);
	igt_require_f(on == 1, "%s is not 1: no huge zero page\n", THP_USE_ZERO_PAGE);

	p = thp_range(PROT_READ, true);
	scn_check_zero(p, ctx->page_size, "the CPU's read of the untouched range");
	raw = snapshot(ctx->dev, p, thp_pages(ctx));
	for (size_t i = 0; i < thp_pages(ctx); i++)
		igt_require_f(raw[i] == (PROT_R | PMD), "a CPU read of a MADV_HUGEPAGE range "
			      "left page %zu %s, not the huge zero page (read|pmd): THP off?\n",
			      i, prot_name(raw[i]));
	return p;
}

/* Skips without device-private THP migration, whose test_hmm came with FLAGS. */
static void require_device_thp(struct svm_scenario_ctx *ctx)
{
	hmm_dmirror_require_flags(ctx->dev);
	/*
	 * The device-THP subtests are written for a 2 MiB PMD (4K pages);
	 * with 64K pages it is 512 MiB, over SVM_THP_MAX like every THP
	 * buffer of the suite.
	 */
	igt_require_f(svm_thp_size() == SZ_2M, "the PMD huge page is %zu MiB here: these device-THP "
		      "subtests are sized for 2 MiB (4K pages)\n", svm_thp_size() >> 20);
}

/*
 * The CPU reads TOUCH_PAGE of a device huge page holding @want (NULL:
 * zeroes).  That page must be back in system memory; the rest may have
 * come with it (7.3 migrates the whole device huge page) or stay on the
 * device as 4K pages, with @rest's protection.  Returns how many came back.
 */
static size_t touch_one_page(struct svm_scenario_ctx *ctx, struct svm_dev *dev, char *p,
			     const char *want, uint8_t rest)
{
	size_t ps = ctx->page_size, at = TOUCH_PAGE * ps, back = 0;
	uint8_t *raw;

	if (want)
		scn_check_same(p + at, want + at, ps, "the CPU's read of one migrated page");
	else
		scn_check_zero(p + at, ps, "the CPU's read of one migrated page");
	raw = snapshot(dev, p, thp_pages(ctx));
	igt_assert_f(in_system(raw[TOUCH_PAGE]), "the page the CPU read is %#04x (%s), "
		     "expected a system page\n", raw[TOUCH_PAGE], prot_name(raw[TOUCH_PAGE]));
	for (size_t i = 0; i < thp_pages(ctx); i++) {
		if (in_system(raw[i])) {
			back++;
			continue;
		}
		igt_assert_f((raw[i] & ~PMD) == rest, "after the CPU read page %d, page %zu is "
			     "%#04x (%s), expected a system page or %s\n", TOUCH_PAGE, i,
			     raw[i], prot_name(raw[i]), prot_name(rest));
	}
	igt_info("the CPU's read of one page brought %zu of %zu pages back\n", back,
		 thp_pages(ctx));
	return back;
}

/* ---- device-private THP migration ----------------------------------------- */

/**
 * SUBTEST: dev-thp-migrate-empty
 * Description: MIGRATE_TO_DEV of an untouched, 2 MiB-aligned read-only
 *   MADV_HUGEPAGE range (no page table below the PMD yet): all 512 pages
 *   move and the device's copy is zeroes; SNAPSHOT shows one device huge
 *   page (DEV_PRIVATE_LOCAL|READ|PMD on every page); CPU reads give zeroes
 *   and bring the pages back to system memory.
 * Functionality: hmm, migration, thp, zero page
 */
static void dev_thp_migrate_empty(struct svm_scenario_ctx *ctx)
{
	char *p;

	require_device_thp(ctx);
	p = thp_range(PROT_READ, true);
	expect_snapshot_all(ctx->dev, p, thp_pages(ctx), HMM_DMIRROR_PROT_NONE, "the untouched range");
	migrate_thp(ctx, ctx->dev, p, NULL);
	expect_snapshot_all(ctx->dev, p, thp_pages(ctx), LOCAL | PROT_R | PMD, "after migration");
	scn_check_zero(p, SZ_2M, "the CPU's read of the migrated range");
	expect_in_system(ctx->dev, p, thp_pages(ctx), "after the CPU's reads");
}

/**
 * SUBTEST: dev-thp-migrate-huge-zero
 * Description: A read-only MADV_HUGEPAGE range the CPU has read, so that
 *   it maps the huge zero page (SNAPSHOT READ|PMD: test_hmm's ZERO bit is
 *   for the 4K zero page only; skips without a huge zero page), migrates
 *   as a whole, 512 pages, to a zeroed device huge page
 *   (DEV_PRIVATE_LOCAL|READ|PMD), and CPU reads fault zeroes back.
 * Functionality: hmm, migration, thp, zero page
 */
static void dev_thp_migrate_huge_zero(struct svm_scenario_ctx *ctx)
{
	char *p;

	require_device_thp(ctx);
	p = huge_zero_range(ctx);
	migrate_thp(ctx, ctx->dev, p, NULL);
	expect_snapshot_all(ctx->dev, p, thp_pages(ctx), LOCAL | PROT_R | PMD, "after migration");
	scn_check_zero(p, SZ_2M, "the CPU's read of the migrated range");
	expect_in_system(ctx->dev, p, thp_pages(ctx), "after the CPU's reads");
}

/**
 * SUBTEST: dev-thp-migrate-free
 * Description: A transparent huge page of data migrates to one device
 *   huge page (DEV_PRIVATE_LOCAL|WRITE|PMD), then is MADV_FREEd: madvise
 *   succeeds, each page then reads either its data or zeroes (what
 *   MADV_FREE allows) and is back in system memory, and new data the CPU
 *   writes is what the device reads.
 * Functionality: hmm, migration, thp, madvise
 */
static void dev_thp_migrate_free(struct svm_scenario_ctx *ctx)
{
	size_t ps = ctx->page_size, zeroed = 0;
	char *want = scn_scratch(SZ_2M), *zero = scn_scratch(ps), *p;

	require_device_thp(ctx);
	p = thp_filled(want);
	memset(zero, 0, ps);
	migrate_thp(ctx, ctx->dev, p, want);
	expect_snapshot_all(ctx->dev, p, thp_pages(ctx), LOCAL | PROT_W | PMD, "after migration");
	igt_assert_f(!madvise(p, SZ_2M, MADV_FREE), "MADV_FREE of the migrated huge page: %s\n",
		     strerror(errno));
	for (size_t i = 0; i < thp_pages(ctx); i++) {
		bool old = !memcmp(p + i * ps, want + i * ps, ps);
		bool cleared = !old && !memcmp(p + i * ps, zero, ps);

		igt_assert_f(old || cleared, "after MADV_FREE, page %zu holds neither its data "
			     "nor zeroes\n", i);
		zeroed += cleared;
	}
	igt_info("after MADV_FREE, %zu of %zu pages read zeroes\n", zeroed, thp_pages(ctx));
	expect_in_system(ctx->dev, p, thp_pages(ctx), "after the CPU's reads");
	svm_buf_fill(p, SZ_2M, SEED_CPU + 1);
	scn_gpu_check(ctx->dev, p, SZ_2M, SEED_CPU + 1, "the device's read of the new data");
}

#define PAGEMAP_PRESENT (UINT64_C(1) << 63)
#define PAGEMAP_SWAP (UINT64_C(1) << 62)

/* /proc/self/pagemap's entry for @addr. */
static uint64_t pagemap_entry(int fd, const void *addr, size_t ps)
{
	uint64_t entry;
	off_t at = (off_t)((uintptr_t)addr / ps) * (off_t)sizeof(entry);

	igt_assert_f(pread(fd, &entry, sizeof(entry), at) == sizeof(entry),
		     "reading /proc/self/pagemap at %p: %s\n", addr, strerror(errno));
	return entry;
}

/**
 * SUBTEST: dev-thp-migrate-fault
 * Description: 2 MiB of data written as 4K pages and made one huge page by
 *   MADV_COLLAPSE (WRITE|PMD; skips where collapse fails) migrates whole:
 *   512 pages, SNAPSHOT DEV_PRIVATE_LOCAL|WRITE|PMD on every page, and
 *   /proc/self/pagemap shows non-present swap-type entries.  A CPU read of
 *   one page faults it back with its data: that page is then in system
 *   memory, the others either came with it (7.3 migrates the whole device
 *   huge page back) or are still device pages; all data reads back intact.
 * Functionality: hmm, migration, thp, fault
 */
static void dev_thp_migrate_fault(struct svm_scenario_ctx *ctx)
{
	size_t ps = ctx->page_size;
	char *want = scn_scratch(SZ_2M), *p;
	int fd;

	require_device_thp(ctx);
	p = thp_range(PROT_READ | PROT_WRITE, false);
	svm_buf_fill(want, SZ_2M, SEED_CPU);
	memcpy(p, want, SZ_2M);
	igt_require_f(!madvise(p, SZ_2M, MADV_COLLAPSE), "MADV_COLLAPSE of 2 MiB of data: %s\n",
		      strerror(errno));
	scn_require_thp(p, SZ_2M);
	expect_snapshot_all(ctx->dev, p, thp_pages(ctx), PROT_W | PMD, "the collapsed range");

	migrate_thp(ctx, ctx->dev, p, want);
	expect_snapshot_all(ctx->dev, p, thp_pages(ctx), LOCAL | PROT_W | PMD, "after migration");
	fd = scn_track_fd(open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC));
	for (size_t i = 0; i < thp_pages(ctx); i++) {
		uint64_t entry = pagemap_entry(fd, p + i * ps, ps);

		igt_assert_f(!(entry & PAGEMAP_PRESENT) && (entry & PAGEMAP_SWAP),
			     "pagemap of migrated page %zu is %#018llx: expected a non-present "
			     "swap-type entry\n", i, (unsigned long long)entry);
	}

	touch_one_page(ctx, ctx->dev, p, want, LOCAL | PROT_W);
	scn_check_same(p, want, SZ_2M, "the CPU's read of the whole range");
	expect_in_system(ctx->dev, p, thp_pages(ctx), "after the CPU's reads");
}

/* ---- FLAGS: FAIL_ALLOC and the 4K fallback -------------------------------- */

/*
 * A handle of its own for a subtest that sets flags, so that a FAIL_ALLOC
 * left armed by a failure dies with it; skips without FLAGS.
 */
static struct svm_dev *flags_handle(struct svm_scenario_ctx *ctx)
{
	hmm_dmirror_require_flags(ctx->dev);
	return scn_reopen(ctx->dev);
}

/**
 * SUBTEST: dev-thp-fail-alloc
 * Description: With FLAGS FAIL_ALLOC set, the device huge page for a
 *   transparent huge page of data cannot be allocated: the migration falls
 *   back to 4K device pages, still moving all 512 pages with their data
 *   (SNAPSHOT DEV_PRIVATE_LOCAL|WRITE, no PMD).  A CPU read of one page
 *   brings back that page only, with its data; the rest follow on the CPU's
 *   reads, intact.
 * Functionality: hmm, migration, thp, fault, error path
 */
static void dev_thp_fail_alloc(struct svm_scenario_ctx *ctx)
{
	struct svm_dev *dev = flags_handle(ctx);
	char *want = scn_scratch(SZ_2M), *p = thp_filled(want);

	hmm_dmirror_set_flags(dev, HMM_DMIRROR_FLAG_FAIL_ALLOC);
	migrate_thp(ctx, dev, p, want);
	expect_snapshot_all(dev, p, thp_pages(ctx), LOCAL | PROT_W, "after migration with FAIL_ALLOC");
	igt_assert_eq_u64(touch_one_page(ctx, dev, p, want, LOCAL | PROT_W), 1);
	scn_check_same(p, want, SZ_2M, "the CPU's read of the whole range");
	expect_in_system(dev, p, thp_pages(ctx), "after the CPU's reads");
}

/**
 * SUBTEST: dev-thp-fail-alloc-to-sys
 * Description: A transparent huge page of data migrated as one device huge
 *   page (DEV_PRIVATE_LOCAL|WRITE|PMD); with FLAGS FAIL_ALLOC set, the
 *   huge system page for MIGRATE_TO_SYS cannot be allocated: all 512 pages
 *   still come back, as 4K pages (SNAPSHOT WRITE, no PMD), with their data.
 * Functionality: hmm, migration, thp, error path
 *
 * SUBTEST: dev-thp-fail-alloc-cpu-fault
 * Description: The same with a CPU read of one page in place of
 *   MIGRATE_TO_SYS.  The page comes back with its data, nothing comes back
 *   as a huge page (no PMD in SNAPSHOT), pages not brought back are 4K
 *   device pages, and the whole range reads back intact.
 * Functionality: hmm, migration, thp, fault, error path
 */
/* Nothing in the range is mapped by a PMD, on the device or in system memory. */
static void expect_no_pmd(struct svm_dev *dev, const void *addr, size_t npages,
			  const char *what)
{
	uint8_t *raw = snapshot(dev, addr, npages);

	for (size_t i = 0; i < npages; i++)
		igt_assert_f(!(raw[i] & PMD), "%s: page %zu is %#04x (%s), part of a huge "
			     "page\n", what, i, raw[i], prot_name(raw[i]));
}

static void fail_alloc_back(struct svm_scenario_ctx *ctx, bool by_cpu)
{
	struct svm_dev *dev = flags_handle(ctx);
	char *want = scn_scratch(SZ_2M), *p = thp_filled(want);
	size_t npages = thp_pages(ctx);
	struct hmm_dmirror_cmd cmd;
	int ret;

	migrate_thp(ctx, dev, p, want);
	expect_snapshot_all(dev, p, npages, LOCAL | PROT_W | PMD, "after migration");
	hmm_dmirror_set_flags(dev, HMM_DMIRROR_FLAG_FAIL_ALLOC);
	if (by_cpu) {
		touch_one_page(ctx, dev, p, want, LOCAL | PROT_W);
	} else {
		ret = __hmm_cmd(dev, HMM_DMIRROR_MIGRATE_TO_SYS, p, NULL, npages, &cmd);
		igt_assert_f(ret == 0, "MIGRATE_TO_SYS with FAIL_ALLOC: %s\n", strerror(-ret));
		igt_assert_eq_u64(cmd.cpages, npages);
		expect_snapshot_all(dev, p, npages, PROT_W, "after MIGRATE_TO_SYS with FAIL_ALLOC");
	}
	expect_no_pmd(dev, p, npages, "after the way back with FAIL_ALLOC");
	scn_check_same(p, want, SZ_2M, "the CPU's read of the whole range");
	expect_in_system(dev, p, npages, "after the CPU's reads");
	expect_no_pmd(dev, p, npages, "after the CPU's reads");
}

static void dev_thp_fail_alloc_to_sys(struct svm_scenario_ctx *ctx)
{
	fail_alloc_back(ctx, false);
}

static void dev_thp_fail_alloc_cpu_fault(struct svm_scenario_ctx *ctx)
{
	fail_alloc_back(ctx, true);
}

/**
 * SUBTEST: dev-thp-fail-alloc-huge-zero
 * Description: The huge zero page (a read-only MADV_HUGEPAGE range the CPU
 *   has read) migrated with FLAGS FAIL_ALLOC set: 512 zeroed 4K device
 *   pages (SNAPSHOT DEV_PRIVATE_LOCAL|READ, no PMD); a CPU read of one
 *   brings back that page only, and every page reads zeroes.
 * Functionality: hmm, migration, thp, zero page, error path
 */
static void dev_thp_fail_alloc_huge_zero(struct svm_scenario_ctx *ctx)
{
	struct svm_dev *dev = flags_handle(ctx);
	char *p = huge_zero_range(ctx);

	hmm_dmirror_set_flags(dev, HMM_DMIRROR_FLAG_FAIL_ALLOC);
	migrate_thp(ctx, dev, p, NULL);
	expect_snapshot_all(dev, p, thp_pages(ctx), LOCAL | PROT_R, "after migration with FAIL_ALLOC");
	igt_assert_eq_u64(touch_one_page(ctx, dev, p, NULL, LOCAL | PROT_R), 1);
	scn_check_zero(p, SZ_2M, "the CPU's read of the whole range");
	expect_in_system(dev, p, thp_pages(ctx), "after the CPU's reads");
}

/* ---- READ_UNLOCKED --------------------------------------------------------- */

enum {
	RU_DATA, RU_UNTOUCHED = 3, RU_READ_ONLY, RU_TAIL, RU_PAGES = 8
};

/**
 * SUBTEST: read-unlocked-anon
 * Description: READ_UNLOCKED of 8 fresh anonymous pages (data, one never
 *   touched, one read-only) copies all 8 as the CPU sees them, faulting
 *   (faults >= 1); READ of the same range then returns the same bytes
 *   without a fault (READ_UNLOCKED filled the mirror).  Both refuse a
 *   PROT_NONE page with the same errno.
 * Functionality: hmm, fault, gpu read
 */
static void read_unlocked_anon(struct svm_scenario_ctx *ctx)
{
	size_t ps = ctx->page_size, len = RU_PAGES * ps;
	char *p = scn_mmap(NULL, len + ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
	char *want = scn_scratch(len), *a = scn_scratch(len), *b = scn_scratch(len);
	struct hmm_dmirror_cmd cmd;
	int locked, unlocked;

	hmm_dmirror_require_read_unlocked(ctx->dev);
	svm_buf_fill(want, len, SEED_CPU);
	memset(want + RU_UNTOUCHED * ps, 0, ps);
	memcpy(p, want, RU_UNTOUCHED * ps);
	memcpy(p + RU_READ_ONLY * ps, want + RU_READ_ONLY * ps, len - RU_READ_ONLY * ps);
	scn_protect(p + RU_READ_ONLY * ps, ps, PROT_READ);

	memset(a, 0xa5, len);
	igt_assert_eq(__hmm_dmirror_read_unlocked(ctx->dev, p, a, RU_PAGES, &cmd), 0);
	igt_assert_eq_u64(cmd.cpages, RU_PAGES);
	igt_assert_f(cmd.faults >= 1, "READ_UNLOCKED of a fresh range faulted %llu times\n",
		     (unsigned long long)cmd.faults);
	scn_check_same(a, want, len, "READ_UNLOCKED");

	memset(b, 0x5a, len);
	igt_assert_eq(__hmm_cmd(ctx->dev, HMM_DMIRROR_READ, p, b, RU_PAGES, &cmd), 0);
	igt_assert_eq_u64(cmd.cpages, RU_PAGES);
	igt_assert_eq_u64(cmd.faults, 0);
	scn_check_same(b, a, len, "READ after READ_UNLOCKED");

	scn_protect(p + len, ps, PROT_NONE);
	locked = __hmm_cmd(ctx->dev, HMM_DMIRROR_READ, p + len, b, 1, NULL);
	unlocked = __hmm_dmirror_read_unlocked(ctx->dev, p + len, b, 1, NULL);
	igt_assert_f(locked < 0 && unlocked == locked, "a PROT_NONE page: READ gave %s, "
		     "READ_UNLOCKED %s\n", strerror(-locked), strerror(-unlocked));
}

/**
 * SUBTEST: read-unlocked-thp
 * Description: READ_UNLOCKED of a fresh transparent huge page copies its
 *   2 MiB of data, as READ does; the huge page stays whole (SNAPSHOT
 *   WRITE|PMD on every page).
 * Functionality: hmm, fault, gpu read, thp
 */
static void read_unlocked_thp(struct svm_scenario_ctx *ctx)
{
	char *want = scn_scratch(SZ_2M), *copy = scn_scratch(SZ_2M), *p;

	hmm_dmirror_require_read_unlocked(ctx->dev);
	p = thp_filled(want);
	memset(copy, 0xa5, SZ_2M);
	hmm_dmirror_read_unlocked(ctx->dev, p, copy, thp_pages(ctx));
	scn_check_same(copy, want, SZ_2M, "READ_UNLOCKED of the huge page");
	expect_snapshot_all(ctx->dev, p, thp_pages(ctx), PROT_W | PMD, "after READ_UNLOCKED");
	scn_gpu_check_same(ctx->dev, p, want, SZ_2M, "READ of the huge page");
}

/*
 * The CPU writer of read-unlocked-cpu-writer: it rewrites every page with
 * version after version (every byte of a page holds its version's code),
 * and every few versions write-protects and unprotects the range, which
 * invalidates the device's mirror so that READ_UNLOCKED faults again.
 */
#define RU_WRITER_PAGES 16
#define RU_VERSIONS 1000u
#define RU_REPROTECT_EVERY 8u
#define RU_PACE_NS (20 * 1000)

struct ru_writer {
	char *p;
	size_t ps;
	_Atomic uint32_t done[RU_WRITER_PAGES];	/* last version fully written */
	atomic_bool finished;
	int err;				/* errno of a failed mprotect */
};

static struct ru_writer ru;

/* Never 0: a zeroed page is never a version. */
static uint8_t version_code(uint32_t v)
{
	return 1 + (v - 1) % 255;
}

static bool reprotect(struct ru_writer *w)
{
	size_t len = RU_WRITER_PAGES * w->ps;

	if (mprotect(w->p, len, PROT_READ) || mprotect(w->p, len, PROT_READ | PROT_WRITE)) {
		w->err = errno;
		return false;
	}
	return true;
}

static void *ru_write_versions(void *arg)
{
	struct ru_writer *w = arg;
	static const struct timespec pace = { .tv_nsec = RU_PACE_NS };

	for (uint32_t v = 2; v <= RU_VERSIONS && !scn_stopping(); v++) {
		for (int i = 0; i < RU_WRITER_PAGES; i++) {
			memset(w->p + i * w->ps, version_code(v), w->ps);
			atomic_store_explicit(&w->done[i], v, memory_order_release);
		}
		if (v % RU_REPROTECT_EVERY == 0 && !reprotect(w))
			break;
		nanosleep(&pace, NULL);
	}
	atomic_store(&w->finished, true);
	return NULL;
}

/* Is @code the code of a version in [lo, hi]? */
static bool code_in(uint8_t code, uint32_t lo, uint32_t hi)
{
	if (hi - lo + 1 >= 255)
		return code != 0;
	return code && (uint32_t)((code - version_code(lo) + 255) % 255) <= hi - lo;
}

/**
 * SUBTEST: read-unlocked-cpu-writer
 * Description: A CPU thread rewrites 16 pages with 1000 versions (every
 *   byte of a page holds its version's code) and write-protects and
 *   unprotects them every 8 versions, while the device reads them with
 *   READ_UNLOCKED again and again: every byte of every page it returns is
 *   the code of a version the page held during that read (a copy may catch
 *   a page mid-write, but never zeroes or older data; codes repeat every
 *   255 versions), and once the writer is joined a read returns the last
 *   version everywhere.
 * Functionality: hmm, threads, coherence, gpu read, fault
 */
static void read_unlocked_cpu_writer(struct svm_scenario_ctx *ctx)
{
	size_t ps = ctx->page_size, len = RU_WRITER_PAGES * ps;
	char *copy = scn_scratch(len);
	uint32_t lo[RU_WRITER_PAGES];
	struct timespec start, now;
	unsigned int reads = 0, mixed = 0;

	hmm_dmirror_require_read_unlocked(ctx->dev);
	ru = (struct ru_writer){ .ps = ps };
	ru.p = scn_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(ru.p, version_code(1), len);
	for (int i = 0; i < RU_WRITER_PAGES; i++)
		atomic_store(&ru.done[i], 1);

	clock_gettime(CLOCK_MONOTONIC, &start);
	scn_thread(ru_write_versions, &ru);
	do {
		bool was_finished = atomic_load(&ru.finished);

		for (int i = 0; i < RU_WRITER_PAGES; i++)
			lo[i] = atomic_load_explicit(&ru.done[i], memory_order_acquire);
		hmm_dmirror_read_unlocked(ctx->dev, ru.p, copy, RU_WRITER_PAGES);
		for (int i = 0; i < RU_WRITER_PAGES; i++) {
			uint32_t hi = atomic_load_explicit(&ru.done[i], memory_order_acquire) + 1;
			const uint8_t *page = (const uint8_t *)copy + i * ps;

			if (hi > RU_VERSIONS)
				hi = RU_VERSIONS;
			for (size_t b = 0; b < ps; b++)
				igt_assert_f(code_in(page[b], lo[i], hi), "read %u: byte %zu of page "
					     "%d is %#04x, not a version from %u to %u\n", reads, b,
					     i, page[b], lo[i], hi);
			mixed += memcmp(page, page + 1, ps - 1) != 0;
		}
		reads++;
		if (was_finished)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < SCN_HANG_S);
	scn_join_threads();
	igt_assert_f(atomic_load(&ru.finished), "the writer did not finish\n");
	igt_assert_f(!ru.err, "the writer's mprotect: %s\n", strerror(ru.err));
	igt_info("%u device reads during %u versions; %u page copies caught a page "
		 "mid-write\n", reads, RU_VERSIONS, mixed);

	hmm_dmirror_read_unlocked(ctx->dev, ru.p, copy, RU_WRITER_PAGES);
	for (size_t b = 0; b < len; b++)
		igt_assert_f((uint8_t)copy[b] == version_code(RU_VERSIONS), "after the writer: "
			     "byte %zu is %#04x, expected %#04x\n", b, (uint8_t)copy[b],
			     version_code(RU_VERSIONS));
}

static const struct {
	const char *name;
	void (*run)(struct svm_scenario_ctx *ctx);
} subtests_73[] = {
	{ "dev-thp-migrate-empty", dev_thp_migrate_empty },
	{ "dev-thp-migrate-huge-zero", dev_thp_migrate_huge_zero },
	{ "dev-thp-migrate-free", dev_thp_migrate_free },
	{ "dev-thp-migrate-fault", dev_thp_migrate_fault },
	{ "dev-thp-fail-alloc", dev_thp_fail_alloc },
	{ "dev-thp-fail-alloc-to-sys", dev_thp_fail_alloc_to_sys },
	{ "dev-thp-fail-alloc-cpu-fault", dev_thp_fail_alloc_cpu_fault },
	{ "dev-thp-fail-alloc-huge-zero", dev_thp_fail_alloc_huge_zero },
	{ "read-unlocked-anon", read_unlocked_anon },
	{ "read-unlocked-thp", read_unlocked_thp },
	{ "read-unlocked-cpu-writer", read_unlocked_cpu_writer },
};

void hmm_svm_73_subtests(struct svm_scenario_ctx *ctx)
{
	for (size_t i = 0; i < ARRAY_SIZE(subtests_73); i++)
		igt_subtest(subtests_73[i].name)
			scn_run(subtests_73[i].run, ctx);
}
