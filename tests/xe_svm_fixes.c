/* SPDX-License-Identifier: MIT */
/**
 * TEST: Regression subtests for the xe pagemap fixes
 * Category: Core
 * Mega feature: SVM
 * Sub-category: xe
 * Description: Subtests aimed at the three xe pagemap fixes of June 2026
 *   that no other test guards (see
 *   shared/seeds/xe-pagemap-fixes-review.thread.txt).  Family bind-fence
 *   guards fix C, the fence count of a bind queue's composite out-fence;
 *   peer-tile guards fix A, peer vs local mapping of device pages across
 *   tiles; mixed-64k guards fix B, ENOSPC + evict + retry when a 64K PTE
 *   cannot be formed.  Each family is proven on the virtual device: it
 *   fails with the bug model that re-creates its bug and passes without
 *   (ci/vdev-matrix).
 * Functionality: xe, vm_bind, fences
 * Test requirement: xe render node
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_core.h"
#include "igt_defer.h"
#include "util.h"
#include "xe/xe_batch.h"
#include "xe/xe_ioctl.h"
#include "xe/xe_query.h"
#include "xe/xe_tracked.h"

IGT_TEST_DESCRIPTION("Regression subtests for the xe pagemap fixes A, B and C.");

#define BIND_BASE 0x40000000ull
#define REPEATS 20

static int xe_fd = -1;
static struct xe_device xe;

static void open_xe(void)
{
	xe_fd = xe_open_first(&xe);
}

/* ---- SVM helpers for fixes A and B ---------------------------------------- */

#define BATCH_DWORDS 4096

/*
 * A fault-mode VM mirroring everything, a queue per tile, a batch and the
 * user fences.  Each lives on the stack of its subtest; what it holds is
 * tracked (xe_tracked.h, igt_defer.h) and released when the subtest ends,
 * whichever way, last made first, so nothing carries over into the next
 * one.  Memory the GPU writes is made before the VM and the queues (the
 * test's range before create_svm()): after a failed wait a batch may still
 * run, and its queue must go first.
 */
struct svm {
	uint32_t vm;
	uint32_t queue[2];
	struct xe_batch batch;
	volatile uint64_t *fence;
	uint64_t *done;		/* two more user fences, one per tile */
	uint64_t seqno;
};

static void require_svm_and_vram(void)
{
	xe_require_svm(&xe);
	igt_require_f(xe_has_vram(&xe), "xe device %04x has no VRAM\n", xe.devid);
}

static void require_tiles(unsigned int n)
{
	igt_require_f(xe.num_tiles >= n, "needs %u tiles, xe device %04x has %u\n", n, xe.devid,
		      xe.num_tiles);
}

static void create_svm(struct svm *s)
{
	struct drm_xe_vm_bind_op op = xe_op_mirror(0, 1ull << xe.va_bits, 0);

	*s = (struct svm){ 0 };
	xe_batch_init_tracked(&s->batch, BATCH_DWORDS);
	s->fence = igt_alloc_tracked(64, 64);
	s->done = igt_alloc_tracked(64, 64);
	s->vm = xe_vm_create_tracked(xe_fd, DRM_XE_VM_CREATE_FLAG_LR_MODE |
				     DRM_XE_VM_CREATE_FLAG_FAULT_MODE);
	xe_vm_bind_sync(xe_fd, s->vm, &op);
	for (unsigned int t = 0; t < xe.num_tiles && t < 2; t++) {
		const struct drm_xe_engine_class_instance *eci = xe_find_engine(&xe, t, -1);

		igt_require_f(eci, "no engine on tile %u\n", t);
		s->queue[t] = xe_exec_queue_create_tracked(xe_fd, s->vm, eci);
	}
}

/* @len bytes of private anonymous memory aligned to 2 MiB, tracked. */
static char *alloc_aligned(size_t len)
{
	char *map = igt_mmap_tracked(NULL, len + SZ_2M, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return (char *)(((uintptr_t)map + SZ_2M - 1) & ~(SZ_2M - 1));
}

static uint32_t pattern(uint32_t seed, size_t i)
{
	return seed * 0x9e3779b1u + (uint32_t)i;
}

static void cpu_fill(char *p, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len / 4; i++)
		((uint32_t *)p)[i] = pattern(seed, i);
}

