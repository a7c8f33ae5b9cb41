/* SPDX-License-Identifier: MIT */
/*
 * xe uAPI wrappers (see xe_ioctl.h).  Layouts and checks:
 * shared/reference/xe-uapi-and-fixes.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include <xf86drm.h>

#include "igt_core.h"
#include "util.h"
#include "xe_ioctl.h"
#include "xe_pat.h"

int __xe_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl_restarting(fd, request, arg);
}

int __xe_vm_create(int fd, uint32_t flags, uint32_t *vm)
{
	struct drm_xe_vm_create args = { .flags = flags };
	int ret = __xe_ioctl(fd, DRM_IOCTL_XE_VM_CREATE, &args);

	if (!ret)
		*vm = args.vm_id;
	return ret;
}

uint32_t xe_vm_create(int fd, uint32_t flags)
{
	uint32_t vm = 0;
	int ret = __xe_vm_create(fd, flags, &vm);

	igt_assert_f(ret == 0, "VM_CREATE(flags %#x): %s\n", flags, strerror(-ret));
	return vm;
}

int __xe_vm_destroy(int fd, uint32_t vm)
{
	struct drm_xe_vm_destroy args = { .vm_id = vm };

	return __xe_ioctl(fd, DRM_IOCTL_XE_VM_DESTROY, &args);
}

void xe_vm_destroy(int fd, uint32_t vm)
{
	int ret = __xe_vm_destroy(fd, vm);

	igt_assert_f(ret == 0, "VM_DESTROY(%u): %s\n", vm, strerror(-ret));
}

/*
 * Ops are copied to the stack to resolve their PAT index: no allocation in
 * a bind, which a test may issue right after cutting a hole in its VA.
 */
#define MAX_LOCAL_OPS 64

int __xe_vm_bind_array(int fd, uint32_t vm, uint32_t queue, const struct drm_xe_vm_bind_op *ops,
		       uint32_t num, const struct drm_xe_sync *syncs, uint32_t num_syncs)
{
	struct drm_xe_vm_bind args = {
		.vm_id = vm,
		.exec_queue_id = queue,
		.num_binds = num,
		.num_syncs = num_syncs,
		.syncs = (uintptr_t)syncs,
	};

	struct drm_xe_vm_bind_op local[MAX_LOCAL_OPS];
	struct xe_pat pat;
	int ret;

	if (num > MAX_LOCAL_OPS)
		return -E2BIG;
	/* XE_PAT_DEFAULT becomes the device's coherent write-back index (xe_pat.h). */
	for (uint32_t i = 0; i < num; i++) {
		local[i] = ops[i];
		if (local[i].pat_index != XE_PAT_DEFAULT)
			continue;
		if ((ret = __xe_pat_of_fd(fd, &pat)))
			return ret;
		local[i].pat_index = xe_pat_default_index(&pat);
	}
	/* One op travels inline, more as a vector. */
	if (num == 1)
		args.bind = local[0];
	else if (num > 1)
		args.vector_of_binds = (uintptr_t)local;
	return __xe_ioctl(fd, DRM_IOCTL_XE_VM_BIND, &args);
}

int __xe_vm_bind(int fd, uint32_t vm, uint32_t queue, const struct drm_xe_vm_bind_op *op,
		 const struct drm_xe_sync *syncs, uint32_t num_syncs)
{
	return __xe_vm_bind_array(fd, vm, queue, op, 1, syncs, num_syncs);
}

struct drm_xe_vm_bind_op xe_op_mirror(uint64_t addr, uint64_t range, uint32_t flags)
{
	return (struct drm_xe_vm_bind_op){
		.op = DRM_XE_VM_BIND_OP_MAP,
		.flags = flags | DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR,
		.addr = addr,
		.range = range,
		.pat_index = XE_PAT_DEFAULT,
	};
}

