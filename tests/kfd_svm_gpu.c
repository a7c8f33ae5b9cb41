/* SPDX-License-Identifier: MIT */
/*
 * kfd_svm's cases with GPU work, all through an SDMA queue (lib/kfd)
 * where kfdtest dispatches PM4 compute shaders, and the SMI event checks.
 * The table at the end is run by kfd_svm.c under both XNACK modes.
 * Every queue, SMI file and mapping is released when its subtest ends
 * (kfd_svm.h's tracked helpers); forked children run their own KFD
 * process and are reaped with a timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "igt_core.h"
#include "igt_defer.h"
#include "kfd/kfd_events.h"
#include "kfd/kfd_ioctl.h"
#include "kfd/kfd_sdma.h"
#include "kfd/kfd_sdma_queue.h"
#include "kfd/kfd_smi.h"
#include "kfd/kfd_svm_range.h"
#include "kfd_svm.h"
#include "util.h"

#define FLAGS KFD_SVM_FLAGS_DEFAULT

static uint32_t gpu_id(void)
{
	return kctx.gpu->gpu_id;
}

/* Anonymous memory registered as an SVM range at @loc, mapped to the first GPU. */
static uint32_t *svm_buf(uint64_t size, uint32_t loc)
{
	uint32_t *p = kfd_test_map(size);

	kfd_svm_register(kctx.fd, p, size, loc, FLAGS, gpu_id());
	return p;
}

static void fill(uint32_t *p, uint64_t size, uint32_t seed)
{
	for (uint64_t i = 0; i < size / 4; i++)
		p[i] = seed + (uint32_t)i;
}

static void check(const uint32_t *p, uint64_t size, uint32_t seed, const char *what)
{
	for (uint64_t i = 0; i < size / 4; i++)
		igt_assert_f(p[i] == seed + (uint32_t)i, "%s: dword %" PRIu64 " is %#x, expected %#x\n",
			     what, i, p[i], seed + (uint32_t)i);
}

static void check_value(const uint32_t *p, uint64_t size, uint32_t value, const char *what)
{
	for (uint64_t i = 0; i < size / 4; i++)
		igt_assert_f(p[i] == value, "%s: dword %" PRIu64 " is %#x, expected %#x\n", what, i,
			     p[i], value);
}

static void copy(struct kfd_sdma_queue *q, void *dst, const void *src, uint64_t size)
{
	kfd_sdma_copy(q, (uintptr_t)dst, (uintptr_t)src, size);
}

/**
 * SUBTEST: basic-system-mem
 * Description: The GPU copies one system-memory SVM range into another
 *   (kfdtest: KFDSVMRangeTest.BasicSystemMemTest; SDMA copy instead of its
 *   PM4 CopyDword dispatch)
 */
static void basic_system_mem(void)
{
	struct kfd_sdma_queue *q = kfd_test_queue(kctx.dev, kctx.gpu);
	uint32_t *src = svm_buf(2 * kctx.page, 0), *dst = src + kctx.page / 4;

	memset(src, 1, kctx.page);
	memset(dst, 0, kctx.page);
	copy(q, dst, src, kctx.page);
	check_value(dst, kctx.page, 0x01010101, "destination");
}

/**
 * SUBTEST: xnack-mode
 * Description: SET_XNACK_MODE toggles both ways while no queue exists
 *   (EPERM tolerated where the GPU cannot switch), and once an SDMA queue
 *   exists a switch fails with EBUSY; after the queue is gone switching
 *   works again (kfdtest: KFDSVMRangeTest.XNACKModeTest, with an SDMA queue
 *   where it makes a PM4 queue)
 */
static int release_xnack(uint64_t fd, uint64_t mode)
{
	return __kfd_xnack_set((int)fd, mode);
}

static void xnack_mode(void)
{
	struct kfd_sdma_queue *q;
	int now, ret;

	/* Whatever happens below, the group's mode comes back. */
	igt_defer(release_xnack, kctx.fd, kctx.xnack);
	for (int i = 0; i < 2; i++) {
		ret = __kfd_xnack_set(kctx.fd, !kctx.xnack);
		igt_assert_f(ret == 0 || ret == -EPERM, "switch to %d: %s\n", !kctx.xnack,
			     strerror(-ret));
		igt_assert_eq(__kfd_xnack_query(kctx.fd, &now), 0);
		igt_assert_eq(now, ret ? kctx.xnack : !kctx.xnack);
		igt_assert_eq(__kfd_xnack_set(kctx.fd, kctx.xnack), 0);
	}
	q = kfd_test_queue(kctx.dev, kctx.gpu);
	ret = __kfd_xnack_set(kctx.fd, !kctx.xnack);
	igt_assert_f(ret == -EBUSY, "switch with a queue: %s, expected EBUSY\n",
		     ret ? strerror(-ret) : "success");
	igt_assert_eq(__kfd_xnack_query(kctx.fd, &now), 0);
	igt_assert_eq(now, kctx.xnack);
	igt_assert_eq(kfd_test_queue_release(q), 0);
	ret = __kfd_xnack_set(kctx.fd, !kctx.xnack);
	igt_assert_f(ret == 0 || ret == -EPERM, "switch after the queue is gone: %s\n",
		     strerror(-ret));
}

