/* SPDX-License-Identifier: MIT */
/*
 * SDMA work on an amdgpu render file through libdrm_amdgpu's command
 * submission: one context, a GTT IB (mapped in the VM's high range, so it
 * never lands on a CPU address an SVM test uses), a BO list, and a fence
 * wait with a timeout.  The packets are lib/kfd's (kfd_sdma.h): the same
 * engine and encodings, only the way in differs.
 *
 * The addresses in the packets are GPU virtual addresses of the file's VM:
 * for SVM memory the CPU's own addresses, for the staging BO its VA.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <amdgpu.h>

#include "kfd/kfd_device.h"

/* lib/kfd's bound for waits that must complete, in libdrm's unit. */
#define AMDGPU_SDMA_TIMEOUT_NS ((uint64_t)KFD_DEFAULT_TIMEOUT_MS * 1000 * 1000)

struct amdgpu_sdma {
	struct amdgpu_sdma *next;	/* every open handle of the process (fork: see amdgpu_sdma.c) */
	pid_t pid;			/* the process that opened it */
	amdgpu_device_handle dev;
	amdgpu_context_handle ctx;
	uint32_t fence_extras;		/* FENCE header bits for this GPU (kfd_sdma_fence_extras) */
	/* The IB: packets are written here and submitted from its VA. */
	amdgpu_bo_handle ib_bo;
	amdgpu_va_handle ib_va_handle;
	uint64_t ib_va;
	uint32_t *ib_cpu;
	uint32_t ib_bytes;
	/* A GTT staging buffer for reads and writes of CPU data. */
	amdgpu_bo_handle staging_bo;
	amdgpu_va_handle staging_va_handle;
	uint64_t staging_va;
	void *staging_cpu;
	uint64_t staging_bytes;
	/* Both BOs, handed to every submission (they are not VM-always-valid). */
	amdgpu_bo_list_handle bo_list;
};

/*
 * Initialises libdrm_amdgpu on @render_fd (which stays the caller's) and
 * makes the context, IB and staging BO.  -errno; -ENODEV when @render_fd
 * is not amdgpu.  @gfx_target_version as KFD's topology reports it.
 */
int __amdgpu_sdma_open(int render_fd, uint32_t gfx_target_version, struct amdgpu_sdma **out);
void amdgpu_sdma_close(struct amdgpu_sdma *s);
/* __amdgpu_sdma_open asserting success, closed when the subtest ends (igt_defer). */
struct amdgpu_sdma *amdgpu_sdma_open(int render_fd, uint32_t gfx_target_version);

/*
 * Submits @n dwords as one IB on the first SDMA ring and waits for its
 * fence at most @timeout_ns: 0, -ETIME on timeout, -ECANCELED when the
 * context was reset (a hang the kernel's job timeout resolved: the
 * context is then lost and later submissions fail too), other -errno from
 * the submission.  A GPU VM fault does not fail it: amdgpu reports the
 * fault in the kernel log and lets the engine go on (the access lands on
 * the dummy page), so callers check the data the packets produced.
 */
int __amdgpu_sdma_run(struct amdgpu_sdma *s, const uint32_t *dw, uint32_t n, uint64_t timeout_ns);
/* (The IB holds 16K dwords; more is -E2BIG.  The helpers below chunk for it.) */

/*
 * The VM's last GPU fault (AMDGPU_INFO_GPUVM_FAULT, 6.10+; -EINVAL before):
 * its address and status, both 0 while the VM had none.  Sticky: a later
 * fault replaces it, nothing clears it.
 */
int __amdgpu_sdma_vm_fault(struct amdgpu_sdma *s, uint64_t *addr, uint32_t *status);

/* The device does it; sizes multiples of 4, addresses 4-byte aligned. */
int __amdgpu_sdma_copy(struct amdgpu_sdma *s, uint64_t dst, uint64_t src, uint64_t bytes);
/* Through the staging BO: @dst_cpu gets what the GPU read at @src. */
int __amdgpu_sdma_read(struct amdgpu_sdma *s, void *dst_cpu, uint64_t src, uint64_t bytes);
/* Through the staging BO: the GPU writes the bytes of @src_cpu to @dst. */
int __amdgpu_sdma_write(struct amdgpu_sdma *s, uint64_t dst, const void *src_cpu, uint64_t bytes);
int __amdgpu_sdma_fill(struct amdgpu_sdma *s, uint64_t dst, uint32_t value, uint64_t bytes);
