/* SPDX-License-Identifier: MIT */
/**
 * TEST: amdkfd SVM: the kfdtest SVM cases, the SVM ioctl's argument checks and attribute rules
 * Category: Core
 * Mega feature: SVM
 * Sub-category: amdkfd
 * Description: Every SVM case of ROCm's kfdtest (KFDSVMRangeTest,
 *   KFDSVMEvictTest and the newer partial-page and re-grant cases) as IGT
 *   subtests, each under both XNACK modes (suffix -xnack-off / -xnack-on:
 *   the group sets the mode with SET_XNACK_MODE before any queue exists and
 *   restores the process's original mode after), plus what kfdtest lacks,
 *   every argument check of the SVM ioctl with its errno, attribute
 *   persistence and reset, GET intersection, cross-process isolation and
 *   the SMI events of SVM.  GPU work goes through an SDMA queue (lib/kfd)
 *   where kfdtest dispatches PM4 compute shaders.  Skips: no SVM capability
 *   or KFD < 1.5, gfx < 9, no VRAM, one GPU, XNACK cannot switch, KFD <
 *   1.10 for SMI, and the other mode's group when HSA_XNACK pins one.
 * Functionality: kfd, svm, xnack
 * Test requirement: /dev/kfd with the SVM API (KFD uAPI 1.5), a gfx9+ GPU
 * Scenario catalog: kfd_svm_gpu.c, lib/svm/scenarios
 * Catalog variants:
 * @xnack-off: retry faults off: ranges are mapped before the device runs
 * @xnack-on: retry faults on: the device faults pages in
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_core.h"
#include "igt_defer.h"
#include "kfd/kfd_backend.h"
#include "kfd/kfd_device.h"
#include "kfd/kfd_ioctl.h"
#include "kfd/kfd_sdma_queue.h"
#include "kfd/kfd_smi.h"
#include "kfd/kfd_svm_range.h"
#include "kfd_svm.h"
#include "svm/svm_catalog.h"
#include "util.h"

IGT_TEST_DESCRIPTION("kfdtest's SVM cases under both XNACK modes, and the SVM ioctl's checks.");

struct kfd_svm_ctx kctx;

/* The mode the process had before any group changed it (SVMRestoreXNACKMode). */
static int original_xnack = -1;

#define ACCESS	KFD_IOCTL_SVM_ATTR_ACCESS
#define AIP	KFD_IOCTL_SVM_ATTR_ACCESS_IN_PLACE
#define NOACC	KFD_IOCTL_SVM_ATTR_NO_ACCESS
#define PREF	KFD_IOCTL_SVM_ATTR_PREFERRED_LOC
#define PFCH	KFD_IOCTL_SVM_ATTR_PREFETCH_LOC
#define SETF	KFD_IOCTL_SVM_ATTR_SET_FLAGS
#define CLRF	KFD_IOCTL_SVM_ATTR_CLR_FLAGS
#define GRAN	KFD_IOCTL_SVM_ATTR_GRANULARITY
#define UNDEF	KFD_IOCTL_SVM_LOCATION_UNDEFINED
#define SYSMEM	KFD_IOCTL_SVM_LOCATION_SYSMEM

/* ---- tracked resources ------------------------------------------------- */

