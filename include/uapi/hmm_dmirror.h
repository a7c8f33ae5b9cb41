/* SPDX-License-Identifier: MIT */
/*
 * The private uAPI of the kernel's HMM test driver (lib/test_hmm.c,
 * /dev/hmm_dmirror0..3): a fake device that mirrors the caller's address
 * space, so core HMM/migrate_vma can be exercised without a GPU.
 *
 * Written from the project's reference notes (hmm-test-driver.md §1), not
 * copied from lib/test_hmm_uapi.h.  That header is not part of the
 * installed uAPI and is NOT stable: 6.0 renumbered the ioctls.  Both
 * numberings are declared, with distinct names, and the caller must pick
 * one by kernel version (or probe), because every command takes the same
 * 40-byte struct and a wrong table does not fail cleanly (on 5.x, 0x03 is
 * SNAPSHOT; on 6.0+ it is MIGRATE_TO_SYS).
 *
 *   HMM_DMIRROR_V5_*   5.7 .. 5.19  (EXCLUSIVE/CHECK_EXCLUSIVE from 5.14)
 *   HMM_DMIRROR_*      6.0 and later, kernel names; RELEASE from 6.1,
 *                      FLAGS from ~6.19, READ_UNLOCKED in 7.3 (first
 *                      release not checked)
 */
#ifndef IGT_SVM_UAPI_HMM_DMIRROR_H
#define IGT_SVM_UAPI_HMM_DMIRROR_H

#include <linux/ioctl.h>
#include <linux/types.h>

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * @addr must be page aligned (EINVAL otherwise).  @ptr is the user buffer
 * the "device" copies to/from; for SNAPSHOT it receives one byte of
 * HMM_DMIRROR_PROT_* per page.  FLAGS reuses @npages as the flags word.
 * The driver zeroes @cpages on entry.
 */
struct hmm_dmirror_cmd {
	__u64 addr;
	__u64 ptr;
	__u64 npages;
	__u64 cpages;			/* out: pages handled */
	__u64 faults;			/* out: hmm_range_fault() rounds */
};

#define HMM_DMIRROR_IOCTL_TYPE		'H'

/* 5.7 .. 5.19 */
#define HMM_DMIRROR_V5_READ \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x00, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_V5_WRITE \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x01, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_V5_MIGRATE \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x02, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_V5_SNAPSHOT \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x03, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_V5_EXCLUSIVE \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x04, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_V5_CHECK_EXCLUSIVE \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x05, struct hmm_dmirror_cmd)

/* 6.0 and later */
#define HMM_DMIRROR_READ \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x00, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_WRITE \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x01, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_DEV \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x02, struct hmm_dmirror_cmd)
/* Device-coherent pages never CPU-fault back: this is the only way out. */
#define HMM_DMIRROR_MIGRATE_TO_SYS \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x03, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_SNAPSHOT \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x04, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_EXCLUSIVE \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x05, struct hmm_dmirror_cmd)
/* EPERM while any page is still exclusive, i.e. the CPU did not revoke. */
#define HMM_DMIRROR_CHECK_EXCLUSIVE \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x06, struct hmm_dmirror_cmd)
/* 6.1: evict all of this device's memory back to RAM. */
#define HMM_DMIRROR_RELEASE \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x07, struct hmm_dmirror_cmd)
/* ~6.19: set dmirror flags from cmd.npages. */
#define HMM_DMIRROR_FLAGS \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x08, struct hmm_dmirror_cmd)
/*
 * READ with faults that may drop the mmap lock (hmm_range_fault_unlocked_timeout);
 * in 7.3.  The linux-mm tree called it READ_UNLOCKABLE before it was merged.
 */
#define HMM_DMIRROR_READ_UNLOCKED \
	_IOWR(HMM_DMIRROR_IOCTL_TYPE, 0x09, struct hmm_dmirror_cmd)

/*
 * Makes the handle's next page allocation of a migration fail, once: to
 * the device, a huge page then falls back to 4K device pages (a 4K page
 * stays behind); back from it, a device huge page comes back as 4K pages.
 */
#define HMM_DMIRROR_FLAG_FAIL_ALLOC	(1ULL << 0)

/*
 * SNAPSHOT bytes; PROT bits OR with the level and page-kind values, e.g.
 * DEV_PRIVATE_LOCAL | WRITE | PMD for a migrated THP.  A device-private
 * page of *another* dmirror reads as NONE, not DEV_PRIVATE_REMOTE: the
 * driver only asks hmm_range_fault() for pages it owns.
 */
enum {
	HMM_DMIRROR_PROT_ERROR			= 0xFF,	/* hole or unmapped */
	HMM_DMIRROR_PROT_NONE			= 0x00,
	HMM_DMIRROR_PROT_READ			= 0x01,
	HMM_DMIRROR_PROT_WRITE			= 0x02,
	HMM_DMIRROR_PROT_PMD			= 0x04,
	HMM_DMIRROR_PROT_PUD			= 0x08,
	HMM_DMIRROR_PROT_ZERO			= 0x10,
	HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL	= 0x20,
	HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE	= 0x30,
	HMM_DMIRROR_PROT_DEV_COHERENT_LOCAL	= 0x40,	/* 6.0+ */
	HMM_DMIRROR_PROT_DEV_COHERENT_REMOTE	= 0x50,	/* 6.0+ */
};

/* 0 is left unused so an uninitialised type is caught. */
enum {
	HMM_DMIRROR_MEMORY_DEVICE_PRIVATE = 1,
	HMM_DMIRROR_MEMORY_DEVICE_COHERENT = 2,
};

#if defined(__cplusplus)
}
#endif

#endif /* IGT_SVM_UAPI_HMM_DMIRROR_H */
