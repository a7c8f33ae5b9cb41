/* SPDX-License-Identifier: MIT */
/*
 * The part of the amdkfd (/dev/kfd) uAPI igt-svm drives without libhsakmt:
 * version, process bring-up (apertures, ACQUIRE_VM), BOs for queue rings,
 * SDMA/compute queues, events, SMI event fds, the SVM attribute ioctl,
 * XNACK mode and the available-memory query.
 *
 * Written from the project's reference notes (amd-uapi-kfdtest-pagesize.md
 * §2), with the kernel's names so it reads like ROCm code; layouts are
 * meant to be drop-ins for <linux/kfd_ioctl.h> and ci/abi-check proves it
 * against every copy Debian has.  Deliberately left out: CRIU, DMA-buf
 * export, runtime enable and the debugger ioctls (large, and unused).
 *
 * Do not include this together with <linux/kfd_ioctl.h>: the structs clash.
 */
#ifndef IGT_SVM_UAPI_KFD_SVM_IOCTL_H
#define IGT_SVM_UAPI_KFD_SVM_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * GET_VERSION reports the kernel's minor; features are gated on it, not on
 * the kernel release, because distributions backport KFD.
 */
#define KFD_IOCTL_MAJOR_VERSION			1
#define IGT_KFD_MINOR_SVM			5	/* SVM + SET_XNACK_MODE */
#define IGT_KFD_MINOR_SMI_PROFILER		10	/* SMI migrate/fault events */
#define IGT_KFD_MINOR_CREATE_PROCESS		19	/* secondary contexts */

struct kfd_ioctl_get_version_args {
	__u32 major_version;
	__u32 minor_version;
};

/* ------------------------------------------------------------------ */
/* Queues                                                              */
/* ------------------------------------------------------------------ */

#define KFD_IOC_QUEUE_TYPE_COMPUTE		0x0
#define KFD_IOC_QUEUE_TYPE_SDMA			0x1
#define KFD_IOC_QUEUE_TYPE_COMPUTE_AQL		0x2
#define KFD_IOC_QUEUE_TYPE_SDMA_XGMI		0x3
#define KFD_IOC_QUEUE_TYPE_SDMA_BY_ENG_ID	0x4	/* KFD 1.17 */

#define KFD_MAX_QUEUE_PERCENTAGE		100
#define KFD_MAX_QUEUE_PRIORITY			15

/*
 * Since the 2024 "validate user queue buffers" change the ring, rptr and
 * wptr must sit in GPU-mapped KFD BOs (ALLOC_MEMORY_OF_GPU +
 * MAP_MEMORY_TO_GPU), not in SVM ranges; only the CWSR area may be SVM.
 * The wptr is a 64-bit byte offset on gfx9+.
 *
 * sdma_engine_id/pad were appended in KFD 1.17.  Older kernels still
 * accept this longer struct: KFD finds the handler by ioctl number alone
 * and copies the size the command encodes.
 */
struct kfd_ioctl_create_queue_args {
	__u64 ring_base_address;
	__u64 write_pointer_address;
	__u64 read_pointer_address;
	__u64 doorbell_offset;		/* out: mmap offset | in-page offset */
	__u32 ring_size;
	__u32 gpu_id;
	__u32 queue_type;
	__u32 queue_percentage;
	__u32 queue_priority;
	__u32 queue_id;			/* out */
	__u64 eop_buffer_address;
	__u64 eop_buffer_size;
	__u64 ctx_save_restore_address;
	__u32 ctx_save_restore_size;
	__u32 ctl_stack_size;
	__u32 sdma_engine_id;		/* KFD_IOC_QUEUE_TYPE_SDMA_BY_ENG_ID */
	__u32 pad;
};

struct kfd_ioctl_destroy_queue_args {
	__u32 queue_id;
	__u32 pad;
};

/* ------------------------------------------------------------------ */
/* Process bring-up and memory                                         */
/* ------------------------------------------------------------------ */

