// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A vgpu VM: a drm_gpusvm mirror of the creating process's mm, the
 * device page table (per range, vgpu_range.pt), the notifier callback that
 * zaps it, the garbage collector of unmapped ranges, and the bound regions
 * and attributes that user space sets.
 */
#include <linux/dma-fence.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <drm/drm_print.h>

#include "vgpu_drv.h"

/*
 * The chunk sizes drm_gpusvm may choose for a range, largest first, the
 * last the CPU page.  drm_gpusvm_init()'s kernel-doc asks for SZ_4K last
 * and checks nothing; with 64K pages a 4K chunk makes a range smaller than
 * a page, and hmm_range_fault() then oopses in hmm_vma_walk_test() (seen
 * on arm64 with 64K pages, ci/vm/arm64-suite).
 */
const unsigned long vgpu_chunk_sizes[] = {
	SZ_2M,
#if PAGE_SHIFT < 16
	SZ_64K,
#endif
	PAGE_SIZE,
};
const unsigned int vgpu_num_chunk_sizes = ARRAY_SIZE(vgpu_chunk_sizes);
/* Notifier granule: as xe's default. */
#define VGPU_NOTIFIER_SIZE	SZ_512M

static struct vgpu_vm *to_vm(struct drm_gpusvm *gpusvm)
{
	return container_of(gpusvm, struct vgpu_vm, gpusvm);
}

static struct drm_gpusvm_range *vgpu_range_alloc(struct drm_gpusvm *gpusvm)
{
	struct vgpu_vm *vm = to_vm(gpusvm);
	struct vgpu_range *vr = kzalloc(sizeof(*vr), GFP_KERNEL);

	if (!vr)
		return NULL;
	INIT_LIST_HEAD(&vr->gc_link);
	drm_gpusvm_init_pages(&vr->pages, &vm->vdev->drm);
	atomic64_inc(&vm->counters.ranges_created);
	return &vr->base;
}

static void vgpu_unpin_all(struct vgpu_range *vr)
{
	unsigned long i;

	if (!vr->pinned)
		return;
	for (i = 0; i < vr->npages; i++)
		if (vr->pinned[i])
			put_page(vr->pinned[i]);
	kvfree(vr->pinned);
	vr->pinned = NULL;
}

static void vgpu_range_free(struct drm_gpusvm_range *range)
{
	struct vgpu_range *vr = to_vgpu_range(range);
	struct vgpu_vm *vm = to_vm(range->gpusvm);

	drm_gpusvm_free_pages(range->gpusvm, &vr->pages, drm_gpusvm_range_size(range) >> PAGE_SHIFT);
	vgpu_unpin_all(vr);
	kvfree(vr->pt);
	atomic64_inc(&vm->counters.ranges_removed);
	kfree(vr);
}

/* Clears the device's translations of @vr (notifier lock held). */
void vgpu_pt_zap(struct vgpu_range *vr)
{
	if (vr->pt)
		memset(vr->pt, 0, vr->npages * sizeof(*vr->pt));
}

static void vgpu_gc_add(struct vgpu_vm *vm, struct vgpu_range *vr)
{
	spin_lock(&vm->gc_lock);
	if (list_empty(&vr->gc_link))
		list_add_tail(&vr->gc_link, &vm->gc_list);
	spin_unlock(&vm->gc_lock);
	queue_work(system_dfl_wq, &vm->gc_work);
}

/*
 * drm_gpusvm_ops.invalidate, with the notifier lock held for write: the CPU
 * side of [mmu_range) is changing.  Every range it touches loses its device
 * translations and DMA mappings (the framework keeps pages per range, so a
 * partial invalidation still drops the whole range's); an UNMAP marks the
 * range unmapped for the collector, since the framework never splits one.
 */
