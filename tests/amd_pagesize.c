/* SPDX-License-Identifier: MIT */
/**
 * TEST: amdkfd on kernels whose page is larger than the GPU's 4K
 * Category: Core
 * Mega feature: SVM
 * Sub-category: amdkfd
 * Description: The rules and fixes of the non-4K page size series
 *   (Donet Tom's "amdgpu/amdkfd: Add support for non-4K page size
 *   systems", found on 64K-page POWER10 with an MI210) and of the MMIO
 *   remap commit before it, each subtest naming the patch or rule it
 *   guards.  They run at any page size unless they say otherwise: a rule
 *   that only exists above 4K skips on a 4K kernel saying so, and the one
 *   that only exists at 4K skips above it.  The CPU page size is what
 *   sysconf(_SC_PAGESIZE) says; the GPU's page is always 4K.
 * Functionality: kfd, page size, svm, mmio remap, sdma, compute queues, cwsr
 * Test requirement: /dev/kfd with a gfx9+ GPU; SVM (KFD uAPI 1.5) for the
 *   svm-* subtests, VRAM for the VRAM ones
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <amdgpu_drm.h>
#include <xf86drm.h>

#include "igt_core.h"
#include "igt_defer.h"
#include "kfd/kfd_compute_queue.h"
#include "kfd/kfd_cwsr.h"
#include "kfd/kfd_device.h"
#include "kfd/kfd_ioctl.h"
#include "kfd/kfd_mem.h"
#include "kfd/kfd_sdma.h"
#include "kfd/kfd_sdma_queue.h"
#include "kfd/kfd_smi.h"
#include "kfd/kfd_svm_range.h"
#include "util.h"

IGT_TEST_DESCRIPTION("amdkfd's rules and fixes for CPU pages larger than the GPU's 4K.");

#define GPU_PAGE 4096u
#define TIMEOUT_S 120
/* AMDGPU_GTT_MAX_TRANSFER_SIZE in 7.3.4: one GART window of a migration copy. */
#define GTT_MAX_TRANSFER_BYTES (4u << 20)
/* Its pre-fix value, 512 CPU pages: 32 MiB at 64K. */
#define GTT_MAX_TRANSFER_PAGES_OLD 512u

static struct {
	struct kfd_device *dev;
	struct kfd_gpu *gpu;
	uint64_t page;			/* the CPU page size */
	uint64_t vram;			/* bytes on the first GPU, 0 on an APU */
} pctx;

static void open_kfd(void)
{
	int ret = __kfd_device_open_default(&pctx.dev);

	igt_require_f(ret != -ENODEV && ret != -ENOENT, "no /dev/kfd with a GPU\n");
	igt_assert_f(ret == 0, "bringing up a KFD process: %s\n", strerror(-ret));
	pctx.gpu = &pctx.dev->gpus[0];
	pctx.page = pctx.dev->page_size;
	pctx.vram = kfd_node_vram_size(pctx.gpu->node);
	igt_require_f(pctx.gpu->node->gfx_target_version >= 90000,
		      "gfx < 9 (gfx_target_version %u): the series is about gfx9 and later\n",
		      pctx.gpu->node->gfx_target_version);
	igt_info("CPU page size %" PRIu64 " KiB, GPU %#x (gfx %u)\n", pctx.page >> 10,
		 pctx.gpu->gpu_id, pctx.gpu->node->gfx_target_version);
}

static void close_kfd(int sig)
{
	(void)sig;
	kfd_device_close(pctx.dev);
	pctx.dev = NULL;
}

static void require_large_pages(void)
{
	igt_require_f(pctx.page > GPU_PAGE, "the CPU page is 4K here: the rule only exists above 4K\n");
}

static void require_svm(void)
{
	igt_require_f(kfd_device_has_svm(pctx.dev), "KFD %u.%u < 1.5: no SVM API\n",
		      pctx.dev->major, pctx.dev->minor);
	igt_require_f(kfd_node_has_svm(pctx.gpu->node), "GPU %#x has no SVM capability\n",
		      pctx.gpu->gpu_id);
}

static void require_vram(void)
{
	igt_require_f(pctx.vram, "GPU %#x has no VRAM (an APU)\n", pctx.gpu->gpu_id);
}

/* ---- tracked resources ------------------------------------------------- */

static int release_bo(uint64_t bo, uint64_t unused)
{
	(void)unused;
	return __kfd_bo_free((struct kfd_bo *)(uintptr_t)bo);
}

static struct kfd_bo *track_bo(int ret, struct kfd_bo *bo, const char *what, uint64_t size)
{
	igt_assert_f(ret == 0, "%s of %" PRIu64 " KiB: %s\n", what, size >> 10, strerror(-ret));
	igt_defer(release_bo, (uintptr_t)bo, 0);
	return bo;
}

static struct kfd_bo *gtt_on(struct kfd_gpu *gpu, uint64_t size)
{
	struct kfd_bo *bo = NULL;
	int ret = __kfd_bo_gtt(gpu, pctx.dev, size, KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE, &bo);

	return track_bo(ret, bo, "GTT BO", size);
}

static struct kfd_bo *gtt(uint64_t size)
{
	return gtt_on(pctx.gpu, size);
}

/* A CPU-visible VRAM BO, or a skip saying why there is none (no VRAM, a small BAR). */
static struct kfd_bo *cpu_visible_vram(uint64_t size)
{
	struct kfd_bo *bo = NULL;
	int ret;

