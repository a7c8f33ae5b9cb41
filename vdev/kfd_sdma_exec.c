/* SPDX-License-Identifier: MIT */
/*
 * vdev's SDMA engine: one thread per SDMA user queue.  It watches the
 * queue's doorbell (the 64-bit byte write pointer user mode rings),
 * executes the packets between its read pointer and the doorbell's value
 * with the ring wrapping, and writes its read pointer back to the queue's
 * rptr BO after each packet, as the engine does.  Packets (gfx9 layouts,
 * counts N-1; lib/kfd/kfd_sdma.h): NOP (with a burst count), COPY linear,
 * WRITE linear, FENCE, TRAP, CONSTANT_FILL.  Anything else stops the
 * queue like a hang, with a kernel-log line.
 *
 * Every operand page is reached as GPU @gpu's page table has it: a BO
 * mapped on this GPU (kfd_bo.c), else the SVM gate (kfd_svm.c) and then
 * the program's page itself with process_vm_readv/writev, which refuses
 * what a GPU fault would (no VMA, PROT_NONE, a write to read-only), or
 * the emulated VRAM pool for a page that lives there.  A refusal is a VM
 * fault (vdev_kfd_vm_fault): the process's queues stop for good.
 *
 * Idle, the thread sleeps 50 us doubling to 1 ms between looks; busy, it
 * holds kfd_lock for one piece of at most CHUNK bytes at a time, so the
 * program's ioctls get in between the pieces of a big copy.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "kfd.h"
#include "vdev.h"

/* The engine reads, writes and faults in GPU pages (AMDGPU_GPU_PAGE_SIZE). */
#define PAGE VDEV_KFD_GPU_PAGE_SIZE
#define CHUNK (64u * 1024)
#define IDLE_MIN_US 50
#define IDLE_MAX_US 1000

enum {
	OP_NOP = 0,
	OP_COPY = 1,
	OP_WRITE = 2,
	OP_FENCE = 5,
	OP_TRAP = 6,
	OP_CONST_FILL = 11,
};

#define COUNT_MASK 0x3fffffu		/* COPY and FILL byte counts: 22 bits */
#define WRITE_COUNT_MASK 0xfffffu	/* WRITE's dword count: 20 bits */
#define TRAP_CONTEXT_MASK 0x0fffffffu	/* KFD matches 28 bits of event id */

bool vdev_kfd_queues_evicted;

static int page_io(uint64_t va, void *buf, size_t len, bool write)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)va, len };
	ssize_t n;
	int ret;

	if (vdev_page_tile(va) >= 0) {
		ret = vdev_vram_io(va, buf, len, write);
		if (ret == -EACCES)
			return -EPERM;	/* a read-only page, in VRAM */
		if (ret != -ENOENT)
			return ret ? -EFAULT : 0;
	}
	n = write ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0)
		  : process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	/* A write refused where a read works: the page is read-only. */
	if (write) {
		char probe;
		struct iovec pl = { &probe, 1 }, pr = { (void *)(uintptr_t)va, 1 };

		if (process_vm_readv(getpid(), &pl, 1, &pr, 1, 0) == 1)
			return -EPERM;
	}
	return -EFAULT;
}

/*
 * GPU @gpu reads or writes [va, va + len): 0, or -EFAULT / -EPERM with
 * *@fault_va the page refused.  kfd_lock held.
 */
static int gpu_io(unsigned int gpu, uint64_t va, void *buf, size_t len, bool write,
		  uint64_t *fault_va)
{
	char *p = buf;

	while (len) {
		size_t done;
		int ret = vdev_kfd_bo_io(gpu, va, p, len, write, &done);

		if (ret == -ENOENT)
			ret = vdev_amdgpu_gem_io(gpu, va, p, len, write, &done);
		if (ret == -ENOENT) {
			done = PAGE - (va & (PAGE - 1));
			if (done > len)
				done = len;
			/* One VM: amdgpu SVM's ranges first, then KFD's SVM. */
			ret = vdev_amdgpu_svm_gpu_access(gpu, va, done, write, fault_va);
			if (ret == -ENOENT)
				ret = vdev_kfd_svm_gpu_access(gpu, va, done, write, fault_va);
			if (!ret)
				ret = page_io(va, p, done, write);
		}
		if (ret) {
			if (ret != -EPERM && ret != -EFAULT)
				ret = -EFAULT;
			*fault_va = va & ~(PAGE - 1);
			return ret;
		}
		va += done;
		p += done;
		len -= done;
	}
	return 0;
}

