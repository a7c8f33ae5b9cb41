/* SPDX-License-Identifier: MIT */
/*
 * EXEC_QUEUE_SET_PROPERTY and VM_GET_PROPERTY.  The only settable queue
 * property in 7.3 is MULTI_QUEUE_PRIORITY, for queues of a multi-queue
 * group, which vdev's presets do not have.  The VM property FAULTS lists
 * the failed page faults of a VM (at most 50, the oldest kept), each a
 * 4 KiB page: the two-call protocol of size 0 first.  Devices with page
 * faults report them for every VM, fault mode or not (the GuC's fault
 * path records them; IGT's xe_vm checks it on a VM created without flags).
 */
#include <errno.h>
#include <string.h>

#include "vdev.h"

#define SET_PROPERTY_MULTI_QUEUE_PRIORITY 5

/* struct xe_vm_fault of the 7.3 uAPI; not in the suite's header yet. */
struct vm_fault_entry {
	uint64_t address;
	uint32_t address_precision;
	uint8_t access_type;		/* 0 read, 1 write, 2 atomic */
	uint8_t fault_type;		/* 0 not present, 1 write access, 2 atomic access */
	uint8_t fault_level;		/* 0 PTE */
	uint8_t pad;
	uint64_t reserved[4];
};

int vdev_queue_set_property(struct vdev_file *f, struct drm_xe_exec_queue_set_property *a)
{
	struct vdev_queue *q;

	if (a->reserved[0] || a->reserved[1] || a->property != SET_PROPERTY_MULTI_QUEUE_PRIORITY)
		return -EINVAL;
	for (q = f->queues; q && q->id != a->exec_queue_id; q = q->next)
		;
	if (!q)
		return -ENOENT;
	return -EINVAL;	/* not a queue of a multi-queue group */
}

void vdev_fault_note(struct vdev_vm *vm, uint64_t va, unsigned int access, int err)
{
	pthread_mutex_lock(&vm->live_lock);
	vm->last_failed = (struct vdev_fault){
		.page = va & ~4095ull, .access = (uint8_t)access,
		.type = err == -EACCES ? (access == 2 ? 2 : 1) : 0,
	};
	vm->has_last_failed = true;
	pthread_mutex_unlock(&vm->live_lock);
}

void vdev_fault_record(struct vdev_vm *vm)
{
	pthread_mutex_lock(&vm->live_lock);
	if (vm->has_last_failed && vdev_preset->faults && vm->num_faults < VDEV_MAX_FAULTS)
		vm->faults[vm->num_faults++] = vm->last_failed;
	vm->has_last_failed = false;
	pthread_mutex_unlock(&vm->live_lock);
}

static uint64_t canonical(uint64_t va)
{
	unsigned int bits = vdev_preset->va_bits;

	return va & (1ull << (bits - 1)) ? va | ~((1ull << bits) - 1) : va;
}

int vdev_vm_get_property(struct vdev_file *f, struct drm_xe_vm_get_property *a)
{
	struct vdev_vm *vm;
	struct vm_fault_entry e;
	uint32_t size, n;
	int ret = 0;

	if (a->reserved[0] || a->reserved[1] || a->reserved[2] || a->extensions || a->pad)
		return -EINVAL;
	if (!(vm = vdev_vm_find(f, a->vm_id)))
		return -ENOENT;
	if (a->property != DRM_XE_VM_GET_PROPERTY_FAULTS)
		return -EINVAL;
	pthread_mutex_lock(&vm->live_lock);
	size = vm->num_faults * sizeof(e);
	if (!a->size) {
		a->size = size;
	} else if (a->size > size || a->size % sizeof(e)) {
		ret = -EINVAL;
	} else {
		n = a->size / sizeof(e);
		for (uint32_t i = 0; i < n && !ret; i++) {
			memset(&e, 0, sizeof(e));
			e.address = canonical(vm->faults[i].page);
			e.address_precision = 4096;
			e.access_type = vm->faults[i].access;
			e.fault_type = vm->faults[i].type;
			if (vdev_cpu_write(a->data + i * sizeof(e), &e, sizeof(e)))
				ret = -EFAULT;
		}
	}
	pthread_mutex_unlock(&vm->live_lock);
	return ret;
}
