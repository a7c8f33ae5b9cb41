/* SPDX-License-Identifier: MIT */
/*
 * Tracked resources and shared checks of the scenario catalog; see
 * svm_scenario.h for the cleanup contract.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "svm_scenario.h"

#define MAX_BUFS 8
#define MAX_SCRATCH 16
#define MAX_MAPS 16
#define MAX_PROTS 16
#define MAX_FDS 16
#define MAX_DEVS 4
#define MAX_THREADS 8
/*
 * Hang detectors, not performance checks: no busy machine comes near
 * SCN_HANG_S (the slowest threaded scenario, threads-disjoint-thp on vdev's
 * xe-pvc, takes 5 s idle and up to 14 s with both cores loaded; a real GPU
 * far less).  It bounds scn_join_threads() and, at release, the wait for
 * threads told to stop, which finish their current round (whose device
 * waits have their own bound, XE_DEFAULT_TIMEOUT_NS on xe).  Waiting is a
 * poll of per-thread "ended" flags with nanosleep(), never a blocking
 * pthread_join(): the catalog's per-scenario alarm may siglongjmp out of
 * the wait, and a join interrupted that way leaves the thread unjoinable.
 */
#define THREAD_POLL_NS (1000 * 1000)

struct range {
	void *addr;
	size_t len;
};

/* Statics: they must survive the siglongjmp that ends a failed body. */
static struct {
	struct svm_buf bufs[MAX_BUFS];
	void *scratch[MAX_SCRATCH];
	struct range maps[MAX_MAPS];
	struct range prots[MAX_PROTS];
	int fds[MAX_FDS];
	int num_fds;
	struct svm_dev *devs[MAX_DEVS];
	pthread_t threads[MAX_THREADS];
	bool joined[MAX_THREADS];
	int num_threads;
} held;
static atomic_bool stopping;
/* Set by each helper thread as it ends, however it ends; indexed like held.threads. */
static atomic_bool thread_ended[MAX_THREADS];

/*
 * The checks' bounce buffers: reused, one set per thread (helper threads
 * check too), freed when their thread ends or, for the main thread, at
 * release.  Slot 0 holds data, slot 1 page states.
 *
 * They are mapped at 48 TiB, apart from everything else (svm_mem.c places
 * the scenario's mapped buffers at 32 TiB, mmap(NULL) puts the rest near
 * the top): a scenario that cuts a hole (munmap, mremap shrink) then checks that the
 * device refuses it needs a bounce buffer of the hole's size, and a plain
 * malloc() of that size is an mmap() that lands exactly in the hole, which
 * the scenario then can neither plug nor free safely.  Where the hint is
 * unusable (a smaller address space) the kernel picks as usual.
 */
#define BOUNCE_HINT ((uintptr_t)3 << 44)
#define BOUNCE_ALIGN ((size_t)2 << 20)

static _Atomic uintptr_t bounce_cursor = BOUNCE_HINT;

static __thread struct {
	void *p;
	size_t len;
} bounce[2];

static void bounce_unmap(int slot)
{
	if (bounce[slot].p)
		munmap(bounce[slot].p, bounce[slot].len);
	bounce[slot].p = NULL;
	bounce[slot].len = 0;
}

