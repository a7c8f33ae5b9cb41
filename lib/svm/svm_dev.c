/* SPDX-License-Identifier: MIT */
/*
 * svm_dev: opening a backend's device, and the __svm_*()/svm_*() wrappers
 * around its ops.  The wrappers do every check that does not depend on the
 * backend (capability, NULL, zero length, alignment), so each backend sees
 * only sane requests and every backend answers a bad one the same way.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igt_core.h"
#include "svm_dev.h"
#include "util.h"

/* ---- names --------------------------------------------------------------- */

static const struct {
	uint32_t cap;
	const char *name;
} cap_names[] = {
	{ SVM_CAP_GPU_READ, "gpu-read" },
	{ SVM_CAP_GPU_WRITE, "gpu-write" },
	{ SVM_CAP_GPU_COPY, "gpu-copy" },
	{ SVM_CAP_GPU_ATOMIC, "gpu-atomic" },
	{ SVM_CAP_MIGRATE, "migrate" },
	{ SVM_CAP_PREFER, "prefer" },
	{ SVM_CAP_RESIDENCY, "residency" },
	{ SVM_CAP_PROTECTION, "protection" },
	{ SVM_CAP_EXCLUSIVE, "exclusive" },
	{ SVM_CAP_RELEASE, "release" },
	{ SVM_CAP_SUBPAGE, "subpage" },
};

static const char *const residency_names[] = {
	[SVM_RES_NONE] = "none",
	[SVM_RES_SYSTEM] = "system",
	[SVM_RES_LOCAL] = "local",
	[SVM_RES_REMOTE] = "remote",
	[SVM_RES_UNKNOWN] = "unknown",
};

/* "gpu-read,migrate"; "none" for 0; unknown bits as hex. */
const char *svm_cap_names(uint32_t caps, char *buf, size_t len)
{
	size_t n = 0;

	if (!buf || !len)
		return "";
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++) {
		if (!(caps & cap_names[i].cap))
			continue;
		caps &= ~cap_names[i].cap;
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%s",
			      n ? "," : "", cap_names[i].name);
	}
	if (caps)
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%#x", n ? "," : "", caps);
	if (!n)
		snprintf(buf, len, "none");
	return buf;
}

const char *svm_residency_name(enum svm_residency r)
{
	if ((unsigned int)r < ARRAY_SIZE(residency_names) && residency_names[r])
		return residency_names[r];
	return "invalid";
}

uint32_t svm_caps_without_op(const struct svm_dev_ops *ops, uint32_t caps)
{
	const struct {
		uint32_t cap;
		bool has;
	} need[] = {
		{ SVM_CAP_GPU_READ, ops->gpu_read },
		{ SVM_CAP_GPU_WRITE, ops->gpu_write },
		{ SVM_CAP_GPU_COPY, ops->gpu_copy },
		{ SVM_CAP_GPU_ATOMIC, ops->gpu_atomic_inc },
		{ SVM_CAP_MIGRATE, ops->migrate },
		{ SVM_CAP_PREFER, ops->prefer },
		{ SVM_CAP_RESIDENCY, ops->query },
		{ SVM_CAP_PROTECTION, ops->query },
		{ SVM_CAP_EXCLUSIVE, ops->make_exclusive && ops->check_exclusive },
		{ SVM_CAP_RELEASE, ops->release },
	};
	uint32_t missing = 0;

	for (size_t i = 0; i < ARRAY_SIZE(need); i++)
		if (caps & need[i].cap && !need[i].has)
			missing |= need[i].cap;
	return missing;
}

const struct svm_variant *svm_variant_find(const struct svm_backend *backend, const char *name)
{
	for (unsigned int i = 0; name && i < backend->num_variants; i++)
		if (!strcmp(backend->variants[i].name, name))
			return &backend->variants[i];
	return NULL;
}

/* ---- open/close ---------------------------------------------------------- */

static char unsupported_reason[256];

void svm_dev_set_unsupported(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(unsupported_reason, sizeof(unsupported_reason), fmt, ap);
	va_end(ap);
}

const char *svm_dev_unsupported_reason(void)
{
	return unsupported_reason;
}

/*
 * Opens a handle on an already found device; the backend fills fd,
 * page_size, priv and may change caps.
 */
