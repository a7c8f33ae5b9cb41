/* SPDX-License-Identifier: MIT */
/*
 * amdgpu's SVM on drm_gpusvm (the RFC's DRM_AMDGPU_GEM_SVM, kfd.h): which
 * number answers what per preset, the argument checks, and the attribute
 * store, one per GPU (each render node's device has its own drm_gpusvm).
 *
 * The attributes live apart from drm_gpusvm's ranges, as the thread has
 * them: an interval list per GPU that SET splits, GET intersects and
 * munmap cuts (the RFC removes the attribute entries of an unmapped span).
 * A span nobody SET reports the defaults.
 *
 * What is vdev's choice where the RFC says nothing (tests must not rely on
 * it on real hardware): AMDGPU_SVM_MAX_ATTRS is 64; the defaults are KFD's
 * (locations UNDEFINED, granularity 9, HOST_ACCESS|COHERENT) with access
 * NO_ACCESS in v1 (nothing is mapped before a SET: XNACK off) and
 * ALLOW_MIGRATE in v8 (XNACK on: the GPU may fault anything in); v1's
 * ACCESS* value must be this GPU's gpu_id; locations are SYSMEM, UNDEFINED
 * or any GPU's gpu_id; granularity is clamped to 0x3f as KFD does; SET and
 * GET need every page inside a VMA (-EFAULT), as svm_range_is_valid.
 * Check order: SVM enabled (-EOPNOTSUPP, before any argument is read, as
 * an ioctl whose feature is off), start/size, op, the attribute copy,
 * each attribute, then the VMAs.
 *
 * drm_gpusvm's ranges, as far as the attributes meet them: with v1
 * (XNACK off, ioctl-driven) a SET granting access creates the ranges of
 * the span at once, in 2 MiB-aligned chunks that attribute boundaries do
 * not cut; a partial munmap destroys every range it touches whole and
 * rebuilds the still-mapped rest (the thread's XNACK-off requirement).
 * Bug model attr-in-range keeps the attributes in those ranges instead, so
 * the rebuild brings the rest back with the defaults, and so does a SET
 * whose boundary cuts a range (which must then be rechunked).  v8 creates ranges
 * only on GPU faults, which vdev does not route here yet.
 *
 * GPU access (gpu_access, from the SDMA engines, which share the GPU's VM)
 * goes through v1's ranges; an invalidation drops their mappings and the
 * restore re-maps them at once; fork invalidates every range of the parent
 * (its private pages turn copy-on-write).  Bug models partial-unmap-no-rebuild and
 * evict-no-restore skip the rebuild and the restore.  Not modelled yet:
 * v8's retry faults on the render node's ranges (v8 access falls through
 * to KFD's SVM).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kfd.h"
#include "vdev.h"
#include "uapi/amdgpu_svm_drm.h"

#define MAX_ATTRS		64
#define DEFAULT_GRANULARITY	9
#define ALL_FLAGS		0xffu	/* the v1 bits; v8's booleans map onto them */

enum access { ACC_NONE, ACC_MIGRATE, ACC_IN_PLACE };	/* the GET order: the minimum wins */

struct attrs {
	uint32_t preferred_loc, prefetch_loc;
	uint32_t flags;			/* AMDGPU_SVM_V1_FLAG_* */
	uint32_t granularity;
	enum access access;
};

struct interval {
	uint64_t start, end;		/* bytes, [start, end) */
	struct attrs a;
	struct interval *next;		/* sorted, disjoint */
};

static struct interval *store[VDEV_KFD_MAX_GPUS];

#define CHUNK (2ull << 20)

/* A drm_gpusvm range of one GPU: [start, end), unsorted. */
struct range {
	uint64_t start, end;
	bool mapped;			/* false: invalidated and not restored */
	struct range *next;
};

static struct range *ranges[VDEV_KFD_MAX_GPUS];
static pid_t store_pid;			/* a fork child starts with none (a new mm) */
static uint32_t sigbus_delay = 0xffffffffu;	/* PROC_OPTIONS' "never raised" */

