/* SPDX-License-Identifier: MIT */
/*
 * When binds complete.  Page-table updates take effect in the ioctl, but a
 * bind's out-fence follows xe's timing: every bind queue (the VM's default
 * one, exec_queue_id 0, and each user-created VM_BIND queue) runs one job
 * per tile in order, and a bind's fence signals when its job on every tile
 * is done.  A job on tile t takes BIND_BASE_US + t * TILE_EXTRA_US, so the
 * tiles finish in a visible order and a fence that forgets a tile signals
 * visibly early.
 *
 * A bind with nothing to do (num_binds 0, or only UNMAPs of unbound
 * ranges) and no in-syncs gets a composite fence: the last job of every
 * tile.  Bug model fence-count (fix C absent) re-creates the miscount of
 * the VM's default per-tile queues: with >= 2 tiles and exec_queue_id 0 the
 * array is sized for 2 * (1 + tiles) + ... but filled from tile 0 only, so
 * the fence covers tile 0 alone, and the kernel's assert fires as a WARNING.
 *
 * A bind with an in-fence not yet signalled (or behind such a bind on the
 * same queue) is deferred: its ops are copied and applied, in order, once
 * the fences have signalled; its out-syncobjs get their fence at once.
 *
 * A timer thread signals the fences when their time comes and applies
 * deferred binds; it ends when nothing is pending, so that no thread of
 * ours outlives the program's last wait (a leak checker at exit would
 * complain of a running thread).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vdev.h"

#define BIND_BASE_US 1000
#define TILE_EXTRA_US 20000
/* How often a deferred bind looks at its in-fences besides the broadcasts. */
#define DEFER_POLL_NS 50000000ull

/* What a bind signals when it is done. */
struct bind_out {
	struct vdev_file *file;
	struct vdev_fence *fence;	/* its syncobjs' fence */
	bool has_ufence;
	uint64_t ufence_addr, ufence_value;
};

struct pending {
	uint64_t when_ns;
	struct bind_out out;
	struct pending *next;
};

struct deferred {
	struct vdev_vm *vm;
	struct vdev_queue *q;		/* NULL: the VM's default queue */
	struct drm_xe_vm_bind_op *ops;
	uint32_t num_ops;
	struct vdev_fence **waits;
	unsigned int num_waits;
	struct bind_out out;
	struct deferred *next;
};

static struct pending *pending;		/* sorted by when_ns */
static struct deferred *deferred;	/* in submission order */
static bool timer_running;
static pid_t timer_pid;
static pthread_t timer;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* A bind's user fence is written on its fence's signal, failed or not (xe_sync.c). */
static void out_signal(struct bind_out *out, int error)
{
	if (out->has_ufence)
		vdev_cpu_write(out->ufence_addr, &out->ufence_value, sizeof(out->ufence_value));
	vdev_fence_signal(out->fence, error);
	vdev_fence_put(out->fence);
	out->fence = NULL;
	pthread_cond_broadcast(&vdev_cond);
}

static void free_deferred(struct deferred *d)
{
	for (unsigned int i = 0; i < d->num_waits; i++)
		vdev_fence_put(d->waits[i]);
	free(d->waits);
	free(d->ops);
	free(d);
}

static bool waits_done(const struct deferred *d)
{
	for (unsigned int i = 0; i < d->num_waits; i++)
		if (!d->waits[i]->signaled)
			return false;
	return true;
}

static bool same_queue(const struct deferred *d, struct vdev_vm *vm, struct vdev_queue *q)
{
	return d->q == q && (q || d->vm == vm);
}

static int schedule(struct vdev_vm *vm, struct vdev_queue *q, bool noop, bool in_syncs,
		    struct bind_out *out);

