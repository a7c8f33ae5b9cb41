/* SPDX-License-Identifier: MIT */
/*
 * FLAGS and READ_UNLOCKED (hmm_dmirror_ext.h): the wrappers and the probes
 * that tell whether this kernel's test_hmm has them.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>

#include "hmm_dmirror_ext.h"
#include "igt_core.h"

int __hmm_dmirror_set_flags(struct svm_dev *dev, uint64_t flags)
{
	/* Address 0 passes test_hmm's alignment and range checks for any npages >= 1. */
	return __hmm_cmd(dev, HMM_DMIRROR_FLAGS, NULL, NULL, flags, NULL);
}

void hmm_dmirror_set_flags(struct svm_dev *dev, uint64_t flags)
{
	int ret = __hmm_dmirror_set_flags(dev, flags);

	igt_assert_f(ret == 0, "FLAGS %#" PRIx64 " on %s: %s\n", flags, dev->info.devnode,
		     strerror(-ret));
}

int __hmm_dmirror_read_unlocked(struct svm_dev *dev, const void *addr, void *dst,
				uint64_t npages, struct hmm_dmirror_cmd *out)
{
	return __hmm_cmd(dev, HMM_DMIRROR_READ_UNLOCKED, (void *)addr, dst, npages, out);
}

void hmm_dmirror_read_unlocked(struct svm_dev *dev, const void *addr, void *dst,
			       uint64_t npages)
{
	struct hmm_dmirror_cmd cmd;
	int ret = __hmm_dmirror_read_unlocked(dev, addr, dst, npages, &cmd);

	igt_assert_f(ret == 0, "READ_UNLOCKED of %p (%" PRIu64 " pages) on %s: %s\n", addr,
		     npages, dev->info.devnode, strerror(-ret));
	igt_assert_f(cmd.cpages == npages, "READ_UNLOCKED of %p on %s copied %" PRIu64
		     " of %" PRIu64 " pages\n", addr, dev->info.devnode,
		     (uint64_t)cmd.cpages, npages);
}

/* An unknown command: 6.12's test_hmm says -EINVAL, a generic driver -ENOTTY. */
static bool known_command(int ret, unsigned long nr, const struct svm_dev *dev)
{
	if (ret == -EINVAL || ret == -ENOTTY)
		return false;
	igt_assert_f(ret == 0, "probing %s on %s: %s\n", hmm_cmd_name(nr), dev->info.devnode,
		     strerror(-ret));
	return true;
}

bool hmm_dmirror_has_flags(const struct svm_dev *dev)
{
	struct svm_dev *probe = svm_dev_reopen(dev);
	int ret = __hmm_dmirror_set_flags(probe, HMM_DMIRROR_FLAG_FAIL_ALLOC);

	/* Its flags, and the allocation failure they arm, go with it. */
	svm_dev_close(probe);
	return known_command(ret, HMM_DMIRROR_FLAGS, dev);
}

bool hmm_dmirror_has_read_unlocked(struct svm_dev *dev)
{
	size_t ps = dev->page_size;
	char *page = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	char *copy = page + ps;
	int ret;

	igt_assert_f(page != MAP_FAILED, "mmap for the READ_UNLOCKED probe: %s\n",
		     strerror(errno));
	memset(page, 0x5a, ps);
	ret = __hmm_dmirror_read_unlocked(dev, page, copy, 1, NULL);
	munmap(page, 2 * ps);
	return known_command(ret, HMM_DMIRROR_READ_UNLOCKED, dev);
}

static const char *kernel_release(struct utsname *u)
{
	return uname(u) ? "unknown" : u->release;
}

void hmm_dmirror_require_flags(const struct svm_dev *dev)
{
	struct utsname u;

	igt_require_f(hmm_dmirror_has_flags(dev),
		      "test_hmm has no HMM_DMIRROR_FLAGS (0x08), which came with device-private "
		      "THP migration: Linux 7.x's test_hmm needed (running %s)\n",
		      kernel_release(&u));
}

void hmm_dmirror_require_read_unlocked(struct svm_dev *dev)
{
	struct utsname u;

	igt_require_f(hmm_dmirror_has_read_unlocked(dev),
		      "test_hmm has no HMM_DMIRROR_READ_UNLOCKED (0x09): Linux 7.x's test_hmm "
		      "needed (running %s)\n", kernel_release(&u));
}
