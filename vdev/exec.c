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
#include "mi.h"
#include "vdev.h"

#define MI_OPCODE(dw) ((dw) >> 23)
#define OP_NOOP 0x00
#define OP_USER_INTERRUPT 0x02
#define OP_ARB_CHECK 0x05
#define OP_BATCH_END 0x0a
#define OP_MATH 0x1a
#define OP_SEMAPHORE_WAIT 0x1c
#define OP_STORE_DWORD 0x20
#define OP_LOAD_REG_IMM 0x22
#define OP_STORE_REG_MEM 0x24
#define OP_FLUSH_DW 0x26
#define OP_LOAD_REG_MEM 0x29
#define OP_LOAD_REG_REG 0x2a
#define OP_COPY_MEM_MEM 0x2e
#define OP_ATOMIC 0x2f
#define OP_BATCH_START 0x31
#define OP_COND_BATCH_END 0x36
#define ATOMIC_OP_INC 0x5
#define COMPARE_MODE(dw) (((dw) >> 12) & 7)
/* The longest command decoded (MI_LOAD_REGISTER_IMM of a few registers). */
#define MAX_CMD_DWORDS 64
/*
 * A batch that loops (a spinner) runs until it ends itself or its queue
 * goes; on a dma-fence VM xe's scheduler times a job out after 5 s
 * (job_timeout_ms) and resets the queue.  Loops and polls sleep a little
 * per turn: the machine running vdev has few cores to spare.
 */
#define JOB_TIMEOUT_NS 5000000000ull
#define LOOP_PAUSE_NS 100000l

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
	struct vdev_queue *q;
	struct vdev_regs regs;
	uint64_t start_ns;
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

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * A turn of a loop or poll: the pending stores become visible first (the
 * CPU may be waiting for them), then a short pause.  -ECANCELED when the
 * queue is going, -ETIME when a dma-fence job ran out of time.
 */
static int pause_turn(struct vdev_vm *vm, struct batch_state *st)
{
	struct timespec pause = { 0, LOOP_PAUSE_NS };
	int ret = run_flush(vm, &st->run);

	st->src.len = 0;
	if (ret)
		return ret;
	if (__atomic_load_n(&st->q->stop, __ATOMIC_RELAXED))
		return -ECANCELED;
	if (!(vm->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE) && mono_ns() - st->start_ns > JOB_TIMEOUT_NS)
		return -ETIME;
	nanosleep(&pause, NULL);
	return 0;
}

/* A dword of memory as the command streamer reads it now (no cache). */
static int read_now(struct vdev_vm *vm, struct batch_state *st, uint64_t va, uint32_t *out)
{
	int ret = run_flush(vm, &st->run);

	st->src.len = 0;
	return ret ? ret : vdev_gpu_read(vm, st->tile, va, out, sizeof(*out));
}

