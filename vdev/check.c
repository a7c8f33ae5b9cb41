/* SPDX-License-Identifier: MIT */
/*
 * Argument checks of every xe ioctl vdev answers, in one place so that they
 * can be held against the real driver's (README.md "Argument checks").
 * Each check that fails names itself (vdev_reject()); ioctl.c writes the
 * rejected ioctl, its errno and that name to $VDEV_REJECT_LOG, which
 * ci/vdev-rejections reads.  Called with vdev_lock held.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vdev.h"

#define SZ_4K 4096ull
#ifndef DRM_XE_VM_CREATE_FLAG_NO_VM_OVERCOMMIT
/* 7.3's VM_CREATE flag bit 3 (fault-mode VMs only), not in the suite's uAPI header yet. */
#define DRM_XE_VM_CREATE_FLAG_NO_VM_OVERCOMMIT (1 << 3)
#endif

const char *vdev_failed_check;

int vdev_reject(int err, const char *check)
{
	vdev_failed_check = check;
	return err;
}

#define REJECT_IF(cond, err, check) \
	do { if (cond) return vdev_reject(err, check); } while (0)

static bool zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

int vdev_check_vm_create(const struct drm_xe_vm_create *a)
{
	const uint32_t known = DRM_XE_VM_CREATE_FLAG_SCRATCH_PAGE | DRM_XE_VM_CREATE_FLAG_LR_MODE |
			       DRM_XE_VM_CREATE_FLAG_FAULT_MODE | DRM_XE_VM_CREATE_FLAG_NO_VM_OVERCOMMIT;

	REJECT_IF(a->extensions || !zero(a->reserved, sizeof(a->reserved)) || (a->flags & ~known),
		  -EINVAL, "xe_vm_create_ioctl");
	REJECT_IF((a->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE) &&
		  (!(a->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE) || !vdev_preset->faults),
		  -EINVAL, "xe_vm_create_ioctl");
	REJECT_IF((a->flags & DRM_XE_VM_CREATE_FLAG_NO_VM_OVERCOMMIT) &&
		  !(a->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE), -EINVAL, "xe_vm_create_ioctl");
	return 0;
}

int vdev_check_vm_destroy(const struct drm_xe_vm_destroy *a)
{
	REJECT_IF(a->pad || !zero(a->reserved, sizeof(a->reserved)), -EINVAL,
		  "xe_vm_destroy_ioctl");
	return 0;
}

static int check_op(struct vdev_file *f, struct vdev_vm *vm, const struct drm_xe_vm_bind_op *op)
{
	const uint32_t known = (DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET << 1) - 1;
	bool mirror = op->flags & DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR;

	REJECT_IF(op->extensions || op->pad || op->pad2 || !zero(op->reserved, sizeof(op->reserved)) ||
		  (op->flags & ~known), -EINVAL, "vm_bind_ioctl_check_args");
	if (op->op == DRM_XE_VM_BIND_OP_UNMAP_ALL)
		REJECT_IF(op->addr || op->range, -EINVAL, "vm_bind_ioctl_check_args");
	else
		REJECT_IF((op->addr | op->range) & (SZ_4K - 1) || !op->range ||
			  op->addr + op->range < op->addr, -EINVAL, "vm_bind_ioctl_check_args");
	REJECT_IF(op->addr + op->range > (1ull << vdev_preset->va_bits), -EINVAL,
		  "vm_bind_ioctl_check_args");
	REJECT_IF((op->flags & DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET) &&
		  !(mirror && op->op == DRM_XE_VM_BIND_OP_MAP), -EINVAL, "vm_bind_ioctl_check_args");
	REJECT_IF(mirror && (!(vm->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE) || op->obj ||
			     op->cpu_addr_mirror_offset), -EINVAL, "vm_bind_ioctl_check_args");
	/* NULL binds map no memory. */
	REJECT_IF((op->flags & DRM_XE_VM_BIND_FLAG_NULL) &&
		  (op->op != DRM_XE_VM_BIND_OP_MAP || op->obj || op->obj_offset || mirror),
		  -EINVAL, "vm_bind_ioctl_check_args");
	switch (op->op) {
	case DRM_XE_VM_BIND_OP_MAP:
		if (!mirror && !(op->flags & DRM_XE_VM_BIND_FLAG_NULL)) {
			struct vdev_bo *bo = vdev_bo_find(f, op->obj);

			REJECT_IF(!bo, -ENOENT, "xe_vm_bind_ioctl");
			REJECT_IF(op->obj_offset + op->range > bo->size, -EINVAL,
				  "xe_vm_bind_ioctl");
		}
		return 0;
	case DRM_XE_VM_BIND_OP_MAP_USERPTR:
		REJECT_IF(op->obj || mirror || (op->obj_offset & (SZ_4K - 1)), -EINVAL,
			  "vm_bind_ioctl_check_args");
		return 0;
	case DRM_XE_VM_BIND_OP_UNMAP:
		return 0;
	case DRM_XE_VM_BIND_OP_UNMAP_ALL:
		REJECT_IF(!op->obj || mirror, -EINVAL, "vm_bind_ioctl_check_args");
		REJECT_IF(!vdev_bo_find(f, op->obj), -ENOENT, "xe_vm_bind_ioctl");
		return 0;
	case DRM_XE_VM_BIND_OP_PREFETCH:
		REJECT_IF(op->prefetch_mem_region_instance != (uint32_t)DRM_XE_CONSULT_MEM_ADVISE_PREF_LOC &&
			  op->prefetch_mem_region_instance >
				  (vdev_preset->vram ? vdev_preset->num_tiles : 0),
			  -EINVAL, "vm_bind_ioctl_check_args");
		REJECT_IF(!mirror, -EINVAL, "vm_bind_ioctl_check_args");
		return 0;
	default:
		return vdev_reject(-EINVAL, "vm_bind_ioctl_check_args");
	}
}

