/* SPDX-License-Identifier: MIT */
/*
 * What an SVM-capable device offers, probed without side effects: the
 * questions a test asks before it decides to run or to skip, and what
 * svm_info reports.  All __svm_probe_*() return 0 or -errno and never assert.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kfd/kfd_probe.h"	/* struct svm_kfd_caps, __svm_probe_kfd() */

struct svm_dmirror_caps {
	bool numbering_6_0;		/* ioctl numbers of Linux >= 6.0 */
	int snapshot;			/* 0 when a SNAPSHOT of one page worked, else -errno */
};

int __svm_probe_dmirror(int fd, struct svm_dmirror_caps *caps);

/* Kernel release as major*1000+minor (6.12 -> 6012), or -errno. */
int svm_kernel_version(void);