void *kfd_test_map(uint64_t size)
{
	return igt_mmap_tracked(NULL, size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
}

static int release_queue(uint64_t q, uint64_t unused)
{
	(void)unused;
	return __kfd_sdma_queue_destroy((struct kfd_sdma_queue *)(uintptr_t)q);
}

int kfd_test_queue_release(struct kfd_sdma_queue *q)
{
	return __igt_release(release_queue, (uintptr_t)q, 0);
}

struct kfd_sdma_queue *kfd_test_queue(struct kfd_device *dev, struct kfd_gpu *gpu)
{
	struct kfd_sdma_queue *q;
	int ret = __kfd_sdma_queue_create(dev, gpu, 0, &q);

	igt_assert_f(ret == 0, "SDMA queue on GPU %#x: %s\n", gpu->gpu_id, strerror(-ret));
	/* A queue blocks SET_XNACK_MODE: it must not outlive the subtest. */
	igt_defer(release_queue, (uintptr_t)q, 0);
	return q;
}

static int release_smi(uint64_t smi, uint64_t unused)
{
	(void)unused;
	kfd_smi_close((struct kfd_smi *)(uintptr_t)smi);
	return 0;
}

struct kfd_smi *kfd_test_smi(struct kfd_device *dev, struct kfd_gpu *gpu)
{
	struct kfd_smi *smi;
	int ret = __kfd_smi_open(dev, gpu->gpu_id, &smi);

	igt_assert_f(ret == 0, "SMI events of GPU %#x: %s\n", gpu->gpu_id, strerror(-ret));
	igt_defer(release_smi, (uintptr_t)smi, 0);
	ret = __kfd_smi_enable(smi, kfd_smi_mask_upto(KFD_SMI_EVENT_UNMAP_FROM_GPU));
	igt_assert_f(ret == 0, "SMI event mask: %s\n", strerror(-ret));
	return smi;
}

struct kfd_device *kfd_test_child_open(void)
{
	struct kfd_device *dev;
	int ret = __kfd_device_open_default(&dev);

	igt_assert_f(ret == 0, "child: bringing up its own KFD process: %s\n", strerror(-ret));
	ret = __kfd_xnack_set(dev->fd, kctx.xnack);
	igt_assert_f(ret == 0, "child: SET_XNACK_MODE(%d): %s\n", kctx.xnack, strerror(-ret));
	return dev;
}

/* ---- requirements ------------------------------------------------------ */

static void open_kfd(void)
{
	int ret = __kfd_device_open_default(&kctx.dev);

	igt_require_f(ret != -ENODEV && ret != -ENOENT, "no /dev/kfd with a GPU\n");
	igt_assert_f(ret == 0, "bringing up a KFD process: %s\n", strerror(-ret));
	kctx.fd = kctx.dev->fd;
	kctx.gpu = &kctx.dev->gpus[0];
	kctx.page = kctx.dev->page_size;
	for (int i = 0; i < kctx.dev->num_gpus; i++)
		kctx.vram[i] = kfd_node_vram_size(kctx.dev->gpus[i].node);
	igt_require_f(kfd_device_has_svm(kctx.dev), "KFD %u.%u < 1.5: no SVM API\n",
		      kctx.dev->major, kctx.dev->minor);
	igt_require_f(kfd_topology_all_svm(&kctx.dev->topo),
		      "no SVM capability (HSA_CAP_SVMAPI_SUPPORTED) on every GPU\n");
	igt_require_f(kctx.gpu->node->gfx_target_version >= 90000,
		      "gfx < 9 (gfx_target_version %u): no SVM in kfdtest's sense\n",
		      kctx.gpu->node->gfx_target_version);
	ret = __kfd_xnack_query(kctx.fd, &original_xnack);
	igt_assert_f(ret == 0, "SET_XNACK_MODE(query): %s\n", strerror(-ret));
}

static void close_kfd(int sig)
{
	(void)sig;
	kfd_device_close(kctx.dev);
	kctx.dev = NULL;
}

/* The group's fixture: switch with no queue alive (EBUSY otherwise). */
static void enter_xnack(bool on)
{
	const char *pinned = getenv("HSA_XNACK");
	int ret;

	/* ROCm's override: kfdtest runs both instantiations in that mode; here the other skips. */
	igt_require_f(!pinned || (atoi(pinned) != 0) == on, "HSA_XNACK=%s pins XNACK %s\n", pinned,
		      on ? "off" : "on");
	ret = __kfd_xnack_set(kctx.fd, on);

	igt_require_f(!(on && ret == -EPERM), "XNACK cannot switch to on on this GPU\n");
	igt_require_f(ret != -EPERM, "XNACK cannot switch to off on this GPU\n");
	igt_assert_f(ret == 0, "SET_XNACK_MODE(%d): %s\n", on, strerror(-ret));
	kctx.xnack = on;
}

static void restore_xnack(void)
{
	int ret = __kfd_xnack_set(kctx.fd, original_xnack);

	igt_assert_f(ret == 0, "restoring XNACK mode %d: %s\n", original_xnack, strerror(-ret));
}

static void require_needs(unsigned int needs)
{
	if (needs & NEEDS_VRAM)
		igt_require_f(kctx.vram[0], "no VRAM on GPU %#x\n",
			      kctx.gpu->gpu_id);
	if (needs & NEEDS_DGPU)
		igt_require_f(kctx.vram[0], "an APU (GPU %#x has no VRAM)\n",
			      kctx.gpu->gpu_id);
	if (needs & NEEDS_2GPUS)
		igt_require_f(kctx.dev->num_gpus >= 2, "one GPU: needs two SVM GPUs\n");
	if (needs & NEEDS_SMI)
		igt_require_f(kfd_device_has_smi_profiler(kctx.dev),
			      "KFD %u.%u < 1.10: no SMI profiler events\n", kctx.dev->major,
			      kctx.dev->minor);
}

/* ---- small checks -------------------------------------------------------- */

static uint32_t default_granularity(void)
{
	/* A module parameter can change it (the RS kfdtest skips the check for that). */
	FILE *f = fopen("/sys/module/amdgpu/parameters/svm_default_granularity", "r");
	unsigned int g = KFD_SVM_GRANULARITY_DEFAULT;

	if (f) {
		if (fscanf(f, "%u", &g) != 1)
			g = KFD_SVM_GRANULARITY_DEFAULT;
		fclose(f);
	}
	return g;
}

static void expect_attr(void *p, uint64_t size, uint32_t type, uint32_t in, uint32_t want,
			const char *what)
{
	uint32_t got = kfd_svm_get1(kctx.fd, p, size, type, in);

	igt_assert_f(got == want, "%s: GET %s over %p+%#" PRIx64 " is %#x, expected %#x\n", what,
		     kfd_svm_attr_name(type), p, size, got, want);
}

static void expect_access(void *p, uint64_t size, uint32_t gpu_id, uint32_t want,
			  const char *what)
{
	uint32_t got = kfd_svm_get_access(kctx.fd, p, size, gpu_id);

	igt_assert_f(got == want, "%s: GPU %#x's access over %p+%#" PRIx64 " is %s, expected %s\n",
		     what, gpu_id, p, size, kfd_svm_attr_name(got), kfd_svm_attr_name(want));
}

/* What a range nobody registered reads as, in this group's mode. */
static void expect_defaults(struct kfd_device *dev, void *p, uint64_t size, bool xnack,
			    const char *what)
{
	struct kfd_ioctl_svm_attribute a[] = {
		{ PREF, 0 }, { PFCH, 0 }, { SETF, 0 }, { GRAN, 0 }, { ACCESS, dev->gpus[0].gpu_id },
	};

	kfd_svm_get(dev->fd, (uintptr_t)p, size, a, ARRAY_SIZE(a));
	igt_assert_f(a[0].value == UNDEF, "%s: PREFERRED_LOC %#x, expected UNDEFINED\n", what,
		     a[0].value);
	igt_assert_f(a[1].value == UNDEF, "%s: PREFETCH_LOC %#x, expected UNDEFINED\n", what,
		     a[1].value);
	igt_assert_f(a[2].value == KFD_SVM_FLAGS_DEFAULT, "%s: flags %#x, expected HOST_ACCESS|COHERENT\n",
		     what, a[2].value);
	igt_assert_f(a[3].value == default_granularity(), "%s: granularity %u, expected %u\n", what,
		     a[3].value, default_granularity());
	igt_assert_f(a[4].type == (xnack ? ACCESS : NOACC),
		     "%s: access %s, expected %s with XNACK %s\n", what, kfd_svm_attr_name(a[4].type),
		     xnack ? "ACCESS" : "NO_ACCESS", xnack ? "on" : "off");
}

/* A VA range that was just unmapped, so no VMA covers it. */
static char *hole(uint64_t size)
{
	char *p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	igt_assert_eq(munmap(p, size), 0);
	return p;
}

/* ---- kfdtest KFDSVMRangeTest: attribute cases ---------------------------- */

/**
 * SUBTEST: set-get-attributes-%s
 * Description: A fresh one-page range reads the defaults (no preferred or
 *   prefetch location, HOST_ACCESS|COHERENT, granularity 9 unless the module
 *   parameter says otherwise, access only with XNACK on); after a SET of
 *   every attribute, GET returns exactly the values set
 *   (kfdtest: KFDSVMRangeTest.SetGetAttributesTest), in %arg[1]
 *
 * arg[1]:
 * @xnack-off: XNACK off
 * @xnack-on:  XNACK on
 */
static void set_get_attributes(void)
{
	uint32_t gpu = kctx.gpu->gpu_id;
	uint32_t flags = KFD_IOCTL_SVM_FLAG_HOST_ACCESS | KFD_IOCTL_SVM_FLAG_GPU_EXEC |
			 KFD_IOCTL_SVM_FLAG_COHERENT;
	char *p = kfd_test_map(kctx.page);
	struct kfd_ioctl_svm_attribute set[] = {
		{ PFCH, gpu }, { PREF, gpu }, { SETF, flags }, { GRAN, 0x3f }, { ACCESS, gpu },
	};
	struct kfd_ioctl_svm_attribute get[] = {
		{ PFCH, 0 }, { PREF, 0 }, { SETF, 0 }, { GRAN, 0 }, { ACCESS, gpu },
	};

	expect_defaults(kctx.dev, p, kctx.page, kctx.xnack, "fresh range");
	/* Prefetch to a GPU of an APU still records the location. */
	kfd_svm_set(kctx.fd, (uintptr_t)p, kctx.page, set, ARRAY_SIZE(set));
	kfd_svm_get(kctx.fd, (uintptr_t)p, kctx.page, get, ARRAY_SIZE(get));
	igt_assert_eq_u32(get[0].value, gpu);
	igt_assert_eq_u32(get[1].value, gpu);
	igt_assert_eq_u32(get[2].value, flags);
	igt_assert_eq_u32(get[3].value, 0x3f);
	igt_assert_f(get[4].type == ACCESS, "access %s after SET ACCESS\n",
		     kfd_svm_attr_name(get[4].type));
}

/**
 * SUBTEST: invalid-range-%s
 * Description: Registering a range no VMA covers fails with EFAULT
 *   (kfdtest: KFDSVMRangeTest.InvalidRangeTest, which uses the fixed address
 *   0x10000; here a hole just unmapped, so the address is surely free), in
 *   %arg[1]
 *
 * arg[1]:
 * @xnack-off: XNACK off
 * @xnack-on:  XNACK on
 */
static void invalid_range(void)
{
	char *p = hole(kctx.page);
	int ret = __kfd_svm_register(kctx.fd, p, kctx.page, SYSMEM, KFD_SVM_FLAGS_DEFAULT,
				     kctx.gpu->gpu_id);

	igt_assert_f(ret == -EFAULT, "registering unmapped %p: %s, expected EFAULT\n", p,
		     strerror(-ret));
}

/*
 * kfdtest's SplitRangeTest patterns over 16 pages: a first registration,
 * then a second that overlaps it another way each time.  The second uses
 * granularity 3, the first 5, so GET page by page shows where each range
 * ended up: the split must leave every page with the attributes of the
 * last SET that covered it.
 */
struct split_case {
	const char *name;
	int first[2][2];	/* up to two [start, end) in pages; end 0: none */
	int second[2];
};

static const struct split_case split_cases[] = {
	{ "1 inside", { { 0, 16 } }, { 4, 8 } },
	{ "2.1 overlap tail", { { 0, 8 } }, { 4, 12 } },
	{ "2.2 overlap head", { { 8, 16 } }, { 4, 12 } },
	{ "3 cover", { { 4, 8 } }, { 0, 16 } },
	{ "4.1 fill gaps", { { 0, 4 }, { 8, 12 } }, { 0, 16 } },
	{ "4.2 bridge", { { 4, 8 }, { 12, 16 } }, { 2, 14 } },
	{ "5 same head", { { 0, 16 } }, { 0, 4 } },
};

static void split_register(char *base, int start, int end, uint32_t loc, uint32_t gran)
{
	char *p = base + start * kctx.page;
	uint64_t size = (uint64_t)(end - start) * kctx.page;

	kfd_svm_register(kctx.fd, p, size, loc, KFD_SVM_FLAGS_DEFAULT, kctx.gpu->gpu_id);
	kfd_svm_set_granularity(kctx.fd, p, size, gran);
}

static void split_range_test(uint32_t loc)
{
	for (size_t c = 0; c < ARRAY_SIZE(split_cases); c++) {
		const struct split_case *sc = &split_cases[c];
		char *base = kfd_test_map(16 * kctx.page);

		for (int i = 0; i < 2 && sc->first[i][1]; i++)
			split_register(base, sc->first[i][0], sc->first[i][1], loc, 5);
		split_register(base, sc->second[0], sc->second[1], loc, 3);
		for (int pg = 0; pg < 16; pg++) {
			bool in_first = false, in_second = pg >= sc->second[0] && pg < sc->second[1];
			uint32_t want;

			for (int i = 0; i < 2; i++)
				in_first |= pg >= sc->first[i][0] && pg < sc->first[i][1];
			want = in_second ? 3 : in_first ? 5 : default_granularity();
			expect_attr(base + pg * kctx.page, kctx.page, GRAN, 0, want, sc->name);
			if (in_first || in_second)
				expect_attr(base + pg * kctx.page, kctx.page, PREF, 0, loc, sc->name);
		}
		igt_assert_eq(__igt_munmap_tracked(base, 16 * kctx.page), 0);
	}

	/* 6: unregister after free: the pages left either side stay usable. */
	char *base = kfd_test_map(16 * kctx.page);

	split_register(base, 0, 16, loc, 5);
	igt_assert_eq(munmap(base + 4 * kctx.page, 4 * kctx.page), 0);
	split_register(base, 0, 4, loc, 3);
	split_register(base, 8, 16, loc, 3);
	igt_assert_eq(__kfd_svm_register(kctx.fd, base, 16 * kctx.page, loc, KFD_SVM_FLAGS_DEFAULT,
					 kctx.gpu->gpu_id), -EFAULT);
	expect_attr(base, 4 * kctx.page, GRAN, 0, 3, "6 after free");
	expect_attr(base + 8 * kctx.page, 8 * kctx.page, GRAN, 0, 3, "6 after free");
}

/**
 * SUBTEST: split-system-range-%s
 * Description: Overlapping registrations of system-memory ranges in
 *   kfdtest's patterns (inside, overlapping either end, covering, filling
 *   gaps, bridging, a shared head, registration after a partial munmap)
 *   split the ranges so that every page keeps the attributes of the last
 *   SET that covered it (kfdtest: KFDSVMRangeTest.SplitSystemRangeTest,
 *   which only checks that nothing fails), in %arg[1]
 *
 * arg[1]:
 * @xnack-off: XNACK off
 * @xnack-on:  XNACK on
 */
static void split_system_range(void)
{
	split_range_test(SYSMEM);
}

/**
 * SUBTEST: split-vram-range-%s
 * Description: The split patterns of split-system-range with the ranges
 *   prefetched to VRAM (kfdtest: KFDSVMRangeTest.SplitVramRangeTest), in
 *   %arg[1]
 *
 * arg[1]:
 * @xnack-off: XNACK off
 * @xnack-on:  XNACK on
 */
static void split_vram_range(void)
{
	split_range_test(kctx.gpu->gpu_id);
}

/**
 * SUBTEST: prefetch-%s
 * Description: GET PREFETCH_LOC of a freed range fails (EFAULT); a range
 *   registered in system memory reports 0; after prefetching its second
 *   half to the GPU, that half reports the GPU and the whole range
 *   UNDEFINED (mixed) (kfdtest: KFDSVMRangeTest.PrefetchTest), in %arg[1]
 *
 * arg[1]:
 * @xnack-off: XNACK off
 * @xnack-on:  XNACK on
 */
static void prefetch(void)
{
	uint64_t size = 16 * kctx.page;
	char *p = kfd_test_map(size);
	uint32_t v;

	kfd_svm_register(kctx.fd, p, size, SYSMEM, KFD_SVM_FLAGS_DEFAULT, kctx.gpu->gpu_id);
	igt_assert_eq(__igt_munmap_tracked(p, size), 0);
	igt_assert_eq(__kfd_svm_get1(kctx.fd, p, size, PFCH, 0, &v), -EFAULT);

	p = kfd_test_map(size);
	kfd_svm_register(kctx.fd, p, size, SYSMEM, KFD_SVM_FLAGS_DEFAULT, kctx.gpu->gpu_id);
	expect_attr(p, size, PFCH, 0, SYSMEM, "registered in system memory");
	kfd_svm_prefetch(kctx.fd, p + size / 2, size / 2, kctx.gpu->gpu_id);
	expect_attr(p + size / 2, size / 2, PFCH, 0, kctx.gpu->gpu_id, "prefetched half");
	expect_attr(p, size / 2, PFCH, 0, SYSMEM, "other half");
	expect_attr(p, size, PFCH, 0, UNDEF, "whole range, mixed");
}

/* Registers @n ranges of @chunk prefetched to VRAM; all must succeed. */
static void overcommit(uint64_t chunk, uint64_t n)
{
	uint64_t total = chunk * n;
	char *p = kfd_test_map(total);

	for (uint64_t i = 0; i < n; i++) {
		int ret = __kfd_svm_register(kctx.fd, p + i * chunk, chunk, kctx.gpu->gpu_id,
					     KFD_SVM_FLAGS_DEFAULT, kctx.gpu->gpu_id);

		igt_assert_f(ret == 0, "range %" PRIu64 " of %" PRIu64 " (%" PRIu64 " MiB each, VRAM %" PRIu64
			     " MiB): %s\n", i, n, chunk >> 20, kctx.vram[0] >> 20,
			     strerror(-ret));
	}
}

/**
 * SUBTEST: vram-overcommit-%s
 * Description: 512 MiB ranges (at most a quarter of VRAM) prefetched to
 *   VRAM, VRAM + 1 GiB in all (+ VRAM when that is smaller), are all
 *   registered (KFD evicts SVM ranges to system memory) (kfdtest:
 *   KFDSVMRangeTest.VramOvercommitTest), in %arg[1]
 *
 * arg[1]:
 * @xnack-off: XNACK off
 * @xnack-on:  XNACK on
 */
static void vram_overcommit(void)
{
	uint64_t chunk = min_u64(512 * SZ_1M, align_up(kctx.vram[0] / 4, SZ_2M));
	uint64_t total = kctx.vram[0] + kfd_test_overcommit(kctx.vram[0]);

	overcommit(chunk, (total + chunk - 1) / chunk);
}

/**
 * SUBTEST: vram-overcommit-giant-range-%s
 * Description: One range of VRAM + 1 GiB (+ VRAM when that is smaller)
 *   prefetched to VRAM is registered
 *   (KFD splits it internally) (kfdtest:
 *   KFDSVMRangeTest.VramOvercommitGiantRangeTest), in %arg[1]
 *
 * arg[1]:
 * @xnack-off: XNACK off
 * @xnack-on:  XNACK on
 */
static void vram_overcommit_giant_range(void)
{
	overcommit(align_up(kctx.vram[0], SZ_2M) + kfd_test_overcommit(kctx.vram[0]), 1);
}

/**
 * SUBTEST: partial-page-not-revoked-%s
 * Description: Revocation works on whole pages only: revoking (NO_ACCESS)
 *   the page next to a co-tenant's page leaves the co-tenant's access, and
 *   revoking a whole page gives NO_ACCESS.  At the ioctl level this is what
 *   libhsakmt relies on when it keeps a partly deregistered page mapped
 *   (kfdtest: SVMApiPartialPageNotRevoked, which checks libhsakmt's
 *   decision with GET ACCESS), in %arg[1]
 *
 * arg[1]:
 * @xnack-off: XNACK off
 * @xnack-on:  XNACK on
 */
static void partial_page_not_revoked(void)
{
	uint32_t gpu = kctx.gpu->gpu_id;
	char *p = kfd_test_map(2 * kctx.page);

	kfd_svm_register(kctx.fd, p, 2 * kctx.page, SYSMEM, KFD_SVM_FLAGS_DEFAULT, gpu);
	kfd_svm_set1(kctx.fd, p + kctx.page, kctx.page, NOACC, gpu);
	expect_access(p, kctx.page, gpu, ACCESS, "co-tenant page");
	expect_access(p + kctx.page, kctx.page, gpu, NOACC, "revoked page");
	expect_access(p, 2 * kctx.page, gpu, NOACC, "both pages");
}

/**
 * SUBTEST: register-regrant-%s
 * Description: Register, deregister (NO_ACCESS), register the same VA
 *   again, and access is granted again (kfdtest: SVMApiRegisterReGrant), in
 *   %arg[1]
 *
 * arg[1]:
 * @xnack-off: XNACK off
 * @xnack-on:  XNACK on
 */
static void register_regrant(void)
{
	uint32_t gpu = kctx.gpu->gpu_id;
	char *p = kfd_test_map(4 * kctx.page);

	kfd_svm_register(kctx.fd, p, 4 * kctx.page, SYSMEM, KFD_SVM_FLAGS_DEFAULT, gpu);
	expect_access(p, 4 * kctx.page, gpu, ACCESS, "registered");
	kfd_svm_set1(kctx.fd, p, 4 * kctx.page, NOACC, gpu);
	expect_access(p, 4 * kctx.page, gpu, NOACC, "deregistered");
	kfd_svm_register(kctx.fd, p, 4 * kctx.page, SYSMEM, KFD_SVM_FLAGS_DEFAULT, gpu);
	expect_access(p, 4 * kctx.page, gpu, ACCESS, "registered again");
}

/* ---- what kfdtest lacks: attribute rules ----------------------------------- */

static const uint32_t all_flags[] = {
	KFD_IOCTL_SVM_FLAG_HOST_ACCESS, KFD_IOCTL_SVM_FLAG_COHERENT, KFD_IOCTL_SVM_FLAG_HIVE_LOCAL,
	KFD_IOCTL_SVM_FLAG_GPU_RO, KFD_IOCTL_SVM_FLAG_GPU_EXEC, KFD_IOCTL_SVM_FLAG_GPU_READ_MOSTLY,
	KFD_IOCTL_SVM_FLAG_GPU_ALWAYS_MAPPED, KFD_IOCTL_SVM_FLAG_EXT_COHERENT,
};

/**
 * SUBTEST: attr-roundtrip-%s
 * Description: Each attribute SET alone reads back through GET: preferred
 *   location (every GPU, system memory, UNDEFINED), prefetch location
 *   (system memory, and every GPU with VRAM), ACCESS / ACCESS_IN_PLACE /
 *   NO_ACCESS per GPU, each flag set and cleared, granularity 0 to 0x3f and
 *   clamped to 0x3f above, in %arg[1]
 *
 * arg[1]:
 * @xnack-off: XNACK off
 * @xnack-on:  XNACK on
 */
static void attr_roundtrip(void)
{
	static const uint32_t access_types[] = { ACCESS, AIP, NOACC, ACCESS };
	char *p = kfd_test_map(kctx.page);
	uint64_t sz = kctx.page;

	for (int i = 0; i < kctx.dev->num_gpus; i++) {
		uint32_t gpu = kctx.dev->gpus[i].gpu_id;

		kfd_svm_set1(kctx.fd, p, sz, PREF, gpu);
		expect_attr(p, sz, PREF, 0, gpu, "PREFERRED_LOC gpu");
		if (kctx.vram[i]) {
			kfd_svm_prefetch(kctx.fd, p, sz, gpu);
			expect_attr(p, sz, PFCH, 0, gpu, "PREFETCH_LOC gpu");
		}
		for (size_t t = 0; t < ARRAY_SIZE(access_types); t++) {
			kfd_svm_set1(kctx.fd, p, sz, access_types[t], gpu);
			expect_access(p, sz, gpu, access_types[t], "access round trip");
		}
	}
	kfd_svm_set1(kctx.fd, p, sz, PREF, SYSMEM);
	expect_attr(p, sz, PREF, 0, SYSMEM, "PREFERRED_LOC system");
	kfd_svm_set1(kctx.fd, p, sz, PREF, UNDEF);
	expect_attr(p, sz, PREF, 0, UNDEF, "PREFERRED_LOC undefined");
	kfd_svm_prefetch(kctx.fd, p, sz, SYSMEM);
	expect_attr(p, sz, PFCH, 0, SYSMEM, "PREFETCH_LOC system");

	for (size_t f = 0; f < ARRAY_SIZE(all_flags); f++) {
		uint32_t fl = all_flags[f];

		kfd_svm_set1(kctx.fd, p, sz, SETF, fl);
		igt_assert_f(kfd_svm_get1(kctx.fd, p, sz, SETF, 0) & fl, "flag %#x not set\n", fl);
		igt_assert_f(!(kfd_svm_get1(kctx.fd, p, sz, CLRF, 0) & fl),
			     "flag %#x set but reported clear\n", fl);
		kfd_svm_set1(kctx.fd, p, sz, CLRF, fl);
		igt_assert_f(!(kfd_svm_get1(kctx.fd, p, sz, SETF, 0) & fl), "flag %#x not cleared\n", fl);
		igt_assert_f(kfd_svm_get1(kctx.fd, p, sz, CLRF, 0) & fl,
			     "flag %#x cleared but not reported clear\n", fl);
	}
	for (uint32_t g = 0; g <= KFD_SVM_GRANULARITY_MAX; g++) {
		kfd_svm_set_granularity(kctx.fd, p, sz, g);
		expect_attr(p, sz, GRAN, 0, g, "granularity round trip");
	}
	kfd_svm_set_granularity(kctx.fd, p, sz, 0x40);
	expect_attr(p, sz, GRAN, 0, KFD_SVM_GRANULARITY_MAX, "granularity 0x40 clamped");
	kfd_svm_set_granularity(kctx.fd, p, sz, UINT32_MAX);
	expect_attr(p, sz, GRAN, 0, KFD_SVM_GRANULARITY_MAX, "granularity ~0 clamped");
}

/**
 * SUBTEST: attr-reset-on-remap-%s
 * Description: munmap() ends a range's attributes: after munmap and a new
 *   mmap at the same VA the pages read the defaults; a page unmapped in the
 *   middle of a range and mapped again is reset while its neighbours keep
 *   theirs, in %arg[1]
 *
 * arg[1]:
 * @xnack-off: XNACK off
 * @xnack-on:  XNACK on
 */
static void attr_reset_on_remap(void)
{
	uint32_t gpu = kctx.gpu->gpu_id;
	uint64_t size = 4 * kctx.page;
	char *p = kfd_test_map(size), *q;
	struct kfd_ioctl_svm_attribute set[] = {
		{ PREF, gpu }, { GRAN, 2 }, { SETF, KFD_IOCTL_SVM_FLAG_GPU_RO },
		{ kctx.xnack ? NOACC : ACCESS, gpu },
	};

	kfd_svm_set(kctx.fd, (uintptr_t)p, size, set, ARRAY_SIZE(set));
	/* The middle page goes and comes back: its attributes do not. */
	igt_assert_eq(munmap(p + kctx.page, kctx.page), 0);
	q = mmap(p + kctx.page, kctx.page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	igt_assert(q == p + kctx.page);
	expect_defaults(kctx.dev, q, kctx.page, kctx.xnack, "page mapped anew");
	expect_attr(p, kctx.page, PREF, 0, gpu, "head page");
	expect_attr(p + 2 * kctx.page, 2 * kctx.page, GRAN, 0, 2, "tail pages");

	igt_assert_eq(munmap(p, size), 0);
	q = mmap(p, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		 -1, 0);
	igt_assert(q == p);
	expect_defaults(kctx.dev, p, size, kctx.xnack, "range mapped anew at the same VA");
}

/**
 * SUBTEST: get-intersection-%s
 * Description: GET over ranges with different attributes returns the
 *   intersection of them, so mixed preferred locations read UNDEFINED, SET_FLAGS the
 *   AND and CLR_FLAGS the NOR of the flags, the smallest granularity, and
 *   access only where every range grants it; each half alone reads its own
 *   values, in %arg[1]
 *
 * arg[1]:
 * @xnack-off: XNACK off
 * @xnack-on:  XNACK on
 */
static void get_intersection(void)
{
	uint32_t gpu = kctx.gpu->gpu_id;
	uint64_t half = 2 * kctx.page;
	char *p = kfd_test_map(2 * half);
	struct kfd_ioctl_svm_attribute a[] = {
		{ PREF, gpu }, { SETF, KFD_IOCTL_SVM_FLAG_GPU_RO }, { GRAN, 2 }, { ACCESS, gpu },
	};
	struct kfd_ioctl_svm_attribute b[] = {
		{ PREF, SYSMEM }, { SETF, KFD_IOCTL_SVM_FLAG_GPU_EXEC }, { GRAN, 5 }, { NOACC, gpu },
	};
	uint32_t both = KFD_SVM_FLAGS_DEFAULT;
	uint32_t any = both | KFD_IOCTL_SVM_FLAG_GPU_RO | KFD_IOCTL_SVM_FLAG_GPU_EXEC;

	kfd_svm_set(kctx.fd, (uintptr_t)p, half, a, ARRAY_SIZE(a));
	kfd_svm_set(kctx.fd, (uintptr_t)p + half, half, b, ARRAY_SIZE(b));

	expect_attr(p, half, PREF, 0, gpu, "first half");
	expect_attr(p + half, half, PREF, 0, SYSMEM, "second half");
	expect_attr(p, 2 * half, PREF, 0, UNDEF, "mixed preferred locations");
	expect_attr(p, 2 * half, SETF, 0, both, "SET_FLAGS is the AND");
	expect_attr(p, 2 * half, CLRF, 0, ~any, "CLR_FLAGS is the NOR");
	expect_attr(p, 2 * half, GRAN, 0, 2, "granularity is the minimum");
	expect_attr(p + half, half, GRAN, 0, 5, "second half's granularity");
	expect_access(p, half, gpu, ACCESS, "first half");
	expect_access(p, 2 * half, gpu, NOACC, "access must hold everywhere");
	/* A GET that straddles the range and its untouched neighbour page. */
	expect_attr(p + half + kctx.page, kctx.page, GRAN, 0, 5, "last page");
}

/**
 * SUBTEST: cross-process-isolation-%s
 * Description: SVM attributes belong to the KFD process: a forked child
 *   that opens /dev/kfd itself sees the defaults on the VA of the parent's
 *   range, and its SET there leaves the parent's attributes unchanged, in
 *   %arg[1]
 *
 * arg[1]:
 * @xnack-off: XNACK off
 * @xnack-on:  XNACK on
 */
static void cross_process_isolation(void)
{
	uint32_t gpu = kctx.gpu->gpu_id;
	uint64_t size = 4 * kctx.page;
	char *p = kfd_test_map(size);
	struct kfd_ioctl_svm_attribute set[] = {
		{ PREF, gpu }, { GRAN, 1 }, { SETF, KFD_IOCTL_SVM_FLAG_GPU_RO }, { ACCESS, gpu },
	};

	kfd_svm_set(kctx.fd, (uintptr_t)p, size, set, ARRAY_SIZE(set));
	igt_fork(child, 1) {
		struct kfd_device *dev = kfd_test_child_open();
		struct kfd_ioctl_svm_attribute mine[] = {
			{ PREF, SYSMEM }, { GRAN, 7 }, { CLRF, KFD_IOCTL_SVM_FLAG_COHERENT },
		};

		expect_defaults(dev, p, size, kctx.xnack, "child, parent's range");
		kfd_svm_set(dev->fd, (uintptr_t)p, size, mine, ARRAY_SIZE(mine));
		igt_assert_eq_u32(kfd_svm_get1(dev->fd, p, size, GRAN, 0), 7);
		kfd_device_close(dev);
	}
	igt_waitchildren_timeout(KFD_CHILD_TIMEOUT_S, "cross-process child");
	expect_attr(p, size, PREF, 0, gpu, "parent after the child's SET");
	expect_attr(p, size, GRAN, 0, 1, "parent after the child's SET");
	expect_attr(p, size, SETF, 0, KFD_SVM_FLAGS_DEFAULT | KFD_IOCTL_SVM_FLAG_GPU_RO,
		    "parent after the child's SET");
	expect_access(p, size, gpu, ACCESS, "parent after the child's SET");
}

/* ---- the XNACK table ---------------------------------------------------- */

static const struct kfd_svm_case svm_cases[] = {
	{ .name = "set-get-attributes", .run = set_get_attributes },
	{ .name = "invalid-range", .run = invalid_range },
	{ .name = "split-system-range", .run = split_system_range },
	{ .name = "split-vram-range", .run = split_vram_range, .needs = NEEDS_VRAM },
	{ .name = "prefetch", .run = prefetch, .needs = NEEDS_VRAM },
	{ .name = "vram-overcommit", .run = vram_overcommit, .needs = NEEDS_VRAM, .timeout_s = 600 },
	{ .name = "vram-overcommit-giant-range", .run = vram_overcommit_giant_range, .needs = NEEDS_VRAM, .timeout_s = 600 },
	{ .name = "partial-page-not-revoked", .run = partial_page_not_revoked },
	{ .name = "register-regrant", .run = register_regrant },
	{ .name = "attr-roundtrip", .run = attr_roundtrip },
	{ .name = "attr-reset-on-remap", .run = attr_reset_on_remap },
	{ .name = "get-intersection", .run = get_intersection },
	{ .name = "cross-process-isolation", .run = cross_process_isolation },
};

#define DEFAULT_TIMEOUT_S 120

static void run_case(const struct kfd_svm_case *c)
{
	require_needs(c->needs);
	igt_set_timeout(c->timeout_s ? c->timeout_s : DEFAULT_TIMEOUT_S, c->name);
	c->run();
}

static void case_subtests(const struct kfd_svm_case *cases, size_t n, const char *mode)
{
	for (size_t i = 0; i < n; i++)
		igt_subtest_f("%s-%s", cases[i].name, mode)
			run_case(&cases[i]);
}

/* ---- argument checks of the SVM ioctl --------------------------------------- */

/* SVM args with room for 8 attributes after the header, as the ioctl wants them. */
struct isolation_buf {
	struct kfd_ioctl_svm_args args;
	struct kfd_ioctl_svm_attribute attrs[8];
};

static int set_raw(uint64_t start, uint64_t size, uint32_t type, uint32_t value)
{
	struct kfd_ioctl_svm_attribute a = { type, value };

	return __kfd_svm_attrs(kctx.fd, KFD_IOCTL_SVM_OP_SET_ATTR, start, size, &a, 1);
}

static void expect_errno(int ret, int want, const char *what)
{
	igt_assert_f(ret == want, "%s: %s (%d), expected %s\n", what, ret ? strerror(-ret) : "success",
		     ret, strerror(-want));
}

/* A GPU id that is none of ours (gpu_ids are hashes: probe upwards). */
static uint32_t foreign_gpu_id(void)
{
	uint32_t id = 0x1000;

	while (kfd_device_gpu(kctx.dev, id))
		id++;
	return id;
}

/**
 * SUBTEST: svm-args-alignment
 * Description: An unaligned start or size is EINVAL (kfd_ioctl_svm), for
 *   SET and GET, and the range's attributes do not change
 */
static void svm_args_alignment(void)
{
	uintptr_t p = (uintptr_t)kfd_test_map(2 * kctx.page);

	expect_errno(set_raw(p + 8, kctx.page, GRAN, 1), -EINVAL, "unaligned start");
	expect_errno(set_raw(p, kctx.page + 8, GRAN, 1), -EINVAL, "unaligned size");
	expect_errno(set_raw(p, kctx.page - 1, GRAN, 1), -EINVAL, "size below a page");
	expect_errno(__kfd_svm_get1(kctx.fd, (void *)(p + 8), kctx.page, GRAN, 0, &(uint32_t){ 0 }),
		     -EINVAL, "GET, unaligned start");
	expect_attr((void *)p, 2 * kctx.page, GRAN, 0, default_granularity(), "after rejected SETs");
}

/**
 * SUBTEST: svm-args-zero
 * Description: A zero size or a zero start address is EINVAL (kfd_ioctl_svm
 *   rejects both before looking at the range)
 */
static void svm_args_zero(void)
{
	uintptr_t p = (uintptr_t)kfd_test_map(kctx.page);

	expect_errno(set_raw(p, 0, GRAN, 1), -EINVAL, "zero size");
	expect_errno(set_raw(0, kctx.page, GRAN, 1), -EINVAL, "zero start");
	expect_errno(__kfd_svm_get1(kctx.fd, (void *)p, 0, GRAN, 0, &(uint32_t){ 0 }), -EINVAL,
		     "GET, zero size");
}

/**
 * SUBTEST: svm-args-unknown-attr
 * Description: An unknown attribute type is EINVAL for SET and GET, and a
 *   SET with one bad attribute among good ones applies none of them
 */
static void svm_args_unknown_attr(void)
{
	void *p = kfd_test_map(kctx.page);
	struct kfd_ioctl_svm_attribute mixed[] = { { GRAN, 1 }, { GRAN + 1, 0 } };
	uint32_t v;

	expect_errno(set_raw((uintptr_t)p, kctx.page, GRAN + 1, 0), -EINVAL, "type 8");
	expect_errno(set_raw((uintptr_t)p, kctx.page, UINT32_MAX, 0), -EINVAL, "type ~0");
	expect_errno(__kfd_svm_attrs(kctx.fd, KFD_IOCTL_SVM_OP_SET_ATTR, (uintptr_t)p, kctx.page,
				     mixed, ARRAY_SIZE(mixed)), -EINVAL, "good then unknown type");
	expect_attr(p, kctx.page, GRAN, 0, default_granularity(), "after the rejected SET");
	expect_errno(__kfd_svm_get1(kctx.fd, p, kctx.page, GRAN + 1, 0, &v), -EINVAL, "GET type 8");
}

/**
 * SUBTEST: svm-args-unknown-op
 * Description: An op other than SET_ATTR and GET_ATTR fails with
 *   errno EINVAL; the ioctl returns -1, not the positive 22 of a kernel without
 *   "drm/amdkfd: Fix error code sign for EINVAL in svm_ioctl()"
 * Kernel change: "drm/amdkfd: Fix error code sign for EINVAL in svm_ioctl()"
 */
static void svm_args_unknown_op(void)
{
	struct isolation_buf buf = {
		.args = { .start_addr = (uintptr_t)kfd_test_map(kctx.page), .size = kctx.page,
			  .op = 2, .nattr = 1 },
		.attrs = { { GRAN, 1 } },
	};
	int ret;

	for (uint32_t op = 2; op != 0; op = op == 2 ? UINT32_MAX : 0) {
		buf.args.op = op;
		errno = 0;
		/* Plain ioctl(): its raw return value is what the bug changed. */
		ret = ioctl(kctx.fd, kfd_svm_request(1), &buf.args);
		igt_assert_f(ret == -1 && errno == EINVAL, "op %#x: ioctl returned %d, errno %d (%s); "
			     "expected -1, EINVAL\n", op, ret, errno, strerror(errno));
	}
}

/**
 * SUBTEST: svm-args-nattr-oob
 * Description: nattr larger than the attributes the ioctl's encoded size
 *   holds is EINVAL, also an nattr so large that the array size overflows
 *   32 bits, and nothing is applied; without "drm/amdkfd: validate SVM ioctl
 *   nattr against buffer size" the kernel reads (for GET writes) past its
 *   copy of the arguments
 * Kernel change: 045e0ff208f0 ("drm/amdkfd: validate SVM ioctl nattr against buffer size")
 */
static void svm_args_nattr_oob(void)
{
	static const uint32_t nattrs[] = { 2, 8, 0x20000000, UINT32_MAX };
	void *p = kfd_test_map(kctx.page);
	struct isolation_buf buf;

	for (size_t i = 0; i < ARRAY_SIZE(nattrs); i++) {
		for (uint32_t op = KFD_IOCTL_SVM_OP_SET_ATTR; op <= KFD_IOCTL_SVM_OP_GET_ATTR; op++) {
			memset(&buf, 0, sizeof(buf));
			buf.args = (struct kfd_ioctl_svm_args){ .start_addr = (uintptr_t)p,
				.size = kctx.page, .op = op, .nattr = nattrs[i] };
			buf.attrs[0] = (struct kfd_ioctl_svm_attribute){ GRAN, 1 };
			/* Room for one attribute encoded; nattr says more. */
			igt_assert_f(__kfd_svm_raw(kctx.fd, &buf.args, 1) == -EINVAL,
				     "op %u, nattr %#x with one attribute's room: not EINVAL\n", op,
				     nattrs[i]);
		}
	}
	/* Zero-filled attributes read past the copy would set PREFERRED_LOC = system. */
	expect_attr(p, kctx.page, PREF, 0, UNDEF, "after the rejected SETs");
	expect_attr(p, kctx.page, GRAN, 0, default_granularity(), "after the rejected SETs");
}

/**
 * SUBTEST: svm-args-foreign-gpu
 * Description: A GPU id that is not one of the process's is EINVAL as
 *   preferred or prefetch location, in ACCESS, ACCESS_IN_PLACE and
 *   NO_ACCESS, and in a GET ACCESS question
 */
static void svm_args_foreign_gpu(void)
{
	static const uint32_t types[] = { PREF, PFCH, ACCESS, AIP, NOACC };
	void *p = kfd_test_map(kctx.page);
	uint32_t bad = foreign_gpu_id(), v;

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		int ret = set_raw((uintptr_t)p, kctx.page, types[i], bad);

		igt_assert_f(ret == -EINVAL, "SET %s = foreign GPU %#x: %s, expected EINVAL\n",
			     kfd_svm_attr_name(types[i]), bad, ret ? strerror(-ret) : "success");
	}
	expect_errno(__kfd_svm_get1(kctx.fd, p, kctx.page, ACCESS, bad, &v), -EINVAL,
		     "GET ACCESS of a foreign GPU");
	expect_defaults(kctx.dev, p, kctx.page, kctx.xnack, "after the rejected SETs");
}

/**
 * SUBTEST: svm-args-get-answer-types
 * Description: ACCESS_IN_PLACE and NO_ACCESS are answers of GET, not
 *   questions; asking them is EINVAL (only ACCESS asks for a GPU's access)
 */
static void svm_args_get_answer_types(void)
{
	void *p = kfd_test_map(kctx.page);
	uint32_t v;

	expect_errno(__kfd_svm_get1(kctx.fd, p, kctx.page, AIP, kctx.gpu->gpu_id, &v), -EINVAL,
		     "GET ACCESS_IN_PLACE");
	expect_errno(__kfd_svm_get1(kctx.fd, p, kctx.page, NOACC, kctx.gpu->gpu_id, &v), -EINVAL,
		     "GET NO_ACCESS");
}

/**
 * SUBTEST: svm-args-hole
 * Description: A range that straddles a hole in the address space is
 *   EFAULT for SET and GET, and so is a GET of a range freed with munmap
 */
static void svm_args_hole(void)
{
	uint64_t size = 3 * kctx.page;
	char *p = kfd_test_map(size);
	uint32_t v;

	igt_assert_eq(munmap(p + kctx.page, kctx.page), 0);
	expect_errno(set_raw((uintptr_t)p, size, GRAN, 1), -EFAULT, "SET over a hole");
	expect_errno(__kfd_svm_get1(kctx.fd, p, size, GRAN, 0, &v), -EFAULT, "GET over a hole");
	/* The pages either side are fine alone. */
	kfd_svm_set1(kctx.fd, p, kctx.page, GRAN, 1);
	kfd_svm_set1(kctx.fd, p + 2 * kctx.page, kctx.page, GRAN, 1);
	igt_assert_eq(munmap(p, size), 0);
	expect_errno(__kfd_svm_get1(kctx.fd, p, kctx.page, GRAN, 0, &v), -EFAULT,
		     "GET of a freed range");
}

/**
 * SUBTEST: svm-args-range-overflow
 * Description: A range whose end wraps past the top of the address space
 *   is EOVERFLOW for SET and GET; without "drm/amdkfd: add sanity check in
 *   svm_range_is_valid" the VMA walk stopped after the first VMA and the
 *   range was accepted
 * Kernel change: "drm/amdkfd: add sanity check in svm_range_is_valid"
 */
static void svm_args_range_overflow(void)
{
	char *p = kfd_test_map(kctx.page);
	/* Page aligned, and start + size is exactly 2^64, or one page past. */
	uint64_t sizes[] = { -(uint64_t)(uintptr_t)p, -(uint64_t)(uintptr_t)p + kctx.page };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		expect_errno(set_raw((uintptr_t)p, sizes[i], GRAN, 1), -EOVERFLOW, "SET, wrapping");
		expect_errno(__kfd_svm_attrs(kctx.fd, KFD_IOCTL_SVM_OP_GET_ATTR, (uintptr_t)p, sizes[i],
					     &(struct kfd_ioctl_svm_attribute){ GRAN, 0 }, 1),
			     -EOVERFLOW, "GET, wrapping");
	}
	expect_attr(p, kctx.page, GRAN, 0, default_granularity(), "after the rejected SETs");
}

