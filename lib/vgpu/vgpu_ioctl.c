/* SPDX-License-Identifier: MIT */
/* vgpu uAPI wrappers (see vgpu_ioctl.h); the ABI is include/uapi/vgpu_drm.h. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/sync_file.h>

#include "igt_core.h"
#include "util.h"
#include "vgpu_ioctl.h"

int __vgpu_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl_restarting(fd, request, arg);
}

int __vgpu_device_query(int fd, struct drm_vgpu_device_query *out)
{
	memset(out, 0, sizeof(*out));
	return __vgpu_ioctl(fd, DRM_IOCTL_VGPU_DEVICE_QUERY, out);
}

void vgpu_device_query(int fd, struct drm_vgpu_device_query *out)
{
	int ret = __vgpu_device_query(fd, out);

	igt_assert_f(ret == 0, "DEVICE_QUERY: %s\n", strerror(-ret));
}

int __vgpu_vm_create(int fd, uint32_t mode, uint32_t *vm)
{
	struct drm_vgpu_vm_create args = { .mode = mode };
	int ret = __vgpu_ioctl(fd, DRM_IOCTL_VGPU_VM_CREATE, &args);

	if (!ret)
		*vm = args.vm_id;
	return ret;
}

uint32_t vgpu_vm_create(int fd, uint32_t mode)
{
	uint32_t vm = 0;
	int ret = __vgpu_vm_create(fd, mode, &vm);

	igt_assert_f(ret == 0, "VM_CREATE(mode %u): %s\n", mode, strerror(-ret));
	igt_assert_f(vm != 0, "VM_CREATE(mode %u) returned vm_id 0\n", mode);
	return vm;
}

int __vgpu_vm_destroy(int fd, uint32_t vm)
{
	struct drm_vgpu_vm_destroy args = { .vm_id = vm };

	return __vgpu_ioctl(fd, DRM_IOCTL_VGPU_VM_DESTROY, &args);
}

void vgpu_vm_destroy(int fd, uint32_t vm)
{
	int ret = __vgpu_vm_destroy(fd, vm);

	igt_assert_f(ret == 0, "VM_DESTROY(%u): %s\n", vm, strerror(-ret));
}

int __vgpu_bind(int fd, uint32_t vm, uint32_t op, uint64_t start, uint64_t size)
{
	struct drm_vgpu_bind args = { .vm_id = vm, .op = op, .start = start, .size = size };

	return __vgpu_ioctl(fd, DRM_IOCTL_VGPU_BIND, &args);
}

void vgpu_bind(int fd, uint32_t vm, uint32_t op, uint64_t start, uint64_t size)
{
	int ret = __vgpu_bind(fd, vm, op, start, size);

	igt_assert_f(ret == 0, "BIND(vm %u, %s, %#" PRIx64 "+%#" PRIx64 "): %s\n", vm,
		     op == VGPU_BIND_MAP ? "MAP" : op == VGPU_BIND_UNMAP ? "UNMAP" : "?",
		     start, size, strerror(-ret));
}

int __vgpu_exec(int fd, struct drm_vgpu_exec *job)
{
	return __vgpu_ioctl(fd, DRM_IOCTL_VGPU_EXEC, job);
}

static struct drm_vgpu_exec job_of(uint32_t vm, uint32_t op, uint32_t tile, uintptr_t addr,
				   size_t size)
{
	return (struct drm_vgpu_exec){ .vm_id = vm, .op = op, .tile = tile, .addr = addr,
				       .size = size };
}

/* Fails naming the job: "READ of 0x...+0x1000 on tile 0". */
static void job_ok(int ret, const struct drm_vgpu_exec *job)
{
	igt_assert_f(ret == 0, "EXEC %s of %#" PRIx64 "+%#" PRIx64 " on tile %u (vm %u): %s\n",
		     vgpu_exec_op_name(job->op), (uint64_t)job->addr, (uint64_t)job->size,
		     job->tile, job->vm_id, strerror(-ret));
}

int __vgpu_read(int fd, uint32_t vm, uint32_t tile, const void *addr, void *data, size_t size)
{
	struct drm_vgpu_exec job = job_of(vm, VGPU_EXEC_READ, tile, (uintptr_t)addr, size);

	job.data = (uintptr_t)data;
	return __vgpu_exec(fd, &job);
}

void vgpu_read(int fd, uint32_t vm, uint32_t tile, const void *addr, void *data, size_t size)
{
	struct drm_vgpu_exec job = job_of(vm, VGPU_EXEC_READ, tile, (uintptr_t)addr, size);

	job_ok(__vgpu_read(fd, vm, tile, addr, data, size), &job);
}

int __vgpu_write(int fd, uint32_t vm, uint32_t tile, void *addr, const void *data, size_t size)
{
	struct drm_vgpu_exec job = job_of(vm, VGPU_EXEC_WRITE, tile, (uintptr_t)addr, size);

	job.data = (uintptr_t)data;
	return __vgpu_exec(fd, &job);
}

