/* SPDX-License-Identifier: MIT */
/* Sessions, laid-out memory and driver-state checks for vgpu_svm (vgpu_session.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_core.h"
#include "svm/svm_mem.h"
#include "svm/svm_scenario.h"
#include "vgpu_backend.h"
#include "vgpu_device.h"
#include "vgpu_ioctl.h"
#include "vgpu_session.h"

void vgpu_session_open(struct vgpu_session *s, int index, uint32_t mode)
{
	int ret;

	memset(s, 0, sizeof(*s));
	vgpu_require(index, &s->node);
	s->fd = __vgpu_open(&s->node);
	igt_assert_f(s->fd >= 0, "opening %s: %s\n", s->node.devnode, strerror(-s->fd));
	scn_track_fd(s->fd);
	vgpu_device_query(s->fd, &s->info);
	s->ps = s->info.page_size;
	s->mode = mode;
	ret = __vgpu_vm_create(s->fd, mode, &s->vm);
	igt_require_f(!(mode == VGPU_VM_MODE_IOCTL && (ret == -EOPNOTSUPP || ret == -EINVAL)),
		      "the vgpu module refuses IOCTL-mode VMs (VM_CREATE: %s)\n", strerror(-ret));
	igt_assert_f(ret == 0, "VM_CREATE(mode %s) on %s: %s\n", vgpu_mode_name(mode),
		     s->node.devnode, strerror(-ret));
}

void vgpu_session_open_like(struct vgpu_session *s, const struct vgpu_session *like)
{
	int index = -1;
	struct igt_device_info info;

	/* The same node, found again by position. */
	for (int i = 0; index < 0 && !vgpu_find(i, &info); i++)
		if (!strcmp(info.devnode, like->node.devnode))
			index = i;
	igt_assert_f(index >= 0, "%s is gone\n", like->node.devnode);
	vgpu_session_open(s, index, like->mode);
}

void vgpu_require_tiles(const struct vgpu_session *s, unsigned int tiles)
{
	igt_require_f(s->info.num_tiles >= tiles, "needs %u tiles, %s has %u (module parameter "
		      "tiles)\n", tiles, s->node.devnode, s->info.num_tiles);
}

void vgpu_require_chunk(const struct vgpu_session *s, uint64_t chunk)
{
	for (uint32_t i = 0; i < s->info.num_chunks && i < VGPU_MAX_CHUNKS; i++)
		if (s->info.chunk_sizes[i] == chunk)
			return;
	igt_require_f(false, "needs a %" PRIu64 " KiB chunk size, which %s does not use\n",
		      chunk >> 10, s->node.devnode);
}

/* Room for the mapping, aligned, with a guard of @align on each side. */
static char *carve(size_t len, size_t align, size_t offset, int prot)
{
	size_t span = len + offset + 3 * align;
	char *res = scn_mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			     -1, 0);
	char *p = (char *)(((uintptr_t)res + 2 * align - 1) & ~(uintptr_t)(align - 1)) + offset;

	if (prot != PROT_NONE)
		igt_assert_f(mmap(p, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p,
			     "mmap at %p+%#zx: %s\n", (void *)p, len, strerror(errno));
	return p;
}

char *vgpu_map_guarded(size_t len, size_t align, size_t offset)
{
	return carve(len, align, offset, PROT_READ | PROT_WRITE);
}

char *vgpu_reserve_guarded(size_t len, size_t align)
{
	return carve(len, align, 0, PROT_NONE);
}

void vgpu_session_bind(const struct vgpu_session *s, const void *addr, size_t len)
{
	vgpu_bind(s->fd, s->vm, VGPU_BIND_MAP, (uintptr_t)addr, len);
}

const struct drm_vgpu_range *vgpu_session_ranges(const struct vgpu_session *s,
						 const void *addr, size_t len, uint32_t *n)
{
	static struct drm_vgpu_range *last;
	int ret;

	free(last);
	last = NULL;
	ret = __vgpu_query_ranges_all(s->fd, s->vm, (uintptr_t)addr, len, &last, n);
	igt_assert_f(ret == 0, "QUERY_RANGES(vm %u, %p+%#zx): %s\n", s->vm, addr, len,
		     strerror(-ret));
	return last;
}

struct drm_vgpu_counters vgpu_session_counters(const struct vgpu_session *s)
{
	struct drm_vgpu_counters c;

	vgpu_query_counters(s->fd, s->vm, &c);
	return c;
}

static uint32_t *pages_of(const struct vgpu_session *s, const void *addr, size_t npages)
{
	uint32_t *pages = scn_bounce(1, npages * sizeof(*pages));

	vgpu_query_pages(s->fd, s->vm, addr, npages, pages);
	return pages;
}

