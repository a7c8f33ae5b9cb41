/* SPDX-License-Identifier: MIT */
/*
 * The SVM attribute ioctl: the process's SVM ranges and their attributes,
 * as kfd_svm.c keeps them.  Ranges are disjoint [start, last] in pages,
 * sorted; a SET that overlaps ranges splits them at its boundaries and
 * fills the gaps with new ranges of default attributes (svm_range_add), a
 * GET folds every range it intersects (svm_range_get_attr), and a CPU
 * unmap cuts ranges as the MMU notifier's svm_range_unmap_from_cpu does.
 *
 * Checks, in the kernel's order: svm_ioctl (op), svm_range_check_attr
 * (types, gpu_ids), the process VM (svm_range_set_attr: ACQUIRE_VM must
 * have happened), svm_range_is_valid (overflow, every page in a VMA that
 * is not a device mapping), and for GET the attribute types it can report.
 *
 * A SET migrates each range it touches to its PREFETCH_LOC
 * (svm_range_trigger_migration, kfd_migrate.c moves the pages).  The GPUs'
 * page tables: with XNACK off a GPU maps exactly the ranges whose access
 * bitmaps name it; with XNACK on only what validate_and_map mapped at SET
 * (ACCESS_IN_PLACE GPUs, the GPU a prefetch moved the range to) and what
 * retry faults mapped since, kept per GPU as page intervals, which a
 * migration's MMU notifier takes away again.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "kfd.h"
#include "vdev.h"

/* amdgpu_svm_default_granularity's default: 2 MiB (log2 of 512 pages). */
#define DEFAULT_GRANULARITY 9

struct svm_range {
	uint64_t start, last;		/* pages, inclusive */
	uint32_t preferred_loc, prefetch_loc;
	uint32_t flags;
	uint8_t granularity;
	uint32_t access, access_in_place;	/* bitmaps of GPU indices */
	bool mapped_to_gpu;		/* XNACK off: a SET mapped it on its access GPUs */
	struct svm_range *next;
};

static struct svm_range *ranges;
static pid_t ranges_pid;		/* a fork child starts with no ranges of its own */

/* XNACK on: the pages each GPU's page table maps, disjoint and sorted. */
struct gpu_map {
	uint64_t first, last;
	struct gpu_map *next;
};

static struct gpu_map *gpu_maps[VDEV_KFD_MAX_GPUS];
static unsigned int queues_evicted;	/* svms->evicted_ranges, as a nesting count */

static uint32_t supported_gpus(void)
{
	return (1u << vdev_kfd->num_gpus) - 1;
}

static struct svm_range **list(void)
{
	if (ranges_pid != getpid()) {
		/*
		 * A fork child: the inherited list is the parent's KFD
		 * process's, a copy nothing else here points to.  It goes.
		 */
		for (struct svm_range *r = ranges, *next; ranges_pid && r; r = next) {
			next = r->next;
			free(r);
		}
		ranges = NULL;
		for (unsigned int i = 0; i < VDEV_KFD_MAX_GPUS; i++) {
			for (struct gpu_map *m = gpu_maps[i], *next; ranges_pid && m; m = next) {
				next = m->next;
				free(m);
			}
			gpu_maps[i] = NULL;
		}
		queues_evicted = 0;
		ranges_pid = getpid();
	}
	return &ranges;
}

/* svm_range_new with svm_range_set_default_attributes. */
static struct svm_range *range_new(uint64_t start, uint64_t last)
{
	struct svm_range *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->start = start;
	r->last = last;
	r->preferred_loc = KFD_IOCTL_SVM_LOCATION_UNDEFINED;
	r->prefetch_loc = KFD_IOCTL_SVM_LOCATION_UNDEFINED;
	r->granularity = DEFAULT_GRANULARITY;
	r->flags = KFD_IOCTL_SVM_FLAG_HOST_ACCESS | KFD_IOCTL_SVM_FLAG_COHERENT;
	r->access = vdev_kfd_proc.xnack_enabled ? supported_gpus() : 0;
	return r;
}

/* Cuts @r in two at page @at (r->start < at <= r->last); -ENOMEM. */
static int range_split(struct svm_range *r, uint64_t at)
{
	struct svm_range *tail = malloc(sizeof(*tail));

	if (!tail)
		return -ENOMEM;
	*tail = *r;
	tail->start = at;
	r->last = at - 1;
	r->next = tail;
	return 0;
}

static int gpuidx_of(uint32_t gpu_id)
{
	return vdev_kfd_gpuidx(gpu_id);
}

