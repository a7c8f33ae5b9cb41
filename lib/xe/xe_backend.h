/* SPDX-License-Identifier: MIT */
/*
 * The xe backend of svm_dev: a fault-mode VM with one CPU_ADDR_MIRROR bind
 * over the whole VA space (so every CPU address is a GPU VA) and one exec
 * queue on tile 0.  Device accesses are MI_STORE_DWORD_IMM / MI_COPY_MEM_MEM
 * / MI_ATOMIC batches in process memory, waited for with a user fence on
 * the queue, so a failed GPU fault comes back as -EIO (queue reset), never a
 * hang; the queue is then replaced for the next access.
 *
 * No MIGRATE, RESIDENCY or PROTECTION: xe reports neither per-page residency
 * nor how many pages a PREFETCH moved, so the catalog's migration scenarios
 * skip here and xe_svm checks PREFETCH with its own subtests.
 */
#pragma once

#include "svm/svm_dev.h"
#include "xe_query.h"

extern const struct svm_backend svm_xe_backend;

/* The backend's view of an open device, for xe-only subtests. */
struct xe_svm_state {
	struct xe_device info;
	uint32_t vm;
	uint32_t queue;
	struct drm_xe_engine_class_instance eci;
};

const struct xe_svm_state *xe_svm_state(const struct svm_dev *dev);
