/* SPDX-License-Identifier: MIT */
/* DEVICE_QUERY: the preset as the xe driver would describe it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/*
 * HWCONFIG is the GuC's KLV blob, copied as the firmware gave it. vdev has no
 * GuC, so it answers as xe does where there is no blob: size 0, and the
 * second call of the protocol (size 0 again) returns 0 with nothing written.
 * The four presets' real devices do have one; a test may not depend on it.
 */
static size_t hwconfig(void *buf)
{
	(void)buf;
	return 0;
}

/*
 * GT_TOPOLOGY: per GT, the geometry DSS, compute DSS, L3 bank and EU masks,
 * each as wide as xe's bitmaps (128 DSS bits, 64 L3 bits, one long of EU
 * bits). The fused counts are plausible for each part, not read from one:
 * LNL 8 Xe cores, BMG 20, PVC 64 per tile (compute only), DG2 32. Media GTs
 * have no DSS/EU fuses, so their masks are all zero, as on real parts; the
 * L3 mask is still listed for them (media before 30.00 keeps it in the ABI).
 */
#define DSS_BYTES 16
#define L3_BYTES 8
#define EU_BYTES 8
#define TOPO_BYTES_PER_GT (4 * sizeof(struct drm_xe_query_topology_mask) + \
			   2 * DSS_BYTES + L3_BYTES + EU_BYTES)

static uint8_t *put_mask(uint8_t *p, uint16_t gt, uint16_t type, size_t n, uint64_t lo)
{
	struct drm_xe_query_topology_mask m = { .gt_id = gt, .type = type, .num_bytes = n };

	memcpy(p, &m, sizeof(m));
	p += sizeof(m);
	memcpy(p, &lo, n < 8 ? n : 8);	/* little endian, as the kernel's bitmaps */
	return p + n;
}

static size_t topology(void *buf)
{
	unsigned int v = vdev_preset->graphics_verx100;
	bool simd16 = v == 1260 || v >= 2000;	/* PVC and Xe2: one bit per SIMD16 EU */
	unsigned int dss = v == 1260 ? 64 : v == 1255 ? 32 : v == 2001 ? 20 : 8;
	uint64_t dss_mask = dss >= 64 ? ~0ull : (1ull << dss) - 1;
	uint8_t *p = buf;

	if (p) {
		for (unsigned int i = 0; i < vdev_preset->num_gts; i++) {
			bool main_gt = vdev_preset->gts[i].type == DRM_XE_QUERY_GT_TYPE_MAIN;

			p = put_mask(p, i, DRM_XE_TOPO_DSS_GEOMETRY, DSS_BYTES,
				     main_gt && v != 1260 ? dss_mask : 0);
			p = put_mask(p, i, DRM_XE_TOPO_DSS_COMPUTE, DSS_BYTES,
				     main_gt ? dss_mask : 0);
			p = put_mask(p, i, DRM_XE_TOPO_L3_BANK, L3_BYTES, main_gt ? 0xff : 0);
			/* SIMD8 parts report 16 EUs per DSS, two bits per fused pair */
			p = put_mask(p, i, simd16 ? DRM_XE_TOPO_SIMD16_EU_PER_DSS :
				     DRM_XE_TOPO_EU_PER_DSS, EU_BYTES,
				     main_gt ? (simd16 ? 0xff : 0xffff) : 0);
		}
	}
	return vdev_preset->num_gts * TOPO_BYTES_PER_GT;
}

/* PXP: vdev has no GSC/PXP; xe_pxp_get_readiness_status gives ENODEV then. */

/* EU_STALL: PVC and graphics 20+; 7 rates of 251 cycles' steps, 64-byte records, 512K per XeCore. */
static const uint64_t eu_stall_rates[] = { 251, 502, 753, 1004, 1255, 1506, 1757 };

static bool eu_stall_supported(void)
{
	return vdev_preset->graphics_verx100 == 1260 || vdev_preset->graphics_verx100 >= 2000;
}

static size_t eu_stall(void *buf)
{
	struct drm_xe_query_eu_stall *q = buf;

	if (q) {
		q->capabilities = DRM_XE_EU_STALL_CAPS_BASE;
		q->record_size = 64;
		q->per_xecore_buf_size = 512 << 10;
		q->num_sampling_rates = sizeof(eu_stall_rates) / sizeof(eu_stall_rates[0]);
		memcpy(q->sampling_rates, eu_stall_rates, sizeof(eu_stall_rates));
	}
	return sizeof(*q) + sizeof(eu_stall_rates);
}