static bool v8(void)
{
	return vdev_kfd->amdgpu_svm == VDEV_AMDGPU_SVM_V8 || vdev_kfd->amdgpu_svm == VDEV_AMDGPU_SVM_V8_OFF;
}

static struct attrs defaults(void)
{
	return (struct attrs){
		.preferred_loc = AMDGPU_SVM_V8_LOCATION_UNDEFINED,
		.prefetch_loc = AMDGPU_SVM_V8_LOCATION_UNDEFINED,
		.flags = AMDGPU_SVM_V1_FLAG_HOST_ACCESS | AMDGPU_SVM_V1_FLAG_COHERENT,
		.granularity = DEFAULT_GRANULARITY,
		.access = v8() ? ACC_MIGRATE : ACC_NONE,
	};
}

static void free_all(unsigned int gpu);

static struct interval **list(unsigned int gpu)
{
	if (store_pid != getpid()) {
		/* A fork child's mm has no SVM: its copy of the parent's goes. */
		for (unsigned int g = 0; g < VDEV_KFD_MAX_GPUS; g++)
			free_all(g);
		store_pid = getpid();
	}
	return &store[gpu];
}

/* Splits the interval containing @at so that one starts there. 0 or -ENOMEM. */
static int split_at(struct interval **head, uint64_t at)
{
	for (struct interval *i = *head; i; i = i->next) {
		if (i->start < at && at < i->end) {
			struct interval *n = malloc(sizeof(*n));

			if (!n)
				return -ENOMEM;
			*n = *i;
			n->start = at;
			i->end = at;
			i->next = n;
			return 0;
		}
	}
	return 0;
}

/* Removes [start, end) from the store: munmap, or before a SET re-covers it. */
static int cut(struct interval **head, uint64_t start, uint64_t end)
{
	int ret = split_at(head, start);

	if (!ret)
		ret = split_at(head, end);
	if (ret)
		return ret;
	for (struct interval **p = head; *p;) {
		if ((*p)->start >= start && (*p)->end <= end) {
			struct interval *gone = *p;

			*p = gone->next;
			free(gone);
		} else {
			p = &(*p)->next;
		}
	}
	return 0;
}

/*
 * The attributes over [start, end) as they stand, piece by piece (gaps
 * are defaults), for SET to rewrite: @fn is called for each piece in order.
 */
static int for_each_piece(struct interval **head, uint64_t start, uint64_t end,
			  void (*fn)(uint64_t s, uint64_t e, struct attrs *a, void *ctx), void *ctx)
{
	uint64_t at = start;

	for (struct interval *i = *head; i && at < end; i = i->next) {
		if (i->end <= at)
			continue;
		if (i->start >= end)
			break;
		if (i->start > at) {
			struct attrs d = defaults();

			fn(at, i->start, &d, ctx);
		}
		fn(i->start > at ? i->start : at, i->end < end ? i->end : end, &i->a, ctx);
		at = i->end;
	}
	if (at < end) {
		struct attrs d = defaults();

		fn(at, end, &d, ctx);
	}
	return 0;
}

struct set_ctx {
	const struct drm_amdgpu_svm_attribute *attrs;
	unsigned int n;
	struct interval *pieces, **tail;
	int err;
};

/* v8's boolean attributes as the v1 flag bits the store keeps. */
static const uint32_t v8_flag[] = {
	[AMDGPU_SVM_V8_ATTR_HOST_ACCESS] = AMDGPU_SVM_V1_FLAG_HOST_ACCESS,
	[AMDGPU_SVM_V8_ATTR_COHERENT] = AMDGPU_SVM_V1_FLAG_COHERENT,
	[AMDGPU_SVM_V8_ATTR_EXT_COHERENT] = AMDGPU_SVM_V1_FLAG_EXT_COHERENT,
	[AMDGPU_SVM_V8_ATTR_HIVE_LOCAL] = AMDGPU_SVM_V1_FLAG_HIVE_LOCAL,
	[AMDGPU_SVM_V8_ATTR_GPU_RO] = AMDGPU_SVM_V1_FLAG_GPU_RO,
	[AMDGPU_SVM_V8_ATTR_GPU_EXEC] = AMDGPU_SVM_V1_FLAG_GPU_EXEC,
	[AMDGPU_SVM_V8_ATTR_GPU_READ_MOSTLY] = AMDGPU_SVM_V1_FLAG_GPU_READ_MOSTLY,
};