	require_vram();
	ret = __kfd_bo_vram(pctx.gpu, pctx.dev, size, KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE, &bo);
	igt_require_f(ret != -ENOMEM && ret != -EINVAL,
		      "no CPU-visible VRAM on GPU %#x (a small BAR?): %s\n", pctx.gpu->gpu_id,
		      strerror(-ret));
	return track_bo(ret, bo, "CPU-visible VRAM BO", size);
}

static int release_queue(uint64_t q, uint64_t unused)
{
	(void)unused;
	return __kfd_sdma_queue_destroy((struct kfd_sdma_queue *)(uintptr_t)q);
}

static struct kfd_sdma_queue *queue_on(struct kfd_gpu *gpu, uint32_t ring_bytes)
{
	struct kfd_sdma_queue *q;
	int ret = __kfd_sdma_queue_create(pctx.dev, gpu, ring_bytes, &q);

	igt_assert_f(ret == 0, "SDMA queue with a %u KiB ring on GPU %#x (CPU page %" PRIu64
		     " KiB): %s\n", ring_bytes >> 10, gpu->gpu_id, pctx.page >> 10,
		     strerror(-ret));
	igt_defer(release_queue, (uintptr_t)q, 0);
	return q;
}

static struct kfd_sdma_queue *queue(uint32_t ring_bytes)
{
	return queue_on(pctx.gpu, ring_bytes);
}

static int restore_xnack(uint64_t enabled, uint64_t unused)
{
	(void)unused;
	return __kfd_xnack_set(pctx.dev->fd, enabled);
}

/*
 * The process's XNACK mode @on for this subtest (before it makes any
 * queue), as it was again at its end; or a skip saying why it cannot be.
 */
static void xnack_for_subtest(bool on)
{
	int was, ret = __kfd_xnack_query(pctx.dev->fd, &was);

	igt_assert_f(ret == 0, "SET_XNACK_MODE query: %s\n", strerror(-ret));
	if (!was == !on)
		return;
	ret = __kfd_xnack_set(pctx.dev->fd, on);
	igt_require_f(ret == 0, "XNACK cannot be switched %s here (SET_XNACK_MODE: %s)\n",
		      on ? "on" : "off", strerror(-ret));
	igt_defer(restore_xnack, (uint64_t)was, 0);
}

