/* SPDX-License-Identifier: MIT */
/*
 * What an SVM-capable device offers, probed without side effects: the
 * questions a test asks before it decides to run or to skip, and what
 * svm_info reports.  All __svm_probe_*() return 0 or -errno and never assert.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define SVM_KFD_MAX_GPUS 16

struct svm_kfd_gpu {
	uint32_t gpu_id;
	uint32_t render_minor;
	uint32_t device_id;
	bool svm;			/* HSA_CAP_SVMAPI_SUPPORTED in the node's capability */
};

struct svm_kfd_caps {
	uint32_t major, minor;		/* AMDKFD_IOC_GET_VERSION */
	int num_gpus;
	struct svm_kfd_gpu gpus[SVM_KFD_MAX_GPUS];
	int xnack;			/* 1 on, 0 off, -errno when it cannot be queried */
};

struct svm_dmirror_caps {
	bool numbering_6_0;		/* ioctl numbers of Linux >= 6.0 */
	int snapshot;			/* 0 when a SNAPSHOT of one page worked, else -errno */
};

int __svm_probe_kfd(int fd, struct svm_kfd_caps *caps);
int __svm_probe_dmirror(int fd, struct svm_dmirror_caps *caps);

/* Kernel release as major*1000+minor (6.12 -> 6012), or -errno. */
int svm_kernel_version(void);
