/* SPDX-License-Identifier: MIT */
/*
 * MI command encodings the suite's batches use (PPGTT addressing: bit 22
 * clear) and a bounded batch builder.  A batch lives in ordinary process
 * memory: with a CPU address mirror its GPU VA is its CPU address.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MI_NOOP			0x00000000u
#define MI_BATCH_BUFFER_END	0x05000000u	/* opcode 0x0a */
#define MI_STORE_DWORD_IMM	0x10000002u	/* opcode 0x20, 4 dwords: addr lo, hi, data */
#define MI_ATOMIC_INC		0x17800501u	/* opcode 0x2f, op INC, 3 dwords: addr lo, hi */
#define MI_COPY_MEM_MEM		0x17000003u	/* opcode 0x2e, 5 dwords: dst lo, hi, src lo, hi */

struct xe_batch {
	uint32_t *dw;
	size_t len;		/* dwords used */
	size_t cap;		/* dwords available */
};

/* Room for @cap dwords (at least one left for MI_BATCH_BUFFER_END); 0 or -ENOMEM. */
int xe_batch_init(struct xe_batch *b, size_t cap);
void xe_batch_fini(struct xe_batch *b);
void xe_batch_reset(struct xe_batch *b);
/* Whether @n more dwords plus the batch end still fit. */
bool xe_batch_room(const struct xe_batch *b, size_t n);
/* Each returns -ENOSPC when the batch is full, 0 otherwise. */
int xe_batch_store_dword(struct xe_batch *b, uint64_t addr, uint32_t value);
int xe_batch_atomic_inc(struct xe_batch *b, uint64_t addr);
int xe_batch_copy_dword(struct xe_batch *b, uint64_t dst, uint64_t src);
/* Terminates the batch; its GPU address is (uintptr_t)b->dw. */
int xe_batch_end(struct xe_batch *b);
