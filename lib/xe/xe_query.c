/* SPDX-License-Identifier: MIT */
/* DEVICE_QUERY replies turned into struct xe_device (see xe_query.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "igt_core.h"
#include "igt_device.h"

#include "xe_ioctl.h"
#include "xe_pat.h"
#include "xe_query.h"
#include "util.h"

int __xe_query(int fd, uint32_t query, void **out, uint32_t *size)
{
	struct drm_xe_device_query args = { .query = query };
	void *buf;
	int ret = __xe_ioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &args);

	if (ret)
		return ret;
	if (!args.size)
		return -ENODATA;
	buf = calloc(1, args.size);
	if (!buf)
		return -ENOMEM;
	args.data = (uintptr_t)buf;
	ret = __xe_ioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &args);
	if (ret) {
		free(buf);
		return ret;
	}
	*out = buf;
	*size = args.size;
	return 0;
}

static int query_config(int fd, struct xe_device *dev)
{
	struct drm_xe_query_config *c;
	uint32_t size;
	int ret = __xe_query(fd, DRM_XE_DEVICE_QUERY_CONFIG, (void **)&c, &size);

	if (ret)
		return ret;
	if (size < sizeof(*c) + 4 * sizeof(c->info[0]) || c->num_params < 4) {
		free(c);
		return -EPROTO;
	}
	dev->devid = c->info[DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] & 0xffff;
	dev->revid = (c->info[DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] >> 16) & 0xff;
	dev->config_flags = c->info[DRM_XE_QUERY_CONFIG_FLAGS];
	dev->min_alignment = c->info[DRM_XE_QUERY_CONFIG_MIN_ALIGNMENT];
	dev->va_bits = c->info[DRM_XE_QUERY_CONFIG_VA_BITS];
	free(c);
	return 0;
}

static int query_regions(int fd, struct xe_device *dev)
{
	struct drm_xe_query_mem_regions *r;
	uint32_t size;
	int ret = __xe_query(fd, DRM_XE_DEVICE_QUERY_MEM_REGIONS, (void **)&r, &size);

	if (ret)
		return ret;
	dev->num_regions = 0;
	for (uint32_t i = 0; i < r->num_mem_regions && i < XE_MAX_REGIONS &&
	     sizeof(*r) + (i + 1) * sizeof(r->mem_regions[0]) <= size; i++)
		dev->regions[dev->num_regions++] = r->mem_regions[i];
	free(r);
	return 0;
}

static int query_gts(int fd, struct xe_device *dev)
{
	struct drm_xe_query_gt_list *g;
	uint32_t size;
	int ret = __xe_query(fd, DRM_XE_DEVICE_QUERY_GT_LIST, (void **)&g, &size);

	if (ret)
		return ret;
	dev->num_gts = 0;
	dev->num_tiles = 0;
	for (uint32_t i = 0; i < g->num_gt && i < XE_MAX_GTS &&
	     sizeof(*g) + (i + 1) * sizeof(g->gt_list[0]) <= size; i++) {
		dev->gts[dev->num_gts++] = g->gt_list[i];
		if (g->gt_list[i].tile_id + 1u > dev->num_tiles)
			dev->num_tiles = g->gt_list[i].tile_id + 1u;
	}
	free(g);
	return 0;
}

static int query_engines(int fd, struct xe_device *dev)
{
	struct drm_xe_query_engines *e;
	uint32_t size;
	int ret = __xe_query(fd, DRM_XE_DEVICE_QUERY_ENGINES, (void **)&e, &size);

	if (ret)
		return ret;
	dev->num_engines = 0;
	for (uint32_t i = 0; i < e->num_engines && i < XE_MAX_ENGINES &&
	     sizeof(*e) + (i + 1) * sizeof(e->engines[0]) <= size; i++)
		dev->engines[dev->num_engines++] = e->engines[i].instance;
	free(e);
	return 0;
}

/* Fault mode is not in any query: the kernel is asked for such a VM.  0 or -errno. */
static int probe_faults(int fd)
{
	uint32_t vm;
	int ret = __xe_vm_create(fd, DRM_XE_VM_CREATE_FLAG_LR_MODE | DRM_XE_VM_CREATE_FLAG_FAULT_MODE,
				 &vm);

	if (!ret)
		__xe_vm_destroy(fd, vm);
	return ret;
}

int __xe_query_device(int fd, struct xe_device *dev)
{
	int ret;

	memset(dev, 0, sizeof(*dev));
	if ((ret = query_config(fd, dev)) || (ret = query_regions(fd, dev)) ||
	    (ret = query_gts(fd, dev)) || (ret = query_engines(fd, dev)))
		return ret;
	dev->fault_vm_err = probe_faults(fd);
	dev->has_faults = !dev->fault_vm_err;
	return 0;
}

