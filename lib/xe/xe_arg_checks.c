/* SPDX-License-Identifier: MIT */
/*
 * The argument-check catalogue (xe_arg_checks.h).  Each case changes one
 * field of a call that is otherwise valid; the "check" field names the
 * Linux 7.3.4 function that refuses it (drivers/gpu/drm/xe/).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xe_arg_checks.h"
#include "xe_ioctl.h"
#include "util.h"

#define VA 0x100000ull

static struct drm_xe_vm_bind_op base_op(const struct xe_arg_ctx *c)
{
	/* An UNMAP of a page of the mirror: valid on any VM of the suite. */
	struct drm_xe_vm_bind_op op = xe_op_unmap(VA, SZ_4K, 0);

	op.pat_index = c->pat->wb;
	return op;
}

static int bind(const struct xe_arg_ctx *c, const struct drm_xe_vm_bind_op *op)
{
	return __xe_vm_bind(c->fd, c->vm, 0, op, NULL, 0);
}

static int bind_args(const struct xe_arg_ctx *c, struct drm_xe_vm_bind *a)
{
	return __xe_ioctl(c->fd, DRM_IOCTL_XE_VM_BIND, a);
}

static struct drm_xe_vm_bind bind_of(const struct xe_arg_ctx *c)
{
	return (struct drm_xe_vm_bind){ .vm_id = c->vm, .num_binds = 1, .bind = base_op(c) };
}

/* ---- applicability ---- */

static bool has_vram(const struct xe_arg_ctx *c) { return xe_has_vram(c->dev); }
static bool needs_64k(const struct xe_arg_ctx *c)
{
	return xe_has_vram(c->dev) && c->dev->min_alignment == SZ_64K;
}

/* The first index of @pat with coherency @coh, -1 if none. */
static int find_coh(const struct xe_pat *pat, int coh)
{
	for (unsigned int i = 0; i < pat->n_entries; i++)
		if (pat->coh[i] == coh)
			return (int)i;
	return -1;
}

/* The first valid index a mirror bind may not use, -1 if none. */
static int mirror_refused_index(const struct xe_pat *pat)
{
	for (unsigned int i = 0; i < pat->n_entries; i++)
		if (pat->coh[i] != XE_PAT_RESERVED && !xe_pat_ok_for_mirror(pat, i))
			return (int)i;
	return -1;
}

static bool has_reserved_pat(const struct xe_arg_ctx *c) { return find_coh(c->pat, XE_PAT_RESERVED) >= 0; }
static bool has_mirror_refused_pat(const struct xe_arg_ctx *c) { return mirror_refused_index(c->pat) >= 0; }
static bool integrated(const struct xe_arg_ctx *c) { return !c->pat->dgfx; }

/* ---- VM_CREATE, VM_DESTROY (xe_vm.c) ---- */

static int vm_create_args(const struct xe_arg_ctx *c, struct drm_xe_vm_create *a)
{
	int ret = __xe_ioctl(c->fd, DRM_IOCTL_XE_VM_CREATE, a);

	if (!ret)
		__xe_vm_destroy(c->fd, a->vm_id);	/* refused or not, leave nothing behind */
	return ret;
}

static int vm_create_extensions(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_create a = { .extensions = 1 };

	return vm_create_args(c, &a);
}

static int vm_create_reserved(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_create a = { .reserved[1] = 1 };

	return vm_create_args(c, &a);
}

static int vm_create_unknown_flag(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_create a = { .flags = 1u << 4 };

	return vm_create_args(c, &a);
}

static int vm_fault_without_lr(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_create a = { .flags = DRM_XE_VM_CREATE_FLAG_FAULT_MODE };

	return vm_create_args(c, &a);
}

static int vm_no_overcommit_without_fault(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_create a = {
		.flags = DRM_XE_VM_CREATE_FLAG_LR_MODE | DRM_XE_VM_CREATE_FLAG_NO_VM_OVERCOMMIT,
	};

	return vm_create_args(c, &a);
}

static int vm_destroy_pad(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_destroy a = { .vm_id = c->vm, .pad = 1 };

	return __xe_ioctl(c->fd, DRM_IOCTL_XE_VM_DESTROY, &a);
}

static int vm_destroy_unknown(const struct xe_arg_ctx *c)
{
	return __xe_vm_destroy(c->fd, 0xfffff);
}

/* ---- VM_BIND: the ioctl (xe_vm_bind_ioctl, vm_bind_ioctl_check_args) ---- */

static int bind_unknown_vm(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind a = bind_of(c);

	a.vm_id = 0xfffff;
	return bind_args(c, &a);
}

static int bind_extensions(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind a = bind_of(c);

	a.extensions = 1;
	return bind_args(c, &a);
}

static int bind_reserved(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind a = bind_of(c);

	a.reserved[0] = 1;
	return bind_args(c, &a);
}

static int bind_too_many_syncs(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind a = bind_of(c);

	a.num_syncs = DRM_XE_MAX_SYNCS + 1;
	return bind_args(c, &a);
}

/* ---- VM_BIND: one op (vm_bind_ioctl_check_args) ---- */

static int bind_pat_out_of_range(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = base_op(c);

	op.pat_index = (uint16_t)c->pat->n_entries;
	return bind(c, &op);
}

static int bind_pat_reserved(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = base_op(c);

	op.pat_index = (uint16_t)find_coh(c->pat, XE_PAT_RESERVED);
	return bind(c, &op);
}