static void vgpu_invalidate(struct drm_gpusvm *gpusvm, struct drm_gpusvm_notifier *notifier,
			    const struct mmu_notifier_range *mmu_range)
{
	struct drm_gpusvm_ctx ctx = { .in_notifier = true };
	struct vgpu_vm *vm = to_vm(gpusvm);
	unsigned long start = max(drm_gpusvm_notifier_start(notifier), mmu_range->start);
	unsigned long end = min(drm_gpusvm_notifier_end(notifier), mmu_range->end);
	struct drm_gpusvm_range *r = NULL;

	drm_gpusvm_for_each_range(r, notifier, start, end) {
		struct vgpu_range *vr = to_vgpu_range(r);

		atomic64_inc(&vm->counters.invalidations);
		if (!vgpu_bug_no_zap)
			vgpu_pt_zap(vr);
		drm_gpusvm_unmap_pages(gpusvm, &vr->pages, drm_gpusvm_range_size(r) >> PAGE_SHIFT, &ctx);
		if (mmu_range->event == MMU_NOTIFY_UNMAP) {
			drm_gpusvm_range_set_unmapped(r, &vr->pages, 1, mmu_range);
			if (!vr->dead)
				vgpu_gc_add(vm, vr);
		}
		WRITE_ONCE(vm->stale, true);
	}
}

static const struct drm_gpusvm_ops vgpu_gpusvm_ops = {
	.range_alloc = vgpu_range_alloc,
	.range_free = vgpu_range_free,
	.invalidate = vgpu_invalidate,
};

/* Removes one range: translations, DMA mappings, then the range itself (vm->lock held). */
void vgpu_range_remove_now(struct vgpu_vm *vm, struct drm_gpusvm_range *range)
{
	struct drm_gpusvm_ctx ctx = {};
	struct vgpu_range *vr = to_vgpu_range(range);

	/*
	 * Until drm_gpusvm_range_remove() takes it out of the tree an UNMAP can
	 * still find the range; marked dead under the notifier lock, it is not
	 * queued for the collector again (it would be, after it is freed: the
	 * likely cause of a WARN seen once under KASAN, the collector removing
	 * a range that had no notifier).
	 */
	drm_gpusvm_notifier_lock(&vm->gpusvm);
	vr->dead = true;
	vgpu_pt_zap(vr);
	drm_gpusvm_notifier_unlock(&vm->gpusvm);
	spin_lock(&vm->gc_lock);
	list_del_init(&vr->gc_link);
	spin_unlock(&vm->gc_lock);
	drm_gpusvm_unmap_pages(&vm->gpusvm, &vr->pages, drm_gpusvm_range_size(range) >> PAGE_SHIFT, &ctx);
	drm_gpusvm_range_remove(&vm->gpusvm, range);
}

/* The garbage collector: removes the ranges the CPU unmapped (vm->lock held). */
void vgpu_vm_gc(struct vgpu_vm *vm)
{
	bool removed = false;

	lockdep_assert_held(&vm->lock);
	for (;;) {
		struct vgpu_range *vr;

		spin_lock(&vm->gc_lock);
		vr = list_first_entry_or_null(&vm->gc_list, struct vgpu_range, gc_link);
		spin_unlock(&vm->gc_lock);
		if (!vr)
			break;
		vgpu_range_remove_now(vm, &vr->base);
		removed = true;
	}
	if (removed)
		atomic64_inc(&vm->counters.gc_runs);
}

static void vgpu_gc_work(struct work_struct *work)
{
	struct vgpu_vm *vm = container_of(work, struct vgpu_vm, gc_work);

	if (vgpu_vm_lock_live(vm))
		return;
	vgpu_vm_gc(vm);
	mutex_unlock(&vm->lock);
}

/* The range holding @addr, if any (vm->lock and the notifier lock held). */
struct vgpu_range *vgpu_range_lookup(struct vgpu_vm *vm, unsigned long addr)
{
	struct drm_gpusvm_notifier *notifier;
	struct drm_gpusvm_range *range;

