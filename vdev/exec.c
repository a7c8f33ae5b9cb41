/* SPDX-License-Identifier: MIT */
/*
 * Exec queues and the "GPU": one worker thread per queue runs its batches
 * in order against the VM (mem.c).  A batch that touches memory the device
 * cannot reach is a failed GPU fault: the batch stops, its fence is never
 * signalled and the queue is banned (reset), as xe does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "uapi/xe_svm_drm.h"
#include "vdev.h"

#define MI_OPCODE(dw) ((dw) >> 23)
#define OP_NOOP 0x00
#define OP_BATCH_END 0x0a
#define OP_STORE_DWORD 0x20
#define OP_COPY_MEM_MEM 0x2e
#define OP_ATOMIC 0x2f
#define ATOMIC_OP_INC 0x5
/* A runaway batch (no MI_BATCH_BUFFER_END) is a hang on hardware: stop it. */
#define MAX_BATCH_DWORDS (1u << 22)

static uint64_t addr_of(const uint32_t *dw)
{
	return dw[0] | (uint64_t)dw[1] << 32;
}

/* Reads @n dwords of the batch at @va; -EFAULT when it is not reachable. */
static int fetch(struct vdev_vm *vm, int tile, uint64_t va, uint32_t *dw, unsigned int n)
{
	return vdev_gpu_read(vm, tile, va, dw, n * sizeof(*dw));
}

/*
 * Consecutive stores to consecutive dwords (how the suite writes buffers)
 * are gathered and written with one access; what they do is the same as
 * one access per store, only far fewer system calls.
 */
#define RUN_BYTES 4096

struct store_run {
	uint64_t va;
	uint32_t len;
	uint8_t data[RUN_BYTES];
};

/* Copies read their source a page at a time, again until anything is written. */
struct src_cache {
	uint64_t va;
	uint32_t len;
	uint8_t data[RUN_BYTES];
};

/*
 * The worker's scratch, on its stack: thread-local storage in a preloaded
 * library is allocated lazily, and could land in a hole the test just cut.
 */
struct batch_state {
	struct store_run run;		/* first: the helpers get the state from it */
	struct src_cache src;
	int tile;			/* the engine's tile */
};

static int tile_of(struct store_run *run)
{
	return ((struct batch_state *)run)->tile;
}

static int run_flush(struct vdev_vm *vm, struct store_run *run)
{
	struct batch_state *st = (struct batch_state *)run;
	int ret = run->len ? vdev_gpu_write(vm, tile_of(run), run->va, run->data, run->len) : 0;

	if (run->len)
		st->src.len = 0;
	run->len = 0;
	return ret;
}

static int read_src(struct vdev_vm *vm, struct store_run *run, uint64_t va, uint32_t *out)
{
	struct src_cache *c = &((struct batch_state *)run)->src;
	int ret;

	/* A pending store to this very dword must land before it is read. */
	if (run->len && va + 4 > run->va && va < run->va + run->len && (ret = run_flush(vm, run)))
		return ret;
	if (!(c->len && va >= c->va && va + 4 <= c->va + c->len)) {
		uint32_t n = RUN_BYTES - (va & (RUN_BYTES - 1));

		if ((ret = run_flush(vm, run)))
			return ret;
		c->len = 0;
		if (vdev_gpu_read(vm, tile_of(run), va, c->data, n)) {
			if ((ret = vdev_gpu_read(vm, tile_of(run), va, c->data, n = 4)))
				return ret;
		}
		c->va = va;
		c->len = n;
	}
	memcpy(out, c->data + (va - c->va), sizeof(*out));
	return 0;
}

static int run_store(struct vdev_vm *vm, struct store_run *run, uint64_t va, uint32_t value)
{
	int ret = 0;

	if (run->len && (va != run->va + run->len || run->len == RUN_BYTES))
		ret = run_flush(vm, run);
	if (ret)
		return ret;
	if (!run->len)
		run->va = va;
	memcpy(run->data + run->len, &value, sizeof(value));
	run->len += sizeof(value);
	return 0;
}

