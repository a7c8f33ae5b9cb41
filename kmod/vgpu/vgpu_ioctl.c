// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The ioctls of include/uapi/vgpu_drm.h: argument checks (each errno is
 * what the header promises), then the VM's operations under its lock.
 */
#include <linux/dma-fence.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>

#include "vgpu_drv.h"

static struct vgpu_vm *vgpu_vm_lookup(struct drm_file *file, u32 id)
{
	struct vgpu_file *vf = file->driver_priv;
	struct vgpu_vm *vm;

	xa_lock(&vf->vms);
	vm = xa_load(&vf->vms, id);
	if (vm)
		kref_get(&vm->ref);
	xa_unlock(&vf->vms);
	return vm;
}

/* [start, start + size): page aligned, nonempty, inside user space. */
static bool vgpu_range_ok(u64 start, u64 size)
{
	return size && PAGE_ALIGNED(start) && PAGE_ALIGNED(size) &&
	       start + size > start && start + size <= TASK_SIZE;
}

/* A location for SET_ATTR or PREFETCH (@faulting: FAULTING_TILE allowed). */
static bool vgpu_loc_ok(struct vgpu_device *vdev, s32 loc)
{
	return loc == VGPU_LOC_SYSTEM || loc == VGPU_LOC_FAULTING_TILE ||
	       (loc >= 0 && loc < (s32)vdev->num_tiles);
}

static int vgpu_ioctl_device_query(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vgpu_device *vdev = to_vgpu_device(drm);
	struct drm_vgpu_device_query *q = data;
	unsigned int i;

	if (q->pad)
		return -EINVAL;
	memset(q, 0, sizeof(*q));
	q->device_index = vdev->index;
	q->num_tiles = vdev->num_tiles;
	q->vram_per_tile = (u64)vdev->tiles[0].npages << PAGE_SHIFT;
	q->page_size = PAGE_SIZE;
	q->num_chunks = vgpu_num_chunk_sizes;
	for (i = 0; i < vgpu_num_chunk_sizes; i++)
		q->chunk_sizes[i] = vgpu_chunk_sizes[i];
	return 0;
}

static int vgpu_ioctl_vm_create(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vgpu_vm_create *args = data;
	struct vgpu_file *vf = file->driver_priv;
	struct vgpu_vm *vm;
	u32 id;
	int err;

	if (args->mode > VGPU_VM_MODE_IOCTL || args->vm_id)
		return -EINVAL;
	vm = vgpu_vm_create(to_vgpu_device(drm), args->mode);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	err = xa_alloc(&vf->vms, &id, vm, xa_limit_31b, GFP_KERNEL);
	if (err) {
		vgpu_vm_close(vm);
		vgpu_vm_put(vm);
		return err;
	}
	vm->id = id;
	args->vm_id = id;
	return 0;
}

static int vgpu_ioctl_vm_destroy(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vgpu_vm_destroy *args = data;
	struct vgpu_file *vf = file->driver_priv;
	struct vgpu_vm *vm;

	if (args->pad)
		return -EINVAL;
	vm = xa_erase(&vf->vms, args->vm_id);
	if (!vm)
		return -ENOENT;
	vgpu_vm_close(vm);
	vgpu_vm_put(vm);
	return 0;
}

static int vgpu_ioctl_bind(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vgpu_bind *args = data;
	struct vgpu_vm *vm;
	int err;

	if (args->op > VGPU_BIND_UNMAP || !vgpu_range_ok(args->start, args->size))
		return -EINVAL;
	vm = vgpu_vm_lookup(file, args->vm_id);
	if (!vm)
		return -ENOENT;
	err = vgpu_vm_lock_live(vm);
	if (err)
		goto out_put;
	if (args->op == VGPU_BIND_MAP) {
		err = vgpu_region_map(vm, args->start, args->start + args->size);
		/* IOCTL mode maps eagerly: this region now, the others as they were. */
		if (!err && vm->mode == VGPU_VM_MODE_IOCTL) {
			err = vgpu_region_build(vm, args->start);
			if (err)
				vgpu_region_unmap(vm, args->start, args->start + args->size);
		}
	} else {
		err = vgpu_region_unmap(vm, args->start, args->start + args->size);
	}
	mutex_unlock(&vm->lock);
out_put:
	vgpu_vm_put(vm);
	return err;
}

