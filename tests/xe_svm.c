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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <time.h>

#include "igt_core.h"
#include "igt_defer.h"
#include "util.h"
#include "svm/svm_catalog.h"
#include "xe/xe_arg_checks.h"
#include "xe/xe_backend.h"
#include "xe/xe_batch.h"
#include "xe/xe_ioctl.h"
#include "xe/xe_pat.h"
#include "xe/xe_query.h"
#include "xe/xe_tracked.h"

IGT_TEST_DESCRIPTION("SVM scenarios and xe specifics on xe render nodes.");

static int xe_fd = -1;
static struct xe_device xe;
static struct xe_pat pat;

static void open_xe(void)
{
	xe_fd = xe_open_first(&xe);
	igt_assert_eq(__xe_pat_of_fd(xe_fd, &pat), 0);
}

/*
 * A fault-mode VM mirroring the whole VA space, and a queue on tile 0.
 * Every resource of a subtest is tracked (xe_tracked.h, igt_defer.h): it is
 * released when the subtest ends, whichever way, last made first, so bodies
 * free nothing.  Memory the GPU writes is made before the VM and queue
 * that write it: after a failed wait a batch may still run, and its queue
 * must go before its memory does.
 */
struct svm_vm {
	uint32_t vm, queue;
};

static struct svm_vm svm_vm_create(void)
{
	struct drm_xe_vm_bind_op op = xe_op_mirror(0, 1ull << xe.va_bits, 0);
	const struct drm_xe_engine_class_instance *eci = xe_find_engine(&xe, 0, -1);
	struct svm_vm v;

	igt_require_f(eci, "no engine on tile 0\n");
	v.vm = xe_vm_create_tracked(xe_fd, DRM_XE_VM_CREATE_FLAG_LR_MODE |
				    DRM_XE_VM_CREATE_FLAG_FAULT_MODE);
	xe_vm_bind_sync(xe_fd, v.vm, &op);
	v.queue = xe_exec_queue_create_tracked(xe_fd, v.vm, eci);
	return v;
}

/*
 * Before the subtest ends, for invalid-args, which makes one per case.  Not
 * asserted: a case that a kernel gets wrong may have destroyed them (a
 * VM_DESTROY with pad set), and its own dynamic subtest says so.
 */
static void svm_vm_destroy(struct svm_vm *v)
{
	__xe_exec_queue_destroy_tracked(xe_fd, v->queue);
	__xe_vm_destroy_tracked(xe_fd, v->vm);
}

/*
 * Stores @value + i at @va + 4 * i for i < @count from @queue, and waits
 * for it; 0 or -errno (-EIO: the GPU fault failed).  Frees on every path.
 */
static int __gpu_store(uint32_t queue, uint64_t va, uint32_t value, size_t count)
{
	struct xe_batch b;
	uint64_t *fence = NULL;
	struct drm_xe_sync sync;
	int ret = xe_batch_init(&b, 4 * count + 8);

	if (ret)
		return ret;
	if (posix_memalign((void **)&fence, 64, 64)) {
		xe_batch_fini(&b);
		return -ENOMEM;
	}
	*fence = 0;
	for (size_t i = 0; i < count && !ret; i++)
		ret = xe_batch_store_dword(&b, va + 4 * i, value + (uint32_t)i);
	if (!ret)
		ret = xe_batch_end(&b);
	sync = xe_sync_ufence(fence, 1);
	if (!ret)
		ret = __xe_exec(xe_fd, queue, (uintptr_t)b.dw, &sync, 1);
	if (!ret)
		ret = __xe_wait_ufence(xe_fd, fence, 1, queue, XE_DEFAULT_TIMEOUT_NS);
	free(fence);
	xe_batch_fini(&b);
	return ret;
}

