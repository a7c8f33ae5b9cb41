/* SPDX-License-Identifier: MIT */
/* svm_dev ops on the drm_gpusvm RFC's render-node SVM (see amdgpu_backend.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "amdgpu_backend.h"
#include "amdgpu_sdma.h"
#include "amdgpu_svm.h"
#include "kfd/kfd_device.h"
#include "kfd/kfd_events.h"
#include "svm/svm_refusal.h"
#include "util.h"

/* A child's whole bring-up, access and teardown: generous, it is a hang detector. */
#define CHILD_TIMEOUT_MS (3 * KFD_DEFAULT_TIMEOUT_MS)

struct asvm_priv {
	struct kfd_device *kdev;
	struct amdgpu_svm svm;
	struct amdgpu_sdma *sdma;
	pthread_mutex_t lock;		/* one context and staging BO, shared by the caller's threads */
	uint64_t fault_addr;		/* the VM's last fault as last seen */
	uint32_t fault_status;
	bool dead;			/* a VM fault was seen: every later op is -EIO */
};

static struct asvm_priv *priv(const struct svm_dev *dev)
{
	return dev->priv;
}

static void asvm_close(struct svm_dev *dev)
{
	struct asvm_priv *p = priv(dev);

	if (!p)
		return;
	amdgpu_sdma_close(p->sdma);
	if (p->kdev)
		kfd_device_close(p->kdev);
	pthread_mutex_destroy(&p->lock);
	free(p);
	dev->priv = NULL;
	dev->fd = -1;
}

/* The probe's verdict against the variant's revision; -EOPNOTSUPP with the reason. */
static int check_revision(const struct svm_dev *dev, struct asvm_priv *p)
{
	bool xnack = dev->variant && !strcmp(dev->variant->name, "xnack-on");
	enum amdgpu_svm_rev want = xnack ? AMDGPU_SVM_V8 : AMDGPU_SVM_V1;
	int ret = __amdgpu_svm_probe(p->svm.fd, &p->svm.probe);

	if (ret == -ENODEV || (!ret && p->svm.probe.rev == AMDGPU_SVM_ABSENT)) {
		svm_dev_set_unsupported("no drm_gpusvm SVM ioctl on this amdgpu kernel: %s",
					p->svm.probe.reason);
		return -EOPNOTSUPP;
	}
	if (ret)
		return ret;
	if (p->svm.probe.disabled) {
		svm_dev_set_unsupported("amdgpu SVM %s is not enabled: %s",
					amdgpu_svm_rev_name(p->svm.probe.rev), p->svm.probe.reason);
		return -EOPNOTSUPP;
	}
	if (p->svm.probe.rev != want) {
		svm_dev_set_unsupported("the kernel has RFC %s, which has no XNACK-%s mode (%s has)",
					amdgpu_svm_rev_name(p->svm.probe.rev), xnack ? "on" : "off",
					amdgpu_svm_rev_name(want));
		return -EOPNOTSUPP;
	}
	return 0;
}

static int asvm_open(struct svm_dev *dev, const struct igt_device_info *info)
{
	struct asvm_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	dev->priv = p;
	ret = __kfd_device_open(info, &p->kdev);
	if (!ret) {
		p->svm.fd = p->kdev->gpus[0].render_fd;
		p->svm.gpu_id = p->kdev->gpus[0].gpu_id;
		dev->fd = p->svm.fd;
		dev->page_size = p->kdev->page_size;
		ret = check_revision(dev, p);
	}
	if (!ret)
		ret = __amdgpu_sdma_open(p->svm.fd, p->kdev->gpus[0].node->gfx_target_version,
					 &p->sdma);
	if (!ret)
		ret = __amdgpu_sdma_vm_fault(p->sdma, &p->fault_addr, &p->fault_status);
	if (ret == -EINVAL) {
		svm_dev_set_unsupported("AMDGPU_INFO_GPUVM_FAULT is refused (kernel before 6.10?): "
					"a failed GPU access could not be told from one that worked");
		ret = -EOPNOTSUPP;
	}
	if (ret)
		asvm_close(dev);
	return ret;
}

/* ---- accesses ------------------------------------------------------------ */

/* ACCESS for this GPU over the pages of [addr, addr + len): v1 maps them now. */
static int grant(const struct svm_dev *dev, struct asvm_priv *p, const void *addr, size_t len)
{
	const struct amdgpu_svm_attr access = { .kind = ASVM_ACCESS, .value = ASVM_ACCESS_MIGRATE };
	uint64_t start = (uintptr_t)addr & ~(uint64_t)(dev->page_size - 1);
	uint64_t end = ((uintptr_t)addr + len + dev->page_size - 1) & ~(uint64_t)(dev->page_size - 1);

	return __amdgpu_svm_set(&p->svm, start, end - start, &access, 1);
}

