/* SPDX-License-Identifier: MIT */
/*
 * vdev: a virtual xe device served from inside the process (LD_PRELOAD).
 * See README.md.  One struct vdev_file per open() of the node, like a DRM
 * file: it owns its VMs, exec queues, BOs and syncobjs.  The "GPU" is one
 * worker thread per exec queue that interprets MI batches against the
 * process's own memory.
 *
 * Locking: one mutex (vdev_lock) guards all state; workers take it only
 * around bookkeeping, never while touching program memory, and the memory
 * accessors never fault (process_vm_readv/writev on our own pid).
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/xe_svm_drm.h"

#define VDEV_MAX_GTS 4
#define VDEV_MAX_ENGINES 16
#define VDEV_MAX_TILES 2

/* ---- presets (preset.c) ---- */

enum vdev_bug {
	VDEV_BUG_PEER_MAP = 1u << 0,	/* fix A absent */
	VDEV_BUG_64K_EINVAL = 1u << 1,	/* fix B absent */
	VDEV_BUG_FENCE_COUNT = 1u << 2,	/* fix C absent */
	/* amdkfd (kfd_*.c), each named after its upstream fix */
	VDEV_BUG_KFD_NATTR_OOB = 1u << 3,	/* validate SVM ioctl nattr against buffer size */
	VDEV_BUG_KFD_RANGE_OVERFLOW = 1u << 4,	/* add sanity check in svm_range_is_valid */
	VDEV_BUG_KFD_EINVAL_SIGN = 1u << 5,	/* Fix error code sign for EINVAL in svm_ioctl() */
	VDEV_BUG_KFD_FAULT_WHOLE_RANGE = 1u << 6,	/* Use partial migrations/mapping for GPU/CPU page faults in SVM */
	/* amdgpu SVM on drm_gpusvm (amdgpu_svm.c), the RFC's risky spots */
	VDEV_BUG_AMDGPU_ATTR_IN_RANGE = 1u << 7,	/* attributes kept in the drm_gpusvm ranges */
	VDEV_BUG_AMDGPU_NO_REBUILD = 1u << 8,	/* XNACK off: a partial munmap's valid part not rebuilt */
	VDEV_BUG_AMDGPU_NO_RESTORE = 1u << 9,	/* XNACK off: an invalidated range never re-mapped */
	/* amdkfd on a kernel whose page is larger than 4K (kfd-64k), each named after its fix */
	VDEV_BUG_KFD_RING_UNALIGNED = 1u << 10,	/* drm/amdkfd: Align expected_queue_size to PAGE_SIZE */
	VDEV_BUG_KFD_SVM_MAP_CPU_PAGES = 1u << 11,	/* kfd_svm: Fix SVM map/unmap address conversion for non-4k page sizes */
	VDEV_BUG_KFD_GART_PTE_CPU_PAGES = 1u << 12,	/* kfd_migrate: Fix GART PTE for non-4K pagesize in svm_migrate_gart_map() */
	VDEV_BUG_KFD_MMIO_LARGE_PAGE = 1u << 13,	/* drm/amdkfd: don't allow mapping the MMIO HDP page with large pages */
	VDEV_BUG_KFD_EOP_SIZE_PAGE = 1u << 14,	/* drm/amdkfd: Relax size checking during queue buffer get */
	VDEV_BUG_KFD_CTL_STACK_CPU_PAGES = 1u << 15,	/* amdgpu: Align ctl_stack_size and wg_data_size to GPU page size instead of CPU page size */
	VDEV_BUG_KFD_TRAP_AREA_8K = 1u << 16,	/* AMDGPU_VA_RESERVED_TRAP_SIZE 64K (v4 1/2 of the series) */
	VDEV_BUG_KFD_FAULT_GPU_PFN = 1u << 17,	/* drm/amdgpu: Handle GPU page faults correctly on non-4K page systems */
};

struct vdev_gt {
	uint16_t type;			/* DRM_XE_QUERY_GT_TYPE_* */
	uint16_t tile;
	uint16_t ip_verx100;		/* GMD_ID version; 0 before GMD_ID, as xe reports it */
};