struct kfd_process_device_apertures {
	__u64 lds_base;
	__u64 lds_limit;
	__u64 scratch_base;
	__u64 scratch_limit;
	__u64 gpuvm_base;
	__u64 gpuvm_limit;
	__u32 gpu_id;
	__u32 pad;
};

/* Call once with num_of_nodes 0 to learn the count, then with an array. */
struct kfd_ioctl_get_process_apertures_new_args {
	__u64 kfd_process_device_apertures_ptr;
	__u32 num_of_nodes;
	__u32 pad;
};

/*
 * Binds the GPU's render-node file to this KFD process.  Another drm file
 * already bound to the same GPU gives EBUSY; the same file again is fine.
 */
struct kfd_ioctl_acquire_vm_args {
	__u32 drm_fd;
	__u32 gpu_id;
};

#define KFD_IOC_ALLOC_MEM_FLAGS_VRAM		(1 << 0)
#define KFD_IOC_ALLOC_MEM_FLAGS_GTT		(1 << 1)
#define KFD_IOC_ALLOC_MEM_FLAGS_USERPTR		(1 << 2)
#define KFD_IOC_ALLOC_MEM_FLAGS_DOORBELL	(1 << 3)
/*
 * The HDP flush page: exactly one page, refused (ENOMEM at alloc, EINVAL
 * at mmap) when PAGE_SIZE > 4K, because the kernel would expose more of
 * the register BAR than the 4K it remapped.
 */
#define KFD_IOC_ALLOC_MEM_FLAGS_MMIO_REMAP	(1 << 4)
/*
 * Bit 31 as the kernel's int-typed (1 << 31) has it (INT_MIN, so the ABI
 * check's values match), written without shifting into the sign bit,
 * which is undefined and which UBSan reports at every use.
 */
#define KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE	(-0x7fffffff - 1)
#define KFD_IOC_ALLOC_MEM_FLAGS_EXECUTABLE	(1 << 30)
#define KFD_IOC_ALLOC_MEM_FLAGS_PUBLIC		(1 << 29)
#define KFD_IOC_ALLOC_MEM_FLAGS_NO_SUBSTITUTE	(1 << 28)
#define KFD_IOC_ALLOC_MEM_FLAGS_AQL_QUEUE_MEM	(1 << 27)
#define KFD_IOC_ALLOC_MEM_FLAGS_COHERENT	(1 << 26)
#define KFD_IOC_ALLOC_MEM_FLAGS_UNCACHED	(1 << 25)
#define KFD_IOC_ALLOC_MEM_FLAGS_EXT_COHERENT	(1 << 24)
#define KFD_IOC_ALLOC_MEM_FLAGS_CONTIGUOUS	(1 << 23)

/* Dword offsets of the HDP flush registers inside the remapped page. */
enum kfd_mmio_remap {
	KFD_MMIO_REMAP_HDP_MEM_FLUSH_CNTL = 0,
	KFD_MMIO_REMAP_HDP_REG_FLUSH_CNTL = 4,
};

/*
 * @mmap_offset is an input for USERPTR (the CPU address) and an output
 * otherwise (offset to mmap on /dev/kfd or the render node).
 */
struct kfd_ioctl_alloc_memory_of_gpu_args {
	__u64 va_addr;
	__u64 size;
	__u64 handle;			/* out */
	__u64 mmap_offset;
	__u32 gpu_id;
	__u32 flags;
};

struct kfd_ioctl_free_memory_of_gpu_args {
	__u64 handle;
};

/*
 * n_success is in/out so an interrupted call can be restarted where it
 * stopped; start it at 0.
 */
struct kfd_ioctl_map_memory_to_gpu_args {
	__u64 handle;
	__u64 device_ids_array_ptr;	/* __u32 gpu_id[n_devices] */
	__u32 n_devices;
	__u32 n_success;
};

struct kfd_ioctl_unmap_memory_from_gpu_args {
	__u64 handle;
	__u64 device_ids_array_ptr;
	__u32 n_devices;
	__u32 n_success;
};

