/* SPDX-License-Identifier: MIT */
/*
 * amdkfd's buffer objects: ALLOC/FREE_MEMORY_OF_GPU, MAP/UNMAP_MEMORY_TO/
 * FROM_GPU, the render node's mmap of a VRAM or GTT BO, /dev/kfd's mmap of
 * the doorbell slice and the MMIO-remap page, and the per-GPU table of BO
 * mappings the SDMA engine reads through.  Facts from 6.12.117's
 * kfd_chardev.c (kfd_ioctl_alloc_memory_of_gpu, _free_, _map_, _unmap_,
 * kfd_mmap, kfd_mmio_mmap), kfd_doorbell.c (kfd_doorbell_mmap, the slice
 * size), amdgpu_amdkfd_gpuvm.c (domains, the userptr, EBUSY of a mapped
 * BO or of a queue's buffer) and amdgpu_vm.c (a mapping must be aligned,
 * inside the VM and overlap no other one; the unmap of a BO a VM does not
 * map is EINVAL).
 *
 * Memory: a VRAM or GTT BO is a memfd that vdev maps once for the engine
 * (the GPU reaches a BO whatever the CPU does with its own mapping), and
 * the render node's mmap maps the same memfd; a USERPTR BO is the
 * program's pages, reached with process_vm_readv/writev like the GPU's
 * DMA through the pinned pages.  VRAM is not a separate pool here: its
 * contents are the memfd, its size counts against the preset's VRAM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kfd.h"
#include "vdev.h"

#define PAGE VDEV_KFD_PAGE_SIZE
#define ALIGNED(v) (!((v) & (PAGE - 1)))
/* The GPUVM's top (kfd_init_apertures_v9: 48-bit, 47 for the user). */
#define GPUVM_LIMIT (1ull << 47)
/* DRM_FILE_PAGE_OFFSET_START in bytes: where GEM's fake mmap offsets begin. */
#define RENDER_OFFSET_START (0x100000ull << VDEV_KFD_PAGE_SHIFT)
/*
 * Where the doorbell BAR would be: ALLOC of the doorbell slice returns its
 * bus address (kfd_get_process_doorbells), not an mmap offset; user mode
 * maps the slice at the doorbell_offset CREATE_QUEUE returned.
 */
#define DOORBELL_BUS_BASE 0xf8000000ull

struct vdev_kfd_bo {
	uint64_t handle;		/* gpu_id << 32 | idr index */
	unsigned int gpu;		/* the GPU it was allocated on */
	uint32_t flags;			/* KFD_IOC_ALLOC_MEM_FLAGS_* */
	uint64_t va, size;		/* the GPU mapping, page aligned */
	uint64_t userptr;		/* USERPTR: the CPU pages */
	uint64_t mmap_offset;		/* VRAM/GTT: the render node's offset */
	int memfd;			/* VRAM/GTT; -1 else */
	void *kmap;			/* vdev's mapping (the BO's, or doorbells/MMIO) */
	uint32_t mapped;		/* GPU indices it is mapped on */
	unsigned int queue_refs[VDEV_KFD_MAX_GPUS];	/* queues of each GPU using it */
	struct vdev_kfd_bo *next;
};

/* The GPU's doorbell slice and MMIO page: one each, shared by every BO of them. */
struct gpu_pages {
	int db_fd, mmio_fd;
	void *db, *mmio;
};

static struct {
	pid_t pid;
	struct vdev_kfd_bo *bos;
	uint64_t next_offset;
	uint64_t vram_used[VDEV_KFD_MAX_GPUS];
	struct gpu_pages pages[VDEV_KFD_MAX_GPUS];
} st;

static void *sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

static void sys_munmap(void *addr, size_t len)
{
	syscall(SYS_munmap, addr, len);
}

/*
 * The tables of this process.  A fork child inherited the parent's
 * memory, not its KFD process: it starts empty (and closes its copies of
 * the parent's memfds).
 */
static void own(void)
{
	if (st.pid == getpid())
		return;
	if (st.pid) {
		for (struct vdev_kfd_bo *bo = st.bos, *next; bo; bo = next) {
			next = bo->next;
			if (bo->memfd >= 0)
				vdev_real_close(bo->memfd);
			free(bo);
		}
		for (int i = 0; i < VDEV_KFD_MAX_GPUS; i++) {
			if (st.pages[i].db_fd >= 0)
				vdev_real_close(st.pages[i].db_fd);
			if (st.pages[i].mmio_fd >= 0)
				vdev_real_close(st.pages[i].mmio_fd);
		}
	}
	memset(&st, 0, sizeof(st));
	st.pid = getpid();
	st.next_offset = RENDER_OFFSET_START;
	for (int i = 0; i < VDEV_KFD_MAX_GPUS; i++)
		st.pages[i].db_fd = st.pages[i].mmio_fd = -1;
}