/*
 * The PAT table the driver programs (7.3.4 xe_pat.c), one letter per index:
 * its length is n_entries.  n = no snoop (XE_COH_NONE), 1 = 1-way, 2 = 2-way
 * coherent, - = reserved (coh_mode 0); upper case N = no snoop with
 * compression enabled (comp_en).
 */
struct vdev_pat {
	const char *name;
	const char *entries;
};

enum vdev_coh { VDEV_COH_RESERVED, VDEV_COH_NONE, VDEV_COH_1WAY, VDEV_COH_2WAY };

struct vdev_preset {
	const char *name;
	const char *what;
	uint16_t devid;
	unsigned int num_tiles;
	bool vram;			/* one VRAM region per tile */
	bool faults;			/* fault-mode VMs and the CPU address mirror (has_usm) */
	bool dgfx;			/* IS_DGFX */
	unsigned int graphics_verx100;	/* the driver's GRAPHICS_VERx100 */
	bool needs_scratch;		/* xe->info.needs_scratch */
	const struct vdev_pat *pat;
	uint32_t min_alignment;
	unsigned int va_bits;
	unsigned int num_gts;
	struct vdev_gt gts[VDEV_MAX_GTS];
	unsigned int num_engines;
	struct drm_xe_engine_class_instance engines[VDEV_MAX_ENGINES];
	bool kfd;			/* an amdkfd preset (kfd.h): no xe node at all */
};

extern const struct vdev_preset *vdev_preset;
extern uint32_t vdev_bugs;

const struct vdev_preset *vdev_find_preset(const char *name);
/* Bits of a comma list of bug names; -1 for an unknown name. */
int64_t vdev_parse_bugs(const char *list);
bool vdev_engine_exists(const struct drm_xe_engine_class_instance *eci);
/* The preset's PAT entry @index: enum vdev_coh, and whether it compresses. */
unsigned int vdev_pat_n_entries(void);
enum vdev_coh vdev_pat_coh(unsigned int index);
bool vdev_pat_comp_en(unsigned int index);
/* xe_device_is_l2_flush_optimized(): graphics 35 and later, integrated. */
bool vdev_l2_flush_optimized(void);
/* xe->info.mem_region_mask: system memory (bit 0) and each tile's VRAM. */
uint32_t vdev_mem_region_mask(void);
int vdev_engine_tile(const struct drm_xe_engine_class_instance *eci);

/* ---- state ---- */

struct vdev_range {
	uint64_t start, end;
};

struct vdev_bo {
	uint32_t handle;
	uint64_t size;
	unsigned int maps;		/* bindings of it; a closed BO lives until they go */
	bool closed;
	uint16_t cpu_caching;		/* DRM_XE_GEM_CPU_CACHING_* */
	bool vram;			/* may be placed in VRAM */
	bool no_compression;		/* DRM_XE_GEM_CREATE_FLAG_NO_COMPRESSION */
	int memfd;			/* the BO's backing store */
	struct vdev_bo *next;
};

enum vdev_map_kind {
	VDEV_MAP_BO,			/* bo from offset */
	VDEV_MAP_USERPTR,		/* program memory from CPU address offset */
	VDEV_MAP_NULL,			/* DRM_XE_VM_BIND_FLAG_NULL: reads 0, writes dropped */
};

/* A binding of a VM other than the CPU address mirror: [start, end). */
struct vdev_bo_map {
	uint64_t start, end, offset;
	enum vdev_map_kind kind;
	struct vdev_bo *bo;		/* VDEV_MAP_BO */
	bool readonly;
	struct vdev_bo_map *next;
};

/* madvise attributes of a VA range, as VM_QUERY_MEM_RANGE_ATTRS reports them. */
struct vdev_attr {
	uint64_t start, end;
	int32_t devmem_fd;
	bool advised;			/* set by madvise, not a default */
	uint16_t policy;
	uint16_t region;
	uint32_t atomic;
	uint32_t pat;
	bool autoreset;			/* from a MADVISE_AUTORESET mirror bind */
	struct vdev_attr *next;
};

#define VDEV_MAX_FAULTS 50		/* xe: MAX_FAULTS_SAVED_PER_VM */