/* Executes one batch; 0, or the errno of the failed fault. */
static int run_batch(struct vdev_vm *vm, uint64_t va, struct batch_state *st)
{
	struct store_run *run = &st->run;
	uint32_t chunk[1024];
	uint64_t chunk_va = 0;
	unsigned int chunk_len = 0;

	run->len = 0;
	st->src.len = 0;
	for (unsigned int used = 0; used < MAX_BATCH_DWORDS;) {
		uint32_t *dw, tmp;
		unsigned int len;
		int ret;

		/* Commands are read a page-bounded chunk at a time. */
		if (va < chunk_va || va + 5 * 4 > chunk_va + 4ull * chunk_len) {
			unsigned int n = (4096 - (va & 4095)) / 4;

			if (n < 5)
				n += 1024 - 5;	/* a command may straddle the page end */
			if (n > 1024)
				n = 1024;
			if ((ret = fetch(vm, st->tile, va, chunk, n)) && (ret = fetch(vm, st->tile, va, chunk, n = 5)) &&
			    (ret = fetch(vm, st->tile, va, chunk, n = 1)))
				return ret;
			chunk_va = va;
			chunk_len = n;
		}
		dw = &chunk[(va - chunk_va) / 4];
		switch (MI_OPCODE(dw[0])) {
		case OP_NOOP:
			len = 1;
			break;
		case OP_BATCH_END:
			return run_flush(vm, run);
		case OP_STORE_DWORD:
			len = 4;
			if ((ret = run_store(vm, run, addr_of(&dw[1]), dw[3])))
				return ret;
			break;
		case OP_COPY_MEM_MEM:
			len = 5;
			if ((ret = read_src(vm, run, addr_of(&dw[3]), &tmp)) ||
			    (ret = run_store(vm, run, addr_of(&dw[1]), tmp)))
				return ret;
			break;
		case OP_ATOMIC:
			len = 3;
			if (((dw[0] >> 8) & 0xf) != ATOMIC_OP_INC)
				return -EINVAL;
			if ((ret = run_flush(vm, run)) ||
			    (ret = vdev_gpu_atomic_inc(vm, st->tile, addr_of(&dw[1]))))
				return ret;
			st->src.len = 0;
			break;
		default:
			return -EINVAL;	/* an unknown command hangs real hardware */
		}
		va += 4ull * len;
		used += len;
	}
	return -ETIME;
}

static void *worker(void *arg)
{
	struct vdev_queue *q = arg;
	struct batch_state st;

	pthread_mutex_lock(&vdev_lock);
	for (;;) {
		struct vdev_job job;
		int ret;

		while (!q->inflight && !q->stop)
			pthread_cond_wait(&vdev_cond, &vdev_lock);
		if (q->stop)
			break;
		job = q->ring[q->ring_head];
		if (!q->banned) {
			pthread_mutex_unlock(&vdev_lock);
			st.tile = q->tile;
			ret = run_batch(q->vm, job.batch, &st);
			pthread_mutex_lock(&vdev_lock);
			if (ret) {
				q->banned = true;
				vdev_kmsg(6, "GT%u: Fault response: Unsuccessful %d (queue %u)\n",
					  q->eci.gt_id, ret, q->id);
			} else if (job.has_sync) {
				vdev_signal_sync(q->file, &job.sync);
			}
		}
		q->ring_head = (q->ring_head + 1) % VDEV_QUEUE_DEPTH;
		q->inflight--;
		pthread_cond_broadcast(&vdev_cond);
	}
	pthread_mutex_unlock(&vdev_lock);
	return NULL;
}

/* Workers do not survive fork(): a child that uses the queue gets its own. */
static int ensure_worker(struct vdev_queue *q)
{
	int ret;

	if (q->worker_running && q->worker_pid == getpid())
		return 0;
	/* Jobs still queued here were the parent's (fork): not ours to run. */
	if (q->worker_pid != getpid()) {
		q->ring_head = 0;
		q->inflight = 0;
	}
	ret = vdev_thread_create(&q->worker, worker, q);
	if (ret)
		return -ret;
	q->worker_running = true;
	q->worker_pid = getpid();
	return 0;
}

int vdev_queue_create(struct vdev_file *f, struct drm_xe_exec_queue_create *a)
{
	struct drm_xe_engine_class_instance eci;
	struct vdev_queue *q;
	struct vdev_vm *vm;

	if (a->extensions || a->flags || a->reserved[0] || a->reserved[1] || a->width != 1 ||
	    a->num_placements != 1)
		return -EINVAL;
	if (vdev_cpu_read(a->instances, &eci, sizeof(eci)))
		return -EFAULT;
	vm = vdev_vm_find(f, a->vm_id);
	if (!vm)
		return -ENOENT;
	if (eci.engine_class == DRM_XE_ENGINE_CLASS_VM_BIND) {
		if (eci.engine_instance || eci.gt_id)
			return -EINVAL;
	} else if (!vdev_engine_exists(&eci)) {
		return -EINVAL;
	}
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	*q = (struct vdev_queue){
		.id = f->next_id++, .file = f, .vm = vm, .eci = eci,
		.tile = eci.engine_class == DRM_XE_ENGINE_CLASS_VM_BIND ? 0 : vdev_engine_tile(&eci),
		.bind_queue = eci.engine_class == DRM_XE_ENGINE_CLASS_VM_BIND,
	};
	if (!q->bind_queue) {
		int ret = ensure_worker(q);

		if (ret) {
			free(q);
			return ret;
		}
	}
	q->next = f->queues;
	f->queues = q;
	a->exec_queue_id = q->id;
	return 0;
}

