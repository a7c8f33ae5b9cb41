// SPDX-License-Identifier: MIT
/*
 * Smoke test of the test_hmm svm_dev backend (lib/hmm) against the real
 * driver: every op once, with the state test_hmm must report after it.  Needs
 * /dev/hmm_dmirror0 (and 1 for the peer check), i.e. a kernel with
 * CONFIG_TEST_HMM, as ci/vm boots; skips everywhere else.  Not a conformance
 * test (that is hmm_svm and the scenario catalog): it checks the backend
 * does what it claims before scenarios rely on it.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_core.h"
#include "hmm/hmm_backend.h"
#include "svm/svm_dev.h"
#include "svm/svm_mem.h"

#define NPAGES 16
#define SEED 0xabcdu

static struct svm_dev *dev, *peer;
static size_t ps;

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

static uint8_t raw_state(struct svm_dev *d, const void *addr)
{
	uint8_t raw;

	igt_assert_eq(__hmm_snapshot(d, addr, 1, &raw), 0);
	return raw;
}

/* Every page of the range is at @where, as svm_query reports it. */
static void assert_where(struct svm_dev *d, const void *addr, size_t npages,
			 enum svm_residency where)
{
	struct svm_page_state st[NPAGES];
	char name[64];

	igt_assert(npages <= NPAGES);
	svm_query(d, addr, npages, st);
	for (size_t i = 0; i < npages; i++)
		igt_assert_f(st[i].where == where, "page %zu is %s (raw %s), expected %s\n", i,
			     svm_residency_name(st[i].where),
			     hmm_prot_name(raw_state(d, (char *)addr + i * ps), name, sizeof(name)),
			     svm_residency_name(where));
}

static void gpu_write_cpu_read(void)
{
	char *mem = map_anon(NPAGES * ps), *src = map_anon(NPAGES * ps);
	uint64_t faults = dev->faults;

	svm_buf_fill(src, NPAGES * ps, SEED);
	svm_gpu_write(dev, mem, src, NPAGES * ps);
	igt_assert_eq(svm_buf_check(mem, NPAGES * ps, SEED), -1);
	igt_assert_f(dev->faults > faults, "no device fault counted\n");
	assert_where(dev, mem, NPAGES, SVM_RES_SYSTEM);

	/* Sub-page, across a page boundary: only those bytes change. */
	memset(mem, 0x11, NPAGES * ps);
	svm_gpu_write(dev, mem + ps - 50, src, 100);
	igt_assert_eq(svm_buf_check(mem + ps - 50, 100, SEED), -1);
	igt_assert_eq(mem[ps - 51], 0x11);
	igt_assert_eq(mem[ps + 50], 0x11);
	munmap(mem, NPAGES * ps);
	munmap(src, NPAGES * ps);
}

static void gpu_read(void)
{
	char *mem = map_anon(NPAGES * ps), *dst = map_anon(NPAGES * ps);

	svm_buf_fill(mem, NPAGES * ps, SEED);
	svm_gpu_read(dev, dst, mem, NPAGES * ps);
	igt_assert_eq(svm_buf_check(dst, NPAGES * ps, SEED), -1);

	memset(dst, 0, NPAGES * ps);
	svm_gpu_read(dev, dst, mem + 3 * ps + 7, 2 * ps);
	igt_assert(!memcmp(dst, mem + 3 * ps + 7, 2 * ps));
	igt_assert_eq(dst[2 * ps], 0);
	munmap(mem, NPAGES * ps);
	munmap(dst, NPAGES * ps);
}

static void gpu_copy(void)
{
	char *mem = map_anon(NPAGES * ps);

	svm_buf_fill(mem, 4 * ps, SEED);
	svm_gpu_copy(dev, mem + 8 * ps, mem, 4 * ps);
	igt_assert_eq(svm_buf_check(mem + 8 * ps, 4 * ps, SEED), -1);
	/* Overlapping, unaligned: memmove semantics. */
	svm_gpu_copy(dev, mem + 100, mem, 2 * ps);
	igt_assert_eq(svm_buf_check(mem + 100, 2 * ps, SEED), -1);
	munmap(mem, NPAGES * ps);
}