/* svm_range_check_attr: known types, and gpu_ids of this process. */
static long check_attrs(uint32_t nattr, const struct kfd_ioctl_svm_attribute *attrs)
{
	for (uint32_t i = 0; i < nattr; i++) {
		uint32_t val = attrs[i].value;
		int idx = 0;

		switch (attrs[i].type) {
		case KFD_IOCTL_SVM_ATTR_PREFERRED_LOC:
			if (val != KFD_IOCTL_SVM_LOCATION_SYSMEM &&
			    val != KFD_IOCTL_SVM_LOCATION_UNDEFINED)
				idx = gpuidx_of(val);
			break;
		case KFD_IOCTL_SVM_ATTR_PREFETCH_LOC:
			if (val != KFD_IOCTL_SVM_LOCATION_SYSMEM)
				idx = gpuidx_of(val);
			break;
		case KFD_IOCTL_SVM_ATTR_ACCESS:
		case KFD_IOCTL_SVM_ATTR_ACCESS_IN_PLACE:
		case KFD_IOCTL_SVM_ATTR_NO_ACCESS:
			idx = gpuidx_of(val);
			break;
		case KFD_IOCTL_SVM_ATTR_SET_FLAGS:
		case KFD_IOCTL_SVM_ATTR_CLR_FLAGS:
		case KFD_IOCTL_SVM_ATTR_GRANULARITY:
			break;
		default:
			return vdev_kfd_reject(-EINVAL, "svm_range_check_attr: unknown type");
		}
		if (idx < 0)
			return vdev_kfd_reject(-EINVAL, "svm_range_check_attr: no such GPU");
	}
	return 0;
}

/* svm_range_apply_attrs */
static void apply_attrs(struct svm_range *r, uint32_t nattr,
			const struct kfd_ioctl_svm_attribute *attrs)
{
	for (uint32_t i = 0; i < nattr; i++) {
		uint32_t val = attrs[i].value, bit;

		switch (attrs[i].type) {
		case KFD_IOCTL_SVM_ATTR_PREFERRED_LOC:
			r->preferred_loc = val;
			break;
		case KFD_IOCTL_SVM_ATTR_PREFETCH_LOC:
			r->prefetch_loc = val;
			break;
		case KFD_IOCTL_SVM_ATTR_ACCESS:
		case KFD_IOCTL_SVM_ATTR_ACCESS_IN_PLACE:
		case KFD_IOCTL_SVM_ATTR_NO_ACCESS:
			bit = 1u << gpuidx_of(val);
			r->access &= ~bit;
			r->access_in_place &= ~bit;
			if (attrs[i].type == KFD_IOCTL_SVM_ATTR_ACCESS)
				r->access |= bit;
			else if (attrs[i].type == KFD_IOCTL_SVM_ATTR_ACCESS_IN_PLACE)
				r->access_in_place |= bit;
			break;
		case KFD_IOCTL_SVM_ATTR_SET_FLAGS:
			r->flags |= val;
			break;
		case KFD_IOCTL_SVM_ATTR_CLR_FLAGS:
			r->flags &= ~val;
			break;
		case KFD_IOCTL_SVM_ATTR_GRANULARITY:
			r->granularity = val < 0x3f ? (uint8_t)val : 0x3f;
			break;
		}
	}
}

/*
 * Whether [addr, addr + len) is all inside VMAs: mincore() fails with
 * ENOMEM on a page no VMA covers, as vma_lookup() would find none.
 */
bool vdev_kfd_cpu_mapped(uint64_t addr, uint64_t len)
{
	/* mincore() answers a byte per host page, whatever kfd's page size. */
	unsigned char vec[256];
	const uint64_t chunk = sizeof(vec) * VDEV_HOST_PAGE_SIZE;

	while (len) {
		uint64_t n = len < chunk ? len : chunk;

		if (mincore((void *)(uintptr_t)addr, n, vec))
			return false;
		addr += n;
		len -= n;
	}
	return true;
}

/*
 * svm_range_is_valid (pages).  The size and overflow checks are
 * "drm/amdkfd: add sanity check in svm_range_is_valid" (6.12.117): without
 * it (bug model svm-range-overflow) the end wraps, the VMA walk stops after
 * the first VMA, and a range far past the address space passes: 1 then.
 */
static long range_is_valid(uint64_t start, uint64_t npages)
{
	uint64_t addr = start << VDEV_KFD_PAGE_SHIFT, end;

	if (vdev_bugs & VDEV_BUG_KFD_RANGE_OVERFLOW) {
		end = addr + (npages << VDEV_KFD_PAGE_SHIFT);
		if (end < addr)
			return vdev_kfd_cpu_mapped(addr, VDEV_KFD_PAGE_SIZE)
				       ? 1 : vdev_kfd_reject(-EFAULT, "svm_range_is_valid: no VMA");
	} else {
		if (!npages)
			return vdev_kfd_reject(-EINVAL, "svm_range_is_valid: size 0");
		if (__builtin_add_overflow(addr, npages << VDEV_KFD_PAGE_SHIFT, &end))
			return vdev_kfd_reject(-EOVERFLOW, "svm_range_is_valid: overflow");
	}
	if (!vdev_kfd_cpu_mapped(addr, end - addr))
		return vdev_kfd_reject(-EFAULT, "svm_range_is_valid: no VMA");
	return 0;
}

