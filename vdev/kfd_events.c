/* SPDX-License-Identifier: MIT */
/*
 * amdkfd's events: CREATE/DESTROY/SET/RESET_EVENT and WAIT_EVENTS, the
 * signal page (given as a GTT BO handle, as libhsakmt does on a dGPU, or
 * allocated here with 256 slots for the old user mode), signalling from
 * an SDMA TRAP (kfd_signal_event_interrupt) and from a GPU memory fault
 * (kfd_signal_vm_fault_event).  Facts from 6.12.117's kfd_events.c and
 * kfd_chardev.c: signal ids from 1 below the mapped slots (0 is taken at
 * process creation), others from KFD_FIRST_NONSIGNAL_EVENT_ID, trigger
 * data = id, auto-reset consumed by a waiter, event ages, the wait's
 * result codes and -EIO when an event went away during it.
 *
 * A wait really sleeps: on one condition variable with kfd_lock, which
 * every setter broadcasts; each waiter then re-tests its own events.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kfd.h"
#include "vdev.h"

#define EVENT_DEBUG 5				/* KFD_EVENT_TYPE_DEBUG: signal-like */
#define FIRST_NONSIGNAL_ID 0x40000000u		/* (INT_MAX >> 1) + 1 */
#define LAST_NONSIGNAL_ID 0x7fffffffu
#define OLD_USER_SLOTS 256			/* a page KFD allocates itself */
#define UNSIGNALED (~0ull)
#define PAGE_BYTES (KFD_SIGNAL_EVENT_LIMIT * 8)
#define TIMEOUT_INFINITE 0xffffffffu

struct event;

struct waiter {
	struct event *ev;		/* NULL: the event was destroyed meanwhile */
	bool activated, age_enabled;
	struct waiter *next;		/* on the event */
};

struct event {
	uint32_t id, type;
	bool auto_reset, signaled;
	uint64_t age;
	struct kfd_hsa_memory_exception_data memory;
	struct waiter *waiters;
	struct event *next;
};

static struct {
	pid_t pid;
	struct event *events;
	unsigned int signal_count;	/* id 0 counts: it is reserved */
	volatile uint64_t *slots;	/* the signal page, vdev's mapping */
	uint64_t mapped_size;		/* bytes of slots user mode has */
	int page_fd;
	bool own_page;			/* allocated here, not a BO */
	uint64_t signal_handle;		/* the BO given, 0 if none */
} es;

static pthread_cond_t ev_cond;
static pthread_once_t ev_cond_once = PTHREAD_ONCE_INIT;

/* The waits' deadlines are CLOCK_MONOTONIC: a clock change must not stretch them. */
static void init_cond(void)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&ev_cond, &attr);
	pthread_condattr_destroy(&attr);
}

/* A fork child's KFD process has no events: the parent's are forgotten. */
static void own(void)
{
	pthread_once(&ev_cond_once, init_cond);
	if (es.pid == getpid())
		return;
	if (es.pid) {
		for (struct event *ev = es.events, *next; ev; ev = next) {
			next = ev->next;
			free(ev);
		}
		if (es.own_page)
			vdev_real_close(es.page_fd);
		/* The parent's waiters are not here: a condition variable fresh of them. */
		init_cond();
	}
	memset(&es, 0, sizeof(es));
	es.pid = getpid();
	es.signal_count = 1;
	es.page_fd = -1;
}

static struct event *lookup(uint32_t id)
{
	for (struct event *ev = es.events; ev; ev = ev->next)
		if (ev->id == id)
			return ev;
	return NULL;
}

static bool signal_like(uint32_t type)
{
	return type == KFD_IOC_EVENT_SIGNAL || type == EVENT_DEBUG;
}

/* The lowest id in [first, last] no event has (idr_alloc); the list is sorted by id. */
static int64_t free_id(uint32_t first, uint32_t last)
{
	uint64_t id = first;

	for (struct event *ev = es.events; ev && ev->id <= last; ev = ev->next) {
		if (ev->id < id)
			continue;
		if (ev->id > id)
			break;
		id++;
	}
	return id <= last ? (int64_t)id : -1;
}

/* Keeps the list sorted by id: free_id() is one walk. */
static void insert(struct event *ev)
{
	struct event **pp = &es.events;

	while (*pp && (*pp)->id < ev->id)
		pp = &(*pp)->next;
	ev->next = *pp;
	*pp = ev;
}