/* A zeroed shared memfd of @size and vdev's own mapping of it. */
static int new_memory(uint64_t size, int *fd, void **kmap)
{
	void *p;

	*fd = memfd_create("vdev-kfd-bo", MFD_CLOEXEC);
	if (*fd < 0)
		return -ENOMEM;
	p = ftruncate(*fd, (off_t)size) ? MAP_FAILED
		: sys_mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, *fd, 0);
	if (p == MAP_FAILED) {
		vdev_real_close(*fd);
		*fd = -1;
		return -ENOMEM;
	}
	*kmap = p;
	return 0;
}

volatile uint64_t *vdev_kfd_doorbells(unsigned int gpu)
{
	struct gpu_pages *g;

	own();
	g = &st.pages[gpu];
	if (!g->db && new_memory(VDEV_KFD_DOORBELL_SLICE, &g->db_fd, &g->db))
		return NULL;
	return g->db;
}

static void *mmio_page(unsigned int gpu)
{
	struct gpu_pages *g = &st.pages[gpu];

	if (!g->mmio && new_memory(PAGE, &g->mmio_fd, &g->mmio))
		return NULL;
	return g->mmio;
}

static bool vm_acquired(unsigned int gpu)
{
	return vdev_kfd_proc.bound_fd[gpu] >= 0;
}

static struct vdev_kfd_bo *bo_by_handle(uint64_t handle)
{
	own();
	for (struct vdev_kfd_bo *bo = st.bos; bo; bo = bo->next)
		if (bo->handle == handle)
			return bo;
	return NULL;
}

/* kfd_process_device_create_obj_handle: the lowest free IDR index of the GPU. */
static uint32_t free_idr(unsigned int gpu)
{
	for (uint32_t idr = 0;; idr++) {
		bool used = false;

		for (struct vdev_kfd_bo *bo = st.bos; bo && !used; bo = bo->next)
			used = bo->gpu == gpu && (uint32_t)bo->handle == idr;
		if (!used)
			return idr;
	}
}

/* The BO mapped on @gpu that holds @va. */
static struct vdev_kfd_bo *mapped_at(unsigned int gpu, uint64_t va)
{
	own();
	for (struct vdev_kfd_bo *bo = st.bos; bo; bo = bo->next)
		if ((bo->mapped >> gpu & 1) && va >= bo->va && va - bo->va < bo->size)
			return bo;
	return NULL;
}

/* Whether every page of [addr, addr + len) is in a VMA (get_user_pages' vma_lookup). */
static bool cpu_mapped(uint64_t addr, uint64_t len)
{
	/* mincore() answers a byte per host page, whatever kfd's page size. */
	unsigned char vec[64];
	const uint64_t chunk = sizeof(vec) * VDEV_HOST_PAGE_SIZE;

	addr &= ~(PAGE - 1);
	while (len) {
		uint64_t n = len < chunk ? len : chunk;

		if (mincore((void *)(uintptr_t)addr, n, vec))
			return false;
		addr += n;
		len -= n;
	}
	return true;
}

#define REJECT_IF(cond, err, check) \
	do { if (cond) return vdev_kfd_reject(err, check); } while (0)

/*
 * amdgpu_amdkfd_gpuvm_alloc_memory_of_gpu: the domain from the flags (an
 * APU's VRAM is GTT), the userptr's pages, the VRAM limit.
 */