static int bind_unknown_op(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = base_op(c);

	op.op = DRM_XE_VM_BIND_OP_PREFETCH + 1;
	return bind(c, &op);
}

static int bind_unknown_flag(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = base_op(c);

	op.flags = DRM_XE_VM_BIND_FLAG_DECOMPRESS << 1;
	return bind(c, &op);
}

static int mirror_with_obj(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = xe_op_mirror(VA, SZ_4K, 0);

	op.obj = 1;
	return bind(c, &op);
}

static int mirror_with_offset(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = xe_op_mirror(VA, SZ_4K, 0);

	op.obj_offset = SZ_4K;
	return bind(c, &op);
}

/* The flag the suite once put on its prefetches: a prefetch is not a MAP. */
static int prefetch_with_mirror_flag(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = xe_op_prefetch(VA, SZ_4K, 0);

	op.flags |= DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR;
	return bind(c, &op);
}

static int unmap_with_mirror_flag(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = base_op(c);

	op.flags |= DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR;
	return bind(c, &op);
}

static int map_without_obj(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = xe_op_bo(0, 0, VA, SZ_4K, 0);

	return bind(c, &op);
}

static int prefetch_with_obj(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = xe_op_prefetch(VA, SZ_4K, 0);

	op.obj = 1;
	return bind(c, &op);
}

static int unmap_with_obj(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = base_op(c);

	op.obj = 1;
	return bind(c, &op);
}

static int region_on_unmap(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = base_op(c);

	op.prefetch_mem_region_instance = 1;
	return bind(c, &op);
}

/* A region instance the device does not have (the mask has at most bits 0..tiles). */
static int prefetch_unknown_region(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = xe_op_prefetch(VA, SZ_4K, 31);

	return bind(c, &op);
}

static int autoreset_without_mirror(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = base_op(c);

	op.flags = DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET;
	return bind(c, &op);
}

static int bind_unaligned(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = base_op(c);

	op.addr += 0x800;
	return bind(c, &op);
}

static int bind_zero_range(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = base_op(c);

	op.range = 0;
	return bind(c, &op);
}

static int mirror_on_plain_vm(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = xe_op_mirror(VA, SZ_4K, 0);
	uint32_t vm;
	int ret;

	if (__xe_vm_create(c->fd, 0, &vm))
		return XE_ARG_SETUP_FAILED;
	ret = __xe_vm_bind(c->fd, vm, 0, &op, NULL, 0);
	__xe_vm_destroy(c->fd, vm);
	return ret;
}

/* An integrated GPU: mirrored memory needs a snooping PAT index. */
static int mirror_pat_refused(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = xe_op_mirror(VA, SZ_4K, 0);

	op.pat_index = (uint16_t)mirror_refused_index(c->pat);
	return bind(c, &op);
}

/* ---- VM_BIND: queue, range, BO (xe_vm_bind_ioctl, xe_vm_bind_ioctl_validate_bo) ---- */

static int bind_unknown_queue(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = base_op(c);

	return __xe_vm_bind(c->fd, c->vm, 0xfffff, &op, NULL, 0);
}

static int bind_on_exec_queue(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = base_op(c);

	return __xe_vm_bind(c->fd, c->vm, c->queue, &op, NULL, 0);
}

static int bind_queue_of_other_vm(const struct xe_arg_ctx *c)
{
	const struct drm_xe_engine_class_instance eci = { .engine_class = DRM_XE_ENGINE_CLASS_VM_BIND };
	struct drm_xe_vm_bind_op op = base_op(c);
	uint32_t vm, queue;
	int ret;

	if (__xe_vm_create(c->fd, 0, &vm))
		return XE_ARG_SETUP_FAILED;
	if (__xe_exec_queue_create(c->fd, vm, &eci, &queue)) {
		__xe_vm_destroy(c->fd, vm);
		return XE_ARG_SETUP_FAILED;
	}
	ret = __xe_vm_bind(c->fd, c->vm, queue, &op, NULL, 0);
	__xe_exec_queue_destroy(c->fd, queue);
	__xe_vm_destroy(c->fd, vm);
	return ret;
}

static int bind_beyond_va(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = base_op(c);

	op.addr = (1ull << c->dev->va_bits) - SZ_4K;
	op.range = 2 * SZ_4K;
	return bind(c, &op);
}

static int bind_unknown_bo(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = xe_op_bo(0xfffff, 0, VA, SZ_4K, 0);

	return bind(c, &op);
}

/* Binds a fresh BO of @placement with @op's fields changed by the caller. */
static int bind_new_bo(const struct xe_arg_ctx *c, uint32_t placement, uint64_t size,
		       struct drm_xe_vm_bind_op *op)
{
	uint32_t bo;
	int ret;

	if (__xe_bo_create(c->fd, 0, size, placement, &bo))
		return XE_ARG_SETUP_FAILED;
	op->obj = bo;
	ret = bind(c, op);
	if (!ret) {
		struct drm_xe_vm_bind_op unmap = xe_op_unmap(op->addr, op->range, 0);

		__xe_vm_bind_sync(c->fd, c->vm, &unmap);
	}
	__xe_gem_close(c->fd, bo);
	return ret;
}

static int bo_range_too_big(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = xe_op_bo(0, SZ_4K, VA, SZ_64K, 0);

	return bind_new_bo(c, 1, SZ_64K, &op);
}

