/* SPDX-License-Identifier: MIT */
/*
 * SMI events (kfd_smi_events.c): AMDKFD_IOC_SMI_EVENTS hands the program
 * one end of a socketpair; vdev keeps the other.  The program write()s its
 * u64 event mask into its end and poll()s/read()s lines from it, so both
 * work with no interposition; vdev reads the mask from its end when it
 * next emits.  Where that differs from the kernel's anon inode:
 *  - a write of other than 8 bytes is not refused (the kernel takes the
 *    first 8 of a longer one and fails a shorter one); vdev takes every
 *    complete 8 bytes in order, the last one wins;
 *  - read() hands out what the socket holds, not at most the fifo size.
 * The fifo is 8 KiB as in current kernels (6.12's MAX_KFIFO_SIZE is 1024):
 * a line that does not fit in what the program has not read yet is
 * dropped, as add_event_to_kfifo drops it.  The fill is the unread bytes
 * of the program's end (SIOCINQ on a dup vdev keeps of it; the dup also
 * tells when the program closed its descriptor: its number then names
 * another file or none, and the client goes).
 *
 * Events of other processes need KFD_SMI_EVENT_ALL_PROCESS and root
 * (client->suser); vdev serves one process, whose events every client of
 * it sees, so only the suser flag is kept.  A fork child has its own vdev
 * state and its own clients.
 *
 * The pump: the kernel emits a CPU fault's MIGRATE lines from the fault
 * itself, but residency's SIGSEGV handler may not take kfd_lock, so the
 * rest of the fault (vdev_kfd_vram_sync) waits for a kfd entry.  While an
 * SMI fd is open a thread checks every PUMP_PERIOD_NS whether a page left
 * VRAM behind kfd's back and runs the sync then, so a program that only
 * touches memory and polls its SMI fd sees the lines.  It ends when the
 * last client goes (closed, or found dead by the pump) and at exit; a fork
 * child has none.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "kfd.h"
#include "vdev.h"

#define SMI_FIFO_SIZE 8192
#define PUMP_PERIOD_NS 2000000

struct smi_client {
	unsigned int gpu;
	int fd;			/* vdev's end */
	int user_fd;		/* the number the program was given */
	int user_dup;		/* vdev's dup of the program's end */
	ino_t ino;
	uint64_t events;
	uint8_t partial[8];	/* a mask written in pieces */
	size_t npartial;
	bool suser;
	struct smi_client *next;
};

static struct smi_client *clients;
static pid_t clients_pid;

static struct {
	pthread_t thread;
	bool running;		/* started and not joined yet */
	bool stop;		/* asked to end */
	bool done;		/* it ended on its own: no client left */
	bool parked;		/* stopped for a fork, restarts after it */
	unsigned long seen;	/* residency's moved-out count at the last sync */
} pump;

static void client_free(struct smi_client *c)
{
	vdev_real_close(c->fd);
	vdev_real_close(c->user_dup);
	free(c);
}

static struct smi_client **client_list(void)
{
	if (clients_pid != getpid()) {
		/*
		 * A fork child: the parent's clients and pump are the parent's.
		 * The inherited copies go, and vdev's descriptors of them with
		 * them (the child's own after fork; the parent keeps its own).
		 * The program's end (user_fd) is the program's to close.
		 */
		for (struct smi_client *c = clients, *next; clients_pid && c; c = next) {
			next = c->next;
			client_free(c);
		}
		clients = NULL;
		pump.running = false;
		pump.parked = false;
		clients_pid = getpid();
	}
	return &clients;
}

/* Whether the program still holds its end under the number it was given. */
static bool client_alive(const struct smi_client *c)
{
	struct stat st;

	return !fstat(c->user_fd, &st) && st.st_ino == c->ino;
}

