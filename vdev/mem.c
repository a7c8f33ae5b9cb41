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
#include <sys/uio.h>
#include <unistd.h>

#include "vdev.h"

static int vm_io(uint64_t addr, void *buf, size_t len, bool write)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = write ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0)
			  : process_vm_readv(getpid(), &local, 1, &remote, 1, 0);

	return n == (ssize_t)len ? 0 : -EFAULT;
}

int vdev_cpu_read(uint64_t addr, void *buf, size_t len)
{
	return vm_io(addr, buf, len, false);
}

int vdev_cpu_write(uint64_t addr, const void *buf, size_t len)
{
	return vm_io(addr, (void *)buf, len, true);
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

/* One access of at most a page: BO, mirror, or a failed fault (-EFAULT). */
static int gpu_io(struct vdev_vm *vm, uint64_t va, void *buf, size_t len, bool write)
{
	struct vdev_bo_map *m = bo_map_at(vm, va, len);

	if (m) {
		off_t off = (off_t)(m->offset + (va - m->start));
		ssize_t n;

		if (write && m->readonly)
			return -EACCES;
		n = write ? pwrite(m->bo->memfd, buf, len, off) : pread(m->bo->memfd, buf, len, off);
		return n == (ssize_t)len ? 0 : -EFAULT;
	}
	if (!mirrored(vm, va, len))
		return -EFAULT;
	return vm_io(va, buf, len, write);
}

int vdev_gpu_read(struct vdev_vm *vm, uint64_t va, void *buf, size_t len)
{
	return gpu_io(vm, va, buf, len, false);
}

int vdev_gpu_write(struct vdev_vm *vm, uint64_t va, const void *buf, size_t len)
{
	return gpu_io(vm, va, (void *)buf, len, true);
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
int vdev_gpu_atomic_inc(struct vdev_vm *vm, uint64_t va)
{
	uint32_t old;
	int ret;

	if (va & 3)
		return -EFAULT;
	if (bo_map_at(vm, va, 4)) {
		if ((ret = gpu_io(vm, va, &old, 4, false)))
			return ret;
		old++;
		return gpu_io(vm, va, &old, 4, true);
	}
	if ((ret = gpu_io(vm, va, &old, 4, false)))
		return ret;
	if (!cpu_writable(va) || vm_io(va, &old, 0, true))
		return -EACCES;
	__atomic_fetch_add((uint32_t *)(uintptr_t)va, 1, __ATOMIC_SEQ_CST);
	return 0;
}
