/* SPDX-License-Identifier: MIT */
/*
 * SDMA user queues (see kfd_sdma_queue.h).  Kernel side: kfd_chardev.c
 * (CREATE_QUEUE, doorbell_offset), kfd_queue.c (queue buffer checks);
 * submission as kfdtest's SDMAQueue/BaseQueue do it on gfx9+.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "igt_core.h"
#include "kfd_events.h"
#include "kfd_ioctl.h"
#include "kfd_mem.h"
#include "kfd_sdma.h"
#include "kfd_sdma_queue.h"
#include "util.h"

/* Polls are short: an idle engine answers in microseconds. */
static const struct timespec poll_pause = { .tv_nsec = 20 * 1000 };

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int kfd_ring_init(struct kfd_ring *ring, void *base, uint32_t size, volatile uint64_t *rptr,
		  volatile uint64_t *wptr, volatile uint64_t *doorbell)
{
	if (size < 16 || (size & (size - 1)))
		return -EINVAL;
	*ring = (struct kfd_ring){
		.base = base, .size = size, .rptr = rptr, .wptr = wptr, .doorbell = doorbell,
		.wptr_bytes = *wptr,
	};
	return 0;
}

/* Bytes submitted and not yet read (the ring never holds a full ring). */
static uint32_t ring_used(const struct kfd_ring *ring)
{
	return (uint32_t)((ring->wptr_bytes - *ring->rptr) & (ring->size - 1));
}

uint32_t kfd_ring_space(const struct kfd_ring *ring)
{
	/* One dword stays free so that full and empty differ. */
	return ring->size - sizeof(uint32_t) - ring_used(ring);
}

bool kfd_ring_idle(const struct kfd_ring *ring)
{
	return ring_used(ring) == 0;
}

int kfd_ring_submit(struct kfd_ring *ring, const uint32_t *dw, uint32_t n, uint32_t timeout_ms)
{
	uint32_t bytes = n * sizeof(uint32_t), mask_dw = ring->size / sizeof(uint32_t) - 1;
	uint64_t deadline = now_ms() + timeout_ms;
	uint32_t at;

	if ((uint64_t)n * sizeof(uint32_t) > ring->size - sizeof(uint32_t))
		return -E2BIG;
	while (kfd_ring_space(ring) < bytes) {
		if (now_ms() >= deadline)
			return -ETIME;
		nanosleep(&poll_pause, NULL);
	}
	at = (uint32_t)(ring->wptr_bytes / sizeof(uint32_t)) & mask_dw;
	for (uint32_t i = 0; i < n; i++)
		ring->base[(at + i) & mask_dw] = dw[i];
	ring->wptr_bytes += bytes;
	/* Packets before the write pointer, the write pointer before the doorbell. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*ring->wptr = ring->wptr_bytes;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*ring->doorbell = ring->wptr_bytes;
	return 0;
}

int kfd_ring_wait_idle(const struct kfd_ring *ring, uint32_t timeout_ms)
{
	uint64_t deadline = now_ms() + timeout_ms;

	while (!kfd_ring_idle(ring)) {
		if (now_ms() >= deadline)
			return -ETIME;
		nanosleep(&poll_pause, NULL);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* results after the rptr */
	return 0;
}

static void queue_unlink(struct kfd_sdma_queue *q)
{
	for (struct kfd_sdma_queue **p = &q->dev->queues; *p; p = &(*p)->next)
		if (*p == q) {
			*p = q->next;
			return;
		}
}

/* Frees what exists; the queue must already be destroyed (or never made). */
static void queue_free_buffers(struct kfd_sdma_queue *q)
{
	if (q->event)
		__kfd_event_destroy(q->event);
	if (q->ring_bo)
		__kfd_bo_free(q->ring_bo);
	if (q->rptr_bo)
		__kfd_bo_free(q->rptr_bo);
	if (q->wptr_bo)
		__kfd_bo_free(q->wptr_bo);
	free(q);
}

static int queue_buffers(struct kfd_sdma_queue *q, uint32_t ring_bytes)
{
	int ret;

	ret = __kfd_bo_gtt(q->gpu, q->dev, ring_bytes, KFD_BO_FLAGS_QUEUE, &q->ring_bo);
	if (!ret)
		ret = __kfd_bo_gtt(q->gpu, q->dev, q->dev->page_size, KFD_BO_FLAGS_QUEUE,
				   &q->rptr_bo);
	if (!ret)
		ret = __kfd_bo_gtt(q->gpu, q->dev, q->dev->page_size, KFD_BO_FLAGS_QUEUE,
				   &q->wptr_bo);
	if (ret)
		return ret;
	*(volatile uint64_t *)q->rptr_bo->cpu = 0;
	*(volatile uint64_t *)q->wptr_bo->cpu = 0;
	return 0;
}