static void query_states(void)
{
	char *mem = map_anon(4 * ps), *hole = map_anon(ps);
	volatile char c;
	char name[64];

	munmap(hole, ps);
	igt_info("untouched: %s\n", hmm_prot_name(raw_state(dev, mem), name, sizeof(name)));
	igt_assert_eq(svm_residency(dev, mem), SVM_RES_NONE);
	c = mem[ps];
	(void)c;
	igt_info("read once: %s\n", hmm_prot_name(raw_state(dev, mem + ps), name, sizeof(name)));
	mem[2 * ps] = 1;
	igt_info("written: %s\n", hmm_prot_name(raw_state(dev, mem + 2 * ps), name, sizeof(name)));
	igt_assert_eq(svm_residency(dev, mem + 2 * ps), SVM_RES_SYSTEM);
	igt_info("hole: %s\n", hmm_prot_name(raw_state(dev, hole), name, sizeof(name)));
	igt_assert_eq(raw_state(dev, hole), HMM_DMIRROR_PROT_ERROR);
	munmap(mem, 4 * ps);
}

static void migrate_and_back(void)
{
	char *mem = map_anon(NPAGES * ps);
	char name[64];
	uint64_t moved;

	svm_buf_fill(mem, NPAGES * ps, SEED);
	moved = svm_migrate(dev, mem, NPAGES * ps, SVM_LOC_DEVICE);
	igt_assert_eq_u64(moved, NPAGES);
	igt_info("migrated: %s\n", hmm_prot_name(raw_state(dev, mem), name, sizeof(name)));
	assert_where(dev, mem, NPAGES, SVM_RES_LOCAL);
	if (peer)
		igt_info("seen from the peer: %s\n",
			 hmm_prot_name(raw_state(peer, mem), name, sizeof(name)));

	/* A CPU touch brings it back. */
	igt_assert_eq(svm_buf_check(mem, NPAGES * ps, SEED), -1);
	assert_where(dev, mem, NPAGES, SVM_RES_SYSTEM);

	/* And so does an explicit migration. */
	igt_assert_eq_u64(svm_migrate(dev, mem, NPAGES * ps, SVM_LOC_DEVICE), NPAGES);
	igt_assert_eq_u64(svm_migrate(dev, mem, NPAGES * ps, SVM_LOC_SYSTEM), NPAGES);
	assert_where(dev, mem, NPAGES, SVM_RES_SYSTEM);
	igt_assert_eq(svm_buf_check(mem, NPAGES * ps, SEED), -1);

	/* The device reads its own memory without moving it. */
	igt_assert_eq_u64(svm_migrate(dev, mem, NPAGES * ps, SVM_LOC_DEVICE), NPAGES);
	{
		char *dst = map_anon(NPAGES * ps);

		svm_gpu_read(dev, dst, mem, NPAGES * ps);
		igt_assert_eq(svm_buf_check(dst, NPAGES * ps, SEED), -1);
		assert_where(dev, mem, NPAGES, SVM_RES_LOCAL);
		munmap(dst, NPAGES * ps);
	}
	munmap(mem, NPAGES * ps);
}

static void exclusive(void)
{
	char *mem = map_anon(NPAGES * ps);
	volatile char c;

	svm_buf_fill(mem, NPAGES * ps, SEED);
	svm_make_exclusive(dev, mem, NPAGES * ps);
	igt_assert_eq(__svm_check_exclusive(dev, mem, NPAGES * ps), -EPERM);
	/* A CPU read of each page revokes it. */
	for (int i = 0; i < NPAGES; i++)
		c = mem[i * ps];
	(void)c;
	igt_assert_eq(__svm_check_exclusive(dev, mem, NPAGES * ps), 0);
	igt_assert_eq(svm_buf_check(mem, NPAGES * ps, SEED), -1);
	munmap(mem, NPAGES * ps);
}

