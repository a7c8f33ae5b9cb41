/* SPDX-License-Identifier: MIT */
/*
 * The amdkfd backend of svm_dev: /dev/kfd's SVM on the first GPU of the
 * topology, device accesses done by an SDMA user queue (lib/kfd), in two
 * variants, the process's XNACK mode:
 *   xnack-off: a range reaches the GPU only once an SVM SET gave it ACCESS
 *              for that GPU; the backend does that before every access,
 *              as an application registers its memory;
 *   xnack-on:  the GPU's retry faults map (and migrate) pages on demand;
 *              the same SET is issued, and changes nothing for such a GPU.
 * A variant the GPU cannot switch to is refused (SET_XNACK_MODE -EPERM).
 *
 * What the contract leaves open, on amdkfd:
 * - gpu_read and gpu_write go through a GTT staging BO (an SDMA copy
 *   between it and the target), gpu_copy copies directly (through the
 *   staging BO when the ranges overlap).  No GPU_ATOMIC (no SDMA atomic
 *   packet yet), no SUBPAGE (the SDMA helpers work in dwords).
 * - A GPU VM fault evicts every queue of the KFD process for good
 *   (kfd_process_vm_fault) -- and the KFD process is the mm's, whatever
 *   fds are reopened.  So an access that the CPU's mapping forbids is run
 *   in a forked child with a KFD process of its own, which registers the
 *   range and submits the same access: the kernel, not the backend,
 *   decides; the child's verdict comes back, and a refusal is reported as
 *   the contract's SVM_ERR_* for the cause the mapping shows.  An access
 *   the mapping allows runs here; if it faults anyway, that is a real
 *   failure (-EIO) and the handle is dead (every later op is -EIO).
 * - No MIGRATE, RESIDENCY or RELEASE: KFD cannot say where a page is, nor
 *   how many pages a prefetch moved.  PREFER sets PREFERRED_LOC (the GPU's
 *   id, or 0 for system memory); close puts every such range back to
 *   system memory (PREFETCH_LOC 0), so pages this handle drew into VRAM
 *   return with their data.
 * - page_size is the CPU's; the GPU maps in 4K units underneath.
 */
#pragma once

#include "svm/svm_dev.h"

extern const struct svm_backend svm_kfd_backend;

/* The KFD handle under a kfd svm_dev (for the driver's own subtests). */
struct kfd_device *kfd_svm_dev_device(const struct svm_dev *dev);
