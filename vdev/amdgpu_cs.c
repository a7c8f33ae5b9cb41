/* SPDX-License-Identifier: MIT */
/*
 * The amdgpu render node of a kfd preset as libdrm_amdgpu drives it for
 * SDMA work: INFO (what amdgpu_device_initialize asks), GEM_CREATE,
 * GEM_MMAP and the node's mmap, GEM_VA, GEM_CLOSE, CTX, BO_LIST, CS with
 * SDMA IBs, WAIT_CS.  The GPU's VM is one: GEM mappings, KFD's BOs and
 * both SVMs meet in kfd_sdma_exec.c's gpu_io.
 *
 * Facts from Debian's 7.3.4 tree: amdgpu_kms.c (amdgpu_info_ioctl: a zero
 * return size or pointer is EINVAL; DEV_INFO's VA layout for a 48-bit VM:
 * offset AMDGPU_VA_RESERVED_BOTTOM 64 KiB, low max 1 << 47, high range
 * from the hole's end 0xffff800000000000 to it | vm_size, vm_size being
 * 1 << 48 less AMDGPU_VA_RESERVED_TOP), amdgpu_gem.c (GEM_VA below
 * RESERVED_BOTTOM or in the hole is EINVAL, addresses compared without
 * the sign-extended top 16 bits, an unknown handle ENOENT), amdgpu_ctx.c
 * (a sequence number not yet issued is EINVAL), amdgpu_cs.c (an unknown
 * context is EINVAL, a guilty one ECANCELED).
 *
 * What is vdev's own, documented here (tests must not rely on it on real
 * hardware): one GEM and VM state per GPU and process, not per drm_file
 * (the suite opens each render node once and libdrm dups it); only SDMA
 * IBs (ip_type DMA, rings 0 and 1) are served, others EINVAL; an IB runs
 * to its end inside the CS ioctl, so every fence has signalled by the time
 * WAIT_CS asks; a VM fault ends the IB (the kernel lets the engine go on
 * with the access sent to the dummy page: either way the data is not what
 * the packets asked and the fault is in the log) and, on a gfx VMID, does
 * not touch KFD's queues; an unknown packet hangs the job, which the
 * kernel's timeout handler resolves by a reset: the context is guilty
 * (QUERY_STATE2 RESET|GUILTY, later CS ECANCELED).  READ_MMR_REG answers
 * GB_ADDR_CONFIG (0x263e) only, with a fixed value.  GPUVM_FAULT answers
 * the VM's last fault (amdgpu_vm_update_fault_cache: sticky, never
 * cleared).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <drm.h>
#include <amdgpu_drm.h>

#include "kfd.h"
#include "vdev.h"
#include "uapi/amdgpu_svm_drm.h"	/* after amdgpu_drm.h: AMDGPU_INFO_GPUVM_FAULT */

#define RESERVED_BOTTOM		(1ull << 16)
/*
 * AMDGPU_VA_RESERVED_TOP: the trap area (TRAP_SIZE, 64K since the non-4K
 * series' v4; bug model trap-area-8k: its old two 4K GPU pages), SEQ64's
 * 2 MiB and the CSA's 2 MiB.
 */
#define TRAP_SIZE		(vdev_bugs & VDEV_BUG_KFD_TRAP_AREA_8K ? 8192ull : 1ull << 16)
#define RESERVED_TOP		(TRAP_SIZE + (2ull << 20) + (2ull << 20))
#define VM_SIZE			((1ull << 48) - RESERVED_TOP)
#define HOLE_START		0x0000800000000000ull
#define HOLE_END		0xffff800000000000ull
#define HOLE_MASK		0x0000ffffffffffffull
#define GPU_PAGE		4096ull
#define GEM_OFFSET_START	(1ull << 44)	/* apart from KFD's BO offsets (kfd_bo.c) */
#define SDMA_RINGS		2
#define MAX_IB_BYTES		(1u << 20)
#define GB_ADDR_CONFIG		0x263e
#define GB_ADDR_CONFIG_VALUE	0x26010042u	/* vdev's: no layout depends on it */
#define FAMILY_GC_11_0_0	145		/* AMDGPU_FAMILY_GC_11_0_0, newer than libdrm 2.4.114's header */

struct gem {
	uint32_t handle;
	uint64_t size;
	uint64_t domains, flags;
	uint64_t mmap_offset;
	int memfd;
	void *kmap;
	struct gem *next;
};