struct drm_xe_vm_bind_op xe_op_bo(uint32_t bo, uint64_t offset, uint64_t addr, uint64_t range,
				  uint32_t flags)
{
	return (struct drm_xe_vm_bind_op){
		.op = DRM_XE_VM_BIND_OP_MAP,
		.obj = bo,
		.obj_offset = offset,
		.flags = flags,
		.addr = addr,
		.range = range,
		.pat_index = XE_PAT_DEFAULT,
	};
}

struct drm_xe_vm_bind_op xe_op_unmap(uint64_t addr, uint64_t range, uint32_t flags)
{
	return (struct drm_xe_vm_bind_op){
		.op = DRM_XE_VM_BIND_OP_UNMAP, .flags = flags, .addr = addr, .range = range,
		.pat_index = XE_PAT_DEFAULT,
	};
}

struct drm_xe_vm_bind_op xe_op_prefetch(uint64_t addr, uint64_t range, uint32_t region)
{
	return (struct drm_xe_vm_bind_op){
		/*
		 * No CPU_ADDR_MIRROR flag: vm_bind_ioctl_check_args refuses it on
		 * any op but MAP; whether a prefetch is of mirror memory is the
		 * VMA's business.
		 */
		.op = DRM_XE_VM_BIND_OP_PREFETCH,
		.addr = addr,
		.range = range,
		.prefetch_mem_region_instance = region,
		.pat_index = XE_PAT_DEFAULT,
	};
}

int __xe_vm_bind_sync(int fd, uint32_t vm, const struct drm_xe_vm_bind_op *op)
{
	static const uint64_t done = 0x600df00dull;
	volatile uint64_t fence __attribute__((aligned(8))) = 0;
	struct drm_xe_sync sync = xe_sync_ufence(&fence, done);
	int ret = __xe_vm_bind(fd, vm, 0, op, &sync, 1);

	return ret ? ret : __xe_wait_ufence(fd, &fence, done, 0, XE_DEFAULT_TIMEOUT_NS);
}

void xe_vm_bind_sync(int fd, uint32_t vm, const struct drm_xe_vm_bind_op *op)
{
	int ret = __xe_vm_bind_sync(fd, vm, op);

	igt_assert_f(ret == 0, "VM_BIND(op %u, flags %#x, %#llx+%#llx): %s\n", op->op, op->flags,
		     (unsigned long long)op->addr, (unsigned long long)op->range, strerror(-ret));
}

int __xe_exec_queue_create(int fd, uint32_t vm, const struct drm_xe_engine_class_instance *eci,
			   uint32_t *queue)
{
	struct drm_xe_exec_queue_create args = {
		.width = 1,
		.num_placements = 1,
		.vm_id = vm,
		.instances = (uintptr_t)eci,
	};
	int ret = __xe_ioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &args);

	if (!ret)
		*queue = args.exec_queue_id;
	return ret;
}

uint32_t xe_exec_queue_create(int fd, uint32_t vm, const struct drm_xe_engine_class_instance *eci)
{
	uint32_t queue = 0;
	int ret = __xe_exec_queue_create(fd, vm, eci, &queue);

	igt_assert_f(ret == 0, "EXEC_QUEUE_CREATE(class %u, instance %u, gt %u): %s\n",
		     eci->engine_class, eci->engine_instance, eci->gt_id, strerror(-ret));
	return queue;
}

int __xe_exec_queue_destroy(int fd, uint32_t queue)
{
	struct drm_xe_exec_queue_destroy args = { .exec_queue_id = queue };

	return __xe_ioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, &args);
}

void xe_exec_queue_destroy(int fd, uint32_t queue)
{
	int ret = __xe_exec_queue_destroy(fd, queue);

	igt_assert_f(ret == 0, "EXEC_QUEUE_DESTROY(%u): %s\n", queue, strerror(-ret));
}