/* Stops the worker after its current batch; called with vdev_lock held. */
static void stop_queue(struct vdev_queue *q)
{
	if (q->worker_running && q->worker_pid == getpid()) {
		q->stop = true;
		pthread_cond_broadcast(&vdev_cond);
		pthread_mutex_unlock(&vdev_lock);
		pthread_join(q->worker, NULL);
		pthread_mutex_lock(&vdev_lock);
	}
	q->inflight = 0;
}

static struct vdev_queue *find_queue(struct vdev_file *f, uint32_t id)
{
	for (struct vdev_queue *q = f->queues; q; q = q->next)
		if (q->id == id)
			return q;
	return NULL;
}

int vdev_queue_destroy(struct vdev_file *f, struct drm_xe_exec_queue_destroy *a)
{
	if (a->pad || a->reserved[0] || a->reserved[1])
		return -EINVAL;
	for (struct vdev_queue **pp = &f->queues; *pp; pp = &(*pp)->next)
		if ((*pp)->id == a->exec_queue_id) {
			struct vdev_queue *q = *pp;

			*pp = q->next;
			stop_queue(q);
			free(q);
			return 0;
		}
	return -ENOENT;
}

int vdev_queue_get_property(struct vdev_file *f, struct drm_xe_exec_queue_get_property *a)
{
	struct vdev_queue *q = find_queue(f, a->exec_queue_id);

	if (a->extensions || a->reserved[0] || a->reserved[1])
		return -EINVAL;
	if (!q)
		return -ENOENT;
	if (a->property != DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN)
		return -EINVAL;
	a->value = q->banned;
	return 0;
}

