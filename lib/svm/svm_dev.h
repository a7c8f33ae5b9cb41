/* SPDX-License-Identifier: MIT */
/*
 * svm_dev: the backend-neutral view of a device that shares the CPU's
 * virtual address space, and the contract every backend keeps.  Scenarios
 * (svm_catalog.h) are written once against it; each backend fills in an ops
 * table: lib/hmm (the kernel's test_hmm device), lib/xe, lib/vgpu (our
 * virtual SVM GPU on the real drm_gpusvm) and lib/kfd (amdkfd, XNACK off
 * and on) today; amdgpu's drm_gpusvm port is to come (lib/amdgpu has its
 * interface only, no backend yet).
 * docs/adding-a-backend.md walks through adding one.
 *
 * Addresses are CPU virtual addresses of the calling process.  "GPU" means
 * the device: for test_hmm a device access is the kernel mirroring the
 * address through hmm_range_fault, for a real GPU it is a batch or packet
 * executed by the engine.  Every operation is synchronous: when it returns,
 * the device access is complete and visible to the CPU, and a CPU access
 * made before the call is visible to the device.
 *
 * Conventions: __svm_*() return 0 or -errno and never assert (an operation
 * the device lacks is -EOPNOTSUPP); svm_*() assert success.
 *
 * The contract, op by op (the ops table, struct svm_dev_ops, below):
 *
 * open(dev, info): makes a handle on the device @info names, for the
 *   calling process's mm.  Before it runs, __svm_dev_open has set
 *   dev->backend, dev->info, dev->index, dev->variant (NULL for a backend
 *   without variants, else the variant asked for), dev->caps (a copy of
 *   backend->caps) and dev->fd = -1.  It must set dev->page_size, may set
 *   dev->fd and dev->priv, and may change dev->caps to what this device can
 *   do in this variant (narrow them, e.g. no MIGRATE without device memory,
 *   or set them from a probe).  Every cap it leaves must have its op (see
 *   svm_caps_without_op()); __svm_dev_open fails the open with -EPROTO
 *   otherwise.  It returns 0, or -errno after releasing what it took (close
 *   is not called after a failed open).  A device this backend cannot drive
 *   -- an unsupported kernel version, or a variant the device cannot do --
 *   is -EOPNOTSUPP after svm_dev_set_unsupported() has recorded why: the
 *   caller skips with that reason, naming the variant.
 * close(dev): releases everything open took; called once per successful
 *   open, never after a failed one.  Pages this handle put in device memory
 *   come back to system memory with their data (teardown-migrated checks
 *   it); a backend documents when closing one handle also evicts another's,
 *   as test_hmm does.
 * reopen (svm_dev_reopen, no op of its own): a second open() of the same
 *   device node in the same variant, with caps reset to backend->caps
 *   first, so a forked child gets a mirror of its own mm.  An open that
 *   succeeded once must succeed again on the same device and variant.
 * mirror(addr, len): makes the range visible to the device; NULL when all
 *   memory always is (then __svm_mirror succeeds without calling it).
 * gpu_read(dst, src, len): the device reads @src and the CPU buffer @dst
 *   then holds its bytes.  gpu_write(dst, src, len): the device writes the
 *   bytes of the CPU buffer @src to @dst.  gpu_copy(dst, src, len): the
 *   device copies @src to @dst; overlapping ranges copy like memmove.  Each
 *   faults the pages in as the CPU would (the zero page for untouched
 *   anonymous memory when reading, a private copy on write), reaches a page
 *   wherever it is (system, this device's or a peer's memory), and
 *   refuses an access the CPU's mapping would not allow with exactly:
 *     SVM_ERR_NO_ACCESS (-EFAULT): no VMA at some address, or a PROT_NONE one;
 *     SVM_ERR_READ_ONLY (-EPERM):  a write into a VMA without PROT_WRITE.
 *   A backend whose device reports refusals another way (xe: a failed fault
 *   resets the queue, -EIO) finds the cause and returns these; a failure no
 *   mapping explains stays a different -errno, a real failure.
 * gpu_atomic_inc(addr): the device atomically adds 1 to the u32 at @addr,
 *   atomic with respect to CPU atomics on it; refusals as above.
 * migrate(addr, len, to, moved): asks for the range's pages at @to (this
 *   device's memory or system memory) and sets *moved to how many pages are
 *   there afterwards.  Pages that cannot move (shared or file pages for
 *   device-private memory) stay and are not counted: that is still
 *   success.  A hugetlb VMA is -EINVAL.
 * prefer(addr, len, loc): sets a preferred-location attribute on the range;
 *   moves nothing by itself.
 * query(addr, npages, out): the state of each page as the device sees it,
 *   without faulting anything in: where (SVM_CAP_RESIDENCY) and with which
 *   protection (SVM_CAP_PROTECTION).  Fields the device cannot tell are
 *   SVM_RES_UNKNOWN and 0.
 * make_exclusive(addr, len): takes the pages for exclusive (atomic) device
 *   access; a CPU touch of a page revokes it.  check_exclusive(addr, len):
 *   0 when no page of the range is still exclusive, -EPERM when one is.
 * release(): evicts everything the device holds back to system memory.
 *
 * Ranges: page-granular ops get a page-aligned address and round the length
 * up to whole pages; without SVM_CAP_SUBPAGE, data accesses get page-aligned
 * device-side addresses and whole-page lengths.  svm_dev.c checks this (the
 * list is at __svm_mirror below) before any op runs, so ops see only sane
 * requests.
 *
 * page_size: the granule of device access and migration, set by open; the
 * CPU's page size for the backends today.  Scenarios size and align buffers
 * in it (ctx->page_size).
 *
 * faults: a running count of device page faults the backend can observe
 * (test_hmm reports them per command; 0 forever where the device does not
 * tell).  Only differences are meaningful; nothing resets it but open.
 *
 * Capabilities (enum svm_cap) say which ops the device does, in dev->caps:
 * a scenario needs a set of them and skips naming the missing ones
 * (svm_require); an op whose cap is missing is -EOPNOTSUPP even if the
 * backend has the function.  backend->caps is what every open starts
 * from; open narrows it for the device at hand, or sets it from a probe.
 *
 * Variants: a backend may declare named modes of one device, each run as a
 * whole catalog of its own (xnack-off/xnack-on for amdkfd, fault/ioctl for
 * a fault-driven or ioctl-driven driver, private/coherent device memory).
 * A variant is chosen at open (dev->variant), never changed on an open
 * handle.  Names are [a-z0-9-] and stable: they become the suffix of the
 * catalog's subtest names (svm_catalog.h says why a suffix).  A backend
 * without variants has variants NULL and num_variants 0, and nothing of its
 * names or messages mentions variants.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "igt_device.h"

/* How a device access that the CPU's mapping forbids is refused (see above). */
#define SVM_ERR_NO_ACCESS (-EFAULT)	/* no VMA, or a PROT_NONE one */
#define SVM_ERR_READ_ONLY (-EPERM)	/* a write into a VMA without PROT_WRITE */

