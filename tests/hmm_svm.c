/* SPDX-License-Identifier: MIT */
/**
 * TEST: Core HMM through the kernel's test_hmm device
 * Category: Core
 * Mega feature: SVM
 * Sub-category: HMM
 * Description: The scenario catalog run on /dev/hmm_dmirror0 and 1 (the
 *   kernel's HMM test driver, lib/test_hmm.c, which mirrors the process
 *   through hmm_range_fault() and migrates pages to fake device-private
 *   memory), plus subtests of what only test_hmm shows: the raw SNAPSHOT
 *   protection bytes, its exact errors and counters.  Every subtest skips
 *   without test_hmm (CONFIG_TEST_HMM).
 * Functionality: hmm
 * Test requirement: test_hmm loaded (Linux >= 6.0 ioctl numbering)
 * Scenario catalog: lib/svm/scenarios, hmm_svm_73.c
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_core.h"
#include "igt_device.h"
#include "hmm/hmm_backend.h"
#include "hmm_svm_73.h"
#include "svm/svm_catalog.h"
#include "svm/svm_scenario.h"

IGT_TEST_DESCRIPTION("SVM scenarios and test_hmm specifics on /dev/hmm_dmirror*.");

#define NPAGES 16

/* Both devices, opened by the HMM group's fixture. */
static struct svm_scenario_ctx hmm;

/*
 * test_hmm's devices, or a skip that says how to get them: the module may
 * be missing, or loaded without device nodes (no devtmpfs: mknod needed).
 */
static void require_test_hmm(void)
{
	struct igt_device_info info;
	char line[128];
	FILE *f;
	int major = -1;

	if (!igt_device_find(IGT_DEV_HMM_DMIRROR, NULL, 0, &info))
		return;
	f = fopen("/proc/devices", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "HMM_DMIRROR"))
			sscanf(line, "%d", &major);
	if (f)
		fclose(f);
	igt_require_f(major < 0, "test_hmm is loaded (char major %d) but there is no "
		      "/dev/hmm_dmirror0%s: create it with mknod /dev/hmm_dmirror0 c %d 0\n",
		      major, igt_device_filter_get() ? " that the device filter accepts" : "",
		      major);
	igt_require_f(false, "no /dev/hmm_dmirror0: load test_hmm (CONFIG_TEST_HMM=m, "
		      "modprobe test_hmm; or =y) on a kernel with DEVICE_PRIVATE\n");
}

/* One raw command that must succeed; returns the command as the kernel left it. */
static struct hmm_dmirror_cmd cmd_ok(struct svm_dev *dev, unsigned long nr, void *addr,
				     void *ptr, uint64_t npages)
{
	struct hmm_dmirror_cmd cmd;
	int ret = __hmm_cmd(dev, nr, addr, ptr, npages, &cmd);

	igt_assert_f(ret == 0, "%s of %p (%" PRIu64 " pages) on %s: %s\n", hmm_cmd_name(nr),
		     addr, npages, dev->info.devnode, strerror(-ret));
	return cmd;
}

/* A raw command that must fail with @err. */
static void cmd_fails(struct svm_dev *dev, unsigned long nr, void *addr, uint64_t npages,
		      int err)
{
	void *bounce = scn_scratch(npages * dev->page_size);
	int ret = __hmm_cmd(dev, nr, addr, bounce, npages, NULL);

	igt_assert_f(ret == err, "%s of %p (%" PRIu64 " pages) on %s: %s, expected %s\n",
		     hmm_cmd_name(nr), addr, npages, dev->info.devnode,
		     ret ? strerror(-ret) : "success", strerror(-err));
}

static uint64_t migrate_raw(struct svm_dev *dev, void *addr, uint64_t npages)
{
	void *bounce = scn_scratch(npages * dev->page_size);

	return cmd_ok(dev, HMM_DMIRROR_MIGRATE_TO_DEV, addr, bounce, npages).cpages;
}

