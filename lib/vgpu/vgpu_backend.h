/* SPDX-License-Identifier: MIT */
/*
 * The vgpu backend of svm_dev: the suite's virtual SVM GPU (kmod/vgpu), a
 * DRM render driver whose engine runs on the CPU in the kernel and whose
 * memory management is the kernel's own drm_gpusvm and drm_pagemap.  One
 * VM per handle, in the variant's mode, all jobs on tile 0's engine.
 *
 * Variants: "fault" (the device faults pages in: VGPU_VM_MODE_FAULT) and
 * "ioctl" (ranges are mapped by the driver before the device runs:
 * VGPU_VM_MODE_IOCTL).  A module that refuses IOCTL-mode VMs makes the
 * ioctl variant unsupported (its subtests skip saying so).
 *
 * What this backend does that the contract leaves open:
 * - Visibility.  The device may touch only what a BIND MAP declared, and
 *   the catalog never calls mirror: every op that touches memory (and
 *   mirror itself) first binds, as regions of their own, the parts of its
 *   page-rounded span no earlier bind covered.  Regions are remembered per
 *   handle and never unbound; closing the handle destroys the VM and them.
 *   In IOCTL mode a bind maps (populates) every page of it that has a VMA,
 *   so a handle's first access to memory faults it in on the CPU side.
 *   A failed bind is logged, not returned: the job then gets the device's
 *   own answer (-EFAULT outside every region).
 * - query: the device's translation (QUERY_PAGES) where it has one: tile 0
 *   is SVM_RES_LOCAL, another tile of the device SVM_RES_REMOTE; WRITABLE
 *   gives SVM_PROT_WRITE, HUGE SVM_PROT_PMD.  A page without a translation
 *   (never touched, or invalidated by a CPU fault, an eviction, a
 *   migration) is looked up in the CPU's page table (vgpu_cpu_pages.h):
 *   present is SVM_RES_SYSTEM, unpopulated SVM_RES_NONE, a non-present
 *   entry (device memory reached by no translation of this VM: another
 *   VM's or another device's) SVM_RES_UNKNOWN.  That is the residency
 *   test_hmm's SNAPSHOT reports too, which the catalog is written against.
 * - migrate: PREFETCH to tile 0 or to system memory; *moved is PREFETCH's
 *   count.  PREFETCH leaves hugetlb pages in system memory and succeeds;
 *   the contract wants -EINVAL for a hugetlb VMA, which this backend
 *   returns after the PREFETCH when the span has one (/proc/self/smaps).
 * - prefer: SET_ATTR PREFERRED_LOC, VGPU_LOC_FAULTING_TILE for the device.
 * - release: EVICT ALL, which evicts every device page of this process's
 *   mm on this device, the other handles' too.  Close evicts the same way
 *   before it destroys the VM: closing any handle of a device in a process
 *   moves that process's pages on that device back to system memory.
 * - faults: counters.faults of the VM, read after every device access;
 *   always 0 in the ioctl variant.
 * - No EXCLUSIVE: the uAPI has no exclusive access.
 */
#pragma once

#include <stdint.h>

#include "svm/svm_dev.h"
#include "uapi/vgpu_drm.h"

extern const struct svm_backend svm_vgpu_backend;

/* The backend's view of an open device, for vgpu-only subtests. */
struct vgpu_svm_state {
	struct drm_vgpu_device_query info;
	uint32_t vm;
	uint32_t mode;		/* VGPU_VM_MODE_* */
	uint32_t tile;		/* whose engine runs the jobs: 0 */
};

/* NULL when @dev is not a vgpu handle. */
const struct vgpu_svm_state *vgpu_svm_state(const struct svm_dev *dev);

/* The VM mode a variant of svm_vgpu_backend stands for (NULL: the default, fault). */
uint32_t vgpu_variant_mode(const struct svm_variant *variant);
const char *vgpu_mode_name(uint32_t mode);