static void release(void)
{
	char *mem = map_anon(NPAGES * ps);

	svm_buf_fill(mem, NPAGES * ps, SEED);
	igt_assert_eq_u64(svm_migrate(dev, mem, NPAGES * ps, SVM_LOC_DEVICE), NPAGES);
	svm_release(dev);
	assert_where(dev, mem, NPAGES, SVM_RES_SYSTEM);
	igt_assert_eq(svm_buf_check(mem, NPAGES * ps, SEED), -1);
	/* The device still migrates afterwards. */
	igt_assert_eq_u64(svm_migrate(dev, mem, NPAGES * ps, SVM_LOC_DEVICE), NPAGES);
	igt_assert_eq(svm_buf_check(mem, NPAGES * ps, SEED), -1);
	munmap(mem, NPAGES * ps);
}

/* What each memory kind does under every op: printed, asserted only on data. */
static void kind_survey(struct svm_buf *buf, void *arg)
{
	size_t n = buf->size / ps < NPAGES ? buf->size / ps : NPAGES;
	char *src = map_anon(n * ps);
	uint64_t moved = 0;
	int wr, mig, excl;

	(void)arg;
	svm_buf_fill(src, n * ps, SEED);
	wr = __svm_gpu_write(dev, buf->ptr, src, n * ps);
	if (!wr)
		igt_assert_eq(svm_buf_check(buf->ptr, n * ps, SEED), -1);
	mig = __svm_migrate(dev, buf->ptr, n * ps, SVM_LOC_DEVICE, &moved);
	igt_assert_eq(svm_buf_check(buf->ptr, n * ps, SEED), -1);
	excl = __svm_make_exclusive(dev, buf->ptr, n * ps);
	igt_assert_eq(svm_buf_check(buf->ptr, n * ps, SEED), -1);
	igt_info("%-13s gpu_write %d, migrate %d moved %llu/%zu, exclusive %d\n",
		 buf->kind->name, wr, mig, (unsigned long long)moved, n, excl);
	munmap(src, n * ps);
}