/* Waits at most @ms for a byte on @fd; whether one came. */
static bool wait_byte(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c;

	return poll(&pfd, 1, ms) == 1 && read(fd, &c, 1) == 1;
}

/**
 * SUBTEST: evict-system-range
 * Description: After fork() the parent's SVM pages are copy-on-write; its
 *   CPU writes give it new pages, and the GPU must then see those (the MMU
 *   notifier updates the mapping): SDMA writes and copies land in the
 *   parent's pages, the child's keep the old values (kfdtest:
 *   KFDSVMRangeTest.EvictSystemRangeTest, SDMA only where it also
 *   dispatches a shader; the queue exists before the fork as there), in
 */
static void evict_system_range(void)
{
	struct kfd_sdma_queue *q = kfd_test_queue(kctx.dev, kctx.gpu);
	uint32_t *buf = svm_buf(2 * kctx.page, 0), *a = buf, *b = buf + kctx.page / 4;
	uint32_t v = 0x12345678;
	int go[2];

	kfd_sdma_write(q, (uintptr_t)a, &v, 1);
	igt_assert_eq_u32(a[0], 0x12345678);
	b[0] = 0x12345678;
	igt_assert_eq(pipe(go), 0);
	igt_fd_tracked(go[0]);
	igt_fd_tracked(go[1]);
	igt_fork(child, 1) {
		/* Keep the pages shared until the parent has written and the GPU ran. */
		igt_assert_f(wait_byte(go[0], 30000), "child: parent never finished\n");
		igt_assert_eq_u32(a[0], 0x12345678);
		igt_assert_eq_u32(b[0], 0x12345678);
	}
	a[0] = 0;				/* copy-on-write: new pages for the parent */
	b[0] = 0xD00BED00;
	copy(q, a, b, 4);
	v = 0xD0BED0BE;
	kfd_sdma_write(q, (uintptr_t)&b[1], &v, 1);
	igt_assert_eq_u32(a[0], 0xD00BED00);
	igt_assert_eq_u32(b[1], 0xD0BED0BE);
	igt_assert_eq(write(go[1], "g", 1), 1);
	igt_waitchildren_timeout(KFD_CHILD_TIMEOUT_S, "evict-system-range child");
}

/**
 * SUBTEST: partial-unmap-sysmem
 * Description: munmap() of 4 pages in the middle of a 16-page range keeps
 *   the rest on the GPU: copies from its head and its tail are right
 *   (kfdtest: KFDSVMRangeTest.PartialUnmapSysMemTest, SDMA copies where it
 *   dispatches a shader)
 */
static void partial_unmap_sysmem(void)
{
	struct kfd_sdma_queue *q = kfd_test_queue(kctx.dev, kctx.gpu);
	uint64_t pg = kctx.page;
	uint32_t *buf = svm_buf(16 * pg, 0), *dst = svm_buf(16 * pg, 0);

	fill(buf, 16 * pg, 0x100);
	igt_assert_eq(munmap((char *)buf + 4 * pg, 4 * pg), 0);
	copy(q, dst, buf, 4 * pg);
	copy(q, (char *)dst + 8 * pg, (char *)buf + 8 * pg, 8 * pg);
	check(dst, 4 * pg, 0x100, "head");
	check((uint32_t *)((char *)dst + 8 * pg), 8 * pg, 0x100 + (uint32_t)(2 * pg), "tail");
}

/**
 * SUBTEST: basic-vram
 * Description: System memory to a range prefetched to VRAM to system
 *   memory, by two GPU copies (kfdtest: KFDSVMRangeTest.BasicVramTest, SDMA
 *   copies where it dispatches two shaders)
 */
static void basic_vram(void)
{
	struct kfd_sdma_queue *q = kfd_test_queue(kctx.dev, kctx.gpu);
	uint32_t *src = svm_buf(kctx.page, 0), *dst = svm_buf(kctx.page, 0);
	uint32_t *vram = svm_buf(kctx.page, gpu_id());

	memset(src, 1, kctx.page);
	memset(dst, 0, kctx.page);
	copy(q, vram, src, kctx.page);
	copy(q, dst, vram, kctx.page);
	check_value(dst, kctx.page, 0x01010101, "destination");
}

/*
 * MigrateTest and MigratePolicyTest: prefetch to VRAM, the GPU copies in,
 * the CPU reads (a CPU fault migrates back), and a last GPU copy needs a
 * valid mapping again (updated with XNACK off, retry-faulted with it on).
 */
static void migrate_round(uint64_t size, int rounds, bool modify)
{
	struct kfd_sdma_queue *q = kfd_test_queue(kctx.dev, kctx.gpu);
	uint32_t *src = svm_buf(size, 0), *buf = svm_buf(size, 0), *dst = svm_buf(size, 0);

	fill(src, size, 0);
	for (int r = 0; r < rounds; r++) {
		kfd_svm_prefetch(kctx.fd, buf, size, gpu_id());
		copy(q, buf, src, size);
		check(buf, size, 0, "CPU read after migration to VRAM");
	}
	if (modify)
		fill(buf, size, 0x5000);
	copy(q, dst, buf, size);
	check(dst, size, modify ? 0x5000 : 0, "GPU copy after migration back");
}

