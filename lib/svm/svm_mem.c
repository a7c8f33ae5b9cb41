/* SPDX-License-Identifier: MIT */
/*
 * Memory kinds: one allocator per kind of VMA that SVM must handle.  Each
 * kind is a row of the tables below: its public description and a private
 * allocator.  Every buffer is page aligned and a whole number of pages, so
 * any kind can go wherever a scenario needs device-visible memory.
 */
#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "igt_core.h"
#include "svm_mem.h"
#include "util.h"

/* Each row must sit at its id: svm_mem_kind() indexes the table. */
static const struct svm_mem_kind kinds[SVM_MEM_NUM_KINDS] = {
	[SVM_MEM_MALLOC] = { SVM_MEM_MALLOC, "malloc",
		"page-aligned malloc-family memory (posix_memalign)",
		SVM_MEM_PROP_MIGRATABLE },
	[SVM_MEM_CALLOC_LARGE] = { SVM_MEM_CALLOC_LARGE, "calloc-large",
		"calloc() above glibc's largest mmap threshold: its own zeroed anonymous mmap",
		SVM_MEM_PROP_MIGRATABLE | SVM_MEM_PROP_ZEROED },
	[SVM_MEM_THP] = { SVM_MEM_THP, "thp",
		"2 MiB-aligned anonymous private memory with MADV_HUGEPAGE",
		SVM_MEM_PROP_HUGE | SVM_MEM_PROP_MIGRATABLE | SVM_MEM_PROP_ZEROED },
	[SVM_MEM_ANON_PRIVATE] = { SVM_MEM_ANON_PRIVATE, "mmap-private",
		"mmap(MAP_PRIVATE | MAP_ANONYMOUS)",
		SVM_MEM_PROP_MIGRATABLE | SVM_MEM_PROP_ZEROED },
	[SVM_MEM_ANON_SHARED] = { SVM_MEM_ANON_SHARED, "mmap-shared",
		"mmap(MAP_SHARED | MAP_ANONYMOUS): shmem, seen by forked children",
		SVM_MEM_PROP_SHARED | SVM_MEM_PROP_ZEROED },
	[SVM_MEM_MEMFD_SHARED] = { SVM_MEM_MEMFD_SHARED, "memfd-shared",
		"memfd_create() file mapped MAP_SHARED",
		SVM_MEM_PROP_SHARED | SVM_MEM_PROP_FILE | SVM_MEM_PROP_ZEROED },
	[SVM_MEM_FILE_PRIVATE] = { SVM_MEM_FILE_PRIVATE, "file-private",
		"unlinked /tmp file mapped MAP_PRIVATE: copy-on-write over the page cache",
		SVM_MEM_PROP_FILE | SVM_MEM_PROP_ZEROED },
	[SVM_MEM_FILE_SHARED] = { SVM_MEM_FILE_SHARED, "file-shared",
		"unlinked /tmp file mapped MAP_SHARED: writes reach the file",
		SVM_MEM_PROP_SHARED | SVM_MEM_PROP_FILE | SVM_MEM_PROP_ZEROED },
	[SVM_MEM_HUGETLB] = { SVM_MEM_HUGETLB, "hugetlb",
		"mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB) of default-size huge pages",
		SVM_MEM_PROP_HUGE | SVM_MEM_PROP_ZEROED },
	[SVM_MEM_STACK] = { SVM_MEM_STACK, "stack",
		"a page-aligned array in the calling thread's stack frame (zeroed first)",
		SVM_MEM_PROP_MIGRATABLE | SVM_MEM_PROP_ZEROED },
	[SVM_MEM_MLOCKED] = { SVM_MEM_MLOCKED, "mlocked",
		"anonymous private memory, mlock()ed (so populated)",
		SVM_MEM_PROP_MIGRATABLE | SVM_MEM_PROP_ZEROED },
};

const struct svm_mem_kind *svm_mem_kind(enum svm_mem_kind_id id)
{
	return (unsigned int)id < SVM_MEM_NUM_KINDS ? &kinds[id] : NULL;
}

