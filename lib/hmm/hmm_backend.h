/* SPDX-License-Identifier: MIT */
/*
 * The test_hmm backend of svm_dev: the kernel's fake device
 * /dev/hmm_dmirrorN (lib/test_hmm.c), which mirrors the opener's address
 * space through hmm_range_fault() and migrates pages into fake
 * device-private memory.  It exercises core HMM and migrate_vma without a GPU.
 *
 * Linux >= 6.0 ioctl numbering only (svm_dev_open skips on older kernels).
 * A mirror is bound to the mm of the process that opened the node: a forked
 * child must svm_dev_reopen() before it touches the device.
 *
 * Closing ANY handle of a node evicts all of that node's device memory back
 * to RAM, for every process (test_hmm's release evicts its chunks; seen on
 * 6.12.117).  So a child that reopens and closes dmirror0 moves the parent's
 * migrated pages back; closing a dmirror1 handle leaves dmirror0's alone.
 *
 * What 6.12.117 answers, per memory kind (seen in ci/vm):
 * - anonymous private (malloc, calloc, thp, mmap-private, stack, mlocked) and
 *   written file-private pages migrate, and so does untouched or zero-page
 *   anonymous memory (the device gets zeroed pages); a THP is split on the
 *   way (4K device pages, no PMD bit afterwards) and a CPU touch brings back
 *   one page only;
 * - shared memory (mmap-shared, memfd, file-shared) and never-written
 *   file-private pages do not migrate (moved 0); EXCLUSIVE on them is -EBUSY;
 * - hugetlb: MIGRATE_TO_DEV -EINVAL, EXCLUSIVE -EBUSY;
 * - pages made EXCLUSIVE snapshot as NONE and do not migrate (moved 0, and
 *   they stay exclusive); EXCLUSIVE on untouched memory faults it in first;
 * - a page on the peer device reads as NONE from this one, not REMOTE, and
 *   migrating it here moves nothing; a device READ of it brings it back;
 * - an unknown command number (e.g. FLAGS, ~6.19) is -EINVAL, not -ENOTTY.
 *
 * The HMM-only subtests also need the raw commands, with the kernel's own
 * errno and counters, which the generic interface does not express:
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svm/svm_dev.h"
#include "uapi/hmm_dmirror.h"

extern const struct svm_backend svm_hmm_backend;

/*
 * One test_hmm command (@ioctl_nr: HMM_DMIRROR_*) on @npages pages at @addr,
 * with @ptr as the user buffer.  Retries EINTR/EAGAIN a bounded number of
 * times, adds the command's faults to dev->faults, copies the command as the
 * kernel returned it to @out (may be NULL).  0 or -errno; never asserts.
 */
int __hmm_cmd(struct svm_dev *dev, unsigned long ioctl_nr, void *addr, void *ptr,
	      uint64_t npages, struct hmm_dmirror_cmd *out);

/* Raw SNAPSHOT: one HMM_DMIRROR_PROT_* byte per page into @raw. 0 or -errno. */
int __hmm_snapshot(struct svm_dev *dev, const void *addr, size_t npages, uint8_t *raw);

/* What a SNAPSHOT byte means in svm_dev terms. */
void hmm_decode_prot(uint8_t raw, struct svm_page_state *out);

/* "dev-private-local|write|pmd", "error", "none", for messages. */
const char *hmm_prot_name(uint8_t raw, char *buf, size_t len);

/* "MIGRATE_TO_DEV" for a HMM_DMIRROR_* request, for messages. */
const char *hmm_cmd_name(unsigned long ioctl_nr);
