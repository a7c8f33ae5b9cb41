/* SPDX-License-Identifier: MIT */
/*
 * What scenario bodies (lib/svm/scenarios/) are written with: resources
 * that the catalog releases after every subtest whatever way it ends, and
 * the checks that every scenario repeats.
 *
 * Cleanup: a failed assertion or a skip siglongjmps out of the body, past
 * any free.  So a body never frees by itself what it must not leak: it
 * takes buffers, mappings, fds, device handles and threads from scn_*(),
 * which records them, and scn_run() releases them through the core's
 * igt_subtest_on_end() hook once the body has ended, by returning or by
 * jumping (svm_scenario.c).  Release order
 * is: stop and join threads, close device handles, restore protections,
 * unmap mappings and free buffers, close fds.  A thread that cannot be
 * joined means memory may still be in use: everything else is then leaked
 * on purpose rather than freed under it.
 *
 * Forked children (igt_fork) inherit the records but never release them:
 * they exit, and the kernel reclaims what a process holds.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "igt_core.h"
#include "svm_catalog.h"
#include "svm_dev.h"
#include "svm_mem.h"
#include "util.h"

#define SCN_KIND(id) SVM_MEM_BIT(SVM_MEM_##id)

/* What most scenarios need: the device reads and writes memory. */
#define SCN_DATA (SVM_CAP_GPU_READ | SVM_CAP_GPU_WRITE)

/* Kind sets that scenarios expand over. */
#define SCN_KINDS_ALL SVM_MEM_ALL
/* Memory whose VMA the test owns, so it may munmap/mremap/mprotect it. */
#define SCN_KINDS_MAPPED (SCN_KIND(THP) | SCN_KIND(ANON_PRIVATE) | SCN_KIND(ANON_SHARED) | \
			  SCN_KIND(MEMFD_SHARED) | SCN_KIND(FILE_PRIVATE) | \
			  SCN_KIND(FILE_SHARED) | SCN_KIND(MLOCKED))
/* Anonymous private memory: what device-private migration applies to. */
#define SCN_KINDS_ANON (SCN_KIND(MALLOC) | SCN_KIND(THP) | SCN_KIND(ANON_PRIVATE))
#define SCN_KINDS_SHARED (SCN_KIND(ANON_SHARED) | SCN_KIND(MEMFD_SHARED) | SCN_KIND(FILE_SHARED))

/* The refusals of the backend contract (svm_dev.h), under the scenarios' prefix. */
#define SCN_ERR_NO_ACCESS SVM_ERR_NO_ACCESS
#define SCN_ERR_READ_ONLY SVM_ERR_READ_ONLY

/* Pattern seeds: one per role, so a page from the wrong step never matches. */
enum {
	SEED_CPU = 0x100,
	SEED_GPU = 0x200,
	SEED_CHILD = 0x300,
	SEED_PARENT = 0x400,
	SEED_PEER = 0x500,
	SEED_THREAD = 0x600,
};

/*
 * Runs @body(ctx) inside the current subtest and releases what it recorded
 * before the subtest ends, whichever way it ends (see scn_run in
 * svm_scenario.c).  Also for subtests outside the catalog.
 */
void scn_run(void (*body)(struct svm_scenario_ctx *ctx), struct svm_scenario_ctx *ctx);

/*
 * On a fatal signal, asks @ctx's devices to evict their memory (where the
 * backend can) before the core dump walks the address space.
 */
void scn_evict_on_crash(struct svm_scenario_ctx *ctx);

/* ---- sizes --------------------------------------------------------------- */

/* 16 pages, or 2 MiB for kinds that may use huge pages (one THP). */
size_t scn_size(const struct svm_scenario_ctx *ctx);
static inline size_t scn_npages(const struct svm_scenario_ctx *ctx, size_t len)
{
	return len / ctx->page_size;
}
static inline bool scn_has(const struct svm_scenario_ctx *ctx, unsigned int prop)
{
	return ctx->kind && (ctx->kind->props & prop);
}

/* ---- tracked resources --------------------------------------------------- */

/* A buffer of @kind; skips when the kind is unavailable here.  Not for the stack. */
struct svm_buf *scn_buf(const struct svm_mem_kind *kind, size_t size);
/*
 * Runs @fn(ctx, buf) with a buffer of ctx->kind, or of @kind when the
 * scenario is not expanded over kinds; the stack kind lives in svm_with_buf's
 * frame, the others are tracked.
 */
void scn_with_buf(struct svm_scenario_ctx *ctx, size_t size,
		  void (*fn)(struct svm_scenario_ctx *ctx, struct svm_buf *buf));
/* malloc()ed scratch memory (bounce buffers, expected data). */
void *scn_scratch(size_t size);
/* An mmap() recorded for munmap; asserts success. */
void *scn_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
/* Records a mapping made another way (mremap) for munmap. */
void scn_track_mapping(void *addr, size_t len);
/*
 * Puts an inaccessible placeholder over a range the test unmapped inside a
 * buffer, so that nothing else lands there before the buffer is freed.
 */
