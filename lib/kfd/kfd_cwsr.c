/* SPDX-License-Identifier: MIT */
/* CWSR and EOP sizes: 7.3.4's kfd_queue.c rules (see kfd_cwsr.h). */
#include <errno.h>
#include <string.h>

#include "kfd_cwsr.h"

#define GPU_PAGE 4096u			/* AMDGPU_GPU_PAGE_SIZE */
#define SAVE_AREA_HEADER 40u		/* the user context save area's header */
#define DEBUG_BYTES_PER_WAVE 32u
#define DEBUG_BYTES_ALIGN 64u
#define GFX10_CTL_STACK_MAX 0x7000u	/* gfx 10.x: the hardware's limit */

static uint32_t align32(uint64_t v, uint64_t to)
{
	return (uint32_t)((v + to - 1) / to * to);
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* Per-CU state a wave save holds: VGPRs, SGPRs, LDS and hardware registers. */
static uint64_t wg_data_per_cu(const struct kfd_node *node)
{
	uint32_t gfx = node->gfx_target_version;
	uint64_t vgpr = 0x40000, sgpr = 0x4000, lds = 0x10000, hwreg = 0x1000;

	switch (gfx) {
	case 90008: case 90010: case 90402: case 90500:
		vgpr = 0x80000;
		break;
	case 110000: case 110001: case 110501: case 120000: case 120001:
		vgpr = 0x60000;
		break;
	case 120500: case 120501:
		vgpr = 0x80000, sgpr = 0x8000, hwreg = 0x8000;
		break;
	}
	if (gfx == 90500 || gfx == 120500 || gfx == 120501)
		lds = (uint64_t)node->lds_size_in_kb << 10;
	return vgpr + sgpr + lds + hwreg;
}

int kfd_node_cwsr_sizes(const struct kfd_node *node, size_t page_size,
			struct kfd_cwsr_sizes *out)
{
	uint32_t gfx = node->gfx_target_version, xcc = node->num_xcc ? node->num_xcc : 1;
	uint32_t cu, waves, ctl;

	memset(out, 0, sizeof(*out));
	if (gfx < 80001 || gfx > 120501)
		return -EOPNOTSUPP;
	if (!node->simd_per_cu || !node->simd_arrays_per_engine)
		return -EINVAL;
	cu = node->simd_count / node->simd_per_cu / xcc;
	if (gfx < 100100)
		waves = min_u32(cu * 40, node->array_count / node->simd_arrays_per_engine * 512);
	else if (gfx < 120500)
		waves = cu * 32;
	else
		waves = cu * 64;
	if (!waves)
		return -EINVAL;
	out->ctl_stack_bytes = SAVE_AREA_HEADER + waves * (gfx >= 100100 ? 12u : 8u) + 8;
	out->wg_data_bytes = (uint32_t)(cu * wg_data_per_cu(node));
	ctl = align32(out->ctl_stack_bytes, GPU_PAGE);
	if (gfx / 10000 == 10)
		ctl = min_u32(ctl, GFX10_CTL_STACK_MAX);
	out->waves = waves;
	out->ctl_stack = ctl;
	out->wg_data = align32(out->wg_data_bytes, GPU_PAGE);
	out->cwsr = align32((uint64_t)ctl + out->wg_data, page_size);
	out->debug_memory = align32((uint64_t)waves * DEBUG_BYTES_PER_WAVE, DEBUG_BYTES_ALIGN);
	out->eop = gfx == 80002 ? 0x8000 : 4096;
	out->num_xcc = xcc;
	return 0;
}