static long gpuvm_alloc(struct vdev_kfd_bo *bo, uint64_t size, uint64_t offset)
{
	const struct vdev_kfd_gpu *g = &vdev_kfd->gpus[bo->gpu];
	uint32_t f = bo->flags;

	bo->size = (size + PAGE - 1) & ~(PAGE - 1);
	if (f & (KFD_IOC_ALLOC_MEM_FLAGS_VRAM | KFD_IOC_ALLOC_MEM_FLAGS_GTT)) {
		bool vram = (f & KFD_IOC_ALLOC_MEM_FLAGS_VRAM) && g->vram_size;

		/* amdgpu_amdkfd_reserve_mem_limit */
		REJECT_IF(vram && st.vram_used[bo->gpu] + bo->size > g->vram_size, -ENOMEM,
			  "amdgpu_amdkfd_reserve_mem_limit: VRAM");
		REJECT_IF(new_memory(bo->size, &bo->memfd, &bo->kmap), -ENOMEM,
			  "amdgpu_amdkfd_gpuvm_alloc_memory_of_gpu: out of memory");
		if (vram)
			st.vram_used[bo->gpu] += bo->size;
		bo->mmap_offset = st.next_offset;
		st.next_offset += bo->size;
		return 0;
	}
	if (f & KFD_IOC_ALLOC_MEM_FLAGS_USERPTR) {
		REJECT_IF(!offset, -EINVAL, "amdgpu_amdkfd_gpuvm_alloc_memory_of_gpu: userptr 0");
		/* init_user_pages -> amdgpu_ttm_tt_get_user_pages: a VMA per page */
		REJECT_IF(!cpu_mapped(offset, bo->size), -EFAULT,
			  "amdgpu_ttm_tt_get_user_pages: no VMA");
		bo->userptr = offset;
		return 0;
	}
	if (f & KFD_IOC_ALLOC_MEM_FLAGS_DOORBELL) {
		bo->kmap = (void *)vdev_kfd_doorbells(bo->gpu);
		return bo->kmap ? 0 : -ENOMEM;
	}
	if (f & KFD_IOC_ALLOC_MEM_FLAGS_MMIO_REMAP) {
		bo->kmap = mmio_page(bo->gpu);
		return bo->kmap ? 0 : -ENOMEM;
	}
	return vdev_kfd_reject(-EINVAL, "amdgpu_amdkfd_gpuvm_alloc_memory_of_gpu: no domain");
}

/* kfd_ioctl_alloc_memory_of_gpu, in its order (the SVM overlap check is not modelled). */
long vdev_kfd_alloc_memory(void *data)
{
	struct kfd_ioctl_alloc_memory_of_gpu_args *a = data;
	struct vdev_kfd_bo *bo;
	int idx;
	long ret;

	own();
	REJECT_IF(!a->size, -EINVAL, "kfd_ioctl_alloc_memory_of_gpu: size 0");
	idx = vdev_kfd_gpuidx(a->gpu_id);
	REJECT_IF(idx < 0, -EINVAL, "kfd_ioctl_alloc_memory_of_gpu: kfd_process_device_data_by_id");
	/* kfd_bind_process_to_device: no drm_priv before ACQUIRE_VM */
	REJECT_IF(!vm_acquired(idx), -ENODEV, "kfd_bind_process_to_device: no VM");
	if (a->flags & KFD_IOC_ALLOC_MEM_FLAGS_DOORBELL)
		REJECT_IF(a->size != VDEV_KFD_DOORBELL_SLICE, -EINVAL,
			  "kfd_ioctl_alloc_memory_of_gpu: doorbell slice size");
	else if (a->flags & KFD_IOC_ALLOC_MEM_FLAGS_MMIO_REMAP) {
		REJECT_IF(a->size != PAGE, -EINVAL, "kfd_ioctl_alloc_memory_of_gpu: MMIO page size");
		/* The remap area is 4K of the register BAR: a larger page would expose more. */
		REJECT_IF(PAGE > 4096 && !(vdev_bugs & VDEV_BUG_KFD_MMIO_LARGE_PAGE), -ENOMEM,
			  "kfd_ioctl_alloc_memory_of_gpu: MMIO remap with PAGE_SIZE > 4096");
	}
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return -ENOMEM;
	bo->gpu = (unsigned int)idx;
	bo->flags = a->flags;
	bo->va = a->va_addr;
	bo->memfd = -1;
	ret = gpuvm_alloc(bo, a->size, a->mmap_offset);
	if (ret) {
		free(bo);
		return ret;
	}
	bo->handle = (uint64_t)a->gpu_id << 32 | free_idr(bo->gpu);
	bo->next = st.bos;
	st.bos = bo;
	a->handle = bo->handle;
	if (a->flags & KFD_IOC_ALLOC_MEM_FLAGS_DOORBELL)
		/* kfd_get_process_doorbells: the slice's bus address */
		a->mmap_offset = DOORBELL_BUS_BASE + (uint64_t)bo->gpu * 0x1000000ull;
	else if (a->flags & KFD_IOC_ALLOC_MEM_FLAGS_MMIO_REMAP)
		a->mmap_offset = VDEV_KFD_MMAP_TYPE_MMIO | VDEV_KFD_MMAP_GPU_ID(a->gpu_id);
	else if (bo->memfd >= 0)
		a->mmap_offset = bo->mmap_offset;
	return 0;
}

