/* SPDX-License-Identifier: MIT */
/*
 * The page size a kfd-64k program sees (issue 14): sysconf(_SC_PAGESIZE)
 * and getpagesize() say 64K, and a mapping the kernel places (no
 * MAP_FIXED) starts on a 64K boundary and covers whole 64K pages, as on a
 * 64K-page kernel, so that what the suite derives from the page size (SVM
 * range alignment, BO sizes) meets kfd's PAGE_SIZE rules.  munmap, mprotect
 * and madvise still act on the host's 4K pages: the suite only passes them
 * whole pages.  glibc's own mmap calls (malloc's) do not come here.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kfd.h"

static long (*real_sysconf)(int);

/* Trimming a mapping just made: none of interpose.c's munmap work applies. */
static void trim(uint64_t addr, uint64_t len)
{
	if (len)
		syscall(SYS_munmap, (void *)(uintptr_t)addr, (size_t)len);
}

static uint64_t emulated_page(void)
{
	return vdev_kfd && VDEV_KFD_PAGE_SIZE > VDEV_HOST_PAGE_SIZE ? VDEV_KFD_PAGE_SIZE : 0;
}

long sysconf(int name)
{
	if (!real_sysconf)
		real_sysconf = (long (*)(int))dlsym(RTLD_NEXT, "sysconf");
	if (name == _SC_PAGESIZE && emulated_page())
		return (long)emulated_page();
	return real_sysconf(name);
}

int getpagesize(void)
{
	return emulated_page() ? (int)emulated_page() : (int)VDEV_HOST_PAGE_SIZE;
}

void *vdev_mmap_pages(void *(*real_mmap)(void *, size_t, int, int, int, off_t), void *addr,
		      size_t len, int prot, int flags, int fd, off_t off)
{
	uint64_t page = emulated_page(), lo, hi, start;
	void *p;

	if (!page || (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) || !len)
		return real_mmap(addr, len, prot, flags, fd, off);
	len = (len + page - 1) & ~(page - 1);
	/* Room for a 64K boundary, then what lies outside the aligned part goes. */
	p = real_mmap(addr, len + page - VDEV_HOST_PAGE_SIZE, prot, flags, fd, off);
	if (p == MAP_FAILED)
		return p;
	lo = (uintptr_t)p;
	start = (lo + page - 1) & ~(page - 1);
	hi = lo + len + page - VDEV_HOST_PAGE_SIZE;
	if (start > lo) {
		if (fd >= 0 && !(flags & MAP_ANONYMOUS)) {
			/* A file's offset must stay at the start: map it again, aligned. */
			trim(lo, hi - lo);
			return real_mmap(addr, len, prot, flags, fd, off);
		}
		trim(lo, start - lo);
	}
	trim(start + len, hi - start - len);
	return (void *)(uintptr_t)start;
}
