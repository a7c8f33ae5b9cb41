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
#include "lib/util.h"

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

/*
 * Each check below is one of Linux 7.3.4's, named by the driver function
 * that makes it, in the driver's order (which check answers when several
 * fail matters for the errno).  A check the driver does not make has no
 * place here; what vdev cannot do at all is refused under a name that
 * starts with "vdev:", so the record tells it apart.
 */

/* ---- xe_vm.c ---- */

int vdev_check_vm_create(const struct drm_xe_vm_create *a)
{
	const uint32_t known = DRM_XE_VM_CREATE_FLAG_SCRATCH_PAGE | DRM_XE_VM_CREATE_FLAG_LR_MODE |
			       DRM_XE_VM_CREATE_FLAG_FAULT_MODE | DRM_XE_VM_CREATE_FLAG_NO_VM_OVERCOMMIT;
	uint32_t fl = a->flags;

	REJECT_IF(a->extensions, -EINVAL, "xe_vm_create_ioctl");
	REJECT_IF((fl & DRM_XE_VM_CREATE_FLAG_FAULT_MODE) && !vdev_preset->faults, -EINVAL,
		  "xe_vm_create_ioctl: FAULT_MODE without has_usm");
	REJECT_IF(!zero(a->reserved, sizeof(a->reserved)), -EINVAL, "xe_vm_create_ioctl");
	REJECT_IF(fl & ~known, -EINVAL, "xe_vm_create_ioctl");
	REJECT_IF((fl & DRM_XE_VM_CREATE_FLAG_SCRATCH_PAGE) && (fl & DRM_XE_VM_CREATE_FLAG_FAULT_MODE) &&
		  !vdev_preset->needs_scratch, -EINVAL, "xe_vm_create_ioctl");
	REJECT_IF(!(fl & DRM_XE_VM_CREATE_FLAG_LR_MODE) && (fl & DRM_XE_VM_CREATE_FLAG_FAULT_MODE),
		  -EINVAL, "xe_vm_create_ioctl");
	REJECT_IF(!(fl & DRM_XE_VM_CREATE_FLAG_FAULT_MODE) &&
		  (fl & DRM_XE_VM_CREATE_FLAG_NO_VM_OVERCOMMIT), -EINVAL, "xe_vm_create_ioctl");
	return 0;
}

int vdev_check_vm_destroy(const struct drm_xe_vm_destroy *a)
{
	REJECT_IF(a->pad || !zero(a->reserved, sizeof(a->reserved)), -EINVAL,
		  "xe_vm_destroy_ioctl");
	return 0;
}

int vdev_check_vm_destroy_busy(struct vdev_file *f, const struct vdev_vm *vm)
{
	bool preempt_fence_mode = (vm->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE) &&
				  !(vm->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE);

	for (const struct vdev_queue *q = f->queues; q; q = q->next) {
		if (q->vm != vm)
			continue;
		/* 7.3.4 counts the exec queues of preempt-fence VMs only. */
		REJECT_IF(preempt_fence_mode && !q->bind_queue, -EBUSY, "xe_vm_destroy_ioctl");
		/* Elsewhere a queue keeps its VM alive: vdev's queues do not. */
		return vdev_reject(-EBUSY, "vdev: VM_DESTROY under live exec queues is not modelled");
	}
	return 0;
}

