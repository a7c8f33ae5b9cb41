/* SPDX-License-Identifier: MIT */
/*
 * The preloaded entry points: opens of the virtual render node get a real
 * descriptor (of /dev/null, so the number is ours and close() works) that
 * vdev serves; ioctl/mmap/close on it are answered here, everything else
 * goes to libc.  Without VDEV_PRESET the library stays out of the way.
 *
 * Signal handlers: IGT's exit handlers run from its SIGTERM/SIGSEGV
 * handlers and close the device (ioctls too), possibly on a thread that was
 * inside vdev.  vdev's own threads block every signal (vdev_thread_create),
 * so a handler only ever interrupts a program thread.  vdev_lock checks its
 * owner: when the interrupted thread is in a wait, the lock is free and the
 * handler's call is served as any other; when it holds the lock, the state
 * is mid-change and lock_entry() reports EDEADLK instead of deadlocking.
 * Then close() closes the descriptor and only marks the file (released by
 * the next open or close), an ioctl fails with EBUSY (not EINTR, which
 * libdrm's drmIoctl would retry for ever), mmap of a BO fails and munmap
 * only unmaps.  The one window left is inside pthread_mutex_lock itself,
 * between taking the futex and recording the owner.
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
#include <sys/stat.h>
#include <unistd.h>

#include "kfd.h"
#include "vdev.h"

pthread_mutex_t vdev_lock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
pthread_cond_t vdev_cond;

static struct vdev_file *files;

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
static int (*real_fstat)(int, struct stat *);

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
	real_fstat = dlsym(RTLD_NEXT, "fstat");
}

/*
 * vdev_lock for an entry point a signal handler may reach: false (the
 * lock not taken) when this thread already holds it, i.e. a handler
 * interrupted vdev here.
 */
static bool lock_entry(void)
{
	return pthread_mutex_lock(&vdev_lock) == 0;
}

int vdev_thread_create(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int ret;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
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
	/*
	 * The child's thread has a new id, so it does not own the copy of
	 * the lock (an owner-checked mutex): a new one, free.
	 */
	const pthread_mutex_t fresh = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;

	init_cond();
	vdev_lock = fresh;
}

