/* SPDX-License-Identifier: MIT */
/*
 * Topologies the virtual device can take (issue 4; facts from
 * reference/xe-uapi-and-fixes.md "Topology facts"), and the bug models.
 */
#include <string.h>

#include "vdev.h"
#include "lib/util.h"

#define ENG(cls, inst, gt) { .engine_class = DRM_XE_ENGINE_CLASS_##cls, \
			     .engine_instance = (inst), .gt_id = (gt) }
#define MAIN(t, ip) { .type = DRM_XE_QUERY_GT_TYPE_MAIN, .tile = (t), .ip_verx100 = (ip) }
#define MEDIA(t, ip) { .type = DRM_XE_QUERY_GT_TYPE_MEDIA, .tile = (t), .ip_verx100 = (ip) }

/* The driver's tables (7.3.4 xe_pat.c) of the presets' platforms. */
static const struct vdev_pat xe2_pat = { "xe2", "n12n11n2nNNNNnNN----nN12nN12nN12" };
/* Wa_16023588340 on graphics 20.01: n_entries 28 (CLOS3 disabled). */
static const struct vdev_pat xe2_clos3_off_pat = { "xe2, CLOS3 off", "n12n11n2nNNNNnNN----nN12nN12" };
static const struct vdev_pat xehpc_pat = { "xehpc", "nnn1n1n1" };
static const struct vdev_pat xelp_pat = { "xelp", "1nnn" };

static const struct vdev_preset presets[] = {
	{
		.name = "xe-lnl", .what = "integrated, main + media GT, no VRAM, faults",
		.devid = 0x64a0, .num_tiles = 1, .vram = false, .faults = true,
		.dgfx = false, .graphics_verx100 = 2004, .needs_scratch = true, .pat = &xe2_pat,
		.min_alignment = 4096, .va_bits = 48,
		.num_gts = 2, .gts = { MAIN(0, 2004), MEDIA(0, 2000) },
		.num_engines = 5,
		.engines = { ENG(RENDER, 0, 0), ENG(COMPUTE, 0, 0), ENG(COPY, 0, 0),
			     ENG(VIDEO_DECODE, 0, 1), ENG(VIDEO_ENHANCE, 0, 1) },
	},
	{
		.name = "xe-bmg", .what = "one tile, main + media GT, VRAM, 4K pages",
		.devid = 0xe20b, .num_tiles = 1, .vram = true, .faults = true,
		.dgfx = true, .graphics_verx100 = 2001, .needs_scratch = true,
		.pat = &xe2_clos3_off_pat,
		.min_alignment = 4096, .va_bits = 48,
		.num_gts = 2, .gts = { MAIN(0, 2001), MEDIA(0, 1301) },
		.num_engines = 5,
		.engines = { ENG(RENDER, 0, 0), ENG(COMPUTE, 0, 0), ENG(COPY, 0, 0),
			     ENG(VIDEO_DECODE, 0, 1), ENG(VIDEO_ENHANCE, 0, 1) },
	},
	{
		.name = "xe-pvc", .what = "two tiles, one GT each, VRAM per tile, needs 64K, 57-bit VA",
		.devid = 0x0bd5, .num_tiles = 2, .vram = true, .faults = true,
		.dgfx = true, .graphics_verx100 = 1260, .pat = &xehpc_pat,
		.min_alignment = 65536, .va_bits = 57,
		.num_gts = 2, .gts = { MAIN(0, 0), MAIN(1, 0) },
		.num_engines = 4,
		.engines = { ENG(COMPUTE, 0, 0), ENG(COPY, 0, 0),
			     ENG(COMPUTE, 0, 1), ENG(COPY, 0, 1) },
	},
	{
		.name = "xe-dg2", .what = "VRAM, needs 64K, no page faults",
		.devid = 0x56a0, .num_tiles = 1, .vram = true, .faults = false,
		.dgfx = true, .graphics_verx100 = 1255, .pat = &xelp_pat,
		.min_alignment = 65536, .va_bits = 48,
		.num_gts = 1, .gts = { MAIN(0, 0) },
		.num_engines = 3,
		.engines = { ENG(RENDER, 0, 0), ENG(COMPUTE, 0, 0), ENG(COPY, 0, 0) },
	},
	/* amdkfd presets: their GPUs are in kfd_preset.c; .vram: residency.c emulates VRAM. */
	{ .name = "kfd-gfx1100", .what = "one dGPU, gfx 11.0.0, XNACK off only, VRAM", .kfd = true, .vram = true },
	{ .name = "kfd-mi300", .what = "one GPU, gfx 9.4.2, XNACK switchable, VRAM", .kfd = true, .vram = true },
	{ .name = "kfd-2gpu", .what = "two gfx 9.0.10 GPUs, XNACK switchable, VRAM", .kfd = true, .vram = true },
	{ .name = "kfd-64k", .what = "one gfx 9.0.10 dGPU on a 64K-page kernel, XNACK switchable, VRAM",
	  .kfd = true, .vram = true },
	{ .name = "kfd-64k-4gpu", .what = "four gfx 9.0.10 dGPUs on a 64K-page kernel, XNACK switchable, VRAM",
	  .kfd = true, .vram = true },
	{ .name = "kfd-apu", .what = "one APU, gfx 9.4.2, XNACK switchable, no VRAM", .kfd = true },
	{ .name = "amdgpu-svm-v1", .what = "amdgpu SVM RFC v1 (0x1a, XNACK off), one gfx 11.0.0 dGPU",
	  .kfd = true, .vram = true },
	{ .name = "amdgpu-svm-v8", .what = "amdgpu SVM PATCH v8 (0x1b, XNACK on), two gfx 9.4.2 GPUs",
	  .kfd = true, .vram = true },
	{ .name = "amdgpu-svm-off", .what = "the v8 kernel without SVM enabled (EOPNOTSUPP)",
	  .kfd = true, .vram = true },
};

