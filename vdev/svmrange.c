/* SPDX-License-Identifier: MIT */
/*
 * The GPU's live mappings of the CPU address mirror, as drm_gpusvm keeps
 * them: a GPU fault on a mirror page creates a range, the largest chunk
 * (2 MiB, 64 KiB, 4 KiB) around it that lies inside the mirror binding and
 * inside mapped CPU memory and overlaps no other range.  A range lives
 * until the CPU unmaps any part of it (the MMU_NOTIFY_UNMAP event; zapping,
 * e.g. MADV_DONTNEED, keeps it) or a mirror bind replaces it.  An unmap
 * followed by a new mapping at the same place before vdev looks is not
 * seen (the range stays).  While one
 * lives, VM_BIND refuses to UNMAP or overwrite that part of the mirror
 * with EBUSY (xe_vm.c, xe_svm_has_mapping).
 *
 * Workers add ranges while they run batches under the VM's read lock:
 * the list has a mutex of its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vdev.h"

static const uint64_t chunks[] = { 0x200000, 0x10000, 0x1000 };

/* Index of the first range ending after @va. */
static unsigned int first_after(const struct vdev_vm *vm, uint64_t va)
{
	unsigned int lo = 0, hi = vm->num_live;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (vm->live[mid].end <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool overlaps_locked(const struct vdev_vm *vm, uint64_t start, uint64_t end)
{
	unsigned int i = first_after(vm, start);

	return i < vm->num_live && vm->live[i].start < end;
}

static bool inside_mirror(const struct vdev_vm *vm, uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < vm->num_mirror; i++)
		if (start >= vm->mirror[i].start && end <= vm->mirror[i].end)
			return true;
	return false;
}

/* Every page of [start, end) mapped by the CPU (mincore fails with ENOMEM otherwise). */
static bool cpu_mapped(uint64_t start, uint64_t end)
{
	unsigned char vec[512];

	return mincore((void *)(uintptr_t)start, end - start, vec) == 0;
}

void vdev_live_touch(struct vdev_vm *vm, uint64_t va)
{
	pthread_mutex_lock(&vm->live_lock);
	if (!overlaps_locked(vm, va, va + 1)) {
		for (unsigned int c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			uint64_t start = va & ~(chunks[c] - 1), end = start + chunks[c];
			struct vdev_range *grown;
			unsigned int at;

			if (c + 1 < sizeof(chunks) / sizeof(chunks[0]) &&
			    (!inside_mirror(vm, start, end) || overlaps_locked(vm, start, end) ||
			     !cpu_mapped(start, end)))
				continue;
			grown = realloc(vm->live, (vm->num_live + 1) * sizeof(*grown));
			if (!grown)
				break;
			vm->live = grown;
			at = first_after(vm, start);
			memmove(&vm->live[at + 1], &vm->live[at],
				(vm->num_live - at) * sizeof(*vm->live));
			vm->live[at] = (struct vdev_range){ start, end };
			vm->num_live++;
			break;
		}
	}
	pthread_mutex_unlock(&vm->live_lock);
}

/*
 * glibc's own munmap calls (free() of a large block, for one) do not pass
 * through the preloaded munmap: a range whose CPU pages are gone is taken
 * as unmapped when it is next asked about.
 */
bool vdev_live_overlaps(struct vdev_vm *vm, uint64_t start, uint64_t end)
{
	bool ret = false;

	pthread_mutex_lock(&vm->live_lock);
	for (unsigned int i = first_after(vm, start); i < vm->num_live && vm->live[i].start < end;) {
		if (cpu_mapped(vm->live[i].start, vm->live[i].end)) {
			ret = true;
			break;
		}
		memmove(&vm->live[i], &vm->live[i + 1], (vm->num_live - i - 1) * sizeof(*vm->live));
		vm->num_live--;
	}
	pthread_mutex_unlock(&vm->live_lock);
	return ret;
}

void vdev_live_remove(struct vdev_vm *vm, uint64_t start, uint64_t end)
{
	unsigned int i, j;

	pthread_mutex_lock(&vm->live_lock);
	i = first_after(vm, start);
	for (j = i; j < vm->num_live && vm->live[j].start < end; j++)
		;
	memmove(&vm->live[i], &vm->live[j], (vm->num_live - j) * sizeof(*vm->live));
	vm->num_live -= j - i;
	pthread_mutex_unlock(&vm->live_lock);
}