/* Used to size VRAM overcommit tests from what KFD will still give us. */
struct kfd_ioctl_get_available_memory_args {
	__u64 available;		/* out, bytes */
	__u32 gpu_id;
	__u32 pad;
};

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

#define KFD_IOC_EVENT_SIGNAL			0
#define KFD_IOC_EVENT_HW_EXCEPTION		3
#define KFD_IOC_EVENT_MEMORY			8

#define KFD_IOC_WAIT_RESULT_COMPLETE		0
#define KFD_IOC_WAIT_RESULT_TIMEOUT		1
#define KFD_IOC_WAIT_RESULT_FAIL		2

struct kfd_ioctl_create_event_args {
	__u64 event_page_offset;	/* out: mmap on /dev/kfd (signal) */
	__u32 event_trigger_data;	/* out: what a trap/fence must write */
	__u32 event_type;
	__u32 auto_reset;
	__u32 node_id;
	__u32 event_id;			/* out */
	__u32 event_slot_index;		/* out */
};

struct kfd_ioctl_destroy_event_args {
	__u32 event_id;
	__u32 pad;
};

/* Signal or clear a SIGNAL event from the CPU (no GPU needed). */
struct kfd_ioctl_set_event_args {
	__u32 event_id;
	__u32 pad;
};

struct kfd_ioctl_reset_event_args {
	__u32 event_id;
	__u32 pad;
};

/*
 * Slots of the signal-event page.  On a dGPU the page is a GTT BO user
 * space allocates (KFD_SIGNAL_EVENT_LIMIT * 8 bytes, one u64 per event) and
 * hands over, by its handle in event_page_offset, with the first
 * CREATE_EVENT; a GPU signals event N by writing slot N (SDMA FENCE) and
 * raising an interrupt whose context is the event id (SDMA TRAP).
 */
#define KFD_SIGNAL_EVENT_LIMIT			4096

/*
 * A GPU write to a read-only SVM page is reported as a MEMORY event:
 * that is how a test sees the fault instead of a hang.
 */
struct kfd_memory_exception_failure {
	__u32 NotPresent;
	__u32 ReadOnly;
	__u32 NoExecute;
	__u32 imprecise;
};

struct kfd_hsa_memory_exception_data {
	struct kfd_memory_exception_failure failure;
	__u64 va;
	__u32 gpu_id;
	__u32 ErrorType;
};

struct kfd_hsa_hw_exception_data {
	__u32 reset_type;
	__u32 reset_cause;
	__u32 memory_lost;
	__u32 gpu_id;
};

struct kfd_hsa_signal_event_data {
	__u64 last_event_age;
};

struct kfd_event_data {
	union {
		struct kfd_hsa_memory_exception_data memory_exception_data;
		struct kfd_hsa_hw_exception_data hw_exception_data;
		struct kfd_hsa_signal_event_data signal_event_data; /* KFD 1.14 */
	};
	__u64 kfd_event_data_ext;
	__u32 event_id;
	__u32 pad;
};

/* @timeout is in ms; @events_ptr points at num_events kfd_event_data. */
struct kfd_ioctl_wait_events_args {
	__u64 events_ptr;
	__u32 num_events;
	__u32 wait_for_all;
	__u32 timeout;
	__u32 wait_result;		/* out: KFD_IOC_WAIT_RESULT_* */
};

/* ------------------------------------------------------------------ */
/* SMI events: a per-GPU anon fd carrying one text line per event      */
/* ------------------------------------------------------------------ */

/*
 * write() a __u64 mask of KFD_SMI_EVENT_MASK_FROM_INDEX(event) bits, then
 * poll()/read().  Each line starts with the event id in hex; addresses and
 * sizes are in pages, node/from/to are gpu_ids with 0 for system memory.
 */