void vgpu_expect_pages(const struct vgpu_session *s, const void *addr, size_t npages,
		       uint32_t where, unsigned int tile, const char *what)
{
	uint32_t want = where | (where == VGPU_PAGE_TILE ? tile << VGPU_PAGE_TILE_SHIFT : 0);
	uint32_t mask = VGPU_PAGE_WHERE_MASK | (where == VGPU_PAGE_TILE ? 0xffu << VGPU_PAGE_TILE_SHIFT : 0);
	uint32_t *pages = pages_of(s, addr, npages);
	char got[48], exp[48];

	for (size_t i = 0; i < npages; i++)
		igt_assert_f((pages[i] & mask) == want, "%s: page %zu of %zu (%p) is %s, expected %s\n",
			     what, i, npages, (const char *)addr + i * s->ps,
			     vgpu_page_name(pages[i], got, sizeof(got)),
			     vgpu_page_name(want, exp, sizeof(exp)));
}

void vgpu_expect_mapped(const struct vgpu_session *s, const void *addr, size_t npages,
			const char *what)
{
	uint32_t *pages = pages_of(s, addr, npages);

	for (size_t i = 0; i < npages; i++)
		igt_assert_f((pages[i] & VGPU_PAGE_WHERE_MASK) != VGPU_PAGE_NONE,
			     "%s: page %zu of %zu (%p) has no translation\n", what, i, npages,
			     (const char *)addr + i * s->ps);
}

void vgpu_expect_not_on_tile(const struct vgpu_session *s, const void *addr, size_t npages,
			     unsigned int tile, const char *what)
{
	uint32_t *pages = pages_of(s, addr, npages);
	char got[48];

	for (size_t i = 0; i < npages; i++)
		igt_assert_f((pages[i] & VGPU_PAGE_WHERE_MASK) != VGPU_PAGE_TILE ||
			     VGPU_PAGE_TILE_OF(pages[i]) != tile,
			     "%s: page %zu of %zu (%p) is %s\n", what, i, npages,
			     (const char *)addr + i * s->ps, vgpu_page_name(pages[i], got, sizeof(got)));
}

void vgpu_expect_cpu(const void *addr, size_t npages, enum vgpu_cpu_page state, const char *what)
{
	uint8_t *states = scn_bounce(1, npages);
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	int ret = vgpu_cpu_pages(addr, npages, states);

	igt_assert_f(ret == 0, "/proc/self/pagemap: %s\n", strerror(-ret));
	for (size_t i = 0; i < npages; i++)
		igt_assert_f(states[i] == state, "%s: page %zu of %zu (%p) is %s, expected %s\n",
			     what, i, npages, (const char *)addr + i * ps,
			     vgpu_cpu_page_name(states[i]), vgpu_cpu_page_name(state));
}

void vgpu_check_read(const struct vgpu_session *s, const void *addr, size_t len, uint32_t seed,
		     const char *what)
{
	char *seen = scn_bounce(0, len);
	long bad;

	vgpu_read(s->fd, s->vm, 0, addr, seen, len);
	bad = svm_buf_check(seen, len, seed);
	igt_assert_f(bad < 0, "%s: the device read %p+%#zx and byte %ld differs from the data\n",
		     what, addr, len, bad);
}

void vgpu_fill_write(const struct vgpu_session *s, void *addr, size_t len, uint32_t seed)
{
	char *data = scn_bounce(0, len);

	svm_buf_fill(data, len, seed);
	vgpu_write(s->fd, s->vm, 0, addr, data, len);
}

void vgpu_fill_blocks(void *p, size_t len, size_t block, uint32_t seed)
{
	for (size_t off = 0, i = 0; off < len; off += block, i++)
		svm_buf_fill((char *)p + off, len - off < block ? len - off : block, seed + (uint32_t)i);
}

void vgpu_check_blocks(const void *p, size_t len, size_t block, uint32_t seed, const char *what)
{
	for (size_t off = 0, i = 0; off < len; off += block, i++) {
		size_t n = len - off < block ? len - off : block;
		long bad = svm_buf_check((const char *)p + off, n, seed + (uint32_t)i);

		igt_assert_f(bad < 0, "%s: block %zu (%p) differs from its data at byte %ld\n", what,
			     i, (const char *)p + off, bad);
	}
}

void vgpu_check_blocks_read(const struct vgpu_session *s, const void *base, size_t block,
			    size_t first, size_t count, uint32_t seed, const char *what)
{
	char *seen = scn_bounce(0, block);

	for (size_t i = first; i < first + count; i++) {
		long bad;

		vgpu_read(s->fd, s->vm, 0, (const char *)base + i * block, seen, block);
		bad = svm_buf_check(seen, block, seed + (uint32_t)i);
		igt_assert_f(bad < 0, "%s: the device read block %zu (%p) and byte %ld differs\n",
			     what, i, (const char *)base + i * block, bad);
	}
}

bool vgpu_vma_of(const void *addr, uintptr_t *start, uintptr_t *end)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi;
	char line[512];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && lo <= (uintptr_t)addr &&
		    (uintptr_t)addr < hi) {
			*start = lo;
			*end = hi;
			found = true;
		}
	if (f)
		fclose(f);
	return found;
}
