/* SPDX-License-Identifier: MIT */
/*
 * The argument-check catalogue (vgpu_arg_checks.h).  A case is an ioctl,
 * its valid base arguments and up to four field changes; values that
 * depend on the context (the buffer's address, the VM id, the tile count,
 * the page size) are given as a kind and numbers, resolved when the case
 * runs.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"
#include "vgpu_arg_checks.h"
#include "vgpu_ioctl.h"

enum arg_ioctl {
	A_DEVICE_QUERY, A_VM_CREATE, A_VM_DESTROY, A_BIND, A_EXEC, A_SET_ATTR, A_PREFETCH,
	A_EVICT, A_QUERY_PAGES, A_QUERY_RANGES, A_QUERY_COUNTERS, A_UNKNOWN_NR,
};

enum val_kind {
	V_CONST,	/* bytes */
	V_BUF,		/* the buffer + pages * page size + bytes */
	V_PAGES,	/* pages * page size + bytes */
	V_VM,		/* the VM id + bytes */
	V_OTHER_VM,	/* the other file's VM id */
	V_TILES,	/* num_tiles + bytes */
};

/* One field change: F(struct, field, kind, pages, bytes). */
#define F(type, field, kind, pages, bytes) \
	{ offsetof(struct type, field), sizeof(((struct type *)0)->field), kind, pages, bytes }

#define PAD "pad and reserved fields must be zero"
#define ID "a VM id this file does not own"
#define FLAGS "unknown ops, flags and attributes are -EINVAL"
#define ALIGN "page aligned, size > 0"
#define PTR "a user pointer the kernel cannot access"
#define WRAP "picked: a range whose end overflows is -EINVAL"

/* The *_f(field) shorthands, per ioctl struct. */
#define DQ(f, k, p, b) F(drm_vgpu_device_query, f, k, p, b)
#define VC(f, k, p, b) F(drm_vgpu_vm_create, f, k, p, b)
#define VD(f, k, p, b) F(drm_vgpu_vm_destroy, f, k, p, b)
#define BI(f, k, p, b) F(drm_vgpu_bind, f, k, p, b)
#define EX(f, k, p, b) F(drm_vgpu_exec, f, k, p, b)
#define SA(f, k, p, b) F(drm_vgpu_set_attr, f, k, p, b)
#define PF(f, k, p, b) F(drm_vgpu_prefetch, f, k, p, b)
#define EV(f, k, p, b) F(drm_vgpu_evict, f, k, p, b)
#define QP(f, k, p, b) F(drm_vgpu_query_pages, f, k, p, b)
#define QR(f, k, p, b) F(drm_vgpu_query_ranges, f, k, p, b)
#define QC(f, k, p, b) F(drm_vgpu_query_counters, f, k, p, b)

