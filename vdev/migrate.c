/* SPDX-License-Identifier: MIT */
/*
 * Explicit migration: VM_BIND PREFETCH (and the fault path's chunks).
 * Region 0 is system memory, region t+1 tile t's VRAM, -1 the madvise'd
 * preferred location.
 */
#include <errno.h>

#include "vdev.h"
#include "lib/util.h"

#define PAGE 4096ull

int vdev_prefetch(struct vdev_vm *vm, uint64_t start, uint64_t end, int region)
{
	int tile;

	if (region == DRM_XE_CONSULT_MEM_ADVISE_PREF_LOC) {
		int want = vdev_preferred_tile(vm, start, 0, NULL, NULL);

		region = want == -1 ? 0 : want == -2 ? (vdev_preset->vram ? 1 : 0) : want + 1;
	}
	if (region == 0 || !vdev_preset->vram) {
		for (uint64_t p = start; p < end; p += PAGE)
			vdev_page_to_system(p);
		return 0;
	}
	tile = region - 1;
	/*
	 * With fix B, ranges that cannot be mapped with 64K pages are not
	 * migrated on platforms that need them: they are served from system
	 * memory.  Without it (bug model 64k-einval) they move page by page.
	 */
	if (vdev_preset->min_alignment >= SZ_64K && ((start | end) & (SZ_64K - 1)) &&
	    !(vdev_bugs & VDEV_BUG_64K_EINVAL))
		return 0;
	/* Bug model peer-map: copying from the other tile's VRAM fails. */
	for (uint64_t p = start; (vdev_bugs & VDEV_BUG_PEER_MAP) && p < end; p += PAGE) {
		int cur = vdev_page_tile(p);

		if (cur >= 0 && cur != tile) {
			vdev_kmsg(3, "*ERROR* migrate: copy from tile %d VRAM to tile %d failed: -EIO\n",
				  cur, tile);
			return -EIO;
		}
	}
	/* One pass over the range, as xe migrates a range with one copy job. */
	return vdev_range_to_vram(start, end, tile);
}