static const struct {
	const char *name;
	void (*run)(void);
} arg_checks[] = {
	{ "svm-args-alignment", svm_args_alignment },
	{ "svm-args-zero", svm_args_zero },
	{ "svm-args-unknown-attr", svm_args_unknown_attr },
	{ "svm-args-unknown-op", svm_args_unknown_op },
	{ "svm-args-nattr-oob", svm_args_nattr_oob },
	{ "svm-args-foreign-gpu", svm_args_foreign_gpu },
	{ "svm-args-get-answer-types", svm_args_get_answer_types },
	{ "svm-args-hole", svm_args_hole },
	{ "svm-args-range-overflow", svm_args_range_overflow },
};

static const struct {
	const char *name;
	bool on;
} modes[] = {
	{ "xnack-off", false },
	{ "xnack-on", true },
};

igt_main
{
	igt_fixture {
		/* First: a skip after the bring-up must still close the device. */
		igt_install_exit_handler(close_kfd);
		open_kfd();
	}

	/* The argument checks do not depend on the mode: the process's own. */
	igt_subtest_group {
		igt_fixture
			kctx.xnack = original_xnack > 0;
		for (size_t i = 0; i < ARRAY_SIZE(arg_checks); i++)
			igt_subtest(arg_checks[i].name) {
				igt_set_timeout(DEFAULT_TIMEOUT_S, arg_checks[i].name);
				arg_checks[i].run();
			}
	}

	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		igt_subtest_group {
			igt_fixture
				enter_xnack(modes[m].on);
			case_subtests(svm_cases, ARRAY_SIZE(svm_cases), modes[m].name);
			case_subtests(kfd_svm_gpu_cases, kfd_svm_gpu_num_cases, modes[m].name);
			igt_fixture
				restore_xnack();
		}
	}

	/* The scenarios every backend runs, once per XNACK mode (lib/kfd/kfd_backend.h). */
	svm_catalog_subtests(&svm_kfd_backend);
}
