// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Device memory of a vgpu tile: device-private struct pages (ZONE_DEVICE)
 * whose contents live in a vmalloc'ed store, handed to drm_pagemap, which
 * then owns migration and the pages' CPU faults.  Allocations are
 * naturally aligned runs (a 2M range gets 512 contiguous pages, so a THP
 * can migrate as one folio), evicted oldest first when the tile is full.
 */
#include <linux/bitmap.h>
#include <linux/dma-direct.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <drm/drm_print.h>

#include "vgpu_drv.h"

/* Global ids of tiles, for decoding device addresses: [global_id - 1]. */
static struct vgpu_tile *vgpu_tiles_by_id[4 * VGPU_MAX_TILES];

static struct vgpu_tile *to_tile(struct drm_pagemap *dpagemap)
{
	return container_of(dpagemap, struct vgpu_tile, dpagemap);
}

struct vgpu_tile *vgpu_page_tile(struct page *page)
{
	return container_of(page_pgmap(page), struct vgpu_tile, pgmap);
}

void *vgpu_tile_page_ptr(struct vgpu_tile *tile, struct page *page)
{
	unsigned long index = page_to_pfn(page) - tile->pfn_first;

	return tile->backing + (index << PAGE_SHIFT);
}

/* The store behind a device address of ours; NULL if it is none. */
void *vgpu_devaddr_ptr(u64 addr)
{
	unsigned int gid = addr >> VGPU_DEVADDR_SHIFT;
	u64 offset = addr & (BIT_ULL(VGPU_DEVADDR_SHIFT) - 1);
	struct vgpu_tile *tile;

	if (!gid || gid > ARRAY_SIZE(vgpu_tiles_by_id))
		return NULL;
	tile = vgpu_tiles_by_id[gid - 1];
	if (!tile || offset >= (u64)tile->npages << PAGE_SHIFT)
		return NULL;
	return tile->backing + offset;
}

/* The CPU's view of a system-memory DMA address (dma-direct: no IOMMU). */
void *vgpu_sysaddr_ptr(struct device *dev, dma_addr_t addr)
{
	return phys_to_virt(dma_to_phys(dev, addr));
}

static void vgpu_bo_free(struct kref *ref)
{
	kfree(container_of(ref, struct vgpu_bo, ref));
}

/*
 * drm_pagemap calls this when no page of the allocation is in use any
 * more (or when a migration failed before any page was).
 */
static void vgpu_devmem_release(struct drm_pagemap_devmem *devmem)
{
	struct vgpu_bo *bo = container_of(devmem, struct vgpu_bo, devmem);
	struct vgpu_tile *tile = bo->tile;

	spin_lock(&tile->lock);
	bitmap_clear(tile->used, bo->first, bo->npages);
	list_del_init(&bo->link);
	spin_unlock(&tile->lock);
	kref_put(&bo->ref, vgpu_bo_free);
}

static int vgpu_populate_devmem_pfn(struct drm_pagemap_devmem *devmem,
				    unsigned long npages, unsigned long *pfn)
{
	struct vgpu_bo *bo = container_of(devmem, struct vgpu_bo, devmem);
	unsigned long i;

	if (npages > bo->npages)
		return -EINVAL;
	for (i = 0; i < npages; i++)
		pfn[i] = bo->tile->pfn_first + bo->first + i;
	return 0;
}

/*
 * The two copies of a migration.  The device-memory side is @pages; the
 * other side is system memory, given by DMA addresses, as on a real GPU
 * whose copy engine reaches system memory through its DMA mapping.  An
 * address of another protocol (a device address) is refused: this copy
 * engine has no path from device memory to device memory, like a driver
 * whose copy_to_ram expects system pages.
 */
