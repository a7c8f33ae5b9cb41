/* SPDX-License-Identifier: MIT */
/*
 * vdev's amdkfd SVM migration, retry faults and SMI events, through
 * lib/kfd's ioctl wrappers and SMI parser: run it under vdev/run --preset
 * kfd-*.  What a GPU would do is asked of vdev itself: the SVM access gate
 * its engines call (vdev_kfd_svm_gpu_access) and where a page lives
 * (vdev_page_tile: the GPU index whose emulated VRAM holds it, -1 for
 * system memory), both looked up in the preloaded library.  Expectations
 * follow Linux's amdkfd (kfd_svm.c, kfd_migrate.c, kfd_smi_events.c) and
 * depend on the topology only (VRAM from mem_banks, XNACK from the gfx
 * version), never on the preset's name.  One TAP line per check; exit 1
 * if any failed.  vdev/tests/kfd-svm-presets runs it on every preset and
 * with bug model svm-fault-whole-range.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tap.h"
#include "kfd/kfd_ioctl.h"
#include "kfd/kfd_smi.h"
#include "kfd/kfd_topology.h"

#define PAGE 4096ul
#define MAX_GPUS 2
#define MAX_MSGS 512

struct gpu {
	uint32_t gpu_id;
	uint64_t vram;			/* bytes, from mem_banks/0 */
	int render_fd;
};

struct smi {
	int fd;
	char buf[2 * KFD_SMI_READ_BYTES];
	size_t len;
	struct kfd_smi_msg msgs[MAX_MSGS];
	unsigned int n, bad;
};

static struct gpu gpus[MAX_GPUS];
static unsigned int num_gpus;
static bool xnack_ok;
static int kfd = -1;
static struct smi smi0;

static int (*gate)(unsigned int gpu, uint64_t va, uint64_t len, bool write, uint64_t *fault_va);
static void (*kfd_lock)(void), (*kfd_unlock)(void);
static int (*page_tile)(uint64_t va);
static uint64_t (*vram_used)(unsigned int gpu);

static uint64_t pg(const void *p)
{
	return (uintptr_t)p / PAGE;
}

static int tile(const void *p)
{
	return page_tile((uintptr_t)p);
}

/* How many of @n pages from @p are in GPU @g's VRAM (-1: in system memory). */
static unsigned int count_tile(const char *p, unsigned int n, int g)
{
	unsigned int c = 0;

	for (unsigned int i = 0; i < n; i++)
		c += tile(p + i * PAGE) == g;
	return c;
}

static int access_gpu(unsigned int gpu, const void *p, bool write, uint64_t *fault_va)
{
	int ret;

	kfd_lock();
	ret = gate(gpu, (uintptr_t)p, 4, write, fault_va);
	kfd_unlock();
	return ret;
}