enum kfd_smi_event {
	KFD_SMI_EVENT_NONE = 0,
	KFD_SMI_EVENT_VMFAULT = 1,
	KFD_SMI_EVENT_THERMAL_THROTTLE = 2,
	KFD_SMI_EVENT_GPU_PRE_RESET = 3,
	KFD_SMI_EVENT_GPU_POST_RESET = 4,
	KFD_SMI_EVENT_MIGRATE_START = 5,
	KFD_SMI_EVENT_MIGRATE_END = 6,
	KFD_SMI_EVENT_PAGE_FAULT_START = 7,
	KFD_SMI_EVENT_PAGE_FAULT_END = 8,
	KFD_SMI_EVENT_QUEUE_EVICTION = 9,
	KFD_SMI_EVENT_QUEUE_RESTORE = 10,
	KFD_SMI_EVENT_UNMAP_FROM_GPU = 11,
	KFD_SMI_EVENT_PROCESS_START = 12,	/* newer kernels only */
	KFD_SMI_EVENT_PROCESS_END = 13,		/* newer kernels only */
	/* Not an event: the mask bit for other processes' events (root). */
	KFD_SMI_EVENT_ALL_PROCESS = 64,
};

enum KFD_MIGRATE_TRIGGERS {
	KFD_MIGRATE_TRIGGER_PREFETCH,
	KFD_MIGRATE_TRIGGER_PAGEFAULT_GPU,
	KFD_MIGRATE_TRIGGER_PAGEFAULT_CPU,
	KFD_MIGRATE_TRIGGER_TTM_EVICTION,
};

enum KFD_QUEUE_EVICTION_TRIGGERS {
	KFD_QUEUE_EVICTION_TRIGGER_SVM,
	KFD_QUEUE_EVICTION_TRIGGER_USERPTR,
	KFD_QUEUE_EVICTION_TRIGGER_TTM,
	KFD_QUEUE_EVICTION_TRIGGER_SUSPEND,
	KFD_QUEUE_EVICTION_CRIU_CHECKPOINT,
	KFD_QUEUE_EVICTION_CRIU_RESTORE,
};

enum KFD_SVM_UNMAP_TRIGGERS {
	KFD_SVM_UNMAP_TRIGGER_MMU_NOTIFY,
	KFD_SVM_UNMAP_TRIGGER_MMU_NOTIFY_MIGRATE,
	KFD_SVM_UNMAP_TRIGGER_UNMAP_FROM_CPU,
};

#define KFD_SMI_EVENT_MASK_FROM_INDEX(i)	(1ULL << ((i) - 1))
#define KFD_SMI_EVENT_MSG_SIZE			96

struct kfd_ioctl_smi_events_args {
	__u32 gpuid;
	__u32 anon_fd;			/* out */
};

/* ------------------------------------------------------------------ */
/* SVM                                                                 */
/* ------------------------------------------------------------------ */

#define KFD_IOCTL_SVM_FLAG_HOST_ACCESS		0x00000001
#define KFD_IOCTL_SVM_FLAG_COHERENT		0x00000002
#define KFD_IOCTL_SVM_FLAG_HIVE_LOCAL		0x00000004
#define KFD_IOCTL_SVM_FLAG_GPU_RO		0x00000008
#define KFD_IOCTL_SVM_FLAG_GPU_EXEC		0x00000010
#define KFD_IOCTL_SVM_FLAG_GPU_READ_MOSTLY	0x00000020
/* Keep GPU mappings as if XNACK were off, even with XNACK on. */
#define KFD_IOCTL_SVM_FLAG_GPU_ALWAYS_MAPPED	0x00000040
/* Coherent for device-scope atomics too. */
#define KFD_IOCTL_SVM_FLAG_EXT_COHERENT		0x00000080

enum kfd_ioctl_svm_op {
	KFD_IOCTL_SVM_OP_SET_ATTR,
	KFD_IOCTL_SVM_OP_GET_ATTR,
};

/* Locations are gpu_ids; 0 is system memory. */
enum kfd_ioctl_svm_location {
	KFD_IOCTL_SVM_LOCATION_SYSMEM = 0,
	KFD_IOCTL_SVM_LOCATION_UNDEFINED = 0xffffffff,
};

