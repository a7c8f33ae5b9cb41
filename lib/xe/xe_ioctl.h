/* SPDX-License-Identifier: MIT */
/*
 * xe uAPI wrappers.  __xe_*() return 0 or -errno and never assert; xe_*()
 * assert success.  Every wait takes a timeout.  Facts:
 * shared/reference/xe-uapi-and-fixes.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/xe_svm_drm.h"

#define XE_NSEC_PER_SEC 1000000000ll
/*
 * A hang detector for waits that must complete: any batch or bind of the
 * suite takes milliseconds on real hardware and well under a second on
 * vdev with the machine loaded.  Waits that expect to time out pass their
 * own, short bound.
 */
#define XE_DEFAULT_TIMEOUT_NS (30 * XE_NSEC_PER_SEC)

/* ioctl() restarted on EINTR/EAGAIN; 0 or -errno. */
int __xe_ioctl(int fd, unsigned long request, void *arg);

int __xe_vm_create(int fd, uint32_t flags, uint32_t *vm);
uint32_t xe_vm_create(int fd, uint32_t flags);
int __xe_vm_destroy(int fd, uint32_t vm);
void xe_vm_destroy(int fd, uint32_t vm);

/* One bind op; @queue 0 is the VM's default bind queue. */
int __xe_vm_bind(int fd, uint32_t vm, uint32_t queue, const struct drm_xe_vm_bind_op *op,
		 const struct drm_xe_sync *syncs, uint32_t num_syncs);
/* @num ops (0 allowed: a bind with nothing to do). */
int __xe_vm_bind_array(int fd, uint32_t vm, uint32_t queue, const struct drm_xe_vm_bind_op *ops,
		       uint32_t num, const struct drm_xe_sync *syncs, uint32_t num_syncs);

/*
 * Helpers that fill one op; flags are DRM_XE_VM_BIND_FLAG_*.  Their
 * pat_index is XE_PAT_DEFAULT, which the bind wrappers replace by the
 * device's coherent write-back index (xe_pat.h); set another index to send
 * it as is.  At most 64 ops per bind (-E2BIG).
 */
struct drm_xe_vm_bind_op xe_op_mirror(uint64_t addr, uint64_t range, uint32_t flags);
struct drm_xe_vm_bind_op xe_op_bo(uint32_t bo, uint64_t offset, uint64_t addr, uint64_t range,
				  uint32_t flags);
struct drm_xe_vm_bind_op xe_op_unmap(uint64_t addr, uint64_t range, uint32_t flags);
struct drm_xe_vm_bind_op xe_op_prefetch(uint64_t addr, uint64_t range, uint32_t region);

/*
 * A synchronous bind: the op with a user fence on the stack, waited for.
 * 0 or -errno (of the ioctl or the wait).
 */
int __xe_vm_bind_sync(int fd, uint32_t vm, const struct drm_xe_vm_bind_op *op);
void xe_vm_bind_sync(int fd, uint32_t vm, const struct drm_xe_vm_bind_op *op);

int __xe_exec_queue_create(int fd, uint32_t vm, const struct drm_xe_engine_class_instance *eci,
			   uint32_t *queue);
uint32_t xe_exec_queue_create(int fd, uint32_t vm, const struct drm_xe_engine_class_instance *eci);
int __xe_exec_queue_destroy(int fd, uint32_t queue);
void xe_exec_queue_destroy(int fd, uint32_t queue);
/* Whether the kernel banned (reset) the queue: 1, 0, or -errno. */
int __xe_exec_queue_banned(int fd, uint32_t queue);

int __xe_exec(int fd, uint32_t queue, uint64_t batch_addr, const struct drm_xe_sync *syncs,
	      uint32_t num_syncs);

/* A user-fence sync that writes @value to @addr (8-byte aligned) when done. */
struct drm_xe_sync xe_sync_ufence(volatile uint64_t *addr, uint64_t value);
struct drm_xe_sync xe_sync_syncobj(uint32_t handle);

/*
 * Waits until *@addr == @value, at most @timeout_ns.  With @queue != 0 the
 * kernel also watches the queue: -EIO when it was reset, -ETIME on timeout.
 */
int __xe_wait_ufence(int fd, volatile uint64_t *addr, uint64_t value, uint32_t queue,
		     int64_t timeout_ns);
void xe_wait_ufence(int fd, volatile uint64_t *addr, uint64_t value, uint32_t queue,
		    int64_t timeout_ns);

/*
 * Syncobjs, for out-fences of plain (non-LR) VMs; LR VMs refuse them.
 * The wait is relative: at most @timeout_ns (0: just look).
 */
int __xe_syncobj_create(int fd, uint32_t *handle);
uint32_t xe_syncobj_create(int fd);
int __xe_syncobj_reset(int fd, uint32_t handle);
int __xe_syncobj_wait(int fd, uint32_t handle, int64_t timeout_ns);
int __xe_syncobj_destroy(int fd, uint32_t handle);

int __xe_madvise(int fd, struct drm_xe_madvise *args);
/* Preferred location: devmem_fd 0 = faulting tile's VRAM, -1 = system, else that fd's @region. */
int __xe_madvise_preferred(int fd, uint32_t vm, uint64_t start, uint64_t range, int devmem_fd,
			   uint16_t policy, uint16_t region);
int __xe_madvise_atomic(int fd, uint32_t vm, uint64_t start, uint64_t range, uint32_t val);
int __xe_madvise_pat(int fd, uint32_t vm, uint64_t start, uint64_t range, uint32_t pat);

/*
 * The attributes of the ranges in [start, start+range): two calls, retried
 * when the ranges change between them (ENOSPC).  On success *@out is a
 * malloc()ed array of *@num entries for the caller to free().
 */
int __xe_query_range_attrs(int fd, uint32_t vm, uint64_t start, uint64_t range,
			   struct drm_xe_mem_range_attr **out, uint32_t *num);

int __xe_bo_create(int fd, uint32_t vm, uint64_t size, uint32_t placement, uint32_t *bo);
uint32_t xe_bo_create(int fd, uint32_t vm, uint64_t size, uint32_t placement);
/* A CPU mapping of the BO (MAP_SHARED on the device fd); NULL and errno on failure. */
void *xe_bo_map(int fd, uint32_t bo, size_t size);
int __xe_gem_close(int fd, uint32_t bo);
