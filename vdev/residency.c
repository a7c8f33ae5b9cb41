/* SPDX-License-Identifier: MIT */
/*
 * Emulated VRAM.  A page "in VRAM" has its data in a device pool and its
 * CPU page PROT_NONE: a CPU touch faults into our SIGSEGV handler, which
 * copies the data back and restores the protection, as a device-private
 * page migrates back on a CPU fault.  Only private anonymous pages move
 * (shared and file pages never become device-private).  The GPU reads and
 * writes VRAM pages in the pool.
 *
 * res_lock guards the table; it is never held while program memory is
 * touched through a pointer, so the handler cannot deadlock with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <unistd.h>

#include "vdev.h"

#define PAGE 4096ull
#define POOL_PAGES (64u * 1024)		/* 256 MiB of address space, reserved lazily */
#define BUCKETS 4096

struct vpage {
	uint64_t va;
	uint32_t slot;
	uint16_t tile;
	uint16_t prot;			/* the program's protection, restored on the way back */
	struct vpage *next;
};

static pthread_mutex_t res_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vpage *buckets[BUCKETS];
static struct vpage *entries;		/* POOL_PAGES entries, one per slot */
static uint8_t *pool;			/* then entries and free_slots: own_len bytes */
static size_t own_len;
static uint32_t *free_slots, num_free;
static struct sigaction next_segv;
static int (*real_segv_action)(int, const struct sigaction *, struct sigaction *);
static bool ready;
/* Pages that left VRAM without the device asking: CPU faults, munmap, mprotect. */
static unsigned long moved_out;

/* Whether @va is in residency's own mapping. */
static bool ours(uint64_t va)
{
	return va >= (uintptr_t)pool && va < (uintptr_t)pool + own_len;
}

static unsigned int bucket(uint64_t va)
{
	return (va / PAGE) % BUCKETS;
}

static struct vpage *lookup(uint64_t va)
{
	for (struct vpage *p = buckets[bucket(va)]; p; p = p->next)
		if (p->va == va)
			return p;
	return NULL;
}

static void drop(struct vpage *v)
{
	for (struct vpage **pp = &buckets[bucket(v->va)]; *pp; pp = &(*pp)->next)
		if (*pp == v) {
			*pp = v->next;
			break;
		}
	free_slots[num_free++] = v->slot;
}

/* Copies a VRAM page back and gives the CPU its page again; res_lock held. */
static void to_system(struct vpage *v)
{
	void *page = (void *)(uintptr_t)v->va;

	vdev_real_mprotect(page, PAGE, PROT_READ | PROT_WRITE);
	memcpy(page, pool + (size_t)v->slot * PAGE, PAGE);
	vdev_real_mprotect(page, PAGE, v->prot);
	drop(v);
}

static int anon_private_prot(uint64_t va);

/*
 * Whether the access that faulted at @va is allowed by now: another thread
 * brought the page back (a migration to system memory, a fault of its
 * own) between the fault and our taking res_lock.  Retrying it is then
 * right; anything else is the program's fault.  A write needs the write
 * bit of x86's page-fault error code; without it only a writable page is
 * known to be stale.  res_lock held.
 */
static bool stale_fault(const siginfo_t *info, const void *uc, uint64_t va)
{
	int prot;
	bool write = true;

	if (info->si_code != SEGV_ACCERR || ours(va))
		return false;
	prot = anon_private_prot(va);
	if (prot < 0)
		return false;
#ifdef REG_ERR
	write = ((const ucontext_t *)uc)->uc_mcontext.gregs[REG_ERR] & 2;
#else
	(void)uc;
#endif
	return write ? (prot & PROT_WRITE) != 0 : (prot & PROT_READ) != 0;
}

static void on_segv(int sig, siginfo_t *info, void *uc)
{
	uint64_t va = (uintptr_t)info->si_addr & ~(PAGE - 1);
	struct vpage *v;
	bool retry = false;

	pthread_mutex_lock(&res_lock);
	v = ready ? lookup(va) : NULL;
	if (v) {
		to_system(v);
		__atomic_add_fetch(&moved_out, 1, __ATOMIC_RELAXED);
	} else if (ready) {
		retry = stale_fault(info, uc, va);
	}
	pthread_mutex_unlock(&res_lock);
	if (v || retry)
		return;
	/* Not ours: whatever the program (or the default) would have done. */
	if (next_segv.sa_flags & SA_SIGINFO)
		next_segv.sa_sigaction(sig, info, uc);
	else if (next_segv.sa_handler != SIG_IGN && next_segv.sa_handler != SIG_DFL)
		next_segv.sa_handler(sig);
	else {
		/* Not signal(): that would route back to vdev_residency_sigaction. */
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		real_segv_action(sig, &dfl, NULL);
		raise(sig);
	}
}

/*
 * A fork while another thread holds res_lock (a program thread in
 * on_segv, an engine moving a page) would leave the child's copy taken by
 * a thread the child does not have.  These handlers are registered before
 * any other of vdev's (the earliest constructor), so this prepare runs
 * last: the kfd and xe prepares park their threads, which may need
 * res_lock, before it is taken; and the parent's release runs first,
 * before those threads start again.
 */
