/* SPDX-License-Identifier: MIT */
/*
 * Device discovery and device filters.
 *
 * The suite drives three kinds of kernel interface: DRM render nodes (xe,
 * amdgpu), the AMD compute node /dev/kfd, and the kernel's HMM test device
 * /dev/hmm_dmirrorN.  Tests ask for "the first device of kind K (and driver
 * D)" and get the first one that the active filter (--device or IGT_DEVICE)
 * lets through.
 *
 * Environment overrides, for testing without hardware:
 *   IGT_SVM_SYSFS_ROOT  directory used in place of /sys (default "/sys")
 *   IGT_SVM_DEV_ROOT    directory used in place of /dev (default "/dev")
 * Every path the scan reads is redirected there, but reported devnode and
 * syspath strings keep the plain /dev/... and /sys/... spelling, so filters
 * and messages look the same on a fake tree.  While either is set, device
 * nodes may be plain files, and a node whose DRM_IOCTL_VERSION fails (as a
 * plain file does) takes its driver name from the sysfs driver link.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum igt_dev_kind {
	IGT_DEV_DRM_RENDER,
	IGT_DEV_KFD,
	IGT_DEV_HMM_DMIRROR,
};

struct igt_device_info {
	enum igt_dev_kind kind;
	char devnode[64];	/* /dev/dri/renderD128, /dev/kfd, /dev/hmm_dmirror0 */
	char syspath[256];	/* canonical /sys/devices/... of the device, "" if unknown */
	char driver[32];	/* DRM_IOCTL_VERSION name, else the sysfs driver link, "" if unknown */
	char pci_slot[16];	/* "0000:03:00.0", "" if not a PCI device */
	uint16_t vendor;	/* PCI vendor id, 0 if not PCI */
	uint16_t device;	/* PCI device id, 0 if not PCI */
	int card;		/* index among the PCI devices found, in scan order; -1 if not PCI */
};

#define IGT_DEVICE_MAX 64

const char *igt_dev_kind_name(enum igt_dev_kind kind);

/*
 * Parses and installs the filter list (several filters separated by ';').
 * NULL or "" clears it.  Returns 0, or -EINVAL with a one-line reason in
 * @why (never NULL on error).
 */
int igt_device_filter_set(const char *filters, char *why, size_t why_len);
/* The installed filter string, or NULL when no filter is active. */
const char *igt_device_filter_get(void);

/*
 * Every device of every kind, in a stable order: render nodes by minor,
 * then /dev/kfd, then /dev/hmm_dmirrorN by N.  Returns the count (at most
 * @max; nothing found is 0, not an error).  Ignores the filter.
 */
int igt_device_scan(struct igt_device_info *devs, int max);

/*
 * The @index-th device (0-based) of @kind, optionally restricted to
 * @driver (NULL for any), that the active filter lets through.
 * Returns 0 or -ENODEV.
 */
int igt_device_find(enum igt_dev_kind kind, const char *driver, int index,
		    struct igt_device_info *out);

/* "xe render node", "amdgpu render node", "/dev/kfd", ... for skip messages. */
void igt_device_describe_wanted(enum igt_dev_kind kind, const char *driver,
				char *buf, size_t len);

/*
 * Shared by igt_device_scan.c and igt_device_filter.c (and the selftest);
 * not meant for tests.
 */

/*
 * Whether the installed filter lets @devs[@i] through.  Needs the whole scan
 * in @devs because "card=N" counts devices and /dev/kfd passes on behalf of
 * the AMD GPUs.  True when no filter is installed.
 */
bool __igt_device_filter_allows(const struct igt_device_info *devs, int n, int i);

/*
 * Canonical form of a /sys/... path (symlinks resolved, honouring
 * IGT_SVM_SYSFS_ROOT) into @out, spelled /sys/...  Returns 0 or -errno.
 */
int __igt_device_sysfs_canonical(const char *path, char *out, size_t len);