static int vgpu_copy(struct page **pages, struct drm_pagemap_addr *addrs,
		     unsigned long npages, bool to_ram)
{
	struct vgpu_dev_counters *counters = NULL;
	unsigned long i, n;

	for (i = 0; i < npages; i += n) {
		struct vgpu_tile *tile;
		void *dev_ptr, *sys_ptr;

		n = 1;
		if (!pages[i])
			continue;
		n = 1ul << addrs[i].order;
		if (i + n > npages)
			return -EINVAL;
		tile = vgpu_page_tile(pages[i]);
		counters = &tile->vdev->counters;
		if (addrs[i].addr && addrs[i].proto != DRM_INTERCONNECT_SYSTEM) {
			atomic64_inc(&counters->copy_refusals);
			drm_dbg(&tile->vdev->drm,
				"copy %s: the system side is a device address (protocol %u): refused\n",
				to_ram ? "to ram" : "to device memory", (unsigned int)addrs[i].proto);
			return -EINVAL;
		}
		dev_ptr = vgpu_tile_page_ptr(tile, pages[i]);
		if (!to_ram && !addrs[i].addr) {
			/*
			 * No source page (never touched): device memory reads as
			 * zero.  Its order is the destination folio's (an empty
			 * THP-sized source gets a device THP; no address, no order).
			 */
			n = folio_nr_pages(page_folio(pages[i]));
			if (i + n > npages)
				return -EINVAL;
			memset(dev_ptr, 0, n << PAGE_SHIFT);
			atomic64_add(n, &counters->pages_to_devmem);
			continue;
		}
		sys_ptr = vgpu_sysaddr_ptr(tile->vdev->drm.dev, addrs[i].addr);
		if (to_ram)
			memcpy(sys_ptr, dev_ptr, n << PAGE_SHIFT);
		else
			memcpy(dev_ptr, sys_ptr, n << PAGE_SHIFT);
		atomic64_add(n, to_ram ? &counters->pages_to_ram : &counters->pages_to_devmem);
	}
	return 0;
}

static int vgpu_copy_to_devmem(struct page **pages, struct drm_pagemap_addr *addrs,
			       unsigned long npages, struct dma_fence *pre_migrate_fence)
{
	return vgpu_copy(pages, addrs, npages, false);
}

static int vgpu_copy_to_ram(struct page **pages, struct drm_pagemap_addr *addrs,
			    unsigned long npages, struct dma_fence *pre_migrate_fence)
{
	return vgpu_copy(pages, addrs, npages, true);
}

static const struct drm_pagemap_devmem_ops vgpu_devmem_ops = {
	.devmem_release = vgpu_devmem_release,
	.populate_devmem_pfn = vgpu_populate_devmem_pfn,
	.copy_to_devmem = vgpu_copy_to_devmem,
	.copy_to_ram = vgpu_copy_to_ram,
};

/* Takes a reference on the oldest evictable allocation (of @mm; NULL: of anyone). */
static struct vgpu_bo *vgpu_bo_oldest(struct vgpu_tile *tile, struct mm_struct *mm)
{
	struct vgpu_bo *bo, *found = NULL;

	spin_lock(&tile->lock);
	list_for_each_entry(bo, &tile->bos, link) {
		if (bo->ready && (!mm || bo->devmem.mm == mm) && kref_get_unless_zero(&bo->ref)) {
			found = bo;
			break;
		}
	}
	spin_unlock(&tile->lock);
	return found;
}

/* Reserves a naturally aligned run of @npages pages; -ENOSPC when none is free. */
static int vgpu_tile_reserve(struct vgpu_tile *tile, unsigned long npages, unsigned long *first)
{
	unsigned long start;

	spin_lock(&tile->lock);
	start = bitmap_find_next_zero_area(tile->used, tile->npages, 0, npages,
					   roundup_pow_of_two(npages) - 1);
	if (start < tile->npages)
		bitmap_set(tile->used, start, npages);
	spin_unlock(&tile->lock);
	if (start >= tile->npages)
		return -ENOSPC;
	*first = start;
	return 0;
}