/* The per-op checks of vm_bind_ioctl_check_args, PAT rules included. */
static int check_op_args(struct vdev_vm *vm, const struct drm_xe_vm_bind_op *op)
{
	const uint32_t supported = (DRM_XE_VM_BIND_FLAG_DECOMPRESS << 1) - 1;
	const char *const where = "vm_bind_ioctl_check_args";
	uint32_t fl = op->flags, o = op->op, region = op->prefetch_mem_region_instance;
	bool null = fl & DRM_XE_VM_BIND_FLAG_NULL;
	bool mirror = fl & DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR;
	bool decompress = fl & DRM_XE_VM_BIND_FLAG_DECOMPRESS;
	bool userptr = o == DRM_XE_VM_BIND_OP_MAP_USERPTR;
	enum vdev_coh coh;
	bool comp;

	REJECT_IF(mirror && !(vm->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE), -EINVAL, where);
	REJECT_IF(op->pat_index >= vdev_pat_n_entries(), -EINVAL, where);
	coh = vdev_pat_coh(op->pat_index);
	comp = vdev_pat_comp_en(op->pat_index);
	REJECT_IF(coh == VDEV_COH_RESERVED, -EINVAL, where);
	REJECT_IF(o > DRM_XE_VM_BIND_OP_PREFETCH || (fl & ~supported), -EINVAL, where);
	REJECT_IF(op->obj && (null || mirror), -EINVAL, where);
	REJECT_IF(op->obj_offset && (null || mirror), -EINVAL, where);
	REJECT_IF(o != DRM_XE_VM_BIND_OP_MAP && (decompress || null || mirror), -EINVAL, where);
	REJECT_IF(decompress && comp, -EINVAL, where);
	REJECT_IF(!op->obj && o == DRM_XE_VM_BIND_OP_MAP && !null && !mirror, -EINVAL, where);
	REJECT_IF(o == DRM_XE_VM_BIND_OP_UNMAP_ALL && (!op->obj || op->addr || op->range), -EINVAL,
		  where);
	REJECT_IF(userptr && (op->obj || coh == VDEV_COH_NONE), -EINVAL, where);
	/* An integrated GPU shares the CPU's caches: mirrored memory must be snooped. */
	REJECT_IF(!vdev_preset->dgfx && coh == VDEV_COH_NONE && mirror, -EINVAL, where);
	REJECT_IF(vdev_l2_flush_optimized() && (userptr || mirror) && op->pat_index != 19 &&
		  coh != VDEV_COH_2WAY, -EINVAL, where);
	REJECT_IF(comp && userptr, -EINVAL, where);
	REJECT_IF(op->obj && o == DRM_XE_VM_BIND_OP_PREFETCH, -EINVAL, where);
	REJECT_IF(region && o != DRM_XE_VM_BIND_OP_PREFETCH, -EINVAL, where);
	REJECT_IF(region != (uint32_t)DRM_XE_CONSULT_MEM_ADVISE_PREF_LOC &&
		  (region >= 32 || !((1u << region) & vdev_mem_region_mask())), -EINVAL, where);
	REJECT_IF(op->obj && o == DRM_XE_VM_BIND_OP_UNMAP, -EINVAL, where);
	REJECT_IF((fl & DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET) &&
		  (!mirror || o != DRM_XE_VM_BIND_OP_MAP), -EINVAL, where);
	REJECT_IF((op->obj_offset | op->addr | op->range) & (SZ_4K - 1), -EINVAL, where);
	REJECT_IF(!op->range && o != DRM_XE_VM_BIND_OP_UNMAP_ALL, -EINVAL, where);
	/* No flat CCS on the presets (a DG2 has it, but graphics < 20). */
	REJECT_IF(decompress, -EOPNOTSUPP, where);
	return 0;
}

/* xe_vm_bind_ioctl_validate_bo: the BO against the op. */
static int check_op_bo(const struct drm_xe_vm_bind_op *op, const struct vdev_bo *bo)
{
	const char *const where = "xe_vm_bind_ioctl_validate_bo";
	enum vdev_coh coh = vdev_pat_coh(op->pat_index);

	REJECT_IF(bo->no_compression && vdev_pat_comp_en(op->pat_index), -EINVAL, where);
	REJECT_IF(op->range > bo->size || op->obj_offset > bo->size - op->range, -EINVAL, where);
	/* XE_BO_FLAG_INTERNAL_64K: VRAM BOs of platforms that need 64K pages there. */
	REJECT_IF(bo->vram && vdev_preset->min_alignment == 65536 &&
		  ((op->obj_offset | op->addr | op->range) & 0xffff), -EINVAL, where);
	REJECT_IF(coh == VDEV_COH_NONE && bo->cpu_caching == DRM_XE_GEM_CPU_CACHING_WB, -EINVAL,
		  where);
	return 0;
}

