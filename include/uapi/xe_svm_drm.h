/* SPDX-License-Identifier: MIT */
/*
 * xe uAPI as used by igt-svm: queries, BOs, VMs with CPU address mirror
 * (SVM), exec queues, exec, syncs, user-fence waits, madvise and the
 * memory-range attribute query.
 *
 * Written from the project's reference notes (xe-uapi-and-fixes.md), not
 * copied from xe_drm.h.  Names are the kernel's so code reads like any other xe
 * user, and every layout is meant to be a drop-in for the kernel's:
 * ci/abi-check compares sizeof/offsetof/ioctl numbers with every real
 * xe_drm.h it can find (Debian's newest, 6.12, lacks the CPU address
 * mirror, madvise and everything after; those are checked against the
 * numbers in the reference instead).
 *
 * Do not include this together with a real xe_drm.h: the structs clash.
 */
#ifndef IGT_SVM_UAPI_XE_SVM_DRM_H
#define IGT_SVM_UAPI_XE_SVM_DRM_H

#include <linux/types.h>
#include "igt_svm_drm_base.h"

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * Ioctl numbers, relative to DRM_COMMAND_BASE.  0x0b is the observation
 * (OA) stream ioctl, which the suite never issues; it is left out but the
 * number stays taken.
 */
#define DRM_XE_DEVICE_QUERY			0x00
#define DRM_XE_GEM_CREATE			0x01
#define DRM_XE_GEM_MMAP_OFFSET			0x02
#define DRM_XE_VM_CREATE			0x03
#define DRM_XE_VM_DESTROY			0x04
#define DRM_XE_VM_BIND				0x05
#define DRM_XE_EXEC_QUEUE_CREATE		0x06
#define DRM_XE_EXEC_QUEUE_DESTROY		0x07
#define DRM_XE_EXEC_QUEUE_GET_PROPERTY		0x08
#define DRM_XE_EXEC				0x09
#define DRM_XE_WAIT_USER_FENCE			0x0a
#define DRM_XE_MADVISE				0x0c	/* 6.18+ */
#define DRM_XE_VM_QUERY_MEM_RANGE_ATTRS		0x0d	/* 6.18+ */
#define DRM_XE_EXEC_QUEUE_SET_PROPERTY		0x0e
#define DRM_XE_VM_GET_PROPERTY			0x0f	/* 7.1 */

#define DRM_IOCTL_XE_DEVICE_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_XE_DEVICE_QUERY, struct drm_xe_device_query)
#define DRM_IOCTL_XE_GEM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_XE_GEM_CREATE, struct drm_xe_gem_create)
#define DRM_IOCTL_XE_GEM_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_XE_GEM_MMAP_OFFSET, struct drm_xe_gem_mmap_offset)
#define DRM_IOCTL_XE_VM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_XE_VM_CREATE, struct drm_xe_vm_create)
#define DRM_IOCTL_XE_VM_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_XE_VM_DESTROY, struct drm_xe_vm_destroy)
#define DRM_IOCTL_XE_VM_BIND \
	DRM_IOW(DRM_COMMAND_BASE + DRM_XE_VM_BIND, struct drm_xe_vm_bind)
#define DRM_IOCTL_XE_EXEC_QUEUE_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_XE_EXEC_QUEUE_CREATE, struct drm_xe_exec_queue_create)
#define DRM_IOCTL_XE_EXEC_QUEUE_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_XE_EXEC_QUEUE_DESTROY, struct drm_xe_exec_queue_destroy)
#define DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_XE_EXEC_QUEUE_GET_PROPERTY, struct drm_xe_exec_queue_get_property)
#define DRM_IOCTL_XE_EXEC \
	DRM_IOW(DRM_COMMAND_BASE + DRM_XE_EXEC, struct drm_xe_exec)
#define DRM_IOCTL_XE_WAIT_USER_FENCE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_XE_WAIT_USER_FENCE, struct drm_xe_wait_user_fence)
#define DRM_IOCTL_XE_MADVISE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_XE_MADVISE, struct drm_xe_madvise)
#define DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_XE_VM_QUERY_MEM_RANGE_ATTRS, struct drm_xe_vm_query_mem_range_attr)
#define DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_XE_EXEC_QUEUE_SET_PROPERTY, struct drm_xe_exec_queue_set_property)
#define DRM_IOCTL_XE_VM_GET_PROPERTY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_XE_VM_GET_PROPERTY, struct drm_xe_vm_get_property)

