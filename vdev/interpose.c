/* SPDX-License-Identifier: MIT */
/*
 * The preloaded entry points: opens of the virtual render node get a real
 * descriptor (of /dev/null, so the number is ours and close() works) that
 * vdev serves; ioctl/mmap/close on it are answered here, everything else
 * goes to libc.  Without VDEV_PRESET the library stays out of the way.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vdev.h"

#define NODE "/dev/dri/renderD128"

pthread_mutex_t vdev_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t vdev_cond;

static struct vdev_file *files;
static char fake_node[4096];	/* the node in the fake /dev tree vdev/run made */

static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_close)(int);
static int (*real_ioctl)(int, unsigned long, ...);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static int (*real_munmap)(void *, size_t);
static void *(*real_mremap)(void *, size_t, size_t, int, ...);
static int (*real_madvise)(void *, size_t, int);
static int (*real_mprotect)(void *, size_t, int);
static int (*real_sigaction)(int, const struct sigaction *, struct sigaction *);

static void resolve(void)
{
	real_open = dlsym(RTLD_NEXT, "open");
	real_openat = dlsym(RTLD_NEXT, "openat");
	real_close = dlsym(RTLD_NEXT, "close");
	real_ioctl = dlsym(RTLD_NEXT, "ioctl");
	real_mmap = dlsym(RTLD_NEXT, "mmap");
	real_munmap = dlsym(RTLD_NEXT, "munmap");
	real_mremap = dlsym(RTLD_NEXT, "mremap");
	real_madvise = dlsym(RTLD_NEXT, "madvise");
	real_mprotect = dlsym(RTLD_NEXT, "mprotect");
	real_sigaction = dlsym(RTLD_NEXT, "sigaction");
}

/* A fork while a worker holds the lock would leave the child's copy locked. */
static void fork_prepare(void)
{
	pthread_mutex_lock(&vdev_lock);
	vdev_quiesce_workers(files);
}
static void fork_parent(void) { pthread_mutex_unlock(&vdev_lock); }
static void init_cond(void)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&vdev_cond, &attr);
	pthread_condattr_destroy(&attr);
}

/*
 * The parent's workers are not in the child, but their waits are still
 * counted in the condition variable, whose next broadcast would wait for
 * them: the child starts with a fresh one.
 */
static void fork_child(void)
{
	init_cond();
	pthread_mutex_unlock(&vdev_lock);
}

__attribute__((constructor)) static void vdev_init(void)
{
	const char *root = getenv("IGT_SVM_DEV_ROOT");
	int64_t bugs;

	resolve();
	init_cond();
	vdev_preset = vdev_find_preset(getenv("VDEV_PRESET"));
	if (!vdev_preset)
		return;
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	bugs = vdev_parse_bugs(getenv("VDEV_BUGS"));
	if (bugs < 0) {
		fprintf(stderr, "vdev: unknown bug model in VDEV_BUGS=%s\n", getenv("VDEV_BUGS"));
		vdev_preset = NULL;
		return;
	}
	vdev_bugs = (uint32_t)bugs;
	if (vdev_preset->vram)
		vdev_residency_init(real_sigaction);
	if (root && *root)
		snprintf(fake_node, sizeof(fake_node), "%s/dri/renderD128", root);
}

int vdev_real_close(int fd)
{
	return real_close(fd);
}

int vdev_real_mprotect(void *addr, size_t len, int prot)
{
	if (!real_mprotect)
		resolve();
	return real_mprotect(addr, len, prot);
}

static bool is_node(const char *path)
{
	return vdev_preset && path &&
	       (!strcmp(path, NODE) || (fake_node[0] && !strcmp(path, fake_node)));
}

struct vdev_file *vdev_file_of(int fd)
{
	for (struct vdev_file *f = files; f; f = f->next)
		if (f->fd == fd)
			return f;
	return NULL;
}

