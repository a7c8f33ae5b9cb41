/* SPDX-License-Identifier: MIT */
/*
 * VMs, binds, BOs and memory attributes (their argument checks are in
 * check.c).  Binds complete inside the ioctl; their
 * out-syncs are signalled through the bind path of exec.c so that fences
 * keep the order of every earlier bind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vdev.h"

struct vdev_vm *vdev_vm_find(struct vdev_file *f, uint32_t id)
{
	for (struct vdev_vm *vm = f->vms; vm; vm = vm->next)
		if (vm->id == id)
			return vm;
	return NULL;
}

struct vdev_bo *vdev_bo_find(struct vdev_file *f, uint32_t handle)
{
	for (struct vdev_bo *bo = f->bos; bo; bo = bo->next)
		if (bo->handle == handle)
			return bo;
	return NULL;
}

int vdev_vm_create(struct vdev_file *f, struct drm_xe_vm_create *a)
{
	struct vdev_vm *vm;
	int ret = vdev_check_vm_create(a);

	if (ret)
		return ret;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	pthread_rwlock_init(&vm->lock, NULL);
	pthread_mutex_init(&vm->live_lock, NULL);
	vm->id = f->next_id++;
	vm->flags = a->flags;
	vm->next = f->vms;
	f->vms = vm;
	a->vm_id = vm->id;
	return 0;
}

static void drop_map(struct vdev_bo_map *m);

static void free_vm(struct vdev_vm *vm)
{
	while (vm->maps) {
		struct vdev_bo_map *m = vm->maps;

		vm->maps = m->next;
		drop_map(m);
	}
	while (vm->attrs) {
		struct vdev_attr *at = vm->attrs;

		vm->attrs = at->next;
		free(at);
	}
	free(vm->mirror);
	free(vm->live);
	pthread_mutex_destroy(&vm->live_lock);
	pthread_rwlock_destroy(&vm->lock);
	free(vm);
}

int vdev_vm_destroy(struct vdev_file *f, struct drm_xe_vm_destroy *a)
{
	int ret = vdev_check_vm_destroy(a);

	if (ret)
		return ret;
	for (struct vdev_vm **pp = &f->vms; *pp; pp = &(*pp)->next)
		if ((*pp)->id == a->vm_id) {
			struct vdev_vm *vm = *pp;

			if ((ret = vdev_check_vm_destroy_busy(f, vm)))
				return ret;
			*pp = vm->next;
			vdev_bind_forget(f, vm, NULL);
			free_vm(vm);
			return 0;
		}
	return vdev_reject(-ENOENT, "xe_vm_destroy_ioctl");
}

/* Removes [start, end) from the mirror ranges (splitting as needed). */
static int mirror_remove(struct vdev_vm *vm, uint64_t start, uint64_t end)
{
	struct vdev_range *out = calloc(vm->num_mirror * 2 + 1, sizeof(*out));
	unsigned int n = 0;

	if (!out)
		return -ENOMEM;
	vdev_live_remove(vm, start, end);
	for (unsigned int i = 0; i < vm->num_mirror; i++) {
		struct vdev_range r = vm->mirror[i];

		if (r.end <= start || r.start >= end) {
			out[n++] = r;
			continue;
		}
		if (r.start < start)
			out[n++] = (struct vdev_range){ r.start, start };
		if (r.end > end)
			out[n++] = (struct vdev_range){ end, r.end };
	}
	free(vm->mirror);
	vm->mirror = out;
	vm->num_mirror = n;
	return 0;
}

