/* SPDX-License-Identifier: MIT */
/*
 * Wrappers of the vgpu uAPI (include/uapi/vgpu_drm.h), one per ioctl:
 * __vgpu_foo() returns 0 or -errno and never asserts; vgpu_foo() asserts
 * success and names the call in its message.  Every call restarts on
 * EINTR/EAGAIN (util.h's ioctl_restarting): a job that met a racing
 * invalidation is asked again, never reported as a result.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/vgpu_drm.h"

/*
 * A hang detector for waits that must complete: a job of the suite takes
 * milliseconds, even in a QEMU guest without KVM on a loaded host.
 */
#define VGPU_FENCE_TIMEOUT_MS (30 * 1000)

/* ioctl() restarted on EINTR/EAGAIN; 0 or -errno. */
int __vgpu_ioctl(int fd, unsigned long request, void *arg);

int __vgpu_device_query(int fd, struct drm_vgpu_device_query *out);
void vgpu_device_query(int fd, struct drm_vgpu_device_query *out);

/* @mode: VGPU_VM_MODE_FAULT or VGPU_VM_MODE_IOCTL. */
int __vgpu_vm_create(int fd, uint32_t mode, uint32_t *vm);
uint32_t vgpu_vm_create(int fd, uint32_t mode);
int __vgpu_vm_destroy(int fd, uint32_t vm);
void vgpu_vm_destroy(int fd, uint32_t vm);

/* @op: VGPU_BIND_MAP or VGPU_BIND_UNMAP. */
int __vgpu_bind(int fd, uint32_t vm, uint32_t op, uint64_t start, uint64_t size);
void vgpu_bind(int fd, uint32_t vm, uint32_t op, uint64_t start, uint64_t size);

/* One job as the caller filled it (out fields are written back). */
int __vgpu_exec(int fd, struct drm_vgpu_exec *job);

/* Synchronous jobs on @tile's engine, the common shapes of EXEC. */
int __vgpu_read(int fd, uint32_t vm, uint32_t tile, const void *addr, void *data, size_t size);
void vgpu_read(int fd, uint32_t vm, uint32_t tile, const void *addr, void *data, size_t size);
int __vgpu_write(int fd, uint32_t vm, uint32_t tile, void *addr, const void *data, size_t size);
void vgpu_write(int fd, uint32_t vm, uint32_t tile, void *addr, const void *data, size_t size);
int __vgpu_copy(int fd, uint32_t vm, uint32_t tile, void *dst, const void *src, size_t size);
void vgpu_copy(int fd, uint32_t vm, uint32_t tile, void *dst, const void *src, size_t size);
/* @old (may be NULL) receives the value before the increment. */
int __vgpu_atomic_inc(int fd, uint32_t vm, uint32_t tile, uint32_t *addr, uint32_t *old);
void vgpu_atomic_inc(int fd, uint32_t vm, uint32_t tile, uint32_t *addr, uint32_t *old);

/*
 * The sync_file of an asynchronous job (VGPU_EXEC_ASYNC): waits at most
 * @timeout_ms for it to signal, then returns the job's result: 0 when it
 * completed, its -errno when it failed, -ETIME when it did not signal in
 * time, other -errno when the fence cannot be read.  Does not close @fence.
 */
int __vgpu_fence_wait(int fence, int timeout_ms);

int __vgpu_set_attr(int fd, uint32_t vm, uint32_t attr, uint64_t start, uint64_t size,
		    int32_t value);
/* @loc: VGPU_LOC_SYSTEM, VGPU_LOC_FAULTING_TILE or a tile index. */
void vgpu_set_preferred_loc(int fd, uint32_t vm, uint64_t start, uint64_t size, int32_t loc);

/* @moved (may be NULL): pages that ended up at @loc. */
int __vgpu_prefetch(int fd, uint32_t vm, int32_t loc, uint64_t start, uint64_t size,
		    uint64_t *moved);
uint64_t vgpu_prefetch(int fd, uint32_t vm, int32_t loc, uint64_t start, uint64_t size);

/* @evicted (may be NULL): pages moved back. */
int __vgpu_evict(int fd, uint32_t vm, uint32_t flags, uint64_t start, uint64_t size,
		 uint64_t *evicted);
uint64_t vgpu_evict(int fd, uint32_t vm, uint32_t flags, uint64_t start, uint64_t size);

/*
 * VGPU_PAGE_* words of @npages pages from @start; any count (split into
 * calls of at most VGPU_QUERY_MAX_PAGES here).
 */
int __vgpu_query_pages(int fd, uint32_t vm, const void *start, size_t npages, uint32_t *pages);
void vgpu_query_pages(int fd, uint32_t vm, const void *start, size_t npages, uint32_t *pages);

/* One QUERY_RANGES call: *@count in: room in @ranges; out: how many there are. */
int __vgpu_query_ranges(int fd, uint32_t vm, uint64_t start, uint64_t size,
			struct drm_vgpu_range *ranges, uint32_t *count);
/*
 * Every range intersecting [start, start+size), in a malloc()ed array of
 * *@num entries (NULL when there are none) for the caller to free(): asks
 * again while the count grows between two calls.
 */
int __vgpu_query_ranges_all(int fd, uint32_t vm, uint64_t start, uint64_t size,
			    struct drm_vgpu_range **out, uint32_t *num);

int __vgpu_query_counters(int fd, uint32_t vm, struct drm_vgpu_counters *out);
void vgpu_query_counters(int fd, uint32_t vm, struct drm_vgpu_counters *out);

/* "read", "write", "copy", "atomic-inc" for a VGPU_EXEC_* op, for messages. */
const char *vgpu_exec_op_name(uint32_t op);
/* "system", "faulting-tile", "tile 1", for a VGPU_LOC_* or tile index. */
const char *vgpu_loc_name(int32_t loc, char *buf, size_t len);
/* "tile 0 writable huge", "system", "none", for a VGPU_PAGE_* word. */
const char *vgpu_page_name(uint32_t page, char *buf, size_t len);
