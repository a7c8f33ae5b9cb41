/* SPDX-License-Identifier: MIT */
/* CPU page states from /proc/self/pagemap (vgpu_cpu_pages.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "igt_core.h"
#include "util.h"
#include "vgpu_cpu_pages.h"

/* Documentation/admin-guide/mm/pagemap.rst: one 64-bit entry per page. */
#define PM_PRESENT (UINT64_C(1) << 63)
#define PM_SWAP (UINT64_C(1) << 62)
/* Entries read per pread(): 4 KiB of them on the stack. */
#define CHUNK 512

int vgpu_cpu_pages(const void *addr, size_t npages, uint8_t *out)
{
	size_t page_size = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t first = (uintptr_t)addr / page_size;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (size_t done = 0; done < npages;) {
		uint64_t entries[CHUNK];
		size_t n = npages - done < CHUNK ? npages - done : CHUNK;
		ssize_t got = pread(fd, entries, n * sizeof(entries[0]),
				    (off_t)((first + done) * sizeof(entries[0])));

		if (got != (ssize_t)(n * sizeof(entries[0]))) {
			int err = got < 0 ? -errno : -EIO;

			close(fd);
			return err;
		}
		for (size_t i = 0; i < n; i++)
			out[done + i] = entries[i] & PM_PRESENT ? VGPU_CPU_PRESENT :
					entries[i] & PM_SWAP ? VGPU_CPU_ENTRY : VGPU_CPU_NONE;
		done += n;
	}
	close(fd);
	return 0;
}

size_t vgpu_cpu_count(const void *addr, size_t npages, enum vgpu_cpu_page state)
{
	uint8_t *states = malloc(npages ? npages : 1);
	size_t count = 0;
	int ret;

	igt_assert_f(states, "out of memory for %zu page states\n", npages);
	ret = vgpu_cpu_pages(addr, npages, states);
	for (size_t i = 0; !ret && i < npages; i++)
		count += states[i] == state;
	free(states);
	igt_assert_f(ret == 0, "/proc/self/pagemap for %p (%zu pages): %s\n", addr, npages,
		     strerror(-ret));
	return count;
}

const char *vgpu_cpu_page_name(enum vgpu_cpu_page state)
{
	static const char *const names[] = {
		[VGPU_CPU_NONE] = "not populated",
		[VGPU_CPU_PRESENT] = "in system memory",
		[VGPU_CPU_ENTRY] = "a non-present entry (device memory)",
	};

	return (unsigned int)state < ARRAY_SIZE(names) ? names[state] : "invalid";
}
