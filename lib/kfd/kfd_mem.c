/* SPDX-License-Identifier: MIT */
/*
 * KFD BOs (see kfd_mem.h).  Kernel side: kfd_ioctl_alloc_memory_of_gpu()
 * (doorbell and MMIO sizes, mmap offsets), kfd_mmap() (doorbell, MMIO,
 * events); libhsakmt's fmm.c for the order alloc, CPU map, GPU map.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "igt_core.h"
#include "kfd_ioctl.h"
#include "kfd_mem.h"
#include "util.h"

static uint64_t round_up(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

uint64_t kfd_doorbell_slice_size(uint64_t page_size)
{
	return round_up(IGT_KFD_DOORBELL_SLICE_BYTES, page_size);
}

static struct kfd_bo *bo_new(struct kfd_gpu *gpu, struct kfd_device *dev, uint64_t size,
			     uint32_t flags)
{
	struct kfd_bo *bo = calloc(1, sizeof(*bo));

	if (!bo)
		return NULL;
	bo->dev = dev;
	bo->gpu = gpu;
	bo->size = size;
	bo->flags = flags;
	return bo;
}

static void bo_link(struct kfd_bo *bo)
{
	bo->next = bo->dev->bos;
	bo->dev->bos = bo;
}

static void bo_unlink(struct kfd_bo *bo)
{
	for (struct kfd_bo **p = &bo->dev->bos; *p; p = &(*p)->next)
		if (*p == bo) {
			*p = bo->next;
			return;
		}
}

/*
 * Everything set up so far, in reverse: GPU mappings, the KFD handle, the
 * CPU side.  Safe on a half-built BO (handle 0 = not allocated).
 */
static int bo_release(struct kfd_bo *bo)
{
	int ret = 0, err;

	if (bo->n_mapped) {
		err = __kfd_unmap_memory(bo->dev->fd, bo->handle, bo->mapped, bo->n_mapped, NULL);
		ret = ret ? ret : err;
	}
	if (bo->handle) {
		err = __kfd_free_memory(bo->dev->fd, bo->handle);
		ret = ret ? ret : err;
	}
	if (bo->owns_va && munmap((void *)(uintptr_t)bo->va, bo->size))
		ret = ret ? ret : -errno;
	free(bo);
	return ret;
}

int __kfd_bo_map(struct kfd_bo *bo, const uint32_t *gpu_ids, uint32_t n)
{
	uint32_t todo[KFD_DEVICE_MAX_GPUS], n_todo = 0, n_success = 0;
	int ret;

	for (uint32_t i = 0; i < n; i++) {
		bool known = false;

		for (uint32_t m = 0; m < bo->n_mapped; m++)
			known |= bo->mapped[m] == gpu_ids[i];
		if (!known && n_todo < ARRAY_SIZE(todo))
			todo[n_todo++] = gpu_ids[i];
	}
	if (!n_todo)
		return 0;
	ret = __kfd_map_memory(bo->dev->fd, bo->handle, todo, n_todo, &n_success);
	/* The kernel maps in array order: the first n_success took it. */
	for (uint32_t i = 0; i < n_success && i < n_todo; i++)
		bo->mapped[bo->n_mapped++] = todo[i];
	return ret;
}

