/* SPDX-License-Identifier: MIT */
/* SDMA through libdrm_amdgpu (see amdgpu_sdma.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <amdgpu.h>
#include <amdgpu_drm.h>
#include <xf86drm.h>

#include "amdgpu_sdma.h"
#include "igt_core.h"
#include "igt_defer.h"
#include "kfd/kfd_sdma.h"
#include "uapi/amdgpu_svm_drm.h"	/* after amdgpu_drm.h: AMDGPU_INFO_GPUVM_FAULT */
#include "util.h"

#define IB_BYTES	SZ_64K
#define STAGING_BYTES	SZ_2M
/* SDMA IBs start 32-byte aligned and are padded to 8 dwords with NOPs. */
#define IB_ALIGN_DW	8
/* One IB's worth of COPY / FILL packets, kept well inside the IB. */
#define OP_MAX_BYTES	SZ_1G

/* A GTT BO, CPU-mapped, with a GPU VA in the VM's high range. */
struct gtt_bo {
	amdgpu_bo_handle *bo;
	amdgpu_va_handle *va_handle;
	uint64_t *va;
	void **cpu;
};

static void gtt_free(amdgpu_bo_handle bo, amdgpu_va_handle va_handle, uint64_t va, void *cpu,
		     uint64_t size)
{
	if (cpu)
		amdgpu_bo_cpu_unmap(bo);
	if (va_handle) {
		amdgpu_bo_va_op(bo, 0, size, va, 0, AMDGPU_VA_OP_UNMAP);
		amdgpu_va_range_free(va_handle);
	}
	if (bo)
		amdgpu_bo_free(bo);
}

/* Fills the four outputs, or leaves them all NULL/0 after releasing what it took. */
static int gtt_alloc(amdgpu_device_handle dev, uint64_t size, const struct gtt_bo *o)
{
	struct amdgpu_bo_alloc_request req = {
		.alloc_size = size,
		.phys_alignment = SZ_4K,
		.preferred_heap = AMDGPU_GEM_DOMAIN_GTT,
		.flags = AMDGPU_GEM_CREATE_CPU_GTT_USWC,
	};
	amdgpu_bo_handle bo = NULL;
	amdgpu_va_handle vah = NULL;
	uint64_t va = 0;
	void *cpu = NULL;
	int ret;

	ret = amdgpu_bo_alloc(dev, &req, &bo);
	if (!ret) {
		/* High range: never a CPU address that an SVM test might use. */
		ret = amdgpu_va_range_alloc(dev, amdgpu_gpu_va_range_general, size, SZ_64K, 0,
					    &va, &vah, AMDGPU_VA_RANGE_HIGH);
		if (ret)
			vah = NULL;
	}
	if (!ret && (ret = amdgpu_bo_va_op(bo, 0, size, va, 0, AMDGPU_VA_OP_MAP))) {
		amdgpu_va_range_free(vah);
		vah = NULL;
	}
	if (!ret && (ret = amdgpu_bo_cpu_map(bo, &cpu)))
		cpu = NULL;
	if (ret) {
		gtt_free(bo, vah, va, cpu, size);
		return ret < 0 ? ret : -EIO;
	}
	*o->bo = bo;
	*o->va_handle = vah;
	*o->va = va;
	*o->cpu = cpu;
	return 0;
}

/*
 * libdrm_amdgpu keeps one device per GPU and process, found again by the
 * device's name: a fork child opening the same GPU would get the parent's
 * device back, and with it the parent's drm_file, which the child shares
 * (the same open file): its work would run on the parent's VM.  So a child
 * first lets go of the devices it inherited (amdgpu_device_deinitialize
 * issues no ioctl: it only closes the child's copy of the fd), and never
 * frees the inherited BOs, contexts and lists, whose ioctls would act on
 * the parent's file; they stay on @inherited, reachable, until it exits.
 */
static struct amdgpu_sdma *open_handles, *inherited;

static void drop_inherited(void)
{
	for (struct amdgpu_sdma **p = &open_handles; *p;) {
		struct amdgpu_sdma *s = *p;

		if (s->pid == getpid()) {
			p = &s->next;
			continue;
		}
		*p = s->next;
		if (s->dev)
			amdgpu_device_deinitialize(s->dev);
		s->dev = NULL;
		s->next = inherited;
		inherited = s;
	}
}