static void bo_destroy(struct vdev_kfd_bo *bo)
{
	if (bo->memfd >= 0) {
		sys_munmap(bo->kmap, bo->size);
		vdev_real_close(bo->memfd);
		if ((bo->flags & KFD_IOC_ALLOC_MEM_FLAGS_VRAM) && vdev_kfd->gpus[bo->gpu].vram_size)
			st.vram_used[bo->gpu] -= bo->size;
	}
	free(bo);
}

/* kfd_ioctl_free_memory_of_gpu */
long vdev_kfd_free_memory(void *data)
{
	struct kfd_ioctl_free_memory_of_gpu_args *a = data;
	struct vdev_kfd_bo *bo, **pp;

	own();
	REJECT_IF(vdev_kfd_signal_handle() && vdev_kfd_signal_handle() == a->handle, -EPERM,
		  "kfd_ioctl_free_memory_of_gpu: the event page");
	REJECT_IF(vdev_kfd_gpuidx((uint32_t)(a->handle >> 32)) < 0, -EINVAL,
		  "kfd_ioctl_free_memory_of_gpu: kfd_process_device_data_by_id");
	bo = bo_by_handle(a->handle);
	REJECT_IF(!bo, -EINVAL, "kfd_ioctl_free_memory_of_gpu: no such handle");
	REJECT_IF(bo->mapped, -EBUSY, "amdgpu_amdkfd_gpuvm_free_memory_of_gpu: still mapped");
	for (pp = &st.bos; *pp != bo; pp = &(*pp)->next)
		;
	*pp = bo->next;
	bo_destroy(bo);
	return 0;
}

/* amdgpu_vm_bo_map: aligned, inside the VM, and no other mapping of that VM overlaps. */
static long vm_map(struct vdev_kfd_bo *bo, unsigned int gpu)
{
	REJECT_IF(!ALIGNED(bo->va) || !bo->va || bo->va + bo->size > GPUVM_LIMIT ||
		  bo->va + bo->size < bo->va, -EINVAL, "amdgpu_vm_bo_map: VA");
	for (struct vdev_kfd_bo *o = st.bos; o; o = o->next)
		REJECT_IF(o != bo && (o->mapped >> gpu & 1) && o->va < bo->va + bo->size &&
			  bo->va < o->va + o->size, -EINVAL, "amdgpu_vm_bo_map: overlaps a mapping");
	bo->mapped |= 1u << gpu;
	return 0;
}

/*
 * MAP and UNMAP share the argument checks: n_devices non-zero, n_success
 * no larger, the array readable, the handle's GPU and BO (ENOMEM when the
 * handle names none: mem is NULL), then one GPU after the other from
 * n_success on, n_success counting the ones done.
 */