int __kfd_sdma_queue_create(struct kfd_device *dev, struct kfd_gpu *gpu, uint32_t ring_bytes,
			    struct kfd_sdma_queue **out)
{
	struct kfd_ioctl_create_queue_args args = {
		.ring_size = ring_bytes ? ring_bytes : KFD_SDMA_RING_BYTES_DEFAULT,
		.gpu_id = gpu->gpu_id,
		.queue_type = KFD_IOC_QUEUE_TYPE_SDMA,
		.queue_percentage = KFD_MAX_QUEUE_PERCENTAGE,
		.queue_priority = KFD_MAX_QUEUE_PRIORITY / 2,	/* libhsakmt's "normal" */
	};
	struct kfd_sdma_queue *q;
	volatile uint64_t *doorbell;
	int ret;

	*out = NULL;
	/*
	 * A power of two, at least KFD's 1K minimum (a smaller one would be
	 * clamped behind our back).  A ring under a page lives in a one-page
	 * BO: 7.3.4 expects PAGE_ALIGN(ring) there, 6.12 only the ring's whole
	 * 4K pages, so both take it at 4K; with larger pages 6.12 refuses it
	 * (amd_pagesize@sdma-queue-4k-ring).
	 */
	if (args.ring_size & (args.ring_size - 1) || args.ring_size < KFD_MIN_RING_BYTES)
		return -EINVAL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->dev = dev;
	q->gpu = gpu;
	q->fence_extras = kfd_sdma_fence_extras(gpu->node->gfx_target_version);
	ret = queue_buffers(q, args.ring_size);
	if (ret) {
		queue_free_buffers(q);
		return ret;
	}
	args.ring_base_address = q->ring_bo->va;
	args.read_pointer_address = q->rptr_bo->va;
	args.write_pointer_address = q->wptr_bo->va;
	ret = __kfd_create_queue(dev->fd, &args);
	if (ret) {
		queue_free_buffers(q);
		return ret;
	}
	q->queue_id = args.queue_id;
	ret = __kfd_doorbells_map(gpu, dev, args.doorbell_offset);
	if (!ret) {
		doorbell = (volatile uint64_t *)((char *)gpu->doorbells->cpu +
						 IGT_KFD_DOORBELL_IN_SLICE(args.doorbell_offset));
		ret = kfd_ring_init(&q->ring, q->ring_bo->cpu, args.ring_size,
				    q->rptr_bo->cpu, q->wptr_bo->cpu, doorbell);
	}
	if (ret) {
		__kfd_destroy_queue(dev->fd, q->queue_id);
		queue_free_buffers(q);
		return ret;
	}
	q->next = dev->queues;
	dev->queues = q;
	*out = q;
	return 0;
}

struct kfd_sdma_queue *kfd_sdma_queue_create(struct kfd_device *dev, struct kfd_gpu *gpu,
					     uint32_t ring_bytes)
{
	struct kfd_sdma_queue *q;
	int ret = __kfd_sdma_queue_create(dev, gpu, ring_bytes, &q);

	igt_assert_f(ret == 0, "SDMA queue on gpu %#x: %s\n", gpu->gpu_id, strerror(-ret));
	return q;
}

int __kfd_sdma_queue_destroy(struct kfd_sdma_queue *q)
{
	int ret = __kfd_destroy_queue(q->dev->fd, q->queue_id);

	queue_unlink(q);
	queue_free_buffers(q);
	return ret;
}

int __kfd_sdma_submit(struct kfd_sdma_queue *q, const uint32_t *dw, uint32_t n,
		      uint32_t timeout_ms)
{
	return kfd_ring_submit(&q->ring, dw, n, timeout_ms);
}

int __kfd_sdma_wait_idle(struct kfd_sdma_queue *q, uint32_t timeout_ms)
{
	return kfd_ring_wait_idle(&q->ring, timeout_ms);
}

int __kfd_sdma_wait_event(struct kfd_sdma_queue *q, uint32_t timeout_ms)
{
	uint32_t pkt[KFD_SDMA_FENCE_DWORDS + KFD_SDMA_TRAP_DWORDS], n;
	int ret;

	if (!q->event) {
		ret = __kfd_event_create(q->dev, KFD_IOC_EVENT_SIGNAL, true, &q->event);
		if (ret)
			return ret;
	}
	/* Any value but all-ones marks the slot signalled; TRAP names the event. */
	n = kfd_sdma_fence(pkt, kfd_event_slot_va(q->event), q->event->id, q->fence_extras);
	n += kfd_sdma_trap(pkt + n, q->event->trigger_data);
	ret = __kfd_sdma_submit(q, pkt, n, timeout_ms);
	return ret ? ret : __kfd_event_wait(q->event, timeout_ms, NULL);
}

static bool dword_aligned(uint64_t v)
{
	return !(v & 3);
}

