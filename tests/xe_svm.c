/* SPDX-License-Identifier: MIT */
/**
 * TEST: SVM on xe (CPU address mirror)
 * Category: Core
 * Mega feature: SVM
 * Sub-category: xe
 * Description: The scenario catalog on an xe device through a fault-mode VM
 *   with one CPU_ADDR_MIRROR bind over the whole VA space, plus what only xe
 *   has (its queries, failed GPU faults ending in a queue reset, the
 *   kernel's argument checks).  Every subtest skips without an xe device with
 *   SVM (HAS_CPU_ADDR_MIRROR and fault-mode VMs).
 * Functionality: svm, xe
 * Test requirement: xe render node with HAS_CPU_ADDR_MIRROR (Linux >= 6.15)
 * Scenario catalog: lib/svm/scenarios
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_core.h"
#include "igt_device.h"
#include "svm/svm_catalog.h"
#include "xe/xe_backend.h"
#include "xe/xe_batch.h"
#include "xe/xe_ioctl.h"
#include "xe/xe_query.h"

IGT_TEST_DESCRIPTION("SVM scenarios and xe specifics on xe render nodes.");

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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

static void require_svm(void)
{
	igt_require_f(xe_has_svm(&xe), "xe device %04x has no SVM (%s)\n", xe.devid,
		      xe.has_faults ? "no HAS_CPU_ADDR_MIRROR" : "no fault-mode VMs");
}

/* A fault-mode VM mirroring the whole VA space, and a queue on tile 0. */
struct svm_vm {
	uint32_t vm, queue;
};

static struct svm_vm svm_vm_create(void)
{
	struct drm_xe_vm_bind_op op = xe_op_mirror(0, 1ull << xe.va_bits, 0);
	const struct drm_xe_engine_class_instance *eci = xe_find_engine(&xe, 0, -1);
	struct svm_vm v;

	igt_require_f(eci, "no engine on tile 0\n");
	v.vm = xe_vm_create(xe_fd, DRM_XE_VM_CREATE_FLAG_LR_MODE | DRM_XE_VM_CREATE_FLAG_FAULT_MODE);
	xe_vm_bind_sync(xe_fd, v.vm, &op);
	v.queue = xe_exec_queue_create(xe_fd, v.vm, eci);
	return v;
}

static void svm_vm_destroy(struct svm_vm *v)
{
	__xe_exec_queue_destroy(xe_fd, v->queue);
	__xe_vm_destroy(xe_fd, v->vm);
}

/**
 * SUBTEST: query
 * Description: The device queries agree with each other: a config with VA
 *   bits and a 4K or 64K minimum alignment, a system memory region, one VRAM
 *   region per tile exactly when HAS_VRAM is set, every GT's near memory a
 *   region that exists, and every engine on a GT that exists.
 * Functionality: query
 */
static void test_query(void)
{
	uint64_t instances = 0;
	unsigned int vram = 0;

	igt_assert_f(xe.va_bits >= 39 && xe.va_bits <= 57, "VA bits %u\n", xe.va_bits);
	igt_assert_f(xe.min_alignment == 4096 || xe.min_alignment == 65536,
		     "MIN_ALIGNMENT %#llx\n", (unsigned long long)xe.min_alignment);
	for (unsigned int i = 0; i < xe.num_regions; i++) {
		instances |= 1ull << xe.regions[i].instance;
		vram += xe.regions[i].mem_class == DRM_XE_MEM_REGION_CLASS_VRAM;
	}
	igt_assert_f(instances & 1, "no system memory region (instance 0)\n");
	igt_assert_f(!!vram == xe_has_vram(&xe), "%u VRAM regions but HAS_VRAM is %s\n", vram,
		     xe_has_vram(&xe) ? "set" : "clear");
	if (vram)
		igt_assert_eq(vram, xe.num_tiles);
	igt_assert_f(xe.num_gts > 0, "no GT\n");
	for (unsigned int i = 0; i < xe.num_gts; i++)
		igt_assert_f(!(xe.gts[i].near_mem_regions & ~instances),
			     "GT %u near regions %#llx, regions %#llx\n", xe.gts[i].gt_id,
			     (unsigned long long)xe.gts[i].near_mem_regions,
			     (unsigned long long)instances);
	igt_assert_f(xe.num_engines > 0, "no engine\n");
	for (unsigned int i = 0; i < xe.num_engines; i++)
		igt_assert_f(xe_gt(&xe, xe.engines[i].gt_id), "engine %u on unknown GT %u\n", i,
			     xe.engines[i].gt_id);
}

