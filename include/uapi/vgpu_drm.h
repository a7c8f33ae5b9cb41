/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * vgpu_drm.h: the uAPI of the suite's virtual SVM GPU (kmod/vgpu), a DRM
 * render device whose engine runs on the CPU inside the kernel and whose
 * memory management is the kernel's own drm_gpusvm and drm_pagemap.
 *
 * This header is the one definition: the module includes it and so do the
 * tests (lib/vgpu).  Every struct has explicit padding, is a multiple of 8
 * bytes and has the same layout on 32- and 64-bit user space; pad and
 * reserved fields must be zero (-EINVAL otherwise), unknown flags are
 * -EINVAL, so that later versions can give them a meaning.
 *
 * Model.  A device has 1..4 tiles; each tile has its own device memory
 * (a drm_pagemap over device-private pages), and the tiles of one device
 * share one owner, so a tile reaches its sibling's memory directly; two
 * devices never share an owner, so a page in one device's memory is moved
 * back to system memory before the other device can map it.  A VM
 * (VGPU_VM_CREATE) mirrors the calling process's address space; the device
 * may touch only what a BIND of op MAP has declared.  Addresses are CPU
 * virtual addresses (the device's VA equals the CPU's).
 *
 * Two modes, chosen at VM creation:
 * - FAULT: nothing is mapped up front; an engine access to a page without
 *   a valid translation runs the driver's fault handler, which creates a
 *   range (2M, 64K or 4K chunk), migrates it to its preferred location and
 *   maps its pages; counters.faults counts these.
 * - IOCTL: the device never faults.  BIND maps every page of the bound
 *   region that has a VMA, and before each job the driver revalidates what
 *   the CPU side invalidated since (ranges rebuilt after a partial munmap,
 *   pages mapped again after an mprotect or a migration) -- the model of a
 *   GPU without retry faults (amdgpu with XNACK off).  A job that still
 *   finds no translation fails with -EFAULT, as a fatal GPU page fault.
 *
 * Errors of a job, as the svm_dev contract wants them: -EFAULT when the
 * CPU's mapping forbids the access (no VMA, PROT_NONE, outside every MAP
 * bind), -EPERM for a write into a VMA without PROT_WRITE; anything else
 * is a failure of the driver.
 */
#ifndef VGPU_DRM_H
#define VGPU_DRM_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <drm/drm.h>
#else
#include <stdint.h>
#include "igt_svm_drm_base.h"
#endif

#define VGPU_DRIVER_NAME "vgpu"

/* Driver ioctls, after DRM_COMMAND_BASE. */
#define DRM_VGPU_DEVICE_QUERY	0x00
#define DRM_VGPU_VM_CREATE	0x01
#define DRM_VGPU_VM_DESTROY	0x02
#define DRM_VGPU_BIND		0x03
#define DRM_VGPU_EXEC		0x04
#define DRM_VGPU_SET_ATTR	0x05
#define DRM_VGPU_PREFETCH	0x06
#define DRM_VGPU_EVICT		0x07
#define DRM_VGPU_QUERY_PAGES	0x08
#define DRM_VGPU_QUERY_RANGES	0x09
#define DRM_VGPU_QUERY_COUNTERS	0x0a

#define VGPU_MAX_TILES		4
#define VGPU_MAX_CHUNKS		4

/* DEVICE_QUERY: the device's topology, as the module parameters made it. */
struct drm_vgpu_device_query {
	__u32 device_index;	/* out: 0 for the first vgpu device */
	__u32 num_tiles;	/* out */
	__u64 vram_per_tile;	/* out: bytes of device memory per tile */
	__u64 page_size;	/* out: the kernel's PAGE_SIZE */
	__u32 num_chunks;	/* out: entries of chunk_sizes used */
	__u32 pad;
	__u64 chunk_sizes[VGPU_MAX_CHUNKS];	/* out: largest first */
};

/* VM_CREATE: a VM mirroring the caller's mm. */
#define VGPU_VM_MODE_FAULT	0
#define VGPU_VM_MODE_IOCTL	1
struct drm_vgpu_vm_create {
	__u32 mode;		/* VGPU_VM_MODE_* */
	__u32 vm_id;		/* out: nonzero */
};

struct drm_vgpu_vm_destroy {
	__u32 vm_id;
	__u32 pad;
};

/*
 * BIND: MAP declares [start, start + size) device-accessible (a region of
 * its own: it may not overlap another one, -EEXIST); UNMAP removes exactly
 * one region made by MAP (-ENOENT otherwise) and everything the device had
 * mapped in it.  Page aligned, size > 0.
 */
#define VGPU_BIND_MAP		0
#define VGPU_BIND_UNMAP		1
struct drm_vgpu_bind {
	__u32 vm_id;
	__u32 op;
	__u64 start;
	__u64 size;
};