/* SNAPSHOT of @npages pages must give exactly @want, byte by byte. */
static void expect_snapshot(struct svm_dev *dev, const void *addr, size_t npages,
			    const uint8_t *want, const char *what)
{
	uint8_t *raw = scn_scratch(npages);
	char got_name[64], want_name[64];
	struct hmm_dmirror_cmd cmd = cmd_ok(dev, HMM_DMIRROR_SNAPSHOT, (void *)addr, raw, npages);

	igt_assert_eq_u64(cmd.cpages, npages);
	for (size_t i = 0; i < npages; i++)
		igt_assert_f(raw[i] == want[i], "%s: page %zu seen by %s is %#04x (%s), "
			     "expected %#04x (%s)\n", what, i, dev->info.devnode, raw[i],
			     hmm_prot_name(raw[i], got_name, sizeof(got_name)), want[i],
			     hmm_prot_name(want[i], want_name, sizeof(want_name)));
}

/* Same, every page @want (hmm_svm_73.c uses it too: hmm_svm_73.h). */
void expect_snapshot_all(struct svm_dev *dev, const void *addr, size_t npages,
				uint8_t want, const char *what)
{
	uint8_t *bytes = scn_scratch(npages);

	memset(bytes, want, npages);
	expect_snapshot(dev, addr, npages, bytes, what);
}

