/* SPDX-License-Identifier: MIT */
/*
 * Memory kinds: every way a process gets memory that SVM must handle, each
 * backed by a different kind of VMA (anonymous or file, private or shared,
 * small or huge pages, locked, the stack).  Scenarios expand over them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum svm_mem_kind_id {
	SVM_MEM_MALLOC,		/* malloc(): heap or an anonymous mmap, as glibc likes */
	SVM_MEM_CALLOC_LARGE,	/* calloc() big enough to be its own zeroed mmap */
	SVM_MEM_THP,		/* 2 MiB-aligned anonymous, MADV_HUGEPAGE */
	SVM_MEM_ANON_PRIVATE,	/* mmap(MAP_PRIVATE | MAP_ANONYMOUS) */
	SVM_MEM_ANON_SHARED,	/* mmap(MAP_SHARED | MAP_ANONYMOUS) */
	SVM_MEM_MEMFD_SHARED,	/* memfd_create() + mmap(MAP_SHARED) */
	SVM_MEM_FILE_PRIVATE,	/* tmpfs file, mmap(MAP_PRIVATE): COW over page cache */
	SVM_MEM_FILE_SHARED,	/* tmpfs file, mmap(MAP_SHARED) */
	SVM_MEM_HUGETLB,	/* mmap(MAP_HUGETLB); unavailable without free huge pages */
	SVM_MEM_STACK,		/* the calling thread's stack (only through svm_with_buf) */
	SVM_MEM_MLOCKED,	/* anonymous private, mlock()ed */
	SVM_MEM_NUM_KINDS
};

#define SVM_MEM_BIT(id) (1u << (id))
#define SVM_MEM_ALL ((1u << SVM_MEM_NUM_KINDS) - 1)

enum svm_mem_prop {
	SVM_MEM_PROP_SHARED	= 1u << 0,	/* writes are seen by other mappings/processes */
	SVM_MEM_PROP_FILE	= 1u << 1,	/* backed by a file (tmpfs or memfd) */
	SVM_MEM_PROP_HUGE	= 1u << 2,	/* may be mapped by huge pages */
	SVM_MEM_PROP_MIGRATABLE	= 1u << 3,	/* anonymous private: device-private migration applies */
	SVM_MEM_PROP_ZEROED	= 1u << 4,	/* reads zero before the first write */
};

struct svm_mem_kind {
	enum svm_mem_kind_id id;
	const char *name;		/* subtest suffix: "malloc", "mmap-shared", ... */
	const char *description;	/* one line, for documentation */
	unsigned int props;		/* enum svm_mem_prop bits */
};

struct svm_buf {
	void *ptr;			/* page aligned */
	size_t size;			/* a multiple of the page size */
	const struct svm_mem_kind *kind;
	/* private to svm_mem.c */
	void *base;
	size_t map_len;
	int fd;
};

const struct svm_mem_kind *svm_mem_kind(enum svm_mem_kind_id id);
/*
 * The PMD huge page's size (/sys/kernel/mm/transparent_hugepage/
 * hpage_pmd_size): 2 MiB with 4K pages, 512 MiB on a 64K-page arm64
 * kernel; 2 MiB when the file is not there.  SVM_MEM_THP buffers are
 * whole, aligned ones.
 */
size_t svm_thp_size(void);
/*
 * The largest such page SVM_MEM_THP allocates (a skip saying why above):
 * a scenario holds the buffer and two scratch copies of it, which must fit
 * a 2 GiB test VM, and a 64K-page arm64 kernel's 512 MiB page does not.
 */
#define SVM_THP_MAX (64u << 20)
const struct svm_mem_kind *svm_mem_kind_by_name(const char *name);

/*
 * Allocates @size bytes (rounded up to pages) of @kind.  -EOPNOTSUPP for
 * SVM_MEM_STACK, -ENOMEM/-ENOSPC when the kind is unavailable here (no free
 * huge pages, mlock limit), other -errno on failure.  Files are unlinked at
 * once, so nothing is left behind whatever happens to the test.
 */
int __svm_buf_alloc(const struct svm_mem_kind *kind, size_t size, struct svm_buf *buf);
/* As above; skips when the kind is unavailable here, fails otherwise. */
void svm_buf_alloc(const struct svm_mem_kind *kind, size_t size, struct svm_buf *buf);
void svm_buf_free(struct svm_buf *buf);

/*
 * Runs @fn with a buffer of @kind, freed afterwards.  The only way to get a
 * SVM_MEM_STACK buffer: it lives in this call's frame (at most 256 KiB).
 */
void svm_with_buf(const struct svm_mem_kind *kind, size_t size,
		  void (*fn)(struct svm_buf *buf, void *arg), void *arg);

/* Fills with a pattern that differs per page and per word, seeded. */
void svm_buf_fill(void *ptr, size_t size, uint32_t seed);
/* Index of the first byte that differs from svm_buf_fill(seed), or -1. */
long svm_buf_check(const void *ptr, size_t size, uint32_t seed);