static void apply(struct attrs *a, const struct drm_amdgpu_svm_attribute *at)
{
	static const enum access v8_access[] = {
		[AMDGPU_SVM_V8_ACCESS_INACCESSIBLE] = ACC_NONE,
		[AMDGPU_SVM_V8_ACCESS_IN_PLACE] = ACC_IN_PLACE,
		[AMDGPU_SVM_V8_ACCESS_ALLOW_MIGRATE] = ACC_MIGRATE,
	};

	switch (at->type) {
	case AMDGPU_SVM_V1_ATTR_PREFERRED_LOC:	/* same number in v8 */
		a->preferred_loc = at->value;
		return;
	case AMDGPU_SVM_V1_ATTR_PREFETCH_LOC:
		a->prefetch_loc = at->value;
		return;
	}
	if (v8()) {
		if (at->type == AMDGPU_SVM_V8_ATTR_ACCESS)
			a->access = v8_access[at->value];
		else if (at->type == AMDGPU_SVM_V8_ATTR_GRANULARITY)
			a->granularity = at->value > 0x3f ? 0x3f : at->value;
		else if (at->value)
			a->flags |= v8_flag[at->type];
		else
			a->flags &= ~v8_flag[at->type];
		return;
	}
	switch (at->type) {
	case AMDGPU_SVM_V1_ATTR_ACCESS: a->access = ACC_MIGRATE; break;
	case AMDGPU_SVM_V1_ATTR_ACCESS_IN_PLACE: a->access = ACC_IN_PLACE; break;
	case AMDGPU_SVM_V1_ATTR_NO_ACCESS: a->access = ACC_NONE; break;
	case AMDGPU_SVM_V1_ATTR_SET_FLAGS: a->flags |= at->value & ALL_FLAGS; break;
	case AMDGPU_SVM_V1_ATTR_CLR_FLAGS: a->flags &= ~at->value; break;
	case AMDGPU_SVM_V1_ATTR_GRANULARITY: a->granularity = at->value > 0x3f ? 0x3f : at->value; break;
	}
}

static void set_piece(uint64_t s, uint64_t e, struct attrs *a, void *data)
{
	struct set_ctx *c = data;
	struct interval *n;

	if (c->err)
		return;
	n = malloc(sizeof(*n));
	if (!n) {
		c->err = -ENOMEM;
		return;
	}
	n->start = s;
	n->end = e;
	n->a = *a;
	for (unsigned int i = 0; i < c->n; i++)
		apply(&n->a, &c->attrs[i]);
	n->next = NULL;
	*c->tail = n;
	c->tail = &n->next;
}

static void free_chain(struct interval *i)
{
	while (i) {
		struct interval *n = i->next;

		free(i);
		i = n;
	}
}

/* Puts the sorted chain @pieces (all inside a hole of @head) in place. */
static void insert_chain(struct interval **head, struct interval *pieces)
{
	struct interval **p = head, *last = pieces;

	if (!pieces)
		return;
	while (last->next)
		last = last->next;
	while (*p && (*p)->start < pieces->start)
		p = &(*p)->next;
	last->next = *p;
	*p = pieces;
}

static bool range_overlaps(unsigned int gpu, uint64_t start, uint64_t end)
{
	for (struct range *r = ranges[gpu]; r; r = r->next)
		if (r->start < end && start < r->end)
			return true;
	return false;
}

