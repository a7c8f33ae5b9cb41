/* SPDX-License-Identifier: MIT */
/*
 * kfdtest-like SVM range helpers over the SVM ioctl (kfd_ioctl.h): what
 * KFDTestUtil.cpp's RegisterSVMRange, SVMRangePrefetchToNode,
 * SVMRangeMapToNode, SVMRangeMapInPlaceToNode and SVMRangSetGranularity do,
 * plus a GET of one attribute.  Locations are gpu_ids, 0 for system memory.
 * __kfd_svm_*() return 0 or -errno and never assert; kfd_svm_*() assert.
 */
#pragma once

#include <stdint.h>

#include "kfd_topology.h"
#include "uapi/kfd_svm_ioctl.h"

/* The flags kfdtest registers ranges with (HsaSVMRange's default). */
#define KFD_SVM_FLAGS_DEFAULT (KFD_IOCTL_SVM_FLAG_HOST_ACCESS | KFD_IOCTL_SVM_FLAG_COHERENT)
/* The default granularity: 2 MiB of 4 KiB pages (amdgpu_svm_default_granularity). */
#define KFD_SVM_GRANULARITY_DEFAULT 9
/* The largest granularity the kernel keeps; larger values are clamped to it. */
#define KFD_SVM_GRANULARITY_MAX 0x3f

/*
 * RegisterSVMRange: PREFETCH_LOC and PREFERRED_LOC @loc, SET_FLAGS @flags,
 * ACCESS for @gpu_id.
 */
int __kfd_svm_register(int fd, void *addr, uint64_t size, uint32_t loc, uint32_t flags,
		       uint32_t gpu_id);
void kfd_svm_register(int fd, void *addr, uint64_t size, uint32_t loc, uint32_t flags,
		      uint32_t gpu_id);

/* One SET of attribute @type = @value over [addr, addr + size). */
int __kfd_svm_set1(int fd, void *addr, uint64_t size, uint32_t type, uint32_t value);
void kfd_svm_set1(int fd, void *addr, uint64_t size, uint32_t type, uint32_t value);

/* The kfdtest names of the common single SETs. */
void kfd_svm_prefetch(int fd, void *addr, uint64_t size, uint32_t loc);
void kfd_svm_map_to(int fd, void *addr, uint64_t size, uint32_t gpu_id);
void kfd_svm_map_in_place(int fd, void *addr, uint64_t size, uint32_t gpu_id);
void kfd_svm_set_granularity(int fd, void *addr, uint64_t size, uint32_t granularity);

/*
 * GET of one attribute: *@value_out the answer for @type (the location,
 * the flags, the granularity).  For ACCESS, @value_in is the gpu_id and
 * the answer is the type the kernel wrote back (ACCESS, ACCESS_IN_PLACE or
 * NO_ACCESS).
 */
int __kfd_svm_get1(int fd, void *addr, uint64_t size, uint32_t type, uint32_t value_in,
		   uint32_t *value_out);
uint32_t kfd_svm_get1(int fd, void *addr, uint64_t size, uint32_t type, uint32_t value_in);
/* GET ACCESS of @gpu_id: KFD_IOCTL_SVM_ATTR_ACCESS, _ACCESS_IN_PLACE or _NO_ACCESS. */
uint32_t kfd_svm_get_access(int fd, void *addr, uint64_t size, uint32_t gpu_id);

/* The attribute's name, for messages ("PREFERRED_LOC"; "?" if unknown). */
const char *kfd_svm_attr_name(uint32_t type);

/*
 * The VRAM of @node: the sum of its memory banks of heap type FB_PUBLIC
 * or FB_PRIVATE (nodes/N/mem_banks/M/properties), what libhsakmt's
 * GetVramSize adds up.  The node's own local_mem_size property reads 0 on
 * current kernels.  0 for an APU (no such bank).
 */
uint64_t kfd_node_vram_size(const struct kfd_node *node);
