// SPDX-License-Identifier: MIT
/*
 * lib/kfd's BOs, on the host: the four kinds (GTT, USERPTR, doorbell
 * slice, MMIO-remap page) built through one path, with the four memory
 * ioctls replaced at link time (-Wl,--wrap) by fakes that record what
 * they were asked.  /dev/kfd and the render node are memfds whose page k
 * holds the byte k, so a CPU mapping shows which offset it was made at.
 * Checked: the ALLOC arguments, the CPU mapping's address and offset, the
 * GPU map, and that a failure at each step leaves nothing behind (handle
 * freed, our VA unmapped, the caller's pages kept, nothing listed).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_core.h"
#include "kfd/kfd_ioctl.h"
#include "kfd/kfd_mem.h"

#define GPU_ID 0xa3c1u
#define FILE_PAGES 16

/* What the fakes saw, and what they are told to do. */
static struct {
	uint64_t va, size, offset_in, handle;
	uint32_t gpu_id, flags;
	unsigned int allocs, frees, maps, unmaps;
	uint64_t offset_out;		/* what ALLOC hands back as mmap_offset */
	int alloc_err, map_err;
} fake;

int __wrap___kfd_alloc_memory(int fd, uint32_t gpu_id, uint64_t va, uint64_t size,
			      uint32_t flags, uint64_t *mmap_offset, uint64_t *handle);
int __wrap___kfd_free_memory(int fd, uint64_t handle);
int __wrap___kfd_map_memory(int fd, uint64_t handle, const uint32_t *gpu_ids, uint32_t n,
			    uint32_t *n_success);
int __wrap___kfd_unmap_memory(int fd, uint64_t handle, const uint32_t *gpu_ids, uint32_t n,
			      uint32_t *n_success);

int __wrap___kfd_alloc_memory(int fd, uint32_t gpu_id, uint64_t va, uint64_t size,
			      uint32_t flags, uint64_t *mmap_offset, uint64_t *handle)
{
	(void)fd;
	fake.allocs++;
	fake.gpu_id = gpu_id;
	fake.va = va;
	fake.size = size;
	fake.flags = flags;
	fake.offset_in = *mmap_offset;
	if (fake.alloc_err)
		return fake.alloc_err;
	*handle = fake.handle = 0x100 + fake.allocs;
	*mmap_offset = fake.offset_out;
	return 0;
}

int __wrap___kfd_free_memory(int fd, uint64_t handle)
{
	(void)fd;
	igt_assert_eq_u64(handle, fake.handle);
	fake.frees++;
	return 0;
}

int __wrap___kfd_map_memory(int fd, uint64_t handle, const uint32_t *gpu_ids, uint32_t n,
			    uint32_t *n_success)
{
	(void)fd;
	igt_assert_eq_u64(handle, fake.handle);
	igt_assert_eq_u32(n, 1);
	igt_assert_eq_u32(gpu_ids[0], GPU_ID);
	fake.maps++;
	*n_success = fake.map_err ? 0 : n;
	return fake.map_err;
}

int __wrap___kfd_unmap_memory(int fd, uint64_t handle, const uint32_t *gpu_ids, uint32_t n,
			      uint32_t *n_success)
{
	(void)fd;
	(void)gpu_ids;
	igt_assert_eq_u64(handle, fake.handle);
	fake.unmaps++;
	if (n_success)
		*n_success = n;
	return 0;
}

static struct kfd_device dev;
static size_t page;

/* A file of FILE_PAGES pages, page k filled with the byte k. */
static int page_file(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	igt_assert(fd >= 0);
	for (int k = 0; k < FILE_PAGES; k++) {
		unsigned char buf[page];

		memset(buf, k, page);
		igt_assert(write(fd, buf, page) == (ssize_t)page);
	}
	return fd;
}

static void reset(void)
{
	memset(&fake, 0, sizeof(fake));
}