static void fork_prepare(void)
{
	pthread_mutex_lock(&res_lock);
}

static void fork_release(void)
{
	pthread_mutex_unlock(&res_lock);
}

__attribute__((constructor(101))) static void res_lock_atfork(void)
{
	pthread_atfork(fork_prepare, fork_release, fork_release);
}

void vdev_residency_init(int (*real_sigaction)(int, const struct sigaction *, struct sigaction *))
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_NODEFER };

	/*
	 * The pool and the tables in one mapping of our own, which no move
	 * ever takes (ours()): a migration chunk of a program range can span
	 * a VMA that merged with a neighbouring anonymous mapping, and a
	 * table made PROT_NONE would fault under res_lock.
	 */
	own_len = (size_t)POOL_PAGES * (PAGE + sizeof(*entries) + sizeof(*free_slots));
	pool = mmap(NULL, own_len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (pool == MAP_FAILED)
		return;
	entries = (struct vpage *)(pool + (size_t)POOL_PAGES * PAGE);
	free_slots = (uint32_t *)(entries + POOL_PAGES);
	for (uint32_t i = 0; i < POOL_PAGES; i++)
		free_slots[num_free++] = POOL_PAGES - 1 - i;
	sigemptyset(&sa.sa_mask);
	real_segv_action = real_sigaction;
	real_sigaction(SIGSEGV, &sa, &next_segv);
	ready = true;
}

/* The program's own SIGSEGV handler runs after ours, for faults not ours. */
int vdev_residency_sigaction(const struct sigaction *act, struct sigaction *old)
{
	if (old)
		*old = next_segv;
	if (act)
		next_segv = *act;
	return 0;
}

unsigned long vdev_residency_moved_out(void)
{
	return __atomic_load_n(&moved_out, __ATOMIC_RELAXED);
}

bool vdev_residency_ready(void)
{
	return ready;
}

/*
 * Calls @fn for each mapping of /proc/self/maps overlapping [start, end),
 * with the protection of a private anonymous readable mapping or -1 for
 * anything else, until @fn returns non-zero (which is returned).  Reads
 * the file once: a range of many pages costs one pass, not one per page.
 */
static int for_each_mapping(uint64_t start, uint64_t end,
			    int (*fn)(uint64_t lo, uint64_t hi, int prot, void *arg), void *arg)
{
	static char buf[1 << 16];	/* no allocation: holes must stay holes */
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC), ret = 0;
	size_t have = 0;
	ssize_t n;
	bool done = false;

	if (fd < 0)
		return -errno;
	while (!done && (n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		char *line = buf, *nl;

		have += n;
		buf[have] = '\0';
		while (!done && (nl = strchr(line, '\n'))) {
			unsigned long lo, hi, off, inode;
			char perms[8], dev[16];

			*nl = '\0';
			if (sscanf(line, "%lx-%lx %7s %lx %15s %lu", &lo, &hi, perms, &off, dev,
				   &inode) == 6 && hi > start && lo < end) {
				int prot = -1;

				if (perms[3] == 'p' && inode == 0 && perms[0] == 'r')
					prot = PROT_READ | (perms[1] == 'w' ? PROT_WRITE : 0);
				ret = fn(lo, hi, prot, arg);
				done = ret != 0;
			}
			done |= lo >= end;
			line = nl + 1;
		}
		have = buf + have - line;
		memmove(buf, line, have);
	}
	vdev_real_close(fd);
	return ret;
}

static int prot_of(uint64_t lo, uint64_t hi, int prot, void *arg)
{
	(void)lo;
	(void)hi;
	*(int *)arg = prot;
	return 1;
}

/* Protection of a private anonymous mapping at @va, -1 for anything else. */
static int anon_private_prot(uint64_t va)
{
	int prot = -1;

	for_each_mapping(va, va + 1, prot_of, &prot);
	return prot;
}

struct move {
	uint64_t start, end;
	int tile;
};

/*
 * Moves the pages of one mapping within the range; runs of pages that move
 * lose their CPU access with one mprotect.  res_lock held.
 */
static int move_mapping(uint64_t lo, uint64_t hi, int prot, void *arg)
{
	const struct move *m = arg;
	uint64_t a = lo > m->start ? lo : m->start, b = hi < m->end ? hi : m->end, run = 0;
	int ret = 0;

	if (prot < 0)
		return 0;	/* not private anonymous memory: stays in RAM */
	for (uint64_t va = a; va < b; va += PAGE) {
		struct vpage *v = lookup(va);

		if (ours(va)) {
			if (run)
				vdev_real_mprotect((void *)(uintptr_t)run, va - run, PROT_NONE);
			run = 0;
			continue;
		}
		if (v || !num_free) {
			if (run)
				vdev_real_mprotect((void *)(uintptr_t)run, va - run, PROT_NONE);
			run = 0;
			if (!v) {
				ret = -ENOSPC;
				break;
			}
			v->tile = m->tile;	/* tile to tile: the copy is the pool's own */
			continue;
		}
		v = &entries[free_slots[num_free - 1]];
		*v = (struct vpage){ .va = va, .slot = free_slots[num_free - 1], .tile = m->tile,
				     .prot = prot };
		/* Readable and not ours yet: a plain copy cannot fault for good. */
		memcpy(pool + (size_t)v->slot * PAGE, (const void *)(uintptr_t)va, PAGE);
		num_free--;
		v->next = buckets[bucket(va)];
		buckets[bucket(va)] = v;
		if (!run)
			run = va;
	}
	if (run && !ret)
		vdev_real_mprotect((void *)(uintptr_t)run, b - run, PROT_NONE);
	return ret;
}