/* An asynchronous job: its fence is the sync_file user space waits on. */
struct vgpu_job {
	struct dma_fence fence;		/* first: the fence's release frees the job */
	/*
	 * The fence's lock lives as long as the fence, in the job: a sync_file
	 * may hold the fence after the VM is gone (found by KASAN: a lock in
	 * the VM was used after free by sync_file_release()).
	 */
	spinlock_t lock;
	struct work_struct work;
	struct vgpu_vm *vm;
	struct drm_vgpu_exec args;
	void *buf;
};

static const char *vgpu_fence_driver_name(struct dma_fence *fence)
{
	return VGPU_DRIVER_NAME;
}

static const char *vgpu_fence_timeline_name(struct dma_fence *fence)
{
	return "vgpu-vm";
}

static const struct dma_fence_ops vgpu_fence_ops = {
	.get_driver_name = vgpu_fence_driver_name,
	.get_timeline_name = vgpu_fence_timeline_name,
};

/* Runs one job (vm->lock held); @buf holds READ's result or WRITE's/COPY's data. */
static int vgpu_job_run(struct vgpu_vm *vm, struct drm_vgpu_exec *args, void *buf)
{
	u32 old = 0;
	int err;

	err = vgpu_engine_prepare(vm);
	if (err)
		return err;
	switch (args->op) {
	case VGPU_EXEC_READ:
		return vgpu_engine_access(vm, args->tile, args->addr, buf, args->size, false);
	case VGPU_EXEC_WRITE:
		return vgpu_engine_access(vm, args->tile, args->addr, buf, args->size, true);
	case VGPU_EXEC_COPY:
		/* Through a staging buffer, so overlapping ranges copy as memmove. */
		err = vgpu_engine_access(vm, args->tile, args->src, buf, args->size, false);
		return err ?: vgpu_engine_access(vm, args->tile, args->addr, buf, args->size, true);
	case VGPU_EXEC_ATOMIC_INC:
		err = vgpu_engine_atomic_inc(vm, args->tile, args->addr, &old);
		args->value = old;
		return err;
	}
	return -EINVAL;
}

static void vgpu_job_work(struct work_struct *work)
{
	struct vgpu_job *job = container_of(work, struct vgpu_job, work);
	struct vgpu_vm *vm = job->vm;
	int err;

	err = vgpu_vm_lock_live(vm);
	if (!err) {
		err = vgpu_job_run(vm, &job->args, job->buf);
		mutex_unlock(&vm->lock);
	}
	kvfree(job->buf);
	job->buf = NULL;
	if (err)
		dma_fence_set_error(&job->fence, err);
	dma_fence_signal(&job->fence);
	vgpu_vm_put(vm);
	dma_fence_put(&job->fence);
}

/* Queues @args with @buf (taken over); returns the sync_file's fd. */
static int vgpu_job_submit(struct vgpu_vm *vm, const struct drm_vgpu_exec *args, void *buf)
{
	struct sync_file *sync;
	struct vgpu_job *job;
	int fd;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job) {
		kvfree(buf);
		return -ENOMEM;
	}
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		kvfree(buf);
		kfree(job);
		return fd;
	}
	spin_lock_init(&job->lock);
	dma_fence_init(&job->fence, &vgpu_fence_ops, &job->lock, vm->fence_context,
		       atomic64_inc_return(&vm->fence_seqno));
	sync = sync_file_create(&job->fence);
	if (!sync) {
		put_unused_fd(fd);
		kvfree(buf);
		dma_fence_put(&job->fence);
		return -ENOMEM;
	}
	fd_install(fd, sync->file);
	job->args = *args;
	job->buf = buf;
	job->vm = vm;
	kref_get(&vm->ref);
	INIT_WORK(&job->work, vgpu_job_work);
	queue_work(vm->wq, &job->work);
	return fd;
}

static int vgpu_exec_check(struct vgpu_device *vdev, const struct drm_vgpu_exec *a)
{
	bool with_data = a->op == VGPU_EXEC_READ || a->op == VGPU_EXEC_WRITE;

	if (a->op > VGPU_EXEC_ATOMIC_INC || (a->flags & ~VGPU_EXEC_ASYNC) || a->pad)
		return -EINVAL;
	if (a->tile >= vdev->num_tiles)
		return -EINVAL;
	if (!a->size || a->size > VGPU_EXEC_MAX_SIZE || a->addr + a->size < a->addr ||
	    a->addr + a->size > TASK_SIZE)
		return -EINVAL;
	if (a->op == VGPU_EXEC_COPY ? (a->src + a->size < a->src || a->src + a->size > TASK_SIZE)
				    : a->src != 0)
		return -EINVAL;
	if (!with_data && a->data)
		return -EINVAL;
	if (a->op == VGPU_EXEC_ATOMIC_INC && (a->size != 4 || (a->addr & 3)))
		return -EINVAL;
	if (a->op == VGPU_EXEC_READ && (a->flags & VGPU_EXEC_ASYNC))
		return -EINVAL;
	return 0;
}