static clockid_t cycles_clock(int32_t id)
{
	switch (id) {
	case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_REALTIME:
	case CLOCK_BOOTTIME: case CLOCK_TAI:
		return id;
	default:
		return -1;
	}
}

static uint64_t ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * ENGINE_CYCLES reads the caller's struct (eci, clockid) and writes only the
 * output fields. The engine timestamp is the one batches see in RING_TIMESTAMP
 * (CLOCK_MONOTONIC at the GT's 19.2 MHz reference clock).
 */
static int engine_cycles(struct drm_xe_device_query *q)
{
	struct drm_xe_query_engine_cycles r;
	clockid_t c;
	uint64_t t0;

	if (q->size == 0) {
		q->size = sizeof(r);
		return 0;
	}
	if (q->size != sizeof(r))
		return vdev_reject(-EINVAL, "query_engine_cycles: size");
	if (vdev_cpu_read(q->data, &r, sizeof(r)))
		return -EFAULT;
	c = cycles_clock(r.clockid);
	if (c < 0)
		return vdev_reject(-EINVAL, "query_engine_cycles: clockid");
	if (r.eci.gt_id >= vdev_preset->num_gts || !vdev_engine_exists(&r.eci))
		return vdev_reject(-EINVAL, "query_engine_cycles: engine");
	t0 = ns(CLOCK_MONOTONIC);
	r.cpu_timestamp = ns(c);
	r.engine_cycles = ns(CLOCK_MONOTONIC) * 192 / 10000;	/* 19.2 MHz */
	r.cpu_delta = ns(CLOCK_MONOTONIC) - t0;
	r.width = vdev_preset->graphics_verx100 >= 2000 ? 64 : 36;
	r.engine_cycles &= r.width == 64 ? ~0ull : (1ull << r.width) - 1;
	return vdev_cpu_write(q->data, &r, sizeof(r)) ? -EFAULT : 0;
}

/*
 * UC_FW_VERSION: GuC's submission interface version; HuC's release version
 * only where a HuC runs: the media GT on media 13+ (LNL, BMG), the primary GT
 * before (DG2). PVC has no HuC: ENODEV. Version numbers are plausible, not a
 * particular firmware's.
 */
static int uc_fw_version(struct drm_xe_device_query *q)
{
	struct drm_xe_query_uc_fw_version r;
	bool has_huc = vdev_preset->graphics_verx100 != 1260;

	if (q->size == 0) {
		q->size = sizeof(r);
		return 0;
	}
	if (q->size != sizeof(r))
		return vdev_reject(-EINVAL, "query_uc_fw_version: size");
	if (vdev_cpu_read(q->data, &r, sizeof(r)))
		return -EFAULT;
	if (r.pad || r.pad2 || r.reserved)
		return vdev_reject(-EINVAL, "query_uc_fw_version");
	switch (r.uc_type) {
	case XE_QUERY_UC_TYPE_GUC_SUBMISSION:
		r.major_ver = 1, r.minor_ver = 14, r.patch_ver = 1;
		break;
	case XE_QUERY_UC_TYPE_HUC:
		if (!has_huc)
			return -ENODEV;
		r.major_ver = 8, r.minor_ver = 5, r.patch_ver = 4;
		break;
	default:
		return vdev_reject(-EINVAL, "query_uc_fw_version: uc_type");
	}
	r.branch_ver = 0;
	return vdev_cpu_write(q->data, &r, sizeof(r)) ? -EFAULT : 0;
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
	case DRM_XE_DEVICE_QUERY_HWCONFIG: fill = hwconfig; break;
	case DRM_XE_DEVICE_QUERY_GT_TOPOLOGY: fill = topology; break;
	case DRM_XE_DEVICE_QUERY_ENGINE_CYCLES: return engine_cycles(q);
	case DRM_XE_DEVICE_QUERY_UC_FW_VERSION: return uc_fw_version(q);
	case DRM_XE_DEVICE_QUERY_PXP_STATUS:
		/* query_pxp_status sizes first; then no PXP: ENODEV. */
		if (q->size == 0) {
			q->size = sizeof(struct drm_xe_query_pxp_status);
			return 0;
		}
		if (q->size != sizeof(struct drm_xe_query_pxp_status))
			return vdev_reject(-EINVAL, "query_pxp_status: size");
		return -ENODEV;
	case DRM_XE_DEVICE_QUERY_EU_STALL:
		if (!eu_stall_supported())
			return -ENODEV;	/* query_eu_stall checks this before the size */
		fill = eu_stall;
		break;
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
	if (!size)
		return 0;	/* nothing to copy (HWCONFIG without a blob) */
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
