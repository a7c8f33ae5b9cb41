/* SPDX-License-Identifier: MIT */
/**
 * TEST: The scenario catalog and drm_gpusvm/drm_pagemap specifics on the virtual SVM GPU
 * Category: Core
 * Mega feature: SVM
 * Sub-category: drm_gpusvm
 * Description: The scenario catalog on the suite's virtual SVM GPU (kmod/vgpu,
 *   a DRM render driver whose engine runs on the CPU in the kernel and whose
 *   memory management is the kernel's own drm_gpusvm and drm_pagemap), in
 *   both of its VM modes, plus subtests of what the framework itself does:
 *   how ranges are chosen, split by a partial munmap, collected and rebuilt,
 *   how pages in several pagemaps are handled, invalidation, migration
 *   between tiles and devices, eviction under overcommit, fork, teardown and
 *   the driver's argument checks.  Every subtest skips without a vgpu device.
 * Functionality: vgpu, drm_gpusvm, drm_pagemap
 * Test requirement: the vgpu module (kmod/vgpu) loaded on Linux 7.3 (drm_gpusvm_helper)
 * Scenario catalog: lib/svm/scenarios
 * Catalog variants:
 * @fault: the device faults pages in
 * @ioctl: ranges are mapped by the driver before the device runs; no faults
 */
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "igt_core.h"
#include "igt_defer.h"
#include "util.h"
#include "svm/svm_catalog.h"
#include "svm/svm_scenario.h"
#include "vgpu/vgpu_arg_checks.h"
#include "vgpu/vgpu_backend.h"
#include "vgpu/vgpu_cpu_pages.h"
#include "vgpu/vgpu_device.h"
#include "vgpu/vgpu_ioctl.h"
#include "vgpu/vgpu_session.h"

IGT_TEST_DESCRIPTION("SVM scenarios and drm_gpusvm/drm_pagemap specifics on the virtual SVM GPU.");

/* The unit of data: each 64 KiB block has a seed of its own (vgpu_fill_blocks). */
#define BLOCK SZ_64K
#define SUBTEST_TIMEOUT_S (2 * SCN_HANG_S)

static bool fault_mode(const struct vgpu_session *s)
{
	return s->mode == VGPU_VM_MODE_FAULT;
}

static size_t npages_of(const struct vgpu_session *s, size_t len)
{
	return len / s->ps;
}

static const char *ranges_text(const struct drm_vgpu_range *r, uint32_t n)
{
	static char buf[1024];
	size_t len = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; i < n && len < sizeof(buf) - 64; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%#" PRIx64 "+%#" PRIx64 "%s",
				i ? ", " : "", (uint64_t)r[i].start, (uint64_t)r[i].size,
				vgpu_range_live(&r[i]) ? "" : " (unmapped)");
	if (!n)
		snprintf(buf, sizeof(buf), "none");
	return buf;
}

/* ---- ranges and a partial munmap ----------------------------------------- */

struct hole_case {
	const char *name;
	size_t off;		/* of the 64 KiB hole in the 2 MiB range */
};

static const struct hole_case holes[] = {
	{ "head", 0 },
	{ "middle", SZ_1M },
	{ "tail", SZ_2M - BLOCK },
};

/* A 2M-aligned 2 MiB VMA, CPU-written, bound, read by the device: one 2 MiB range. */
static char *one_2m_range(struct vgpu_session *s, uint32_t seed)
{
	char *p = vgpu_map_guarded(SZ_2M, SZ_2M, 0);
	const struct drm_vgpu_range *r;
	uint32_t n;

	vgpu_require_chunk(s, SZ_2M);
	vgpu_fill_blocks(p, SZ_2M, BLOCK, seed);
	vgpu_session_bind(s, p, SZ_2M);
	vgpu_check_blocks_read(s, p, BLOCK, 0, SZ_2M / BLOCK, seed, "before any change");
	r = vgpu_session_ranges(s, p, SZ_2M, &n);
	igt_assert_f(n == 1 && r[0].start == (uintptr_t)p && r[0].size == SZ_2M &&
		     vgpu_range_live(&r[0]), "setup: a 2 MiB VMA at a 2 MiB boundary should be one "
		     "2 MiB range once the device read it; the ranges are %s\n", ranges_text(r, n));
	return p;
}

/**
 * SUBTEST: partial-munmap-%s-%s
 * Description: Variant %arg[2]: a 64 KiB piece at the %arg[1] of a 2 MiB
 *   range the device has read is unmapped.  drm_gpusvm never splits a range:
 *   the notifier's UNMAP event marks the whole range unmapped (partial) and
 *   the driver's collector removes it, so QUERY_RANGES shows the 2 MiB range
 *   gone or marked unmapped.  The rest is then read by the device with its
 *   data intact, through new ranges that stay inside the remaining VMAs and
 *   never cover the hole, which the device is refused (EFAULT).  In fault mode
 *   the rest faults back in (counters.faults grows); in ioctl mode the driver
 *   must have rebuilt the still-mapped part itself, so no job fails and
 *   nothing faults (the detector of the bug_no_rebuild knob).
 * Functionality: partial munmap, range removal, garbage collection, rebuild
 *
 * arg[1]:
 * @head:   start
 * @middle: middle
 * @tail:   end
 *
 * arg[2]:
 * @fault: fault mode
 * @ioctl: ioctl mode
 */
static void partial_munmap(struct vgpu_session *s, const void *arg)
{
	const struct hole_case *h = arg;
	size_t nblocks = SZ_2M / BLOCK, hole = h->off / BLOCK, covered = 0;
	char *p = one_2m_range(s, SEED_CPU), *seen = scn_scratch(BLOCK);
	struct drm_vgpu_counters before = vgpu_session_counters(s), after;
	const struct drm_vgpu_range *r;
	uint32_t n;

	igt_assert_f(!munmap(p + h->off, BLOCK), "munmap: %s\n", strerror(errno));
	r = vgpu_session_ranges(s, p, SZ_2M, &n);
	for (uint32_t i = 0; i < n; i++)
		igt_assert_f(!(r[i].start == (uintptr_t)p && r[i].size == SZ_2M) ||
			     !vgpu_range_live(&r[i]), "the 2 MiB range is still live after a "
			     "partial munmap (%s)\n", ranges_text(r, n));
	scn_plug(p + h->off, BLOCK);

	for (size_t b = 0; b < nblocks; b++) {
		int ret;
		long bad;

		if (b == hole)
			continue;
		ret = __vgpu_read(s->fd, s->vm, 0, p + b * BLOCK, seen, BLOCK);
		igt_assert_f(ret == 0, "device read of block %zu, still mapped after the partial "
			     "munmap: %s%s\n", b, strerror(-ret), fault_mode(s) ? "" :
			     " (ioctl mode: the driver must rebuild what the munmap left mapped)");
		bad = svm_buf_check(seen, BLOCK, SEED_CPU + (uint32_t)b);
		igt_assert_f(bad < 0, "block %zu lost its data at byte %ld\n", b, bad);
	}
	after = vgpu_session_counters(s);
	if (fault_mode(s))
		igt_assert_f(after.faults > before.faults, "the rest was read without a fault "
			     "(faults %" PRIu64 " before and after): the old translation survived\n",
			     (uint64_t)after.faults);
	else
		igt_assert_f(after.faults == 0, "ioctl mode counted %" PRIu64 " faults\n",
			     (uint64_t)after.faults);

	r = vgpu_session_ranges(s, p, SZ_2M, &n);
	for (uint32_t i = 0; i < n; i++) {
		uintptr_t start = r[i].start, end = start + r[i].size;
		uintptr_t hs = (uintptr_t)p + h->off, he = hs + BLOCK;

		if (!vgpu_range_live(&r[i]))
			continue;
		igt_assert_f(end <= hs || start >= he, "live range %#" PRIxPTR "+%#" PRIx64
			     " covers the hole (%s)\n", start, (uint64_t)r[i].size, ranges_text(r, n));
		igt_assert_f(start >= (uintptr_t)p && end <= (uintptr_t)p + SZ_2M,
			     "live range %#" PRIxPTR "+%#" PRIx64 " reaches out of the VMA\n", start,
			     (uint64_t)r[i].size);
		covered += r[i].size;
	}
	igt_assert_f(covered == SZ_2M - BLOCK, "the live ranges cover %#zx bytes of the %#zx "
		     "still mapped (%s)\n", covered, (size_t)(SZ_2M - BLOCK), ranges_text(r, n));
	igt_assert_f(__vgpu_read(s->fd, s->vm, 0, p + h->off, seen, BLOCK) == -EFAULT,
		     "the device read the unmapped hole (now PROT_NONE) without EFAULT\n");
	for (size_t b = 0; b < nblocks; b++)
		if (b != hole)
			vgpu_check_blocks(p + b * BLOCK, BLOCK, BLOCK, SEED_CPU + (uint32_t)b,
					  "CPU reads the rest");
}