static int vgpu_ioctl_exec(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vgpu_exec *args = data;
	struct vgpu_vm *vm;
	void *buf = NULL;
	int err;

	err = vgpu_exec_check(to_vgpu_device(drm), args);
	if (err)
		return err;
	vm = vgpu_vm_lookup(file, args->vm_id);
	if (!vm)
		return -ENOENT;
	if (args->op != VGPU_EXEC_ATOMIC_INC) {
		buf = kvmalloc(args->size, GFP_KERNEL);
		err = -ENOMEM;
		if (!buf)
			goto out;
	}
	if (args->op == VGPU_EXEC_WRITE &&
	    copy_from_user(buf, u64_to_user_ptr(args->data), args->size)) {
		err = -EFAULT;
		goto out;
	}
	if (args->flags & VGPU_EXEC_ASYNC) {
		/* Queued under the lock: vgpu_vm_close() drains after closing. */
		err = vgpu_vm_lock_live(vm);
		if (err)
			goto out;
		err = vgpu_job_submit(vm, args, buf);
		mutex_unlock(&vm->lock);
		buf = NULL;
		if (err >= 0) {
			args->fence_fd = err;
			err = 0;
		}
		goto out;
	}
	/* In submission order: after every asynchronous job before it. */
	flush_workqueue(vm->wq);
	err = vgpu_vm_lock_live(vm);
	if (err)
		goto out;
	err = vgpu_job_run(vm, args, buf);
	mutex_unlock(&vm->lock);
	if (!err && args->op == VGPU_EXEC_READ &&
	    copy_to_user(u64_to_user_ptr(args->data), buf, args->size))
		err = -EFAULT;
	args->fence_fd = -1;
out:
	kvfree(buf);
	vgpu_vm_put(vm);
	return err;
}

static int vgpu_ioctl_set_attr(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vgpu_set_attr *args = data;
	struct vgpu_vm *vm;
	int err;

	if (args->attr != VGPU_ATTR_PREFERRED_LOC || args->pad ||
	    !vgpu_loc_ok(to_vgpu_device(drm), args->value) || !vgpu_range_ok(args->start, args->size))
		return -EINVAL;
	vm = vgpu_vm_lookup(file, args->vm_id);
	if (!vm)
		return -ENOENT;
	err = vgpu_vm_lock_live(vm);
	if (err)
		goto out_put;
	err = vgpu_attr_set(vm, args->start, args->start + args->size, args->value);
	mutex_unlock(&vm->lock);
out_put:
	vgpu_vm_put(vm);
	return err;
}

static int vgpu_ioctl_prefetch(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vgpu_prefetch *args = data;
	struct vgpu_vm *vm;
	int loc = args->loc, err;

	if (!vgpu_loc_ok(to_vgpu_device(drm), loc) || !vgpu_range_ok(args->start, args->size))
		return -EINVAL;
	if (loc == VGPU_LOC_FAULTING_TILE)
		loc = 0;
	vm = vgpu_vm_lookup(file, args->vm_id);
	if (!vm)
		return -ENOENT;
	flush_workqueue(vm->wq);
	err = vgpu_vm_lock_live(vm);
	if (err)
		goto out_put;
	vgpu_vm_gc(vm);
	err = vgpu_prefetch(vm, args->start, args->start + args->size, loc, &args->moved);
	mutex_unlock(&vm->lock);
out_put:
	vgpu_vm_put(vm);
	return err;
}

static int vgpu_ioctl_evict(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vgpu_device *vdev = to_vgpu_device(drm);
	struct drm_vgpu_evict *args = data;
	bool all = args->flags & VGPU_EVICT_ALL;
	struct vgpu_vm *vm;
	s64 before;
	int err = 0;
	unsigned int t;

	if (args->flags & ~VGPU_EVICT_ALL)
		return -EINVAL;
	if (all ? args->start || args->size : !vgpu_range_ok(args->start, args->size))
		return -EINVAL;
	vm = vgpu_vm_lookup(file, args->vm_id);
	if (!vm)
		return -ENOENT;
	flush_workqueue(vm->wq);
	err = vgpu_vm_lock_live(vm);
	if (err)
		goto out_put;
	before = atomic64_read(&vdev->counters.pages_to_ram);
	if (all) {
		for (t = 0; t < vdev->num_tiles && err >= 0; t++) {
			long n = vgpu_tile_evict_mm(&vdev->tiles[t], vm->gpusvm.mm);

			if (n < 0)
				err = n;
			else
				atomic64_add(n, &vm->counters.evictions);
		}
	} else {
		err = vgpu_evict_range(vm, args->start, args->start + args->size);
	}
	args->evicted = atomic64_read(&vdev->counters.pages_to_ram) - before;
	mutex_unlock(&vm->lock);
out_put:
	vgpu_vm_put(vm);
	return err < 0 ? err : 0;
}

