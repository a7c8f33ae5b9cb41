/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

struct core_case {
	const char *name;
	const char *prog;
	const char *args[8];
	const char *env[4];
	int status;		/* exit code, or -signal */
	const char *out;	/* normalised stdout, exact */
	const char *err;	/* normalised stderr, exact */
};

extern const struct core_case core_cases[];
extern const size_t num_core_cases;