const struct vgpu_arg_check vgpu_arg_checks[] = {
	/* DEVICE_QUERY */
	{ "device-query-valid", A_DEVICE_QUERY, 0, "the unchanged call", { { 0 } } },
	{ "device-query-pad", A_DEVICE_QUERY, EINVAL, PAD, { DQ(pad, V_CONST, 0, 1) } },

	/* VM_CREATE, VM_DESTROY */
	{ "vm-create-valid", A_VM_CREATE, 0, "the unchanged call (FAULT mode)", { { 0 } } },
	{ "vm-create-unknown-mode", A_VM_CREATE, EINVAL, "an unknown VGPU_VM_MODE_*",
	  { VC(mode, V_CONST, 0, 2) } },
	{ "vm-destroy-valid", A_VM_DESTROY, 0, "the unchanged call", { { 0 } } },
	{ "vm-destroy-unknown-id", A_VM_DESTROY, ENOENT, ID, { VD(vm_id, V_VM, 0, 1000) } },
	{ "vm-destroy-id-zero", A_VM_DESTROY, ENOENT, ID " (VM ids are nonzero)",
	  { VD(vm_id, V_CONST, 0, 0) } },
	{ "vm-destroy-other-file", A_VM_DESTROY, ENOENT, ID " (another file's)",
	  { VD(vm_id, V_OTHER_VM, 0, 0) } },
	{ "vm-destroy-pad", A_VM_DESTROY, EINVAL, PAD, { VD(pad, V_CONST, 0, 1) } },

	/* BIND */
	{ "bind-map-valid", A_BIND, 0, "the unchanged call: MAP of a free page", { { 0 } } },
	{ "bind-unmap-valid", A_BIND, 0, "UNMAP of a whole region",
	  { BI(op, V_CONST, 0, VGPU_BIND_UNMAP), BI(start, V_BUF, ARG_PAGE_REGION, 0),
	    BI(size, V_PAGES, ARG_REGION_PAGES, 0) } },
	{ "bind-unknown-vm", A_BIND, ENOENT, ID, { BI(vm_id, V_VM, 0, 1000) } },
	{ "bind-other-file-vm", A_BIND, ENOENT, ID " (another file's)",
	  { BI(vm_id, V_OTHER_VM, 0, 0) } },
	{ "bind-unknown-op", A_BIND, EINVAL, FLAGS, { BI(op, V_CONST, 0, 2) } },
	{ "bind-unaligned-start", A_BIND, EINVAL, ALIGN,
	  { BI(start, V_BUF, ARG_PAGE_FREE, 1) } },
	{ "bind-unaligned-size", A_BIND, EINVAL, ALIGN, { BI(size, V_PAGES, 1, 1) } },
	{ "bind-size-zero", A_BIND, EINVAL, ALIGN, { BI(size, V_CONST, 0, 0) } },
	{ "bind-wraps", A_BIND, EINVAL, WRAP,
	  { BI(start, V_PAGES, -1, 0), BI(size, V_PAGES, 2, 0) } },
	{ "bind-overlap", A_BIND, EEXIST, "MAP may not overlap another region",
	  { BI(start, V_BUF, ARG_PAGE_REGION + 1, 0), BI(size, V_PAGES, 2, 0) } },
	{ "bind-overlap-covering", A_BIND, EEXIST, "MAP may not overlap another region",
	  { BI(start, V_BUF, ARG_PAGE_REGION, 0), BI(size, V_PAGES, ARG_PAGE_FREE + 1, 0) } },
	{ "bind-unmap-unknown", A_BIND, ENOENT, "UNMAP removes exactly one region made by MAP",
	  { BI(op, V_CONST, 0, VGPU_BIND_UNMAP) } },
	{ "bind-unmap-part", A_BIND, ENOENT, "UNMAP removes exactly one region made by MAP",
	  { BI(op, V_CONST, 0, VGPU_BIND_UNMAP), BI(start, V_BUF, ARG_PAGE_REGION, 0),
	    BI(size, V_PAGES, 1, 0) } },
	{ "bind-unmap-size-zero", A_BIND, EINVAL, ALIGN,
	  { BI(op, V_CONST, 0, VGPU_BIND_UNMAP), BI(start, V_BUF, ARG_PAGE_REGION, 0),
	    BI(size, V_CONST, 0, 0) } },

	/* EXEC: the base is a READ of the region's first page into the free pages. */
	{ "exec-read-valid", A_EXEC, 0, "the unchanged call", { { 0 } } },
	{ "exec-write-valid", A_EXEC, 0, "a WRITE", { EX(op, V_CONST, 0, VGPU_EXEC_WRITE) } },
	{ "exec-copy-valid", A_EXEC, 0, "a COPY inside the region",
	  { EX(op, V_CONST, 0, VGPU_EXEC_COPY), EX(data, V_CONST, 0, 0),
	    EX(src, V_BUF, ARG_PAGE_REGION + 1, 0) } },
	{ "exec-atomic-valid", A_EXEC, 0, "an ATOMIC_INC",
	  { EX(op, V_CONST, 0, VGPU_EXEC_ATOMIC_INC), EX(data, V_CONST, 0, 0),
	    EX(size, V_CONST, 0, 4) } },
	{ "exec-async-write-valid", A_EXEC, 0, "an ASYNC WRITE; its fence signals success",
	  { EX(op, V_CONST, 0, VGPU_EXEC_WRITE), EX(flags, V_CONST, 0, VGPU_EXEC_ASYNC) } },
	{ "exec-subpage-valid", A_EXEC, 0, "any byte address and size",
	  { EX(addr, V_BUF, ARG_PAGE_REGION, 4095 - 7), EX(size, V_CONST, 0, 13) } },
	{ "exec-unknown-vm", A_EXEC, ENOENT, ID, { EX(vm_id, V_VM, 0, 1000) } },
	{ "exec-other-file-vm", A_EXEC, ENOENT, ID " (another file's)",
	  { EX(vm_id, V_OTHER_VM, 0, 0) } },
	{ "exec-unknown-op", A_EXEC, EINVAL, FLAGS, { EX(op, V_CONST, 0, 4) } },
	{ "exec-unknown-flag", A_EXEC, EINVAL, FLAGS, { EX(flags, V_CONST, 0, 1 << 1) } },
	{ "exec-pad", A_EXEC, EINVAL, PAD, { EX(pad, V_CONST, 0, 1) } },
	{ "exec-tile-out-of-range", A_EXEC, EINVAL, "picked: a tile >= num_tiles is -EINVAL",
	  { EX(tile, V_TILES, 0, 0) } },
	{ "exec-size-zero", A_EXEC, EINVAL, "picked: size 0 is -EINVAL",
	  { EX(size, V_CONST, 0, 0) } },
	{ "exec-size-too-big", A_EXEC, EINVAL, "size <= VGPU_EXEC_MAX_SIZE (picked: -EINVAL)",
	  { EX(size, V_CONST, 0, VGPU_EXEC_MAX_SIZE + 1) } },
	{ "exec-wraps", A_EXEC, EINVAL, WRAP,
	  { EX(addr, V_PAGES, -1, 0), EX(size, V_PAGES, 2, 0) } },
	{ "exec-atomic-unaligned", A_EXEC, EINVAL, "ATOMIC_INC: 4-byte aligned",
	  { EX(op, V_CONST, 0, VGPU_EXEC_ATOMIC_INC), EX(data, V_CONST, 0, 0),
	    EX(size, V_CONST, 0, 4), EX(addr, V_BUF, ARG_PAGE_REGION, 2) } },
	{ "exec-atomic-size", A_EXEC, EINVAL, "ATOMIC_INC: size 4",
	  { EX(op, V_CONST, 0, VGPU_EXEC_ATOMIC_INC), EX(data, V_CONST, 0, 0),
	    EX(size, V_CONST, 0, 8) } },
	{ "exec-async-read", A_EXEC, EINVAL, "VGPU_EXEC_ASYNC with READ is -EINVAL",
	  { EX(flags, V_CONST, 0, VGPU_EXEC_ASYNC) } },
	{ "exec-read-with-src", A_EXEC, EINVAL, "src: COPY only, else 0 (picked: -EINVAL)",
	  { EX(src, V_BUF, ARG_PAGE_REGION + 1, 0) } },
	{ "exec-copy-with-data", A_EXEC, EINVAL, "data: READ/WRITE only, else 0 (picked: -EINVAL)",
	  { EX(op, V_CONST, 0, VGPU_EXEC_COPY), EX(src, V_BUF, ARG_PAGE_REGION + 1, 0) } },
	{ "exec-atomic-with-data", A_EXEC, EINVAL, "data: READ/WRITE only, else 0 (picked: -EINVAL)",
	  { EX(op, V_CONST, 0, VGPU_EXEC_ATOMIC_INC), EX(size, V_CONST, 0, 4) } },
	{ "exec-read-bad-data", A_EXEC, EFAULT, PTR " (READ's data)",
	  { EX(data, V_BUF, ARG_PAGE_NO_ACCESS, 0) } },
	{ "exec-write-bad-data", A_EXEC, EFAULT, PTR " (WRITE's data)",
	  { EX(op, V_CONST, 0, VGPU_EXEC_WRITE), EX(data, V_BUF, ARG_PAGE_NO_ACCESS, 0) } },
	{ "exec-outside-regions", A_EXEC, EFAULT, "the device may touch only what a MAP declared",
	  { EX(addr, V_BUF, ARG_PAGE_FREE, 0) } },
	{ "exec-prot-none", A_EXEC, EFAULT, "the CPU's mapping forbids the access",
	  { EX(addr, V_BUF, ARG_PAGE_NO_ACCESS, 0) } },
	{ "exec-write-read-only", A_EXEC, EPERM, "a write into a VMA without PROT_WRITE",
	  { EX(op, V_CONST, 0, VGPU_EXEC_WRITE), EX(addr, V_BUF, ARG_PAGE_READ_ONLY, 0) } },

	/* SET_ATTR */
	{ "set-attr-valid", A_SET_ATTR, 0, "the unchanged call: preferred location system", { { 0 } } },
	{ "set-attr-faulting-tile-valid", A_SET_ATTR, 0, "VGPU_LOC_FAULTING_TILE",
	  { SA(value, V_CONST, 0, VGPU_LOC_FAULTING_TILE) } },
	{ "set-attr-last-tile-valid", A_SET_ATTR, 0, "the last tile", { SA(value, V_TILES, 0, -1) } },
	{ "set-attr-unknown-vm", A_SET_ATTR, ENOENT, ID, { SA(vm_id, V_VM, 0, 1000) } },
	{ "set-attr-unknown-attr", A_SET_ATTR, EINVAL, FLAGS, { SA(attr, V_CONST, 0, 1) } },
	{ "set-attr-pad", A_SET_ATTR, EINVAL, PAD, { SA(pad, V_CONST, 0, 1) } },
	{ "set-attr-unaligned-start", A_SET_ATTR, EINVAL, "page aligned",
	  { SA(start, V_BUF, ARG_PAGE_REGION, 8) } },
	{ "set-attr-unaligned-size", A_SET_ATTR, EINVAL, "page aligned",
	  { SA(size, V_PAGES, 1, 8) } },
	{ "set-attr-size-zero", A_SET_ATTR, EINVAL, "picked: size 0 is -EINVAL",
	  { SA(size, V_CONST, 0, 0) } },
	{ "set-attr-tile-out-of-range", A_SET_ATTR, EINVAL, "picked: a location >= num_tiles",
	  { SA(value, V_TILES, 0, 0) } },
	{ "set-attr-loc-below-range", A_SET_ATTR, EINVAL, "picked: a location below -2",
	  { SA(value, V_CONST, 0, -3) } },

	/* PREFETCH */
	{ "prefetch-valid", A_PREFETCH, 0, "the unchanged call: to tile 0", { { 0 } } },
	{ "prefetch-faulting-tile-valid", A_PREFETCH, 0, "PREFETCH takes tile 0 for it",
	  { PF(loc, V_CONST, 0, VGPU_LOC_FAULTING_TILE) } },
	{ "prefetch-system-valid", A_PREFETCH, 0, "to system memory",
	  { PF(loc, V_CONST, 0, VGPU_LOC_SYSTEM) } },
	{ "prefetch-unknown-vm", A_PREFETCH, ENOENT, ID, { PF(vm_id, V_VM, 0, 1000) } },
	{ "prefetch-tile-out-of-range", A_PREFETCH, EINVAL, "picked: a location >= num_tiles",
	  { PF(loc, V_TILES, 0, 0) } },
	{ "prefetch-loc-below-range", A_PREFETCH, EINVAL, "picked: a location below -2",
	  { PF(loc, V_CONST, 0, -3) } },
	{ "prefetch-unaligned-start", A_PREFETCH, EINVAL, "picked: page aligned",
	  { PF(start, V_BUF, ARG_PAGE_REGION, 8) } },
	{ "prefetch-size-zero", A_PREFETCH, EINVAL, "picked: size 0 is -EINVAL",
	  { PF(size, V_CONST, 0, 0) } },
	{ "prefetch-outside-regions", A_PREFETCH, EINVAL,
	  "the range must lie inside one region bound by MAP",
	  { PF(start, V_BUF, ARG_PAGE_FREE, 0), PF(size, V_PAGES, 1, 0) } },

	/* EVICT */
	{ "evict-valid", A_EVICT, 0, "the unchanged call: the region", { { 0 } } },
	{ "evict-all-valid", A_EVICT, 0, "VGPU_EVICT_ALL with (0, 0)",
	  { EV(flags, V_CONST, 0, VGPU_EVICT_ALL), EV(start, V_CONST, 0, 0),
	    EV(size, V_CONST, 0, 0) } },
	{ "evict-unknown-vm", A_EVICT, ENOENT, ID, { EV(vm_id, V_VM, 0, 1000) } },
	{ "evict-unknown-flag", A_EVICT, EINVAL, FLAGS, { EV(flags, V_CONST, 0, 1 << 1) } },
	{ "evict-all-with-range", A_EVICT, EINVAL, "picked: ALL takes the range (0, 0)",
	  { EV(flags, V_CONST, 0, VGPU_EVICT_ALL) } },
	{ "evict-unaligned-start", A_EVICT, EINVAL, "picked: page aligned",
	  { EV(start, V_BUF, ARG_PAGE_REGION, 8) } },
	{ "evict-size-zero", A_EVICT, EINVAL, "picked: size 0 without ALL is -EINVAL",
	  { EV(size, V_CONST, 0, 0) } },

	/* QUERY_PAGES */
	{ "query-pages-valid", A_QUERY_PAGES, 0, "the unchanged call", { { 0 } } },
	{ "query-pages-unknown-vm", A_QUERY_PAGES, ENOENT, ID, { QP(vm_id, V_VM, 0, 1000) } },
	{ "query-pages-npages-zero", A_QUERY_PAGES, EINVAL, "picked: npages 0 is -EINVAL",
	  { QP(npages, V_CONST, 0, 0) } },
	{ "query-pages-npages-too-big", A_QUERY_PAGES, EINVAL,
	  "npages <= VGPU_QUERY_MAX_PAGES (picked: -EINVAL)",
	  { QP(npages, V_CONST, 0, VGPU_QUERY_MAX_PAGES + 1) } },
	{ "query-pages-unaligned-start", A_QUERY_PAGES, EINVAL, "picked: page aligned",
	  { QP(start, V_BUF, ARG_PAGE_REGION, 8) } },
	{ "query-pages-bad-pointer", A_QUERY_PAGES, EFAULT, PTR,
	  { QP(pages, V_BUF, ARG_PAGE_NO_ACCESS, 0) } },

	/* QUERY_RANGES: the context made ranges in the region. */
	{ "query-ranges-valid", A_QUERY_RANGES, 0, "the unchanged call", { { 0 } } },
	{ "query-ranges-count-zero-valid", A_QUERY_RANGES, 0, "count 0: only how many",
	  { QR(count, V_CONST, 0, 0), QR(ranges, V_CONST, 0, 0) } },
	{ "query-ranges-unknown-vm", A_QUERY_RANGES, ENOENT, ID, { QR(vm_id, V_VM, 0, 1000) } },
	{ "query-ranges-size-zero", A_QUERY_RANGES, EINVAL, "picked: size 0 is -EINVAL",
	  { QR(size, V_CONST, 0, 0) } },
	{ "query-ranges-wraps", A_QUERY_RANGES, EINVAL, WRAP,
	  { QR(start, V_PAGES, -1, 0), QR(size, V_PAGES, 2, 0) } },
	{ "query-ranges-bad-pointer", A_QUERY_RANGES, EFAULT, PTR,
	  { QR(ranges, V_BUF, ARG_PAGE_NO_ACCESS, 0) } },

	/* QUERY_COUNTERS */
	{ "query-counters-valid", A_QUERY_COUNTERS, 0, "the unchanged call", { { 0 } } },
	{ "query-counters-size-zero-valid", A_QUERY_COUNTERS, 0,
	  "the min of the two sizes is copied: nothing", { QC(size, V_CONST, 0, 0) } },
	{ "query-counters-unknown-vm", A_QUERY_COUNTERS, ENOENT, ID,
	  { QC(vm_id, V_VM, 0, 1000) } },
	{ "query-counters-bad-pointer", A_QUERY_COUNTERS, EFAULT, PTR,
	  { QC(counters, V_BUF, ARG_PAGE_NO_ACCESS, 0) } },

	/* The DRM core's answer past the driver's last ioctl. */
	{ "ioctl-unknown-nr", A_UNKNOWN_NR, EINVAL,
	  "drm_ioctl(): a driver ioctl number past the table is -EINVAL", { { 0 } } },
};