struct vdev_vm {
	/*
	 * Workers read the bindings and attributes without vdev_lock (they
	 * run batches unlocked); binds, madvise and munmap change them under
	 * this lock's write side.
	 */
	pthread_rwlock_t lock;
	uint32_t id;
	uint32_t flags;			/* DRM_XE_VM_CREATE_FLAG_* */
	struct vdev_range *mirror;	/* CPU address mirror binds, sorted, disjoint */
	unsigned int num_mirror;
	struct vdev_bo_map *maps;
	struct vdev_attr *attrs;
	pthread_mutex_t live_lock;	/* the GPU's live mirror ranges (svmrange.c), faults (props.c) */
	struct vdev_fault { uint64_t page; uint8_t access, type; } faults[VDEV_MAX_FAULTS];
	unsigned int num_faults;
	struct vdev_fault last_failed;	/* the latest failed GPU access */
	bool has_last_failed;
	struct vdev_range *live;	/* sorted, disjoint */
	unsigned int num_live;
	uint64_t bind_last_ns[VDEV_MAX_TILES];	/* default bind queue, per tile (bind.c) */
	struct vdev_vm *next;
};

/*
 * A dma-fence: signalled once, maybe with an error.  Jobs, binds and
 * syncobjs share them by reference (syncs.c); all under vdev_lock.
 */
struct vdev_fence {
	unsigned int refs;
	bool signaled;
	int error;
	struct vdev_fence *next_free;
};

#define VDEV_JOB_WAITS 4

struct vdev_job {
	uint64_t batch;			/* 0: no batch, only syncs (num_batch_buffer 0) */
	struct vdev_fence *done;	/* signalled when the job ends, failed or not */
	struct vdev_fence *waits[VDEV_JOB_WAITS];	/* in-fences not yet signalled */
	struct vdev_fence **more_waits;	/* beyond VDEV_JOB_WAITS (allocated) */
	unsigned int num_waits;
	bool has_ufence;		/* written by the ring after a batch that completed */
	uint64_t ufence_addr, ufence_value;
};

/*
 * Jobs wait in a ring allocated with the queue and grown (rarely) when it
 * fills: an allocation at every exec could be mapped into a hole the test
 * just cut and is about to check (sanitizer runtimes map their bookkeeping
 * anywhere).  xe refuses an exec with EAGAIN once a queue has
 * XE_MAX_JOB_COUNT_PER_EXEC_QUEUE (1000) jobs.
 */
#define VDEV_QUEUE_DEPTH 64
#define VDEV_MAX_JOBS 1000

struct vdev_file;

struct vdev_queue {
	uint32_t id;
	struct vdev_file *file;
	struct vdev_vm *vm;
	struct drm_xe_engine_class_instance eci;
	int tile;
	bool bind_queue;		/* DRM_XE_ENGINE_CLASS_VM_BIND */
	uint64_t bind_last_ns[VDEV_MAX_TILES];	/* its last bind job per tile (bind.c) */
	bool banned;
	bool worker_running;
	pid_t worker_pid;		/* the process the worker belongs to (fork) */
	pthread_t worker;
	struct vdev_job *ring;
	unsigned int ring_size, ring_head, inflight;	/* oldest job, jobs queued */
	bool stop;
	struct vdev_queue *next;
};

struct vdev_syncobj {
	uint32_t handle;
	struct vdev_fence *fence;	/* NULL: none (never signalled, or reset) */
	struct vdev_syncobj *next;
};

struct vdev_file {
	int fd;
	int minor;			/* the node opened: 0 card0, 128 renderD128 */
	bool closed;			/* its descriptor is closed; released when unused */
	unsigned int users;		/* ioctls in progress on it */
	uint32_t next_id;
	struct vdev_vm *vms;
	struct vdev_queue *queues;
	struct vdev_bo *bos;
	struct vdev_syncobj *syncobjs;
	struct vdev_file *next;
};

extern pthread_mutex_t vdev_lock;
extern pthread_cond_t vdev_cond;	/* broadcast on any completion */

struct vdev_file *vdev_file_of(int fd);	/* with vdev_lock held */

