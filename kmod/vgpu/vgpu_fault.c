// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Making device translations: the fault handler (FAULT mode), the
 * revalidation before a job (IOCTL mode), prefetch and eviction.  All of
 * them go through vgpu_map_at(), which is the flow drm_gpusvm expects of a
 * driver: find or insert the range under the driver lock, migrate it to
 * its preferred location, get its pages, then commit the translations
 * under the notifier lock only if the pages are still valid, else retry.
 */
#include <linux/dma-direct.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include <drm/drm_print.h>

#include "vgpu_drv.h"

/* Retries of one mapping: each is an invalidation that raced it. */
#define VGPU_MAP_TRIES	64

/* The errno a job reports for what drm_gpusvm refused, per the uAPI. */
static int vgpu_fault_errno(int err)
{
	switch (err) {
	case -ENOENT:	/* no VMA */
	case -EIO:	/* VM_IO / VM_PFNMAP: the device cannot mirror it */
	case -EINVAL:	/* outside the mirror */
		return -EFAULT;
	default:
		return err;
	}
}

/* Pairs with the WRITE_ONCE of drm_gpusvm_range_set_unmapped(): no lock needed to peek. */
static bool vgpu_range_unmapped(struct drm_gpusvm_range *range)
{
	struct drm_gpusvm_range_flags flags = { .__flags = READ_ONCE(range->flags.__flags) };

	return flags.unmapped;
}

/* Gives @vr its page table (vm->lock held; allocates, so no notifier lock). */
static int vgpu_pt_alloc(struct vgpu_vm *vm, struct vgpu_range *vr)
{
	unsigned long npages = drm_gpusvm_range_size(&vr->base) >> PAGE_SHIFT;
	struct page **pinned = NULL;
	u64 *pt;

	if (vr->pt)
		return 0;
	pt = kvcalloc(npages, sizeof(*pt), GFP_KERNEL);
	if (vgpu_bug_no_zap)
		pinned = kvcalloc(npages, sizeof(*pinned), GFP_KERNEL);
	if (!pt || (vgpu_bug_no_zap && !pinned)) {
		kvfree(pt);
		kvfree(pinned);
		return -ENOMEM;
	}
	/* vgpu_invalidate() reads these under the notifier lock. */
	drm_gpusvm_notifier_lock(&vm->gpusvm);
	vr->npages = npages;
	vr->pinned = pinned;
	vr->pt = pt;
	drm_gpusvm_notifier_unlock(&vm->gpusvm);
	return 0;
}

/*
 * With bug_no_zap an entry outlives the mapping it was made from; pinning
 * the page keeps such a stale entry pointing at a page nobody else owns
 * (wrong data, the bug) instead of at freed memory (a crash).
 */
static void vgpu_pin(struct vgpu_vm *vm, struct vgpu_range *vr, unsigned long i, u64 pte)
{
	struct page *page;

	if (!vr->pinned || (pte & VGPU_PTE_DEVMEM))
		return;
	page = pfn_to_page(PHYS_PFN(dma_to_phys(vm->vdev->drm.dev, pte & VGPU_PTE_ADDR_MASK)));
	if (vr->pinned[i] == page)
		return;
	get_page(page);
	if (vr->pinned[i])
		put_page(vr->pinned[i]);
	vr->pinned[i] = page;
}

/* Writes @vr's translations from its pages (notifier lock held, pages valid). */
static void vgpu_pt_fill(struct vgpu_vm *vm, struct vgpu_range *vr)
{
	const struct drm_pagemap_addr *dma = vr->pages.dma_addr;
	unsigned long i, j, k;

	for (i = 0, j = 0; i < vr->npages; j++) {
		unsigned long n = 1ul << dma[j].order;
		u64 flags = VGPU_PTE_VALID;

		if (dma[j].dir == DMA_BIDIRECTIONAL)
			flags |= VGPU_PTE_WRITE;
		if (dma[j].order >= PMD_ORDER)
			flags |= VGPU_PTE_HUGE;
		if (dma[j].proto != DRM_INTERCONNECT_SYSTEM)
			flags |= VGPU_PTE_DEVMEM;
		for (k = 0; k < n && i + k < vr->npages; k++) {
			u64 pte = ((dma[j].addr + (k << PAGE_SHIFT)) & VGPU_PTE_ADDR_MASK) | flags;

			vr->pt[i + k] = pte;
			vgpu_pin(vm, vr, i + k, pte);
		}
		i += n;
	}
}

