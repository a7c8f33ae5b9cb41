/* SPDX-License-Identifier: MIT */
/*
 * Threads: several threads drive the device on disjoint parts of one
 * buffer at once, and CPU threads keep writing a page while the device
 * reads it.
 */
#include <stdatomic.h>

#include "../svm_scenario.h"
#include "themes.h"

#define NUM_THREADS 4
#define THREAD_ROUNDS 8

struct slice {
	struct svm_dev *dev;
	char *ptr;
	size_t len;
	uint32_t seed;
};

static struct slice slices[NUM_THREADS];

/* Device write, CPU check, CPU write, device check, on this thread's slice only. */
static void *slice_worker(void *arg)
{
	struct slice *s = arg;

	for (uint32_t r = 0; r < THREAD_ROUNDS && !scn_stopping(); r++) {
		uint32_t seed = s->seed + 2 * r;

		scn_gpu_fill(s->dev, s->ptr, s->len, seed);
		scn_check(s->ptr, s->len, seed, "thread's CPU reads its device write");
		svm_buf_fill(s->ptr, s->len, seed + 1);
		scn_gpu_check(s->dev, s->ptr, s->len, seed + 1,
			      "thread's device reads its CPU write");
	}
	return NULL;
}

/**
 * SUBTEST: threads-disjoint-%s
 * Description: Four threads share one device handle and one buffer of
 *   %arg[1], each alternating device and CPU writes and checks on its own
 *   quarter; nobody sees another's data.
 * Functionality: threads, gpu write, gpu read
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 * @mmap-shared:  a shared anonymous mapping (shmem)
 */
static void threads_disjoint_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	size_t len = buf->size / NUM_THREADS;

	for (int i = 0; i < NUM_THREADS; i++) {
		slices[i] = (struct slice){ ctx->dev, (char *)buf->ptr + i * len, len,
					    SEED_THREAD + 64 * i };
		scn_thread(slice_worker, &slices[i]);
	}
	scn_join_threads();
	for (int i = 0; i < NUM_THREADS; i++)
		scn_check(slices[i].ptr, len, slices[i].seed + 2 * THREAD_ROUNDS - 1,
			  "each quarter holds its thread's last write");
}

#define COUNTER_STORES 200000u
#define DEVICE_READS 100

struct counter {
	_Atomic uint32_t *word;
	uint32_t stores;
};

static struct counter counter;

/* Stores 1, 2, 3... into the first word of the page, in order. */
static void *counter_writer(void *arg)
{
	struct counter *c = arg;

	for (uint32_t v = 1; v <= c->stores && !scn_stopping(); v++)
		atomic_store_explicit(c->word, v, memory_order_release);
	return NULL;
}

/**
 * SUBTEST: threads-same-page-%s
 * Description: A CPU thread keeps storing an increasing counter into a page
 *   of %arg[1] while the device reads that page again and again: each device
 *   read sees a counter value no older than the previous one and the rest of
 *   the page intact, and the last read sees the final value.
 * Functionality: threads, coherence, gpu read
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @mmap-private: a private anonymous mapping
 * @mmap-shared:  a shared anonymous mapping (shmem)
 */
static void threads_same_page_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	size_t ps = ctx->page_size;
	uint32_t *seen = scn_scratch(ps), *want = scn_scratch(ps), last = 0;

	svm_buf_fill(buf->ptr, ps, SEED_CPU);
	svm_buf_fill(want, ps, SEED_CPU);
	counter = (struct counter){ (_Atomic uint32_t *)buf->ptr, COUNTER_STORES };
	atomic_store(counter.word, 0);
	scn_thread(counter_writer, &counter);
	for (int i = 0; i < DEVICE_READS; i++) {
		svm_gpu_read(ctx->dev, seen, buf->ptr, ps);
		igt_assert_f(seen[0] >= last && seen[0] <= COUNTER_STORES,
			     "device read %d saw counter %u after %u\n", i, seen[0], last);
		last = seen[0];
		scn_check_same(seen + 1, want + 1, ps - 4, "device reads the rest of the page");
	}
	scn_join_threads();
	svm_gpu_read(ctx->dev, seen, buf->ptr, ps);
	igt_assert_eq_u32(seen[0], COUNTER_STORES);
}

#define ATOMIC_INCS 2000u

static void *cpu_incrementer(void *arg)
{
	struct counter *c = arg;

	for (uint32_t i = 0; i < c->stores && !scn_stopping(); i++)
		atomic_fetch_add(c->word, 1);
	return NULL;
}

/**
 * SUBTEST: atomic-cpu-gpu-%s
 * Description: A CPU thread and the device increment the same 32-bit word
 *   of %arg[1] with atomic operations at the same time: no increment is
 *   lost.
 * Functionality: threads, gpu atomic
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @mmap-private: a private anonymous mapping
 * @mmap-shared:  a shared anonymous mapping (shmem)
 */
static void atomic_cpu_gpu_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	counter = (struct counter){ (_Atomic uint32_t *)buf->ptr, ATOMIC_INCS };
	atomic_store(counter.word, 0);
	scn_thread(cpu_incrementer, &counter);
	for (uint32_t i = 0; i < ATOMIC_INCS; i++)
		svm_gpu_atomic_inc(ctx->dev, buf->ptr);
	scn_join_threads();
	igt_assert_eq_u32(atomic_load(counter.word), 2 * ATOMIC_INCS);
}

const struct svm_scenario svm_scenarios_threads[] = {
	{ .name = "threads-disjoint", .needs = SCN_DATA,
	  .kinds = SCN_KINDS_ANON | SCN_KIND(ANON_SHARED), .with_buf = threads_disjoint_body },
	{ .name = "threads-same-page", .needs = SVM_CAP_GPU_READ,
	  .kinds = SCN_KIND(MALLOC) | SCN_KIND(ANON_PRIVATE) | SCN_KIND(ANON_SHARED),
	  .with_buf = threads_same_page_body },
	{ .name = "atomic-cpu-gpu", .needs = SVM_CAP_GPU_ATOMIC,
	  .kinds = SCN_KIND(MALLOC) | SCN_KIND(ANON_PRIVATE) | SCN_KIND(ANON_SHARED),
	  .with_buf = atomic_cpu_gpu_body },
};
const unsigned int svm_num_scenarios_threads = ARRAY_SIZE(svm_scenarios_threads);
