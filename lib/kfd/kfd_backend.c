/* SPDX-License-Identifier: MIT */
/* svm_dev ops on amdkfd (see kfd_backend.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kfd_backend.h"
#include "kfd_device.h"
#include "kfd_events.h"
#include "kfd_ioctl.h"
#include "kfd_mem.h"
#include "kfd_sdma.h"
#include "kfd_sdma_queue.h"
#include "svm/svm_refusal.h"
#include "util.h"

/* One SDMA job moves at most this much through the staging BO. */
#define STAGING_BYTES SZ_2M
/* A child's whole bring-up, access and teardown: generous, it is a hang detector. */
#define CHILD_TIMEOUT_MS (3 * KFD_DEFAULT_TIMEOUT_MS)

/* A range given a preferred location, put back in system memory at close. */
struct pref_range {
	struct pref_range *next;
	uint64_t start, size;
};

struct kfd_priv {
	struct kfd_device *kdev;
	struct kfd_gpu *gpu;
	bool xnack;
	int xnack_at_open;		/* the process's mode before, restored at close */
	struct kfd_sdma_queue *q;
	struct kfd_bo *staging;
	struct kfd_event *done;		/* SIGNAL, auto-reset: FENCE + TRAP after each job */
	struct kfd_event *fault;	/* MEMORY: a GPU VM fault of this process */
	pthread_mutex_t lock;		/* one queue and staging BO, shared by the caller's threads */
	bool dead;			/* a VM fault evicted the process's queues */
	struct pref_range *prefs;
};

static struct kfd_priv *priv(const struct svm_dev *dev)
{
	return dev->priv;
}

struct kfd_device *kfd_svm_dev_device(const struct svm_dev *dev)
{
	return dev->backend == &svm_kfd_backend ? priv(dev)->kdev : NULL;
}

static uint64_t page_floor(const struct svm_dev *dev, uint64_t a)
{
	return a & ~(uint64_t)(dev->page_size - 1);
}

static uint64_t page_ceil(const struct svm_dev *dev, uint64_t a)
{
	return (a + dev->page_size - 1) & ~(uint64_t)(dev->page_size - 1);
}

static int set_attr(struct kfd_priv *p, uint64_t start, uint64_t size, uint32_t type,
		    uint32_t value)
{
	struct kfd_ioctl_svm_attribute attr = { .type = type, .value = value };

	return __kfd_svm_attrs(p->kdev->fd, KFD_IOCTL_SVM_OP_SET_ATTR, start, size, &attr, 1);
}

/* ---- close and open ------------------------------------------------------ */

static void kfd_close(struct svm_dev *dev)
{
	struct kfd_priv *p = priv(dev);

	if (!p)
		return;
	while (p->prefs) {
		struct pref_range *r = p->prefs;

		/* Ranges unmapped since are gone from KFD too: -EFAULT then is fine. */
		if (!p->dead)
			set_attr(p, r->start, r->size, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC,
				 KFD_IOCTL_SVM_LOCATION_SYSMEM);
		p->prefs = r->next;
		free(r);
	}
	if (p->q)
		__kfd_sdma_queue_destroy(p->q);
	if (p->done)
		__kfd_event_destroy(p->done);
	if (p->fault)
		__kfd_event_destroy(p->fault);
	if (p->staging)
		__kfd_bo_free(p->staging);
	/* With no queue of ours left the mode can change back (else -EBUSY: kept). */
	if (p->kdev && p->xnack_at_open >= 0 && p->xnack_at_open != p->xnack)
		__kfd_xnack_set(p->kdev->fd, p->xnack_at_open);
	kfd_device_close(p->kdev);
	pthread_mutex_destroy(&p->lock);
	free(p);
	dev->priv = NULL;
	dev->fd = -1;
}

/* The KFD process in the variant's XNACK mode; -EOPNOTSUPP when it cannot be. */
static int set_xnack(struct kfd_priv *p)
{
	int ret, now = -1;

	if ((ret = __kfd_xnack_query(p->kdev->fd, &p->xnack_at_open)))
		return ret;
	/* A second handle of the process finds the mode set (and -EBUSY to set it). */
	if (p->xnack_at_open == p->xnack)
		return 0;
	ret = __kfd_xnack_set(p->kdev->fd, p->xnack);
	if (ret == -EPERM) {
		svm_dev_set_unsupported("GPU 0x%x cannot run with XNACK %s (SET_XNACK_MODE: EPERM)",
					p->gpu->gpu_id, p->xnack ? "on" : "off");
		return -EOPNOTSUPP;
	}
	if (ret == -EBUSY) {
		svm_dev_set_unsupported("XNACK cannot switch to %s: this process has user queues "
					"already (SET_XNACK_MODE: EBUSY)", p->xnack ? "on" : "off");
		return -EOPNOTSUPP;
	}
	if (!ret)
		ret = __kfd_xnack_query(p->kdev->fd, &now);
	if (!ret && now != p->xnack)
		ret = -EPROTO;	/* the kernel said yes and did not */
	return ret;
}

