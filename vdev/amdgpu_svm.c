/* SPDX-License-Identifier: MIT */
/*
 * Placeholder of the amdgpu SVM model (kfd.h): no preset answers the RFC's
 * ioctl yet, so every number is what drm_ioctl() says for one the driver
 * does not have.
 */
#include <errno.h>

#include "kfd.h"

long vdev_amdgpu_svm_ioctl(unsigned int gpu, unsigned int nr, unsigned long request, void *arg)
{
	(void)gpu; (void)nr; (void)request; (void)arg;
	return -EINVAL;
}

int vdev_amdgpu_svm_gpu_access(unsigned int gpu, uint64_t va, uint64_t len, bool write,
			       uint64_t *fault_va)
{
	(void)gpu; (void)va; (void)len; (void)write; (void)fault_va;
	return -ENOENT;
}

void vdev_amdgpu_svm_unmap(uint64_t start, uint64_t end) { (void)start; (void)end; }
void vdev_amdgpu_svm_invalidate(uint64_t start, uint64_t end, bool dropped)
{
	(void)start; (void)end; (void)dropped;
}
void vdev_amdgpu_svm_release(unsigned int gpu) { (void)gpu; }