/*
 * EXEC: one engine job, run by the engine of @tile.
 *   READ:       the device reads [addr, addr + size) into the user buffer @data.
 *   WRITE:      the device writes @size bytes of the user buffer @data to @addr.
 *   COPY:       the device copies [src, src + size) to [addr, addr + size)
 *               (overlap allowed: as memmove).
 *   ATOMIC_INC: the device adds 1 to the u32 at @addr (4-byte aligned,
 *               size 4), atomically with respect to CPU atomics on it;
 *               @value receives the old value.
 * Any byte address and size (size <= VGPU_EXEC_MAX_SIZE).  Without
 * VGPU_EXEC_ASYNC the ioctl returns when the job is complete and visible
 * to the CPU, with the job's error.  With it (WRITE, COPY and ATOMIC_INC;
 * READ is -EINVAL) the ioctl returns at once with @fence_fd, a sync_file
 * that signals when the job completed: its status (SYNC_IOC_FILE_INFO) is
 * 1 on success or the job's -errno.  Jobs of one VM run one at a time, in
 * submission order.
 */
#define VGPU_EXEC_READ		0
#define VGPU_EXEC_WRITE		1
#define VGPU_EXEC_COPY		2
#define VGPU_EXEC_ATOMIC_INC	3
#define VGPU_EXEC_ASYNC		(1u << 0)
#define VGPU_EXEC_MAX_SIZE	(256ull << 20)
struct drm_vgpu_exec {
	__u32 vm_id;
	__u32 op;		/* VGPU_EXEC_* */
	__u32 flags;		/* VGPU_EXEC_ASYNC */
	__u32 tile;		/* which tile's engine runs the job */
	__u64 addr;
	__u64 src;		/* COPY only, else 0 */
	__u64 size;
	__u64 data;		/* READ/WRITE: user buffer of @size bytes, else 0 */
	__u64 value;		/* out: ATOMIC_INC's old value */
	__s32 fence_fd;		/* out: with VGPU_EXEC_ASYNC */
	__u32 pad;
};

/*
 * Locations, for SET_ATTR and PREFETCH: VGPU_LOC_SYSTEM, VGPU_LOC_FAULTING_TILE
 * (the device memory of the tile whose engine touches the range; PREFETCH
 * takes tile 0 for it), or a tile index 0..num_tiles-1.
 */
#define VGPU_LOC_SYSTEM		(-1)
#define VGPU_LOC_FAULTING_TILE	(-2)

/*
 * SET_ATTR: PREFERRED_LOC over [start, start + size) (page aligned).  It
 * moves nothing by itself; the next time the driver maps the range (a
 * fault, or an IOCTL-mode revalidation) it migrates the range there first.
 * Attributes live apart from ranges and stay until set again or until the
 * region they lie in is unbound.
 */
#define VGPU_ATTR_PREFERRED_LOC	0
struct drm_vgpu_set_attr {
	__u32 vm_id;
	__u32 attr;
	__u64 start;
	__u64 size;
	__s32 value;
	__u32 pad;
};

/*
 * PREFETCH: make every page of [start, start + size) that has a VMA
 * resident at @loc and mapped, now.  The range must lie inside one region
 * bound by MAP (-EINVAL otherwise).  Pages that device memory cannot
 * hold (file-backed, shared, hugetlb) stay in system memory and are still
 * mapped; @moved receives how many pages ended up at @loc.
 */
struct drm_vgpu_prefetch {
	__u32 vm_id;
	__s32 loc;
	__u64 start;
	__u64 size;
	__u64 moved;		/* out */
};

/*
 * EVICT: move the device-memory pages of [start, start + size) back to
 * system memory, through the same path memory pressure takes (the range's
 * mappings are invalidated and rebuilt on next use).  With
 * VGPU_EVICT_ALL the range is ignored (0, 0) and every device-memory
 * allocation of this device that belongs to the caller's mm is evicted.
 */
#define VGPU_EVICT_ALL		(1u << 0)
struct drm_vgpu_evict {
	__u32 vm_id;
	__u32 flags;
	__u64 start;
	__u64 size;
	__u64 evicted;		/* out: pages moved back */
};

/*
 * QUERY_PAGES: per page of [start, start + npages pages), where the
 * device's translation points, read from the device's page table without
 * faulting anything in (npages <= VGPU_QUERY_MAX_PAGES).  @pages is a user
 * array of npages __u32, each VGPU_PAGE_* bits.  A page the device has no
 * translation of is VGPU_PAGE_NONE, or, when the CPU's page table has it,
 * VGPU_PAGE_RESIDENT with where it lives (SYSTEM, or TILE for this
 * device's memory) and no permission bits.
 */
#define VGPU_QUERY_MAX_PAGES	(1u << 20)
#define VGPU_PAGE_WHERE_MASK	0xffu
#define  VGPU_PAGE_NONE		0	/* no translation */
#define  VGPU_PAGE_SYSTEM	1	/* system memory */
#define  VGPU_PAGE_TILE		2	/* device memory of tile VGPU_PAGE_TILE_OF() */
#define VGPU_PAGE_TILE_SHIFT	8
#define VGPU_PAGE_TILE_OF(p)	(((p) >> VGPU_PAGE_TILE_SHIFT) & 0xffu)
#define VGPU_PAGE_WRITABLE	(1u << 16)
#define VGPU_PAGE_HUGE		(1u << 17)	/* part of a 2M (PMD-size) mapping */
#define VGPU_PAGE_RESIDENT	(1u << 18)	/* no device translation: where the CPU's page table has it */
struct drm_vgpu_query_pages {
	__u32 vm_id;
	__u32 npages;
	__u64 start;
	__u64 pages;
};