/*
 * gmc_v9_0_process_interrupt's report of a fault: SDMA reaches memory
 * through MMHUB on gfx9 (IH client VMC) and through GFXHUB from gfx10 on
 * (IH client UTCL2); "retry" when XNACK is on.
 */
static void fault_log(unsigned int gpu, uint64_t va, bool write, int err, unsigned int vmid)
{
	bool mmhub = vdev_kfd->gpus[gpu].gfx_target_version < 100000;
	char comm[32] = "?";
	FILE *f = fopen("/proc/self/comm", "re");

	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = 0;
		fclose(f);
	}
	vdev_kfd_kmsg(3, "amdgpu: [%s] %s page fault (src_id:0 ring:0 vmid:%u pasid:%u)\n",
		      mmhub ? "mmhub0" : "gfxhub0",
		      vdev_kfd_proc.xnack_enabled ? "retry" : "no-retry", vmid,
		      0x8000u + (unsigned int)(getpid() & 0x7fff));
	vdev_kfd_kmsg(3, "amdgpu:  for process %s pid %d thread %s pid %d)\n", comm, getpid(), comm,
		      getpid());
	vdev_kfd_kmsg(3, "amdgpu:   in page starting at address 0x%016llx from IH client 0x%x (%s)\n",
		      (unsigned long long)va, mmhub ? 0x12 : 0x1b, mmhub ? "VMC" : "UTCL2");
	vdev_kfd_kmsg(3, "amdgpu: \t Faulty UTCL2 client ID: SDMA0\n");
	vdev_kfd_kmsg(3, "amdgpu: \t PERMISSION_FAULTS: 0x%x\n", err == -EPERM ? 4 : 0);
	vdev_kfd_kmsg(3, "amdgpu: \t MAPPING_ERROR: 0x%x\n", err == -EPERM ? 0 : 1);
	vdev_kfd_kmsg(3, "amdgpu: \t RW: 0x%x\n", write);
}

void vdev_kfd_vm_fault(unsigned int gpu, uint64_t va, bool write, int err)
{
	struct kfd_hsa_memory_exception_data d = { 0 };

	va &= ~(PAGE - 1);
	fault_log(gpu, va, write, err, 8);	/* KFD's first VMID */
	/*
	 * kfd_set_dbg_ev_from_interrupt without a debugger: the process's
	 * queues evicted (until it goes), then kfd_signal_vm_fault_event with
	 * the IV's bits: NotPresent from PROT_VALID, ReadOnly from PROT_WRITE.
	 */
	d.gpu_id = vdev_kfd->gpus[gpu].gpu_id;
	d.va = va;
	d.failure.NotPresent = err != -EPERM;
	d.failure.ReadOnly = err == -EPERM;
	vdev_kfd_queues_evicted = true;
	vdev_kfd_signal_memory_events(&d);
}

/* The engine may go on: not stopped, not evicted (KFD's eviction stops user queues only). */
static bool runnable(const struct vdev_kfd_queue *q)
{
	if (q->cs_job)
		return !q->faulted;
	return !q->stop && !q->hung && !vdev_kfd_queues_evicted;
}

/*
 * Gives ioctls a chance between two pieces of a long operation; not for a
 * render node's IB, which runs inside the CS ioctl that holds the lock.
 */
static void breathe(const struct vdev_kfd_queue *q)
{
	if (q->cs_job)
		return;
	vdev_kfd_unlock();
	sched_yield();
	vdev_kfd_lock();
}

/*
 * Reports a fault of an operand and ends the packet.  A render node's job
 * runs on a gfx VMID (1 here), which KFD's interrupt handler leaves alone.
 */
static bool fault(struct vdev_kfd_queue *q, uint64_t va, bool write, int err)
{
	if (q->cs_job) {
		fault_log(q->gpu, va & ~(PAGE - 1), write, err, 1);
		q->faulted = true;
		q->fault_va = va & ~(PAGE - 1);
	} else {
		vdev_kfd_vm_fault(q->gpu, va, write, err);
	}
	return false;
}