static int setup(struct kfd_priv *p)
{
	const struct kfd_node *node;
	int ret;

	if (!kfd_device_has_svm(p->kdev)) {
		svm_dev_set_unsupported("KFD uAPI %u.%u has no SVM (needs 1.%u)", p->kdev->major,
					p->kdev->minor, IGT_KFD_MINOR_SVM);
		return -EOPNOTSUPP;
	}
	p->gpu = &p->kdev->gpus[0];
	node = p->gpu->node;
	if (!kfd_node_has_svm(node)) {
		svm_dev_set_unsupported("GPU 0x%x has no SVM capability in its topology node",
					p->gpu->gpu_id);
		return -EOPNOTSUPP;
	}
	if (node->gfx_target_version < 90000) {
		svm_dev_set_unsupported("GPU 0x%x is gfx%u: SVM needs gfx9 or later",
					p->gpu->gpu_id, node->gfx_target_version / 10000);
		return -EOPNOTSUPP;
	}
	if ((ret = set_xnack(p)))
		return ret;
	if ((ret = __kfd_sdma_queue_create(p->kdev, p->gpu, 0, &p->q)) ||
	    (ret = __kfd_bo_gtt(p->gpu, p->kdev, STAGING_BYTES,
				KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE | KFD_IOC_ALLOC_MEM_FLAGS_UNCACHED,
				&p->staging)) ||
	    (ret = __kfd_event_create(p->kdev, KFD_IOC_EVENT_SIGNAL, true, &p->done)))
		return ret;
	return __kfd_event_create(p->kdev, KFD_IOC_EVENT_MEMORY, false, &p->fault);
}

static int kfd_open(struct svm_dev *dev, const struct igt_device_info *info)
{
	struct kfd_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	p->xnack_at_open = -1;
	p->xnack = dev->variant && !strcmp(dev->variant->name, "xnack-on");
	dev->priv = p;
	ret = __kfd_device_open(info, &p->kdev);
	if (!ret) {
		dev->fd = p->kdev->fd;
		dev->page_size = p->kdev->page_size;
		ret = setup(p);
	}
	if (ret)
		kfd_close(dev);
	return ret;
}

/* ---- running SDMA jobs --------------------------------------------------- */

/*
 * Submits @pkt (room for a FENCE and a TRAP after @n dwords) and waits
 * for the job's FENCE + TRAP or a VM fault, whichever comes: 0, -EIO on a
 * fault (the queues are evicted for good: the handle is dead), -ETIME.
 */
static int run_job(struct kfd_priv *p, uint32_t *pkt, uint32_t n)
{
	struct kfd_event_data ev[2] = {
		{ .event_id = p->done->id },
		{ .event_id = p->fault->id },
	};
	uint64_t va;
	uint32_t result;
	int ret;

	n += kfd_sdma_fence(pkt + n, kfd_event_slot_va(p->done), p->done->id, p->q->fence_extras);
	n += kfd_sdma_trap(pkt + n, p->done->trigger_data);
	ret = __kfd_sdma_submit(p->q, pkt, n, KFD_DEFAULT_TIMEOUT_MS);
	if (!ret)
		ret = __kfd_wait_events(p->kdev->fd, ev, 2, false, KFD_DEFAULT_TIMEOUT_MS, &result);
	if (!ret && result == KFD_IOC_WAIT_RESULT_TIMEOUT)
		ret = -ETIME;
	else if (!ret && result != KFD_IOC_WAIT_RESULT_COMPLETE)
		ret = -EIO;
	/* A fault event also ends the wait: which one it was is its own state. */
	if (!__kfd_event_wait_memory_fault(p->fault, 0, &va, NULL))
		ret = -EIO;
	if (ret)
		p->dead = true;
	return ret;
}

static int copy_job(struct kfd_priv *p, uint64_t dst, uint64_t src, uint64_t bytes)
{
	uint32_t pkt[KFD_SDMA_COPY_DWORDS + KFD_SDMA_FENCE_DWORDS + KFD_SDMA_TRAP_DWORDS];

	return run_job(p, pkt, kfd_sdma_copy_linear(pkt, dst, src, bytes));
}

/* With XNACK off a range reaches the GPU only once it has ACCESS for it. */
static int grant(struct svm_dev *dev, struct kfd_priv *p, const void *addr, size_t len)
{
	uint64_t start = page_floor(dev, (uintptr_t)addr);

	return set_attr(p, start, page_ceil(dev, (uintptr_t)addr + len) - start,
			KFD_IOCTL_SVM_ATTR_ACCESS, p->gpu->gpu_id);
}

static bool overlap(const void *a, const void *b, size_t len)
{
	uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

	return x < y + len && y < x + len;
}

