/* SPDX-License-Identifier: MIT */
/*
 * Fences and the syncs of EXEC and VM_BIND, as xe and DRM syncobjs treat
 * them: a signalling syncobj gets the job's fence in the ioctl (so a later
 * in-sync on it waits for that job), a waiting one hands its current fence
 * to the job, which runs only when it has signalled.  A job that fails or
 * is cancelled still signals its fence (with an error), so its syncobjs
 * signal as in xe; only the user fence of an exec, written by the ring
 * after the batch, stays unwritten.
 *
 * Fences come from a pool that grows in chunks, so that execs seldom
 * allocate (see VDEV_QUEUE_DEPTH).
 */
#include <errno.h>
#include <stdlib.h>

#include "vdev.h"

#define CHUNK 256

static struct vdev_fence *free_fences;
static unsigned int num_free;

void vdev_fence_reserve(unsigned int n)
{
	while (num_free < n) {
		struct vdev_fence *chunk = calloc(CHUNK, sizeof(*chunk));

		if (!chunk)
			return;
		for (unsigned int i = 0; i < CHUNK; i++) {
			chunk[i].next_free = free_fences;
			free_fences = &chunk[i];
		}
		num_free += CHUNK;
	}
}

struct vdev_fence *vdev_fence_new(void)
{
	struct vdev_fence *fence;

	if (!free_fences)
		vdev_fence_reserve(1);
	fence = free_fences;
	if (!fence)
		return NULL;
	free_fences = fence->next_free;
	num_free--;
	*fence = (struct vdev_fence){ .refs = 1 };
	return fence;
}

struct vdev_fence *vdev_fence_get(struct vdev_fence *fence)
{
	if (fence)
		fence->refs++;
	return fence;
}

void vdev_fence_put(struct vdev_fence *fence)
{
	if (!fence || --fence->refs)
		return;
	fence->next_free = free_fences;
	free_fences = fence;
	num_free++;
}

void vdev_fence_signal(struct vdev_fence *fence, int error)
{
	if (!fence || fence->signaled)
		return;
	fence->error = error;
	fence->signaled = true;
	pthread_cond_broadcast(&vdev_cond);
}

int vdev_sync_in_fences(struct vdev_file *f, const struct drm_xe_sync *syncs, uint32_t num,
			struct vdev_fence **out, unsigned int max)
{
	unsigned int n = 0;
	int err = 0;

	for (uint32_t i = 0; i < num && !err; i++) {
		struct vdev_syncobj *obj;

		if (syncs[i].type != DRM_XE_SYNC_TYPE_SYNCOBJ || (syncs[i].flags & DRM_XE_SYNC_FLAG_SIGNAL))
			continue;
		obj = vdev_syncobj_find(f, syncs[i].handle);
		if (!obj || !obj->fence)
			err = -EINVAL;
		else if (obj->fence->signaled)
			continue;
		else if (n == max)
			err = -E2BIG;
		else
			out[n++] = vdev_fence_get(obj->fence);
	}
	if (!err)
		return (int)n;
	while (n)
		vdev_fence_put(out[--n]);
	return err;
}

void vdev_sync_out_fences(struct vdev_file *f, const struct drm_xe_sync *syncs, uint32_t num,
			  struct vdev_fence *fence)
{
	for (uint32_t i = 0; i < num; i++) {
		struct vdev_syncobj *obj;

		if (syncs[i].type != DRM_XE_SYNC_TYPE_SYNCOBJ || !(syncs[i].flags & DRM_XE_SYNC_FLAG_SIGNAL))
			continue;
		obj = vdev_syncobj_find(f, syncs[i].handle);
		if (!obj)
			continue;
		vdev_fence_put(obj->fence);
		obj->fence = vdev_fence_get(fence);
	}
}

const struct drm_xe_sync *vdev_sync_ufence(const struct drm_xe_sync *syncs, uint32_t num)
{
	for (uint32_t i = 0; i < num; i++)
		if (syncs[i].type == DRM_XE_SYNC_TYPE_USER_FENCE)
			return &syncs[i];
	return NULL;
}
