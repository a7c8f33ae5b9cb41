/* SPDX-License-Identifier: MIT */
/*
 * The test_hmm commands newer than RELEASE (6.1): FLAGS (0x08), which came
 * with device-private THP migration, and READ_UNLOCKED (0x09), a device
 * read whose faults may drop the mmap lock.  Both are in Linux 7.3's
 * test_hmm; 6.12's answers either with -EINVAL (its answer to any unknown
 * command).  Whether a kernel has them is found by asking, never from its
 * version string: a backport or a distribution kernel may differ.
 *
 * Every command has a __ form that returns 0 or -errno and never asserts,
 * and a plain form that asserts success.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "hmm_backend.h"

/*
 * FLAGS: sets @dev's handle's flags word to @flags (HMM_DMIRROR_FLAG_*).
 * The flags belong to the handle (the open file), not to the node; the
 * kernel clears FAIL_ALLOC itself when it makes one allocation fail.  The
 * word travels in cmd.npages, which test_hmm range-checks like a page
 * count first: 0 (and bits from 52 up) give -EINVAL, so a set flag cannot
 * be cleared by a 0; close the handle instead.
 */
int __hmm_dmirror_set_flags(struct svm_dev *dev, uint64_t flags);
void hmm_dmirror_set_flags(struct svm_dev *dev, uint64_t flags);

/*
 * READ_UNLOCKED: like READ (the device copies @npages pages at @addr into
 * @dst, faulting what it has not mirrored), with the faults done by
 * hmm_range_fault_unlocked_timeout().  The command as the kernel returned
 * it goes to @out (may be NULL).  The plain form also asserts that every
 * page was copied.
 */
int __hmm_dmirror_read_unlocked(struct svm_dev *dev, const void *addr, void *dst,
				uint64_t npages, struct hmm_dmirror_cmd *out);
void hmm_dmirror_read_unlocked(struct svm_dev *dev, const void *addr, void *dst,
			       uint64_t npages);

/*
 * Probes: true when @dev's test_hmm has the command, false when it answers
 * -EINVAL or -ENOTTY (unknown command); any other answer fails the test.
 * The FLAGS probe sets FAIL_ALLOC on a second handle of the node and closes
 * it: call it before anything is in the node's memory (closing a handle
 * evicts the node's pages).  The READ_UNLOCKED probe reads one page of its
 * own.
 */
bool hmm_dmirror_has_flags(const struct svm_dev *dev);
bool hmm_dmirror_has_read_unlocked(struct svm_dev *dev);

/* The probes, skipping with the reason when the command is missing. */
void hmm_dmirror_require_flags(const struct svm_dev *dev);
void hmm_dmirror_require_read_unlocked(struct svm_dev *dev);