static int mirror_add(struct vdev_vm *vm, uint64_t start, uint64_t end)
{
	struct vdev_range *grown;
	int ret = mirror_remove(vm, start, end);

	if (ret)
		return ret;
	grown = realloc(vm->mirror, (vm->num_mirror + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	vm->mirror = grown;
	vm->mirror[vm->num_mirror++] = (struct vdev_range){ start, end };
	return 0;
}

/* A BO closed while bound goes with its last mapping (GEM_CLOSE defers). */
static void drop_map(struct vdev_bo_map *m)
{
	struct vdev_bo *bo = m->kind == VDEV_MAP_BO ? m->bo : NULL;

	free(m);
	if (bo && !--bo->maps && bo->closed) {
		vdev_real_close(bo->memfd);
		free(bo);
	}
}

/* Bindings end where [start, end) is unbound; what lies outside stays (split). */
static int maps_remove(struct vdev_vm *vm, uint64_t start, uint64_t end)
{
	for (struct vdev_bo_map **pp = &vm->maps; *pp;) {
		struct vdev_bo_map *m = *pp;

		if (m->end <= start || m->start >= end) {
			pp = &m->next;
			continue;
		}
		if (m->start < start && m->end > end) {
			struct vdev_bo_map *tail = malloc(sizeof(*tail));

			if (!tail)
				return -ENOMEM;
			*tail = *m;
			if (m->kind == VDEV_MAP_BO)
				m->bo->maps++;
			tail->offset += end - m->start;
			tail->start = end;
			m->end = start;
			m->next = tail;
			return 0;
		}
		if (m->start < start) {
			m->end = start;
		} else if (m->end > end) {
			m->offset += end - m->start;
			m->start = end;
		} else {
			*pp = m->next;
			drop_map(m);
			continue;
		}
		pp = &m->next;
	}
	return 0;
}

/* AUTORESET attributes fall back to defaults when their range is unbound. */
static void attrs_remove(struct vdev_vm *vm, uint64_t start, uint64_t end, bool autoreset_only)
{
	for (struct vdev_attr **pp = &vm->attrs; *pp;) {
		struct vdev_attr *at = *pp;

		if (at->end > start && at->start < end && (!autoreset_only || at->autoreset)) {
			*pp = at->next;
			free(at);
		} else {
			pp = &at->next;
		}
	}
}

static bool mirrored(struct vdev_vm *vm, uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < vm->num_mirror; i++)
		if (vm->mirror[i].end > start && vm->mirror[i].start < end)
			return true;
	return false;
}

static bool bound(struct vdev_vm *vm, uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < vm->num_mirror; i++)
		if (vm->mirror[i].end > start && vm->mirror[i].start < end)
			return true;
	for (struct vdev_bo_map *m = vm->maps; m; m = m->next)
		if (m->end > start && m->start < end)
			return true;
	return false;
}

static int apply_op(struct vdev_file *f, struct vdev_vm *vm, const struct drm_xe_vm_bind_op *op)
{
	uint64_t start = op->addr, end = op->addr + op->range;
	struct vdev_bo_map *m;
	int ret;

	switch (op->op) {
	case DRM_XE_VM_BIND_OP_MAP:
		if (op->flags & DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR) {
			if ((ret = maps_remove(vm, start, end)))
				return ret;
			if ((ret = mirror_add(vm, start, end)))
				return ret;
			if (op->flags & DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET) {
				struct vdev_attr *at = calloc(1, sizeof(*at));

				if (!at)
					return -ENOMEM;
				*at = (struct vdev_attr){ .start = start, .end = end,
							  .autoreset = true, .next = vm->attrs };
				vm->attrs = at;
			}
			return 0;
		}
		/* a BO or NULL binding */
		__attribute__((fallthrough));
	case DRM_XE_VM_BIND_OP_MAP_USERPTR:
		if ((ret = maps_remove(vm, start, end)) || (ret = mirror_remove(vm, start, end)))
			return ret;
		m = calloc(1, sizeof(*m));
		if (!m)
			return -ENOMEM;
		*m = (struct vdev_bo_map){
			.start = start, .end = end, .offset = op->obj_offset,
			.kind = op->op == DRM_XE_VM_BIND_OP_MAP_USERPTR ? VDEV_MAP_USERPTR :
				(op->flags & DRM_XE_VM_BIND_FLAG_NULL) ? VDEV_MAP_NULL : VDEV_MAP_BO,
			.readonly = op->flags & DRM_XE_VM_BIND_FLAG_READONLY,
			.next = vm->maps,
		};
		if (m->kind == VDEV_MAP_BO) {
			/* A deferred bind may find its BO closed meanwhile. */
			if (!(m->bo = vdev_bo_find(f, op->obj))) {
				free(m);
				return -ENOENT;
			}
			m->bo->maps++;
		}
		vm->maps = m;
		return 0;
	case DRM_XE_VM_BIND_OP_UNMAP:
		if ((ret = maps_remove(vm, start, end)))
			return ret;
		attrs_remove(vm, start, end, true);
		return mirror_remove(vm, start, end);
	case DRM_XE_VM_BIND_OP_UNMAP_ALL: {
		struct vdev_bo *bo = vdev_bo_find(f, op->obj);

		/* Every binding of the BO in this VM, wherever it is. */
		for (struct vdev_bo_map **pp = &vm->maps; *pp;) {
			m = *pp;
			if (m->kind == VDEV_MAP_BO && m->bo == bo) {
				*pp = m->next;
				drop_map(m);
			} else {
				pp = &m->next;
			}
		}
		return 0;
	}
	case DRM_XE_VM_BIND_OP_PREFETCH:
		/*
		 * No VMA there: nothing to do (xe: ENODATA, the fences signal).
		 * BOs and userptrs keep their placement: vdev does not model BO
		 * residency.  Whether a PREFETCH is of the mirror is the VMA's
		 * business, not a flag's (7.3.4 refuses the flag on PREFETCH).
		 */
		if (!mirrored(vm, start, end))
			return 0;
		return vdev_prefetch(vm, start, end, (int32_t)op->prefetch_mem_region_instance);
	}
	return -EINVAL;
}