static long map_or_unmap(struct kfd_ioctl_map_memory_to_gpu_args *a, bool map)
{
	uint32_t ids[64];
	struct vdev_kfd_bo *bo;
	int idx;

	own();
	if (!a->n_devices || a->n_success > a->n_devices)
		return vdev_kfd_reject(-EINVAL, map ? "kfd_ioctl_map_memory_to_gpu: n_devices"
						    : "kfd_ioctl_unmap_memory_from_gpu: n_devices");
	/* More GPUs than vdev has can only name unknown ones: EINVAL below. */
	if (vdev_cpu_read(a->device_ids_array_ptr, ids,
			  (a->n_devices < 64 ? a->n_devices : 64) * sizeof(ids[0])))
		return vdev_kfd_reject(-EFAULT, map ? "kfd_ioctl_map_memory_to_gpu: copy_from_user"
						    : "kfd_ioctl_unmap_memory_from_gpu: copy_from_user");
	idx = vdev_kfd_gpuidx((uint32_t)(a->handle >> 32));
	if (idx < 0)
		return vdev_kfd_reject(-EINVAL, map ? "kfd_ioctl_map_memory_to_gpu: pdd"
						    : "kfd_ioctl_unmap_memory_from_gpu: pdd");
	if (!vm_acquired(idx))
		return vdev_kfd_reject(-ENODEV, "kfd_bind_process_to_device: no VM");
	bo = bo_by_handle(a->handle);
	if (!bo)
		return vdev_kfd_reject(-ENOMEM, map ? "kfd_ioctl_map_memory_to_gpu: no such handle"
						    : "kfd_ioctl_unmap_memory_from_gpu: no such handle");
	for (uint32_t i = a->n_success; i < a->n_devices; i++) {
		int peer = i < 64 ? vdev_kfd_gpuidx(ids[i]) : -1;
		long ret = 0;

		if (peer < 0)
			return vdev_kfd_reject(-EINVAL, map ? "kfd_ioctl_map_memory_to_gpu: peer gpu_id"
							    : "kfd_ioctl_unmap_memory_from_gpu: peer gpu_id");
		if (!vm_acquired(peer))
			return vdev_kfd_reject(-ENODEV, "kfd_bind_process_to_device: no VM");
		if (map && !(bo->mapped >> peer & 1))
			ret = vm_map(bo, peer);
		else if (!map) {
			/* reserve_bo_and_cond_vms found no mapping in that VM */
			if (!(bo->mapped >> peer & 1))
				return vdev_kfd_reject(-EINVAL, "amdgpu_amdkfd_gpuvm_unmap_memory_from_gpu: "
							"not mapped");
			/* unmap_bo_from_gpuvm: a queue's ring or pointers stay */
			if (bo->queue_refs[peer])
				return vdev_kfd_reject(-EBUSY, "unmap_bo_from_gpuvm: queue_refcount");
			bo->mapped &= ~(1u << peer);
		}
		if (ret)
			return ret;
		a->n_success = i + 1;
	}
	return 0;
}

long vdev_kfd_map_memory(void *data)
{
	return map_or_unmap(data, true);
}

long vdev_kfd_unmap_memory(void *data)
{
	return map_or_unmap(data, false);
}

bool vdev_kfd_bo_covers(unsigned int gpu, uint64_t va, uint64_t len, bool *writable)
{
	uint64_t end = va + len;
	bool w = true;

	while (va < end) {
		struct vdev_kfd_bo *bo = mapped_at(gpu, va);

		if (!bo)
			return false;
		w &= !!(bo->flags & KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE);
		va = bo->va + bo->size;
	}
	if (writable)
		*writable = w;
	return true;
}

static int userptr_io(uint64_t addr, void *buf, size_t len, bool write)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = write ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0)
			  : process_vm_readv(getpid(), &local, 1, &remote, 1, 0);

	return n == (ssize_t)len ? 0 : -EFAULT;
}

int vdev_kfd_bo_io(unsigned int gpu, uint64_t va, void *buf, size_t len, bool write,
		   size_t *done)
{
	struct vdev_kfd_bo *bo = mapped_at(gpu, va);
	uint64_t off;
	size_t n;

	*done = 0;
	if (!bo)
		return -ENOENT;
	if (write && !(bo->flags & KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE))
		return -EPERM;
	off = va - bo->va;
	n = bo->size - off < len ? bo->size - off : len;
	if (bo->userptr) {
		if (userptr_io(bo->userptr + off, buf, n, write))
			return -EFAULT;
	} else {
		uint64_t room = bo->flags & KFD_IOC_ALLOC_MEM_FLAGS_DOORBELL ? VDEV_KFD_DOORBELL_SLICE
			      : bo->memfd >= 0 ? bo->size : PAGE;

		/* A doorbell or MMIO BO larger than its page: the rest reads as zero. */
		if (off >= room) {
			if (!write)
				memset(buf, 0, n);
		} else {
			size_t m = room - off < n ? room - off : n;
			char *k = (char *)bo->kmap + off;

			if (write)
				memcpy(k, buf, m);
			else
				memcpy(buf, k, m);
			if (!write && m < n)
				memset((char *)buf + m, 0, n - m);
		}
	}
	*done = n;
	return 0;
}

struct vdev_kfd_bo *vdev_kfd_bo_mapping(unsigned int gpu, uint64_t va, uint64_t size)
{
	struct vdev_kfd_bo *bo = mapped_at(gpu, va);

	if (!bo || bo->va != va || (size && bo->size != size))
		return NULL;
	return bo;
}

void vdev_kfd_bo_queue_ref(struct vdev_kfd_bo *bo, unsigned int gpu, int delta)
{
	bo->queue_refs[gpu] += delta;
}