#define REJECT_IF(cond, err, check) \
	do { if (cond) return vdev_kfd_reject(err, check); } while (0)

/* kfd_kmap_event_page + kfd_event_page_set */
static long kmap_event_page(uint64_t handle)
{
	void *kaddr;
	uint64_t size;
	int idx, fd;

	REJECT_IF(es.slots, -EINVAL, "kfd_kmap_event_page: already set");
	idx = vdev_kfd_gpuidx((uint32_t)(handle >> 32));
	REJECT_IF(idx < 0, -EINVAL, "kfd_kmap_event_page: kfd_process_device_data_by_id");
	REJECT_IF(vdev_kfd_proc.bound_fd[idx] < 0, -ENODEV, "kfd_bind_process_to_device: no VM");
	REJECT_IF(vdev_kfd_bo_kmap(handle, &kaddr, &size, &fd), -EINVAL,
		  "kfd_kmap_event_page: no GTT BO of that handle");
	REJECT_IF(size < PAGE_BYTES, -EINVAL, "kfd_event_page_set: page too small");
	memset(kaddr, 0xff, PAGE_BYTES);
	es.slots = kaddr;
	es.mapped_size = size;
	es.page_fd = fd;
	es.signal_handle = handle;
	return 0;
}

/* allocate_signal_page: no handle was given, KFD makes a page of its own. */
static long own_event_page(void)
{
	void *p;
	int fd = memfd_create("vdev-kfd-events", MFD_CLOEXEC);

	if (fd < 0)
		return -ENOMEM;
	p = ftruncate(fd, PAGE_BYTES) ? MAP_FAILED
		: (void *)syscall(SYS_mmap, NULL, PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		vdev_real_close(fd);
		return -ENOMEM;
	}
	memset(p, 0xff, PAGE_BYTES);
	es.slots = p;
	es.page_fd = fd;
	es.own_page = true;
	es.mapped_size = OLD_USER_SLOTS * 8;
	return 0;
}

long vdev_kfd_create_event(void *data)
{
	struct kfd_ioctl_create_event_args *a = data;
	struct event *ev;
	int64_t id;
	long ret;

	own();
	if (a->event_page_offset) {
		ret = kmap_event_page(a->event_page_offset);
		if (ret)
			return ret;
	}
	a->event_page_offset = 0;
	if (signal_like(a->event_type)) {
		/* create_signal_event */
		REJECT_IF(es.mapped_size && es.signal_count == es.mapped_size / 8, -ENOSPC,
			  "create_signal_event: limit reached");
		if (!es.slots && (ret = own_event_page()))
			return ret;
		id = free_id(1, (uint32_t)(es.mapped_size / 8) - 1);
		REJECT_IF(id < 0, -ENOSPC, "allocate_event_notification_slot: idr_alloc");
	} else {
		id = free_id(FIRST_NONSIGNAL_ID, LAST_NONSIGNAL_ID);
		REJECT_IF(id < 0, -ENOSPC, "create_other_event: idr_alloc");
	}
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->id = (uint32_t)id;
	ev->type = a->event_type;
	ev->auto_reset = a->auto_reset != 0;
	ev->age = 1;
	insert(ev);
	if (signal_like(a->event_type)) {
		es.slots[id] = UNSIGNALED;
		es.signal_count++;
		a->event_page_offset = VDEV_KFD_MMAP_TYPE_EVENTS;
		a->event_slot_index = (uint32_t)id;
	}
	a->event_id = (uint32_t)id;
	a->event_trigger_data = (uint32_t)id;
	return 0;
}

static void destroy(struct event *ev)
{
	struct event **pp;

	/* Waiters wake and fail (-EIO) */
	for (struct waiter *w = ev->waiters; w; w = w->next)
		w->ev = NULL;
	pthread_cond_broadcast(&ev_cond);
	if (signal_like(ev->type))
		es.signal_count--;
	for (pp = &es.events; *pp != ev; pp = &(*pp)->next)
		;
	*pp = ev->next;
	free(ev);
}