/* ---- ioctls (return 0 or -errno; called with vdev_lock held) ---- */

int vdev_ioctl(struct vdev_file *f, unsigned long request, void *arg);
int vdev_core_ioctl(struct vdev_file *f, unsigned int nr, void *arg);
int vdev_query(struct vdev_file *f, struct drm_xe_device_query *q);
int vdev_vm_create(struct vdev_file *f, struct drm_xe_vm_create *a);
int vdev_vm_destroy(struct vdev_file *f, struct drm_xe_vm_destroy *a);
int vdev_vm_bind(struct vdev_file *f, struct drm_xe_vm_bind *a);
int vdev_madvise(struct vdev_file *f, struct drm_xe_madvise *a);
int vdev_query_attrs(struct vdev_file *f, struct drm_xe_vm_query_mem_range_attr *a);
int vdev_gem_create(struct vdev_file *f, struct drm_xe_gem_create *a);
int vdev_gem_mmap_offset(struct vdev_file *f, struct drm_xe_gem_mmap_offset *a);
int vdev_gem_close(struct vdev_file *f, uint32_t handle);
int vdev_queue_create(struct vdev_file *f, struct drm_xe_exec_queue_create *a);
int vdev_queue_destroy(struct vdev_file *f, struct drm_xe_exec_queue_destroy *a);
int vdev_queue_get_property(struct vdev_file *f, struct drm_xe_exec_queue_get_property *a);
int vdev_exec(struct vdev_file *f, struct drm_xe_exec *a);
int vdev_wait_ufence(struct vdev_file *f, struct drm_xe_wait_user_fence *a);
void vdev_file_release(struct vdev_file *f);
void vdev_quiesce_workers(struct vdev_file *files);
void vdev_cpu_unmapped(struct vdev_file *files, uint64_t start, uint64_t end);

struct vdev_vm *vdev_vm_find(struct vdev_file *f, uint32_t id);
struct vdev_bo *vdev_bo_find(struct vdev_file *f, uint32_t handle);
struct vdev_syncobj *vdev_syncobj_find(struct vdev_file *f, uint32_t handle);

/*
 * ---- argument checks (check.c): 0 or -errno, the failing check named ----
 * Lookups the checks make are handed back (*vmp, *qp, *eci).
 */
extern const char *vdev_failed_check;	/* the last check that refused */
int vdev_reject(int err, const char *check);
/* Appends the refused @request to $VDEV_REJECT_LOG when a check refused it. */
void vdev_record_rejection(unsigned long request, int err);
/* The same for any ioctl by name (amdkfd's: "AMDKFD_<NAME>"); nothing when @check is NULL. */
void vdev_record_rejection_named(const char *ioctl, int err, const char *check);
int vdev_check_vm_create(const struct drm_xe_vm_create *a);
int vdev_check_vm_destroy(const struct drm_xe_vm_destroy *a);
/* VM_DESTROY of a VM that exec queues still use. */
int vdev_check_vm_destroy_busy(struct vdev_file *f, const struct vdev_vm *vm);
int vdev_check_vm_bind(struct vdev_file *f, const struct drm_xe_vm_bind *a, struct vdev_vm **vmp,
		       struct vdev_queue **qp);
int vdev_check_madvise(struct vdev_file *f, const struct drm_xe_madvise *a, struct vdev_vm *vm);
int vdev_check_query_attrs(const struct drm_xe_vm_query_mem_range_attr *a, struct vdev_vm *vm);
int vdev_check_gem_create(struct vdev_file *f, const struct drm_xe_gem_create *a);
int vdev_check_gem_mmap_offset(struct vdev_file *f, const struct drm_xe_gem_mmap_offset *a);
int vdev_check_queue_create(struct vdev_file *f, const struct drm_xe_exec_queue_create *a,
			    struct drm_xe_engine_class_instance *eci, struct vdev_vm **vmp);
int vdev_check_queue_destroy(const struct drm_xe_exec_queue_destroy *a);
int vdev_check_queue_get_property(const struct drm_xe_exec_queue_get_property *a,
				  const struct vdev_queue *q);
