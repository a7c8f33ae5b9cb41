/* SPDX-License-Identifier: MIT */
/*
 * How the virtual GPU reaches memory.  A GPU VA is either in a BO binding
 * (the BO's memfd) or in a CPU address mirror (the process's own memory at
 * the same address).  Program memory is accessed with process_vm_readv/
 * writev on our own pid: the kernel walks the page tables as a device fault
 * would (faulting pages in, refusing writes to read-only and any access to
 * PROT_NONE or unmapped memory) and nothing can fault in the worker.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "vdev.h"
#include "lib/util.h"

static int vm_io(uint64_t addr, void *buf, size_t len, bool write)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = write ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0)
			  : process_vm_readv(getpid(), &local, 1, &remote, 1, 0);

	return n == (ssize_t)len ? 0 : -EFAULT;
}

static bool cpu_writable(uint64_t addr);

/*
 * A CPU read of a write-only mapping: the kernel's copy_from_user reads it
 * (x86 has no write-only pages) where process_vm_readv refuses it (GUP
 * wants VM_READ).  Only for the ioctl's own copies, never for the GPU:
 * hmm_range_fault refuses such a VMA too.
 */
static int write_only_read(uint64_t addr, void *buf, size_t len)
{
	uint64_t last = (addr + len - 1) & ~4095ull;

	for (uint64_t p = addr & ~4095ull; p <= last; p += 4096)
		if (!cpu_writable(p))
			return -EFAULT;
	memcpy(buf, (const void *)(uintptr_t)addr, len);
	return 0;
}

/* Program memory by address, VRAM pages included (user fences may be there). */
static int cpu_io(uint64_t addr, void *buf, size_t len, bool write)
{
	if (!vm_io(addr, buf, len, write))
		return 0;
	if (!write && !write_only_read(addr, buf, len))
		return 0;
	for (size_t done = 0; done < len;) {
		uint64_t at = addr + done;
		size_t n = 4096 - (at & 4095);
		int ret;

		if (n > len - done)
			n = len - done;
		ret = vdev_vram_io(at, (uint8_t *)buf + done, n, write);
		if (ret == -ENOENT)
			ret = vm_io(at, (uint8_t *)buf + done, n, write);
		if (ret)
			return -EFAULT;
		done += n;
	}
	return 0;
}

int vdev_cpu_read(uint64_t addr, void *buf, size_t len)
{
	return cpu_io(addr, buf, len, false);
}

int vdev_cpu_write(uint64_t addr, const void *buf, size_t len)
{
	return cpu_io(addr, (void *)buf, len, true);
}

static struct vdev_bo_map *bo_map_at(struct vdev_vm *vm, uint64_t va, size_t len)
{
	for (struct vdev_bo_map *m = vm->maps; m; m = m->next)
		if (va >= m->start && va + len <= m->end)
			return m;
	return NULL;
}

static bool mirrored(struct vdev_vm *vm, uint64_t va, size_t len)
{
	for (unsigned int i = 0; i < vm->num_mirror; i++)
		if (va >= vm->mirror[i].start && va + len <= vm->mirror[i].end)
			return true;
	return false;
}

#define PAGE 4096ull

/*
 * A GPU fault on a system page of a range whose preferred location (set by
 * madvise) is VRAM migrates the range's chunk first: the 2 MiB-aligned
 * chunk inside the mirror, as long as no page of it is in VRAM already
 * (xe does not migrate a range that has device pages again).
 */
static void fault_migrate(struct vdev_vm *vm, int tile, uint64_t va)
{
	uint64_t start = va & ~(SZ_2M - 1), end = start + SZ_2M;
	int want = vdev_preferred_tile(vm, va, tile, &start, &end);

	if (want < 0)
		return;
	for (uint64_t p = start; p < end; p += PAGE)
		if (vdev_page_tile(p) >= 0)
			return;
	vdev_prefetch(vm, start, end, want + 1);
}

/*
 * Whether the CPU maps the page, asked without touching it: a probe by
 * access would fault it in, or warn where it lies just below the stack
 * (GUP does not grow stacks).
 */
static bool mapped(uint64_t va)
{
	unsigned char vec;

	return mincore((void *)(uintptr_t)va, PAGE, &vec) == 0;
}

/*
 * On presets that need 64K pages a window holding both VRAM and system
 * pages cannot get a 64K PTE.  Fixed (the default): the window is evicted
 * to system memory and the access retried.  Bug model 64k-einval: the bind
 * walk WARNs and the fault fails with EINVAL.
 */