/* The dwords __gpu_store() wrote from @seed over [p, p+len). */
static void check_dwords(const void *p, size_t len, uint32_t seed, const char *what)
{
	for (size_t i = 0; i < len / 4; i++)
		igt_assert_f(((const uint32_t *)p)[i] == seed + (uint32_t)i,
			     "%s: dword %zu is %#x, expected %#x\n", what, i,
			     ((const uint32_t *)p)[i], seed + (uint32_t)i);
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

/* One query by the two-call protocol: its size, then exactly that size; -errno. */
static int query_two_call(uint32_t type, void *buf, uint32_t want)
{
	struct drm_xe_device_query q = { .query = type };
	int ret = __xe_ioctl(xe_fd, DRM_IOCTL_XE_DEVICE_QUERY, &q);

	if (ret)
		return ret;
	igt_assert_f(q.size == want, "query %u: size %u, expected %u\n", type, q.size, want);
	q.data = (uintptr_t)buf;
	return __xe_ioctl(xe_fd, DRM_IOCTL_XE_DEVICE_QUERY, &q);
}

static uint64_t engine_cycles(const struct drm_xe_engine_class_instance *eci, uint64_t *cpu)
{
	struct drm_xe_query_engine_cycles c = { .eci = *eci, .clockid = CLOCK_MONOTONIC };

	igt_assert_eq(query_two_call(DRM_XE_DEVICE_QUERY_ENGINE_CYCLES, &c, sizeof(c)), 0);
	igt_assert(c.width >= 32 && c.width <= 64);
	*cpu = c.cpu_timestamp;
	return c.engine_cycles;
}

/**
 * SUBTEST: query-types
 * Description: The device queries beyond engines, regions, config and GTs
 *   keep the uAPI's promises: HWCONFIG and EU_STALL give a size or a
 *   documented errno; GT_TOPOLOGY lists every GT and ends exactly at its
 *   size, with a non-empty DSS and EU mask on each main GT; ENGINE_CYCLES
 *   of every engine moves forward with the CPU's CLOCK_MONOTONIC and refuses
 *   an unknown clockid; a wrong size is EINVAL; PXP_STATUS is a status or
 *   ENODEV; UC_FW_VERSION of GuC answers.
 * Functionality: query
 */
static void test_query_types(void)
{
	struct drm_xe_device_query bad = { .query = DRM_XE_DEVICE_QUERY_GT_TOPOLOGY, .size = 1 };
	struct drm_xe_query_uc_fw_version fw = { .uc_type = XE_QUERY_UC_TYPE_GUC_SUBMISSION };
	struct drm_xe_query_engine_cycles c = { .clockid = -1 };
	struct drm_xe_query_pxp_status pxp;
	uint32_t size, off = 0, gts = 0;
	uint8_t *topo;
	void *buf;
	int ret;

	/* HWCONFIG: empty where the GuC gave no blob; otherwise a blob of whole dwords. */
	ret = __xe_query(xe_fd, DRM_XE_DEVICE_QUERY_HWCONFIG, &buf, &size);
	igt_assert_f(ret == 0 || ret == -ENODATA, "HWCONFIG: %s\n", strerror(-ret));
	if (!ret) {
		igt_free_at_end(buf);
		igt_assert_eq(size % 4, 0);
	}

	igt_assert_eq(__xe_query(xe_fd, DRM_XE_DEVICE_QUERY_GT_TOPOLOGY, (void **)&topo, &size), 0);
	igt_free_at_end(topo);
	while (off < size) {
		struct drm_xe_query_topology_mask m;
		bool any = false;

		igt_assert(size - off >= sizeof(m));
		memcpy(&m, topo + off, sizeof(m));
		off += sizeof(m);
		igt_assert_f(m.num_bytes <= size - off, "mask past the reply\n");
		igt_assert_f(xe_gt(&xe, m.gt_id), "topology of unknown GT %u\n", m.gt_id);
		igt_assert(m.type >= DRM_XE_TOPO_DSS_GEOMETRY && m.type <= DRM_XE_TOPO_SIMD16_EU_PER_DSS);
		for (uint32_t i = 0; i < m.num_bytes; i++)
			any |= topo[off + i];
		off += m.num_bytes;
		gts |= 1u << m.gt_id;
		/* A main GT has EUs; geometry may be fused off (PVC), compute may not. */
		if (xe_gt(&xe, m.gt_id)->type == DRM_XE_QUERY_GT_TYPE_MAIN &&
		    (m.type == DRM_XE_TOPO_DSS_COMPUTE || m.type == DRM_XE_TOPO_EU_PER_DSS ||
		     m.type == DRM_XE_TOPO_SIMD16_EU_PER_DSS))
			igt_assert_f(any, "GT %u: topology type %u empty\n", m.gt_id, m.type);
	}
	igt_assert_eq(off, size);
	for (unsigned int i = 0; i < xe.num_gts; i++)
		igt_assert_f(gts & 1u << xe.gts[i].gt_id, "GT %u not in the topology\n",
			     xe.gts[i].gt_id);
	igt_assert_eq(__xe_ioctl(xe_fd, DRM_IOCTL_XE_DEVICE_QUERY, &bad), -EINVAL);

	for (unsigned int i = 0; i < xe.num_engines; i++) {
		uint64_t cpu0, cpu1, e0, e1;

		e0 = engine_cycles(&xe.engines[i], &cpu0);
		usleep(1000);	/* 1 ms: thousands of ticks of any engine clock */
		e1 = engine_cycles(&xe.engines[i], &cpu1);

		/* != not >: a 36-bit counter wraps (once an hour at 19.2 MHz) */
		igt_assert_f(cpu1 > cpu0 && e1 != e0, "engine %u: cycles %llu -> %llu\n", i,
			     (unsigned long long)e0, (unsigned long long)e1);
	}
	c.eci = xe.engines[0];
	igt_assert_eq(query_two_call(DRM_XE_DEVICE_QUERY_ENGINE_CYCLES, &c, sizeof(c)), -EINVAL);

	igt_assert_eq(query_two_call(DRM_XE_DEVICE_QUERY_UC_FW_VERSION, &fw, sizeof(fw)), 0);
	ret = query_two_call(DRM_XE_DEVICE_QUERY_PXP_STATUS, &pxp, sizeof(pxp));
	igt_assert_f(ret == 0 || ret == -ENODEV, "PXP_STATUS: %s\n", strerror(-ret));
	ret = __xe_query(xe_fd, DRM_XE_DEVICE_QUERY_EU_STALL, &buf, &size);
	igt_assert_f(ret == 0 || ret == -ENODEV, "EU_STALL: %s\n", strerror(-ret));
	if (!ret) {
		struct drm_xe_query_eu_stall *eu = igt_free_at_end(buf);

		igt_assert_eq(size, sizeof(*eu) + eu->num_sampling_rates * sizeof(uint64_t));
	}
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
	volatile uint64_t *fence = igt_alloc_tracked(64, 64);
	struct xe_batch b;
	struct drm_xe_sync sync;
	size_t len = 1 << 20;
	struct svm_vm v;
	char *hole;
	int ret;

	xe_batch_init_tracked(&b, 64);
	v = svm_vm_create();
	hole = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(hole != MAP_FAILED);
	munmap(hole, len);	/* an address nothing maps */
	igt_assert_eq(xe_batch_store_dword(&b, (uintptr_t)hole + len / 2, 0xdeadbeef), 0);
	igt_assert_eq(xe_batch_end(&b), 0);
	sync = xe_sync_ufence(fence, 1);
	igt_assert_eq(__xe_exec(xe_fd, v.queue, (uintptr_t)b.dw, &sync, 1), 0);
	ret = __xe_wait_ufence(xe_fd, fence, 1, with_queue_id ? v.queue : 0,
			       with_queue_id ? XE_DEFAULT_TIMEOUT_NS : XE_NSEC_PER_SEC / 2);
	igt_assert_f(ret == (with_queue_id ? -EIO : -ETIME), "wait: %s, expected %s\n",
		     strerror(-ret), strerror(with_queue_id ? EIO : ETIME));
	igt_assert_eq_u64(*fence, 0);
	/*
	 * Without the queue id the wait may end before the fault is handled;
	 * the ban follows soon after, 10 s is a hang detector.
	 */
	for (int i = 0; i < 1000 && __xe_exec_queue_banned(xe_fd, v.queue) == 0; i++)
		usleep(10000);
	igt_assert_eq(__xe_exec_queue_banned(xe_fd, v.queue), 1);
}

/**
 * SUBTEST: invalid-args
 * Description: Each argument check of Linux 7.3.4's xe ioctls that the
 *   suite's own calls could trip (VM create/destroy, VM_BIND ops, PAT
 *   indices, BOs, syncs, exec queues, EXEC, user-fence waits, madvise, the
 *   range query, GEM create/mmap offset, device queries): a call valid but
 *   for one field fails with the errno of the driver function named by the
 *   case (lib/xe/xe_arg_checks.c), one dynamic subtest per case; first a
 *   dynamic subtest that the unchanged calls succeed.  Cases that need a
 *   platform feature (VRAM, 64K pages, a reserved or non-coherent PAT
 *   index, an integrated GPU) exist only where it does.
 * Functionality: uapi, argument checks
 */
static void test_invalid_args(void)
{
	igt_dynamic("valid-calls") {
		struct svm_vm v = svm_vm_create();
		struct drm_xe_vm_bind_op op = xe_op_unmap(0x100000, 0x1000, 0);
		uint32_t bo = xe_bo_create_tracked(xe_fd, 0, 0x10000, 1);

		/* What the cases change one field of: each succeeds unchanged. */
		xe_vm_bind_sync(xe_fd, v.vm, &op);
		igt_assert_eq(__xe_madvise_atomic(xe_fd, v.vm, 0x100000, 0x1000,
						  DRM_XE_ATOMIC_DEVICE), 0);
		igt_assert_eq(__xe_gem_close_tracked(xe_fd, bo), 0);
	}
	for (unsigned int i = 0; i < xe_num_arg_checks; i++) {
		const struct xe_arg_check *chk = &xe_arg_checks[i];
		struct svm_vm v = svm_vm_create();
		struct xe_arg_ctx ctx = { .fd = xe_fd, .dev = &xe, .pat = &pat, .vm = v.vm,
					  .queue = v.queue };

		if (!chk->applies || chk->applies(&ctx))
			igt_dynamic(chk->name) {
				int ret = chk->call(&ctx);

				igt_assert_f(ret != XE_ARG_SETUP_FAILED,
					     "%s: could not set up the call\n", chk->name);
				igt_assert_f(ret == -chk->err, "%s (%s): %s, expected %s\n",
					     chk->name, chk->check,
					     ret ? strerror(-ret) : "success", strerror(chk->err));
			}
		svm_vm_destroy(&v);
	}
}

/* ---- xe-only: attributes, prefetch, BOs, engines ------------------------- */

/* A fresh private mapping of @len at a 2 MiB boundary (tracked: *@map, *@map_len). */
static char *map_aligned(size_t len, void **map, size_t *map_len)
{
	*map_len = len + SZ_2M;
	*map = igt_mmap_tracked(NULL, *map_len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return (char *)(((uintptr_t)*map + SZ_2M - 1) & ~(SZ_2M - 1));
}

/* The attribute entry covering @addr in @attrs. */
static const struct drm_xe_mem_range_attr *attr_at(const struct drm_xe_mem_range_attr *attrs,
						   uint32_t n, uint64_t addr)
{
	for (uint32_t i = 0; i < n; i++)
		if (addr >= attrs[i].start && addr < attrs[i].end)
			return &attrs[i];
	return NULL;
}

/* The attributes of [p, p+len) as the kernel reports them now, at @addr. */
static const struct drm_xe_mem_range_attr *query_at(uint32_t vm, void *p, size_t len,
						    uint64_t addr)
{
	struct drm_xe_mem_range_attr *attrs = NULL;
	uint32_t n = 0;
	const struct drm_xe_mem_range_attr *at;
	int ret = __xe_query_range_attrs(xe_fd, vm, (uintptr_t)p, len, &attrs, &n);

	igt_assert_f(ret == 0, "VM_QUERY_MEM_RANGE_ATTRS of %p+%#zx: %s\n", p, len, strerror(-ret));
	at = attr_at(igt_free_at_end(attrs), n, addr);
	igt_assert_f(at, "no attribute range covers %#llx (%u ranges)\n",
		     (unsigned long long)addr, n);
	return at;
}

/**
 * SUBTEST: madvise-roundtrip
 * Description: Three neighbouring 64 KiB ranges get a preferred location
 *   (system), an atomic mode (device) and a PAT index (the platform's
 *   coherent write-back one): the range query
 *   reports each attribute exactly where it was set, and the defaults
 *   around them.
 * Functionality: madvise, attributes
 */
static void test_madvise_roundtrip(void)
{
	const struct drm_xe_mem_range_attr *at;
	size_t map_len;
	void *map;
	char *p = map_aligned(SZ_2M, &map, &map_len);
	uintptr_t base = (uintptr_t)p;
	struct svm_vm v = svm_vm_create();

	igt_assert_eq(__xe_madvise_preferred(xe_fd, v.vm, base, SZ_64K,
					     DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM,
					     DRM_XE_MIGRATE_ALL_PAGES, 0), 0);
	igt_assert_eq(__xe_madvise_atomic(xe_fd, v.vm, base + SZ_64K, SZ_64K,
					  DRM_XE_ATOMIC_DEVICE), 0);
	/* A coherent index: 7.3.4 refuses a snoop-less one over mirrored memory on an iGPU. */
	igt_assert_eq(__xe_madvise_pat(xe_fd, v.vm, base + 2 * SZ_64K, SZ_64K, pat.wb), 0);

	at = query_at(v.vm, p, 4 * SZ_64K, base);
	igt_assert_eq((int)at->preferred_mem_loc.devmem_fd, DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM);
	at = query_at(v.vm, p, 4 * SZ_64K, base + SZ_64K);
	igt_assert_eq(at->atomic.val, DRM_XE_ATOMIC_DEVICE);
	igt_assert_eq((int)at->preferred_mem_loc.devmem_fd, DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE);
	at = query_at(v.vm, p, 4 * SZ_64K, base + 2 * SZ_64K);
	igt_assert_eq(at->pat_index.val, pat.wb);
	at = query_at(v.vm, p, 4 * SZ_64K, base + 3 * SZ_64K);
	igt_assert_eq(at->atomic.val, DRM_XE_ATOMIC_UNDEFINED);
	igt_assert_eq((int)at->preferred_mem_loc.devmem_fd, DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE);
}

/**
 * SUBTEST: madvise-autoreset-%s
 * Description: An atomic attribute set on a range, whose CPU mapping is then
 *   unmapped and mapped again, %arg[1].
 * Functionality: madvise, attributes, munmap
 *
 * arg[1]:
 *
 * @with:    under a mirror bound with MADVISE_AUTORESET, is back to the default
 * @without: under a mirror bound without it, is kept
 */
static void test_autoreset(bool autoreset)
{
	struct drm_xe_vm_bind_op op = xe_op_mirror(0, 1ull << xe.va_bits,
					autoreset ? DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET : 0);
	const struct drm_xe_mem_range_attr *at;
	uint32_t vm;
	size_t map_len;
	void *map;
	char *p = map_aligned(SZ_2M, &map, &map_len), *again;

	vm = xe_vm_create_tracked(xe_fd, DRM_XE_VM_CREATE_FLAG_LR_MODE |
				  DRM_XE_VM_CREATE_FLAG_FAULT_MODE);
	xe_vm_bind_sync(xe_fd, vm, &op);
	igt_assert_eq(__xe_madvise_atomic(xe_fd, vm, (uintptr_t)p, SZ_64K, DRM_XE_ATOMIC_DEVICE), 0);
	igt_assert_eq(munmap(p, SZ_64K), 0);
	again = mmap(p, SZ_64K, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	igt_assert(again == p);
	at = query_at(vm, p, SZ_64K, (uintptr_t)p);
	igt_assert_f(at->atomic.val == (autoreset ? DRM_XE_ATOMIC_UNDEFINED : DRM_XE_ATOMIC_DEVICE),
		     "atomic attribute after munmap: %u, expected %u\n", at->atomic.val,
		     autoreset ? DRM_XE_ATOMIC_UNDEFINED : DRM_XE_ATOMIC_DEVICE);
}

/**
 * SUBTEST: prefetch
 * Description: A written 2 MiB range is prefetched to each memory region
 *   and to the advised location (-1), one dynamic subtest each; every
 *   PREFETCH succeeds, and the GPU then rewrites the range and the CPU
 *   reads exactly that.
 * Functionality: prefetch, migration
 */
static void test_prefetch(void)
{
	char name[32];

	for (int i = -1; i < (int)xe.num_regions; i++) {
		int region = i < 0 ? (int)DRM_XE_CONSULT_MEM_ADVISE_PREF_LOC : xe.regions[i].instance;

		if (i < 0)
			snprintf(name, sizeof(name), "advised");
		else
			snprintf(name, sizeof(name), "%s%u", xe.regions[i].mem_class ==
				 DRM_XE_MEM_REGION_CLASS_VRAM ? "vram" : "system",
				 xe.regions[i].instance);
		igt_dynamic(name) {
			size_t map_len;
			void *map;
			char *p = map_aligned(SZ_2M, &map, &map_len);
			struct svm_vm v = svm_vm_create();
			struct drm_xe_vm_bind_op op = xe_op_prefetch((uintptr_t)p, SZ_2M,
								     (uint32_t)region);
			int ret;

			memset(p, 0x5a, SZ_2M);
			ret = __xe_vm_bind_sync(xe_fd, v.vm, &op);
			igt_assert_f(ret == 0, "PREFETCH to region %d: %s\n", region, strerror(-ret));
			igt_assert_eq(__gpu_store(v.queue, (uintptr_t)p, 0x1000, SZ_2M / 4), 0);
			check_dwords(p, SZ_2M, 0x1000, "after prefetch and GPU write");
		}
	}
}

/**
 * SUBTEST: bo-in-mirror
 * Description: A BO bound inside the mirrored VA space takes the GPU's
 *   writes at its address (seen through the BO's CPU mapping) while
 *   malloc()ed memory elsewhere stays mirrored; once the BO is unbound its
 *   address is plain mirror again, where nothing is mapped: a GPU write
 *   there ends in a failed fault.
 * Functionality: vm_bind, bo, mirror
 */
static void test_bo_in_mirror(void)
{
	uint32_t *cpu, *heap = igt_alloc_tracked(64, 4096);
	struct svm_vm v = svm_vm_create();
	uint64_t va = 1ull << (xe.va_bits - 2), size = SZ_64K;
	uint32_t bo = xe_bo_create_tracked(xe_fd, 0, size, 1);
	struct drm_xe_vm_bind_op map = xe_op_bo(bo, 0, va, size, 0);
	struct drm_xe_vm_bind_op unmap = xe_op_unmap(va, size, 0);
	int ret;

	xe_vm_bind_sync(xe_fd, v.vm, &map);
	cpu = xe_bo_map_tracked(xe_fd, bo, size);
	igt_assert_eq(__gpu_store(v.queue, va, 0x2000, 1024), 0);
	check_dwords(cpu, 4096, 0x2000, "the BO through its CPU mapping");
	igt_assert_eq(__gpu_store(v.queue, (uintptr_t)heap, 0x3000, 1024), 0);
	check_dwords(heap, 4096, 0x3000, "malloc()ed memory next to the BO");
	xe_vm_bind_sync(xe_fd, v.vm, &unmap);
	ret = __gpu_store(v.queue, va, 0x4000, 1024);
	igt_assert_f(ret == -EIO, "GPU write to the unbound BO address: %s, expected %s\n",
		     ret ? strerror(-ret) : "success", strerror(EIO));
}

/**
 * SUBTEST: engine-write
 * Description: Each engine that runs batches, one dynamic subtest per
 *   engine (class, instance, GT): a queue on it writes a malloc()ed page
 *   through the mirror and the CPU reads exactly that.
 * Functionality: svm, engines
 */
static void test_engine_write(void)
{
	for (unsigned int i = 0; i < xe.num_engines; i++) {
		const struct drm_xe_engine_class_instance *e = &xe.engines[i];
		char name[64];

		if (e->engine_class == DRM_XE_ENGINE_CLASS_VM_BIND)
			continue;
		snprintf(name, sizeof(name), "%s%u-gt%u", xe_engine_class_name(e->engine_class),
			 e->engine_instance, e->gt_id);
		igt_dynamic(name) {
			uint32_t *page = igt_alloc_tracked(64, 4096);
			struct svm_vm v = svm_vm_create();
			uint32_t queue = xe_exec_queue_create_tracked(xe_fd, v.vm, e);

			igt_assert_eq(__gpu_store(queue, (uintptr_t)page, 0x5000 + i, 1024), 0);
			check_dwords(page, 4096, 0x5000 + i, name);
		}
	}
}

/**
 * SUBTEST: unbind-while-busy
 * Description: A long batch writing into a bound BO is still running when
 *   the BO gets unbound.  The UNMAP succeeds and its fence signals, the
 *   batch either completes or ends in a failed fault (EIO), never a hang,
 *   and the VM still works afterwards from a new queue.
 * Functionality: vm_bind, unbind, robustness
 */
static void test_unbind_while_busy(void)
{
	uint64_t va = 1ull << (xe.va_bits - 2), size = 4 * SZ_64K;
	uint64_t *fence = igt_alloc_tracked(64, 64);
	uint32_t *page = igt_alloc_tracked(64, 4096);
	struct xe_batch b;
	struct svm_vm v;
	uint32_t bo = xe_bo_create_tracked(xe_fd, 0, size, 1);
	struct drm_xe_vm_bind_op map = xe_op_bo(bo, 0, va, size, 0);
	struct drm_xe_vm_bind_op unmap = xe_op_unmap(va, size, 0);
	const struct drm_xe_engine_class_instance *eci = xe_find_engine(&xe, 0, -1);
	struct drm_xe_sync sync;
	uint32_t queue;
	int ret;

	/* Eight passes of one store per dword: 4 dwords each. */
	xe_batch_init_tracked(&b, 8 * (size / 4) * 4 + 8);
	v = svm_vm_create();
	xe_vm_bind_sync(xe_fd, v.vm, &map);
	for (int pass = 0; pass < 8; pass++)
		for (uint64_t off = 0; off < size; off += 4)
			igt_assert_eq(xe_batch_store_dword(&b, va + off, pass), 0);
	igt_assert_eq(xe_batch_end(&b), 0);
	sync = xe_sync_ufence(fence, 1);
	igt_assert_eq(__xe_exec(xe_fd, v.queue, (uintptr_t)b.dw, &sync, 1), 0);
	xe_vm_bind_sync(xe_fd, v.vm, &unmap);
	ret = __xe_wait_ufence(xe_fd, fence, 1, v.queue, XE_DEFAULT_TIMEOUT_NS);
	igt_assert_f(ret == 0 || ret == -EIO, "the batch after the unbind: %s, expected "
		     "completion or a failed fault (EIO)\n", strerror(-ret));

	queue = xe_exec_queue_create_tracked(xe_fd, v.vm, eci);
	igt_assert_eq(__gpu_store(queue, (uintptr_t)page, 0x6000, 1024), 0);
	check_dwords(page, 4096, 0x6000, "a new queue after the unbind");
}

/*
 * ---- VM_BIND and sync behaviours (the second group of subtests) ----
 * Each checks what xe guarantees whatever the platform: how bindings
 * split and go, what NULL bindings read, that fences behind syncobjs
 * signal and are waited for.
 */

#define BIND_VA (1ull << 32)	/* 64K-aligned, below every VA size, away from the heap */

/* A BO of @size in system memory bound at @va of @vm, mapped for the CPU. */
static uint32_t *bind_new_bo(uint32_t vm, uint64_t va, uint64_t size, uint32_t *bo)
{
	struct drm_xe_vm_bind_op op;
	uint32_t *cpu;

	*bo = xe_bo_create_tracked(xe_fd, 0, size, 1);
	op = xe_op_bo(*bo, 0, va, size, 0);
	xe_vm_bind_sync(xe_fd, vm, &op);
	cpu = xe_bo_map_tracked(xe_fd, *bo, size);
	memset(cpu, 0, size);
	return cpu;
}

/**
 * SUBTEST: bind-partial-unmap
 * Description: A BO bound over three 64 KiB pieces loses its middle piece
 *   to an UNMAP.  The binding splits: GPU writes to the first and the last
 *   piece still land in the BO at their offsets, and a write to the middle
 *   ends in a failed fault (EIO).
 * Functionality: vm_bind, unbind
 */
static void test_bind_partial_unmap(void)
{
	struct svm_vm v = svm_vm_create();
	struct drm_xe_vm_bind_op unmap = xe_op_unmap(BIND_VA + SZ_64K, SZ_64K, 0);
	uint32_t bo, *cpu = bind_new_bo(v.vm, BIND_VA, 3 * SZ_64K, &bo);
	int ret;

	xe_vm_bind_sync(xe_fd, v.vm, &unmap);
	igt_assert_eq(__gpu_store(v.queue, BIND_VA + 16, 0x1111, 1), 0);
	igt_assert_eq(__gpu_store(v.queue, BIND_VA + 2 * SZ_64K + 16, 0x3333, 1), 0);
	igt_assert_eq_u32(cpu[4], 0x1111);
	igt_assert_eq_u32(cpu[2 * SZ_64K / 4 + 4], 0x3333);
	ret = __gpu_store(v.queue, BIND_VA + SZ_64K + 16, 0x2222, 1);
	igt_assert_f(ret == -EIO, "GPU write to the unbound middle: %s, expected %s\n",
		     ret ? strerror(-ret) : "success", strerror(EIO));
	igt_assert_eq_u32(cpu[SZ_64K / 4 + 4], 0);
}

/**
 * SUBTEST: bind-unmap-all
 * Description: One BO bound at two addresses; UNMAP_ALL of the BO (no
 *   address, no range) removes both bindings: a GPU write to either ends in
 *   a failed fault, and the BO is never written.
 * Functionality: vm_bind, unbind
 */
static void test_bind_unmap_all(void)
{
	struct svm_vm v = svm_vm_create();
	uint32_t bo, *cpu = bind_new_bo(v.vm, BIND_VA, SZ_64K, &bo);
	struct drm_xe_vm_bind_op twice = xe_op_bo(bo, 0, BIND_VA + SZ_2M, SZ_64K, 0);
	struct drm_xe_vm_bind_op all = {
		.op = DRM_XE_VM_BIND_OP_UNMAP_ALL, .obj = bo,
		/* 7.3.4 validates a BO op's PAT index against the BO (xe_vm_bind_ioctl_validate_bo). */
		.pat_index = XE_PAT_DEFAULT,
	};
	int ret;

	xe_vm_bind_sync(xe_fd, v.vm, &twice);
	xe_vm_bind_sync(xe_fd, v.vm, &all);
	for (int i = 0; i < 2; i++) {
		uint32_t queue = xe_exec_queue_create_tracked(xe_fd, v.vm,
							      xe_find_engine(&xe, 0, -1));

		ret = __gpu_store(queue, BIND_VA + i * SZ_2M, 0x4444, 1);
		igt_assert_f(ret == -EIO, "GPU write to binding %d after UNMAP_ALL: %s, expected %s\n",
			     i, ret ? strerror(-ret) : "success", strerror(EIO));
	}
	igt_assert_eq_u32(cpu[0], 0);
}

/**
 * SUBTEST: gem-close-while-bound
 * Description: GEM_CLOSE of a BO that is still bound succeeds; the binding
 *   keeps the BO alive (xe holds a reference per mapping): a GPU write
 *   through it still lands in the BO, seen through its CPU mapping.
 * Functionality: bo, vm_bind
 */
static void test_gem_close_while_bound(void)
{
	struct svm_vm v = svm_vm_create();
	uint32_t bo, *cpu = bind_new_bo(v.vm, BIND_VA, SZ_64K, &bo);
	struct drm_xe_vm_bind_op unmap = xe_op_unmap(BIND_VA, SZ_64K, 0);

	igt_assert_eq(__xe_gem_close_tracked(xe_fd, bo), 0);
	igt_assert_eq(__gpu_store(v.queue, BIND_VA + 8, 0x5555, 1), 0);
	igt_assert_eq_u32(cpu[2], 0x5555);
	xe_vm_bind_sync(xe_fd, v.vm, &unmap);
}

/**
 * SUBTEST: bind-null
 * Description: A NULL binding (DRM_XE_VM_BIND_FLAG_NULL, no BO) reads as
 *   zeroes and swallows writes: a GPU write into it completes, and a GPU
 *   copy from it into malloc()ed memory gives 0.
 * Functionality: vm_bind
 */
static void test_bind_null(void)
{
	struct drm_xe_vm_bind_op null = {
		.op = DRM_XE_VM_BIND_OP_MAP, .flags = DRM_XE_VM_BIND_FLAG_NULL,
		.addr = BIND_VA, .range = SZ_64K,
	};
	uint32_t *dst = igt_alloc_tracked(64, 4096);
	uint64_t *fence = igt_alloc_tracked(64, 64);
	struct drm_xe_sync sync;
	struct xe_batch b;
	struct svm_vm v;

	xe_batch_init_tracked(&b, 16);
	v = svm_vm_create();
	memset(dst, 0xa5, 4096);
	xe_vm_bind_sync(xe_fd, v.vm, &null);
	igt_assert_eq(__gpu_store(v.queue, BIND_VA, 0x6666, 1), 0);
	igt_assert_eq(xe_batch_copy_dword(&b, (uintptr_t)dst, BIND_VA), 0);
	igt_assert_eq(xe_batch_end(&b), 0);
	sync = xe_sync_ufence(fence, 1);
	igt_assert_eq(__xe_exec(xe_fd, v.queue, (uintptr_t)b.dw, &sync, 1), 0);
	igt_assert_eq(__xe_wait_ufence(xe_fd, fence, 1, v.queue, XE_DEFAULT_TIMEOUT_NS), 0);
	igt_assert_eq_u32(dst[0], 0);
	igt_assert_eq_u32(dst[1], 0xa5a5a5a5);
}

/* A dma-fence VM (no faults, syncobjs allowed) with a 64K BO for batches and data. */
struct fence_vm {
	uint32_t vm, bo, *cpu;
};

static struct fence_vm fence_vm_create(void)
{
	struct fence_vm f;

	f.vm = xe_vm_create_tracked(xe_fd, 0);
	f.cpu = bind_new_bo(f.vm, BIND_VA, SZ_64K, &f.bo);
	return f;
}

/* Copies @b into the BO at dword @at; returns its GPU address. */
static uint64_t place_batch(struct fence_vm *f, unsigned int at, const struct xe_batch *b)
{
	memcpy(&f->cpu[at], b->dw, b->len * 4);
	return BIND_VA + 4ull * at;
}

/**
 * SUBTEST: failed-job-signals-syncobj
 * Description: On a VM without page faults, a batch that writes to an
 *   address nothing is bound at still signals its out-syncobj: the job
 *   either completes (on a platform whose VMs get a scratch page) or fails
 *   and is cancelled with its queue, and in both cases its fence signals.
 * Functionality: sync, robustness
 */
static void test_failed_job_signals_syncobj(void)
{
	struct fence_vm f = fence_vm_create();
	uint32_t queue = xe_exec_queue_create_tracked(xe_fd, f.vm, xe_find_engine(&xe, 0, -1));
	uint32_t obj = xe_syncobj_create_tracked(xe_fd);
	struct drm_xe_sync sync = xe_sync_syncobj(obj);
	struct xe_batch b;
	int ret;

	xe_batch_init_tracked(&b, 16);
	igt_assert_eq(xe_batch_store_dword(&b, BIND_VA + 64 * SZ_2M, 0xdead), 0);
	igt_assert_eq(xe_batch_end(&b), 0);
	igt_assert_eq(__xe_exec(xe_fd, queue, place_batch(&f, 0, &b), &sync, 1), 0);
	ret = __xe_syncobj_wait(xe_fd, obj, 2 * XE_DEFAULT_TIMEOUT_NS);
	igt_assert_f(ret == 0, "the out-syncobj of the faulting job: %s\n", strerror(-ret));
}

/* MI_SEMAPHORE_WAIT: opcode 0x1c, polling, memory == inline data; 4 dwords: data, addr lo, hi. */
#define MI_SEMAPHORE_WAIT_EQ 0x0e00c002u

/**
 * SUBTEST: exec-in-syncobj
 * Description: A job whose in-syncobj carries the fence of a job still
 *   waiting (on a semaphore the CPU releases) does not run before it: after
 *   100 ms its write has not happened; once the CPU releases the first job
 *   both run, in order, and the second's out-syncobj signals.
 * Functionality: sync
 */
static void test_exec_in_syncobj(void)
{
	const struct drm_xe_engine_class_instance *eci = xe_find_engine(&xe, 0, -1);
	struct fence_vm f = fence_vm_create();
	uint32_t q1 = xe_exec_queue_create_tracked(xe_fd, f.vm, eci);
	uint32_t q2 = xe_exec_queue_create_tracked(xe_fd, f.vm, eci);
	uint32_t first = xe_syncobj_create_tracked(xe_fd);
	uint32_t second = xe_syncobj_create_tracked(xe_fd);
	/* dwords of the BO: 0 the semaphore, 1 and 2 the jobs' results, batches from 64 and 128 */
	const uint64_t sema = BIND_VA, out1 = BIND_VA + 4, out2 = BIND_VA + 8;
	struct drm_xe_sync wait_first[2] = { xe_sync_syncobj(first), xe_sync_syncobj(second) };
	struct drm_xe_sync sig_first = xe_sync_syncobj(first);
	struct xe_batch b;
	uint64_t batch1, batch2;
	int ret;

	wait_first[0].flags &= ~DRM_XE_SYNC_FLAG_SIGNAL;
	xe_batch_init_tracked(&b, 32);
	b.dw[b.len++] = MI_SEMAPHORE_WAIT_EQ;
	b.dw[b.len++] = 1;
	b.dw[b.len++] = (uint32_t)sema;
	b.dw[b.len++] = (uint32_t)(sema >> 32);
	igt_assert_eq(xe_batch_store_dword(&b, out1, 1), 0);
	igt_assert_eq(xe_batch_end(&b), 0);
	batch1 = place_batch(&f, 64, &b);
	xe_batch_reset(&b);
	igt_assert_eq(xe_batch_store_dword(&b, out2, 2), 0);
	igt_assert_eq(xe_batch_end(&b), 0);
	batch2 = place_batch(&f, 128, &b);

	igt_assert_eq(__xe_exec(xe_fd, q1, batch1, &sig_first, 1), 0);
	igt_assert_eq(__xe_exec(xe_fd, q2, batch2, wait_first, 2), 0);
	usleep(100000);
	igt_assert_f(f.cpu[2] == 0, "the second job ran before its in-syncobj signalled\n");
	__atomic_store_n(&f.cpu[0], 1, __ATOMIC_SEQ_CST);
	ret = __xe_syncobj_wait(xe_fd, second, 2 * XE_DEFAULT_TIMEOUT_NS);
	igt_assert_f(ret == 0, "the second job's out-syncobj: %s\n", strerror(-ret));
	igt_assert_eq_u32(f.cpu[1], 1);
	igt_assert_eq_u32(f.cpu[2], 2);
}

/**
 * SUBTEST: unmap-mirror-busy
 * Description: Once the GPU has faulted a malloc()ed page in through the
 *   mirror, an UNMAP of the mirror range holding it is refused with EBUSY
 *   (xe keeps GPU SVM ranges until the CPU unmaps them); after munmap() of
 *   that memory the same UNMAP succeeds.
 * Functionality: svm, vm_bind, unbind
 */
static void test_unmap_mirror_busy(void)
{
	size_t map_len;
	void *map;
	char *p = map_aligned(SZ_2M, &map, &map_len);
	struct svm_vm v = svm_vm_create();
	struct drm_xe_vm_bind_op unmap = xe_op_unmap((uintptr_t)p, SZ_2M, 0);
	int ret;

	memset(p, 0, SZ_2M);
	igt_assert_eq(__gpu_store(v.queue, (uintptr_t)p, 0x7777, 1), 0);
	igt_assert_eq_u32(*(uint32_t *)p, 0x7777);
	ret = __xe_vm_bind_sync(xe_fd, v.vm, &unmap);
	igt_assert_f(ret == -EBUSY, "UNMAP of a mirror range the GPU maps: %s, expected %s\n",
		     ret ? strerror(-ret) : "success", strerror(EBUSY));
	igt_assert_eq(__igt_munmap_tracked(map, map_len), 0);
	ret = __xe_vm_bind_sync(xe_fd, v.vm, &unmap);
	igt_assert_f(ret == 0, "UNMAP after munmap(): %s\n", strerror(-ret));
}

igt_main
{
	igt_subtest_group {
		igt_fixture
			open_xe();

		igt_subtest("query")
			test_query();
		igt_subtest("query-types")
			test_query_types();

		igt_subtest("fault-unmapped-with-queue-id") {
			xe_require_svm(&xe);
			test_fault_unmapped(true);
		}
		igt_subtest("fault-unmapped-without-queue-id") {
			xe_require_svm(&xe);
			test_fault_unmapped(false);
		}
		igt_subtest_with_dynamic("invalid-args") {
			xe_require_svm(&xe);
			test_invalid_args();
		}
		igt_subtest("madvise-roundtrip") {
			xe_require_svm(&xe);
			test_madvise_roundtrip();
		}
		igt_subtest("madvise-autoreset-with") {
			xe_require_svm(&xe);
			test_autoreset(true);
		}
		igt_subtest("madvise-autoreset-without") {
			xe_require_svm(&xe);
			test_autoreset(false);
		}
		igt_subtest_with_dynamic("prefetch") {
			xe_require_svm(&xe);
			test_prefetch();
		}
		igt_subtest("bo-in-mirror") {
			xe_require_svm(&xe);
			test_bo_in_mirror();
		}
		igt_subtest("unbind-while-busy") {
			xe_require_svm(&xe);
			test_unbind_while_busy();
		}
		igt_subtest_with_dynamic("engine-write") {
			xe_require_svm(&xe);
			test_engine_write();
		}

		igt_fixture
			if (xe_fd >= 0)
				close(xe_fd);
	}

	/* VM_BIND and sync behaviours. */
	igt_subtest_group {
		igt_fixture
			open_xe();

		igt_subtest("bind-partial-unmap") {
			xe_require_svm(&xe);
			test_bind_partial_unmap();
		}
		igt_subtest("bind-unmap-all") {
			xe_require_svm(&xe);
			test_bind_unmap_all();
		}
		igt_subtest("gem-close-while-bound") {
			xe_require_svm(&xe);
			test_gem_close_while_bound();
		}
		igt_subtest("bind-null") {
			xe_require_svm(&xe);
			test_bind_null();
		}
		igt_subtest("failed-job-signals-syncobj")
			test_failed_job_signals_syncobj();
		igt_subtest("exec-in-syncobj")
			test_exec_in_syncobj();
		igt_subtest("unmap-mirror-busy") {
			xe_require_svm(&xe);
			test_unmap_mirror_busy();
		}

		igt_fixture
			if (xe_fd >= 0)
				close(xe_fd);
	}

	svm_catalog_subtests(&svm_xe_backend);
}