/*
 * QUERY_RANGES: the drm_gpusvm ranges of the VM that intersect
 * [start, start + size), in address order.  @count in: entries @ranges
 * has room for; out: how many ranges there are (more than the room: only
 * the first ones were written; call again).
 */
#define VGPU_RANGE_UNMAPPED	(1u << 0)	/* the CPU unmapped (part of) it; not collected yet */
#define VGPU_RANGE_PARTIAL	(1u << 1)	/* only part of it was unmapped */
#define VGPU_RANGE_DEVMEM	(1u << 2)	/* its pages are in device memory */
#define VGPU_RANGE_MAPPED	(1u << 3)	/* the device has a valid translation */
#define VGPU_RANGE_MIGRATABLE	(1u << 4)	/* the framework allows device memory for it */
struct drm_vgpu_range {
	__u64 start;
	__u64 size;
	__u32 flags;		/* VGPU_RANGE_* */
	__u32 pad;
};
struct drm_vgpu_query_ranges {
	__u32 vm_id;
	__u32 count;
	__u64 start;
	__u64 size;
	__u64 ranges;		/* user array of struct drm_vgpu_range */
};

/*
 * QUERY_COUNTERS: running counts of what the driver did for the VM since
 * it was created.  pages_to_devmem and pages_to_ram are the device's
 * migrations while the VM existed (a page's copy does not know its VM):
 * with one VM at a time on a device they are that VM's.  @size in: sizeof(struct drm_vgpu_counters) as the caller
 * knows it; out: as the driver knows it; min of the two is copied.
 */
struct drm_vgpu_counters {
	__u64 faults;		/* device faults handled (FAULT mode) */
	__u64 ranges_created;
	__u64 ranges_removed;
	__u64 pages_to_devmem;	/* pages migrated system -> device memory */
	__u64 pages_to_ram;	/* pages copied device memory -> system memory */
	__u64 invalidations;	/* notifier invalidations that hit a range */
	__u64 evictions;	/* ranges or allocations evicted by the driver */
	__u64 gc_runs;		/* garbage-collector passes that removed ranges */
	__u64 revalidations;	/* IOCTL mode: ranges mapped again before a job */
	__u64 mixed_retries;	/* get_pages found more than one pagemap: evicted, retried */
	__u64 migrate_failures;	/* migrations to device memory that failed (data stayed) */
};
struct drm_vgpu_query_counters {
	__u32 vm_id;
	__u32 size;
	__u64 counters;		/* user pointer to struct drm_vgpu_counters */
};

#define DRM_IOCTL_VGPU_DEVICE_QUERY	DRM_IOWR(DRM_COMMAND_BASE + DRM_VGPU_DEVICE_QUERY, struct drm_vgpu_device_query)
#define DRM_IOCTL_VGPU_VM_CREATE	DRM_IOWR(DRM_COMMAND_BASE + DRM_VGPU_VM_CREATE, struct drm_vgpu_vm_create)
#define DRM_IOCTL_VGPU_VM_DESTROY	DRM_IOW(DRM_COMMAND_BASE + DRM_VGPU_VM_DESTROY, struct drm_vgpu_vm_destroy)
#define DRM_IOCTL_VGPU_BIND		DRM_IOW(DRM_COMMAND_BASE + DRM_VGPU_BIND, struct drm_vgpu_bind)
#define DRM_IOCTL_VGPU_EXEC		DRM_IOWR(DRM_COMMAND_BASE + DRM_VGPU_EXEC, struct drm_vgpu_exec)
#define DRM_IOCTL_VGPU_SET_ATTR		DRM_IOW(DRM_COMMAND_BASE + DRM_VGPU_SET_ATTR, struct drm_vgpu_set_attr)
#define DRM_IOCTL_VGPU_PREFETCH		DRM_IOWR(DRM_COMMAND_BASE + DRM_VGPU_PREFETCH, struct drm_vgpu_prefetch)
#define DRM_IOCTL_VGPU_EVICT		DRM_IOWR(DRM_COMMAND_BASE + DRM_VGPU_EVICT, struct drm_vgpu_evict)
#define DRM_IOCTL_VGPU_QUERY_PAGES	DRM_IOW(DRM_COMMAND_BASE + DRM_VGPU_QUERY_PAGES, struct drm_vgpu_query_pages)
#define DRM_IOCTL_VGPU_QUERY_RANGES	DRM_IOWR(DRM_COMMAND_BASE + DRM_VGPU_QUERY_RANGES, struct drm_vgpu_query_ranges)
#define DRM_IOCTL_VGPU_QUERY_COUNTERS	DRM_IOWR(DRM_COMMAND_BASE + DRM_VGPU_QUERY_COUNTERS, struct drm_vgpu_query_counters)

#endif /* VGPU_DRM_H */