/* A CPU-cached (WB) BO with a PAT index that does not snoop. */
static int bo_wb_noncoherent_pat(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_bind_op op = xe_op_bo(0, 0, VA, SZ_64K, 0);

	op.pat_index = (uint16_t)find_coh(c->pat, XE_PAT_COH_NONE);
	return bind_new_bo(c, 1, SZ_64K, &op);
}

/* VRAM BOs of 64K platforms map at 64K granularity only. */
static int bo_vram_4k_aligned(const struct xe_arg_ctx *c)
{
	int region = xe_tile_vram_region(c->dev, 0);
	struct drm_xe_vm_bind_op op = xe_op_bo(0, 0, VA + SZ_4K, SZ_64K, 0);

	if (region < 0)
		return XE_ARG_SETUP_FAILED;
	return bind_new_bo(c, 1u << region, 2 * SZ_64K, &op);
}

/* ---- syncs (xe_sync_entry_parse) ---- */

static int bind_sync(const struct xe_arg_ctx *c, uint32_t vm, const struct drm_xe_sync *syncs,
		     uint32_t n)
{
	struct drm_xe_vm_bind_op op = base_op(c);

	return __xe_vm_bind(c->fd, vm, 0, &op, syncs, n);
}

static uint64_t fence_words[4] __attribute__((aligned(8)));

static int sync_unknown_flag(const struct xe_arg_ctx *c)
{
	struct drm_xe_sync s = xe_sync_ufence(&fence_words[0], 1);

	s.flags |= 1u << 1;
	return bind_sync(c, c->vm, &s, 1);
}

static int sync_reserved(const struct xe_arg_ctx *c)
{
	struct drm_xe_sync s = xe_sync_ufence(&fence_words[0], 1);

	s.reserved[1] = 1;
	return bind_sync(c, c->vm, &s, 1);
}

static int sync_unknown_type(const struct xe_arg_ctx *c)
{
	struct drm_xe_sync s = xe_sync_ufence(&fence_words[0], 1);

	s.type = DRM_XE_SYNC_TYPE_USER_FENCE + 1;
	return bind_sync(c, c->vm, &s, 1);
}

static int ufence_unaligned(const struct xe_arg_ctx *c)
{
	struct drm_xe_sync s = xe_sync_ufence((uint64_t *)((char *)fence_words + 4), 1);

	return bind_sync(c, c->vm, &s, 1);
}

static int ufence_without_signal(const struct xe_arg_ctx *c)
{
	struct drm_xe_sync s = xe_sync_ufence(&fence_words[0], 1);

	s.flags = 0;
	return bind_sync(c, c->vm, &s, 1);
}

/* Counted after the parse, in xe_vm_bind_ioctl. */
static int two_ufences(const struct xe_arg_ctx *c)
{
	struct drm_xe_sync s[2] = { xe_sync_ufence(&fence_words[0], 1),
				    xe_sync_ufence(&fence_words[1], 1) };

	return bind_sync(c, c->vm, s, 2);
}

/* A VM_BIND of no ops signals its out-syncs at once: it takes no user fence. */
static int ufence_on_no_ops(const struct xe_arg_ctx *c)
{
	struct drm_xe_sync s = xe_sync_ufence(&fence_words[0], 1);

	return __xe_vm_bind_array(c->fd, c->vm, 0, NULL, 0, &s, 1);
}

static int syncobj_on_lr(const struct xe_arg_ctx *c)
{
	struct drm_xe_sync s = xe_sync_syncobj(0xfffff);

	return bind_sync(c, c->vm, &s, 1);
}

/* On a plain VM, where syncobjs are allowed: an @unknown handle, or @upper_bits set. */
static int syncobj_on_plain_vm(const struct xe_arg_ctx *c, bool unknown, bool upper_bits)
{
	struct drm_xe_sync s;
	uint32_t vm, obj = 0;
	int ret;

	if (__xe_vm_create(c->fd, 0, &vm))
		return XE_ARG_SETUP_FAILED;
	if (!unknown && __xe_syncobj_create(c->fd, &obj)) {
		__xe_vm_destroy(c->fd, vm);
		return XE_ARG_SETUP_FAILED;
	}
	s = xe_sync_syncobj(unknown ? 0xfffff : obj);
	if (upper_bits)
		s.addr |= 1ull << 32;
	ret = bind_sync(c, vm, &s, 1);
	if (obj)
		__xe_syncobj_destroy(c->fd, obj);
	__xe_vm_destroy(c->fd, vm);
	return ret;
}

static int syncobj_unknown(const struct xe_arg_ctx *c) { return syncobj_on_plain_vm(c, true, false); }
static int syncobj_upper_bits(const struct xe_arg_ctx *c) { return syncobj_on_plain_vm(c, false, true); }

/* ---- exec queues (xe_exec_queue.c) ---- */

static int queue_create_args(const struct xe_arg_ctx *c, struct drm_xe_exec_queue_create *a,
			     struct drm_xe_engine_class_instance *eci)
{
	int ret;

	a->instances = (uintptr_t)eci;
	if (!a->vm_id)
		a->vm_id = c->vm;
	ret = __xe_ioctl(c->fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, a);
	if (!ret)
		__xe_exec_queue_destroy(c->fd, a->exec_queue_id);
	return ret;
}

static struct drm_xe_engine_class_instance first_engine(const struct xe_arg_ctx *c)
{
	return c->dev->engines[0];
}

static int queue_unknown_flag(const struct xe_arg_ctx *c)
{
	struct drm_xe_engine_class_instance eci = first_engine(c);
	struct drm_xe_exec_queue_create a = { .width = 1, .num_placements = 1, .flags = 1u << 1 };

	return queue_create_args(c, &a, &eci);
}