static void *map_pages(unsigned int n)
{
	void *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* @n pages at a 2 MiB boundary, nothing mapped around them up to it. */
static void *map_aligned_2m(unsigned int n)
{
	size_t big = 4ul << 20;
	char *p = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	a = (char *)(((uintptr_t)p + (2ul << 20) - 1) & ~((2ul << 20) - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	munmap(a + n * PAGE, (size_t)(p + big - (a + n * PAGE)));
	return a;
}

static int svm_set(const void *p, uint64_t len, struct kfd_ioctl_svm_attribute *attrs, uint32_t n)
{
	return __kfd_svm_attrs(kfd, KFD_IOCTL_SVM_OP_SET_ATTR, (uintptr_t)p, len, attrs, n);
}

static int set1(const void *p, uint64_t len, uint32_t type, uint32_t value)
{
	struct kfd_ioctl_svm_attribute a = { type, value };

	return svm_set(p, len, &a, 1);
}

/* Any SVM call: the kfd entry that makes a CPU fault's chunk follow. */
static void kfd_entry(const void *p)
{
	struct kfd_ioctl_svm_attribute a = { KFD_IOCTL_SVM_ATTR_GRANULARITY, 0 };

	__kfd_svm_attrs(kfd, KFD_IOCTL_SVM_OP_GET_ATTR, (uintptr_t)p & ~(PAGE - 1), PAGE, &a, 1);
}

/* Everything the SMI file holds now (emission is synchronous in vdev). */
static void smi_drain(struct smi *s)
{
	struct kfd_smi_msg m;
	int ret;

	s->n = s->bad = 0;
	while ((ret = kfd_smi_read_fd(s->fd, s->buf, sizeof(s->buf), &s->len, &m, 20)) != -ETIME) {
		if (ret) {
			s->bad++;
			continue;
		}
		if (s->n < MAX_MSGS)
			s->msgs[s->n++] = m;
	}
}

static const struct kfd_smi_msg *smi_find(const struct smi *s, uint32_t id, int trigger)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (s->msgs[i].id == id && (trigger < 0 || s->msgs[i].trigger == trigger))
			return &s->msgs[i];
	return NULL;
}

/* Drains until a line @id (with @trigger, if >= 0) came, for at most @ms. */
static const struct kfd_smi_msg *smi_wait(struct smi *s, uint32_t id, int trigger, int ms)
{
	const struct kfd_smi_msg *m = NULL;
	struct kfd_smi_msg got;
	int ret;

	s->n = s->bad = 0;
	for (int waited = 0; !m && waited < ms; waited += 10) {
		ret = kfd_smi_read_fd(s->fd, s->buf, sizeof(s->buf), &s->len, &got, 10);
		if (ret == -ETIME)
			continue;
		if (ret) {
			s->bad++;
			continue;
		}
		if (s->n < MAX_MSGS)
			s->msgs[s->n++] = got;
		m = smi_find(s, id, trigger);
	}
	return m;
}

/* The threads of this process (/proc/self/status). */
static int num_threads(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	int n = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

/*
 * The thread count once it is @want, or after 2 s: a joined thread can
 * still be listed for a moment while the kernel reaps it.
 */
static int num_threads_settled(int want)
{
	int n = num_threads();

	for (int i = 0; n != want && i < 2000; i++) {
		usleep(1000);
		n = num_threads();
	}
	return n;
}

static void check_migrate(const struct smi *s, const char *name, const void *addr, uint64_t pages,
			  uint32_t from, uint32_t to, int trigger)
{
	const struct kfd_smi_msg *m = smi_find(s, KFD_SMI_EVENT_MIGRATE_START, trigger);
	const struct kfd_smi_msg *e = smi_find(s, KFD_SMI_EVENT_MIGRATE_END, trigger);

	check(s->bad == 0, name, "%u lines that lib/kfd cannot parse", s->bad);
	if (!check(m && e, name, "no MIGRATE_START/END with trigger %d among %u lines", trigger, s->n))
		return;
	check(m->pid == getpid() && m->addr == pg(addr) && m->size == pages && m->from == from &&
	      m->to == to && e->addr == m->addr && e->size == pages && e->from == from && e->to == to &&
	      m->ns > 0 && e->ns >= m->ns, name,
	      "START pid %d @%#lx(%#lx) %x->%x, want pid %d @%#lx(%#lx) %x->%x",
	      m->pid, (unsigned long)m->addr, (unsigned long)m->size, m->from, m->to, (int)getpid(),
	      (unsigned long)pg(addr), (unsigned long)pages, from, to);
}

/* ---- topology and bring-up ---- */

static void bring_up(void)
{
	struct kfd_topology topo;
	char path[512];
	const char *root = getenv("IGT_SVM_DEV_ROOT");

	if (__kfd_topology_read(&topo) || kfd_topology_num_gpus(&topo) < 1) {
		printf("Bail out! no KFD topology\n");
		exit(1);
	}
	for (int i = 0; i < kfd_topology_num_gpus(&topo) && num_gpus < MAX_GPUS; i++) {
		const struct kfd_node *n = kfd_topology_gpu(&topo, i);
		struct gpu *g = &gpus[num_gpus++];
		unsigned long long size = 0;
		char key[64];
		FILE *f;

		g->gpu_id = n->gpu_id;
		/* kfdtest's GetVramSize: the node's memory banks, not local_mem_size (0). */
		snprintf(path, sizeof(path), "%s/nodes/%d/mem_banks/0/properties", kfd_topology_dir(),
			 n->index);
		f = fopen(path, "r");
		while (f && fscanf(f, "%63s %llu", key, &size) == 2)
			if (!strcmp(key, "size_in_bytes"))
				g->vram = size;
		if (f)
			fclose(f);
		xnack_ok = n->gfx_target_version < 100101;	/* gfx 10.1.1+: no retry faults */
		snprintf(path, sizeof(path), "%s/dri/renderD%u", root && *root ? root : "/dev",
			 n->drm_render_minor);
		g->render_fd = open(path, O_RDWR | O_CLOEXEC);
	}
	snprintf(path, sizeof(path), "%s/kfd", root && *root ? root : "/dev");
	kfd = open(path, O_RDWR | O_CLOEXEC);
	gate = (int (*)(unsigned int, uint64_t, uint64_t, bool, uint64_t *))dlsym(RTLD_DEFAULT, "vdev_kfd_svm_gpu_access");
	kfd_lock = (void (*)(void))dlsym(RTLD_DEFAULT, "vdev_kfd_lock");
	kfd_unlock = (void (*)(void))dlsym(RTLD_DEFAULT, "vdev_kfd_unlock");
	page_tile = (int (*)(uint64_t))dlsym(RTLD_DEFAULT, "vdev_page_tile");
	vram_used = (uint64_t (*)(unsigned int))dlsym(RTLD_DEFAULT, "vdev_kfd_vram_used");
	if (kfd < 0 || !gate || !kfd_lock || !kfd_unlock || !page_tile || !vram_used) {
		printf("Bail out! not under vdev (kfd %d, gate %p)\n", kfd, (void *)gate);
		exit(1);
	}
	for (unsigned int i = 0; i < num_gpus; i++)
		check(__kfd_acquire_vm(kfd, gpus[i].render_fd, gpus[i].gpu_id) == 0, "ACQUIRE_VM",
		      "gpu %#x", gpus[i].gpu_id);
}

static int smi_open(struct smi *s, uint32_t gpu_id, uint64_t mask)
{
	int ret = __kfd_smi_events(kfd, gpu_id, &s->fd);

	if (!ret && write(s->fd, &mask, sizeof(mask)) != sizeof(mask))
		ret = -errno;
	s->len = 0;
	return ret;
}

/* ---- the checks ---- */

static void test_smi_open(void)
{
	int fd = -1;

	check(__kfd_smi_events(kfd, 0x1234, &fd) == -EINVAL, "SMI_EVENTS: unknown gpu_id EINVAL",
	      "fd %d", fd);
	check(smi_open(&smi0, gpus[0].gpu_id, kfd_smi_mask_upto(KFD_SMI_EVENT_UNMAP_FROM_GPU)) == 0,
	      "SMI_EVENTS: open and enable", "%s", strerror(errno));
}

/* PREFETCH_LOC=gpu moves the pages at SET time (an APU keeps them); a CPU touch brings back its granularity chunk. */
static void test_prefetch(void)
{
	const unsigned int n = 16;
	char *p = map_aligned_2m(n);
	bool vram = gpus[0].vram > 0;
	struct kfd_ioctl_svm_attribute a[] = {
		{ KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, gpus[0].gpu_id },
		{ KFD_IOCTL_SVM_ATTR_ACCESS, gpus[0].gpu_id },
	};
	unsigned int moved, right = 0;
	bool data = true;

	for (unsigned int i = 0; i < n; i++)
		memset(p + i * PAGE, 0x40 + i, PAGE);
	/* Mapped on the GPU first (XNACK off), so that the prefetch evicts the queues. */
	check(svm_set(p, n * PAGE, &a[1], 1) == 0, "prefetch: SET ACCESS", "failed");
	smi_drain(&smi0);
	check(svm_set(p, n * PAGE, a, 2) == 0, "prefetch: SET", "failed");
	moved = count_tile(p, n, 0);
	check(moved == (vram ? n : 0), "prefetch: pages in the GPU's VRAM", "%u of %u (VRAM %llu)",
	      moved, n, (unsigned long long)gpus[0].vram);
	smi_drain(&smi0);
	if (vram) {
		check_migrate(&smi0, "prefetch: SMI MIGRATE lines", p, n, 0, gpus[0].gpu_id,
			      KFD_MIGRATE_TRIGGER_PREFETCH);
		const struct kfd_smi_msg *ev = smi_find(&smi0, KFD_SMI_EVENT_QUEUE_EVICTION,
							KFD_QUEUE_EVICTION_TRIGGER_SVM);
		const struct kfd_smi_msg *rs = smi_find(&smi0, KFD_SMI_EVENT_QUEUE_RESTORE, -1);

		check(ev && rs && ev->node == gpus[0].gpu_id && ev->pid == getpid() &&
		      rs->node == gpus[0].gpu_id && rs->flag == '0' && rs->ns >= ev->ns,
		      "prefetch: XNACK off, a mapped range's queues are evicted and restored",
		      "%s among %u lines", ev && rs ? "wrong fields" : "missing", smi0.n);
	} else {
		check(!smi_find(&smi0, KFD_SMI_EVENT_MIGRATE_START, -1), "prefetch: APU, no migration",
		      "%u lines", smi0.n);
	}
	/* Granularity 2 (4 pages): a touch of page 5 brings pages 4-7. */
	check(set1(p, n * PAGE, KFD_IOCTL_SVM_ATTR_GRANULARITY, 2) == 0, "cpu fault: SET GRANULARITY",
	      "failed");
	smi_drain(&smi0);
	data &= p[5 * PAGE + 7] == 0x45;
	kfd_entry(p);
	for (unsigned int i = 0; i < n; i++)
		right += tile(p + i * PAGE) == (vram && (i < 4 || i > 7) ? 0 : -1);
	check(right == n, "cpu fault: the granularity chunk comes back, the rest stays",
	      "%u of %u pages where expected", right, n);
	if (vram) {
		smi_drain(&smi0);
		check_migrate(&smi0, "cpu fault: SMI MIGRATE lines", p + 4 * PAGE, 4, gpus[0].gpu_id, 0,
			      KFD_MIGRATE_TRIGGER_PAGEFAULT_CPU);
	}
	/* PREFETCH_LOC=0: back to system memory. */
	check(set1(p, n * PAGE, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, KFD_IOCTL_SVM_LOCATION_SYSMEM) == 0,
	      "prefetch to system: SET", "failed");
	check(count_tile(p, n, -1) == n, "prefetch to system: every page back", "%u of %u",
	      count_tile(p, n, -1), n);
	if (vram) {
		smi_drain(&smi0);
		check_migrate(&smi0, "prefetch to system: SMI MIGRATE lines", p, n, gpus[0].gpu_id, 0,
			      KFD_MIGRATE_TRIGGER_PREFETCH);
	}
	for (unsigned int i = 0; i < n; i++)
		data &= p[i * PAGE] == (char)(0x40 + i) && p[i * PAGE + PAGE - 1] == (char)(0x40 + i);
	check(data, "prefetch: the data survives the round trips", "a page differs");
	munmap(p, n * PAGE);
	smi_drain(&smi0);
}

/*
 * PartialUnmapSysMemTest with VRAM: munmap of the middle of a GPU-mapped
 * range frees its VRAM pages and unmaps exactly them from the GPU.
 */
static void test_partial_munmap(void)
{
	struct kfd_ioctl_svm_attribute a[] = {
		{ KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, gpus[0].gpu_id },
		{ KFD_IOCTL_SVM_ATTR_ACCESS, gpus[0].gpu_id },
	};
	bool vram = gpus[0].vram > 0;
	char *p = map_pages(8);
	const struct kfd_smi_msg *m;
	uint64_t used, fault;

	memset(p, 0x77, 8 * PAGE);
	smi_drain(&smi0);
	check(svm_set(p, 8 * PAGE, a, 2) == 0, "partial munmap: SET", "failed");
	used = vram_used(0);
	smi_drain(&smi0);
	check(!smi_find(&smi0, KFD_SMI_EVENT_QUEUE_EVICTION, -1),
	      "prefetch: a range not mapped before evicts no queues", "%u lines", smi0.n);
	munmap(p + 2 * PAGE, 4 * PAGE);
	smi_drain(&smi0);
	m = smi_find(&smi0, KFD_SMI_EVENT_UNMAP_FROM_GPU, KFD_SVM_UNMAP_TRIGGER_UNMAP_FROM_CPU);
	check(m && m->addr == pg(p + 2 * PAGE) && m->size == 4 && m->node == gpus[0].gpu_id,
	      "partial munmap: SMI UNMAP_FROM_GPU of the hole", "%s", m ? "wrong fields" : "no line");
	check(vram_used(0) == (vram ? used - 4 : 0), "partial munmap: the hole's VRAM pages freed",
	      "%llu pages in VRAM, were %llu", (unsigned long long)vram_used(0), (unsigned long long)used);
	check(access_gpu(0, p + 2 * PAGE, false, &fault) == -EFAULT &&
	      access_gpu(0, p + PAGE, false, &fault) == 0 && access_gpu(0, p + 6 * PAGE, false, &fault) == 0,
	      "partial munmap: only the hole is unmapped from the GPU", "wrong answers");
	check(count_tile(p, 2, vram ? 0 : -1) == 2 && count_tile(p + 6 * PAGE, 2, vram ? 0 : -1) == 2 &&
	      p[0] == 0x77 && p[7 * PAGE] == 0x77, "partial munmap: the rest stays, data intact", "moved");
	munmap(p, 2 * PAGE);
	munmap(p + 6 * PAGE, 2 * PAGE);
	smi_drain(&smi0);
}

/* mremap moves the pages (their data back from VRAM first); the old range goes. */
static void test_mremap(void)
{
	struct kfd_ioctl_svm_attribute a[] = {
		{ KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, gpus[0].gpu_id },
		{ KFD_IOCTL_SVM_ATTR_ACCESS, gpus[0].gpu_id },
	};
	char *p = map_pages(4), *target = map_pages(64), *q;
	const struct kfd_smi_msg *m;
	uint64_t fault;

	memset(p, 0x2c, 4 * PAGE);
	check(svm_set(p, 4 * PAGE, a, 2) == 0, "mremap: SET", "failed");
	smi_drain(&smi0);
	/* Onto @target: the pages must move. */
	q = mremap(p, 4 * PAGE, 64 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	if (!check(q == target, "mremap: moved", "%s", strerror(errno))) {
		munmap(p, 4 * PAGE);
		munmap(target, 64 * PAGE);
		return;
	}
	smi_drain(&smi0);
	m = smi_find(&smi0, KFD_SMI_EVENT_UNMAP_FROM_GPU, KFD_SVM_UNMAP_TRIGGER_UNMAP_FROM_CPU);
	check((m && m->addr == pg(p) && m->size == 4), "mremap: SMI UNMAP_FROM_GPU of the old range",
	      "%s", m ? "wrong fields" : "no line");
	check(q[0] == 0x2c && q[4 * PAGE - 1] == 0x2c && count_tile(q, 4, -1) == 4,
	      "mremap: the data moved with the pages, in system memory", "lost");
	check(access_gpu(0, p, false, &fault) == -EFAULT, "mremap: the old range unmapped from the GPU",
	      "still mapped");
	munmap(q, 64 * PAGE);
	smi_drain(&smi0);
}

/* VramOvercommitTest and VramOvercommitGiantRangeTest: SETs beyond VRAM succeed by eviction. */
static void test_overcommit(void)
{
	uint64_t vram = gpus[0].vram, half = vram / 2;
	unsigned int hp = (unsigned int)(half / PAGE);
	char *r[3], *giant;
	bool ok = true;

	if (!vram)
		return;
	smi_drain(&smi0);
	for (int i = 0; i < 3; i++) {
		r[i] = map_pages(hp);
		r[i][0] = (char)(0x10 + i);
		ok &= set1(r[i], half, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, gpus[0].gpu_id) == 0;
	}
	check(ok, "overcommit: three prefetches of half the VRAM succeed", "one failed");
	check(count_tile(r[2], hp, 0) == hp && tile(r[0]) == -1, "overcommit: the oldest range is evicted",
	      "last %u of %u in VRAM, first page of the first in tile %d", count_tile(r[2], hp, 0), hp,
	      tile(r[0]));
	smi_drain(&smi0);
	check(smi_find(&smi0, KFD_SMI_EVENT_MIGRATE_START, KFD_MIGRATE_TRIGGER_TTM_EVICTION) != NULL,
	      "overcommit: SMI MIGRATE with trigger TTM_EVICTION", "%u lines", smi0.n);
	check(r[0][0] == 0x10 && r[1][0] == 0x11 && r[2][0] == 0x12, "overcommit: data kept", "lost");
	for (int i = 0; i < 3; i++)
		munmap(r[i], half);
	/* 1.25 x VRAM in one range. */
	giant = map_pages(5 * hp / 2);
	giant[0] = 0x33;
	check(set1(giant, 5 * half / 2, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, gpus[0].gpu_id) == 0,
	      "overcommit: one range of 1.25 x VRAM prefetched", "failed");
	check(tile(giant + (5 * hp / 2 - 1) * PAGE) == 0 && tile(giant) == -1 && giant[0] == 0x33,
	      "overcommit: the giant range's tail in VRAM, its head evicted",
	      "tail tile %d head tile %d", tile(giant + (5 * hp / 2 - 1) * PAGE), tile(giant));
	munmap(giant, 5 * half / 2);
	smi_drain(&smi0);
}

/* With XNACK off the gate maps what the attributes say, and nothing migrates on access. */
static void test_gate_xnack_off(void)
{
	char *p = map_pages(4);
	uint64_t fault = 0;
	struct kfd_ioctl_svm_attribute ro[] = {
		{ KFD_IOCTL_SVM_ATTR_ACCESS, gpus[0].gpu_id },
		{ KFD_IOCTL_SVM_ATTR_SET_FLAGS, KFD_IOCTL_SVM_FLAG_GPU_RO },
	};

	check(access_gpu(0, p, false, &fault) == -EFAULT && fault == (uintptr_t)p,
	      "xnack off: no range, the GPU faults", "fault %#lx", (unsigned long)fault);
	check(set1(p, PAGE, KFD_IOCTL_SVM_ATTR_NO_ACCESS, gpus[0].gpu_id) == 0 &&
	      access_gpu(0, p, false, &fault) == -EFAULT, "xnack off: NO_ACCESS faults", "not refused");
	check(svm_set(p + PAGE, PAGE, ro, 2) == 0 && access_gpu(0, p + PAGE, false, &fault) == 0 &&
	      access_gpu(0, p + PAGE, true, &fault) == -EPERM, "xnack off: GPU_RO read ok, write refused",
	      "wrong answers");
	check(tile(p + PAGE) == -1, "xnack off: no migration on access", "tile %d", tile(p + PAGE));
	/* munmap of a GPU-mapped range: UNMAP_FROM_GPU, and the gate faults. */
	smi_drain(&smi0);
	munmap(p + PAGE, PAGE);
	smi_drain(&smi0);
	{
		const struct kfd_smi_msg *m = smi_find(&smi0, KFD_SMI_EVENT_UNMAP_FROM_GPU,
						       KFD_SVM_UNMAP_TRIGGER_UNMAP_FROM_CPU);

		check(m && m->addr == pg(p + PAGE) && m->size == 1 && m->node == gpus[0].gpu_id &&
		      m->pid == getpid(), "munmap: SMI UNMAP_FROM_GPU, trigger UNMAP_FROM_CPU",
		      "%s", m ? "wrong fields" : "no line");
	}
	check(access_gpu(0, p + PAGE, false, &fault) == -EFAULT, "munmap: the GPU mapping is gone",
	      "still mapped");
	munmap(p, 4 * PAGE);
}

/* XNACK on: retry faults create ranges, migrate granularity chunks, map them. */
static void test_gate_xnack_on(void)
{
	bool vram = gpus[0].vram > 0;
	char *blk, *p;
	uint64_t fault = 0;
	const struct kfd_smi_msg *s, *e;
	unsigned int in_vram;

	if (!xnack_ok)
		return;
	check(__kfd_xnack_set(kfd, true) == 0, "xnack on: SET_XNACK_MODE", "refused");
	/*
	 * No range: the fault creates one over the VMA's pages in the 2 MiB
	 * block, and maps it where it is (vdev migrates on a fault only for a
	 * range that prefers the GPU: kfd_svm.c best_restore()).
	 */
	blk = map_aligned_2m(64);
	memset(blk, 0x5a, 64 * PAGE);
	smi_drain(&smi0);
	check(access_gpu(0, blk + 3 * PAGE, false, &fault) == 0, "xnack on: a page without a range is served",
	      "fault %#lx", (unsigned long)fault);
	smi_drain(&smi0);
	s = smi_find(&smi0, KFD_SMI_EVENT_PAGE_FAULT_START, -1);
	e = smi_find(&smi0, KFD_SMI_EVENT_PAGE_FAULT_END, -1);
	check(s && e && s->addr == pg(blk + 3 * PAGE) && s->node == gpus[0].gpu_id && s->flag == 'R' &&
	      s->pid == getpid() && e->addr == s->addr && e->flag == 'U',
	      "xnack on: SMI PAGE_FAULT_START/END", "%s", s && e ? "wrong fields" : "missing");
	in_vram = count_tile(blk, 64, 0);
	check(in_vram == 0, "xnack on: the new range (the VMA) is mapped in place",
	      "%u of 64 pages in VRAM", in_vram);
	smi_drain(&smi0);
	check(access_gpu(0, blk + 9 * PAGE, true, &fault) == 0, "xnack on: mapped now, no fault", "refused");
	smi_drain(&smi0);
	check(!smi_find(&smi0, KFD_SMI_EVENT_PAGE_FAULT_START, -1), "xnack on: no second fault",
	      "%u lines", smi0.n);
	check(blk[63 * PAGE] == 0x5a, "xnack on: data", "lost");
	munmap(blk, 64 * PAGE);

	/* MigrateGranularityTest: a fault moves its granularity chunk only. */
	p = map_aligned_2m(64);
	check(set1(p, 64 * PAGE, KFD_IOCTL_SVM_ATTR_GRANULARITY, 2) == 0 &&
	      set1(p, 64 * PAGE, KFD_IOCTL_SVM_ATTR_PREFERRED_LOC, gpus[0].gpu_id) == 0,
	      "gpu fault chunk: SET", "failed");
	smi_drain(&smi0);
	check(access_gpu(0, p + 10 * PAGE, false, &fault) == 0, "gpu fault chunk: served", "refused");
	in_vram = count_tile(p, 64, 0);
	check(in_vram == (vram ? 4 : 0) && (!vram || (tile(p + 8 * PAGE) == 0 && tile(p + 11 * PAGE) == 0)),
	      "gpu fault chunk: pages 8-11 migrate, no others", "%u pages in VRAM", in_vram);
	if (vram) {
		smi_drain(&smi0);
		check_migrate(&smi0, "gpu fault chunk: SMI MIGRATE size is the chunk", p + 8 * PAGE, 4, 0,
			      gpus[0].gpu_id, KFD_MIGRATE_TRIGGER_PAGEFAULT_GPU);
	}
	munmap(p, 64 * PAGE);
	/* NO_ACCESS faults, GPU_RO refuses writes, ACCESS_IN_PLACE keeps pages in system memory. */
	p = map_pages(64);
	check(set1(p, PAGE, KFD_IOCTL_SVM_ATTR_NO_ACCESS, gpus[0].gpu_id) == 0 &&
	      access_gpu(0, p, false, &fault) == -EFAULT && fault == (uintptr_t)p,
	      "xnack on: NO_ACCESS faults", "fault %#lx", (unsigned long)fault);
	check(set1(p + 20 * PAGE, PAGE, KFD_IOCTL_SVM_ATTR_SET_FLAGS, KFD_IOCTL_SVM_FLAG_GPU_RO) == 0 &&
	      access_gpu(0, p + 20 * PAGE, true, &fault) == -EPERM, "xnack on: GPU_RO write refused",
	      "not refused");
	check(set1(p + 30 * PAGE, PAGE, KFD_IOCTL_SVM_ATTR_ACCESS_IN_PLACE, gpus[0].gpu_id) == 0 &&
	      access_gpu(0, p + 30 * PAGE, false, &fault) == 0 && tile(p + 30 * PAGE) == -1,
	      "xnack on: ACCESS_IN_PLACE maps in place", "tile %d", tile(p + 30 * PAGE));
	munmap(p, 64 * PAGE);
	smi_drain(&smi0);
	check(__kfd_xnack_set(kfd, false) == 0, "xnack off again", "refused");
}

/*
 * Two GPUs (no common XGMI hive).  XNACK off, a prefetch to a GPU while
 * the other maps the range stays in system memory
 * (svm_range_best_prefetch_location).  A range in GPU 1's VRAM: XNACK off,
 * GPU 0 reaches it in place; XNACK on, GPU 0's fault pulls it over.
 */
static void test_two_gpus(void)
{
	struct kfd_ioctl_svm_attribute a[] = {
		{ KFD_IOCTL_SVM_ATTR_ACCESS, 0 },
		{ KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, 0 },
	};
	uint64_t fault;
	char *p;

	if (num_gpus < 2 || !gpus[1].vram || !xnack_ok)
		return;
	a[0].value = gpus[0].gpu_id;
	a[1].value = gpus[1].gpu_id;
	p = map_pages(4);
	check(svm_set(p, 4 * PAGE, a, 2) == 0 && count_tile(p, 4, -1) == 4,
	      "2 GPUs: xnack off, a prefetch to GPU 1 that GPU 0 maps stays in system memory",
	      "%u pages in GPU 1's VRAM", count_tile(p, 4, 1));
	munmap(p, 4 * PAGE);
	p = map_pages(4);
	check(__kfd_xnack_set(kfd, true) == 0 &&
	      set1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, gpus[1].gpu_id) == 0 &&
	      count_tile(p, 4, 1) == 4, "2 GPUs: xnack on, prefetch to GPU 1", "%u pages there",
	      count_tile(p, 4, 1));
	check(__kfd_xnack_set(kfd, false) == 0 && access_gpu(0, p, false, &fault) == 0 && tile(p) == 1,
	      "2 GPUs: xnack off, GPU 0 reaches GPU 1's VRAM in place", "tile %d", tile(p));
	check(__kfd_xnack_set(kfd, true) == 0 && access_gpu(0, p, false, &fault) == 0 && tile(p) == 0,
	      "2 GPUs: xnack on, GPU 0's fault pulls the page over", "tile %d", tile(p));
	__kfd_xnack_set(kfd, false);
	munmap(p, 4 * PAGE);
	smi_drain(&smi0);
}

/*
 * svm_migrate_to_ram emits from the CPU fault itself: with an SMI client
 * open, vdev's pump brings the fault's chunk and lines with no kfd entry.
 */
static void test_smi_pump(void)
{
	const unsigned int n = 8;
	char *p = map_aligned_2m(n);
	const struct kfd_smi_msg *m;
	bool data;

	if (!gpus[0].vram) {
		munmap(p, n * PAGE);
		return;
	}
	memset(p, 0x6c, n * PAGE);
	check(set1(p, n * PAGE, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, gpus[0].gpu_id) == 0 &&
	      count_tile(p, n, 0) == n, "pump: prefetched", "%u of %u pages in VRAM",
	      count_tile(p, n, 0), n);
	smi_drain(&smi0);
	data = p[3 * PAGE] == 0x6c;
	m = smi_wait(&smi0, KFD_SMI_EVENT_MIGRATE_END, KFD_MIGRATE_TRIGGER_PAGEFAULT_CPU, 2000);
	check(m && m->addr == pg(p) && m->size == n && m->from == gpus[0].gpu_id && m->to == 0,
	      "pump: a CPU touch's MIGRATE lines come without an ioctl", "%s among %u lines",
	      m ? "wrong fields" : "missing", smi0.n);
	check(count_tile(p, n, -1) == n && data, "pump: the chunk followed", "%u of %u pages back",
	      count_tile(p, n, -1), n);
	munmap(p, n * PAGE);
	smi_drain(&smi0);
}

/*
 * mprotect and MADV_DONTNEED are the MMU notifier's invalidation
 * (svm_range_evict): XNACK off a mapped range's queues are evicted and
 * restored; XNACK on its GPU mappings go, trigger MMU_NOTIFY.
 */
static void test_invalidate(void)
{
	char *p = map_pages(4);
	const struct kfd_smi_msg *ev, *rs, *um;
	uint64_t fault = 0;

	memset(p, 0x21, 4 * PAGE);
	check(mprotect(p, 4 * PAGE, PROT_READ) == 0, "mprotect: no range", "failed");
	smi_drain(&smi0);
	check(!smi_find(&smi0, KFD_SMI_EVENT_QUEUE_EVICTION, -1), "mprotect: no range, no eviction",
	      "%u lines", smi0.n);
	check(set1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_ACCESS, gpus[0].gpu_id) == 0, "mprotect: SET ACCESS",
	      "failed");
	smi_drain(&smi0);
	check(mprotect(p, 4 * PAGE, PROT_READ | PROT_WRITE) == 0, "mprotect: mapped range", "failed");
	smi_drain(&smi0);
	ev = smi_find(&smi0, KFD_SMI_EVENT_QUEUE_EVICTION, KFD_QUEUE_EVICTION_TRIGGER_SVM);
	rs = smi_find(&smi0, KFD_SMI_EVENT_QUEUE_RESTORE, -1);
	check(ev && rs && ev->node == gpus[0].gpu_id && rs->ns >= ev->ns,
	      "mprotect: xnack off, the queues are evicted (SVM) and restored", "%s among %u lines",
	      ev && rs ? "wrong order" : "missing", smi0.n);
	check(access_gpu(0, p, true, &fault) == 0, "mprotect: xnack off, still mapped after the restore",
	      "fault %#lx", (unsigned long)fault);
	check(madvise(p + PAGE, PAGE, MADV_DONTNEED) == 0, "MADV_DONTNEED: mapped range", "failed");
	smi_drain(&smi0);
	check(smi_find(&smi0, KFD_SMI_EVENT_QUEUE_EVICTION, KFD_QUEUE_EVICTION_TRIGGER_SVM) &&
	      smi_find(&smi0, KFD_SMI_EVENT_QUEUE_RESTORE, -1),
	      "MADV_DONTNEED: xnack off, the queues are evicted and restored", "%u lines", smi0.n);
	munmap(p, 4 * PAGE);
	smi_drain(&smi0);
	if (!xnack_ok)
		return;

	p = map_pages(4);
	memset(p, 0x22, 4 * PAGE);
	check(__kfd_xnack_set(kfd, true) == 0 &&
	      set1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_ACCESS_IN_PLACE, gpus[0].gpu_id) == 0 &&
	      access_gpu(0, p + 2 * PAGE, false, &fault) == 0, "mprotect: xnack on, a retry fault maps",
	      "fault %#lx", (unsigned long)fault);
	smi_drain(&smi0);
	check(mprotect(p, 4 * PAGE, PROT_READ) == 0, "mprotect: xnack on", "failed");
	smi_drain(&smi0);
	um = smi_find(&smi0, KFD_SMI_EVENT_UNMAP_FROM_GPU, KFD_SVM_UNMAP_TRIGGER_MMU_NOTIFY);
	check(um && um->node == gpus[0].gpu_id && um->addr >= pg(p) &&
	      um->addr + um->size <= pg(p) + 4 && !smi_find(&smi0, KFD_SMI_EVENT_QUEUE_EVICTION, -1),
	      "mprotect: xnack on, UNMAP_FROM_GPU (MMU_NOTIFY), no eviction", "%s among %u lines",
	      um ? "wrong fields" : "missing", smi0.n);
	smi_drain(&smi0);
	check(access_gpu(0, p + 2 * PAGE, false, &fault) == 0 &&
	      (smi_drain(&smi0), smi_find(&smi0, KFD_SMI_EVENT_PAGE_FAULT_START, -1)),
	      "mprotect: xnack on, the GPU faults again", "%u lines", smi0.n);
	__kfd_xnack_set(kfd, false);
	munmap(p, 4 * PAGE);
	smi_drain(&smi0);
}

/* The fifo holds 8 KiB; what does not fit is dropped; a zero mask gets nothing. */
static void test_smi_fifo(void)
{
	struct smi *full = calloc(1, sizeof(*full)), *none = calloc(1, sizeof(*none));
	char *p = map_pages(1), buf[1024];
	size_t total = 0;
	ssize_t got;

	if (!gpus[0].vram || !full || !none) {
		free(full);
		free(none);
		munmap(p, PAGE);
		return;
	}
	check(smi_open(full, gpus[0].gpu_id, KFD_SMI_EVENT_MASK_FROM_INDEX(KFD_SMI_EVENT_MIGRATE_START) |
		       KFD_SMI_EVENT_MASK_FROM_INDEX(KFD_SMI_EVENT_MIGRATE_END)) == 0 &&
	      smi_open(none, gpus[0].gpu_id, 0) == 0, "SMI fifo: two more clients", "failed");
	for (int i = 0; i < 100; i++)
		set1(p, PAGE, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, i & 1 ? 0 : gpus[0].gpu_id);
	while ((got = read(full->fd, buf, sizeof(buf))) > 0)
		total += (size_t)got;
	check(total <= 8192 && total > 8192 - KFD_SMI_EVENT_MSG_SIZE, "SMI fifo: 8 KiB kept, the rest dropped",
	      "%zu bytes", total);
	set1(p, PAGE, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, gpus[0].gpu_id);
	smi_drain(full);
	check(full->n == 2 && full->bad == 0, "SMI fifo: room again after a read", "%u lines", full->n);
	smi_drain(none);
	check(none->n == 0 && none->bad == 0, "SMI: a zero mask gets nothing", "%u lines", none->n);
	close(full->fd);
	close(none->fd);
	set1(p, PAGE, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, 0);
	munmap(p, PAGE);
	smi_drain(&smi0);
	free(full);
	free(none);
}

int main(void)
{
	int threads, n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	bring_up();
	threads = num_threads();
	test_smi_open();
	test_prefetch();
	test_partial_munmap();
	test_mremap();
	test_overcommit();
	test_gate_xnack_off();
	test_gate_xnack_on();
	test_two_gpus();
	test_smi_fifo();
	test_smi_pump();
	test_invalidate();
	close(smi0.fd);
	n = num_threads_settled(threads);
	check(n == threads, "SMI: the pump ends with the last client", "%d threads, %d before", n,
	      threads);
	close(kfd);
	for (unsigned int i = 0; i < num_gpus; i++)
		close(gpus[i].render_fd);
	printf("1..%u\n", checks);
	return failures ? 1 : 0;
}