/*
 * svm_range_add + apply: after it, [start, last] is covered exactly by
 * ranges (old ones split at the boundaries, gaps new), each with @attrs
 * applied.  Allocations come first, so a failure changes nothing visible
 * but harmless splits.
 */
static long set_attrs(uint64_t start, uint64_t last, uint32_t nattr,
		      const struct kfd_ioctl_svm_attribute *attrs)
{
	struct svm_range **pp = list(), *r;
	uint64_t at = start;

	/* Split the ranges that straddle start and last. */
	for (r = *pp; r; r = r->next) {
		if (r->start < start && r->last >= start && range_split(r, start))
			return -ENOMEM;
		if (r->start <= last && r->last > last && range_split(r, last + 1))
			return -ENOMEM;
	}
	/* Walk in order, filling gaps inside [start, last]. */
	while (at <= last) {
		while (*pp && (*pp)->last < at)
			pp = &(*pp)->next;
		if (*pp && (*pp)->start == at) {
			apply_attrs(*pp, nattr, attrs);
			at = (*pp)->last + 1;
			if (!at)
				break;
			pp = &(*pp)->next;
			continue;
		}
		/* A gap from @at up to the next range or @last. */
		uint64_t gap_last = *pp && (*pp)->start <= last ? (*pp)->start - 1 : last;

		r = range_new(at, gap_last);
		if (!r)
			return -ENOMEM;
		apply_attrs(r, nattr, attrs);
		r->next = *pp;
		*pp = r;
		pp = &r->next;
		at = gap_last + 1;
		if (!at)
			break;
	}
	return 0;
}

static void trigger_migrations(uint64_t start, uint64_t last);

static long svm_set(uint64_t start, uint64_t npages, uint32_t nattr,
		    const struct kfd_ioctl_svm_attribute *attrs)
{
	long ret = check_attrs(nattr, attrs);
	bool acquired = false;

	if (ret)
		return ret;
	/* kgd_process_info exists once a GPU VM was acquired. */
	for (unsigned int i = 0; i < vdev_kfd->num_gpus; i++)
		acquired |= vdev_kfd_proc.bound_fd[i] >= 0;
	if (!acquired)
		return vdev_kfd_reject(-EINVAL, "svm_range_set_attr: no process VM (ACQUIRE_VM)");
	ret = range_is_valid(start, npages);
	if (ret < 0)
		return ret;
	/*
	 * svm-range-overflow let a wrapping range through: the old kernel
	 * then added a range up to the top of the page numbers; vdev adds
	 * nothing, so that the model changes this one answer only.
	 */
	if (ret)
		return 0;
	ret = set_attrs(start, start + npages - 1, nattr, attrs);
	if (!ret)
		trigger_migrations(start, start + npages - 1);
	return ret;
}

static long svm_get(uint64_t start, uint64_t npages, uint32_t nattr,
		    struct kfd_ioctl_svm_attribute *attrs)
{
	uint32_t location = KFD_IOCTL_SVM_LOCATION_UNDEFINED;
	uint32_t prefetch_loc = KFD_IOCTL_SVM_LOCATION_UNDEFINED;
	uint32_t flags_and = 0xffffffff, flags_or = 0, access, aip;
	bool get_preferred = false, get_prefetch = false, get_access = false;
	bool get_flags = false, get_granularity = false, found = false;
	uint64_t last = start + npages - 1;
	uint8_t granularity = 0xff;
	long ret = range_is_valid(start, npages);