static int open_node(int flags)
{
	struct vdev_file *f = calloc(1, sizeof(*f));
	int fd;

	if (!f) {
		errno = ENOMEM;
		return -1;
	}
	fd = real_open("/dev/null", O_RDWR | (flags & O_CLOEXEC));
	if (fd < 0) {
		free(f);
		return -1;
	}
	f->fd = fd;
	f->next_id = 1;
	pthread_mutex_lock(&vdev_lock);
	f->next = files;
	files = f;
	pthread_mutex_unlock(&vdev_lock);
	return fd;
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	if (!real_open)
		resolve();
	return is_node(path) ? open_node(flags) : real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	if (!real_openat)
		resolve();
	return is_node(path) ? open_node(flags) : real_openat(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

int close(int fd)
{
	struct vdev_file **pp, *f = NULL;

	if (!real_close)
		resolve();
	pthread_mutex_lock(&vdev_lock);
	for (pp = &files; *pp; pp = &(*pp)->next)
		if ((*pp)->fd == fd) {
			f = *pp;
			*pp = f->next;
			break;
		}
	pthread_mutex_unlock(&vdev_lock);
	if (f)
		vdev_file_release(f);
	return real_close(fd);
}

int ioctl(int fd, unsigned long request, ...)
{
	struct vdev_file *f;
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real_ioctl)
		resolve();
	pthread_mutex_lock(&vdev_lock);
	f = vdev_file_of(fd);
	if (!f) {
		pthread_mutex_unlock(&vdev_lock);
		return real_ioctl(fd, request, arg);
	}
	ret = vdev_ioctl(f, request, arg);
	pthread_mutex_unlock(&vdev_lock);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return 0;
}

/* BO mmap offsets encode the handle: offset = handle << 32. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct vdev_file *f;
	struct vdev_bo *bo = NULL;

	if (!real_mmap)
		resolve();
	if (fd < 0)
		return real_mmap(addr, len, prot, flags, fd, off);
	pthread_mutex_lock(&vdev_lock);
	f = vdev_file_of(fd);
	if (f)
		bo = vdev_bo_find(f, (uint32_t)((uint64_t)off >> 32));
	pthread_mutex_unlock(&vdev_lock);
	if (!f)
		return real_mmap(addr, len, prot, flags, fd, off);
	if (!bo || (off & 0xffffffff) || len > bo->size) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	return real_mmap(addr, len, prot, flags, bo->memfd, 0);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));

/*
 * The program changing its own memory: emulated VRAM pages of the range
 * first go back (mremap, mprotect: their data must follow) or go away
 * (munmap, MADV_DONTNEED/FREE/REMOVE: their data is dropped anyway).
 */
int munmap(void *addr, size_t len)
{
	if (!real_munmap)
		resolve();
	vdev_range_release((uintptr_t)addr, len, false);
	if (vdev_preset) {
		pthread_mutex_lock(&vdev_lock);
		vdev_cpu_unmapped(files, (uintptr_t)addr, (uintptr_t)addr + len);
		pthread_mutex_unlock(&vdev_lock);
	}
	return real_munmap(addr, len);
}

void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	void *new_addr = NULL;
	va_list ap;

	if (!real_mremap)
		resolve();
	va_start(ap, flags);
	if (flags & MREMAP_FIXED)
		new_addr = va_arg(ap, void *);
	va_end(ap);
	vdev_range_release((uintptr_t)old, old_len, true);
	return real_mremap(old, old_len, new_len, flags, new_addr);
}

int madvise(void *addr, size_t len, int advice)
{
	if (!real_madvise)
		resolve();
	if (advice == MADV_DONTNEED || advice == MADV_FREE || advice == MADV_REMOVE)
		vdev_range_release((uintptr_t)addr, len, false);
	return real_madvise(addr, len, advice);
}

int mprotect(void *addr, size_t len, int prot)
{
	if (!real_mprotect)
		resolve();
	vdev_range_release((uintptr_t)addr, len, true);
	return real_mprotect(addr, len, prot);
}

/* Our SIGSEGV handler stays first; the program's runs for faults not ours. */
int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (!real_sigaction)
		resolve();
	if (sig == SIGSEGV && vdev_residency_ready())
		return vdev_residency_sigaction(act, old);
	return real_sigaction(sig, act, old);
}
