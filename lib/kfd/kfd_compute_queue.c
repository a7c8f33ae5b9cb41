/* SPDX-License-Identifier: MIT */
/*
 * Compute queues (see kfd_compute_queue.h), their buffers sized as 7.3.4's
 * kfd_queue_acquire_buffers compares them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "igt_core.h"
#include "kfd_compute_queue.h"
#include "kfd_cwsr.h"
#include "kfd_ioctl.h"
#include "kfd_mem.h"
#include "util.h"

#define AQL_RING_BYTES (64 * 1024)

static void queue_unlink(struct kfd_compute_queue *q)
{
	for (struct kfd_compute_queue **p = &q->dev->compute_queues; *p; p = &(*p)->next)
		if (*p == q) {
			*p = q->next;
			return;
		}
}

static void queue_free(struct kfd_compute_queue *q)
{
	struct kfd_bo *bos[] = { q->ring_bo, q->rptr_bo, q->wptr_bo, q->eop_bo, q->cwsr_bo };

	for (size_t i = 0; i < ARRAY_SIZE(bos); i++)
		if (bos[i])
			__kfd_bo_free(bos[i]);
	free(q);
}

/* Each BO as large as the mapping the kernel compares it with. */
static int queue_buffers(struct kfd_compute_queue *q, const struct kfd_cwsr_sizes *cwsr)
{
	struct kfd_device *dev = q->dev;
	uint64_t cwsr_bytes = ((uint64_t)q->sizes.ctx_save + cwsr->debug_memory) * cwsr->num_xcc;
	struct { struct kfd_bo **bo; uint64_t bytes; } want[] = {
		{ &q->ring_bo, AQL_RING_BYTES },
		{ &q->rptr_bo, dev->page_size },
		{ &q->wptr_bo, dev->page_size },
		{ &q->eop_bo, q->sizes.eop },
		{ &q->cwsr_bo, cwsr_bytes },
	};
	int ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(want) && !ret; i++) {
		if (want[i].bo == &q->eop_bo && q->sizes.eop == KFD_COMPUTE_QUEUE_NO_EOP)
			continue;
		ret = __kfd_bo_gtt(q->gpu, dev, want[i].bytes, KFD_BO_FLAGS_QUEUE, want[i].bo);
	}
	return ret;
}

int __kfd_compute_queue_create(struct kfd_device *dev, struct kfd_gpu *gpu,
			       const struct kfd_compute_queue_sizes *want,
			       struct kfd_compute_queue **out)
{
	struct kfd_ioctl_create_queue_args args = {
		.ring_size = AQL_RING_BYTES,
		.gpu_id = gpu->gpu_id,
		.queue_type = KFD_IOC_QUEUE_TYPE_COMPUTE_AQL,
		.queue_percentage = KFD_MAX_QUEUE_PERCENTAGE,
		.queue_priority = KFD_MAX_QUEUE_PRIORITY / 2,
	};
	struct kfd_cwsr_sizes cwsr;
	struct kfd_compute_queue *q;
	int ret;

	*out = NULL;
	ret = kfd_node_cwsr_sizes(gpu->node, dev->page_size, &cwsr);
	if (ret)
		return ret;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->dev = dev;
	q->gpu = gpu;
	/* What libhsakmt passes: the hardware's EOP size, the topology's CWSR sizes. */
	q->sizes.eop = want && want->eop ? want->eop : cwsr.eop;
	q->sizes.ctl_stack = want && want->ctl_stack ? want->ctl_stack : gpu->node->ctl_stack_size;
	q->sizes.ctx_save = want && want->ctx_save ? want->ctx_save : gpu->node->cwsr_size;
	ret = queue_buffers(q, &cwsr);
	if (ret) {
		queue_free(q);
		return ret;
	}
	*(volatile uint64_t *)q->rptr_bo->cpu = 0;
	*(volatile uint64_t *)q->wptr_bo->cpu = 0;
	args.ring_base_address = q->ring_bo->va;
	args.read_pointer_address = q->rptr_bo->va;
	args.write_pointer_address = q->wptr_bo->va;
	if (q->eop_bo) {
		args.eop_buffer_address = q->eop_bo->va;
		args.eop_buffer_size = q->sizes.eop;
	}
	args.ctx_save_restore_address = q->cwsr_bo->va;
	args.ctx_save_restore_size = q->sizes.ctx_save;
	args.ctl_stack_size = q->sizes.ctl_stack;
	ret = __kfd_create_queue(dev->fd, &args);
	if (ret) {
		queue_free(q);
		return ret;
	}
	q->queue_id = args.queue_id;
	q->next = dev->compute_queues;
	dev->compute_queues = q;
	*out = q;
	return 0;
}

struct kfd_compute_queue *kfd_compute_queue_create(struct kfd_device *dev, struct kfd_gpu *gpu,
						   const struct kfd_compute_queue_sizes *want)
{
	struct kfd_compute_queue *q;
	int ret = __kfd_compute_queue_create(dev, gpu, want, &q);

	igt_assert_f(ret == 0, "compute queue on gpu %#x: %s\n", gpu->gpu_id, strerror(-ret));
	return q;
}

int __kfd_compute_queue_destroy(struct kfd_compute_queue *q)
{
	int ret = __kfd_destroy_queue(q->dev->fd, q->queue_id);

	queue_unlink(q);
	queue_free(q);
	return ret;
}