void *scn_bounce(int slot, size_t len)
{
	size_t span = (len + BOUNCE_ALIGN - 1) & ~(BOUNCE_ALIGN - 1);
	void *p;

	if (bounce[slot].len >= len)
		return bounce[slot].p;
	bounce_unmap(slot);
	p = mmap((void *)atomic_fetch_add(&bounce_cursor, span), span,
		 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert_f(p != MAP_FAILED, "out of memory for a %zu byte bounce buffer: %s\n",
		     len, strerror(errno));
	bounce[slot].p = p;
	bounce[slot].len = span;
	return p;
}

static void bounce_free(void *unused)
{
	(void)unused;
	for (int i = 0; i < 2; i++)
		bounce_unmap(i);
}

size_t scn_size(const struct svm_scenario_ctx *ctx)
{
	if (scn_has(ctx, SVM_MEM_PROP_HUGE))
		return SZ_2M;
	return 16 * ctx->page_size;
}

/* ---- tracked resources --------------------------------------------------- */

struct svm_buf *scn_buf(const struct svm_mem_kind *kind, size_t size)
{
	for (int i = 0; i < MAX_BUFS; i++)
		if (!held.bufs[i].kind) {
			svm_buf_alloc(kind, size, &held.bufs[i]);
			return &held.bufs[i];
		}
	igt_assert_f(false, "more than %d buffers in one scenario\n", MAX_BUFS);
	return NULL;
}

struct with_buf_call {
	struct svm_scenario_ctx *ctx;
	void (*fn)(struct svm_scenario_ctx *ctx, struct svm_buf *buf);
};

static void with_buf_trampoline(struct svm_buf *buf, void *arg)
{
	struct with_buf_call *call = arg;

	call->fn(call->ctx, buf);
}

void scn_with_buf(struct svm_scenario_ctx *ctx, size_t size,
		  void (*fn)(struct svm_scenario_ctx *ctx, struct svm_buf *buf))
{
	struct with_buf_call call = { ctx, fn };

	igt_assert_f(ctx->kind, "scenario has no memory kind\n");
	if (ctx->kind->id == SVM_MEM_STACK)
		svm_with_buf(ctx->kind, size, with_buf_trampoline, &call);
	else
		fn(ctx, scn_buf(ctx->kind, size));
}

void *scn_scratch(size_t size)
{
	for (int i = 0; i < MAX_SCRATCH; i++)
		if (!held.scratch[i]) {
			held.scratch[i] = calloc(1, size);
			igt_assert_f(held.scratch[i], "out of memory for %zu bytes\n", size);
			return held.scratch[i];
		}
	igt_assert_f(false, "more than %d scratch buffers in one scenario\n", MAX_SCRATCH);
	return NULL;
}

void scn_track_mapping(void *addr, size_t len)
{
	for (int i = 0; i < MAX_MAPS; i++)
		if (!held.maps[i].addr) {
			held.maps[i] = (struct range){ addr, len };
			return;
		}
	/* Unmap now rather than leak silently: the caller is about to fail anyway. */
	munmap(addr, len);
	igt_assert_f(false, "more than %d mappings in one scenario\n", MAX_MAPS);
}

void *scn_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = mmap(addr, len, prot, flags, fd, off);

	igt_assert_f(p != MAP_FAILED, "mmap(%p, %#zx, prot %#x, flags %#x) failed: %s\n",
		     addr, len, prot, flags, strerror(errno));
	scn_track_mapping(p, len);
	return p;
}