int vdev_check_exec(struct vdev_file *f, const struct drm_xe_exec *a, const struct vdev_queue *q);
int vdev_check_wait_ufence(const struct drm_xe_wait_user_fence *a);
/* Syncs of a VM_BIND/EXEC (xe_sync_entry_parse); @no_binds: a VM_BIND of no ops. */
int vdev_check_syncs(struct vdev_file *f, struct vdev_vm *vm, const struct drm_xe_sync *syncs,
		     uint32_t num, bool no_binds);
/* ---- fences and syncs (syncs.c) ---- */

/* A new unsignalled fence with one reference; NULL when out of memory. */
struct vdev_fence *vdev_fence_new(void);
struct vdev_fence *vdev_fence_get(struct vdev_fence *fence);
void vdev_fence_put(struct vdev_fence *fence);
void vdev_fence_signal(struct vdev_fence *fence, int error);
/* Keeps @n fences ready, so that execs do not allocate (see VDEV_QUEUE_DEPTH). */
void vdev_fence_reserve(unsigned int n);
/*
 * The in-fences of @syncs (syncobjs without SIGNAL) that are not signalled
 * yet, referenced, into @out (room for @max); their number, or -EINVAL for
 * a syncobj with no fence at all (as xe_sync_entry_parse), -E2BIG for more
 * than @max.
 */
int vdev_sync_in_fences(struct vdev_file *f, const struct drm_xe_sync *syncs, uint32_t num,
			struct vdev_fence **out, unsigned int max);
/* Every signalling syncobj of @syncs gets @fence. */
void vdev_sync_out_fences(struct vdev_file *f, const struct drm_xe_sync *syncs, uint32_t num,
			  struct vdev_fence *fence);
/* The user fence among @syncs, or NULL. */
const struct drm_xe_sync *vdev_sync_ufence(const struct drm_xe_sync *syncs, uint32_t num);

/* ---- bind timing and deferred binds (bind.c) ---- */

/*
 * Applies bind ops to @vm (vm.c); *@noop tells whether they had nothing
 * to do.  With vdev_lock held; takes the VM's write lock.
 */
int vdev_bind_apply(struct vdev_file *f, struct vdev_vm *vm, const struct drm_xe_vm_bind_op *ops,
		    uint32_t num, bool *noop);
/*
 * A bind on @q (NULL: the VM's default queue): applied now and its
 * out-syncs scheduled for when every tile's job is done, or, when an
 * in-fence is still pending or an earlier bind of the same queue waits,
 * deferred until they signal (xe runs binds after their in-fences, in the
 * queue's order).  Returns the ioctl's result.
 */
int vdev_bind_submit(struct vdev_file *f, struct vdev_vm *vm, struct vdev_queue *q,
		     const struct drm_xe_vm_bind_op *ops, uint32_t num,
		     const struct drm_xe_sync *syncs, uint32_t num_syncs);
/* A file is closing / a VM or queue goes: its pending binds end (cancelled). */
void vdev_bind_forget(struct vdev_file *f, struct vdev_vm *vm, struct vdev_queue *q);

/*
 * ---- GPU memory access (mem.c) ----
 * By an engine of @tile; never faults; 0, or how the GPU fault failed
 * (-EFAULT, -EACCES, -EIO, -EINVAL).
 */
int vdev_gpu_read(struct vdev_vm *vm, int tile, uint64_t va, void *buf, size_t len);
int vdev_gpu_write(struct vdev_vm *vm, int tile, uint64_t va, const void *buf, size_t len);
int vdev_gpu_atomic_inc(struct vdev_vm *vm, int tile, uint64_t va);
/*
 * The madvise'd preferred location at @va: tile, -1 system, -2 not advised;
 * clips [*lo, *hi) (either may be NULL) to the advised range.
 */
int vdev_preferred_tile(struct vdev_vm *vm, uint64_t va, int faulting_tile, uint64_t *lo,
			uint64_t *hi);
/* ---- properties and the VM's fault list (props.c) ---- */