static void cpu_check(const char *p, size_t len, uint32_t seed, const char *what)
{
	for (size_t i = 0; i < len / 4; i++)
		igt_assert_f(((const uint32_t *)p)[i] == pattern(seed, i),
			     "%s: dword %zu is %#x, expected %#x\n", what, i,
			     ((const uint32_t *)p)[i], pattern(seed, i));
}

/* Runs the batch on @tile's queue; 0, or -EIO when the GPU fault failed. */
static int submit(struct svm *s, int tile)
{
	struct drm_xe_sync sync = xe_sync_ufence(s->fence, ++s->seqno);
	int ret;

	igt_assert_eq(xe_batch_end(&s->batch), 0);
	ret = __xe_exec(xe_fd, s->queue[tile], (uintptr_t)s->batch.dw, &sync, 1);
	if (!ret)
		ret = __xe_wait_ufence(xe_fd, s->fence, s->seqno, s->queue[tile],
				       XE_DEFAULT_TIMEOUT_NS);
	xe_batch_reset(&s->batch);
	return ret;
}

static void submit_ok(struct svm *s, int tile, const char *what, const char *access)
{
	int ret = submit(s, tile);

	igt_assert_f(ret == 0, "%s: tile %d's GPU %s failed: %s%s\n", what, tile, access,
		     strerror(-ret), ret == -EIO ? " (GPU fault, queue reset)" : "");
}

/* @tile's GPU writes the pattern of @seed over [p, p+len); asserts success. */
static void gpu_fill(struct svm *s, int tile, char *p, size_t len, uint32_t seed,
		     const char *what)
{
	for (size_t i = 0; i < len / 4; i++) {
		if (!xe_batch_room(&s->batch, 4))
			submit_ok(s, tile, what, "write");
		igt_assert_eq(xe_batch_store_dword(&s->batch, (uintptr_t)p + 4 * i,
						   pattern(seed, i)), 0);
	}
	submit_ok(s, tile, what, "write");
}

/* @tile's GPU copies [p, p+len) into a CPU buffer, which is then checked. */
static void gpu_check(struct svm *s, int tile, const char *p, size_t len, uint32_t seed,
		      const char *what)
{
	char *copy = igt_alloc_tracked(64, len);

	for (size_t i = 0; i < len / 4; i++) {
		if (!xe_batch_room(&s->batch, 5))
			submit_ok(s, tile, what, "read");
		igt_assert_eq(xe_batch_copy_dword(&s->batch, (uintptr_t)copy + 4 * i,
						  (uintptr_t)p + 4 * i), 0);
	}
	submit_ok(s, tile, what, "read");
	cpu_check(copy, len, seed, what);
	/* Now, not at the end: the ping-pong reads 2 MiB eight times. */
	__igt_free_tracked(copy);
}

static void prefetch(struct svm *s, void *p, size_t len, int region)
{
	struct drm_xe_vm_bind_op op = xe_op_prefetch((uintptr_t)p, len, (uint32_t)region);
	int ret = __xe_vm_bind_sync(xe_fd, s->vm, &op);

	igt_assert_f(ret == 0, "PREFETCH of %p+%#zx to region %d: %s\n", p, len, region,
		     strerror(-ret));
}

static void prefer(struct svm *s, void *p, size_t len, int devmem_fd, uint16_t policy,
		   uint16_t region)
{
	int ret = __xe_madvise_preferred(xe_fd, s->vm, (uintptr_t)p, len, devmem_fd, policy,
					 region);

	igt_assert_f(ret == 0, "madvise PREFERRED_LOC(fd %d, region %u) of %p+%#zx: %s\n",
		     devmem_fd, region, p, len, strerror(-ret));
}

static void assert_not_reset(struct svm *s)
{
	for (unsigned int t = 0; t < xe.num_tiles && t < 2; t++)
		igt_assert_f(__xe_exec_queue_banned(xe_fd, s->queue[t]) == 0,
			     "tile %u's queue was reset\n", t);
}

/* ---- fix A: peer-tile ----------------------------------------------------- */