void scn_plug(void *addr, size_t len)
{
	void *p = mmap(addr, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	/* EEXIST: something else got there first; the buffer's free will unmap it. */
	igt_assert_f(p == addr, "cannot plug the hole at %p+%#zx: %s\n", addr, len,
		     p == MAP_FAILED ? strerror(errno) : "placed elsewhere");
}

void scn_protect(void *addr, size_t len, int prot)
{
	int i;

	for (i = 0; i < MAX_PROTS && held.prots[i].addr; i++)
		if (held.prots[i].addr == addr && held.prots[i].len == len)
			break;
	igt_assert_f(i < MAX_PROTS, "more than %d mprotect()ed ranges\n", MAX_PROTS);
	held.prots[i] = (struct range){ addr, len };
	igt_assert_f(!mprotect(addr, len, prot), "mprotect(%p, %#zx, %#x) failed: %s\n",
		     addr, len, prot, strerror(errno));
}

int scn_track_fd(int fd)
{
	igt_assert_f(fd >= 0, "no file descriptor to track\n");
	if (held.num_fds == MAX_FDS) {
		close(fd);
		igt_assert_f(false, "more than %d fds in one scenario\n", MAX_FDS);
	}
	held.fds[held.num_fds++] = fd;
	return fd;
}

struct svm_dev *scn_reopen(const struct svm_dev *dev)
{
	for (int i = 0; i < MAX_DEVS; i++)
		if (!held.devs[i]) {
			held.devs[i] = svm_dev_reopen(dev);
			return held.devs[i];
		}
	igt_assert_f(false, "more than %d extra device handles\n", MAX_DEVS);
	return NULL;
}

void scn_close(struct svm_dev *dev)
{
	for (int i = 0; i < MAX_DEVS; i++)
		if (held.devs[i] == dev)
			held.devs[i] = NULL;
	svm_dev_close(dev);
}

struct thread_call {
	void *(*fn)(void *);
	void *arg;
	int slot;
};

static struct thread_call thread_calls[MAX_THREADS];

static void mark_ended(void *arg)
{
	atomic_store(&thread_ended[((struct thread_call *)arg)->slot], true);
}

/*
 * Frees the thread's bounce buffers, then says it ended, however it ends
 * (igt failures pthread_exit).
 */
static void *thread_trampoline(void *arg)
{
	struct thread_call *call = arg;
	void *ret;

	pthread_cleanup_push(mark_ended, call);
	pthread_cleanup_push(bounce_free, NULL);
	ret = call->fn(call->arg);
	pthread_cleanup_pop(1);
	pthread_cleanup_pop(1);
	return ret;
}

void scn_thread(void *(*fn)(void *), void *arg)
{
	int slot = held.num_threads, ret;

	igt_assert_f(slot < MAX_THREADS, "more than %d threads\n", MAX_THREADS);
	thread_calls[slot] = (struct thread_call){ fn, arg, slot };
	atomic_store(&thread_ended[slot], false);
	held.joined[slot] = false;
	ret = pthread_create(&held.threads[slot], NULL, thread_trampoline, &thread_calls[slot]);
	igt_assert_f(ret == 0, "pthread_create: %s\n", strerror(ret));
	held.num_threads++;
}

bool scn_stopping(void)
{
	return atomic_load(&stopping);
}

/* Joins the helper threads that have ended; the number still running. */
static int reap_threads(void)
{
	int running = 0;

	for (int i = 0; i < held.num_threads; i++) {
		if (held.joined[i])
			continue;
		if (!atomic_load(&thread_ended[i])) {
			running++;
			continue;
		}
		/* It is past its last cleanup handler: this returns at once. */
		pthread_join(held.threads[i], NULL);
		held.joined[i] = true;
	}
	if (!running)
		held.num_threads = 0;
	return running;
}

/*
 * Waits up to @seconds for every helper thread to end and joins those that
 * did; the number still running, each logged.  They stay recorded, so a
 * later call (or the next scenario, see scn_run) can still join them.
 */
static int join_threads(int seconds)
{
	struct timespec now, deadline;
	int running;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += seconds;
	while ((running = reap_threads())) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > deadline.tv_sec ||
		    (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec))
			break;
		nanosleep(&(struct timespec){ .tv_nsec = THREAD_POLL_NS }, NULL);
	}
	for (int i = 0; running && i < held.num_threads; i++)
		if (!held.joined[i])
			igt_critical("helper thread %d did not finish within %d s\n", i, seconds);
	return running;
}

void scn_join_threads(void)
{
	int stuck = join_threads(SCN_HANG_S);

	igt_assert_f(!stuck, "%d helper thread(s) stuck\n", stuck);
}

int scn_release_all(void)
{
	int problems = 0;

	atomic_store(&stopping, true);
	if (join_threads(SCN_HANG_S)) {
		/*
		 * They may still use any of it: keep it all recorded and
		 * stopping set; the next scenario releases it once they have
		 * ended, or skips while they run (scn_run).
		 */
		return 1;
	}
	atomic_store(&stopping, false);
	for (int i = 0; i < MAX_DEVS; i++)
		if (held.devs[i]) {
			svm_dev_close(held.devs[i]);
			held.devs[i] = NULL;
		}
	for (int i = 0; i < MAX_PROTS && held.prots[i].addr; i++) {
		/* A range unmapped since then gives ENOMEM, which is fine. */
		if (mprotect(held.prots[i].addr, held.prots[i].len, PROT_READ | PROT_WRITE) &&
		    errno != ENOMEM) {
			igt_critical("restoring %p+%#zx: %s\n", held.prots[i].addr,
				     held.prots[i].len, strerror(errno));
			problems++;
		}
		held.prots[i] = (struct range){ 0 };
	}
	for (int i = 0; i < MAX_MAPS; i++)
		if (held.maps[i].addr) {
			munmap(held.maps[i].addr, held.maps[i].len);
			held.maps[i] = (struct range){ 0 };
		}
	for (int i = 0; i < MAX_BUFS; i++)
		svm_buf_free(&held.bufs[i]);
	for (int i = 0; i < MAX_SCRATCH; i++) {
		free(held.scratch[i]);
		held.scratch[i] = NULL;
	}
	for (int i = 0; i < held.num_fds; i++)
		close(held.fds[i]);
	held.num_fds = 0;
	bounce_free(NULL);
	return problems;
}

