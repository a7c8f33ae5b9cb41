/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * vgpu: a virtual SVM GPU for the igt-svm suite.  A DRM render device on a
 * faux device; its engine runs on the CPU inside the kernel; its shared
 * virtual memory is the kernel's own drm_gpusvm (ranges, notifiers, page
 * collection) and drm_pagemap (device-private memory, migration, eviction),
 * used the way a real driver uses them.  The uAPI is include/uapi/vgpu_drm.h.
 *
 * Locking, outermost first:
 *   vm->lock (mutex)          the gpusvm driver lock: ranges are created,
 *                             found and removed under it; a job holds it
 *                             while it runs, so jobs of a VM are serial;
 *   mmap lock                 taken by drm_gpusvm/drm_pagemap themselves;
 *   gpusvm notifier_lock      held for write around vgpu_invalidate(); the
 *                             engine and the page-table writers hold it for
 *                             read, so an invalidation waits for an access
 *                             in flight, as a GPU's TLB flush waits for the
 *                             engine: no access ever uses a page the CPU
 *                             side has given up;
 *   tile->lock (spinlock)     the tile's allocator and allocation list.
 * Nothing allocates under notifier_lock (drm_gpusvm primes lockdep to
 * treat it as taken under reclaim).
 */
#ifndef VGPU_DRV_H
#define VGPU_DRV_H

#include <linux/list.h>
#include <linux/memremap.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_gpusvm.h>
#include <drm/drm_pagemap.h>

#include "vgpu_drm.h"

struct faux_device;
struct vgpu_device;

/* The bug knobs (vgpu_drv.c): driver-side mistakes on real framework paths. */
/* drm_gpusvm's chunk sizes (vgpu_vm.c), largest first; DEVICE_QUERY reports them. */
extern const unsigned long vgpu_chunk_sizes[];
extern const unsigned int vgpu_num_chunk_sizes;

extern bool vgpu_bug_no_zap;
extern bool vgpu_bug_mixed_passthrough;
extern bool vgpu_bug_no_rebuild;

/* One tile's device memory: device-private pages backed by vmalloc'ed store. */
struct vgpu_tile {
	struct vgpu_device *vdev;
	unsigned int id;
	unsigned int global_id;		/* nonzero, unique across devices: in device addresses */
	struct dev_pagemap pgmap;
	struct drm_pagemap dpagemap;
	unsigned long pfn_first;
	unsigned long npages;
	u8 *backing;			/* npages pages of contents */
	spinlock_t lock;		/* used, bos */
	unsigned long *used;		/* bitmap of allocated pages */
	struct list_head bos;		/* live allocations, oldest first */
	struct mutex pm_lock;		/* (re)activation of dpagemap */
	bool pm_initialized;
	struct completion pm_destroyed;
};

/* One device-memory allocation: a naturally aligned run of pages in a tile. */
struct vgpu_bo {
	struct drm_pagemap_devmem devmem;
	struct vgpu_tile *tile;
	struct kref ref;
	struct list_head link;		/* tile->bos */
	unsigned long first;		/* first page index in the tile */
	unsigned long npages;
	bool ready;			/* migrated in: may be chosen for eviction */
};

/* Device-wide migration counts (the VM reports its share, see vm->base). */
struct vgpu_dev_counters {
	atomic64_t pages_to_devmem;
	atomic64_t pages_to_ram;
	atomic64_t copy_refusals;	/* copies whose system side was not system memory */
	atomic64_t evictions;		/* allocations evicted to make room in a full tile */
};

struct vgpu_device {
	struct drm_device drm;
	struct faux_device *fdev;
	unsigned int index;
	unsigned int num_tiles;
	struct vgpu_tile tiles[VGPU_MAX_TILES];
	struct vgpu_dev_counters counters;
};

static inline struct vgpu_device *to_vgpu_device(struct drm_device *drm)
{
	return container_of(drm, struct vgpu_device, drm);
}

/*
 * The device page table entry of one page: a device address and flags.
 * For system memory the address is the page's DMA address; for device
 * memory it is a device address (vgpu_devaddr()).
 */
#define VGPU_PTE_VALID		BIT_ULL(0)
#define VGPU_PTE_WRITE		BIT_ULL(1)
#define VGPU_PTE_HUGE		BIT_ULL(2)
#define VGPU_PTE_DEVMEM		BIT_ULL(3)
#define VGPU_PTE_ADDR_MASK	PAGE_MASK

/* A device address: the tile's global id in the top byte, the page's offset below. */
#define VGPU_DEVADDR_SHIFT	48
static inline u64 vgpu_devaddr(const struct vgpu_tile *tile, unsigned long index)
{
	return ((u64)tile->global_id << VGPU_DEVADDR_SHIFT) | ((u64)index << PAGE_SHIFT);
}

struct vgpu_range {
	struct drm_gpusvm_range base;
	struct drm_gpusvm_pages pages;
	struct list_head gc_link;	/* vm->gc_list, under vm->gc_lock */
	u64 *pt;			/* the device page table of this range, one entry per page */
	struct page **pinned;		/* bug_no_zap: system pages a stale entry may still use */
	unsigned long npages;
	bool vma_read_only;		/* mapped read-only because its VMA is */
	bool dead;			/* being removed: the notifier must not queue it again */
};

static inline struct vgpu_range *to_vgpu_range(struct drm_gpusvm_range *r)
{
	return container_of(r, struct vgpu_range, base);
}

