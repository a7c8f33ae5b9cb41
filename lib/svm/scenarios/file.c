/* SPDX-License-Identifier: MIT */
/*
 * File-backed memory: what the device writes through a shared mapping is
 * the file's content, what it writes through a private one never reaches
 * the file, and what is written to the file is what the device reads until
 * the private mapping makes its own copy.  Two processes mapping the same
 * file see each other's device writes.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../svm_scenario.h"
#include "themes.h"

#define FILE_KINDS (SCN_KIND(MEMFD_SHARED) | SCN_KIND(FILE_PRIVATE) | SCN_KIND(FILE_SHARED))

/**
 * SUBTEST: file-gpu-write-%s
 * Description: The device writes %arg[1]: the data reaches the file when
 *   the mapping is shared (pread() returns it) and leaves the file's content
 *   alone when it is private.
 * Functionality: file-backed memory, gpu write
 *
 * arg[1]:
 * @memfd-shared: a memfd mapped shared
 * @file-private: a /tmp file mapped private (copy-on-write)
 * @file-shared:  a /tmp file mapped shared
 */
static void file_gpu_write_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	scn_file_fill(buf, SEED_CPU);
	scn_gpu_fill(ctx->dev, buf->ptr, buf->size, SEED_GPU);
	scn_file_check(buf, scn_has(ctx, SVM_MEM_PROP_SHARED) ? SEED_GPU : SEED_CPU,
		       "the file after the device write");
	scn_check(buf->ptr, buf->size, SEED_GPU, "CPU reads the device write");
}

/**
 * SUBTEST: file-gpu-read-%s
 * Description: Data written to the file behind %arg[1] with pwrite(), twice,
 *   is what the device reads through the mapping each time (a private
 *   mapping reads the file until written); after a device write to a private
 *   mapping the file keeps its content.
 * Functionality: file-backed memory, gpu read
 *
 * arg[1]:
 * @memfd-shared: a memfd mapped shared
 * @file-private: a /tmp file mapped private (copy-on-write)
 * @file-shared:  a /tmp file mapped shared
 */
static void file_gpu_read_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	for (uint32_t round = 0; round < 2; round++) {
		scn_file_fill(buf, SEED_CPU + round);
		scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_CPU + round,
			      "device reads what pwrite() wrote");
	}
	if (scn_has(ctx, SVM_MEM_PROP_SHARED))
		return;
	scn_gpu_fill(ctx->dev, buf->ptr, buf->size, SEED_GPU);
	scn_file_check(buf, SEED_CPU + 1, "the file after a device write to a private mapping");
	/*
	 * The write went to the mapping's own copy, not nowhere: the device
	 * first, which must not still see the file's page, then the CPU.
	 */
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_GPU,
		      "device reads its write to the private mapping");
	scn_check(buf->ptr, buf->size, SEED_GPU,
		  "CPU reads the device write to the private mapping");
}

#define PROC_WAIT_S SCN_HANG_S
#define PROC_SYNC_MS (SCN_HANG_S * 1000)

/**
 * SUBTEST: two-processes-%s
 * Description: A child maps the file behind the parent's %arg[1] at an
 *   address of its own and writes it through its own device handle; the
 *   parent's device and CPU read that data, then the parent's device writes
 *   and the child's device reads it.
 * Functionality: shared memory, multi-process, gpu write
 *
 * arg[1]:
 * @memfd-shared: a memfd mapped shared
 * @file-shared:  a /tmp file mapped shared
 */
static void two_processes_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	struct scn_pipe written, go;

	scn_pipe_open(&written);
	scn_pipe_open(&go);
	igt_fork(child, 1) {
		struct svm_dev *dev = svm_dev_reopen(ctx->dev);
		/* Its own VMA of the same file, not the copy fork() made. */
		char *mine = mmap(NULL, buf->size, PROT_READ | PROT_WRITE, MAP_SHARED, buf->fd, 0);

		igt_assert_f(mine != MAP_FAILED, "child mmap: %s\n", strerror(errno));
		scn_gpu_fill(dev, mine, buf->size, SEED_CHILD);
		scn_pipe_post(&written);
		scn_pipe_wait(&go, PROC_SYNC_MS, "the parent's device write");
		scn_gpu_check(dev, mine, buf->size, SEED_PARENT,
			      "child's device reads the parent's write");
		svm_dev_close(dev);
	}
	scn_pipe_wait(&written, PROC_SYNC_MS, "the child's device write");
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_CHILD,
		      "parent's device reads the child's write");
	scn_check(buf->ptr, buf->size, SEED_CHILD, "parent's CPU reads the child's write");
	scn_gpu_fill(ctx->dev, buf->ptr, buf->size, SEED_PARENT);
	scn_pipe_post(&go);
	scn_wait_children(PROC_WAIT_S, "the child");
}

const struct svm_scenario svm_scenarios_file[] = {
	{ .name = "file-gpu-write", .needs = SCN_DATA, .kinds = FILE_KINDS,
	  .with_buf = file_gpu_write_body },
	{ .name = "file-gpu-read", .needs = SCN_DATA, .kinds = FILE_KINDS,
	  .with_buf = file_gpu_read_body },
	{ .name = "two-processes", .needs = SCN_DATA,
	  .kinds = SCN_KIND(MEMFD_SHARED) | SCN_KIND(FILE_SHARED), .with_buf = two_processes_body },
};
const unsigned int svm_num_scenarios_file = ARRAY_SIZE(svm_scenarios_file);