int vdev_check_vm_bind(struct vdev_file *f, const struct drm_xe_vm_bind *a, struct vdev_vm **vmp,
		       struct vdev_queue **qp)
{
	const struct drm_xe_sync *syncs = (const struct drm_xe_sync *)(uintptr_t)a->syncs;
	const struct drm_xe_vm_bind_op *ops;
	uint64_t vm_size = 1ull << vdev_preset->va_bits;
	struct vdev_queue *q = NULL;
	struct vdev_vm *vm;
	int ret;

	vm = vdev_vm_find(f, a->vm_id);
	REJECT_IF(!vm, -EINVAL, "xe_vm_bind_ioctl");
	REJECT_IF(a->pad || a->pad2 || !zero(a->reserved, sizeof(a->reserved)) || a->extensions,
		  -EINVAL, "vm_bind_ioctl_check_args");
	REJECT_IF(a->num_syncs > DRM_XE_MAX_SYNCS, -EINVAL, "vm_bind_ioctl_check_args");
	ops = a->num_binds > 1 ? (const struct drm_xe_vm_bind_op *)(uintptr_t)a->vector_of_binds
			       : &a->bind;
	REJECT_IF(a->num_binds > 1 && !ops, -EFAULT, "vm_bind_ioctl_check_args");
	for (uint32_t i = 0; i < a->num_binds; i++)
		if ((ret = check_op_args(vm, &ops[i])))
			return ret;
	if (a->exec_queue_id) {
		for (q = f->queues; q && q->id != a->exec_queue_id; q = q->next)
			;
		REJECT_IF(!q, -ENOENT, "xe_vm_bind_ioctl");
		REJECT_IF(!q->bind_queue, -EINVAL, "xe_vm_bind_ioctl");
		REJECT_IF(q->vm != vm, -EINVAL, "xe_vm_bind_ioctl");
	}
	for (uint32_t i = 0; i < a->num_binds; i++)
		REJECT_IF(ops[i].range > vm_size || ops[i].addr > vm_size - ops[i].range, -EINVAL,
			  "xe_vm_bind_ioctl");
	for (uint32_t i = 0; i < a->num_binds; i++) {
		struct vdev_bo *bo;

		if (!ops[i].obj)
			continue;
		bo = vdev_bo_find(f, ops[i].obj);
		REJECT_IF(!bo, -ENOENT, "xe_vm_bind_ioctl");
		if ((ret = check_op_bo(&ops[i], bo)))
			return ret;
	}
	if ((ret = vdev_check_syncs(f, vm, syncs, a->num_syncs, !a->num_binds)))
		return ret;
	*vmp = vm;
	*qp = q;
	return 0;
}

int vdev_check_query_attrs(const struct drm_xe_vm_query_mem_range_attr *a, struct vdev_vm *vm)
{
	REJECT_IF((!a->num_mem_ranges && (a->vector_of_mem_attr || a->sizeof_mem_range_attr)) ||
		  (a->num_mem_ranges && (!a->vector_of_mem_attr ||
					 a->sizeof_mem_range_attr != sizeof(struct drm_xe_mem_range_attr))),
		  -EINVAL, "xe_vm_query_vmas_attrs_ioctl");
	REJECT_IF(!vm, -EINVAL, "xe_vm_query_vmas_attrs_ioctl");
	return 0;
}

/* ---- xe_vm_madvise.c ---- */