/* Total length of the command at @dw in dwords. */
static unsigned int cmd_len(const uint32_t *dw)
{
	switch (MI_OPCODE(dw[0])) {
	case OP_NOOP:
	case OP_USER_INTERRUPT:
	case OP_ARB_CHECK:
	case OP_BATCH_END:
		return 1;
	case OP_ATOMIC:
		return 3;
	case OP_COPY_MEM_MEM:
		return 5;
	case OP_STORE_DWORD:
		return (dw[0] & 0x3ff) + 2;
	default:
		return (dw[0] & 0xff) + 2;
	}
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
	st->regs = (struct vdev_regs){ 0 };
	st->start_ns = mono_ns();
	for (;;) {
		uint32_t *dw, tmp;
		unsigned int len;
		int ret, cmp;

		/* Commands are read a page-bounded chunk at a time. */
		if (va < chunk_va || va + 4 > chunk_va + 4ull * chunk_len ||
		    va + 4ull * cmd_len(&chunk[(va - chunk_va) / 4]) > chunk_va + 4ull * chunk_len) {
			unsigned int n = (4096 - (va & 4095)) / 4;

			if (n < MAX_CMD_DWORDS)
				n += 1024 - MAX_CMD_DWORDS;	/* a command may straddle the page end */
			if (n > 1024)
				n = 1024;
			if ((ret = fetch(vm, st->tile, va, chunk, n)) &&
			    (ret = fetch(vm, st->tile, va, chunk, n = 1)))
				return ret;
			chunk_va = va;
			chunk_len = n;
			len = cmd_len(chunk);
			/* Only the first dword was reachable: the rest must be too. */
			if (len > n) {
				if (len > MAX_CMD_DWORDS || (ret = fetch(vm, st->tile, va, chunk, len)))
					return len > MAX_CMD_DWORDS ? -EINVAL : ret;
				chunk_len = len;
			}
		}
		dw = &chunk[(va - chunk_va) / 4];
		len = cmd_len(dw);
		switch (MI_OPCODE(dw[0])) {
		case OP_NOOP:
		case OP_USER_INTERRUPT:
		case OP_FLUSH_DW:	/* vdev's stores are visible at once: nothing to flush */
			break;
		case OP_ARB_CHECK:
			/* A preemption point: where the queue may be stopped. */
			if (__atomic_load_n(&st->q->stop, __ATOMIC_RELAXED))
				return -ECANCELED;
			break;
		case OP_BATCH_END:
			return run_flush(vm, run);
		case OP_STORE_DWORD:
			if (len < 4)
				return -EINVAL;
			for (unsigned int i = 3; i < len; i++)
				if ((ret = run_store(vm, run, addr_of(&dw[1]) + 4 * (i - 3), dw[i])))
					return ret;
			break;
		case OP_COPY_MEM_MEM:
			if ((ret = read_src(vm, run, addr_of(&dw[3]), &tmp)) ||
			    (ret = run_store(vm, run, addr_of(&dw[1]), tmp)))
				return ret;
			break;
		case OP_ATOMIC:
			if (((dw[0] >> 8) & 0xf) != ATOMIC_OP_INC)
				return -EINVAL;
			if ((ret = run_flush(vm, run)) ||
			    (ret = vdev_gpu_atomic_inc(vm, st->tile, addr_of(&dw[1]))))
				return ret;
			st->src.len = 0;
			break;
		case OP_LOAD_REG_IMM:
			for (unsigned int i = 1; i + 1 < len; i += 2)
				vdev_reg_write(&st->regs, dw[i], dw[i + 1]);
			break;
		case OP_LOAD_REG_REG:
			if (len != 3)
				return -EINVAL;
			vdev_reg_write(&st->regs, dw[2], vdev_reg_read(&st->regs, dw[1]));
			break;
		case OP_LOAD_REG_MEM:
			if (len != 4 || (ret = read_now(vm, st, addr_of(&dw[2]), &tmp)))
				return len != 4 ? -EINVAL : ret;
			vdev_reg_write(&st->regs, dw[1], tmp);
			break;
		case OP_STORE_REG_MEM:
			if (len != 4)
				return -EINVAL;
			if ((ret = run_store(vm, run, addr_of(&dw[2]), vdev_reg_read(&st->regs, dw[1]))))
				return ret;
			break;
		case OP_MATH:
			if ((ret = vdev_mi_math(&st->regs, &dw[1], len - 1)))
				return ret;
			break;
		case OP_SEMAPHORE_WAIT:
			/* Polls until memory compares true with the inline data. */
			if (len < 4)
				return -EINVAL;
			for (;;) {
				if ((ret = read_now(vm, st, addr_of(&dw[2]), &tmp)))
					return ret;
				if ((cmp = vdev_mi_compare(COMPARE_MODE(dw[0]), tmp, dw[1])) < 0)
					return cmp;
				if (cmp)
					break;
				if ((ret = pause_turn(vm, st)))
					return ret;
			}
			break;
		case OP_COND_BATCH_END:
			/* The batch goes on while memory compares true with the inline data. */
			if (len < 4 || (ret = read_now(vm, st, addr_of(&dw[2]), &tmp)))
				return len < 4 ? -EINVAL : ret;
			if ((cmp = vdev_mi_compare(COMPARE_MODE(dw[0]), tmp, dw[1])) < 0)
				return cmp;
			if (!cmp)
				return run_flush(vm, run);
			break;
		case OP_BATCH_START:
			/* A jump (chained batch); a loop when it goes back. */
			if (len != 3)
				return -EINVAL;
			if (addr_of(&dw[1]) <= va && (ret = pause_turn(vm, st)))
				return ret;
			va = addr_of(&dw[1]);
			continue;
		default:
			return -EINVAL;	/* an unknown command hangs real hardware */
		}
		va += 4ull * len;
	}
}

static bool job_ready(const struct vdev_job *job)
{
	for (unsigned int i = 0; i < job->num_waits; i++) {
		const struct vdev_fence *w =
			i < VDEV_JOB_WAITS ? job->waits[i] : job->more_waits[i - VDEV_JOB_WAITS];

		if (!w->signaled)
			return false;
	}
	return true;
}

