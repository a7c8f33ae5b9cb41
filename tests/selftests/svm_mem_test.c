// SPDX-License-Identifier: MIT
/*
 * Unit test of the memory-kind allocators (lib/svm/svm_mem.c) and the data
 * pattern, on the host, no device needed.  An igt_main binary: one subtest
 * per kind and property, hugetlb and mlocked skip where this machine cannot
 * provide them.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_core.h"
#include "svm/svm_mem.h"

#define SEED 0x5eed1234u

static size_t ps;

/* Whether any mapping of this process overlaps [addr, addr+len). */
/* ASan and friends replace malloc/free with an allocator of their own. */
static bool under_sanitizer(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return true;
#endif
#endif
	return false;
}

static bool mapped(const void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr, b = a + len;
	unsigned long start, end;
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "r");

	igt_assert(f);
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &start, &end) == 2)
			found = start < b && a < end;
	fclose(f);
	return found;
}

static bool all_zero(const void *p, size_t len)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < len; i++)
		if (c[i])
			return false;
	return true;
}

/* The checks every buffer must pass, whatever its kind. */
static void check_buf(struct svm_buf *buf, const struct svm_mem_kind *kind, size_t asked)
{
	unsigned char *p = buf->ptr;
	long at;

	igt_assert(buf->kind == kind);
	igt_assert_f(!((uintptr_t)p & (ps - 1)), "%s: %p not page aligned\n", kind->name, p);
	igt_assert_f(buf->size >= asked && !(buf->size % ps),
		     "%s: size %zu for %zu asked\n", kind->name, buf->size, asked);
	if (kind->props & SVM_MEM_PROP_ZEROED)
		igt_assert_f(all_zero(p, buf->size), "%s: not zeroed\n", kind->name);

	svm_buf_fill(p, buf->size, SEED);
	igt_assert_eq(svm_buf_check(p, buf->size, SEED), -1);
	/* A change in the last page is found, at its offset. */
	at = buf->size - ps + 17;
	p[at] ^= 0x40;
	igt_assert_eq(svm_buf_check(p, buf->size, SEED), at);
	p[at] ^= 0x40;
	igt_assert_eq(svm_buf_check(p, buf->size, SEED), -1);
}

static void alloc_kind(const struct svm_mem_kind *kind)
{
	size_t asked = 3 * ps + 100;	/* not a whole number of pages */
	struct svm_buf buf;
	void *ptr;
	size_t size;

	svm_buf_alloc(kind, asked, &buf);
	check_buf(&buf, kind, asked);
	if (kind->props & SVM_MEM_PROP_HUGE)
		igt_assert_f(!((uintptr_t)buf.ptr & ((2u << 20) - 1)) && !(buf.size % (2u << 20)),
			     "%s: %p + %zu not 2 MiB aligned\n", kind->name, buf.ptr, buf.size);
	if (kind->id == SVM_MEM_MLOCKED) {
		unsigned char vec[4];

		igt_assert_eq(mincore(buf.ptr, 4 * ps, vec), 0);
		for (int i = 0; i < 4; i++)
			igt_assert_f(vec[i] & 1, "mlocked page %d not resident\n", i);
	}
	ptr = buf.ptr;
	size = buf.size;
	svm_buf_free(&buf);
	/*
	 * What svm_mem maps itself must be unmapped.  malloc and calloc hand
	 * memory back to the C allocator, which decides: glibc keeps small
	 * chunks and unmaps large ones, a sanitizer's allocator quarantines
	 * everything, so only glibc's large-chunk behaviour is checked.
	 */
	if (kind->id != SVM_MEM_MALLOC && !(kind->id == SVM_MEM_CALLOC_LARGE && under_sanitizer()))
		igt_assert_f(!mapped(ptr, size), "%s: still mapped after free\n", kind->name);
	svm_buf_free(&buf);	/* idempotent */
}

/* A forked child writes; a shared kind shows it to the parent, a private one does not. */
static void child_writes(const struct svm_mem_kind *kind)
{
	struct svm_buf buf;

	svm_buf_alloc(kind, 4 * ps, &buf);
	igt_fork(child, 1)
		svm_buf_fill(buf.ptr, buf.size, SEED);
	igt_waitchildren();
	if (kind->props & SVM_MEM_PROP_SHARED)
		igt_assert_eq(svm_buf_check(buf.ptr, buf.size, SEED), -1);
	else
		igt_assert(all_zero(buf.ptr, buf.size));
	svm_buf_free(&buf);
}

/* Whether the bytes written through the mapping are in the file behind it. */
static void file_sees_writes(const struct svm_mem_kind *kind)
{
	struct svm_buf buf;
	char *copy;

	svm_buf_alloc(kind, 4 * ps, &buf);
	igt_assert(buf.fd >= 0);
	svm_buf_fill(buf.ptr, buf.size, SEED);
	copy = malloc(buf.size);
	igt_assert(copy);
	igt_assert_eq(pread(buf.fd, copy, buf.size, 0), (ssize_t)buf.size);
	if (kind->props & SVM_MEM_PROP_SHARED)
		igt_assert_eq(svm_buf_check(copy, buf.size, SEED), -1);
	else
		igt_assert_f(all_zero(copy, buf.size), "private writes reached the file\n");
	free(copy);
	svm_buf_free(&buf);
}

static const void *stack_seen;