struct chunk_case {
	const char *name;
	size_t len, offset;	/* the VMA: @offset past a 2 MiB boundary (ONE_PAGE: a CPU page) */
	uint64_t needs;		/* the chunk size the case is about */
};

/* An offset of one CPU page: 4 KiB, or 64 KiB on a 64K-page kernel. */
#define ONE_PAGE ((size_t)1)

static const struct chunk_case chunk_cases[] = {
	{ "aligned-2m", SZ_2M, 0, SZ_2M },
	{ "vma-1m", SZ_1M, 0, SZ_64K },
	{ "unaligned-2m", SZ_2M, SZ_64K, SZ_64K },
	{ "unaligned-1m", SZ_1M, ONE_PAGE, SZ_64K },
	{ "vma-4k", SZ_4K, 0, SZ_4K },
};

/*
 * The ranges drm_gpusvm makes for a VMA whose pages are all faulted in on
 * the CPU, when the device touches it from start to end: at each address
 * the largest chunk that starts there, is aligned to its size and fits the
 * VMA (a larger one would overlap the ranges made before it).
 */
static uint32_t expected_ranges(const struct vgpu_session *s, uintptr_t start, uintptr_t end,
				struct drm_vgpu_range *out, uint32_t max)
{
	uint32_t n = 0;

	for (uintptr_t addr = start; addr < end && n < max;) {
		uint64_t chunk = s->ps;

		for (uint32_t i = 0; i < s->info.num_chunks && i < VGPU_MAX_CHUNKS; i++)
			if (!(addr & (s->info.chunk_sizes[i] - 1)) &&
			    addr + s->info.chunk_sizes[i] <= end) {
				chunk = s->info.chunk_sizes[i];
				break;
			}
		out[n++] = (struct drm_vgpu_range){ .start = addr, .size = chunk };
		addr += chunk;
	}
	return n;
}

/**
 * SUBTEST: chunk-%s-%s
 * Description: Variant %arg[2]: chunk-size choice for %arg[1], all of it
 *   written by the CPU first, bound and touched by the device from start
 *   to end.  The ranges QUERY_RANGES reports are exactly those drm_gpusvm's
 *   rule gives with the device's chunk sizes (the largest chunk aligned to its size
 *   that fits inside the VMA and overlaps no earlier range), so a range never
 *   crosses the VMA.  With the default chunks (2M, 64K, 4K): the aligned 2 MiB
 *   VMA is one 2 MiB range, the 1 MiB and the misaligned VMAs are 64 KiB
 *   ranges with 4 KiB ones at misaligned ends, the 4 KiB VMA one 4 KiB range.
 * Functionality: chunk size, range creation
 *
 * arg[1]:
 * @aligned-2m:   a 2 MiB VMA at a 2 MiB boundary
 * @vma-1m:       a 1 MiB VMA at a 2 MiB boundary
 * @unaligned-2m: a 2 MiB VMA 64 KiB past a 2 MiB boundary
 * @unaligned-1m: a 1 MiB VMA one CPU page (4 KiB) past a 2 MiB boundary
 * @vma-4k:       a 4 KiB VMA
 *
 * arg[2]:
 * @fault: fault mode
 * @ioctl: ioctl mode
 */
static void chunk_choice(struct vgpu_session *s, const void *arg)
{
	const struct chunk_case *c = arg;
	char *p = vgpu_map_guarded(c->len, SZ_2M, c->offset == ONE_PAGE ? s->ps : c->offset);
	char *seen = scn_scratch(c->len);
	uint32_t max = c->len / s->ps, n, want_n;
	struct drm_vgpu_range *want = scn_scratch(max * sizeof(*want));
	const struct drm_vgpu_range *r;

	vgpu_require_chunk(s, c->needs);
	svm_buf_fill(p, c->len, SEED_CPU);
	vgpu_session_bind(s, p, c->len);
	vgpu_read(s->fd, s->vm, 0, p, seen, c->len);
	igt_assert_f(svm_buf_check(seen, c->len, SEED_CPU) < 0, "the device read wrong data\n");
	want_n = expected_ranges(s, (uintptr_t)p, (uintptr_t)p + c->len, want, max);
	r = vgpu_session_ranges(s, p, c->len, &n);
	igt_assert_f(n == want_n, "%u ranges (%s), expected %u\n", n, ranges_text(r, n), want_n);
	for (uint32_t i = 0; i < n; i++)
		igt_assert_f(r[i].start == want[i].start && r[i].size == want[i].size &&
			     vgpu_range_live(&r[i]), "range %u is %#" PRIx64 "+%#" PRIx64 "%s, expected "
			     "%#" PRIx64 "+%#" PRIx64 " (all: %s)\n", i, (uint64_t)r[i].start,
			     (uint64_t)r[i].size, vgpu_range_live(&r[i]) ? "" : " (unmapped)",
			     (uint64_t)want[i].start, (uint64_t)want[i].size, ranges_text(r, n));
}

/* ---- pages of one range in several places -------------------------------- */

/**
 * SUBTEST: mixed-residency-%s
 * Description: Variant %arg[1]: a 2 MiB range prefetched to tile 0, then a
 *   64 KiB part of it split off into a VMA of its own (MADV_DONTFORK, which
 *   changes no page table) and written by the CPU: drm_pagemap's CPU fault
 *   handler migrates back only what lies in the faulting VMA, so the range
 *   holds device pages and system pages at once (checked in the CPU's page
 *   table).  The device then reads all of it, the CPU's new data and the
 *   rest, whether get_pages maps the mix or evicts the range and retries.
 * Functionality: mixed residency, migration, cpu fault
 *
 * arg[1]:
 * @fault: fault mode
 * @ioctl: ioctl mode
 */