/**
 * SUBTEST: migrate
 * Description: 16 MiB, 8 rounds of prefetch to VRAM, GPU copy in, CPU
 *   read-back (migrating to RAM); then a GPU copy must find the range
 *   mapped again (kfdtest: KFDSVMRangeTest.MigrateTest)
 */
static void migrate(void)
{
	migrate_round(16 * SZ_1M, 8, false);
}

/**
 * SUBTEST: migrate-policy
 * Description: 1 MiB prefetched to VRAM, copied in by the GPU, read and
 *   modified by the CPU (migrating to RAM); a second GPU copy sees the
 *   modified data (kfdtest: KFDSVMRangeTest.MigratePolicyTest)
 */
static void migrate_policy(void)
{
	migrate_round(SZ_1M, 1, true);
}

/**
 * SUBTEST: migrate-access-in-place
 * Description: A range of 256 MiB (at most half the VRAM) with
 *   ACCESS_IN_PLACE prefetched to VRAM; the CPU touches every 1024th dword
 *   (migrating and splitting by granularity), then a GPU fill of the whole
 *   range is seen by the CPU (kfdtest:
 *   KFDSVMRangeTest.MigrateAccessInPlaceTest)
 */
static void migrate_access_in_place(void)
{
	struct kfd_sdma_queue *q = kfd_test_queue(kctx.dev, kctx.gpu);
	uint64_t size = min_u64(256 * SZ_1M, align_down(kctx.vram[0] / 2, SZ_2M));
	uint32_t *buf = svm_buf(size, 0);

	kfd_svm_map_in_place(kctx.fd, buf, size, gpu_id());
	kfd_svm_prefetch(kctx.fd, buf, size, gpu_id());
	for (uint64_t i = 0; i < size / 4; i += 1024)
		buf[i] = (uint32_t)i;
	kfd_sdma_fill(q, (uintptr_t)buf, 0x55AAAA55, size);
	check_value(buf, size, 0x55AAAA55, "after the GPU fill");
}

/**
 * SUBTEST: migrate-granularity
 * Description: 16384 pages (at most half of VRAM); for each granularity from 14 down to 0:
 *   prefetch to VRAM, set the granularity, GPU copy in, CPU read-back
 *   (migrating back in granularity-sized pieces) (kfdtest:
 *   KFDSVMRangeTest.MigrateGranularityTest)
 */
static void migrate_granularity(void)
{
	struct kfd_sdma_queue *q = kfd_test_queue(kctx.dev, kctx.gpu);
	uint64_t size = min_u64(16384 * kctx.page, align_down(kctx.vram[0] / 2, SZ_2M));
	uint32_t *src = svm_buf(size, 0), *buf = svm_buf(size, 0);

	for (int g = 14; g >= 0; g--) {
		fill(src, size, (uint32_t)g << 24);
		kfd_svm_prefetch(kctx.fd, buf, size, gpu_id());
		kfd_svm_set_granularity(kctx.fd, buf, size, g);
		copy(q, buf, src, size);
		check(buf, size, (uint32_t)g << 24, "CPU read-back");
	}
}

/**
 * SUBTEST: migrate-large-buf
 * Description: min(1 GiB, 3/4 of VRAM) registered with prefetch to the GPU
 *   (a migration), copied out by the GPU in 128 MiB pieces and checked;
 *   then with granularity 30 the CPU faults it back whole, changes it and a
 *   second GPU copy sees the change (kfdtest:
 *   KFDSVMRangeTest.MigrateLargeBufTest)
 */
static void migrate_large_buf(void)
{
	struct kfd_sdma_queue *q = kfd_test_queue(kctx.dev, kctx.gpu);
	uint64_t size = min_u64(SZ_1G,
			      align_down(kctx.vram[0] / 4 * 3, SZ_2M));
	uint64_t chunk = 128 * SZ_1M;
	uint32_t *buf = kfd_test_map(size), *dst = svm_buf(size, 0);

	fill(buf, size, 0x1000);
	kfd_svm_register(kctx.fd, buf, size, gpu_id(), FLAGS, gpu_id());
	for (uint64_t off = 0; off < size; off += chunk)
		copy(q, (char *)dst + off, (char *)buf + off, min_u64(chunk, size - off));
	check(dst, size, 0x1000, "GPU copy of the migrated range");
	kfd_svm_set_granularity(kctx.fd, buf, size, 30);
	check(buf, size, 0x1000, "CPU read after migration back");
	fill(buf, size, 0x2000);
	for (uint64_t off = 0; off < size; off += chunk)
		copy(q, (char *)dst + off, (char *)buf + off, min_u64(chunk, size - off));
	check(dst, size, 0x2000, "GPU copy after the CPU changed it");
}