static char *anon(size_t npages, int prot)
{
	return scn_mmap(NULL, npages * hmm.page_size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* ---- SNAPSHOT: what the device sees of the CPU page tables --------------- */

enum {
	SNAP_PROT_NONE, SNAP_HOLE, SNAP_UNTOUCHED, SNAP_ZERO_RO, SNAP_RO, SNAP_RW,
	SNAP_DEV0, SNAP_DEV1, SNAP_PAGES
};

#define LOCAL_RW (HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL | HMM_DMIRROR_PROT_WRITE)
#define LOCAL_RO (HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL | HMM_DMIRROR_PROT_READ)

/**
 * SUBTEST: snapshot
 * Description: SNAPSHOT (hmm_range_fault() without faulting) of eight pages,
 *   one per state, from both devices: PROT_NONE and a hole give ERROR, an
 *   untouched page NONE, the zero page mapped read-only ZERO|READ, read-only
 *   data READ, writable data WRITE, a page migrated to the asking device
 *   DEV_PRIVATE_LOCAL|WRITE and a page migrated to the other device NONE
 *   (not DEV_PRIVATE_REMOTE: test_hmm asks hmm_range_fault() for its own
 *   device-private pages only, so another device's page reads as absent).
 *   After CPU reads, the migrated pages are plain writable system pages.
 * Functionality: hmm, snapshot, protection, migration
 */
static void snapshot(struct svm_scenario_ctx *ctx)
{
	size_t ps = ctx->page_size;
	char *p = anon(SNAP_PAGES, PROT_NONE);
	volatile char sink;
	uint8_t want0[SNAP_PAGES] = {
		[SNAP_PROT_NONE] = HMM_DMIRROR_PROT_ERROR,
		[SNAP_HOLE] = HMM_DMIRROR_PROT_ERROR,
		[SNAP_UNTOUCHED] = HMM_DMIRROR_PROT_NONE,
		[SNAP_ZERO_RO] = HMM_DMIRROR_PROT_ZERO | HMM_DMIRROR_PROT_READ,
		[SNAP_RO] = HMM_DMIRROR_PROT_READ,
		[SNAP_RW] = HMM_DMIRROR_PROT_WRITE,
		[SNAP_DEV0] = LOCAL_RW,
		[SNAP_DEV1] = HMM_DMIRROR_PROT_NONE,
	};
	uint8_t want1[SNAP_PAGES];

	memcpy(want1, want0, sizeof(want1));
	want1[SNAP_DEV0] = HMM_DMIRROR_PROT_NONE;
	want1[SNAP_DEV1] = LOCAL_RW;

	igt_assert(!munmap(p + SNAP_HOLE * ps, ps));
	scn_protect(p + SNAP_UNTOUCHED * ps, (SNAP_PAGES - SNAP_UNTOUCHED) * ps,
		    PROT_READ | PROT_WRITE);
	scn_protect(p + SNAP_ZERO_RO * ps, ps, PROT_READ);
	sink = p[SNAP_ZERO_RO * ps];
	(void)sink;
	p[SNAP_RO * ps] = 1;
	scn_protect(p + SNAP_RO * ps, ps, PROT_READ);
	for (int i = SNAP_RW; i <= SNAP_DEV1; i++)
		p[i * ps] = i;
	igt_assert_eq_u64(migrate_raw(ctx->dev, p + SNAP_DEV0 * ps, 1), 1);
	igt_assert_eq_u64(migrate_raw(ctx->peer, p + SNAP_DEV1 * ps, 1), 1);

	expect_snapshot(ctx->dev, p, SNAP_PAGES, want0, "dmirror0");
	expect_snapshot(ctx->peer, p, SNAP_PAGES, want1, "dmirror1");
	scn_plug(p + SNAP_HOLE * ps, ps);

	igt_assert_eq(p[SNAP_DEV0 * ps], SNAP_DEV0);
	igt_assert_eq(p[SNAP_DEV1 * ps], SNAP_DEV1);
	expect_snapshot_all(ctx->dev, p + SNAP_RW * ps, 3, HMM_DMIRROR_PROT_WRITE,
			    "after the CPU read them back");
}

/**
 * SUBTEST: zero-page
 * Description: Untouched anonymous memory mapped read-only: a device READ
 *   returns zeroes from the shared zero page (SNAPSHOT ZERO|READ, one fault
 *   for the whole range) and a device WRITE fails with EPERM; once writable,
 *   a WRITE replaces the zero page (SNAPSHOT WRITE, one fault) and the CPU
 *   reads the device's data.
 * Functionality: hmm, zero page, protection
 */
static void zero_page(struct svm_scenario_ctx *ctx)
{
	size_t len = NPAGES * ctx->page_size;
	char *p = anon(NPAGES, PROT_READ), *data = scn_scratch(len);
	struct hmm_dmirror_cmd cmd;

	memset(data, 0xa5, len);
	cmd = cmd_ok(ctx->dev, HMM_DMIRROR_READ, p, data, NPAGES);
	igt_assert_eq_u64(cmd.cpages, NPAGES);
	igt_assert_eq_u64(cmd.faults, 1);
	scn_check_zero(data, len, "device READ of untouched memory");
	expect_snapshot_all(ctx->dev, p, NPAGES,
			    HMM_DMIRROR_PROT_ZERO | HMM_DMIRROR_PROT_READ, "after the READ");
	cmd_fails(ctx->dev, HMM_DMIRROR_WRITE, p, NPAGES, -EPERM);

	scn_protect(p, len, PROT_READ | PROT_WRITE);
	svm_buf_fill(data, len, SEED_GPU);
	cmd = cmd_ok(ctx->dev, HMM_DMIRROR_WRITE, p, data, NPAGES);
	igt_assert_eq_u64(cmd.cpages, NPAGES);
	igt_assert_eq_u64(cmd.faults, 1);
	expect_snapshot_all(ctx->dev, p, NPAGES, HMM_DMIRROR_PROT_WRITE, "after the WRITE");
	scn_check(p, len, SEED_GPU, "CPU reads the device's WRITE");
}

#define THP_RO_PAGE 100

/**
 * SUBTEST: thp-pmd
 * Description: A transparent huge page written by the CPU and read by
 *   the device, so that SNAPSHOT reports each of its pages WRITE|PMD.  After
 *   mprotect() has made one 4 KiB page read-only (splitting the PMD) the
 *   pages report WRITE, that one READ, none PMD.  Skips where THP is
 *   disabled or no huge page could be allocated.
 * Functionality: hmm, snapshot, thp
 */
static void thp_pmd(struct svm_scenario_ctx *ctx)
{
	struct svm_buf *buf = scn_buf(svm_mem_kind(SVM_MEM_THP), SZ_2M);
	size_t npages = SZ_2M / ctx->page_size;
	uint8_t *want = scn_scratch(npages);
	char *p = buf->ptr;

	svm_buf_fill(p, SZ_2M, SEED_CPU);
	scn_require_thp(p, SZ_2M);
	scn_gpu_check(ctx->dev, p, SZ_2M, SEED_CPU, "device reads the huge page");
	expect_snapshot_all(ctx->dev, p, npages, HMM_DMIRROR_PROT_WRITE | HMM_DMIRROR_PROT_PMD,
			    "the huge page");

	scn_protect(p + THP_RO_PAGE * ctx->page_size, ctx->page_size, PROT_READ);
	memset(want, HMM_DMIRROR_PROT_WRITE, npages);
	want[THP_RO_PAGE] = HMM_DMIRROR_PROT_READ;
	expect_snapshot(ctx->dev, p, npages, want, "the split huge page");
}

/**
 * SUBTEST: mixedmap
 * Description: A MAP_PRIVATE mapping of /dev/hmm_dmirror0 itself (kernel
 *   pages inserted with vm_insert_page()): SNAPSHOT reports it READ and a
 *   device READ returns its zeroes.
 * Functionality: hmm, snapshot
 */
static void mixedmap(struct svm_scenario_ctx *ctx)
{
	char *p = scn_mmap(NULL, ctx->page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			   ctx->dev->fd, 0);

	expect_snapshot_all(ctx->dev, p, 1, HMM_DMIRROR_PROT_READ, "the device's own pages");
	scn_gpu_check_zero(ctx->dev, p, ctx->page_size, "device reads its own pages");
}

/**
 * SUBTEST: fault-count
 * Description: Device faults (hmm_range_fault() rounds) on a fresh range:
 *   the first READ faults once for all pages, a second READ not at all; the
 *   first WRITE faults once more (the READ mapped the zero page read-only),
 *   a second not; after mprotect() invalidates the range, a READ faults
 *   once again.
 * Functionality: hmm, fault
 */
static void fault_count(struct svm_scenario_ctx *ctx)
{
	size_t len = NPAGES * ctx->page_size;
	char *p = anon(NPAGES, PROT_READ | PROT_WRITE), *data = scn_scratch(len);
	static const struct {
		unsigned long cmd;
		uint64_t faults;
	} steps[] = {
		{ HMM_DMIRROR_READ, 1 }, { HMM_DMIRROR_READ, 0 },
		{ HMM_DMIRROR_WRITE, 1 }, { HMM_DMIRROR_WRITE, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		struct hmm_dmirror_cmd cmd = cmd_ok(ctx->dev, steps[i].cmd, p, data, NPAGES);

		igt_assert_f(cmd.cpages == NPAGES && cmd.faults == steps[i].faults,
			     "step %zu (%s): %" PRIu64 " pages, %" PRIu64 " faults, expected "
			     "%d pages, %" PRIu64 " faults\n", i, hmm_cmd_name(steps[i].cmd),
			     (uint64_t)cmd.cpages, (uint64_t)cmd.faults, NPAGES, steps[i].faults);
	}
	scn_protect(p, len, PROT_READ);
	igt_assert_eq_u64(cmd_ok(ctx->dev, HMM_DMIRROR_READ, p, data, NPAGES).faults, 1);
}

/* ---- migration: exact results and errors ---------------------------------- */

/* @npages private anonymous pages holding @seed data. */
static char *anon_filled(size_t npages, uint32_t seed)
{
	char *p = anon(npages, PROT_READ | PROT_WRITE);

	svm_buf_fill(p, npages * hmm.page_size, seed);
	return p;
}

/**
 * SUBTEST: release-evicts
 * Description: RELEASE evicts every device-private page of the device
 *   (migrate_device_range()): pages migrated to dmirror0, DEV_PRIVATE_LOCAL
 *   before, are plain writable system pages after it, with their data.
 * Functionality: hmm, eviction, migration
 */
static void release_evicts(struct svm_scenario_ctx *ctx)
{
	char *p = anon_filled(NPAGES, SEED_CPU);

	igt_assert_eq_u64(migrate_raw(ctx->dev, p, NPAGES), NPAGES);
	expect_snapshot_all(ctx->dev, p, NPAGES, LOCAL_RW, "after migration");
	svm_release(ctx->dev);
	expect_snapshot_all(ctx->dev, p, NPAGES, HMM_DMIRROR_PROT_WRITE, "after RELEASE");
	scn_check(p, NPAGES * ctx->page_size, SEED_CPU, "CPU after RELEASE");
}

/**
 * SUBTEST: migrate-to-sys
 * Description: MIGRATE_TO_SYS brings every page of a migrated range back
 *   without a CPU fault: cpages counts them all, SNAPSHOT shows writable
 *   system pages, and the data is intact.
 * Functionality: hmm, migration
 */
static void migrate_to_sys(struct svm_scenario_ctx *ctx)
{
	char *p = anon_filled(NPAGES, SEED_CPU);

	igt_assert_eq_u64(migrate_raw(ctx->dev, p, NPAGES), NPAGES);
	igt_assert_eq_u64(cmd_ok(ctx->dev, HMM_DMIRROR_MIGRATE_TO_SYS, p, NULL, NPAGES).cpages,
			  NPAGES);
	expect_snapshot_all(ctx->dev, p, NPAGES, HMM_DMIRROR_PROT_WRITE, "after MIGRATE_TO_SYS");
	scn_check(p, NPAGES * ctx->page_size, SEED_CPU, "CPU after MIGRATE_TO_SYS");
}

/**
 * SUBTEST: migrate-again
 * Description: MIGRATE_TO_DEV of a range already in the device's memory
 *   succeeds and counts every page without moving anything: the pages stay
 *   DEV_PRIVATE_LOCAL with their data.
 * Functionality: hmm, migration
 */
static void migrate_again(struct svm_scenario_ctx *ctx)
{
	char *p = anon_filled(NPAGES, SEED_CPU);

	igt_assert_eq_u64(migrate_raw(ctx->dev, p, NPAGES), NPAGES);
	igt_assert_eq_u64(migrate_raw(ctx->dev, p, NPAGES), NPAGES);
	expect_snapshot_all(ctx->dev, p, NPAGES, LOCAL_RW, "after the second migration");
	scn_check(p, NPAGES * ctx->page_size, SEED_CPU, "CPU after two migrations");
}

/**
 * SUBTEST: migrate-shared
 * Description: MIGRATE_TO_DEV of shared anonymous memory the device never
 *   mapped fails with ENOENT: migrate_vma leaves shared pages alone and
 *   test_hmm then finds them neither in its memory nor mirrored.  They stay
 *   writable system pages with their data.
 * Functionality: hmm, migration, shared memory
 *
 * SUBTEST: migrate-shared-mirrored
 * Description: The same after a device READ of the shared memory: now
 *   MIGRATE_TO_DEV succeeds and counts every page, because they are
 *   mirrored, yet none moved: SNAPSHOT still shows system pages.
 * Functionality: hmm, migration, shared memory
 */
static void migrate_shared_common(struct svm_scenario_ctx *ctx, bool mirrored)
{
	size_t len = NPAGES * ctx->page_size;
	char *p = scn_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	svm_buf_fill(p, len, SEED_CPU);
	if (mirrored) {
		scn_gpu_check(ctx->dev, p, len, SEED_CPU, "device reads shared memory");
		igt_assert_eq_u64(migrate_raw(ctx->dev, p, NPAGES), NPAGES);
	} else {
		cmd_fails(ctx->dev, HMM_DMIRROR_MIGRATE_TO_DEV, p, NPAGES, -ENOENT);
	}
	expect_snapshot_all(ctx->dev, p, NPAGES, HMM_DMIRROR_PROT_WRITE, "shared pages");
	scn_check(p, len, SEED_CPU, "CPU reads the shared pages");
}

static void migrate_shared(struct svm_scenario_ctx *ctx)
{
	migrate_shared_common(ctx, false);
}

static void migrate_shared_mirrored(struct svm_scenario_ctx *ctx)
{
	migrate_shared_common(ctx, true);
}

/**
 * SUBTEST: migrate-prot-none
 * Description: MIGRATE_TO_DEV of a PROT_NONE range fails with EINVAL.
 * Functionality: hmm, migration, protection
 *
 * SUBTEST: migrate-hole
 * Description: MIGRATE_TO_DEV of a range with an unmapped page in the middle
 *   fails with EINVAL, and the pages around the hole keep their data.
 * Functionality: hmm, migration, munmap
 */
static void migrate_prot_none(struct svm_scenario_ctx *ctx)
{
	cmd_fails(ctx->dev, HMM_DMIRROR_MIGRATE_TO_DEV, anon(NPAGES, PROT_NONE), NPAGES, -EINVAL);
}

static void migrate_hole(struct svm_scenario_ctx *ctx)
{
	size_t ps = ctx->page_size;
	char *p = anon_filled(3, SEED_CPU), *want = scn_scratch(3 * ps);

	svm_buf_fill(want, 3 * ps, SEED_CPU);
	igt_assert(!munmap(p + ps, ps));
	cmd_fails(ctx->dev, HMM_DMIRROR_MIGRATE_TO_DEV, p, 3, -EINVAL);
	scn_plug(p + ps, ps);
	scn_check_same(p, want, ps, "the page before the hole");
	scn_check_same(p + 2 * ps, want + 2 * ps, ps, "the page after the hole");
}

/**
 * SUBTEST: migrate-read-only
 * Description: A zero page and a data page mapped read-only and two
 *   writable pages migrate to dmirror1 together (cpages 4); SNAPSHOT shows
 *   the first two DEV_PRIVATE_LOCAL|READ and the others
 *   DEV_PRIVATE_LOCAL|WRITE; the CPU reads zeroes and the data back.
 * Functionality: hmm, migration, protection
 */
static void migrate_read_only(struct svm_scenario_ctx *ctx)
{
	size_t ps = ctx->page_size;
	char *p = anon_filled(4, SEED_CPU), *want = scn_scratch(4 * ps);
	static const uint8_t expect[4] = { LOCAL_RO, LOCAL_RO, LOCAL_RW, LOCAL_RW };

	svm_buf_fill(want, 4 * ps, SEED_CPU);
	memset(want, 0, ps);
	igt_assert(!madvise(p, ps, MADV_DONTNEED));
	scn_protect(p, 2 * ps, PROT_READ);
	scn_check_zero(p, ps, "the read-only zero page");
	igt_assert_eq_u64(migrate_raw(ctx->peer, p, 4), 4);
	expect_snapshot(ctx->peer, p, 4, expect, "after migration");
	scn_check_same(p, want, 4 * ps, "CPU reads the migrated pages");
}

/**
 * SUBTEST: migrate-peer-page
 * Description: Pages in dmirror1's memory cannot be migrated to dmirror0
 *   (ENOENT: migrate_vma only picks system pages and they are not mirrored
 *   by dmirror0); once dmirror0 has READ them, which faults them back, they
 *   migrate to it with their data.
 * Functionality: hmm, migration, multi-device
 */
static void migrate_peer_page(struct svm_scenario_ctx *ctx)
{
	size_t len = NPAGES * ctx->page_size;
	char *p = anon_filled(NPAGES, SEED_CPU);

	igt_assert_eq_u64(migrate_raw(ctx->peer, p, NPAGES), NPAGES);
	cmd_fails(ctx->dev, HMM_DMIRROR_MIGRATE_TO_DEV, p, NPAGES, -ENOENT);
	expect_snapshot_all(ctx->peer, p, NPAGES, LOCAL_RW, "still in dmirror1");
	scn_gpu_check(ctx->dev, p, len, SEED_CPU, "dmirror0 reads dmirror1's pages");
	igt_assert_eq_u64(migrate_raw(ctx->dev, p, NPAGES), NPAGES);
	expect_snapshot_all(ctx->dev, p, NPAGES, LOCAL_RW, "now in dmirror0");
	scn_check(p, len, SEED_CPU, "CPU reads them");
}

/**
 * SUBTEST: double-map
 * Description: Both devices READ the same read-only memory (SNAPSHOT READ
 *   for each); after it migrates to dmirror1 (DEV_PRIVATE_LOCAL|READ there,
 *   absent for dmirror0) dmirror0 still READs the data, which brings it back
 *   to system memory for both.
 * Functionality: hmm, multi-device, migration
 */
static void double_map(struct svm_scenario_ctx *ctx)
{
	size_t len = NPAGES * ctx->page_size;
	char *p = anon_filled(NPAGES, SEED_CPU);

	scn_protect(p, len, PROT_READ);
	scn_gpu_check(ctx->dev, p, len, SEED_CPU, "dmirror0 reads");
	scn_gpu_check(ctx->peer, p, len, SEED_CPU, "dmirror1 reads");
	expect_snapshot_all(ctx->dev, p, NPAGES, HMM_DMIRROR_PROT_READ, "dmirror0's view");
	expect_snapshot_all(ctx->peer, p, NPAGES, HMM_DMIRROR_PROT_READ, "dmirror1's view");

	igt_assert_eq_u64(migrate_raw(ctx->peer, p, NPAGES), NPAGES);
	expect_snapshot_all(ctx->peer, p, NPAGES, LOCAL_RO, "dmirror1 after migration");
	expect_snapshot_all(ctx->dev, p, NPAGES, HMM_DMIRROR_PROT_NONE, "dmirror0 after migration");
	scn_gpu_check(ctx->dev, p, len, SEED_CPU, "dmirror0 reads dmirror1's pages");
	expect_snapshot_all(ctx->peer, p, NPAGES, HMM_DMIRROR_PROT_READ, "dmirror1 at the end");
	scn_check(p, len, SEED_CPU, "CPU reads the data");
}

/* ---- exclusive access and fork -------------------------------------------- */

#define HMM_FORK_WAIT_S SCN_HANG_S
#define HMM_SYNC_MS (SCN_HANG_S * 1000)

/**
 * SUBTEST: exclusive-mprotect
 * Description: Pages taken for exclusive device access are then made
 *   read-only with mprotect(): a device WRITE fails with EPERM and the data
 *   is unchanged.
 * Functionality: hmm, exclusive access, protection
 */
static void exclusive_mprotect(struct svm_scenario_ctx *ctx)
{
	size_t len = NPAGES * ctx->page_size;
	char *p = anon_filled(NPAGES, SEED_CPU);

	svm_make_exclusive(ctx->dev, p, len);
	igt_assert_eq(__svm_check_exclusive(ctx->dev, p, len), -EPERM);
	scn_protect(p, len, PROT_READ);
	cmd_fails(ctx->dev, HMM_DMIRROR_WRITE, p, NPAGES, -EPERM);
	scn_check(p, len, SEED_CPU, "CPU after the refused WRITE");
}

/**
 * SUBTEST: exclusive-cow
 * Description: Fork while pages are held for exclusive device access: the
 *   child and the parent each read the original data and write their own
 *   copy, neither sees the other's, and no page stays exclusive.
 * Functionality: hmm, exclusive access, fork, copy-on-write
 */
static void exclusive_cow(struct svm_scenario_ctx *ctx)
{
	size_t len = NPAGES * ctx->page_size;
	char *p = anon_filled(NPAGES, SEED_PARENT);
	struct scn_pipe done;

	scn_pipe_open(&done);
	svm_make_exclusive(ctx->dev, p, len);
	igt_fork(child, 1) {
		scn_check(p, len, SEED_PARENT, "child reads the original data");
		svm_buf_fill(p, len, SEED_CHILD);
		scn_pipe_wait(&done, HMM_SYNC_MS, "the parent's write");
		scn_check(p, len, SEED_CHILD, "child keeps its copy");
	}
	scn_check(p, len, SEED_PARENT, "parent reads the original data");
	svm_buf_fill(p, len, SEED_PARENT + 1);
	scn_pipe_post(&done);
	scn_wait_children(HMM_FORK_WAIT_S, "the child");
	scn_check(p, len, SEED_PARENT + 1, "parent keeps its copy");
	igt_assert_eq(__svm_check_exclusive(ctx->dev, p, len), 0);
	scn_gpu_check(ctx->dev, p, len, SEED_PARENT + 1, "device reads the parent's copy");
}

/**
 * SUBTEST: cow-in-device
 * Description: Fork while private pages sit in device memory, then the
 *   parent writes them, so they come back to system memory and are copied
 *   (SNAPSHOT WRITE for the parent), while the child still reads the
 *   original data.
 * Functionality: hmm, fork, copy-on-write, migration
 */
static void cow_in_device(struct svm_scenario_ctx *ctx)
{
	size_t len = NPAGES * ctx->page_size;
	char *p = anon_filled(NPAGES, SEED_PARENT);
	struct scn_pipe written;

	scn_pipe_open(&written);
	igt_assert_eq_u64(migrate_raw(ctx->dev, p, NPAGES), NPAGES);
	igt_fork(child, 1) {
		scn_pipe_wait(&written, HMM_SYNC_MS, "the parent's write");
		scn_check(p, len, SEED_PARENT, "child reads the original data");
	}
	svm_buf_fill(p, len, SEED_PARENT + 1);
	scn_pipe_post(&written);
	expect_snapshot_all(ctx->dev, p, NPAGES, HMM_DMIRROR_PROT_WRITE, "parent's copy");
	scn_wait_children(HMM_FORK_WAIT_S, "the child");
	scn_check(p, len, SEED_PARENT + 1, "parent reads its copy");
}


/**
 * SUBTEST: cow-device-write
 * Description: Fork while private pages sit in dmirror0's memory, then the
 *   parent's device WRITEs them: like a CPU write, this must break
 *   copy-on-write and succeed, the parent then reads the device's data and
 *   the child still the original.
 * Functionality: hmm, fork, copy-on-write, migration, gpu write
 */
static void cow_device_write(struct svm_scenario_ctx *ctx)
{
	size_t len = NPAGES * ctx->page_size;
	char *p = anon_filled(NPAGES, SEED_PARENT), *data = scn_scratch(len);
	struct scn_pipe written;

	scn_pipe_open(&written);
	igt_assert_eq_u64(migrate_raw(ctx->dev, p, NPAGES), NPAGES);
	igt_fork(child, 1) {
		scn_pipe_wait(&written, HMM_SYNC_MS, "the parent's device write");
		scn_check(p, len, SEED_PARENT, "child reads the original data");
	}
	svm_buf_fill(data, len, SEED_GPU);
	igt_assert_eq_u64(cmd_ok(ctx->dev, HMM_DMIRROR_WRITE, p, data, NPAGES).cpages, NPAGES);
	scn_pipe_post(&written);
	scn_check(p, len, SEED_GPU, "parent reads the device's write");
	scn_wait_children(HMM_FORK_WAIT_S, "the child");
}

static const struct {
	const char *name;
	void (*run)(struct svm_scenario_ctx *ctx);
} hmm_subtests[] = {
	{ "snapshot", snapshot },
	{ "zero-page", zero_page },
	{ "thp-pmd", thp_pmd },
	{ "mixedmap", mixedmap },
	{ "fault-count", fault_count },
	{ "release-evicts", release_evicts },
	{ "migrate-to-sys", migrate_to_sys },
	{ "migrate-again", migrate_again },
	{ "migrate-shared", migrate_shared },
	{ "migrate-shared-mirrored", migrate_shared_mirrored },
	{ "migrate-prot-none", migrate_prot_none },
	{ "migrate-hole", migrate_hole },
	{ "migrate-read-only", migrate_read_only },
	{ "migrate-peer-page", migrate_peer_page },
	{ "double-map", double_map },
	{ "exclusive-mprotect", exclusive_mprotect },
	{ "exclusive-cow", exclusive_cow },
	{ "cow-in-device", cow_in_device },
	{ "cow-device-write", cow_device_write },
};

igt_main
{
	igt_subtest_group {
		igt_fixture
			require_test_hmm();

		svm_catalog_subtests(&svm_hmm_backend);

		igt_subtest_group {
			igt_fixture {
				hmm.backend = &svm_hmm_backend;
				hmm.dev = svm_dev_open(&svm_hmm_backend, 0);
				hmm.peer = svm_dev_open(&svm_hmm_backend, 1);
				hmm.page_size = hmm.dev->page_size;
				scn_evict_on_crash(&hmm);
			}

			for (size_t i = 0; i < ARRAY_SIZE(hmm_subtests); i++)
				igt_subtest(hmm_subtests[i].name)
					scn_run(hmm_subtests[i].run, &hmm);
			hmm_svm_73_subtests(&hmm);

			igt_fixture {
				svm_dev_close(hmm.peer);
				svm_dev_close(hmm.dev);
				hmm.peer = hmm.dev = NULL;
			}
		}
	}
}
