/* SPDX-License-Identifier: MIT */
/*
 * amdgpu's SVM on drm_gpusvm (Honglei Huang's RFC, not upstream): the
 * render-node ioctl DRM_AMDGPU_GEM_SVM in whichever revision the running
 * kernel carries, behind one attribute model, so that a test is written
 * once for v1 and v8 (include/uapi/amdgpu_svm_drm.h has both numberings).
 *
 * The ioctl is per device: each GPU's render file has its own drm_gpusvm
 * and its own attribute tree, unlike KFD's per-process SVM.
 *
 * Which revision, and at which ioctl number, is decided once per render
 * file by __amdgpu_svm_probe(), whose rule (README.md "Probe") never issues
 * an ioctl number that means something else on the running kernel: 0x1a is
 * DRM_AMDGPU_PROC_OPTIONS on 7.x.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/amdgpu_svm_drm.h"

enum amdgpu_svm_rev {
	AMDGPU_SVM_ABSENT,	/* no SVM ioctl on this kernel (or not one we may call) */
	AMDGPU_SVM_V1,		/* RFC/POC v1: 0x1a, XNACK off only */
	AMDGPU_SVM_V8,		/* PATCH v8: 0x1b, XNACK on only */
	/*
	 * Not a render-node revision: KFD's own SVM ioctl on /dev/kfd, whose
	 * numbering v1 copied, behind the same model (amdgpu_svm_on_kfd), so
	 * that a scenario runs unchanged on both (tests/amd_svm_vs_kfd).
	 */
	AMDGPU_SVM_KFD,
};

struct amdgpu_svm_probe {
	enum amdgpu_svm_rev rev;
	/*
	 * The ioctl answered, but SVM is not enabled on this file's VM
	 * (-EOPNOTSUPP: v8 with XNACK off, v1 before the VM is a compute VM).
	 */
	bool disabled;
	unsigned int drm_major, drm_minor;	/* amdgpu's DRM_IOCTL_VERSION */
	char release[65];		/* uname -r */
	/* Why absent or disabled, for the skip message; empty when usable. */
	char reason[256];
};

/*
 * Probes @render_fd (an amdgpu render node; make it a compute VM first,
 * e.g. with KFD's ACQUIRE_VM, as v1 only creates the SVM there).
 * 0 with *@out filled in (absent is not an error), -errno when the probe
 * itself could not run (not an amdgpu node: -ENODEV).
 */
int __amdgpu_svm_probe(int render_fd, struct amdgpu_svm_probe *out);
const char *amdgpu_svm_rev_name(enum amdgpu_svm_rev rev);	/* "v1", "v8", "kfd", "absent" */

/* The ioctl a revision sits at: the number follows from the revision. */
static inline unsigned long amdgpu_svm_request(enum amdgpu_svm_rev rev)
{
	return rev == AMDGPU_SVM_V1 ? DRM_IOCTL_AMDGPU_GEM_SVM_V1
	     : rev == AMDGPU_SVM_V8 ? DRM_IOCTL_AMDGPU_GEM_SVM_V8 : 0;
}

/* ---- one attribute model for both revisions ---- */

enum amdgpu_svm_attr_kind {
	ASVM_PREFERRED_LOC,	/* value: ASVM_LOC_SYSMEM, ASVM_LOC_UNDEFINED or a GPU id */
	ASVM_PREFETCH_LOC,	/* likewise */
	ASVM_ACCESS,		/* value: enum amdgpu_svm_access */
	ASVM_GRANULARITY,	/* value: log2 of pages */
	ASVM_FLAG,		/* .flag says which; value 0 or 1 */
};

/* Both revisions number the locations alike: the uAPI's values serve the model. */
_Static_assert(AMDGPU_SVM_V1_LOCATION_SYSMEM == AMDGPU_SVM_V8_LOCATION_SYSMEM &&
	       AMDGPU_SVM_V1_LOCATION_UNDEFINED == AMDGPU_SVM_V8_LOCATION_UNDEFINED,
	       "v1 and v8 locations differ");
#define ASVM_LOC_SYSMEM		AMDGPU_SVM_V8_LOCATION_SYSMEM
#define ASVM_LOC_UNDEFINED	AMDGPU_SVM_V8_LOCATION_UNDEFINED