/* Applies every deferred bind whose turn has come; with vdev_lock held. */
static void run_deferred(void)
{
	for (struct deferred **pp = &deferred; *pp;) {
		struct deferred *d = *pp;
		bool blocked = !waits_done(d), noop;
		int ret;

		for (struct deferred *e = deferred; e != d && !blocked; e = e->next)
			blocked = same_queue(e, d->vm, d->q);
		if (blocked) {
			pp = &d->next;
			continue;
		}
		*pp = d->next;
		ret = vdev_bind_apply(d->out.file, d->vm, d->ops, d->num_ops, &noop);
		if (ret) {
			vdev_kmsg(6, "VM_BIND deferred: %d\n", ret);
			out_signal(&d->out, ret);
		} else if ((ret = schedule(d->vm, d->q, noop, true, &d->out))) {
			out_signal(&d->out, ret);
		}
		free_deferred(d);
		pp = &deferred;	/* the list changed under us: start again */
	}
}

/*
 * Signals, in deadline order, every pending fence due at or before @upto;
 * with vdev_lock held.  Fences of one bind timeline must signal in the
 * order their jobs complete, as a dma-fence timeline does: a fence due now
 * must not overtake an earlier-or-equal one that the timer thread has not
 * reached yet (on a busy machine it runs late).
 */
static void signal_due(uint64_t upto)
{
	while (pending && pending->when_ns <= upto) {
		struct pending *p = pending;

		pending = p->next;
		out_signal(&p->out, 0);
		free(p);
	}
}

static void *timer_thread(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&vdev_lock);
	for (;;) {
		uint64_t now = now_ns(), wake;

		run_deferred();
		signal_due(now);
		if (!pending && !deferred) {
			timer_running = false;
			break;
		}
		wake = pending ? pending->when_ns : now + DEFER_POLL_NS;
		if (deferred && wake > now + DEFER_POLL_NS)
			wake = now + DEFER_POLL_NS;
		{
			struct timespec ts = {
				.tv_sec = wake / 1000000000ull,
				.tv_nsec = wake % 1000000000ull,
			};

			pthread_cond_timedwait(&vdev_cond, &vdev_lock, &ts);
		}
	}
	pthread_mutex_unlock(&vdev_lock);
	return NULL;
}

/* A forked child has no timer thread and none of the parent's binds. */
static void forget_parent(void)
{
	if (timer_pid != getpid()) {
		pending = NULL;
		deferred = NULL;
		timer_running = false;
		timer_pid = getpid();
	}
}

static int ensure_timer(void)
{
	forget_parent();
	if (!timer_running) {
		if (vdev_thread_create(&timer, timer_thread, NULL))
			return -EAGAIN;
		pthread_detach(timer);
		timer_running = true;
	}
	return 0;
}

/* Signals @out at @when_ns (now or later); with vdev_lock held. */
static int signal_at(struct bind_out *out, uint64_t when_ns)
{
	struct pending *p, **pp;
	int ret;

	forget_parent();
	if (when_ns <= now_ns()) {
		signal_due(when_ns);
		out_signal(out, 0);
		return 0;
	}
	if ((ret = ensure_timer()))
		return ret;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	*p = (struct pending){ .when_ns = when_ns, .out = *out };
	out->fence = NULL;
	for (pp = &pending; *pp && (*pp)->when_ns <= when_ns; pp = &(*pp)->next)
		;
	p->next = *pp;
	*pp = p;
	pthread_cond_broadcast(&vdev_cond);
	return 0;
}

void vdev_bind_forget(struct vdev_file *f, struct vdev_vm *vm, struct vdev_queue *q)
{
	for (struct pending **pp = &pending; *pp;) {
		struct pending *p = *pp;

		if (!vm && !q && p->out.file == f) {
			*pp = p->next;
			vdev_fence_put(p->out.fence);
			free(p);
		} else {
			pp = &p->next;
		}
	}
	for (struct deferred **pp = &deferred; *pp;) {
		struct deferred *d = *pp;

		if ((!vm && !q && d->out.file == f) || (vm && d->vm == vm) || (q && d->q == q)) {
			*pp = d->next;
			d->out.has_ufence = false;	/* the memory may be gone with the file */
			vdev_fence_signal(d->out.fence, -ECANCELED);
			vdev_fence_put(d->out.fence);
			free_deferred(d);
		} else {
			pp = &d->next;
		}
	}
}

static int schedule(struct vdev_vm *vm, struct vdev_queue *q, bool noop, bool in_syncs,
		    struct bind_out *out)
{
	uint64_t *last = q ? q->bind_last_ns : vm->bind_last_ns;
	unsigned int tiles = vdev_preset->num_tiles;
	uint64_t now = now_ns(), done = 0;