/* The mask the program wrote last (kfd_smi_ev_write). */
static void client_update_mask(struct smi_client *c)
{
	uint8_t buf[256];
	ssize_t n;

	while ((n = read(c->fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++) {
			c->partial[c->npartial++] = buf[i];
			if (c->npartial == sizeof(c->events)) {
				memcpy(&c->events, c->partial, sizeof(c->events));
				c->npartial = 0;
			}
		}
}

/* Drops the clients whose program end is gone; whether any is left. */
static bool prune_clients(void)
{
	struct smi_client **pp = client_list();

	while (*pp) {
		struct smi_client *c = *pp;

		if (client_alive(c)) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		client_free(c);
	}
	return *client_list() != NULL;
}

static void *pump_main(void *arg)
{
	const struct timespec period = { 0, PUMP_PERIOD_NS };

	(void)arg;
	for (;;) {
		unsigned long moved_out;

		nanosleep(&period, NULL);
		vdev_kfd_lock();
		if (pump.stop || !prune_clients()) {
			pump.done = true;
			vdev_kfd_unlock();
			return NULL;
		}
		moved_out = vdev_residency_moved_out();
		if (moved_out != pump.seen && vdev_kfd_proc.pid == getpid()) {
			pump.seen = moved_out;
			vdev_kfd_vram_sync();
		}
		vdev_kfd_unlock();
	}
}

/* Stops and joins the pump; drops kfd_lock while it waits. */
static void pump_stop(void)
{
	client_list();
	if (!pump.running)
		return;
	pump.stop = true;
	vdev_kfd_unlock();
	pthread_join(pump.thread, NULL);
	vdev_kfd_lock();
	pump.running = false;
}

/* A client came: the pump runs (again, if it ended on its own). */
static int pump_start(void)
{
	int ret;

	if (pump.running && !pump.done)
		return 0;
	pump_stop();
	pump.stop = false;
	pump.done = false;
	pump.seen = vdev_residency_moved_out();
	ret = vdev_thread_create(&pump.thread, pump_main, NULL);
	pump.running = !ret;
	return -ret;
}

void vdev_kfd_smi_close(int fd)
{
	struct smi_client **pp = client_list();

	while (*pp) {
		struct smi_client *c = *pp;

		if (c->user_fd != fd || !client_alive(c)) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		client_free(c);
	}
	if (!*client_list())
		pump_stop();
}

void vdev_kfd_smi_park(void)
{
	bool was_running;

	if (clients_pid != getpid() || !pump.running)
		return;
	was_running = !pump.done;
	pump_stop();
	pump.parked = was_running;
}

void vdev_kfd_smi_unpark(void)
{
	if (clients_pid != getpid() || !pump.parked)
		return;
	pump.parked = false;
	/* As it was: pump.seen kept, so a move-out before the fork is still synced. */
	pump.stop = false;
	pump.done = false;
	pump.running = !vdev_thread_create(&pump.thread, pump_main, NULL);
}

/* The program exits: the pump ends before the state it reads goes away. */
__attribute__((destructor)) static void pump_at_exit(void)
{
	if (!vdev_kfd || clients_pid != getpid() || !pump.running)
		return;
	vdev_kfd_lock();
	pump_stop();
	vdev_kfd_unlock();
}

long vdev_kfd_smi_events(void *data)
{
	struct kfd_ioctl_smi_events_args *a = data;
	int idx = vdev_kfd_gpuidx(a->gpuid), sv[2], ret;
	struct smi_client *c;
	struct stat st;

	if (idx < 0)
		return vdev_kfd_reject(-EINVAL, "kfd_ioctl_smi_events: no such GPU");
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	/* anon_inode_getfd(O_RDWR): no close-on-exec; its read never blocks. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv)) {
		free(c);
		return -errno;
	}
	c->user_dup = fcntl(sv[1], F_DUPFD_CLOEXEC, 0);
	if (c->user_dup < 0 || fstat(sv[1], &st) || fcntl(sv[0], F_SETFD, FD_CLOEXEC)) {
		long err = -errno;

		if (c->user_dup >= 0)
			vdev_real_close(c->user_dup);
		vdev_real_close(sv[0]);
		vdev_real_close(sv[1]);
		free(c);
		return err;
	}
	c->gpu = (unsigned int)idx;
	c->fd = sv[0];
	c->user_fd = sv[1];
	c->ino = st.st_ino;
	c->suser = geteuid() == 0;	/* capable(CAP_SYS_ADMIN), near enough */
	ret = pump_start();
	if (ret) {
		client_free(c);
		vdev_real_close(sv[1]);
		return ret;
	}
	c->next = *client_list();
	*client_list() = c;
	a->anon_fd = (uint32_t)sv[1];
	return 0;
}

int64_t vdev_kfd_smi_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* kfd_smi_event_add + add_event_to_kfifo for @gpu's clients. */
void vdev_kfd_smi_emit(unsigned int gpu, unsigned int event, const char *fmt, ...)
{
	char line[KFD_SMI_EVENT_MSG_SIZE];
	struct smi_client **pp = client_list();
	int len = 0;
	va_list ap;

	if (!*pp)
		return;
	while (*pp) {
		struct smi_client *c = *pp;
		int queued = 0;

		if (!client_alive(c)) {
			*pp = c->next;
			client_free(c);
			continue;
		}
		pp = &c->next;
		if (c->gpu != gpu)
			continue;
		client_update_mask(c);
		if (!(c->events & KFD_SMI_EVENT_MASK_FROM_INDEX(event)))
			continue;
		if (!len) {
			len = snprintf(line, sizeof(line), "%x ", event);
			va_start(ap, fmt);
			len += vsnprintf(line + len, sizeof(line) - (size_t)len, fmt, ap);
			va_end(ap);
			if (len >= (int)sizeof(line))
				len = sizeof(line) - 1;
		}
		if (ioctl(c->user_dup, FIONREAD, &queued) || queued + len > SMI_FIFO_SIZE)
			continue;	/* no space left: dropped */
		if (write(c->fd, line, (size_t)len) != len)
			continue;	/* the socket is full beyond the fifo: dropped too */
	}
}

/* kgd2kfd_quiesce_mm -> kfd_process_evict_queues: one line per GPU of the process. */
void vdev_kfd_smi_queue_eviction(int trigger)
{
	for (unsigned int i = 0; i < vdev_kfd->num_gpus; i++)
		vdev_kfd_smi_emit(i, KFD_SMI_EVENT_QUEUE_EVICTION, VDEV_SMI_QUEUE_EVICTION,
				  (long long)vdev_kfd_smi_now(), (int)getpid(),
				  vdev_kfd->gpus[i].gpu_id, trigger);
}

/*
 * The restore work (svm_range_restore_work -> kgd2kfd_resume_mm).  The
 * kernel runs it AMDGPU_SVM_RANGE_RESTORE_DELAY_MS later; vdev at once, when the
 * migration that evicted the queues is done.
 */
void vdev_kfd_smi_queue_restore(void)
{
	for (unsigned int i = 0; i < vdev_kfd->num_gpus; i++)
		vdev_kfd_smi_emit(i, KFD_SMI_EVENT_QUEUE_RESTORE, VDEV_SMI_QUEUE_RESTORE,
				  (long long)vdev_kfd_smi_now(), (int)getpid(),
				  vdev_kfd->gpus[i].gpu_id, '0');
}