/* Evicts allocations of @tile until @npages fit, at most a few times. */
static int vgpu_tile_make_room(struct vgpu_tile *tile, unsigned long npages, unsigned long *first)
{
	int tries;

	for (tries = 0; tries < 8; tries++) {
		struct vgpu_bo *victim;

		if (!vgpu_tile_reserve(tile, npages, first))
			return 0;
		victim = vgpu_bo_oldest(tile, NULL);
		if (!victim)
			return -ENOSPC;
		/* No mmap lock needed: eviction goes by device pfn. */
		atomic64_inc(&tile->vdev->counters.evictions);
		drm_pagemap_evict_to_ram(&victim->devmem);
		kref_put(&victim->ref, vgpu_bo_free);
	}
	return vgpu_tile_reserve(tile, npages, first);
}

/* drm_pagemap_ops.populate_mm: migrate [start, end) of @mm into this tile. */
static int vgpu_populate_mm(struct drm_pagemap *dpagemap, unsigned long start,
			    unsigned long end, struct mm_struct *mm, unsigned long timeslice_ms)
{
	struct drm_pagemap_migrate_details details = { .timeslice_ms = timeslice_ms };
	struct vgpu_tile *tile = to_tile(dpagemap);
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	struct vgpu_bo *bo;
	int err;

	if (!npages || npages > tile->npages)
		return -EINVAL;
	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return -ENOMEM;
	err = vgpu_tile_make_room(tile, npages, &bo->first);
	if (err) {
		kfree(bo);
		return err;
	}
	bo->tile = tile;
	bo->npages = npages;
	kref_init(&bo->ref);
	spin_lock(&tile->lock);
	list_add_tail(&bo->link, &tile->bos);
	spin_unlock(&tile->lock);

	drm_pagemap_devmem_init(&bo->devmem, tile->vdev->drm.dev, mm, &vgpu_devmem_ops,
				dpagemap, npages << PAGE_SHIFT, NULL);
	/* Consumes the allocation: on failure devmem_release has run. */
	err = drm_pagemap_migrate_to_devmem(&bo->devmem, mm, start, end, &details);
	if (!err)
		WRITE_ONCE(bo->ready, true);
	return err;
}

/*
 * drm_pagemap_ops.device_map: the address under which @dev reaches @page.
 * Decided per device, as a multi-tile driver must: the device that owns
 * the memory gets a device address (its own tiles reach each other's
 * memory directly); nothing else has a path to it.
 */
static struct drm_pagemap_addr vgpu_device_map(struct drm_pagemap *dpagemap, struct device *dev,
					       struct page *page, unsigned int order,
					       enum dma_data_direction dir)
{
	struct vgpu_tile *tile = to_tile(dpagemap);
	unsigned long index = page_to_pfn(page) - tile->pfn_first;

	if (dev != tile->vdev->drm.dev)
		return drm_pagemap_addr_encode(DMA_MAPPING_ERROR, DRM_INTERCONNECT_SYSTEM, order, dir);
	return drm_pagemap_addr_encode(vgpu_devaddr(tile, index), DRM_INTERCONNECT_DRIVER, order, dir);
}

static void vgpu_device_unmap(struct drm_pagemap *dpagemap, struct device *dev,
			      const struct drm_pagemap_addr *addr)
{
	/* A device address needs no unmapping. */
}

/* The last reference went: the embedded drm_pagemap may be revived later. */
static void vgpu_pagemap_destroy(struct drm_pagemap *dpagemap, bool is_atomic_or_reclaim)
{
	complete_all(&to_tile(dpagemap)->pm_destroyed);
}

static const struct drm_pagemap_ops vgpu_pagemap_ops = {
	.device_map = vgpu_device_map,
	.device_unmap = vgpu_device_unmap,
	.populate_mm = vgpu_populate_mm,
	.destroy = vgpu_pagemap_destroy,
};