/* v1: the ACCESS / ACCESS_IN_PLACE / NO_ACCESS attribute types; v8: ACCESS's enum. */
enum amdgpu_svm_access {
	ASVM_ACCESS_NONE,	/* v1 NO_ACCESS, v8 INACCESSIBLE */
	ASVM_ACCESS_IN_PLACE,	/* v1 ACCESS_IN_PLACE, v8 IN_PLACE */
	ASVM_ACCESS_MIGRATE,	/* v1 ACCESS, v8 ALLOW_MIGRATE */
};

/* v1: a bit of SET_FLAGS / CLR_FLAGS; v8: a boolean attribute of its own. */
enum amdgpu_svm_flag {
	ASVM_FLAG_HOST_ACCESS,
	ASVM_FLAG_COHERENT,
	ASVM_FLAG_HIVE_LOCAL,
	ASVM_FLAG_GPU_RO,
	ASVM_FLAG_GPU_EXEC,
	ASVM_FLAG_GPU_READ_MOSTLY,
	ASVM_FLAG_EXT_COHERENT,
	ASVM_FLAG_GPU_ALWAYS_MAPPED,	/* v1 only (v4 removed it): -EOPNOTSUPP on v8 */
	ASVM_NUM_FLAGS
};

struct amdgpu_svm_attr {
	enum amdgpu_svm_attr_kind kind;
	enum amdgpu_svm_flag flag;	/* ASVM_FLAG only */
	uint32_t value;
};

#define ASVM_MAX_ATTRS 32

/*
 * The SVM state of one render file: its fd, the probed revision and the
 * GPU id its access attributes name (v1's ACCESS* values carry it, as
 * KFD's do; v8's do not).
 */
struct amdgpu_svm {
	int fd;
	struct amdgpu_svm_probe probe;
	uint32_t gpu_id;
};

struct kfd_device;

/*
 * @out drives the render node of @kdev's GPU @gpu (lib/kfd acquired it,
 * so v1 finds its compute VM), probed.  An invalid IGT_AMDGPU_SVM ends
 * the program with IGT_EXIT_INVALID and the reason; a probe that cannot
 * run fails the caller; absent and disabled are answers (out->probe).
 */
void amdgpu_svm_of_gpu(struct amdgpu_svm *out, const struct kfd_device *kdev, int gpu);

/*
 * @out drives KFD's SVM (AMDKFD_IOC_SVM on @kfd_fd) for GPU @gpu_id with
 * the model: SET, GET as below (RESET is -EOPNOTSUPP, as on v1; the raw
 * render-node ioctl -ENODEV).
 */
void amdgpu_svm_on_kfd(struct amdgpu_svm *out, int kfd_fd, uint32_t gpu_id);

/*
 * SET of @n attributes on [start, start + size).  -EOPNOTSUPP for an
 * attribute the revision cannot express (GPU_ALWAYS_MAPPED on v8), else
 * the kernel's -errno.
 */
int __amdgpu_svm_set(const struct amdgpu_svm *svm, uint64_t start, uint64_t size,
		     const struct amdgpu_svm_attr *attrs, unsigned int n);
void amdgpu_svm_set(const struct amdgpu_svm *svm, uint64_t start, uint64_t size,
		    const struct amdgpu_svm_attr *attrs, unsigned int n);
/*
 * GET: each attrs[i].kind (and .flag) is asked for and .value filled in,
 * as the kernel intersects it over the range (KFD's rules: a location
 * that differs across the range is UNDEFINED, a flag is 1 only if set on
 * all of it, granularity the minimum, access the weakest).
 */
int __amdgpu_svm_get(const struct amdgpu_svm *svm, uint64_t start, uint64_t size,
		     struct amdgpu_svm_attr *attrs, unsigned int n);
void amdgpu_svm_get(const struct amdgpu_svm *svm, uint64_t start, uint64_t size,
		    struct amdgpu_svm_attr *attrs, unsigned int n);
/* RESET_ATTR (v8): the range's attributes back to the defaults; -EOPNOTSUPP on v1. */
int __amdgpu_svm_reset(const struct amdgpu_svm *svm, uint64_t start, uint64_t size);
void amdgpu_svm_reset(const struct amdgpu_svm *svm, uint64_t start, uint64_t size);

/*
 * The raw ioctl at the probed number, for argument checks: 0 or -errno,
 * the struct passed as it is.
 */
int __amdgpu_svm_ioctl(const struct amdgpu_svm *svm, struct drm_amdgpu_gem_svm *args);

/* Names for messages: "PREFERRED_LOC", "GPU_RO", ... */
const char *amdgpu_svm_attr_name(const struct amdgpu_svm_attr *attr);
