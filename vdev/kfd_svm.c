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
 * Nothing migrates or maps yet: PREFETCH_LOC is recorded only.
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
	struct svm_range *next;
};

static struct svm_range *ranges;
static pid_t ranges_pid;		/* a fork child starts with no ranges of its own */

static uint32_t supported_gpus(void)
{
	return (1u << vdev_kfd->num_gpus) - 1;
}

static struct svm_range **list(void)
{
	if (ranges_pid != getpid()) {
		/* The parent's list belongs to the parent's KFD process. */
		ranges = NULL;
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
static bool cpu_mapped(uint64_t addr, uint64_t len)
{
	unsigned char vec[256];

	while (len) {
		uint64_t n = len < sizeof(vec) * VDEV_KFD_PAGE_SIZE ? len : sizeof(vec) * VDEV_KFD_PAGE_SIZE;

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
			return cpu_mapped(addr, VDEV_KFD_PAGE_SIZE)
				       ? 1 : vdev_kfd_reject(-EFAULT, "svm_range_is_valid: no VMA");
	} else {
		if (!npages)
			return vdev_kfd_reject(-EINVAL, "svm_range_is_valid: size 0");
		if (__builtin_add_overflow(addr, npages << VDEV_KFD_PAGE_SHIFT, &end))
			return vdev_kfd_reject(-EOVERFLOW, "svm_range_is_valid: overflow");
	}
	if (!cpu_mapped(addr, end - addr))
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
	return set_attrs(start, start + npages - 1, nattr, attrs);
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

/*
 * XNACK off: a GPU's page table has exactly the ranges whose access
 * bitmaps name it (svm_range_map_to_gpus over bitmap_access|bitmap_aip).
 * XNACK on: a page without a range gets one on the retry fault
 * (svm_range_create_unregistered_range, default attributes: every GPU
 * may access), and a range that denies the GPU access fails the fault.
 */
int vdev_kfd_svm_gpu_access(unsigned int gpu, uint64_t va, uint64_t len, bool write,
			    uint64_t *fault_va)
{
	uint64_t first = va >> VDEV_KFD_PAGE_SHIFT;
	uint64_t last = (va + (len ? len : 1) - 1) >> VDEV_KFD_PAGE_SHIFT;

	for (uint64_t p = first; p <= last; p++) {
		const struct svm_range *r = range_at(p);
		bool mapped = r ? ((r->access | r->access_in_place) >> gpu) & 1
				: vdev_kfd_proc.xnack_enabled;

		*fault_va = p << VDEV_KFD_PAGE_SHIFT;
		if (!mapped)
			return -EFAULT;
		if (write && r && (r->flags & KFD_IOCTL_SVM_FLAG_GPU_RO))
			return -EPERM;
	}
	return 0;
}

/*
 * svm_range_unmap_from_cpu: the pages of [start, end) leave every range;
 * a range cut in the middle becomes two.
 */
void vdev_kfd_svm_unmap(uint64_t start, uint64_t end)
{
	uint64_t first = start >> VDEV_KFD_PAGE_SHIFT;
	uint64_t last = ((end + VDEV_KFD_PAGE_SIZE - 1) >> VDEV_KFD_PAGE_SHIFT) - 1;
	struct svm_range **pp = list();

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
