/* SPDX-License-Identifier: MIT */
/*
 * Ioctl dispatch by number (the size is checked too, so a layout mismatch
 * between the suite and vdev is an error, not garbage), and the DRM core
 * ioctls the suite's libraries issue: VERSION, GEM_CLOSE, syncobjs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "vdev.h"
#include "lib/util.h"

typedef int (*xe_handler)(struct vdev_file *f, void *arg);

static const struct {
	unsigned long request;
	xe_handler fn;
} xe_ioctls[] = {
	{ DRM_IOCTL_XE_DEVICE_QUERY, (xe_handler)vdev_query },
	{ DRM_IOCTL_XE_GEM_CREATE, (xe_handler)vdev_gem_create },
	{ DRM_IOCTL_XE_GEM_MMAP_OFFSET, (xe_handler)vdev_gem_mmap_offset },
	{ DRM_IOCTL_XE_VM_CREATE, (xe_handler)vdev_vm_create },
	{ DRM_IOCTL_XE_VM_DESTROY, (xe_handler)vdev_vm_destroy },
	{ DRM_IOCTL_XE_VM_BIND, (xe_handler)vdev_vm_bind },
	{ DRM_IOCTL_XE_EXEC_QUEUE_CREATE, (xe_handler)vdev_queue_create },
	{ DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, (xe_handler)vdev_queue_destroy },
	{ DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, (xe_handler)vdev_queue_get_property },
	{ DRM_IOCTL_XE_EXEC, (xe_handler)vdev_exec },
	{ DRM_IOCTL_XE_WAIT_USER_FENCE, (xe_handler)vdev_wait_ufence },
	{ DRM_IOCTL_XE_MADVISE, (xe_handler)vdev_madvise },
	{ DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, (xe_handler)vdev_query_attrs },
	{ DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY, (xe_handler)vdev_queue_set_property },
	{ DRM_IOCTL_XE_VM_GET_PROPERTY, (xe_handler)vdev_vm_get_property },
};

static int dispatch(struct vdev_file *f, unsigned long request, void *arg)
{
	unsigned int nr = _IOC_NR(request);

	if (_IOC_TYPE(request) != DRM_IOCTL_BASE)
		return -ENOTTY;
	if (nr >= DRM_COMMAND_BASE && nr < DRM_COMMAND_END) {
		for (size_t i = 0; i < ARRAY_SIZE(xe_ioctls); i++)
			if (xe_ioctls[i].request == request)
				return arg ? xe_ioctls[i].fn(f, arg) : -EFAULT;
		return -ENOTTY;
	}
	return arg ? vdev_core_ioctl(f, nr, arg) : -EFAULT;
}

int vdev_ioctl(struct vdev_file *f, unsigned long request, void *arg)
{
	int ret;

	vdev_failed_check = NULL;
	ret = dispatch(f, request, arg);
	if (ret < 0)
		vdev_record_rejection(request, ret);
	return ret;
}

static void copy_string(char *dst, size_t len, const char *src)
{
	if (dst && len)
		memcpy(dst, src, strlen(src) < len ? strlen(src) : len);
}

/* drmGetVersion asks twice: lengths first, then the strings. */
static int version(struct drm_version *v)
{
	static const char name[] = "xe", date[] = "20260101", desc[] = "vdev virtual xe";

	v->version_major = 1;
	v->version_minor = 1;
	v->version_patchlevel = 0;
	copy_string(v->name, v->name_len, name);
	copy_string(v->date, v->date_len, date);
	copy_string(v->desc, v->desc_len, desc);
	v->name_len = strlen(name);
	v->date_len = strlen(date);
	v->desc_len = strlen(desc);
	return 0;
}

