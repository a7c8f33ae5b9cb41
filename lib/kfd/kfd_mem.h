/* SPDX-License-Identifier: MIT */
/*
 * KFD buffer objects, allocated, mapped to the GPU(s) and CPU-mapped the
 * way libhsakmt does on a dGPU, at one address for both (GPU VA == CPU VA,
 * so a BO never collides with an SVM range or another mapping):
 *   - GTT: a VA reserved with a PROT_NONE mapping, ALLOC_MEMORY_OF_GPU
 *     there, then the render node mmapped over the reservation at the
 *     returned offset (KFD's GTT BOs are DRM GEM objects of the render
 *     node the GPU's VM was acquired from);
 *   - USERPTR: CPU pages (the caller's, or an anonymous mapping), their
 *     address both the VA and the mmap_offset input;
 *   - the doorbell slice: flags DOORBELL|WRITABLE|COHERENT, size
 *     roundup(8 KiB, page size), /dev/kfd mmapped at the doorbell offset
 *     CREATE_QUEUE returned, masked to the slice (IGT_KFD_DOORBELL_*);
 *   - the MMIO-remap (HDP flush) page: flags MMIO_REMAP|WRITABLE|COHERENT,
 *     one page, /dev/kfd mmapped at the returned offset.  The kernel
 *     refuses it with page size > 4K (ENOMEM at alloc, EINVAL at mmap):
 *     the errno is returned as is, for the test to judge.
 * Every BO is listed on its device, so kfd_device_close() frees it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kfd_device.h"

struct kfd_bo {
	struct kfd_bo *next;
	struct kfd_device *dev;
	struct kfd_gpu *gpu;		/* the GPU it was allocated on */
	uint64_t handle;
	uint64_t va;			/* GPU VA, and the CPU address when mapped */
	uint64_t size;
	uint32_t flags;			/* KFD_IOC_ALLOC_MEM_FLAGS_* */
	uint64_t mmap_offset;		/* as ALLOC_MEMORY_OF_GPU returned it */
	void *cpu;			/* CPU mapping at va, NULL if none */
	bool owns_va;			/* we mapped [va, va+size) and must unmap it */
	uint32_t n_mapped;		/* GPUs it is mapped on */
	uint32_t mapped[KFD_DEVICE_MAX_GPUS];
};

/* What queue buffers use: uncached, so CPU and SDMA see each other's writes. */
#define KFD_BO_FLAGS_QUEUE \
	(KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE | KFD_IOC_ALLOC_MEM_FLAGS_EXECUTABLE | \
	 KFD_IOC_ALLOC_MEM_FLAGS_UNCACHED)

/*
 * A GTT BO of @size (rounded up to the page size) on @gpu, with @flags
 * added to GTT, mapped to @gpu and CPU-mapped read/write.
 */
int __kfd_bo_gtt(struct kfd_gpu *gpu, struct kfd_device *dev, uint64_t size, uint32_t flags,
		 struct kfd_bo **out);
struct kfd_bo *kfd_bo_gtt(struct kfd_gpu *gpu, struct kfd_device *dev, uint64_t size,
			  uint32_t flags);
/*
 * A CPU-visible VRAM BO (PUBLIC: needs a large BAR or resizable BAR) of
 * @size (rounded up to the page size) on @gpu, mapped to @gpu and
 * CPU-mapped read/write through the render node.
 */
int __kfd_bo_vram(struct kfd_gpu *gpu, struct kfd_device *dev, uint64_t size, uint32_t flags,
		  struct kfd_bo **out);
/*
 * A USERPTR BO over @cpu (page aligned; NULL: fresh anonymous pages, freed
 * with the BO), mapped to @gpu.
 */
int __kfd_bo_userptr(struct kfd_gpu *gpu, struct kfd_device *dev, void *cpu, uint64_t size,
		     uint32_t flags, struct kfd_bo **out);
struct kfd_bo *kfd_bo_userptr(struct kfd_gpu *gpu, struct kfd_device *dev, void *cpu,
			      uint64_t size, uint32_t flags);

/* Also map @bo to the GPUs in @gpu_ids (already mapped ones are skipped). */
int __kfd_bo_map(struct kfd_bo *bo, const uint32_t *gpu_ids, uint32_t n);

/* Unmaps from every GPU, frees, unmaps the CPU side; always unlinks @bo. */
int __kfd_bo_free(struct kfd_bo *bo);

/* The process's doorbell slice of @gpu, CPU-mapped; at @doorbell_offset of CREATE_QUEUE. */
int __kfd_doorbells_map(struct kfd_gpu *gpu, struct kfd_device *dev, uint64_t doorbell_offset);
/* The doorbell slice's size for this page size. */
uint64_t kfd_doorbell_slice_size(uint64_t page_size);

/*
 * The /dev/kfd mmap offset of @gpu_id's MMIO remap page, as
 * ALLOC_MEMORY_OF_GPU returns it: KFD_MMAP_TYPE_MMIO (0 in bits 62-63) |
 * the gpu_id in bits 46-61 (kfd_priv.h's KFD_MMAP_GPU_ID).
 */
static inline uint64_t kfd_mmio_mmap_offset(uint32_t gpu_id)
{
	return ((uint64_t)gpu_id & 0xffff) << 46;
}

/* The HDP flush page of @gpu, CPU-mapped; -ENOMEM / -EINVAL above 4K pages. */
int __kfd_mmio_remap(struct kfd_gpu *gpu, struct kfd_device *dev, struct kfd_bo **out);