/*
 * A write needs the range's pages faulted for write; get_pages keeps pages
 * that are still valid, so read-only ones are dropped first (vm->lock held).
 */
static void vgpu_drop_read_only_pages(struct vgpu_vm *vm, struct vgpu_range *vr)
{
	struct drm_gpusvm_ctx ctx = {};
	bool read_only;

	drm_gpusvm_notifier_lock(&vm->gpusvm);
	read_only = drm_gpusvm_pages_valid(&vm->gpusvm, &vr->pages) &&
		    vr->pages.dma_addr[0].dir != DMA_BIDIRECTIONAL;
	if (read_only)
		vgpu_pt_zap(vr);
	drm_gpusvm_notifier_unlock(&vm->gpusvm);
	if (read_only)
		drm_gpusvm_unmap_pages(&vm->gpusvm, &vr->pages, vr->npages, &ctx);
}

static bool vgpu_pte_on_tile(u64 pte, const struct vgpu_tile *tile)
{
	return (pte & VGPU_PTE_VALID) && (pte & VGPU_PTE_DEVMEM) &&
	       (pte >> VGPU_DEVADDR_SHIFT) == tile->global_id;
}

static bool vgpu_range_has_devmem(struct vgpu_vm *vm, struct vgpu_range *vr)
{
	bool devmem;

	drm_gpusvm_notifier_lock(&vm->gpusvm);
	devmem = vr->pages.flags.has_devmem_pages;
	drm_gpusvm_notifier_unlock(&vm->gpusvm);
	return devmem;
}

/* Moves @range into @tile's memory; a failure leaves the data where it was. */
static void vgpu_migrate_to_tile(struct vgpu_vm *vm, struct drm_gpusvm_range *range,
				 struct vgpu_tile *tile)
{
	bool there;
	int err;

	drm_gpusvm_notifier_lock(&vm->gpusvm);
	/* Its first page there: a whole-range migration was done already. */
	there = vgpu_pte_on_tile(vgpu_pte_at(to_vgpu_range(range), drm_gpusvm_range_start(range)), tile);
	drm_gpusvm_notifier_unlock(&vm->gpusvm);
	if (there)
		return;
	err = drm_pagemap_populate_mm(&tile->dpagemap, drm_gpusvm_range_start(range),
				      drm_gpusvm_range_end(range), vm->gpusvm.mm, 0);
	if (err) {
		atomic64_inc(&vm->counters.migrate_failures);
		drm_dbg(&vm->vdev->drm, "migrating [%lx, %lx) to tile %u failed: %d\n",
			drm_gpusvm_range_start(range), drm_gpusvm_range_end(range), tile->id, err);
	}
}

/*
 * The bounds a new range at @addr may span: its bound region, cut at the
 * attribute boundaries around @addr, so that one range never mixes two
 * preferred locations.
 */
static void vgpu_range_bounds(struct vgpu_vm *vm, struct vgpu_region *reg, unsigned long addr,
			      unsigned long *lo, unsigned long *hi)
{
	struct vgpu_attr *a;

	*lo = reg->start;
	*hi = reg->end;
	list_for_each_entry(a, &vm->attrs, link) {
		if (a->end <= addr)
			*lo = max(*lo, a->end);
		else if (a->start > addr)
			*hi = min(*hi, a->start);
		else {
			*lo = max(*lo, a->start);
			*hi = min(*hi, a->end);
		}
	}
}

