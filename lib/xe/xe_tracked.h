/* SPDX-License-Identifier: MIT */
/*
 * xe objects recorded for release at the end of the subtest (igt_defer.h):
 * each is made as by its xe_*() counterpart, which it asserts like, and is
 * destroyed when the subtest or dynamic subtest that made it ends, however
 * it ends, last made first.  The __*_tracked() releases give one back
 * early: the kernel's 0 or -errno, -ENOENT when it was not tracked.
 *
 * Objects die with their fd too; these exist because a test binary keeps
 * one fd across its subtests, so a VM that a failed subtest left would
 * still hold memory and faults in the next.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "uapi/xe_svm_drm.h"
#include "xe_batch.h"

uint32_t xe_vm_create_tracked(int fd, uint32_t flags);
int __xe_vm_destroy_tracked(int fd, uint32_t vm);

uint32_t xe_exec_queue_create_tracked(int fd, uint32_t vm,
				      const struct drm_xe_engine_class_instance *eci);
int __xe_exec_queue_destroy_tracked(int fd, uint32_t queue);

uint32_t xe_bo_create_tracked(int fd, uint32_t vm, uint64_t size, uint32_t placement);
int __xe_gem_close_tracked(int fd, uint32_t bo);
/* The BO's CPU mapping (xe_bo_map), asserted; munmap()ed at the end (__igt_munmap_tracked). */
void *xe_bo_map_tracked(int fd, uint32_t bo, size_t size);

uint32_t xe_syncobj_create_tracked(int fd);
int __xe_syncobj_destroy_tracked(int fd, uint32_t handle);

/* xe_batch_init(), asserted; the batch's memory is freed at the end (not xe_batch_fini). */
void xe_batch_init_tracked(struct xe_batch *b, size_t cap);
