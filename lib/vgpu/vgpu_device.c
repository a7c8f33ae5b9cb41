/* SPDX-License-Identifier: MIT */
/* Finding vgpu devices and reading the module's parameters (vgpu_device.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "igt_core.h"
#include "vgpu_device.h"

/* /sys, or the fake tree of IGT_SVM_SYSFS_ROOT (igt_device.h). */
static const char *sysfs_root(void)
{
	const char *root = getenv("IGT_SVM_SYSFS_ROOT");

	return root && *root ? root : "/sys";
}

int vgpu_find(int index, struct igt_device_info *info)
{
	return igt_device_find(IGT_DEV_DRM_RENDER, VGPU_DRIVER_NAME, index, info);
}

int vgpu_module_loaded(void)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/module/vgpu", sysfs_root());
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void vgpu_require(int index, struct igt_device_info *info)
{
	const char *filter = igt_device_filter_get();

	if (!vgpu_find(index, info))
		return;
	igt_require_f(vgpu_module_loaded(), "no vgpu render node: the suite's virtual SVM GPU "
		      "is not loaded (kmod/vgpu on Linux 7.3: insmod drm_gpusvm_helper.ko, "
		      "then vgpu.ko)\n");
	igt_require_f(false, "vgpu is loaded but has no render node #%d%s%s (module parameter "
		      "devices, default 2)\n", index, filter ? " that the device filter accepts: " : "",
		      filter ? filter : "");
}

int __vgpu_open(const struct igt_device_info *info)
{
	int fd = open(info->devnode, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct vgpu_param *)a)->name, ((const struct vgpu_param *)b)->name);
}

/* One parameter's value, its trailing newline dropped. */
static void read_value(const char *dir, const char *name, char *out, size_t len)
{
	char path[768];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, out, len - 1);
	if (fd >= 0)
		close(fd);
	if (n < 0) {
		snprintf(out, len, "(unreadable: %s)", strerror(errno));
		return;
	}
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

int vgpu_module_params(struct vgpu_param *out, int max)
{
	char dir[512];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/module/vgpu/parameters", sysfs_root());
	d = opendir(dir);
	if (!d) {
		int err = errno;

		if (!vgpu_module_loaded())
			return -ENOENT;
		/* A module without parameters has no such directory. */
		return err == ENOENT ? 0 : -err;
	}
	while (n < max && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (strlen(e->d_name) >= sizeof(out[n].name))
			continue;
		memcpy(out[n].name, e->d_name, strlen(e->d_name) + 1);
		read_value(dir, e->d_name, out[n].value, sizeof(out[n].value));
		n++;
	}
	closedir(d);
	qsort(out, n, sizeof(*out), by_name);
	return n;
}