long vdev_kfd_destroy_event(void *data)
{
	struct kfd_ioctl_destroy_event_args *a = data;
	struct event *ev;

	own();
	ev = lookup(a->event_id);
	REJECT_IF(!ev, -EINVAL, "kfd_event_destroy: no such event");
	destroy(ev);
	return 0;
}

/* set_event: an auto-reset event a waiter takes stays unsignalled. */
static void set_event(struct event *ev)
{
	ev->signaled = !ev->auto_reset || !ev->waiters;
	if (!++ev->age)
		ev->age = 2;
	for (struct waiter *w = ev->waiters; w; w = w->next)
		w->activated = true;
	pthread_cond_broadcast(&ev_cond);
}

long vdev_kfd_set_event(void *data)
{
	struct kfd_ioctl_set_event_args *a = data;
	struct event *ev;

	own();
	ev = lookup(a->event_id);
	REJECT_IF(!ev, -EINVAL, "kfd_set_event: no such event");
	REJECT_IF(ev->type != KFD_IOC_EVENT_SIGNAL, -EINVAL, "kfd_set_event: not a signal event");
	set_event(ev);
	return 0;
}

long vdev_kfd_reset_event(void *data)
{
	struct kfd_ioctl_reset_event_args *a = data;
	struct event *ev;

	own();
	ev = lookup(a->event_id);
	REJECT_IF(!ev, -EINVAL, "kfd_reset_event: no such event");
	REJECT_IF(ev->type != KFD_IOC_EVENT_SIGNAL, -EINVAL, "kfd_reset_event: not a signal event");
	ev->signaled = false;
	return 0;
}

/* set_event_from_interrupt: the slot is acknowledged, the event set. */
static void from_interrupt(struct event *ev)
{
	if (!ev || !signal_like(ev->type))
		return;
	es.slots[ev->id] = UNSIGNALED;
	set_event(ev);
}

void vdev_kfd_event_interrupt(uint32_t context, unsigned int valid_bits)
{
	struct event *ev = NULL;

	own();
	if (!es.slots)
		return;
	/* The id's bits are all valid: one lookup, if its slot was written. */
	if (valid_bits && context < KFD_SIGNAL_EVENT_LIMIT && es.slots[context] != UNSIGNALED)
		ev = lookup(context);
	if (ev) {
		from_interrupt(ev);
		return;
	}
	/* No such event: every signal event whose slot is written. */
	for (struct event *e = es.events, *next; e; e = next) {
		next = e->next;
		if (e->id < KFD_SIGNAL_EVENT_LIMIT && es.slots[e->id] != UNSIGNALED)
			from_interrupt(e);
	}
}

void vdev_kfd_signal_memory_events(const struct kfd_hsa_memory_exception_data *data)
{
	own();
	for (struct event *ev = es.events; ev; ev = ev->next)
		if (ev->type == KFD_IOC_EVENT_MEMORY) {
			ev->memory = *data;
			set_event(ev);
		}
}

uint64_t vdev_kfd_signal_handle(void)
{
	own();
	return es.signal_handle;
}

int vdev_kfd_event_page_fd(void)
{
	own();
	return es.slots ? es.page_fd : -1;
}

/* test_event_condition */
static uint32_t condition(const struct waiter *w, uint32_t n, bool all)
{
	uint32_t activated = 0;

	for (uint32_t i = 0; i < n; i++) {
		if (!w[i].ev)
			return KFD_IOC_WAIT_RESULT_FAIL;
		if (w[i].activated) {
			if (!all)
				return KFD_IOC_WAIT_RESULT_COMPLETE;
			activated++;
		}
	}
	return activated == n ? KFD_IOC_WAIT_RESULT_COMPLETE : KFD_IOC_WAIT_RESULT_TIMEOUT;
}

/* copy_signaled_event_data: a MEMORY event's fault, a signal event's age. */
static long copy_out(const struct waiter *w, uint32_t n, uint64_t events)
{
	for (uint32_t i = 0; i < n; i++) {
		uint64_t at = events + (uint64_t)i * sizeof(struct kfd_event_data);
		int err = 0;

		if (!w[i].ev)
			return vdev_kfd_reject(-EINVAL, "copy_signaled_event_data: destroyed");
		if (!w[i].activated)
			continue;
		if (w[i].ev->type == KFD_IOC_EVENT_MEMORY)
			err = vdev_cpu_write(at + offsetof(struct kfd_event_data, memory_exception_data),
					     &w[i].ev->memory, sizeof(w[i].ev->memory));
		else if (w[i].ev->type == KFD_IOC_EVENT_SIGNAL && w[i].age_enabled)
			err = vdev_cpu_write(at + offsetof(struct kfd_event_data,
							   signal_event_data.last_event_age),
					     &w[i].ev->age, sizeof(w[i].ev->age));
		if (err)
			return vdev_kfd_reject(-EFAULT, "copy_signaled_event_data: copy_to_user");
	}
	return 0;
}