static void on_stack(struct svm_buf *buf, void *arg)
{
	char here;

	/* Within the frame's reach: a few hundred KiB below this local at most. */
	igt_assert((char *)buf->ptr > &here && (char *)buf->ptr - &here < (1 << 20));
	igt_assert(arg == &stack_seen);
	check_buf(buf, svm_mem_kind(SVM_MEM_STACK), 64 << 10);
	stack_seen = buf->ptr;
}

static void remember(struct svm_buf *buf, void *arg)
{
	*(void **)arg = buf->ptr;
	svm_buf_fill(buf->ptr, buf->size, SEED);
}

static void *leaked;

static void leak_by_skip(struct svm_buf *buf, void *arg)
{
	(void)arg;
	leaked = buf->ptr;
	igt_skip("leaving svm_with_buf by a skip, on purpose\n");
}

static void names(void)
{
	for (int i = 0; i < SVM_MEM_NUM_KINDS; i++) {
		const struct svm_mem_kind *k = svm_mem_kind(i);

		igt_assert(k && k->id == (enum svm_mem_kind_id)i);
		igt_assert(k->description && k->description[0]);
		for (const char *c = k->name; *c; c++)
			igt_assert_f(islower((unsigned char)*c) || isdigit((unsigned char)*c) ||
				     *c == '-', "bad character in kind name %s\n", k->name);
		igt_assert(svm_mem_kind_by_name(k->name) == k);
	}
	igt_assert(!svm_mem_kind(SVM_MEM_NUM_KINDS));
	igt_assert(!svm_mem_kind_by_name("no-such-kind"));
}

static void pattern(void)
{
	size_t len = 2 * ps + 3;	/* not a whole number of words */
	unsigned char *a = malloc(len), *b = malloc(len);

	igt_assert(a && b);
	svm_buf_fill(a, len, 1);
	svm_buf_fill(b, len, 2);
	igt_assert(memcmp(a, b, len));
	igt_assert(memchr(a, 0, len) == NULL);
	igt_assert(memcmp(a, a + ps, ps));	/* pages differ */
	igt_assert(memcmp(a, a + 4, 4));	/* words differ */
	igt_assert_eq(svm_buf_check(a, len, 1), -1);
	igt_assert_eq(svm_buf_check(a, len, 2), 0);
	a[len - 1] ^= 1;			/* the tail byte counts */
	igt_assert_eq(svm_buf_check(a, len, 1), (long)len - 1);
	free(a);
	free(b);
}

igt_main
{
	ps = sysconf(_SC_PAGESIZE);

	igt_subtest("names")
		names();
	igt_subtest("pattern")
		pattern();

	for (int i = 0; i < SVM_MEM_NUM_KINDS; i++) {
		const struct svm_mem_kind *kind = svm_mem_kind(i);

		if (i == SVM_MEM_STACK)
			continue;
		igt_subtest_f("alloc-%s", kind->name)
			alloc_kind(kind);
	}

	igt_subtest("stack-alloc-refused") {
		struct svm_buf buf;

		igt_assert_eq(__svm_buf_alloc(svm_mem_kind(SVM_MEM_STACK), ps, &buf), -EOPNOTSUPP);
		svm_buf_free(&buf);
	}
	igt_subtest("free-zeroed-struct") {
		struct svm_buf buf;

		memset(&buf, 0, sizeof(buf));
		svm_buf_free(&buf);
		svm_buf_free(&buf);
	}

	igt_subtest("fork-mmap-shared")
		child_writes(svm_mem_kind(SVM_MEM_ANON_SHARED));
	igt_subtest("fork-memfd-shared")
		child_writes(svm_mem_kind(SVM_MEM_MEMFD_SHARED));
	igt_subtest("fork-file-shared")
		child_writes(svm_mem_kind(SVM_MEM_FILE_SHARED));
	igt_subtest("fork-mmap-private")
		child_writes(svm_mem_kind(SVM_MEM_ANON_PRIVATE));

	igt_subtest("file-shared-reaches-file")
		file_sees_writes(svm_mem_kind(SVM_MEM_FILE_SHARED));
	igt_subtest("memfd-shared-reaches-file")
		file_sees_writes(svm_mem_kind(SVM_MEM_MEMFD_SHARED));
	igt_subtest("file-private-stays-private")
		file_sees_writes(svm_mem_kind(SVM_MEM_FILE_PRIVATE));

	igt_subtest("with-buf-stack") {
		stack_seen = NULL;
		svm_with_buf(svm_mem_kind(SVM_MEM_STACK), 64 << 10, on_stack, &stack_seen);
		igt_assert(stack_seen);
	}
	igt_subtest("with-buf-frees") {
		void *ptr = NULL;

		svm_with_buf(svm_mem_kind(SVM_MEM_ANON_PRIVATE), 8 * ps, remember, &ptr);
		igt_assert(ptr && !mapped(ptr, 8 * ps));
	}
	/* The pair below runs in this order: the first leaves, the second reaps. */
	igt_subtest("with-buf-leak-by-skip")
		svm_with_buf(svm_mem_kind(SVM_MEM_ANON_PRIVATE), 8 * ps, leak_by_skip, NULL);
	igt_subtest("with-buf-reaps-leak") {
		void *ptr = NULL;

		igt_require_f(leaked, "runs after with-buf-leak-by-skip only\n");
		igt_assert(mapped(leaked, 8 * ps));
		svm_with_buf(svm_mem_kind(SVM_MEM_ANON_PRIVATE), ps, remember, &ptr);
		igt_assert_f(!mapped(leaked, 8 * ps), "the skipped subtest's buffer leaked\n");
	}
}