	if (ret < 0)
		return ret;
	for (uint32_t i = 0; i < nattr; i++) {
		switch (attrs[i].type) {
		case KFD_IOCTL_SVM_ATTR_PREFERRED_LOC:
			get_preferred = true;
			break;
		case KFD_IOCTL_SVM_ATTR_PREFETCH_LOC:
			get_prefetch = true;
			break;
		case KFD_IOCTL_SVM_ATTR_ACCESS:
			get_access = true;
			break;
		case KFD_IOCTL_SVM_ATTR_SET_FLAGS:
		case KFD_IOCTL_SVM_ATTR_CLR_FLAGS:
			get_flags = true;
			break;
		case KFD_IOCTL_SVM_ATTR_GRANULARITY:
			get_granularity = true;
			break;
		default:	/* ACCESS_IN_PLACE and NO_ACCESS are answers, not questions */
			return vdev_kfd_reject(-EINVAL, "svm_range_get_attr: attribute type");
		}
	}
	access = aip = supported_gpus();
	for (struct svm_range *r = *list(); r && r->start <= last; r = r->next) {
		if (r->last < start)
			continue;
		found = true;
		if (get_preferred) {
			if (r->preferred_loc == KFD_IOCTL_SVM_LOCATION_UNDEFINED ||
			    (location != KFD_IOCTL_SVM_LOCATION_UNDEFINED &&
			     location != r->preferred_loc)) {
				location = KFD_IOCTL_SVM_LOCATION_UNDEFINED;
				get_preferred = false;
			} else {
				location = r->preferred_loc;
			}
		}
		if (get_prefetch) {
			if (r->prefetch_loc == KFD_IOCTL_SVM_LOCATION_UNDEFINED ||
			    (prefetch_loc != KFD_IOCTL_SVM_LOCATION_UNDEFINED &&
			     prefetch_loc != r->prefetch_loc)) {
				prefetch_loc = KFD_IOCTL_SVM_LOCATION_UNDEFINED;
				get_prefetch = false;
			} else {
				prefetch_loc = r->prefetch_loc;
			}
		}
		if (get_access) {
			access &= r->access;
			aip &= r->access_in_place;
		}
		if (get_flags) {
			flags_and &= r->flags;
			flags_or |= r->flags;
		}
		if (get_granularity && r->granularity < granularity)
			granularity = r->granularity;
	}
	if (!found) {
		/* No range: the defaults a new one would get. */
		granularity = DEFAULT_GRANULARITY;
		flags_and = flags_or = KFD_IOCTL_SVM_FLAG_HOST_ACCESS | KFD_IOCTL_SVM_FLAG_COHERENT;
		access = vdev_kfd_proc.xnack_enabled ? supported_gpus() : 0;
		aip = 0;
	}
	for (uint32_t i = 0; i < nattr; i++) {
		int idx;

		switch (attrs[i].type) {
		case KFD_IOCTL_SVM_ATTR_PREFERRED_LOC:
			attrs[i].value = location;
			break;
		case KFD_IOCTL_SVM_ATTR_PREFETCH_LOC:
			attrs[i].value = prefetch_loc;
			break;
		case KFD_IOCTL_SVM_ATTR_ACCESS:
			idx = gpuidx_of(attrs[i].value);
			if (idx < 0)
				return vdev_kfd_reject(-EINVAL, "svm_range_get_attr: no such GPU");
			attrs[i].type = access & (1u << idx) ? KFD_IOCTL_SVM_ATTR_ACCESS
				      : aip & (1u << idx) ? KFD_IOCTL_SVM_ATTR_ACCESS_IN_PLACE
				      : KFD_IOCTL_SVM_ATTR_NO_ACCESS;
			break;
		case KFD_IOCTL_SVM_ATTR_SET_FLAGS:
			attrs[i].value = flags_and;
			break;
		case KFD_IOCTL_SVM_ATTR_CLR_FLAGS:
			attrs[i].value = ~flags_or;
			break;
		case KFD_IOCTL_SVM_ATTR_GRANULARITY:
			attrs[i].value = granularity;
			break;
		}
	}
	return 0;
}

/*
 * svm_ioctl.  An unknown op is -EINVAL since "drm/amdkfd: Fix error code
 * sign for EINVAL in svm_ioctl()"; before it (bug model svm-einval-sign)
 * the ioctl returned +EINVAL, which user space sees as a return value of
 * 22 with errno untouched: a "success" that did nothing.
 */
long vdev_kfd_svm(uint32_t op, uint64_t start, uint64_t size, uint32_t nattr,
		  struct kfd_ioctl_svm_attribute *attrs)
{
	start >>= VDEV_KFD_PAGE_SHIFT;
	size >>= VDEV_KFD_PAGE_SHIFT;
	vdev_kfd_vram_sync();
	switch (op) {
	case KFD_IOCTL_SVM_OP_SET_ATTR:
		return svm_set(start, size, nattr, attrs);
	case KFD_IOCTL_SVM_OP_GET_ATTR:
		return svm_get(start, size, nattr, attrs);
	default:
		if (vdev_bugs & VDEV_BUG_KFD_EINVAL_SIGN)
			return EINVAL;
		return vdev_kfd_reject(-EINVAL, "svm_ioctl: op");
	}
}

/* The range holding page @page, NULL if none. */
static struct svm_range *range_at(uint64_t page)
{
	for (struct svm_range *r = *list(); r && r->start <= page; r = r->next)
		if (r->last >= page)
			return r;
	return NULL;
}

/* ---- the GPUs' page tables with XNACK on ---- */

static bool map_has(unsigned int gpu, uint64_t page)
{
	for (const struct gpu_map *m = gpu_maps[gpu]; m && m->first <= page; m = m->next)
		if (m->last >= page)
			return true;
	return false;
}