int vdev_queue_set_property(struct vdev_file *f, struct drm_xe_exec_queue_set_property *a);
int vdev_vm_get_property(struct vdev_file *f, struct drm_xe_vm_get_property *a);
/* A GPU access failed at @va (@access: 0 read, 1 write, 2 atomic; @err its errno). */
void vdev_fault_note(struct vdev_vm *vm, uint64_t va, unsigned int access, int err);
/* The batch stopped on a failed fault: the VM keeps it in its list. */
void vdev_fault_record(struct vdev_vm *vm);

/* ---- live mirror ranges (svmrange.c) ---- */

/* The GPU reached mirror page @va: it has a live range from now on. */
void vdev_live_touch(struct vdev_vm *vm, uint64_t va);
bool vdev_live_overlaps(struct vdev_vm *vm, uint64_t start, uint64_t end);
/* Ranges overlapping [start, end) go, whole (a partial CPU unmap ends a range). */
void vdev_live_remove(struct vdev_vm *vm, uint64_t start, uint64_t end);

/* The madvise'd atomic policy at @va (DRM_XE_ATOMIC_*); the VM's lock held. */
uint32_t vdev_atomic_attr(struct vdev_vm *vm, uint64_t va);
/* PREFETCH of [start, end) to @region (0 system, 1.. tile VRAM, -1 advised). */
int vdev_prefetch(struct vdev_vm *vm, uint64_t start, uint64_t end, int region);

/* ---- emulated VRAM (residency.c) ---- */

#include <signal.h>
void vdev_residency_init(int (*real_sigaction)(int, const struct sigaction *, struct sigaction *));
bool vdev_residency_ready(void);
/* How many pages ever left VRAM by a CPU fault, munmap or mprotect (a change counter). */
unsigned long vdev_residency_moved_out(void);
int vdev_residency_sigaction(const struct sigaction *act, struct sigaction *old);
/* The tile whose VRAM holds the page at @va, -1 for system memory. */
int vdev_page_tile(uint64_t va);
/* Moves a page to @tile's VRAM; -EOPNOTSUPP for memory that cannot move. */
int vdev_page_to_vram(uint64_t va, int tile);
void vdev_page_to_system(uint64_t va);
/* Moves what can move of [start, end) to @tile's VRAM in one pass; -ENOSPC when the pool is full. */
int vdev_range_to_vram(uint64_t start, uint64_t end, int tile);
/* GPU access to a VRAM page (within one page); -ENOENT when it is not in VRAM. */
int vdev_vram_io(uint64_t va, void *buf, size_t len, bool write);
/* An increment under the table's lock, so two tiles' atomics never race. */
int vdev_vram_atomic_inc(uint64_t va);
/* The program is about to change the range: @keep its data (copy back) or drop it. */
void vdev_range_release(uint64_t start, uint64_t len, bool keep);
/* Program memory, whatever VM: for user fences (CPU addresses). */
int vdev_cpu_read(uint64_t addr, void *buf, size_t len);
int vdev_cpu_write(uint64_t addr, const void *buf, size_t len);

/* ---- logging (kmsg.c) ---- */

/* A line to /dev/kmsg at @level (when writable), prefixed like the xe driver's. */
void vdev_kmsg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- IGT-style discovery (discover.c) ---- */

#define VDEV_PATH_MAX 4096
/* The DRM minor @path names (0 card0, 128 renderD128), -1 for any other path. */
int vdev_node_minor(const char *path);
/* The DRM minor of a descriptor vdev serves, -1 for any other (interpose.c). */
int vdev_fd_minor(int fd);
/* @path, or (in @buf) where the fake tree vdev/run made serves it. */
const char *vdev_redirect(const char *path, char buf[VDEV_PATH_MAX]);

/*
 * A thread for vdev's own work (a GPU engine, a timer), with every signal
 * blocked: a handler of the program's that calls into vdev must never run
 * on a thread that holds vdev_lock (interpose.c).
 */
int vdev_thread_create(pthread_t *thread, void *(*fn)(void *), void *arg);

/* Real libc entry points (interpose.c). */
int vdev_real_close(int fd);
/* Emulated VRAM protects pages itself: that must not look like the program's. */
int vdev_real_mprotect(void *addr, size_t len, int prot);