static const struct {
	const char *name;
	uint32_t bit;
} bugs[] = {
	{ "peer-map", VDEV_BUG_PEER_MAP },
	{ "64k-einval", VDEV_BUG_64K_EINVAL },
	{ "fence-count", VDEV_BUG_FENCE_COUNT },
	{ "nattr-oob", VDEV_BUG_KFD_NATTR_OOB },
	{ "svm-range-overflow", VDEV_BUG_KFD_RANGE_OVERFLOW },
	{ "svm-einval-sign", VDEV_BUG_KFD_EINVAL_SIGN },
	{ "svm-fault-whole-range", VDEV_BUG_KFD_FAULT_WHOLE_RANGE },
	{ "attr-in-range", VDEV_BUG_AMDGPU_ATTR_IN_RANGE },
	{ "partial-unmap-no-rebuild", VDEV_BUG_AMDGPU_NO_REBUILD },
	{ "evict-no-restore", VDEV_BUG_AMDGPU_NO_RESTORE },
	{ "ring-size-unaligned", VDEV_BUG_KFD_RING_UNALIGNED },
	{ "svm-map-cpu-pages", VDEV_BUG_KFD_SVM_MAP_CPU_PAGES },
	{ "gart-pte-cpu-pages", VDEV_BUG_KFD_GART_PTE_CPU_PAGES },
	{ "mmio-remap-large-page", VDEV_BUG_KFD_MMIO_LARGE_PAGE },
	{ "eop-size-page", VDEV_BUG_KFD_EOP_SIZE_PAGE },
	{ "ctl-stack-cpu-pages", VDEV_BUG_KFD_CTL_STACK_CPU_PAGES },
	{ "trap-area-8k", VDEV_BUG_KFD_TRAP_AREA_8K },
	{ "fault-gpu-pfn", VDEV_BUG_KFD_FAULT_GPU_PFN },
};

const struct vdev_preset *vdev_preset;
uint32_t vdev_bugs;

const struct vdev_preset *vdev_find_preset(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(presets); i++)
		if (!strcmp(presets[i].name, name))
			return &presets[i];
	return NULL;
}

int64_t vdev_parse_bugs(const char *list)
{
	int64_t bits = 0;
	char buf[256], *save = NULL;

	if (!list || !*list)
		return 0;
	if (strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(bugs) && strcmp(bugs[i].name, tok); i++)
			;
		if (i == ARRAY_SIZE(bugs))
			return -1;
		bits |= bugs[i].bit;
	}
	return bits;
}

bool vdev_engine_exists(const struct drm_xe_engine_class_instance *eci)
{
	for (unsigned int i = 0; i < vdev_preset->num_engines; i++) {
		const struct drm_xe_engine_class_instance *e = &vdev_preset->engines[i];

		if (e->engine_class == eci->engine_class &&
		    e->engine_instance == eci->engine_instance && e->gt_id == eci->gt_id)
			return true;
	}
	return false;
}

int vdev_engine_tile(const struct drm_xe_engine_class_instance *eci)
{
	return eci->gt_id < vdev_preset->num_gts ? vdev_preset->gts[eci->gt_id].tile : -1;
}

unsigned int vdev_pat_n_entries(void)
{
	return strlen(vdev_preset->pat->entries);
}

enum vdev_coh vdev_pat_coh(unsigned int index)
{
	switch (index < vdev_pat_n_entries() ? vdev_preset->pat->entries[index] : '-') {
	case 'n': case 'N': return VDEV_COH_NONE;
	case '1': return VDEV_COH_1WAY;
	case '2': return VDEV_COH_2WAY;
	default: return VDEV_COH_RESERVED;
	}
}

bool vdev_pat_comp_en(unsigned int index)
{
	return index < vdev_pat_n_entries() && vdev_preset->pat->entries[index] == 'N';
}

bool vdev_l2_flush_optimized(void)
{
	return vdev_preset->graphics_verx100 / 100 >= 35 && !vdev_preset->dgfx;
}

uint32_t vdev_mem_region_mask(void)
{
	return 1u | (vdev_preset->vram ? ((1u << (vdev_preset->num_tiles + 1)) - 2) : 0);
}
