/* SPDX-License-Identifier: MIT */
/*
 * Finding the suite's virtual SVM GPU (kmod/vgpu: DRM render nodes of
 * driver "vgpu") and reading what its module was loaded with.  The module
 * parameters are for reports (svm_info) and skip messages only: a test
 * never reads them to decide a result, since the bug knobs among them are
 * what the tests must detect by themselves.
 */
#pragma once

#include <stddef.h>

#include "igt_device.h"
#include "uapi/vgpu_drm.h"

/* The @index-th vgpu render node the device filter lets through: 0 or -ENODEV. */
int vgpu_find(int index, struct igt_device_info *info);

/*
 * For tests: the @index-th vgpu node, or a skip that says how to get one
 * (module not loaded, loaded with fewer devices, or filtered out).
 */
void vgpu_require(int index, struct igt_device_info *info);

/* open() of the node, O_RDWR|O_CLOEXEC: the fd or -errno. */
int __vgpu_open(const struct igt_device_info *info);

/* Whether the vgpu module is loaded (its /sys/module directory exists). */
int vgpu_module_loaded(void);

struct vgpu_param {
	char name[64];
	char value[64];
};

/*
 * The module's parameters as /sys/module/vgpu/parameters shows them, sorted
 * by name: their count (at most @max), -ENOENT when the module is not
 * loaded, other -errno.
 */
int vgpu_module_params(struct vgpu_param *out, int max);
