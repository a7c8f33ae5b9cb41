/* SPDX-License-Identifier: MIT */
/*
 * svm_dev ops on test_hmm.  A "device access" is the kernel mirroring the
 * pages through hmm_range_fault() and copying them to or from a user buffer,
 * so it is always synchronous and works on whole pages: byte-granular
 * accesses are built here from whole-page commands.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hmm_backend.h"
#include "svm/svm_caps.h"

struct span {
	char *start;		/* first page */
	size_t len;		/* whole pages */
	uint64_t npages;
};

/* The whole pages that [addr, addr+len) touches. */
static struct span span_of(const struct svm_dev *dev, const void *addr, size_t len)
{
	uintptr_t mask = dev->page_size - 1;
	uintptr_t start = (uintptr_t)addr & ~mask;
	uintptr_t end = ((uintptr_t)addr + len + mask) & ~mask;

	return (struct span) {
		.start = (char *)start,
		.len = end - start,
		.npages = (end - start) / dev->page_size,
	};
}

static bool whole_pages(const struct span *s, const void *addr, size_t len)
{
	return s->start == addr && s->len == len;
}

static int hmm_open(struct svm_dev *dev, const struct igt_device_info *info)
{
	int version = svm_kernel_version();

	if (version < 0)
		return version;
	/* 6.0 renumbered the commands; an old table would run the wrong ones. */
	if (version < 6000) {
		svm_dev_set_unsupported("test_hmm of Linux < 6.0 numbers its ioctls "
					"differently; not supported (running %d.%d)",
					version / 1000, version % 1000);
		return -EOPNOTSUPP;
	}
	dev->fd = open(info->devnode, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0)
		return -errno;
	dev->page_size = sysconf(_SC_PAGESIZE);
	return 0;
}

