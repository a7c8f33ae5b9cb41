/* SPDX-License-Identifier: MIT */
/*
 * Per-platform PAT tables (see xe_pat.h).  Only what the bind checks look
 * at is kept: each index's coherency mode, and the write-back index the
 * driver itself uses.  Written from the tables of Linux 7.3.4 xe_pat.c;
 * the letters are: n = no snoop (XE_COH_NONE), 1 = 1-way, 2 = 2-way
 * coherent, - = reserved (coh_mode 0: the kernel refuses the index).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "xe_pat.h"
#include "xe_query.h"
#include "util.h"

struct pat_table {
	const char *name;
	const char *coh;		/* one letter per index, the length is n_entries */
	uint16_t wb;
};

static const struct pat_table xelp = { "xelp", "1nnn", 0 };
static const struct pat_table xehpc = { "xehpc", "nnn1n1n1", 3 };
static const struct pat_table xelpg = { "xelpg", "nnn12", 3 };
static const struct pat_table xe2 = { "xe2", "n12n11n2nnnnnnnn----nn12nn12nn12", 2 };
/* Wa_16023588340: graphics 20.01 (BMG) has n_entries 28, CLOS3 disabled. */
static const struct pat_table xe2_clos3_off = { "xe2 (CLOS3 off)", "n12n11n2nnnnnnnn----nn12nn12", 2 };
static const struct pat_table xe3_lpg = { "xe3_lpg", "n12n11n2nnnnnnnn1---nn12nn12nn12", 2 };
static const struct pat_table xe3p_lpg = { "xe3p_lpg", "n12n11n2nnnnnnnn1-n1nn12nn12nn12", 2 };
static const struct pat_table xe3p_xpc = { "xe3p_xpc", "n12n1n12n12------------n12n12n12", 2 };

/* GMD_ID platforms: the driver keys on the graphics IP version (xe_pat_init_early). */
static const struct pat_table *by_graphics_ip(unsigned int verx100)
{
	if (verx100 == 3511)
		return &xe3p_xpc;
	if (verx100 / 100 == 35)
		return &xe3p_lpg;
	if (verx100 / 100 == 30)
		return &xe3_lpg;
	if (verx100 == 2001)
		return &xe2_clos3_off;
	if (verx100 / 100 == 20)
		return &xe2;
	/* 12.70, 12.71, 12.74 exist only on the METEORLAKE platform (MTL, ARL). */
	if (verx100 == 1270 || verx100 == 1271 || verx100 == 1274)
		return &xelpg;
	return NULL;
}

/*
 * Before GMD_ID the GT list reports IP version 0 and the driver keys on
 * the platform: PVC and DG2 (ATS-M is a DG2) by PCI id (pciids.h).
 */
static const uint16_t pvc_ids[] = {
	0x0b69, 0x0b6e, 0x0bd4, 0x0bd5, 0x0bd6, 0x0bd7, 0x0bd8, 0x0bd9, 0x0bda, 0x0bdb,
	0x0be0, 0x0be1, 0x0be5,
};
static const uint16_t dg2_ids[] = {
	0x5690, 0x5691, 0x5692, 0x5693, 0x5694, 0x5695, 0x5696, 0x5697,
	0x56a0, 0x56a1, 0x56a2, 0x56a3, 0x56a4, 0x56a5, 0x56a6, 0x56b0, 0x56b1, 0x56b2, 0x56b3,
	0x56ba, 0x56bb, 0x56bc, 0x56bd, 0x56be, 0x56bf, 0x56c0, 0x56c1, 0x56c2,
};

static bool listed(const uint16_t *ids, size_t n, uint16_t devid)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == devid)
			return true;
	return false;
}

static const struct pat_table *by_platform(uint16_t devid)
{
	if (listed(pvc_ids, ARRAY_SIZE(pvc_ids), devid))
		return &xehpc;
	if (listed(dg2_ids, ARRAY_SIZE(dg2_ids), devid))
		return &xelp;
	return NULL;
}

static unsigned int main_graphics_ip(const struct xe_device *dev)
{
	for (unsigned int i = 0; i < dev->num_gts; i++)
		if (dev->gts[i].type == DRM_XE_QUERY_GT_TYPE_MAIN)
			return dev->gts[i].ip_ver_major * 100u + dev->gts[i].ip_ver_minor;
	return 0;
}

int __xe_pat_lookup(const struct xe_device *dev, struct xe_pat *out)
{
	unsigned int ip = main_graphics_ip(dev);
	const struct pat_table *t = ip ? by_graphics_ip(ip) : by_platform(dev->devid);

	if (!t)
		return -ENODEV;
	memset(out, 0, sizeof(*out));
	out->table = t->name;
	out->n_entries = strlen(t->coh);
	for (unsigned int i = 0; i < out->n_entries; i++)
		out->coh[i] = t->coh[i] == '-' ? XE_PAT_RESERVED :
			      t->coh[i] == 'n' ? XE_PAT_COH_NONE :
			      t->coh[i] == '1' ? XE_PAT_COH_1WAY : XE_PAT_COH_2WAY;
	out->wb = t->wb;
	/* The driver sets HAS_VRAM when the device has VRAM, i.e. is discrete. */
	out->dgfx = xe_has_vram(dev);
	out->l2_flush_optimized = ip / 100 >= 35 && !out->dgfx;
	return 0;
}

/* One device per process in practice; the device number guards a reused fd. */
static struct {
	int fd;
	dev_t rdev;
	struct xe_pat pat;
} cached = { .fd = -1 };

static bool is_cached(int fd, dev_t *rdev)
{
	struct stat st;

	*rdev = 0;
	if (fstat(fd, &st))
		return false;
	*rdev = st.st_rdev;
	return cached.fd == fd && cached.rdev == st.st_rdev;
}

int __xe_pat_of_device(int fd, const struct xe_device *dev, struct xe_pat *out)
{
	dev_t rdev;
	int ret;

	if (is_cached(fd, &rdev)) {
		*out = cached.pat;
		return 0;
	}
	if ((ret = __xe_pat_lookup(dev, out)))
		return ret;
	cached.fd = fd;
	cached.rdev = rdev;
	cached.pat = *out;
	return 0;
}

int __xe_pat_of_fd(int fd, struct xe_pat *out)
{
	struct xe_device dev;
	dev_t rdev;
	int ret;

	if (is_cached(fd, &rdev)) {
		*out = cached.pat;
		return 0;
	}
	if ((ret = __xe_query_device(fd, &dev)))
		return ret;
	return __xe_pat_of_device(fd, &dev, out);
}

uint16_t xe_pat_default_index(const struct xe_pat *pat)
{
	return pat->wb;
}

bool xe_pat_ok_for_mirror(const struct xe_pat *pat, unsigned int index)
{
	if (index >= pat->n_entries || pat->coh[index] == XE_PAT_RESERVED)
		return false;
	if (!pat->dgfx && pat->coh[index] == XE_PAT_COH_NONE)
		return false;
	return !pat->l2_flush_optimized || index == 19 || pat->coh[index] == XE_PAT_COH_2WAY;
}
