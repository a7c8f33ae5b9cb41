/* SPDX-License-Identifier: MIT */
/*
 * PAT indices, per platform, as the xe driver numbers them (Linux 7.3.4
 * xe_pat.c) and as VM_BIND and MADVISE check them (xe_vm.c
 * vm_bind_ioctl_check_args, vm_bind_ioctl_validate_bo; xe_vm_madvise.c).
 * The driver picks its table by graphics IP version where the GT reports
 * one (GMD_ID platforms) and by platform before that; so does this file,
 * the platform coming from the PCI device id.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct xe_device;

/* The driver's coherency modes (xe_pat.h); 0 is a hardware-reserved entry. */
enum xe_pat_coh { XE_PAT_RESERVED = 0, XE_PAT_COH_NONE = 1, XE_PAT_COH_1WAY = 2, XE_PAT_COH_2WAY = 3 };

#define XE_PAT_MAX_ENTRIES 32

struct xe_pat {
	const char *table;		/* the driver's table name, for messages */
	unsigned int n_entries;
	uint8_t coh[XE_PAT_MAX_ENTRIES];	/* enum xe_pat_coh per index */
	uint16_t wb;			/* the driver's XE_CACHE_WB index: coherent write-back */
	bool dgfx;
	bool l2_flush_optimized;	/* xe_device_is_l2_flush_optimized() */
};

/*
 * What the bind helpers of xe_ioctl.h put in pat_index: the bind wrapper
 * replaces it by the device's coherent write-back index.  Not a valid
 * index on any platform (the kernel refuses >= n_entries).
 */
#define XE_PAT_DEFAULT 0xffff

/* The PAT table of the device @dev describes; -ENODEV for a platform without one here. */
int __xe_pat_lookup(const struct xe_device *dev, struct xe_pat *out);

/*
 * The table of the device behind @fd (queried once per fd and device);
 * 0 or -errno.  With @dev already queried from @fd, no query is repeated.
 */
int __xe_pat_of_fd(int fd, struct xe_pat *out);
int __xe_pat_of_device(int fd, const struct xe_device *dev, struct xe_pat *out);

/* The index a bind of @mirror_or_userptr memory may use; what XE_PAT_DEFAULT becomes. */
uint16_t xe_pat_default_index(const struct xe_pat *pat);

/* Whether 7.3.4 accepts @index for a CPU_ADDR_MIRROR or userptr bind (vm_bind_ioctl_check_args). */
bool xe_pat_ok_for_mirror(const struct xe_pat *pat, unsigned int index);
