/* SPDX-License-Identifier: MIT */
/* svm_dev ops on the virtual SVM GPU (see vgpu_backend.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "igt_core.h"
#include "util.h"
#include "vgpu_backend.h"
#include "vgpu_cpu_pages.h"
#include "vgpu_ioctl.h"

struct region {
	uintptr_t start, end;
};

struct vgpu_priv {
	struct vgpu_svm_state s;
	/* The caller's threads share the handle: its regions and fault count. */
	pthread_mutex_t lock;
	struct region *regions;		/* sorted by start, disjoint */
	size_t num_regions, room;
};

static const struct svm_variant vgpu_variants[] = {
	{ "fault", "the device faults pages in" },
	{ "ioctl", "ranges are mapped by the driver before the device runs; no faults" },
};

static struct vgpu_priv *priv(const struct svm_dev *dev)
{
	return dev->priv;
}

const struct vgpu_svm_state *vgpu_svm_state(const struct svm_dev *dev)
{
	return dev->backend == &svm_vgpu_backend && dev->priv ? &priv(dev)->s : NULL;
}

uint32_t vgpu_variant_mode(const struct svm_variant *variant)
{
	return variant && !strcmp(variant->name, "ioctl") ? VGPU_VM_MODE_IOCTL : VGPU_VM_MODE_FAULT;
}

const char *vgpu_mode_name(uint32_t mode)
{
	return mode == VGPU_VM_MODE_FAULT ? "fault" : mode == VGPU_VM_MODE_IOCTL ? "ioctl" : "unknown";
}

/* ---- regions ------------------------------------------------------------- */