static void mixed_residency(struct vgpu_session *s, const void *arg)
{
	size_t cut = SZ_1M, cut_block = cut / BLOCK;
	char *p = one_2m_range(s, SEED_CPU);

	(void)arg;
	igt_assert_eq_u64(vgpu_prefetch(s->fd, s->vm, 0, (uintptr_t)p, SZ_2M),
			  npages_of(s, SZ_2M));
	vgpu_expect_pages(s, p, npages_of(s, SZ_2M), VGPU_PAGE_TILE, 0, "after PREFETCH");
	igt_assert_f(!madvise(p + cut, BLOCK, MADV_DONTFORK), "madvise: %s\n", strerror(errno));
	svm_buf_fill(p + cut, BLOCK, SEED_PARENT);
	vgpu_expect_cpu(p, npages_of(s, cut), VGPU_CPU_ENTRY,
			"setup: the part before the CPU-written block stays in device memory");
	vgpu_expect_cpu(p + cut, npages_of(s, BLOCK), VGPU_CPU_PRESENT, "the CPU-written block");
	vgpu_expect_cpu(p + cut + BLOCK, npages_of(s, SZ_2M - cut - BLOCK), VGPU_CPU_ENTRY,
			"setup: the part after the CPU-written block stays in device memory");

	vgpu_check_blocks_read(s, p, BLOCK, 0, cut_block, SEED_CPU, "device memory part");
	vgpu_check_read(s, p + cut, BLOCK, SEED_PARENT, "the CPU-written block");
	vgpu_check_blocks_read(s, p, BLOCK, cut_block + 1, SZ_2M / BLOCK - cut_block - 1, SEED_CPU,
			       "device memory part");
}

/**
 * SUBTEST: two-pagemaps-%s
 * Description: Variant %arg[1]: a range whose pages sit in two pagemaps, tile
 *   0's and tile 1's memory of one device.  Two 1 MiB VMAs (split with
 *   MADV_DONTFORK) are prefetched one to each tile, moved with mremap() next
 *   to each other in a fresh 2 MiB-aligned place (their pages stay in device
 *   memory) and merged back into one VMA (MADV_DOFORK), which the device then
 *   reads with a new 2 MiB range.  drm_gpusvm_get_pages() refuses pages from
 *   two pagemaps (EOPNOTSUPP); the driver must evict the range and retry, so
 *   the read succeeds with the data intact, counters.mixed_retries grows and
 *   the pages end up mapped in system memory (the detector of the
 *   bug_mixed_passthrough knob, which passes the EOPNOTSUPP up as the job's
 *   error).
 * Functionality: mixed pagemaps, eviction, retry
 *
 * arg[1]:
 * @fault: fault mode
 * @ioctl: ioctl mode
 */
static void two_pagemaps(struct vgpu_session *s, const void *arg)
{
	size_t half = SZ_1M, npages = npages_of(s, SZ_2M);
	char *p = vgpu_map_guarded(SZ_2M, SZ_2M, 0), *to = vgpu_reserve_guarded(SZ_2M, SZ_2M);
	struct drm_vgpu_counters before, after;
	const struct drm_vgpu_range *r;
	uintptr_t lo = 0, hi = 0;
	uint32_t n;
	int ret;

	(void)arg;
	vgpu_require_tiles(s, 2);
	vgpu_require_chunk(s, SZ_2M);
	vgpu_fill_blocks(p, SZ_2M, BLOCK, SEED_CPU);
	igt_assert_f(!madvise(p + half, half, MADV_DONTFORK), "madvise: %s\n", strerror(errno));
	vgpu_session_bind(s, p, SZ_2M);
	igt_assert_eq_u64(vgpu_prefetch(s->fd, s->vm, 0, (uintptr_t)p, half), npages / 2);
	igt_assert_eq_u64(vgpu_prefetch(s->fd, s->vm, 1, (uintptr_t)p + half, half), npages / 2);
	vgpu_expect_pages(s, p, npages / 2, VGPU_PAGE_TILE, 0, "setup: the first half");
	vgpu_expect_pages(s, p + half, npages / 2, VGPU_PAGE_TILE, 1, "setup: the second half");

	igt_assert_f(mremap(p, half, half, MREMAP_MAYMOVE | MREMAP_FIXED, to) == to &&
		     mremap(p + half, half, half, MREMAP_MAYMOVE | MREMAP_FIXED, to + half) ==
		     to + half, "mremap: %s\n", strerror(errno));
	scn_plug(p, SZ_2M);
	igt_assert_f(!madvise(to + half, half, MADV_DOFORK), "madvise: %s\n", strerror(errno));
	igt_assert_f(vgpu_vma_of(to, &lo, &hi) && lo == (uintptr_t)to &&
		     hi == (uintptr_t)to + SZ_2M, "setup: the two halves did not merge into one "
		     "VMA (%#" PRIxPTR "-%#" PRIxPTR ")\n", lo, hi);
	vgpu_expect_cpu(to, npages, VGPU_CPU_ENTRY, "setup: the moved pages stay in device memory");

	before = vgpu_session_counters(s);
	ret = __vgpu_bind(s->fd, s->vm, VGPU_BIND_MAP, (uintptr_t)to, SZ_2M);
	igt_assert_f(ret == 0, "BIND of the range in two pagemaps: %s\n", strerror(-ret));
	/* No preferred location, so that the fault maps pages where they are. */
	if (fault_mode(s))
		vgpu_set_preferred_loc(s->fd, s->vm, (uintptr_t)to, SZ_2M, VGPU_LOC_SYSTEM);
	for (size_t b = 0; b < SZ_2M / BLOCK; b++) {
		char *seen = scn_bounce(0, BLOCK);
		long bad;

		ret = __vgpu_read(s->fd, s->vm, 0, to + b * BLOCK, seen, BLOCK);
		igt_assert_f(ret == 0, "device read of a range with pages in two pagemaps: %s "
			     "(get_pages' EOPNOTSUPP must make the driver evict and retry)\n",
			     strerror(-ret));
		bad = svm_buf_check(seen, BLOCK, SEED_CPU + (uint32_t)b);
		igt_assert_f(bad < 0, "block %zu lost its data at byte %ld\n", b, bad);
	}
	after = vgpu_session_counters(s);
	r = vgpu_session_ranges(s, to, SZ_2M, &n);
	igt_assert_f(n == 1 && r[0].start == (uintptr_t)to && r[0].size == SZ_2M,
		     "setup: expected one 2 MiB range over both halves, got %s\n", ranges_text(r, n));
	igt_assert_f(after.mixed_retries > before.mixed_retries, "mixed_retries stayed at %"
		     PRIu64 ": the pages of two pagemaps were mapped without evict-and-retry\n",
		     (uint64_t)after.mixed_retries);
	vgpu_expect_pages(s, to, npages, VGPU_PAGE_SYSTEM, 0, "after the evict-and-retry");
}

/* ---- invalidation: the device never keeps a stale translation ------------ */

struct stale_case {
	const char *name;
	void (*change)(const struct vgpu_session *s, char *p, size_t len);
};

/* The CPU drops the pages and writes new ones: the device must see those. */
static void stale_dontneed(const struct vgpu_session *s, char *p, size_t len)
{
	igt_assert_f(!madvise(p, len, MADV_DONTNEED), "madvise: %s\n", strerror(errno));
	svm_buf_fill(p, len, SEED_CPU + 1);
	vgpu_check_read(s, p, len, SEED_CPU + 1, "the device after MADV_DONTNEED and a CPU write");
}

/* A fresh mapping over the same addresses (MAP_FIXED): new pages, new data. */
static void stale_remap(const struct vgpu_session *s, char *p, size_t len)
{
	igt_assert_f(mmap(p, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			  -1, 0) == p, "mmap(MAP_FIXED): %s\n", strerror(errno));
	svm_buf_fill(p, len, SEED_CPU + 1);
	vgpu_check_read(s, p, len, SEED_CPU + 1, "the device after the remap and a CPU write");
}