/* The device page table entry of @addr in @vr, 0 before it has a table (notifier lock held). */
static inline u64 vgpu_pte_at(struct vgpu_range *vr, unsigned long addr)
{
	return vr->pt ? vr->pt[(addr - drm_gpusvm_range_start(&vr->base)) >> PAGE_SHIFT] : 0;
}

struct vgpu_region {
	struct list_head link;
	unsigned long start, end;
	bool built;			/* IOCTL mode: mapped once by BIND */
};

struct vgpu_attr {
	struct list_head link;
	unsigned long start, end;
	int loc;
};

struct vgpu_vm_counters {
	atomic64_t faults, ranges_created, ranges_removed, invalidations, evictions;
	atomic64_t gc_runs, revalidations, mixed_retries, migrate_failures;
};

struct vgpu_vm {
	struct vgpu_device *vdev;
	struct drm_gpusvm gpusvm;
	struct mutex lock;
	u32 id;
	u32 mode;
	struct kref ref;
	struct list_head regions;	/* under lock */
	struct list_head attrs;		/* under lock */
	spinlock_t gc_lock;
	struct list_head gc_list;
	struct work_struct gc_work;
	bool closed;			/* vgpu_vm_close() ran: every operation is -ENOENT */
	bool stale;			/* IOCTL mode: something was invalidated since the last revalidation */
	struct workqueue_struct *wq;	/* async jobs, in order */
	u64 fence_context;
	atomic64_t fence_seqno;
	struct vgpu_vm_counters counters;
	s64 base_to_devmem, base_to_ram, base_evictions;	/* device counters when the VM was made */
	bool pagemaps_held[VGPU_MAX_TILES];
};

struct vgpu_file {
	struct xarray vms;		/* id -> struct vgpu_vm * */
	u32 next_id;
};

/* vgpu_vram.c */
int vgpu_tile_init(struct vgpu_tile *tile, struct vgpu_device *vdev, unsigned int id, u64 size);
void vgpu_tile_fini(struct vgpu_tile *tile);
int vgpu_tile_pagemap_get(struct vgpu_tile *tile);
struct vgpu_tile *vgpu_page_tile(struct page *page);
void *vgpu_tile_page_ptr(struct vgpu_tile *tile, struct page *page);
void *vgpu_devaddr_ptr(u64 addr);
void *vgpu_sysaddr_ptr(struct device *dev, dma_addr_t addr);
long vgpu_tile_evict_mm(struct vgpu_tile *tile, struct mm_struct *mm);

/* vgpu_vm.c */
struct vgpu_vm *vgpu_vm_create(struct vgpu_device *vdev, u32 mode);
void vgpu_vm_put(struct vgpu_vm *vm);
void vgpu_vm_close(struct vgpu_vm *vm);
int vgpu_vm_lock_live(struct vgpu_vm *vm);
void vgpu_vm_gc(struct vgpu_vm *vm);
struct vgpu_region *vgpu_region_find(struct vgpu_vm *vm, unsigned long addr);
int vgpu_region_map(struct vgpu_vm *vm, unsigned long start, unsigned long end);
int vgpu_region_unmap(struct vgpu_vm *vm, unsigned long start, unsigned long end);
int vgpu_attr_set(struct vgpu_vm *vm, unsigned long start, unsigned long end, int loc);
int vgpu_attr_loc(struct vgpu_vm *vm, unsigned long addr);
void vgpu_pt_zap(struct vgpu_range *vr);
void vgpu_range_remove_now(struct vgpu_vm *vm, struct drm_gpusvm_range *range);
struct vgpu_range *vgpu_range_lookup(struct vgpu_vm *vm, unsigned long addr);

/* vgpu_fault.c */
#define VGPU_LOC_NONE	(-3)	/* no migration wanted: map where the pages are */
int vgpu_map_at(struct vgpu_vm *vm, struct vgpu_region *reg, unsigned long addr,
		bool write, int loc, unsigned long *end);
int vgpu_map_writable(struct vgpu_vm *vm, struct vgpu_region *reg, unsigned long addr,
		      int loc, unsigned long *end);
int vgpu_handle_fault(struct vgpu_vm *vm, unsigned int tile, unsigned long addr, bool write);
int vgpu_revalidate(struct vgpu_vm *vm);
int vgpu_region_build(struct vgpu_vm *vm, unsigned long start);
int vgpu_prefetch(struct vgpu_vm *vm, unsigned long start, unsigned long end, int loc, u64 *moved);
int vgpu_evict_range(struct vgpu_vm *vm, unsigned long start, unsigned long end);

/* vgpu_engine.c */
int vgpu_engine_access(struct vgpu_vm *vm, unsigned int tile, unsigned long addr,
		       void *buf, size_t len, bool write);
int vgpu_engine_atomic_inc(struct vgpu_vm *vm, unsigned int tile, unsigned long addr, u32 *old);
int vgpu_engine_prepare(struct vgpu_vm *vm);

/* vgpu_snapshot.c */
int vgpu_snapshot(struct vgpu_vm *vm, unsigned long start, u32 npages, u32 *out);

/* vgpu_ioctl.c */
#define VGPU_NUM_IOCTLS (DRM_VGPU_QUERY_COUNTERS + 1)
extern const struct drm_ioctl_desc vgpu_ioctls[VGPU_NUM_IOCTLS];

#endif /* VGPU_DRV_H */