#define PEER_LEN SZ_2M
#define PING_PONGS 8
#define COUNTERS 1024		/* one page of dwords: fits one batch */

/* Placed in tile-1 VRAM, then used from tile 0. */
static void peer_tile_place(struct svm *s, const char *how, char *p)
{
	if (!strcmp(how, "prefetch")) {
		prefetch(s, p, PEER_LEN, xe_tile_vram_region(&xe, 1));
	} else if (!strcmp(how, "madvise")) {
		/* This device's tile-1 VRAM preferred; tile 1's fault moves it there. */
		prefer(s, p, PEER_LEN, xe_fd, DRM_XE_MIGRATE_ALL_PAGES,
		       xe_tile_vram_region(&xe, 1));
		gpu_fill(s, 1, p, PEER_LEN, 0x11, "tile 1 faults it in");
	} else {
		/* The faulting tile's own VRAM: tile 1 faults first. */
		prefer(s, p, PEER_LEN, DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE,
		       DRM_XE_MIGRATE_ALL_PAGES, 0);
		gpu_fill(s, 1, p, PEER_LEN, 0x11, "tile 1 faults it in");
	}
}

static void test_peer_tile(const char *how, bool cpu_touch)
{
	struct svm s;
	char *p;

	p = alloc_aligned(PEER_LEN);
	create_svm(&s);
	cpu_fill(p, PEER_LEN, 0x10);
	peer_tile_place(&s, how, p);
	if (cpu_touch)
		cpu_fill(p + PEER_LEN / 2, SZ_64K, 0x12);	/* part of it back to RAM */
	gpu_fill(&s, 0, p, PEER_LEN, 0x13, "tile 0 writes the tile-1 range");
	gpu_check(&s, 0, p, PEER_LEN, 0x13, "tile 0 reads it back");
	cpu_check(p, PEER_LEN, 0x13, "the CPU reads it");
	assert_not_reset(&s);
}

static void test_peer_ping_pong(void)
{
	struct svm s;
	char *p;

	p = alloc_aligned(PEER_LEN);
	create_svm(&s);
	cpu_fill(p, PEER_LEN, 0x20);
	for (int round = 0; round < PING_PONGS; round++) {
		int here = round % 2, there = !here;

		prefetch(&s, p, PEER_LEN, xe_tile_vram_region(&xe, here));
		gpu_check(&s, there, p, PEER_LEN, 0x20 + round, "the other tile reads");
		gpu_fill(&s, there, p, PEER_LEN, 0x21 + round, "the other tile writes");
	}
	cpu_check(p, PEER_LEN, 0x20 + PING_PONGS, "the CPU after the ping-pong");
	assert_not_reset(&s);
}

/* One batch of increments, run by both tiles' queues at the same time. */
static void both_increment(struct svm *s, uint32_t *counters)
{
	uint64_t *done = s->done;
	struct drm_xe_sync sync[2];

	for (size_t i = 0; i < COUNTERS; i++)
		igt_assert_eq(xe_batch_atomic_inc(&s->batch, (uintptr_t)&counters[i]), 0);
	igt_assert_eq(xe_batch_end(&s->batch), 0);
	for (int t = 0; t < 2; t++) {
		sync[t] = xe_sync_ufence(&done[t], 1);
		igt_assert_eq(__xe_exec(xe_fd, s->queue[t], (uintptr_t)s->batch.dw, &sync[t], 1),
			      0);
	}
	for (int t = 0; t < 2; t++) {
		int ret = __xe_wait_ufence(xe_fd, &done[t], 1, s->queue[t], XE_DEFAULT_TIMEOUT_NS);

		igt_assert_f(ret == 0, "tile %d's atomics on tile-1 pages: %s\n", t,
			     strerror(-ret));
	}
	xe_batch_reset(&s->batch);
	for (size_t i = 0; i < COUNTERS; i++)
		igt_assert_f(counters[i] == 2, "counter %zu is %u, expected 2\n", i, counters[i]);
}