/* The chunks of [start, end) no range covers yet. 0 or -ENOMEM. */
static int create_ranges(unsigned int gpu, uint64_t start, uint64_t end)
{
	for (uint64_t c = start & ~(CHUNK - 1); c < end; c += CHUNK) {
		uint64_t s = c > start ? c : start, e = c + CHUNK < end ? c + CHUNK : end;
		struct range *r;

		if (range_overlaps(gpu, s, e))
			continue;
		r = malloc(sizeof(*r));
		if (!r)
			return -ENOMEM;
		*r = (struct range){ .start = s, .end = e, .mapped = true, .next = ranges[gpu] };
		ranges[gpu] = r;
	}
	return 0;
}

static bool grants_access(const struct drm_amdgpu_svm_attribute *attrs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (attrs[i].type == AMDGPU_SVM_V1_ATTR_ACCESS ||
		    attrs[i].type == AMDGPU_SVM_V1_ATTR_ACCESS_IN_PLACE)
			return true;
	return false;
}

/*
 * munmap of [start, end): each range it touches is destroyed whole
 * (drm_gpusvm cannot split one); v1 rebuilds the parts still mapped.
 */
static void unmap_ranges(unsigned int gpu, uint64_t start, uint64_t end)
{
	struct range *gone = NULL;

	for (struct range **p = &ranges[gpu]; *p;) {
		struct range *r = *p;

		if (r->start < end && start < r->end) {
			*p = r->next;
			r->next = gone;
			gone = r;
		} else {
			p = &r->next;
		}
	}
	while (gone) {
		struct range *r = gone;

		gone = r->next;
		if (vdev_bugs & VDEV_BUG_AMDGPU_ATTR_IN_RANGE && cut(&store[gpu], r->start, r->end))
			vdev_kfd_kmsg(3, "vdev: amdgpu_svm: out of memory cutting attributes\n");
		vdev_kfd_kmsg(7, "vdev: amdgpu_svm: gpu %u: munmap [%#llx, %#llx) destroyed range "
			      "[%#llx, %#llx); rebuilding the rest\n", gpu, (unsigned long long)start,
			      (unsigned long long)end, (unsigned long long)r->start,
			      (unsigned long long)r->end);
		if (vdev_bugs & VDEV_BUG_AMDGPU_NO_REBUILD)
			vdev_kfd_kmsg(7, "vdev: amdgpu_svm: bug partial-unmap-no-rebuild: not rebuilt\n");
		else if ((r->start < start && create_ranges(gpu, r->start, start)) ||
			 (end < r->end && create_ranges(gpu, end, r->end)))
			vdev_kfd_kmsg(3, "vdev: amdgpu_svm: out of memory rebuilding a range\n");
		free(r);
	}
}

/*
 * Bug model attr-in-range: a range's attributes are the range's own, so a
 * SET whose span begins or ends inside a range must split it, and the
 * range is destroyed and rebuilt in pieces at the SET's boundaries; the
 * pieces outside the SET come back with the defaults (what the thread
 * warns of: attribute state scattered over ranges that get rechunked).
 */
static int rechunk_cut_ranges(unsigned int gpu, uint64_t start, uint64_t end)
{
	for (struct range *r = ranges[gpu]; r; r = r->next) {
		int ret = 0;

		if (!(r->start < end && start < r->end) || (start <= r->start && r->end <= end))
			continue;
		vdev_kfd_kmsg(7, "vdev: amdgpu_svm: bug attr-in-range: SET [%#llx, %#llx) rechunks "
			      "range [%#llx, %#llx), its attributes outside the SET lost\n",
			      (unsigned long long)start, (unsigned long long)end,
			      (unsigned long long)r->start, (unsigned long long)r->end);
		if (r->start < start)
			ret = cut(&store[gpu], r->start, start);
		if (!ret && end < r->end)
			ret = cut(&store[gpu], end, r->end);
		if (ret)
			return ret;
	}
	return 0;
}