/* Whether [start, end) of @vm holds mirror memory (a CPU_ADDR_MIRROR VMA). */
static bool has_mirror(const struct vdev_vm *vm, uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < vm->num_mirror; i++)
		if (vm->mirror[i].end > start && vm->mirror[i].start < end)
			return true;
	return false;
}

static bool has_wb_bo(const struct vdev_vm *vm, uint64_t start, uint64_t end)
{
	for (const struct vdev_bo_map *m = vm->maps; m; m = m->next)
		if (m->end > start && m->start < end && m->bo &&
		    m->bo->cpu_caching == DRM_XE_GEM_CPU_CACHING_WB)
			return true;
	return false;
}

int vdev_check_madvise(struct vdev_file *f, const struct drm_xe_madvise *a, struct vdev_vm *vm)
{
	const char *const sane = "madvise_args_are_sane";
	uint64_t start = a->start, end = a->start + a->range;

	REJECT_IF(!vm, -EINVAL, "xe_vm_madvise_ioctl");
	REJECT_IF((a->start | a->range) & (SZ_4K - 1) || a->range < SZ_4K, -EINVAL, sane);
	switch (a->type) {
	case DRM_XE_MEM_RANGE_ATTR_PREFERRED_LOC: {
		int32_t fd = (int32_t)a->preferred_mem_loc.devmem_fd;

		REJECT_IF(fd < DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM, -EINVAL, sane);
		REJECT_IF(fd <= DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE &&
			  a->preferred_mem_loc.region_instance, -EINVAL, sane);
		REJECT_IF(a->preferred_mem_loc.migration_policy > DRM_XE_MIGRATE_ONLY_SYSTEM_PAGES,
			  -EINVAL, sane);
		REJECT_IF(a->preferred_mem_loc.reserved, -EINVAL, sane);
		break;
	}
	case DRM_XE_MEM_RANGE_ATTR_ATOMIC:
		REJECT_IF(a->atomic.val > DRM_XE_ATOMIC_CPU || a->atomic.pad || a->atomic.reserved,
			  -EINVAL, sane);
		break;
	case DRM_XE_MEM_RANGE_ATTR_PAT:
		REJECT_IF(a->pat_index.val >= vdev_pat_n_entries(), -EINVAL, sane);
		REJECT_IF(vdev_pat_coh(a->pat_index.val) == VDEV_COH_RESERVED, -EINVAL, sane);
		REJECT_IF(a->pat_index.pad || a->pat_index.reserved, -EINVAL, sane);
		break;
	default:
		/* DRM_XE_VMA_ATTR_PURGEABLE_STATE (BOs only) is not modelled either. */
		return vdev_reject(-EINVAL, sane);
	}
	REJECT_IF(a->reserved[0] || a->reserved[1], -EINVAL, sane);
	if (a->type == DRM_XE_MEM_RANGE_ATTR_PREFERRED_LOC &&
	    (int32_t)a->preferred_mem_loc.devmem_fd > 0) {
		/* xe_drm_pagemap_from_fd: an xe device fd, and a VRAM region of it (xe_devmem_open). */
		REJECT_IF(!vdev_file_of((int)a->preferred_mem_loc.devmem_fd), -ENOENT,
			  "xe_drm_pagemap_from_fd");
		REJECT_IF(!vdev_preset->vram || !a->preferred_mem_loc.region_instance ||
			  a->preferred_mem_loc.region_instance > vdev_preset->num_tiles, -ENOENT,
			  "xe_devmem_open");
	}
	if (a->type == DRM_XE_MEM_RANGE_ATTR_PAT) {
		enum vdev_coh coh = vdev_pat_coh(a->pat_index.val);

		REJECT_IF(has_mirror(vm, start, end) && vdev_l2_flush_optimized() &&
			  a->pat_index.val != 19 && coh != VDEV_COH_2WAY, -EINVAL,
			  "xe_vm_madvise_ioctl");
		/* System memory is CPU cached: no snoop-less PAT over it on an iGPU. */
		REJECT_IF(coh == VDEV_COH_NONE && !vdev_preset->dgfx &&
			  (has_mirror(vm, start, end) || has_wb_bo(vm, start, end)), -EINVAL,
			  "check_pat_args_are_sane");
	}
	(void)f;
	return 0;
}