/**
 * SUBTEST: fault-unmapped-%s
 * Description: A store to an address no CPU mapping covers, from a queue
 *   %arg[1]: the GPU fault fails, the user fence is never written, a wait
 *   naming the queue returns EIO (reset), one without it ETIME, and the
 *   queue is banned.
 * Functionality: fault, reset
 *
 * arg[1]:
 *
 * @with-queue-id:    whose wait names the queue
 * @without-queue-id: whose wait does not name the queue
 */
static void test_fault_unmapped(bool with_queue_id)
{
	struct svm_vm v = svm_vm_create();
	struct xe_batch b;
	volatile uint64_t *fence;
	struct drm_xe_sync sync;
	size_t len = 1 << 20;
	char *hole = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ret;

	igt_assert(hole != MAP_FAILED);
	munmap(hole, len);	/* an address nothing maps */
	igt_assert_eq(xe_batch_init(&b, 64), 0);
	fence = calloc(1, 64);
	igt_assert(fence);
	igt_assert_eq(xe_batch_store_dword(&b, (uintptr_t)hole + len / 2, 0xdeadbeef), 0);
	igt_assert_eq(xe_batch_end(&b), 0);
	sync = xe_sync_ufence(fence, 1);
	igt_assert_eq(__xe_exec(xe_fd, v.queue, (uintptr_t)b.dw, &sync, 1), 0);
	ret = __xe_wait_ufence(xe_fd, fence, 1, with_queue_id ? v.queue : 0,
			       with_queue_id ? XE_DEFAULT_TIMEOUT_NS : XE_NSEC_PER_SEC / 2);
	igt_assert_f(ret == (with_queue_id ? -EIO : -ETIME), "wait: %s, expected %s\n",
		     strerror(-ret), strerror(with_queue_id ? EIO : ETIME));
	igt_assert_eq_u64(*fence, 0);
	/* Without the queue id the wait may end before the fault is handled. */
	for (int i = 0; i < 100 && __xe_exec_queue_banned(xe_fd, v.queue) == 0; i++)
		usleep(10000);
	igt_assert_eq(__xe_exec_queue_banned(xe_fd, v.queue), 1);
	free((void *)fence);
	xe_batch_fini(&b);
	svm_vm_destroy(&v);
}

/* Argument checks: each case breaks one rule of the reference, with its errno. */
struct arg_check {
	const char *name;
	int (*call)(struct svm_vm *v);
	int err;
};

static int vm_fault_without_lr(struct svm_vm *v)
{
	uint32_t vm;

	(void)v;
	return __xe_vm_create(xe_fd, DRM_XE_VM_CREATE_FLAG_FAULT_MODE, &vm);
}

static int autoreset_without_mirror(struct svm_vm *v)
{
	struct drm_xe_vm_bind_op op = xe_op_bo(0, 0, 0x100000, 0x1000,
					       DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET);

	return __xe_vm_bind(xe_fd, v->vm, 0, &op, NULL, 0);
}

static int ufence_unaligned(struct svm_vm *v)
{
	static uint64_t words[2];
	struct drm_xe_sync sync = xe_sync_ufence((uint64_t *)((char *)words + 4), 1);
	struct drm_xe_vm_bind_op op = xe_op_unmap(0x100000, 0x1000, 0);

	return __xe_vm_bind(xe_fd, v->vm, 0, &op, &sync, 1);
}

static int ufence_without_signal(struct svm_vm *v)
{
	static uint64_t word;
	struct drm_xe_sync sync = xe_sync_ufence(&word, 1);
	struct drm_xe_vm_bind_op op = xe_op_unmap(0x100000, 0x1000, 0);

	sync.flags = 0;
	return __xe_vm_bind(xe_fd, v->vm, 0, &op, &sync, 1);
}

static int two_ufences(struct svm_vm *v)
{
	static uint64_t words[2];
	struct drm_xe_sync syncs[2] = { xe_sync_ufence(&words[0], 1), xe_sync_ufence(&words[1], 1) };
	struct drm_xe_vm_bind_op op = xe_op_unmap(0x100000, 0x1000, 0);

	return __xe_vm_bind(xe_fd, v->vm, 0, &op, syncs, 2);
}