/* -EIO when the VM recorded a fault since the last look (the handle is then dead). */
static int fault_since(struct asvm_priv *p)
{
	uint64_t addr;
	uint32_t status;
	int ret = __amdgpu_sdma_vm_fault(p->sdma, &addr, &status);

	if (ret)
		return ret;
	if (addr == p->fault_addr && status == p->fault_status)
		return 0;
	p->fault_addr = addr;
	p->fault_status = status;
	p->dead = true;
	return -EIO;
}

static bool overlap(const void *a, const void *b, size_t len)
{
	uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

	return x < y + len && y < x + len;
}

static int run_access(struct asvm_priv *p, enum svm_access_kind kind, void *dst, const void *src,
		      size_t len)
{
	void *tmp;
	int ret;

	switch (kind) {
	case SVM_ACCESS_READ:
		return __amdgpu_sdma_read(p->sdma, dst, (uintptr_t)src, len);
	case SVM_ACCESS_WRITE:
		return __amdgpu_sdma_write(p->sdma, (uintptr_t)dst, src, len);
	default:
		if (!overlap(dst, src, len))
			return __amdgpu_sdma_copy(p->sdma, (uintptr_t)dst, (uintptr_t)src, len);
		/* memmove: the device reads all of @src, then writes all of @dst */
		tmp = malloc(len);
		if (!tmp)
			return -ENOMEM;
		ret = __amdgpu_sdma_read(p->sdma, tmp, (uintptr_t)src, len);
		if (!ret)
			ret = fault_since(p);
		if (!ret)
			ret = __amdgpu_sdma_write(p->sdma, (uintptr_t)dst, tmp, len);
		free(tmp);
		return ret;
	}
}

static int access_locked(struct svm_dev *dev, enum svm_access_kind kind, void *dst,
			 const void *src, size_t len)
{
	struct asvm_priv *p = priv(dev);
	int ret = 0;

	if (p->dead)
		return -EIO;
	if (kind != SVM_ACCESS_WRITE)
		ret = grant(dev, p, src, len);
	if (!ret && kind != SVM_ACCESS_READ)
		ret = grant(dev, p, dst, len);
	if (!ret)
		ret = run_access(p, kind, dst, src, len);
	if (!ret)
		ret = fault_since(p);
	return ret;
}

/*
 * An access the CPU's mapping forbids runs in a child with a render node
 * (and so a VM) of its own, whose fault record starts empty: any fault
 * there, or SET refusing the range, is the refusal (amdgpu_backend.h).
 */
static int gpu_access(struct svm_dev *dev, enum svm_access_kind kind, void *dst, const void *src,
		      size_t len)
{
	int cause = svm_access_refusal(kind, dst, src, len);
	int ret;

	if (cause == -EIO)
		return cause;
	if (cause) {
		kfd_expect_vm_fault();	/* the child's, when its kernel refuses */
		return svm_access_in_child(dev, access_locked, kind, dst, src, len, cause,
					   CHILD_TIMEOUT_MS);
	}
	pthread_mutex_lock(&priv(dev)->lock);
	ret = access_locked(dev, kind, dst, src, len);
	pthread_mutex_unlock(&priv(dev)->lock);
	return ret;
}

static int asvm_gpu_read(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	return gpu_access(dev, SVM_ACCESS_READ, dst, src, len);
}

static int asvm_gpu_write(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	return gpu_access(dev, SVM_ACCESS_WRITE, dst, src, len);
}

static int asvm_gpu_copy(struct svm_dev *dev, void *dst, const void *src, size_t len)
{
	return gpu_access(dev, SVM_ACCESS_COPY, dst, src, len);
}

static const struct svm_dev_ops asvm_ops = {
	.open = asvm_open,
	.close = asvm_close,
	.gpu_read = asvm_gpu_read,
	.gpu_write = asvm_gpu_write,
	.gpu_copy = asvm_gpu_copy,
};

static const struct svm_variant asvm_variants[] = {
	{ "xnack-off", "RFC v1: ranges are mapped by SET before the device runs" },
	{ "xnack-on", "RFC v8: the device faults pages in" },
};

const struct svm_backend svm_amdgpu_svm_backend = {
	.name = "amdgpu-svm",
	.kind = IGT_DEV_KFD,
	.driver = NULL,
	.caps = SVM_CAP_GPU_READ | SVM_CAP_GPU_WRITE | SVM_CAP_GPU_COPY,
	.ops = &asvm_ops,
	.variants = asvm_variants,
	.num_variants = ARRAY_SIZE(asvm_variants),
};