/* ---- xe_bo.c ---- */

int vdev_check_gem_create(struct vdev_file *f, const struct drm_xe_gem_create *a)
{
	const uint32_t known = DRM_XE_GEM_CREATE_FLAG_DEFER_BACKING | DRM_XE_GEM_CREATE_FLAG_SCANOUT |
			       DRM_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM |
			       DRM_XE_GEM_CREATE_FLAG_NO_COMPRESSION;
	const char *const where = "xe_gem_create_ioctl";
	bool vram = a->placement & ~1u;

	REJECT_IF(!zero(a->pad, sizeof(a->pad)) || !zero(a->reserved, sizeof(a->reserved)), -EINVAL,
		  where);
	REJECT_IF((a->placement & ~vdev_mem_region_mask()) || !a->placement, -EINVAL, where);
	REJECT_IF(a->flags & ~known, -EINVAL, where);
	REJECT_IF(a->handle, -EINVAL, where);
	REJECT_IF(!a->size || (a->size & (SZ_4K - 1)), -EINVAL, where);
	REJECT_IF((a->flags & DRM_XE_GEM_CREATE_FLAG_NO_COMPRESSION) &&
		  vdev_preset->graphics_verx100 < 2000, -EOPNOTSUPP, where);
	REJECT_IF((a->flags & DRM_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM) && !vram, -EINVAL, where);
	REJECT_IF(!a->cpu_caching || a->cpu_caching > DRM_XE_GEM_CPU_CACHING_WC, -EINVAL, where);
	REJECT_IF(vram && a->cpu_caching != DRM_XE_GEM_CPU_CACHING_WC, -EINVAL, where);
	/* SCANOUT forces WC. */
	REJECT_IF((a->flags & DRM_XE_GEM_CREATE_FLAG_SCANOUT) &&
		  a->cpu_caching == DRM_XE_GEM_CPU_CACHING_WB, -EINVAL, where);
	REJECT_IF(a->vm_id && !vdev_vm_find(f, a->vm_id), -ENOENT, where);
	/* The extension chain (SET_PROPERTY: PXP) is not modelled. */
	REJECT_IF(a->extensions, -EINVAL, "vdev: gem_create extensions are not modelled");
	return 0;
}

int vdev_check_gem_mmap_offset(struct vdev_file *f, const struct drm_xe_gem_mmap_offset *a)
{
	REJECT_IF(a->extensions || !zero(a->reserved, sizeof(a->reserved)), -EINVAL,
		  "xe_gem_mmap_offset_ioctl");
	REJECT_IF(a->flags, -EINVAL, "vdev: the PCI barrier mmap offset is not modelled");
	REJECT_IF(!vdev_bo_find(f, a->handle), -ENOENT, "xe_gem_mmap_offset_ioctl");
	return 0;
}

/* ---- xe_exec_queue.c ---- */

int vdev_check_queue_create(struct vdev_file *f, const struct drm_xe_exec_queue_create *a,
			    struct drm_xe_engine_class_instance *eci, struct vdev_vm **vmp)
{
	const char *const where = "xe_exec_queue_create_ioctl";
	unsigned int len = a->width * a->num_placements;
	struct vdev_vm *vm;