/* COPY linear: through a bounce buffer, a piece at a time. */
static bool do_copy(struct vdev_kfd_queue *q, uint64_t dst, uint64_t src, uint64_t bytes,
		    char *bounce)
{
	uint64_t fva;
	int ret;

	for (uint64_t done = 0; done < bytes; done += CHUNK) {
		size_t n = bytes - done < CHUNK ? bytes - done : CHUNK;

		if (done)
			breathe(q);
		if (!runnable(q))
			return false;
		ret = gpu_io(q->gpu, src + done, bounce, n, false, &fva);
		if (ret)
			return fault(q, fva, false, ret);
		ret = gpu_io(q->gpu, dst + done, bounce, n, true, &fva);
		if (ret)
			return fault(q, fva, true, ret);
	}
	return true;
}

/* CONSTANT_FILL: @size 2 fills dwords, 0 bytes (the value's low byte). */
static bool do_fill(struct vdev_kfd_queue *q, uint64_t dst, uint32_t value, unsigned int size,
		    uint64_t bytes, char *bounce)
{
	uint64_t fva;
	int ret;

	if (size == 2)
		for (unsigned int i = 0; i < CHUNK / 4; i++)
			memcpy(bounce + 4 * i, &value, 4);
	else
		memset(bounce, (int)(value & 0xff), CHUNK);
	for (uint64_t done = 0; done < bytes; done += CHUNK) {
		size_t n = bytes - done < CHUNK ? bytes - done : CHUNK;

		if (done)
			breathe(q);
		if (!runnable(q))
			return false;
		ret = gpu_io(q->gpu, dst + done, bounce, n, true, &fva);
		if (ret)
			return fault(q, fva, true, ret);
	}
	return true;
}

static uint64_t addr64(const uint32_t *dw)
{
	return dw[0] | (uint64_t)dw[1] << 32;
}

/* How many dwords the packet whose first dwords are @dw has; 0: not known. */
static uint32_t packet_dwords(const uint32_t *dw, uint32_t have)
{
	uint32_t op = dw[0] & 0xff, sub = dw[0] >> 8 & 0xff;

	switch (op) {
	case OP_NOP:
		return 1 + (dw[0] >> 16 & 0x3fff);
	case OP_COPY:
		return sub == 0 ? 7 : 0;
	case OP_WRITE:
		if (sub != 0)
			return 0;
		return have < 4 ? 4 : 4 + (dw[3] & WRITE_COUNT_MASK) + 1;
	case OP_FENCE:
		return 4;
	case OP_TRAP:
		return 2;
	case OP_CONST_FILL:
		return 5;
	default:
		return 0;
	}
}

/* Runs the packet in @dw; false when it faulted or was cut short. */
static bool execute(struct vdev_kfd_queue *q, const uint32_t *dw, uint32_t n, char *bounce)
{
	uint64_t fva;
	int ret;

	switch (dw[0] & 0xff) {
	case OP_NOP:
		return true;
	case OP_COPY:
		return do_copy(q, addr64(dw + 5), addr64(dw + 3), (uint64_t)(dw[1] & COUNT_MASK) + 1,
			       bounce);
	case OP_WRITE:
		ret = gpu_io(q->gpu, addr64(dw + 1), (void *)(dw + 4), (n - 4) * 4, true, &fva);
		return ret ? fault(q, fva, true, ret) : true;
	case OP_FENCE:
		ret = gpu_io(q->gpu, addr64(dw + 1), (void *)(dw + 3), 4, true, &fva);
		return ret ? fault(q, fva, true, ret) : true;
	case OP_TRAP:
		/* The interrupt handler's kfd_signal_event_interrupt */
		vdev_kfd_event_interrupt(dw[1] & TRAP_CONTEXT_MASK, 28);
		return true;
	default:	/* OP_CONST_FILL */
		return do_fill(q, addr64(dw + 1), dw[3], dw[0] >> 30,
			       (uint64_t)(dw[4] & COUNT_MASK) + 1, bounce);
	}
}

int vdev_kfd_sdma_run_ib(unsigned int gpu, uint64_t va, uint32_t bytes, uint64_t *fault_va)
{
	struct vdev_kfd_queue q = { .gpu = gpu, .cs_job = true };
	uint32_t n = bytes / 4, *dw = malloc(bytes);
	char *bounce = malloc(CHUNK);
	uint64_t fva;
	int ret = 0;

	if (!dw || !bounce) {
		free(dw);
		free(bounce);
		return -ENOMEM;
	}
	/* The engine fetches the IB through the VM like any operand. */
	if (gpu_io(gpu, va, dw, bytes, false, &fva)) {
		fault(&q, fva, false, -EFAULT);
		ret = -EFAULT;
	}
	for (uint32_t at = 0, len; !ret && at < n; at += len) {
		len = packet_dwords(dw + at, n - at);
		if (!len || len > n - at) {
			vdev_kfd_kmsg(3, "amdgpu: sdma%u: %s packet 0x%08x at dword %u of an IB: "
				      "the job hangs\n", 0u, len ? "cut" : "unknown", dw[at], at);
			ret = -EIO;
		} else if (!execute(&q, dw + at, len, bounce)) {
			ret = q.faulted ? -EFAULT : -EIO;
		}
	}
	free(dw);
	free(bounce);
	*fault_va = q.fault_va;
	return ret;
}

