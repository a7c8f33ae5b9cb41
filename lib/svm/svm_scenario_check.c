/* SPDX-License-Identifier: MIT */
/*
 * The checks scenarios share: data against a pattern, zeroes or expected
 * bytes, through the CPU or the device; refused accesses; residency where
 * the backend can tell; the migration outcome each memory kind defines;
 * and whether transparent huge pages back a range.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svm_scenario.h"

void __scn_check(const char *file, int line, const void *p, size_t len, uint32_t seed,
		 const char *what)
{
	long bad = svm_buf_check(p, len, seed);

	if (bad < 0)
		return;
	igt_assert_f(false, "%s (%s:%d): byte %ld of %#zx differs from pattern %#x "
		     "(got %#04x)\n", what, file, line, bad, len, seed,
		     ((const unsigned char *)p)[bad]);
}

void scn_check_zero(const void *p, size_t len, const char *what)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < len; i++)
		igt_assert_f(!c[i], "%s: byte %zu of %#zx is %#04x, not zero\n",
			     what, i, len, c[i]);
}

void scn_check_same(const void *p, const void *want, size_t len, const char *what)
{
	const unsigned char *a = p, *b = want;

	for (size_t i = 0; i < len; i++)
		igt_assert_f(a[i] == b[i], "%s: byte %zu of %#zx is %#04x, expected %#04x\n",
			     what, i, len, a[i], b[i]);
}

/* The device side of the checks goes through the reusable bounce buffers. */
void scn_gpu_fill(struct svm_dev *dev, void *addr, size_t len, uint32_t seed)
{
	void *src = scn_bounce(0, len);

	svm_buf_fill(src, len, seed);
	svm_gpu_write(dev, addr, src, len);
}

void scn_gpu_check(struct svm_dev *dev, const void *addr, size_t len, uint32_t seed,
		   const char *what)
{
	void *dst = scn_bounce(0, len);

	memset(dst, 0, len);
	svm_gpu_read(dev, dst, addr, len);
	__scn_check(__FILE__, __LINE__, dst, len, seed, what);
}

void scn_gpu_check_zero(struct svm_dev *dev, const void *addr, size_t len, const char *what)
{
	void *dst = scn_bounce(0, len);

	memset(dst, 0xa5, len);
	svm_gpu_read(dev, dst, addr, len);
	scn_check_zero(dst, len, what);
}

void scn_gpu_check_same(struct svm_dev *dev, const void *addr, const void *want, size_t len,
			const char *what)
{
	void *dst = scn_bounce(0, len);

	memset(dst, 0, len);
	svm_gpu_read(dev, dst, addr, len);
	scn_check_same(dst, want, len, what);
}

void scn_gpu_refused(struct svm_dev *dev, void *addr, size_t len, int err, const char *what)
{
	void *tmp = scn_bounce(0, len);

	svm_buf_fill(tmp, len, SEED_GPU);
	igt_assert_f(__svm_gpu_read(dev, tmp, addr, len) == err,
		     "%s: device read of %p+%#zx did not fail with %s\n",
		     what, addr, len, strerror(-err));
	igt_assert_f(__svm_gpu_write(dev, addr, tmp, len) == err,
		     "%s: device write of %p+%#zx did not fail with %s\n",
		     what, addr, len, strerror(-err));
}

static void residency_of(struct svm_dev *dev, const void *addr, size_t npages,
			 struct svm_page_state **out)
{
	*out = scn_bounce(1, npages * sizeof(**out));
	svm_query(dev, addr, npages, *out);
}

void scn_expect_residency(struct svm_dev *dev, const void *addr, size_t npages,
			  enum svm_residency want, const char *what)
{
	struct svm_page_state *st;

	if (!svm_dev_has(dev, SVM_CAP_RESIDENCY))
		return;
	residency_of(dev, addr, npages, &st);
	for (size_t i = 0; i < npages; i++)
		igt_assert_f(st[i].where == want, "%s: page %zu of %zu is %s, expected %s\n",
			     what, i, npages, svm_residency_name(st[i].where),
			     svm_residency_name(want));
}

void scn_expect_not_residency(struct svm_dev *dev, const void *addr, size_t npages,
			      enum svm_residency unwanted, const char *what)
{
	struct svm_page_state *st;

	if (!svm_dev_has(dev, SVM_CAP_RESIDENCY))
		return;
	residency_of(dev, addr, npages, &st);
	for (size_t i = 0; i < npages; i++)
		igt_assert_f(st[i].where != unwanted, "%s: page %zu of %zu is %s\n",
			     what, i, npages, svm_residency_name(unwanted));
}

bool scn_migrate(struct svm_scenario_ctx *ctx, struct svm_dev *dev, void *addr, size_t len)
{
	const struct svm_mem_kind *kind = ctx->kind;
	size_t npages = len / dev->page_size;
	uint64_t moved = 0;
	int ret;

	igt_assert_f(kind, "scn_migrate needs the memory kind\n");
	ret = __svm_migrate(dev, addr, len, SVM_LOC_DEVICE, &moved);
	if (kind->props & SVM_MEM_PROP_MIGRATABLE) {
		igt_assert_f(ret == 0, "migrating %s memory failed: %s\n", kind->name,
			     strerror(-ret));
		igt_assert_f(moved == npages, "%" PRIu64 " of %zu pages of %s memory moved\n",
			     moved, npages, kind->name);
		scn_expect_residency(dev, addr, npages, SVM_RES_LOCAL, "after migration");
		return true;
	}
	if (kind->id == SVM_MEM_HUGETLB) {
		/* migrate_vma refuses hugetlb VMAs outright. */
		igt_assert_f(ret == -EINVAL, "migrating hugetlb memory: %s, expected %s\n",
			     strerror(-ret), strerror(EINVAL));
		return false;
	}
	/* Shared and page-cache pages are not device-private material. */
	igt_assert_f(ret == 0, "migrating %s memory failed: %s\n", kind->name, strerror(-ret));
	igt_assert_f(moved == 0, "%" PRIu64 " pages of %s memory moved, expected none\n",
		     moved, kind->name);
	scn_expect_not_residency(dev, addr, npages, SVM_RES_LOCAL, "after migration");
	return false;
}

#define THP_ENABLED "/sys/kernel/mm/transparent_hugepage/enabled"

/* kB of AnonHugePages in the smaps entry of the VMA that contains @ptr; -1 if none. */
static long anon_huge_kb(const void *ptr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	unsigned long start, end;
	bool inside = false;
	char line[256];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			inside = start <= (uintptr_t)ptr && (uintptr_t)ptr < end;
		else if (inside && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	if (f)
		fclose(f);
	return kb;
}

void scn_require_thp(const void *ptr, size_t len)
{
	FILE *f = fopen(THP_ENABLED, "r");
	char mode[128] = "";
	long kb;

	igt_require_f(f, "no %s: kernel without CONFIG_TRANSPARENT_HUGEPAGE\n", THP_ENABLED);
	if (!fgets(mode, sizeof(mode), f))
		mode[0] = '\0';
	fclose(f);
	mode[strcspn(mode, "\n")] = '\0';
	igt_require_f(!strstr(mode, "[never]"), "transparent huge pages disabled (%s: %s)\n",
		      THP_ENABLED, mode);
	kb = anon_huge_kb(ptr);
	igt_require_f(kb >= (long)(len >> 10),
		      "no huge page backs the range (AnonHugePages %ld kB of %zu kB): "
		      "memory too fragmented?\n", kb, len >> 10);
}
