/* SPDX-License-Identifier: MIT */
/* svm_dev ops on xe (see xe_backend.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svm/svm_refusal.h"
#include "xe_backend.h"
#include "xe_batch.h"
#include "xe_ioctl.h"
#include "xe_pat.h"

/* Dwords per batch: 1000 stores (4K of data) per exec keeps every wait short. */
#define BATCH_DWORDS 8192

struct xe_priv {
	struct xe_svm_state s;
	pthread_mutex_t lock;		/* one batch and queue, shared by the caller's threads */
	struct xe_batch batch;
	volatile uint64_t *fence;
	uint64_t seqno;
	bool queue_reset;		/* replace the queue before the next batch */
};

static struct xe_priv *priv(const struct svm_dev *dev)
{
	return dev->priv;
}

const struct xe_svm_state *xe_svm_state(const struct svm_dev *dev)
{
	return dev->backend == &svm_xe_backend ? &priv(dev)->s : NULL;
}

static void xe_close(struct svm_dev *dev)
{
	struct xe_priv *p = priv(dev);

	if (p) {
		if (p->s.queue)
			__xe_exec_queue_destroy(dev->fd, p->s.queue);
		if (p->s.vm)
			__xe_vm_destroy(dev->fd, p->s.vm);
		xe_batch_fini(&p->batch);
		free((void *)p->fence);
		pthread_mutex_destroy(&p->lock);
		free(p);
		dev->priv = NULL;
	}
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

static int setup(struct svm_dev *dev, struct xe_priv *p)
{
	const struct drm_xe_engine_class_instance *eci;
	struct drm_xe_vm_bind_op op;
	struct xe_pat pat;
	int ret;

	if ((ret = __xe_query_device(dev->fd, &p->s.info)))
		return ret;
	if (__xe_pat_of_device(dev->fd, &p->s.info, &pat) == -ENODEV) {
		svm_dev_set_unsupported("xe device %04x: no PAT table known for it, so no PAT "
					"index to bind with", p->s.info.devid);
		return -EOPNOTSUPP;
	}
	if (!xe_has_svm(&p->s.info)) {
		svm_dev_set_unsupported("xe device %04x has no SVM: %s",
					p->s.info.devid, p->s.info.has_faults ?
					"no HAS_CPU_ADDR_MIRROR in the config query" :
					"no fault-mode VMs");
		return -EOPNOTSUPP;
	}
	eci = xe_find_engine(&p->s.info, 0, -1);
	if (!eci) {
		svm_dev_set_unsupported("xe device %04x has no engine on tile 0", p->s.info.devid);
		return -EOPNOTSUPP;
	}
	p->s.eci = *eci;
	if ((ret = __xe_vm_create(dev->fd, DRM_XE_VM_CREATE_FLAG_LR_MODE |
				  DRM_XE_VM_CREATE_FLAG_FAULT_MODE, &p->s.vm)))
		return ret;
	op = xe_op_mirror(0, 1ull << p->s.info.va_bits, 0);
	if ((ret = __xe_vm_bind_sync(dev->fd, p->s.vm, &op)))
		return ret;
	if ((ret = __xe_exec_queue_create(dev->fd, p->s.vm, &p->s.eci, &p->s.queue)))
		return ret;
	if (xe_batch_init(&p->batch, BATCH_DWORDS) ||
	    posix_memalign((void **)&p->fence, 64, sizeof(*p->fence)))
		return -ENOMEM;
	*p->fence = 0;
	return 0;
}

static int xe_open(struct svm_dev *dev, const struct igt_device_info *info)
{
	struct xe_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	dev->priv = p;
	dev->page_size = sysconf(_SC_PAGESIZE);
	dev->fd = open(info->devnode, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		ret = -errno;
		xe_close(dev);
		return ret;
	}
	ret = setup(dev, p);
	if (ret)
		xe_close(dev);
	return ret;
}

/* A reset queue is gone for good: the next access gets a new one. */
static int replace_queue(struct svm_dev *dev, struct xe_priv *p)
{
	__xe_exec_queue_destroy(dev->fd, p->s.queue);
	p->s.queue = 0;
	return __xe_exec_queue_create(dev->fd, p->s.vm, &p->s.eci, &p->s.queue);
}

/* Runs the batch built so far and empties it; -EIO when the GPU fault failed. */
static int flush(struct svm_dev *dev, struct xe_priv *p)
{
	struct drm_xe_sync sync;
	int ret;

	if (!p->batch.len)
		return 0;
	/*
	 * Replaced only now, not when the fault failed: the caller first reads
	 * the CPU mapping to explain the failure, and a new queue (a new thread
	 * in vdev, sanitizer bookkeeping) could be mapped into the hole it
	 * explains.
	 */
	if (p->queue_reset) {
		if ((ret = replace_queue(dev, p))) {
			xe_batch_reset(&p->batch);
			return ret;
		}
		p->queue_reset = false;
	}
	if ((ret = xe_batch_end(&p->batch)))
		return ret;
	sync = xe_sync_ufence(p->fence, ++p->seqno);
	ret = __xe_exec(dev->fd, p->s.queue, (uintptr_t)p->batch.dw, &sync, 1);
	if (!ret)
		ret = __xe_wait_ufence(dev->fd, p->fence, p->seqno, p->s.queue,
				       XE_DEFAULT_TIMEOUT_NS);
	xe_batch_reset(&p->batch);
	if (ret == -EIO || ret == -ECANCELED || ret == -ETIME)
		p->queue_reset = true;
	return ret;
}

/* Appends one command, flushing first when the batch is full. */
#define EMIT(dev, p, call)						\
	({								\
		int __r = (call);					\
		if (__r == -ENOSPC) {					\
			__r = flush(dev, p);				\
			if (!__r)					\
				__r = (call);				\
		}							\
		__r;							\
	})

/*
 * A failed GPU fault only says that the device could not reach some page;
 * the cause is read from the CPU mapping (svm_refusal.h).  A fault the
 * mapping does not explain stays -EIO, a real failure.
 */
static int refusal_cause(uintptr_t start, size_t len, bool write)
{
	int cause = svm_cpu_refusal(start, len, write);

	return cause ? cause : -EIO;
}

static int explain(int ret, const void *addr, size_t len, bool write)
{
	return ret == -EIO ? refusal_cause((uintptr_t)addr, len, write) : ret;
}

static int gpu_write_locked(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	struct xe_priv *p = priv(dev);
	const uint32_t *s = src;

	for (size_t i = 0; i < len / 4; i++) {
		uint64_t to = (uintptr_t)dst + 4 * i;
		int ret = EMIT(dev, p, xe_batch_store_dword(&p->batch, to, s[i]));

		if (ret)
			return ret;
	}
	return flush(dev, p);
}

static int copy_locked(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	struct xe_priv *p = priv(dev);

	for (size_t off = 0; off < len; off += 4) {
		int ret = EMIT(dev, p, xe_batch_copy_dword(&p->batch, (uintptr_t)dst + off,
							    (uintptr_t)src + off));

		if (ret)
			return ret;
	}
	return flush(dev, p);
}

static int xe_gpu_write(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	struct xe_priv *p = priv(dev);
	int ret;

	pthread_mutex_lock(&p->lock);
	ret = gpu_write_locked(dev, dst, src, len);
	pthread_mutex_unlock(&p->lock);
	return explain(ret, dst, len, true);
}

/* Which side refused a copy: the source unreadable, or the destination. */
static int explain_copy(int ret, void *dst, const void *src, size_t len)
{
	int cause;

	if (ret != -EIO)
		return ret;
	cause = refusal_cause((uintptr_t)src, len, false);
	return cause != -EIO ? cause : refusal_cause((uintptr_t)dst, len, true);
}

/* The CPU buffer is mirrored like any memory: a read is a copy into it. */
static int xe_gpu_read(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	struct xe_priv *p = priv(dev);
	int ret;

	pthread_mutex_lock(&p->lock);
	ret = copy_locked(dev, dst, src, len);
	pthread_mutex_unlock(&p->lock);
	return explain_copy(ret, dst, src, len);
}

static int xe_gpu_copy(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	return xe_gpu_read(dev, dst, src, len);
}

static int xe_gpu_atomic_inc(struct svm_dev *dev, uint32_t *addr)
{
	struct xe_priv *p = priv(dev);
	int ret;

	pthread_mutex_lock(&p->lock);
	ret = xe_batch_atomic_inc(&p->batch, (uintptr_t)addr);
	if (!ret)
		ret = flush(dev, p);
	pthread_mutex_unlock(&p->lock);
	return explain(ret, addr, sizeof(*addr), true);
}

static int xe_prefer(struct svm_dev *dev, void *addr, size_t len, enum svm_location loc)
{
	struct xe_priv *p = priv(dev);
	int devmem = loc == SVM_LOC_DEVICE ? DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE
					   : DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM;
	size_t span = (len + dev->page_size - 1) & ~(dev->page_size - 1);

	return __xe_madvise_preferred(dev->fd, p->s.vm, (uintptr_t)addr, span, devmem,
				      DRM_XE_MIGRATE_ALL_PAGES, 0);
}

static const struct svm_dev_ops xe_ops = {
	.open = xe_open,
	.close = xe_close,
	.gpu_read = xe_gpu_read,
	.gpu_write = xe_gpu_write,
	.gpu_copy = xe_gpu_copy,
	.gpu_atomic_inc = xe_gpu_atomic_inc,
	.prefer = xe_prefer,
};

/*
 * Every open keeps these caps, with or without VRAM (xe-lnl has none): none
 * of them needs device memory.  PREFER sets an attribute that an iGPU
 * accepts and reports back the same; only where faulted pages land differs,
 * and no op here claims to show that.  MIGRATE and RESIDENCY, which would
 * need VRAM, xe does not offer at all (xe_backend.h).
 */
const struct svm_backend svm_xe_backend = {
	.name = "xe",
	.kind = IGT_DEV_DRM_RENDER,
	.driver = "xe",
	.caps = SVM_CAP_GPU_READ | SVM_CAP_GPU_WRITE | SVM_CAP_GPU_COPY |
		SVM_CAP_GPU_ATOMIC | SVM_CAP_PREFER,
	.ops = &xe_ops,
};