/* ------------------------------------------------------------------ */
/* DEVICE_QUERY                                                        */
/* ------------------------------------------------------------------ */

/*
 * Two calls: with size 0 the kernel only reports the size it needs; the
 * second call must pass a buffer of exactly that size, otherwise EINVAL.
 */
struct drm_xe_device_query {
	__u64 extensions;
#define DRM_XE_DEVICE_QUERY_ENGINES		0
#define DRM_XE_DEVICE_QUERY_MEM_REGIONS		1
#define DRM_XE_DEVICE_QUERY_CONFIG		2
#define DRM_XE_DEVICE_QUERY_GT_LIST		3
#define DRM_XE_DEVICE_QUERY_HWCONFIG		4
#define DRM_XE_DEVICE_QUERY_GT_TOPOLOGY		5
#define DRM_XE_DEVICE_QUERY_ENGINE_CYCLES	6
#define DRM_XE_DEVICE_QUERY_UC_FW_VERSION	7
#define DRM_XE_DEVICE_QUERY_OA_UNITS		8
#define DRM_XE_DEVICE_QUERY_PXP_STATUS		9
#define DRM_XE_DEVICE_QUERY_EU_STALL		10
	__u32 query;
	__u32 size;
	__u64 data;		/* user pointer to the reply buffer */
	__u64 reserved[2];
};

/*
 * Also the engine selector of EXEC_QUEUE_CREATE.  The VM_BIND "class" is
 * not hardware: it names the kernel's ordered bind queue.
 */
struct drm_xe_engine_class_instance {
#define DRM_XE_ENGINE_CLASS_RENDER		0
#define DRM_XE_ENGINE_CLASS_COPY		1
#define DRM_XE_ENGINE_CLASS_VIDEO_DECODE	2
#define DRM_XE_ENGINE_CLASS_VIDEO_ENHANCE	3
#define DRM_XE_ENGINE_CLASS_COMPUTE		4
#define DRM_XE_ENGINE_CLASS_VM_BIND		5
	__u16 engine_class;
	__u16 engine_instance;
	__u16 gt_id;
	__u16 pad;
};

struct drm_xe_engine {
	struct drm_xe_engine_class_instance instance;
	__u64 reserved[3];
};

struct drm_xe_query_engines {
	__u32 num_engines;
	__u32 pad;
	struct drm_xe_engine engines[];
};

enum drm_xe_memory_class {
	DRM_XE_MEM_REGION_CLASS_SYSMEM = 0,
	DRM_XE_MEM_REGION_CLASS_VRAM = 1,
};

/*
 * @instance is also the bit number of this region in placement masks
 * (gem_create.placement, gt.near/far_mem_regions): bit 0 is system memory,
 * bit 1 tile 0's VRAM, bit 2 tile 1's VRAM.  The same number is what
 * VM_BIND PREFETCH and madvise region_instance take.
 */
struct drm_xe_mem_region {
	__u16 mem_class;
	__u16 instance;
	__u32 min_page_size;
	__u64 total_size;
	__u64 used;
	__u64 cpu_visible_size;
	__u64 cpu_visible_used;
	__u64 reserved[6];
};

struct drm_xe_query_mem_regions {
	__u32 num_mem_regions;
	__u32 pad;
	struct drm_xe_mem_region mem_regions[];
};

/*
 * info[] is indexed by the DRM_XE_QUERY_CONFIG_* numbers.
 * REV_AND_DEVICE_ID: PCI device id in bits 0-15, revision from bit 16.
 * MIN_ALIGNMENT is 64K on parts whose VRAM needs 64K pages (DG2, PVC):
 * the only SVM-capable one of those, PVC, is where 64K-PTE bugs show.
 */
