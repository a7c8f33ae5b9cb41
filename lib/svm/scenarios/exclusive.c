/* SPDX-License-Identifier: MIT */
/*
 * Exclusive (atomic) device access: the device takes pages for itself so
 * that it can operate on them atomically; any CPU access, read or write,
 * must take them back, and no data may be lost on the way.
 */
#include <errno.h>
#include <string.h>

#include "../svm_scenario.h"
#include "themes.h"

/**
 * SUBTEST: exclusive-revoke-%s
 * Description: The device takes exclusive access to %arg[1] and holds it
 *   until the CPU touches the pages: reading some and writing the others
 *   revokes it for all, and the CPU and the device see the right data.
 *   Skips where the kernel refuses exclusive access to huge pages.
 * Functionality: exclusive access, atomics, cpu fault
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 */
static void exclusive_revoke_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	size_t ps = ctx->page_size, npages = scn_npages(ctx, buf->size);
	char *p = buf->ptr, *want = scn_scratch(buf->size), *other = scn_scratch(buf->size);
	volatile char sink;
	int ret;

	svm_buf_fill(p, buf->size, SEED_CPU);
	svm_buf_fill(want, buf->size, SEED_CPU);
	svm_buf_fill(other, buf->size, SEED_CPU + 1);
	ret = __svm_make_exclusive(ctx->dev, p, buf->size);
	/*
	 * Linux 6.12's make_device_exclusive_range() leaves out the pages of a
	 * large folio (a PTE-mapped THP still is one) and says so by their
	 * NULL page; test_hmm turns that into EBUSY.  A documented limit of
	 * that kernel, not lost data: skip, naming it.
	 */
	igt_require_f(!(ret == -EBUSY && scn_has(ctx, SVM_MEM_PROP_HUGE)),
		      "this kernel refuses exclusive access to pages of a huge page "
		      "(make_device_exclusive_range() skips large folios): EBUSY\n");
	igt_assert_f(ret == 0, "make_exclusive: %s\n", strerror(-ret));
	igt_assert_eq(__svm_check_exclusive(ctx->dev, p, buf->size), -EPERM);

	/* Even pages are read, odd pages written, by the CPU. */
	for (size_t i = 0; i < npages; i++) {
		if (i & 1) {
			memcpy(p + i * ps, other + i * ps, ps);
			memcpy(want + i * ps, other + i * ps, ps);
		} else {
			sink = p[i * ps + 7];
		}
	}
	(void)sink;
	igt_assert_eq(__svm_check_exclusive(ctx->dev, p, buf->size), 0);
	scn_check_same(p, want, buf->size, "CPU after revoking");
	scn_gpu_check_same(ctx->dev, p, want, buf->size, "device after revoking");
}

const struct svm_scenario svm_scenarios_exclusive[] = {
	{ .name = "exclusive-revoke", .needs = SVM_CAP_GPU_READ | SVM_CAP_EXCLUSIVE,
	  .kinds = SCN_KINDS_ANON, .with_buf = exclusive_revoke_body },
};
const unsigned int svm_num_scenarios_exclusive = ARRAY_SIZE(svm_scenarios_exclusive);
