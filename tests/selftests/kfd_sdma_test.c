// SPDX-License-Identifier: MIT
/*
 * lib/kfd's SDMA packets and ring submission, on the host, no device.
 * The expected dwords are written out here from the layouts in
 * shared/reference/amd-uapi-kfdtest-pagesize.md (§1 "SDMA packets", §4
 * "SDMA encodings"), not computed with the library's own macros, so a
 * wrong opcode, field order or N-1 count in the builders fails.
 */
#include <string.h>

#include "igt_core.h"
#include "kfd/kfd_sdma.h"
#include "kfd/kfd_sdma_queue.h"

#define DST 0x0000123456789abcull
#define SRC 0x00007fff00001000ull

static void expect_dwords(const uint32_t *got, unsigned int n_got, const uint32_t *want,
			  unsigned int n_want)
{
	igt_assert_eq_u32(n_got, n_want);
	for (unsigned int i = 0; i < n_want; i++)
		igt_assert_f(got[i] == want[i], "dword %u: %#010x, expected %#010x\n", i, got[i],
			     want[i]);
}

static void test_write(void)
{
	static const uint32_t data[3] = { 0x11111111, 0x22222222, 0x33333333 };
	/* op WRITE(2) sub LINEAR(0); dst lo, hi; count = ndw - 1; the data. */
	static const uint32_t want[] = {
		0x00000002, 0x56789abc, 0x00001234, 2, 0x11111111, 0x22222222, 0x33333333,
	};
	uint32_t got[16];

	expect_dwords(got, kfd_sdma_write_linear(got, DST, data, 3), want, ARRAY_SIZE(want));
	igt_assert_eq_u32(kfd_sdma_write_linear(NULL, DST, data, 3), ARRAY_SIZE(want));
}

static void test_copy(void)
{
	/* op COPY(1) sub LINEAR(0); bytes - 1; params 0; src lo, hi; dst lo, hi. */
	static const uint32_t want[] = {
		0x00000001, 4095, 0, 0x00001000, 0x00007fff, 0x56789abc, 0x00001234,
	};
	uint32_t got[16];

	expect_dwords(got, kfd_sdma_copy_linear(got, DST, SRC, 4096), want, ARRAY_SIZE(want));
}

static void test_fill(void)
{
	/* op CONST_FILL(11), fill size 2 (dwords) in bits 30-31; dst lo, hi; pattern; bytes - 1. */
	static const uint32_t want[] = { 0x8000000b, 0x56789abc, 0x00001234, 0x55aaaa55, 255 };
	uint32_t got[16];

	expect_dwords(got, kfd_sdma_const_fill(got, DST, 0x55aaaa55, 256), want, ARRAY_SIZE(want));
}

static void test_fence_trap_nop(void)
{
	static const uint32_t fence9[] = { 0x00000005, 0x56789abc, 0x00001234, 42 };
	/* gfx10+: snoop (bit 22), system (bit 20), MTYPE UC (3 << 16). */
	static const uint32_t fence10[] = { 0x00530005, 0x56789abc, 0x00001234, 42 };
	static const uint32_t trap[] = { 0x00000006, 0x0abcdef1 };
	static const uint32_t nop[] = { 0, 0, 0 };
	uint32_t got[16];

	expect_dwords(got, kfd_sdma_fence(got, DST, 42, kfd_sdma_fence_extras(90010)), fence9, 4);
	expect_dwords(got, kfd_sdma_fence(got, DST, 42, kfd_sdma_fence_extras(110000)), fence10, 4);
	/* The interrupt context has 28 bits. */
	expect_dwords(got, kfd_sdma_trap(got, 0xfabcdef1), trap, 2);
	memset(got, 0xff, sizeof(got));
	expect_dwords(got, kfd_sdma_nop(got, 3), nop, 3);
}

/* A copy or fill of @bytes: the count of each packet and where it starts. */
struct chunk_case {
	uint64_t bytes;
	unsigned int packets;
	uint32_t last_count;		/* count field of the last packet */
};

static const struct chunk_case chunk_cases[] = {
	{ 2 * 1024 * 1024 - 4, 1, 0x1ffffb },	/* just below the 2 MiB chunk */
	{ 2 * 1024 * 1024, 1, 0x1fffff },	/* exactly one chunk */
	{ 2 * 1024 * 1024 + 4, 2, 3 },		/* one chunk and 4 bytes */
	{ 5 * 1024 * 1024, 3, 0xfffff },	/* 2 + 2 + 1 MiB */
};

static void test_copy_chunks(void)
{
	for (size_t c = 0; c < ARRAY_SIZE(chunk_cases); c++) {
		const struct chunk_case *cc = &chunk_cases[c];
		uint32_t got[7 * 4];
		unsigned int n = kfd_sdma_copy_linear(got, DST, SRC, cc->bytes);

		igt_assert_eq_u32(n, 7 * cc->packets);
		igt_assert_eq_u32(kfd_sdma_copy_linear(NULL, DST, SRC, cc->bytes), n);
		for (unsigned int p = 0; p < cc->packets; p++) {
			const uint32_t *pk = got + 7 * p;
			uint64_t at = (uint64_t)p * 0x200000;
			uint32_t count = p + 1 == cc->packets ? cc->last_count : 0x1fffff;

			igt_assert_eq_u32(pk[0], 0x00000001);
			igt_assert_eq_u32(pk[1], count);
			igt_assert_eq_u64(pk[3] | (uint64_t)pk[4] << 32, SRC + at);
			igt_assert_eq_u64(pk[5] | (uint64_t)pk[6] << 32, DST + at);
		}
	}
}

