/* SPDX-License-Identifier: MIT */
/*
 * amdgpu SVM on drm_gpusvm: the DRM_AMDGPU_GEM_SVM ioctl of Honglei
 * Huang's series.  It is not upstream, and its uAPI changed between
 * revisions, so both revisions we know exactly are declared side by side
 * (written from the project's reference notes, amd-uapi-kfdtest-pagesize.md
 * §3; not copied from any patch):
 *
 *   V1  "[RFC/POC PATCH 01/12] drm/amdgpu: add SVM UAPI definitions",
 *       17 Mar 2026, re-posted unchanged 20 Apr 2026.  Ioctl 0x1a (right
 *       after GEM_LIST_HANDLES).  A copy of the KFD SVM attribute model:
 *       ACCESS / ACCESS_IN_PLACE / NO_ACCESS attributes, SET/CLR_FLAGS
 *       bitmasks, GRANULARITY = 7.  XNACK-off only.
 *   V8  "[PATCH v8 01/18] drm/amdgpu: add SVM ioctl UAPI definitions",
 *       12 Jun 2026.  Ioctl 0x1b (PROC_OPTIONS took 0x1a).  One ACCESS
 *       attribute with an enum value, one boolean attribute per former
 *       flag (value must be 0 or 1), GRANULARITY = 3, a RESET_ATTR op,
 *       no GPU_ALWAYS_MAPPED.  XNACK-on (fault) mode only (since v2).
 *   (v2..v7 were intermediate and are not declared.)
 *
 * The argument structs are the same in both, so they are shared; every
 * number that differs carries a _V1 / _V8 tag.  The kernel itself uses the
 * untagged names (AMDGPU_SVM_ATTR_GRANULARITY ...) for whichever revision
 * it carries.
 *
 * Probing which one a kernel has (never hard-code either):
 *  1. Issue DRM_IOCTL_AMDGPU_GEM_SVM_V8 on the render node with op
 *     AMDGPU_SVM_V8_OP_GET_ATTR, one ACCESS attribute, over one mapped,
 *     page-aligned page.  0, or EOPNOTSUPP (SVM not enabled on this VM),
 *     means V8; anything else means no usable V8 (the DRM core answers
 *     EINVAL for a driver ioctl number it does not have).
 *  2. Only then consider V1 at 0x1a, and only with independent evidence
 *     (e.g. CONFIG_DRM_AMDGPU_SVM in the running kernel's config), because
 *     on a kernel with PROC_OPTIONS 0x1a is a different ioctl and would be
 *     handed our struct.
 *  Both handlers reject a zero or unaligned start/size and nattr == 0 with
 *  EINVAL, so those make poor probes.
 *
 * The ioctl goes to the render-node fd and is per device: each GPU has its
 * own drm_gpusvm, unlike KFD's per-process SVM.
 */
#ifndef IGT_SVM_UAPI_AMDGPU_SVM_DRM_H
#define IGT_SVM_UAPI_AMDGPU_SVM_DRM_H

#include <linux/types.h>
#include "igt_svm_drm_base.h"

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * Upstream neighbours that explain the SVM numbering; guarded so a real
 * amdgpu_drm.h included first keeps its own spelling.
 */
#ifndef DRM_AMDGPU_GEM_LIST_HANDLES
#define DRM_AMDGPU_GEM_LIST_HANDLES	0x19
#endif
#ifndef DRM_AMDGPU_PROC_OPTIONS
#define DRM_AMDGPU_PROC_OPTIONS		0x1a
#endif

#define DRM_AMDGPU_GEM_SVM_V1		0x1a
#define DRM_AMDGPU_GEM_SVM_V8		0x1b

#define DRM_IOCTL_AMDGPU_GEM_SVM_V1 \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_AMDGPU_GEM_SVM_V1, struct drm_amdgpu_gem_svm)
#define DRM_IOCTL_AMDGPU_GEM_SVM_V8 \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_AMDGPU_GEM_SVM_V8, struct drm_amdgpu_gem_svm)

/*
 * If a real amdgpu_drm.h with the SVM ioctl was included first, its
 * structs are these very ones: keep them.
 */
#ifndef DRM_AMDGPU_GEM_SVM
struct drm_amdgpu_svm_attribute {
	__u32 type;
	__u32 value;
};

/*
 * Unlike KFD's flexible array, the attributes are passed by pointer, so
 * the ioctl size is fixed and needs no nattr encoding.  GET_ATTR writes
 * the values back into the array at attrs_ptr.
 */
struct drm_amdgpu_gem_svm {
	__u64 start_addr;
	__u64 size;
	__u32 operation;
	__u32 nattr;
	__u64 attrs_ptr;
};
#endif