struct drm_xe_query_config {
	__u32 num_params;
	__u32 pad;
#define DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID		0
#define DRM_XE_QUERY_CONFIG_FLAGS			1
#define  DRM_XE_QUERY_CONFIG_FLAG_HAS_VRAM		(1 << 0)
#define  DRM_XE_QUERY_CONFIG_FLAG_HAS_LOW_LATENCY	(1 << 1)
#define  DRM_XE_QUERY_CONFIG_FLAG_HAS_CPU_ADDR_MIRROR	(1 << 2)
#define DRM_XE_QUERY_CONFIG_MIN_ALIGNMENT		2
#define DRM_XE_QUERY_CONFIG_VA_BITS			3
#define DRM_XE_QUERY_CONFIG_MAX_EXEC_QUEUE_PRIORITY	4
	__u64 info[];
};

/*
 * One per GT.  Every GMD_ID platform has a separate media GT with only
 * video engines; the suite's batches go to render/compute/copy engines,
 * so pick main GTs by @type.  near_mem_regions of a main GT is
 * 1 << (tile_id + 1), i.e. the VRAM placement bit of its own tile.
 */
struct drm_xe_gt {
#define DRM_XE_QUERY_GT_TYPE_MAIN		0
#define DRM_XE_QUERY_GT_TYPE_MEDIA		1
	__u16 type;
	__u16 tile_id;
	__u16 gt_id;
	__u16 pad[3];
	__u32 reference_clock;
	__u64 near_mem_regions;
	__u64 far_mem_regions;
	__u16 ip_ver_major;
	__u16 ip_ver_minor;
	__u16 ip_ver_rev;
	__u16 pad2;
	__u64 reserved[7];
};

struct drm_xe_query_gt_list {
	__u32 num_gt;
	__u32 pad;
	struct drm_xe_gt gt_list[];
};

/* GT_TOPOLOGY: a run of these, each followed by num_bytes of mask. */
struct drm_xe_query_topology_mask {
	__u16 gt_id;
#define DRM_XE_TOPO_DSS_GEOMETRY	1
#define DRM_XE_TOPO_DSS_COMPUTE		2
#define DRM_XE_TOPO_L3_BANK		3
#define DRM_XE_TOPO_EU_PER_DSS		4
#define DRM_XE_TOPO_SIMD16_EU_PER_DSS	5
	__u16 type;
	__u32 num_bytes;
	__u8 mask[];
};

/* ENGINE_CYCLES: eci and clockid in, the rest out. */
struct drm_xe_query_engine_cycles {
	struct drm_xe_engine_class_instance eci;
	__s32 clockid;
	__u32 width;
	__u64 engine_cycles;
	__u64 cpu_timestamp;
	__u64 cpu_delta;
};

struct drm_xe_query_uc_fw_version {
#define XE_QUERY_UC_TYPE_GUC_SUBMISSION 0
#define XE_QUERY_UC_TYPE_HUC 1
	__u16 uc_type;
	__u16 pad;
	__u32 branch_ver;
	__u32 major_ver;
	__u32 minor_ver;
	__u32 patch_ver;
	__u32 pad2;
	__u64 reserved;
};

struct drm_xe_query_pxp_status {
	__u32 status;
	__u32 supported_session_types;
};

struct drm_xe_query_eu_stall {
	__u64 extensions;
	__u64 capabilities;
#define DRM_XE_EU_STALL_CAPS_BASE		(1 << 0)
	__u64 record_size;
	__u64 per_xecore_buf_size;
	__u64 reserved[5];
	__u64 num_sampling_rates;
	__u64 sampling_rates[];
};

/* ------------------------------------------------------------------ */
/* Buffer objects                                                      */
/* ------------------------------------------------------------------ */

/*
 * A non-zero @vm_id makes the BO private to that VM (it can then only be
 * bound there, but shares the VM's reservation, which is cheaper).
 */
struct drm_xe_gem_create {
	__u64 extensions;
	__u64 size;
	__u32 placement;		/* mask of mem_region.instance bits */
#define DRM_XE_GEM_CREATE_FLAG_DEFER_BACKING		(1 << 0)
#define DRM_XE_GEM_CREATE_FLAG_SCANOUT			(1 << 1)
#define DRM_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM	(1 << 2)
#define DRM_XE_GEM_CREATE_FLAG_NO_COMPRESSION		(1 << 3)
	__u32 flags;
	__u32 vm_id;
	__u32 handle;			/* out */
#define DRM_XE_GEM_CPU_CACHING_WB			1
#define DRM_XE_GEM_CPU_CACHING_WC			2
	__u16 cpu_caching;
	__u16 pad[3];
	__u64 reserved[2];
};

