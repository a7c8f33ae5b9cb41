// SPDX-License-Identifier: MIT
/*
 * lib/kfd's CWSR and EOP sizes (kfd_cwsr.c) against values worked out by
 * hand from 7.3.4's kfd_queue_ctx_save_restore_size for a few topologies:
 * gfx9 (wave count bounded by the shader arrays), gfx 10.3 (12-byte wave
 * entries, the 0x7000 cap), gfx 12.5 (LDS from the topology), two XCCs,
 * Tonga's 32K EOP, a 64K page; and the nodes it refuses.
 */
#include <errno.h>

#include "igt_core.h"
#include "kfd/kfd_cwsr.h"
#include "util.h"

static const struct {
	const char *what;
	struct kfd_node node;
	size_t page;
	struct kfd_cwsr_sizes want;
} cases[] = {
	{ "gfx 9.0.10, 104 CUs", { .gfx_target_version = 90010, .simd_count = 208, .simd_per_cu = 2,
	  .array_count = 8, .simd_arrays_per_engine = 1, .num_xcc = 1 }, 4096,
	  { .waves = 4096, .ctl_stack_bytes = 32816, .wg_data_bytes = 63471616, .ctl_stack = 36864,
	    .wg_data = 63471616, .cwsr = 63508480, .debug_memory = 131072, .eop = 4096,
	    .num_xcc = 1 } },
	{ "the same at 64K pages", { .gfx_target_version = 90010, .simd_count = 208,
	  .simd_per_cu = 2, .array_count = 8, .simd_arrays_per_engine = 1 }, 65536,
	  { .waves = 4096, .ctl_stack_bytes = 32816, .wg_data_bytes = 63471616, .ctl_stack = 36864,
	    .wg_data = 63471616, .cwsr = 63569920, .debug_memory = 131072, .eop = 4096,
	    .num_xcc = 1 } },
	{ "gfx 10.3, 80 CUs: the control stack capped", { .gfx_target_version = 100300,
	  .simd_count = 160, .simd_per_cu = 2, .array_count = 8, .simd_arrays_per_engine = 2,
	  .num_xcc = 1 }, 4096,
	  { .waves = 2560, .ctl_stack_bytes = 30768, .wg_data_bytes = 27852800, .ctl_stack = 0x7000,
	    .wg_data = 27852800, .cwsr = 27881472, .debug_memory = 81920, .eop = 4096,
	    .num_xcc = 1 } },
	{ "gfx 12.5, 32 CUs, 320 KiB LDS", { .gfx_target_version = 120500, .simd_count = 64,
	  .simd_per_cu = 2, .array_count = 4, .simd_arrays_per_engine = 1, .lds_size_in_kb = 320,
	  .num_xcc = 1 }, 4096,
	  { .waves = 2048, .ctl_stack_bytes = 24624, .wg_data_bytes = 29360128, .ctl_stack = 28672,
	    .wg_data = 29360128, .cwsr = 29388800, .debug_memory = 65536, .eop = 4096,
	    .num_xcc = 1 } },
	{ "gfx 9.4.2, two XCCs of 152 CUs", { .gfx_target_version = 90402, .simd_count = 608,
	  .simd_per_cu = 2, .array_count = 16, .simd_arrays_per_engine = 1, .num_xcc = 2 }, 4096,
	  { .waves = 6080, .ctl_stack_bytes = 48688, .wg_data_bytes = 92766208, .ctl_stack = 49152,
	    .wg_data = 92766208, .cwsr = 92815360, .debug_memory = 194560, .eop = 4096,
	    .num_xcc = 2 } },
	{ "Tonga, 8 CUs: a 32K EOP", { .gfx_target_version = 80002, .simd_count = 32,
	  .simd_per_cu = 4, .array_count = 4, .simd_arrays_per_engine = 1, .num_xcc = 1 }, 4096,
	  { .waves = 320, .ctl_stack_bytes = 2608, .wg_data_bytes = 2785280, .ctl_stack = 4096,
	    .wg_data = 2785280, .cwsr = 2789376, .debug_memory = 10240, .eop = 0x8000,
	    .num_xcc = 1 } },
};

#define FIELD(f) igt_assert_f(got.f == c->want.f, "%s: " #f " %u, want %u\n", c->what, got.f, \
			      c->want.f)

static void test_sizes(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const typeof(cases[0]) *c = &cases[i];
		struct kfd_cwsr_sizes got;

		igt_assert_eq(kfd_node_cwsr_sizes(&c->node, c->page, &got), 0);
		FIELD(waves);
		FIELD(ctl_stack_bytes);
		FIELD(wg_data_bytes);
		FIELD(ctl_stack);
		FIELD(wg_data);
		FIELD(cwsr);
		FIELD(debug_memory);
		FIELD(eop);
		FIELD(num_xcc);
	}
}

static void test_refused(void)
{
	struct kfd_node node = { .gfx_target_version = 70000, .simd_count = 32, .simd_per_cu = 4,
				 .array_count = 4, .simd_arrays_per_engine = 1 };
	struct kfd_cwsr_sizes got;

	igt_assert_eq(kfd_node_cwsr_sizes(&node, 4096, &got), -EOPNOTSUPP);	/* no CWSR */
	node.gfx_target_version = 130000;
	igt_assert_eq(kfd_node_cwsr_sizes(&node, 4096, &got), -EOPNOTSUPP);	/* rule unknown */
	node.gfx_target_version = 90010;
	node.simd_per_cu = 0;
	igt_assert_eq(kfd_node_cwsr_sizes(&node, 4096, &got), -EINVAL);
	node.simd_per_cu = 4;
	node.simd_count = 0;
	igt_assert_eq(kfd_node_cwsr_sizes(&node, 4096, &got), -EINVAL);	/* no CUs, no waves */
}

igt_main
{
	igt_subtest("sizes")
		test_sizes();
	igt_subtest("refused")
		test_refused();
}
