/* SPDX-License-Identifier: MIT */
/*
 * vdev's amdkfd: /dev/kfd and the amdgpu render node(s) of a kfd preset,
 * served from inside the process like the xe node (README.md, "amdkfd").
 *
 * One KFD process per program, as the kernel keys it by mm: every open of
 * /dev/kfd shares it, and a descriptor used by another process (a fork
 * child) is refused with EBADF, as kfd_ioctl() does.  All state is under
 * kfd_lock, never vdev_lock: the xe code and this code share nothing but
 * the entry points in interpose.c.
 *
 * Written from Debian's linux-source-6.12 (6.12.117) amdkfd sources while
 * 7.3.4's are not unpacked yet; where 7.3.4 is known to differ it says so.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "uapi/kfd_svm_ioctl.h"

#define VDEV_KFD_MAX_GPUS 4
/*
 * The emulated kernel's PAGE_SHIFT: 12, or the preset's (kfd-64k: 16, a
 * 64K-page arm64 or POWER kernel).  Everything kfd counts in pages (SVM
 * ranges, granularity, migration, BO sizes) is in these pages; the GPU
 * still maps and faults in 4K GPU pages (VDEV_KFD_GPU_PAGE_SIZE,
 * AMDGPU_GPU_PAGE_SIZE), and residency.c's emulated VRAM works in the
 * host's real 4K pages.
 */
extern unsigned int vdev_kfd_page_shift;
#define VDEV_KFD_PAGE_SHIFT vdev_kfd_page_shift
#define VDEV_KFD_PAGE_SIZE (1ull << VDEV_KFD_PAGE_SHIFT)
#define VDEV_KFD_GPU_PAGE_SHIFT 12
#define VDEV_KFD_GPU_PAGE_SIZE (1ull << VDEV_KFD_GPU_PAGE_SHIFT)
#define VDEV_HOST_PAGE_SIZE 4096ull

/*
 * The minor GET_VERSION reports: 6.12's, 1.17, the kernel vdev's amdkfd
 * checks, dispatch (AMDKFD_COMMAND_END 0x27) and SMI formats are written
 * from.  7.3.4 is 1.23 (1.18 set_memory_policy's misc_process_flag, 1.19
 * CREATE_PROCESS, 1.20 the expert-scheduling trap handler, 1.21 the LDS
 * out-of-range debug flag, 1.22 the AQL metadata ring, 1.23 PROFILER at
 * 0x28), none of which vdev serves.
 */
#define VDEV_KFD_MINOR_VERSION 17

/* A GPU node of the topology (vdev/run writes the same values to sysfs). */
struct vdev_kfd_gpu {
	uint32_t gpu_id;
	unsigned int node;		/* topology node; 0 is the CPU */
	unsigned int render_minor;	/* /dev/dri/renderD<minor> */
	uint32_t gfx_target_version;	/* e.g. 110000 for gfx 11.0.0 */
	uint64_t vram_size;		/* 0: none (APU) */
	bool xnack_switchable;		/* KFD_SUPPORT_XNACK_PER_PROCESS or retry on */
};

/*
 * Which amdgpu SVM ioctl of the drm_gpusvm RFC (include/uapi/amdgpu_svm_drm.h)
 * the preset's render nodes answer, i.e. which kernel they pretend to be.
 */
enum vdev_amdgpu_svm {
	VDEV_AMDGPU_SVM_NONE,		/* 6.12: no amdgpu ioctl past SCHED (0x15) */
	VDEV_AMDGPU_SVM_V1,		/* RFC v1 on 6.18: GEM_SVM at 0x1a, XNACK off only */
	VDEV_AMDGPU_SVM_V8,		/* PATCH v8: PROC_OPTIONS 0x1a, GEM_SVM 0x1b, XNACK on only */
	VDEV_AMDGPU_SVM_V8_OFF,		/* the same kernel, SVM not enabled: GEM_SVM is EOPNOTSUPP */
};

