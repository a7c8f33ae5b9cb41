/* SPDX-License-Identifier: MIT */
/*
 * The argument checks of Linux 7.3.4's xe ioctls that the suite's ioctls
 * can reach, one case each: a call that is valid but for one field, and
 * the errno the named driver function answers it with.  xe_svm's
 * invalid-args runs them; vdev makes the same checks (vdev/check.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "xe_pat.h"
#include "xe_query.h"

/* What a case gets: a fault-mode VM with the whole VA mirrored, and a queue on it. */
struct xe_arg_ctx {
	int fd;
	const struct xe_device *dev;
	const struct xe_pat *pat;
	uint32_t vm, queue;
};

/* A case's call could not set up what it needs (reported as such, not as the check). */
#define XE_ARG_SETUP_FAILED 1

struct xe_arg_check {
	const char *name;
	const char *check;		/* the 7.3.4 function that refuses it */
	int err;			/* its errno */
	/* Whether the device has what the case needs; NULL: always. */
	bool (*applies)(const struct xe_arg_ctx *c);
	/* The ioctl's result: 0 or -errno; XE_ARG_SETUP_FAILED. */
	int (*call)(const struct xe_arg_ctx *c);
};

extern const struct xe_arg_check xe_arg_checks[];
extern const unsigned int xe_num_arg_checks;