/*
 * Maps the range holding @addr, after migrating it to @loc (a tile index,
 * VGPU_LOC_SYSTEM, or VGPU_LOC_NONE).  @write: the access needs write
 * permission (without it a read-only VMA is mapped read-only).  *@end is
 * the end of the range it dealt with (0 if there was none): the caller's
 * next address.  A range whose pages cannot be had (PROT_NONE) is removed
 * again, so that only memory the device may reach has ranges.
 */
int vgpu_map_at(struct vgpu_vm *vm, struct vgpu_region *reg, unsigned long addr,
		bool write, int loc, unsigned long *end)
{
	/*
	 * A read maps pages read-only, as a CPU read would fault them: the
	 * zero page for untouched anonymous memory, the file's own page for a
	 * private file mapping (a write fault would make private copies).
	 */
	struct drm_gpusvm_ctx ctx = {
		.device_private_page_owner = vm->vdev,
		.check_pages_threshold = SZ_64K,
		.devmem_possible = true,
		.read_only = !write,
	};
	struct drm_gpusvm *gpusvm = &vm->gpusvm;
	bool migrated = false, recreated = false, vma_read_only = false;
	unsigned long lo, hi;
	int tries, err = -EBUSY;

	lockdep_assert_held(&vm->lock);
	*end = 0;
	vgpu_range_bounds(vm, reg, addr, &lo, &hi);
	for (tries = 0; tries < VGPU_MAP_TRIES; tries++) {
		struct drm_gpusvm_range *range;
		struct vgpu_range *vr;
		bool valid;

		range = drm_gpusvm_range_find_or_insert(gpusvm, addr, lo, hi, &ctx);
		if (IS_ERR(range)) {
			err = PTR_ERR(range);
			/*
			 * No VM_WRITE: a read-only or a PROT_NONE VMA.  Which one
			 * decides the errno, so try to map it read-only.
			 */
			if (err == -EPERM && !ctx.read_only) {
				ctx.read_only = true;
				vma_read_only = true;
				continue;
			}
			return vgpu_fault_errno(err);
		}
		*end = drm_gpusvm_range_end(range);
		if (vgpu_range_unmapped(range)) {
			vgpu_vm_gc(vm);		/* partly unmapped: collect, then a new one */
			continue;
		}
		vr = to_vgpu_range(range);
		err = vgpu_pt_alloc(vm, vr);
		if (err)
			return err;
		if (!ctx.read_only)
			vgpu_drop_read_only_pages(vm, vr);

		if (!migrated && loc >= 0 && range->flags.migrate_devmem)
			vgpu_migrate_to_tile(vm, range, &vm->vdev->tiles[loc]);
		else if (!migrated && loc == VGPU_LOC_SYSTEM && vgpu_range_has_devmem(vm, vr)) {
			atomic64_inc(&vm->counters.evictions);
			drm_gpusvm_range_evict(gpusvm, range);
		}
		migrated = true;

		err = drm_gpusvm_get_pages(gpusvm, &vr->pages, gpusvm->mm, &range->notifier->notifier,
					   drm_gpusvm_range_start(range), drm_gpusvm_range_end(range),
					   &ctx);
		if (err == -EOPNOTSUPP && !vgpu_bug_mixed_passthrough) {
			/* Pages in more than one pagemap: bring them home, retry. */
			atomic64_inc(&vm->counters.mixed_retries);
			drm_gpusvm_range_evict(gpusvm, range);
			continue;
		}
		if (err == -EAGAIN || err == -EBUSY)
			continue;
		if (err == -EFAULT || err == -EPERM) {
			/*
			 * The range may predate an mprotect or munmap that split
			 * its VMA (the framework never splits a range): remove
			 * it and let find_or_insert size a new one to the VMA at
			 * @addr, once.  Failing again, the memory is not
			 * accessible: no range is left for it.
			 */
			vgpu_range_remove_now(vm, range);
			if (!recreated) {
				recreated = true;
				continue;
			}
			return err;
		}
		if (err)
			return vgpu_fault_errno(err);

		drm_gpusvm_notifier_lock(gpusvm);
		valid = drm_gpusvm_pages_valid(gpusvm, &vr->pages) && !range->flags.unmapped;
		if (valid) {
			vgpu_pt_fill(vm, vr);
			vr->vma_read_only = vma_read_only;
		}
		drm_gpusvm_notifier_unlock(gpusvm);
		if (valid)
			return write && ctx.read_only ? -EPERM : 0;
	}
	return err;
}

