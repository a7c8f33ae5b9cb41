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
 *   the families for fix A (peer-tile) and fix B (mixed-64k) are not
 *   written yet.  Each family is proven on the virtual device: it fails
 *   with the bug model that re-creates its bug and passes without
 *   (ci/vdev-matrix).
 * Functionality: xe, vm_bind, fences
 * Test requirement: xe render node
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt_core.h"
#include "igt_device.h"
#include "xe/xe_ioctl.h"
#include "xe/xe_query.h"

IGT_TEST_DESCRIPTION("Regression subtests for the xe pagemap fixes A, B and C.");

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIND_BASE 0x40000000ull
#define REPEATS 20

static int xe_fd = -1;
static struct xe_device xe;

static void open_xe(void)
{
	struct igt_device_info info;
	char wanted[256];
	int ret;

	igt_device_describe_wanted(IGT_DEV_DRM_RENDER, "xe", wanted, sizeof(wanted));
	igt_require_f(!igt_device_find(IGT_DEV_DRM_RENDER, "xe", 0, &info),
		      "looked for %s and found none\n", wanted);
	xe_fd = open(info.devnode, O_RDWR | O_CLOEXEC);
	igt_assert_f(xe_fd >= 0, "open %s: %s\n", info.devnode, strerror(errno));
	ret = __xe_query_device(xe_fd, &xe);
	igt_assert_f(ret == 0, "querying %s: %s\n", info.devnode, strerror(-ret));
}

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
 * What a bind-fence subtest holds, released by the next subtest or at exit
 * whatever way this one ends.
 */
static struct {
	uint32_t vm, queue;
	uint32_t bos[REPEATS];
	uint32_t syncobjs[2];
	uint64_t *fences;	/* user fences: two per round, 8-byte aligned */
} held;

static void release_held(void)
{
	if (held.queue)
		__xe_exec_queue_destroy(xe_fd, held.queue);
	if (held.vm)
		__xe_vm_destroy(xe_fd, held.vm);
	for (size_t i = 0; i < ARRAY_SIZE(held.bos); i++)
		if (held.bos[i])
			__xe_gem_close(xe_fd, held.bos[i]);
	for (size_t i = 0; i < ARRAY_SIZE(held.syncobjs); i++)
		if (held.syncobjs[i])
			drmSyncobjDestroy(xe_fd, held.syncobjs[i]);
	free(held.fences);
	memset(&held, 0, sizeof(held));
}

static int64_t deadline_ns(int64_t from_now)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * XE_NSEC_PER_SEC + ts.tv_nsec + from_now;
}

/* An out-fence: a user fence on LR VMs (they refuse syncobjs), else a syncobj. */
static struct drm_xe_sync out_fence(const struct fence_case *c, int which, int round)
{
	if (c->lr)
		return xe_sync_ufence(&held.fences[2 * round + which], round + 1);
	igt_assert_eq(drmSyncobjReset(xe_fd, &held.syncobjs[which], 1), 0);
	return xe_sync_syncobj(held.syncobjs[which]);
}

/* Whether the out-fence has signalled; waits up to @timeout_ns for it. */
static bool fence_done(const struct fence_case *c, int which, int round, int64_t timeout_ns)
{
	if (c->lr)
		return __xe_wait_ufence(xe_fd, &held.fences[2 * round + which], round + 1, 0,
					timeout_ns) == 0;
	return drmSyncobjWait(xe_fd, &held.syncobjs[which], 1, deadline_ns(timeout_ns), 0,
			      NULL) == 0;
}

static int noop_bind(const struct fence_case *c, const struct drm_xe_sync *sync)
{
	struct drm_xe_vm_bind_op unmap = xe_op_unmap(BIND_BASE + (1ull << 32), 0x10000, 0);

	/* An UNMAP of a range nothing is bound to has nothing to do either. */
	if (c->route == ROUTE_EMPTY_UNMAP)
		return __xe_vm_bind(xe_fd, held.vm, held.queue, &unmap, sync, sync ? 1 : 0);
	return __xe_vm_bind_array(xe_fd, held.vm, held.queue, NULL, 0, sync, sync ? 1 : 0);
}