/* Both ranges on every GPU (access or in place, prefetched), then each GPU copies. */
static void multi_gpu(uint32_t access_type)
{
	uint64_t size = 4 * SZ_1M;
	uint32_t *src = kfd_test_map(size), *dst = kfd_test_map(size);

	kfd_svm_register(kctx.fd, src, size, 0, FLAGS, gpu_id());
	kfd_svm_register(kctx.fd, dst, size, 0, FLAGS, gpu_id());
	for (int i = 0; i < kctx.dev->num_gpus; i++) {
		uint32_t id = kctx.dev->gpus[i].gpu_id;

		kfd_svm_set1(kctx.fd, src, size, access_type, id);
		kfd_svm_set1(kctx.fd, dst, size, access_type, id);
	}
	for (int i = 0; i < kctx.dev->num_gpus; i++) {
		struct kfd_gpu *gpu = &kctx.dev->gpus[i];
		struct kfd_sdma_queue *q = kfd_test_queue(kctx.dev, gpu);

		/* CPU writes first: they would migrate a prefetched range straight back. */
		fill(src, size, (uint32_t)i << 20);
		if (kctx.vram[i]) {
			kfd_svm_prefetch(kctx.fd, src, size, gpu->gpu_id);
			kfd_svm_prefetch(kctx.fd, dst, size, gpu->gpu_id);
		}
		copy(q, dst, src, size);
		check(dst, size, (uint32_t)i << 20, "copy on this GPU");
	}
}

/**
 * SUBTEST: multi-gpu-migration
 * Description: Two ranges mapped on every GPU and prefetched to each in
 *   turn; every GPU copies between them (GPU to GPU migration through
 *   faults) (kfdtest: KFDSVMRangeTest.MultiGPUMigrationTest)
 */
static void multi_gpu_migration(void)
{
	multi_gpu(KFD_IOCTL_SVM_ATTR_ACCESS);
}

/**
 * SUBTEST: multi-gpu-access-in-place
 * Description: The same with ACCESS_IN_PLACE on every GPU (xGMI peers
 *   access without migration) (kfdtest:
 *   KFDSVMRangeTest.MultiGPUAccessInPlaceTest)
 */
static void multi_gpu_access_in_place(void)
{
	multi_gpu(KFD_IOCTL_SVM_ATTR_ACCESS_IN_PLACE);
}

struct mt_arg {
	uint32_t *buf;
	uint64_t size;
	uint32_t loc;		/* prefetch there, or ~0: read on the CPU */
	uint32_t sum;
	int ret;
};

static void *mt_thread(void *data)
{
	struct mt_arg *a = data;

	if (a->loc != UINT32_MAX) {
		a->ret = __kfd_svm_set1(kctx.fd, a->buf, a->size, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC,
					a->loc);
	} else {
		for (uint64_t i = 0; i < a->size / 4; i += 1024)
			a->sum += a->buf[i];
	}
	return NULL;
}

static void mt_join(pthread_t t, struct mt_arg *a)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 60;
	igt_assert_f(pthread_timedjoin_np(t, NULL, &ts) == 0, "thread did not finish in 60 s\n");
	igt_assert_f(a->ret == 0, "thread's prefetch: %s\n", strerror(-a->ret));
}

/**
 * SUBTEST: multi-thread-migration
 * Description: 128 MiB; a thread prefetches to the GPU while the GPU copies
 *   from the range (its faults race the prefetch), then a thread reads on
 *   the CPU while the main thread prefetches to system memory; two rounds,
 *   the data intact (kfdtest: KFDSVMRangeTest.MultiThreadMigrationTest), in
 */
static void multi_thread_migration(void)
{
	struct kfd_sdma_queue *q = kfd_test_queue(kctx.dev, kctx.gpu);
	uint64_t size = 128 * SZ_1M;
	uint32_t *buf = svm_buf(size, 0), *dst = svm_buf(size, 0);
	/* Static: a thread that outlives a failed join must not write into a dead frame. */
	static struct mt_arg a;
	pthread_t t;

	fill(buf, size, 0x77);
	for (int round = 0; round < 2; round++) {
		a = (struct mt_arg){ .buf = buf, .size = size, .loc = gpu_id() };

		igt_assert_eq(pthread_create(&t, NULL, mt_thread, &a), 0);
		copy(q, dst, buf, size);
		mt_join(t, &a);
		check(dst, size, 0x77, "GPU copy racing the prefetch");

		a = (struct mt_arg){ .buf = buf, .size = size, .loc = UINT32_MAX };
		igt_assert_eq(pthread_create(&t, NULL, mt_thread, &a), 0);
		kfd_svm_prefetch(kctx.fd, buf, size, 0);
		mt_join(t, &a);
		check(buf, size, 0x77, "CPU read racing the prefetch to RAM");
	}
}

/**
 * SUBTEST: migrate-file-backed-range
 * Description: A MAP_SHARED file mapping registered with prefetch to the
 *   GPU is filled by the GPU; after munmap and close the file holds the
 *   data (kfdtest: KFDSVMRangeTest.MigrateFileBackedRangeTest)
 */