/* Unmaps [first, last] from @gpu: whether any page of it was mapped. */
static bool map_del(unsigned int gpu, uint64_t first, uint64_t last)
{
	struct gpu_map **pp = &gpu_maps[gpu];
	bool hit = false;

	while (*pp && (*pp)->first <= last) {
		struct gpu_map *m = *pp;

		if (m->last < first) {
			pp = &m->next;
			continue;
		}
		hit = true;
		if (m->first < first && m->last > last) {
			struct gpu_map *tail = malloc(sizeof(*tail));

			/* Out of memory, the tail goes too: it only costs a retry fault. */
			if (tail) {
				*tail = (struct gpu_map){ last + 1, m->last, m->next };
				m->next = tail;
			}
			m->last = first - 1;
			break;
		}
		if (m->first < first) {
			m->last = first - 1;
			pp = &m->next;
		} else if (m->last > last) {
			m->first = last + 1;
			break;
		} else {
			*pp = m->next;
			free(m);
		}
	}
	return hit;
}

/* Maps [first, last] on @gpu, merged with its neighbours; -ENOMEM. */
static int map_add(unsigned int gpu, uint64_t first, uint64_t last)
{
	struct gpu_map **pp, *m, *prev = NULL;

	map_del(gpu, first, last);
	for (pp = &gpu_maps[gpu]; *pp && (*pp)->first < first; pp = &(*pp)->next)
		prev = *pp;
	if (prev && prev->last + 1 == first) {
		prev->last = last;
		m = prev;
	} else {
		m = malloc(sizeof(*m));
		if (!m)
			return -ENOMEM;
		*m = (struct gpu_map){ first, last, *pp };
		*pp = m;
	}
	if (m->next && m->next->first == m->last + 1) {
		struct gpu_map *next = m->next;

		m->last = next->last;
		m->next = next->next;
		free(next);
	}
	return 0;
}

/* Whether the range's GPU mappings follow its attributes, as with XNACK off. */
static bool always_mapped(const struct svm_range *r)
{
	return !vdev_kfd_proc.xnack_enabled || (r->flags & KFD_IOCTL_SVM_FLAG_GPU_ALWAYS_MAPPED);
}

/* ---- migration policy ---- */

static struct vdev_kfd_mig mig_of(const struct svm_range *r, int trigger)
{
	return (struct vdev_kfd_mig){ r->prefetch_loc, r->preferred_loc, trigger };
}

/*
 * svm_range_best_prefetch_location: the GPU of PREFETCH_LOC, but system
 * memory for an APU and when another GPU maps the range (the XNACK-off
 * access GPUs, or the in-place ones) that is not in its XGMI hive -- vdev's
 * GPUs share none.
 */
static int best_prefetch(const struct svm_range *r)
{
	int idx = gpuidx_of(r->prefetch_loc);
	uint32_t others;

	if (idx < 0 || !vdev_kfd->gpus[idx].vram_size)
		return VDEV_KFD_SYSMEM;
	others = vdev_kfd_proc.xnack_enabled ? r->access_in_place : r->access | r->access_in_place;
	return others & ~(1u << idx) ? VDEV_KFD_SYSMEM : idx;
}

/*
 * After a SET: svm_range_trigger_migration on each range of [start, last]
 * whose PREFETCH_LOC is not where it already is, then
 * svm_range_validate_and_map: XNACK off (or GPU_ALWAYS_MAPPED) on every
 * GPU the attributes name; XNACK on, the in-place GPUs and the one holding
 * the range if it may access it.
 */
static void trigger_migrations(uint64_t start, uint64_t last)
{
	for (struct svm_range *r = *list(); r && r->start <= last; r = r->next) {
		int loc;

		if (r->last < start)
			continue;
		loc = vdev_kfd_vram_loc(r->start, r->last);
		if (r->prefetch_loc != KFD_IOCTL_SVM_LOCATION_UNDEFINED) {
			int best = best_prefetch(r);
			struct vdev_kfd_mig mig = mig_of(r, KFD_MIGRATE_TRIGGER_PREFETCH);

			if (best != loc) {
				vdev_kfd_migrate(r->start, r->last, best, &mig);
				loc = vdev_kfd_vram_loc(r->start, r->last);
			}
		}
		if (always_mapped(r)) {
			r->mapped_to_gpu = (r->access | r->access_in_place) != 0;
			continue;
		}
		for (unsigned int g = 0; g < vdev_kfd->num_gpus; g++) {
			uint32_t bit = 1u << g;

			if ((r->access_in_place & bit) || ((r->access & bit) && loc == (int)g))
				map_add(g, r->start, r->last);
		}
	}
}

/*
 * svm_range_best_restore_location for GPU @gpu (it may access the range):
 * an APU keeps system memory; the preferred location if it is this GPU or
 * system memory (a peer GPU would have to be in this GPU's hive); an
 * ACCESS GPU pulls the pages to its VRAM; an in-place one leaves them where
 * it reaches them (system memory, its own VRAM), else system memory.
 */
