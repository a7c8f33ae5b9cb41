/* SPDX-License-Identifier: MIT */
/*
 * A backend whose "device" is the CPU: reads, writes and copies are
 * memcpy()s in this process.  It exists to prove the backend contract of
 * svm_dev.h from outside (svm_variants_test.c runs it): capabilities on the
 * device, variants and their subtest names, a refused variant's skip.
 *
 * Built twice: svm_fake_variants declares two variants, "memcpy" (works)
 * and "refused" (its open refuses); svm_fake_plain (FAKE_NO_VARIANTS)
 * declares none, as hmm and xe do.
 *
 * It runs only on a fake device tree (IGT_SVM_DEV_ROOT): the device is the
 * plain file $IGT_SVM_DEV_ROOT/hmm_dmirror0, and words in it are the
 * device's properties, read at open:
 *   no-copy       the device cannot copy: open drops SVM_CAP_GPU_COPY
 *   broken-write  device writes do nothing (the harness's negative control)
 * The fake does not refuse inaccessible memory as the contract says (the
 * CPU would fault instead), so only data subtests may be run on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "igt_core.h"
#include "hmm/hmm_backend.h"
#include "svm/svm_catalog.h"
#include "svm/svm_dev.h"
#include "xe/xe_backend.h"
#include "util.h"

IGT_TEST_DESCRIPTION("The scenario catalog on an in-process fake backend (self-test).");

#define FAKE_CAPS (SVM_CAP_GPU_READ | SVM_CAP_GPU_WRITE | SVM_CAP_GPU_COPY | SVM_CAP_SUBPAGE)

struct fake_priv {
	bool broken_write;
};

/* The device's property words, "" when it has none; false when unreadable. */
static bool read_properties(char *buf, size_t len)
{
	const char *root = getenv("IGT_SVM_DEV_ROOT");
	char path[512];
	ssize_t n;
	int fd;

	if (!root || !*root)
		return false;
	snprintf(path, sizeof(path), "%s/hmm_dmirror0", root);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return true;
}

static bool has_property(const char *props, const char *word)
{
	return strstr(props, word) != NULL;
}