static int set_attrs(unsigned int gpu, uint64_t start, uint64_t end,
		     const struct drm_amdgpu_svm_attribute *attrs, unsigned int n)
{
	struct interval **head = list(gpu);
	struct set_ctx c = { .attrs = attrs, .n = n, .pieces = NULL };
	int ret;

	c.tail = &c.pieces;
	if (vdev_bugs & VDEV_BUG_AMDGPU_ATTR_IN_RANGE) {
		ret = rechunk_cut_ranges(gpu, start, end);
		if (ret)
			return ret;
	}
	for_each_piece(head, start, end, set_piece, &c);
	if (c.err) {
		free_chain(c.pieces);
		return c.err;
	}
	ret = cut(head, start, end);
	if (ret) {
		free_chain(c.pieces);
		return ret;
	}
	insert_chain(head, c.pieces);
	/* v1 maps at the SET that grants access: ioctl-driven, no faults. */
	if (!v8() && grants_access(attrs, n))
		return create_ranges(gpu, start, end);
	return 0;
}

static int reset_attrs(unsigned int gpu, uint64_t start, uint64_t end)
{
	return cut(list(gpu), start, end);
}

/* GET: the intersection over the span, KFD's rules (uAPI header comment). */
struct get_ctx {
	bool first;
	struct attrs all;		/* locations: uniform or UNDEFINED; flags: AND */
	uint32_t flags_or;		/* for v1 CLR_FLAGS: NOR */
};

static void get_piece(uint64_t s, uint64_t e, struct attrs *a, void *data)
{
	struct get_ctx *c = data;

	(void)s; (void)e;
	if (c->first) {
		c->all = *a;
		c->flags_or = a->flags;
		c->first = false;
		return;
	}
	if (c->all.preferred_loc != a->preferred_loc)
		c->all.preferred_loc = AMDGPU_SVM_V8_LOCATION_UNDEFINED;
	if (c->all.prefetch_loc != a->prefetch_loc)
		c->all.prefetch_loc = AMDGPU_SVM_V8_LOCATION_UNDEFINED;
	c->all.flags &= a->flags;
	c->flags_or |= a->flags;
	if (a->granularity < c->all.granularity)
		c->all.granularity = a->granularity;
	if (a->access < c->all.access)
		c->all.access = a->access;
}

static uint32_t v8_value(const struct get_ctx *c, uint32_t type)
{
	static const uint32_t access[] = {
		[ACC_NONE] = AMDGPU_SVM_V8_ACCESS_INACCESSIBLE,
		[ACC_IN_PLACE] = AMDGPU_SVM_V8_ACCESS_IN_PLACE,
		[ACC_MIGRATE] = AMDGPU_SVM_V8_ACCESS_ALLOW_MIGRATE,
	};

	switch (type) {
	case AMDGPU_SVM_V8_ATTR_PREFERRED_LOC: return c->all.preferred_loc;
	case AMDGPU_SVM_V8_ATTR_PREFETCH_LOC: return c->all.prefetch_loc;
	case AMDGPU_SVM_V8_ATTR_ACCESS: return access[c->all.access];
	case AMDGPU_SVM_V8_ATTR_GRANULARITY: return c->all.granularity;
	default: return !!(c->all.flags & v8_flag[type]);
	}
}

/* v1 GET: the value, and for the access attributes the type rewritten. */
static void v1_get(const struct get_ctx *c, struct drm_amdgpu_svm_attribute *at)
{
	switch (at->type) {
	case AMDGPU_SVM_V1_ATTR_PREFERRED_LOC: at->value = c->all.preferred_loc; break;
	case AMDGPU_SVM_V1_ATTR_PREFETCH_LOC: at->value = c->all.prefetch_loc; break;
	case AMDGPU_SVM_V1_ATTR_ACCESS:
	case AMDGPU_SVM_V1_ATTR_ACCESS_IN_PLACE:
	case AMDGPU_SVM_V1_ATTR_NO_ACCESS:
		at->type = c->all.access == ACC_IN_PLACE ? AMDGPU_SVM_V1_ATTR_ACCESS_IN_PLACE
			 : c->all.access == ACC_MIGRATE ? AMDGPU_SVM_V1_ATTR_ACCESS
			 : AMDGPU_SVM_V1_ATTR_NO_ACCESS;
		break;
	case AMDGPU_SVM_V1_ATTR_SET_FLAGS: at->value = c->all.flags; break;
	case AMDGPU_SVM_V1_ATTR_CLR_FLAGS: at->value = ~c->flags_or & ALL_FLAGS; break;
	case AMDGPU_SVM_V1_ATTR_GRANULARITY: at->value = c->all.granularity; break;
	}
}