/* The returned offset is an mmap() offset on the DRM fd itself. */
struct drm_xe_gem_mmap_offset {
	__u64 extensions;
	__u32 handle;
	__u32 flags;
	__u64 offset;			/* out */
	__u64 reserved[2];
};

/* ------------------------------------------------------------------ */
/* VMs                                                                 */
/* ------------------------------------------------------------------ */

/*
 * FAULT_MODE is only accepted together with LR_MODE, and CPU address
 * mirroring only on FAULT_MODE VMs.  Whether the device can fault at all
 * is found out by trying VM_CREATE(LR_MODE | FAULT_MODE).
 */
struct drm_xe_vm_create {
	__u64 extensions;
#define DRM_XE_VM_CREATE_FLAG_SCRATCH_PAGE	(1 << 0)
#define DRM_XE_VM_CREATE_FLAG_LR_MODE		(1 << 1)
#define DRM_XE_VM_CREATE_FLAG_FAULT_MODE	(1 << 2)
#define DRM_XE_VM_CREATE_FLAG_NO_VM_OVERCOMMIT	(1 << 3)
	__u32 flags;
	__u32 vm_id;			/* out */
	__u64 reserved[2];
};

struct drm_xe_vm_destroy {
	__u32 vm_id;
	__u32 pad;
	__u64 reserved[2];
};

/*
 * PREFETCH migrates [addr, addr + range) to prefetch_mem_region_instance
 * (0 = system, 1/2 = VRAM of tile 0/1); DRM_XE_CONSULT_MEM_ADVISE_PREF_LOC
 * means "wherever madvise said".
 *
 * CPU_ADDR_MIRROR turns the range into SVM: GPU VA == CPU VA, pages are
 * faulted in from the process' mm.  It needs a FAULT_MODE VM, op MAP,
 * obj 0 and offset 0.  MADVISE_AUTORESET (only with CPU_ADDR_MIRROR +
 * MAP) drops madvise attributes again once the CPU unmaps the memory, so
 * a recycled malloc range does not inherit an old preferred location.
 */
struct drm_xe_vm_bind_op {
	__u64 extensions;
	__u32 obj;			/* BO handle, 0 for userptr/mirror/NULL */
	__u16 pat_index;
	__u16 pad;
	union {
		__u64 obj_offset;
		__u64 userptr;
		__u64 cpu_addr_mirror_offset;	/* must be 0 */
	};
	__u64 range;
	__u64 addr;
#define DRM_XE_VM_BIND_OP_MAP			0x0
#define DRM_XE_VM_BIND_OP_UNMAP			0x1
#define DRM_XE_VM_BIND_OP_MAP_USERPTR		0x2
#define DRM_XE_VM_BIND_OP_UNMAP_ALL		0x3
#define DRM_XE_VM_BIND_OP_PREFETCH		0x4
	__u32 op;
#define DRM_XE_VM_BIND_FLAG_READONLY		(1 << 0)
#define DRM_XE_VM_BIND_FLAG_IMMEDIATE		(1 << 1)
#define DRM_XE_VM_BIND_FLAG_NULL		(1 << 2)
#define DRM_XE_VM_BIND_FLAG_DUMPABLE		(1 << 3)
#define DRM_XE_VM_BIND_FLAG_CHECK_PXP		(1 << 4)
#define DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR	(1 << 5)
#define DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET	(1 << 6)
#define DRM_XE_VM_BIND_FLAG_DECOMPRESS		(1 << 7)
	__u32 flags;
#define DRM_XE_CONSULT_MEM_ADVISE_PREF_LOC	(-1)
	__u32 prefetch_mem_region_instance;
	__u32 pad2;
	__u64 reserved[3];
};

/*
 * exec_queue_id 0 selects the VM's default bind queues, one per tile;
 * a user-created VM_BIND queue is one queue with the other tiles' queues
 * linked to it.  The two shapes differ in how the kernel builds the
 * composite out-fence of an empty bind (num_binds 0), which is why tests
 * exercise both.
 */