/* Both tiles' queues busy at once, each on pages in the other tile's VRAM. */
static void test_peer_both(bool shared)
{
	struct svm s;
	char *p;

	p = alloc_aligned(PEER_LEN);
	create_svm(&s);
	cpu_fill(p, PEER_LEN, 0x30);
	memset(p, 0, SZ_64K);
	prefetch(&s, p, PEER_LEN / 2, xe_tile_vram_region(&xe, 1));
	prefetch(&s, p + PEER_LEN / 2, PEER_LEN / 2, xe_tile_vram_region(&xe, 0));
	if (shared) {
		both_increment(&s, (uint32_t *)p);
	} else {
		gpu_fill(&s, 0, p, PEER_LEN / 2, 0x31, "tile 0 on tile-1 pages");
		gpu_fill(&s, 1, p + PEER_LEN / 2, PEER_LEN / 2, 0x32, "tile 1 on tile-0 pages");
		cpu_check(p, PEER_LEN / 2, 0x31, "first half");
		cpu_check(p + PEER_LEN / 2, PEER_LEN / 2, 0x32, "second half");
	}
	assert_not_reset(&s);
}

/**
 * SUBTEST: peer-tile-%s
 * Description: A 2 MiB range is put in tile-1 VRAM %arg[1], then written
 *   and read back from a tile-0 queue: data exact, no queue reset, no
 *   kernel warning.
 * Functionality: svm, multi-tile, migration
 * Kernel change: xe pagemap fixes, June 2026, fix A: peer vs local mapping
 *   of device-private pages on multi-tile devices (the common code decided
 *   per pagemap, the driver per device)
 * Test requirement: 2 tiles (PVC)
 *
 * arg[1]:
 *
 * @prefetch:         by PREFETCH to tile 1's VRAM region
 * @madvise:          by madvise (this device, tile 1's region) and a tile-1 fault
 * @fault:            by a tile-1 fault with the faulting tile's VRAM preferred
 * @prefetch-cpu-touch: by PREFETCH, then the CPU touches 64 KiB of it
 * @madvise-cpu-touch:  by madvise and a tile-1 fault, then a CPU touch
 */

/**
 * SUBTEST: peer-tile-ping-pong
 * Description: Eight rounds of PREFETCH to one tile's VRAM and a read and
 *   a write from the other tile: every read sees the latest data.
 * Functionality: svm, multi-tile, migration
 * Kernel change: xe pagemap fixes, June 2026, fix A (see peer-tile-*)
 * Test requirement: 2 tiles (PVC)
 */

/**
 * SUBTEST: peer-tile-both-%s
 * Description: Both tiles' queues work on pages resident in the other
 *   tile's VRAM, %arg[1].
 * Functionality: svm, multi-tile, atomics
 * Kernel change: xe pagemap fixes, June 2026, fix A (see peer-tile-*)
 * Test requirement: 2 tiles (PVC)
 *
 * arg[1]:
 *
 * @disjoint: each on its own half
 * @shared:   both incrementing the same dwords (each ends at 2)
 */

/* ---- fix B: mixed-64k ----------------------------------------------------- */

#define MIXED_LEN SZ_2M

static void require_64k(void)
{
	igt_require_f(xe.min_alignment >= SZ_64K, "xe device %04x does not need 64K pages "
		      "(MIN_ALIGNMENT %#llx)\n", xe.devid, (unsigned long long)xe.min_alignment);
}

enum mixed_route {
	MIXED_CPU_TOUCH,	/* migrate 2M, CPU-touch one page in the middle */
	MIXED_ONLY_SYSTEM,	/* + MIGRATE_ONLY_SYSTEM_PAGES advice over the range */
	MIXED_PARTIAL_PREFETCH,	/* PREFETCH of half a 64K window */
	MIXED_UNALIGNED,	/* PREFETCH of a range not 64K aligned */
	MIXED_MUNMAP,		/* migrate 2M, munmap one page in the middle */
};