static int best_restore(const struct svm_range *r, unsigned int gpu)
{
	int loc;

	if (!vdev_kfd->gpus[gpu].vram_size)
		return VDEV_KFD_SYSMEM;
	if (r->preferred_loc == vdev_kfd->gpus[gpu].gpu_id)
		return (int)gpu;
	if (r->preferred_loc == KFD_IOCTL_SVM_LOCATION_SYSMEM)
		return VDEV_KFD_SYSMEM;
	/*
	 * The kernel would answer this GPU here (the range's access bit):
	 * every first GPU touch of anonymous memory (but the heap's and the
	 * stack's, which it prefers in system memory) moves it to VRAM.  vdev
	 * migrates on a fault only where the range asked for this GPU, as it
	 * does for xe (README, "What vdev does not model"): emulated VRAM is
	 * PROT_NONE in /proc/self/maps, which would misstate the CPU mapping
	 * to every test that reads it, and moving a fault's chunk can take
	 * vdev's own memory of a merged VMA along.  Pages already in some
	 * GPU's VRAM still come to this one, as the kernel moves them.
	 */
	loc = vdev_kfd_vram_loc(r->start, r->last);
	if (r->access & (1u << gpu))
		return loc >= 0 ? (int)gpu : VDEV_KFD_SYSMEM;
	return loc == (int)gpu ? loc : VDEV_KFD_SYSMEM;
}

/*
 * svm_range_create_unregistered_range: the VMA's pages around @page within
 * its 2 MiB-aligned block, not overlapping other ranges, default
 * attributes (every GPU may access).  vdev takes the mapped pages around
 * @page, which may span VMAs of the same kind; the kernel's heap/stack
 * preference for system memory is not modelled.
 */
static struct svm_range *create_unregistered(uint64_t page)
{
	uint64_t lo = page & ~511ull, hi = lo + 511, first = page, last = page;
	struct svm_range **pp = list(), *prev = NULL, *r;

	if (!vdev_kfd_cpu_mapped(page << VDEV_KFD_PAGE_SHIFT, VDEV_KFD_PAGE_SIZE))
		return NULL;
	while (first > lo && vdev_kfd_cpu_mapped((first - 1) << VDEV_KFD_PAGE_SHIFT, VDEV_KFD_PAGE_SIZE))
		first--;
	while (last < hi && vdev_kfd_cpu_mapped((last + 1) << VDEV_KFD_PAGE_SHIFT, VDEV_KFD_PAGE_SIZE))
		last++;
	for (; *pp && (*pp)->start < page; pp = &(*pp)->next)
		prev = *pp;
	if (prev && prev->last >= first)
		first = prev->last + 1;
	if (*pp && (*pp)->start <= last)
		last = (*pp)->start - 1;
	r = range_new(first, last);
	if (!r)
		return NULL;
	r->next = *pp;
	*pp = r;
	return r;
}

/*
 * svm_range_restore_pages: a retry fault of GPU @gpu at @page.  The pages
 * of the fault's granularity chunk (clamped to the range) move to the best
 * restore location, then the chunk is mapped on this GPU.  With bug model
 * svm-fault-whole-range the whole range moves and is mapped, as before
 * "drm/amdkfd: Use partial migrations/mapping for GPU/CPU page faults in
 * SVM" (Xiaogang Chen, amd-gfx 14 Nov 2023, in 6.8; 6.12's
 * svm_range_restore_pages aligns start/last to 1 << granularity, the
 * patch's diff replaces svm_migrate_to_vram(prange, best_loc, mm, trigger)
 * of the whole prange by the start/last chunk).
 */
static int retry_fault(const struct svm_range *r, unsigned int gpu, uint64_t page, bool write)
{
	struct vdev_kfd_mig mig = mig_of(r, KFD_MIGRATE_TRIGGER_PAGEFAULT_GPU);
	uint32_t gpu_id = vdev_kfd->gpus[gpu].gpu_id;
	int64_t ts = vdev_kfd_smi_now();
	int best = best_restore(r, gpu), loc = vdev_kfd_vram_loc(r->start, r->last);
	uint64_t size = r->granularity >= 63 ? 0 : 1ull << r->granularity;
	uint64_t first = size ? page & ~(size - 1) : 0;
	uint64_t last = size && first + size - 1 >= first ? first + size - 1 : UINT64_MAX;
	bool migration = loc >= 0 || best >= 0;
	int ret;

	vdev_kfd_smi_emit(gpu, KFD_SMI_EVENT_PAGE_FAULT_START, VDEV_SMI_PAGEFAULT_START,
			  (long long)ts, (int)getpid(), (unsigned long)page, gpu_id, write ? 'W' : 'R');
	first = first > r->start ? first : r->start;
	last = last < r->last ? last : r->last;
	if (vdev_bugs & VDEV_BUG_KFD_FAULT_WHOLE_RANGE) {
		first = r->start;
		last = r->last;
	}
	if (migration)
		vdev_kfd_migrate(first, last, best, &mig);
	ret = map_add(gpu, first, last);
	vdev_kfd_smi_emit(gpu, KFD_SMI_EVENT_PAGE_FAULT_END, VDEV_SMI_PAGEFAULT_END,
			  (long long)vdev_kfd_smi_now(), (int)getpid(), (unsigned long)page, gpu_id,
			  migration ? 'M' : 'U');
	return ret;
}