int vdev_check_syncs(struct vdev_file *f, struct vdev_vm *vm, const struct drm_xe_sync *syncs,
		     uint32_t num)
{
	unsigned int ufences = 0;

	if (num && !syncs)
		return -EFAULT;
	for (uint32_t i = 0; i < num; i++) {
		const struct drm_xe_sync *s = &syncs[i];

		if (s->extensions || s->reserved[0] || s->reserved[1])
			return -EINVAL;
		switch (s->type) {
		case DRM_XE_SYNC_TYPE_USER_FENCE:
			if (!(s->flags & DRM_XE_SYNC_FLAG_SIGNAL) || (s->addr & 7) || ++ufences > 1)
				return -EINVAL;
			break;
		case DRM_XE_SYNC_TYPE_SYNCOBJ:
			if ((s->flags & DRM_XE_SYNC_FLAG_SIGNAL) && vm &&
			    (vm->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE))
				return -EOPNOTSUPP;
			if (!vdev_syncobj_find(f, s->handle))
				return -ENOENT;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

void vdev_signal_sync(struct vdev_file *f, const struct drm_xe_sync *s)
{
	if (s->type == DRM_XE_SYNC_TYPE_USER_FENCE) {
		vdev_cpu_write(s->addr, &s->timeline_value, sizeof(s->timeline_value));
	} else {
		struct vdev_syncobj *obj = vdev_syncobj_find(f, s->handle);

		if (obj)
			obj->signaled = true;
	}
	pthread_cond_broadcast(&vdev_cond);
}

int vdev_exec(struct vdev_file *f, struct drm_xe_exec *a)
{
	const struct drm_xe_sync *syncs = (const struct drm_xe_sync *)(uintptr_t)a->syncs;
	struct vdev_queue *q = find_queue(f, a->exec_queue_id);
	struct vdev_job *job;
	int ret;

	if (a->extensions || a->pad[0] || a->pad[1] || a->pad[2] || a->reserved[0] ||
	    a->reserved[1])
		return -EINVAL;
	if (!q || q->bind_queue)
		return -ENOENT;
	if (a->num_batch_buffer != 1)
		return -EINVAL;
	if (q->banned)
		return -ECANCELED;
	if ((ret = vdev_check_syncs(f, q->vm, syncs, a->num_syncs)))
		return ret;
	if ((ret = ensure_worker(q)))
		return ret;
	if (q->inflight == VDEV_QUEUE_DEPTH)
		return -EBUSY;	/* the ring is full: the caller may wait and retry */
	job = &q->ring[(q->ring_head + q->inflight) % VDEV_QUEUE_DEPTH];
	*job = (struct vdev_job){ .batch = a->address };
	for (uint32_t i = 0; i < a->num_syncs; i++)
		if (syncs[i].flags & DRM_XE_SYNC_FLAG_SIGNAL) {
			job->sync = syncs[i];
			job->has_sync = true;
		}
	q->inflight++;
	pthread_cond_broadcast(&vdev_cond);
	return 0;
}

static bool ufence_done(const struct drm_xe_wait_user_fence *a, int *err)
{
	uint64_t v;
	bool ok;

	if (vdev_cpu_read(a->addr, &v, sizeof(v))) {
		*err = -EFAULT;
		return true;
	}
	v &= a->mask;
	switch (a->op) {
	case DRM_XE_UFENCE_WAIT_OP_EQ: ok = v == (a->value & a->mask); break;
	case DRM_XE_UFENCE_WAIT_OP_NEQ: ok = v != (a->value & a->mask); break;
	case DRM_XE_UFENCE_WAIT_OP_GT: ok = v > (a->value & a->mask); break;
	case DRM_XE_UFENCE_WAIT_OP_GTE: ok = v >= (a->value & a->mask); break;
	case DRM_XE_UFENCE_WAIT_OP_LT: ok = v < (a->value & a->mask); break;
	default: ok = v <= (a->value & a->mask); break;
	}
	*err = 0;
	return ok;
}

int vdev_wait_ufence(struct vdev_file *f, struct drm_xe_wait_user_fence *a)
{
	struct vdev_queue *q = NULL;
	struct timespec deadline;
	int err;

	if (a->extensions || a->pad || a->pad2 || a->reserved[0] || a->reserved[1] ||
	    (a->addr & 7) || a->op > DRM_XE_UFENCE_WAIT_OP_LTE ||
	    (a->flags & ~DRM_XE_UFENCE_WAIT_FLAG_ABSTIME))
		return -EINVAL;
	if (a->exec_queue_id && !(q = find_queue(f, a->exec_queue_id)))
		return -ENOENT;
	if (a->flags & DRM_XE_UFENCE_WAIT_FLAG_ABSTIME) {
		deadline.tv_sec = a->timeout / 1000000000ll;
		deadline.tv_nsec = a->timeout % 1000000000ll;
	} else {
		int64_t t = a->timeout < 0 ? 3600ll * 1000000000ll : a->timeout;

		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += t / 1000000000ll;
		deadline.tv_nsec += t % 1000000000ll;
		if (deadline.tv_nsec >= 1000000000l) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000l;
		}
	}
	for (;;) {
		struct timespec now;

		if (ufence_done(a, &err))
			return err;
		if (q && q->banned)
			return -EIO;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > deadline.tv_sec ||
		    (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec))
			return -ETIME;
		/* Fences written by the program itself do not broadcast: poll too. */
		{
			struct timespec step = now;

			step.tv_nsec += 1000000;
			if (step.tv_nsec >= 1000000000l) {
				step.tv_sec++;
				step.tv_nsec -= 1000000000l;
			}
			if (step.tv_sec > deadline.tv_sec ||
			    (step.tv_sec == deadline.tv_sec && step.tv_nsec > deadline.tv_nsec))
				step = deadline;
			pthread_cond_timedwait(&vdev_cond, &vdev_lock, &step);
		}
	}
}

void vdev_file_release(struct vdev_file *f)
{
	pthread_mutex_lock(&vdev_lock);
	vdev_bind_forget(f);
	while (f->queues) {
		struct vdev_queue *q = f->queues;

		f->queues = q->next;
		stop_queue(q);
		free(q);
	}
	while (f->vms) {
		struct drm_xe_vm_destroy d = { .vm_id = f->vms->id };

		vdev_vm_destroy(f, &d);
	}
	while (f->bos)
		vdev_gem_close(f, f->bos->handle);
	while (f->syncobjs) {
		struct vdev_syncobj *s = f->syncobjs;

		f->syncobjs = s->next;
		free(s);
	}
	pthread_mutex_unlock(&vdev_lock);
	free(f);
}

/*
 * Before fork(): idle workers end, so that the child's copy of the process
 * has no record of threads it does not have (a sanitizer's leak check at
 * the child's exit would report each of them); they start again on the
 * next EXEC.  Busy ones keep running.  Called with vdev_lock held; returns
 * with it held.
 */
void vdev_quiesce_workers(struct vdev_file *files)
{
	struct vdev_queue *stopping[64];
	unsigned int n = 0;

	for (struct vdev_file *f = files; f; f = f->next)
		for (struct vdev_queue *q = f->queues; q && n < 64; q = q->next)
			if (q->worker_running && q->worker_pid == getpid() && !q->inflight) {
				q->stop = true;
				stopping[n++] = q;
			}
	if (!n)
		return;
	pthread_cond_broadcast(&vdev_cond);
	pthread_mutex_unlock(&vdev_lock);
	for (unsigned int i = 0; i < n; i++)
		pthread_join(stopping[i]->worker, NULL);
	pthread_mutex_lock(&vdev_lock);
	for (unsigned int i = 0; i < n; i++) {
		stopping[i]->stop = false;
		stopping[i]->worker_running = false;
	}
}