int __xe_exec_queue_banned(int fd, uint32_t queue)
{
	struct drm_xe_exec_queue_get_property args = {
		.exec_queue_id = queue,
		.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN,
	};
	int ret = __xe_ioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &args);

	return ret ? ret : !!args.value;
}

int __xe_exec(int fd, uint32_t queue, uint64_t batch_addr, const struct drm_xe_sync *syncs,
	      uint32_t num_syncs)
{
	struct drm_xe_exec args = {
		.exec_queue_id = queue,
		.num_syncs = num_syncs,
		.syncs = (uintptr_t)syncs,
		.address = batch_addr,
		.num_batch_buffer = 1,
	};

	return __xe_ioctl(fd, DRM_IOCTL_XE_EXEC, &args);
}

struct drm_xe_sync xe_sync_ufence(volatile uint64_t *addr, uint64_t value)
{
	return (struct drm_xe_sync){
		.type = DRM_XE_SYNC_TYPE_USER_FENCE,
		.flags = DRM_XE_SYNC_FLAG_SIGNAL,
		.addr = (uintptr_t)addr,
		.timeline_value = value,
	};
}

struct drm_xe_sync xe_sync_syncobj(uint32_t handle)
{
	return (struct drm_xe_sync){
		.type = DRM_XE_SYNC_TYPE_SYNCOBJ,
		.flags = DRM_XE_SYNC_FLAG_SIGNAL,
		.handle = handle,
	};
}

int __xe_wait_ufence(int fd, volatile uint64_t *addr, uint64_t value, uint32_t queue,
		     int64_t timeout_ns)
{
	struct drm_xe_wait_user_fence args = {
		.addr = (uintptr_t)addr,
		.op = DRM_XE_UFENCE_WAIT_OP_EQ,
		.value = value,
		.mask = ~0ull,
		.timeout = timeout_ns,
		.exec_queue_id = queue,
	};

	return __xe_ioctl(fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &args);
}

void xe_wait_ufence(int fd, volatile uint64_t *addr, uint64_t value, uint32_t queue,
		    int64_t timeout_ns)
{
	int ret = __xe_wait_ufence(fd, addr, value, queue, timeout_ns);

	igt_assert_f(ret == 0, "WAIT_USER_FENCE(%p == %#llx, queue %u): %s%s\n", (void *)addr,
		     (unsigned long long)value, queue, strerror(-ret),
		     ret == -EIO ? " (the queue was reset)" : "");
}

/* libdrm's calls return -errno themselves. */
int __xe_syncobj_create(int fd, uint32_t *handle)
{
	return drmSyncobjCreate(fd, 0, handle);
}

uint32_t xe_syncobj_create(int fd)
{
	uint32_t handle = 0;
	int ret = __xe_syncobj_create(fd, &handle);

	igt_assert_f(ret == 0, "SYNCOBJ_CREATE: %s\n", strerror(-ret));
	return handle;
}

int __xe_syncobj_reset(int fd, uint32_t handle)
{
	return drmSyncobjReset(fd, &handle, 1);
}