struct drm_xe_vm_bind {
	__u64 extensions;
	__u32 vm_id;
	__u32 exec_queue_id;
	__u32 pad;
	__u32 num_binds;
	union {
		struct drm_xe_vm_bind_op bind;	/* num_binds == 1 */
		__u64 vector_of_binds;		/* num_binds > 1 */
	};
	__u32 pad2;
#define DRM_XE_MAX_SYNCS 1024
	__u32 num_syncs;
	__u64 syncs;			/* user pointer to drm_xe_sync[] */
	__u64 reserved[2];
};

/* ------------------------------------------------------------------ */
/* Exec queues                                                         */
/* ------------------------------------------------------------------ */

/*
 * @instances points at width * num_placements engine_class_instance
 * entries.  A VM_BIND-class queue takes width 1, one placement, instance 0.
 */
struct drm_xe_exec_queue_create {
	__u64 extensions;
	__u16 width;
	__u16 num_placements;
	__u32 vm_id;
#define DRM_XE_EXEC_QUEUE_LOW_LATENCY_HINT	(1 << 0)
	__u32 flags;
	__u32 exec_queue_id;		/* out */
	__u64 instances;
	__u64 reserved[2];
};

struct drm_xe_exec_queue_destroy {
	__u32 exec_queue_id;
	__u32 pad;
	__u64 reserved[2];
};

/* BAN tells whether the queue was banned after a reset (a failed fault). */
struct drm_xe_exec_queue_get_property {
	__u64 extensions;
	__u32 exec_queue_id;
#define DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN	0
	__u32 property;
	__u64 value;			/* out */
	__u64 reserved[2];
};

/* Same shape as the get variant; only some properties are mutable. */
struct drm_xe_exec_queue_set_property {
	__u64 extensions;
	__u32 exec_queue_id;
	__u32 property;
	__u64 value;
	__u64 reserved[2];
};

/* ------------------------------------------------------------------ */
/* Sync, exec, waits                                                   */
/* ------------------------------------------------------------------ */

/*
 * USER_FENCE: the kernel writes timeline_value to an 8-byte aligned @addr
 * (a GPU VA in EXEC, a CPU pointer in VM_BIND); SIGNAL is mandatory and
 * only one user fence is allowed per ioctl.  LR/fault-mode VMs refuse
 * SYNCOBJ signals with EOPNOTSUPP, so SVM tests use user fences only.
 */
struct drm_xe_sync {
	__u64 extensions;
#define DRM_XE_SYNC_TYPE_SYNCOBJ		0x0
#define DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ	0x1
#define DRM_XE_SYNC_TYPE_USER_FENCE		0x2
	__u32 type;
#define DRM_XE_SYNC_FLAG_SIGNAL			(1 << 0)
	__u32 flags;
	union {
		__u32 handle;		/* syncobj */
		__u64 addr;		/* user fence */
	};
	__u64 timeline_value;
	__u64 reserved[2];
};

/* @address is the batch's GPU VA; with SVM it may simply be a malloc'd
 * pointer, which makes the GPU fault on the batch itself too. */
struct drm_xe_exec {
	__u64 extensions;
	__u32 exec_queue_id;
	__u32 num_syncs;
	__u64 syncs;
	__u64 address;
	__u16 num_batch_buffer;		/* == queue width */
	__u16 pad[3];
	__u64 reserved[2];
};

/*
 * With exec_queue_id set, a queue that was reset meanwhile (e.g. after an
 * unrecoverable GPU fault) ends the wait with EIO instead of ETIME: that is
 * how a test tells "fault failed" from "too slow".  @timeout is in ns and
 * signed (negative = forever); ABSTIME makes it a CLOCK_MONOTONIC deadline.
 */
struct drm_xe_wait_user_fence {
	__u64 extensions;
	__u64 addr;
#define DRM_XE_UFENCE_WAIT_OP_EQ		0x0
#define DRM_XE_UFENCE_WAIT_OP_NEQ		0x1
#define DRM_XE_UFENCE_WAIT_OP_GT		0x2
#define DRM_XE_UFENCE_WAIT_OP_GTE		0x3
#define DRM_XE_UFENCE_WAIT_OP_LT		0x4
#define DRM_XE_UFENCE_WAIT_OP_LTE		0x5
	__u16 op;
#define DRM_XE_UFENCE_WAIT_FLAG_ABSTIME		(1 << 0)
	__u16 flags;
	__u32 pad;
	__u64 value;
	__u64 mask;
	__s64 timeout;
	__u32 exec_queue_id;
	__u32 pad2;
	__u64 reserved[2];
};