/*
 * A reference on the tile's drm_pagemap, (re)activating it first if it
 * is not live.  It is live only while something uses it (a VM, a page in
 * device memory): a live drm_pagemap holds a reference on this module, so
 * keeping one for the device's whole life would make rmmod impossible.
 */
int vgpu_tile_pagemap_get(struct vgpu_tile *tile)
{
	int err = 0;

	mutex_lock(&tile->pm_lock);
	if (!tile->pm_initialized) {
		err = drm_pagemap_init(&tile->dpagemap, &tile->pgmap, &tile->vdev->drm,
				       &vgpu_pagemap_ops);
		tile->pm_initialized = !err;
	} else if (!drm_pagemap_get_unless_zero(&tile->dpagemap)) {
		/* Released: destroy runs from that release; then revive it. */
		if (!wait_for_completion_timeout(&tile->pm_destroyed, 10 * HZ))
			err = -ETIMEDOUT;
		else
			err = drm_pagemap_reinit(&tile->dpagemap);
	}
	if (!err)
		reinit_completion(&tile->pm_destroyed);
	mutex_unlock(&tile->pm_lock);
	return err;
}

/* Evicts every allocation of @tile that belongs to @mm; returns how many. */
long vgpu_tile_evict_mm(struct vgpu_tile *tile, struct mm_struct *mm)
{
	long evicted = 0;
	struct vgpu_bo *bo;

	/* Each pass takes the oldest; an evicted one leaves the list. */
	while (evicted < 1000000 && (bo = vgpu_bo_oldest(tile, mm))) {
		int err = drm_pagemap_evict_to_ram(&bo->devmem);

		/* Still listed: some pages could not move now; do not spin. */
		WRITE_ONCE(bo->ready, false);
		kref_put(&bo->ref, vgpu_bo_free);
		if (err)
			return err;
		evicted++;
	}
	return evicted;
}

int vgpu_tile_init(struct vgpu_tile *tile, struct vgpu_device *vdev, unsigned int id, u64 size)
{
	struct device *dev = vdev->drm.dev;
	struct resource *res;
	void *addr;

	tile->vdev = vdev;
	tile->id = id;
	tile->global_id = vdev->index * VGPU_MAX_TILES + id + 1;
	tile->npages = size >> PAGE_SHIFT;
	spin_lock_init(&tile->lock);
	INIT_LIST_HEAD(&tile->bos);
	mutex_init(&tile->pm_lock);
	init_completion(&tile->pm_destroyed);

	tile->backing = vzalloc(size);
	tile->used = bitmap_zalloc(tile->npages, GFP_KERNEL);
	if (!tile->backing || !tile->used)
		goto err_free;

	res = devm_request_free_mem_region(dev, &iomem_resource, size);
	if (IS_ERR(res))
		goto err_free;
	tile->pgmap.type = MEMORY_DEVICE_PRIVATE;
	tile->pgmap.range.start = res->start;
	tile->pgmap.range.end = res->end;
	tile->pgmap.nr_range = 1;
	tile->pgmap.ops = drm_pagemap_pagemap_ops_get();
	/* One owner per device: its tiles map each other's pages directly. */
	tile->pgmap.owner = vdev;
	addr = devm_memremap_pages(dev, &tile->pgmap);
	if (IS_ERR(addr)) {
		devm_release_mem_region(dev, res->start, resource_size(res));
		goto err_free;
	}
	tile->pfn_first = PHYS_PFN(res->start);
	vgpu_tiles_by_id[tile->global_id - 1] = tile;
	return 0;

err_free:
	bitmap_free(tile->used);
	vfree(tile->backing);
	tile->used = NULL;
	tile->backing = NULL;
	return -ENOMEM;
}

/* After every page is free and the drm_pagemap released (the module is unloading). */
void vgpu_tile_fini(struct vgpu_tile *tile)
{
	vgpu_tiles_by_id[tile->global_id - 1] = NULL;
	bitmap_free(tile->used);
	vfree(tile->backing);
}