	notifier = drm_gpusvm_notifier_find(&vm->gpusvm, addr, addr + 1);
	if (!notifier)
		return NULL;
	range = drm_gpusvm_range_find(notifier, addr, addr + 1);
	return range ? to_vgpu_range(range) : NULL;
}

struct vgpu_region *vgpu_region_find(struct vgpu_vm *vm, unsigned long addr)
{
	struct vgpu_region *reg;

	list_for_each_entry(reg, &vm->regions, link)
		if (addr >= reg->start && addr < reg->end)
			return reg;
	return NULL;
}

int vgpu_region_map(struct vgpu_vm *vm, unsigned long start, unsigned long end)
{
	struct vgpu_region *reg;

	list_for_each_entry(reg, &vm->regions, link)
		if (start < reg->end && end > reg->start)
			return -EEXIST;
	reg = kzalloc(sizeof(*reg), GFP_KERNEL);
	if (!reg)
		return -ENOMEM;
	reg->start = start;
	reg->end = end;
	list_add_tail(&reg->link, &vm->regions);
	return 0;
}

/* Drops the attributes inside [start, end), cutting those that straddle it. */
static int vgpu_attr_clear(struct vgpu_vm *vm, unsigned long start, unsigned long end)
{
	struct vgpu_attr *a, *next;

	list_for_each_entry_safe(a, next, &vm->attrs, link) {
		if (a->end <= start || a->start >= end)
			continue;
		if (a->start < start && a->end > end) {
			struct vgpu_attr *tail = kmemdup(a, sizeof(*a), GFP_KERNEL);

			if (!tail)
				return -ENOMEM;
			tail->start = end;
			list_add(&tail->link, &a->link);
			a->end = start;
		} else if (a->start < start) {
			a->end = start;
		} else if (a->end > end) {
			a->start = end;
		} else {
			list_del(&a->link);
			kfree(a);
		}
	}
	return 0;
}

int vgpu_attr_set(struct vgpu_vm *vm, unsigned long start, unsigned long end, int loc)
{
	struct vgpu_attr *a = kzalloc(sizeof(*a), GFP_KERNEL);
	int err;

	if (!a)
		return -ENOMEM;
	err = vgpu_attr_clear(vm, start, end);
	if (err) {
		kfree(a);
		return err;
	}
	a->start = start;
	a->end = end;
	a->loc = loc;
	list_add(&a->link, &vm->attrs);
	return 0;
}

/* The preferred location at @addr: VGPU_LOC_NONE when none was set. */
int vgpu_attr_loc(struct vgpu_vm *vm, unsigned long addr)
{
	struct vgpu_attr *a;

	list_for_each_entry(a, &vm->attrs, link)
		if (addr >= a->start && addr < a->end)
			return a->loc;
	return VGPU_LOC_NONE;
}

/* Removes every range intersecting [start, end) (vm->lock held). */
static void vgpu_ranges_destroy(struct vgpu_vm *vm, unsigned long start, unsigned long end)
{
	struct drm_gpusvm_notifier *notifier, *next_notifier;

	drm_gpusvm_for_each_notifier_safe(notifier, next_notifier, &vm->gpusvm, start, end) {
		struct drm_gpusvm_range *range, *next;

		drm_gpusvm_for_each_range_safe(range, next, notifier, start, end)
			vgpu_range_remove_now(vm, range);
	}
}

int vgpu_region_unmap(struct vgpu_vm *vm, unsigned long start, unsigned long end)
{
	struct vgpu_region *reg;

	list_for_each_entry(reg, &vm->regions, link) {
		if (reg->start != start || reg->end != end)
			continue;
		vgpu_ranges_destroy(vm, start, end);
		list_del(&reg->link);
		kfree(reg);
		return vgpu_attr_clear(vm, start, end);
	}
	return -ENOENT;
}

struct vgpu_vm *vgpu_vm_create(struct vgpu_device *vdev, u32 mode)
{
	struct vgpu_vm *vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	unsigned int t;
	int err;