static int check_window(uint64_t va)
{
	uint64_t w = va & ~(SZ_64K - 1);
	bool vram = false, sys = false;

	if (vdev_preset->min_alignment < SZ_64K)
		return 0;
	for (uint64_t p = w; p < w + SZ_64K; p += PAGE) {
		if (vdev_page_tile(p) >= 0)
			vram = true;
		else if (mapped(p))
			sys = true;
	}
	if (!vram || !sys)
		return 0;
	if (vdev_bugs & VDEV_BUG_64K_EINVAL) {
		vdev_kmsg(4, "WARNING: CPU: 0 PID: %d at drivers/gpu/drm/xe/xe_pt.c: "
			  "xe_pt_stage_bind: 64K window %#llx mixes VRAM and system pages\n",
			  getpid(), (unsigned long long)w);
		return -EINVAL;
	}
	for (uint64_t p = w; p < w + SZ_64K; p += PAGE)
		vdev_page_to_system(p);
	return 0;
}

static int mirror_page_io(struct vdev_vm *vm, int tile, uint64_t va, void *buf, size_t len,
			  bool write);

/* One access within one page of the mirror; a good one leaves a live range. */
static int mirror_io(struct vdev_vm *vm, int tile, uint64_t va, void *buf, size_t len, bool write)
{
	int ret = mirror_page_io(vm, tile, va, buf, len, write);

	if (!ret)
		vdev_live_touch(vm, va);
	return ret;
}

static int mirror_page_io(struct vdev_vm *vm, int tile, uint64_t va, void *buf, size_t len,
			  bool write)
{
	int where, ret;

	if (!vdev_residency_ready())
		return vm_io(va, buf, len, write);
	if (vdev_page_tile(va) < 0)
		fault_migrate(vm, tile, va);
	if ((ret = check_window(va)))
		return ret;
	where = vdev_page_tile(va);
	if (where < 0)
		return vm_io(va, buf, len, write);
	/*
	 * Bug model peer-map (fix A absent): another tile's device pages are
	 * mapped as if local, the copy fails and so does the fault.
	 */
	if (where != tile && (vdev_bugs & VDEV_BUG_PEER_MAP))
		return -EIO;
	ret = vdev_vram_io(va, buf, len, write);
	return ret == -ENOENT ? vm_io(va, buf, len, write) : ret;
}

/*
 * Nothing bound at [va, va + len): a fault, or on a scratch-page VM the
 * scratch page (reads give zeroes, writes vanish).
 */
static bool any_binding(struct vdev_vm *vm, uint64_t va, size_t len)
{
	for (struct vdev_bo_map *m = vm->maps; m; m = m->next)
		if (m->end > va && m->start < va + len)
			return true;
	for (unsigned int i = 0; i < vm->num_mirror; i++)
		if (vm->mirror[i].end > va && vm->mirror[i].start < va + len)
			return true;
	return false;
}

#define USERPTR_RETRIES 20

/* A BO, userptr or NULL binding holding the whole access. */
static int map_io(struct vdev_bo_map *m, uint64_t va, void *buf, size_t len, bool write,
		  bool fault_mode)
{
	uint64_t off = m->offset + (va - m->start);
	ssize_t n;

	if (write && m->readonly)
		return -EACCES;
	switch (m->kind) {
	case VDEV_MAP_NULL:
		if (!write)
			memset(buf, 0, len);
		return 0;
	case VDEV_MAP_USERPTR:
		/*
		 * The pages behind the CPU address now: what a fault (fault
		 * mode) or the repin of an invalidated userptr at the next
		 * exec (dma-fence mode) finds.  Gone pages fail the access:
		 * xe zaps an invalidated userptr that cannot be repinned.
		 */
		if (!vm_io(off, buf, len, write))
			return 0;
		/*
		 * In dma-fence mode xe's invalidation waits for the running
		 * jobs, so a job never sees the pages torn away under it (a
		 * mmap(MAP_FIXED) over the range leaves them unmapped for a
		 * moment here): retry briefly before calling it a fault.
		 */
		for (int i = 0; !fault_mode && i < USERPTR_RETRIES; i++) {
			struct timespec pause = { 0, 500000 };

			nanosleep(&pause, NULL);
			if (!vm_io(off, buf, len, write))
				return 0;
		}
		return -EFAULT;
	default:
		n = write ? pwrite(m->bo->memfd, buf, len, (off_t)off)
			  : pread(m->bo->memfd, buf, len, (off_t)off);
		return n == (ssize_t)len ? 0 : -EFAULT;
	}
}

/* The binding holding @va; *@len is cut at its end. */
static struct vdev_bo_map *map_piece(struct vdev_vm *vm, uint64_t va, size_t *len)
{
	for (struct vdev_bo_map *m = vm->maps; m; m = m->next)
		if (va >= m->start && va < m->end) {
			if (*len > m->end - va)
				*len = m->end - va;
			return m;
		}
	return NULL;
}