const unsigned int vgpu_num_arg_checks = ARRAY_SIZE(vgpu_arg_checks);

static uint64_t value_of(const struct vgpu_arg_ctx *c, const struct vgpu_arg_change *ch)
{
	int64_t pages = (int64_t)ch->pages * (int64_t)c->page_size;

	switch (ch->kind) {
	case V_BUF:
		return (uint64_t)(uintptr_t)c->buf + (uint64_t)pages + (uint64_t)ch->bytes;
	case V_PAGES:
		return (uint64_t)pages + (uint64_t)ch->bytes;
	case V_VM:
		return c->vm + (uint64_t)ch->bytes;
	case V_OTHER_VM:
		return c->other_vm;
	case V_TILES:
		return c->info.num_tiles + (uint64_t)ch->bytes;
	default:
		return (uint64_t)ch->bytes;
	}
}

static void apply(const struct vgpu_arg_ctx *c, const struct vgpu_arg_check *ac, void *args)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(ac->set) && ac->set[i].width; i++) {
		uint64_t v = value_of(c, &ac->set[i]);
		uint32_t v32 = (uint32_t)v;

		if (ac->set[i].width == 8)
			memcpy((char *)args + ac->set[i].off, &v, 8);
		else
			memcpy((char *)args + ac->set[i].off, &v32, 4);
	}
}