/*
 * Maps for write where the VMA allows it, else read-only: what a driver
 * that cannot take faults later (IOCTL mode, prefetch) must do.
 */
int vgpu_map_writable(struct vgpu_vm *vm, struct vgpu_region *reg, unsigned long addr,
		      int loc, unsigned long *end)
{
	int err = vgpu_map_at(vm, reg, addr, true, loc, end);

	return err == -EPERM ? vgpu_map_at(vm, reg, addr, false, loc, end) : err;
}

int vgpu_handle_fault(struct vgpu_vm *vm, unsigned int tile, unsigned long addr, bool write)
{
	struct vgpu_region *reg = vgpu_region_find(vm, addr);
	unsigned long end;
	int loc;

	if (!reg)
		return -EFAULT;
	atomic64_inc(&vm->counters.faults);
	loc = vgpu_attr_loc(vm, addr);
	if (loc == VGPU_LOC_FAULTING_TILE)
		loc = tile;
	return vgpu_map_at(vm, reg, addr, write, loc, &end);
}

/* Whether the range at @addr exists with valid pages and translations. */
static bool vgpu_range_ready(struct vgpu_vm *vm, unsigned long addr, unsigned long *end)
{
	struct vgpu_range *vr;
	bool ready = false;

	drm_gpusvm_notifier_lock(&vm->gpusvm);
	vr = vgpu_range_lookup(vm, addr);
	if (vr) {
		*end = drm_gpusvm_range_end(&vr->base);
		u64 pte = vgpu_pte_at(vr, addr);

		ready = (pte & VGPU_PTE_VALID) && ((pte & VGPU_PTE_WRITE) || vr->vma_read_only) &&
			drm_gpusvm_pages_valid(&vm->gpusvm, &vr->pages);
	}
	drm_gpusvm_notifier_unlock(&vm->gpusvm);
	return ready;
}

/*
 * Maps every page of @reg that has a VMA.  @existing_only: only ranges
 * that still exist are mapped again (bug_no_rebuild's mistake: what a
 * partial munmap destroyed is never rebuilt).
 */
static int vgpu_build_region(struct vgpu_vm *vm, struct vgpu_region *reg, bool existing_only)
{
	unsigned long addr = reg->start;

	while (addr < reg->end) {
		unsigned long vstart, end = 0;
		int loc, err;

		vstart = drm_gpusvm_find_vma_start(&vm->gpusvm, addr, reg->end);
		if (vstart == ULONG_MAX || vstart >= reg->end)
			break;
		addr = max(addr, vstart);
		if (vgpu_range_ready(vm, addr, &end)) {
			addr = end;
			continue;
		}
		if (existing_only && !end) {
			addr += PAGE_SIZE;
			continue;
		}
		loc = vgpu_attr_loc(vm, addr);
		if (loc == VGPU_LOC_FAULTING_TILE)
			loc = 0;
		err = vgpu_map_writable(vm, reg, addr, loc, &end);
		if (!err)
			atomic64_inc(&vm->counters.revalidations);
		else if (err != -EFAULT)
			return err;
		/* Mapped, or a PROT_NONE part the device must not reach: go on. */
		addr = end ?: addr + PAGE_SIZE;
	}
	return 0;
}

