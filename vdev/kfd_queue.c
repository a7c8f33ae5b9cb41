/* SPDX-License-Identifier: MIT */
/*
 * amdkfd's user queues: CREATE_QUEUE and DESTROY_QUEUE.  Facts from
 * 6.12.117's kfd_chardev.c (set_queue_properties_from_user's checks in
 * their order, the gpu_id, the doorbell_offset out value: type DOORBELL,
 * the gpu_id, and on SOC15 the queue's doorbell in the process slice),
 * kfd_queue.c ("drm/amdkfd: Validate user queue buffers":
 * kfd_queue_buffer_get wants a GPU mapping that starts exactly at the
 * write pointer, the read pointer and the ring, one page for each pointer
 * and exactly ring_size for the ring, and holds it until the queue goes)
 * and kfd_process_queue_manager.c (the lowest free queue id of 1024).
 *
 * SDMA and SDMA_XGMI queues run on vdev's SDMA engine (kfd_sdma_exec.c).
 * COMPUTE and COMPUTE_AQL queues are created with the same ring and
 * pointer validation and 7.3.4's EOP and CWSR checks (kfd_compute.c), but
 * never execute: vdev has no PM4/AQL processor.
 * SDMA_BY_ENG_ID is refused as by a GPU without such engines (EINVAL).
 * The doorbell slot of a queue is its id (vdev's choice: the kernel
 * takes it from the engine's doorbell range).
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "kfd.h"
#include "vdev.h"

#define MIN_RING_SIZE 1024		/* KFD_MIN_QUEUE_RING_SIZE */
#define MAX_QUEUES 1024			/* KFD_MAX_NUM_OF_QUEUES_PER_PROCESS */
/* access_ok: the user half of the address space. */
#define USER_TOP (1ull << 47)

static struct {
	pid_t pid;
	struct vdev_kfd_queue *queues;
} qs;

/* The queue and its engine's buffers. */
static void queue_free(struct vdev_kfd_queue *q)
{
	free(q->dw);
	free(q->bounce);
	free(q);
}

/*
 * A fork child has no queues: its parent's engines are not in it.  The
 * inherited copies go, engine buffers too (no thread to join here).
 */
static void own(void)
{
	if (qs.pid == getpid())
		return;
	for (struct vdev_kfd_queue *q = qs.queues, *next; qs.pid && q; q = next) {
		next = q->next;
		queue_free(q);
	}
	qs.pid = getpid();
	qs.queues = NULL;
	vdev_kfd_proc.num_queues = 0;
	vdev_kfd_queues_evicted = false;
}

static bool access_ok(uint64_t addr, uint64_t size)
{
	return addr < USER_TOP && size <= USER_TOP - addr;
}

#define REJECT_IF(cond, err, check) \
	do { if (cond) return vdev_kfd_reject(err, check); } while (0)

/* set_queue_properties_from_user */
static long check_properties(struct kfd_ioctl_create_queue_args *a)
{
	REJECT_IF((a->queue_percentage & 0xff) > KFD_MAX_QUEUE_PERCENTAGE, -EINVAL,
		  "set_queue_properties_from_user: queue percentage");
	REJECT_IF(a->queue_priority > KFD_MAX_QUEUE_PRIORITY, -EINVAL,
		  "set_queue_properties_from_user: queue priority");
	REJECT_IF(a->ring_base_address && !access_ok(a->ring_base_address, 8), -EFAULT,
		  "set_queue_properties_from_user: ring base address");
	REJECT_IF(a->ring_size & (a->ring_size - 1), -EINVAL,
		  "set_queue_properties_from_user: ring size not a power of 2");
	if (a->ring_size < MIN_RING_SIZE)
		a->ring_size = MIN_RING_SIZE;
	REJECT_IF(!access_ok(a->read_pointer_address, 4), -EFAULT,
		  "set_queue_properties_from_user: read pointer");
	REJECT_IF(!access_ok(a->write_pointer_address, 4), -EFAULT,
		  "set_queue_properties_from_user: write pointer");
	REJECT_IF(a->eop_buffer_address && !access_ok(a->eop_buffer_address, 4), -EFAULT,
		  "set_queue_properties_from_user: eop buffer");
	REJECT_IF(a->ctx_save_restore_address && !access_ok(a->ctx_save_restore_address, 4),
		  -EFAULT, "set_queue_properties_from_user: ctx save restore buffer");
	switch (a->queue_type) {
	case KFD_IOC_QUEUE_TYPE_COMPUTE:
	case KFD_IOC_QUEUE_TYPE_COMPUTE_AQL:
	case KFD_IOC_QUEUE_TYPE_SDMA:
	case KFD_IOC_QUEUE_TYPE_SDMA_XGMI:
	case KFD_IOC_QUEUE_TYPE_SDMA_BY_ENG_ID:
		return 0;
	default:
		/* -ENOTSUPP (524), which user space sees as errno 524 */
		return vdev_kfd_reject(-524, "set_queue_properties_from_user: queue type");
	}
}