/* Part of an access outside any binding: the mirror, scratch, or a failed fault (-EFAULT). */
static int unbound_io(struct vdev_vm *vm, int tile, uint64_t va, void *buf, size_t len, bool write)
{
	if ((vm->flags & DRM_XE_VM_CREATE_FLAG_SCRATCH_PAGE) && !any_binding(vm, va, len)) {
		if (!write)
			memset(buf, 0, len);
		return 0;
	}
	if (!mirrored(vm, va, len))
		return -EFAULT;
	for (size_t done = 0; done < len;) {
		uint64_t at = va + done;
		size_t n = PAGE - (at & (PAGE - 1));
		int ret;

		if (n > len - done)
			n = len - done;
		if ((ret = mirror_io(vm, tile, at, (uint8_t *)buf + done, n, write)))
			return ret;
		done += n;
	}
	return 0;
}

/* One access, cut where bindings begin and end; the VM's read lock held. */
static int gpu_io_locked(struct vdev_vm *vm, int tile, uint64_t va, void *buf, size_t len,
			 bool write)
{
	for (size_t done = 0; done < len;) {
		uint64_t at = va + done;
		size_t n = PAGE - (at & (PAGE - 1));
		struct vdev_bo_map *m;
		int ret;

		if (n > len - done)
			n = len - done;
		m = map_piece(vm, at, &n);
		ret = m ? map_io(m, at, (uint8_t *)buf + done, n, write,
				 vm->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE)
			: unbound_io(vm, tile, at, (uint8_t *)buf + done, n, write);
		if (ret)
			return ret;
		done += n;
	}
	return 0;
}

static int gpu_io(struct vdev_vm *vm, int tile, uint64_t va, void *buf, size_t len, bool write)
{
	int ret;

	pthread_rwlock_rdlock(&vm->lock);
	ret = gpu_io_locked(vm, tile, va, buf, len, write);
	pthread_rwlock_unlock(&vm->lock);
	if (ret)
		vdev_fault_note(vm, va, write, ret);
	return ret;
}

int vdev_gpu_read(struct vdev_vm *vm, int tile, uint64_t va, void *buf, size_t len)
{
	return gpu_io(vm, tile, va, buf, len, false);
}

int vdev_gpu_write(struct vdev_vm *vm, int tile, uint64_t va, const void *buf, size_t len)
{
	return gpu_io(vm, tile, va, (void *)buf, len, true);
}

/* Whether the CPU mapping at @addr allows writes (from /proc/self/maps). */
static bool cpu_writable(uint64_t addr)
{
	char line[512], perms[8];
	unsigned long start, end;
	bool ok = false;
	FILE *f = fopen("/proc/self/maps", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3 &&
		    addr >= start && addr < end) {
			ok = perms[1] == 'w';
			break;
		}
	if (f)
		fclose(f);
	return ok;
}

/*
 * A real atomic on program memory, so that CPU atomics on the same dword
 * are not lost: the access is first proven safe (readable, and writable
 * per the CPU mapping), then done through the pointer.
 */
int vdev_gpu_atomic_inc(struct vdev_vm *vm, int tile, uint64_t va)
{
	enum vdev_map_kind kind = VDEV_MAP_BO;
	struct vdev_bo_map *m;
	uint64_t cpu = va;
	uint32_t old, atomic;
	int ret;

	if (va & 3)
		return -EFAULT;
	if ((ret = gpu_io(vm, tile, va, &old, 4, false)))
		return ret;
	pthread_rwlock_rdlock(&vm->lock);
	m = bo_map_at(vm, va, 4);
	if (m) {
		kind = m->kind;
		cpu = m->offset + (va - m->start);
	}
	atomic = vdev_atomic_attr(vm, va);
	pthread_rwlock_unlock(&vm->lock);
	if (m && kind == VDEV_MAP_BO) {
		/* BO pages: only GPUs touch them; one lock makes every engine's increment whole. */
		static pthread_mutex_t bo_atomics = PTHREAD_MUTEX_INITIALIZER;

		pthread_mutex_lock(&bo_atomics);
		ret = gpu_io(vm, tile, va, &old, 4, false);
		old++;
		if (!ret)
			ret = gpu_io(vm, tile, va, &old, 4, true);
		pthread_mutex_unlock(&bo_atomics);
		return ret;
	}
	if (m && kind == VDEV_MAP_NULL)
		return 0;
	/* madvise ATOMIC_CPU: only the CPU may do atomics there, a GPU atomic faults. */
	if (!m && atomic == DRM_XE_ATOMIC_CPU) {
		vdev_fault_note(vm, va, 2, -EACCES);
		return -EACCES;
	}
	/* The read above did the fault handling (migration, windows, peer checks). */
	if (!m && (ret = vdev_vram_atomic_inc(va)) != -ENOENT)
		return ret;
	if (!cpu_writable(cpu)) {
		vdev_fault_note(vm, va, 2, -EACCES);
		return -EACCES;
	}
	__atomic_fetch_add((uint32_t *)(uintptr_t)cpu, 1, __ATOMIC_SEQ_CST);
	return 0;
}