/* IOCTL mode, at BIND: map the new region at @start (vm->lock held). */
int vgpu_region_build(struct vgpu_vm *vm, unsigned long start)
{
	struct vgpu_region *reg = vgpu_region_find(vm, start);
	int err;

	lockdep_assert_held(&vm->lock);
	vgpu_vm_gc(vm);
	if (!reg)
		return -ENOENT;
	err = vgpu_build_region(vm, reg, false);
	if (!err)
		reg->built = true;
	return err;
}

/* IOCTL mode, before a job: map again what the CPU side invalidated. */
int vgpu_revalidate(struct vgpu_vm *vm)
{
	struct vgpu_region *reg;
	int err;

	lockdep_assert_held(&vm->lock);
	vgpu_vm_gc(vm);
	if (!READ_ONCE(vm->stale))
		return 0;
	WRITE_ONCE(vm->stale, false);
	list_for_each_entry(reg, &vm->regions, link) {
		err = vgpu_build_region(vm, reg, reg->built && vgpu_bug_no_rebuild);
		if (err)
			return err;
		reg->built = true;
	}
	return 0;
}

/* How many pages of [start, end) in @range are translated to @loc (notifier lock held). */
static u64 vgpu_count_at(struct vgpu_vm *vm, struct drm_gpusvm_range *range,
			 unsigned long start, unsigned long end, int loc)
{
	struct vgpu_range *vr = to_vgpu_range(range);
	unsigned long a = max(start, drm_gpusvm_range_start(range));
	unsigned long b = min(end, drm_gpusvm_range_end(range));
	u64 n = 0;

	for (; a < b; a += PAGE_SIZE) {
		u64 pte = vgpu_pte_at(vr, a);

		if (!(pte & VGPU_PTE_VALID))
			continue;
		if (loc == VGPU_LOC_SYSTEM ? !(pte & VGPU_PTE_DEVMEM) :
		    vgpu_pte_on_tile(pte, &vm->vdev->tiles[loc]))
			n++;
	}
	return n;
}

int vgpu_prefetch(struct vgpu_vm *vm, unsigned long start, unsigned long end, int loc, u64 *moved)
{
	struct vgpu_region *reg = vgpu_region_find(vm, start);
	unsigned long addr = start;

	*moved = 0;
	if (!reg || end > reg->end)
		return -EINVAL;
	while (addr < end) {
		unsigned long vstart, rend;
		struct vgpu_range *vr;
		int err;

		vstart = drm_gpusvm_find_vma_start(&vm->gpusvm, addr, end);
		if (vstart == ULONG_MAX || vstart >= end)
			break;
		addr = max(addr, vstart);
		err = vgpu_map_writable(vm, reg, addr, loc, &rend);
		if (err && err != -EFAULT)
			return err;
		if (!err) {
			drm_gpusvm_notifier_lock(&vm->gpusvm);
			vr = vgpu_range_lookup(vm, addr);
			if (vr)
				*moved += vgpu_count_at(vm, &vr->base, start, end, loc);
			drm_gpusvm_notifier_unlock(&vm->gpusvm);
		}
		addr = rend ?: addr + PAGE_SIZE;
	}
	return 0;
}

/* Evicts the device-memory pages of every range intersecting [start, end). */
int vgpu_evict_range(struct vgpu_vm *vm, unsigned long start, unsigned long end)
{
	struct drm_gpusvm_notifier *notifier;
	int err = 0;

	lockdep_assert_held(&vm->lock);
	drm_gpusvm_for_each_notifier(notifier, &vm->gpusvm, start, end) {
		struct drm_gpusvm_range *range = NULL;

		drm_gpusvm_for_each_range(range, notifier, start, end) {
			if (!vgpu_range_has_devmem(vm, to_vgpu_range(range)))
				continue;
			atomic64_inc(&vm->counters.evictions);
			err = drm_gpusvm_range_evict(&vm->gpusvm, range);
			if (err)
				return err;
		}
	}
	return 0;
}