static int syncobj_on_lr(struct svm_vm *v)
{
	struct drm_xe_sync sync = xe_sync_syncobj(1);
	struct drm_xe_vm_bind_op op = xe_op_unmap(0x100000, 0x1000, 0);

	return __xe_vm_bind(xe_fd, v->vm, 0, &op, &sync, 1);
}

static int madvise_unaligned(struct svm_vm *v)
{
	return __xe_madvise_preferred(xe_fd, v->vm, 0x100800, 0x1000, 0, 0, 0);
}

static int madvise_short(struct svm_vm *v)
{
	return __xe_madvise_preferred(xe_fd, v->vm, 0x100000, 0x800, 0, 0, 0);
}

static int madvise_region_without_fd(struct svm_vm *v)
{
	return __xe_madvise_preferred(xe_fd, v->vm, 0x100000, 0x1000, 0, 0, 1);
}

static int madvise_bad_policy(struct svm_vm *v)
{
	return __xe_madvise_preferred(xe_fd, v->vm, 0x100000, 0x1000, 0, 2, 0);
}

static int madvise_bad_atomic(struct svm_vm *v)
{
	return __xe_madvise_atomic(xe_fd, v->vm, 0x100000, 0x1000, 4);
}

static int madvise_reserved(struct svm_vm *v)
{
	struct drm_xe_madvise args = {
		.start = 0x100000, .range = 0x1000, .vm_id = v->vm,
		.type = DRM_XE_MEM_RANGE_ATTR_ATOMIC,
	};

	args.reserved[0] = 1;
	return __xe_madvise(xe_fd, &args);
}

static int unknown_queue(struct svm_vm *v)
{
	(void)v;
	return __xe_exec(xe_fd, 0xfffff, 0x100000, NULL, 0);
}

static const struct arg_check arg_checks[] = {
	{ "vm-fault-without-lr", vm_fault_without_lr, EINVAL },
	{ "bind-autoreset-without-mirror", autoreset_without_mirror, EINVAL },
	{ "bind-ufence-unaligned", ufence_unaligned, EINVAL },
	{ "bind-ufence-without-signal", ufence_without_signal, EINVAL },
	{ "bind-two-ufences", two_ufences, EINVAL },
	{ "bind-syncobj-on-lr-vm", syncobj_on_lr, EOPNOTSUPP },
	{ "madvise-unaligned-start", madvise_unaligned, EINVAL },
	{ "madvise-range-below-4k", madvise_short, EINVAL },
	{ "madvise-region-without-devmem-fd", madvise_region_without_fd, EINVAL },
	{ "madvise-bad-migration-policy", madvise_bad_policy, EINVAL },
	{ "madvise-bad-atomic", madvise_bad_atomic, EINVAL },
	{ "madvise-reserved-nonzero", madvise_reserved, EINVAL },
	{ "exec-unknown-queue", unknown_queue, ENOENT },
};

/**
 * SUBTEST: invalid-args
 * Description: Each argument check of the xe uAPI the suite relies on
 *   (fault mode needs LR mode; AUTORESET needs a mirror MAP; user fences
 *   8-byte aligned, signalling, at most one; no syncobj signal on an LR VM;
 *   madvise alignment, length, region, policy, atomic value and reserved
 *   fields; an unknown exec queue) fails with the kernel's errno, run as
 *   one dynamic subtest per check.
 * Functionality: uapi, argument checks
 */
static void test_invalid_args(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(arg_checks); i++)
		igt_dynamic(arg_checks[i].name) {
			struct svm_vm v = svm_vm_create();
			int ret = arg_checks[i].call(&v);

			svm_vm_destroy(&v);
			igt_assert_f(ret == -arg_checks[i].err, "%s: %s, expected %s\n",
				     arg_checks[i].name, ret ? strerror(-ret) : "success",
				     strerror(arg_checks[i].err));
		}
}

igt_main
{
	igt_subtest_group {
		igt_fixture
			open_xe();

		igt_subtest("query")
			test_query();

		igt_subtest("fault-unmapped-with-queue-id") {
			require_svm();
			test_fault_unmapped(true);
		}
		igt_subtest("fault-unmapped-without-queue-id") {
			require_svm();
			test_fault_unmapped(false);
		}
		igt_subtest_with_dynamic("invalid-args") {
			require_svm();
			test_invalid_args();
		}

		igt_fixture
			if (xe_fd >= 0)
				close(xe_fd);
	}

	svm_catalog_subtests(&svm_xe_backend);
}