static uintptr_t page(const struct vgpu_arg_ctx *c, int n)
{
	return (uintptr_t)c->buf + (uintptr_t)n * c->page_size;
}

/* The ioctl of @ac with its base arguments changed as it says. */
int vgpu_arg_check_call(const struct vgpu_arg_ctx *c, const struct vgpu_arg_check *ac)
{
	size_t ps = c->page_size;
	union {
		struct drm_vgpu_device_query dq;
		struct drm_vgpu_vm_create vc;
		struct drm_vgpu_vm_destroy vd;
		struct drm_vgpu_bind bi;
		struct drm_vgpu_exec ex;
		struct drm_vgpu_set_attr sa;
		struct drm_vgpu_prefetch pf;
		struct drm_vgpu_evict ev;
		struct drm_vgpu_query_pages qp;
		struct drm_vgpu_query_ranges qr;
		struct drm_vgpu_query_counters qc;
	} a;
	unsigned long request;
	uint32_t victim = 0;
	int ret;

	memset(&a, 0, sizeof(a));
	switch (ac->ioctl) {
	case A_DEVICE_QUERY:
		request = DRM_IOCTL_VGPU_DEVICE_QUERY;
		break;
	case A_VM_CREATE:
		request = DRM_IOCTL_VGPU_VM_CREATE;
		a.vc.mode = VGPU_VM_MODE_FAULT;
		break;
	case A_VM_DESTROY:
		/* A VM of its own to destroy, so that the context's survives. */
		if (__vgpu_vm_create(c->fd, VGPU_VM_MODE_FAULT, &victim))
			return VGPU_ARG_SETUP_FAILED;
		request = DRM_IOCTL_VGPU_VM_DESTROY;
		a.vd.vm_id = victim;
		break;
	case A_BIND:
		request = DRM_IOCTL_VGPU_BIND;
		a.bi = (struct drm_vgpu_bind){ .vm_id = c->vm, .op = VGPU_BIND_MAP,
					       .start = page(c, ARG_PAGE_FREE), .size = ps };
		break;
	case A_EXEC:
		request = DRM_IOCTL_VGPU_EXEC;
		a.ex = (struct drm_vgpu_exec){ .vm_id = c->vm, .op = VGPU_EXEC_READ,
					       .addr = page(c, ARG_PAGE_REGION), .size = ps,
					       .data = page(c, ARG_PAGE_FREE), .fence_fd = -1 };
		break;
	case A_SET_ATTR:
		request = DRM_IOCTL_VGPU_SET_ATTR;
		a.sa = (struct drm_vgpu_set_attr){ .vm_id = c->vm, .attr = VGPU_ATTR_PREFERRED_LOC,
						   .start = page(c, ARG_PAGE_REGION),
						   .size = ARG_REGION_PAGES * ps,
						   .value = VGPU_LOC_SYSTEM };
		break;
	case A_PREFETCH:
		request = DRM_IOCTL_VGPU_PREFETCH;
		a.pf = (struct drm_vgpu_prefetch){ .vm_id = c->vm, .loc = 0,
						   .start = page(c, ARG_PAGE_REGION),
						   .size = ARG_REGION_PAGES * ps };
		break;
	case A_EVICT:
		request = DRM_IOCTL_VGPU_EVICT;
		a.ev = (struct drm_vgpu_evict){ .vm_id = c->vm, .start = page(c, ARG_PAGE_REGION),
						.size = ARG_REGION_PAGES * ps };
		break;
	case A_QUERY_PAGES:
		request = DRM_IOCTL_VGPU_QUERY_PAGES;
		a.qp = (struct drm_vgpu_query_pages){ .vm_id = c->vm, .npages = ARG_REGION_PAGES,
						      .start = page(c, ARG_PAGE_REGION),
						      .pages = page(c, ARG_PAGE_FREE) };
		break;
	case A_QUERY_RANGES:
		request = DRM_IOCTL_VGPU_QUERY_RANGES;
		a.qr = (struct drm_vgpu_query_ranges){ .vm_id = c->vm, .count = ARG_REGION_PAGES,
						       .start = page(c, ARG_PAGE_REGION),
						       .size = ARG_REGION_PAGES * ps,
						       .ranges = page(c, ARG_PAGE_FREE) };
		break;
	case A_QUERY_COUNTERS:
		request = DRM_IOCTL_VGPU_QUERY_COUNTERS;
		a.qc = (struct drm_vgpu_query_counters){ .vm_id = c->vm,
							 .size = sizeof(struct drm_vgpu_counters),
							 .counters = page(c, ARG_PAGE_FREE) };
		break;
	case A_UNKNOWN_NR:
	default:
		request = DRM_IOWR(DRM_COMMAND_BASE + DRM_VGPU_QUERY_COUNTERS + 1,
				   struct drm_vgpu_vm_destroy);
		a.vd.vm_id = c->vm;
		break;
	}
	apply(c, ac, &a);
	ret = __vgpu_ioctl(c->fd, request, &a);
	if (!ret && ac->ioctl == A_VM_CREATE)
		__vgpu_vm_destroy(c->fd, a.vc.vm_id);
	/* An asynchronous job's answer is its fence's. */
	if (!ret && ac->ioctl == A_EXEC && a.ex.flags & VGPU_EXEC_ASYNC) {
		if (a.ex.fence_fd < 0)
			return -EBADF;
		ret = __vgpu_fence_wait(a.ex.fence_fd, VGPU_FENCE_TIMEOUT_MS);
		close(a.ex.fence_fd);
	}
	return ret;
}