int vdev_vm_bind(struct vdev_file *f, struct drm_xe_vm_bind *a)
{
	const struct drm_xe_sync *syncs = (const struct drm_xe_sync *)(uintptr_t)a->syncs;
	const struct drm_xe_vm_bind_op *ops;
	struct vdev_queue *q = NULL;
	struct vdev_vm *vm = NULL;
	int ret;

	if ((ret = vdev_check_vm_bind(f, a, &vm, &q)))
		return ret;
	ops = a->num_binds > 1 ? (const struct drm_xe_vm_bind_op *)(uintptr_t)a->vector_of_binds
			       : &a->bind;
	/*
	 * Unbinding or overwriting mirror ranges the GPU still maps is
	 * refused (xe_vm.c: xe_svm_has_mapping); a new mirror bind over them
	 * may replace them.
	 */
	for (uint32_t i = 0; i < a->num_binds; i++)
		if ((ops[i].op == DRM_XE_VM_BIND_OP_UNMAP || ops[i].op == DRM_XE_VM_BIND_OP_MAP_USERPTR ||
		     (ops[i].op == DRM_XE_VM_BIND_OP_MAP &&
		      !(ops[i].flags & DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR))) &&
		    vdev_live_overlaps(vm, ops[i].addr, ops[i].addr + ops[i].range))
			return vdev_reject(-EBUSY, "xe_svm_has_mapping");
	return vdev_bind_submit(f, vm, q, ops, a->num_binds, syncs, a->num_syncs);
}

static bool bo_bound(struct vdev_vm *vm, struct vdev_bo *bo)
{
	for (struct vdev_bo_map *m = vm->maps; m; m = m->next)
		if (m->kind == VDEV_MAP_BO && m->bo == bo)
			return true;
	return false;
}

int vdev_bind_apply(struct vdev_file *f, struct vdev_vm *vm, const struct drm_xe_vm_bind_op *ops,
		    uint32_t num, bool *noop)
{
	int ret = 0;

	*noop = true;
	pthread_rwlock_wrlock(&vm->lock);
	for (uint32_t i = 0; i < num && !ret; i++) {
		/* An UNMAP or PREFETCH of nothing bound is no work, as in xe. */
		if (ops[i].op == DRM_XE_VM_BIND_OP_UNMAP_ALL) {
			struct vdev_bo *bo = vdev_bo_find(f, ops[i].obj);

			if (bo && bo_bound(vm, bo))
				*noop = false;
		} else if ((ops[i].op != DRM_XE_VM_BIND_OP_UNMAP &&
			    ops[i].op != DRM_XE_VM_BIND_OP_PREFETCH) ||
			   bound(vm, ops[i].addr, ops[i].addr + ops[i].range)) {
			*noop = false;
		}
		ret = apply_op(f, vm, &ops[i]);
	}
	pthread_rwlock_unlock(&vm->lock);
	return ret;
}

/* ---- madvise and the range query ---- */