static int queue_reserved(const struct xe_arg_ctx *c)
{
	struct drm_xe_engine_class_instance eci = first_engine(c);
	struct drm_xe_exec_queue_create a = { .width = 1, .num_placements = 1, .reserved[0] = 1 };

	return queue_create_args(c, &a, &eci);
}

static int queue_zero_width(const struct xe_arg_ctx *c)
{
	struct drm_xe_engine_class_instance eci = first_engine(c);
	struct drm_xe_exec_queue_create a = { .width = 0, .num_placements = 1 };

	return queue_create_args(c, &a, &eci);
}

static int queue_unknown_gt(const struct xe_arg_ctx *c)
{
	struct drm_xe_engine_class_instance eci = first_engine(c);
	struct drm_xe_exec_queue_create a = { .width = 1, .num_placements = 1 };

	eci.gt_id = 0xff;
	return queue_create_args(c, &a, &eci);
}

static int queue_unknown_engine(const struct xe_arg_ctx *c)
{
	struct drm_xe_engine_class_instance eci = first_engine(c);
	struct drm_xe_exec_queue_create a = { .width = 1, .num_placements = 1 };

	eci.engine_instance = 0xff;
	return queue_create_args(c, &a, &eci);
}

static int bind_queue_instance(const struct xe_arg_ctx *c)
{
	struct drm_xe_engine_class_instance eci = {
		.engine_class = DRM_XE_ENGINE_CLASS_VM_BIND, .engine_instance = 1,
	};
	struct drm_xe_exec_queue_create a = { .width = 1, .num_placements = 1 };

	return queue_create_args(c, &a, &eci);
}

static int queue_unknown_vm(const struct xe_arg_ctx *c)
{
	struct drm_xe_engine_class_instance eci = first_engine(c);
	struct drm_xe_exec_queue_create a = { .width = 1, .num_placements = 1, .vm_id = 0xfffff };

	return queue_create_args(c, &a, &eci);
}

static int queue_destroy_pad(const struct xe_arg_ctx *c)
{
	struct drm_xe_exec_queue_destroy a = { .exec_queue_id = c->queue, .pad = 1 };

	return __xe_ioctl(c->fd, DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, &a);
}

static int queue_destroy_unknown(const struct xe_arg_ctx *c)
{
	return __xe_exec_queue_destroy(c->fd, 0xfffff);
}

static int property_unknown(const struct xe_arg_ctx *c)
{
	struct drm_xe_exec_queue_get_property a = { .exec_queue_id = c->queue, .property = 1 };

	return __xe_ioctl(c->fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &a);
}

static int property_unknown_queue(const struct xe_arg_ctx *c)
{
	int ret = __xe_exec_queue_banned(c->fd, 0xfffff);

	return ret < 0 ? ret : 0;
}

/* ---- EXEC (xe_exec.c), WAIT_USER_FENCE (xe_wait_user_fence.c) ---- */

/* Never reaches a batch: each case is refused before anything runs. */
static struct drm_xe_exec exec_of(const struct xe_arg_ctx *c)
{
	return (struct drm_xe_exec){ .exec_queue_id = c->queue, .address = VA, .num_batch_buffer = 1 };
}

static int exec_args(const struct xe_arg_ctx *c, struct drm_xe_exec *a)
{
	return __xe_ioctl(c->fd, DRM_IOCTL_XE_EXEC, a);
}

static int exec_unknown_queue(const struct xe_arg_ctx *c)
{
	struct drm_xe_exec a = exec_of(c);

	a.exec_queue_id = 0xfffff;
	return exec_args(c, &a);
}

static int exec_extensions(const struct xe_arg_ctx *c)
{
	struct drm_xe_exec a = exec_of(c);

	a.extensions = 1;
	return exec_args(c, &a);
}

static int exec_too_many_syncs(const struct xe_arg_ctx *c)
{
	struct drm_xe_exec a = exec_of(c);

	a.num_syncs = DRM_XE_MAX_SYNCS + 1;
	return exec_args(c, &a);
}

static int exec_two_batches(const struct xe_arg_ctx *c)
{
	struct drm_xe_exec a = exec_of(c);

	a.num_batch_buffer = 2;
	return exec_args(c, &a);
}

static int exec_on_bind_queue(const struct xe_arg_ctx *c)
{
	const struct drm_xe_engine_class_instance eci = { .engine_class = DRM_XE_ENGINE_CLASS_VM_BIND };
	struct drm_xe_exec a = exec_of(c);
	uint32_t queue;
	int ret;

	if (__xe_exec_queue_create(c->fd, c->vm, &eci, &queue))
		return XE_ARG_SETUP_FAILED;
	a.exec_queue_id = queue;
	ret = exec_args(c, &a);
	__xe_exec_queue_destroy(c->fd, queue);
	return ret;
}

static struct drm_xe_wait_user_fence wait_of(void)
{
	return (struct drm_xe_wait_user_fence){
		.addr = (uintptr_t)&fence_words[2], .op = DRM_XE_UFENCE_WAIT_OP_EQ,
		.mask = ~0ull, .timeout = 0,
	};
}

static int wait_args(const struct xe_arg_ctx *c, struct drm_xe_wait_user_fence *a)
{
	return __xe_ioctl(c->fd, DRM_IOCTL_XE_WAIT_USER_FENCE, a);
}