void xe_require_svm(const struct xe_device *dev)
{
	igt_require_f(xe_has_svm(dev), "xe device %04x has no SVM (%s)\n", dev->devid,
		      dev->has_faults ? "no HAS_CPU_ADDR_MIRROR" : "no fault-mode VMs");
}

const struct drm_xe_gt *xe_gt(const struct xe_device *dev, unsigned int gt_id)
{
	for (unsigned int i = 0; i < dev->num_gts; i++)
		if (dev->gts[i].gt_id == gt_id)
			return &dev->gts[i];
	return NULL;
}

int xe_engine_tile(const struct xe_device *dev, const struct drm_xe_engine_class_instance *eci)
{
	const struct drm_xe_gt *gt = xe_gt(dev, eci->gt_id);

	return gt ? gt->tile_id : -1;
}

/* Classes whose engines run MI_STORE_DWORD/MI_ATOMIC/MI_COPY_MEM_MEM batches. */
static bool runs_mi(unsigned int engine_class)
{
	return engine_class != DRM_XE_ENGINE_CLASS_VM_BIND;
}

const struct drm_xe_engine_class_instance *xe_find_engine(const struct xe_device *dev, int tile,
							  int engine_class)
{
	for (unsigned int i = 0; i < dev->num_engines; i++) {
		const struct drm_xe_engine_class_instance *e = &dev->engines[i];

		if (tile >= 0 && xe_engine_tile(dev, e) != tile)
			continue;
		if (engine_class >= 0 ? e->engine_class == (unsigned int)engine_class
				      : runs_mi(e->engine_class))
			return e;
	}
	return NULL;
}

int xe_tile_vram_region(const struct xe_device *dev, int tile)
{
	for (unsigned int i = 0; i < dev->num_gts; i++) {
		const struct drm_xe_gt *gt = &dev->gts[i];

		if (gt->tile_id != tile || gt->type != DRM_XE_QUERY_GT_TYPE_MAIN)
			continue;
		/* near_mem_regions is a placement mask; VRAM bits are above bit 0. */
		for (int bit = 1; bit < 64; bit++)
			if (gt->near_mem_regions & (1ull << bit))
				return bit;
	}
	return -1;
}

const char *xe_engine_class_name(unsigned int engine_class)
{
	static const char *const names[] = {
		[DRM_XE_ENGINE_CLASS_RENDER] = "render",
		[DRM_XE_ENGINE_CLASS_COPY] = "copy",
		[DRM_XE_ENGINE_CLASS_VIDEO_DECODE] = "video-decode",
		[DRM_XE_ENGINE_CLASS_VIDEO_ENHANCE] = "video-enhance",
		[DRM_XE_ENGINE_CLASS_COMPUTE] = "compute",
		[DRM_XE_ENGINE_CLASS_VM_BIND] = "vm-bind",
	};

	return engine_class < ARRAY_SIZE(names) && names[engine_class] ? names[engine_class]
								       : "unknown";
}

int xe_open_first(struct xe_device *dev)
{
	struct igt_device_info info;
	char wanted[256];
	struct xe_pat pat;
	int fd, ret;

	igt_device_describe_wanted(IGT_DEV_DRM_RENDER, "xe", wanted, sizeof(wanted));
	igt_require_f(!igt_device_find(IGT_DEV_DRM_RENDER, "xe", 0, &info),
		      "looked for %s and found none\n", wanted);
	fd = open(info.devnode, O_RDWR | O_CLOEXEC);
	igt_assert_f(fd >= 0, "open %s: %s\n", info.devnode, strerror(errno));
	ret = __xe_query_device(fd, dev);
	if (ret)
		close(fd);
	igt_assert_f(ret == 0, "querying %s: %s\n", info.devnode, strerror(-ret));
	/* Binds need the platform's PAT table: never guess one (xe_pat.h). */
	ret = __xe_pat_of_device(fd, dev, &pat);
	if (ret)
		close(fd);
	igt_require_f(ret != -ENODEV, "xe device %04x (graphics IP %u.%02u): no PAT table known "
		      "for it, so no PAT index to bind with\n", dev->devid,
		      dev->num_gts ? dev->gts[0].ip_ver_major : 0,
		      dev->num_gts ? dev->gts[0].ip_ver_minor : 0);
	igt_assert_f(ret == 0, "querying %s: %s\n", info.devnode, strerror(-ret));
	return fd;
}
