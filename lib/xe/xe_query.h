/* SPDX-License-Identifier: MIT */
/*
 * What an xe device says about itself (DEVICE_QUERY), gathered once per
 * open: config, memory regions, GTs with their tiles, engines.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "uapi/xe_svm_drm.h"

#define XE_MAX_REGIONS 8
#define XE_MAX_GTS 8
#define XE_MAX_ENGINES 64

struct xe_device {
	uint16_t devid;
	uint8_t revid;
	uint64_t config_flags;		/* DRM_XE_QUERY_CONFIG_FLAG_* */
	uint64_t min_alignment;		/* 64K where VRAM needs 64K pages */
	unsigned int va_bits;
	unsigned int num_regions;
	struct drm_xe_mem_region regions[XE_MAX_REGIONS];
	unsigned int num_gts;
	struct drm_xe_gt gts[XE_MAX_GTS];
	unsigned int num_engines;
	struct drm_xe_engine_class_instance engines[XE_MAX_ENGINES];
	unsigned int num_tiles;
	bool has_faults;		/* VM_CREATE(LR|FAULT) works */
	int fault_vm_err;		/* 0 when it does, else its -errno */
};

/*
 * For tests: opens the first xe render node the device filter lets
 * through and fills @dev, or skips saying what it looked for; fails on a
 * node that exists but does not answer.  Returns the open fd.
 */
int xe_open_first(struct xe_device *dev);

/* Fills @dev from the device's queries; 0 or -errno, never asserts. */
int __xe_query_device(int fd, struct xe_device *dev);

/* A device query reply: size probe, then a buffer of exactly that size (malloc()ed). */
int __xe_query(int fd, uint32_t query, void **out, uint32_t *size);

static inline bool xe_has_vram(const struct xe_device *dev)
{
	return dev->config_flags & DRM_XE_QUERY_CONFIG_FLAG_HAS_VRAM;
}

static inline bool xe_has_svm(const struct xe_device *dev)
{
	return (dev->config_flags & DRM_XE_QUERY_CONFIG_FLAG_HAS_CPU_ADDR_MIRROR) &&
	       dev->has_faults;
}

/* Skips the running subtest, saying why, unless the device can mirror the CPU's address space. */
void xe_require_svm(const struct xe_device *dev);

/* The GT with @gt_id, NULL if none. */
const struct drm_xe_gt *xe_gt(const struct xe_device *dev, unsigned int gt_id);
/* The tile an engine runs on. */
int xe_engine_tile(const struct xe_device *dev, const struct drm_xe_engine_class_instance *eci);
/* The first engine of @class on @tile (any class able to run MI commands when @class < 0). */
const struct drm_xe_engine_class_instance *xe_find_engine(const struct xe_device *dev, int tile,
							  int engine_class);
/* Region instance (placement bit) of @tile's VRAM, -1 without VRAM there. */
int xe_tile_vram_region(const struct xe_device *dev, int tile);
const char *xe_engine_class_name(unsigned int engine_class);