static int syncobj_create(struct vdev_file *f, struct drm_syncobj_create *a)
{
	struct vdev_syncobj *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->handle = f->next_id++;
	if (a->flags & DRM_SYNCOBJ_CREATE_SIGNALED) {
		s->fence = vdev_fence_new();
		vdev_fence_signal(s->fence, 0);
	}
	s->next = f->syncobjs;
	f->syncobjs = s;
	a->handle = s->handle;
	return 0;
}

static int syncobj_destroy(struct vdev_file *f, struct drm_syncobj_destroy *a)
{
	for (struct vdev_syncobj **pp = &f->syncobjs; *pp; pp = &(*pp)->next)
		if ((*pp)->handle == a->handle) {
			struct vdev_syncobj *s = *pp;

			*pp = s->next;
			vdev_fence_put(s->fence);
			free(s);
			return 0;
		}
	return -EINVAL;
}

static int syncobj_set(struct vdev_file *f, struct drm_syncobj_array *a, bool value)
{
	const uint32_t *h = (const uint32_t *)(uintptr_t)a->handles;

	for (uint32_t i = 0; i < a->count_handles; i++)
		if (!vdev_syncobj_find(f, h[i]))
			return -ENOENT;
	/* SIGNAL gives a signalled stub fence, RESET none (drm_syncobj). */
	for (uint32_t i = 0; i < a->count_handles; i++) {
		struct vdev_syncobj *s = vdev_syncobj_find(f, h[i]);

		vdev_fence_put(s->fence);
		s->fence = value ? vdev_fence_new() : NULL;
		vdev_fence_signal(s->fence, 0);
	}
	return 0;
}

/*
 * Whether the wait is over; -ENOENT for an unknown handle, -EINVAL for one
 * without a fence unless the caller waits for its submission too.
 */
static int syncobjs_done(struct vdev_file *f, struct drm_syncobj_wait *a)
{
	const uint32_t *h = (const uint32_t *)(uintptr_t)a->handles;
	bool all = a->flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL;

	for (uint32_t i = 0; i < a->count_handles; i++) {
		struct vdev_syncobj *s = vdev_syncobj_find(f, h[i]);

		bool signaled;

		if (!s)
			return -ENOENT;
		if (!s->fence && !(a->flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT))
			return -EINVAL;
		signaled = s->fence && s->fence->signaled;
		if (!all && signaled) {
			a->first_signaled = i;
			return 1;
		}
		if (all && !signaled)
			return 0;
	}
	return all;
}

static int syncobj_wait(struct vdev_file *f, struct drm_syncobj_wait *a)
{
	struct timespec deadline = {
		.tv_sec = a->timeout_nsec / 1000000000ll,
		.tv_nsec = a->timeout_nsec % 1000000000ll,
	};
	int done;

	if (!a->count_handles)
		return -EINVAL;
	while (!(done = syncobjs_done(f, a))) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > deadline.tv_sec ||
		    (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec))
			return -ETIME;
		pthread_cond_timedwait(&vdev_cond, &vdev_lock, &deadline);
	}
	return done < 0 ? done : 0;
}

int vdev_core_ioctl(struct vdev_file *f, unsigned int nr, void *arg)
{
	switch (nr) {
	case _IOC_NR(DRM_IOCTL_VERSION):
		return version(arg);
	case _IOC_NR(DRM_IOCTL_GEM_CLOSE):
		return vdev_gem_close(f, ((struct drm_gem_close *)arg)->handle);
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_CREATE):
		return syncobj_create(f, arg);
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_DESTROY):
		return syncobj_destroy(f, arg);
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_WAIT):
		return syncobj_wait(f, arg);
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_RESET):
		return syncobj_set(f, arg, false);
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_SIGNAL):
		return syncobj_set(f, arg, true);
	default:
		return -ENOTTY;
	}
}

struct vdev_syncobj *vdev_syncobj_find(struct vdev_file *f, uint32_t handle)
{
	for (struct vdev_syncobj *s = f->syncobjs; s; s = s->next)
		if (s->handle == handle)
			return s;
	return NULL;
}
