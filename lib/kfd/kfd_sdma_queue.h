/* SPDX-License-Identifier: MIT */
/*
 * An SDMA user queue and its submission code.
 *
 * struct kfd_ring is the submission part alone, on any memory (the
 * self-test runs it on a plain buffer): packets are copied into the ring
 * at the write pointer, wrapping at its end; the 64-bit write pointer, in
 * BYTES and ever increasing, is stored; then the doorbell is written with
 * the same 64-bit value (gfx9+, kfdtest's SubmitPacket).  The engine
 * reports its progress in the read pointer; done is rptr == wptr.  Both
 * are compared modulo the ring size, which is right whether the engine
 * reports a wrapped or an ever-increasing read pointer, because the ring
 * never holds a full ring's worth (one dword stays free).
 *
 * struct kfd_sdma_queue is CREATE_QUEUE type SDMA on a KFD process: ring,
 * rptr and wptr each in a GPU-mapped GTT BO, as the kernel requires since
 * "drm/amdkfd: Validate user queue buffers" (the ring's mapping exactly
 * the ring size, rptr and wptr each at the start of a page-sized one), and
 * the doorbell slice mapped.  Queues are listed on the device.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kfd_device.h"

struct kfd_ring {
	uint32_t *base;
	uint32_t size;			/* bytes, a power of two */
	volatile uint64_t *rptr;	/* the engine's */
	volatile uint64_t *wptr;	/* ours, read by the engine */
	volatile uint64_t *doorbell;
	uint64_t wptr_bytes;		/* what we last published */
};

/* 0, or -EINVAL when @size is not a power of two of at least 16 bytes. */
int kfd_ring_init(struct kfd_ring *ring, void *base, uint32_t size, volatile uint64_t *rptr,
		  volatile uint64_t *wptr, volatile uint64_t *doorbell);
/* Bytes that can be submitted now without overwriting unread packets. */
uint32_t kfd_ring_space(const struct kfd_ring *ring);
/*
 * Copies @n dwords in (waiting at most @timeout_ms for room: -ETIME), then
 * publishes wptr and rings the doorbell.  -E2BIG when @n can never fit.
 */
int kfd_ring_submit(struct kfd_ring *ring, const uint32_t *dw, uint32_t n, uint32_t timeout_ms);
bool kfd_ring_idle(const struct kfd_ring *ring);
/* 0 once the engine has read everything, -ETIME after @timeout_ms. */
int kfd_ring_wait_idle(const struct kfd_ring *ring, uint32_t timeout_ms);

#define KFD_SDMA_RING_BYTES_DEFAULT (64 * 1024)
/* KFD_MIN_QUEUE_RING_SIZE: CREATE_QUEUE raises a smaller ring to it. */
#define KFD_MIN_RING_BYTES 1024

struct kfd_sdma_queue {
	struct kfd_sdma_queue *next;
	struct kfd_device *dev;
	struct kfd_gpu *gpu;
	uint32_t queue_id;
	struct kfd_bo *ring_bo, *rptr_bo, *wptr_bo;
	struct kfd_ring ring;
	uint32_t fence_extras;		/* FENCE header bits for this GPU */
	struct kfd_event *event;	/* for FENCE+TRAP completion, made on first use */
};

/* @ring_bytes: a power of two (0: the default), at least a page. */
int __kfd_sdma_queue_create(struct kfd_device *dev, struct kfd_gpu *gpu, uint32_t ring_bytes,
			    struct kfd_sdma_queue **out);
struct kfd_sdma_queue *kfd_sdma_queue_create(struct kfd_device *dev, struct kfd_gpu *gpu,
					     uint32_t ring_bytes);
/* DESTROY_QUEUE and the queue's BOs; always unlinks and frees @q. */
int __kfd_sdma_queue_destroy(struct kfd_sdma_queue *q);

int __kfd_sdma_submit(struct kfd_sdma_queue *q, const uint32_t *dw, uint32_t n,
		      uint32_t timeout_ms);
/* Completion by polling rptr == wptr. */
int __kfd_sdma_wait_idle(struct kfd_sdma_queue *q, uint32_t timeout_ms);
/* Completion by FENCE + TRAP on the queue's event, then WAIT_EVENTS. */
int __kfd_sdma_wait_event(struct kfd_sdma_queue *q, uint32_t timeout_ms);

/*
 * Submit and wait (polling): 0, -ETIME on timeout, -EINVAL for unaligned
 * addresses or sizes (dword granularity), or the submission's -errno.
 * GPU addresses: a BO's va or an SVM range's CPU address.
 */
int __kfd_sdma_write(struct kfd_sdma_queue *q, uint64_t dst, const uint32_t *data,
		     uint32_t ndw, uint32_t timeout_ms);
int __kfd_sdma_copy(struct kfd_sdma_queue *q, uint64_t dst, uint64_t src, uint64_t bytes,
		    uint32_t timeout_ms);
int __kfd_sdma_fill(struct kfd_sdma_queue *q, uint64_t dst, uint32_t value, uint64_t bytes,
		    uint32_t timeout_ms);
/* The same, asserting success within KFD_DEFAULT_TIMEOUT_MS. */
void kfd_sdma_write(struct kfd_sdma_queue *q, uint64_t dst, const uint32_t *data, uint32_t ndw);
void kfd_sdma_copy(struct kfd_sdma_queue *q, uint64_t dst, uint64_t src, uint64_t bytes);
void kfd_sdma_fill(struct kfd_sdma_queue *q, uint64_t dst, uint32_t value, uint64_t bytes);
