// SPDX-License-Identifier: MIT
/*
 * Device discovery: DRM render nodes (from /sys/class/drm), /dev/kfd and
 * /dev/hmm_dmirrorN.  Runs during option parsing and device listing, so it
 * never asserts, exits or prints; anything it cannot learn is left empty.
 *
 * All reads go through host_path(), which swaps the leading /sys or /dev for
 * IGT_SVM_SYSFS_ROOT / IGT_SVM_DEV_ROOT, so the selftest can run the very
 * same code on a fake tree.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pciaccess.h>
#include <xf86drm.h>

#include "igt_device.h"
#include "util.h"

static const struct root {
	const char *real;	/* as reported */
	const char *env;	/* where it really is, when set */
} roots[] = {
	{ "/sys", "IGT_SVM_SYSFS_ROOT" },
	{ "/dev", "IGT_SVM_DEV_ROOT" },
};

static const char *root_dir(const struct root *r)
{
	const char *env = getenv(r->env);

	return env && *env ? env : r->real;
}

/* A fake tree is in use: its nodes are plain files and its ioctls fail. */
static bool fake_tree(void)
{
	return strcmp(root_dir(&roots[0]), "/sys") || strcmp(root_dir(&roots[1]), "/dev");
}

static const struct root *root_of(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++)
		if (!strncmp(path, roots[i].real, 4) && (!path[4] || path[4] == '/'))
			return &roots[i];
	return NULL;
}

