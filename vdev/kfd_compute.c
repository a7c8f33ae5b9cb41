/* SPDX-License-Identifier: MIT */
/*
 * What CREATE_QUEUE checks of a compute queue beyond its ring and
 * pointers: 7.3.4's kfd_queue_acquire_buffers, in its order.
 *  1. EOP buffer (when given): eop_buffer_size at least the node's EOP
 *     size, and a GPU mapping starting at it of exactly ALIGN(size,
 *     PAGE_SIZE).  Bug model eop-size-page is the check before "drm/amdkfd:
 *     Relax size checking during queue buffer get": the size equal to the
 *     node's and the mapping exactly that size, which above 4K no BO (one
 *     CPU page at least) can be.
 *  2. ctl_stack_size equal to the node's.
 *  3. ctx_save_restore_size at least the node's cwsr_size.
 *  4. The CWSR area: a GPU mapping of exactly ALIGN((ctx_save_restore_size
 *     + debug memory) * XCCs, PAGE_SIZE).  The kernel also takes an SVM
 *     range there (kfd_queue_buffer_svm_get); vdev does not.
 * The node's sizes are kfd_queue_ctx_save_restore_size's for the topology
 * vdev/run writes (104 CUs of 2 SIMDs, 8 shader arrays of 1 per engine,
 * 64 KiB LDS, one XCC), which prints the same ctl_stack_size and cwsr_size.
 * Bug model ctl-stack-cpu-pages gives 6.12's: the control stack and the
 * wave state each padded to a CPU page (vdev/run prints those then).
 */
#include <errno.h>

#include "kfd.h"
#include "kfd_cwsr.h"
#include "vdev.h"

#define REJECT_IF(cond, err, check) \
	do { if (cond) return vdev_kfd_reject(err, check); } while (0)

static uint64_t align_up(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

/* The node's sizes as the kernel keeps them (kfd_node_properties). */
static void node_sizes(unsigned int gpu, struct kfd_cwsr_sizes *sz)
{
	const struct kfd_node node = {
		.gfx_target_version = vdev_kfd->gpus[gpu].gfx_target_version,
		.simd_count = 208, .simd_per_cu = 2, .array_count = 8,
		.simd_arrays_per_engine = 1, .lds_size_in_kb = 64, .num_xcc = 1,
	};

	/* Every kfd preset's GPU is gfx 9 or 11: the rule knows them. */
	kfd_node_cwsr_sizes(&node, VDEV_KFD_PAGE_SIZE, sz);
	if (vdev_bugs & VDEV_BUG_KFD_CTL_STACK_CPU_PAGES) {
		sz->ctl_stack = (uint32_t)align_up(sz->ctl_stack_bytes, VDEV_KFD_PAGE_SIZE);
		sz->wg_data = (uint32_t)align_up(sz->wg_data_bytes, VDEV_KFD_PAGE_SIZE);
		sz->cwsr = sz->ctl_stack + sz->wg_data;
	}
}

long vdev_kfd_compute_acquire(struct vdev_kfd_queue *q,
			      const struct kfd_ioctl_create_queue_args *a)
{
	const uint64_t page = VDEV_KFD_PAGE_SIZE, gpu_mask = VDEV_KFD_GPU_PAGE_SIZE - 1;
	bool old_eop = vdev_bugs & VDEV_BUG_KFD_EOP_SIZE_PAGE;
	struct kfd_cwsr_sizes sz;
	uint64_t cwsr;

	node_sizes(q->gpu, &sz);
	if (a->eop_buffer_address) {
		REJECT_IF(old_eop ? a->eop_buffer_size != sz.eop : a->eop_buffer_size < sz.eop,
			  -EINVAL, "kfd_queue_acquire_buffers: eop size");
		q->bos[3] = vdev_kfd_bo_mapping(q->gpu, a->eop_buffer_address & ~gpu_mask,
						(old_eop ? a->eop_buffer_size
							 : align_up(a->eop_buffer_size, page)) &
						~gpu_mask);
		REJECT_IF(!q->bos[3], -EINVAL, "kfd_queue_buffer_get: eop buffer");
	}
	REJECT_IF(a->ctl_stack_size != sz.ctl_stack, -EINVAL,
		  "kfd_queue_acquire_buffers: ctl stack size");
	REJECT_IF(a->ctx_save_restore_size < sz.cwsr, -EINVAL,
		  "kfd_queue_acquire_buffers: cwsr size");
	cwsr = align_up(((uint64_t)a->ctx_save_restore_size + sz.debug_memory) * sz.num_xcc, page);
	q->bos[4] = vdev_kfd_bo_mapping(q->gpu, a->ctx_save_restore_address & ~gpu_mask,
					cwsr & ~gpu_mask);
	REJECT_IF(!q->bos[4], -EINVAL, "kfd_queue_buffer_svm_get: cwsr area");
	return 0;
}