static bool is_location(uint32_t v)
{
	return v == AMDGPU_SVM_V8_LOCATION_SYSMEM || v == AMDGPU_SVM_V8_LOCATION_UNDEFINED ||
	       vdev_kfd_gpuidx(v) >= 0;
}

/* amdgpu_svm's per-attribute check: unknown types and bad values, -EINVAL. */
static long check_attr(unsigned int gpu, const struct drm_amdgpu_svm_attribute *at, bool set)
{
	uint32_t t = at->type, v = at->value;

	if (v8()) {
		if (t > AMDGPU_SVM_V8_ATTR_GPU_READ_MOSTLY)
			return vdev_kfd_reject(-EINVAL, "amdgpu_svm: unknown attribute");
		if (!set)
			return 0;
		if (t <= AMDGPU_SVM_V8_ATTR_PREFETCH_LOC)
			return is_location(v) ? 0 : vdev_kfd_reject(-EINVAL, "amdgpu_svm: location");
		if (t == AMDGPU_SVM_V8_ATTR_ACCESS)
			return v <= AMDGPU_SVM_V8_ACCESS_ALLOW_MIGRATE
				       ? 0 : vdev_kfd_reject(-EINVAL, "amdgpu_svm: access value");
		if (t >= AMDGPU_SVM_V8_ATTR_HOST_ACCESS && v > 1)
			return vdev_kfd_reject(-EINVAL, "amdgpu_svm: boolean not 0 or 1");
		return 0;
	}
	if (t > AMDGPU_SVM_V1_ATTR_GRANULARITY)
		return vdev_kfd_reject(-EINVAL, "amdgpu_svm: unknown attribute");
	if (t >= AMDGPU_SVM_V1_ATTR_ACCESS && t <= AMDGPU_SVM_V1_ATTR_NO_ACCESS &&
	    v != vdev_kfd->gpus[gpu].gpu_id)
		return vdev_kfd_reject(-EINVAL, "amdgpu_svm: access for another GPU");
	if (set && t <= AMDGPU_SVM_V1_ATTR_PREFETCH_LOC && !is_location(v))
		return vdev_kfd_reject(-EINVAL, "amdgpu_svm: location");
	return 0;
}