static void test_mixed_64k(enum mixed_route route)
{
	int vram0 = xe_tile_vram_region(&xe, 0);
	size_t len = MIXED_LEN;
	struct svm s;
	char *p;

	p = alloc_aligned(MIXED_LEN);
	create_svm(&s);
	cpu_fill(p, len, 0x40);
	switch (route) {
	case MIXED_CPU_TOUCH:
	case MIXED_ONLY_SYSTEM:
		prefetch(&s, p, len, vram0);
		((volatile uint32_t *)p)[(len / 2 + SZ_4K) / 4] ^= 0;	/* back to RAM */
		if (route == MIXED_ONLY_SYSTEM)
			prefer(&s, p, len, DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE,
			       DRM_XE_MIGRATE_ONLY_SYSTEM_PAGES, 0);
		break;
	case MIXED_PARTIAL_PREFETCH:
		prefetch(&s, p + SZ_64K, SZ_64K / 2, vram0);
		break;
	case MIXED_UNALIGNED:
		prefetch(&s, p + SZ_4K, len / 2, vram0);
		break;
	case MIXED_MUNMAP:
		prefetch(&s, p, len, vram0);
		igt_assert_eq(munmap(p + len / 2, SZ_4K), 0);
		len /= 2;	/* the part before the hole */
		break;
	}
	gpu_fill(&s, 0, p, len, 0x41, "the GPU writes the whole range");
	gpu_check(&s, 0, p, len, 0x41, "the GPU reads it back");
	cpu_check(p, len, 0x41, "the CPU reads it");
	assert_not_reset(&s);
}

static const struct {
	const char *name;
	enum mixed_route route;
} mixed_cases[] = {
	{ "mixed-64k-cpu-touch", MIXED_CPU_TOUCH },
	{ "mixed-64k-only-system-pages", MIXED_ONLY_SYSTEM },
	{ "mixed-64k-partial-prefetch", MIXED_PARTIAL_PREFETCH },
	{ "mixed-64k-unaligned-range", MIXED_UNALIGNED },
	{ "mixed-64k-munmap-inside", MIXED_MUNMAP },
};

/**
 * SUBTEST: mixed-64k-%s
 * Description: On a device that needs 64K VRAM pages, 64K windows that mix
 *   VRAM and system pages are made %arg[1], then a tile-0 queue writes and
 *   reads the whole range: it must succeed with exact data and no queue
 *   reset (the kernel evicts the range and retries with system pages).
 * Functionality: svm, migration, 64K pages
 * Kernel change: xe pagemap fixes, June 2026, fix B: a 64K PTE that cannot
 *   be formed gives ENOSPC, the range is evicted and the fault retried,
 *   instead of a WARN and EINVAL; ranges not 64K aligned are served from
 *   system memory
 * Test requirement: MIN_ALIGNMENT 64K and page faults (PVC)
 *
 * arg[1]:
 *
 * @cpu-touch:          by migrating 2 MiB and touching one page in the middle from the CPU
 * @only-system-pages:  the same, then madvise MIGRATE_ONLY_SYSTEM_PAGES over the range
 * @partial-prefetch:   by a PREFETCH of half a 64K window
 * @unaligned-range:    by a PREFETCH of a range that starts 4K into a window
 * @munmap-inside:      by migrating 2 MiB and unmapping one page in the middle (the part before the hole is used)
 */

/* ---- fix C: bind-fence ---------------------------------------------------- */

enum route { ROUTE_NOOP, ROUTE_EMPTY_UNMAP };
enum queue_kind { QUEUE_DEFAULT, QUEUE_USER };

struct fence_case {
	const char *name;
	enum route route;
	enum queue_kind queue;
	bool lr;
	bool out_fence;
	int rounds;
};

/*
 * One bind-fence subtest: its case and what it holds, on its stack (the
 * objects are tracked and go when the subtest ends, whichever way).
 */
struct fence_run {
	const struct fence_case *c;
	uint32_t vm, queue;
	uint32_t syncobjs[2];
	uint64_t *fences;	/* user fences: two per round, 8-byte aligned */
};

/* An out-fence: a user fence on LR VMs (they refuse syncobjs), else a syncobj. */
static struct drm_xe_sync out_fence(const struct fence_run *r, int which, int round)
{
	if (r->c->lr)
		return xe_sync_ufence(&r->fences[2 * round + which], round + 1);
	igt_assert_eq(__xe_syncobj_reset(xe_fd, r->syncobjs[which]), 0);
	return xe_sync_syncobj(r->syncobjs[which]);
}

