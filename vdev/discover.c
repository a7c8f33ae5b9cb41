/* SPDX-License-Identifier: MIT */
/*
 * IGT-style discovery: IGT (and libdrm, libudev) find a GPU by the paths
 * the kernel gives it, not through the suite's IGT_SVM_*_ROOT variables.
 * The DRM nodes /dev/dri/card0 and /dev/dri/renderD128 stat as character
 * devices 226:0 and 226:128, and the sysfs/debugfs paths a DRM driver
 * creates are served from the fake tree vdev/run made (IGT_SVM_SYSFS_ROOT,
 * IGT_SVM_DEV_ROOT): /sys/dev/char/226:N, /sys/class/drm, the PCI device,
 * /sys/module/xe, /sys/kernel/debug/dri.  Every other path is left alone.
 * The real /sys/class/vtconsole is hidden too: IGT unbinds the console
 * from the framebuffer when it opens a DRM master, which on this machine
 * would act on a console that has nothing to do with the virtual device.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vdev.h"

#define DRM_MAJOR 226

/* Path prefixes served from the fake tree: "/sys..." from the sysfs root, "/dev..." from the dev root. */
static const char *const served[] = {
	"/dev/dri",
	"/sys/dev/char/226:",
	"/sys/class/drm",
	"/sys/devices/pci0000:00/0000:03:00.0",
	"/sys/bus/pci/drivers/xe",
	"/sys/module/xe",
	"/sys/kernel/debug/dri",
	"/sys/class/vtconsole",
};

/* What a kfd preset adds: the KFD topology, /dev/kfd, the second GPU. */
static const char *const served_kfd[] = {
	"/dev/kfd",
	"/sys/devices/virtual/kfd",
	"/sys/class/kfd",
	"/sys/devices/pci0000:00/0000:04:00.0",
	"/sys/bus/pci/drivers/amdgpu",
	"/sys/module/amdgpu",
};

static const char *root_of(const char *path)
{
	const char *env = !strncmp(path, "/sys", 4) ? "IGT_SVM_SYSFS_ROOT" : "IGT_SVM_DEV_ROOT";
	const char *root = getenv(env);

	return root && *root ? root : NULL;
}

/* Whether @path is @prefix or below it (a prefix ending in ':' matches any minor). */
static bool below(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(path, prefix, n))
		return false;
	return prefix[n - 1] == ':' || path[n] == '\0' || path[n] == '/';
}

const char *vdev_redirect(const char *path, char buf[VDEV_PATH_MAX])
{
	const size_t n_xe = sizeof(served) / sizeof(served[0]);
	const size_t n_kfd = vdev_preset && vdev_preset->kfd ? sizeof(served_kfd) / sizeof(served_kfd[0]) : 0;
	const char *root;

	if (!vdev_preset || !path || path[0] != '/')
		return path;
	for (size_t i = 0; i < n_xe + n_kfd; i++) {
		if (!below(path, i < n_xe ? served[i] : served_kfd[i - n_xe]))
			continue;
		root = root_of(path);
		/* "/sys/x" -> "<root>/x", "/dev/x" -> "<root>/x" */
		if (!root || snprintf(buf, VDEV_PATH_MAX, "%s%s", root, path + 4) >= VDEV_PATH_MAX)
			return path;
		return buf;
	}
	return path;
}

int vdev_node_minor(const char *path)
{
	static const struct {
		const char *name;
		int minor;
	} nodes[] = { { "card0", 0 }, { "renderD128", 128 } };
	const char *root, *name;
	size_t n;

	/* A kfd preset's render nodes are kfd_ioctl.c's; it has no xe node. */
	if (!vdev_preset || vdev_preset->kfd || !path)
		return -1;
	if (!strncmp(path, "/dev/dri/", 9)) {
		name = path + 9;
	} else {
		root = getenv("IGT_SVM_DEV_ROOT");
		if (!root || !*root)
			return -1;
		n = strlen(root);
		if (strncmp(path, root, n) || strncmp(path + n, "/dri/", 5))
			return -1;
		name = path + n + 5;
	}
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		if (!strcmp(name, nodes[i].name))
			return nodes[i].minor;
	return -1;
}

/* What stat says about a DRM node: a character device owned by root, mode 0666. */
static void node_stat(struct stat *st, int minor)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = makedev(0, 5);		/* devtmpfs */
	st->st_ino = 1000 + minor;
	st->st_mode = S_IFCHR | 0666;
	st->st_nlink = 1;
	st->st_rdev = makedev(DRM_MAJOR, minor);
	st->st_blksize = 4096;
}

static void node_statx(struct statx *stx, int minor)
{
	memset(stx, 0, sizeof(*stx));
	stx->stx_mask = STATX_BASIC_STATS;
	stx->stx_blksize = 4096;
	stx->stx_nlink = 1;
	stx->stx_mode = S_IFCHR | 0666;
	stx->stx_ino = 1000 + minor;
	stx->stx_rdev_major = DRM_MAJOR;
	stx->stx_rdev_minor = minor;
	stx->stx_dev_minor = 5;
}

