/* SPDX-License-Identifier: MIT */
/*
 * What vgpu_svm's own subtests are written with: a session (one open file
 * of a vgpu device and a VM on it), memory laid out so that its VMAs are
 * exactly what a subtest asks for, and checks of what the driver reports
 * (ranges, per-page translations, counters).  Everything is recorded with
 * the scenario catalog's tracking (svm_scenario.h): call these inside
 * scn_run(), and the file (with its VMs), the mappings and the helper
 * threads are released when the subtest ends, whichever way.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "igt_device.h"
#include "uapi/vgpu_drm.h"
#include "vgpu_cpu_pages.h"

struct vgpu_session {
	struct igt_device_info node;
	int fd;
	struct drm_vgpu_device_query info;
	uint32_t vm;
	uint32_t mode;			/* VGPU_VM_MODE_* */
	size_t ps;			/* page size */
};

/*
 * Opens vgpu device @index (skipping when there is none), queries it and
 * makes a VM in @mode on it (skipping when the module refuses IOCTL mode).
 */
void vgpu_session_open(struct vgpu_session *s, int index, uint32_t mode);
/* A second session on the same device and mode: its own file and VM. */
void vgpu_session_open_like(struct vgpu_session *s, const struct vgpu_session *like);

/* Skips unless the device has at least @tiles tiles. */
void vgpu_require_tiles(const struct vgpu_session *s, unsigned int tiles);
/* Skips unless the device's chunk sizes include @chunk. */
void vgpu_require_chunk(const struct vgpu_session *s, uint64_t chunk);

/*
 * @len bytes of private anonymous memory at @offset past an @align
 * boundary, between two PROT_NONE guards of @align bytes each, so that its
 * VMA is exactly [p, p+len) (no neighbour merges into it).  Not populated.
 */
char *vgpu_map_guarded(size_t len, size_t align, size_t offset);
/* A PROT_NONE reservation laid out the same way, for mremap(MREMAP_FIXED) to land in. */
char *vgpu_reserve_guarded(size_t len, size_t align);

/* BIND MAP of [addr, addr+len), asserted. */
void vgpu_session_bind(const struct vgpu_session *s, const void *addr, size_t len);

/*
 * The VM's ranges intersecting [addr, addr+len): *@n entries in a buffer
 * that stays valid until the next call.
 */
const struct drm_vgpu_range *vgpu_session_ranges(const struct vgpu_session *s,
						 const void *addr, size_t len, uint32_t *n);
/* Whether the range is live: neither unmapped by the CPU nor waiting for collection. */
static inline bool vgpu_range_live(const struct drm_vgpu_range *r)
{
	return !(r->flags & VGPU_RANGE_UNMAPPED);
}

struct drm_vgpu_counters vgpu_session_counters(const struct vgpu_session *s);

/*
 * Every page of [addr, addr + npages pages) has a translation to @where
 * (VGPU_PAGE_SYSTEM, or VGPU_PAGE_TILE of @tile); the first page that
 * does not fails the subtest with @what.
 */
void vgpu_expect_pages(const struct vgpu_session *s, const void *addr, size_t npages,
		       uint32_t where, unsigned int tile, const char *what);
/* Every page of the range has a translation, wherever to. */
void vgpu_expect_mapped(const struct vgpu_session *s, const void *addr, size_t npages,
			const char *what);
/* No page of the range has a translation to @tile's memory. */
void vgpu_expect_not_on_tile(const struct vgpu_session *s, const void *addr, size_t npages,
			     unsigned int tile, const char *what);
/* Every page of the range is @state on the CPU side (vgpu_cpu_pages.h). */
void vgpu_expect_cpu(const void *addr, size_t npages, enum vgpu_cpu_page state,
		     const char *what);

/* The device (tile 0) reads [addr, addr+len); it must hold svm_buf_fill(@seed). */
void vgpu_check_read(const struct vgpu_session *s, const void *addr, size_t len, uint32_t seed,
		     const char *what);
/* The device (tile 0) writes svm_buf_fill(@seed) to [addr, addr+len). */
void vgpu_fill_write(const struct vgpu_session *s, void *addr, size_t len, uint32_t seed);

/*
 * Data in blocks: block i of [p, p+len) holds svm_buf_fill(@seed + i), so
 * any block can be checked alone (the pattern depends on the offset from
 * the start of what was filled).
 */
void vgpu_fill_blocks(void *p, size_t len, size_t block, uint32_t seed);
/* The CPU reads block by block; each must hold its data. */
void vgpu_check_blocks(const void *p, size_t len, size_t block, uint32_t seed, const char *what);
/* The device (tile 0) reads the blocks [first, first + count) of @base; each must hold its data. */
void vgpu_check_blocks_read(const struct vgpu_session *s, const void *base, size_t block,
			    size_t first, size_t count, uint32_t seed, const char *what);

/* The bounds of the VMA that contains @addr (/proc/self/maps); false when none does. */
bool vgpu_vma_of(const void *addr, uintptr_t *start, uintptr_t *end);
