/* SPDX-License-Identifier: MIT */
/*
 * The kfd presets' GPUs.  vdev/run writes the same gpu_ids, render minors
 * and target versions to the fake topology (sysfs); change both together.
 */
#include <string.h>

#include "kfd.h"
#include "vdev.h"
#include "lib/util.h"

/*
 * VRAM is emulated (residency.c's pool of 256 MiB for all GPUs together),
 * and small so that tests overcommit it quickly.
 */
#define MIB (1ull << 20)

static const struct {
	const char *preset;
	struct vdev_kfd_preset kfd;
} kfd_presets[] = {
	/* gfx 11 has no per-process XNACK: SET_XNACK_MODE(1) is EPERM. */
	{ "kfd-gfx1100", { .num_gpus = 1, .gpus = {
		{ .gpu_id = 0x3e81, .node = 1, .render_minor = 128, .gfx_target_version = 110000,
		  .vram_size = 64 * MIB, .xnack_switchable = false } } } },
	{ "kfd-mi300", { .num_gpus = 1, .gpus = {
		{ .gpu_id = 0x3e81, .node = 1, .render_minor = 128, .gfx_target_version = 90402,
		  .vram_size = 64 * MIB, .xnack_switchable = true } } } },
	{ "kfd-2gpu", { .num_gpus = 2, .gpus = {
		{ .gpu_id = 0x3e81, .node = 1, .render_minor = 128, .gfx_target_version = 90010,
		  .vram_size = 64 * MIB, .xnack_switchable = true },
		{ .gpu_id = 0x9c27, .node = 2, .render_minor = 129, .gfx_target_version = 90010,
		  .vram_size = 64 * MIB, .xnack_switchable = true } } } },
	/* An APU: system memory only (local_mem 0), XNACK switchable. */
	{ "kfd-apu", { .num_gpus = 1, .gpus = {
		{ .gpu_id = 0x3e81, .node = 1, .render_minor = 128, .gfx_target_version = 90402,
		  .vram_size = 0, .xnack_switchable = true } } } },
	/*
	 * A 64K-page kernel (arm64 with ARM64_64K_PAGES, or POWER, where the
	 * non-4K series was found: an MI210, gfx 9.0.10, XNACK switchable)
	 * with 7.3.4's rules; the series' pre-fix behaviour is its bug models.
	 * 128 MiB of VRAM: a migration larger than the old 32 MiB GART window
	 * (amd_pagesize@migrate-beyond-gtt-transfer) takes at most half.
	 */
	{ "kfd-64k", { .num_gpus = 1, .gpus = {
		{ .gpu_id = 0x3e81, .node = 1, .render_minor = 128, .gfx_target_version = 90010,
		  .vram_size = 128 * MIB, .xnack_switchable = true } },
		.page_shift = 16, .release = "7.3.4-vdev-arm64-64k" } },
	/*
	 * The same kernel with four of those GPUs: the series' "more than two
	 * GPUs" (queue preemption and eviction, amd_pagesize@evict-restore-
	 * every-gpu).  48 MiB of VRAM each: residency.c's pool holds them all.
	 */
	{ "kfd-64k-4gpu", { .num_gpus = 4, .gpus = {
		{ .gpu_id = 0x3e81, .node = 1, .render_minor = 128, .gfx_target_version = 90010,
		  .vram_size = 48 * MIB, .xnack_switchable = true },
		{ .gpu_id = 0x9c27, .node = 2, .render_minor = 129, .gfx_target_version = 90010,
		  .vram_size = 48 * MIB, .xnack_switchable = true },
		{ .gpu_id = 0x5a17, .node = 3, .render_minor = 130, .gfx_target_version = 90010,
		  .vram_size = 48 * MIB, .xnack_switchable = true },
		{ .gpu_id = 0x71d3, .node = 4, .render_minor = 131, .gfx_target_version = 90010,
		  .vram_size = 48 * MIB, .xnack_switchable = true } },
		.page_shift = 16, .release = "7.3.4-vdev-arm64-64k" } },
	/*
	 * The amdgpu drm_gpusvm RFC's kernels (README "amdgpu SVM").  v1 was
	 * written on 6.18 and tested on gfx1100 with XNACK off; v8 sits on a
	 * 7.x tree with PROC_OPTIONS and was tested on gfx943 with XNACK on;
	 * -off is that kernel where SVM cannot be enabled (a GPU without XNACK).
	 */
	{ "amdgpu-svm-v1", { .num_gpus = 1, .gpus = {
		{ .gpu_id = 0x3e81, .node = 1, .render_minor = 128, .gfx_target_version = 110000,
		  .vram_size = 64 * MIB, .xnack_switchable = false } },
		.amdgpu_svm = VDEV_AMDGPU_SVM_V1, .drm_minor = 64,
		.release = "6.18.0-vdev-amdgpu-svm-v1" } },
	{ "amdgpu-svm-v8", { .num_gpus = 2, .gpus = {
		{ .gpu_id = 0x3e81, .node = 1, .render_minor = 128, .gfx_target_version = 90402,
		  .vram_size = 64 * MIB, .xnack_switchable = true },
		{ .gpu_id = 0x9c27, .node = 2, .render_minor = 129, .gfx_target_version = 90402,
		  .vram_size = 64 * MIB, .xnack_switchable = true } },
		.xnack_default = true, .amdgpu_svm = VDEV_AMDGPU_SVM_V8, .drm_minor = 64,
		.release = "7.1.0-vdev-amdgpu-svm-v8" } },
	{ "amdgpu-svm-off", { .num_gpus = 1, .gpus = {
		{ .gpu_id = 0x3e81, .node = 1, .render_minor = 128, .gfx_target_version = 110000,
		  .vram_size = 64 * MIB, .xnack_switchable = false } },
		.amdgpu_svm = VDEV_AMDGPU_SVM_V8_OFF, .drm_minor = 64,
		.release = "7.1.0-vdev-amdgpu-svm-v8" } },
};

const struct vdev_kfd_preset *vdev_kfd;
unsigned int vdev_kfd_page_shift = 12;

void vdev_kfd_init(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(kfd_presets); i++)
		if (!strcmp(kfd_presets[i].preset, name))
			vdev_kfd = &kfd_presets[i].kfd;
	if (vdev_kfd && vdev_kfd->page_shift)
		vdev_kfd_page_shift = vdev_kfd->page_shift;
}

int vdev_kfd_gpuidx(uint32_t gpu_id)
{
	for (unsigned int i = 0; vdev_kfd && i < vdev_kfd->num_gpus; i++)
		if (vdev_kfd->gpus[i].gpu_id == gpu_id)
			return (int)i;
	return -1;
}

const struct vdev_kfd_gpu *vdev_kfd_gpu_by_id(uint32_t gpu_id)
{
	int idx = vdev_kfd_gpuidx(gpu_id);

	return idx < 0 ? NULL : &vdev_kfd->gpus[idx];
}
