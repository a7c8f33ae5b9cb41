/* SPDX-License-Identifier: MIT */
/*
 * svm_dev: the backend-neutral view of a device that shares the CPU's
 * virtual address space.  Scenarios (svm_catalog.h) are written once
 * against it; each backend (lib/hmm: the kernel's test_hmm device; later
 * lib/xe, lib/kfd, lib/amdgpu) fills in an ops table.
 *
 * Addresses are CPU virtual addresses of the calling process.  "GPU" means
 * the device: for test_hmm a device access is the kernel mirroring the
 * address through hmm_range_fault, for a real GPU it is a batch or packet
 * executed by the engine.  Every operation is synchronous: when it returns,
 * the device access is complete and visible to the CPU.
 *
 * Conventions: __svm_*() return 0 or -errno and never assert (an operation
 * the backend lacks is -EOPNOTSUPP); svm_*() assert success.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "igt_device.h"

enum svm_cap {
	SVM_CAP_GPU_READ	= 1u << 0,	/* device reads memory into a CPU buffer */
	SVM_CAP_GPU_WRITE	= 1u << 1,	/* device writes a CPU buffer's bytes into memory */
	SVM_CAP_GPU_COPY	= 1u << 2,	/* device copies memory to memory */
	SVM_CAP_GPU_ATOMIC	= 1u << 3,	/* device atomic increment of a u32 */
	SVM_CAP_MIGRATE		= 1u << 4,	/* explicit migration to device memory and back */
	SVM_CAP_PREFER		= 1u << 5,	/* a preferred-location attribute */
	SVM_CAP_RESIDENCY	= 1u << 6,	/* per-page residency query */
	SVM_CAP_PROTECTION	= 1u << 7,	/* per-page device mapping protection query */
	SVM_CAP_EXCLUSIVE	= 1u << 8,	/* exclusive (atomic) access revoked by a CPU touch */
	SVM_CAP_RELEASE		= 1u << 9,	/* evict everything the device holds */
	SVM_CAP_SUBPAGE		= 1u << 10,	/* read/write/copy at any byte offset and length */
};

/* Where a page is, as the device sees it. */
enum svm_residency {
	SVM_RES_NONE,		/* not mapped by the device (never touched, or invalidated) */
	SVM_RES_SYSTEM,		/* system memory, mapped by the device */
	SVM_RES_LOCAL,		/* this device's own memory */
	SVM_RES_REMOTE,		/* another device's memory */
	SVM_RES_UNKNOWN,
};

/* Device mapping protection, for SVM_CAP_PROTECTION. */
enum svm_prot {
	SVM_PROT_READ	= 1u << 0,
	SVM_PROT_WRITE	= 1u << 1,
	SVM_PROT_PMD	= 1u << 2,	/* mapped by a PMD-level (huge) entry */
	SVM_PROT_PUD	= 1u << 3,
	SVM_PROT_ZERO	= 1u << 4,	/* the shared zero page */
	SVM_PROT_ERROR	= 1u << 5,	/* no valid mapping possible (hole, PROT_NONE) */
};

struct svm_page_state {
	enum svm_residency where;
	unsigned int prot;	/* enum svm_prot bits */
};

enum svm_location {
	SVM_LOC_SYSTEM,
	SVM_LOC_DEVICE,		/* this device's memory */
};

struct svm_dev;

struct svm_dev_ops {
	int (*open)(struct svm_dev *dev, const struct igt_device_info *info);
	void (*close)(struct svm_dev *dev);
	/* Makes [addr, addr+len) visible to the device; a no-op where all of it always is. */
	int (*mirror)(struct svm_dev *dev, void *addr, size_t len);
	int (*gpu_read)(struct svm_dev *dev, void *dst, const void *src, size_t len);
	int (*gpu_write)(struct svm_dev *dev, void *dst, const void *src, size_t len);
	int (*gpu_copy)(struct svm_dev *dev, void *dst, const void *src, size_t len);
	int (*gpu_atomic_inc)(struct svm_dev *dev, uint32_t *addr);
	/* *moved: pages that ended up at @to (may be fewer than asked: shared pages stay). */
	int (*migrate)(struct svm_dev *dev, void *addr, size_t len,
		       enum svm_location to, uint64_t *moved);
	int (*prefer)(struct svm_dev *dev, void *addr, size_t len, enum svm_location loc);
	int (*query)(struct svm_dev *dev, const void *addr, size_t npages,
		     struct svm_page_state *out);
	int (*make_exclusive)(struct svm_dev *dev, void *addr, size_t len);
	/* 0 when no page of the range is still exclusive, -EPERM when one is. */
	int (*check_exclusive)(struct svm_dev *dev, void *addr, size_t len);
	int (*release)(struct svm_dev *dev);
};