static u32 vgpu_page_state(struct vgpu_vm *vm, u64 pte)
{
	u32 state;
	unsigned int t;

	if (!(pte & VGPU_PTE_VALID))
		return VGPU_PAGE_NONE;
	state = VGPU_PAGE_SYSTEM;
	if (pte & VGPU_PTE_DEVMEM) {
		for (t = 0; t < vm->vdev->num_tiles; t++)
			if ((pte >> VGPU_DEVADDR_SHIFT) == vm->vdev->tiles[t].global_id)
				state = VGPU_PAGE_TILE | (t << VGPU_PAGE_TILE_SHIFT);
	}
	if (pte & VGPU_PTE_WRITE)
		state |= VGPU_PAGE_WRITABLE;
	if (pte & VGPU_PTE_HUGE)
		state |= VGPU_PAGE_HUGE;
	return state;
}

static int vgpu_ioctl_query_pages(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vgpu_query_pages *args = data;
	bool untranslated = false;
	struct vgpu_vm *vm;
	u32 *out, *where = NULL;
	u32 i;
	int err = 0;

	if (!args->npages || args->npages > VGPU_QUERY_MAX_PAGES ||
	    !vgpu_range_ok(args->start, (u64)args->npages << PAGE_SHIFT))
		return -EINVAL;
	vm = vgpu_vm_lookup(file, args->vm_id);
	if (!vm)
		return -ENOENT;
	out = kvcalloc(args->npages, sizeof(*out), GFP_KERNEL);
	if (!out) {
		vgpu_vm_put(vm);
		return -ENOMEM;
	}
	err = vgpu_vm_lock_live(vm);
	if (err)
		goto out_free;
	drm_gpusvm_notifier_lock(&vm->gpusvm);
	for (i = 0; i < args->npages; i++) {
		unsigned long addr = args->start + ((u64)i << PAGE_SHIFT);
		struct vgpu_range *vr = vgpu_range_lookup(vm, addr);

		if (vr)
			out[i] = vgpu_page_state(vm, vgpu_pte_at(vr, addr));
		untranslated |= out[i] == VGPU_PAGE_NONE;
	}
	drm_gpusvm_notifier_unlock(&vm->gpusvm);
	/* Where the untranslated pages are, by the CPU's page table. */
	if (untranslated) {
		where = kvcalloc(args->npages, sizeof(*where), GFP_KERNEL);
		err = where ? vgpu_snapshot(vm, args->start, args->npages, where) : -ENOMEM;
		for (i = 0; !err && i < args->npages; i++)
			if (out[i] == VGPU_PAGE_NONE && where[i] != VGPU_PAGE_NONE)
				out[i] = where[i] | VGPU_PAGE_RESIDENT;
	}
	mutex_unlock(&vm->lock);
	if (!err && copy_to_user(u64_to_user_ptr(args->pages), out, args->npages * sizeof(*out)))
		err = -EFAULT;
out_free:
	kvfree(where);
	kvfree(out);
	vgpu_vm_put(vm);
	return err;
}

#define VGPU_QUERY_MAX_RANGES	(1u << 20)