static void test_fill_chunks(void)
{
	for (size_t c = 0; c < ARRAY_SIZE(chunk_cases); c++) {
		const struct chunk_case *cc = &chunk_cases[c];
		uint32_t got[5 * 4];
		unsigned int n = kfd_sdma_const_fill(got, DST, 7, cc->bytes);

		igt_assert_eq_u32(n, 5 * cc->packets);
		for (unsigned int p = 0; p < cc->packets; p++) {
			const uint32_t *pk = got + 5 * p;
			uint32_t count = p + 1 == cc->packets ? cc->last_count : 0x1fffff;

			igt_assert_eq_u32(pk[0], 0x8000000b);
			igt_assert_eq_u64(pk[1] | (uint64_t)pk[2] << 32, DST + (uint64_t)p * 0x200000);
			igt_assert_eq_u32(pk[3], 7);
			igt_assert_eq_u32(pk[4], count);
		}
	}
}

/* A 64-byte (16-dword) ring on plain memory; the "engine" is this test. */
struct fake_ring {
	uint32_t mem[16];
	volatile uint64_t rptr, wptr, doorbell;
	struct kfd_ring ring;
};

static void fake_ring_init(struct fake_ring *f)
{
	memset(f, 0, sizeof(*f));
	igt_assert_eq(kfd_ring_init(&f->ring, f->mem, sizeof(f->mem), &f->rptr, &f->wptr,
				    &f->doorbell), 0);
}

static void test_ring_wrap(void)
{
	uint32_t a[10], b[10];
	struct fake_ring f;

	for (int i = 0; i < 10; i++) {
		a[i] = 0xa0 + i;
		b[i] = 0xb0 + i;
	}
	fake_ring_init(&f);
	igt_assert(kfd_ring_idle(&f.ring));
	igt_assert_eq(kfd_ring_submit(&f.ring, a, 10, 10), 0);
	/* wptr and doorbell both carry the byte offset. */
	igt_assert_eq_u64(f.wptr, 40);
	igt_assert_eq_u64(f.doorbell, 40);
	igt_assert(!kfd_ring_idle(&f.ring));
	igt_assert_eq(kfd_ring_wait_idle(&f.ring, 10), -ETIME);
	/* No room for 10 more until the engine reads: the wait times out. */
	igt_assert_eq(kfd_ring_submit(&f.ring, b, 10, 10), -ETIME);
	igt_assert_eq_u64(f.wptr, 40);

	f.rptr = 40;	/* consumed */
	igt_assert_eq(kfd_ring_wait_idle(&f.ring, 10), 0);
	igt_assert_eq(kfd_ring_submit(&f.ring, b, 10, 10), 0);
	/* Dwords 10..15 then 0..3: the packet wraps at the ring's end. */
	for (int i = 0; i < 6; i++)
		igt_assert_eq_u32(f.mem[10 + i], b[i]);
	for (int i = 6; i < 10; i++)
		igt_assert_eq_u32(f.mem[i - 6], b[i]);
	igt_assert_eq_u32(f.mem[4], a[4]);	/* not overwritten */
	/* The pointer keeps counting bytes past the ring size. */
	igt_assert_eq_u64(f.wptr, 80);
	igt_assert_eq_u64(f.doorbell, 80);
	/* An engine that reports its read pointer wrapped is idle as well. */
	f.rptr = 80 & 63;
	igt_assert(kfd_ring_idle(&f.ring));
	f.rptr = 80;
	igt_assert(kfd_ring_idle(&f.ring));
}

static void test_ring_limits(void)
{
	uint32_t dw[16] = { 0 };
	struct fake_ring f;

	fake_ring_init(&f);
	/* One dword always stays free: 15 fit, 16 never can. */
	igt_assert_eq_u32(kfd_ring_space(&f.ring), 60);
	igt_assert_eq(kfd_ring_submit(&f.ring, dw, 16, 10), -E2BIG);
	igt_assert_eq(kfd_ring_submit(&f.ring, dw, 15, 10), 0);
	igt_assert_eq_u32(kfd_ring_space(&f.ring), 0);
	igt_assert_eq(kfd_ring_submit(&f.ring, dw, 1, 10), -ETIME);
	igt_assert_eq(kfd_ring_init(&f.ring, f.mem, 48, &f.rptr, &f.wptr, &f.doorbell), -EINVAL);
}

igt_main
{
	igt_subtest("packet-write")
		test_write();
	igt_subtest("packet-copy")
		test_copy();
	igt_subtest("packet-fill")
		test_fill();
	igt_subtest("packet-fence-trap-nop")
		test_fence_trap_nop();
	igt_subtest("copy-chunks")
		test_copy_chunks();
	igt_subtest("fill-chunks")
		test_fill_chunks();
	igt_subtest("ring-wrap")
		test_ring_wrap();
	igt_subtest("ring-limits")
		test_ring_limits();
}