/*
 * What a device does (dev->caps).  Each cap but SUBPAGE needs its op:
 * GPU_READ gpu_read, GPU_WRITE gpu_write, GPU_COPY gpu_copy, GPU_ATOMIC
 * gpu_atomic_inc, MIGRATE migrate, PREFER prefer, RESIDENCY and PROTECTION
 * query, EXCLUSIVE make_exclusive and check_exclusive, RELEASE release.
 */
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

/* A named mode of a backend's device (see "Variants" above). */
struct svm_variant {
	const char *name;		/* [a-z0-9-]: "xnack-on", "fault", "coherent" */
	const char *desc;		/* one line, for messages and docs */
};

struct svm_backend {
	const char *name;		/* "hmm", "xe", ... */
	enum igt_dev_kind kind;
	const char *driver;		/* NULL: any driver of that kind */
	uint32_t caps;			/* enum svm_cap bits: what every open starts from */
	const struct svm_dev_ops *ops;
	const struct svm_variant *variants;	/* NULL: none */
	unsigned int num_variants;
};

struct svm_dev {
	const struct svm_backend *backend;
	const struct svm_variant *variant;	/* NULL for a backend without variants */
	struct igt_device_info info;
	int index;			/* which device of the backend's kind */
	int fd;
	uint32_t caps;			/* enum svm_cap bits this device has, set by open */
	size_t page_size;		/* granule of device access and migration */
	uint64_t faults;		/* device faults counted by the backend, where it can */
	void *priv;
};

/*
 * Opens the @index-th device of @backend that the device filter lets
 * through, in @variant (one of backend->variants; NULL: the first, the
 * backend's default; always NULL for a backend without variants).
 * -ENODEV when there is none (callers skip), -EINVAL for a variant of
 * another backend, other -errno when it exists but cannot be used.
 */
int __svm_dev_open_variant(const struct svm_backend *backend, const struct svm_variant *variant,
			   int index, struct svm_dev **out);
int __svm_dev_open(const struct svm_backend *backend, int index, struct svm_dev **out);
/*
 * Skips when the device is absent, or when the backend's open returns
 * -EOPNOTSUPP (it cannot drive this kernel's version of the device, or
 * not in this variant: the skip names the variant and the reason); fails
 * on any other error.
 */
struct svm_dev *svm_dev_open_variant(const struct svm_backend *backend,
				     const struct svm_variant *variant, int index);
struct svm_dev *svm_dev_open(const struct svm_backend *backend, int index);
/*
 * For a backend's open: records why it returns -EOPNOTSUPP, so that
 * svm_dev_open's skip message can say it.  Cleared by every __svm_dev_open.
 */
void svm_dev_set_unsupported(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The reason recorded by the last failed open, "" if none. */
const char *svm_dev_unsupported_reason(void);
/*
 * A fresh handle on the same device in the same variant, e.g. for a forked
 * child's own mm; its caps are what open decides again.
 */
struct svm_dev *svm_dev_reopen(const struct svm_dev *dev);
void svm_dev_close(struct svm_dev *dev);

/* The variant of @backend called @name, NULL if it has none of that name. */
const struct svm_variant *svm_variant_find(const struct svm_backend *backend, const char *name);

/* The capabilities of @caps that @ops has no op for (SVM_CAP_SUBPAGE needs none). */
uint32_t svm_caps_without_op(const struct svm_dev_ops *ops, uint32_t caps);

static inline bool svm_dev_has(const struct svm_dev *dev, uint32_t caps)
{
	return (dev->caps & caps) == caps;
}

/* Skips the running subtest, naming the missing capabilities (and the variant). */
void svm_require(const struct svm_dev *dev, uint32_t caps);
const char *svm_cap_names(uint32_t caps, char *buf, size_t len);
const char *svm_residency_name(enum svm_residency r);

/*
 * Checks done here, the same for every backend, before the op runs:
 * - the op is NULL or the device lacks its capability (dev->caps):
 *   -EOPNOTSUPP (checked
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
