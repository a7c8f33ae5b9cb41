/* SPDX-License-Identifier: MIT */
/*
 * The sizes of a compute queue's context save area (CWSR) as 7.3.4's
 * kfd_queue_ctx_save_restore_size derives them from a node's topology:
 * the control stack (a 40-byte header, 8 bytes a wave, 12 from gfx 10.1,
 * and 8 more), the CUs' wave state (VGPRs, SGPRs, LDS, hardware
 * registers), both rounded to 4K GPU pages, their sum to a CPU page; the
 * debugger's 32 bytes a wave; the hardware's EOP buffer size.
 * Pure arithmetic, shared by lib/kfd (what a test expects and passes) and
 * vdev (what its CREATE_QUEUE compares against).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kfd_topology.h"

/* kfd_queue_ctx_save_restore_size's results for one node, in bytes. */
struct kfd_cwsr_sizes {
	uint32_t waves;			/* waves of one XCC */
	uint32_t ctl_stack_bytes;	/* the header and the waves' entries */
	uint32_t wg_data_bytes;		/* the CUs' wave state */
	uint32_t ctl_stack;		/* what topology's ctl_stack_size must be */
	uint32_t wg_data;
	uint32_t cwsr;			/* what topology's cwsr_size must be */
	uint32_t debug_memory;
	uint32_t eop;			/* the hardware's EOP buffer size */
	uint32_t num_xcc;
};

/*
 * The sizes 7.3.4 derives from @node's topology on a kernel with pages of
 * @page_size.  -EOPNOTSUPP for a GPU without CWSR (before gfx 8.0.1) or
 * one whose rule is not known here (after gfx 12.5.1), -EINVAL for a node
 * whose CU counts are missing.
 */
int kfd_node_cwsr_sizes(const struct kfd_node *node, size_t page_size,
			struct kfd_cwsr_sizes *out);