/* ---- V1 (RFC/POC, Mar/Apr 2026) ---------------------------------- */

#define AMDGPU_SVM_V1_FLAG_HOST_ACCESS		0x01
#define AMDGPU_SVM_V1_FLAG_COHERENT		0x02
#define AMDGPU_SVM_V1_FLAG_HIVE_LOCAL		0x04
#define AMDGPU_SVM_V1_FLAG_GPU_RO		0x08
#define AMDGPU_SVM_V1_FLAG_GPU_EXEC		0x10
#define AMDGPU_SVM_V1_FLAG_GPU_READ_MOSTLY	0x20
#define AMDGPU_SVM_V1_FLAG_GPU_ALWAYS_MAPPED	0x40
#define AMDGPU_SVM_V1_FLAG_EXT_COHERENT		0x80

#define AMDGPU_SVM_V1_OP_SET_ATTR		0
#define AMDGPU_SVM_V1_OP_GET_ATTR		1

/* Same numbering as KFD_IOCTL_SVM_ATTR_*: ROCm code can be reused. */
#define AMDGPU_SVM_V1_ATTR_PREFERRED_LOC	0
#define AMDGPU_SVM_V1_ATTR_PREFETCH_LOC		1
#define AMDGPU_SVM_V1_ATTR_ACCESS		2
#define AMDGPU_SVM_V1_ATTR_ACCESS_IN_PLACE	3
#define AMDGPU_SVM_V1_ATTR_NO_ACCESS		4
#define AMDGPU_SVM_V1_ATTR_SET_FLAGS		5
#define AMDGPU_SVM_V1_ATTR_CLR_FLAGS		6
#define AMDGPU_SVM_V1_ATTR_GRANULARITY		7

#define AMDGPU_SVM_V1_LOCATION_SYSMEM		0
#define AMDGPU_SVM_V1_LOCATION_UNDEFINED	0xffffffffu

/* ---- V8 (PATCH v8, Jun 2026) ------------------------------------- */

#define AMDGPU_SVM_V8_OP_SET_ATTR		0
#define AMDGPU_SVM_V8_OP_GET_ATTR		1
#define AMDGPU_SVM_V8_OP_RESET_ATTR		2	/* needs no attrs */

/* Values of AMDGPU_SVM_V8_ATTR_ACCESS. */
#define AMDGPU_SVM_V8_ACCESS_INACCESSIBLE	0
#define AMDGPU_SVM_V8_ACCESS_IN_PLACE		1
#define AMDGPU_SVM_V8_ACCESS_ALLOW_MIGRATE	2

#define AMDGPU_SVM_V8_LOCATION_SYSMEM		0
#define AMDGPU_SVM_V8_LOCATION_UNDEFINED	0xffffffffu

/* 4..10 are booleans: any value other than 0 or 1 is EINVAL. */
#define AMDGPU_SVM_V8_ATTR_PREFERRED_LOC	0
#define AMDGPU_SVM_V8_ATTR_PREFETCH_LOC		1
#define AMDGPU_SVM_V8_ATTR_ACCESS		2
#define AMDGPU_SVM_V8_ATTR_GRANULARITY		3
#define AMDGPU_SVM_V8_ATTR_HOST_ACCESS		4
#define AMDGPU_SVM_V8_ATTR_COHERENT		5
#define AMDGPU_SVM_V8_ATTR_EXT_COHERENT		6
#define AMDGPU_SVM_V8_ATTR_HIVE_LOCAL		7
#define AMDGPU_SVM_V8_ATTR_GPU_RO		8
#define AMDGPU_SVM_V8_ATTR_GPU_EXEC		9
#define AMDGPU_SVM_V8_ATTR_GPU_READ_MOSTLY	10

/*
 * An upstream query (in 6.12 and 7.3.4, not in libdrm 2.4.114's header):
 * the last GPU VM fault of the file's VM, sticky (a fault with status 0
 * does not replace it) and never cleared, so it tells a fault from none
 * only on a VM that had none before.  Guarded like the numbers above:
 * include a real amdgpu_drm.h first, or only this header.
 */
#ifndef AMDGPU_INFO_GPUVM_FAULT
#define AMDGPU_INFO_GPUVM_FAULT		0x23

struct drm_amdgpu_info_gpuvm_fault {
	__u64 addr;
	__u32 status;		/* the hub's VM_L2_PROTECTION_FAULT_STATUS; 0: none yet */
	__u32 vmhub;
};
#endif

#if defined(__cplusplus)
}
#endif

#endif /* IGT_SVM_UAPI_AMDGPU_SVM_DRM_H */