/* Whether the out-fence has signalled; waits up to @timeout_ns for it. */
static bool fence_done(const struct fence_run *r, int which, int round, int64_t timeout_ns)
{
	if (r->c->lr)
		return __xe_wait_ufence(xe_fd, &r->fences[2 * round + which], round + 1, 0,
					timeout_ns) == 0;
	return __xe_syncobj_wait(xe_fd, r->syncobjs[which], timeout_ns) == 0;
}

/*
 * The no-op bind's out-fence has signalled; checks what that guarantees
 * about the earlier bind's out-fence.
 *
 * A syncobj holds the dma-fence itself and a wait on it reports that
 * fence's state exactly.  The no-op bind's fence is a composite of the
 * queue's last job on every tile (and their TLB invalidations), which
 * include the earlier bind's jobs, so once it has signalled the earlier
 * bind's fence has too: a zero-timeout look is exact (non-LR VMs).
 *
 * A user fence is not the dma-fence: xe writes the value from a worker
 * queued by a callback on the fence (xe_sync.c), and two such writes may
 * land in either order even when their fences signalled in order.  All
 * the kernel guarantees is that each is written once its fence signalled,
 * so on LR VMs (which refuse syncobjs) the earlier one must merely follow
 * within the timeout.  Fix C there is caught by what a kernel without it
 * does visibly: the fence-count assert, a WARN in CONFIG_DRM_XE_DEBUG
 * builds (dmesg-warn for the runner), or without that option whatever the
 * uninitialised slots of the fence array lead to.
 */
static void check_order(const struct fence_run *r, int round)
{
	if (r->c->lr) {
		igt_assert_f(fence_done(r, 0, round, XE_DEFAULT_TIMEOUT_NS),
			     "round %d: the no-op bind's user fence was written but the "
			     "earlier bind's never was\n", round);
		return;
	}
	igt_assert_f(fence_done(r, 0, round, 0),
		     "round %d: the no-op bind's out-fence signalled before the "
		     "earlier bind completed on every tile (%u tiles)\n", round, xe.num_tiles);
}

static int noop_bind(const struct fence_run *r, const struct drm_xe_sync *sync)
{
	struct drm_xe_vm_bind_op unmap = xe_op_unmap(BIND_BASE + (1ull << 32), 0x10000, 0);

	/* An UNMAP of a range nothing is bound to has nothing to do either. */
	if (r->c->route == ROUTE_EMPTY_UNMAP)
		return __xe_vm_bind(xe_fd, r->vm, r->queue, &unmap, sync, sync ? 1 : 0);
	return __xe_vm_bind_array(xe_fd, r->vm, r->queue, NULL, 0, sync, sync ? 1 : 0);
}

static void test_bind_fence(const struct fence_case *c)
{
	uint64_t size = xe.min_alignment > 0x10000 ? xe.min_alignment : 0x10000;
	struct drm_xe_engine_class_instance bind_engine = {
		.engine_class = DRM_XE_ENGINE_CLASS_VM_BIND,
	};
	struct fence_run r = { .c = c };

	/* Before the VM: the kernel writes them until its binds are done. */
	r.fences = igt_alloc_tracked(64, 2 * c->rounds * sizeof(*r.fences));
	r.vm = xe_vm_create_tracked(xe_fd, c->lr ? DRM_XE_VM_CREATE_FLAG_LR_MODE : 0);
	if (c->queue == QUEUE_USER)
		r.queue = xe_exec_queue_create_tracked(xe_fd, r.vm, &bind_engine);
	if (!c->lr)
		for (int i = 0; i < 2; i++)
			r.syncobjs[i] = xe_syncobj_create_tracked(xe_fd);

	for (int round = 0; round < c->rounds; round++) {
		struct drm_xe_vm_bind_op map;
		struct drm_xe_sync earlier, noop;
		uint32_t bo;
		int ret;

		/* A real bind first, on every tile: the queue's last fences are live. */
		bo = xe_bo_create_tracked(xe_fd, 0, size, 1);
		map = xe_op_bo(bo, 0, BIND_BASE + round * size * 2, size, 0);
		earlier = out_fence(&r, 0, round);
		ret = __xe_vm_bind(xe_fd, r.vm, r.queue, &map, &earlier, 1);
		igt_assert_f(ret == 0, "bind of a BO: %s\n", strerror(-ret));

		if (c->out_fence)
			noop = out_fence(&r, 1, round);
		ret = noop_bind(&r, c->out_fence ? &noop : NULL);
		igt_assert_f(ret == 0, "round %d: a VM_BIND with nothing to do failed: %s\n",
			     round, strerror(-ret));
		if (c->out_fence) {
			igt_assert_f(fence_done(&r, 1, round, XE_DEFAULT_TIMEOUT_NS),
				     "round %d: the no-op bind's out-fence never signalled\n", round);
			check_order(&r, round);
		}
		igt_assert_f(fence_done(&r, 0, round, XE_DEFAULT_TIMEOUT_NS),
			     "round %d: the BO bind never completed\n", round);
	}
}