/* Dwords [at, at + n) of the ring from byte pointer @rptr, wrapping. */
static int ring_read(struct vdev_kfd_queue *q, uint64_t rptr, uint32_t *dw, uint32_t n,
		     uint64_t *fva)
{
	uint32_t mask = q->ring_size - 1, first = (uint32_t)(rptr & mask);
	uint32_t bytes = n * 4, head = q->ring_size - first < bytes ? q->ring_size - first : bytes;
	int ret = gpu_io(q->gpu, q->ring + first, dw, head, false, fva);

	if (!ret && head < bytes)
		ret = gpu_io(q->gpu, q->ring, (char *)dw + head, bytes - head, false, fva);
	return ret;
}

/*
 * One packet if a whole one is there: true when the engine did something
 * (ran a packet, faulted, hung), false when it found nothing to do.
 */
static bool step(struct vdev_kfd_queue *q, uint32_t *dw, char *bounce)
{
	uint64_t wptr = __atomic_load_n(&vdev_kfd_doorbells(q->gpu)[q->doorbell], __ATOMIC_ACQUIRE);
	uint64_t avail = (wptr - q->rptr) / 4, fva;
	uint32_t n, have;
	int ret;

	if (!avail || avail > q->ring_size / 4)
		return false;
	have = avail < 4 ? (uint32_t)avail : 4;
	ret = ring_read(q, q->rptr, dw, have, &fva);
	if (ret)
		return !fault(q, fva, false, ret);
	n = packet_dwords(dw, have);
	if (!n) {
		vdev_kfd_kmsg(3, "amdgpu: sdma0: unknown packet 0x%08x at rptr 0x%llx of queue %u: "
			      "queue hung\n", dw[0], (unsigned long long)q->rptr, q->id);
		q->hung = true;
		return true;
	}
	if (n > avail)
		return false;	/* the rest is not written yet */
	if (n > have && (ret = ring_read(q, q->rptr, dw, n, &fva)))
		return !fault(q, fva, false, ret);
	if (!execute(q, dw, n, bounce))
		return true;
	q->rptr += n * 4;
	ret = gpu_io(q->gpu, q->rptr_va, &q->rptr, sizeof(q->rptr), true, &fva);
	if (ret)
		fault(q, fva, true, ret);
	return true;
}

static void *engine(void *arg)
{
	struct vdev_kfd_queue *q = arg;
	long idle_us = IDLE_MIN_US;

	vdev_kfd_lock();
	while (!q->stop) {
		if (runnable(q) && step(q, q->dw, q->bounce)) {
			idle_us = IDLE_MIN_US;
			continue;
		}
		vdev_kfd_unlock();
		nanosleep(&(struct timespec){ .tv_nsec = idle_us * 1000 }, NULL);
		idle_us = idle_us * 2 < IDLE_MAX_US ? idle_us * 2 : IDLE_MAX_US;
		vdev_kfd_lock();
	}
	vdev_kfd_unlock();
	return NULL;
}

int vdev_kfd_engine_start(struct vdev_kfd_queue *q)
{
	int ret;

	/* The first start allocates; a restart after fork (parked) has them. */
	if (!q->dw)
		q->dw = malloc(q->ring_size);
	if (!q->bounce)
		q->bounce = malloc(CHUNK);
	if (!q->dw || !q->bounce)
		return -ENOMEM;
	q->stop = false;
	ret = vdev_thread_create(&q->thread, engine, q);
	if (ret)
		return -ret;
	q->has_thread = true;
	return 0;
}

void vdev_kfd_engine_stop(struct vdev_kfd_queue *q)
{
	q->stop = true;
	vdev_kfd_unlock();
	pthread_join(q->thread, NULL);
	vdev_kfd_lock();
	q->has_thread = false;
}