struct vdev_kfd_preset {
	unsigned int num_gpus;
	struct vdev_kfd_gpu gpus[VDEV_KFD_MAX_GPUS];
	bool xnack_default;		/* the mode a new process starts in */
	enum vdev_amdgpu_svm amdgpu_svm;
	unsigned int drm_minor;		/* amdgpu's KMS_DRIVER_MINOR: 61 (6.12), 64 (6.18, 7.x) */
	const char *release;		/* uname's release as the program sees it; NULL: the host's */
	unsigned int page_shift;	/* the kernel's PAGE_SHIFT; 0: 12 */
};

/* What an fd served here is. */
enum vdev_kfd_node {
	VDEV_KFD_NODE_KFD = -1,		/* /dev/kfd; >= 0: index of the GPU's render node */
};

/* ---- entry points (interpose.c) ---- */

/*
 * Whether @path is /dev/kfd or a render node of the preset: *@node is
 * VDEV_KFD_NODE_KFD or the GPU index.  False without a kfd preset.
 */
bool vdev_kfd_path(const char *path, int *node);
/* @fd (a descriptor of /dev/null) now serves @node; -ENOMEM. */
int vdev_kfd_attach(int fd, int node, int flags);
/* @newfd (dup, dup2, dup3, F_DUPFD) is now the same open file as @oldfd; -ENOMEM. */
int vdev_kfd_dup(int oldfd, int newfd);
bool vdev_kfd_owns(int fd);
/* The descriptor is closing: its state goes (an acquired render node stays bound). */
void vdev_kfd_close(int fd);
/* >= 0 (what the kernel's ioctl returned) or -errno. */
long vdev_kfd_ioctl(int fd, unsigned long request, void *arg);
/* mmap of a descriptor served here (kfd_mmap, the render node's BOs). */
void *vdev_kfd_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
/*
 * mmap of anything not served here (pagesize.c): on a preset whose page
 * is larger than the host's, placed on that page size.
 */
void *vdev_mmap_pages(void *(*real_mmap)(void *, size_t, int, int, int, off_t), void *addr,
		      size_t len, int prot, int flags, int fd, off_t off);
/* The program unmapped [start, end): the MMU notifier's work. */
void vdev_kfd_cpu_unmapped(uint64_t start, uint64_t end);
/* The program changed the protection of [start, end) or dropped its pages (@dropped). */
void vdev_kfd_cpu_invalidated(uint64_t start, uint64_t end, bool dropped);
/*
 * +1 before residency lets go of pages for a munmap, mremap, mprotect or
 * madvise, -1 once kfd was told (any lock or none held): in between no
 * kfd entry or SMI pump takes those pages for CPU faults.
 */
void vdev_kfd_cpu_changing(int delta);

/* ---- presets (kfd_preset.c) ---- */

extern const struct vdev_kfd_preset *vdev_kfd;	/* NULL: not a kfd preset */
/* Sets vdev_kfd from the preset's name (interpose.c's constructor). */
void vdev_kfd_init(const char *preset);
const struct vdev_kfd_gpu *vdev_kfd_gpu_by_id(uint32_t gpu_id);
/* The GPU index of @gpu_id, -1 for none (kfd_process_gpuidx_from_gpuid). */
int vdev_kfd_gpuidx(uint32_t gpu_id);

/* ---- process state (kfd_ioctl.c) ---- */

struct vdev_kfd_process {
	pid_t pid;			/* the lead thread that opened /dev/kfd */
	bool xnack_enabled;
	unsigned int num_queues;	/* user queues (SET_XNACK_MODE's EBUSY) */
	int bound_fd[VDEV_KFD_MAX_GPUS];	/* render fd of ACQUIRE_VM, -1 */
};

extern struct vdev_kfd_process vdev_kfd_proc;

/* ---- SVM (kfd_svm.c); kfd_lock held ---- */

/* svm_ioctl(): SET/GET of [start, start + size) (bytes, checked aligned). */
long vdev_kfd_svm(uint32_t op, uint64_t start, uint64_t size, uint32_t nattr,
		  struct kfd_ioctl_svm_attribute *attrs);