/*
 * GET returns the intersection over the range: mixed locations read as
 * UNDEFINED, SET_FLAGS is the AND and CLR_FLAGS the NOR of all pages,
 * GRANULARITY (log2 pages) the minimum.  To query access, pass type ACCESS
 * with value = gpu_id; the kernel rewrites the *type* to ACCESS,
 * ACCESS_IN_PLACE or NO_ACCESS.  Setting PREFETCH_LOC migrates at once.
 */
enum kfd_ioctl_svm_attr_type {
	KFD_IOCTL_SVM_ATTR_PREFERRED_LOC,
	KFD_IOCTL_SVM_ATTR_PREFETCH_LOC,
	KFD_IOCTL_SVM_ATTR_ACCESS,
	KFD_IOCTL_SVM_ATTR_ACCESS_IN_PLACE,
	KFD_IOCTL_SVM_ATTR_NO_ACCESS,
	KFD_IOCTL_SVM_ATTR_SET_FLAGS,
	KFD_IOCTL_SVM_ATTR_CLR_FLAGS,
	KFD_IOCTL_SVM_ATTR_GRANULARITY,
};

struct kfd_ioctl_svm_attribute {
	__u32 type;
	__u32 value;
};

/* start_addr and size must be non-zero and page aligned (else EINVAL). */
struct kfd_ioctl_svm_args {
	__u64 start_addr;
	__u64 size;
	__u32 op;
	__u32 nattr;
	struct kfd_ioctl_svm_attribute attrs[];
};

/*
 * Without CONFIG_HSA_AMD_SVM both SVM and SET_XNACK_MODE fail with EPERM.
 * xnack_enabled: < 0 queries, 0 disables, > 0 enables; the current mode
 * comes back in the same field.  Switching needs a process without user
 * queues (EBUSY) and GPUs that can switch (EPERM otherwise).
 */
struct kfd_ioctl_set_xnack_mode_args {
	__s32 xnack_enabled;
};

/* ------------------------------------------------------------------ */
/* Ioctl numbers                                                       */
/* ------------------------------------------------------------------ */

#define AMDKFD_IOCTL_BASE		'K'
#define AMDKFD_IO(nr)			_IO(AMDKFD_IOCTL_BASE, nr)
#define AMDKFD_IOR(nr, type)		_IOR(AMDKFD_IOCTL_BASE, nr, type)
#define AMDKFD_IOW(nr, type)		_IOW(AMDKFD_IOCTL_BASE, nr, type)
#define AMDKFD_IOWR(nr, type)		_IOWR(AMDKFD_IOCTL_BASE, nr, type)

#define AMDKFD_IOC_GET_VERSION \
	AMDKFD_IOR(0x01, struct kfd_ioctl_get_version_args)
#define AMDKFD_IOC_CREATE_QUEUE \
	AMDKFD_IOWR(0x02, struct kfd_ioctl_create_queue_args)
#define AMDKFD_IOC_DESTROY_QUEUE \
	AMDKFD_IOWR(0x03, struct kfd_ioctl_destroy_queue_args)
#define AMDKFD_IOC_CREATE_EVENT \
	AMDKFD_IOWR(0x08, struct kfd_ioctl_create_event_args)
#define AMDKFD_IOC_DESTROY_EVENT \
	AMDKFD_IOW(0x09, struct kfd_ioctl_destroy_event_args)
#define AMDKFD_IOC_SET_EVENT \
	AMDKFD_IOW(0x0A, struct kfd_ioctl_set_event_args)
#define AMDKFD_IOC_RESET_EVENT \
	AMDKFD_IOW(0x0B, struct kfd_ioctl_reset_event_args)
#define AMDKFD_IOC_WAIT_EVENTS \
	AMDKFD_IOWR(0x0C, struct kfd_ioctl_wait_events_args)
#define AMDKFD_IOC_GET_PROCESS_APERTURES_NEW \
	AMDKFD_IOWR(0x14, struct kfd_ioctl_get_process_apertures_new_args)
