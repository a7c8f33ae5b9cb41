/* SPDX-License-Identifier: MIT */
/*
 * fork() and copy-on-write under device access.  A device mirror belongs
 * to the mm of the process that opened it, so a child opens its own handle
 * (svm_dev_reopen) before it touches the device.  Private memory must be
 * copied on the first write of either side, shared memory never is.
 */
#include "../svm_scenario.h"
#include "themes.h"

#define FORK_WAIT_S SCN_HANG_S
#define FORK_SYNC_MS (SCN_HANG_S * 1000)

/* Round 1: the child writes through its own device handle. */
static void fork_child_writes(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	bool shared = scn_has(ctx, SVM_MEM_PROP_SHARED);

	igt_fork(child, 1) {
		struct svm_dev *dev = svm_dev_reopen(ctx->dev);

		scn_gpu_check(dev, buf->ptr, buf->size, SEED_PARENT,
			      "child's device reads the parent's data");
		scn_gpu_fill(dev, buf->ptr, buf->size, SEED_CHILD);
		scn_check(buf->ptr, buf->size, SEED_CHILD, "child's CPU reads its device write");
		svm_dev_close(dev);
	}
	scn_wait_children(FORK_WAIT_S, "the writing child");
	scn_check(buf->ptr, buf->size, shared ? SEED_CHILD : SEED_PARENT,
		  "parent's CPU after the child's device write");
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, shared ? SEED_CHILD : SEED_PARENT,
		      "parent's device after the child's device write");
}

/* Round 2: the parent's device writes while the child holds the old data. */
static void fork_parent_writes(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	bool shared = scn_has(ctx, SVM_MEM_PROP_SHARED);
	struct scn_pipe ready, go;

	scn_pipe_open(&ready);
	scn_pipe_open(&go);
	igt_fork(child, 1) {
		struct svm_dev *dev = svm_dev_reopen(ctx->dev);

		scn_gpu_check(dev, buf->ptr, buf->size, SEED_PARENT + 1,
			      "child's device before the parent's write");
		scn_pipe_post(&ready);
		scn_pipe_wait(&go, FORK_SYNC_MS, "the parent's device write");
		scn_gpu_check(dev, buf->ptr, buf->size, shared ? SEED_GPU : SEED_PARENT + 1,
			      "child's device after the parent's device write");
		scn_check(buf->ptr, buf->size, shared ? SEED_GPU : SEED_PARENT + 1,
			  "child's CPU after the parent's device write");
		svm_dev_close(dev);
	}
	scn_pipe_wait(&ready, FORK_SYNC_MS, "the child's first read");
	scn_gpu_fill(ctx->dev, buf->ptr, buf->size, SEED_GPU);
	scn_pipe_post(&go);
	scn_wait_children(FORK_WAIT_S, "the reading child");
	scn_check(buf->ptr, buf->size, SEED_GPU, "parent's CPU after its device write");
}

/**
 * SUBTEST: fork-%s
 * Description: Fork with %arg[1] that the device has mapped.  The child
 *   writes through its own device handle: the parent keeps its data if the
 *   memory is private and sees the child's if it is shared.  Then the
 *   parent's device writes while a child holds the old data, with the same
 *   rule the other way round.
 * Functionality: fork, copy-on-write, gpu write
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 * @mmap-shared:  a shared anonymous mapping (shmem)
 * @memfd-shared: a memfd mapped shared
 * @file-private: a /tmp file mapped private (copy-on-write)
 * @file-shared:  a /tmp file mapped shared
 * @stack:        the calling thread's stack
 * @mlocked:      mlock()ed anonymous memory
 */
static void fork_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	svm_buf_fill(buf->ptr, buf->size, SEED_PARENT);
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_PARENT, "parent's device before fork");
	fork_child_writes(ctx, buf);

	svm_buf_fill(buf->ptr, buf->size, SEED_PARENT + 1);
	fork_parent_writes(ctx, buf);
}

/**
 * SUBTEST: fork-migrated-%s
 * Description: Fork while %arg[1] sits in device memory.  The child's
 *   device reads the data and writes its own copy; the parent, its CPU and
 *   its device, still see the original; then the parent's device writes
 *   again after a second fork.
 * Functionality: fork, copy-on-write, migration
 *
 * arg[1]:
 * @malloc:       page-aligned malloc() memory
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 * @stack:        the calling thread's stack
 */
static void fork_migrated_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	svm_buf_fill(buf->ptr, buf->size, SEED_PARENT);
	igt_assert(scn_migrate(ctx, ctx->dev, buf->ptr, buf->size));
	fork_child_writes(ctx, buf);

	svm_buf_fill(buf->ptr, buf->size, SEED_PARENT + 1);
	igt_assert(scn_migrate(ctx, ctx->dev, buf->ptr, buf->size));
	fork_parent_writes(ctx, buf);
}

const struct svm_scenario svm_scenarios_fork[] = {
	{ .name = "fork", .needs = SVM_CAP_GPU_READ | SVM_CAP_GPU_WRITE,
	  .kinds = SCN_KIND(MALLOC) | SCN_KIND(THP) | SCN_KIND(ANON_PRIVATE) | SCN_KINDS_SHARED |
		   SCN_KIND(FILE_PRIVATE) | SCN_KIND(STACK) | SCN_KIND(MLOCKED),
	  .with_buf = fork_body },
	{ .name = "fork-migrated", .needs = SVM_CAP_GPU_READ | SVM_CAP_GPU_WRITE | SVM_CAP_MIGRATE,
	  .kinds = SCN_KINDS_ANON | SCN_KIND(STACK), .with_buf = fork_migrated_body },
};
const unsigned int svm_num_scenarios_fork = ARRAY_SIZE(svm_scenarios_fork);