static long gem_svm(unsigned int gpu, unsigned long request, void *arg)
{
	struct drm_amdgpu_gem_svm a;
	struct drm_amdgpu_svm_attribute attrs[MAX_ATTRS];
	uint64_t end;
	bool reset;
	long ret;

	if (vdev_kfd->amdgpu_svm == VDEV_AMDGPU_SVM_V8_OFF)
		return vdev_kfd_reject(-EOPNOTSUPP, "amdgpu_gem_svm_ioctl: SVM not enabled");
	/* v1 creates the SVM in amdgpu_vm_make_compute: after KFD's ACQUIRE_VM. */
	if (!v8() && (vdev_kfd_proc.pid != getpid() || vdev_kfd_proc.bound_fd[gpu] < 0))
		return vdev_kfd_reject(-EOPNOTSUPP, "amdgpu_gem_svm_ioctl: not a compute VM");
	/* drm_ioctl copies what the caller's number encodes, zero-filling the rest. */
	memset(&a, 0, sizeof(a));
	if (vdev_cpu_read((uintptr_t)arg, &a, _IOC_SIZE(request) < sizeof(a) ? _IOC_SIZE(request) : sizeof(a)))
		return -EFAULT;
	if (!a.start_addr || !a.size || ((a.start_addr | a.size) & (VDEV_KFD_PAGE_SIZE - 1)))
		return vdev_kfd_reject(-EINVAL, "amdgpu_gem_svm_ioctl: start/size");
	if (__builtin_add_overflow(a.start_addr, a.size, &end))
		return vdev_kfd_reject(-EINVAL, "amdgpu_gem_svm_ioctl: overflow");
	reset = v8() && a.operation == AMDGPU_SVM_V8_OP_RESET_ATTR;
	if (a.operation != AMDGPU_SVM_V1_OP_SET_ATTR && a.operation != AMDGPU_SVM_V1_OP_GET_ATTR && !reset)
		return vdev_kfd_reject(-EINVAL, "amdgpu_gem_svm_ioctl: op");
	if (!reset) {
		if (!a.nattr || a.nattr > MAX_ATTRS || !a.attrs_ptr)
			return vdev_kfd_reject(-EINVAL, "amdgpu_svm_copy_attrs");
		if (vdev_cpu_read(a.attrs_ptr, attrs, a.nattr * sizeof(attrs[0])))
			return -EFAULT;
		for (unsigned int i = 0; i < a.nattr; i++) {
			ret = check_attr(gpu, &attrs[i], a.operation == AMDGPU_SVM_V1_OP_SET_ATTR);
			if (ret)
				return ret;
		}
	}
	if (!vdev_kfd_cpu_mapped(a.start_addr, a.size))
		return vdev_kfd_reject(-EFAULT, "amdgpu_svm: no VMA");
	if (reset)
		return reset_attrs(gpu, a.start_addr, end);
	if (a.operation == AMDGPU_SVM_V1_OP_SET_ATTR)
		return set_attrs(gpu, a.start_addr, end, attrs, a.nattr);

	struct get_ctx c = { .first = true };

	for_each_piece(list(gpu), a.start_addr, end, get_piece, &c);
	for (unsigned int i = 0; i < a.nattr; i++) {
		if (v8())
			attrs[i].value = v8_value(&c, attrs[i].type);
		else
			v1_get(&c, &attrs[i]);
	}
	return vdev_cpu_write(a.attrs_ptr, attrs, a.nattr * sizeof(attrs[0])) ? -EFAULT : 0;
}

/* 7.x's amdgpu_proc_options_ioctl: op 0 sets the KFD SIGBUS delay. */
static long proc_options(unsigned long request, void *arg)
{
	uint32_t opt[2] = { 0, 0 };
	size_t n = _IOC_SIZE(request) < sizeof(opt) ? _IOC_SIZE(request) : sizeof(opt);

	if (n && vdev_cpu_read((uintptr_t)arg, opt, n))
		return -EFAULT;
	if (opt[0] != 0)
		return vdev_kfd_reject(-EINVAL, "amdgpu_proc_options_ioctl: op");
	sigbus_delay = opt[1];
	vdev_kfd_kmsg(7, "vdev: amdgpu: KFD SIGBUS delay set to %u\n", sigbus_delay);
	return 0;
}

long vdev_amdgpu_svm_ioctl(unsigned int gpu, unsigned int nr, unsigned long request, void *arg)
{
	switch (vdev_kfd->amdgpu_svm) {
	case VDEV_AMDGPU_SVM_V1:
		if (nr == DRM_AMDGPU_GEM_SVM_V1)
			return gem_svm(gpu, request, arg);
		break;
	case VDEV_AMDGPU_SVM_V8:
	case VDEV_AMDGPU_SVM_V8_OFF:
		if (nr == DRM_AMDGPU_PROC_OPTIONS)
			return proc_options(request, arg);
		if (nr == DRM_AMDGPU_GEM_SVM_V8)
			return gem_svm(gpu, request, arg);
		break;
	case VDEV_AMDGPU_SVM_NONE:
		break;
	}
	return -EINVAL;		/* drm_ioctl: past the driver's table */
}

static const struct range *range_at(unsigned int gpu, uint64_t va)
{
	for (const struct range *r = ranges[gpu]; r; r = r->next)
		if (r->start <= va && va < r->end)
			return r;
	return NULL;
}