static void stale_prot_none(const struct vgpu_session *s, char *p, size_t len)
{
	char *tmp = scn_scratch(len);

	scn_protect(p, len, PROT_NONE);
	igt_assert_f(__vgpu_read(s->fd, s->vm, 0, p, tmp, len) == -EFAULT,
		     "the device read PROT_NONE memory without EFAULT (a stale translation)\n");
	igt_assert_f(__vgpu_write(s->fd, s->vm, 0, p, tmp, len) == -EFAULT,
		     "the device wrote PROT_NONE memory without EFAULT (a stale translation)\n");
}

static void stale_read_only(const struct vgpu_session *s, char *p, size_t len)
{
	char *data = scn_scratch(len);

	scn_protect(p, len, PROT_READ);
	svm_buf_fill(data, len, SEED_GPU);
	igt_assert_f(__vgpu_write(s->fd, s->vm, 0, p, data, len) == -EPERM,
		     "the device wrote read-only memory without EPERM (a stale writable "
		     "translation)\n");
	scn_check(p, len, SEED_CPU, "the CPU after the refused device write");
	vgpu_check_read(s, p, len, SEED_CPU, "the device reads the read-only memory");
}

/*
 * fork() makes the pages copy-on-write; the parent's CPU write gives it new
 * ones, and the device (the parent's VM) must follow it, not keep the page
 * the child now owns alone.  The child waits until the parent is done.
 */
static void stale_cow(const struct vgpu_session *s, char *p, size_t len)
{
	struct scn_pipe done;

	scn_pipe_open(&done);
	igt_fork(child, 1) {
		scn_pipe_wait(&done, SCN_HANG_S * 1000, "the parent's writes");
		scn_check(p, len, SEED_CPU, "the child keeps the original data");
	}
	svm_buf_fill(p, len, SEED_CPU + 1);
	vgpu_check_read(s, p, len, SEED_CPU + 1, "the device after the parent's COW write");
	vgpu_fill_write(s, p, len, SEED_GPU);
	scn_check(p, len, SEED_GPU, "the parent reads the device's write");
	scn_pipe_post(&done);
	scn_wait_children(SCN_HANG_S, "the child");
}

static const struct stale_case stale_cases[] = {
	{ "dontneed", stale_dontneed },
	{ "remap", stale_remap },
	{ "prot-none", stale_prot_none },
	{ "read-only", stale_read_only },
	{ "cow", stale_cow },
};

/**
 * SUBTEST: stale-%s-%s
 * Description: Variant %arg[2]: the device reads 64 KiB, so that it holds a
 *   translation of those pages, then the CPU side changes them: %arg[1].  The
 *   driver's drm_gpusvm invalidate callback (the mmu interval notifier) must
 *   zap the device's page table and unmap the pages, so the device never uses
 *   the old translation (the detector of the bug_no_zap knob).
 * Functionality: invalidation, notifier
 *
 * arg[1]:
 * @dontneed:  MADV_DONTNEED and a CPU write; the device reads the new data
 * @remap:     a new mapping over the same addresses and a CPU write; the
 *   device reads the new data
 * @prot-none: mprotect(PROT_NONE); device reads and writes fail with EFAULT
 * @read-only: mprotect(PROT_READ); a device write fails with EPERM and
 *   changes nothing, a device read still works
 * @cow:       fork() and a CPU write in the parent; the parent's device
 *   reads that write, its device write reaches the parent only, the child
 *   keeps the original data
 *
 * arg[2]:
 * @fault: fault mode
 * @ioctl: ioctl mode
 */
static void stale_translation(struct vgpu_session *s, const void *arg)
{
	const struct stale_case *c = arg;
	char *p = vgpu_map_guarded(BLOCK, BLOCK, 0);

	svm_buf_fill(p, BLOCK, SEED_CPU);
	vgpu_session_bind(s, p, BLOCK);
	vgpu_check_read(s, p, BLOCK, SEED_CPU, "the device's first read");
	vgpu_expect_mapped(s, p, npages_of(s, BLOCK), "setup: the device maps what it read");
	c->change(s, p, BLOCK);
}

/* ---- migration between tiles and devices --------------------------------- */

/**
 * SUBTEST: tile-to-tile-migrate-%s
 * Description: Variant %arg[1]: a 2 MiB range is prefetched to tile 1, then
 *   to tile 0 of the same device: the data stays intact (device and CPU
 *   read it) and every page ends up on tile 0.  This is fix A's route in
 *   the common code.  On Linux 7.3, drm_pagemap sees two pagemaps with one owner
 *   and takes its remote-to-local path, handing pagemap 1's copy_to_ram the
 *   device-local addresses of pagemap 0's device_map, which vgpu refuses, so
 *   the migration fails; that is a known failure of 7.3 (the fix is absent).
 * Functionality: migration, multi-tile, drm_pagemap
 * Kernel change: fix A (peer vs local mapping across tiles; absent in 7.3)
 *
 * arg[1]:
 * @fault: fault mode
 * @ioctl: ioctl mode
 */
static void tile_to_tile(struct vgpu_session *s, const void *arg)
{
	size_t npages = npages_of(s, SZ_2M), on_tile0 = 0;
	uint32_t *pages = scn_scratch(npages * sizeof(*pages));
	uint64_t moved = 0;
	char *p;
	int ret;

	(void)arg;
	vgpu_require_tiles(s, 2);
	p = one_2m_range(s, SEED_CPU);
	igt_assert_eq_u64(vgpu_prefetch(s->fd, s->vm, 1, (uintptr_t)p, SZ_2M), npages);
	vgpu_expect_pages(s, p, npages, VGPU_PAGE_TILE, 1, "after PREFETCH to tile 1");
	ret = __vgpu_prefetch(s->fd, s->vm, 0, (uintptr_t)p, SZ_2M, &moved);
	vgpu_query_pages(s->fd, s->vm, p, npages, pages);
	for (size_t i = 0; i < npages; i++)
		on_tile0 += (pages[i] & VGPU_PAGE_WHERE_MASK) == VGPU_PAGE_TILE &&
			    VGPU_PAGE_TILE_OF(pages[i]) == 0;
	/* Whatever the migration did, no data may be lost. */
	vgpu_check_blocks_read(s, p, BLOCK, 0, SZ_2M / BLOCK, SEED_CPU, "after tile 1 -> tile 0");
	vgpu_check_blocks(p, SZ_2M, BLOCK, SEED_CPU, "CPU after tile 1 -> tile 0");
	igt_assert_f(ret == 0 && moved == npages && on_tile0 == npages,
		     "PREFETCH from tile 1 to tile 0: %s, %" PRIu64 " of %zu pages moved, %zu on "
		     "tile 0.  Expected on Linux 7.3 (fix A absent): drm_pagemap takes its "
		     "remote-to-local path for two pagemaps of one owner, and pagemap 1's "
		     "copy_to_ram gets device-local addresses, which vgpu refuses\n",
		     ret ? strerror(-ret) : "success", moved, npages, on_tile0);
}

/**
 * SUBTEST: two-devices-ping-pong-%s
 * Description: Variant %arg[1]: two vgpu devices (different device-private
 *   owners, both VMs preferring system memory) take turns on one 64 KiB
 *   range.  One prefetches it to its tile 0 and writes it, the other reads
 *   that data, which must bring the pages
 *   through system memory (hmm_range_fault() with the reader's owner runs
 *   drm_pagemap's migrate_to_ram for the writer's pages (the reader's
 *   translation is then to system memory, the writer's no longer to its
 *   tile)), and so on for eight rounds; the CPU reads the last write.
 * Functionality: multi-device, migration, device-private owner
 *
 * arg[1]:
 * @fault: fault mode
 * @ioctl: ioctl mode
 */