int vgpu_arg_ctx_setup(struct vgpu_arg_ctx *c, int fd, int other_fd, char *buf)
{
	static const uint32_t spare = 3;	/* the other file's VMs: its ids run past ours */
	uint32_t first_vm = 0;
	int ret;

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->other_fd = other_fd;
	c->buf = buf;
	if ((ret = __vgpu_device_query(fd, &c->info)))
		return ret;
	c->page_size = c->info.page_size;
	if ((ret = __vgpu_vm_create(fd, VGPU_VM_MODE_FAULT, &c->vm)))
		return ret;
	/*
	 * Ids may be per file: of several VMs on the other file, take one whose
	 * id this file does not have.
	 */
	for (uint32_t i = 0; i < spare && !ret; i++)
		ret = __vgpu_vm_create(other_fd, VGPU_VM_MODE_FAULT, i ? &c->other_vm : &first_vm);
	if (ret)
		return ret;
	if (c->other_vm == c->vm)
		c->other_vm = first_vm;
	memset(buf, 0x5a, ARG_BUF_PAGES * c->page_size);
	if (mprotect(buf + ARG_PAGE_READ_ONLY * c->page_size, c->page_size, PROT_READ) ||
	    mprotect(buf + ARG_PAGE_NO_ACCESS * c->page_size, c->page_size, PROT_NONE))
		return -errno;
	if ((ret = __vgpu_bind(fd, c->vm, VGPU_BIND_MAP, (uintptr_t)buf,
			       ARG_REGION_PAGES * c->page_size)) ||
	    (ret = __vgpu_bind(fd, c->vm, VGPU_BIND_MAP,
			       (uintptr_t)buf + ARG_PAGE_READ_ONLY * c->page_size, c->page_size)) ||
	    (ret = __vgpu_bind(fd, c->vm, VGPU_BIND_MAP,
			       (uintptr_t)buf + ARG_PAGE_NO_ACCESS * c->page_size, c->page_size)))
		return ret;
	/*
	 * A device access, so that ranges exist for QUERY_RANGES to write out:
	 * into the two free pages, the room there is before the read-only one.
	 */
	return __vgpu_read(fd, c->vm, 0, buf, buf + ARG_PAGE_FREE * c->page_size,
			   (ARG_PAGE_READ_ONLY - ARG_PAGE_FREE) * c->page_size);
}