int vdev_madvise(struct vdev_file *f, struct drm_xe_madvise *a)
{
	struct vdev_vm *vm = vdev_vm_find(f, a->vm_id);
	struct vdev_attr base = { .devmem_fd = 0 }, *at;
	int ret = vdev_check_madvise(f, a, vm);

	if (ret)
		return ret;
	/* The newest attribute of a type wins where ranges overlap: keep it first. */
	pthread_rwlock_wrlock(&vm->lock);
	for (at = vm->attrs; at; at = at->next)
		if (at->start <= a->start && at->end >= a->start + a->range) {
			base = *at;
			break;
		}
	at = calloc(1, sizeof(*at));
	if (!at) {
		pthread_rwlock_unlock(&vm->lock);
		return -ENOMEM;
	}
	*at = base;
	at->autoreset = false;	/* the mirror's marker is not copied into advice */
	at->start = a->start;
	at->end = a->start + a->range;
	if (a->type == DRM_XE_MEM_RANGE_ATTR_PREFERRED_LOC) {
		at->advised = true;
		at->devmem_fd = (int32_t)a->preferred_mem_loc.devmem_fd;
		at->policy = a->preferred_mem_loc.migration_policy;
		at->region = a->preferred_mem_loc.region_instance;
	} else if (a->type == DRM_XE_MEM_RANGE_ATTR_ATOMIC) {
		at->atomic = a->atomic.val;
	} else {
		at->pat = a->pat_index.val;
	}
	at->next = vm->attrs;
	vm->attrs = at;
	pthread_rwlock_unlock(&vm->lock);
	return 0;
}

static struct vdev_attr attr_at(struct vdev_vm *vm, uint64_t addr);

int vdev_preferred_tile(struct vdev_vm *vm, uint64_t va, int faulting_tile, uint64_t *lo,
			uint64_t *hi)
{
	struct vdev_attr at = attr_at(vm, va);

	if (!at.advised || !vdev_preset->vram)
		return -2;
	if (lo && *lo < at.start)
		*lo = at.start;
	if (hi && *hi > at.end)
		*hi = at.end;
	if (at.devmem_fd == DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM)
		return -1;
	if (at.devmem_fd == DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE)
		return faulting_tile;
	return at.region ? at.region - 1 : faulting_tile;
}

/* The attribute in force at @addr: the newest covering one, else defaults. */
static struct vdev_attr attr_at(struct vdev_vm *vm, uint64_t addr)
{
	for (struct vdev_attr *at = vm->attrs; at; at = at->next)
		if (addr >= at->start && addr < at->end)
			return *at;
	return (struct vdev_attr){ .devmem_fd = 0 };
}

uint32_t vdev_atomic_attr(struct vdev_vm *vm, uint64_t va)
{
	return attr_at(vm, va).atomic;
}

static bool same_attr(const struct vdev_attr *x, const struct vdev_attr *y)
{
	return x->devmem_fd == y->devmem_fd && x->policy == y->policy && x->region == y->region &&
	       x->atomic == y->atomic && x->pat == y->pat;
}

/* Splits [start, end) into runs of equal attributes, page by page boundaries of attrs. */
int vdev_query_attrs(struct vdev_file *f, struct drm_xe_vm_query_mem_range_attr *a)
{
	struct vdev_vm *vm = vdev_vm_find(f, a->vm_id);
	struct drm_xe_mem_range_attr *out = (void *)(uintptr_t)a->vector_of_mem_attr;
	uint64_t start = a->start, end = a->start + a->range, pos;
	uint32_t n = 0;
	int ret = vdev_check_query_attrs(a, vm);

	if (ret)
		return ret;
	for (pos = start; pos < end;) {
		struct vdev_attr cur = attr_at(vm, pos);
		uint64_t next = end;

		/* The run ends where any attribute range begins or ends. */
		for (struct vdev_attr *at = vm->attrs; at; at = at->next) {
			if (at->start > pos && at->start < next)
				next = at->start;
			if (at->end > pos && at->end < next)
				next = at->end;
		}
		while (next < end) {
			struct vdev_attr more = attr_at(vm, next);
			uint64_t after = end;

			if (!same_attr(&cur, &more))
				break;
			for (struct vdev_attr *at = vm->attrs; at; at = at->next) {
				if (at->start > next && at->start < after)
					after = at->start;
				if (at->end > next && at->end < after)
					after = at->end;
			}
			next = after;
		}
		if (out) {
			struct drm_xe_mem_range_attr r = {
				.start = pos, .end = next,
				.preferred_mem_loc = { (uint32_t)cur.devmem_fd, cur.policy },
				.atomic = { cur.atomic, 0 },
				.pat_index = { cur.pat, 0 },
			};

			if (n >= a->num_mem_ranges)
				return -ENOSPC;
			if (vdev_cpu_write((uintptr_t)&out[n], &r, sizeof(r)))
				return -EFAULT;
		}
		n++;
		pos = next;
	}
	a->num_mem_ranges = n;
	a->sizeof_mem_range_attr = sizeof(struct drm_xe_mem_range_attr);
	return 0;
}