static int open_info(const struct svm_backend *backend, const struct svm_variant *variant,
		     int index, const struct igt_device_info *info, struct svm_dev **out)
{
	struct svm_dev *dev = calloc(1, sizeof(*dev));
	char names[128];
	uint32_t lacking;
	int ret;

	if (!dev)
		return -ENOMEM;
	dev->backend = backend;
	dev->variant = variant;
	dev->info = *info;
	dev->index = index;
	dev->fd = -1;
	dev->caps = backend->caps;
	ret = backend->ops->open(dev, info);
	if (ret) {
		free(dev);
		return ret;
	}
	/* A claimed cap without its op would pass svm_require and then fail every call. */
	lacking = svm_caps_without_op(backend->ops, dev->caps);
	if (lacking) {
		svm_dev_set_unsupported("%s backend bug: its open claims %s without the op",
					backend->name,
					svm_cap_names(lacking, names, sizeof(names)));
		svm_dev_close(dev);
		return -EPROTO;
	}
	*out = dev;
	return 0;
}

static bool variant_of(const struct svm_backend *backend, const struct svm_variant *variant)
{
	for (unsigned int i = 0; i < backend->num_variants; i++)
		if (variant == &backend->variants[i])
			return true;
	return false;
}

/* NULL asks for the backend's default: its first variant, if it has any. */
static const struct svm_variant *chosen(const struct svm_backend *backend,
					const struct svm_variant *variant)
{
	return !variant && backend->num_variants ? &backend->variants[0] : variant;
}

int __svm_dev_open_variant(const struct svm_backend *backend, const struct svm_variant *variant,
			   int index, struct svm_dev **out)
{
	struct igt_device_info info;

	unsupported_reason[0] = '\0';
	*out = NULL;
	if (!backend || !backend->ops || !backend->ops->open || index < 0)
		return -EINVAL;
	variant = chosen(backend, variant);
	if (variant && !variant_of(backend, variant))
		return -EINVAL;
	if (igt_device_find(backend->kind, backend->driver, index, &info))
		return -ENODEV;
	return open_info(backend, variant, index, &info, out);
}

int __svm_dev_open(const struct svm_backend *backend, int index, struct svm_dev **out)
{
	return __svm_dev_open_variant(backend, NULL, index, out);
}

/* " in variant xnack-on"; "" for a backend without variants. */
static const char *in_variant(const struct svm_variant *variant, char *buf, size_t len)
{
	if (!variant)
		return "";
	snprintf(buf, len, " in variant %s", variant->name);
	return buf;
}

struct svm_dev *svm_dev_open_variant(const struct svm_backend *backend,
				     const struct svm_variant *variant, int index)
{
	struct svm_dev *dev;
	char wanted[256], where[96];
	int ret = __svm_dev_open_variant(backend, variant, index, &dev);
	const char *at = in_variant(chosen(backend, variant), where, sizeof(where));

	igt_device_describe_wanted(backend->kind, backend->driver, wanted, sizeof(wanted));
	igt_require_f(ret != -ENODEV, "%s backend: looked for %s (index %d) and found none\n",
		      backend->name, wanted, index);
	igt_require_f(ret != -EOPNOTSUPP, "%s backend cannot drive device #%d%s: %s\n",
		      backend->name, index, at,
		      unsupported_reason[0] ? unsupported_reason : "not supported here");
	igt_assert_f(ret == 0, "%s backend: opening device #%d%s failed: %s (%d)%s%s\n",
		     backend->name, index, at, strerror(-ret), ret,
		     unsupported_reason[0] ? ": " : "", unsupported_reason);
	return dev;
}

struct svm_dev *svm_dev_open(const struct svm_backend *backend, int index)
{
	return svm_dev_open_variant(backend, NULL, index);
}

struct svm_dev *svm_dev_reopen(const struct svm_dev *dev)
{
	struct svm_dev *copy;
	char where[96];
	int ret;

	/* Same node, not a new search: the filter or scan order may differ now. */
	unsupported_reason[0] = '\0';
	ret = open_info(dev->backend, dev->variant, dev->index, &dev->info, &copy);
	igt_assert_f(ret == 0, "%s backend: reopening %s%s failed: %s (%d)%s%s\n",
		     dev->backend->name, dev->info.devnode,
		     in_variant(dev->variant, where, sizeof(where)), strerror(-ret), ret,
		     unsupported_reason[0] ? ": " : "", unsupported_reason);
	return copy;
}

void svm_dev_close(struct svm_dev *dev)
{
	if (!dev)
		return;
	if (dev->backend->ops->close)
		dev->backend->ops->close(dev);
	free(dev);
}