/*
 * kfd_queue_acquire_buffers: wptr, rptr, ring, in this order; a GPU
 * mapping starting exactly at the pointer's 4K GPU page (kfd_queue_buffer_get
 * works in AMDGPU_GPU_PAGE_SIZE units), of one CPU page or of the ring's
 * size.  The ring's expected size is 6.12's (queue_size, in whole GPU
 * pages: a ring under 4K checks nothing) on 4K presets, and 7.3.4's
 * PAGE_ALIGN(queue_size) on kfd-64k ("drm/amdkfd: Align expected_queue_size
 * to PAGE_SIZE"): without it a 4K ring, whose BO is one 64K page, never
 * matches.  At 4K the two differ only for a ring under 4K in a larger BO.
 */
static long acquire_buffers(struct vdev_kfd_queue *q, uint64_t expected_ring)
{
	static const char *const check[] = {
		"kfd_queue_buffer_get: ring", "kfd_queue_buffer_get: read pointer",
		"kfd_queue_buffer_get: write pointer",
	};
	const uint64_t gpu_mask = VDEV_KFD_GPU_PAGE_SIZE - 1, page = VDEV_KFD_PAGE_SIZE;
	uint64_t va[3] = { q->ring, q->rptr_va, q->wptr_va };
	bool aligned = page > VDEV_KFD_GPU_PAGE_SIZE && !(vdev_bugs & VDEV_BUG_KFD_RING_UNALIGNED);
	uint64_t ring = aligned ? (expected_ring + page - 1) & ~(page - 1) : expected_ring;
	/* Compared in GPU pages. */
	uint64_t size[3] = { ring & ~gpu_mask, page, page };

	for (int i = 2; i >= 0; i--) {
		/* Looked up by GPU page: a pointer inside the mapping's first 4K is at its start. */
		q->bos[i] = vdev_kfd_bo_mapping(q->gpu, va[i] & ~gpu_mask, size[i]);
		if (!q->bos[i]) {
			q->bos[0] = q->bos[1] = q->bos[2] = NULL;
			return vdev_kfd_reject(-EINVAL, check[i]);
		}
	}
	return 0;
}

static bool is_compute(uint32_t type)
{
	return type == KFD_IOC_QUEUE_TYPE_COMPUTE || type == KFD_IOC_QUEUE_TYPE_COMPUTE_AQL;
}

static uint32_t free_queue_id(void)
{
	for (uint32_t id = 0; id < MAX_QUEUES; id++) {
		bool used = false;

		for (struct vdev_kfd_queue *q = qs.queues; q && !used; q = q->next)
			used = q->id == id;
		if (!used)
			return id;
	}
	return MAX_QUEUES;
}

static bool is_sdma(uint32_t type)
{
	return type == KFD_IOC_QUEUE_TYPE_SDMA || type == KFD_IOC_QUEUE_TYPE_SDMA_XGMI;
}

static void release_buffers(struct vdev_kfd_queue *q)
{
	for (int i = 0; i < 5; i++)
		if (q->bos[i])
			vdev_kfd_bo_queue_ref(q->bos[i], q->gpu, -1);
}

/* The queue's buffers, all checked before any is referenced. */
static long acquire_all(struct vdev_kfd_queue *q, const struct kfd_ioctl_create_queue_args *a)
{
	long ret = acquire_buffers(q, a->ring_size);

	if (!ret && is_compute(q->type))
		ret = vdev_kfd_compute_acquire(q, a);
	if (ret) {
		for (int i = 0; i < 5; i++)
			q->bos[i] = NULL;
		return ret;
	}
	for (int i = 0; i < 5; i++)
		if (q->bos[i])
			vdev_kfd_bo_queue_ref(q->bos[i], q->gpu, 1);
	return 0;
}

