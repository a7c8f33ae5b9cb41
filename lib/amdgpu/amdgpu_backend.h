/* SPDX-License-Identifier: MIT */
/*
 * The amdgpu-svm backend of svm_dev: the drm_gpusvm RFC's SVM on the
 * render node of the first KFD GPU (lib/amdgpu/amdgpu_svm.c decides which
 * revision the kernel has), device accesses done by SDMA IBs on that same
 * node (amdgpu_sdma.c).  /dev/kfd is opened only because RFC v1 builds its
 * SVM when KFD acquires the render node's VM (amdgpu_vm_make_compute).
 * Variants, each a revision's one mode:
 *   xnack-off: RFC v1 (ioctl 0x1a): a range reaches the GPU only once SET
 *              gave it ACCESS, which the backend does before every access;
 *   xnack-on:  RFC v8 (0x1b): the GPU's faults map pages on demand; the
 *              same SET is issued and only grants what the default allows.
 * A kernel without the RFC, with SVM not enabled, or whose revision has no
 * such mode, is refused with the probe's reason.
 *
 * What the contract leaves open here:
 * - A GPU VM fault does not fail a submission on amdgpu (the access lands
 *   on the dummy page), so after every job the backend reads the VM's
 *   last fault (AMDGPU_INFO_GPUVM_FAULT, 6.10+): a change since the last
 *   look is a failed access, -EIO, and the handle is dead.  That query
 *   keeps only the last fault, so a second fault at the very same address
 *   and status goes unseen; every access here is checked against its data
 *   by the scenarios anyway.
 * - An access the CPU's mapping forbids runs in a forked child with a
 *   render node (and so a VM) of its own, whose fault record starts empty:
 *   any fault there, or SET refusing the range, is the refusal, reported
 *   as the contract's SVM_ERR_* for the cause the mapping shows.
 * - No PREFER, MIGRATE, RESIDENCY or RELEASE: the RFC's location
 *   attributes are pinned by tests/amd_svm itself; no GPU_ATOMIC, no
 *   SUBPAGE (the SDMA helpers work in dwords).
 * - page_size is the CPU's; the GPU maps in 4K units underneath.
 */
#pragma once

#include "svm/svm_dev.h"

extern const struct svm_backend svm_amdgpu_svm_backend;