static void two_devices(struct vgpu_session *s, const void *arg)
{
	struct vgpu_session other;
	size_t npages = npages_of(s, BLOCK);
	char *p = vgpu_map_guarded(BLOCK, BLOCK, 0);
	uint32_t seed = SEED_PEER;

	(void)arg;
	vgpu_session_open(&other, 1, s->mode);
	svm_buf_fill(p, BLOCK, seed);
	vgpu_session_bind(s, p, BLOCK);
	vgpu_session_bind(&other, p, BLOCK);
	/* A reader maps the pages where they are, not in its own memory. */
	vgpu_set_preferred_loc(s->fd, s->vm, (uintptr_t)p, BLOCK, VGPU_LOC_SYSTEM);
	vgpu_set_preferred_loc(other.fd, other.vm, (uintptr_t)p, BLOCK, VGPU_LOC_SYSTEM);
	for (int round = 0; round < 8; round++) {
		const struct vgpu_session *mine = round & 1 ? &other : s;
		const struct vgpu_session *theirs = round & 1 ? s : &other;

		vgpu_check_read(mine, p, BLOCK, seed, "the last write");
		igt_assert_eq_u64(vgpu_prefetch(mine->fd, mine->vm, 0, (uintptr_t)p, BLOCK), npages);
		vgpu_expect_pages(mine, p, npages, VGPU_PAGE_TILE, 0, "after its PREFETCH");
		vgpu_fill_write(mine, p, BLOCK, ++seed);
		vgpu_check_read(theirs, p, BLOCK, seed, "the other device reads the write");
		vgpu_expect_pages(theirs, p, npages, VGPU_PAGE_SYSTEM, 0,
				  "the reader maps system memory (owners differ)");
		vgpu_expect_not_on_tile(mine, p, npages, 0, "the writer after the other's read");
	}
	scn_check(p, BLOCK, seed, "the CPU reads the last device write");
}

/* ---- device memory under pressure, fork, mremap, mprotect ---------------- */

/**
 * SUBTEST: overcommit-%s
 * Description: Variant %arg[1]: a working set twice one tile's device memory
 *   is written by the device 2 MiB at a time, each piece sent to tile 0
 *   first (by the preferred location, the faulting tile, in fault mode; by a
 *   PREFETCH in ioctl mode), so that the driver must evict earlier pieces
 *   (drm_pagemap_evict_to_ram) to make room for drm_pagemap_migrate_to_devmem
 *   (counters.evictions grows, more pages went to device memory than it
 *   holds); then the CPU reads every byte back.
 * Functionality: eviction, overcommit, migration
 *
 * arg[1]:
 * @fault: fault mode
 * @ioctl: ioctl mode
 */
static void overcommit(struct vgpu_session *s, const void *arg)
{
	size_t len = 2 * s->info.vram_per_tile, pieces = len / SZ_2M;
	struct drm_vgpu_counters c;
	struct sysinfo si;
	char *p, *data = scn_scratch(SZ_2M);

	(void)arg;
	igt_require_f(!sysinfo(&si) && (uint64_t)si.freeram * si.mem_unit > 3 * (uint64_t)len,
		      "needs 3 x %zu MiB of free memory\n", len >> 20);
	p = vgpu_map_guarded(len, SZ_2M, 0);
	/* Faulted in on the CPU first, so that drm_gpusvm may pick 2 MiB chunks. */
	memset(p, 0, len);
	vgpu_session_bind(s, p, len);
	if (fault_mode(s))
		vgpu_set_preferred_loc(s->fd, s->vm, (uintptr_t)p, len, VGPU_LOC_FAULTING_TILE);
	for (size_t i = 0; i < pieces; i++) {
		if (!fault_mode(s))
			vgpu_prefetch(s->fd, s->vm, 0, (uintptr_t)p + i * SZ_2M, SZ_2M);
		svm_buf_fill(data, SZ_2M, SEED_GPU + (uint32_t)i);
		vgpu_write(s->fd, s->vm, 0, p + i * SZ_2M, data, SZ_2M);
	}
	c = vgpu_session_counters(s);
	igt_assert_f(c.evictions > 0, "no eviction while %zu MiB went through %" PRIu64
		     " MiB of device memory\n", len >> 20, (uint64_t)s->info.vram_per_tile >> 20);
	igt_assert_f(c.pages_to_devmem * s->ps > s->info.vram_per_tile, "only %" PRIu64
		     " pages went to device memory\n", (uint64_t)c.pages_to_devmem);
	for (size_t i = 0; i < pieces; i++)
		scn_check(p + i * SZ_2M, SZ_2M, SEED_GPU + (uint32_t)i, "the CPU reads every piece");
}

struct fork_case {
	const char *name;
	bool device_write;	/* the parent writes with the device, else the CPU */
};

static const struct fork_case fork_cases[] = {
	{ "device-write", true },
	{ "cpu-write", false },
};

/**
 * SUBTEST: fork-cow-%s-%s
 * Description: Variant %arg[2]: fork() while 64 KiB of private pages sit in
 *   tile 0's memory (fork makes the device-private entries copy-on-write in
 *   both processes); then %arg[1] while they are still there.  The parent
 *   reads its write back (device and CPU); the child, on its own file and VM
 *   too, still reads the original data, then writes its own, which the
 *   parent never sees.  A device write makes drm_gpusvm_get_pages() ask
 *   hmm_range_fault() for write access to entries the fork made read-only.
 * Functionality: fork, copy-on-write, device-private pages
 *
 * arg[1]:
 * @device-write: the parent's device writes the pages
 * @cpu-write:    the parent's CPU writes the pages
 *
 * arg[2]:
 * @fault: fault mode
 * @ioctl: ioctl mode
 */
static void fork_cow(struct vgpu_session *s, const void *arg)
{
	const struct fork_case *c = arg;
	char *p = vgpu_map_guarded(BLOCK, BLOCK, 0);
	struct scn_pipe written;

	svm_buf_fill(p, BLOCK, SEED_PARENT);
	vgpu_session_bind(s, p, BLOCK);
	igt_assert_eq_u64(vgpu_prefetch(s->fd, s->vm, 0, (uintptr_t)p, BLOCK), npages_of(s, BLOCK));
	scn_pipe_open(&written);
	igt_fork(child, 1) {
		struct vgpu_session mine;

		scn_pipe_wait(&written, SCN_HANG_S * 1000, "the parent's write");
		scn_check(p, BLOCK, SEED_PARENT, "the child reads the original data");
		svm_buf_fill(p, BLOCK, SEED_CHILD);
		vgpu_session_open_like(&mine, s);
		vgpu_session_bind(&mine, p, BLOCK);
		vgpu_check_read(&mine, p, BLOCK, SEED_CHILD, "the child's device reads its write");
	}
	if (c->device_write)
		vgpu_fill_write(s, p, BLOCK, SEED_GPU);
	else
		svm_buf_fill(p, BLOCK, SEED_GPU);
	scn_pipe_post(&written);
	vgpu_check_read(s, p, BLOCK, SEED_GPU, "the parent's device reads the parent's write");
	/*
	 * The child's end, not a message from it: a child that fails its check
	 * exits at once, and the parent learns it now rather than at a timeout.
	 */
	scn_wait_children(SCN_HANG_S, "the child");
	scn_check(p, BLOCK, SEED_GPU, "the parent keeps its data");
}