static int fake_open(struct svm_dev *dev, const struct igt_device_info *info)
{
	struct fake_priv *p;
	char props[256];

	(void)info;
	/* Never on a real /dev/hmm_dmirror0: this backend does not drive test_hmm. */
	if (!read_properties(props, sizeof(props))) {
		svm_dev_set_unsupported("the fake backend runs on a fake device tree only "
					"(IGT_SVM_DEV_ROOT with a hmm_dmirror0 file)");
		return -EOPNOTSUPP;
	}
	/* The contract: open starts from the backend's caps, in the variant asked for. */
	if (dev->caps != dev->backend->caps) {
		svm_dev_set_unsupported("caps %#x on entry to open, not the backend's %#x",
					dev->caps, dev->backend->caps);
		return -EPROTO;
	}
	if (dev->variant && !strcmp(dev->variant->name, "refused")) {
		svm_dev_set_unsupported("the fake device has no such mode (variant %s asked for)",
					dev->variant->name);
		return -EOPNOTSUPP;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->broken_write = has_property(props, "broken-write");
	if (has_property(props, "no-copy"))
		dev->caps &= ~SVM_CAP_GPU_COPY;
	dev->page_size = sysconf(_SC_PAGESIZE);
	dev->priv = p;
	return 0;
}

static void fake_close(struct svm_dev *dev)
{
	free(dev->priv);
	dev->priv = NULL;
}

static int fake_gpu_read(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	(void)dev;
	memcpy(dst, src, len);
	return 0;
}

static int fake_gpu_write(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	struct fake_priv *p = dev->priv;

	if (!p->broken_write)
		memcpy(dst, src, len);
	return 0;
}

static int fake_gpu_copy(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	(void)dev;
	memmove(dst, src, len);
	return 0;
}

static const struct svm_dev_ops fake_ops = {
	.open = fake_open,
	.close = fake_close,
	.gpu_read = fake_gpu_read,
	.gpu_write = fake_gpu_write,
	.gpu_copy = fake_gpu_copy,
};

#ifndef FAKE_NO_VARIANTS
static const struct svm_variant fake_variants[] = {
	{ "memcpy", "device accesses are CPU memcpy()s" },
	{ "refused", "a mode the fake device lacks: its open refuses it" },
};
#endif

static const struct svm_backend fake_backend = {
	.name = "fake",
	.kind = IGT_DEV_HMM_DMIRROR,
	.driver = NULL,
	.caps = FAKE_CAPS,
	.ops = &fake_ops,
#ifndef FAKE_NO_VARIANTS
	.variants = fake_variants,
	.num_variants = ARRAY_SIZE(fake_variants),
#endif
};

/* Claims an atomic it has no op for: opening it must fail, not skip later. */
static const struct svm_backend liar_backend = {
	.name = "liar",
	.kind = IGT_DEV_HMM_DMIRROR,
	.caps = SVM_CAP_GPU_READ | SVM_CAP_GPU_ATOMIC,
	.ops = &fake_ops,
};

/* Where __svm_dev_open must write NULL over whatever *out held. */
static struct svm_dev poison;

static int fake_range_op(struct svm_dev *dev, void *addr, size_t len)
{
	(void)dev, (void)addr, (void)len;
	return 0;
}

static void check_static_tables(void)
{
	const struct svm_dev_ops reads_only = { .gpu_read = fake_gpu_read };
	const struct svm_dev_ops half_exclusive = { .make_exclusive = fake_range_op };

	igt_assert_eq_u32(svm_caps_without_op(svm_hmm_backend.ops, svm_hmm_backend.caps), 0);
	igt_assert_eq_u32(svm_caps_without_op(svm_xe_backend.ops, svm_xe_backend.caps), 0);
	igt_assert_eq_u32(svm_caps_without_op(&fake_ops, FAKE_CAPS), 0);
	igt_assert_eq_u32(svm_caps_without_op(&reads_only, SVM_CAP_GPU_READ | SVM_CAP_SUBPAGE |
					      SVM_CAP_GPU_WRITE | SVM_CAP_RESIDENCY),
			  SVM_CAP_GPU_WRITE | SVM_CAP_RESIDENCY);
	igt_assert_eq_u32(svm_caps_without_op(&half_exclusive, SVM_CAP_EXCLUSIVE),
			  SVM_CAP_EXCLUSIVE);
}

static void check_variants(void)
{
#ifdef FAKE_NO_VARIANTS
	igt_assert(!svm_variant_find(&fake_backend, "memcpy"));
#else
	/* Same name, not the backend's own entry: a caller's mistake. */
	static const struct svm_variant stranger = { "memcpy", "not fake's" };
	struct svm_dev *dev = &poison;

	igt_assert(svm_variant_find(&fake_backend, "memcpy") == &fake_variants[0]);
	igt_assert(svm_variant_find(&fake_backend, "refused") == &fake_variants[1]);
	igt_assert(!svm_variant_find(&fake_backend, "memcp"));
	igt_assert_eq(__svm_dev_open_variant(&fake_backend, &stranger, 0, &dev), -EINVAL);
	igt_assert(!dev);
	dev = &poison;
	igt_assert_eq(__svm_dev_open_variant(&fake_backend, &fake_variants[1], 0, &dev),
		      -EOPNOTSUPP);
	igt_assert(!dev);
	igt_assert_f(strstr(svm_dev_unsupported_reason(), "no such mode (variant refused"),
		     "refusal reason: \"%s\"\n", svm_dev_unsupported_reason());
#endif
}

/* What the caps of an open device must be, and the op checks must follow. */
static void check_device_caps(struct svm_dev *dev, bool no_copy)
{
	char *a = calloc(1, dev->page_size), *b = calloc(1, dev->page_size);
	struct svm_page_state state;

	igt_assert(a && b);
	igt_assert_eq_u32(dev->caps, no_copy ? FAKE_CAPS & ~SVM_CAP_GPU_COPY : FAKE_CAPS);
	igt_assert_eq(svm_dev_has(dev, SVM_CAP_GPU_COPY), !no_copy);
	/* The op exists either way: only dev->caps can make this -EOPNOTSUPP. */
	igt_assert_eq(__svm_gpu_copy(dev, a, b, 8), no_copy ? -EOPNOTSUPP : 0);
	igt_assert_eq(__svm_gpu_read(dev, a, b, 8), 0);
	igt_assert_eq(__svm_query(dev, a, 1, &state), -EOPNOTSUPP);
	igt_assert_eq(svm_residency(dev, a), SVM_RES_UNKNOWN);
	free(a);
	free(b);
}

static void test_contract(void)
{
	char props[256];
	struct svm_dev *dev, *again;
	bool no_copy;

	igt_require_f(read_properties(props, sizeof(props)), "no fake device tree\n");
	no_copy = has_property(props, "no-copy");
	check_static_tables();
	check_variants();

	dev = svm_dev_open(&fake_backend, 0);
#ifdef FAKE_NO_VARIANTS
	igt_assert(!dev->variant);
#else
	igt_assert(dev->variant == &fake_variants[0]);	/* NULL asks for the default */
#endif
	check_device_caps(dev, no_copy);
	again = svm_dev_reopen(dev);
	igt_assert(again->variant == dev->variant);
	check_device_caps(again, no_copy);
	svm_dev_close(again);
	svm_dev_close(dev);

	dev = &poison;
	igt_assert_eq(__svm_dev_open(&liar_backend, 0, &dev), -EPROTO);
	igt_assert(!dev);
	igt_assert_f(strstr(svm_dev_unsupported_reason(), "claims gpu-atomic without the op"),
		     "liar's reason: \"%s\"\n", svm_dev_unsupported_reason());
}

igt_main
{
	igt_subtest("contract")
		test_contract();

	svm_catalog_subtests(&fake_backend);
}