static int wait_unaligned(const struct xe_arg_ctx *c)
{
	struct drm_xe_wait_user_fence a = wait_of();

	a.addr += 4;
	return wait_args(c, &a);
}

static int wait_unknown_op(const struct xe_arg_ctx *c)
{
	struct drm_xe_wait_user_fence a = wait_of();

	a.op = DRM_XE_UFENCE_WAIT_OP_LTE + 1;
	return wait_args(c, &a);
}

static int wait_unknown_flag(const struct xe_arg_ctx *c)
{
	struct drm_xe_wait_user_fence a = wait_of();

	a.flags = DRM_XE_UFENCE_WAIT_FLAG_ABSTIME << 1;
	return wait_args(c, &a);
}

static int wait_unknown_queue(const struct xe_arg_ctx *c)
{
	struct drm_xe_wait_user_fence a = wait_of();

	a.exec_queue_id = 0xfffff;
	return wait_args(c, &a);
}

/* ---- MADVISE (xe_vm_madvise.c) ---- */

static int madvise_unknown_vm(const struct xe_arg_ctx *c)
{
	return __xe_madvise_atomic(c->fd, 0xfffff, VA, SZ_4K, DRM_XE_ATOMIC_DEVICE);
}

static int madvise_unaligned(const struct xe_arg_ctx *c)
{
	return __xe_madvise_preferred(c->fd, c->vm, VA + 0x800, SZ_4K, 0, 0, 0);
}

static int madvise_short(const struct xe_arg_ctx *c)
{
	return __xe_madvise_preferred(c->fd, c->vm, VA, 0x800, 0, 0, 0);
}

static int madvise_fd_below_system(const struct xe_arg_ctx *c)
{
	return __xe_madvise_preferred(c->fd, c->vm, VA, SZ_4K, -2, 0, 0);
}

static int madvise_region_without_fd(const struct xe_arg_ctx *c)
{
	return __xe_madvise_preferred(c->fd, c->vm, VA, SZ_4K, 0, 0, 1);
}

static int madvise_bad_policy(const struct xe_arg_ctx *c)
{
	return __xe_madvise_preferred(c->fd, c->vm, VA, SZ_4K, 0,
				      DRM_XE_MIGRATE_ONLY_SYSTEM_PAGES + 1, 0);
}

static int madvise_bad_atomic(const struct xe_arg_ctx *c)
{
	return __xe_madvise_atomic(c->fd, c->vm, VA, SZ_4K, DRM_XE_ATOMIC_CPU + 1);
}

static int madvise_pat_out_of_range(const struct xe_arg_ctx *c)
{
	return __xe_madvise_pat(c->fd, c->vm, VA, SZ_4K, c->pat->n_entries);
}

static int madvise_pat_reserved(const struct xe_arg_ctx *c)
{
	return __xe_madvise_pat(c->fd, c->vm, VA, SZ_4K,
				(uint32_t)find_coh(c->pat, XE_PAT_RESERVED));
}

static int madvise_unknown_type(const struct xe_arg_ctx *c)
{
	/* Past every type 7.3.4 knows (PURGEABLE_STATE is 3). */
	struct drm_xe_madvise a = { .start = VA, .range = SZ_4K, .vm_id = c->vm, .type = 16 };

	return __xe_madvise(c->fd, &a);
}

static int madvise_reserved(const struct xe_arg_ctx *c)
{
	struct drm_xe_madvise a = {
		.start = VA, .range = SZ_4K, .vm_id = c->vm, .type = DRM_XE_MEM_RANGE_ATTR_ATOMIC,
	};

	a.reserved[0] = 1;
	return __xe_madvise(c->fd, &a);
}

/* System memory is CPU cached: an iGPU may not stop snooping it. */
static int madvise_pat_noncoherent_mirror(const struct xe_arg_ctx *c)
{
	return __xe_madvise_pat(c->fd, c->vm, VA, SZ_4K,
				(uint32_t)find_coh(c->pat, XE_PAT_COH_NONE));
}

/* ---- VM_QUERY_MEM_RANGE_ATTRS (xe_vm_query_vmas_attrs_ioctl) ---- */

static int attrs_args(const struct xe_arg_ctx *c, struct drm_xe_vm_query_mem_range_attr *a)
{
	return __xe_ioctl(c->fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, a);
}

static int attrs_vector_without_count(const struct xe_arg_ctx *c)
{
	struct drm_xe_mem_range_attr out;
	struct drm_xe_vm_query_mem_range_attr a = {
		.vm_id = c->vm, .start = VA, .range = SZ_4K, .vector_of_mem_attr = (uintptr_t)&out,
	};

	return attrs_args(c, &a);
}

static int attrs_wrong_size(const struct xe_arg_ctx *c)
{
	struct drm_xe_mem_range_attr out[2];
	struct drm_xe_vm_query_mem_range_attr a = {
		.vm_id = c->vm, .start = VA, .range = SZ_4K, .num_mem_ranges = 1,
		.sizeof_mem_range_attr = sizeof(out[0]) + 8, .vector_of_mem_attr = (uintptr_t)out,
	};

	return attrs_args(c, &a);
}

static int attrs_unknown_vm(const struct xe_arg_ctx *c)
{
	struct drm_xe_vm_query_mem_range_attr a = { .vm_id = 0xfffff, .start = VA, .range = SZ_4K };

	return attrs_args(c, &a);
}

/* ---- GEM_CREATE, GEM_MMAP_OFFSET (xe_bo.c) ---- */