long vdev_kfd_create_queue(void *data)
{
	struct kfd_ioctl_create_queue_args *a = data;
	struct vdev_kfd_queue *q;
	long ret;
	int idx;

	own();
	ret = check_properties(a);
	if (ret)
		return ret;
	idx = vdev_kfd_gpuidx(a->gpu_id);
	REJECT_IF(idx < 0, -EINVAL, "kfd_ioctl_create_queue: kfd_process_device_data_by_id");
	REJECT_IF(vdev_kfd_proc.bound_fd[idx] < 0, -ESRCH,
		  "kfd_ioctl_create_queue: kfd_bind_process_to_device");
	/* No SDMA engine id beyond the GPU's engines: vdev's GPUs list none by id. */
	REJECT_IF(a->queue_type == KFD_IOC_QUEUE_TYPE_SDMA_BY_ENG_ID, -EINVAL,
		  "kfd_ioctl_create_queue: sdma_engine_id");
	/* kfd_alloc_process_doorbells */
	if (!vdev_kfd_doorbells(idx))
		return -ENOMEM;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->gpu = (unsigned int)idx;
	q->type = a->queue_type;
	q->ring = a->ring_base_address;
	q->rptr_va = a->read_pointer_address;
	q->wptr_va = a->write_pointer_address;
	q->ring_size = a->ring_size;
	ret = acquire_all(q, a);
	if (!ret) {
		/* pqm_create_queue: find_available_queue_slot */
		q->id = free_queue_id();
		if (q->id >= MAX_QUEUES)
			ret = vdev_kfd_reject(-ENOMEM, "find_available_queue_slot: no free queue id");
	}
	q->doorbell = q->id;
	if (!ret && is_sdma(q->type)) {
		/* A new queue's doorbell reads as its empty ring. */
		vdev_kfd_doorbells(idx)[q->doorbell] = 0;
		ret = vdev_kfd_engine_start(q);
	}
	if (ret) {
		release_buffers(q);
		queue_free(q);
		return ret;
	}
	q->next = qs.queues;
	qs.queues = q;
	vdev_kfd_proc.num_queues++;
	a->queue_id = q->id;
	a->doorbell_offset = VDEV_KFD_MMAP_TYPE_DOORBELL | VDEV_KFD_MMAP_GPU_ID(a->gpu_id) |
			     (uint64_t)q->doorbell * sizeof(uint64_t);
	return 0;
}

/* Unlinks @q, stops its engine (kfd_lock dropped meanwhile), lets its buffers go. */
static void queue_destroy(struct vdev_kfd_queue *q)
{
	struct vdev_kfd_queue **pp;

	for (pp = &qs.queues; *pp != q; pp = &(*pp)->next)
		;
	*pp = q->next;
	vdev_kfd_proc.num_queues--;
	if (q->has_thread)
		vdev_kfd_engine_stop(q);
	release_buffers(q);
	queue_free(q);
}

long vdev_kfd_destroy_queue(void *data)
{
	struct kfd_ioctl_destroy_queue_args *a = data;
	struct vdev_kfd_queue *q;

	own();
	for (q = qs.queues; q && q->id != a->queue_id; q = q->next)
		;
	REJECT_IF(!q, -EINVAL, "pqm_destroy_queue: no such queue");
	queue_destroy(q);
	return 0;
}

void vdev_kfd_queues_release(void)
{
	own();
	while (qs.queues)
		queue_destroy(qs.queues);
	vdev_kfd_queues_evicted = false;
}

void vdev_kfd_queues_park(void)
{
	struct vdev_kfd_queue *q;

	if (qs.pid != getpid())
		return;		/* a child not yet owning: no thread of its own */
	/* The join drops kfd_lock: the list is walked again after each. */
	for (;;) {
		for (q = qs.queues; q && !q->has_thread; q = q->next)
			;
		if (!q)
			return;
		q->parked = true;
		vdev_kfd_engine_stop(q);
	}
}

void vdev_kfd_queues_unpark(void)
{
	if (qs.pid != getpid())
		return;
	for (struct vdev_kfd_queue *q = qs.queues; q; q = q->next) {
		if (!q->parked)
			continue;
		q->parked = false;
		/* No thread to be had: the queue stays, idle, as a hung one would. */
		if (vdev_kfd_engine_start(q))
			vdev_kfd_kmsg(3, "amdgpu: vdev: queue %u: engine not restarted after fork\n",
				      q->id);
	}
}

/* The program exits: its engines stop before the memory they read goes away. */
__attribute__((destructor)) static void queues_at_exit(void)
{
	if (!vdev_kfd || qs.pid != getpid() || !qs.queues)
		return;
	vdev_kfd_lock();
	vdev_kfd_queues_release();
	vdev_kfd_unlock();
}