void svm_require(const struct svm_dev *dev, uint32_t caps)
{
	uint32_t missing = caps & ~dev->caps;
	char names[256], where[96];

	igt_require_f(!missing, "%s backend%s lacks %s\n", dev->backend->name,
		      in_variant(dev->variant, where, sizeof(where)),
		      svm_cap_names(missing, names, sizeof(names)));
}

/* ---- __svm_*: checks, then the op ---------------------------------------- */

static bool page_aligned(const struct svm_dev *dev, const void *addr)
{
	return !((uintptr_t)addr & (dev->page_size - 1));
}

/* -EOPNOTSUPP when @op is missing or the device lacks @caps. */
static int usable(const struct svm_dev *dev, const void *op, uint32_t caps)
{
	return op && svm_dev_has(dev, caps) ? 0 : -EOPNOTSUPP;
}

/* Range checks of a page-granular op. */
static int page_range(const struct svm_dev *dev, const void *addr, size_t len)
{
	if (!addr || !len || !page_aligned(dev, addr))
		return -EINVAL;
	return 0;
}

/* Range checks of a data access; @dev_addr is the side the device touches. */
static int data_range(const struct svm_dev *dev, const void *dev_addr,
		      const void *other, size_t len)
{
	if (!dev_addr || !other || !len)
		return -EINVAL;
	if (!svm_dev_has(dev, SVM_CAP_SUBPAGE) &&
	    (!page_aligned(dev, dev_addr) || len & (dev->page_size - 1)))
		return -EINVAL;
	return 0;
}

#define CHECKED(expr) do { int __r = (expr); if (__r) return __r; } while (0)

int __svm_mirror(struct svm_dev *dev, void *addr, size_t len)
{
	CHECKED(page_range(dev, addr, len));
	/* No op: everything is always visible to this device. */
	return dev->backend->ops->mirror ? dev->backend->ops->mirror(dev, addr, len) : 0;
}

int __svm_gpu_read(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	CHECKED(usable(dev, dev->backend->ops->gpu_read, SVM_CAP_GPU_READ));
	CHECKED(data_range(dev, src, dst, len));
	return dev->backend->ops->gpu_read(dev, dst, src, len);
}

int __svm_gpu_write(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	CHECKED(usable(dev, dev->backend->ops->gpu_write, SVM_CAP_GPU_WRITE));
	CHECKED(data_range(dev, dst, src, len));
	return dev->backend->ops->gpu_write(dev, dst, src, len);
}

int __svm_gpu_copy(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	CHECKED(usable(dev, dev->backend->ops->gpu_copy, SVM_CAP_GPU_COPY));
	CHECKED(data_range(dev, dst, src, len));
	CHECKED(data_range(dev, src, dst, len));
	return dev->backend->ops->gpu_copy(dev, dst, src, len);
}

int __svm_gpu_atomic_inc(struct svm_dev *dev, uint32_t *addr)
{
	CHECKED(usable(dev, dev->backend->ops->gpu_atomic_inc, SVM_CAP_GPU_ATOMIC));
	if (!addr || (uintptr_t)addr & (sizeof(*addr) - 1))
		return -EINVAL;
	return dev->backend->ops->gpu_atomic_inc(dev, addr);
}

int __svm_migrate(struct svm_dev *dev, void *addr, size_t len, enum svm_location to,
		  uint64_t *moved)
{
	uint64_t ignored;

	CHECKED(usable(dev, dev->backend->ops->migrate, SVM_CAP_MIGRATE));
	CHECKED(page_range(dev, addr, len));
	if (to != SVM_LOC_SYSTEM && to != SVM_LOC_DEVICE)
		return -EINVAL;
	return dev->backend->ops->migrate(dev, addr, len, to, moved ? moved : &ignored);
}

int __svm_prefer(struct svm_dev *dev, void *addr, size_t len, enum svm_location loc)
{
	CHECKED(usable(dev, dev->backend->ops->prefer, SVM_CAP_PREFER));
	CHECKED(page_range(dev, addr, len));
	if (loc != SVM_LOC_SYSTEM && loc != SVM_LOC_DEVICE)
		return -EINVAL;
	return dev->backend->ops->prefer(dev, addr, len, loc);
}

int __svm_query(struct svm_dev *dev, const void *addr, size_t npages,
		struct svm_page_state *out)
{
	/* Either half of the answer is worth asking for. */
	if (!dev->backend->ops->query ||
	    !(dev->caps & (SVM_CAP_RESIDENCY | SVM_CAP_PROTECTION)))
		return -EOPNOTSUPP;
	if (!out)
		return -EINVAL;
	CHECKED(page_range(dev, addr, npages));
	return dev->backend->ops->query(dev, addr, npages, out);
}