void scn_plug(void *addr, size_t len);
/* mprotect(), asserting; the range gets PROT_READ|PROT_WRITE back at release. */
void scn_protect(void *addr, size_t len, int prot);
/* Records @fd for close(). */
int scn_track_fd(int fd);
/* A second handle on @dev (its own mirror of the calling process), tracked. */
struct svm_dev *scn_reopen(const struct svm_dev *dev);
/* Closes a tracked handle now (teardown scenarios). */
void scn_close(struct svm_dev *dev);
/*
 * The bound of a scenario's waits for another thread or process: a hang
 * detector, far above what a busy machine needs (see svm_scenario.c).
 */
#define SCN_HANG_S 60

/* A helper thread, joined at release; bodies poll scn_stopping(). */
void scn_thread(void *(*fn)(void *), void *arg);
bool scn_stopping(void);
/* Joins every helper thread (SCN_HANG_S); asserts they all finished. */
void scn_join_threads(void);

/*
 * A reusable bounce buffer of at least @len bytes for the checks: per
 * thread, slot 0 for data, 1 for page states; freed at release (main
 * thread) or when a scn_thread() ends.
 */
void *scn_bounce(int slot, size_t len);

/*
 * Releases everything recorded, in the order above.  Never jumps: problems
 * are logged and counted.  Returns the number of problems.
 */
int scn_release_all(void);

/* ---- checks -------------------------------------------------------------- */

/* @len bytes at @p hold svm_buf_fill(@seed) data. */
#define scn_check(p, len, seed, what) \
	__scn_check(__FILE__, __LINE__, (p), (len), (seed), (what))
void __scn_check(const char *file, int line, const void *p, size_t len, uint32_t seed,
		 const char *what);
/* @len bytes at @p are zero. */
void scn_check_zero(const void *p, size_t len, const char *what);
/* @len bytes at @p equal @want. */
void scn_check_same(const void *p, const void *want, size_t len, const char *what);

/* The device writes svm_buf_fill(@seed) data to @addr. */
void scn_gpu_fill(struct svm_dev *dev, void *addr, size_t len, uint32_t seed);
/* The device reads @addr; it must hold @seed data. */
void scn_gpu_check(struct svm_dev *dev, const void *addr, size_t len, uint32_t seed,
		   const char *what);
/* The device reads @addr; it must be zero. */
void scn_gpu_check_zero(struct svm_dev *dev, const void *addr, size_t len, const char *what);
/* The device reads @addr; it must equal @want. */
void scn_gpu_check_same(struct svm_dev *dev, const void *addr, const void *want, size_t len,
			const char *what);
/* A device read and a device write of @addr are both refused with @err. */
void scn_gpu_refused(struct svm_dev *dev, void *addr, size_t len, int err, const char *what);

/* The file behind file-backed @buf gets, or holds, @seed data (pwrite/pread, not the mapping). */
void scn_file_fill(const struct svm_buf *buf, uint32_t seed);
void scn_file_check(const struct svm_buf *buf, uint32_t seed, const char *what);

/*
 * Where the backend can say (SVM_CAP_RESIDENCY), every page of the range is
 * at @want; otherwise nothing is checked.
 */
void scn_expect_residency(struct svm_dev *dev, const void *addr, size_t npages,
			  enum svm_residency want, const char *what);
/* Same, but no page may be at @unwanted. */
void scn_expect_not_residency(struct svm_dev *dev, const void *addr, size_t npages,
			      enum svm_residency unwanted, const char *what);

/*
 * Migrates [addr, addr+len) of ctx->kind to @dev's memory and checks the
 * outcome the memory kind defines: anonymous private pages
 * (SVM_MEM_PROP_MIGRATABLE) all move; shared and file pages stay in system
 * memory (success, 0 moved); a hugetlb VMA is refused (-EINVAL).  Returns
 * whether the pages moved.
 */
bool scn_migrate(struct svm_scenario_ctx *ctx, struct svm_dev *dev, void *addr, size_t len);

/*
 * Skips unless [ptr, ptr+len) -- 2 MiB-aligned, populated by the caller --
 * is backed by transparent huge pages: THP enabled in sysfs and the VMA's
 * AnonHugePages covering it in /proc/self/smaps.
 */
void scn_require_thp(const void *ptr, size_t len);

/* ---- processes ----------------------------------------------------------- */

/* A one-way pipe, tracked; wait returns false (after logging) on timeout. */
struct scn_pipe {
	int rd, wr;
};
void scn_pipe_open(struct scn_pipe *p);
void scn_pipe_post(struct scn_pipe *p);
void scn_pipe_wait(struct scn_pipe *p, int timeout_ms, const char *what);

/* Joins igt_fork() children, failing if one failed or outlives @seconds. */
void scn_wait_children(int seconds, const char *what);