/* 64 KiB of private memory written by the CPU, bound and prefetched to tile 0. */
static char *migrated_block(struct vgpu_session *s, uint32_t seed)
{
	char *p = vgpu_map_guarded(BLOCK, BLOCK, 0);

	svm_buf_fill(p, BLOCK, seed);
	vgpu_session_bind(s, p, BLOCK);
	igt_assert_eq_u64(vgpu_prefetch(s->fd, s->vm, 0, (uintptr_t)p, BLOCK), npages_of(s, BLOCK));
	vgpu_expect_pages(s, p, npages_of(s, BLOCK), VGPU_PAGE_TILE, 0, "after PREFETCH");
	return p;
}

/* mremap() moves the device-private entries; the old place becomes a hole. */
static void migrated_mremap(struct vgpu_session *s, char *p)
{
	char *to = vgpu_reserve_guarded(BLOCK, BLOCK), *tmp = scn_scratch(BLOCK);

	igt_assert_f(mremap(p, BLOCK, BLOCK, MREMAP_MAYMOVE | MREMAP_FIXED, to) == to,
		     "mremap: %s\n", strerror(errno));
	scn_plug(p, BLOCK);
	vgpu_expect_cpu(to, npages_of(s, BLOCK), VGPU_CPU_ENTRY,
			"the moved pages are still in device memory");
	igt_assert_f(__vgpu_read(s->fd, s->vm, 0, p, tmp, BLOCK) == -EFAULT,
		     "the device read the old place of the moved pages without EFAULT\n");
	vgpu_session_bind(s, to, BLOCK);
	vgpu_check_read(s, to, BLOCK, SEED_CPU, "the device reads the moved pages");
	scn_check(to, BLOCK, SEED_CPU, "the CPU reads the moved pages");
}

/* Read-only, device pages stay readable and refuse writes; writable again, they take them. */
static void migrated_mprotect(struct vgpu_session *s, char *p)
{
	char *data = scn_scratch(BLOCK);

	scn_protect(p, BLOCK, PROT_READ);
	vgpu_check_read(s, p, BLOCK, SEED_CPU, "the device reads read-only migrated pages");
	svm_buf_fill(data, BLOCK, SEED_GPU);
	igt_assert_f(__vgpu_write(s->fd, s->vm, 0, p, data, BLOCK) == -EPERM,
		     "the device wrote read-only migrated pages without EPERM\n");
	scn_check(p, BLOCK, SEED_CPU, "the CPU after the refused write");
	scn_protect(p, BLOCK, PROT_READ | PROT_WRITE);
	vgpu_fill_write(s, p, BLOCK, SEED_GPU);
	scn_check(p, BLOCK, SEED_GPU, "the CPU reads the device's write");
}

struct migrated_case {
	const char *name;
	void (*change)(struct vgpu_session *s, char *p);
};

static const struct migrated_case migrated_cases[] = {
	{ "mremap", migrated_mremap },
	{ "mprotect", migrated_mprotect },
};

/**
 * SUBTEST: migrated-%s-%s
 * Description: Variant %arg[2]: 64 KiB prefetched to tile 0, then
 *   %arg[1].  The notifier invalidates the range; the pages stay
 *   device-private and drm_gpusvm_get_pages() must map them again as the new
 *   VMA allows.
 * Functionality: migration, mremap, mprotect
 *
 * arg[1]:
 * @mremap:   mremap() to a new address: the pages stay in device memory
 *   (checked in the CPU's page table), the device is refused the old address
 *   (EFAULT) and reads the data at the new one, and so does the CPU
 * @mprotect: mprotect(PROT_READ): the device reads the data, its write fails
 *   with EPERM and changes nothing; made writable again, the device's write
 *   lands
 *
 * arg[2]:
 * @fault: fault mode
 * @ioctl: ioctl mode
 */
static void migrated(struct vgpu_session *s, const void *arg)
{
	const struct migrated_case *c = arg;

	c->change(s, migrated_block(s, SEED_CPU));
}

/* ---- threads and the CPU racing the engine ------------------------------- */

#define RACE_INCS 500u
#define RACE_ROUNDS 50
#define RACE_MIGRATIONS 200

static struct {
	const struct vgpu_session *s;
	char *p;			/* one 2 MiB range */
	_Atomic uint32_t *word;		/* page 0's first word: every incrementer's */
	char *dev_part, *cpu_part;	/* the device thread's and the main thread's data */
	size_t part_len;
	atomic_int workers_left;	/* the migrator runs while they (and main) do */
} race;

static void *race_device_incs(void *arg)
{
	(void)arg;
	for (uint32_t i = 0; i < RACE_INCS && !scn_stopping(); i++) {
		int ret = __vgpu_atomic_inc(race.s->fd, race.s->vm, 0, (uint32_t *)race.word, NULL);

		igt_assert_f(ret == 0, "device ATOMIC_INC %u: %s\n", i, strerror(-ret));
	}
	atomic_fetch_sub(&race.workers_left, 1);
	return NULL;
}

static void *race_cpu_incs(void *arg)
{
	(void)arg;
	for (uint32_t i = 0; i < RACE_INCS && !scn_stopping(); i++)
		atomic_fetch_add(race.word, 1);
	atomic_fetch_sub(&race.workers_left, 1);
	return NULL;
}

static void *race_device_data(void *arg)
{
	(void)arg;
	for (uint32_t r = 0; r < RACE_ROUNDS && !scn_stopping(); r++) {
		vgpu_fill_write(race.s, race.dev_part, race.part_len, SEED_THREAD + r);
		vgpu_check_read(race.s, race.dev_part, race.part_len, SEED_THREAD + r,
				"the device thread reads its write back");
	}
	atomic_fetch_sub(&race.workers_left, 1);
	return NULL;
}

/* Moves the whole range between tile 0 and system memory while the others work. */
static void *race_migrator(void *arg)
{
	(void)arg;
	for (int r = 0; r < RACE_MIGRATIONS && atomic_load(&race.workers_left) > 0 &&
	     !scn_stopping(); r++) {
		int32_t loc = r & 1 ? VGPU_LOC_SYSTEM : 0;
		int ret = __vgpu_prefetch(race.s->fd, race.s->vm, loc, (uintptr_t)race.p, SZ_2M,
					  NULL);

		igt_assert_f(ret == 0, "PREFETCH %d racing the engine: %s\n", r, strerror(-ret));
	}
	return NULL;
}

/**
 * SUBTEST: race-%s
 * Description: Variant %arg[1]: on one 2 MiB range at once, two threads
 *   increment a word with device atomics while a CPU thread increments it
 *   with CPU atomics, a thread writes and reads back its own part with the
 *   device, a thread migrates the whole range between tile 0 and system
 *   memory, and the main thread writes its part with the CPU and reads it
 *   with the device.  So notifier invalidations race get_pages() and its
 *   pages_valid() check under the notifier lock, whose -EAGAIN the driver
 *   retries.  Every thread is bounded and joined; no increment is lost and
 *   every part holds its last data.
 * Functionality: threads, invalidation, migration, gpu atomic
 *
 * arg[1]:
 * @fault: fault mode
 * @ioctl: ioctl mode
 */
