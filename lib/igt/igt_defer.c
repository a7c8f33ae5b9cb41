/* SPDX-License-Identifier: MIT */
/*
 * The records of igt_defer.h: one stack, on which each block (subtest,
 * dynamic subtest) owns the records above the height it had when it made
 * its first one, and one end-of-subtest callback per block that releases
 * them.  Records given back early leave holes, which are never reused (a
 * dynamic subtest's record placed in its container's hole would outlive
 * it); the stack shrinks when its top record goes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_defer.h"
#include "igt_internal.h"

#define MAX_RECORDS 512

struct record {
	igt_release_t fn;	/* NULL: a hole */
	const char *name;
	uint64_t a, b;
};

static struct record records[MAX_RECORDS];
static int top, live;

/* Per block level (0 the subtest, 1 a dynamic subtest): whether it has its callback, its base. */
static bool hooked[2];
static int base[2];

/* Never below a running dynamic subtest's base: what it records next must stay above it. */
static void drop_holes(void)
{
	int floor = hooked[1] ? base[1] : 0;

	while (top > floor && !records[top - 1].fn)
		top--;
}

/* A block has ended: its records go, last first; a failure fails it (see igt_core.h). */
static void release_block(void *data)
{
	int level = (int)(intptr_t)data, problems = 0;

	hooked[level] = false;
	while (top > base[level]) {
		struct record r = records[--top];
		int ret;

		if (!r.fn)
			continue;
		live--;
		ret = r.fn(r.a, r.b);
		if (ret) {
			igt_critical("Deferred release %s(%#" PRIx64 ", %#" PRIx64 "): %s\n",
				     r.name, r.a, r.b, strerror(-ret));
			problems++;
		}
	}
	if (problems) {
		igt_critical("%d deferred release(s) failed\n", problems);
		igt_fail(IGT_EXIT_FAILURE);
	}
}

void __igt_defer(igt_release_t fn, const char *name, uint64_t a, uint64_t b)
{
	int level = igt_dynamic_name() ? 1 : 0;

	if (igt_state.in_fork_child)
		return;
	if (top == MAX_RECORDS) {
		fn(a, b);
		igt_assert_f(false, "more than %d deferred releases\n", MAX_RECORDS);
	}
	if (!hooked[level]) {
		igt_subtest_on_end(release_block, (void *)(intptr_t)level);
		hooked[level] = true;
		base[level] = top;
	}
	records[top++] = (struct record){ fn, name, a, b };
	live++;
}

static struct record *find(igt_release_t fn, uint64_t a, uint64_t b)
{
	for (int i = top - 1; i >= 0; i--)
		if (records[i].fn == fn && records[i].a == a && records[i].b == b)
			return &records[i];
	return NULL;
}

bool igt_forget(igt_release_t fn, uint64_t a, uint64_t b)
{
	struct record *r = find(fn, a, b);

	if (!r)
		return false;
	r->fn = NULL;
	live--;
	drop_holes();
	return true;
}

int __igt_release(igt_release_t fn, uint64_t a, uint64_t b)
{
	if (!igt_forget(fn, a, b))
		return -ENOENT;
	return fn(a, b);
}

int igt_deferred_count(void)
{
	return live;
}

/* ---- process resources --------------------------------------------------- */

static int release_munmap(uint64_t addr, uint64_t len)
{
	return munmap((void *)(uintptr_t)addr, len) ? -errno : 0;
}

void *igt_track_mapping(void *p, size_t len)
{
	igt_defer(release_munmap, (uintptr_t)p, len);
	return p;
}

void *igt_mmap_tracked(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = mmap(addr, len, prot, flags, fd, off);

	igt_assert_f(p != MAP_FAILED, "mmap(%p, %#zx, prot %#x, flags %#x) failed: %s\n", addr,
		     len, prot, flags, strerror(errno));
	return igt_track_mapping(p, len);
}

int __igt_munmap_tracked(void *addr, size_t len)
{
	return __igt_release(release_munmap, (uintptr_t)addr, len);
}

static int release_free(uint64_t p, uint64_t unused)
{
	(void)unused;
	free((void *)(uintptr_t)p);
	return 0;
}

void *igt_free_at_end(void *p)
{
	if (p)
		igt_defer(release_free, (uintptr_t)p, 0);
	return p;
}

void *igt_alloc_tracked(size_t align, size_t size)
{
	void *p = NULL;
	int ret = posix_memalign(&p, align, size);

	igt_assert_f(ret == 0, "out of memory for %zu bytes aligned to %zu: %s\n", size, align,
		     strerror(ret));
	memset(p, 0, size);
	return igt_free_at_end(p);
}

int __igt_free_tracked(void *p)
{
	return __igt_release(release_free, (uintptr_t)p, 0);
}

static int release_close(uint64_t fd, uint64_t unused)
{
	(void)unused;
	return close((int)fd) ? -errno : 0;
}

int igt_fd_tracked(int fd)
{
	igt_assert_f(fd >= 0, "no file descriptor to track: %s\n", strerror(errno));
	igt_defer(release_close, (uint64_t)fd, 0);
	return fd;
}

int __igt_close_tracked(int fd)
{
	return __igt_release(release_close, (uint64_t)fd, 0);
}
