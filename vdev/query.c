/* SPDX-License-Identifier: MIT */
/* DEVICE_QUERY: the preset as the xe driver would describe it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vdev.h"

/* Emulated VRAM per tile: what the queries report; pages live in a pool. */
#define VRAM_SIZE (4ull << 30)

static size_t engines(void *buf)
{
	struct drm_xe_query_engines *q = buf;
	size_t size = sizeof(*q) + vdev_preset->num_engines * sizeof(q->engines[0]);

	if (q) {
		q->num_engines = vdev_preset->num_engines;
		for (unsigned int i = 0; i < vdev_preset->num_engines; i++)
			q->engines[i].instance = vdev_preset->engines[i];
	}
	return size;
}

static size_t regions(void *buf)
{
	struct drm_xe_query_mem_regions *q = buf;
	unsigned int n = 1 + (vdev_preset->vram ? vdev_preset->num_tiles : 0);

	if (q) {
		q->num_mem_regions = n;
		q->mem_regions[0] = (struct drm_xe_mem_region){
			.mem_class = DRM_XE_MEM_REGION_CLASS_SYSMEM, .instance = 0,
			.min_page_size = 4096, .total_size = 16ull << 30,
		};
		for (unsigned int t = 1; t < n; t++)
			q->mem_regions[t] = (struct drm_xe_mem_region){
				.mem_class = DRM_XE_MEM_REGION_CLASS_VRAM, .instance = t,
				.min_page_size = vdev_preset->min_alignment,
				.total_size = VRAM_SIZE, .cpu_visible_size = VRAM_SIZE,
			};
	}
	return sizeof(*q) + n * sizeof(q->mem_regions[0]);
}

static size_t config(void *buf)
{
	struct drm_xe_query_config *q = buf;
	const unsigned int n = 5;

	if (q) {
		q->num_params = n;
		q->info[DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] = vdev_preset->devid;
		q->info[DRM_XE_QUERY_CONFIG_FLAGS] =
			(vdev_preset->vram ? DRM_XE_QUERY_CONFIG_FLAG_HAS_VRAM : 0) |
			(vdev_preset->faults ? DRM_XE_QUERY_CONFIG_FLAG_HAS_CPU_ADDR_MIRROR : 0);
		q->info[DRM_XE_QUERY_CONFIG_MIN_ALIGNMENT] = vdev_preset->min_alignment;
		q->info[DRM_XE_QUERY_CONFIG_VA_BITS] = vdev_preset->va_bits;
		q->info[DRM_XE_QUERY_CONFIG_MAX_EXEC_QUEUE_PRIORITY] = 2;
	}
	return sizeof(*q) + n * sizeof(uint64_t);
}

static size_t gt_list(void *buf)
{
	struct drm_xe_query_gt_list *q = buf;

	if (q) {
		q->num_gt = vdev_preset->num_gts;
		for (unsigned int i = 0; i < vdev_preset->num_gts; i++) {
			const struct vdev_gt *g = &vdev_preset->gts[i];
			uint64_t vram = vdev_preset->vram ? 1ull << (g->tile + 1) : 0;

			q->gt_list[i] = (struct drm_xe_gt){
				.type = g->type, .tile_id = g->tile, .gt_id = i,
				.reference_clock = 19200000,
				.near_mem_regions = vram ? vram : 1,
				.far_mem_regions = vram ? 1 : 0,
				.ip_ver_major = g->ip_verx100 / 100,
				.ip_ver_minor = g->ip_verx100 % 100,
			};
		}
	}
	return sizeof(*q) + vdev_preset->num_gts * sizeof(q->gt_list[0]);
}

int vdev_query(struct vdev_file *f, struct drm_xe_device_query *q)
{
	size_t (*fill)(void *) = NULL;
	size_t size;
	void *tmp;

	(void)f;
	/* xe_query_ioctl; then each query's own size check. */
	if (q->extensions || q->reserved[0] || q->reserved[1])
		return vdev_reject(-EINVAL, "xe_query_ioctl");
	switch (q->query) {
	case DRM_XE_DEVICE_QUERY_ENGINES: fill = engines; break;
	case DRM_XE_DEVICE_QUERY_MEM_REGIONS: fill = regions; break;
	case DRM_XE_DEVICE_QUERY_CONFIG: fill = config; break;
	case DRM_XE_DEVICE_QUERY_GT_LIST: fill = gt_list; break;
	default:
		return vdev_reject(-EINVAL, q->query <= DRM_XE_DEVICE_QUERY_EU_STALL ?
				   "vdev: this device query is not modelled" : "xe_query_ioctl");
	}
	size = fill(NULL);
	if (q->size == 0) {
		q->size = size;
		return 0;
	}
	if (q->size != size)
		return vdev_reject(-EINVAL, "xe_query_ioctl: size");
	tmp = calloc(1, size);
	if (!tmp)
		return -ENOMEM;
	fill(tmp);
	/* The reply buffer is the caller's memory: copy without faulting. */
	if (vdev_cpu_write(q->data, tmp, size)) {
		free(tmp);
		return -EFAULT;
	}
	free(tmp);
	return 0;
}