static void race_engine(struct vgpu_session *s, const void *arg)
{
	size_t half = SZ_1M;

	(void)arg;
	race.s = s;
	race.p = vgpu_map_guarded(SZ_2M, SZ_2M, 0);
	memset(race.p, 0, SZ_2M);
	race.word = (_Atomic uint32_t *)race.p;
	race.dev_part = race.p + s->ps;
	race.cpu_part = race.p + half;
	race.part_len = half - s->ps;
	atomic_store(&race.workers_left, 5);
	vgpu_session_bind(s, race.p, SZ_2M);

	scn_thread(race_device_incs, NULL);
	scn_thread(race_device_incs, NULL);
	scn_thread(race_cpu_incs, NULL);
	scn_thread(race_device_data, NULL);
	scn_thread(race_migrator, NULL);
	for (uint32_t r = 0; r < RACE_ROUNDS; r++) {
		svm_buf_fill(race.cpu_part, race.part_len, SEED_CPU + r);
		vgpu_check_read(s, race.cpu_part, race.part_len, SEED_CPU + r,
				"the device reads the main thread's CPU write");
	}
	atomic_fetch_sub(&race.workers_left, 1);
	scn_join_threads();
	igt_assert_f(atomic_load(race.word) == 3 * RACE_INCS, "the word is %u after %u device "
		     "and %u CPU increments\n", atomic_load(race.word), 2 * RACE_INCS, RACE_INCS);
	scn_check(race.dev_part, race.part_len, SEED_THREAD + RACE_ROUNDS - 1,
		  "the device thread's part");
	scn_check(race.cpu_part, race.part_len, SEED_CPU + RACE_ROUNDS - 1, "the main thread's part");
}

/* ---- many ranges, teardown, asynchronous jobs ---------------------------- */

#define MANY_RANGES 10000

/**
 * SUBTEST: many-ranges-%s
 * Description: Variant %arg[1]: 10000 separate 4 KiB VMAs (every other page
 *   of a mapping made PROT_NONE), each bound as a region of its own and
 *   read by the device.  QUERY_RANGES finds exactly one 4 KiB range per VMA
 *   (drm_gpusvm_range_find_or_insert() never crosses a VMA).  Then every
 *   region is unbound, which leaves no range (drm_gpusvm_range_remove() for each),
 *   and counters.ranges_removed equals counters.ranges_created.
 * Functionality: range creation, range removal, scale
 *
 * arg[1]:
 * @fault: fault mode
 * @ioctl: ioctl mode
 */
static void many_ranges(struct vgpu_session *s, const void *arg)
{
	size_t ps = s->ps, span = 2 * MANY_RANGES * ps;
	char *p = vgpu_map_guarded(span, SZ_2M, 0);
	const struct drm_vgpu_range *r;
	struct drm_vgpu_counters c;
	uint32_t n, seen;

	(void)arg;
	for (uint32_t i = 0; i < MANY_RANGES; i++) {
		*(uint32_t *)(p + 2 * i * ps) = i;
		igt_assert_f(!mprotect(p + (2 * i + 1) * ps, ps, PROT_NONE), "mprotect: %s\n",
			     strerror(errno));
	}
	for (uint32_t i = 0; i < MANY_RANGES; i++) {
		vgpu_session_bind(s, p + 2 * i * ps, ps);
		vgpu_read(s->fd, s->vm, 0, p + 2 * i * ps, &seen, sizeof(seen));
		igt_assert_f(seen == i, "page %u reads %u\n", i, seen);
	}
	r = vgpu_session_ranges(s, p, span, &n);
	igt_assert_f(n == MANY_RANGES, "%u ranges for %u VMAs\n", n, MANY_RANGES);
	for (uint32_t i = 0; i < n; i++)
		igt_assert_f(r[i].start == (uintptr_t)p + 2 * i * ps && r[i].size == ps &&
			     vgpu_range_live(&r[i]), "range %u is %#" PRIx64 "+%#" PRIx64 ", expected "
			     "the VMA %p+%#zx\n", i, (uint64_t)r[i].start, (uint64_t)r[i].size,
			     (void *)(p + 2 * i * ps), ps);
	for (uint32_t i = 0; i < MANY_RANGES; i++)
		vgpu_bind(s->fd, s->vm, VGPU_BIND_UNMAP, (uintptr_t)p + 2 * i * ps, ps);
	r = vgpu_session_ranges(s, p, span, &n);
	igt_assert_f(n == 0, "%u ranges left after unbinding every region (%s)\n", n,
		     ranges_text(r, n));
	c = vgpu_session_counters(s);
	igt_assert_f(c.ranges_created >= MANY_RANGES && c.ranges_removed == c.ranges_created,
		     "%" PRIu64 " ranges created, %" PRIu64 " removed\n",
		     (uint64_t)c.ranges_created, (uint64_t)c.ranges_removed);
}

struct teardown_case {
	const char *name;
	bool close_file;	/* close the fd, else only VM_DESTROY */
};

static const struct teardown_case teardown_cases[] = {
	{ "close-fd", true },
	{ "vm-destroy", false },
};

/**
 * SUBTEST: teardown-%s-%s
 * Description: Variant %arg[2]: 64 KiB prefetched to tile 0 through a file
 *   of its own, then %arg[1] with the pages still in device memory: the CPU
 *   reads the data intact, and so does the device through another VM
 *   (drm_gpusvm_fini() and the pagemap's device memory outliving the VM).
 * Functionality: teardown, eviction
 *
 * arg[1]:
 * @close-fd:   the file is closed (its last reference); the pages stay in
 *   device memory (vgpu keeps them there, as xe does: kmod/README.md), so
 *   the CPU's read comes through drm_pagemap's migrate_to_ram with no VM
 *   and no file left
 * @vm-destroy: the VM is destroyed, the file stays open
 *
 * arg[2]:
 * @fault: fault mode
 * @ioctl: ioctl mode
 */
static void teardown(struct vgpu_session *s, const void *arg)
{
	const struct teardown_case *c = arg;
	char *p = vgpu_map_guarded(BLOCK, BLOCK, 0);
	size_t npages = npages_of(s, BLOCK);
	int fd = igt_fd_tracked(__vgpu_open(&s->node));
	uint32_t vm = vgpu_vm_create(fd, s->mode);

	svm_buf_fill(p, BLOCK, SEED_CPU);
	vgpu_bind(fd, vm, VGPU_BIND_MAP, (uintptr_t)p, BLOCK);
	igt_assert_eq_u64(vgpu_prefetch(fd, vm, 0, (uintptr_t)p, BLOCK), npages);
	vgpu_expect_cpu(p, npages, VGPU_CPU_ENTRY, "setup: after PREFETCH");
	if (c->close_file) {
		igt_assert_eq(__igt_close_tracked(fd), 0);
		vgpu_expect_cpu(p, npages, VGPU_CPU_ENTRY, "after the last close of the file");
	} else {
		vgpu_vm_destroy(fd, vm);
	}
	scn_check(p, BLOCK, SEED_CPU, "the CPU after the teardown");
	vgpu_session_bind(s, p, BLOCK);
	vgpu_check_read(s, p, BLOCK, SEED_CPU, "another VM after the teardown");
}

/**
 * SUBTEST: async-fence-%s
 * Description: Variant %arg[1]: VGPU_EXEC_ASYNC jobs return a sync_file
 *   at once.  Three WRITEs to one page signal success in submission order (the
 *   page holds the last one's data), and a WRITE into PROT_NONE memory
 *   signals the job's EFAULT.
 * Functionality: uapi, fences, gpu write
 *
 * arg[1]:
 * @fault: fault mode
 * @ioctl: ioctl mode
 */