/* Whether nothing is mapped at @va any more (our reservation went). */
static bool va_free(uint64_t va)
{
	void *p = mmap((void *)(uintptr_t)va, page, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return false;
	munmap(p, page);
	return p == (void *)(uintptr_t)va;
}

/* A built BO: listed, CPU-mapped at its VA, mapped to the GPU once. */
static void check_built(struct kfd_bo *bo, uint32_t flags, uint64_t size)
{
	igt_assert(bo);
	igt_assert(dev.bos == bo);
	igt_assert_eq_u32(fake.allocs, 1);
	igt_assert_eq_u32(fake.gpu_id, GPU_ID);
	igt_assert_eq_u32(fake.flags, flags);
	igt_assert_eq_u32(bo->flags, flags);
	igt_assert_eq_u64(fake.size, size);
	igt_assert_eq_u64(bo->size, size);
	igt_assert_eq_u64(fake.va, bo->va);
	igt_assert_eq_u64(bo->handle, fake.handle);
	igt_assert_eq_u64(bo->mmap_offset, fake.offset_out);
	igt_assert(bo->cpu == (void *)(uintptr_t)bo->va);
	igt_assert_eq_u32(fake.maps, 1);
	igt_assert_eq_u32(bo->n_mapped, 1);
	igt_assert_eq_u32(bo->mapped[0], GPU_ID);
}

/* Freed: unmapped from the GPU, handle freed, our VA gone, unlisted. */
static void check_freed(struct kfd_bo *bo)
{
	uint64_t va = bo->va;
	bool owns = bo->owns_va;

	igt_assert_eq(__kfd_bo_free(bo), 0);
	igt_assert_eq_u32(fake.unmaps, 1);
	igt_assert_eq_u32(fake.frees, 1);
	igt_assert(!dev.bos);
	igt_assert_eq(va_free(va), owns);
}

static void test_gtt(void)
{
	const uint32_t flags = KFD_BO_FLAGS_QUEUE | KFD_IOC_ALLOC_MEM_FLAGS_GTT;
	struct kfd_bo *bo;

	reset();
	fake.offset_out = 4 * page;
	igt_assert_eq(__kfd_bo_gtt(&dev.gpus[0], &dev, page + 1, KFD_BO_FLAGS_QUEUE, &bo), 0);
	check_built(bo, flags, 2 * page);
	igt_assert_eq_u64(fake.offset_in, 0);
	/* The render node, at the offset ALLOC returned: its pages 4 and 5. */
	igt_assert_eq(((unsigned char *)bo->cpu)[0], 4);
	igt_assert_eq(((unsigned char *)bo->cpu)[page], 5);
	check_freed(bo);
}

static void test_userptr(void)
{
	const uint32_t flags = KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE | KFD_IOC_ALLOC_MEM_FLAGS_USERPTR;
	void *mine = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	struct kfd_bo *bo;

	igt_assert(mine != MAP_FAILED);
	reset();
	fake.offset_out = (uintptr_t)mine;
	igt_assert_eq(__kfd_bo_userptr(&dev.gpus[0], &dev, mine, 2 * page,
				       KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE, &bo), 0);
	check_built(bo, flags, 2 * page);
	/* The CPU address is both the VA and the mmap_offset input. */
	igt_assert(bo->cpu == mine);
	igt_assert_eq_u64(fake.offset_in, (uintptr_t)mine);
	igt_assert(!bo->owns_va);
	check_freed(bo);
	/* The caller's pages stay the caller's. */
	((volatile char *)mine)[0] = 1;
	munmap(mine, 2 * page);

	/* No pages given: fresh anonymous ones, freed with the BO. */
	reset();
	igt_assert_eq(__kfd_bo_userptr(&dev.gpus[0], &dev, NULL, page, 0, &bo), 0);
	igt_assert(bo->owns_va);
	igt_assert_eq_u64(fake.offset_in, bo->va);
	((volatile char *)bo->cpu)[page - 1] = 1;
	check_freed(bo);

	igt_assert_eq(__kfd_bo_userptr(&dev.gpus[0], &dev, (char *)mine + 1, page, 0, &bo),
		      -EINVAL);
	igt_assert(!bo);
}

static void test_doorbells(void)
{
	const uint32_t flags = KFD_IOC_ALLOC_MEM_FLAGS_DOORBELL | KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE |
			       KFD_IOC_ALLOC_MEM_FLAGS_COHERENT;
	uint64_t slice = kfd_doorbell_slice_size(page);

	reset();
	fake.offset_out = 12 * page;	/* not where the slice is mapped */
	/* The queue's doorbell 3 inside the slice at page 6 of /dev/kfd. */
	igt_assert_eq(__kfd_doorbells_map(&dev.gpus[0], &dev, 6 * page + 3 * 8), 0);
	check_built(dev.gpus[0].doorbells, flags, slice);
	igt_assert_eq(((unsigned char *)dev.gpus[0].doorbells->cpu)[0], 6);
	/* Once per GPU. */
	igt_assert_eq(__kfd_doorbells_map(&dev.gpus[0], &dev, 6 * page), 0);
	igt_assert_eq_u32(fake.allocs, 1);
	check_freed(dev.gpus[0].doorbells);
	dev.gpus[0].doorbells = NULL;
}

static void test_mmio_remap(void)
{
	const uint32_t flags = KFD_IOC_ALLOC_MEM_FLAGS_MMIO_REMAP |
			       KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE | KFD_IOC_ALLOC_MEM_FLAGS_COHERENT;
	struct kfd_bo *bo;

	reset();
	fake.offset_out = 9 * page;
	igt_assert_eq(__kfd_mmio_remap(&dev.gpus[0], &dev, &bo), 0);
	check_built(bo, flags, page);
	/* /dev/kfd at the offset ALLOC returned. */
	igt_assert_eq(((unsigned char *)bo->cpu)[0], 9);
	check_freed(bo);
}

/*
 * A failure at each step: the errno comes back, nothing is listed, a
 * handle is freed exactly when one was allocated, our VA is gone.
 */
static void check_failed(int ret, int want, struct kfd_bo *bo, unsigned int frees)
{
	igt_assert_eq(ret, want);
	igt_assert(!bo);
	igt_assert(!dev.bos);
	igt_assert_eq_u32(fake.frees, frees);
	igt_assert_eq_u32(fake.unmaps, 0);
	if (fake.allocs)
		igt_assert(va_free(fake.va));
}

static void test_failures(void)
{
	void *mine = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int render_fd = dev.gpus[0].render_fd;
	struct kfd_bo *bo;
	int ret;

	igt_assert(mine != MAP_FAILED);
	reset();
	fake.alloc_err = -ENOMEM;
	ret = __kfd_bo_gtt(&dev.gpus[0], &dev, page, 0, &bo);
	check_failed(ret, -ENOMEM, bo, 0);
	reset();
	fake.alloc_err = -ENOMEM;
	ret = __kfd_mmio_remap(&dev.gpus[0], &dev, &bo);
	check_failed(ret, -ENOMEM, bo, 0);
	reset();
	fake.alloc_err = -EFAULT;
	ret = __kfd_bo_userptr(&dev.gpus[0], &dev, NULL, page, 0, &bo);
	check_failed(ret, -EFAULT, bo, 0);

	/* The CPU mapping refused (the kernel's EINVAL of MMIO above 4K, here EBADF). */
	reset();
	dev.gpus[0].render_fd = -1;
	ret = __kfd_bo_gtt(&dev.gpus[0], &dev, page, 0, &bo);
	check_failed(ret, -EBADF, bo, 1);
	igt_assert_eq_u32(fake.maps, 0);
	dev.gpus[0].render_fd = render_fd;

	reset();
	fake.map_err = -EIO;
	ret = __kfd_bo_gtt(&dev.gpus[0], &dev, page, 0, &bo);
	check_failed(ret, -EIO, bo, 1);
	reset();
	fake.map_err = -EIO;
	ret = __kfd_doorbells_map(&dev.gpus[0], &dev, 0);
	check_failed(ret, -EIO, dev.gpus[0].doorbells, 1);

	/* The caller's pages survive a failed USERPTR BO. */
	reset();
	fake.map_err = -EIO;
	igt_assert_eq(__kfd_bo_userptr(&dev.gpus[0], &dev, mine, page, 0, &bo), -EIO);
	igt_assert(!bo && !dev.bos);
	igt_assert_eq_u32(fake.frees, 1);
	igt_assert(!va_free((uintptr_t)mine));
	((volatile char *)mine)[0] = 1;
	munmap(mine, page);
}

igt_main
{
	igt_fixture {
		page = (size_t)sysconf(_SC_PAGESIZE);
		dev.page_size = page;
		dev.fd = page_file("kfd");
		dev.num_gpus = 1;
		dev.gpus[0].gpu_id = GPU_ID;
		dev.gpus[0].render_fd = page_file("renderD128");
	}
	igt_subtest("gtt")
		test_gtt();
	igt_subtest("userptr")
		test_userptr();
	igt_subtest("doorbells")
		test_doorbells();
	igt_subtest("mmio-remap")
		test_mmio_remap();
	igt_subtest("failures")
		test_failures();
	igt_fixture {
		close(dev.fd);
		close(dev.gpus[0].render_fd);
	}
}