struct mapping {
	uint64_t start, end;		/* GPU VA, hole mask applied */
	uint64_t offset;		/* in the BO */
	uint32_t flags;			/* AMDGPU_VM_PAGE_* */
	struct gem *bo;
	struct mapping *next;
};

struct ctx {
	uint32_t id;
	bool guilty;
	uint64_t seq[SDMA_RINGS];	/* the last issued; all have signalled */
	struct ctx *next;
};

struct bo_list {
	uint32_t handle;
	struct bo_list *next;
};

static struct file {
	pid_t pid;
	struct gem *bos;
	struct mapping *maps;
	struct ctx *ctxs;
	struct bo_list *lists;
	uint32_t next_handle, next_ctx, next_list;
	uint64_t next_offset;
	struct drm_amdgpu_info_gpuvm_fault fault;	/* the VM's last fault */
} files[VDEV_KFD_MAX_GPUS];

/*
 * What amdgpu_vm_update_fault_cache keeps of a fault: the page, a nonzero
 * status (the real one is the hub's register; vdev's is one value for
 * every cause) and the hub type, MM0 (1) on gfx9, GFX (0) from gfx10 on.
 */
#define FAULT_STATUS		0x4

static void free_file(struct file *f);

/* GPU @gpu's state in this process; a fork child frees its copy of the parent's. */
static struct file *file_of(unsigned int gpu)
{
	struct file *f = &files[gpu];

	if (f->pid != getpid()) {
		free_file(f);
		*f = (struct file){ .pid = getpid(), .next_handle = 1, .next_ctx = 1,
				    .next_list = 1, .next_offset = GEM_OFFSET_START };
	}
	return f;
}

static struct gem *gem_find(struct file *f, uint32_t handle)
{
	for (struct gem *b = f->bos; b; b = b->next)
		if (b->handle == handle)
			return b;
	return NULL;
}

