/* SPDX-License-Identifier: MIT */
/*
 * The argument checks of the vgpu uAPI, one case each: a call that is
 * valid but for one field, and the errno include/uapi/vgpu_drm.h implies
 * for it (its general rules: unknown ops, flags and attributes and nonzero
 * pad are -EINVAL; a VM id this file does not own is -ENOENT; a bad user
 * pointer is -EFAULT).  Where the header is silent the case says which
 * errno it picked (the "rule" field).  Cases with err 0 are the unchanged
 * calls, so that a module refusing everything cannot pass.  vgpu_svm's
 * invalid-args runs them, one dynamic subtest each, on a fresh context.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "uapi/vgpu_drm.h"

/* Pages of the context's buffer, by role. */
enum {
	ARG_PAGE_REGION = 0,	/* 0..3: writable, CPU-touched, one MAP region */
	ARG_REGION_PAGES = 4,
	ARG_PAGE_FREE = 4,	/* 4..5: writable, in no region */
	ARG_PAGE_READ_ONLY = 6,	/* PROT_READ, a region of its own */
	ARG_PAGE_NO_ACCESS = 7,	/* PROT_NONE, a region of its own; also the bad user pointer */
	ARG_BUF_PAGES = 8,
};

/* What a case gets: two files of one device, a fault-mode VM on each, the buffer bound. */
struct vgpu_arg_ctx {
	int fd;
	int other_fd;			/* a second open() of the same node */
	struct drm_vgpu_device_query info;
	uint32_t vm;			/* on fd */
	uint32_t other_vm;		/* on other_fd: an id fd does not own (when it differs) */
	char *buf;			/* ARG_BUF_PAGES pages, mapped by the caller */
	size_t page_size;
};

/*
 * Fills @c for the caller's two fds and mapped buffer: queries the device,
 * creates the VMs, sets the protections and binds the regions.  0 or the
 * first failure's -errno.  The VMs die with the fds.
 */
int vgpu_arg_ctx_setup(struct vgpu_arg_ctx *c, int fd, int other_fd, char *buf);

/* A case's call could not set up what it needs (reported as such, not as the check). */
#define VGPU_ARG_SETUP_FAILED 1

/* One field of the base arguments changed; private to vgpu_arg_checks.c. */
struct vgpu_arg_change {
	uint16_t off;
	uint8_t width;		/* 4 or 8; 0 ends the list */
	uint8_t kind;
	int32_t pages;
	int64_t bytes;
};

struct vgpu_arg_check {
	const char *name;
	int ioctl;			/* which one, and its base arguments: vgpu_arg_checks.c */
	int err;			/* the errno expected, 0 for a valid call */
	const char *rule;		/* why this errno: the header's words, or "picked: ..." */
	struct vgpu_arg_change set[4];
};

extern const struct vgpu_arg_check vgpu_arg_checks[];
extern const unsigned int vgpu_num_arg_checks;

/* The case's ioctl on @c: 0 or -errno; VGPU_ARG_SETUP_FAILED. */
int vgpu_arg_check_call(const struct vgpu_arg_ctx *c, const struct vgpu_arg_check *chk);