/*
 * Bug svm-map-cpu-pages: svm_range_map_to_gpu() handed the range's CPU page
 * numbers to amdgpu_vm_update_range(), which takes 4K GPU page numbers, so
 * the PTEs written cover GPU pages [start, last], a sixteenth of the range
 * at a sixteenth of its address on a 64K kernel: @va has a PTE only there.
 */
static bool cpu_page_pte_bug_misses(const struct svm_range *r, uint64_t va)
{
	uint64_t gpu_page = va >> VDEV_KFD_GPU_PAGE_SHIFT;

	return (vdev_bugs & VDEV_BUG_KFD_SVM_MAP_CPU_PAGES) &&
	       VDEV_KFD_PAGE_SIZE > VDEV_KFD_GPU_PAGE_SIZE &&
	       (gpu_page < r->start || gpu_page > r->last);
}

/*
 * Bug fault-gpu-pfn: amdgpu's fault handler passed svm_range_restore_pages()
 * the fault's 4K GPU page number where it takes a CPU page number, so above
 * 4K it restores whatever page sixteen times higher is (a range there, or
 * nothing) and never the one that faulted: the fault stays unresolved.
 */
static int gpu_pfn_fault(unsigned int gpu, uint64_t page, uint64_t fault_va, bool write)
{
	uint64_t wrong = fault_va >> VDEV_KFD_GPU_PAGE_SHIFT;
	struct svm_range *r = range_at(wrong);

	if (r && ((r->access | r->access_in_place) >> gpu & 1) && !map_has(gpu, wrong) &&
	    retry_fault(r, gpu, wrong, write))
		return -EFAULT;
	return map_has(gpu, page) ? 0 : -EFAULT;
}

/*
 * XNACK off (or GPU_ALWAYS_MAPPED): a GPU's page table has exactly the
 * ranges whose access bitmaps name it (svm_range_map_to_gpus over
 * bitmap_access|bitmap_aip), wherever their pages are: a page in another
 * GPU's VRAM is reached in place, over the peer link.  XNACK on: a page
 * this GPU does not map is a retry fault, served here: a page without a
 * range gets one, a range that denies the GPU access fails the fault.
 */
int vdev_kfd_svm_gpu_access(unsigned int gpu, uint64_t va, uint64_t len, bool write,
			    uint64_t *fault_va)
{
	uint64_t first = va >> VDEV_KFD_PAGE_SHIFT;
	uint64_t last = (va + (len ? len : 1) - 1) >> VDEV_KFD_PAGE_SHIFT;

	vdev_kfd_vram_sync();
	for (uint64_t p = first; p <= last; p++) {
		struct svm_range *r = range_at(p);
		int ret;

		*fault_va = p << VDEV_KFD_PAGE_SHIFT;
		if (!r && vdev_kfd_proc.xnack_enabled)
			r = create_unregistered(p);
		if (!r || !(((r->access | r->access_in_place) >> gpu) & 1))
			return -EFAULT;
		if (write && (r->flags & KFD_IOCTL_SVM_FLAG_GPU_RO))
			return -EPERM;
		if (!always_mapped(r) && !map_has(gpu, p)) {
			if ((vdev_bugs & VDEV_BUG_KFD_FAULT_GPU_PFN) &&
			    VDEV_KFD_PAGE_SIZE > VDEV_KFD_GPU_PAGE_SIZE)
				ret = gpu_pfn_fault(gpu, p, p == first ? va : p << VDEV_KFD_PAGE_SHIFT,
						    write);
			else
				ret = retry_fault(r, gpu, p, write);
			if (ret)
				return ret;
		}
		/* The fault handler maps with the same conversion: the GPU faults again. */
		if (cpu_page_pte_bug_misses(r, p == first ? va : p << VDEV_KFD_PAGE_SHIFT)) {
			*fault_va = p == first ? va : p << VDEV_KFD_PAGE_SHIFT;
			return -EFAULT;
		}
	}
	return 0;
}

/* ---- what kfd_migrate.c asks ---- */

int vdev_kfd_svm_range_of(uint64_t page, uint64_t *first, uint64_t *last, uint8_t *granularity,
			  struct vdev_kfd_mig *mig)
{
	const struct svm_range *r = range_at(page);

	if (!r)
		return -ENOENT;
	*first = r->start;
	*last = r->last;
	*granularity = r->granularity;
	*mig = mig_of(r, 0);
	return 0;
}

static void emit_unmap(unsigned int gpu, uint64_t first, uint64_t last, int trigger)
{
	vdev_kfd_smi_emit(gpu, KFD_SMI_EVENT_UNMAP_FROM_GPU, VDEV_SMI_UNMAP_FROM_GPU,
			  (long long)vdev_kfd_smi_now(), (int)getpid(), (unsigned long)first,
			  (unsigned long)(last - first + 1), vdev_kfd->gpus[gpu].gpu_id, trigger);
}