int vdev_check_vm_bind(struct vdev_file *f, const struct drm_xe_vm_bind *a, struct vdev_vm **vmp,
		       struct vdev_queue **qp)
{
	const struct drm_xe_sync *syncs = (const struct drm_xe_sync *)(uintptr_t)a->syncs;
	const struct drm_xe_vm_bind_op *ops;
	struct vdev_queue *q = NULL;
	struct vdev_vm *vm;
	int ret;

	REJECT_IF(a->extensions || a->pad || a->pad2 || !zero(a->reserved, sizeof(a->reserved)),
		  -EINVAL, "vm_bind_ioctl_check_args");
	vm = vdev_vm_find(f, a->vm_id);
	REJECT_IF(!vm, -ENOENT, "xe_vm_bind_ioctl");
	if (a->exec_queue_id) {
		for (q = f->queues; q && q->id != a->exec_queue_id; q = q->next)
			;
		REJECT_IF(!q || !q->bind_queue, -ENOENT, "xe_vm_bind_ioctl");
	}
	ops = a->num_binds > 1 ? (const struct drm_xe_vm_bind_op *)(uintptr_t)a->vector_of_binds
			       : &a->bind;
	if ((ret = vdev_check_syncs(f, vm, syncs, a->num_syncs)))
		return ret;
	for (uint32_t i = 0; i < a->num_binds; i++)
		if ((ret = check_op(f, vm, &ops[i])))
			return ret;
	*vmp = vm;
	*qp = q;
	return 0;
}

int vdev_check_madvise(struct vdev_file *f, const struct drm_xe_madvise *a, struct vdev_vm *vm)
{
	(void)f;
	REJECT_IF(a->extensions || !zero(a->reserved, sizeof(a->reserved)), -EINVAL,
		  "madvise_args_are_sane");
	REJECT_IF((a->start | a->range) & (SZ_4K - 1) || a->range < SZ_4K, -EINVAL,
		  "madvise_args_are_sane");
	switch (a->type) {
	case DRM_XE_MEM_RANGE_ATTR_PREFERRED_LOC:
		REJECT_IF(a->preferred_mem_loc.reserved ||
			  a->preferred_mem_loc.migration_policy > DRM_XE_MIGRATE_ONLY_SYSTEM_PAGES ||
			  ((int32_t)a->preferred_mem_loc.devmem_fd <= 0 &&
			   a->preferred_mem_loc.region_instance), -EINVAL, "madvise_args_are_sane");
		/* A device fd: one of ours, and a VRAM region it has. */
		REJECT_IF((int32_t)a->preferred_mem_loc.devmem_fd > 0 &&
			  (!vdev_file_of((int)a->preferred_mem_loc.devmem_fd) || !vdev_preset->vram ||
			   a->preferred_mem_loc.region_instance > vdev_preset->num_tiles),
			  -EINVAL, "madvise_args_are_sane");
		break;
	case DRM_XE_MEM_RANGE_ATTR_ATOMIC:
		REJECT_IF(a->atomic.pad || a->atomic.reserved || a->atomic.val > DRM_XE_ATOMIC_CPU,
			  -EINVAL, "madvise_args_are_sane");
		break;
	case DRM_XE_MEM_RANGE_ATTR_PAT:
		REJECT_IF(a->pat_index.pad || a->pat_index.reserved, -EINVAL,
			  "madvise_args_are_sane");
		break;
	default:
		return vdev_reject(-EINVAL, "madvise_args_are_sane");
	}
	REJECT_IF(!vm, -ENOENT, "xe_vm_madvise_ioctl");
	REJECT_IF(!(vm->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE), -EINVAL, "xe_vm_madvise_ioctl");
	return 0;
}

