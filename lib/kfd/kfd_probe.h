/* SPDX-License-Identifier: MIT */
/*
 * What /dev/kfd offers, probed without side effects (no process bring-up,
 * no queue): the KFD uAPI version, the GPUs of the topology and whether
 * each has the SVM capability bit, and the XNACK mode.  What svm_info
 * reports and what a test asks before it decides to run or to skip.
 * Moved here from lib/svm/svm_caps.c, which still re-exports it.
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

/*
 * 0 or -errno of GET_VERSION.  An unreadable topology leaves num_gpus 0
 * (the version alone is still worth reporting).
 */
int __svm_probe_kfd(int fd, struct svm_kfd_caps *caps);
