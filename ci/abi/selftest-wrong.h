/* SPDX-License-Identifier: MIT */
/*
 * Deliberately wrong copy of a few hmm_dmirror.h declarations, used by
 * `ci/abi-check --self-test` to prove that the checker fails on each kind
 * of mismatch.  Every mistake is one that really happens:
 *  - ptr/npages swapped           -> two offsets differ
 *  - faults narrowed to __u32     -> a field size differs
 *  - a field appended             -> sizeof differs, and so does every
 *                                    ioctl number, which encodes it
 *  - SNAPSHOT with the 5.x number -> an ioctl number differs
 *  - PROT_WRITE with PMD's value  -> a constant differs
 * addr, cpages and PROT_READ are right and must not be reported.
 * SELFTEST_ONLY exists only here and must be reported as skipped.
 */
#ifndef IGT_SVM_ABI_SELFTEST_WRONG_H
#define IGT_SVM_ABI_SELFTEST_WRONG_H

#include <linux/ioctl.h>
#include <linux/types.h>

struct hmm_dmirror_cmd {
	__u64 addr;
	__u64 npages;
	__u64 ptr;
	__u64 cpages;
	__u32 faults;
	__u32 faults_hi;
	__u64 extra;
};

#define HMM_DMIRROR_READ	_IOWR('H', 0x00, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_SNAPSHOT	_IOWR('H', 0x03, struct hmm_dmirror_cmd)

#define HMM_DMIRROR_PROT_READ	0x01
#define HMM_DMIRROR_PROT_WRITE	0x04

#define HMM_DMIRROR_SELFTEST_ONLY 42

#endif