/* ------------------------------------------------------------------ */
/* madvise and range attributes (6.18+)                                */
/* ------------------------------------------------------------------ */

/*
 * Kernel-side checks worth testing: start/range 4K aligned, range >= 4K,
 * region_instance 0 unless devmem_fd > 0, migration_policy <= 1,
 * atomic.val <= 3, reserved fields zero.  A foreign devmem_fd without a
 * fast interconnect to this device fails with ENOLINK.
 *
 * devmem_fd is unsigned in the ABI; DEFAULT_SYSTEM (-1) is stored as
 * 0xffffffff.
 */
struct drm_xe_madvise {
	__u64 extensions;
	__u64 start;
	__u64 range;
	__u32 vm_id;
#define DRM_XE_MEM_RANGE_ATTR_PREFERRED_LOC	0
#define DRM_XE_MEM_RANGE_ATTR_ATOMIC		1
#define DRM_XE_MEM_RANGE_ATTR_PAT		2
	__u32 type;
	union {
		struct {
#define DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE	0	/* VRAM of the faulting tile */
#define DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM	(-1)
			__u32 devmem_fd;
#define DRM_XE_MIGRATE_ALL_PAGES		0
#define DRM_XE_MIGRATE_ONLY_SYSTEM_PAGES	1
			__u16 migration_policy;
			__u16 region_instance;	/* tile VRAM of devmem_fd */
			__u64 reserved;
		} preferred_mem_loc;
		struct {
#define DRM_XE_ATOMIC_UNDEFINED			0
#define DRM_XE_ATOMIC_DEVICE			1
#define DRM_XE_ATOMIC_GLOBAL			2
#define DRM_XE_ATOMIC_CPU			3
			__u32 val;
			__u32 pad;
			__u64 reserved;
		} atomic;
		struct {
			__u32 val;
			__u32 pad;
			__u64 reserved;
		} pat_index;
	};
	__u64 reserved[2];
};

/*
 * One entry per distinct attribute range.  Entries are
 * sizeof_mem_range_attr apart (as reported by the kernel), not
 * sizeof(struct drm_xe_mem_range_attr): walk them by that stride.
 */
struct drm_xe_mem_range_attr {
	__u64 extensions;
	__u64 start;
	__u64 end;
	struct {
		__u32 devmem_fd;
		__u32 migration_policy;
	} preferred_mem_loc;
	struct {
		__u32 val;
		__u32 reserved;
	} atomic;
	struct {
		__u32 val;
		__u32 reserved;
	} pat_index;
	__u64 reserved[2];
};

/*
 * Two calls: the first (num_mem_ranges = 0, sizeof_mem_range_attr = 0,
 * vector_of_mem_attr = 0) reports count and entry size; ENOSPC on the
 * second means the ranges changed in between, so start over.
 */
struct drm_xe_vm_query_mem_range_attr {
	__u64 extensions;
	__u32 vm_id;
	__u32 num_mem_ranges;
	__u64 start;
	__u64 range;
	__u64 sizeof_mem_range_attr;
	__u64 vector_of_mem_attr;
	__u64 reserved[2];
};

/*
 * VM_GET_PROPERTY (7.1).  The reference gives only its size (56) and
 * encoding; the field split follows the posted series and is not checked
 * against any header Debian ships.  The suite does not issue it yet.
 */
struct drm_xe_vm_get_property {
	__u64 extensions;
	__u32 vm_id;
#define DRM_XE_VM_GET_PROPERTY_FAULTS		0
	__u32 property;
	__u32 size;
	__u32 pad;
	union {
		__u64 data;
		__u64 value;
	};
	__u64 reserved[3];
};

#if defined(__cplusplus)
}
#endif

#endif /* IGT_SVM_UAPI_XE_SVM_DRM_H */