int vdev_range_to_vram(uint64_t start, uint64_t end, int tile)
{
	struct move m = { start & ~(PAGE - 1), end, tile };
	int ret;

	pthread_mutex_lock(&res_lock);
	ret = ready ? for_each_mapping(m.start, m.end, move_mapping, &m) : -ENOSPC;
	pthread_mutex_unlock(&res_lock);
	return ret;
}

int vdev_page_tile(uint64_t va)
{
	struct vpage *v;
	int tile;

	pthread_mutex_lock(&res_lock);
	v = ready ? lookup(va & ~(PAGE - 1)) : NULL;
	tile = v ? v->tile : -1;
	pthread_mutex_unlock(&res_lock);
	return tile;
}

int vdev_page_to_vram(uint64_t va, int tile)
{
	struct iovec local, remote;
	struct vpage *v;
	int prot, ret = 0;

	va &= ~(PAGE - 1);
	pthread_mutex_lock(&res_lock);
	v = ready ? lookup(va) : NULL;
	if (v) {
		v->tile = tile;	/* tile to tile: the copy is the pool's own */
		goto out;
	}
	if (!ready || !num_free) {
		ret = -ENOSPC;
		goto out;
	}
	prot = ours(va) ? -1 : anon_private_prot(va);
	if (prot < 0) {
		ret = -EOPNOTSUPP;	/* not private anonymous memory: stays in RAM */
		goto out;
	}
	v = &entries[free_slots[num_free - 1]];
	*v = (struct vpage){ .va = va, .slot = free_slots[num_free - 1], .tile = tile, .prot = prot };
	local = (struct iovec){ pool + (size_t)v->slot * PAGE, PAGE };
	remote = (struct iovec){ (void *)(uintptr_t)va, PAGE };
	if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != (ssize_t)PAGE) {
		ret = -EFAULT;
		goto out;
	}
	num_free--;
	v->next = buckets[bucket(va)];
	buckets[bucket(va)] = v;
	vdev_real_mprotect((void *)(uintptr_t)va, PAGE, PROT_NONE);
out:
	pthread_mutex_unlock(&res_lock);
	return ret;
}

void vdev_page_to_system(uint64_t va)
{
	struct vpage *v;

	pthread_mutex_lock(&res_lock);
	v = ready ? lookup(va & ~(PAGE - 1)) : NULL;
	if (v)
		to_system(v);
	pthread_mutex_unlock(&res_lock);
}

int vdev_vram_io(uint64_t va, void *buf, size_t len, bool write)
{
	struct vpage *v;
	uint8_t *data;

	pthread_mutex_lock(&res_lock);
	v = ready ? lookup(va & ~(PAGE - 1)) : NULL;
	if (!v) {
		pthread_mutex_unlock(&res_lock);
		return -ENOENT;
	}
	if (write && !(v->prot & PROT_WRITE)) {
		pthread_mutex_unlock(&res_lock);
		return -EACCES;
	}
	data = pool + (size_t)v->slot * PAGE + (va & (PAGE - 1));
	if (write)
		memcpy(data, buf, len);
	else
		memcpy(buf, data, len);
	pthread_mutex_unlock(&res_lock);
	return 0;
}

/* Before the program changes [start, start+len): @keep copies data back, else drops it. */
void vdev_range_release(uint64_t start, uint64_t len, bool keep)
{
	uint64_t end = start + len;

	if (!ready)
		return;
	pthread_mutex_lock(&res_lock);
	for (unsigned int b = 0; b < BUCKETS; b++)
		for (struct vpage *v = buckets[b], *next; v; v = next) {
			next = v->next;
			if (v->va + PAGE <= start || v->va >= end)
				continue;
			__atomic_add_fetch(&moved_out, 1, __ATOMIC_RELAXED);
			if (keep) {
				to_system(v);
			} else {
				vdev_real_mprotect((void *)(uintptr_t)v->va, PAGE, v->prot);
				drop(v);
			}
		}
	pthread_mutex_unlock(&res_lock);
}

int vdev_vram_atomic_inc(uint64_t va)
{
	struct vpage *v;

	pthread_mutex_lock(&res_lock);
	v = ready ? lookup(va & ~(PAGE - 1)) : NULL;
	if (v && (v->prot & PROT_WRITE))
		(*(uint32_t *)(pool + (size_t)v->slot * PAGE + (va & (PAGE - 1))))++;
	pthread_mutex_unlock(&res_lock);
	return !v ? -ENOENT : (v->prot & PROT_WRITE) ? 0 : -EACCES;
}