	if (noop && !in_syncs) {
		bool miscount = (vdev_bugs & VDEV_BUG_FENCE_COUNT) && !q && tiles >= 2;

		for (unsigned int t = 0; t < (miscount ? 1 : tiles); t++)
			if (last[t] > done)
				done = last[t];
		if (miscount)
			vdev_kmsg(4, "WARNING: CPU: 0 PID: %d at drivers/gpu/drm/xe/xe_vm.c: "
				  "xe_vm_bind_ioctl: composite fence count mismatch "
				  "(%u counted, %u filled)\n", getpid(), 2 * (1 + tiles), 1 + tiles);
	} else {
		for (unsigned int t = 0; t < tiles; t++) {
			uint64_t start = last[t] > now ? last[t] : now;

			last[t] = start + (BIND_BASE_US + t * TILE_EXTRA_US) * 1000ull;
			if (last[t] > done)
				done = last[t];
		}
	}
	return signal_at(out, done);
}

static int defer(struct vdev_vm *vm, struct vdev_queue *q, const struct drm_xe_vm_bind_op *ops,
		 uint32_t num, struct vdev_fence **waits, unsigned int num_waits,
		 struct bind_out *out)
{
	struct deferred *d = calloc(1, sizeof(*d)), **pp;
	int ret;

	if (!d || !(d->ops = calloc(num ? num : 1, sizeof(*ops)))) {
		free(d);
		return -ENOMEM;
	}
	if ((ret = ensure_timer())) {
		free(d->ops);
		free(d);
		return ret;
	}
	memcpy(d->ops, ops, num * sizeof(*ops));
	*d = (struct deferred){ .vm = vm, .q = q, .ops = d->ops, .num_ops = num,
				.waits = waits, .num_waits = num_waits, .out = *out };
	for (pp = &deferred; *pp; pp = &(*pp)->next)
		;
	*pp = d;
	pthread_cond_broadcast(&vdev_cond);
	return 0;
}

int vdev_bind_submit(struct vdev_file *f, struct vdev_vm *vm, struct vdev_queue *q,
		     const struct drm_xe_vm_bind_op *ops, uint32_t num,
		     const struct drm_xe_sync *syncs, uint32_t num_syncs)
{
	const struct drm_xe_sync *ufence = vdev_sync_ufence(syncs, num_syncs);
	struct bind_out out = { .file = f };
	struct vdev_fence **waits = NULL;
	bool in_syncs = false, behind = false, noop;
	int n = 0, ret;

	for (uint32_t i = 0; i < num_syncs; i++)
		in_syncs |= !(syncs[i].flags & DRM_XE_SYNC_FLAG_SIGNAL);
	if (num_syncs && !(waits = calloc(num_syncs, sizeof(*waits))))
		return -ENOMEM;
	if ((n = vdev_sync_in_fences(f, syncs, num_syncs, waits, num_syncs)) < 0) {
		free(waits);
		return n;
	}
	if (timer_pid == getpid())
		for (struct deferred *d = deferred; d && !behind; d = d->next)
			behind = same_queue(d, vm, q);
	if (!(out.fence = vdev_fence_new())) {
		ret = -ENOMEM;
		goto out_waits;
	}
	if (ufence) {
		out.has_ufence = true;
		out.ufence_addr = ufence->addr;
		out.ufence_value = ufence->timeline_value;
	}
	if (n || behind) {
		if ((ret = defer(vm, q, ops, num, waits, (unsigned int)n, &out))) {
			vdev_fence_put(out.fence);
			goto out_waits;
		}
		vdev_sync_out_fences(f, syncs, num_syncs, out.fence);
		return 0;
	}
	free(waits);
	if ((ret = vdev_bind_apply(f, vm, ops, num, &noop))) {
		vdev_fence_put(out.fence);
		return ret;
	}
	vdev_sync_out_fences(f, syncs, num_syncs, out.fence);
	return schedule(vm, q, noop, in_syncs, &out);

out_waits:
	while (n > 0)
		vdev_fence_put(waits[--n]);
	free(waits);
	return ret;
}