static struct ctx *ctx_find(struct file *f, uint32_t id)
{
	for (struct ctx *c = f->ctxs; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

static void gem_free(struct gem *b)
{
	if (b->kmap)
		syscall(SYS_munmap, b->kmap, b->size);
	if (b->memfd >= 0)
		vdev_real_close(b->memfd);
	free(b);
}

/* ---- INFO ---- */

/* Family, device id and SDMA version of the preset GPU's gfx target. */
static void device_of(unsigned int gpu, struct drm_amdgpu_info_device *d)
{
	uint32_t gfx = vdev_kfd->gpus[gpu].gfx_target_version;

	memset(d, 0, sizeof(*d));
	d->device_id = gfx >= 110000 ? 0x744c : 0x740f;	/* the preset's PCI ids (vdev/run) */
	d->family = gfx >= 110000 ? FAMILY_GC_11_0_0 : AMDGPU_FAMILY_AI;
	d->num_shader_engines = 4;
	d->num_shader_arrays_per_engine = 1;
	d->gpu_counter_freq = 100000;
	d->max_engine_clock = 2100000;
	d->max_memory_clock = 1300000;
	d->ids_flags = vdev_kfd->gpus[gpu].vram_size ? 0 : AMDGPU_IDS_FLAGS_FUSION;
	d->virtual_address_offset = RESERVED_BOTTOM;
	d->virtual_address_max = HOLE_START;
	d->virtual_address_alignment = (uint32_t)getpagesize();
	d->high_va_offset = HOLE_END;
	d->high_va_max = HOLE_END | VM_SIZE;
	d->pte_fragment_size = 2u << 20;
	d->gart_page_size = (uint32_t)getpagesize();
	d->cu_active_number = 104;
}

static long info(unsigned int gpu, struct drm_amdgpu_info *in)
{
	uint32_t size = in->return_size;
	uint64_t out = in->return_pointer;

	if (!size || !out)
		return vdev_kfd_reject(-EINVAL, "amdgpu_info_ioctl: return size or pointer 0");
	switch (in->query) {
	case AMDGPU_INFO_ACCEL_WORKING: {
		uint32_t one = 1;

		return vdev_cpu_write(out, &one, size < 4 ? size : 4) ? -EFAULT : 0;
	}
	case AMDGPU_INFO_DEV_INFO: {
		struct drm_amdgpu_info_device d;

		device_of(gpu, &d);
		return vdev_cpu_write(out, &d, size < sizeof(d) ? size : sizeof(d)) ? -EFAULT : 0;
	}
	case AMDGPU_INFO_HW_IP_COUNT: {
		uint32_t n = in->query_hw_ip.type == AMDGPU_HW_IP_DMA ? 1 : 0;

		if (!n)
			return vdev_kfd_reject(-EINVAL, "vdev: only SDMA is served");
		return vdev_cpu_write(out, &n, size < 4 ? size : 4) ? -EFAULT : 0;
	}
	case AMDGPU_INFO_HW_IP_INFO: {
		struct drm_amdgpu_info_hw_ip ip = { 0 };

		if (in->query_hw_ip.type != AMDGPU_HW_IP_DMA || in->query_hw_ip.ip_instance)
			return vdev_kfd_reject(-EINVAL, "vdev: only SDMA instance 0 is served");
		ip.hw_ip_version_major = vdev_kfd->gpus[gpu].gfx_target_version >= 110000 ? 6 : 4;
		ip.available_rings = (1u << SDMA_RINGS) - 1;
		ip.ib_start_alignment = 256;
		ip.ib_size_alignment = 4;
		return vdev_cpu_write(out, &ip, size < sizeof(ip) ? size : sizeof(ip)) ? -EFAULT : 0;
	}
	case AMDGPU_INFO_GPUVM_FAULT: {
		const struct drm_amdgpu_info_gpuvm_fault *fi = &file_of(gpu)->fault;

		return vdev_cpu_write(out, fi, size < sizeof(*fi) ? size : sizeof(*fi)) ? -EFAULT : 0;
	}
	case AMDGPU_INFO_READ_MMR_REG: {
		uint32_t v = GB_ADDR_CONFIG_VALUE;

		if (in->read_mmr_reg.count > 128)
			return vdev_kfd_reject(-EINVAL, "amdgpu_info_ioctl: more than 128 registers");
		if (in->read_mmr_reg.dword_offset != GB_ADDR_CONFIG || in->read_mmr_reg.count != 1)
			return vdev_kfd_reject(-EFAULT, "amdgpu_asic_read_register: unallowed offset");
		return vdev_cpu_write(out, &v, size < 4 ? size : 4) ? -EFAULT : 0;
	}
	default:
		return vdev_kfd_reject(-EINVAL, "vdev: this AMDGPU_INFO query is not served");
	}
}

/* ---- GEM ---- */

static long gem_create(struct file *f, union drm_amdgpu_gem_create *a)
{
	uint64_t size = (a->in.bo_size + GPU_PAGE - 1) & ~(GPU_PAGE - 1);
	struct gem *b;

	if (!size || a->in.domains & ~(uint64_t)AMDGPU_GEM_DOMAIN_MASK)
		return vdev_kfd_reject(-EINVAL, "amdgpu_gem_create_ioctl: size or domains");
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->memfd = memfd_create("vdev-amdgpu-gem", MFD_CLOEXEC);
	if (b->memfd < 0 || ftruncate(b->memfd, (off_t)size)) {
		b->kmap = NULL;
		gem_free(b);
		return -ENOMEM;
	}
	b->kmap = (void *)syscall(SYS_mmap, NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
				  b->memfd, 0);
	if (b->kmap == MAP_FAILED) {
		b->kmap = NULL;
		gem_free(b);
		return -ENOMEM;
	}
	b->size = size;
	b->domains = a->in.domains;
	b->flags = a->in.domain_flags;
	b->handle = f->next_handle++;
	b->mmap_offset = f->next_offset;
	f->next_offset += size;
	b->next = f->bos;
	f->bos = b;
	memset(a, 0, sizeof(*a));
	a->out.handle = b->handle;
	return 0;
}

static long gem_mmap(struct file *f, union drm_amdgpu_gem_mmap *a)
{
	struct gem *b = gem_find(f, a->in.handle);

	if (!b)
		return vdev_kfd_reject(-ENOENT, "amdgpu_mode_dumb_mmap: drm_gem_object_lookup");
	memset(a, 0, sizeof(*a));
	a->out.addr_ptr = b->mmap_offset;
	return 0;
}

/* drm_gem_handle_delete; its mappings go with it (amdgpu_gem_object_close). */
static long gem_close(struct file *f, struct drm_gem_close *a)
{
	for (struct gem **p = &f->bos; *p; p = &(*p)->next) {
		struct gem *b = *p;

		if (b->handle != a->handle)
			continue;
		*p = b->next;
		for (struct mapping **m = &f->maps; *m;) {
			if ((*m)->bo == b) {
				struct mapping *gone = *m;

				*m = gone->next;
				free(gone);
			} else {
				m = &(*m)->next;
			}
		}
		gem_free(b);
		return 0;
	}
	return vdev_kfd_reject(-EINVAL, "drm_gem_handle_delete: no such handle");
}

#define VM_FLAGS (AMDGPU_VM_DELAY_UPDATE | AMDGPU_VM_PAGE_READABLE | AMDGPU_VM_PAGE_WRITEABLE | \
		  AMDGPU_VM_PAGE_EXECUTABLE | AMDGPU_VM_PAGE_PRT | AMDGPU_VM_MTYPE_MASK)

static long gem_va(struct file *f, struct drm_amdgpu_gem_va *a)
{
	uint64_t start = a->va_address & HOLE_MASK, end = start + a->map_size;
	struct mapping *m;
	struct gem *b;

	if (a->va_address < RESERVED_BOTTOM)
		return vdev_kfd_reject(-EINVAL, "amdgpu_gem_va_ioctl: below AMDGPU_VA_RESERVED_BOTTOM");
	if (a->va_address >= HOLE_START && a->va_address < HOLE_END)
		return vdev_kfd_reject(-EINVAL, "amdgpu_gem_va_ioctl: in the VA hole");
	if (a->flags & ~(uint32_t)VM_FLAGS)
		return vdev_kfd_reject(-EINVAL, "amdgpu_gem_va_ioctl: unknown flags");
	if (a->operation != AMDGPU_VA_OP_MAP && a->operation != AMDGPU_VA_OP_UNMAP)
		return vdev_kfd_reject(-EINVAL, "vdev: only VA MAP and UNMAP are served");
	b = gem_find(f, a->handle);
	if (!b)
		return vdev_kfd_reject(-ENOENT, "amdgpu_gem_va_ioctl: drm_gem_object_lookup");
	if (a->operation == AMDGPU_VA_OP_UNMAP) {
		for (struct mapping **p = &f->maps; *p; p = &(*p)->next)
			if ((*p)->bo == b && (*p)->start == start) {
				m = *p;
				*p = m->next;
				free(m);
				return 0;
			}
		return vdev_kfd_reject(-ENOENT, "amdgpu_vm_bo_unmap: no such mapping");
	}
	if ((start | a->map_size | a->offset_in_bo) & (GPU_PAGE - 1) || !a->map_size ||
	    end <= start || end > VM_SIZE || a->offset_in_bo + a->map_size > b->size)
		return vdev_kfd_reject(-EINVAL, "amdgpu_vm_bo_map: alignment or size");
	for (m = f->maps; m; m = m->next)
		if (m->start < end && start < m->end)
			return vdev_kfd_reject(-EINVAL, "amdgpu_vm_bo_map: overlaps a mapping");
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	*m = (struct mapping){ .start = start, .end = end, .offset = a->offset_in_bo,
			       .flags = a->flags, .bo = b, .next = f->maps };
	f->maps = m;
	return 0;
}

int vdev_amdgpu_gem_io(unsigned int gpu, uint64_t va, void *buf, size_t len, bool write,
		       size_t *done)
{
	struct file *f;

	if (gpu >= VDEV_KFD_MAX_GPUS || files[gpu].pid != getpid())
		return -ENOENT;
	f = &files[gpu];
	va &= HOLE_MASK;
	for (struct mapping *m = f->maps; m; m = m->next) {
		char *at;

		if (va < m->start || va >= m->end)
			continue;
		if (write && !(m->flags & AMDGPU_VM_PAGE_WRITEABLE))
			return -EPERM;
		*done = len < m->end - va ? len : m->end - va;
		at = (char *)m->bo->kmap + m->offset + (va - m->start);
		if (write)
			memcpy(at, buf, *done);
		else
			memcpy(buf, at, *done);
		return 0;
	}
	return -ENOENT;
}

void *vdev_amdgpu_gem_mmap(unsigned int gpu, void *addr, size_t len, int prot, int flags,
			   uint64_t off, bool *ours)
{
	struct file *f = file_of(gpu);

	*ours = off >= GEM_OFFSET_START;
	if (!*ours)
		return MAP_FAILED;
	for (struct gem *b = f->bos; b; b = b->next) {
		void *p;

		if (off < b->mmap_offset || off - b->mmap_offset >= b->size)
			continue;
		if (len > b->size - (off - b->mmap_offset)) {
			errno = EINVAL;
			return MAP_FAILED;
		}
		p = (void *)syscall(SYS_mmap, addr, len, prot, flags, b->memfd,
				    (off_t)(off - b->mmap_offset));
		if (p == MAP_FAILED)
			errno = ENOMEM;
		return p;
	}
	errno = EINVAL;
	return MAP_FAILED;
}

/* ---- contexts, BO lists, submission ---- */

static long ctx_ioctl(struct file *f, union drm_amdgpu_ctx *a)
{
	struct ctx *c;
	uint32_t op = a->in.op, id = a->in.ctx_id;

	switch (op) {
	case AMDGPU_CTX_OP_ALLOC_CTX:
		c = calloc(1, sizeof(*c));
		if (!c)
			return -ENOMEM;
		c->id = f->next_ctx++;
		c->next = f->ctxs;
		f->ctxs = c;
		memset(a, 0, sizeof(*a));
		a->out.alloc.ctx_id = c->id;
		return 0;
	case AMDGPU_CTX_OP_FREE_CTX:
		for (struct ctx **p = &f->ctxs; *p; p = &(*p)->next)
			if ((*p)->id == id) {
				c = *p;
				*p = c->next;
				free(c);
				return 0;
			}
		return vdev_kfd_reject(-EINVAL, "amdgpu_ctx_free: no such context");
	case AMDGPU_CTX_OP_QUERY_STATE:
	case AMDGPU_CTX_OP_QUERY_STATE2:
		c = ctx_find(f, id);
		if (!c)
			return vdev_kfd_reject(-EINVAL, "amdgpu_ctx_query: no such context");
		memset(a, 0, sizeof(*a));
		if (op == AMDGPU_CTX_OP_QUERY_STATE2)
			a->out.state.flags = c->guilty ? AMDGPU_CTX_QUERY2_FLAGS_RESET |
							 AMDGPU_CTX_QUERY2_FLAGS_GUILTY : 0;
		else
			a->out.state.reset_status = c->guilty ? AMDGPU_CTX_GUILTY_RESET
							      : AMDGPU_CTX_NO_RESET;
		return 0;
	default:
		return vdev_kfd_reject(-EINVAL, "amdgpu_ctx_ioctl: unknown op");
	}
}

static long bo_list_ioctl(struct file *f, union drm_amdgpu_bo_list *a)
{
	struct drm_amdgpu_bo_list_entry e;
	struct bo_list *l;

	switch (a->in.operation) {
	case AMDGPU_BO_LIST_OP_CREATE:
		if (a->in.bo_number > (1u << 17) || a->in.bo_info_size < sizeof(e.bo_handle))
			return vdev_kfd_reject(-EINVAL, "amdgpu_bo_create_list_entry_array");
		for (uint32_t i = 0; i < a->in.bo_number; i++) {
			memset(&e, 0, sizeof(e));
			if (vdev_cpu_read(a->in.bo_info_ptr + (uint64_t)i * a->in.bo_info_size, &e,
					  a->in.bo_info_size < sizeof(e) ? a->in.bo_info_size
									 : sizeof(e)))
				return -EFAULT;
			if (!gem_find(f, e.bo_handle))
				return vdev_kfd_reject(-ENOENT, "amdgpu_bo_list_create: a BO handle");
		}
		l = calloc(1, sizeof(*l));
		if (!l)
			return -ENOMEM;
		l->handle = f->next_list++;
		l->next = f->lists;
		f->lists = l;
		memset(a, 0, sizeof(*a));
		a->out.list_handle = l->handle;
		return 0;
	case AMDGPU_BO_LIST_OP_DESTROY:
		for (struct bo_list **p = &f->lists; *p; p = &(*p)->next)
			if ((*p)->handle == a->in.list_handle) {
				l = *p;
				*p = l->next;
				free(l);
				return 0;
			}
		return vdev_kfd_reject(-EINVAL, "amdgpu_bo_list_ioctl: no such list");
	default:
		return vdev_kfd_reject(-EINVAL, "vdev: only BO_LIST CREATE and DESTROY are served");
	}
}

static bool list_exists(struct file *f, uint32_t handle)
{
	for (struct bo_list *l = f->lists; l; l = l->next)
		if (l->handle == handle)
			return true;
	return false;
}

static long cs(unsigned int gpu, struct file *f, union drm_amdgpu_cs *a)
{
	struct drm_amdgpu_cs_chunk_ib ib = { 0 };
	struct ctx *c = ctx_find(f, a->in.ctx_id);
	unsigned int ibs = 0;
	uint64_t fault_va;
	int ret;

	if (!c)
		return vdev_kfd_reject(-EINVAL, "amdgpu_cs_parser_init: no such context");
	if (c->guilty)
		return vdev_kfd_reject(-ECANCELED, "amdgpu_cs_parser_init: the context is guilty");
	if (!a->in.num_chunks || a->in.num_chunks > 16)
		return vdev_kfd_reject(-EINVAL, "amdgpu_cs_pass1: chunk count");
	if (a->in.bo_list_handle && !list_exists(f, a->in.bo_list_handle))
		return vdev_kfd_reject(-EINVAL, "amdgpu_cs_pass1: amdgpu_bo_list_get");
	for (uint32_t i = 0; i < a->in.num_chunks; i++) {
		struct drm_amdgpu_cs_chunk ch;
		uint64_t ptr;

		if (vdev_cpu_read(a->in.chunks + 8ull * i, &ptr, sizeof(ptr)) ||
		    vdev_cpu_read(ptr, &ch, sizeof(ch)))
			return -EFAULT;
		if (ch.chunk_id != AMDGPU_CHUNK_ID_IB)
			return vdev_kfd_reject(-EINVAL, "vdev: only IB chunks are served");
		if (ch.length_dw * 4 < sizeof(ib) || ibs++)
			return vdev_kfd_reject(-EINVAL, "vdev: one IB chunk of its full size");
		if (vdev_cpu_read(ch.chunk_data, &ib, sizeof(ib)))
			return -EFAULT;
	}
	if (ib.ip_type != AMDGPU_HW_IP_DMA || ib.ip_instance || ib.ring >= SDMA_RINGS)
		return vdev_kfd_reject(-EINVAL, "vdev: SDMA rings 0 and 1 only");
	if (!ib.ib_bytes || ib.ib_bytes % 4 || ib.ib_bytes > MAX_IB_BYTES)
		return vdev_kfd_reject(-EINVAL, "amdgpu_ib_get: IB size");
	ret = vdev_kfd_sdma_run_ib(gpu, ib.va_start, ib.ib_bytes, &fault_va);
	if (ret == -EFAULT) {
		f->fault = (struct drm_amdgpu_info_gpuvm_fault){
			.addr = fault_va, .status = FAULT_STATUS,
			.vmhub = vdev_kfd->gpus[gpu].gfx_target_version < 100000 ? 1 : 0,
		};
	} else if (ret == -EIO) {
		/* The job hung; the timeout handler's reset blames this context. */
		c->guilty = true;
		vdev_kfd_kmsg(3, "amdgpu: ring sdma%u timeout, signaled seq=%llu\n", ib.ring,
			      (unsigned long long)c->seq[ib.ring]);
		vdev_kfd_kmsg(3, "amdgpu: GPU reset begin!\n");
	}
	a->out.handle = ++c->seq[ib.ring];
	return 0;
}

static long wait_cs(struct file *f, union drm_amdgpu_wait_cs *a)
{
	struct ctx *c = ctx_find(f, a->in.ctx_id);

	if (!c)
		return vdev_kfd_reject(-EINVAL, "amdgpu_cs_wait_ioctl: no such context");
	if (a->in.ip_type != AMDGPU_HW_IP_DMA || a->in.ip_instance || a->in.ring >= SDMA_RINGS)
		return vdev_kfd_reject(-EINVAL, "amdgpu_ctx_get_entity: ring");
	if (a->in.handle != ~0ull && a->in.handle > c->seq[a->in.ring])
		return vdev_kfd_reject(-EINVAL, "amdgpu_ctx_get_fence: not issued yet");
	memset(&a->out, 0, sizeof(a->out));	/* status 0: signalled */
	return 0;
}

/*
 * drm_ioctl's copying: the handler is found by number alone; the argument
 * is copied in when both the caller's command and the driver's have IN,
 * out when both have OUT, in the caller's size, zero-extended to the
 * driver's (libdrm's drmCommandWriteRead makes every command IOWR).
 */
long vdev_amdgpu_render_ioctl(unsigned int gpu, unsigned long request, void *arg)
{
	union {
		struct drm_amdgpu_info info;
		union drm_amdgpu_gem_create create;
		union drm_amdgpu_gem_mmap mmap;
		struct drm_amdgpu_gem_va va;
		union drm_amdgpu_ctx ctx;
		union drm_amdgpu_bo_list list;
		union drm_amdgpu_cs cs;
		union drm_amdgpu_wait_cs wait;
		struct drm_gem_close close;
	} k;
	static const unsigned long cmds[] = {
		DRM_IOCTL_AMDGPU_INFO, DRM_IOCTL_AMDGPU_GEM_CREATE, DRM_IOCTL_AMDGPU_GEM_MMAP,
		DRM_IOCTL_AMDGPU_GEM_VA, DRM_IOCTL_AMDGPU_CTX, DRM_IOCTL_AMDGPU_BO_LIST,
		DRM_IOCTL_AMDGPU_CS, DRM_IOCTL_AMDGPU_WAIT_CS, DRM_IOCTL_GEM_CLOSE,
	};
	unsigned long cmd = 0;
	size_t usize = _IOC_SIZE(request), in, out;
	struct file *f = file_of(gpu);
	long ret;

	if (_IOC_TYPE(request) != DRM_IOCTL_BASE)
		return -ENOTTY;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (_IOC_NR(cmds[i]) == _IOC_NR(request))
			cmd = cmds[i];
	if (!cmd)
		return -ENOTTY;
	in = _IOC_DIR(request) & _IOC_DIR(cmd) & _IOC_WRITE ? usize : 0;
	out = _IOC_DIR(request) & _IOC_DIR(cmd) & _IOC_READ ? usize : 0;
	if (in > _IOC_SIZE(cmd))
		in = _IOC_SIZE(cmd);
	if (out > _IOC_SIZE(cmd))
		out = _IOC_SIZE(cmd);
	memset(&k, 0, sizeof(k));
	if (in && vdev_cpu_read((uintptr_t)arg, &k, in))
		return -EFAULT;
	switch (cmd) {
	case DRM_IOCTL_AMDGPU_INFO:
		ret = info(gpu, &k.info);
		break;
	case DRM_IOCTL_AMDGPU_GEM_CREATE:
		ret = gem_create(f, &k.create);
		break;
	case DRM_IOCTL_AMDGPU_GEM_MMAP:
		ret = gem_mmap(f, &k.mmap);
		break;
	case DRM_IOCTL_AMDGPU_GEM_VA:
		ret = gem_va(f, &k.va);
		break;
	case DRM_IOCTL_AMDGPU_CTX:
		ret = ctx_ioctl(f, &k.ctx);
		break;
	case DRM_IOCTL_AMDGPU_BO_LIST:
		ret = bo_list_ioctl(f, &k.list);
		break;
	case DRM_IOCTL_AMDGPU_CS:
		ret = cs(gpu, f, &k.cs);
		break;
	case DRM_IOCTL_AMDGPU_WAIT_CS:
		ret = wait_cs(f, &k.wait);
		break;
	default:
		ret = gem_close(f, &k.close);
		break;
	}
	if (!ret && out && vdev_cpu_write((uintptr_t)arg, &k, out))
		ret = -EFAULT;
	return ret;
}

void vdev_amdgpu_render_release(unsigned int gpu)
{
	if (gpu >= VDEV_KFD_MAX_GPUS || files[gpu].pid != getpid())
		return;
	free_file(&files[gpu]);
}

/* Everything @f holds (in a fork child: its copies of the memfds and mappings). */
static void free_file(struct file *f)
{
	while (f->maps) {
		struct mapping *n = f->maps->next;

		free(f->maps);
		f->maps = n;
	}
	while (f->bos) {
		struct gem *n = f->bos->next;

		gem_free(f->bos);
		f->bos = n;
	}
	while (f->ctxs) {
		struct ctx *n = f->ctxs->next;

		free(f->ctxs);
		f->ctxs = n;
	}
	while (f->lists) {
		struct bo_list *n = f->lists->next;

		free(f->lists);
		f->lists = n;
	}
	f->pid = 0;
}