/*
 * The job ends: its fence signals (with @error when it failed or was
 * cancelled: xe completes every job of a banned queue with an error).  The
 * user fence of a job without a batch is written now, by the CPU (xe's
 * fence callback); a batch's was written by the ring (run_job).  Frees the
 * job's references; with vdev_lock held.
 */
static void job_end(struct vdev_job *job, int error)
{
	if (!error && job->has_ufence && !job->batch)
		vdev_cpu_write(job->ufence_addr, &job->ufence_value, sizeof(job->ufence_value));
	vdev_fence_signal(job->done, error);
	vdev_fence_put(job->done);
	for (unsigned int i = 0; i < job->num_waits; i++)
		vdev_fence_put(i < VDEV_JOB_WAITS ? job->waits[i] : job->more_waits[i - VDEV_JOB_WAITS]);
	free(job->more_waits);
	*job = (struct vdev_job){ 0 };
	pthread_cond_broadcast(&vdev_cond);
}

static void *worker(void *arg)
{
	struct vdev_queue *q = arg;
	struct batch_state st;

	pthread_mutex_lock(&vdev_lock);
	for (;;) {
		struct vdev_job *job;
		int ret = 0;

		/* In order: the oldest job runs once its in-fences have signalled. */
		while (!q->stop && (!q->inflight || !job_ready(&q->ring[q->ring_head])))
			pthread_cond_wait(&vdev_cond, &vdev_lock);
		if (q->stop)
			break;
		job = &q->ring[q->ring_head];
		if (q->banned) {
			ret = -ECANCELED;
		} else if (job->batch) {
			struct vdev_job run = *job;

			pthread_mutex_unlock(&vdev_lock);
			st.tile = q->tile;
			st.q = q;
			ret = run_batch(q->vm, run.batch, &st);
			/*
			 * The ring writes the user fence after the batch, at a
			 * GPU address: a store through the VM, which can fault.
			 */
			if (!ret && run.has_ufence)
				ret = vdev_gpu_write(q->vm, q->tile, run.ufence_addr, &run.ufence_value,
						     sizeof(run.ufence_value));
			pthread_mutex_lock(&vdev_lock);
			/* The ring may have grown meanwhile: find the job again. */
			job = &q->ring[q->ring_head];
			if (ret) {
				if (ret != -ECANCELED && ret != -ETIME)
					vdev_fault_record(q->vm);
				q->banned = true;
				vdev_kmsg(6, "GT%u: Fault response: Unsuccessful %d (queue %u)\n",
					  q->eci.gt_id, ret, q->id);
			}
		}
		job_end(job, ret);
		q->ring_head = (q->ring_head + 1) % q->ring_size;
		q->inflight--;
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
	/*
	 * Jobs still queued here were the parent's (fork): not ours to run,
	 * and their fences are the parent's copies (left, not freed).
	 */
	if (q->worker_pid && q->worker_pid != getpid()) {
		memset(q->ring, 0, q->ring_size * sizeof(*q->ring));
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
	struct vdev_vm *vm = NULL;
	int ret = vdev_check_queue_create(f, a, &eci, &vm);

	if (ret)
		return ret;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	*q = (struct vdev_queue){
		.id = f->next_id++, .file = f, .vm = vm, .eci = eci,
		.tile = eci.engine_class == DRM_XE_ENGINE_CLASS_VM_BIND ? 0 : vdev_engine_tile(&eci),
		.bind_queue = eci.engine_class == DRM_XE_ENGINE_CLASS_VM_BIND,
	};
	if (!q->bind_queue) {
		int ret;

		q->ring_size = VDEV_QUEUE_DEPTH;
		q->ring = calloc(q->ring_size, sizeof(*q->ring));
		ret = q->ring ? ensure_worker(q) : -ENOMEM;
		if (ret) {
			free(q->ring);
			free(q);
			return ret;
		}
		vdev_fence_reserve(2 * VDEV_QUEUE_DEPTH);
	}
	q->next = f->queues;
	f->queues = q;
	a->exec_queue_id = q->id;
	return 0;
}

/*
 * Stops the worker after its current batch and cancels the jobs left (xe
 * kills a destroyed queue: their fences signal with an error); frees the
 * queue.  Called with vdev_lock held.
 */
static void stop_queue(struct vdev_queue *q)
{
	bool ours = q->worker_pid == getpid();

	if (q->worker_running && ours) {
		q->stop = true;
		pthread_cond_broadcast(&vdev_cond);
		pthread_mutex_unlock(&vdev_lock);
		pthread_join(q->worker, NULL);
		pthread_mutex_lock(&vdev_lock);
	}
	for (; ours && q->inflight; q->inflight--) {
		job_end(&q->ring[q->ring_head], -ECANCELED);
		q->ring_head = (q->ring_head + 1) % q->ring_size;
	}
	vdev_bind_forget(q->file, NULL, q);
	free(q->ring);
	free(q);
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
	int ret = vdev_check_queue_destroy(a);

	if (ret)
		return ret;
	for (struct vdev_queue **pp = &f->queues; *pp; pp = &(*pp)->next)
		if ((*pp)->id == a->exec_queue_id) {
			struct vdev_queue *q = *pp;

			*pp = q->next;
			stop_queue(q);
			return 0;
		}
	return -ENOENT;
}

int vdev_queue_get_property(struct vdev_file *f, struct drm_xe_exec_queue_get_property *a)
{
	struct vdev_queue *q = find_queue(f, a->exec_queue_id);
	int ret = vdev_check_queue_get_property(a, q);

	if (ret)
		return ret;
	a->value = q->banned;
	return 0;
}

/* Room for one more job: the ring doubles when full (rarely: see vdev.h). */
static int ring_room(struct vdev_queue *q)
{
	struct vdev_job *grown;

	if (q->inflight >= VDEV_MAX_JOBS)
		return -EAGAIN;	/* xe: XE_MAX_JOB_COUNT_PER_EXEC_QUEUE reached */
	if (q->inflight < q->ring_size)
		return 0;
	grown = calloc(q->ring_size * 2, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	for (unsigned int i = 0; i < q->inflight; i++)
		grown[i] = q->ring[(q->ring_head + i) % q->ring_size];
	free(q->ring);
	q->ring = grown;
	q->ring_size *= 2;
	q->ring_head = 0;
	return 0;
}

/* The job's in-fences: a few inline, more in an allocated array. */
static int job_waits(struct vdev_file *f, struct vdev_job *job, const struct drm_xe_sync *syncs,
		     uint32_t num)
{
	struct vdev_fence **all;
	int n = vdev_sync_in_fences(f, syncs, num, job->waits, VDEV_JOB_WAITS);

	if (n != -E2BIG) {
		job->num_waits = n > 0 ? (unsigned int)n : 0;
		return n < 0 ? n : 0;
	}
	all = calloc(num, sizeof(*all));
	if (!all)
		return -ENOMEM;
	n = vdev_sync_in_fences(f, syncs, num, all, num);
	if (n < 0) {
		free(all);
		return n;
	}
	for (int i = 0; i < n && i < VDEV_JOB_WAITS; i++)
		job->waits[i] = all[i];
	if (n > VDEV_JOB_WAITS) {
		memmove(all, all + VDEV_JOB_WAITS, (n - VDEV_JOB_WAITS) * sizeof(*all));
		job->more_waits = all;
	} else {
		free(all);
	}
	job->num_waits = (unsigned int)n;
	return 0;
}

int vdev_exec(struct vdev_file *f, struct drm_xe_exec *a)
{
	const struct drm_xe_sync *syncs = (const struct drm_xe_sync *)(uintptr_t)a->syncs, *ufence;
	struct vdev_queue *q = find_queue(f, a->exec_queue_id);
	struct vdev_job job = { .batch = a->address };
	int ret;

	if ((ret = vdev_check_exec(f, a, q)))
		return ret;
	/* 0 batches: a job of syncs only (xe signals its out-syncs after the in-syncs). */
	if (!a->num_batch_buffer)
		job.batch = 0;
	if ((ret = ensure_worker(q)) || (ret = ring_room(q)))
		return ret;
	if ((ret = job_waits(f, &job, syncs, a->num_syncs)))
		return ret;
	job.done = vdev_fence_new();
	if (!job.done) {
		job_end(&job, 0);
		return -ENOMEM;
	}
	if ((ufence = vdev_sync_ufence(syncs, a->num_syncs))) {
		job.has_ufence = true;
		job.ufence_addr = ufence->addr;
		job.ufence_value = ufence->timeline_value;
	}
	vdev_sync_out_fences(f, syncs, a->num_syncs, job.done);
	q->ring[(q->ring_head + q->inflight) % q->ring_size] = job;
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
	int err = vdev_check_wait_ufence(a);

	if (err)
		return err;
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
	vdev_bind_forget(f, NULL, NULL);
	while (f->queues) {
		struct vdev_queue *q = f->queues;

		f->queues = q->next;
		stop_queue(q);
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
		vdev_fence_put(s->fence);
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
