// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The engine: it reaches memory only through the device page table, one
 * page at a time, with the notifier lock held for read while it touches a
 * page, so an invalidation (which holds it for write) never races an
 * access.  A page without a usable translation is a device page fault:
 * the fault handler runs (FAULT mode), or the driver revalidates the VM's
 * bound regions once and the job fails if that did not map it (IOCTL
 * mode: the device never faults).
 */
#include <linux/atomic.h>
#include <linux/mm.h>

#include "vgpu_drv.h"

/* Faults one page may take in one job before the job gives up. */
#define VGPU_FAULT_TRIES	64

/*
 * The kernel address the device reaches @addr at, NULL without a usable
 * translation; *@pte receives the entry (vm->lock and notifier lock held).
 */
static void *vgpu_translate(struct vgpu_vm *vm, unsigned long addr, bool write, u64 *pte)
{
	struct vgpu_range *vr = vgpu_range_lookup(vm, addr);
	void *base;

	*pte = vr ? vgpu_pte_at(vr, addr) : 0;
	if (!(*pte & VGPU_PTE_VALID) || (write && !(*pte & VGPU_PTE_WRITE)))
		return NULL;
	if (*pte & VGPU_PTE_DEVMEM)
		base = vgpu_devaddr_ptr(*pte & VGPU_PTE_ADDR_MASK);
	else
		base = vgpu_sysaddr_ptr(vm->vdev->drm.dev, *pte & VGPU_PTE_ADDR_MASK);
	return base ? base + offset_in_page(addr) : NULL;
}

/* A device page fault at @addr; 0 when the access may be tried again. */
static int vgpu_engine_miss(struct vgpu_vm *vm, unsigned int tile, unsigned long addr,
			    bool write, u64 pte, bool *revalidated)
{
	if (vm->mode == VGPU_VM_MODE_FAULT)
		return vgpu_handle_fault(vm, tile, addr, write);
	/*
	 * No retry faults.  The driver maps what the CPU side invalidated, or
	 * what was mmapped into a bound region since (as a restore after an
	 * eviction would), once; a translation still missing then is a fatal
	 * device fault.
	 */
	if (!*revalidated) {
		*revalidated = true;
		WRITE_ONCE(vm->stale, true);
		return vgpu_revalidate(vm);
	}
	return write && (pte & VGPU_PTE_VALID) ? -EPERM : -EFAULT;
}

/* Before a job: collect unmapped ranges; in IOCTL mode map what must be. */
int vgpu_engine_prepare(struct vgpu_vm *vm)
{
	lockdep_assert_held(&vm->lock);
	if (vm->mode == VGPU_VM_MODE_IOCTL)
		return vgpu_revalidate(vm);
	vgpu_vm_gc(vm);
	return 0;
}

/* The device reads (or writes) @len bytes at @addr into (from) @buf. */
int vgpu_engine_access(struct vgpu_vm *vm, unsigned int tile, unsigned long addr,
		       void *buf, size_t len, bool write)
{
	unsigned int tries = 0;
	bool revalidated = false;

	lockdep_assert_held(&vm->lock);
	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(addr));
		u64 pte;
		void *p;
		int err;

		drm_gpusvm_notifier_lock(&vm->gpusvm);
		p = vgpu_translate(vm, addr, write, &pte);
		if (p) {
			if (write)
				memcpy(p, buf, n);
			else
				memcpy(buf, p, n);
		}
		drm_gpusvm_notifier_unlock(&vm->gpusvm);
		if (p) {
			addr += n;
			buf += n;
			len -= n;
			tries = 0;
			revalidated = false;
			continue;
		}
		if (++tries > VGPU_FAULT_TRIES)
			return -EBUSY;
		err = vgpu_engine_miss(vm, tile, addr, write, pte, &revalidated);
		if (err)
			return err;
	}
	return 0;
}

int vgpu_engine_atomic_inc(struct vgpu_vm *vm, unsigned int tile, unsigned long addr, u32 *old)
{
	bool revalidated = false;
	unsigned int tries;

	lockdep_assert_held(&vm->lock);
	for (tries = 0; tries <= VGPU_FAULT_TRIES; tries++) {
		u64 pte;
		void *p;
		int err;

		drm_gpusvm_notifier_lock(&vm->gpusvm);
		p = vgpu_translate(vm, addr, true, &pte);
		if (p)
			*old = (u32)atomic_fetch_inc((atomic_t *)p);
		drm_gpusvm_notifier_unlock(&vm->gpusvm);
		if (p)
			return 0;
		err = vgpu_engine_miss(vm, tile, addr, true, pte, &revalidated);
		if (err)
			return err;
	}
	return -EBUSY;
}