/* Data dwords per WRITE packet so that one always fits the ring. */
static uint32_t write_chunk_dwords(const struct kfd_sdma_queue *q)
{
	uint32_t fit = q->ring.size / sizeof(uint32_t) / 2 - KFD_SDMA_WRITE_HEADER_DWORDS;

	return fit < KFD_SDMA_WRITE_MAX_DWORDS ? fit : KFD_SDMA_WRITE_MAX_DWORDS;
}

int __kfd_sdma_write(struct kfd_sdma_queue *q, uint64_t dst, const uint32_t *data,
		     uint32_t ndw, uint32_t timeout_ms)
{
	uint32_t chunk_max = write_chunk_dwords(q), *pkt;
	int ret = 0;

	if (!ndw || !dword_aligned(dst))
		return -EINVAL;
	pkt = malloc((chunk_max + KFD_SDMA_WRITE_HEADER_DWORDS) * sizeof(*pkt));
	if (!pkt)
		return -ENOMEM;
	for (uint32_t done = 0; !ret && done < ndw;) {
		uint32_t chunk = ndw - done < chunk_max ? ndw - done : chunk_max;
		uint32_t n = kfd_sdma_write_linear(pkt, dst + done * sizeof(uint32_t),
						   data + done, chunk);

		ret = __kfd_sdma_submit(q, pkt, n, timeout_ms);
		done += chunk;
	}
	free(pkt);
	return ret ? ret : __kfd_sdma_wait_idle(q, timeout_ms);
}

/* Big copies and fills go one chunk's packet at a time: a ring of any size takes them. */
int __kfd_sdma_copy(struct kfd_sdma_queue *q, uint64_t dst, uint64_t src, uint64_t bytes,
		    uint32_t timeout_ms)
{
	uint32_t pkt[KFD_SDMA_COPY_DWORDS];
	int ret = 0;

	if (!bytes)
		return -EINVAL;
	for (uint64_t done = 0; !ret && done < bytes; done += KFD_SDMA_COPY_MAX_BYTES) {
		uint64_t chunk = bytes - done;

		if (chunk > KFD_SDMA_COPY_MAX_BYTES)
			chunk = KFD_SDMA_COPY_MAX_BYTES;
		ret = __kfd_sdma_submit(q, pkt,
					kfd_sdma_copy_linear(pkt, dst + done, src + done, chunk),
					timeout_ms);
	}
	return ret ? ret : __kfd_sdma_wait_idle(q, timeout_ms);
}

int __kfd_sdma_fill(struct kfd_sdma_queue *q, uint64_t dst, uint32_t value, uint64_t bytes,
		    uint32_t timeout_ms)
{
	uint32_t pkt[KFD_SDMA_FILL_DWORDS];
	int ret = 0;

	if (!bytes || !dword_aligned(dst) || !dword_aligned(bytes))
		return -EINVAL;
	for (uint64_t done = 0; !ret && done < bytes; done += KFD_SDMA_FILL_MAX_BYTES) {
		uint64_t chunk = bytes - done;

		if (chunk > KFD_SDMA_FILL_MAX_BYTES)
			chunk = KFD_SDMA_FILL_MAX_BYTES;
		ret = __kfd_sdma_submit(q, pkt, kfd_sdma_const_fill(pkt, dst + done, value, chunk),
					timeout_ms);
	}
	return ret ? ret : __kfd_sdma_wait_idle(q, timeout_ms);
}

void kfd_sdma_write(struct kfd_sdma_queue *q, uint64_t dst, const uint32_t *data, uint32_t ndw)
{
	int ret = __kfd_sdma_write(q, dst, data, ndw, KFD_DEFAULT_TIMEOUT_MS);

	igt_assert_f(ret == 0, "SDMA write of %u dwords to %#" PRIx64 ": %s\n", ndw, dst,
		     strerror(-ret));
}

void kfd_sdma_copy(struct kfd_sdma_queue *q, uint64_t dst, uint64_t src, uint64_t bytes)
{
	int ret = __kfd_sdma_copy(q, dst, src, bytes, KFD_DEFAULT_TIMEOUT_MS);

	igt_assert_f(ret == 0, "SDMA copy of %#" PRIx64 " bytes %#" PRIx64 " -> %#" PRIx64 ": %s\n",
		     bytes, src, dst, strerror(-ret));
}

void kfd_sdma_fill(struct kfd_sdma_queue *q, uint64_t dst, uint32_t value, uint64_t bytes)
{
	int ret = __kfd_sdma_fill(q, dst, value, bytes, KFD_DEFAULT_TIMEOUT_MS);

	igt_assert_f(ret == 0, "SDMA fill of %#" PRIx64 " bytes at %#" PRIx64 ": %s\n", bytes, dst,
		     strerror(-ret));
}