struct svm_backend {
	const char *name;		/* "hmm", "xe", ... */
	enum igt_dev_kind kind;
	const char *driver;		/* NULL: any driver of that kind */
	uint32_t caps;			/* enum svm_cap bits */
	const struct svm_dev_ops *ops;
};

struct svm_dev {
	const struct svm_backend *backend;
	struct igt_device_info info;
	int index;			/* which device of the backend's kind */
	int fd;
	size_t page_size;		/* granule of device access and migration */
	uint64_t faults;		/* device faults counted by the backend, where it can */
	void *priv;
};

/*
 * Opens the @index-th device of @backend that the device filter lets
 * through.  -ENODEV when there is none (callers skip), other -errno when it
 * exists but cannot be used.
 */
int __svm_dev_open(const struct svm_backend *backend, int index, struct svm_dev **out);
/*
 * Skips when the device is absent, or when the backend's open returns
 * -EOPNOTSUPP (it cannot drive this kernel's version of the device); fails
 * on any other error.
 */
struct svm_dev *svm_dev_open(const struct svm_backend *backend, int index);
/*
 * For a backend's open: records why it returns -EOPNOTSUPP, so that
 * svm_dev_open's skip message can say it.  Cleared by every __svm_dev_open.
 */
void svm_dev_set_unsupported(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The reason recorded by the last failed open, "" if none. */
const char *svm_dev_unsupported_reason(void);
/* A fresh handle on the same device, e.g. for a forked child's own mm. */
struct svm_dev *svm_dev_reopen(const struct svm_dev *dev);
void svm_dev_close(struct svm_dev *dev);

static inline bool svm_dev_has(const struct svm_dev *dev, uint32_t caps)
{
	return (dev->backend->caps & caps) == caps;
}

/* Skips the running subtest, naming the missing capabilities. */
void svm_require(const struct svm_dev *dev, uint32_t caps);
const char *svm_cap_names(uint32_t caps, char *buf, size_t len);
const char *svm_residency_name(enum svm_residency r);

/*
 * Checks done here, the same for every backend, before the op runs:
 * - the op is NULL or its capability is missing: -EOPNOTSUPP (checked
 *   first; a NULL mirror op is a success, since then all memory is visible);
 * - a NULL address, a zero length or npages: -EINVAL;
 * - page-granular ops (mirror, migrate, prefer, query, make/check_exclusive)
 *   need a page-aligned address (the backend rounds the length up to pages);
 *   without SVM_CAP_SUBPAGE the device-side address and the length of
 *   read/write/copy must be page aligned too: -EINVAL otherwise;
 * - gpu_atomic_inc needs a 4-byte aligned address: -EINVAL otherwise.
 */
int __svm_mirror(struct svm_dev *dev, void *addr, size_t len);
int __svm_gpu_read(struct svm_dev *dev, void *dst, const void *src, size_t len);
int __svm_gpu_write(struct svm_dev *dev, void *dst, const void *src, size_t len);
int __svm_gpu_copy(struct svm_dev *dev, void *dst, const void *src, size_t len);
int __svm_gpu_atomic_inc(struct svm_dev *dev, uint32_t *addr);
int __svm_migrate(struct svm_dev *dev, void *addr, size_t len, enum svm_location to,
		  uint64_t *moved);
int __svm_prefer(struct svm_dev *dev, void *addr, size_t len, enum svm_location loc);
int __svm_query(struct svm_dev *dev, const void *addr, size_t npages,
		struct svm_page_state *out);
int __svm_make_exclusive(struct svm_dev *dev, void *addr, size_t len);
int __svm_check_exclusive(struct svm_dev *dev, void *addr, size_t len);
int __svm_release(struct svm_dev *dev);

void svm_mirror(struct svm_dev *dev, void *addr, size_t len);
void svm_gpu_read(struct svm_dev *dev, void *dst, const void *src, size_t len);
void svm_gpu_write(struct svm_dev *dev, void *dst, const void *src, size_t len);
void svm_gpu_copy(struct svm_dev *dev, void *dst, const void *src, size_t len);
void svm_gpu_atomic_inc(struct svm_dev *dev, uint32_t *addr);
uint64_t svm_migrate(struct svm_dev *dev, void *addr, size_t len, enum svm_location to);
void svm_prefer(struct svm_dev *dev, void *addr, size_t len, enum svm_location loc);
void svm_query(struct svm_dev *dev, const void *addr, size_t npages,
	       struct svm_page_state *out);
/* Residency of one page; SVM_RES_UNKNOWN when the backend cannot tell. */
enum svm_residency svm_residency(struct svm_dev *dev, const void *addr);
void svm_make_exclusive(struct svm_dev *dev, void *addr, size_t len);
void svm_release(struct svm_dev *dev);