static void migrate_file_backed_range(void)
{
	struct kfd_sdma_queue *q = kfd_test_queue(kctx.dev, kctx.gpu);
	uint64_t size = SZ_1M;
	char path[] = "/tmp/kfd_svm_file_XXXXXX";
	int fd = igt_fd_tracked(mkstemp(path));
	uint32_t *p, *back;

	unlink(path);
	igt_assert_eq(ftruncate(fd, size), 0);
	p = igt_mmap_tracked(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	kfd_svm_register(kctx.fd, p, size, gpu_id(), FLAGS, gpu_id());
	kfd_sdma_fill(q, (uintptr_t)p, 0x33333333, size);
	igt_assert_eq(__igt_munmap_tracked(p, size), 0);
	back = igt_alloc_tracked(64, size);
	igt_assert_eq(pread(fd, back, size, 0), (ssize_t)size);
	check_value(back, size, 0x33333333, "file contents");
}

/**
 * SUBTEST: read-only-range
 * Description: In a child process (a GPU fault evicts all its queues): the
 *   GPU reads a page made read-only with mprotect, and its write there
 *   raises a memory exception event naming the page (kfdtest:
 *   KFDSVMRangeTest.ReadOnlyRangeTest, excluded there on every ASIC; dGPU
 *   only here, an APU's child gets SIGSEGV instead)
 */
static void read_only_range(void)
{
	kfd_expect_vm_fault();	/* the child's SDMA write into the read-only page */
	igt_fork(child, 1) {
		struct kfd_device *dev = kfd_test_child_open();
		struct kfd_sdma_queue *q = kfd_sdma_queue_create(dev, &dev->gpus[0], 0);
		struct kfd_event *ev = kfd_event_create(dev, KFD_IOC_EVENT_MEMORY, false);
		uint64_t pg = kctx.page, va = 0;
		uint32_t *ro = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *dst;
		uint32_t v = 0xbad, pkt[KFD_SDMA_WRITE_HEADER_DWORDS + 1];
		unsigned int n;
		int ret;

		igt_assert(ro != MAP_FAILED);
		dst = ro + pg / 4;
		fill(ro, pg, 0x400);
		kfd_svm_register(dev->fd, ro, 2 * pg, 0, FLAGS, dev->gpus[0].gpu_id);
		igt_assert_eq(mprotect(ro, pg, PROT_READ), 0);
		kfd_sdma_copy(q, (uintptr_t)dst, (uintptr_t)ro, pg);
		check(dst, pg, 0x400, "GPU read of the read-only page");
		/* The faulting write: no wait for the queue, which the fault stops. */
		n = kfd_sdma_write_linear(pkt, (uintptr_t)ro, &v, 1);
		igt_assert_eq(__kfd_sdma_submit(q, pkt, n, KFD_DEFAULT_TIMEOUT_MS), 0);
		ret = __kfd_event_wait_memory_fault(ev, KFD_DEFAULT_TIMEOUT_MS, &va, NULL);
		igt_assert_f(ret == 0, "no memory exception event: %s\n", strerror(-ret));
		igt_assert_f(va == (uintptr_t)ro, "fault at %#" PRIx64 ", expected %p\n", va, ro);
		igt_assert_eq_u32(ro[0], 0x400);
		kfd_device_close(dev);
	}
	igt_waitchildren_timeout(KFD_CHILD_TIMEOUT_S, "read-only-range child");
}

/**
 * SUBTEST: prefault-partial-range
 * Description: 4 pages, the middle two written by the CPU, all prefetched
 *   to VRAM; the GPU fills the first and the last; the CPU reads bytes 1,
 *   2, 3, 4 in the four pages (kfdtest:
 *   KFDSVMRangeTest.PrefaultPartialRangeTest)
 */
static void prefault_partial_range(void)
{
	struct kfd_sdma_queue *q = kfd_test_queue(kctx.dev, kctx.gpu);
	uint64_t pg = kctx.page;
	char *p = (char *)svm_buf(4 * pg, 0);

	memset(p + pg, 2, pg);
	memset(p + 2 * pg, 3, pg);
	kfd_svm_prefetch(kctx.fd, p, 4 * pg, gpu_id());
	kfd_sdma_fill(q, (uintptr_t)p, 0x01010101, pg);
	kfd_sdma_fill(q, (uintptr_t)p + 3 * pg, 0x04040404, pg);
	for (int i = 0; i < 4; i++)
		check_value((uint32_t *)(p + i * pg), pg, 0x01010101u * (i + 1), "page");
}

/* ---- SMI events ---------------------------------------------------------- */

#define SMI_WAIT_MS 5000

/* The next event of @id from this process about @gpu, within SMI_WAIT_MS. */
static struct kfd_smi_msg smi_expect(struct kfd_smi *smi, uint32_t id, const char *what)
{
	return kfd_smi_expect(smi, id, SMI_WAIT_MS, what);
}

/**
 * SUBTEST: hmm-profiling-event
 * Description: Prefetching a 4-page range (kfdtest's 16 KiB at 4K pages)
 *   to the GPU emits MIGRATE_START with the range's address and size in
 *   pages, this pid and trigger PREFETCH (kfdtest:
 *   KFDSVMRangeTest.HMMProfilingEvent)
 */
static void hmm_profiling_event(void)
{
	struct kfd_smi *smi = kfd_test_smi(kctx.dev, kctx.gpu);
	/* In pages: 16 KiB is not a whole page on a 64K kernel, and SVM refuses it. */
	uint64_t size = 4 * kctx.page;
	char *p = (char *)svm_buf(size, 0);
	struct kfd_smi_msg ev;

	memset(p, 1, size);
	kfd_svm_prefetch(kctx.fd, p, size, gpu_id());
	ev = smi_expect(smi, KFD_SMI_EVENT_MIGRATE_START, "prefetch");
	igt_assert_eq_u64(ev.addr * kctx.page, (uintptr_t)p);
	igt_assert_eq_u64(ev.size * kctx.page, size);
	igt_assert_eq(ev.trigger, KFD_MIGRATE_TRIGGER_PREFETCH);
}

/**
 * SUBTEST: gpu-fault-migrates-chunk
 * Description: With XNACK on, a GPU write fault on one page of a 64-page
 *   range that prefers the GPU, granularity 2 (4 pages), migrates that
 *   page's 4-page chunk (aligned in the address space) to VRAM, not the
 *   whole range, so one MIGRATE_START with trigger PAGEFAULT_GPU at the
 *   chunk's first page, 4 pages long; the
 *   data is right afterwards.  Guards "drm/amdkfd: Use partial
 *   migrations/mapping for GPU/CPU page faults in SVM" (before it, a fault
 *   migrated the whole range); skips with XNACK off, where GPU faults are
 *   not retried
 */
static void gpu_fault_migrates_chunk(void)
{
	struct kfd_sdma_queue *q;
	struct kfd_smi *smi;
	uint64_t pg = kctx.page, size = 64 * pg;
	uint32_t *p;
	struct kfd_smi_msg ev;

	igt_require_f(kctx.xnack, "GPU faults are retried (and migrate) with XNACK on only\n");
	q = kfd_test_queue(kctx.dev, kctx.gpu);
	smi = kfd_test_smi(kctx.dev, kctx.gpu);
	p = svm_buf(size, 0);
	fill(p, size, 0x1000);
	kfd_svm_set1(kctx.fd, p, size, KFD_IOCTL_SVM_ATTR_PREFERRED_LOC, gpu_id());
	kfd_svm_set_granularity(kctx.fd, p, size, 2);
	kfd_sdma_fill(q, (uintptr_t)p + 10 * pg, 0xfeedf00d, pg);
	ev = smi_expect(smi, KFD_SMI_EVENT_MIGRATE_START, "GPU fault");
	igt_assert_eq(ev.trigger, KFD_MIGRATE_TRIGGER_PAGEFAULT_GPU);
	/* Chunks are aligned in the address space, not in the range. */
	igt_assert_f(ev.addr == (((uintptr_t)p / pg + 10) & ~3ull) && ev.size == 4,
		     "the fault migrated %" PRIu64 " pages from page %" PRId64 " of the range, "
		     "expected the 4-page chunk of page 10, from page %" PRId64 "\n",
		     (uint64_t)ev.size, (int64_t)(ev.addr - (uintptr_t)p / pg),
		     (int64_t)((((uintptr_t)p / pg + 10) & ~3ull) - (uintptr_t)p / pg));
	check_value(p + 10 * pg / 4, pg, 0xfeedf00d, "the GPU's fill");
	check(p, 10 * pg, 0x1000, "the pages before it");
}

/**
 * SUBTEST: smi-migrate
 * Description: A prefetch to VRAM emits MIGRATE_START and MIGRATE_END from
 *   system memory (0) to the GPU, trigger PREFETCH, error code 0 where the
 *   kernel reports one; the CPU touching the range emits a migration back
 *   to system memory with trigger PAGEFAULT_CPU
 */
static void smi_migrate(void)
{
	struct kfd_smi *smi = kfd_test_smi(kctx.dev, kctx.gpu);
	uint64_t size = 64 * 1024;
	char *p = (char *)svm_buf(size, 0);
	struct kfd_smi_msg ev;

	memset(p, 1, size);
	kfd_svm_prefetch(kctx.fd, p, size, gpu_id());
	ev = smi_expect(smi, KFD_SMI_EVENT_MIGRATE_START, "prefetch");
	igt_assert_eq_u64(ev.addr * kctx.page, (uintptr_t)p);
	igt_assert_eq_u32(ev.from, 0);
	igt_assert_eq_u32(ev.to, gpu_id());
	igt_assert_eq(ev.trigger, KFD_MIGRATE_TRIGGER_PREFETCH);
	ev = smi_expect(smi, KFD_SMI_EVENT_MIGRATE_END, "prefetch");
	igt_assert_eq_u32(ev.to, gpu_id());
	igt_assert(!ev.has_error_code || ev.error_code == 0);

	p[0] = 2;	/* CPU fault: back to system memory */
	ev = smi_expect(smi, KFD_SMI_EVENT_MIGRATE_START, "CPU fault");
	igt_assert_eq_u32(ev.from, gpu_id());
	igt_assert_eq_u32(ev.to, 0);
	igt_assert_eq(ev.trigger, KFD_MIGRATE_TRIGGER_PAGEFAULT_CPU);
}

/**
 * SUBTEST: smi-evict-restore
 * Description: mprotect() of a GPU_ALWAYS_MAPPED range that a queue's GPU
 *   maps evicts the process's queues (QUEUE_EVICTION, trigger SVM) and
 *   restores them (QUEUE_RESTORE); the GPU still copies right afterwards,
 *  
 */
static void smi_evict_restore(void)
{
	struct kfd_smi *smi = kfd_test_smi(kctx.dev, kctx.gpu);
	struct kfd_sdma_queue *q = kfd_test_queue(kctx.dev, kctx.gpu);
	uint64_t size = 4 * kctx.page;
	uint32_t *p = svm_buf(size, 0), *dst = svm_buf(size, 0);
	struct kfd_smi_msg ev;

	kfd_svm_set1(kctx.fd, p, size, KFD_IOCTL_SVM_ATTR_SET_FLAGS,
		     KFD_IOCTL_SVM_FLAG_GPU_ALWAYS_MAPPED);
	fill(p, size, 0x900);
	copy(q, dst, p, size);
	igt_assert_eq(mprotect(p, size, PROT_READ), 0);
	ev = smi_expect(smi, KFD_SMI_EVENT_QUEUE_EVICTION, "mprotect");
	igt_assert_eq_u32(ev.node, gpu_id());
	igt_assert_eq(ev.trigger, KFD_QUEUE_EVICTION_TRIGGER_SVM);
	ev = smi_expect(smi, KFD_SMI_EVENT_QUEUE_RESTORE, "after the eviction");
	igt_assert_eq_u32(ev.node, gpu_id());
	memset(dst, 0, size);
	copy(q, dst, p, size);
	check(dst, size, 0x900, "copy after the restore");
}

/**
 * SUBTEST: smi-unmap
 * Description: munmap() of a GPU-mapped (GPU_ALWAYS_MAPPED) range emits
 *   UNMAP_FROM_GPU with its address and size in pages, the GPU and trigger
 *   UNMAP_FROM_CPU
 */
static void smi_unmap(void)
{
	struct kfd_smi *smi = kfd_test_smi(kctx.dev, kctx.gpu);
	uint64_t size = 8 * kctx.page;
	char *p = (char *)svm_buf(size, 0);
	struct kfd_smi_msg ev;

	kfd_svm_set1(kctx.fd, p, size, KFD_IOCTL_SVM_ATTR_SET_FLAGS,
		     KFD_IOCTL_SVM_FLAG_GPU_ALWAYS_MAPPED);
	igt_assert_eq(__igt_munmap_tracked(p, size), 0);
	ev = smi_expect(smi, KFD_SMI_EVENT_UNMAP_FROM_GPU, "munmap");
	igt_assert_eq_u64(ev.addr * kctx.page, (uintptr_t)p);
	igt_assert_eq_u64(ev.size * kctx.page, size);
	igt_assert_eq_u32(ev.node, gpu_id());
	igt_assert_eq(ev.trigger, KFD_SVM_UNMAP_TRIGGER_UNMAP_FROM_CPU);
}

/* ---- KFDSVMEvictTest ---------------------------------------------------- */

#define EVICT_PROCESSES 4

static uint64_t mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long long kb = 0;
	char line[128];

	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb << 10;
}