static void hmm_close(struct svm_dev *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

/* READ/MIGRATE_TO_DEV/EXCLUSIVE copy the pages out; they need room for all of them. */
static int cmd_with_bounce(struct svm_dev *dev, unsigned long nr, void *addr, uint64_t npages)
{
	void *bounce = malloc(npages * dev->page_size);
	int ret;

	if (!bounce)
		return -ENOMEM;
	ret = __hmm_cmd(dev, nr, addr, bounce, npages, NULL);
	free(bounce);
	return ret;
}

static int hmm_gpu_read(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	struct span s = span_of(dev, src, len);
	char *bounce;
	int ret;

	if (whole_pages(&s, src, len))
		return __hmm_cmd(dev, HMM_DMIRROR_READ, s.start, dst, s.npages, NULL);
	bounce = malloc(s.len);
	if (!bounce)
		return -ENOMEM;
	ret = __hmm_cmd(dev, HMM_DMIRROR_READ, s.start, bounce, s.npages, NULL);
	if (!ret)
		memcpy(dst, bounce + ((const char *)src - s.start), len);
	free(bounce);
	return ret;
}

/*
 * WRITE stores whole pages, so a partial-page write is read-modify-write:
 * READ the pages, patch the bytes, WRITE them back.  Not atomic: a CPU
 * store to the untouched bytes of those pages between the READ and the
 * WRITE is lost.  Scenarios must not write the same page from the CPU and
 * the device concurrently and count on this backend to keep both.
 */
static int hmm_gpu_write(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	struct span s = span_of(dev, dst, len);
	char *bounce;
	int ret;

	if (whole_pages(&s, dst, len))
		return __hmm_cmd(dev, HMM_DMIRROR_WRITE, s.start, (void *)src, s.npages, NULL);
	bounce = malloc(s.len);
	if (!bounce)
		return -ENOMEM;
	ret = __hmm_cmd(dev, HMM_DMIRROR_READ, s.start, bounce, s.npages, NULL);
	if (!ret) {
		memcpy(bounce + ((char *)dst - s.start), src, len);
		ret = __hmm_cmd(dev, HMM_DMIRROR_WRITE, s.start, bounce, s.npages, NULL);
	}
	free(bounce);
	return ret;
}

/* Everything is read before anything is written: overlapping ranges copy like memmove. */
static int hmm_gpu_copy(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	void *tmp = malloc(len);
	int ret;

	if (!tmp)
		return -ENOMEM;
	ret = hmm_gpu_read(dev, tmp, src, len);
	if (!ret)
		ret = hmm_gpu_write(dev, dst, tmp, len);
	free(tmp);
	return ret;
}

/* Pages of the range whose SNAPSHOT says they are at @where. */
static int count_at(struct svm_dev *dev, const struct span *s, enum svm_residency where,
		    uint64_t *count)
{
	uint8_t *raw = malloc(s->npages);
	struct svm_page_state state;
	int ret;

	if (!raw)
		return -ENOMEM;
	ret = __hmm_snapshot(dev, s->start, s->npages, raw);
	*count = 0;
	for (uint64_t i = 0; !ret && i < s->npages; i++) {
		hmm_decode_prot(raw[i], &state);
		*count += state.where == where;
	}
	free(raw);
	return ret;
}

/*
 * MIGRATE_TO_DEV ends by reading the range back from the mirror: it fails
 * with -ENOENT when some page is neither on the device nor mirrored from an
 * earlier access (e.g. untouched shared memory, which migrate_vma leaves
 * alone), yet returns 0 for shared memory the device read before, although
 * nothing moved; its cpages counts mirrored pages, migrated or not.  The
 * generic contract is "succeed, report what ended up there": so -ENOENT is
 * not an error here and *moved is counted from a SNAPSHOT.  The raw
 * behaviour stays reachable through __hmm_cmd().
 */
static int hmm_migrate(struct svm_dev *dev, void *addr, size_t len,
		       enum svm_location to, uint64_t *moved)
{
	struct span s = span_of(dev, addr, len);
	int ret;

	if (to == SVM_LOC_DEVICE) {
		ret = cmd_with_bounce(dev, HMM_DMIRROR_MIGRATE_TO_DEV, s.start, s.npages);
		if (ret && ret != -ENOENT)
			return ret;
		return count_at(dev, &s, SVM_RES_LOCAL, moved);
	}
	ret = __hmm_cmd(dev, HMM_DMIRROR_MIGRATE_TO_SYS, s.start, NULL, s.npages, NULL);
	if (ret)
		return ret;
	return count_at(dev, &s, SVM_RES_SYSTEM, moved);
}

static int hmm_query(struct svm_dev *dev, const void *addr, size_t npages,
		     struct svm_page_state *out)
{
	uint8_t *raw = malloc(npages);
	int ret;

	if (!raw)
		return -ENOMEM;
	ret = __hmm_snapshot(dev, addr, npages, raw);
	for (size_t i = 0; !ret && i < npages; i++)
		hmm_decode_prot(raw[i], &out[i]);
	free(raw);
	return ret;
}

static int hmm_make_exclusive(struct svm_dev *dev, void *addr, size_t len)
{
	struct span s = span_of(dev, addr, len);

	return cmd_with_bounce(dev, HMM_DMIRROR_EXCLUSIVE, s.start, s.npages);
}

static int hmm_check_exclusive(struct svm_dev *dev, void *addr, size_t len)
{
	struct span s = span_of(dev, addr, len);

	return __hmm_cmd(dev, HMM_DMIRROR_CHECK_EXCLUSIVE, s.start, NULL, s.npages, NULL);
}

/*
 * RELEASE takes no range, but test_hmm checks the range of every command
 * first and refuses an empty one: one page at address 0 passes.  It evicts
 * everything this device holds, for every process using it.
 */
static int hmm_release(struct svm_dev *dev)
{
	return __hmm_cmd(dev, HMM_DMIRROR_RELEASE, NULL, NULL, 1, NULL);
}

static const struct svm_dev_ops hmm_ops = {
	.open = hmm_open,
	.close = hmm_close,
	.gpu_read = hmm_gpu_read,
	.gpu_write = hmm_gpu_write,
	.gpu_copy = hmm_gpu_copy,
	.migrate = hmm_migrate,
	.query = hmm_query,
	.make_exclusive = hmm_make_exclusive,
	.check_exclusive = hmm_check_exclusive,
	.release = hmm_release,
};

/* No GPU_ATOMIC (dmirror has no atomic operation), no PREFER (no attributes). */
const struct svm_backend svm_hmm_backend = {
	.name = "hmm",
	.kind = IGT_DEV_HMM_DMIRROR,
	.driver = NULL,
	.caps = SVM_CAP_GPU_READ | SVM_CAP_GPU_WRITE | SVM_CAP_GPU_COPY |
		SVM_CAP_MIGRATE | SVM_CAP_RESIDENCY | SVM_CAP_PROTECTION |
		SVM_CAP_EXCLUSIVE | SVM_CAP_RELEASE | SVM_CAP_SUBPAGE,
	.ops = &hmm_ops,
};