int vdev_kfd_bo_kmap(uint64_t handle, void **kaddr, uint64_t *size, int *fd)
{
	struct vdev_kfd_bo *bo = bo_by_handle(handle);

	/* amdgpu_amdkfd_gpuvm_map_gtt_bo_to_kernel: no userptr, no sg BO */
	if (!bo || bo->memfd < 0)
		return -EINVAL;
	*kaddr = bo->kmap;
	*size = bo->size;
	*fd = bo->memfd;
	return 0;
}

static void *map_fd(void *addr, size_t len, int prot, int flags, int fd, uint64_t off)
{
	void *p = sys_mmap(addr, len, prot, flags, fd, (off_t)off);

	if (p == MAP_FAILED)
		errno = ENOMEM;
	return p;
}

static void *fail(int err)
{
	errno = err;
	return MAP_FAILED;
}

/* drm_gem_mmap: the object holding the offset range, allowed on this file. */
void *vdev_kfd_bo_mmap_render(unsigned int gpu, void *addr, size_t len, int prot, int flags,
			      uint64_t off)
{
	own();
	for (struct vdev_kfd_bo *bo = st.bos; bo; bo = bo->next) {
		if (bo->memfd < 0 || off < bo->mmap_offset || off - bo->mmap_offset >= bo->size)
			continue;
		if (len > bo->size - (off - bo->mmap_offset))
			return fail(EINVAL);
		/* drm_vma_node_is_allowed: the GEM handle is on the acquired VM's file only */
		if (bo->gpu != gpu)
			return fail(EACCES);
		return map_fd(addr, len, prot, flags, bo->memfd, off - bo->mmap_offset);
	}
	return fail(EINVAL);
}

/* kfd_mmap: the type in the offset's top bits, the GPU in bits 46-61. */
void *vdev_kfd_mmap_kfd(void *addr, size_t len, int prot, int flags, uint64_t off)
{
	int idx = VDEV_KFD_MMAP_GET_GPU_ID(off) ? vdev_kfd_gpuidx(VDEV_KFD_MMAP_GET_GPU_ID(off)) : -1;
	int fd;

	own();
	switch (off & VDEV_KFD_MMAP_TYPE_MASK) {
	case VDEV_KFD_MMAP_TYPE_DOORBELL:
		if (idx < 0)
			return fail(ENODEV);
		/* kfd_doorbell_mmap: exactly the slice */
		if (len != VDEV_KFD_DOORBELL_SLICE)
			return fail(EINVAL);
		if (!vdev_kfd_doorbells(idx))
			return fail(ENOMEM);
		return map_fd(addr, len, prot, flags, st.pages[idx].db_fd, 0);
	case VDEV_KFD_MMAP_TYPE_EVENTS:
		/* kfd_event_mmap: at most the event page, and only once there is one */
		fd = vdev_kfd_event_page_fd();
		if (len > KFD_SIGNAL_EVENT_LIMIT * 8 || fd < 0)
			return fail(EINVAL);
		return map_fd(addr, len, prot, flags, fd, 0);
	case VDEV_KFD_MMAP_TYPE_MMIO:
		if (idx < 0)
			return fail(ENODEV);
		/* kfd_mmio_mmap: one page, and only with 4K pages */
		if (len != PAGE || (PAGE > 4096 && !(vdev_bugs & VDEV_BUG_KFD_MMIO_LARGE_PAGE)))
			return fail(EINVAL);
		if (!mmio_page(idx))
			return fail(ENOMEM);
		return map_fd(addr, len, prot, flags, st.pages[idx].mmio_fd, 0);
	default:
		/* RESERVED_MEM (the CWSR trap handler page): compute only, not served */
		return fail(idx < 0 ? ENODEV : EINVAL);
	}
}

void vdev_kfd_bos_release(void)
{
	own();
	while (st.bos) {
		struct vdev_kfd_bo *bo = st.bos;

		st.bos = bo->next;
		bo_destroy(bo);
	}
	for (int i = 0; i < VDEV_KFD_MAX_GPUS; i++) {
		struct gpu_pages *g = &st.pages[i];

		if (g->db) {
			sys_munmap(g->db, VDEV_KFD_DOORBELL_SLICE);
			vdev_real_close(g->db_fd);
		}
		if (g->mmio) {
			sys_munmap(g->mmio, PAGE);
			vdev_real_close(g->mmio_fd);
		}
		*g = (struct gpu_pages){ .db_fd = -1, .mmio_fd = -1 };
	}
}
