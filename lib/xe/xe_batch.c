/* SPDX-License-Identifier: MIT */
/* The batch builder of xe_batch.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xe_batch.h"

int xe_batch_init(struct xe_batch *b, size_t cap)
{
	/* Page aligned: a batch never shares a page with test data. */
	void *p = NULL;

	if (cap < 2 || posix_memalign(&p, 4096, cap * sizeof(uint32_t)))
		return -ENOMEM;
	*b = (struct xe_batch){ .dw = p, .cap = cap };
	return 0;
}

void xe_batch_fini(struct xe_batch *b)
{
	free(b->dw);
	*b = (struct xe_batch){ 0 };
}

void xe_batch_reset(struct xe_batch *b)
{
	b->len = 0;
}

bool xe_batch_room(const struct xe_batch *b, size_t n)
{
	return b->len + n + 1 <= b->cap;
}

static int emit(struct xe_batch *b, const uint32_t *dw, size_t n)
{
	if (!xe_batch_room(b, n))
		return -ENOSPC;
	memcpy(b->dw + b->len, dw, n * sizeof(*dw));
	b->len += n;
	return 0;
}

int xe_batch_store_dword(struct xe_batch *b, uint64_t addr, uint32_t value)
{
	const uint32_t dw[] = { MI_STORE_DWORD_IMM, (uint32_t)addr, (uint32_t)(addr >> 32), value };

	return emit(b, dw, 4);
}

int xe_batch_atomic_inc(struct xe_batch *b, uint64_t addr)
{
	const uint32_t dw[] = { MI_ATOMIC_INC, (uint32_t)addr, (uint32_t)(addr >> 32) };

	return emit(b, dw, 3);
}

int xe_batch_copy_dword(struct xe_batch *b, uint64_t dst, uint64_t src)
{
	const uint32_t dw[] = { MI_COPY_MEM_MEM, (uint32_t)dst, (uint32_t)(dst >> 32),
				(uint32_t)src, (uint32_t)(src >> 32) };

	return emit(b, dw, 5);
}

int xe_batch_end(struct xe_batch *b)
{
	if (b->len + 1 > b->cap)
		return -ENOSPC;
	b->dw[b->len++] = MI_BATCH_BUFFER_END;
	return 0;
}