int __xe_syncobj_wait(int fd, uint32_t handle, int64_t timeout_ns)
{
	struct timespec now;

	/* The kernel takes an absolute CLOCK_MONOTONIC deadline. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	return drmSyncobjWait(fd, &handle, 1, now.tv_sec * XE_NSEC_PER_SEC + now.tv_nsec + timeout_ns,
			      0, NULL);
}

int __xe_syncobj_destroy(int fd, uint32_t handle)
{
	return drmSyncobjDestroy(fd, handle);
}

int __xe_madvise(int fd, struct drm_xe_madvise *args)
{
	return __xe_ioctl(fd, DRM_IOCTL_XE_MADVISE, args);
}

int __xe_madvise_preferred(int fd, uint32_t vm, uint64_t start, uint64_t range, int devmem_fd,
			   uint16_t policy, uint16_t region)
{
	struct drm_xe_madvise args = {
		.start = start, .range = range, .vm_id = vm,
		.type = DRM_XE_MEM_RANGE_ATTR_PREFERRED_LOC,
	};

	args.preferred_mem_loc.devmem_fd = (uint32_t)devmem_fd;
	args.preferred_mem_loc.migration_policy = policy;
	args.preferred_mem_loc.region_instance = region;
	return __xe_madvise(fd, &args);
}

int __xe_madvise_atomic(int fd, uint32_t vm, uint64_t start, uint64_t range, uint32_t val)
{
	struct drm_xe_madvise args = {
		.start = start, .range = range, .vm_id = vm, .type = DRM_XE_MEM_RANGE_ATTR_ATOMIC,
	};

	args.atomic.val = val;
	return __xe_madvise(fd, &args);
}

int __xe_madvise_pat(int fd, uint32_t vm, uint64_t start, uint64_t range, uint32_t pat)
{
	struct drm_xe_madvise args = {
		.start = start, .range = range, .vm_id = vm, .type = DRM_XE_MEM_RANGE_ATTR_PAT,
	};

	args.pat_index.val = pat;
	return __xe_madvise(fd, &args);
}

/* The ranges may change between the two calls: the kernel then says ENOSPC. */
#define RANGE_QUERY_TRIES 8

int __xe_query_range_attrs(int fd, uint32_t vm, uint64_t start, uint64_t range,
			   struct drm_xe_mem_range_attr **out, uint32_t *num)
{
	for (int i = 0; i < RANGE_QUERY_TRIES; i++) {
		struct drm_xe_vm_query_mem_range_attr args = {
			.vm_id = vm, .start = start, .range = range,
		};
		struct drm_xe_mem_range_attr *attrs;
		int ret = __xe_ioctl(fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &args);

		if (ret)
			return ret;
		attrs = calloc(args.num_mem_ranges ? args.num_mem_ranges : 1,
			       args.sizeof_mem_range_attr ? args.sizeof_mem_range_attr
							  : sizeof(*attrs));
		if (!attrs)
			return -ENOMEM;
		args.vector_of_mem_attr = (uintptr_t)attrs;
		ret = __xe_ioctl(fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &args);
		if (!ret) {
			*out = attrs;
			*num = args.num_mem_ranges;
			return 0;
		}
		free(attrs);
		if (ret != -ENOSPC)
			return ret;
	}
	return -ENOSPC;
}

int __xe_bo_create(int fd, uint32_t vm, uint64_t size, uint32_t placement, uint32_t *bo)
{
	struct drm_xe_gem_create args = {
		.size = size,
		.placement = placement,
		.vm_id = vm,
		/* xe_gem_create_ioctl: a BO that may live in VRAM must be WC. */
		.cpu_caching = placement & ~1u ? DRM_XE_GEM_CPU_CACHING_WC
					       : DRM_XE_GEM_CPU_CACHING_WB,
	};
	int ret = __xe_ioctl(fd, DRM_IOCTL_XE_GEM_CREATE, &args);

	if (!ret)
		*bo = args.handle;
	return ret;
}

uint32_t xe_bo_create(int fd, uint32_t vm, uint64_t size, uint32_t placement)
{
	uint32_t bo = 0;
	int ret = __xe_bo_create(fd, vm, size, placement, &bo);

	igt_assert_f(ret == 0, "GEM_CREATE(%#llx bytes, placement %#x): %s\n",
		     (unsigned long long)size, placement, strerror(-ret));
	return bo;
}

void *xe_bo_map(int fd, uint32_t bo, size_t size)
{
	struct drm_xe_gem_mmap_offset args = { .handle = bo };
	void *p;
	int ret = __xe_ioctl(fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &args);

	if (ret) {
		errno = -ret;
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)args.offset);
	return p == MAP_FAILED ? NULL : p;
}

int __xe_gem_close(int fd, uint32_t bo)
{
	struct drm_gem_close args = { .handle = bo };

	return __xe_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &args);
}
