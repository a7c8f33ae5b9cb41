/* SPDX-License-Identifier: MIT */
/* SDMA packet builders (see kfd_sdma.h for the layouts' sources). */
#include "kfd_sdma.h"

static inline uint32_t lower_32(uint64_t v)
{
	return (uint32_t)v;
}

static inline uint32_t upper_32(uint64_t v)
{
	return (uint32_t)(v >> 32);
}

/* Stores @v at out[i] unless only sizing; returns i + 1. */
static inline unsigned int emit(uint32_t *out, unsigned int i, uint32_t v)
{
	if (out)
		out[i] = v;
	return i + 1;
}

unsigned int kfd_sdma_nop(uint32_t *out, unsigned int n)
{
	unsigned int i = 0;

	while (i < n)
		i = emit(out, i, KFD_SDMA_HEADER(KFD_SDMA_OP_NOP, 0, 0));
	return i;
}

unsigned int kfd_sdma_write_linear(uint32_t *out, uint64_t dst, const uint32_t *data,
				   unsigned int ndw)
{
	unsigned int i = 0;

	i = emit(out, i, KFD_SDMA_HEADER(KFD_SDMA_OP_WRITE, KFD_SDMA_SUBOP_LINEAR, 0));
	i = emit(out, i, lower_32(dst));
	i = emit(out, i, upper_32(dst));
	i = emit(out, i, ndw - 1);
	for (unsigned int d = 0; d < ndw; d++)
		i = emit(out, i, data[d]);
	return i;
}

/* Layout: header, count, parameters (0: no swap), src lo/hi, dst lo/hi. */
unsigned int kfd_sdma_copy_linear(uint32_t *out, uint64_t dst, uint64_t src, uint64_t bytes)
{
	unsigned int i = 0;

	for (uint64_t done = 0; done < bytes;) {
		uint64_t chunk = bytes - done;

		if (chunk > KFD_SDMA_COPY_MAX_BYTES)
			chunk = KFD_SDMA_COPY_MAX_BYTES;
		i = emit(out, i, KFD_SDMA_HEADER(KFD_SDMA_OP_COPY, KFD_SDMA_SUBOP_LINEAR, 0));
		i = emit(out, i, (uint32_t)(chunk - 1));
		i = emit(out, i, 0);
		i = emit(out, i, lower_32(src + done));
		i = emit(out, i, upper_32(src + done));
		i = emit(out, i, lower_32(dst + done));
		i = emit(out, i, upper_32(dst + done));
		done += chunk;
	}
	return i;
}

/* Layout: header (fill size), dst lo/hi, the pattern, byte count - 1. */
unsigned int kfd_sdma_const_fill(uint32_t *out, uint64_t dst, uint32_t value, uint64_t bytes)
{
	unsigned int i = 0;

	for (uint64_t done = 0; done < bytes;) {
		uint64_t chunk = bytes - done;

		if (chunk > KFD_SDMA_FILL_MAX_BYTES)
			chunk = KFD_SDMA_FILL_MAX_BYTES;
		i = emit(out, i, KFD_SDMA_HEADER(KFD_SDMA_OP_CONST_FILL, 0, 0) | KFD_SDMA_FILL_DWORD);
		i = emit(out, i, lower_32(dst + done));
		i = emit(out, i, upper_32(dst + done));
		i = emit(out, i, value);
		i = emit(out, i, (uint32_t)(chunk - 1));
		done += chunk;
	}
	return i;
}

unsigned int kfd_sdma_fence(uint32_t *out, uint64_t addr, uint32_t value, uint32_t extras)
{
	unsigned int i = 0;

	i = emit(out, i, KFD_SDMA_HEADER(KFD_SDMA_OP_FENCE, 0, 0) | extras);
	i = emit(out, i, lower_32(addr));
	i = emit(out, i, upper_32(addr));
	i = emit(out, i, value);
	return i;
}

unsigned int kfd_sdma_trap(uint32_t *out, uint32_t context)
{
	unsigned int i = 0;

	i = emit(out, i, KFD_SDMA_HEADER(KFD_SDMA_OP_TRAP, 0, 0));
	i = emit(out, i, context & KFD_SDMA_TRAP_CONTEXT_MASK);
	return i;
}

uint32_t kfd_sdma_fence_extras(uint32_t gfx_target_version)
{
	return gfx_target_version >= 100000 ? KFD_SDMA_FENCE_SYSTEM_UC : 0;
}