/* Memmove through the staging BO, one chunk at a time, in the safe direction. */
static int staged_copy(struct kfd_priv *p, uint64_t dst, uint64_t src, uint64_t len)
{
	uint64_t staging = p->staging->va;
	bool backwards = dst > src;
	int ret = 0;

	for (uint64_t done = 0; !ret && done < len;) {
		uint64_t n = len - done < STAGING_BYTES ? len - done : STAGING_BYTES;
		uint64_t off = backwards ? len - done - n : done;

		ret = copy_job(p, staging, src + off, n);
		if (!ret)
			ret = copy_job(p, dst + off, staging, n);
		done += n;
	}
	return ret;
}

static int access_locked(struct svm_dev *dev, enum svm_access_kind kind, void *dst,
			 const void *src, size_t len)
{
	struct kfd_priv *p = priv(dev);
	uint8_t *stage = p->staging->cpu;
	int ret = 0;

	if (p->dead)
		return -EIO;
	if (kind != SVM_ACCESS_WRITE)
		ret = grant(dev, p, src, len);
	if (!ret && kind != SVM_ACCESS_READ)
		ret = grant(dev, p, dst, len);
	if (ret)
		return ret;
	if (kind == SVM_ACCESS_COPY)
		return overlap(dst, src, len) ? staged_copy(p, (uintptr_t)dst, (uintptr_t)src, len)
					      : copy_job(p, (uintptr_t)dst, (uintptr_t)src, len);
	for (size_t done = 0; !ret && done < len;) {
		size_t n = len - done < STAGING_BYTES ? len - done : STAGING_BYTES;

		if (kind == SVM_ACCESS_READ) {
			ret = copy_job(p, p->staging->va, (uintptr_t)src + done, n);
			if (!ret)
				memcpy((uint8_t *)dst + done, stage, n);
		} else {
			memcpy(stage, (const uint8_t *)src + done, n);
			ret = copy_job(p, (uintptr_t)dst + done, p->staging->va, n);
		}
		done += n;
	}
	return ret;
}

static int access_here(struct svm_dev *dev, enum svm_access_kind kind, void *dst, const void *src,
		       size_t len)
{
	struct kfd_priv *p = priv(dev);
	int ret;

	pthread_mutex_lock(&p->lock);
	ret = access_locked(dev, kind, dst, src, len);
	pthread_mutex_unlock(&p->lock);
	return ret;
}

/*
 * An access the CPU's mapping forbids runs in a child with a KFD process
 * of its own: its kernel, not the backend, decides (kfd_backend.h).
 */
static int gpu_access(struct svm_dev *dev, enum svm_access_kind kind, void *dst, const void *src,
		      size_t len)
{
	int cause = svm_access_refusal(kind, dst, src, len);

	if (cause == -EIO)
		return cause;
	if (cause) {
		kfd_expect_vm_fault();	/* the child's, when its kernel refuses */
		return svm_access_in_child(dev, access_locked, kind, dst, src, len, cause,
					   CHILD_TIMEOUT_MS);
	}
	return access_here(dev, kind, dst, src, len);
}

static int kfd_gpu_read(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	return gpu_access(dev, SVM_ACCESS_READ, dst, src, len);
}

static int kfd_gpu_write(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	return gpu_access(dev, SVM_ACCESS_WRITE, dst, src, len);
}

static int kfd_gpu_copy(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	return gpu_access(dev, SVM_ACCESS_COPY, dst, src, len);
}

static int kfd_prefer(struct svm_dev *dev, void *addr, size_t len, enum svm_location loc)
{
	struct kfd_priv *p = priv(dev);
	uint64_t start = (uintptr_t)addr, size = page_ceil(dev, len);
	struct pref_range *r = malloc(sizeof(*r));
	int ret;

	if (!r)
		return -ENOMEM;
	pthread_mutex_lock(&p->lock);
	ret = set_attr(p, start, size, KFD_IOCTL_SVM_ATTR_PREFERRED_LOC,
		       loc == SVM_LOC_DEVICE ? p->gpu->gpu_id : KFD_IOCTL_SVM_LOCATION_SYSMEM);
	if (!ret && loc == SVM_LOC_DEVICE) {
		*r = (struct pref_range){ .next = p->prefs, .start = start, .size = size };
		p->prefs = r;
		r = NULL;
	}
	pthread_mutex_unlock(&p->lock);
	free(r);
	return ret;
}

static const struct svm_dev_ops kfd_ops = {
	.open = kfd_open,
	.close = kfd_close,
	.gpu_read = kfd_gpu_read,
	.gpu_write = kfd_gpu_write,
	.gpu_copy = kfd_gpu_copy,
	.prefer = kfd_prefer,
};

static const struct svm_variant kfd_variants[] = {
	{ "xnack-off", "retry faults off: ranges are mapped before the device runs" },
	{ "xnack-on", "retry faults on: the device faults pages in" },
};

const struct svm_backend svm_kfd_backend = {
	.name = "kfd",
	.kind = IGT_DEV_KFD,
	.driver = NULL,
	.caps = SVM_CAP_GPU_READ | SVM_CAP_GPU_WRITE | SVM_CAP_GPU_COPY | SVM_CAP_PREFER,
	.ops = &kfd_ops,
	.variants = kfd_variants,
	.num_variants = ARRAY_SIZE(kfd_variants),
};