int vdev_check_query_attrs(const struct drm_xe_vm_query_mem_range_attr *a, struct vdev_vm *vm)
{
	REJECT_IF(a->extensions || !zero(a->reserved, sizeof(a->reserved)) ||
		  (a->start | a->range) & (SZ_4K - 1) || !a->range, -EINVAL,
		  "xe_vm_query_vmas_attrs_ioctl");
	REJECT_IF(!vm, -ENOENT, "xe_vm_query_vmas_attrs_ioctl");
	return 0;
}

int vdev_check_gem_create(struct vdev_file *f, const struct drm_xe_gem_create *a)
{
	uint32_t regions = 1u | (vdev_preset->vram ? ((1u << (vdev_preset->num_tiles + 1)) - 2) : 0);

	REJECT_IF(a->extensions || !zero(a->reserved, sizeof(a->reserved)) ||
		  !zero(a->pad, sizeof(a->pad)), -EINVAL, "xe_gem_create_ioctl");
	REJECT_IF(!a->size || (a->size & (SZ_4K - 1)) || !a->placement || (a->placement & ~regions) ||
		  a->flags & ~7u || a->cpu_caching < DRM_XE_GEM_CPU_CACHING_WB ||
		  a->cpu_caching > DRM_XE_GEM_CPU_CACHING_WC, -EINVAL, "xe_gem_create_ioctl");
	REJECT_IF(a->vm_id && !vdev_vm_find(f, a->vm_id), -ENOENT, "xe_gem_create_ioctl");
	return 0;
}

int vdev_check_gem_mmap_offset(struct vdev_file *f, const struct drm_xe_gem_mmap_offset *a)
{
	REJECT_IF(a->extensions || a->flags || !zero(a->reserved, sizeof(a->reserved)), -EINVAL,
		  "xe_gem_mmap_offset_ioctl");
	REJECT_IF(!vdev_bo_find(f, a->handle), -ENOENT, "xe_gem_mmap_offset_ioctl");
	return 0;
}

int vdev_check_queue_create(struct vdev_file *f, const struct drm_xe_exec_queue_create *a,
			    struct drm_xe_engine_class_instance *eci, struct vdev_vm **vmp)
{
	struct vdev_vm *vm;

	REJECT_IF(a->extensions || a->flags || a->reserved[0] || a->reserved[1] || a->width != 1 ||
		  a->num_placements != 1, -EINVAL, "xe_exec_queue_create_ioctl");
	REJECT_IF(vdev_cpu_read(a->instances, eci, sizeof(*eci)), -EFAULT,
		  "xe_exec_queue_create_ioctl");
	vm = vdev_vm_find(f, a->vm_id);
	REJECT_IF(!vm, -ENOENT, "xe_exec_queue_create_ioctl");
	if (eci->engine_class == DRM_XE_ENGINE_CLASS_VM_BIND)
		REJECT_IF(eci->engine_instance || eci->gt_id, -EINVAL, "xe_exec_queue_create_ioctl");
	else
		REJECT_IF(!vdev_engine_exists(eci), -EINVAL, "xe_exec_queue_create_ioctl");
	*vmp = vm;
	return 0;
}

int vdev_check_queue_destroy(const struct drm_xe_exec_queue_destroy *a)
{
	REJECT_IF(a->pad || a->reserved[0] || a->reserved[1], -EINVAL,
		  "xe_exec_queue_destroy_ioctl");
	return 0;
}

int vdev_check_queue_get_property(const struct drm_xe_exec_queue_get_property *a,
				  const struct vdev_queue *q)
{
	REJECT_IF(a->extensions || a->reserved[0] || a->reserved[1], -EINVAL,
		  "xe_exec_queue_get_property_ioctl");
	REJECT_IF(!q, -ENOENT, "xe_exec_queue_get_property_ioctl");
	REJECT_IF(a->property != DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN, -EINVAL,
		  "xe_exec_queue_get_property_ioctl");
	return 0;
}