const struct svm_mem_kind *svm_mem_kind_by_name(const char *name)
{
	for (unsigned int i = 0; name && i < SVM_MEM_NUM_KINDS; i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	return NULL;
}

/* ---- allocators ------------------------------------------------------------ */

static size_t page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

size_t svm_thp_size(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r");
	unsigned long long v = 0;

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	/* A power of two of at least a page, or the x86/4K answer. */
	return v && !(v & (v - 1)) && v >= page_size() ? (size_t)v : SZ_2M;
}

static size_t round_up(size_t x, size_t to)
{
	return (x + to - 1) / to * to;
}

/*
 * Where the mapped kinds are placed: a region of their own, below where
 * mmap(NULL) places everything else (32 TiB, clear of the ASan shadow; the
 * checks' bounce buffers start at 48 TiB).  Scenarios cut holes in these buffers and then
 * check that the device refuses them; near the top of the mmap area any
 * unrelated mapping of the process (a thread stack, a sanitizer's
 * bookkeeping, a large malloc) could land in such a hole first.  Only a
 * hint: where it is unusable the kernel places the mapping as usual.
 */
#define SCENARIO_MAP_BASE ((uintptr_t)2 << 44)

static _Atomic uintptr_t map_cursor = SCENARIO_MAP_BASE;

static void *map_hint(size_t len)
{
	/* A 2 MiB gap after each mapping keeps neighbours from merging. */
	return (void *)atomic_fetch_add(&map_cursor, round_up(len, SZ_2M) + SZ_2M);
}

/* Maps exactly @buf->size at a page boundary; @fd -1 for anonymous. */
static int map_plain(struct svm_buf *buf, int flags, int fd)
{
	void *p = mmap(map_hint(buf->size), buf->size, PROT_READ | PROT_WRITE, flags, fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	buf->ptr = buf->base = p;
	buf->map_len = buf->size;
	return 0;
}

static int alloc_malloc(struct svm_buf *buf)
{
	void *p;
	int ret = posix_memalign(&p, page_size(), buf->size);

	if (ret)
		return -ret;
	buf->ptr = buf->base = p;
	return 0;
}

/*
 * glibc raises its mmap threshold to the size of any mmapped chunk that is
 * freed, up to 32 MiB on 64-bit: only a request above that is sure to get
 * its own fresh (so zeroed and unpopulated) mmap every time.  The slack is
 * address space only, never touched.
 */
static int alloc_calloc_large(struct svm_buf *buf)
{
	size_t want = buf->size + page_size();
	size_t min = 32 * SZ_1M + SZ_1M;
	void *p = calloc(1, want > min ? want : min);

	if (!p)
		return -ENOMEM;
	buf->base = p;
	buf->ptr = (void *)round_up((uintptr_t)p, page_size());
	return 0;
}

/* Over-maps by 2 MiB, keeps the aligned middle and unmaps the ends. */
static int alloc_thp(struct svm_buf *buf)
{
	size_t len, thp = svm_thp_size();
	char *p;
	char *aligned;

	if (thp > SVM_THP_MAX)
		return -ENOSPC;

	/* Whole huge pages only: a partial one could never be a THP. */
	buf->size = round_up(buf->size, thp);
	len = buf->size + thp;
	p = mmap(map_hint(len), len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	aligned = (char *)round_up((uintptr_t)p, thp);
	if (aligned > p)
		munmap(p, aligned - p);
	if (p + len > aligned + buf->size)
		munmap(aligned + buf->size, p + len - (aligned + buf->size));
	buf->ptr = buf->base = aligned;
	buf->map_len = buf->size;
	/* Where THP is disabled this fails; the memory is still usable. */
	madvise(aligned, buf->size, MADV_HUGEPAGE);
	return 0;
}

static int alloc_anon_private(struct svm_buf *buf)
{
	return map_plain(buf, MAP_PRIVATE | MAP_ANONYMOUS, -1);
}

static int alloc_anon_shared(struct svm_buf *buf)
{
	return map_plain(buf, MAP_SHARED | MAP_ANONYMOUS, -1);
}

/* A file that no name reaches: O_TMPFILE, else mkstemp + unlink at once. */
static int tmp_file(void)
{
	char name[] = "/tmp/igt-svm-XXXXXX";
	int fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0)
		return fd;
	fd = mkostemp(name, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(name);
	return fd;
}

static int map_file(struct svm_buf *buf, int fd, int flags)
{
	int ret;

	if (fd < 0)
		return fd;
	if (ftruncate(fd, buf->size)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = map_plain(buf, flags, fd);
	if (ret) {
		close(fd);
		return ret;
	}
	buf->fd = fd;	/* kept: tests read the file behind the mapping */
	return 0;
}

static int alloc_memfd(struct svm_buf *buf)
{
	int fd = memfd_create("igt-svm", MFD_CLOEXEC);

	return map_file(buf, fd < 0 ? -errno : fd, MAP_SHARED);
}

static int alloc_file_private(struct svm_buf *buf)
{
	return map_file(buf, tmp_file(), MAP_PRIVATE);
}

static int alloc_file_shared(struct svm_buf *buf)
{
	return map_file(buf, tmp_file(), MAP_SHARED);
}

/* The default huge page size from /proc/meminfo; 2 MiB if unreadable. */
static size_t huge_page_size(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long kb = 0;
	char line[128];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %lu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb ? kb << 10 : SZ_2M;
}

/* A private hugetlb mapping reserves its pages at mmap: ENOMEM when none are free. */
static int alloc_hugetlb(struct svm_buf *buf)
{
	buf->size = round_up(buf->size, huge_page_size());
	return map_plain(buf, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1);
}

static int alloc_mlocked(struct svm_buf *buf)
{
	int ret = map_plain(buf, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	if (ret)
		return ret;
	if (mlock(buf->ptr, buf->size)) {
		munmap(buf->base, buf->map_len);
		/* EPERM or EAGAIN/ENOMEM: over RLIMIT_MEMLOCK, i.e. unavailable here. */
		return -ENOMEM;
	}
	return 0;
}

static int alloc_stack(struct svm_buf *buf)
{
	(void)buf;
	return -EOPNOTSUPP;	/* only svm_with_buf can put a buffer in a frame */
}

static void why_thp(char *why, size_t len)
{
	snprintf(why, len, "the PMD huge page is %zu MiB here (64K pages): THP buffers are capped at %u MiB",
		 svm_thp_size() >> 20, SVM_THP_MAX >> 20);
}

static void why_hugetlb(char *why, size_t len)
{
	snprintf(why, len, "no free huge pages of %zu KiB (set /proc/sys/vm/nr_hugepages)",
		 huge_page_size() >> 10);
}

static void why_mlock(char *why, size_t len)
{
	struct rlimit rl = { 0 };

	getrlimit(RLIMIT_MEMLOCK, &rl);
	if (rl.rlim_cur == RLIM_INFINITY)
		snprintf(why, len, "mlock() refused although RLIMIT_MEMLOCK is unlimited");
	else
		snprintf(why, len, "mlock() refused: RLIMIT_MEMLOCK is %llu bytes (ulimit -l)",
			 (unsigned long long)rl.rlim_cur);
}

static const struct {
	int (*alloc)(struct svm_buf *buf);
	/* Set for kinds that may be unavailable here: says why, for the skip. */
	void (*why_unavailable)(char *why, size_t len);
	bool release_free;		/* base came from the malloc family */
} allocators[SVM_MEM_NUM_KINDS] = {
	[SVM_MEM_MALLOC] = { alloc_malloc, NULL, true },
	[SVM_MEM_CALLOC_LARGE] = { alloc_calloc_large, NULL, true },
	[SVM_MEM_THP] = { alloc_thp, why_thp, false },
	[SVM_MEM_ANON_PRIVATE] = { alloc_anon_private, NULL, false },
	[SVM_MEM_ANON_SHARED] = { alloc_anon_shared, NULL, false },
	[SVM_MEM_MEMFD_SHARED] = { alloc_memfd, NULL, false },
	[SVM_MEM_FILE_PRIVATE] = { alloc_file_private, NULL, false },
	[SVM_MEM_FILE_SHARED] = { alloc_file_shared, NULL, false },
	[SVM_MEM_HUGETLB] = { alloc_hugetlb, why_hugetlb, false },
	[SVM_MEM_STACK] = { alloc_stack, NULL, false },
	[SVM_MEM_MLOCKED] = { alloc_mlocked, why_mlock, false },
};

int __svm_buf_alloc(const struct svm_mem_kind *kind, size_t size, struct svm_buf *buf)
{
	int ret;

	memset(buf, 0, sizeof(*buf));
	buf->fd = -1;
	if (!kind || (unsigned int)kind->id >= SVM_MEM_NUM_KINDS || !size)
		return -EINVAL;
	buf->size = round_up(size, page_size());
	ret = allocators[kind->id].alloc(buf);
	if (ret) {
		memset(buf, 0, sizeof(*buf));
		buf->fd = -1;
		return ret;
	}
	buf->kind = kind;
	return 0;
}

void svm_buf_alloc(const struct svm_mem_kind *kind, size_t size, struct svm_buf *buf)
{
	char why[160];
	int ret;

	igt_assert_f(kind, "no memory kind given\n");
	ret = __svm_buf_alloc(kind, size, buf);
	igt_assert_f(ret != -EOPNOTSUPP, "%s memory only exists through svm_with_buf()\n",
		     kind->name);
	if ((ret == -ENOMEM || ret == -ENOSPC) && allocators[kind->id].why_unavailable) {
		allocators[kind->id].why_unavailable(why, sizeof(why));
		igt_skip("%s memory unavailable: %s\n", kind->name, why);
	}
	igt_assert_f(ret == 0, "allocating %zu bytes of %s memory failed: %s (%d)\n",
		     size, kind->name, strerror(-ret), ret);
}

/* Idempotent, and a no-op on a zeroed struct: kind is only set while allocated. */
void svm_buf_free(struct svm_buf *buf)
{
	if (!buf || !buf->kind)
		return;
	if (allocators[buf->kind->id].release_free)
		free(buf->base);
	else if (buf->map_len)
		munmap(buf->base, buf->map_len);
	if (buf->kind->props & SVM_MEM_PROP_FILE)
		close(buf->fd);
	memset(buf, 0, sizeof(*buf));
	buf->fd = -1;
}

/* ---- svm_with_buf ------------------------------------------------------- */

/*
 * Scenarios size stack buffers in pages, 16 at most: 1 MiB on a 64K-page
 * kernel, well inside the 8 MiB main stack the subtests run on.
 */
#define STACK_BUF_MAX_BYTES (256u << 10)
#define STACK_BUF_MAX_PAGES 16u

/*
 * The frame of this call holds the buffer: a VLA so the frame is just big
 * enough, touched before @fn runs because a device access to stack pages the
 * CPU never reached would find no VMA below the stack's current start.
 */
static __attribute__((noinline)) void
with_stack_buf(const struct svm_mem_kind *kind, size_t size,
	       void (*fn)(struct svm_buf *buf, void *arg), void *arg)
{
	size_t ps = page_size(), len = round_up(size, ps);
	size_t max = ps * STACK_BUF_MAX_PAGES > STACK_BUF_MAX_BYTES ? ps * STACK_BUF_MAX_PAGES
								     : STACK_BUF_MAX_BYTES;

	igt_assert_f(size && len <= max, "stack buffers are 1 byte to %zu KiB, %zu bytes asked for\n",
		     max >> 10, size);
	{
		char area[len + ps];
		struct svm_buf buf = { .kind = kind, .size = len, .fd = -1 };

		buf.ptr = (void *)round_up((uintptr_t)area, ps);
		memset(buf.ptr, 0, len);
		fn(&buf, arg);
		/* The frame must outlive @fn: no sibling call, area not dead early. */
		__asm__ volatile("" : : "r"(area) : "memory");
	}
}

/*
 * A failed assertion or a skip inside @fn siglongjmps out of svm_with_buf,
 * past the free.  Such buffers are remembered with the subtest that owned
 * them and released by the next svm_with_buf of another subtest: one failure
 * must not keep huge pages or locked memory that later subtests need.  (A
 * failure ends its subtest, so a buffer of another subtest is always a leak.)
 */
#define LIVE_MAX 32

static struct {
	bool used;
	struct svm_buf buf;
	char owner[192];
} live[LIVE_MAX];
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;

static void current_owner(char *out, size_t len)
{
	const char *sub = igt_subtest_name(), *dyn = igt_dynamic_name();

	snprintf(out, len, "%s/%s", sub ? sub : "", dyn ? dyn : "");
}

/* Frees the leftovers of other subtests. */
static void live_reap(const char *owner)
{
	for (int i = 0; i < LIVE_MAX; i++)
		if (live[i].used && strcmp(live[i].owner, owner)) {
			svm_buf_free(&live[i].buf);
			live[i].used = false;
		}
}

/* Remembers @buf; the slot, or -1 when full (then a leak is not reaped). */
static int live_claim(const char *owner, const struct svm_buf *buf)
{
	for (int i = 0; i < LIVE_MAX; i++)
		if (!live[i].used) {
			live[i].used = true;
			live[i].buf = *buf;
			snprintf(live[i].owner, sizeof(live[i].owner), "%s", owner);
			return i;
		}
	return -1;
}

void svm_with_buf(const struct svm_mem_kind *kind, size_t size,
		  void (*fn)(struct svm_buf *buf, void *arg), void *arg)
{
	char owner[192];
	struct svm_buf buf;
	int slot;

	igt_assert_f(kind && fn, "svm_with_buf needs a kind and a function\n");
	if (kind->id == SVM_MEM_STACK) {
		with_stack_buf(kind, size, fn, arg);
		return;
	}
	current_owner(owner, sizeof(owner));
	/* Before allocating: a leaked buffer may hold what this one needs. */
	pthread_mutex_lock(&live_lock);
	live_reap(owner);
	pthread_mutex_unlock(&live_lock);
	svm_buf_alloc(kind, size, &buf);
	pthread_mutex_lock(&live_lock);
	slot = live_claim(owner, &buf);
	pthread_mutex_unlock(&live_lock);

	fn(&buf, arg);

	pthread_mutex_lock(&live_lock);
	if (slot >= 0)
		live[slot].used = false;
	pthread_mutex_unlock(&live_lock);
	svm_buf_free(&buf);
}