void vgpu_write(int fd, uint32_t vm, uint32_t tile, void *addr, const void *data, size_t size)
{
	struct drm_vgpu_exec job = job_of(vm, VGPU_EXEC_WRITE, tile, (uintptr_t)addr, size);

	job_ok(__vgpu_write(fd, vm, tile, addr, data, size), &job);
}

int __vgpu_copy(int fd, uint32_t vm, uint32_t tile, void *dst, const void *src, size_t size)
{
	struct drm_vgpu_exec job = job_of(vm, VGPU_EXEC_COPY, tile, (uintptr_t)dst, size);

	job.src = (uintptr_t)src;
	return __vgpu_exec(fd, &job);
}

void vgpu_copy(int fd, uint32_t vm, uint32_t tile, void *dst, const void *src, size_t size)
{
	struct drm_vgpu_exec job = job_of(vm, VGPU_EXEC_COPY, tile, (uintptr_t)dst, size);

	job_ok(__vgpu_copy(fd, vm, tile, dst, src, size), &job);
}

int __vgpu_atomic_inc(int fd, uint32_t vm, uint32_t tile, uint32_t *addr, uint32_t *old)
{
	struct drm_vgpu_exec job = job_of(vm, VGPU_EXEC_ATOMIC_INC, tile, (uintptr_t)addr,
					  sizeof(*addr));
	int ret = __vgpu_exec(fd, &job);

	if (!ret && old)
		*old = (uint32_t)job.value;
	return ret;
}

void vgpu_atomic_inc(int fd, uint32_t vm, uint32_t tile, uint32_t *addr, uint32_t *old)
{
	struct drm_vgpu_exec job = job_of(vm, VGPU_EXEC_ATOMIC_INC, tile, (uintptr_t)addr,
					  sizeof(*addr));

	job_ok(__vgpu_atomic_inc(fd, vm, tile, addr, old), &job);
}

