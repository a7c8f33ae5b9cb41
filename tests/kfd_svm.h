/* SPDX-License-Identifier: MIT */
/*
 * What kfd_svm.c and its GPU half kfd_svm_gpu.c share: the process
 * context of the XNACK group being run, the case table format and the
 * tracked-resource helpers every case uses.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#include "kfd/kfd_device.h"

struct kfd_sdma_queue;
struct kfd_smi;

/* One KFD process for the whole binary; the group sets its XNACK mode. */
struct kfd_svm_ctx {
	struct kfd_device *dev;
	int fd;				/* dev->fd */
	struct kfd_gpu *gpu;		/* the first GPU */
	bool xnack;			/* the mode the running group set */
	uint64_t page;			/* CPU page size */
	uint64_t vram[KFD_DEVICE_MAX_GPUS];	/* bytes per GPU (index as dev->gpus), 0 on an APU */
};

extern struct kfd_svm_ctx kctx;

/* What a case needs beyond an SVM-capable gfx9+ GPU; each a named skip. */
enum {
	NEEDS_VRAM = 1 << 0,		/* local memory on the first GPU */
	NEEDS_2GPUS = 1 << 1,		/* two SVM GPUs */
	NEEDS_SMI = 1 << 2,		/* KFD >= 1.10: SMI profiler events */
	NEEDS_DGPU = 1 << 3,		/* not an APU (same test as VRAM, its own message) */
};

/* A subtest of the XNACK table: "<name>-xnack-off" and "<name>-xnack-on". */
struct kfd_svm_case {
	const char *name;
	void (*run)(void);
	unsigned int needs;
	unsigned int timeout_s;		/* 0: the default */
};

extern const struct kfd_svm_case kfd_svm_gpu_cases[];
extern const size_t kfd_svm_gpu_num_cases;

/* Anonymous read/write memory, munmap()ed when the subtest ends. */
void *kfd_test_map(uint64_t size);
/* An SDMA queue on @gpu, destroyed when the subtest ends. */
struct kfd_sdma_queue *kfd_test_queue(struct kfd_device *dev, struct kfd_gpu *gpu);
/* An SMI file on @gpu with every event up to UNMAP_FROM_GPU enabled; closed at the end. */
struct kfd_smi *kfd_test_smi(struct kfd_device *dev, struct kfd_gpu *gpu);

/*
 * In a forked child: a KFD process of its own in the group's XNACK mode
 * (a new process starts in the module's default mode).  Asserts.
 */
struct kfd_device *kfd_test_child_open(void);

/* How long igt_waitchildren_timeout() gives a case's forked children. */
#define KFD_CHILD_TIMEOUT_S 120

/* Destroys a kfd_test_queue() queue now (before its subtest ends). */
int kfd_test_queue_release(struct kfd_sdma_queue *q);

static inline uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* @a a power of two. */
static inline uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static inline uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

/*
 * How far the overcommit cases go beyond VRAM: kfdtest's 1 GiB, but at
 * most the VRAM size itself, which still leaves half of what was asked
 * for to eviction, and keeps a small VRAM (vdev's 64 MiB) from moving a
 * gigabyte per case.  Every GPU with 1 GiB of VRAM or more gets kfdtest's.
 */
static inline uint64_t kfd_test_overcommit(uint64_t vram)
{
	return min_u64(SZ_1G, align_up(vram, SZ_2M));
}