#define REAL(name) \
	static __typeof__(name) *real_##name; \
	if (!real_##name) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

/*
 * stat and stat64 have the same layout on x86_64 but distinct symbols:
 * IGT built against a newer glibc calls stat64, the suite calls stat.
 */
int stat(const char *path, struct stat *st)
{
	char buf[VDEV_PATH_MAX];
	int minor = vdev_node_minor(path);

	REAL(stat);
	if (minor >= 0) {
		node_stat(st, minor);
		return 0;
	}
	return real_stat(vdev_redirect(path, buf), st);
}

int stat64(const char *path, struct stat64 *st)
{
	return stat(path, (struct stat *)st);
}

int lstat(const char *path, struct stat *st)
{
	char buf[VDEV_PATH_MAX];
	int minor = vdev_node_minor(path);

	REAL(lstat);
	if (minor >= 0) {
		node_stat(st, minor);
		return 0;
	}
	return real_lstat(vdev_redirect(path, buf), st);
}

int lstat64(const char *path, struct stat64 *st)
{
	return lstat(path, (struct stat *)st);
}

int fstat(int fd, struct stat *st)
{
	int minor = vdev_fd_minor(fd);

	REAL(fstat);
	if (minor >= 0) {
		node_stat(st, minor);
		return 0;
	}
	return real_fstat(fd, st);
}

int fstat64(int fd, struct stat64 *st)
{
	return fstat(fd, (struct stat *)st);
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	char buf[VDEV_PATH_MAX];
	int minor = (flags & AT_EMPTY_PATH) && !*path ? vdev_fd_minor(dirfd)
							      : vdev_node_minor(path);

	REAL(fstatat);
	if (minor >= 0) {
		node_stat(st, minor);
		return 0;
	}
	return real_fstatat(dirfd, vdev_redirect(path, buf), st, flags);
}

int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	return fstatat(dirfd, path, (struct stat *)st, flags);
}

int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *stx)
{
	char buf[VDEV_PATH_MAX];
	int minor = (flags & AT_EMPTY_PATH) && !*path ? vdev_fd_minor(dirfd)
							      : vdev_node_minor(path);

	REAL(statx);
	if (minor >= 0) {
		node_statx(stx, minor);
		return 0;
	}
	return real_statx(dirfd, vdev_redirect(path, buf), flags, mask, stx);
}

int access(const char *path, int mode)
{
	char buf[VDEV_PATH_MAX];

	REAL(access);
	return real_access(vdev_redirect(path, buf), mode);
}

int faccessat(int dirfd, const char *path, int mode, int flags)
{
	char buf[VDEV_PATH_MAX];

	REAL(faccessat);
	return real_faccessat(dirfd, vdev_redirect(path, buf), mode, flags);
}

/*
 * The minor of a vdev descriptor that /proc/self/fd/N or /proc/<pid>/fd/N
 * names, -1 otherwise: IGT checks that a descriptor is a DRM node before
 * closing it by reading that link.
 */
static int proc_fd_minor(const char *path)
{
	char *end;
	long pid, fd;

	if (strncmp(path, "/proc/", 6))
		return -1;
	path += 6;
	if (!strncmp(path, "self/", 5)) {
		path += 5;
	} else {
		pid = strtol(path, &end, 10);
		if (end == path || pid != getpid() || *end != '/')
			return -1;
		path = end + 1;
	}
	if (strncmp(path, "fd/", 3))
		return -1;
	fd = strtol(path + 3, &end, 10);
	if (end == path + 3 || *end || fd < 0 || fd > INT_MAX)
		return -1;
	return vdev_fd_minor((int)fd);
}

static ssize_t node_link(int minor, char *out, size_t len)
{
	char target[64];
	size_t n = (size_t)snprintf(target, sizeof(target), "/dev/dri/%s%d",
				    minor >= 128 ? "renderD" : "card", minor);

	n = n < len ? n : len;	/* readlink truncates and does not terminate */
	memcpy(out, target, n);
	return (ssize_t)n;
}

ssize_t readlink(const char *path, char *out, size_t len)
{
	char buf[VDEV_PATH_MAX];
	int minor = proc_fd_minor(path);

	REAL(readlink);
	if (minor >= 0)
		return node_link(minor, out, len);
	return real_readlink(vdev_redirect(path, buf), out, len);
}

ssize_t readlinkat(int dirfd, const char *path, char *out, size_t len)
{
	char buf[VDEV_PATH_MAX];

	REAL(readlinkat);
	if (path[0] == '/' && proc_fd_minor(path) >= 0)
		return node_link(proc_fd_minor(path), out, len);
	return real_readlinkat(dirfd, vdev_redirect(path, buf), out, len);
}

DIR *opendir(const char *path)
{
	char buf[VDEV_PATH_MAX];

	REAL(opendir);
	return real_opendir(vdev_redirect(path, buf));
}

FILE *fopen(const char *path, const char *mode)
{
	char buf[VDEV_PATH_MAX];

	REAL(fopen);
	return real_fopen(vdev_redirect(path, buf), mode);
}

FILE *fopen64(const char *path, const char *mode) __attribute__((alias("fopen")));

/*
 * libdrm resolves a node's subsystem with realpath(): resolved in the fake
 * tree, the answer is given back under /sys as the kernel's would be.
 */
char *realpath(const char *path, char *resolved)
{
	char buf[VDEV_PATH_MAX], *out;
	const char *served_at = vdev_redirect(path, buf), *root;
	size_t n;

	REAL(realpath);
	out = real_realpath(served_at, resolved);
	if (!out || served_at != buf)
		return out;
	root = root_of(path);
	if (strncmp(out, root, n = strlen(root)) || (out[n] && out[n] != '/'))
		return out;
	/* "<root>/x" -> "/sys/x": the result only gets shorter. */
	memmove(out + 4, out + n, strlen(out + n) + 1);
	memcpy(out, !strncmp(path, "/sys", 4) ? "/sys" : "/dev", 4);
	return out;
}

char *__realpath_chk(const char *path, char *resolved, size_t len)
{
	(void)len;	/* a caller's buffer is PATH_MAX by contract */
	return realpath(path, resolved);
}