int __vgpu_fence_wait(int fence, int timeout_ms)
{
	struct pollfd pfd = { .fd = fence, .events = POLLIN };
	struct sync_file_info info = { 0 };
	int n;

	do
		n = poll(&pfd, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ETIME;
	n = ioctl_restarting(fence, SYNC_IOC_FILE_INFO, &info);
	if (n)
		return n;
	/* 1: signalled without error; 0 would be "still active", which poll ruled out. */
	if (info.status == 1)
		return 0;
	return info.status < 0 ? info.status : -EPROTO;
}

int __vgpu_set_attr(int fd, uint32_t vm, uint32_t attr, uint64_t start, uint64_t size,
		    int32_t value)
{
	struct drm_vgpu_set_attr args = {
		.vm_id = vm, .attr = attr, .start = start, .size = size, .value = value,
	};

	return __vgpu_ioctl(fd, DRM_IOCTL_VGPU_SET_ATTR, &args);
}

void vgpu_set_preferred_loc(int fd, uint32_t vm, uint64_t start, uint64_t size, int32_t loc)
{
	char name[32];
	int ret = __vgpu_set_attr(fd, vm, VGPU_ATTR_PREFERRED_LOC, start, size, loc);

	igt_assert_f(ret == 0, "SET_ATTR(vm %u, PREFERRED_LOC %s, %#" PRIx64 "+%#" PRIx64 "): %s\n",
		     vm, vgpu_loc_name(loc, name, sizeof(name)), start, size, strerror(-ret));
}

int __vgpu_prefetch(int fd, uint32_t vm, int32_t loc, uint64_t start, uint64_t size,
		    uint64_t *moved)
{
	struct drm_vgpu_prefetch args = { .vm_id = vm, .loc = loc, .start = start, .size = size };
	int ret = __vgpu_ioctl(fd, DRM_IOCTL_VGPU_PREFETCH, &args);

	if (!ret && moved)
		*moved = args.moved;
	return ret;
}

uint64_t vgpu_prefetch(int fd, uint32_t vm, int32_t loc, uint64_t start, uint64_t size)
{
	uint64_t moved = 0;
	char name[32];
	int ret = __vgpu_prefetch(fd, vm, loc, start, size, &moved);

	igt_assert_f(ret == 0, "PREFETCH(vm %u, to %s, %#" PRIx64 "+%#" PRIx64 "): %s\n", vm,
		     vgpu_loc_name(loc, name, sizeof(name)), start, size, strerror(-ret));
	return moved;
}

int __vgpu_evict(int fd, uint32_t vm, uint32_t flags, uint64_t start, uint64_t size,
		 uint64_t *evicted)
{
	struct drm_vgpu_evict args = { .vm_id = vm, .flags = flags, .start = start, .size = size };
	int ret = __vgpu_ioctl(fd, DRM_IOCTL_VGPU_EVICT, &args);

	if (!ret && evicted)
		*evicted = args.evicted;
	return ret;
}

uint64_t vgpu_evict(int fd, uint32_t vm, uint32_t flags, uint64_t start, uint64_t size)
{
	uint64_t evicted = 0;
	int ret = __vgpu_evict(fd, vm, flags, start, size, &evicted);

	igt_assert_f(ret == 0, "EVICT(vm %u, flags %#x, %#" PRIx64 "+%#" PRIx64 "): %s\n", vm,
		     flags, start, size, strerror(-ret));
	return evicted;
}

int __vgpu_query_pages(int fd, uint32_t vm, const void *start, size_t npages, uint32_t *pages)
{
	size_t page_size = (size_t)sysconf(_SC_PAGESIZE);

	for (size_t done = 0; done < npages;) {
		size_t n = npages - done < VGPU_QUERY_MAX_PAGES ? npages - done
							       : VGPU_QUERY_MAX_PAGES;
		struct drm_vgpu_query_pages args = {
			.vm_id = vm,
			.npages = (uint32_t)n,
			.start = (uintptr_t)start + done * page_size,
			.pages = (uintptr_t)(pages + done),
		};
		int ret = __vgpu_ioctl(fd, DRM_IOCTL_VGPU_QUERY_PAGES, &args);

		if (ret)
			return ret;
		done += n;
	}
	return npages ? 0 : -EINVAL;
}

void vgpu_query_pages(int fd, uint32_t vm, const void *start, size_t npages, uint32_t *pages)
{
	int ret = __vgpu_query_pages(fd, vm, start, npages, pages);

	igt_assert_f(ret == 0, "QUERY_PAGES(vm %u, %p, %zu pages): %s\n", vm, start, npages,
		     strerror(-ret));
}

int __vgpu_query_ranges(int fd, uint32_t vm, uint64_t start, uint64_t size,
			struct drm_vgpu_range *ranges, uint32_t *count)
{
	struct drm_vgpu_query_ranges args = {
		.vm_id = vm, .count = *count, .start = start, .size = size,
		.ranges = (uintptr_t)ranges,
	};
	int ret = __vgpu_ioctl(fd, DRM_IOCTL_VGPU_QUERY_RANGES, &args);

	if (!ret)
		*count = args.count;
	return ret;
}

/* Room for this many more than were there last time: ranges may come and go in between. */
#define RANGES_SLACK 16
#define RANGES_TRIES 8

int __vgpu_query_ranges_all(int fd, uint32_t vm, uint64_t start, uint64_t size,
			    struct drm_vgpu_range **out, uint32_t *num)
{
	uint32_t room = RANGES_SLACK;

	*out = NULL;
	*num = 0;
	for (int i = 0; i < RANGES_TRIES; i++) {
		struct drm_vgpu_range *r = calloc(room, sizeof(*r));
		uint32_t count = room;
		int ret;

		if (!r)
			return -ENOMEM;
		ret = __vgpu_query_ranges(fd, vm, start, size, r, &count);
		if (ret || count <= room) {
			if (ret || !count) {
				free(r);
				return ret;
			}
			*out = r;
			*num = count;
			return 0;
		}
		free(r);
		room = count + RANGES_SLACK;
	}
	return -EAGAIN;
}

int __vgpu_query_counters(int fd, uint32_t vm, struct drm_vgpu_counters *out)
{
	struct drm_vgpu_query_counters args = {
		.vm_id = vm, .size = sizeof(*out), .counters = (uintptr_t)out,
	};

	memset(out, 0, sizeof(*out));
	return __vgpu_ioctl(fd, DRM_IOCTL_VGPU_QUERY_COUNTERS, &args);
}

void vgpu_query_counters(int fd, uint32_t vm, struct drm_vgpu_counters *out)
{
	int ret = __vgpu_query_counters(fd, vm, out);

	igt_assert_f(ret == 0, "QUERY_COUNTERS(vm %u): %s\n", vm, strerror(-ret));
}

const char *vgpu_exec_op_name(uint32_t op)
{
	static const char *const names[] = {
		[VGPU_EXEC_READ] = "READ",
		[VGPU_EXEC_WRITE] = "WRITE",
		[VGPU_EXEC_COPY] = "COPY",
		[VGPU_EXEC_ATOMIC_INC] = "ATOMIC_INC",
	};

	return op < ARRAY_SIZE(names) ? names[op] : "unknown-op";
}

const char *vgpu_loc_name(int32_t loc, char *buf, size_t len)
{
	if (loc == VGPU_LOC_SYSTEM)
		snprintf(buf, len, "system");
	else if (loc == VGPU_LOC_FAULTING_TILE)
		snprintf(buf, len, "faulting-tile");
	else
		snprintf(buf, len, "tile %d", loc);
	return buf;
}

const char *vgpu_page_name(uint32_t page, char *buf, size_t len)
{
	uint32_t where = page & VGPU_PAGE_WHERE_MASK;
	int n;

	if (where == VGPU_PAGE_NONE)
		n = snprintf(buf, len, "none");
	else if (where == VGPU_PAGE_SYSTEM)
		n = snprintf(buf, len, "system");
	else if (where == VGPU_PAGE_TILE)
		n = snprintf(buf, len, "tile %u", VGPU_PAGE_TILE_OF(page));
	else
		n = snprintf(buf, len, "where=%#x", where);
	if (n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, "%s%s", page & VGPU_PAGE_WRITABLE ? " writable" : "",
			 page & VGPU_PAGE_HUGE ? " huge" : "");
	return buf;
}