int __svm_make_exclusive(struct svm_dev *dev, void *addr, size_t len)
{
	CHECKED(usable(dev, dev->backend->ops->make_exclusive, SVM_CAP_EXCLUSIVE));
	CHECKED(page_range(dev, addr, len));
	return dev->backend->ops->make_exclusive(dev, addr, len);
}

int __svm_check_exclusive(struct svm_dev *dev, void *addr, size_t len)
{
	CHECKED(usable(dev, dev->backend->ops->check_exclusive, SVM_CAP_EXCLUSIVE));
	CHECKED(page_range(dev, addr, len));
	return dev->backend->ops->check_exclusive(dev, addr, len);
}

int __svm_release(struct svm_dev *dev)
{
	CHECKED(usable(dev, dev->backend->ops->release, SVM_CAP_RELEASE));
	return dev->backend->ops->release(dev);
}

/* ---- svm_*: the same, asserting ------------------------------------------ */

/* Fails the test naming the op, its arguments, the device and the error. */
__attribute__((format(printf, 3, 4)))
static void must(int ret, const struct svm_dev *dev, const char *fmt, ...)
{
	char call[192];
	va_list ap;

	if (!ret)
		return;
	va_start(ap, fmt);
	vsnprintf(call, sizeof(call), fmt, ap);
	va_end(ap);
	igt_assert_f(ret == 0, "%s on %s (%s backend%s%s) failed: %s (%d)\n",
		     call, dev->info.devnode, dev->backend->name, dev->variant ? ", variant " : "",
		     dev->variant ? dev->variant->name : "", strerror(-ret), ret);
}

static const char *loc_name(enum svm_location loc)
{
	return loc == SVM_LOC_DEVICE ? "device" : loc == SVM_LOC_SYSTEM ? "system" : "invalid";
}

void svm_mirror(struct svm_dev *dev, void *addr, size_t len)
{
	must(__svm_mirror(dev, addr, len), dev, "mirror(%p, %#zx)", addr, len);
}

void svm_gpu_read(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	must(__svm_gpu_read(dev, dst, src, len), dev,
	     "gpu_read(dst %p <- src %p, %#zx)", dst, src, len);
}

void svm_gpu_write(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	must(__svm_gpu_write(dev, dst, src, len), dev,
	     "gpu_write(dst %p <- src %p, %#zx)", dst, src, len);
}

void svm_gpu_copy(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	must(__svm_gpu_copy(dev, dst, src, len), dev,
	     "gpu_copy(dst %p <- src %p, %#zx)", dst, src, len);
}

void svm_gpu_atomic_inc(struct svm_dev *dev, uint32_t *addr)
{
	must(__svm_gpu_atomic_inc(dev, addr), dev, "gpu_atomic_inc(%p)", (void *)addr);
}

uint64_t svm_migrate(struct svm_dev *dev, void *addr, size_t len, enum svm_location to)
{
	uint64_t moved = 0;

	must(__svm_migrate(dev, addr, len, to, &moved), dev,
	     "migrate(%p, %#zx, to %s)", addr, len, loc_name(to));
	return moved;
}

void svm_prefer(struct svm_dev *dev, void *addr, size_t len, enum svm_location loc)
{
	must(__svm_prefer(dev, addr, len, loc), dev,
	     "prefer(%p, %#zx, %s)", addr, len, loc_name(loc));
}

void svm_query(struct svm_dev *dev, const void *addr, size_t npages,
	       struct svm_page_state *out)
{
	must(__svm_query(dev, addr, npages, out), dev,
	     "query(%p, %zu pages)", addr, npages);
}

enum svm_residency svm_residency(struct svm_dev *dev, const void *addr)
{
	struct svm_page_state state;

	if (!svm_dev_has(dev, SVM_CAP_RESIDENCY))
		return SVM_RES_UNKNOWN;
	/* Any byte of the page will do. */
	addr = (const void *)((uintptr_t)addr & ~(uintptr_t)(dev->page_size - 1));
	svm_query(dev, addr, 1, &state);
	return state.where;
}

void svm_make_exclusive(struct svm_dev *dev, void *addr, size_t len)
{
	must(__svm_make_exclusive(dev, addr, len), dev,
	     "make_exclusive(%p, %#zx)", addr, len);
}

void svm_release(struct svm_dev *dev)
{
	must(__svm_release(dev), dev, "release()");
}