__attribute__((constructor)) static void vdev_init(void)
{
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
	if (vdev_preset->kfd)
		vdev_kfd_init(vdev_preset->name);
	if (vdev_preset->vram)
		vdev_residency_init(real_sigaction);
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

struct vdev_file *vdev_file_of(int fd)
{
	for (struct vdev_file *f = files; f; f = f->next)
		if (f->fd == fd && !f->closed)
			return f;
	return NULL;
}

int vdev_fd_minor(int fd)
{
	struct vdev_file *f;
	int minor;

	if (!vdev_preset || fd < 0)
		return -1;
	if (!lock_entry()) {
		/* Interrupted inside vdev: the list is as this thread left it. */
		f = vdev_file_of(fd);
		return f ? f->minor : -1;
	}
	f = vdev_file_of(fd);
	minor = f ? f->minor : -1;
	pthread_mutex_unlock(&vdev_lock);
	/* A kfd preset's render node (libdrm tells nodes apart by fstat). */
	return minor >= 0 ? minor : vdev_kfd_render_minor(fd);
}

/*
 * Unlinks the files closed from a signal handler (and no longer in use)
 * onto @out; with vdev_lock held.
 */
static void collect_closed(struct vdev_file **out)
{
	for (struct vdev_file **pp = &files; *pp;) {
		struct vdev_file *f = *pp;

		if (f->closed && !f->users) {
			*pp = f->next;
			f->next = *out;
			*out = f;
		} else {
			pp = &f->next;
		}
	}
}

static void release_all(struct vdev_file *list)
{
	while (list) {
		struct vdev_file *next = list->next;

		vdev_file_release(list);
		list = next;
	}
}

static int open_node(int flags, int minor)
{
	struct vdev_file *f = calloc(1, sizeof(*f)), *stale = NULL;
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
	f->minor = minor;
	f->next_id = 1;
	if (!lock_entry()) {
		/* From a handler that interrupted vdev: the list must stay as it is. */
		free(f);
		real_close(fd);
		errno = EBUSY;
		return -1;
	}
	collect_closed(&stale);
	f->next = files;
	files = f;
	pthread_mutex_unlock(&vdev_lock);
	release_all(stale);
	return fd;
}

/* /dev/kfd or an amdgpu render node of a kfd preset (kfd_ioctl.c serves it). */
static int open_kfd(int flags, int node)
{
	int fd = real_open("/dev/null", O_RDWR | (flags & O_CLOEXEC)), ret;

	if (fd < 0)
		return -1;
	ret = vdev_kfd_attach(fd, node, flags);
	if (ret) {
		real_close(fd);
		errno = -ret;
		return -1;
	}
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
	char buf[VDEV_PATH_MAX];
	int minor = vdev_node_minor(path), kfd_node;

	if (!real_open)
		resolve();
	if (vdev_kfd_path(path, &kfd_node))
		return open_kfd(flags, kfd_node);
	return minor >= 0 ? open_node(flags, minor) : real_open(vdev_redirect(path, buf), flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	char buf[VDEV_PATH_MAX];
	int minor = vdev_node_minor(path), kfd_node;

	if (!real_openat)
		resolve();
	if (vdev_kfd_path(path, &kfd_node))
		return open_kfd(flags, kfd_node);
	return minor >= 0 ? open_node(flags, minor)
			  : real_openat(dirfd, vdev_redirect(path, buf), flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

/* The _FORTIFY_SOURCE entry points IGT and libpciaccess are built with. */
int __open_2(const char *path, int flags)
{
	return open(path, flags);
}

int __open64_2(const char *path, int flags) __attribute__((alias("__open_2")));

int __openat_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}

int __openat64_2(int dirfd, const char *path, int flags) __attribute__((alias("__openat_2")));

/*
 * Like the kernel's file references: a file still in an ioctl (another
 * thread's, or the one a signal handler interrupted) is released when that
 * ioctl returns; the descriptor is closed now either way.
 */
int close(int fd)
{
	struct vdev_file *f, *stale = NULL;

	if (!real_close)
		resolve();
	if (!vdev_preset || fd < 0)
		return real_close(fd);
	vdev_kfd_close(fd);
	if (!lock_entry()) {
		f = vdev_file_of(fd);
		if (f)
			f->closed = true;	/* one store: the list is left as it is */
		return real_close(fd);
	}
	f = vdev_file_of(fd);
	if (f)
		f->closed = true;
	collect_closed(&stale);
	pthread_mutex_unlock(&vdev_lock);
	release_all(stale);
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
	if (!vdev_preset)
		return real_ioctl(fd, request, arg);
	if (vdev_kfd_owns(fd)) {
		long kret = vdev_kfd_ioctl(fd, request, arg);

		if (kret < 0) {
			errno = (int)-kret;
			return -1;
		}
		return (int)kret;	/* a kernel's positive return reaches the caller as is */
	}
	if (!lock_entry()) {
		if (!vdev_file_of(fd))
			return real_ioctl(fd, request, arg);
		errno = EBUSY;
		return -1;
	}
	f = vdev_file_of(fd);
	if (!f) {
		pthread_mutex_unlock(&vdev_lock);
		return real_ioctl(fd, request, arg);
	}
	f->users++;
	ret = vdev_ioctl(f, request, arg);
	f->users--;
	if (f->closed && !f->users) {
		struct vdev_file *stale = NULL;

		collect_closed(&stale);
		pthread_mutex_unlock(&vdev_lock);
		release_all(stale);
	} else {
		pthread_mutex_unlock(&vdev_lock);
	}
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
	if (fd < 0 || !vdev_preset)
		return vdev_mmap_pages(real_mmap, addr, len, prot, flags, fd, off);
	if (vdev_kfd_owns(fd))
		return vdev_kfd_mmap(addr, len, prot, flags, fd, off);
	if (!lock_entry()) {
		if (!vdev_file_of(fd))
			return real_mmap(addr, len, prot, flags, fd, off);
		errno = EBUSY;
		return MAP_FAILED;
	}
	f = vdev_file_of(fd);
	if (f)
		bo = vdev_bo_find(f, (uint32_t)((uint64_t)off >> 32));
	pthread_mutex_unlock(&vdev_lock);
	if (!f)
		return vdev_mmap_pages(real_mmap, addr, len, prot, flags, fd, off);
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
	int ret;

	if (!real_munmap)
		resolve();
	vdev_kfd_cpu_changing(1);
	vdev_range_release((uintptr_t)addr, len, false);
	if (vdev_preset && lock_entry()) {
		vdev_cpu_unmapped(files, (uintptr_t)addr, (uintptr_t)addr + len);
		pthread_mutex_unlock(&vdev_lock);
	}
	ret = real_munmap(addr, len);
	if (!ret)
		vdev_kfd_cpu_unmapped((uintptr_t)addr, (uintptr_t)addr + len);
	vdev_kfd_cpu_changing(-1);
	return ret;
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
	vdev_kfd_cpu_changing(1);
	vdev_range_release((uintptr_t)old, old_len, true);
	new_addr = real_mremap(old, old_len, new_len, flags, new_addr);
	/* What left the old place is unmapped there, for the MMU notifier. */
	if (new_addr != MAP_FAILED && new_addr != old)
		vdev_kfd_cpu_unmapped((uintptr_t)old, (uintptr_t)old + old_len);
	else if (new_addr != MAP_FAILED && new_len < old_len)
		vdev_kfd_cpu_unmapped((uintptr_t)old + new_len, (uintptr_t)old + old_len);
	vdev_kfd_cpu_changing(-1);
	return new_addr;
}

/* Pages that go (or may go) and a changed protection: the MMU notifier's invalidation too. */
int madvise(void *addr, size_t len, int advice)
{
	bool drops = advice == MADV_DONTNEED || advice == MADV_FREE || advice == MADV_REMOVE;
	int ret;

	if (!real_madvise)
		resolve();
	if (advice == MADV_PAGEOUT) {
		/*
		 * Reclaim on demand: pages that go out are unmapped by
		 * try_to_unmap, an invalidation whose data comes back on the
		 * next touch.  vdev cannot tell which pages went, so it
		 * notifies for the whole span, as for mprotect.
		 */
		ret = real_madvise(addr, len, advice);
		if (!ret)
			vdev_kfd_cpu_invalidated((uintptr_t)addr, (uintptr_t)addr + len, false);
		return ret;
	}
	if (!drops)
		return real_madvise(addr, len, advice);
	vdev_kfd_cpu_changing(1);
	vdev_range_release((uintptr_t)addr, len, false);
	ret = real_madvise(addr, len, advice);
	if (!ret)
		vdev_kfd_cpu_invalidated((uintptr_t)addr, (uintptr_t)addr + len, true);
	vdev_kfd_cpu_changing(-1);
	return ret;
}

int mprotect(void *addr, size_t len, int prot)
{
	int ret;

	if (!real_mprotect)
		resolve();
	vdev_kfd_cpu_changing(1);
	vdev_range_release((uintptr_t)addr, len, true);
	ret = real_mprotect(addr, len, prot);
	if (!ret)
		vdev_kfd_cpu_invalidated((uintptr_t)addr, (uintptr_t)addr + len, false);
	vdev_kfd_cpu_changing(-1);
	return ret;
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

/*
 * signal() and its variants install handlers without going through
 * sigaction()'s symbol (IGT's crash handler is installed so): they are
 * re-expressed as the sigaction() calls with the semantics glibc gives them.
 */
static sighandler_t signal_as_sigaction(int sig, sighandler_t handler, int flags)
{
	struct sigaction act = { .sa_handler = handler, .sa_flags = flags }, old;

	if (handler == SIG_ERR || sig <= 0 || sig >= NSIG) {
		errno = EINVAL;
		return SIG_ERR;
	}
	sigemptyset(&act.sa_mask);
	if (!(flags & SA_NODEFER))
		sigaddset(&act.sa_mask, sig);
	if (sigaction(sig, &act, &old) < 0)
		return SIG_ERR;
	return old.sa_flags & SA_SIGINFO ? (sighandler_t)(void (*)(void))old.sa_sigaction
					 : old.sa_handler;
}

/* BSD semantics: restarted calls, the handler stays. */
sighandler_t signal(int sig, sighandler_t handler)
{
	return signal_as_sigaction(sig, handler, SA_RESTART);
}

sighandler_t bsd_signal(int sig, sighandler_t handler)
{
	return signal_as_sigaction(sig, handler, SA_RESTART);
}

/* System V semantics: the handler is reset when it runs and may nest. */
sighandler_t sysv_signal(int sig, sighandler_t handler)
{
	return signal_as_sigaction(sig, handler, SA_RESETHAND | SA_NODEFER);
}

sighandler_t __sysv_signal(int sig, sighandler_t handler)
{
	return signal_as_sigaction(sig, handler, SA_RESETHAND | SA_NODEFER);
}

/*
 * Descriptor duplication: libdrm dups a render fd (F_DUPFD_CLOEXEC) and
 * keeps using the copy, which in the kernel is the same open file.  For
 * vdev's kfd descriptors (/dev/kfd, the render nodes of kfd presets) the
 * copy joins the same state (vdev_kfd_dup); a descriptor dup2/dup3 replaces
 * is closed first, as the kernel does.  Other descriptors pass through.
 */
static int (*real_dup)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static int (*real_fcntl)(int, int, ...);

static void resolve_dup(void)
{
	if (!real_open)
		resolve();
	if (!real_fcntl) {
		real_dup = dlsym(RTLD_NEXT, "dup");
		real_dup2 = dlsym(RTLD_NEXT, "dup2");
		real_dup3 = dlsym(RTLD_NEXT, "dup3");
		real_fcntl = dlsym(RTLD_NEXT, "fcntl");
	}
}

/* @newfd (>= 0) is now a copy of @oldfd: share vdev's state, or undo. */
static int dup_done(int oldfd, int newfd)
{
	int ret;

	if (newfd < 0 || !vdev_preset)
		return newfd;
	ret = vdev_kfd_dup(oldfd, newfd);
	if (ret) {
		real_close(newfd);
		errno = -ret;
		return -1;
	}
	return newfd;
}

/*
 * dup2/dup3 onto one of vdev's descriptors closes it first, as the kernel
 * does, unless @oldfd is not open (then the call fails and @newfd stays).
 */
static void dup_replacing(int oldfd, int newfd)
{
	if (vdev_preset && newfd >= 0 && newfd != oldfd && real_fcntl(oldfd, F_GETFD) >= 0 &&
	    vdev_kfd_owns(newfd))
		vdev_kfd_close(newfd);
}

int dup(int oldfd)
{
	resolve_dup();
	return dup_done(oldfd, real_dup(oldfd));
}

int dup2(int oldfd, int newfd)
{
	resolve_dup();
	if (oldfd == newfd)
		return real_dup2(oldfd, newfd);
	dup_replacing(oldfd, newfd);
	return dup_done(oldfd, real_dup2(oldfd, newfd));
}

int dup3(int oldfd, int newfd, int flags)
{
	resolve_dup();
	if (oldfd == newfd)
		return real_dup3(oldfd, newfd, flags);	/* EINVAL */
	dup_replacing(oldfd, newfd);
	return dup_done(oldfd, real_dup3(oldfd, newfd, flags));
}

/*
 * Every fcntl command passes through; F_DUPFD and F_DUPFD_CLOEXEC also
 * share vdev's state.  The argument is an int or a pointer: read as a long
 * (the ABI passes both in one register) and handed on as given.
 */
int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	resolve_dup();
	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		return dup_done(fd, real_fcntl(fd, cmd, (int)arg));
	return real_fcntl(fd, cmd, arg);
}

int fcntl64(int fd, int cmd, ...) __attribute__((alias("fcntl")));