static void child_reopen(void)
{
	char *mem = mmap(NULL, NPAGES * ps, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	igt_assert(mem != MAP_FAILED);
	igt_fork(child, 1) {
		struct svm_dev *mine = svm_dev_reopen(dev);
		char *src = map_anon(NPAGES * ps);

		svm_buf_fill(src, NPAGES * ps, SEED);
		svm_gpu_write(mine, mem, src, NPAGES * ps);
		svm_dev_close(mine);
	}
	igt_waitchildren();
	igt_assert_eq(svm_buf_check(mem, NPAGES * ps, SEED), -1);
	munmap(mem, NPAGES * ps);
}

/* SNAPSHOT bytes as test_hmm composes them, and what they must mean. */
static void decode(void)
{
	static const struct {
		uint8_t raw;
		enum svm_residency where;
		unsigned int prot;
		const char *name;
	} cases[] = {
		{ HMM_DMIRROR_PROT_ERROR, SVM_RES_NONE, SVM_PROT_ERROR, "error" },
		{ HMM_DMIRROR_PROT_NONE, SVM_RES_NONE, 0, "none" },
		{ HMM_DMIRROR_PROT_READ, SVM_RES_SYSTEM, SVM_PROT_READ, "system|read" },
		{ HMM_DMIRROR_PROT_WRITE | HMM_DMIRROR_PROT_PMD, SVM_RES_SYSTEM,
		  SVM_PROT_WRITE | SVM_PROT_PMD, "system|write|pmd" },
		{ HMM_DMIRROR_PROT_ZERO | HMM_DMIRROR_PROT_READ, SVM_RES_SYSTEM,
		  SVM_PROT_ZERO | SVM_PROT_READ, "zero|read" },
		{ HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL | HMM_DMIRROR_PROT_WRITE, SVM_RES_LOCAL,
		  SVM_PROT_WRITE, "dev-private-local|write" },
		{ HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE | HMM_DMIRROR_PROT_READ, SVM_RES_REMOTE,
		  SVM_PROT_READ, "dev-private-remote|read" },
		{ HMM_DMIRROR_PROT_DEV_COHERENT_LOCAL | HMM_DMIRROR_PROT_WRITE, SVM_RES_LOCAL,
		  SVM_PROT_WRITE, "dev-coherent-local|write" },
		{ HMM_DMIRROR_PROT_DEV_COHERENT_REMOTE | HMM_DMIRROR_PROT_PUD | HMM_DMIRROR_PROT_READ,
		  SVM_RES_REMOTE, SVM_PROT_READ | SVM_PROT_PUD, "dev-coherent-remote|read|pud" },
		{ 0x61, SVM_RES_UNKNOWN, SVM_PROT_READ, "kind-0x60|read" },
	};
	struct svm_page_state st;
	char name[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hmm_decode_prot(cases[i].raw, &st);
		igt_assert_f(st.where == cases[i].where && st.prot == cases[i].prot,
			     "%#x decoded as %s/%#x\n", cases[i].raw,
			     svm_residency_name(st.where), st.prot);
		igt_assert_f(!strcmp(hmm_prot_name(cases[i].raw, name, sizeof(name)), cases[i].name),
			     "%#x named %s\n", cases[i].raw, name);
	}
	igt_assert(!strcmp(hmm_cmd_name(HMM_DMIRROR_MIGRATE_TO_SYS), "MIGRATE_TO_SYS"));
}

igt_main
{
	igt_subtest("decode")
		decode();

	igt_fixture {
		char caps[256];

		ps = sysconf(_SC_PAGESIZE);
		dev = svm_dev_open(&svm_hmm_backend, 0);
		if (__svm_dev_open(&svm_hmm_backend, 1, &peer))
			peer = NULL;
		igt_info("%s: page size %zu, caps %s, peer %s\n", dev->info.devnode,
			 dev->page_size, svm_cap_names(dev->backend->caps, caps, sizeof(caps)),
			 peer ? peer->info.devnode : "none");
	}

	igt_subtest("unsupported-ops") {
		uint32_t x;

		igt_assert_eq(__svm_gpu_atomic_inc(dev, &x), -EOPNOTSUPP);
		igt_assert_eq(__svm_prefer(dev, &x, 4, SVM_LOC_DEVICE), -EOPNOTSUPP);
		igt_assert_eq(__svm_gpu_read(dev, &x, NULL, 4), -EINVAL);
		igt_assert_eq(__svm_migrate(dev, (char *)&x, 0, SVM_LOC_DEVICE, NULL), -EINVAL);
	}
	igt_subtest("gpu-write-cpu-read")
		gpu_write_cpu_read();
	igt_subtest("gpu-read")
		gpu_read();
	igt_subtest("gpu-copy")
		gpu_copy();
	igt_subtest("query-states")
		query_states();
	igt_subtest("migrate-and-back")
		migrate_and_back();
	igt_subtest("exclusive")
		exclusive();
	igt_subtest("release")
		release();
	igt_subtest("child-reopen")
		child_reopen();
	igt_subtest("kind-survey")
		for (int i = 0; i < SVM_MEM_NUM_KINDS; i++) {
			if (i == SVM_MEM_HUGETLB || i == SVM_MEM_MLOCKED)
				continue;	/* below, they may skip */
			svm_with_buf(svm_mem_kind(i), NPAGES * ps, kind_survey, NULL);
		}
	igt_subtest("kind-survey-hugetlb")
		svm_with_buf(svm_mem_kind(SVM_MEM_HUGETLB), NPAGES * ps, kind_survey, NULL);
	igt_subtest("kind-survey-mlocked")
		svm_with_buf(svm_mem_kind(SVM_MEM_MLOCKED), NPAGES * ps, kind_survey, NULL);

	igt_fixture {
		svm_dev_close(peer);
		svm_dev_close(dev);
	}
}
