/* SPDX-License-Identifier: MIT */
/*
 * A compute (AQL) user queue as KFD checks it at CREATE_QUEUE, and the
 * sizes those checks are made against.
 *
 * Since "drm/amdkfd: Validate user queue buffers" (6.12; 7.3.4's
 * kfd_queue_acquire_buffers) a compute queue needs, besides the ring and
 * the two pointers of any queue:
 *  - an EOP buffer of at least the hardware's EOP size (4K; 32K on Tonga),
 *    whose GPU mapping is exactly ALIGN(eop size, PAGE_SIZE): the smallest
 *    BO is a CPU page, larger than the hardware size above 4K ("drm/amdkfd:
 *    Relax size checking during queue buffer get");
 *  - ctl_stack_size equal to the topology's, which 7.3.4 sizes in 4K GPU
 *    pages ("amdgpu: Align ctl_stack_size and wg_data_size to GPU page size
 *    instead of CPU page size");
 *  - ctx_save_restore_size of at least the topology's cwsr_size, in a CWSR
 *    area mapped exactly ALIGN((ctx_save_restore_size + debug memory) *
 *    XCCs, PAGE_SIZE), the debug memory being 32 bytes a wave rounded to 64.
 * The queue is only created: nothing here submits AQL packets.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kfd_cwsr.h"
#include "kfd_device.h"

/* What CREATE_QUEUE is given; a 0 field takes the kernel's own size. */
struct kfd_compute_queue_sizes {
	uint32_t eop;			/* eop_buffer_size; KFD_COMPUTE_QUEUE_NO_EOP: none */
	uint32_t ctl_stack;		/* ctl_stack_size */
	uint32_t ctx_save;		/* ctx_save_restore_size */
};

/*
 * No EOP buffer at all, which kfd_queue_acquire_buffers accepts ("not
 * required for all ASICs"): for a queue that is created and never run.
 */
#define KFD_COMPUTE_QUEUE_NO_EOP UINT32_MAX

struct kfd_compute_queue {
	struct kfd_compute_queue *next;
	struct kfd_device *dev;
	struct kfd_gpu *gpu;
	uint32_t queue_id;
	struct kfd_compute_queue_sizes sizes;	/* as given to CREATE_QUEUE */
	struct kfd_bo *ring_bo, *rptr_bo, *wptr_bo, *eop_bo, *cwsr_bo;
};

/*
 * A COMPUTE_AQL queue with every buffer in GTT, each BO sized as the
 * kernel maps it (above).  -errno of the allocations or of CREATE_QUEUE,
 * -EOPNOTSUPP as kfd_node_cwsr_sizes() (kfd_cwsr.h).
 */
int __kfd_compute_queue_create(struct kfd_device *dev, struct kfd_gpu *gpu,
			       const struct kfd_compute_queue_sizes *want,
			       struct kfd_compute_queue **out);
struct kfd_compute_queue *kfd_compute_queue_create(struct kfd_device *dev, struct kfd_gpu *gpu,
						   const struct kfd_compute_queue_sizes *want);
/* DESTROY_QUEUE, then the queue's BOs; always unlinks and frees @q. */
int __kfd_compute_queue_destroy(struct kfd_compute_queue *q);