static void test_bind_fence(const struct fence_case *c)
{
	uint64_t size = xe.min_alignment > 0x10000 ? xe.min_alignment : 0x10000;
	struct drm_xe_engine_class_instance bind_engine = {
		.engine_class = DRM_XE_ENGINE_CLASS_VM_BIND,
	};

	release_held();
	held.vm = xe_vm_create(xe_fd, c->lr ? DRM_XE_VM_CREATE_FLAG_LR_MODE : 0);
	if (c->queue == QUEUE_USER)
		held.queue = xe_exec_queue_create(xe_fd, held.vm, &bind_engine);
	held.fences = calloc(2 * c->rounds, sizeof(*held.fences));
	igt_assert(held.fences);
	if (!c->lr)
		for (int i = 0; i < 2; i++)
			igt_assert_eq(drmSyncobjCreate(xe_fd, 0, &held.syncobjs[i]), 0);

	for (int round = 0; round < c->rounds; round++) {
		struct drm_xe_vm_bind_op map;
		struct drm_xe_sync earlier, noop;
		int ret;

		/* A real bind first, on every tile: the queue's last fences are live. */
		held.bos[round] = xe_bo_create(xe_fd, 0, size, 1);
		map = xe_op_bo(held.bos[round], 0, BIND_BASE + round * size * 2, size, 0);
		earlier = out_fence(c, 0, round);
		ret = __xe_vm_bind(xe_fd, held.vm, held.queue, &map, &earlier, 1);
		igt_assert_f(ret == 0, "bind of a BO: %s\n", strerror(-ret));

		if (c->out_fence)
			noop = out_fence(c, 1, round);
		ret = noop_bind(c, c->out_fence ? &noop : NULL);
		igt_assert_f(ret == 0, "round %d: a VM_BIND with nothing to do failed: %s\n",
			     round, strerror(-ret));
		if (c->out_fence) {
			igt_assert_f(fence_done(c, 1, round, XE_DEFAULT_TIMEOUT_NS),
				     "round %d: the no-op bind's out-fence never signalled\n", round);
			/* Signalled: so must every earlier bind on every tile be. */
			igt_assert_f(fence_done(c, 0, round, 0),
				     "round %d: the no-op bind's out-fence signalled before the "
				     "earlier bind completed on every tile (%u tiles)\n", round,
				     xe.num_tiles);
		}
		igt_assert_f(fence_done(c, 0, round, XE_DEFAULT_TIMEOUT_NS),
			     "round %d: the BO bind never completed\n", round);
	}
	release_held();
}

#define FENCE_CASE(route_name, r, queue_name, q, vm_name, lr, sync_name, sync) \
	{ "bind-fence-" route_name "-" queue_name "-" vm_name "-" sync_name, r, q, lr, sync, 1 }
#define FENCE_CASES_FOR(route_name, r, queue_name, q) \
	FENCE_CASE(route_name, r, queue_name, q, "lr", true, "out-fence", true), \
	FENCE_CASE(route_name, r, queue_name, q, "lr", true, "no-out-fence", false), \
	FENCE_CASE(route_name, r, queue_name, q, "non-lr", false, "out-fence", true), \
	FENCE_CASE(route_name, r, queue_name, q, "non-lr", false, "no-out-fence", false)

static const struct fence_case fence_cases[] = {
	FENCE_CASES_FOR("noop", ROUTE_NOOP, "default-queue", QUEUE_DEFAULT),
	FENCE_CASES_FOR("noop", ROUTE_NOOP, "user-queue", QUEUE_USER),
	FENCE_CASES_FOR("empty-unmap", ROUTE_EMPTY_UNMAP, "default-queue", QUEUE_DEFAULT),
	FENCE_CASES_FOR("empty-unmap", ROUTE_EMPTY_UNMAP, "user-queue", QUEUE_USER),
	{ "bind-fence-repeated-default-queue", ROUTE_NOOP, QUEUE_DEFAULT, true, true, REPEATS },
	{ "bind-fence-repeated-user-queue", ROUTE_NOOP, QUEUE_USER, true, true, REPEATS },
	{ "bind-fence-repeated-empty-unmap-non-lr", ROUTE_EMPTY_UNMAP, QUEUE_DEFAULT, false, true,
	  REPEATS },
};

/**
 * SUBTEST: bind-fence-%s-%s-%s-%s
 * Description: A real BO bind (a job on every tile) followed at once by a
 *   VM_BIND that has nothing to do -- %arg[1] -- with no in-syncs, on
 *   %arg[2], in %arg[3] VM, %arg[4].  The ioctl must succeed; with an
 *   out-fence, that fence may signal only once the earlier bind is done on
 *   every tile; no kernel warning.  The failing route needs two tiles
 *   (PVC); on one tile the subtest is the control.
 * Functionality: vm_bind, fences, multi-tile
 * Kernel change: xe pagemap fixes, June 2026, fix C: fence counting in the
 *   composite out-fence of a VM bind queue (the default per-tile queues
 *   were counted as one linked queue per extra tile)
 *
 * arg[1]:
 *
 * @noop:        num_binds 0
 * @empty-unmap: one UNMAP of a range nothing is bound to
 *
 * arg[2]:
 *
 * @default-queue: the VM's default bind queues (exec_queue_id 0)
 * @user-queue:    a user-created VM_BIND queue
 *
 * arg[3]:
 *
 * @lr:     a long-running (LR_MODE)
 * @non-lr: a plain
 *
 * arg[4]:
 *
 * @out-fence:    with an out-fence (a user fence on LR, a syncobj otherwise)
 * @no-out-fence: without any sync
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
 * @default-queue:          num_binds 0 on the default queues of an LR VM
 * @user-queue:             num_binds 0 on a user VM_BIND queue of an LR VM
 * @empty-unmap-non-lr:     an UNMAP of nothing on the default queues of a plain VM
 */

igt_main
{
	igt_fixture
		open_xe();

	for (size_t i = 0; i < ARRAY_SIZE(fence_cases); i++)
		igt_subtest(fence_cases[i].name)
			test_bind_fence(&fence_cases[i]);

	igt_fixture {
		release_held();
		if (xe_fd >= 0)
			close(xe_fd);
	}
}