#define AMDKFD_IOC_ACQUIRE_VM \
	AMDKFD_IOW(0x15, struct kfd_ioctl_acquire_vm_args)
#define AMDKFD_IOC_ALLOC_MEMORY_OF_GPU \
	AMDKFD_IOWR(0x16, struct kfd_ioctl_alloc_memory_of_gpu_args)
#define AMDKFD_IOC_FREE_MEMORY_OF_GPU \
	AMDKFD_IOW(0x17, struct kfd_ioctl_free_memory_of_gpu_args)
#define AMDKFD_IOC_MAP_MEMORY_TO_GPU \
	AMDKFD_IOWR(0x18, struct kfd_ioctl_map_memory_to_gpu_args)
#define AMDKFD_IOC_UNMAP_MEMORY_FROM_GPU \
	AMDKFD_IOWR(0x19, struct kfd_ioctl_unmap_memory_from_gpu_args)
#define AMDKFD_IOC_SMI_EVENTS \
	AMDKFD_IOWR(0x1F, struct kfd_ioctl_smi_events_args)
#define AMDKFD_IOC_SVM \
	AMDKFD_IOWR(0x20, struct kfd_ioctl_svm_args)
#define AMDKFD_IOC_SET_XNACK_MODE \
	AMDKFD_IOWR(0x21, struct kfd_ioctl_set_xnack_mode_args)
#define AMDKFD_IOC_AVAILABLE_MEMORY \
	AMDKFD_IOWR(0x23, struct kfd_ioctl_get_available_memory_args)
/* KFD 1.19: a secondary KFD context on the same fd; SVM then EOPNOTSUPP. */
#define AMDKFD_IOC_CREATE_PROCESS \
	AMDKFD_IO(0x27)

/*
 * KFD copies _IOC_SIZE(cmd) bytes of the argument, and sizeof(struct
 * kfd_ioctl_svm_args) does not cover the flexible attrs[]: the real size
 * has to be encoded in the command, as ROCm does.  Kernels with the nattr
 * validation fix reject a size smaller than nattr needs with EINVAL.
 */
#define IGT_AMDKFD_IOC_SVM_NATTR(nattr) \
	(AMDKFD_IOC_SVM + \
	 ((unsigned long)(nattr) * sizeof(struct kfd_ioctl_svm_attribute) << _IOC_SIZESHIFT))

/*
 * Doorbells (SOC15, gfx9+; not in the kernel's uAPI header, which leaves
 * them to libhsakmt): each doorbell is 8 bytes and a process owns 1024 of
 * them per GPU, a slice of roundup(8 KiB, PAGE_SIZE).  CREATE_QUEUE's
 * doorbell_offset carries the /dev/kfd mmap offset of that slice in its
 * high bits and the queue's byte offset inside it in the low 13.
 */
#define IGT_KFD_DOORBELL_SIZE			8
#define IGT_KFD_DOORBELLS_PER_PROCESS		1024
#define IGT_KFD_DOORBELL_SLICE_BYTES \
	(IGT_KFD_DOORBELL_SIZE * IGT_KFD_DOORBELLS_PER_PROCESS)
#define IGT_KFD_DOORBELL_MMAP_OFFSET(doorbell_offset) \
	((doorbell_offset) & ~(__u64)(IGT_KFD_DOORBELL_SLICE_BYTES - 1))
#define IGT_KFD_DOORBELL_IN_SLICE(doorbell_offset) \
	((doorbell_offset) & (__u64)(IGT_KFD_DOORBELL_SLICE_BYTES - 1))

/*
 * Topology (sysfs, .../kfd/topology/nodes/N/properties "capability"):
 * set on GPUs that support the SVM ioctl.  libhsakmt requires it on all.
 */
#define HSA_CAP_SVMAPI_SUPPORTED		0x08000000

#if defined(__cplusplus)
}
#endif

#endif /* IGT_SVM_UAPI_KFD_SVM_IOCTL_H */