	REJECT_IF(a->flags & ~DRM_XE_EXEC_QUEUE_LOW_LATENCY_HINT, -EINVAL, where);
	REJECT_IF(a->reserved[0] || a->reserved[1], -EINVAL, where);
	REJECT_IF(!len || len > 9 * VDEV_MAX_ENGINES, -EINVAL, where);
	REJECT_IF(len != 1, -EINVAL, "vdev: parallel and virtual exec queues are not modelled");
	REJECT_IF(vdev_cpu_read(a->instances, eci, sizeof(*eci)), -EFAULT, where);
	REJECT_IF(eci->gt_id >= vdev_preset->num_gts, -EINVAL, where);
	if (eci->engine_class == DRM_XE_ENGINE_CLASS_VM_BIND) {
		REJECT_IF(eci->engine_instance, -EINVAL, where);
	} else {
		/* calc_validate_logical_mask, xe_hw_engine_lookup */
		REJECT_IF(!vdev_engine_exists(eci), -EINVAL, where);
	}
	vm = vdev_vm_find(f, a->vm_id);
	REJECT_IF(!vm, -ENOENT, where);
	REJECT_IF(a->extensions, -EINVAL, "vdev: exec queue extensions are not modelled");
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
	REJECT_IF(a->reserved[0] || a->reserved[1], -EINVAL, "xe_exec_queue_get_property_ioctl");
	REJECT_IF(!q, -ENOENT, "xe_exec_queue_get_property_ioctl");
	REJECT_IF(a->property != DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN, -EINVAL,
		  "xe_exec_queue_get_property_ioctl");
	return 0;
}

/* ---- xe_sync.c ---- */

int vdev_check_syncs(struct vdev_file *f, struct vdev_vm *vm, const struct drm_xe_sync *syncs,
		     uint32_t num, bool no_binds)
{
	const char *const where = "xe_sync_entry_parse";
	unsigned int ufences = 0;

	REJECT_IF(num && !syncs, -EFAULT, where);
	for (uint32_t i = 0; i < num; i++) {
		const struct drm_xe_sync *s = &syncs[i];
		bool signal = s->flags & DRM_XE_SYNC_FLAG_SIGNAL;
		bool lr = vm && (vm->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE);
		const struct vdev_syncobj *obj;

		REJECT_IF((s->flags & ~DRM_XE_SYNC_FLAG_SIGNAL) || s->reserved[0] || s->reserved[1],
			  -EINVAL, where);
		switch (s->type) {
		case DRM_XE_SYNC_TYPE_SYNCOBJ:
			REJECT_IF(lr && signal, -EOPNOTSUPP, where);
			REJECT_IF(s->addr >> 32, -EINVAL, where);
			obj = vdev_syncobj_find(f, s->handle);
			REJECT_IF(!obj, -ENOENT, where);
			/*
			 * 7.3.4 also refuses (EINVAL) an in-sync on a syncobj
			 * without a fence; vdev does not track fences of syncobjs.
			 */
			break;
		case DRM_XE_SYNC_TYPE_USER_FENCE:
			/* A VM_BIND of no ops signals at once: it takes no user fence. */
			REJECT_IF(no_binds, -EOPNOTSUPP, where);
			REJECT_IF(!signal, -EOPNOTSUPP, where);
			REJECT_IF(s->addr & 7, -EINVAL, where);
			ufences++;
			break;
		case DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ:
			return vdev_reject(-EINVAL, "vdev: timeline syncobjs are not modelled");
		default:
			return vdev_reject(-EINVAL, where);
		}
	}
	/* Counted by the callers, after every sync parsed (xe_vm_bind_ioctl, xe_exec_ioctl). */
	REJECT_IF(ufences > 1, -EINVAL, "xe_vm_bind_ioctl/xe_exec_ioctl: num_ufence > 1");
	return 0;
}

/* ---- xe_exec.c, xe_wait_user_fence.c ---- */

