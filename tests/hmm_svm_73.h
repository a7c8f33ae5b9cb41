/* SPDX-License-Identifier: MIT */
/*
 * hmm_svm's subtests of what test_hmm gained by Linux 7.3 (hmm_svm_73.c):
 * device-private THP migration, FLAGS and READ_UNLOCKED.
 */
#pragma once

#include "svm/svm_catalog.h"

/*
 * Declares the subtests; they run on @ctx's devices, which the caller's
 * fixture opens before any of them runs.
 */
void hmm_svm_73_subtests(struct svm_scenario_ctx *ctx);

/* From hmm_svm.c: SNAPSHOT of @npages pages at @addr must be @want on every page. */
void expect_snapshot_all(struct svm_dev *dev, const void *addr, size_t npages, uint8_t want,
			 const char *what);