static int add_region(struct vgpu_priv *p, uintptr_t start, uintptr_t end)
{
	size_t i;

	if (p->num_regions == p->room) {
		size_t room = p->room ? 2 * p->room : 64;
		struct region *grown = realloc(p->regions, room * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		p->regions = grown;
		p->room = room;
	}
	for (i = p->num_regions; i > 0 && p->regions[i - 1].start > start; i--)
		p->regions[i] = p->regions[i - 1];
	p->regions[i] = (struct region){ start, end };
	p->num_regions++;
	return 0;
}

static void bind_gap(struct svm_dev *dev, struct vgpu_priv *p, uintptr_t start, uintptr_t end)
{
	int ret = __vgpu_bind(dev->fd, p->s.vm, VGPU_BIND_MAP, start, end - start);

	if (!ret)
		ret = add_region(p, start, end);
	if (ret)
		igt_debug("vgpu: BIND MAP %#" PRIxPTR "-%#" PRIxPTR " (vm %u): %s\n",
			  start, end, p->s.vm, strerror(-ret));
}

/* The first region that ends after @addr (regions are disjoint: ends sort as starts do). */
static const struct region *region_after(const struct vgpu_priv *p, uintptr_t addr)
{
	for (size_t i = 0; i < p->num_regions; i++)
		if (p->regions[i].end > addr)
			return &p->regions[i];
	return NULL;
}

/* Binds what of [addr, addr+len), rounded out to pages, no region covers yet. */
static void ensure_bound(struct svm_dev *dev, const void *addr, size_t len)
{
	struct vgpu_priv *p = priv(dev);
	uintptr_t mask = dev->page_size - 1;
	uintptr_t cursor = (uintptr_t)addr & ~mask;
	uintptr_t end = ((uintptr_t)addr + len + mask) & ~mask;

	pthread_mutex_lock(&p->lock);
	while (cursor < end) {
		const struct region *r = region_after(p, cursor);
		uintptr_t next;

		if (!r || r->start >= end) {
			bind_gap(dev, p, cursor, end);
			break;
		}
		/* Read before bind_gap() moves the array under r. */
		next = r->end;
		if (r->start > cursor)
			bind_gap(dev, p, cursor, r->start);
		cursor = next;
	}
	pthread_mutex_unlock(&p->lock);
}

static int vgpu_mirror(struct svm_dev *dev, void *addr, size_t len)
{
	ensure_bound(dev, addr, len);
	return 0;
}

/* ---- open/close ---------------------------------------------------------- */

static void vgpu_close(struct svm_dev *dev)
{
	struct vgpu_priv *p = priv(dev);

	if (p) {
		if (p->s.vm) {
			/* The contract: this handle's device pages go back with their data. */
			__vgpu_evict(dev->fd, p->s.vm, VGPU_EVICT_ALL, 0, 0, NULL);
			__vgpu_vm_destroy(dev->fd, p->s.vm);
		}
		free(p->regions);
		pthread_mutex_destroy(&p->lock);
		free(p);
		dev->priv = NULL;
	}
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

static int setup(struct svm_dev *dev, struct vgpu_priv *p)
{
	uint32_t mode = vgpu_variant_mode(dev->variant);
	int ret = __vgpu_device_query(dev->fd, &p->s.info);

	if (ret)
		return ret;
	if (!p->s.info.page_size || p->s.info.page_size & (p->s.info.page_size - 1) ||
	    !p->s.info.num_tiles || p->s.info.num_tiles > VGPU_MAX_TILES) {
		svm_dev_set_unsupported("vgpu device reports page size %" PRIu64 " and %u tiles",
					(uint64_t)p->s.info.page_size, p->s.info.num_tiles);
		return -EPROTO;
	}
	dev->page_size = p->s.info.page_size;
	p->s.mode = mode;
	p->s.tile = 0;
	ret = __vgpu_vm_create(dev->fd, mode, &p->s.vm);
	if (ret && mode == VGPU_VM_MODE_IOCTL && (ret == -EOPNOTSUPP || ret == -EINVAL)) {
		svm_dev_set_unsupported("the vgpu module refuses IOCTL-mode VMs (VM_CREATE: %s)",
					strerror(-ret));
		return -EOPNOTSUPP;
	}
	return ret;
}

static int vgpu_open(struct svm_dev *dev, const struct igt_device_info *info)
{
	struct vgpu_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	dev->priv = p;
	dev->fd = open(info->devnode, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		ret = -errno;
		vgpu_close(dev);
		return ret;
	}
	ret = setup(dev, p);
	if (ret)
		vgpu_close(dev);
	return ret;
}

/* ---- device accesses ----------------------------------------------------- */

/* The VM's fault count, for svm_dev.faults; a failed read leaves it as it was. */
static void update_faults(struct svm_dev *dev)
{
	struct vgpu_priv *p = priv(dev);
	struct drm_vgpu_counters c;

	if (__vgpu_query_counters(dev->fd, p->s.vm, &c))
		return;
	pthread_mutex_lock(&p->lock);
	dev->faults = c.faults;
	pthread_mutex_unlock(&p->lock);
}

/* A job bigger than EXEC allows goes in pieces. */
static size_t piece(size_t left)
{
	return left < VGPU_EXEC_MAX_SIZE ? left : (size_t)VGPU_EXEC_MAX_SIZE;
}

static int vgpu_gpu_read(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	struct vgpu_priv *p = priv(dev);
	int ret = 0;

	ensure_bound(dev, src, len);
	for (size_t off = 0; !ret && off < len; off += piece(len - off))
		ret = __vgpu_read(dev->fd, p->s.vm, p->s.tile, (const char *)src + off,
				  (char *)dst + off, piece(len - off));
	update_faults(dev);
	return ret;
}

static int vgpu_gpu_write(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	struct vgpu_priv *p = priv(dev);
	int ret = 0;

	ensure_bound(dev, dst, len);
	for (size_t off = 0; !ret && off < len; off += piece(len - off))
		ret = __vgpu_write(dev->fd, p->s.vm, p->s.tile, (char *)dst + off,
				   (const char *)src + off, piece(len - off));
	update_faults(dev);
	return ret;
}

/*
 * One COPY job is a memmove; split into pieces, an overlapping copy to a
 * higher address must go from the end so no piece reads what another wrote.
 */
static int vgpu_gpu_copy(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	struct vgpu_priv *p = priv(dev);
	bool backwards = (uintptr_t)dst > (uintptr_t)src && (uintptr_t)dst < (uintptr_t)src + len;
	int ret = 0;

	ensure_bound(dev, src, len);
	ensure_bound(dev, dst, len);
	for (size_t done = 0; !ret && done < len;) {
		size_t n = piece(len - done);
		size_t off = backwards ? len - done - n : done;

		ret = __vgpu_copy(dev->fd, p->s.vm, p->s.tile, (char *)dst + off,
				  (const char *)src + off, n);
		done += n;
	}
	update_faults(dev);
	return ret;
}

static int vgpu_gpu_atomic_inc(struct svm_dev *dev, uint32_t *addr)
{
	struct vgpu_priv *p = priv(dev);
	int ret;

	ensure_bound(dev, addr, sizeof(*addr));
	ret = __vgpu_atomic_inc(dev->fd, p->s.vm, p->s.tile, addr, NULL);
	update_faults(dev);
	return ret;
}

/* ---- migration, attributes, residency ------------------------------------ */

/* Whether a VMA of [start, end) is hugetlb ("ht" in its smaps VmFlags). */
static bool has_hugetlb(uintptr_t start, uintptr_t end)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	unsigned long lo, hi;
	bool inside = false, found = false;
	char line[512];

	while (f && !found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			inside = lo < end && hi > start;
		else if (inside && !strncmp(line, "VmFlags:", 8))
			found = strstr(line, " ht") != NULL;
	}
	if (f)
		fclose(f);
	return found;
}

static int vgpu_migrate(struct svm_dev *dev, void *addr, size_t len, enum svm_location to,
			uint64_t *moved)
{
	struct vgpu_priv *p = priv(dev);
	size_t span = (len + dev->page_size - 1) & ~(dev->page_size - 1);
	int32_t loc = to == SVM_LOC_DEVICE ? (int32_t)p->s.tile : VGPU_LOC_SYSTEM;
	int ret;

	ensure_bound(dev, addr, span);
	ret = __vgpu_prefetch(dev->fd, p->s.vm, loc, (uintptr_t)addr, span, moved);
	if (!ret && has_hugetlb((uintptr_t)addr, (uintptr_t)addr + span))
		ret = -EINVAL;
	return ret;
}

static int vgpu_prefer(struct svm_dev *dev, void *addr, size_t len, enum svm_location loc)
{
	struct vgpu_priv *p = priv(dev);
	size_t span = (len + dev->page_size - 1) & ~(dev->page_size - 1);

	ensure_bound(dev, addr, span);
	return __vgpu_set_attr(dev->fd, p->s.vm, VGPU_ATTR_PREFERRED_LOC, (uintptr_t)addr, span,
			       loc == SVM_LOC_DEVICE ? VGPU_LOC_FAULTING_TILE : VGPU_LOC_SYSTEM);
}

static void decode_page(const struct vgpu_svm_state *s, uint32_t page, uint8_t cpu,
			struct svm_page_state *out)
{
	/* Not mapped by the device, but the driver knows where it lives. */
	if (page & VGPU_PAGE_RESIDENT) {
		out->where = (page & VGPU_PAGE_WHERE_MASK) == VGPU_PAGE_SYSTEM ? SVM_RES_SYSTEM :
			     VGPU_PAGE_TILE_OF(page) == s->tile ? SVM_RES_LOCAL : SVM_RES_REMOTE;
		out->prot = 0;
		return;
	}
	switch (page & VGPU_PAGE_WHERE_MASK) {
	case VGPU_PAGE_SYSTEM:
		out->where = SVM_RES_SYSTEM;
		break;
	case VGPU_PAGE_TILE:
		out->where = VGPU_PAGE_TILE_OF(page) == s->tile ? SVM_RES_LOCAL : SVM_RES_REMOTE;
		break;
	case VGPU_PAGE_NONE:
		out->where = cpu == VGPU_CPU_PRESENT ? SVM_RES_SYSTEM :
			     cpu == VGPU_CPU_ENTRY ? SVM_RES_UNKNOWN : SVM_RES_NONE;
		out->prot = 0;
		return;
	default:
		out->where = SVM_RES_UNKNOWN;
		out->prot = 0;
		return;
	}
	out->prot = SVM_PROT_READ;
	if (page & VGPU_PAGE_WRITABLE)
		out->prot |= SVM_PROT_WRITE;
	if (page & VGPU_PAGE_HUGE)
		out->prot |= SVM_PROT_PMD;
}

static int vgpu_query(struct svm_dev *dev, const void *addr, size_t npages,
		      struct svm_page_state *out)
{
	struct vgpu_priv *p = priv(dev);
	uint32_t *pages = malloc(npages * sizeof(*pages));
	uint8_t *cpu = malloc(npages);
	int ret = pages && cpu ? 0 : -ENOMEM;

	if (!ret)
		ret = __vgpu_query_pages(dev->fd, p->s.vm, addr, npages, pages);
	if (!ret)
		ret = vgpu_cpu_pages(addr, npages, cpu);
	for (size_t i = 0; !ret && i < npages; i++)
		decode_page(&p->s, pages[i], cpu[i], &out[i]);
	free(cpu);
	free(pages);
	return ret;
}

static int vgpu_release(struct svm_dev *dev)
{
	return __vgpu_evict(dev->fd, priv(dev)->s.vm, VGPU_EVICT_ALL, 0, 0, NULL);
}

static const struct svm_dev_ops vgpu_ops = {
	.open = vgpu_open,
	.close = vgpu_close,
	.mirror = vgpu_mirror,
	.gpu_read = vgpu_gpu_read,
	.gpu_write = vgpu_gpu_write,
	.gpu_copy = vgpu_gpu_copy,
	.gpu_atomic_inc = vgpu_gpu_atomic_inc,
	.migrate = vgpu_migrate,
	.prefer = vgpu_prefer,
	.query = vgpu_query,
	.release = vgpu_release,
};

/* Every device has device memory (vram_mb >= 1 per tile): no open narrows these. */
const struct svm_backend svm_vgpu_backend = {
	.name = "vgpu",
	.kind = IGT_DEV_DRM_RENDER,
	.driver = VGPU_DRIVER_NAME,
	.caps = SVM_CAP_GPU_READ | SVM_CAP_GPU_WRITE | SVM_CAP_GPU_COPY |
		SVM_CAP_GPU_ATOMIC | SVM_CAP_MIGRATE | SVM_CAP_PREFER |
		SVM_CAP_RESIDENCY | SVM_CAP_PROTECTION | SVM_CAP_RELEASE | SVM_CAP_SUBPAGE,
	.ops = &vgpu_ops,
	.variants = vgpu_variants,
	.num_variants = ARRAY_SIZE(vgpu_variants),
};