int vdev_check_syncs(struct vdev_file *f, struct vdev_vm *vm, const struct drm_xe_sync *syncs,
		     uint32_t num)
{
	unsigned int ufences = 0;

	REJECT_IF(num && !syncs, -EFAULT, "xe_sync_entry_parse");
	for (uint32_t i = 0; i < num; i++) {
		const struct drm_xe_sync *s = &syncs[i];

		REJECT_IF(s->extensions || s->reserved[0] || s->reserved[1], -EINVAL,
			  "xe_sync_entry_parse");
		switch (s->type) {
		case DRM_XE_SYNC_TYPE_USER_FENCE:
			REJECT_IF(!(s->flags & DRM_XE_SYNC_FLAG_SIGNAL) || (s->addr & 7) ||
				  ++ufences > 1, -EINVAL, "xe_sync_entry_parse");
			break;
		case DRM_XE_SYNC_TYPE_SYNCOBJ:
			REJECT_IF((s->flags & DRM_XE_SYNC_FLAG_SIGNAL) && vm &&
				  (vm->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE), -EOPNOTSUPP,
				  "xe_sync_entry_parse");
			REJECT_IF(!vdev_syncobj_find(f, s->handle), -ENOENT, "xe_sync_entry_parse");
			break;
		default:
			return vdev_reject(-EINVAL, "xe_sync_entry_parse");
		}
	}
	return 0;
}

int vdev_check_exec(struct vdev_file *f, const struct drm_xe_exec *a, const struct vdev_queue *q)
{
	const struct drm_xe_sync *syncs = (const struct drm_xe_sync *)(uintptr_t)a->syncs;

	REJECT_IF(a->extensions || a->pad[0] || a->pad[1] || a->pad[2] || a->reserved[0] ||
		  a->reserved[1], -EINVAL, "xe_exec_ioctl");
	REJECT_IF(!q || q->bind_queue, -ENOENT, "xe_exec_ioctl");
	/* 0 is a job of syncs only; more than one needs a parallel queue (none here). */
	REJECT_IF(a->num_batch_buffer > 1, -EINVAL, "xe_exec_ioctl");
	REJECT_IF(q->banned, -ECANCELED, "xe_exec_ioctl");
	return vdev_check_syncs(f, q->vm, syncs, a->num_syncs);
}

int vdev_check_wait_ufence(const struct drm_xe_wait_user_fence *a)
{
	REJECT_IF(a->extensions || a->pad || a->pad2 || a->reserved[0] || a->reserved[1] ||
		  (a->addr & 7) || a->op > DRM_XE_UFENCE_WAIT_OP_LTE ||
		  (a->flags & ~DRM_XE_UFENCE_WAIT_FLAG_ABSTIME), -EINVAL,
		  "xe_wait_user_fence_ioctl");
	return 0;
}

/* ---- the record of refused ioctls ($VDEV_REJECT_LOG) ---- */

static const struct {
	unsigned long request;
	const char *name;
} ioctl_names[] = {
	{ DRM_IOCTL_XE_DEVICE_QUERY, "DEVICE_QUERY" },
	{ DRM_IOCTL_XE_GEM_CREATE, "GEM_CREATE" },
	{ DRM_IOCTL_XE_GEM_MMAP_OFFSET, "GEM_MMAP_OFFSET" },
	{ DRM_IOCTL_XE_VM_CREATE, "VM_CREATE" },
	{ DRM_IOCTL_XE_VM_DESTROY, "VM_DESTROY" },
	{ DRM_IOCTL_XE_VM_BIND, "VM_BIND" },
	{ DRM_IOCTL_XE_EXEC_QUEUE_CREATE, "EXEC_QUEUE_CREATE" },
	{ DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, "EXEC_QUEUE_DESTROY" },
	{ DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, "EXEC_QUEUE_GET_PROPERTY" },
	{ DRM_IOCTL_XE_EXEC, "EXEC" },
	{ DRM_IOCTL_XE_WAIT_USER_FENCE, "WAIT_USER_FENCE" },
	{ DRM_IOCTL_XE_MADVISE, "MADVISE" },
	{ DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, "VM_QUERY_MEM_RANGE_ATTRS" },
};

/*
 * One line per refused ioctl: "pid ioctl errno check".  Written with raw
 * system calls: the library's own open() is interposed, and a buffered
 * stream would lose lines when the test _exit()s.
 */
void vdev_record_rejection(unsigned long request, int err)
{
	const char *path = getenv("VDEV_REJECT_LOG"), *name = "DRM_CORE";
	char line[256];
	int fd, len;

	if (!path || !*path || !vdev_failed_check)
		return;
	for (size_t i = 0; i < sizeof(ioctl_names) / sizeof(ioctl_names[0]); i++)
		if (ioctl_names[i].request == request)
			name = ioctl_names[i].name;
	len = snprintf(line, sizeof(line), "%d %s %s %s\n", getpid(), name,
		       strerrorname_np(-err) ?: "?", vdev_failed_check);
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (syscall(SYS_write, fd, line, (size_t)len) != len)
		fprintf(stderr, "vdev: could not write %s\n", path);
	vdev_real_close(fd);
}