/* Whether [addr, addr + len) is all inside VMAs (vma_lookup for each page). */
bool vdev_kfd_cpu_mapped(uint64_t addr, uint64_t len);
void vdev_kfd_svm_unmap(uint64_t start, uint64_t end);
/*
 * The MMU notifier's invalidation of [start, end) (bytes) other than an
 * unmap: mprotect, or a madvise that dropped the pages (@dropped: their
 * VRAM copies are gone too).
 */
void vdev_kfd_svm_invalidate(uint64_t start, uint64_t end, bool dropped);

/*
 * What GPU @gpu (an index) may do at [va, va + len) through its SVM
 * mapping, as its page table has it when an engine touches the range:
 * 0 (mapped, writable for @write), -EFAULT with *@fault_va the first page
 * that is not mapped for this GPU (XNACK off: no range gives it ACCESS or
 * ACCESS_IN_PLACE; either mode: NO_ACCESS), -EPERM (a write where the
 * range is GPU_RO).  The CPU's VMA (none, PROT_NONE, read-only) is judged
 * by the data copy itself (process_vm_readv/writev), not here.  With XNACK
 * on this is where a retry fault is served: it may create a range, migrate
 * pages and emit SMI lines.  Afterwards a page may be in a GPU's emulated
 * VRAM (vdev_page_tile() >= 0, also with XNACK off through a peer): its
 * data is then reached with vdev_vram_io(), not through the CPU mapping.
 * It first lets pending CPU-fault chunks follow (vdev_kfd_vram_sync).
 * kfd_lock held.
 */
int vdev_kfd_svm_gpu_access(unsigned int gpu, uint64_t va, uint64_t len, bool write,
			    uint64_t *fault_va);

/* kfd_lock (kfd_ioctl.c) guards every kfd state, the engines' included. */
void vdev_kfd_lock(void);
void vdev_kfd_unlock(void);

/* A refusal, named after the kernel function that makes it (kfd_ioctl.c). */
long vdev_kfd_reject(long err, const char *check);
extern const char *vdev_kfd_failed_check;
/* A kernel-log line as amdgpu's, tagged with the run (see vdev/kmsg.c). */
void vdev_kfd_kmsg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- SMI events (kfd_smi.c); kfd_lock held ---- */

/* AMDKFD_IOC_SMI_EVENTS {gpuid, anon_fd out}; the first client starts the pump. */
long vdev_kfd_smi_events(void *data);
/*
 * The program is closing @fd: if it is an SMI client's, the client goes,
 * and with the last one the pump (joined: drops kfd_lock while it waits).
 */
void vdev_kfd_smi_close(int fd);
/* ktime_get_boottime_ns() */
int64_t vdev_kfd_smi_now(void);
/*
 * kfd_smi_event_add: the line "<event hex> " + @fmt goes to the clients of
 * GPU @gpu (an index) that enabled @event, unless their fifo is full.
 * @fmt is one of the kernel's formats, e.g. VDEV_SMI_QUEUE_EVICTION.
 */
