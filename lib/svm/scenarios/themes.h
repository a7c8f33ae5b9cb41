/* SPDX-License-Identifier: MIT */
/*
 * The theme tables: each file of lib/svm/scenarios/ is compiled on its own
 * and defines one, svm_scenarios_<theme>[] with its svm_num_scenarios_<theme>
 * rows; svm_catalog.c lists them in subtest order.  Declared here so that
 * each definition is checked against what the catalog expects.
 */
#pragma once

#include "../svm_catalog.h"

#define SCN_THEME(theme) \
	extern const struct svm_scenario svm_scenarios_##theme[]; \
	extern const unsigned int svm_num_scenarios_##theme

SCN_THEME(basic);
SCN_THEME(protect);
SCN_THEME(fork);
SCN_THEME(munmap);
SCN_THEME(mremap);
SCN_THEME(madvise);
SCN_THEME(file);
SCN_THEME(migrate);
SCN_THEME(thp);
SCN_THEME(threads);
SCN_THEME(multidev);
SCN_THEME(layout);
SCN_THEME(teardown);
SCN_THEME(exclusive);