void amdgpu_sdma_close(struct amdgpu_sdma *s)
{
	if (!s)
		return;
	for (struct amdgpu_sdma **p = &open_handles; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	if (s->pid && s->pid != getpid())
		return;		/* the parent's: see drop_inherited */
	if (s->bo_list)
		amdgpu_bo_list_destroy(s->bo_list);
	gtt_free(s->staging_bo, s->staging_va_handle, s->staging_va, s->staging_cpu,
		 s->staging_bytes);
	gtt_free(s->ib_bo, s->ib_va_handle, s->ib_va, s->ib_cpu, s->ib_bytes);
	if (s->ctx)
		amdgpu_cs_ctx_free(s->ctx);
	if (s->dev)
		amdgpu_device_deinitialize(s->dev);
	free(s);
}

/*
 * libdrm_amdgpu dereferences what drmGetVersion answers without a check,
 * so a node that is not amdgpu 3.x is refused here first.
 */
static bool is_amdgpu(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool ok = v && v->name && !strcmp(v->name, "amdgpu") && v->version_major == 3;

	drmFreeVersion(v);
	return ok;
}

int __amdgpu_sdma_open(int render_fd, uint32_t gfx_target_version, struct amdgpu_sdma **out)
{
	struct amdgpu_sdma *s = calloc(1, sizeof(*s));
	uint32_t major, minor;
	void *ib_cpu = NULL;
	int ret;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	if (!is_amdgpu(render_fd)) {
		free(s);
		return -ENODEV;
	}
	drop_inherited();
	s->fence_extras = kfd_sdma_fence_extras(gfx_target_version);
	ret = amdgpu_device_initialize(render_fd, &major, &minor, &s->dev);
	if (ret) {
		s->dev = NULL;
		free(s);
		return ret < 0 ? ret : -EIO;
	}
	if ((ret = amdgpu_cs_ctx_create(s->dev, &s->ctx)))
		s->ctx = NULL;
	if (!ret)
		ret = gtt_alloc(s->dev, IB_BYTES, &(struct gtt_bo){ &s->ib_bo, &s->ib_va_handle,
								    &s->ib_va, &ib_cpu });
	if (!ret) {
		s->ib_cpu = ib_cpu;
		s->ib_bytes = IB_BYTES;
		ret = gtt_alloc(s->dev, STAGING_BYTES,
				&(struct gtt_bo){ &s->staging_bo, &s->staging_va_handle,
						  &s->staging_va, &s->staging_cpu });
	}
	if (!ret) {
		amdgpu_bo_handle bos[] = { s->ib_bo, s->staging_bo };

		s->staging_bytes = STAGING_BYTES;
		if ((ret = amdgpu_bo_list_create(s->dev, ARRAY_SIZE(bos), bos, NULL, &s->bo_list)))
			s->bo_list = NULL;
	}
	if (ret) {
		amdgpu_sdma_close(s);
		return ret < 0 ? ret : -EIO;
	}
	s->pid = getpid();
	s->next = open_handles;
	open_handles = s;
	*out = s;
	return 0;
}

static int release_sdma(uint64_t s, uint64_t unused)
{
	(void)unused;
	amdgpu_sdma_close((struct amdgpu_sdma *)(uintptr_t)s);
	return 0;
}

struct amdgpu_sdma *amdgpu_sdma_open(int render_fd, uint32_t gfx_target_version)
{
	struct amdgpu_sdma *s;
	int ret = __amdgpu_sdma_open(render_fd, gfx_target_version, &s);

	igt_assert_f(ret == 0, "libdrm_amdgpu SDMA on fd %d: %s\n", render_fd, strerror(-ret));
	igt_defer(release_sdma, (uintptr_t)s, 0);
	return s;
}

/* -ECANCELED when the kernel reset this context (guilty or not), else 0 or -errno. */
static int context_state(struct amdgpu_sdma *s)
{
	uint64_t flags = 0;
	int ret = amdgpu_cs_query_reset_state2(s->ctx, &flags);

	if (ret)
		return ret;
	return flags & (AMDGPU_CTX_QUERY2_FLAGS_RESET | AMDGPU_CTX_QUERY2_FLAGS_GUILTY) ?
	       -ECANCELED : 0;
}

int __amdgpu_sdma_run(struct amdgpu_sdma *s, const uint32_t *dw, uint32_t n, uint64_t timeout_ns)
{
	struct amdgpu_cs_ib_info ib = { .ib_mc_address = s->ib_va };
	struct amdgpu_cs_request req = {
		.ip_type = AMDGPU_HW_IP_DMA,
		.ring = 0,
		.resources = s->bo_list,
		.number_of_ibs = 1,
		.ibs = &ib,
	};
	struct amdgpu_cs_fence fence = { .context = s->ctx, .ip_type = AMDGPU_HW_IP_DMA };
	uint32_t padded = (n + IB_ALIGN_DW - 1) / IB_ALIGN_DW * IB_ALIGN_DW;
	uint32_t expired = 0;
	int ret;

	if (!n)
		return -EINVAL;
	if (padded > s->ib_bytes / 4)
		return -E2BIG;
	memcpy(s->ib_cpu, dw, n * sizeof(*dw));
	kfd_sdma_nop(s->ib_cpu + n, padded - n);
	ib.size = padded;
	ret = amdgpu_cs_submit(s->ctx, 0, &req, 1);
	if (ret)
		return ret == -ECANCELED ? ret : (context_state(s) ?: ret);
	fence.fence = req.seq_no;
	ret = amdgpu_cs_query_fence_status(&fence, timeout_ns, 0, &expired);
	if (!ret && !expired)
		ret = -ETIME;
	/* A reset context signals its fences too: the state says whether the work ran. */
	if (!ret || ret == -ETIME) {
		int state = context_state(s);

		if (state)
			ret = state;
	}
	return ret;
}

int __amdgpu_sdma_vm_fault(struct amdgpu_sdma *s, uint64_t *addr, uint32_t *status)
{
	struct drm_amdgpu_info_gpuvm_fault f = { 0 };
	int ret = amdgpu_query_info(s->dev, AMDGPU_INFO_GPUVM_FAULT, sizeof(f), &f);

	if (ret)
		return ret;
	*addr = f.addr;
	*status = f.status;
	return 0;
}

static bool dword_ok(uint64_t a, uint64_t b, uint64_t bytes)
{
	return bytes && !(a & 3) && !(b & 3) && !(bytes & 3);
}

/* The packets of a COPY from @src, or with @fill a dword CONSTANT_FILL of @value; NULL @out counts. */
static unsigned int linear_packets(uint32_t *out, bool fill, uint64_t dst, uint64_t src,
				   uint32_t value, uint64_t bytes)
{
	return fill ? kfd_sdma_const_fill(out, dst, value, bytes)
		    : kfd_sdma_copy_linear(out, dst, src, bytes);
}

/* One IB per OP_MAX_BYTES of [dst, dst + bytes). */
static int run_linear(struct amdgpu_sdma *s, bool fill, uint64_t dst, uint64_t src,
		      uint32_t value, uint64_t bytes)
{
	int ret = 0;

	for (uint64_t done = 0; !ret && done < bytes; done += OP_MAX_BYTES) {
		uint64_t n = bytes - done < OP_MAX_BYTES ? bytes - done : OP_MAX_BYTES;
		uint32_t len = linear_packets(NULL, fill, dst + done, src + done, value, n);
		uint32_t *pkt = malloc(len * sizeof(*pkt));

		if (!pkt)
			return -ENOMEM;
		linear_packets(pkt, fill, dst + done, src + done, value, n);
		ret = __amdgpu_sdma_run(s, pkt, len, AMDGPU_SDMA_TIMEOUT_NS);
		free(pkt);
	}
	return ret;
}

int __amdgpu_sdma_copy(struct amdgpu_sdma *s, uint64_t dst, uint64_t src, uint64_t bytes)
{
	return dword_ok(dst, src, bytes) ? run_linear(s, false, dst, src, 0, bytes) : -EINVAL;
}

int __amdgpu_sdma_fill(struct amdgpu_sdma *s, uint64_t dst, uint32_t value, uint64_t bytes)
{
	return dword_ok(dst, 0, bytes) ? run_linear(s, true, dst, 0, value, bytes) : -EINVAL;
}

int __amdgpu_sdma_read(struct amdgpu_sdma *s, void *dst_cpu, uint64_t src, uint64_t bytes)
{
	int ret = 0;

	if (!dword_ok(0, src, bytes))
		return -EINVAL;
	for (uint64_t done = 0; !ret && done < bytes;) {
		uint64_t n = bytes - done < s->staging_bytes ? bytes - done : s->staging_bytes;

		ret = __amdgpu_sdma_copy(s, s->staging_va, src + done, n);
		if (!ret)
			memcpy((uint8_t *)dst_cpu + done, s->staging_cpu, n);
		done += n;
	}
	return ret;
}

int __amdgpu_sdma_write(struct amdgpu_sdma *s, uint64_t dst, const void *src_cpu, uint64_t bytes)
{
	int ret = 0;

	if (!dword_ok(dst, 0, bytes))
		return -EINVAL;
	for (uint64_t done = 0; !ret && done < bytes;) {
		uint64_t n = bytes - done < s->staging_bytes ? bytes - done : s->staging_bytes;

		memcpy(s->staging_cpu, (const uint8_t *)src_cpu + done, n);
		ret = __amdgpu_sdma_copy(s, dst + done, s->staging_va, n);
		done += n;
	}
	return ret;
}