/* Where the /sys/... or /dev/... @path really is. */
static int host_path(char *out, size_t len, const char *path)
{
	const struct root *r = root_of(path);

	if (!r)
		return -EINVAL;
	if ((size_t)snprintf(out, len, "%s%s", root_dir(r), path + strlen(r->real)) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int __igt_device_sysfs_canonical(const char *path, char *out, size_t len)
{
	char host[PATH_MAX], real[PATH_MAX], base[PATH_MAX];
	size_t n;

	if (strncmp(path, "/sys/", 5) || host_path(host, sizeof(host), path))
		return -EINVAL;
	/* Resolve the root too: it may sit behind symlinks (/tmp on some systems). */
	if (!realpath(host, real) || !realpath(root_dir(&roots[0]), base))
		return -errno;
	n = strlen(base);
	if (strncmp(real, base, n) || (real[n] && real[n] != '/'))
		return -EXDEV;	/* a link leading out of the tree */
	if ((size_t)snprintf(out, len, "/sys%s", real + n) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static bool node_exists(const char *devnode)
{
	char host[PATH_MAX];
	struct stat st;

	if (host_path(host, sizeof(host), devnode) || stat(host, &st))
		return false;
	return S_ISCHR(st.st_mode) || (fake_tree() && S_ISREG(st.st_mode));
}

/* Truncating copy; the fields are sized for what sane devices report. */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Whether @name is @prefix followed by a number, as renderD128. */
static bool is_numbered(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(name, prefix, n) && name[n] && !name[n + strspn(name + n, "0123456789")];
}

static int read_hex_file(const char *dir, const char *file, uint16_t *out)
{
	char path[PATH_MAX], host[PATH_MAX];
	unsigned int v;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (host_path(host, sizeof(host), path) || !(f = fopen(host, "re")))
		return -ENOENT;
	if (fscanf(f, "%x", &v) != 1)
		v = ~0u;
	fclose(f);
	if (v > 0xffff)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

/*
 * libpciaccess keeps process-wide, non-refcounted state: initialise it once
 * and never clean it up, so as not to pull it from under another user.
 */
static bool pciaccess_ready(void)
{
	static int state;	/* 0 untried, 1 ok, -1 unavailable */

	if (!state)
		state = pci_system_init() == 0 ? 1 : -1;
	return state > 0;
}

static int pci_ids(struct igt_device_info *d)
{
	unsigned int dom, bus, dev, fn;
	struct pci_device *pdev;

	/* libpciaccess reads the real /sys, which a fake tree does not redirect. */
	if (!fake_tree() && pciaccess_ready() &&
	    sscanf(d->pci_slot, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) == 4) {
		pdev = pci_device_find_by_slot(dom, bus, dev, fn);
		if (pdev) {
			d->vendor = pdev->vendor_id;
			d->device = pdev->device_id;
			return 0;
		}
	}
	if (read_hex_file(d->syspath, "vendor", &d->vendor) ||
	    read_hex_file(d->syspath, "device", &d->device))
		return -ENOENT;
	return 0;
}

/* A PCI function's sysfs directory is named after its address, dddd:bb:dd.f. */
static void fill_pci(struct igt_device_info *d)
{
	const char *base = strrchr(d->syspath, '/');

	if (!base++ || strlen(base) != 12 || strspn(base, "0123456789abcdef:.") != 12 ||
	    base[4] != ':' || base[7] != ':' || base[10] != '.')
		return;
	copy_str(d->pci_slot, sizeof(d->pci_slot), base);
	if (pci_ids(d)) {
		d->pci_slot[0] = '\0';	/* unreadable ids: not usable as PCI */
		d->vendor = d->device = 0;
	}
}

static int driver_from_ioctl(struct igt_device_info *d)
{
	char host[PATH_MAX];
	drmVersionPtr v;
	int fd;

	fd = host_path(host, sizeof(host), d->devnode) ? -1 : open(host, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	v = drmGetVersion(fd);
	close(fd);
	if (!v)
		return -ENOTTY;
	copy_str(d->driver, sizeof(d->driver), v->name ? v->name : "");
	drmFreeVersion(v);
	return d->driver[0] ? 0 : -ENOENT;
}

static void driver_from_sysfs(struct igt_device_info *d, const char *class_dev)
{
	char link[PATH_MAX], canon[PATH_MAX];
	const char *base;

	snprintf(link, sizeof(link), "%s/device/driver", class_dev);
	if (__igt_device_sysfs_canonical(link, canon, sizeof(canon)))
		return;
	base = strrchr(canon, '/');
	copy_str(d->driver, sizeof(d->driver), base ? base + 1 : canon);
}

/* Calls @fn for every entry of the /sys or /dev directory @dir called PREFIXn. */
static int scan_dir(const char *dir, const char *prefix, struct igt_device_info *devs,
		    int n, int max, int (*fn)(struct igt_device_info *d, const char *name))
{
	char host[PATH_MAX];
	struct dirent *e;
	DIR *dp;

	if (host_path(host, sizeof(host), dir) || !(dp = opendir(host)))
		return n;	/* no DRM or no /dev: simply nothing to find */
	while (n < max && (e = readdir(dp)))
		if (is_numbered(e->d_name, prefix))
			n += fn(&devs[n], e->d_name);
	closedir(dp);
	return n;
}

static int add_render_node(struct igt_device_info *d, const char *name)
{
	char class_dev[128], link[160];

	*d = (struct igt_device_info){ .kind = IGT_DEV_DRM_RENDER, .card = -1 };
	snprintf(d->devnode, sizeof(d->devnode), "/dev/dri/%.40s", name);
	if (!node_exists(d->devnode))
		return 0;	/* sysfs knows it, but /dev lacks it: nothing to open */
	snprintf(class_dev, sizeof(class_dev), "/sys/class/drm/%.40s", name);
	snprintf(link, sizeof(link), "%s/device", class_dev);
	if (__igt_device_sysfs_canonical(link, d->syspath, sizeof(d->syspath)))
		d->syspath[0] = '\0';
	else
		fill_pci(d);
	if (driver_from_ioctl(d))
		driver_from_sysfs(d, class_dev);
	return 1;
}

/* Fixed facts of a non-PCI node; returns whether the node exists. */
static int add_node(struct igt_device_info *d, enum igt_dev_kind kind, const char *devnode,
		    const char *driver)
{
	*d = (struct igt_device_info){ .kind = kind, .card = -1 };
	copy_str(d->devnode, sizeof(d->devnode), devnode);
	copy_str(d->driver, sizeof(d->driver), driver);
	return node_exists(d->devnode);
}

static int add_dmirror(struct igt_device_info *d, const char *name)
{
	char devnode[64];

	snprintf(devnode, sizeof(devnode), "/dev/%.40s", name);
	return add_node(d, IGT_DEV_HMM_DMIRROR, devnode, "test_hmm");
}

static int node_number(const struct igt_device_info *d)
{
	return atoi(d->devnode + strcspn(d->devnode, "0123456789"));
}

/*
 * Kind first (the enum is in the documented order), then the node number.
 * No two devices share both, so qsort's lack of stability cannot show.
 */
static int cmp_devices(const void *a, const void *b)
{
	const struct igt_device_info *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return node_number(x) - node_number(y);
}

int igt_device_scan(struct igt_device_info *devs, int max)
{
	struct igt_device_info all[IGT_DEVICE_MAX];
	int n = 0, card = 0;

	if (!devs || max <= 0)
		return 0;
	n = scan_dir("/sys/class/drm", "renderD", all, n, IGT_DEVICE_MAX, add_render_node);
	if (n < IGT_DEVICE_MAX)	/* amdkfd is part of amdgpu */
		n += add_node(&all[n], IGT_DEV_KFD, "/dev/kfd", "amdgpu");
	n = scan_dir("/dev", "hmm_dmirror", all, n, IGT_DEVICE_MAX, add_dmirror);
	qsort(all, n, sizeof(all[0]), cmp_devices);
	for (int i = 0; i < n; i++)
		if (all[i].pci_slot[0])
			all[i].card = card++;
	if (n > max)
		n = max;
	memcpy(devs, all, n * sizeof(all[0]));
	return n;
}

int igt_device_find(enum igt_dev_kind kind, const char *driver, int index,
		    struct igt_device_info *out)
{
	struct igt_device_info devs[IGT_DEVICE_MAX];
	int n = igt_device_scan(devs, IGT_DEVICE_MAX);

	for (int i = 0; i < n && index >= 0; i++) {
		if (devs[i].kind != kind || (driver && strcmp(driver, devs[i].driver)) ||
		    !__igt_device_filter_allows(devs, n, i))
			continue;
		if (index-- == 0) {
			if (out)
				*out = devs[i];
			return 0;
		}
	}
	return -ENODEV;
}

static const struct {
	const char *name;
	const char *wanted;	/* for skip messages */
} kinds[] = {
	[IGT_DEV_DRM_RENDER] = { "render", "a DRM render node" },
	[IGT_DEV_KFD] = { "kfd", "/dev/kfd" },
	[IGT_DEV_HMM_DMIRROR] = { "hmm_dmirror", "a /dev/hmm_dmirror node" },
};

const char *igt_dev_kind_name(enum igt_dev_kind kind)
{
	return (unsigned int)kind < ARRAY_SIZE(kinds) ? kinds[kind].name : "unknown";
}

void igt_device_describe_wanted(enum igt_dev_kind kind, const char *driver,
				char *buf, size_t len)
{
	const char *filter = igt_device_filter_get();
	size_t n;

	if (!buf || !len)
		return;
	/* Driver names are read out: "an amdgpu", "an i915", and x as in "an xe". */
	if (kind == IGT_DEV_DRM_RENDER && driver)
		n = snprintf(buf, len, "%s %s render node",
			     driver[0] && strchr("aeioux", driver[0]) ? "an" : "a", driver);
	else
		n = snprintf(buf, len, "%s", (unsigned int)kind < ARRAY_SIZE(kinds) ?
			     kinds[kind].wanted : "an unknown kind of device");
	if (filter && n < len)
		snprintf(buf + n, len - n, " (filter: %s)", filter);
}