static void async_fence(struct vgpu_session *s, const void *arg)
{
	char *p = vgpu_map_guarded(2 * s->ps, BLOCK, 0), *data = scn_scratch(3 * s->ps);
	int fences[3];

	(void)arg;
	memset(p, 0, 2 * s->ps);
	vgpu_session_bind(s, p, 2 * s->ps);
	scn_protect(p + s->ps, s->ps, PROT_NONE);
	for (int i = 0; i < 3; i++) {
		struct drm_vgpu_exec job = {
			.vm_id = s->vm, .op = VGPU_EXEC_WRITE, .flags = VGPU_EXEC_ASYNC,
			.addr = (uintptr_t)p, .size = s->ps, .data = (uintptr_t)(data + i * s->ps),
		};

		svm_buf_fill(data + i * s->ps, s->ps, SEED_GPU + i);
		igt_assert_eq(__vgpu_exec(s->fd, &job), 0);
		igt_assert_f(job.fence_fd >= 0, "no fence for an ASYNC job\n");
		fences[i] = scn_track_fd(job.fence_fd);
	}
	for (int i = 0; i < 3; i++)
		igt_assert_eq(__vgpu_fence_wait(fences[i], VGPU_FENCE_TIMEOUT_MS), 0);
	scn_check(p, s->ps, SEED_GPU + 2, "the page holds the last job's data");
	{
		struct drm_vgpu_exec job = {
			.vm_id = s->vm, .op = VGPU_EXEC_WRITE, .flags = VGPU_EXEC_ASYNC,
			.addr = (uintptr_t)p + s->ps, .size = s->ps, .data = (uintptr_t)data,
		};
		int ret;

		igt_assert_eq(__vgpu_exec(s->fd, &job), 0);
		ret = __vgpu_fence_wait(scn_track_fd(job.fence_fd), VGPU_FENCE_TIMEOUT_MS);
		igt_assert_f(ret == -EFAULT, "an ASYNC WRITE into PROT_NONE memory signalled %s, "
			     "expected %s\n", ret ? strerror(-ret) : "success", strerror(EFAULT));
	}
}

/* ---- the subtest table ----------------------------------------------------- */

/*
 * A family is one body over a table of cases (each case struct starts with
 * its name), each run once per variant: "<prefix>-<case>-<variant>".
 */
struct family {
	const char *prefix;
	void (*run)(struct vgpu_session *s, const void *arg);
	const void *cases;		/* NULL: one subtest, "<prefix>-<variant>" */
	size_t num_cases, case_size;
	unsigned int timeout_s;		/* 0: SUBTEST_TIMEOUT_S */
};

#define FAMILY(prefix, fn, table, timeout) \
	{ prefix, fn, table, ARRAY_SIZE(table), sizeof((table)[0]), timeout }
#define SINGLE(prefix, fn, timeout) { prefix, fn, NULL, 1, 0, timeout }

static const struct family families[] = {
	FAMILY("partial-munmap", partial_munmap, holes, 0),
	FAMILY("chunk", chunk_choice, chunk_cases, 0),
	SINGLE("mixed-residency", mixed_residency, 0),
	SINGLE("two-pagemaps", two_pagemaps, 0),
	FAMILY("stale", stale_translation, stale_cases, 0),
	SINGLE("tile-to-tile-migrate", tile_to_tile, 0),
	SINGLE("two-devices-ping-pong", two_devices, 0),
	SINGLE("overcommit", overcommit, 4 * SCN_HANG_S),
	FAMILY("fork-cow", fork_cow, fork_cases, 0),
	FAMILY("migrated", migrated, migrated_cases, 0),
	SINGLE("race", race_engine, 4 * SCN_HANG_S),
	SINGLE("many-ranges", many_ranges, 4 * SCN_HANG_S),
	FAMILY("teardown", teardown, teardown_cases, 0),
	SINGLE("async-fence", async_fence, 0),
};

/* Statics: they must survive the jump out of a failed body. */
static const struct family *running;
static const void *running_case;
static uint32_t running_mode;

static void run_body(struct svm_scenario_ctx *unused)
{
	struct vgpu_session s;

	(void)unused;
	vgpu_session_open(&s, 0, running_mode);
	running->run(&s, running_case);
}

static void run_subtest(const struct family *f, const void *c, uint32_t mode, const char *name)
{
	static struct svm_scenario_ctx ctx;

	running = f;
	running_case = c;
	running_mode = mode;
	igt_set_timeout(f->timeout_s ? f->timeout_s : SUBTEST_TIMEOUT_S, name);
	scn_run(run_body, &ctx);
	igt_set_timeout(0, NULL);
}

/**
 * SUBTEST: invalid-args
 * Description: Each argument check of the vgpu uAPI, one dynamic subtest per
 *   case (lib/vgpu/vgpu_arg_checks.c): a call valid but for one field fails
 *   with the errno include/uapi/vgpu_drm.h implies (bad VM ids ENOENT,
 *   nonzero pad and unknown ops, flags and attributes EINVAL, misaligned or
 *   empty ranges, tiles and locations out of range, EXEC sizes, ATOMIC_INC
 *   alignment, ASYNC READ, QUERY_PAGES counts EINVAL, overlapping MAP EEXIST,
 *   UNMAP of no region ENOENT, bad user pointers EFAULT), and the unchanged
 *   calls succeed.  Each case runs on fresh files and a fresh VM.
 * Functionality: uapi, argument checks
 */
static void test_invalid_args(const struct igt_device_info *node)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);

	for (unsigned int i = 0; i < vgpu_num_arg_checks; i++) {
		const struct vgpu_arg_check *chk = &vgpu_arg_checks[i];

		igt_dynamic(chk->name) {
			int fd = igt_fd_tracked(__vgpu_open(node));
			int other = igt_fd_tracked(__vgpu_open(node));
			char *buf = igt_mmap_tracked(NULL, ARG_BUF_PAGES * ps, PROT_READ | PROT_WRITE,
						     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			struct vgpu_arg_ctx ctx;
			int ret = vgpu_arg_ctx_setup(&ctx, fd, other, buf);

			igt_assert_f(ret == 0, "setting up the case: %s\n", strerror(-ret));
			ret = vgpu_arg_check_call(&ctx, chk);
			igt_assert_f(ret != VGPU_ARG_SETUP_FAILED, "%s: could not set up the call\n",
				     chk->name);
			igt_assert_f(ret == -chk->err, "%s (%s): %s, expected %s\n", chk->name,
				     chk->rule, ret ? strerror(-ret) : "success",
				     chk->err ? strerror(chk->err) : "success");
		}
	}
}

igt_main
{
	static struct igt_device_info node;

	igt_subtest_group {
		igt_fixture
			vgpu_require(0, &node);

		for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
			const struct family *fam = &families[f];

			for (size_t c = 0; c < fam->num_cases; c++) {
				const void *arg = fam->cases ?
					(const char *)fam->cases + c * fam->case_size : NULL;
				const char *cname = arg ? *(const char *const *)arg : NULL;

				for (unsigned int v = 0; v < svm_vgpu_backend.num_variants; v++) {
					const struct svm_variant *var = &svm_vgpu_backend.variants[v];

					igt_subtest_f("%s%s%s-%s", fam->prefix, cname ? "-" : "",
						      cname ? cname : "", var->name)
						run_subtest(fam, arg, vgpu_variant_mode(var),
							    fam->prefix);
				}
			}
		}

		igt_subtest_with_dynamic("invalid-args")
			test_invalid_args(&node);
	}

	svm_catalog_subtests(&svm_vgpu_backend);
}
