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
 * A timer thread signals the fences when their time comes; it ends when
 * none is pending, so that no thread of ours outlives the program's last
 * wait (a leak checker at exit would complain of a running thread).
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "vdev.h"

#define BIND_BASE_US 1000
#define TILE_EXTRA_US 20000

struct pending {
	uint64_t when_ns;
	struct vdev_file *file;
	struct drm_xe_sync sync;
	struct pending *next;
};

static struct pending *pending;		/* sorted by when_ns */
static bool timer_running;
static pid_t timer_pid;
static pthread_t timer;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void *timer_thread(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&vdev_lock);
	for (;;) {
		uint64_t now = now_ns();

		while (pending && pending->when_ns <= now) {
			struct pending *p = pending;

			pending = p->next;
			vdev_signal_sync(p->file, &p->sync);
			free(p);
		}
		if (pending) {
			struct timespec ts = {
				.tv_sec = pending->when_ns / 1000000000ull,
				.tv_nsec = pending->when_ns % 1000000000ull,
			};

			pthread_cond_timedwait(&vdev_cond, &vdev_lock, &ts);
		} else {
			timer_running = false;
			break;
		}
	}
	pthread_mutex_unlock(&vdev_lock);
	return NULL;
}

/* Signals @sync of @f at @when_ns (now or later); with vdev_lock held. */
static int signal_at(struct vdev_file *f, const struct drm_xe_sync *sync, uint64_t when_ns)
{
	struct pending *p, **pp;

	if (when_ns <= now_ns()) {
		vdev_signal_sync(f, sync);
		return 0;
	}
	if (timer_pid != getpid()) {
		/* A forked child has no timer thread and none of the parent's fences. */
		pending = NULL;
		timer_running = false;
		timer_pid = getpid();
	}
	if (!timer_running) {
		if (vdev_thread_create(&timer, timer_thread, NULL))
			return -EAGAIN;
		pthread_detach(timer);
		timer_running = true;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	*p = (struct pending){ .when_ns = when_ns, .file = f, .sync = *sync };
	for (pp = &pending; *pp && (*pp)->when_ns <= when_ns; pp = &(*pp)->next)
		;
	p->next = *pp;
	*pp = p;
	pthread_cond_broadcast(&vdev_cond);
	return 0;
}

/* A file is closing: its fences will never be waited for. */
void vdev_bind_forget(struct vdev_file *f)
{
	for (struct pending **pp = &pending; *pp;) {
		struct pending *p = *pp;

		if (p->file == f) {
			*pp = p->next;
			free(p);
		} else {
			pp = &p->next;
		}
	}
}

int vdev_bind_complete(struct vdev_file *f, struct vdev_vm *vm, struct vdev_queue *q,
		       bool noop, bool in_syncs, const struct drm_xe_sync *syncs, uint32_t num)
{
	uint64_t *last = q ? q->bind_last_ns : vm->bind_last_ns;
	unsigned int tiles = vdev_preset->num_tiles;
	uint64_t now = now_ns(), done = 0;
	int ret;

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
	for (uint32_t i = 0; i < num; i++)
		if ((syncs[i].flags & DRM_XE_SYNC_FLAG_SIGNAL) &&
		    (ret = signal_at(f, &syncs[i], done)))
			return ret;
	return 0;
}