void vdev_kfd_smi_emit(unsigned int gpu, unsigned int event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The kernel's KFD_EVENT_FMT_* (kfd_ioctl.h); addresses and sizes in pages. */
#define VDEV_SMI_PAGEFAULT_START "%lld -%d @%lx(%x) %c\n"	/* ns pid addr gpu_id R|W */
#define VDEV_SMI_PAGEFAULT_END "%lld -%d @%lx(%x) %c\n"	/* ns pid addr gpu_id M|U */
#define VDEV_SMI_MIGRATE_START "%lld -%d @%lx(%lx) %x->%x %x:%x %d\n"
#define VDEV_SMI_MIGRATE_END "%lld -%d @%lx(%lx) %x->%x %d\n"	/* 6.12: no error code */
#define VDEV_SMI_QUEUE_EVICTION "%lld -%d %x %d\n"		/* ns pid gpu_id trigger */
#define VDEV_SMI_QUEUE_RESTORE "%lld -%d %x %c\n"		/* ns pid gpu_id 0|R */
#define VDEV_SMI_UNMAP_FROM_GPU "%lld -%d @%lx(%lx) %x %d\n"	/* ns pid addr size gpu_id trigger */

/* kfd_smi_event_queue_eviction/_restore on every GPU of the process. */
void vdev_kfd_smi_queue_eviction(int trigger);
void vdev_kfd_smi_queue_restore(void);

/* ---- emulated VRAM and migration (kfd_migrate.c); kfd_lock held ---- */

/* Where a migration goes: a GPU index, or system memory. */
#define VDEV_KFD_SYSMEM (-1)

/* What the SMI MIGRATE lines of a range say besides addresses. */
struct vdev_kfd_mig {
	uint32_t prefetch_loc, preferred_loc;
	int trigger;			/* KFD_MIGRATE_TRIGGER_* */
};

/*
 * Moves the private anonymous pages of [first, last] (pages) to @dst's
 * emulated VRAM or to system memory, in chunks of at most a quarter of the
 * GPU's VRAM (max_svm_range_pages), evicting the least recently migrated
 * chunks of other ranges when VRAM is full.  Pages that cannot move stay.
 * Returns the number of pages that moved.
 */
uint64_t vdev_kfd_migrate(uint64_t first, uint64_t last, int dst, const struct vdev_kfd_mig *mig);
/* The GPU index whose VRAM holds pages of [first, last] (actual_loc), or VDEV_KFD_SYSMEM. */
int vdev_kfd_vram_loc(uint64_t first, uint64_t last);
/* munmap: the VRAM pages of [first, last] are gone (residency dropped their data). */
void vdev_kfd_vram_forget(uint64_t first, uint64_t last);
/*
 * CPU faults since the last call: residency's handler brought single pages
 * back; each one's granularity chunk follows now (svm_migrate_to_ram).
 * The SVM ioctl and the gate call this first; it costs nothing while no
 * page left VRAM behind kfd's back.
 */
void vdev_kfd_vram_sync(void);
/* Pages in @gpu's emulated VRAM, and what it can hold. */
uint64_t vdev_kfd_vram_used(unsigned int gpu);
uint64_t vdev_kfd_vram_capacity(unsigned int gpu);

/* ---- callbacks of kfd_migrate.c into kfd_svm.c ---- */

/* The range of page @page: 0 and its bounds, granularity and MIGRATE fields, or -ENOENT. */
int vdev_kfd_svm_range_of(uint64_t page, uint64_t *first, uint64_t *last, uint8_t *granularity,
			  struct vdev_kfd_mig *mig);
/*
 * The MMU notifier's MMU_NOTIFY_MIGRATE on [first, last]: XNACK off, a
 * GPU-mapped range's queues are evicted and restored around the move
 * (@before: the eviction, else the restore); XNACK on, the GPUs' mappings
 * of it go (UNMAP_FROM_GPU), to be faulted in again.
 */
void vdev_kfd_svm_migrate_notify(uint64_t first, uint64_t last, bool before);

/*
 * ---- BOs, user queues, the SDMA engine, events ----
 * kfd_bo.c (ALLOC/FREE/MAP/UNMAP_MEMORY, the render node's and /dev/kfd's
 * mmap), kfd_queue.c (CREATE/DESTROY_QUEUE), kfd_sdma_exec.c (one engine
 * thread per SDMA queue), kfd_events.c (the event ioctls).  Everything
 * here is called with kfd_lock held unless it says otherwise.
 */

/* KFD_MMAP_TYPE_* of kfd_priv.h: the type in bits 62-63 of a /dev/kfd mmap offset. */
#define VDEV_KFD_MMAP_TYPE_SHIFT	62
#define VDEV_KFD_MMAP_TYPE_MASK		(3ull << VDEV_KFD_MMAP_TYPE_SHIFT)
#define VDEV_KFD_MMAP_TYPE_DOORBELL	(3ull << VDEV_KFD_MMAP_TYPE_SHIFT)
#define VDEV_KFD_MMAP_TYPE_EVENTS	(2ull << VDEV_KFD_MMAP_TYPE_SHIFT)
#define VDEV_KFD_MMAP_TYPE_RESERVED_MEM	(1ull << VDEV_KFD_MMAP_TYPE_SHIFT)
#define VDEV_KFD_MMAP_TYPE_MMIO		(0ull << VDEV_KFD_MMAP_TYPE_SHIFT)
/* The gpu_id in bits 46-61 (KFD_MMAP_GPU_ID). */
#define VDEV_KFD_MMAP_GPU_ID(gpu_id)	(((uint64_t)(gpu_id) & 0xffff) << 46)
#define VDEV_KFD_MMAP_GET_GPU_ID(off)	((uint32_t)(((off) >> 46) & 0xffff))
/*
 * The process doorbell slice: 1024 queues of 64-bit doorbells, rounded up
 * to the page (kfd_doorbell_process_slice: 64K on a 64K kernel).
 */
#define VDEV_KFD_DOORBELL_SLICE \
	((8ull * 1024 + VDEV_KFD_PAGE_SIZE - 1) & ~(VDEV_KFD_PAGE_SIZE - 1))

/* The ioctl handlers (kfd_ioctl.c's table). */
long vdev_kfd_alloc_memory(void *data);
long vdev_kfd_free_memory(void *data);
long vdev_kfd_map_memory(void *data);
long vdev_kfd_unmap_memory(void *data);
long vdev_kfd_create_queue(void *data);
long vdev_kfd_destroy_queue(void *data);
long vdev_kfd_create_event(void *data);
long vdev_kfd_destroy_event(void *data);
long vdev_kfd_set_event(void *data);
long vdev_kfd_reset_event(void *data);
long vdev_kfd_wait_events(void *data);

/* mmap of the render node of GPU @gpu at a BO's offset (MAP_FAILED, errno). */
void *vdev_kfd_bo_mmap_render(unsigned int gpu, void *addr, size_t len, int prot, int flags,
			      uint64_t off);
/* mmap of /dev/kfd: doorbells, MMIO remap page, event page, by the offset's type. */
void *vdev_kfd_mmap_kfd(void *addr, size_t len, int prot, int flags, uint64_t off);

/*
 * Whether BOs mapped on GPU @gpu cover all of [va, va + len): true with
 * *@writable (may be NULL) whether all of them are WRITABLE.
 */
bool vdev_kfd_bo_covers(unsigned int gpu, uint64_t va, uint64_t len, bool *writable);

/*
 * GPU @gpu's access to [va, va + len) through its BO mappings: 0 done,
 * -ENOENT no BO maps @va (the first byte), -EPERM a write to a BO that is
 * not WRITABLE, -EFAULT a USERPTR BO whose CPU pages refuse the access.
 * *@done is how much was moved (from @va, within one BO).
 */
int vdev_kfd_bo_io(unsigned int gpu, uint64_t va, void *buf, size_t len, bool write,
		   size_t *done);

/* The BO mapped on @gpu whose mapping starts at @va and is @size bytes (0: any size). */
struct vdev_kfd_bo;
struct vdev_kfd_bo *vdev_kfd_bo_mapping(unsigned int gpu, uint64_t va, uint64_t size);
/* A queue of GPU @gpu holds the BO (unmapping it there is EBUSY) until it lets go. */
void vdev_kfd_bo_queue_ref(struct vdev_kfd_bo *bo, unsigned int gpu, int delta);
/*
 * The event page from a BO handle (kfd_kmap_event_page): vdev's own
 * mapping of its memory, its size and memfd; -EINVAL when no such GTT BO.
 */
int vdev_kfd_bo_kmap(uint64_t handle, void **kaddr, uint64_t *size, int *fd);
/* The doorbell page of GPU @gpu (vdev's own view of it); NULL out of memory. */
volatile uint64_t *vdev_kfd_doorbells(unsigned int gpu);

/* The handle of the BO given as event page, 0 if none (FREE refuses it with EPERM). */
uint64_t vdev_kfd_signal_handle(void);
/* The event page's memfd for /dev/kfd's mmap, -1 while there is none. */
int vdev_kfd_event_page_fd(void);

/* An SDMA TRAP with @context: the signal event it names (kfd_signal_event_interrupt). */
void vdev_kfd_event_interrupt(uint32_t context, unsigned int valid_bits);
/* A GPU memory fault of the process: every MEMORY event gets @data and is set. */
void vdev_kfd_signal_memory_events(const struct kfd_hsa_memory_exception_data *data);

/*
 * A GPU VM fault of GPU @gpu at @va: as amdkfd with XNACK off (or a retry
 * fault that failed), the process's queues are evicted and stay stopped,
 * every MEMORY event is signalled with the fault, and amdgpu's page-fault
 * report ("[mmhub0] no-retry page fault ...") goes to the kernel log.  @err: -EFAULT not present,
 * -EPERM a write to a read-only page.
 */
void vdev_kfd_vm_fault(unsigned int gpu, uint64_t va, bool write, int err);

/* The SDMA engine of a queue (kfd_sdma_exec.c). */
struct vdev_kfd_queue;
/*
 * Starts the queue's engine thread, first allocating its buffers (q->dw,
 * q->bounce: the queue's owner frees them); -errno.
 */
int vdev_kfd_engine_start(struct vdev_kfd_queue *q);
/*
 * CREATE_QUEUE of a compute queue: its EOP and CWSR buffers checked and
 * found (bos[3], bos[4]; not yet referenced), or the check's -errno
 * (kfd_compute.c).
 */
long vdev_kfd_compute_acquire(struct vdev_kfd_queue *q,
			      const struct kfd_ioctl_create_queue_args *a);
/* Stops and joins it; drops kfd_lock while it waits. */
void vdev_kfd_engine_stop(struct vdev_kfd_queue *q);

/* What kfd_queue.c's queues are, for the engine. */
struct vdev_kfd_queue {
	uint32_t id;
	unsigned int gpu;		/* index */
	uint32_t type;			/* KFD_IOC_QUEUE_TYPE_* */
	uint64_t ring, rptr_va, wptr_va;
	uint32_t ring_size;		/* bytes, a power of two */
	uint32_t doorbell;		/* slot in the GPU's doorbell page */
	struct vdev_kfd_bo *bos[5];	/* ring, rptr, wptr, EOP, CWSR: referenced */
	uint64_t rptr;			/* the engine's read pointer, bytes */
	bool stop;			/* the engine must end */
	bool hung;			/* an unknown packet stopped it */
	bool has_thread;
	bool cs_job;			/* a render node's IB (vdev_kfd_sdma_run_ib), no ring */
	bool faulted;			/* cs_job: a VM fault ended it, at fault_va */
	uint64_t fault_va;
	bool parked;			/* stopped for a fork, restarts after it */
	pthread_t thread;
	/*
	 * The engine's packet and copy buffers: here, not on its thread's
	 * stack, so that a fork child (which has no such thread) frees them.
	 */
	uint32_t *dw;			/* ring_size bytes */
	char *bounce;			/* one copy chunk */
	struct vdev_kfd_queue *next;
};

/*
 * An IB of the render node's command submission on GPU @gpu's SDMA
 * (amdgpu_cs.c), run to its end now with kfd_lock held: 0; -EFAULT a VM
 * fault ended it (reported as amdgpu does for a gfx VMID: KFD's queues
 * and events are not KFD's business there), *@fault_va the page; -EIO an
 * unknown or cut packet, which hangs the job.
 */
int vdev_kfd_sdma_run_ib(unsigned int gpu, uint64_t va, uint32_t bytes, uint64_t *fault_va);

/* The process's queues are evicted after a VM fault: no engine runs a packet. */
extern bool vdev_kfd_queues_evicted;

/* Waits on @cond with kfd_lock until @deadline (CLOCK_MONOTONIC); ETIMEDOUT. */
int vdev_kfd_cond_wait(pthread_cond_t *cond, const struct timespec *deadline);

/*
 * The process is gone (its last /dev/kfd closed, or the program exits):
 * queues stopped and joined, events and BOs freed.  A fork child never
 * sees its parent's tables: each module keys them by pid and starts empty
 * (no engine thread of the parent exists in the child).
 */
void vdev_kfd_queues_release(void);

/*
 * Around fork() (kfd_lock held): the process's vdev threads (SDMA engines,
 * the SMI pump) stop before and, in the parent, start again after, so
 * that no thread is caught inside a lock the child would inherit taken
 * (the C library's, the sanitizer runtime's allocator) and the child's
 * leak check lists no thread of its parent's.  Park drops kfd_lock while
 * it joins.
 */
void vdev_kfd_queues_park(void);
void vdev_kfd_queues_unpark(void);
void vdev_kfd_smi_park(void);
void vdev_kfd_smi_unpark(void);
void vdev_kfd_events_release(void);
void vdev_kfd_bos_release(void);

/*
 * ---- amdgpu's SVM of the drm_gpusvm RFC (amdgpu_svm*.c); kfd_lock held ----
 * One drm_gpusvm per GPU (the render node's device), apart from KFD's
 * per-process SVM but reached by the same engines: the GPU's page table
 * is one amdgpu VM holding BO mappings, KFD SVM ranges and these.
 */

/*
 * Driver ioctl @nr (DRM_COMMAND_BASE-relative, e.g. 0x1a, 0x1b) of GPU
 * @gpu's render node as the preset's kernel has it (vdev_kfd->amdgpu_svm):
 * the RFC's GEM_SVM, 7.x's PROC_OPTIONS, or -EINVAL as drm_ioctl() answers
 * a number the driver does not have.  >= 0 or -errno.
 */
long vdev_amdgpu_svm_ioctl(unsigned int gpu, unsigned int nr, unsigned long request, void *arg);
/*
 * GPU @gpu's access to [va, va + len) through its amdgpu SVM mapping,
 * as vdev_kfd_svm_gpu_access() for KFD's: 0, -EFAULT (*@fault_va the
 * first page not mapped and not faultable), -EPERM (a write to GPU_RO),
 * -ENOENT when no amdgpu SVM range or attribute covers @va at all (the
 * caller then tries KFD's SVM and the BOs).
 */
int vdev_amdgpu_svm_gpu_access(unsigned int gpu, uint64_t va, uint64_t len, bool write,
			       uint64_t *fault_va);
/* The MMU notifier of every GPU's drm_gpusvm: munmap, and mprotect/madvise (@dropped). */
void vdev_amdgpu_svm_unmap(uint64_t start, uint64_t end);
void vdev_amdgpu_svm_invalidate(uint64_t start, uint64_t end, bool dropped);
/* The render node's drm_file of GPU @gpu is gone (its last descriptor closed). */
void vdev_amdgpu_svm_release(unsigned int gpu);

/*
 * ---- the render node's GEM, VM and command submission (amdgpu_cs.c);
 * kfd_lock held ----
 */
/* An amdgpu driver ioctl or GEM_CLOSE: >= 0, -errno, -ENOTTY when not one of them. */
long vdev_amdgpu_render_ioctl(unsigned int gpu, unsigned long request, void *arg);
/*
 * GPU @gpu's access through its GEM VA mappings, as vdev_kfd_bo_io():
 * 0 (*@done bytes moved, within one mapping), -ENOENT nothing mapped at
 * @va, -EPERM a write to a mapping without WRITEABLE.
 */
int vdev_amdgpu_gem_io(unsigned int gpu, uint64_t va, void *buf, size_t len, bool write,
		       size_t *done);
/* The node's mmap at a GEM offset: *@ours false when @off is none of GEM's (KFD's BOs). */
void *vdev_amdgpu_gem_mmap(unsigned int gpu, void *addr, size_t len, int prot, int flags,
			   uint64_t off, bool *ours);
void vdev_amdgpu_render_release(unsigned int gpu);
/* The render minor of a descriptor of a kfd preset's render node, -1 for any other. */
int vdev_kfd_render_minor(int fd);