static int vgpu_ioctl_query_ranges(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vgpu_query_ranges *args = data;
	unsigned long start = args->start, end = args->start + args->size;
	struct drm_gpusvm_notifier *notifier;
	struct drm_vgpu_range *out = NULL;
	struct vgpu_vm *vm;
	u32 n = 0;
	int err = 0;

	if (!args->size || end < start || args->count > VGPU_QUERY_MAX_RANGES)
		return -EINVAL;
	vm = vgpu_vm_lookup(file, args->vm_id);
	if (!vm)
		return -ENOENT;
	if (args->count) {
		out = kvcalloc(args->count, sizeof(*out), GFP_KERNEL);
		if (!out) {
			vgpu_vm_put(vm);
			return -ENOMEM;
		}
	}
	err = vgpu_vm_lock_live(vm);
	if (err)
		goto out_free;
	drm_gpusvm_notifier_lock(&vm->gpusvm);
	drm_gpusvm_for_each_notifier(notifier, &vm->gpusvm, start, end) {
		struct drm_gpusvm_range *range = NULL;

		drm_gpusvm_for_each_range(range, notifier, start, end) {
			struct vgpu_range *vr = to_vgpu_range(range);
			u32 flags = 0;

			if (n < args->count) {
				if (range->flags.unmapped)
					flags |= VGPU_RANGE_UNMAPPED;
				if (range->flags.partial_unmap)
					flags |= VGPU_RANGE_PARTIAL;
				if (vr->pages.flags.has_devmem_pages)
					flags |= VGPU_RANGE_DEVMEM;
				if (drm_gpusvm_pages_valid(&vm->gpusvm, &vr->pages))
					flags |= VGPU_RANGE_MAPPED;
				if (range->flags.migrate_devmem)
					flags |= VGPU_RANGE_MIGRATABLE;
				out[n].start = drm_gpusvm_range_start(range);
				out[n].size = drm_gpusvm_range_size(range);
				out[n].flags = flags;
			}
			n++;
		}
	}
	drm_gpusvm_notifier_unlock(&vm->gpusvm);
	mutex_unlock(&vm->lock);
	if (out && copy_to_user(u64_to_user_ptr(args->ranges), out,
				min(n, args->count) * sizeof(*out)))
		err = -EFAULT;
	args->count = n;
out_free:
	kvfree(out);
	vgpu_vm_put(vm);
	return err;
}

static int vgpu_ioctl_query_counters(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vgpu_device *vdev = to_vgpu_device(drm);
	struct drm_vgpu_query_counters *args = data;
	struct drm_vgpu_counters c;
	struct vgpu_vm *vm;
	int err = 0;

	vm = vgpu_vm_lookup(file, args->vm_id);
	if (!vm)
		return -ENOENT;
	c = (struct drm_vgpu_counters){
		.faults = atomic64_read(&vm->counters.faults),
		.ranges_created = atomic64_read(&vm->counters.ranges_created),
		.ranges_removed = atomic64_read(&vm->counters.ranges_removed),
		.pages_to_devmem = atomic64_read(&vdev->counters.pages_to_devmem) - vm->base_to_devmem,
		.pages_to_ram = atomic64_read(&vdev->counters.pages_to_ram) - vm->base_to_ram,
		.invalidations = atomic64_read(&vm->counters.invalidations),
		.evictions = atomic64_read(&vm->counters.evictions) +
			     atomic64_read(&vdev->counters.evictions) - vm->base_evictions,
		.gc_runs = atomic64_read(&vm->counters.gc_runs),
		.revalidations = atomic64_read(&vm->counters.revalidations),
		.mixed_retries = atomic64_read(&vm->counters.mixed_retries),
		.migrate_failures = atomic64_read(&vm->counters.migrate_failures),
	};
	if (copy_to_user(u64_to_user_ptr(args->counters), &c, min_t(u32, args->size, sizeof(c))))
		err = -EFAULT;
	args->size = sizeof(c);
	vgpu_vm_put(vm);
	return err;
}

#define VGPU_IOCTL(name, func) DRM_IOCTL_DEF_DRV(VGPU_##name, func, DRM_RENDER_ALLOW)

const struct drm_ioctl_desc vgpu_ioctls[VGPU_NUM_IOCTLS] = {
	VGPU_IOCTL(DEVICE_QUERY, vgpu_ioctl_device_query),
	VGPU_IOCTL(VM_CREATE, vgpu_ioctl_vm_create),
	VGPU_IOCTL(VM_DESTROY, vgpu_ioctl_vm_destroy),
	VGPU_IOCTL(BIND, vgpu_ioctl_bind),
	VGPU_IOCTL(EXEC, vgpu_ioctl_exec),
	VGPU_IOCTL(SET_ATTR, vgpu_ioctl_set_attr),
	VGPU_IOCTL(PREFETCH, vgpu_ioctl_prefetch),
	VGPU_IOCTL(EVICT, vgpu_ioctl_evict),
	VGPU_IOCTL(QUERY_PAGES, vgpu_ioctl_query_pages),
	VGPU_IOCTL(QUERY_RANGES, vgpu_ioctl_query_ranges),
	VGPU_IOCTL(QUERY_COUNTERS, vgpu_ioctl_query_counters),
};