/* A VA range nothing else will get: a PROT_NONE reservation, ours to unmap. */
static int reserve_va(struct kfd_bo *bo)
{
	void *p = mmap(NULL, bo->size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	bo->va = (uintptr_t)p;
	bo->owns_va = true;
	return 0;
}

/* USERPTR: @cpu's pages are the VA, or fresh anonymous ones when NULL. */
static int user_va(struct kfd_bo *bo, void *cpu)
{
	if (!cpu) {
		cpu = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
		if (cpu == MAP_FAILED)
			return -errno;
		bo->owns_va = true;
	}
	bo->va = (uintptr_t)cpu;
	bo->cpu = cpu;
	return 0;
}

/* @fd's @offset mapped over [bo->va, +size), replacing the reservation. */
static int cpu_map_fixed(struct kfd_bo *bo, int fd, uint64_t offset)
{
	void *p = mmap((void *)(uintptr_t)bo->va, bo->size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_FIXED, fd, (off_t)offset);

	if (p == MAP_FAILED)
		return -errno;
	bo->cpu = p;
	return 0;
}

/* Where a BO's VA and CPU mapping come from. */
struct bo_backing {
	void *user;			/* USERPTR: the pages (NULL: fresh anonymous ones) */
	int fd;				/* others: mapped over a VA reservation... */
	const uint64_t *offset;		/* ...at this offset, NULL: the one ALLOC returned */
};

/*
 * The one path of every BO, in libhsakmt's order: the VA, ALLOC_MEMORY_OF_GPU
 * there, the CPU mapping, the map to @gpu; then the device lists it.  On
 * failure whatever was done is undone (bo_release() takes a half-built BO).
 */
static int bo_create(struct kfd_gpu *gpu, struct kfd_device *dev, uint64_t size, uint32_t flags,
		     const struct bo_backing *how, struct kfd_bo **out)
{
	bool userptr = flags & KFD_IOC_ALLOC_MEM_FLAGS_USERPTR;
	struct kfd_bo *bo = bo_new(gpu, dev, size, flags);
	uint64_t offset;
	int ret;

	*out = NULL;
	if (!bo)
		return -ENOMEM;
	ret = userptr ? user_va(bo, how->user) : reserve_va(bo);
	if (ret)
		goto fail;
	/* USERPTR: the CPU address goes in mmap_offset; it is output only otherwise. */
	offset = userptr ? bo->va : 0;
	ret = __kfd_alloc_memory(dev->fd, gpu->gpu_id, bo->va, bo->size, bo->flags, &offset,
				 &bo->handle);
	if (ret)
		goto fail;
	bo->mmap_offset = offset;
	if (!userptr) {
		ret = cpu_map_fixed(bo, how->fd, how->offset ? *how->offset : offset);
		if (ret)
			goto fail;
	}
	ret = __kfd_bo_map(bo, &gpu->gpu_id, 1);
	if (ret)
		goto fail;
	bo_link(bo);
	*out = bo;
	return 0;
fail:
	bo_release(bo);
	return ret;
}

int __kfd_bo_gtt(struct kfd_gpu *gpu, struct kfd_device *dev, uint64_t size, uint32_t flags,
		 struct kfd_bo **out)
{
	/* GTT BOs are GEM objects of the render node: mapped at the offset ALLOC returned. */
	const struct bo_backing how = { .fd = gpu->render_fd };

	return bo_create(gpu, dev, round_up(size, dev->page_size),
			 flags | KFD_IOC_ALLOC_MEM_FLAGS_GTT, &how, out);
}

int __kfd_bo_vram(struct kfd_gpu *gpu, struct kfd_device *dev, uint64_t size, uint32_t flags,
		  struct kfd_bo **out)
{
	const struct bo_backing how = { .fd = gpu->render_fd };

	return bo_create(gpu, dev, round_up(size, dev->page_size),
			 flags | KFD_IOC_ALLOC_MEM_FLAGS_VRAM | KFD_IOC_ALLOC_MEM_FLAGS_PUBLIC, &how,
			 out);
}

struct kfd_bo *kfd_bo_gtt(struct kfd_gpu *gpu, struct kfd_device *dev, uint64_t size,
			  uint32_t flags)
{
	struct kfd_bo *bo;
	int ret = __kfd_bo_gtt(gpu, dev, size, flags, &bo);

	igt_assert_f(ret == 0, "GTT BO of %#" PRIx64 " bytes on gpu %#x: %s\n", size,
		     gpu->gpu_id, strerror(-ret));
	return bo;
}

int __kfd_bo_userptr(struct kfd_gpu *gpu, struct kfd_device *dev, void *cpu, uint64_t size,
		     uint32_t flags, struct kfd_bo **out)
{
	const struct bo_backing how = { .user = cpu };

	*out = NULL;
	if ((uintptr_t)cpu % dev->page_size)
		return -EINVAL;
	return bo_create(gpu, dev, round_up(size, dev->page_size),
			 flags | KFD_IOC_ALLOC_MEM_FLAGS_USERPTR, &how, out);
}

struct kfd_bo *kfd_bo_userptr(struct kfd_gpu *gpu, struct kfd_device *dev, void *cpu,
			      uint64_t size, uint32_t flags)
{
	struct kfd_bo *bo;
	int ret = __kfd_bo_userptr(gpu, dev, cpu, size, flags, &bo);

	igt_assert_f(ret == 0, "USERPTR BO of %#" PRIx64 " bytes on gpu %#x: %s\n", size,
		     gpu->gpu_id, strerror(-ret));
	return bo;
}

int __kfd_bo_free(struct kfd_bo *bo)
{
	bo_unlink(bo);
	return bo_release(bo);
}

int __kfd_doorbells_map(struct kfd_gpu *gpu, struct kfd_device *dev, uint64_t doorbell_offset)
{
	/* /dev/kfd at CREATE_QUEUE's doorbell offset, masked to the slice. */
	uint64_t offset = IGT_KFD_DOORBELL_MMAP_OFFSET(doorbell_offset);
	const struct bo_backing how = { .fd = dev->fd, .offset = &offset };

	if (gpu->doorbells)
		return 0;
	return bo_create(gpu, dev, kfd_doorbell_slice_size(dev->page_size),
			 KFD_IOC_ALLOC_MEM_FLAGS_DOORBELL | KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE |
			 KFD_IOC_ALLOC_MEM_FLAGS_COHERENT, &how, &gpu->doorbells);
}

int __kfd_mmio_remap(struct kfd_gpu *gpu, struct kfd_device *dev, struct kfd_bo **out)
{
	/* /dev/kfd at the offset ALLOC returned. */
	const struct bo_backing how = { .fd = dev->fd };

	return bo_create(gpu, dev, dev->page_size,
			 KFD_IOC_ALLOC_MEM_FLAGS_MMIO_REMAP | KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE |
			 KFD_IOC_ALLOC_MEM_FLAGS_COHERENT, &how, out);
}