#define FENCE_CASE(route_name, r, queue_name, q, vm_name, lr, sync_name, sync) \
	{ "bind-fence-" route_name "-" queue_name "-" vm_name "-" sync_name, r, q, lr, sync, 1 }
#define FENCE_CASES_FOR(route_name, r, queue_name, q) \
	FENCE_CASE(route_name, r, queue_name, q, "lr", true, "out-fence", true), \
	FENCE_CASE(route_name, r, queue_name, q, "lr", true, "no-out-fence", false), \
	FENCE_CASE(route_name, r, queue_name, q, "non-lr", false, "out-fence", true), \
	FENCE_CASE(route_name, r, queue_name, q, "non-lr", false, "no-out-fence", false)

/*
 * No noop route with an out-fence on an LR VM: its out-fence would be a
 * user fence, and 7.3.4's xe_sync_entry_parse refuses a user fence on a
 * VM_BIND of no ops (EOPNOTSUPP; xe_svm invalid-args checks that), while
 * LR VMs refuse syncobj out-fences.
 */
#define FENCE_CASES_NOOP(queue_name, q) \
	FENCE_CASE("noop", ROUTE_NOOP, queue_name, q, "lr", true, "no-out-fence", false), \
	FENCE_CASE("noop", ROUTE_NOOP, queue_name, q, "non-lr", false, "out-fence", true), \
	FENCE_CASE("noop", ROUTE_NOOP, queue_name, q, "non-lr", false, "no-out-fence", false)

static const struct fence_case fence_cases[] = {
	FENCE_CASES_NOOP("default-queue", QUEUE_DEFAULT),
	FENCE_CASES_NOOP("user-queue", QUEUE_USER),
	FENCE_CASES_FOR("empty-unmap", ROUTE_EMPTY_UNMAP, "default-queue", QUEUE_DEFAULT),
	FENCE_CASES_FOR("empty-unmap", ROUTE_EMPTY_UNMAP, "user-queue", QUEUE_USER),
	{ "bind-fence-repeated-default-queue", ROUTE_NOOP, QUEUE_DEFAULT, false, true, REPEATS },
	{ "bind-fence-repeated-user-queue", ROUTE_NOOP, QUEUE_USER, false, true, REPEATS },
	{ "bind-fence-repeated-empty-unmap-non-lr", ROUTE_EMPTY_UNMAP, QUEUE_DEFAULT, false, true,
	  REPEATS },
};

/**
 * SUBTEST: bind-fence-empty-unmap-%s-%s-%s
 * Description: A real BO bind (a job on every tile) followed at once by a
 *   VM_BIND that has nothing to do -- one UNMAP of a range nothing is bound
 *   to -- with no in-syncs, on %arg[1], in %arg[2] VM, %arg[3].  The ioctl
 *   must succeed; with an out-fence, that fence may signal only once the
 *   earlier bind is done on every tile (exact with a syncobj; a user fence,
 *   on LR, is written by a worker, so there the earlier one only has to
 *   follow in time); no kernel warning.  The failing route needs two tiles
 *   (PVC); on one tile the subtest is the control.
 * Functionality: vm_bind, fences, multi-tile
 * Kernel change: xe pagemap fixes, June 2026, fix C: fence counting in the
 *   composite out-fence of a VM bind queue (the default per-tile queues
 *   were counted as one linked queue per extra tile)
 *
 * arg[1]:
 *
 * @default-queue: the VM's default bind queues (exec_queue_id 0)
 * @user-queue:    a user-created VM_BIND queue
 *
 * arg[2]:
 *
 * @lr:     a long-running (LR_MODE)
 * @non-lr: a plain
 *
 * arg[3]:
 *
 * @out-fence:    with an out-fence (a user fence on LR, a syncobj otherwise)
 * @no-out-fence: without any sync
 */

