/* SPDX-License-Identifier: MIT */
/*
 * Two devices on one address space: both see every write, whoever made
 * it, and a range migrated to one device is still correct for the other,
 * which may pull it back or migrate it to itself.
 */
#include "../svm_scenario.h"
#include "themes.h"

#define PEER_ROUNDS 4

/**
 * SUBTEST: peer-migrate-ping-pong-%s
 * Description: %arg[1] is migrated to one device, which writes it; the
 *   other device reads that data (pulling it out of the first device's
 *   memory), migrates it to its own memory and writes it, and so on for
 *   several rounds; the CPU checks the last write.
 * Functionality: multi-device, migration
 *
 * arg[1]:
 * @thp:          2 MiB-aligned anonymous memory with MADV_HUGEPAGE
 * @mmap-private: a private anonymous mapping
 */
static void peer_migrate_ping_pong_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	size_t npages = scn_npages(ctx, buf->size);
	uint32_t seed = SEED_PEER;

	svm_buf_fill(buf->ptr, buf->size, seed);
	for (int round = 0; round < PEER_ROUNDS; round++) {
		struct svm_dev *mine = round & 1 ? ctx->peer : ctx->dev;
		struct svm_dev *other = round & 1 ? ctx->dev : ctx->peer;

		scn_gpu_check(mine, buf->ptr, buf->size, seed, "device reads the last write");
		igt_assert(scn_migrate(ctx, mine, buf->ptr, buf->size));
		scn_expect_not_residency(other, buf->ptr, npages, SVM_RES_LOCAL,
					 "the other device's view");
		scn_gpu_fill(mine, buf->ptr, buf->size, ++seed);
		scn_gpu_check(other, buf->ptr, buf->size, seed,
			      "the other device reads the migrated data");
		scn_expect_not_residency(mine, buf->ptr, npages, SVM_RES_LOCAL,
					 "after the other device's read");
	}
	scn_check(buf->ptr, buf->size, seed, "CPU reads the last device write");
}

/**
 * SUBTEST: peer-coherent-%s
 * Description: Two devices and the CPU take turns writing %arg[1]; each
 *   write is seen by the two others.
 * Functionality: multi-device, coherence
 *
 * arg[1]:
 * @mmap-private: a private anonymous mapping
 * @mmap-shared:  a shared anonymous mapping (shmem)
 * @file-shared:  a /tmp file mapped shared
 */
static void peer_coherent_body(struct svm_scenario_ctx *ctx, struct svm_buf *buf)
{
	scn_gpu_fill(ctx->dev, buf->ptr, buf->size, SEED_GPU);
	scn_gpu_check(ctx->peer, buf->ptr, buf->size, SEED_GPU, "peer reads device 0's write");
	scn_check(buf->ptr, buf->size, SEED_GPU, "CPU reads device 0's write");
	scn_gpu_fill(ctx->peer, buf->ptr, buf->size, SEED_PEER);
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_PEER, "device 0 reads the peer's write");
	scn_check(buf->ptr, buf->size, SEED_PEER, "CPU reads the peer's write");
	svm_buf_fill(buf->ptr, buf->size, SEED_CPU);
	scn_gpu_check(ctx->dev, buf->ptr, buf->size, SEED_CPU, "device 0 reads the CPU's write");
	scn_gpu_check(ctx->peer, buf->ptr, buf->size, SEED_CPU, "peer reads the CPU's write");
}

const struct svm_scenario svm_scenarios_multidev[] = {
	{ .name = "peer-migrate-ping-pong", .needs = SCN_DATA | SVM_CAP_MIGRATE,
	  .kinds = SCN_KIND(THP) | SCN_KIND(ANON_PRIVATE), .needs_peer = true,
	  .with_buf = peer_migrate_ping_pong_body },
	{ .name = "peer-coherent", .needs = SCN_DATA,
	  .kinds = SCN_KIND(ANON_PRIVATE) | SCN_KIND(ANON_SHARED) | SCN_KIND(FILE_SHARED),
	  .needs_peer = true, .with_buf = peer_coherent_body },
};
const unsigned int svm_num_scenarios_multidev = ARRAY_SIZE(svm_scenarios_multidev);