static void drop_waiters(struct waiter *w, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (!w[i].ev)
			continue;
		for (struct waiter **pp = &w[i].ev->waiters; *pp; pp = &(*pp)->next)
			if (*pp == &w[i]) {
				*pp = w[i].next;
				break;
			}
	}
	free(w);
}

static void add_ms(struct timespec *t, uint32_t ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000;
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

/* kfd_wait_on_events */
static long wait_events(struct kfd_ioctl_wait_events_args *a)
{
	uint32_t n = a->num_events, result = KFD_IOC_WAIT_RESULT_TIMEOUT;
	struct waiter *w = calloc(n ? n : 1, sizeof(*w));
	struct timespec deadline;
	long ret = 0;

	if (!w)
		return -ENOMEM;
	for (uint32_t i = 0; i < n && !ret; i++) {
		struct kfd_event_data d;
		struct event *ev;

		if (vdev_cpu_read(a->events_ptr + (uint64_t)i * sizeof(d), &d, sizeof(d))) {
			ret = vdev_kfd_reject(-EFAULT, "kfd_wait_on_events: copy_from_user");
			break;
		}
		ev = lookup(d.event_id);
		if (!ev) {
			ret = vdev_kfd_reject(-EINVAL, "init_event_waiter: no such event");
			break;
		}
		w[i].ev = ev;
		w[i].activated = ev->signaled;
		ev->signaled = ev->signaled && !ev->auto_reset;
		if (ev->type == KFD_IOC_EVENT_SIGNAL && d.signal_event_data.last_event_age) {
			w[i].age_enabled = true;
			if (ev->age != d.signal_event_data.last_event_age)
				w[i].activated = true;
		}
		if (!w[i].activated) {
			w[i].next = ev->waiters;
			ev->waiters = &w[i];
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	if (a->timeout != TIMEOUT_INFINITE)
		add_ms(&deadline, a->timeout < 0x7fffffff ? a->timeout : 0x7fffffff);
	while (!ret) {
		struct timespec until = deadline;

		result = condition(w, n, a->wait_for_all);
		if (result != KFD_IOC_WAIT_RESULT_TIMEOUT)
			break;
		/* Infinite: sleeps of a second each, re-armed forever, as the kernel's. */
		if (a->timeout == TIMEOUT_INFINITE) {
			clock_gettime(CLOCK_MONOTONIC, &until);
			add_ms(&until, 1000);
		}
		if (vdev_kfd_cond_wait(&ev_cond, &until) == ETIMEDOUT &&
		    a->timeout != TIMEOUT_INFINITE) {
			result = condition(w, n, a->wait_for_all);
			break;
		}
	}
	if (!ret && result == KFD_IOC_WAIT_RESULT_COMPLETE)
		ret = copy_out(w, n, a->events_ptr);
	drop_waiters(w, n);
	if (ret)
		result = KFD_IOC_WAIT_RESULT_FAIL;
	else if (result == KFD_IOC_WAIT_RESULT_FAIL)
		ret = vdev_kfd_reject(-EIO, "kfd_wait_on_events: an event was destroyed");
	a->wait_result = result;
	return ret;
}

long vdev_kfd_wait_events(void *data)
{
	own();
	return wait_events(data);
}

void vdev_kfd_events_release(void)
{
	own();
	while (es.events)
		destroy(es.events);
	if (es.own_page) {
		syscall(SYS_munmap, (void *)es.slots, PAGE_BYTES);
		vdev_real_close(es.page_fd);
	}
	es.slots = NULL;
	es.own_page = false;
	es.page_fd = -1;
	es.mapped_size = 0;
	es.signal_handle = 0;
	es.signal_count = 1;
}