static int gem_create_args(const struct xe_arg_ctx *c, struct drm_xe_gem_create *a)
{
	int ret = __xe_ioctl(c->fd, DRM_IOCTL_XE_GEM_CREATE, a);

	if (!ret)
		__xe_gem_close(c->fd, a->handle);
	return ret;
}

static struct drm_xe_gem_create gem_of(void)
{
	return (struct drm_xe_gem_create){ .size = SZ_64K, .placement = 1,
					   .cpu_caching = DRM_XE_GEM_CPU_CACHING_WB };
}

static int bo_zero_size(const struct xe_arg_ctx *c)
{
	struct drm_xe_gem_create a = gem_of();

	a.size = 0;
	return gem_create_args(c, &a);
}

static int bo_unaligned_size(const struct xe_arg_ctx *c)
{
	struct drm_xe_gem_create a = gem_of();

	a.size = SZ_4K + 8;
	return gem_create_args(c, &a);
}

static int bo_no_placement(const struct xe_arg_ctx *c)
{
	struct drm_xe_gem_create a = gem_of();

	a.placement = 0;
	return gem_create_args(c, &a);
}

static int bo_unknown_placement(const struct xe_arg_ctx *c)
{
	struct drm_xe_gem_create a = gem_of();

	a.placement = 1u << 16;
	return gem_create_args(c, &a);
}

static int bo_unknown_flag(const struct xe_arg_ctx *c)
{
	struct drm_xe_gem_create a = gem_of();

	a.flags = 1u << 8;
	return gem_create_args(c, &a);
}

static int bo_handle_set(const struct xe_arg_ctx *c)
{
	struct drm_xe_gem_create a = gem_of();

	a.handle = 1;
	return gem_create_args(c, &a);
}

static int bo_no_caching(const struct xe_arg_ctx *c)
{
	struct drm_xe_gem_create a = gem_of();

	a.cpu_caching = 0;
	return gem_create_args(c, &a);
}

static int bo_pad(const struct xe_arg_ctx *c)
{
	struct drm_xe_gem_create a = gem_of();

	a.pad[1] = 1;
	return gem_create_args(c, &a);
}

static int bo_unknown_vm(const struct xe_arg_ctx *c)
{
	struct drm_xe_gem_create a = gem_of();

	a.vm_id = 0xfffff;
	return gem_create_args(c, &a);
}

/* VRAM is not CPU-cached: a BO that may live there must be WC. */
static int bo_vram_wb(const struct xe_arg_ctx *c)
{
	int region = xe_tile_vram_region(c->dev, 0);
	struct drm_xe_gem_create a = gem_of();

	if (region <= 0)
		return XE_ARG_SETUP_FAILED;
	a.placement = 1u << region;
	return gem_create_args(c, &a);
}

static int mmap_offset_unknown_bo(const struct xe_arg_ctx *c)
{
	struct drm_xe_gem_mmap_offset a = { .handle = 0xfffff };

	return __xe_ioctl(c->fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &a);
}

static int mmap_offset_extensions(const struct xe_arg_ctx *c)
{
	struct drm_xe_gem_mmap_offset a = { .handle = 0xfffff, .extensions = 1 };

	return __xe_ioctl(c->fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &a);
}

/* ---- DEVICE_QUERY (xe_query.c) ---- */

static int query_args(const struct xe_arg_ctx *c, struct drm_xe_device_query *a)
{
	return __xe_ioctl(c->fd, DRM_IOCTL_XE_DEVICE_QUERY, a);
}

static int query_unknown(const struct xe_arg_ctx *c)
{
	struct drm_xe_device_query a = { .query = 0xff };

	return query_args(c, &a);
}

static int query_reserved(const struct xe_arg_ctx *c)
{
	struct drm_xe_device_query a = { .query = DRM_XE_DEVICE_QUERY_CONFIG, .reserved[0] = 1 };

	return query_args(c, &a);
}

static int query_wrong_size(const struct xe_arg_ctx *c)
{
	uint64_t buf[64] = { 0 };
	struct drm_xe_device_query a = {
		.query = DRM_XE_DEVICE_QUERY_CONFIG, .size = 8, .data = (uintptr_t)buf,
	};

	return query_args(c, &a);
}

#define CASE(n, chk, e, fn) { n, chk, e, NULL, fn }
#define CASE_IF(n, chk, e, when, fn) { n, chk, e, when, fn }