/* The attributes of the page at @va, if a SET covered it. */
static const struct attrs *attrs_at(unsigned int gpu, uint64_t va)
{
	for (const struct interval *i = store[gpu]; i; i = i->next)
		if (i->start <= va && va < i->end)
			return &i->a;
	return NULL;
}

/*
 * v1 (XNACK off): a page in a mapped range is reached (a write refused
 * with GPU_RO); a page amdgpu SVM knows (a range, or attributes granting
 * access) but has not mapped is a fault, no retry; a page it knows nothing
 * of is KFD's or a BO's.  v8's retry faults on the render node's ranges
 * are not modelled: -ENOENT.
 */
int vdev_amdgpu_svm_gpu_access(unsigned int gpu, uint64_t va, uint64_t len, bool write,
			       uint64_t *fault_va)
{
	if (vdev_kfd->amdgpu_svm != VDEV_AMDGPU_SVM_V1 || store_pid != getpid() ||
	    gpu >= VDEV_KFD_MAX_GPUS)
		return -ENOENT;
	for (uint64_t p = va & ~(uint64_t)(VDEV_KFD_PAGE_SIZE - 1); p < va + (len ? len : 1);
	     p += VDEV_KFD_PAGE_SIZE) {
		const struct range *r = range_at(gpu, p);
		const struct attrs *a = attrs_at(gpu, p);

		*fault_va = p;
		if (!r && !(a && a->access != ACC_NONE))
			return p == (va & ~(uint64_t)(VDEV_KFD_PAGE_SIZE - 1)) ? -ENOENT : -EFAULT;
		if (!r || !r->mapped)
			return -EFAULT;
		if (write && a && (a->flags & AMDGPU_SVM_V1_FLAG_GPU_RO))
			return -EPERM;
	}
	return 0;
}

void vdev_amdgpu_svm_unmap(uint64_t start, uint64_t end)
{
	if (store_pid != getpid())
		return;
	for (unsigned int g = 0; g < VDEV_KFD_MAX_GPUS; g++)
		unmap_ranges(g, start, end);
	for (unsigned int g = 0; g < VDEV_KFD_MAX_GPUS; g++)
		if (cut(&store[g], start, end))
			vdev_kfd_kmsg(3, "vdev: amdgpu_svm: out of memory cutting attributes\n");
}

/*
 * The MMU notifier's invalidation (mprotect, MADV_DONTNEED): the GPU
 * mappings of every range it touches go; v1 (XNACK off, no faults to
 * bring them back) evicts the queues and its restore worker re-maps them
 * before they run again, which vdev does at once.  Attributes stay.
 */
void vdev_amdgpu_svm_invalidate(uint64_t start, uint64_t end, bool dropped)
{
	if (store_pid != getpid())
		return;
	for (unsigned int g = 0; g < VDEV_KFD_MAX_GPUS; g++)
		for (struct range *r = ranges[g]; r; r = r->next) {
			if (!(r->start < end && start < r->end))
				continue;
			r->mapped = !(vdev_bugs & VDEV_BUG_AMDGPU_NO_RESTORE);
			vdev_kfd_kmsg(7, "vdev: amdgpu_svm: gpu %u: %s invalidated range [%#llx, %#llx)%s\n",
				      g, dropped ? "pages dropped:" : "protection change:",
				      (unsigned long long)r->start, (unsigned long long)r->end,
				      r->mapped ? ", restored" : ", not restored (bug evict-no-restore)");
		}
}

void vdev_amdgpu_svm_release(unsigned int gpu)
{
	if (store_pid != getpid() || gpu >= VDEV_KFD_MAX_GPUS)
		return;
	free_all(gpu);
}

static void free_all(unsigned int gpu)
{
	while (store[gpu]) {
		struct interval *n = store[gpu]->next;

		free(store[gpu]);
		store[gpu] = n;
	}
	while (ranges[gpu]) {
		struct range *n = ranges[gpu]->next;

		free(ranges[gpu]);
		ranges[gpu] = n;
	}
}