/*
 * svm_range_evict for an MMU notifier event other than UNMAP on [first,
 * last]: XNACK off (or GPU_ALWAYS_MAPPED), a range a SET mapped counts as
 * evicted: the first eviction quiesces the queues, the restore work
 * resumes them once nothing is evicted (here when the outermost notifier
 * is done, @before false); XNACK on, the GPUs' mappings go (@trigger).
 */
static void range_evict(uint64_t first, uint64_t last, bool before, int trigger)
{
	bool evict = false;

	for (struct svm_range *r = *list(); r && r->start <= last; r = r->next) {
		uint64_t s = r->start > first ? r->start : first, l = r->last < last ? r->last : last;

		if (r->last < first)
			continue;
		if (always_mapped(r)) {
			/* svm_range_evict: only a range a SET mapped before. */
			evict |= r->mapped_to_gpu;
			continue;
		}
		for (unsigned int g = 0; before && g < vdev_kfd->num_gpus; g++)
			if (map_del(g, s, l))
				emit_unmap(g, s, l, trigger);
	}
	if (!evict)
		return;
	if (before) {
		if (!queues_evicted++)
			vdev_kfd_smi_queue_eviction(KFD_QUEUE_EVICTION_TRIGGER_SVM);
	} else if (queues_evicted && !--queues_evicted) {
		vdev_kfd_smi_queue_restore();
	}
}

void vdev_kfd_svm_migrate_notify(uint64_t first, uint64_t last, bool before)
{
	range_evict(first, last, before, KFD_SVM_UNMAP_TRIGGER_MMU_NOTIFY_MIGRATE);
}

/*
 * mprotect (MMU_NOTIFY_PROTECTION_VMA) or MADV_DONTNEED/FREE/REMOVE
 * (MMU_NOTIFY_CLEAR): svm_range_evict with trigger MMU_NOTIFY.  XNACK off
 * the restore work revalidates and resumes the queues at once; vdev does
 * not model a failed revalidation (a range made PROT_NONE), which keeps
 * the kernel's queues evicted and the restore rescheduled until the range
 * is readable again.
 */
void vdev_kfd_svm_invalidate(uint64_t start, uint64_t end, bool dropped)
{
	uint64_t first = start >> VDEV_KFD_PAGE_SHIFT;
	uint64_t last = ((end + VDEV_KFD_PAGE_SIZE - 1) >> VDEV_KFD_PAGE_SHIFT) - 1;

	/* Pages residency brought back for an mprotect follow as a CPU fault later. */
	if (dropped)
		vdev_kfd_vram_forget(first, last);
	range_evict(first, last, true, KFD_SVM_UNMAP_TRIGGER_MMU_NOTIFY);
	range_evict(first, last, false, KFD_SVM_UNMAP_TRIGGER_MMU_NOTIFY);
}

/*
 * svm_range_unmap_from_cpu: the GPUs that map pages of [start, end) lose
 * them (UNMAP_FROM_GPU, trigger UNMAP_FROM_CPU), their VRAM copies are
 * freed (residency dropped the data already), and the pages leave every
 * range; a range cut in the middle becomes two.
 */
void vdev_kfd_svm_unmap(uint64_t start, uint64_t end)
{
	uint64_t first = start >> VDEV_KFD_PAGE_SHIFT;
	uint64_t last = ((end + VDEV_KFD_PAGE_SIZE - 1) >> VDEV_KFD_PAGE_SHIFT) - 1;
	struct svm_range **pp = list();

	vdev_kfd_vram_forget(first, last);
	for (struct svm_range *r = *pp; r && r->start <= last; r = r->next) {
		uint64_t s = r->start > first ? r->start : first, l = r->last < last ? r->last : last;

		if (r->last < first)
			continue;
		for (unsigned int g = 0; g < vdev_kfd->num_gpus; g++) {
			/* Retry-fault mappings go in either mode: the pages are gone. */
			bool mapped = map_del(g, s, l);

			if (always_mapped(r) ? r->mapped_to_gpu && (((r->access | r->access_in_place) >> g) & 1)
					     : mapped)
				emit_unmap(g, s, l, KFD_SVM_UNMAP_TRIGGER_UNMAP_FROM_CPU);
		}
	}

	while (*pp) {
		struct svm_range *r = *pp;

		if (r->last < first || r->start > last) {
			pp = &r->next;
			continue;
		}
		if (r->start < first && r->last > last) {
			/* The middle goes: keep the head here and a copy as the tail. */
			if (range_split(r, last + 1))
				return;	/* out of memory: the range stays whole */
			r->last = first - 1;
			pp = &r->next->next;
		} else if (r->start < first) {
			r->last = first - 1;
			pp = &r->next;
		} else if (r->last > last) {
			r->start = last + 1;
			pp = &r->next;
		} else {
			*pp = r->next;
			free(r);
		}
	}
}