	if (!vm)
		return ERR_PTR(-ENOMEM);
	vm->vdev = vdev;
	vm->mode = mode;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	INIT_LIST_HEAD(&vm->regions);
	INIT_LIST_HEAD(&vm->attrs);
	spin_lock_init(&vm->gc_lock);
	INIT_LIST_HEAD(&vm->gc_list);
	INIT_WORK(&vm->gc_work, vgpu_gc_work);
	vm->fence_context = dma_fence_context_alloc(1);
	vm->base_to_devmem = atomic64_read(&vdev->counters.pages_to_devmem);
	vm->base_to_ram = atomic64_read(&vdev->counters.pages_to_ram);
	vm->base_evictions = atomic64_read(&vdev->counters.evictions);

	for (t = 0; t < vdev->num_tiles; t++) {
		err = vgpu_tile_pagemap_get(&vdev->tiles[t]);
		if (err)
			goto err_put;
		vm->pagemaps_held[t] = true;
	}
	vm->wq = alloc_ordered_workqueue("vgpu-vm", 0);
	if (!vm->wq) {
		err = -ENOMEM;
		goto err_put;
	}
	err = drm_gpusvm_init(&vm->gpusvm, "vgpu", current->mm, 0, TASK_SIZE,
			      VGPU_NOTIFIER_SIZE, &vgpu_gpusvm_ops, vgpu_chunk_sizes,
			      vgpu_num_chunk_sizes);
	if (err)
		goto err_wq;
	drm_gpusvm_driver_set_lock(&vm->gpusvm, &vm->lock);
	return vm;

err_wq:
	destroy_workqueue(vm->wq);
err_put:
	for (t = 0; t < vdev->num_tiles; t++)
		if (vm->pagemaps_held[t])
			drm_pagemap_put(&vdev->tiles[t].dpagemap);
	kfree(vm);
	return ERR_PTR(err);
}

/*
 * Stops a VM for good (its file or VM_DESTROY): no job runs after this;
 * every range, region and attribute goes.  Pages in device memory stay
 * there, mapped by the CPU, as on a real device: they move back when the
 * CPU touches them, when evicted, or go when the process frees them.
 */
void vgpu_vm_close(struct vgpu_vm *vm)
{
	struct vgpu_region *reg, *rnext;
	struct vgpu_attr *a, *anext;

	mutex_lock(&vm->lock);
	vm->closed = true;
	mutex_unlock(&vm->lock);
	/* Jobs queued before run and fail (closed); none is queued after. */
	drain_workqueue(vm->wq);
	mutex_lock(&vm->lock);
	vgpu_ranges_destroy(vm, 0, TASK_SIZE);
	list_for_each_entry_safe(reg, rnext, &vm->regions, link) {
		list_del(&reg->link);
		kfree(reg);
	}
	list_for_each_entry_safe(a, anext, &vm->attrs, link) {
		list_del(&a->link);
		kfree(a);
	}
	/* Removes the notifiers: no invalidation can queue the collector after it. */
	drm_gpusvm_fini(&vm->gpusvm);
	mutex_unlock(&vm->lock);
	cancel_work_sync(&vm->gc_work);
}

static void vgpu_vm_release(struct kref *ref)
{
	struct vgpu_vm *vm = container_of(ref, struct vgpu_vm, ref);
	unsigned int t;

	destroy_workqueue(vm->wq);
	for (t = 0; t < vm->vdev->num_tiles; t++)
		if (vm->pagemaps_held[t])
			drm_pagemap_put(&vm->vdev->tiles[t].dpagemap);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

/* Takes vm->lock unless the VM is closed (then -ENOENT, unlocked). */
int vgpu_vm_lock_live(struct vgpu_vm *vm)
{
	mutex_lock(&vm->lock);
	if (!vm->closed)
		return 0;
	mutex_unlock(&vm->lock);
	return -ENOENT;
}

void vgpu_vm_put(struct vgpu_vm *vm)
{
	kref_put(&vm->ref, vgpu_vm_release);
}