static void *svm_range(uint64_t size)
{
	void *p = igt_mmap_tracked(NULL, size, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	kfd_svm_register(pctx.dev->fd, p, size, KFD_IOCTL_SVM_LOCATION_SYSMEM,
			 KFD_IOCTL_SVM_FLAG_HOST_ACCESS | KFD_IOCTL_SVM_FLAG_COHERENT,
			 pctx.gpu->gpu_id);
	return p;
}

/* ---- data --------------------------------------------------------------- */

/* Each 4K GPU page of the pattern differs from every other: a misplaced one shows. */
static void fill(void *p, uint64_t size, uint32_t seed)
{
	uint32_t *d = p;

	for (uint64_t i = 0; i < size / 4; i++)
		d[i] = seed ^ (uint32_t)(i * 0x9e3779b1u);
}

/* The first 4K GPU page of [p, p + size) that differs from fill(@seed), or -1. */
static int64_t first_bad_gpu_page(const void *p, uint64_t size, uint32_t seed)
{
	const uint32_t *d = p;

	for (uint64_t i = 0; i < size / 4; i++)
		if (d[i] != (seed ^ (uint32_t)(i * 0x9e3779b1u)))
			return (int64_t)(i * 4 / GPU_PAGE);
	return -1;
}

static void check(const void *p, uint64_t size, uint32_t seed, const char *what)
{
	int64_t bad = first_bad_gpu_page(p, size, seed);

	igt_assert_f(bad < 0, "%s: 4K GPU page %" PRId64 " of %" PRIu64 " (byte %#" PRIx64
		     ", inside CPU page %" PRIu64 ") has the wrong data\n", what, bad,
		     size / GPU_PAGE, (uint64_t)bad * GPU_PAGE, (uint64_t)bad * GPU_PAGE / pctx.page);
}

/* ---- MMIO remap: be4a2a81b6b9 ------------------------------------------ */

/**
 * SUBTEST: mmio-remap-refused-large-page
 * Description: With pages larger than 4K the HDP flush page is refused:
 *   ALLOC_MEMORY_OF_GPU with MMIO_REMAP of PAGE_SIZE is -ENOMEM and an
 *   mmap of /dev/kfd at the MMIO offset is -EINVAL, because the remap
 *   area is 4K of the register BAR and a larger page would map the
 *   registers after it into user space (a security boundary).  Guards
 *   be4a2a81b6b9 "drm/amdkfd: don't allow mapping the MMIO HDP page with
 *   large pages" (kfd_ioctl_alloc_memory_of_gpu, kfd_mmio_mmap); skips at
 *   4K pages
 * Kernel change: be4a2a81b6b9 ("drm/amdkfd: don't allow mapping the MMIO HDP page with large pages")
 */
static void mmio_remap_refused_large_page(void)
{
	struct kfd_bo *bo;
	void *map;
	int ret;

	require_large_pages();
	ret = __kfd_mmio_remap(pctx.gpu, pctx.dev, &bo);
	if (!ret)
		igt_defer(release_bo, (uintptr_t)bo, 0);
	igt_assert_f(ret == -ENOMEM, "MMIO remap allocation of a %" PRIu64 " KiB page: %s, expected "
		     "ENOMEM: %" PRIu64 " KiB of the register BAR are exposed\n", pctx.page >> 10,
		     ret ? strerror(-ret) : "allocated", pctx.page >> 10);
	map = mmap(NULL, pctx.page, PROT_READ | PROT_WRITE, MAP_SHARED, pctx.dev->fd,
		   (off_t)kfd_mmio_mmap_offset(pctx.gpu->gpu_id));
	ret = map == MAP_FAILED ? -errno : 0;
	if (!ret)
		munmap(map, pctx.page);
	igt_assert_f(ret == -EINVAL, "mmap of the MMIO page (%" PRIu64 " KiB) through /dev/kfd: %s, "
		     "expected EINVAL: the register BAR beyond the 4K remap area is user-mapped\n",
		     pctx.page >> 10, ret ? strerror(-ret) : "mapped");
}

/*
 * CPU writes to VRAM through the BAR sit in the HDP (host data path)
 * cache until it is flushed; x86 and arm64 fences order the writes with
 * the flush (what ROCr emits on each).
 */
static inline void store_fence(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("sfence" ::: "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("dmb oshst" ::: "memory");
#else
	__sync_synchronize();
#endif
}

static inline void full_fence(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("mfence" ::: "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("dmb osh" ::: "memory");
#else
	__sync_synchronize();
#endif
}

/* SDMA copies @vram (written by the CPU) to GTT; the copy must be @seed's data. */
static void sdma_reads_back(struct kfd_bo *vram, uint32_t seed, const char *how)
{
	struct kfd_sdma_queue *q = queue(0);
	struct kfd_bo *out = gtt(vram->size);

	memset(out->cpu, 0, out->size);
	kfd_sdma_copy(q, out->va, vram->va, vram->size);
	check(out->cpu, vram->size, seed, how);
}

/**
 * SUBTEST: mmio-remap-hdp-flush
 * Description: With 4K pages the HDP flush page is allocated and mapped
 *   through /dev/kfd (one page, kfd_mmio_mmap), and after the CPU writes a
 *   VRAM BO and then 1 to HDP_MEM_FLUSH_CNTL in it, an SDMA copy of the BO
 *   reads exactly what the CPU wrote (kfdtest's HostHdpFlush).  The rule
 *   of kfd_ioctl_alloc_memory_of_gpu and kfd_mmio_mmap at PAGE_SIZE 4096;
 *   skips above 4K pages, where mmio-remap-refused-large-page applies
 * Kernel change: rule: kfd_mmio_mmap maps exactly one 4K page when PAGE_SIZE is 4096
 */
static void mmio_remap_hdp_flush(void)
{
	struct kfd_bo *mmio, *vram;
	int ret;

	igt_require_f(pctx.page == GPU_PAGE, "the CPU page is %" PRIu64 " KiB: the MMIO page is "
		      "refused above 4K (mmio-remap-refused-large-page)\n", pctx.page >> 10);
	vram = cpu_visible_vram(4 * pctx.page);
	ret = __kfd_mmio_remap(pctx.gpu, pctx.dev, &mmio);
	track_bo(ret, mmio, "MMIO remap (HDP flush) page", pctx.page);
	fill(vram->cpu, vram->size, 0x4d4d494f);
	store_fence();
	((volatile uint32_t *)mmio->cpu)[KFD_MMIO_REMAP_HDP_MEM_FLUSH_CNTL / 4] = 1;
	full_fence();
	sdma_reads_back(vram, 0x4d4d494f, "SDMA copy of CPU-written VRAM after the HDP flush");
}

/**
 * SUBTEST: hdp-flush-fallback
 * Description: The HDP flush without the MMIO page, as ROCr does where the
 *   page is refused (pages above 4K): the CPU writes a VRAM BO, fences its
 *   stores, writes the last byte again, fences fully and reads the last
 *   byte back (the read cannot pass the HDP); an SDMA copy of the BO then
 *   reads exactly what the CPU wrote.  At any page size
 * Kernel change: rule: CPU writes through the BAR reach VRAM after the fenced last-byte write and read-back
 */
static void hdp_flush_fallback(void)
{
	struct kfd_bo *vram = cpu_visible_vram(4 * pctx.page);
	volatile uint8_t *last;
	uint8_t byte;

	fill(vram->cpu, vram->size, 0x48445046);
	store_fence();
	last = (volatile uint8_t *)vram->cpu + vram->size - 1;
	byte = *last;
	*last = byte;
	full_fence();
	igt_assert_eq(*last, byte);
	sdma_reads_back(vram, 0x48445046, "SDMA copy of CPU-written VRAM after the fallback flush");
}

/* ---- queue buffers --------------------------------------------------------- */

/**
 * SUBTEST: sdma-queue-4k-ring
 * Description: An SDMA queue whose ring is 4K (the size the hardware
 *   takes, in a BO of one CPU page) is created and runs a copy.
 *   kfd_queue_acquire_buffers must expect PAGE_ALIGN(queue_size) of the
 *   ring's mapping: before "drm/amdkfd: Align expected_queue_size to
 *   PAGE_SIZE" (v3 of the series) a 4K ring in its 64K BO was EINVAL.  At
 *   any page size
 * Kernel change: "drm/amdkfd: Align expected_queue_size to PAGE_SIZE"
 */
static void sdma_queue_4k_ring(void)
{
	struct kfd_sdma_queue *q = queue(GPU_PAGE);
	struct kfd_bo *src = gtt(pctx.page), *dst = gtt(pctx.page);

	fill(src->cpu, pctx.page, 0x52494e47);
	memset(dst->cpu, 0, pctx.page);
	kfd_sdma_copy(q, dst->va, src->va, pctx.page);
	check(dst->cpu, pctx.page, 0x52494e47, "copy through the 4K ring");
}

static int release_compute_queue(uint64_t q, uint64_t unused)
{
	(void)unused;
	return __kfd_compute_queue_destroy((struct kfd_compute_queue *)(uintptr_t)q);
}

/* CREATE_QUEUE of a compute queue on @gpu given @want: 0 or its -errno; released at the end. */
static int __compute_queue_on(struct kfd_gpu *gpu, const struct kfd_compute_queue_sizes *want,
			      struct kfd_compute_queue **out)
{
	struct kfd_compute_queue *q;
	int ret = __kfd_compute_queue_create(pctx.dev, gpu, want, &q);

	if (!ret)
		igt_defer(release_compute_queue, (uintptr_t)q, 0);
	if (out)
		*out = ret ? NULL : q;
	return ret;
}

static int __compute_queue(const struct kfd_compute_queue_sizes *want)
{
	return __compute_queue_on(pctx.gpu, want, NULL);
}

/* The node's CWSR sizes by 7.3.4's rule, or a skip saying why there are none. */
static struct kfd_cwsr_sizes cwsr_sizes(void)
{
	struct kfd_cwsr_sizes sz;
	int ret = kfd_node_cwsr_sizes(pctx.gpu->node, pctx.page, &sz);

	igt_require_f(ret != -EOPNOTSUPP, "gfx %u: no CWSR rule known for it\n",
		      pctx.gpu->node->gfx_target_version);
	igt_assert_f(ret == 0, "the topology of GPU %#x lacks its CU counts: %s\n",
		     pctx.gpu->gpu_id, strerror(-ret));
	return sz;
}

/**
 * SUBTEST: compute-queue-hw-eop
 * Description: Compute (AQL) queues whose EOP buffer has a size the
 *   hardware supports, 4K and 32K, each in a BO of whole CPU pages, are
 *   created; one under the node's EOP size is EINVAL.  Since "drm/amdkfd:
 *   Relax size checking during queue buffer get" the EOP buffer must be at
 *   least the node's EOP size and its mapping ALIGN(size, PAGE_SIZE);
 *   before it the size had to equal the node's and the mapping the size,
 *   which no BO of a 64K page is, so no compute queue could be made.  At
 *   any page size
 * Kernel change: "drm/amdkfd: Relax size checking during queue buffer get"
 *   (1/8 of the series; the hardware's EOP sizes are 4K and 32K)
 */
static void compute_queue_hw_eop(void)
{
	struct kfd_cwsr_sizes sz = cwsr_sizes();
	static const uint32_t hw_eop[] = { 4096, 32768 };

	for (size_t i = 0; i < ARRAY_SIZE(hw_eop); i++) {
		struct kfd_compute_queue_sizes want = { .eop = hw_eop[i] };
		int ret;

		if (hw_eop[i] < sz.eop)
			continue;
		ret = __compute_queue(&want);
		igt_assert_f(ret == 0, "compute queue with a %u KiB EOP buffer in a %" PRIu64
			     " KiB BO on GPU %#x: %s\n", hw_eop[i] >> 10,
			     (hw_eop[i] + pctx.page - 1) / pctx.page * pctx.page >> 10,
			     pctx.gpu->gpu_id, strerror(-ret));
	}
	/* The rule's other side, at every page size: never less than the node's. */
	igt_assert_eq(__compute_queue(&(struct kfd_compute_queue_sizes){ .eop = sz.eop / 2 }),
		      -EINVAL);
}

/**
 * SUBTEST: ctl-stack-gpu-pages
 * Description: The topology's ctl_stack_size is the control stack
 *   (a 40-byte header, 8 bytes a wave, 12 from gfx 10.1, and 8) rounded
 *   to a 4K GPU page, not to the CPU page; its cwsr_size holds it and the
 *   CUs' wave state.  A compute queue with exactly those sizes is created,
 *   one whose ctl_stack_size is a GPU page more, or whose
 *   ctx_save_restore_size is a GPU page short of cwsr_size, is EINVAL.
 *   Padded to 64K CPU pages, the control stack spilled into GPU pages that
 *   inherited the wrong memory type: queue preemption and eviction failed
 *   on gfx9 (the series' RFC v2 cover).  At any page size (at 4K the two
 *   roundings agree)
 * Kernel change: "amdgpu: Align ctl_stack_size and wg_data_size to GPU
 *   page size instead of CPU page size" (7/8 of the series)
 */
static void ctl_stack_gpu_pages(void)
{
	const struct kfd_node *node = pctx.gpu->node;
	struct kfd_cwsr_sizes sz = cwsr_sizes();
	int ret;

	igt_info("%u waves: control stack %u bytes, topology ctl_stack_size %u cwsr_size %u\n",
		 sz.waves, sz.ctl_stack_bytes, node->ctl_stack_size, node->cwsr_size);
	igt_assert_f(node->ctl_stack_size == sz.ctl_stack,
		     "ctl_stack_size is %u (%#x), not %u, the %u bytes of the control stack in "
		     "4K GPU pages%s\n", node->ctl_stack_size, node->ctl_stack_size, sz.ctl_stack,
		     sz.ctl_stack_bytes,
		     pctx.page > GPU_PAGE && !(node->ctl_stack_size % pctx.page) ?
		     ": padded to the CPU page" : "");
	igt_assert_f(node->cwsr_size >= sz.ctl_stack + sz.wg_data,
		     "cwsr_size %u does not hold the control stack (%u) and the wave state (%u)\n",
		     node->cwsr_size, sz.ctl_stack, sz.wg_data);
	/*
	 * Without an EOP buffer (allowed, and these queues never run): what
	 * CREATE_QUEUE then checks is the CWSR sizes alone, whatever its EOP
	 * rule (compute-queue-hw-eop's).
	 */
	ret = __compute_queue(&(struct kfd_compute_queue_sizes){ .eop = KFD_COMPUTE_QUEUE_NO_EOP });
	igt_assert_f(ret == 0, "compute queue with the topology's CWSR sizes: %s\n",
		     strerror(-ret));
	igt_assert_eq(__compute_queue(&(struct kfd_compute_queue_sizes){
			.eop = KFD_COMPUTE_QUEUE_NO_EOP,
			.ctl_stack = node->ctl_stack_size + GPU_PAGE }), -EINVAL);
	igt_assert_eq(__compute_queue(&(struct kfd_compute_queue_sizes){
			.eop = KFD_COMPUTE_QUEUE_NO_EOP,
			.ctx_save = node->cwsr_size - GPU_PAGE }), -EINVAL);
}

/* ---- more than two GPUs ----------------------------------------------------- */

#define SMI_WAIT_MS 5000
#define EVICT_MIN_GPUS 3

static int release_smi(uint64_t smi, uint64_t unused)
{
	(void)unused;
	kfd_smi_close((struct kfd_smi *)(uintptr_t)smi);
	return 0;
}

/**
 * SUBTEST: evict-restore-every-gpu
 * Description: With three or more GPUs, XNACK off, a compute queue (EOP
 *   and CWSR buffers as the topology wants) and an SDMA queue on every GPU
 *   and an SVM range mapped on all of them: an mprotect() of the range
 *   evicts the process's queues on every GPU (QUEUE_EVICTION, trigger SVM:
 *   each queue is preempted, its waves saved through the control stack)
 *   and the restore resumes them (QUEUE_RESTORE).  Then every GPU's SDMA
 *   queue copies the range exactly and every compute queue is destroyed
 *   cleanly.  With the control stack padded to a 64K CPU page, preemption
 *   and eviction failed on systems of more than two GPUs (the series'
 *   part 1 cover); this checks what a kernel must guarantee at any page
 *   size, that the eviction and the restore reach every GPU and leave its
 *   queues working.  Skips with fewer than three GPUs
 * Kernel change: "amdgpu: Fix MQD and control stack alignment for non-4K
 *   CPU page size systems" (8/8 of the series) and 7/8 (ctl-stack-gpu-pages)
 */
static void evict_restore_every_gpu(void)
{
	int n = pctx.dev->num_gpus, ret;
	struct kfd_sdma_queue *sdma[KFD_DEVICE_MAX_GPUS];
	struct kfd_compute_queue *compute[KFD_DEVICE_MAX_GPUS];
	struct kfd_smi *smi[KFD_DEVICE_MAX_GPUS];
	uint64_t size = 4 * pctx.page;
	uint32_t *p;

	igt_require_f(n >= EVICT_MIN_GPUS, "%d GPU%s: the failures need %d or more\n", n,
		      n == 1 ? "" : "s", EVICT_MIN_GPUS);
	require_svm();
	/* Only an XNACK-off range evicts the queues on mprotect. */
	xnack_for_subtest(false);
	for (int i = 0; i < n; i++) {
		struct kfd_gpu *gpu = &pctx.dev->gpus[i];

		ret = __compute_queue_on(gpu, NULL, &compute[i]);
		igt_require_f(ret != -EOPNOTSUPP, "gfx %u of GPU %#x: no CWSR rule known for it\n",
			      gpu->node->gfx_target_version, gpu->gpu_id);
		igt_assert_f(ret == 0, "compute queue on GPU %#x: %s\n", gpu->gpu_id,
			     strerror(-ret));
		sdma[i] = queue_on(gpu, 0);
		ret = __kfd_smi_open(pctx.dev, gpu->gpu_id, &smi[i]);
		igt_assert_f(ret == 0, "SMI events of GPU %#x: %s\n", gpu->gpu_id, strerror(-ret));
		igt_defer(release_smi, (uintptr_t)smi[i], 0);
		ret = __kfd_smi_enable(smi[i], KFD_SMI_EVENT_MASK_FROM_INDEX(KFD_SMI_EVENT_QUEUE_EVICTION) |
				       KFD_SMI_EVENT_MASK_FROM_INDEX(KFD_SMI_EVENT_QUEUE_RESTORE));
		igt_assert_f(ret == 0, "SMI event mask: %s\n", strerror(-ret));
	}
	p = svm_range(size);
	kfd_svm_set1(pctx.dev->fd, p, size, KFD_IOCTL_SVM_ATTR_SET_FLAGS,
		     KFD_IOCTL_SVM_FLAG_GPU_ALWAYS_MAPPED);
	for (int i = 0; i < n; i++)
		kfd_svm_map_to(pctx.dev->fd, p, size, pctx.dev->gpus[i].gpu_id);
	fill(p, size, 0x45564354);
	igt_assert_eq(mprotect(p, size, PROT_READ), 0);
	/* kfd_process_evict_queues and the restore work walk every GPU of the process. */
	for (int i = 0; i < n; i++) {
		struct kfd_smi_msg ev = kfd_smi_expect(smi[i], KFD_SMI_EVENT_QUEUE_EVICTION,
						       SMI_WAIT_MS, "mprotect");

		igt_assert_eq_u32(ev.node, pctx.dev->gpus[i].gpu_id);
		igt_assert_eq(ev.trigger, KFD_QUEUE_EVICTION_TRIGGER_SVM);
		ev = kfd_smi_expect(smi[i], KFD_SMI_EVENT_QUEUE_RESTORE, SMI_WAIT_MS,
				    "the restore after the eviction");
		igt_assert_eq_u32(ev.node, pctx.dev->gpus[i].gpu_id);
	}
	for (int i = 0; i < n; i++) {
		struct kfd_bo *out = gtt_on(&pctx.dev->gpus[i], size);

		memset(out->cpu, 0, size);
		kfd_sdma_copy(sdma[i], out->va, (uintptr_t)p, size);
		check(out->cpu, size, 0x45564354, "SDMA copy after the restore");
	}
	for (int i = 0; i < n; i++) {
		uint32_t gpu_id = compute[i]->gpu->gpu_id;

		ret = __igt_release(release_compute_queue, (uintptr_t)compute[i], 0);
		igt_assert_f(ret == 0, "DESTROY_QUEUE of GPU %#x's compute queue after the "
			     "restore: %s\n", gpu_id, strerror(-ret));
	}
}

/* ---- the GPU VA's reserved top ---------------------------------------------- */

#define HOLE_END_48 0xffff800000000000ull	/* AMDGPU_GMC_HOLE_END of a 48-bit VM */
#define VA_MASK_48 0x0000ffffffffffffull
/* AMDGPU_VA_RESERVED_CSA_SIZE and _SEQ64_SIZE, above the trap area. */
#define CSA_AND_SEQ64 (4ull << 20)
#define TBA_TMA_BYTES (2 * GPU_PAGE)		/* KFD_CWSR_TBA_TMA_SIZE */

/**
 * SUBTEST: trap-area-reserved
 * Description: The top of the GPU VA that amdgpu reserves for the kernel
 *   (AMDGPU_VA_RESERVED_TOP, what DEV_INFO's high_va_max leaves below the
 *   VM's power-of-two end) holds the CSA, SEQ64 and a trap area large
 *   enough for KFD's trap handler pages (TBA/TMA, two GPU pages) in the BO
 *   of whole CPU pages they take: at 64K pages the old trap area of two 4K
 *   GPU pages overlapped SEQ64 ("kernel simply crashes when running
 *   rocminfo", the series' cover).  At any page size
 * Kernel change: AMDGPU_VA_RESERVED_TRAP_SIZE raised to 64K (v4 1/2 of the
 *   series)
 */
static void trap_area_reserved(void)
{
	struct drm_amdgpu_info_device d = { 0 };
	struct drm_amdgpu_info req = {
		.return_pointer = (uintptr_t)&d, .return_size = sizeof(d),
		.query = AMDGPU_INFO_DEV_INFO,
	};
	uint64_t vm_size, vm_end = 1, reserved, need;
	int ret = drmCommandWrite(pctx.gpu->render_fd, DRM_AMDGPU_INFO, &req, sizeof(req));

	igt_assert_f(ret == 0, "DRM_AMDGPU_INFO DEV_INFO on GPU %#x: %s\n", pctx.gpu->gpu_id,
		     strerror(-ret));
	igt_require_f(d.high_va_offset == HOLE_END_48 && d.high_va_max,
		      "no 48-bit GPU VM above the hole (high_va_offset %#llx): the layout this "
		      "check knows\n", (unsigned long long)d.high_va_offset);
	vm_size = d.high_va_max & VA_MASK_48;
	while (vm_end < vm_size)
		vm_end <<= 1;
	reserved = vm_end - vm_size;
	need = CSA_AND_SEQ64 + (TBA_TMA_BYTES > pctx.page ? TBA_TMA_BYTES : pctx.page);
	igt_info("GPU VM %#" PRIx64 ": %" PRIu64 " KiB reserved at the top\n", vm_end,
		 reserved >> 10);
	igt_assert_f(reserved >= need,
		     "%" PRIu64 " KiB reserved at the top of the GPU VA: the trap area is %" PRId64
		     " KiB, KFD's trap handler BO takes %" PRIu64 " KiB\n", reserved >> 10,
		     ((int64_t)reserved - (int64_t)CSA_AND_SEQ64) / 1024,
		     (uint64_t)((need - CSA_AND_SEQ64) >> 10));
}

/* ---- SVM in GPU pages ------------------------------------------------------ */

/**
 * SUBTEST: svm-map-gpu-pages
 * Description: An SVM range of four CPU pages, with ACCESS for the GPU (so
 *   XNACK off maps it at SET), is read by SDMA one 4K GPU page at a time,
 *   at every 4K offset (unaligned to, and smaller than, the CPU page), and
 *   each piece must be exactly the CPU's data; SDMA writes of other 4K
 *   pieces land exactly there.  Guards "amdkfd/kfd_svm: Fix SVM map/unmap
 *   address conversion for non-4k page sizes": svm_range_map_to_gpu()
 *   passed CPU page numbers where amdgpu_vm_update_range() takes 4K GPU
 *   pages, mapping a sixteenth of the range at 64K.  At any page size
 * Kernel change: "amdkfd/kfd_svm: Fix SVM map/unmap address conversion for non-4k page sizes"
 */
static void svm_map_gpu_pages(void)
{
	uint64_t size = 4 * pctx.page, pieces = size / GPU_PAGE;
	struct kfd_sdma_queue *q;
	struct kfd_bo *out, *in;
	char *p;

	require_svm();
	q = queue(0);
	out = gtt(size);
	in = gtt(size);
	p = svm_range(size);
	fill(p, size, 0x53564d31);
	memset(out->cpu, 0, size);
	for (uint64_t i = 0; i < pieces; i++) {
		int ret = __kfd_sdma_copy(q, out->va + i * GPU_PAGE, (uintptr_t)p + i * GPU_PAGE,
					  GPU_PAGE, KFD_DEFAULT_TIMEOUT_MS);

		igt_assert_f(ret == 0, "SDMA read of 4K GPU page %" PRIu64 " of the SVM range "
			     "(offset %#" PRIx64 " in CPU page %" PRIu64 "): %s\n", i,
			     (i * GPU_PAGE) % pctx.page, i * GPU_PAGE / pctx.page, strerror(-ret));
	}
	check(out->cpu, size, 0x53564d31, "SVM range read 4K at a time");
	fill(in->cpu, size, 0x53564d32);
	for (uint64_t i = 1; i < pieces; i += 2)
		kfd_sdma_copy(q, (uintptr_t)p + i * GPU_PAGE, in->va + i * GPU_PAGE, GPU_PAGE);
	for (uint64_t i = 0; i < pieces; i++) {
		/* Odd pieces hold the GPU's data now, even ones still the CPU's. */
		const char *src = i & 1 ? (const char *)in->cpu : (const char *)out->cpu;

		igt_assert_f(!memcmp(p + i * GPU_PAGE, src + i * GPU_PAGE, GPU_PAGE),
			     "4K GPU page %" PRIu64 " of the SVM range after SDMA wrote the odd ones: "
			     "%s data expected\n", i, i & 1 ? "the GPU's" : "the CPU's");
	}
}

/**
 * SUBTEST: svm-retry-fault-gpu-pages
 * Description: XNACK on, and an SVM range of four CPU pages that no GPU
 *   has mapped.  An SDMA read of the last 4K GPU page of the third CPU
 *   page takes a retry fault there, which must restore that page (the
 *   data read is exactly the CPU's); an SDMA write into another 4K piece
 *   of the fourth page faults and lands exactly there.  amdgpu hands the fault's
 *   address to svm_range_restore_pages() in 4K GPU pages, which it takes
 *   as CPU pages, so without the fix it restored, above 4K, a page sixteen
 *   times higher and the fault was never resolved.  At any page size
 *   (skips where XNACK cannot be switched on)
 * Kernel change: "drm/amdgpu: Handle GPU page faults correctly on non-4K
 *   page systems" (6/8 of the series)
 */
static void svm_retry_fault_gpu_pages(void)
{
	uint64_t size = 4 * pctx.page, rd = 3 * pctx.page - GPU_PAGE;
	uint64_t wr = 3 * pctx.page + (pctx.page > GPU_PAGE ? GPU_PAGE : 0);
	struct kfd_sdma_queue *q;
	struct kfd_bo *out, *in;
	char *p;
	int ret;

	require_svm();
	xnack_for_subtest(true);
	q = queue(0);
	out = gtt(GPU_PAGE);
	in = gtt(GPU_PAGE);
	p = svm_range(size);
	fill(p, size, 0x584e414b);
	memset(out->cpu, 0, GPU_PAGE);
	ret = __kfd_sdma_copy(q, out->va, (uintptr_t)p + rd, GPU_PAGE, KFD_DEFAULT_TIMEOUT_MS);
	igt_assert_f(ret == 0, "SDMA read at offset %#" PRIx64 " of a range no GPU mapped (the "
		     "retry fault not resolved?): %s\n", rd, strerror(-ret));
	igt_assert_f(!memcmp(out->cpu, p + rd, GPU_PAGE),
		     "the 4K GPU page at offset %#" PRIx64 " read after its retry fault is not the "
		     "CPU's data\n", rd);
	fill(in->cpu, GPU_PAGE, 0x584e414c);
	ret = __kfd_sdma_copy(q, (uintptr_t)p + wr, in->va, GPU_PAGE, KFD_DEFAULT_TIMEOUT_MS);
	igt_assert_f(ret == 0, "SDMA write at offset %#" PRIx64 " after a retry fault: %s\n", wr,
		     strerror(-ret));
	igt_assert_f(!memcmp(p + wr, in->cpu, GPU_PAGE),
		     "the 4K GPU page at offset %#" PRIx64 " written after its retry fault does not "
		     "hold the GPU's data\n", wr);
}

/**
 * SUBTEST: svm-attr-below-cpu-page
 * Description: SVM attributes belong to whole CPU pages even though the
 *   GPU maps 4K: a SET or GET of ACCESS over one 4K GPU page inside a CPU
 *   page, or over a range starting 4K into it, is EINVAL, while the same
 *   over the whole CPU page works.  The rule of kfd_ioctl_svm (start and
 *   size PAGE_SIZE aligned); skips at 4K pages, where every 4K piece is a
 *   CPU page
 * Kernel change: rule: kfd_ioctl_svm refuses a start or size not PAGE_SIZE aligned (EINVAL)
 */
static void svm_attr_below_cpu_page(void)
{
	struct kfd_ioctl_svm_attribute attr = {
		.type = KFD_IOCTL_SVM_ATTR_ACCESS, .value = 0,
	};
	const struct {
		uint64_t offset, size;
		const char *what;
	} spans[] = {
		{ 0, GPU_PAGE, "the first 4K of a CPU page" },
		{ GPU_PAGE, GPU_PAGE, "4K, 4K into a CPU page" },
		{ GPU_PAGE, 0, "a CPU page's size, 4K into it" },
	};
	char *p;

	require_large_pages();
	require_svm();
	p = svm_range(2 * pctx.page);
	attr.value = pctx.gpu->gpu_id;
	for (size_t i = 0; i < ARRAY_SIZE(spans); i++) {
		uint64_t size = spans[i].size ? spans[i].size : pctx.page;
		int set = __kfd_svm_set1(pctx.dev->fd, p + spans[i].offset, size, attr.type, attr.value);
		uint32_t v;
		int get = __kfd_svm_get1(pctx.dev->fd, p + spans[i].offset, size, attr.type,
					 attr.value, &v);

		igt_assert_f(set == -EINVAL && get == -EINVAL, "SET/GET of ACCESS over %s: %s/%s, "
			     "expected EINVAL for both\n", spans[i].what, strerror(-set), strerror(-get));
	}
	kfd_svm_set1(pctx.dev->fd, p, pctx.page, attr.type, attr.value);
	igt_assert_eq_u32(kfd_svm_get_access(pctx.dev->fd, p, pctx.page, pctx.gpu->gpu_id),
			  KFD_IOCTL_SVM_ATTR_ACCESS);
}

/* ---- migration ------------------------------------------------------------- */

/**
 * SUBTEST: migrate-beyond-gtt-transfer
 * Description: An SVM range larger than one GART window of the migration
 *   copy (AMDGPU_GTT_MAX_TRANSFER_SIZE: 4 MiB in 7.3.4, and larger than
 *   the 512 CPU pages it was before), plus three CPU pages, is prefetched
 *   to VRAM and read by the CPU, which migrates it back: every 4K GPU
 *   page must be exactly the data written before the migration (no GPU
 *   access, so the check is of the two copies alone).
 *   Guards "amdkfd/kfd_migrate: Fix GART PTE for non-4K pagesize in
 *   svm_migrate_gart_map()" (one PTE per CPU page: all but the first
 *   sixteenth of each window copied garbage, or SDMA hung) and
 *   "amdgpu/amdgpu_ttm: Fix AMDGPU_GTT_MAX_TRANSFER_SIZE for non-4K page
 *   size".  At any page size; needs VRAM for the range
 * Kernel change: "amdkfd/kfd_migrate: Fix GART PTE for non-4K pagesize in svm_migrate_gart_map()", "amdgpu/amdgpu_ttm: Fix AMDGPU_GTT_MAX_TRANSFER_SIZE for non-4K page size"
 */
static void migrate_beyond_gtt_transfer(void)
{
	uint64_t window = GTT_MAX_TRANSFER_PAGES_OLD * pctx.page;
	uint64_t size = (window > GTT_MAX_TRANSFER_BYTES ? window : GTT_MAX_TRANSFER_BYTES) +
			3 * pctx.page;
	char *p;

	require_svm();
	require_vram();
	igt_require_f(size <= pctx.vram / 2, "VRAM %" PRIu64 " MiB: the range takes %" PRIu64
		      " MiB, half of VRAM at most\n", pctx.vram >> 20, size >> 20);
	p = svm_range(size);
	fill(p, size, 0x4d494752);
	kfd_svm_prefetch(pctx.dev->fd, p, size, pctx.gpu->gpu_id);
	igt_assert_eq_u32(kfd_svm_get1(pctx.dev->fd, p, size, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, 0),
			  pctx.gpu->gpu_id);
	check(p, size, 0x4d494752, "CPU read of the range migrated to VRAM and back");
}

static const struct {
	const char *name;
	void (*run)(void);
} subtests[] = {
	{ "mmio-remap-refused-large-page", mmio_remap_refused_large_page },
	{ "mmio-remap-hdp-flush", mmio_remap_hdp_flush },
	{ "hdp-flush-fallback", hdp_flush_fallback },
	{ "sdma-queue-4k-ring", sdma_queue_4k_ring },
	{ "compute-queue-hw-eop", compute_queue_hw_eop },
	{ "ctl-stack-gpu-pages", ctl_stack_gpu_pages },
	{ "trap-area-reserved", trap_area_reserved },
	{ "evict-restore-every-gpu", evict_restore_every_gpu },
	{ "svm-map-gpu-pages", svm_map_gpu_pages },
	{ "svm-retry-fault-gpu-pages", svm_retry_fault_gpu_pages },
	{ "svm-attr-below-cpu-page", svm_attr_below_cpu_page },
	{ "migrate-beyond-gtt-transfer", migrate_beyond_gtt_transfer },
};

igt_main
{
	igt_fixture {
		/* First: a skip after the bring-up must still close the device. */
		igt_install_exit_handler(close_kfd);
		open_kfd();
	}

	for (size_t i = 0; i < ARRAY_SIZE(subtests); i++)
		igt_subtest(subtests[i].name) {
			igt_set_timeout(TIMEOUT_S, subtests[i].name);
			subtests[i].run();
		}
}