/* Each process's share: together they exceed VRAM by 1 GiB (or by VRAM, if less), in 64 MiB ranges. */
static uint64_t evict_share(void)
{
	uint64_t vram = kctx.vram[0];

	igt_require_f(mem_available() > vram + 2 * SZ_1G,
		      "RAM short: %" PRIu64 " MiB available, evicting %" PRIu64 " MiB of VRAM needs more\n",
		      mem_available() >> 20, vram >> 20);
	return align_up((vram + kfd_test_overcommit(vram)) / EVICT_PROCESSES, 64 * SZ_1M);
}

/**
 * SUBTEST: evict-basic
 * Description: 4 processes each register 64 MiB ranges prefetched to VRAM,
 *   together more than the VRAM, so KFD evicts across processes; every
 *   registration succeeds within 3 tries and every child exits cleanly
 *   (kfdtest: KFDSVMEvictTest.BasicTest; skipped when RAM is short), in
 */
static void evict_basic(void)
{
	uint64_t share = evict_share(), chunk = 64 * SZ_1M;

	igt_fork(child, EVICT_PROCESSES) {
		struct kfd_device *dev = kfd_test_child_open();
		char *p = mmap(NULL, share, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		igt_assert(p != MAP_FAILED);
		for (uint64_t off = 0; off < share; off += chunk) {
			int ret = -EAGAIN;

			for (int tries = 0; tries < 3 && ret; tries++) {
				ret = __kfd_svm_register(dev->fd, p + off, chunk, dev->gpus[0].gpu_id,
							 FLAGS, dev->gpus[0].gpu_id);
				if (ret)
					usleep(100 * 1000);
			}
			igt_assert_f(ret == 0, "child %d: range at +%" PRIu64 " MiB: %s\n", child,
				     off >> 20, strerror(-ret));
		}
		kfd_device_close(dev);
		munmap(p, share);
	}
	igt_waitchildren_timeout(KFD_CHILD_TIMEOUT_S * 2, "evict-basic children");
}

/**
 * SUBTEST: evict-queue
 * Description: 4 processes, each with an SDMA queue copying out of its
 *   VRAM-prefetched SVM ranges for 5 s while the others' ranges evict
 *   them; every copy is right (kfdtest: KFDSVMEvictTest.QueueTest, whose
 *   shader reads continuously under CWSR; SDMA copies here)
 */
static void evict_queue(void)
{
	uint64_t share = evict_share(), chunk = 64 * SZ_1M;

	igt_fork(child, EVICT_PROCESSES) {
		struct kfd_device *dev = kfd_test_child_open();
		struct kfd_sdma_queue *q = kfd_sdma_queue_create(dev, &dev->gpus[0], 0);
		uint32_t id = dev->gpus[0].gpu_id;
		char *p = mmap(NULL, share, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		uint32_t *dst = mmap(NULL, SZ_1M, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct timespec start, now;

		igt_assert(p != MAP_FAILED && dst != MAP_FAILED);
		kfd_svm_register(dev->fd, dst, SZ_1M, 0, FLAGS, id);
		for (uint64_t off = 0; off < share; off += chunk) {
			fill((uint32_t *)(p + off), SZ_1M, (uint32_t)(off >> 20));
			kfd_svm_register(dev->fd, p + off, chunk, id, FLAGS, id);
		}
		clock_gettime(CLOCK_MONOTONIC, &start);
		do {
			for (uint64_t off = 0; off < share; off += chunk) {
				kfd_sdma_copy(q, (uintptr_t)dst, (uintptr_t)(p + off), SZ_1M);
				check(dst, SZ_1M, (uint32_t)(off >> 20), "copy under eviction");
			}
			clock_gettime(CLOCK_MONOTONIC, &now);
		} while (now.tv_sec - start.tv_sec < 5);
		kfd_device_close(dev);
	}
	igt_waitchildren_timeout(KFD_CHILD_TIMEOUT_S * 2, "evict-queue children");
}

const struct kfd_svm_case kfd_svm_gpu_cases[] = {
	{ .name = "basic-system-mem", .run = basic_system_mem },
	{ .name = "xnack-mode", .run = xnack_mode },
	{ .name = "evict-system-range", .run = evict_system_range },
	{ .name = "partial-unmap-sysmem", .run = partial_unmap_sysmem },
	{ .name = "basic-vram", .run = basic_vram, .needs = NEEDS_VRAM },
	{ .name = "migrate", .run = migrate, .needs = NEEDS_VRAM },
	{ .name = "migrate-access-in-place", .run = migrate_access_in_place, .needs = NEEDS_VRAM },
	{ .name = "migrate-granularity", .run = migrate_granularity, .needs = NEEDS_VRAM, .timeout_s = 600 },
	{ .name = "migrate-large-buf", .run = migrate_large_buf, .needs = NEEDS_VRAM, .timeout_s = 600 },
	{ .name = "migrate-policy", .run = migrate_policy, .needs = NEEDS_VRAM },
	{ .name = "multi-gpu-migration", .run = multi_gpu_migration, .needs = NEEDS_2GPUS },
	{ .name = "multi-gpu-access-in-place", .run = multi_gpu_access_in_place, .needs = NEEDS_2GPUS },
	{ .name = "multi-thread-migration", .run = multi_thread_migration, .needs = NEEDS_VRAM, .timeout_s = 300 },
	{ .name = "migrate-file-backed-range", .run = migrate_file_backed_range },
	{ .name = "read-only-range", .run = read_only_range, .needs = NEEDS_DGPU },
	{ .name = "hmm-profiling-event", .run = hmm_profiling_event, .needs = NEEDS_SMI | NEEDS_DGPU },
	{ .name = "prefault-partial-range", .run = prefault_partial_range, .needs = NEEDS_VRAM },
	{ .name = "gpu-fault-migrates-chunk", .run = gpu_fault_migrates_chunk,
	  .needs = NEEDS_SMI | NEEDS_VRAM },
	{ .name = "smi-migrate", .run = smi_migrate, .needs = NEEDS_SMI | NEEDS_VRAM },
	{ .name = "smi-evict-restore", .run = smi_evict_restore, .needs = NEEDS_SMI },
	{ .name = "smi-unmap", .run = smi_unmap, .needs = NEEDS_SMI },
	{ .name = "evict-basic", .run = evict_basic, .needs = NEEDS_DGPU, .timeout_s = 300 },
	{ .name = "evict-queue", .run = evict_queue, .needs = NEEDS_DGPU, .timeout_s = 300 },
};

const size_t kfd_svm_gpu_num_cases = ARRAY_SIZE(kfd_svm_gpu_cases);
