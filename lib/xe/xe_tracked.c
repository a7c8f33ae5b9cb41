/* SPDX-License-Identifier: MIT */
/* The tracked xe objects of xe_tracked.h, on igt_defer.h's records. */
#include <errno.h>
#include <string.h>

#include "igt_core.h"
#include "igt_defer.h"
#include "xe_ioctl.h"
#include "xe_tracked.h"

/* The record's two values: the fd and the object's id. */
static int release_vm(uint64_t fd, uint64_t vm)
{
	return __xe_vm_destroy((int)fd, (uint32_t)vm);
}

uint32_t xe_vm_create_tracked(int fd, uint32_t flags)
{
	uint32_t vm = xe_vm_create(fd, flags);

	igt_defer(release_vm, (uint64_t)fd, vm);
	return vm;
}

int __xe_vm_destroy_tracked(int fd, uint32_t vm)
{
	return __igt_release(release_vm, (uint64_t)fd, vm);
}

static int release_queue(uint64_t fd, uint64_t queue)
{
	return __xe_exec_queue_destroy((int)fd, (uint32_t)queue);
}

uint32_t xe_exec_queue_create_tracked(int fd, uint32_t vm,
				      const struct drm_xe_engine_class_instance *eci)
{
	uint32_t queue = xe_exec_queue_create(fd, vm, eci);

	igt_defer(release_queue, (uint64_t)fd, queue);
	return queue;
}

int __xe_exec_queue_destroy_tracked(int fd, uint32_t queue)
{
	return __igt_release(release_queue, (uint64_t)fd, queue);
}

static int release_bo(uint64_t fd, uint64_t bo)
{
	return __xe_gem_close((int)fd, (uint32_t)bo);
}

uint32_t xe_bo_create_tracked(int fd, uint32_t vm, uint64_t size, uint32_t placement)
{
	uint32_t bo = xe_bo_create(fd, vm, size, placement);

	igt_defer(release_bo, (uint64_t)fd, bo);
	return bo;
}

int __xe_gem_close_tracked(int fd, uint32_t bo)
{
	return __igt_release(release_bo, (uint64_t)fd, bo);
}

void *xe_bo_map_tracked(int fd, uint32_t bo, size_t size)
{
	void *p = xe_bo_map(fd, bo, size);

	igt_assert_f(p, "mmap of BO %u (%#zx bytes): %s\n", bo, size, strerror(errno));
	return igt_track_mapping(p, size);
}

static int release_syncobj(uint64_t fd, uint64_t handle)
{
	return __xe_syncobj_destroy((int)fd, (uint32_t)handle);
}

uint32_t xe_syncobj_create_tracked(int fd)
{
	uint32_t handle = xe_syncobj_create(fd);

	igt_defer(release_syncobj, (uint64_t)fd, handle);
	return handle;
}

int __xe_syncobj_destroy_tracked(int fd, uint32_t handle)
{
	return __igt_release(release_syncobj, (uint64_t)fd, handle);
}

void xe_batch_init_tracked(struct xe_batch *b, size_t cap)
{
	igt_assert_eq(xe_batch_init(b, cap), 0);
	igt_free_at_end(b->dw);
}