/**
 * SUBTEST: bind-fence-noop-%s-non-lr-%s
 * Description: A real BO bind (a job on every tile) followed at once by a
 *   VM_BIND of no ops (num_binds 0), no in-syncs, on %arg[1], in a plain
 *   VM, %arg[2].  The ioctl must succeed; with the out-fence, it may signal
 *   only once the earlier bind is done on every tile; no kernel warning.
 *   The failing route needs two tiles (PVC).
 * Functionality: vm_bind, fences, multi-tile
 * Kernel change: xe pagemap fixes, June 2026, fix C (see bind-fence-*)
 *
 * arg[1]:
 *
 * @default-queue: the VM's default bind queues (exec_queue_id 0)
 * @user-queue:    a user-created VM_BIND queue
 *
 * arg[2]:
 *
 * @out-fence:    with a syncobj out-fence
 * @no-out-fence: without any sync
 */

/**
 * SUBTEST: bind-fence-noop-%s-lr-no-out-fence
 * Description: A real BO bind followed at once by a VM_BIND of no ops
 *   (num_binds 0) without any sync on %arg[1] of a long-running VM: the
 *   ioctl must succeed, no kernel warning.  There is no out-fence variant:
 *   an LR VM takes only user fences as out-fences, and 7.3.4 refuses those
 *   on a VM_BIND of no ops.
 * Functionality: vm_bind, fences, multi-tile
 * Kernel change: xe pagemap fixes, June 2026, fix C (see bind-fence-*)
 *
 * arg[1]:
 *
 * @default-queue: the VM's default bind queues (exec_queue_id 0)
 * @user-queue:    a user-created VM_BIND queue
 */

/**
 * SUBTEST: bind-fence-repeated-%s
 * Description: Twenty rounds of a real bind then a bind with nothing to
 *   do, %arg[1], each no-op out-fence checked against the bind before it
 *   on every tile.
 * Functionality: vm_bind, fences, multi-tile
 * Kernel change: xe pagemap fixes, June 2026, fix C (see bind-fence-*)
 *
 * arg[1]:
 *
 * @default-queue:          num_binds 0 on the default queues of a plain VM
 * @user-queue:             num_binds 0 on a user VM_BIND queue of a plain VM
 * @empty-unmap-non-lr:     an UNMAP of nothing on the default queues of a plain VM
 */

igt_main
{
	igt_fixture
		open_xe();

	igt_subtest_group {
		igt_fixture {
			require_svm_and_vram();
			require_tiles(2);
		}
		igt_subtest("peer-tile-prefetch")
			test_peer_tile("prefetch", false);
		igt_subtest("peer-tile-madvise")
			test_peer_tile("madvise", false);
		igt_subtest("peer-tile-fault")
			test_peer_tile("fault", false);
		igt_subtest("peer-tile-prefetch-cpu-touch")
			test_peer_tile("prefetch", true);
		igt_subtest("peer-tile-madvise-cpu-touch")
			test_peer_tile("madvise", true);
		igt_subtest("peer-tile-ping-pong")
			test_peer_ping_pong();
		igt_subtest("peer-tile-both-disjoint")
			test_peer_both(false);
		igt_subtest("peer-tile-both-shared")
			test_peer_both(true);
	}

	igt_subtest_group {
		igt_fixture {
			require_svm_and_vram();
			require_64k();
		}
		for (size_t i = 0; i < ARRAY_SIZE(mixed_cases); i++)
			igt_subtest(mixed_cases[i].name)
				test_mixed_64k(mixed_cases[i].route);
	}

	for (size_t i = 0; i < ARRAY_SIZE(fence_cases); i++)
		igt_subtest(fence_cases[i].name)
			test_bind_fence(&fence_cases[i]);

	igt_fixture
		if (xe_fd >= 0)
			close(xe_fd);
}
