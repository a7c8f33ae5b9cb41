// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Where pages live by the CPU's page table, for QUERY_PAGES' pages the
 * device has no translation of: a non-faulting hmm_range_fault() under a
 * notifier of its own, as a snapshot (device-private pages of this
 * device's owner are reported, not migrated).
 */
#include <linux/hmm.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "vgpu_drv.h"

static bool vgpu_snapshot_invalidate(struct mmu_interval_notifier *mni,
				     const struct mmu_notifier_range *range, unsigned long cur_seq)
{
	/* Nothing to tear down: the walk just starts again. */
	mmu_interval_set_seq(mni, cur_seq);
	return true;
}

static const struct mmu_interval_notifier_ops vgpu_snapshot_ops = {
	.invalidate = vgpu_snapshot_invalidate,
};

/* Fills @out[i] (VGPU_PAGE_NONE, _SYSTEM or _TILE|id) for [start, + npages pages). */
int vgpu_snapshot(struct vgpu_vm *vm, unsigned long start, u32 npages, u32 *out)
{
	struct mm_struct *mm = vm->gpusvm.mm;
	struct mmu_interval_notifier notifier;
	struct hmm_range range = {
		.notifier = &notifier,
		.start = start,
		.end = start + ((unsigned long)npages << PAGE_SHIFT),
		.dev_private_owner = vm->vdev,
	};
	unsigned long timeout = jiffies + msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	unsigned long *pfns;
	u32 i;
	int err;

	if (!mmget_not_zero(mm))
		return -EFAULT;
	pfns = kvcalloc(npages, sizeof(*pfns), GFP_KERNEL);
	err = pfns ? mmu_interval_notifier_insert(&notifier, mm, range.start,
						  range.end - range.start, &vgpu_snapshot_ops) : -ENOMEM;
	if (err)
		goto out;
	range.hmm_pfns = pfns;
	do {
		range.notifier_seq = mmu_interval_read_begin(&notifier);
		mmap_read_lock(mm);
		err = hmm_range_fault(&range);
		mmap_read_unlock(mm);
		if (!err && mmu_interval_read_retry(&notifier, range.notifier_seq))
			err = -EBUSY;
	} while (err == -EBUSY && time_before(jiffies, timeout));
	mmu_interval_notifier_remove(&notifier);
	for (i = 0; !err && i < npages; i++) {
		struct page *page;

		out[i] = VGPU_PAGE_NONE;
		if (!(pfns[i] & HMM_PFN_VALID))
			continue;
		page = hmm_pfn_to_page(pfns[i]);
		if (is_device_private_page(page))
			out[i] = VGPU_PAGE_TILE | (vgpu_page_tile(page)->id << VGPU_PAGE_TILE_SHIFT);
		else
			out[i] = VGPU_PAGE_SYSTEM;
	}
out:
	kvfree(pfns);
	mmput(mm);
	return err;
}