/*
 * The subtest's end, however the body ended (igt_subtest_on_end): a release
 * problem after a body that returned fails the subtest; after a failure or
 * a skip the core only logs it.
 */
static void release_at_end(void *unused)
{
	int problems;

	(void)unused;
	problems = scn_release_all();
	igt_assert_f(!problems, "%d problem(s) releasing the scenario's resources\n", problems);
}

void scn_run(void (*body)(struct svm_scenario_ctx *ctx), struct svm_scenario_ctx *ctx)
{
	if (held.num_threads) {
		/*
		 * An earlier scenario gave up on its helper threads.  Running
		 * next to them would let them corrupt this one (and they would
		 * fail it from their thread), so release what they used once
		 * they have ended, and skip while they have not.
		 */
		int running = reap_threads();

		igt_require_f(!running, "previous subtest left %d helper thread(s) running\n",
			      running);
		igt_assert_f(!scn_release_all(),
			     "releasing what the previous subtest's threads used failed\n");
	}
	igt_subtest_on_end(release_at_end, NULL);
	body(ctx);
}

static struct svm_scenario_ctx *crash_ctxs[2];

/*
 * A core dump reads every page, faulting device pages back through drivers
 * that are half torn down: that is how test_hmm crashed in 2026.  Evicting
 * first (RELEASE for test_hmm) avoids it.  Not close(): on kernels without
 * test_hmm's evict-on-close fix, closing is what frees the mirror under
 * those pages.  Only ioctls here, nothing that allocates: this runs in a
 * signal handler.  At a normal exit (@sig 0) the fixtures already closed.
 */
static void evict_on_crash(int sig)
{
	for (int i = 0; sig && i < 2; i++) {
		if (!crash_ctxs[i])
			continue;
		if (crash_ctxs[i]->dev)
			__svm_release(crash_ctxs[i]->dev);
		if (crash_ctxs[i]->peer)
			__svm_release(crash_ctxs[i]->peer);
	}
}

void scn_evict_on_crash(struct svm_scenario_ctx *ctx)
{
	for (int i = 0; i < 2; i++)
		if (!crash_ctxs[i] || crash_ctxs[i] == ctx) {
			crash_ctxs[i] = ctx;
			break;
		}
	igt_install_exit_handler(evict_on_crash);
}

/* ---- processes ----------------------------------------------------------- */

void scn_pipe_open(struct scn_pipe *p)
{
	int fds[2];

	igt_assert_f(!pipe2(fds, O_CLOEXEC), "pipe: %s\n", strerror(errno));
	p->rd = scn_track_fd(fds[0]);
	p->wr = scn_track_fd(fds[1]);
}

void scn_pipe_post(struct scn_pipe *p)
{
	char c = 1;

	igt_assert_f(write(p->wr, &c, 1) == 1, "pipe write: %s\n", strerror(errno));
}

void scn_pipe_wait(struct scn_pipe *p, int timeout_ms, const char *what)
{
	struct pollfd pfd = { .fd = p->rd, .events = POLLIN };
	char c;
	int n;

	do
		n = poll(&pfd, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	igt_assert_f(n == 1, "timed out after %d ms waiting for %s\n", timeout_ms, what);
	igt_assert_f(read(p->rd, &c, 1) == 1, "%s: the other side went away\n", what);
}

void scn_wait_children(int seconds, const char *what)
{
	igt_waitchildren_timeout(seconds, what);
}
