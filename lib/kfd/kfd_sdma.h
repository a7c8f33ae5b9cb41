/* SPDX-License-Identifier: MIT */
/*
 * SDMA packets for gfx9 and later, built into a dword buffer.  Pure: no
 * device, no allocation, so the self-tests check them dword by dword.
 * Counts are N-1 on these generations ("1-based in AI").  Every builder
 * returns the number of dwords it wrote; with @out NULL it writes nothing
 * and only says how many it would (to size a buffer).  The builders take
 * valid arguments (dword-aligned addresses and sizes, non-zero lengths);
 * the queue-level helpers in kfd_sdma_queue.h check them.
 * Facts: shared/reference/amd-uapi-kfdtest-pagesize.md §1 (SDMA packets)
 * and §4 (SDMA encodings), the kernel's vega10_sdma_pkt_open.h.
 */
#pragma once

#include <stdint.h>

#include "util.h"

enum kfd_sdma_op {
	KFD_SDMA_OP_NOP = 0,
	KFD_SDMA_OP_COPY = 1,
	KFD_SDMA_OP_WRITE = 2,
	KFD_SDMA_OP_FENCE = 5,
	KFD_SDMA_OP_TRAP = 6,
	KFD_SDMA_OP_CONST_FILL = 11,
};

#define KFD_SDMA_SUBOP_LINEAR 0

/* Header dword: opcode in bits 0-7, sub-opcode 8-15, packet extras 16-31. */
#define KFD_SDMA_HEADER(op, subop, extra) \
	((uint32_t)(op) | ((uint32_t)(subop) << 8) | ((uint32_t)(extra) << 16))

/*
 * One COPY_LINEAR or CONSTANT_FILL moves at most this much.  The count
 * field has 22 bits and the kernel's own limit is 4 MiB, but kfdtest
 * chunks at 2 MiB (it documents 0x3fffe0 as the hardware maximum on some
 * parts): 2 MiB is safe on every generation and keeps chunks aligned.
 */
#define KFD_SDMA_COPY_MAX_BYTES		SZ_2M
#define KFD_SDMA_FILL_MAX_BYTES		SZ_2M
/* WRITE's count field has 20 bits. */
#define KFD_SDMA_WRITE_MAX_DWORDS	(1u << 20)
/* TRAP's interrupt context has 28 bits (KFD matches event ids on them). */
#define KFD_SDMA_TRAP_CONTEXT_MASK	0x0fffffffu

/* CONSTANT_FILL's fill size, header bits 30-31: 2 fills dwords. */
#define KFD_SDMA_FILL_DWORD		(2u << 30)

/*
 * FENCE header extras for gfx10 and later (kfdtest's NV+ fence): snoop,
 * system memory, MTYPE UC.  gfx9 fences take no extras.
 */
#define KFD_SDMA_FENCE_SYSTEM_UC	((1u << 22) | (1u << 20) | (3u << 16))

/* Dword sizes, for buffer sizing. */
#define KFD_SDMA_WRITE_HEADER_DWORDS	4
#define KFD_SDMA_COPY_DWORDS		7
#define KFD_SDMA_FILL_DWORDS		5
#define KFD_SDMA_FENCE_DWORDS		4
#define KFD_SDMA_TRAP_DWORDS		2

/* @n single-dword NOPs (valid everywhere, unlike a counted burst NOP). */
unsigned int kfd_sdma_nop(uint32_t *out, unsigned int n);
/* WRITE linear of @ndw (1..KFD_SDMA_WRITE_MAX_DWORDS) dwords to @dst. */
unsigned int kfd_sdma_write_linear(uint32_t *out, uint64_t dst, const uint32_t *data,
				   unsigned int ndw);
/* COPY linear of @bytes, as many packets as KFD_SDMA_COPY_MAX_BYTES needs. */
unsigned int kfd_sdma_copy_linear(uint32_t *out, uint64_t dst, uint64_t src, uint64_t bytes);
/* CONSTANT_FILL of @bytes (a multiple of 4) with @value, chunked likewise. */
unsigned int kfd_sdma_const_fill(uint32_t *out, uint64_t dst, uint32_t value, uint64_t bytes);
/* FENCE: writes @value to @addr (4-byte aligned) once what precedes is done. */
unsigned int kfd_sdma_fence(uint32_t *out, uint64_t addr, uint32_t value, uint32_t extras);
/* TRAP: an interrupt carrying @context (an event id for KFD). */
unsigned int kfd_sdma_trap(uint32_t *out, uint32_t context);

/* The FENCE extras a GPU of @gfx_target_version (e.g. 90010) needs. */
uint32_t kfd_sdma_fence_extras(uint32_t gfx_target_version);