int vdev_check_exec(struct vdev_file *f, const struct drm_xe_exec *a, const struct vdev_queue *q)
{
	const struct drm_xe_sync *syncs = (const struct drm_xe_sync *)(uintptr_t)a->syncs;

	REJECT_IF(a->extensions || a->pad[0] || a->pad[1] || a->pad[2] || a->reserved[0] ||
		  a->reserved[1] || a->num_syncs > DRM_XE_MAX_SYNCS, -EINVAL, "xe_exec_ioctl");
	REJECT_IF(!q, -ENOENT, "xe_exec_ioctl");
	REJECT_IF(q->bind_queue, -EINVAL, "xe_exec_ioctl");
	REJECT_IF(a->num_batch_buffer && a->num_batch_buffer != 1, -EINVAL, "xe_exec_ioctl");
	REJECT_IF(q->banned, -ECANCELED, "xe_exec_ioctl");
	REJECT_IF(!a->num_batch_buffer, -EINVAL, "vdev: EXEC without a batch is not modelled");
	return vdev_check_syncs(f, q->vm, syncs, a->num_syncs, false);
}

int vdev_check_wait_ufence(const struct drm_xe_wait_user_fence *a)
{
	REJECT_IF(a->extensions || a->pad || a->pad2 || a->reserved[0] || a->reserved[1] ||
		  (a->flags & ~DRM_XE_UFENCE_WAIT_FLAG_ABSTIME) || a->op > DRM_XE_UFENCE_WAIT_OP_LTE ||
		  (a->addr & 7), -EINVAL, "xe_wait_user_fence_ioctl");
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

/* Copies @src, cut to fit (names of the suite's programs and subtests are short). */
static void copy_word(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src) < len - 1 ? strlen(src) : len - 1;

	memcpy(dst, src, n);
	dst[n] = 0;
}

/*
 * What runs: the program's name and its --run-subtest argument ("-" when
 * it runs them all), from /proc/self/cmdline.
 */
static void who(char *bin, size_t bin_len, char *subtest, size_t sub_len)
{
	char buf[4096];
	ssize_t n = 0;
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/cmdline", O_RDONLY | O_CLOEXEC);

	snprintf(bin, bin_len, "?");
	snprintf(subtest, sub_len, "-");
	if (fd < 0)
		return;
	n = syscall(SYS_read, fd, buf, sizeof(buf) - 1);
	vdev_real_close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	for (char *arg = buf, *prev = NULL; arg < buf + n; prev = arg, arg += strlen(arg) + 1) {
		if (arg == buf) {
			const char *slash = strrchr(arg, '/');

			copy_word(bin, bin_len, slash ? slash + 1 : arg);
		} else if (prev && !strcmp(prev, "--run-subtest")) {
			copy_word(subtest, sub_len, arg);
		}
	}
}

/*
 * One line per refused ioctl: "preset binary subtest IOCTL ERRNO check".
 * Written with raw system calls: the library's own open() is interposed,
 * and a buffered stream would lose lines when the test _exit()s.  The one
 * writer of the log, for the xe node and amdkfd alike (kfd_ioctl.c).
 */
void vdev_record_rejection_named(const char *ioctl, int err, const char *check)
{
	const char *path = getenv("VDEV_REJECT_LOG");
	char line[512], bin[64], subtest[128];
	int fd, len;

	if (!path || !*path || !check)
		return;
	who(bin, sizeof(bin), subtest, sizeof(subtest));
	len = snprintf(line, sizeof(line), "%s %s %s %s %s %s\n", vdev_preset->name, bin, subtest,
		       ioctl, strerrorname_np(-err) ?: "?", check);
	if (len < 0 || (size_t)len >= sizeof(line))
		return;
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (syscall(SYS_write, fd, line, (size_t)len) != len)
		fprintf(stderr, "vdev: could not write %s\n", path);
	vdev_real_close(fd);
}

void vdev_record_rejection(unsigned long request, int err)
{
	const char *name = "DRM_CORE";

	for (size_t i = 0; i < sizeof(ioctl_names) / sizeof(ioctl_names[0]); i++)
		if (ioctl_names[i].request == request)
			name = ioctl_names[i].name;
	vdev_record_rejection_named(name, err, vdev_failed_check);
}