/* ---- BOs ---- */

int vdev_gem_create(struct vdev_file *f, struct drm_xe_gem_create *a)
{
	struct vdev_bo *bo;
	int ret = vdev_check_gem_create(f, a);

	if (ret)
		return ret;
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return -ENOMEM;
	bo->memfd = memfd_create("vdev-bo", MFD_CLOEXEC);
	if (bo->memfd < 0 || ftruncate(bo->memfd, (off_t)a->size)) {
		int err = errno;

		if (bo->memfd >= 0)
			vdev_real_close(bo->memfd);
		free(bo);
		return -err;
	}
	bo->handle = f->next_id++;
	bo->size = a->size;
	bo->cpu_caching = a->cpu_caching;
	bo->vram = a->placement & ~1u;
	bo->no_compression = a->flags & DRM_XE_GEM_CREATE_FLAG_NO_COMPRESSION;
	bo->next = f->bos;
	f->bos = bo;
	a->handle = bo->handle;
	return 0;
}

int vdev_gem_mmap_offset(struct vdev_file *f, struct drm_xe_gem_mmap_offset *a)
{
	int ret = vdev_check_gem_mmap_offset(f, a);

	if (ret)
		return ret;
	a->offset = (uint64_t)a->handle << 32;
	return 0;
}

/*
 * The handle goes at once; a BO still bound lives on until its last
 * binding goes (xe keeps a reference per VMA).
 */
int vdev_gem_close(struct vdev_file *f, uint32_t handle)
{
	for (struct vdev_bo **pp = &f->bos; *pp; pp = &(*pp)->next)
		if ((*pp)->handle == handle) {
			struct vdev_bo *bo = *pp;

			*pp = bo->next;
			if (bo->maps) {
				bo->closed = true;
				return 0;
			}
			vdev_real_close(bo->memfd);
			free(bo);
			return 0;
		}
	return -ENOENT;
}

/*
 * The program unmapped [start, end): under a mirror bound with
 * MADVISE_AUTORESET its attributes go back to the defaults there (the
 * pieces of an attribute range outside it stay); elsewhere they are kept.
 */
void vdev_cpu_unmapped(struct vdev_file *files, uint64_t start, uint64_t end)
{
	for (struct vdev_file *f = files; f; f = f->next)
		for (struct vdev_vm *vm = f->vms; vm; vm = vm->next) {
			bool reset = false;

			vdev_live_remove(vm, start, end);
			for (struct vdev_attr *at = vm->attrs; at; at = at->next)
				reset |= at->autoreset && at->end > start && at->start < end;
			if (!reset)
				continue;
			pthread_rwlock_wrlock(&vm->lock);
			for (struct vdev_attr **pp = &vm->attrs; *pp;) {
				struct vdev_attr *at = *pp;

				if (at->autoreset || at->end <= start || at->start >= end) {
					pp = &at->next;
					continue;
				}
				if (at->start < start && at->end > end) {
					struct vdev_attr *tail = calloc(1, sizeof(*tail));

					if (tail) {
						*tail = *at;
						tail->start = end;
						at->next = tail;
					}
					at->end = start;
					pp = &at->next;
				} else if (at->start < start) {
					at->end = start;
					pp = &at->next;
				} else if (at->end > end) {
					at->start = end;
					pp = &at->next;
				} else {
					*pp = at->next;
					free(at);
				}
			}
			pthread_rwlock_unlock(&vm->lock);
		}
}