const struct xe_arg_check xe_arg_checks[] = {
	CASE("vm-create-extensions", "xe_vm_create_ioctl", EINVAL, vm_create_extensions),
	CASE("vm-create-reserved", "xe_vm_create_ioctl", EINVAL, vm_create_reserved),
	CASE("vm-create-unknown-flag", "xe_vm_create_ioctl", EINVAL, vm_create_unknown_flag),
	CASE("vm-fault-without-lr", "xe_vm_create_ioctl", EINVAL, vm_fault_without_lr),
	CASE("vm-no-overcommit-without-fault", "xe_vm_create_ioctl", EINVAL,
	     vm_no_overcommit_without_fault),
	CASE("vm-destroy-pad", "xe_vm_destroy_ioctl", EINVAL, vm_destroy_pad),
	CASE("vm-destroy-unknown", "xe_vm_destroy_ioctl", ENOENT, vm_destroy_unknown),

	CASE("bind-unknown-vm", "xe_vm_bind_ioctl", EINVAL, bind_unknown_vm),
	CASE("bind-extensions", "vm_bind_ioctl_check_args", EINVAL, bind_extensions),
	CASE("bind-reserved", "vm_bind_ioctl_check_args", EINVAL, bind_reserved),
	CASE("bind-too-many-syncs", "vm_bind_ioctl_check_args", EINVAL, bind_too_many_syncs),
	CASE("bind-pat-out-of-range", "vm_bind_ioctl_check_args", EINVAL, bind_pat_out_of_range),
	CASE_IF("bind-pat-reserved", "vm_bind_ioctl_check_args", EINVAL, has_reserved_pat,
		bind_pat_reserved),
	CASE("bind-unknown-op", "vm_bind_ioctl_check_args", EINVAL, bind_unknown_op),
	CASE("bind-unknown-flag", "vm_bind_ioctl_check_args", EINVAL, bind_unknown_flag),
	CASE("bind-mirror-with-obj", "vm_bind_ioctl_check_args", EINVAL, mirror_with_obj),
	CASE("bind-mirror-with-obj-offset", "vm_bind_ioctl_check_args", EINVAL, mirror_with_offset),
	CASE("bind-prefetch-with-mirror-flag", "vm_bind_ioctl_check_args", EINVAL,
	     prefetch_with_mirror_flag),
	CASE("bind-unmap-with-mirror-flag", "vm_bind_ioctl_check_args", EINVAL,
	     unmap_with_mirror_flag),
	CASE("bind-map-without-obj", "vm_bind_ioctl_check_args", EINVAL, map_without_obj),
	CASE("bind-prefetch-with-obj", "vm_bind_ioctl_check_args", EINVAL, prefetch_with_obj),
	CASE("bind-unmap-with-obj", "vm_bind_ioctl_check_args", EINVAL, unmap_with_obj),
	CASE("bind-region-on-unmap", "vm_bind_ioctl_check_args", EINVAL, region_on_unmap),
	CASE("bind-prefetch-unknown-region", "vm_bind_ioctl_check_args", EINVAL,
	     prefetch_unknown_region),
	CASE("bind-autoreset-without-mirror", "vm_bind_ioctl_check_args", EINVAL,
	     autoreset_without_mirror),
	CASE("bind-unaligned-addr", "vm_bind_ioctl_check_args", EINVAL, bind_unaligned),
	CASE("bind-zero-range", "vm_bind_ioctl_check_args", EINVAL, bind_zero_range),
	CASE("bind-mirror-on-plain-vm", "vm_bind_ioctl_check_args", EINVAL, mirror_on_plain_vm),
	CASE_IF("bind-mirror-pat-not-allowed", "vm_bind_ioctl_check_args", EINVAL,
		has_mirror_refused_pat, mirror_pat_refused),
	CASE("bind-unknown-queue", "xe_vm_bind_ioctl", ENOENT, bind_unknown_queue),
	CASE("bind-on-exec-queue", "xe_vm_bind_ioctl", EINVAL, bind_on_exec_queue),
	CASE("bind-queue-of-other-vm", "xe_vm_bind_ioctl", EINVAL, bind_queue_of_other_vm),
	CASE("bind-beyond-va", "xe_vm_bind_ioctl", EINVAL, bind_beyond_va),
	CASE("bind-unknown-bo", "xe_vm_bind_ioctl", ENOENT, bind_unknown_bo),
	CASE("bind-bo-range-too-big", "xe_vm_bind_ioctl_validate_bo", EINVAL, bo_range_too_big),
	CASE("bind-bo-wb-noncoherent-pat", "xe_vm_bind_ioctl_validate_bo", EINVAL,
	     bo_wb_noncoherent_pat),
	CASE_IF("bind-bo-vram-not-64k-aligned", "xe_vm_bind_ioctl_validate_bo", EINVAL, needs_64k,
		bo_vram_4k_aligned),

	CASE("sync-unknown-flag", "xe_sync_entry_parse", EINVAL, sync_unknown_flag),
	CASE("sync-reserved", "xe_sync_entry_parse", EINVAL, sync_reserved),
	CASE("sync-unknown-type", "xe_sync_entry_parse", EINVAL, sync_unknown_type),
	CASE("bind-ufence-unaligned", "xe_sync_entry_parse", EINVAL, ufence_unaligned),
	CASE("bind-ufence-without-signal", "xe_sync_entry_parse", EOPNOTSUPP,
	     ufence_without_signal),
	CASE("bind-two-ufences", "xe_vm_bind_ioctl", EINVAL, two_ufences),
	CASE("bind-no-ops-ufence", "xe_sync_entry_parse", EOPNOTSUPP, ufence_on_no_ops),
	CASE("bind-syncobj-on-lr-vm", "xe_sync_entry_parse", EOPNOTSUPP, syncobj_on_lr),
	CASE("bind-syncobj-unknown", "xe_sync_entry_parse", ENOENT, syncobj_unknown),
	CASE("bind-syncobj-upper-bits", "xe_sync_entry_parse", EINVAL, syncobj_upper_bits),

	CASE("queue-unknown-flag", "xe_exec_queue_create_ioctl", EINVAL, queue_unknown_flag),
	CASE("queue-reserved", "xe_exec_queue_create_ioctl", EINVAL, queue_reserved),
	CASE("queue-zero-width", "xe_exec_queue_create_ioctl", EINVAL, queue_zero_width),
	CASE("queue-unknown-gt", "xe_exec_queue_create_ioctl", EINVAL, queue_unknown_gt),
	CASE("queue-unknown-engine", "xe_exec_queue_create_ioctl", EINVAL, queue_unknown_engine),
	CASE("queue-bind-instance", "xe_exec_queue_create_ioctl", EINVAL, bind_queue_instance),
	CASE("queue-unknown-vm", "xe_exec_queue_create_ioctl", ENOENT, queue_unknown_vm),
	CASE("queue-destroy-pad", "xe_exec_queue_destroy_ioctl", EINVAL, queue_destroy_pad),
	CASE("queue-destroy-unknown", "xe_exec_queue_destroy_ioctl", ENOENT, queue_destroy_unknown),
	CASE("queue-property-unknown", "xe_exec_queue_get_property_ioctl", EINVAL, property_unknown),
	CASE("queue-property-unknown-queue", "xe_exec_queue_get_property_ioctl", ENOENT,
	     property_unknown_queue),

	CASE("exec-unknown-queue", "xe_exec_ioctl", ENOENT, exec_unknown_queue),
	CASE("exec-extensions", "xe_exec_ioctl", EINVAL, exec_extensions),
	CASE("exec-too-many-syncs", "xe_exec_ioctl", EINVAL, exec_too_many_syncs),
	CASE("exec-two-batches", "xe_exec_ioctl", EINVAL, exec_two_batches),
	CASE("exec-on-bind-queue", "xe_exec_ioctl", EINVAL, exec_on_bind_queue),
	CASE("wait-unaligned", "xe_wait_user_fence_ioctl", EINVAL, wait_unaligned),
	CASE("wait-unknown-op", "xe_wait_user_fence_ioctl", EINVAL, wait_unknown_op),
	CASE("wait-unknown-flag", "xe_wait_user_fence_ioctl", EINVAL, wait_unknown_flag),
	CASE("wait-unknown-queue", "xe_wait_user_fence_ioctl", ENOENT, wait_unknown_queue),

	CASE("madvise-unknown-vm", "xe_vm_madvise_ioctl", EINVAL, madvise_unknown_vm),
	CASE("madvise-unaligned-start", "madvise_args_are_sane", EINVAL, madvise_unaligned),
	CASE("madvise-range-below-4k", "madvise_args_are_sane", EINVAL, madvise_short),
	CASE("madvise-devmem-fd-below-system", "madvise_args_are_sane", EINVAL,
	     madvise_fd_below_system),
	CASE("madvise-region-without-devmem-fd", "madvise_args_are_sane", EINVAL,
	     madvise_region_without_fd),
	CASE("madvise-bad-migration-policy", "madvise_args_are_sane", EINVAL, madvise_bad_policy),
	CASE("madvise-bad-atomic", "madvise_args_are_sane", EINVAL, madvise_bad_atomic),
	CASE("madvise-pat-out-of-range", "madvise_args_are_sane", EINVAL, madvise_pat_out_of_range),
	CASE_IF("madvise-pat-reserved", "madvise_args_are_sane", EINVAL, has_reserved_pat,
		madvise_pat_reserved),
	CASE("madvise-unknown-type", "madvise_args_are_sane", EINVAL, madvise_unknown_type),
	CASE("madvise-reserved-nonzero", "madvise_args_are_sane", EINVAL, madvise_reserved),
	CASE_IF("madvise-pat-noncoherent-mirror", "check_pat_args_are_sane", EINVAL, integrated,
		madvise_pat_noncoherent_mirror),

	CASE("attrs-vector-without-count", "xe_vm_query_vmas_attrs_ioctl", EINVAL,
	     attrs_vector_without_count),
	CASE("attrs-wrong-entry-size", "xe_vm_query_vmas_attrs_ioctl", EINVAL, attrs_wrong_size),
	CASE("attrs-unknown-vm", "xe_vm_query_vmas_attrs_ioctl", EINVAL, attrs_unknown_vm),

	CASE("bo-zero-size", "xe_gem_create_ioctl", EINVAL, bo_zero_size),
	CASE("bo-unaligned-size", "xe_gem_create_ioctl", EINVAL, bo_unaligned_size),
	CASE("bo-no-placement", "xe_gem_create_ioctl", EINVAL, bo_no_placement),
	CASE("bo-unknown-placement", "xe_gem_create_ioctl", EINVAL, bo_unknown_placement),
	CASE("bo-unknown-flag", "xe_gem_create_ioctl", EINVAL, bo_unknown_flag),
	CASE("bo-handle-set", "xe_gem_create_ioctl", EINVAL, bo_handle_set),
	CASE("bo-no-cpu-caching", "xe_gem_create_ioctl", EINVAL, bo_no_caching),
	CASE("bo-pad", "xe_gem_create_ioctl", EINVAL, bo_pad),
	CASE_IF("bo-vram-wb", "xe_gem_create_ioctl", EINVAL, has_vram, bo_vram_wb),
	CASE("bo-unknown-vm", "xe_gem_create_ioctl", ENOENT, bo_unknown_vm),
	CASE("mmap-offset-unknown-bo", "xe_gem_mmap_offset_ioctl", ENOENT, mmap_offset_unknown_bo),
	CASE("mmap-offset-extensions", "xe_gem_mmap_offset_ioctl", EINVAL, mmap_offset_extensions),

	CASE("query-unknown", "xe_query_ioctl", EINVAL, query_unknown),
	CASE("query-reserved", "xe_query_ioctl", EINVAL, query_reserved),
	CASE("query-wrong-size", "query_config", EINVAL, query_wrong_size),
};

const unsigned int xe_num_arg_checks = sizeof(xe_arg_checks) / sizeof(xe_arg_checks[0]);
