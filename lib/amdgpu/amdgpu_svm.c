/* SPDX-License-Identifier: MIT */
/*
 * amdgpu's SVM on drm_gpusvm: the probe (README.md, "the rule as
 * implemented") and the attribute model mapped onto RFC v1 or v8.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "amdgpu_svm.h"
#include "igt_core.h"
#include "kfd/kfd_device.h"
#include "kfd/kfd_ioctl.h"
#include "util.h"

int __amdgpu_svm_ioctl(const struct amdgpu_svm *svm, struct drm_amdgpu_gem_svm *args)
{
	unsigned long request = amdgpu_svm_request(svm->probe.rev);

	return request ? ioctl_restarting(svm->fd, request, args) : -ENODEV;
}

const char *amdgpu_svm_rev_name(enum amdgpu_svm_rev rev)
{
	return rev == AMDGPU_SVM_V1 ? "v1" : rev == AMDGPU_SVM_V8 ? "v8" :
	       rev == AMDGPU_SVM_KFD ? "kfd" : "absent";
}

/* ---- the probe ---- */

static int drm_name(int fd, struct amdgpu_svm_probe *p)
{
	char name[32] = "";
	struct drm_version v = { .name_len = sizeof(name) - 1, .name = name };

	if (ioctl(fd, DRM_IOCTL_VERSION, &v))
		return -errno;
	p->drm_major = (unsigned int)v.version_major;
	p->drm_minor = (unsigned int)v.version_minor;
	return strcmp(name, "amdgpu") ? -ENODEV : 0;
}

/* Release "M.m..." as M * 1000 + m; 0 when unreadable. */
static unsigned int release_code(const char *r)
{
	unsigned int major, minor;

	return sscanf(r, "%u.%u", &major, &minor) == 2 ? major * 1000 + minor : 0;
}

/*
 * Positive evidence only: the RFC's Kconfig in the running kernel's
 * plain-text config.  Its absence proves nothing (no config installed,
 * or a kernel built elsewhere), so it never makes the result absent.
 */
static bool config_has_svm(const char *release)
{
	char path[128], line[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/boot/config-%s", release);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, "CONFIG_DRM_AMDGPU_SVM=", 22) && (line[22] == 'y' || line[22] == 'm');
	fclose(f);
	return found;
}

/* GET of one attribute @type over one private page: the harmless call. */
static int probe_get(int fd, unsigned long request, void *page, uint32_t type)
{
	struct drm_amdgpu_svm_attribute attr = { .type = type, .value = 0 };
	struct drm_amdgpu_gem_svm args = {
		.start_addr = (uintptr_t)page,
		.size = (uint64_t)getpagesize(),
		.operation = AMDGPU_SVM_V8_OP_GET_ATTR,	/* 1 in v1 too */
		.nattr = 1,
		.attrs_ptr = (uintptr_t)&attr,
	};

	return ioctl_restarting(fd, request, &args);
}

/*
 * One revision's answer: 1 found (p filled), 0 nothing there, <0 an
 * unexpected errno.  @confirm must answer, @deny must be EINVAL.
 */
static int try_rev(int fd, void *page, struct amdgpu_svm_probe *p, enum amdgpu_svm_rev rev,
		   uint32_t confirm, int deny)
{
	unsigned long request = amdgpu_svm_request(rev);
	int ret = probe_get(fd, request, page, AMDGPU_SVM_V8_ATTR_PREFERRED_LOC);

	if (ret == -EINVAL)
		return 0;
	if (ret == -EOPNOTSUPP) {
		p->rev = rev;
		p->disabled = true;
		snprintf(p->reason, sizeof(p->reason),
			 "amdgpu SVM %s answers EOPNOTSUPP: not enabled on this VM (%s)",
			 amdgpu_svm_rev_name(rev),
			 rev == AMDGPU_SVM_V1 ? "v1 needs a compute VM: KFD ACQUIRE_VM first"
					      : "v8 is XNACK-on only");
		return 1;
	}
	if (ret)
		return ret;
	ret = probe_get(fd, request, page, confirm);
	if (ret)
		return 0;
	if (deny >= 0 && probe_get(fd, request, page, (uint32_t)deny) != -EINVAL)
		return 0;
	p->rev = rev;
	return 1;
}

int __amdgpu_svm_probe(int render_fd, struct amdgpu_svm_probe *p)
{
	const char *force = getenv("IGT_AMDGPU_SVM");
	bool want_v1 = false, want_v8 = false, found_v8 = false;
	struct utsname u;
	unsigned int rel;
	void *page;
	int ret;

	memset(p, 0, sizeof(*p));
	p->rev = AMDGPU_SVM_ABSENT;
	ret = drm_name(render_fd, p);
	if (ret) {
		snprintf(p->reason, sizeof(p->reason), "not an amdgpu render node");
		return ret;
	}
	if (force && *force && strcmp(force, "v1") && strcmp(force, "v8") && strcmp(force, "absent")) {
		snprintf(p->reason, sizeof(p->reason),
			 "IGT_AMDGPU_SVM=%s: expected v1, v8 or absent", force);
		return -EINVAL;
	}
	if (force && !strcmp(force, "absent")) {
		snprintf(p->reason, sizeof(p->reason), "IGT_AMDGPU_SVM=absent");
		return 0;
	}
	if (uname(&u))
		return -errno;
	snprintf(p->release, sizeof(p->release), "%s", u.release);
	rel = release_code(u.release);
	if (force) {
		want_v1 = !strcmp(force, "v1");
		want_v8 = !strcmp(force, "v8");
	} else {
		/* 0x1B is unassigned upstream up to 7.3.4; 0x1A free up to 6.18. */
		want_v8 = (rel && rel <= 7003) || config_has_svm(u.release);
		want_v1 = rel && rel <= 6018;
	}
	page = mmap(NULL, (size_t)getpagesize(), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return -errno;
	ret = 0;
	if (want_v8)
		ret = try_rev(render_fd, page, p, AMDGPU_SVM_V8, AMDGPU_SVM_V8_ATTR_GPU_READ_MOSTLY, -1);
	found_v8 = ret == 1;
	if (!found_v8 && ret >= 0 && want_v1)
		ret = try_rev(render_fd, page, p, AMDGPU_SVM_V1, AMDGPU_SVM_V1_ATTR_GRANULARITY,
			      AMDGPU_SVM_V8_ATTR_GPU_READ_MOSTLY);
	munmap(page, (size_t)getpagesize());
	if (ret < 0) {
		snprintf(p->reason, sizeof(p->reason), "the SVM probe call failed: %s", strerror(-ret));
		return ret;
	}
	if (p->rev == AMDGPU_SVM_ABSENT) {
		if (!want_v1 && !want_v8)
			snprintf(p->reason, sizeof(p->reason),
				 "release %s: neither 0x1a nor 0x1b is known to be free there, not probed "
				 "(IGT_AMDGPU_SVM=v1 or v8 if this kernel carries the RFC)", u.release);
		else if (!want_v1)
			snprintf(p->reason, sizeof(p->reason),
				 "no amdgpu SVM ioctl at 0x1b; 0x1a not probed on %s, where it may be "
				 "PROC_OPTIONS (IGT_AMDGPU_SVM=v1 if this kernel carries RFC v1)", u.release);
		else
			snprintf(p->reason, sizeof(p->reason),
				 "no amdgpu SVM ioctl (0x1a and 0x1b answer EINVAL): kernel without the RFC");
	}
	return 0;
}

/* ---- the model in each numbering ---- */

/* v1 is KFD's numbering: the model drives /dev/kfd with v1's encoding. */
_Static_assert(AMDGPU_SVM_V1_ATTR_PREFERRED_LOC == KFD_IOCTL_SVM_ATTR_PREFERRED_LOC &&
	       AMDGPU_SVM_V1_ATTR_PREFETCH_LOC == KFD_IOCTL_SVM_ATTR_PREFETCH_LOC &&
	       AMDGPU_SVM_V1_ATTR_ACCESS == KFD_IOCTL_SVM_ATTR_ACCESS &&
	       AMDGPU_SVM_V1_ATTR_ACCESS_IN_PLACE == KFD_IOCTL_SVM_ATTR_ACCESS_IN_PLACE &&
	       AMDGPU_SVM_V1_ATTR_NO_ACCESS == KFD_IOCTL_SVM_ATTR_NO_ACCESS &&
	       AMDGPU_SVM_V1_ATTR_SET_FLAGS == KFD_IOCTL_SVM_ATTR_SET_FLAGS &&
	       AMDGPU_SVM_V1_ATTR_CLR_FLAGS == KFD_IOCTL_SVM_ATTR_CLR_FLAGS &&
	       AMDGPU_SVM_V1_ATTR_GRANULARITY == KFD_IOCTL_SVM_ATTR_GRANULARITY,
	       "RFC v1 attribute types are not KFD's");
_Static_assert(AMDGPU_SVM_V1_FLAG_HOST_ACCESS == KFD_IOCTL_SVM_FLAG_HOST_ACCESS &&
	       AMDGPU_SVM_V1_FLAG_COHERENT == KFD_IOCTL_SVM_FLAG_COHERENT &&
	       AMDGPU_SVM_V1_FLAG_HIVE_LOCAL == KFD_IOCTL_SVM_FLAG_HIVE_LOCAL &&
	       AMDGPU_SVM_V1_FLAG_GPU_RO == KFD_IOCTL_SVM_FLAG_GPU_RO &&
	       AMDGPU_SVM_V1_FLAG_GPU_EXEC == KFD_IOCTL_SVM_FLAG_GPU_EXEC &&
	       AMDGPU_SVM_V1_FLAG_GPU_READ_MOSTLY == KFD_IOCTL_SVM_FLAG_GPU_READ_MOSTLY &&
	       AMDGPU_SVM_V1_FLAG_GPU_ALWAYS_MAPPED == KFD_IOCTL_SVM_FLAG_GPU_ALWAYS_MAPPED &&
	       AMDGPU_SVM_V1_FLAG_EXT_COHERENT == KFD_IOCTL_SVM_FLAG_EXT_COHERENT,
	       "RFC v1 flags are not KFD's");
_Static_assert(sizeof(struct drm_amdgpu_svm_attribute) == sizeof(struct kfd_ioctl_svm_attribute),
	       "attribute layouts differ");

void amdgpu_svm_of_gpu(struct amdgpu_svm *out, const struct kfd_device *kdev, int gpu)
{
	int ret;

	*out = (struct amdgpu_svm){ .fd = kdev->gpus[gpu].render_fd,
				    .gpu_id = kdev->gpus[gpu].gpu_id };
	ret = __amdgpu_svm_probe(out->fd, &out->probe);
	if (ret == -EINVAL && getenv("IGT_AMDGPU_SVM")) {
		igt_warn("%s\n", out->probe.reason);
		exit(IGT_EXIT_INVALID);
	}
	igt_assert_f(ret == 0 || ret == -ENODEV, "amdgpu SVM probe of GPU %#x: %s (%s)\n",
		     out->gpu_id, strerror(-ret), out->probe.reason);
}

void amdgpu_svm_on_kfd(struct amdgpu_svm *out, int kfd_fd, uint32_t gpu_id)
{
	*out = (struct amdgpu_svm){ .fd = kfd_fd, .gpu_id = gpu_id };
	out->probe.rev = AMDGPU_SVM_KFD;
	snprintf(out->probe.reason, sizeof(out->probe.reason), "KFD's SVM ioctl");
}

static const uint32_t v1_flag_bit[ASVM_NUM_FLAGS] = {
	[ASVM_FLAG_HOST_ACCESS] = AMDGPU_SVM_V1_FLAG_HOST_ACCESS,
	[ASVM_FLAG_COHERENT] = AMDGPU_SVM_V1_FLAG_COHERENT,
	[ASVM_FLAG_HIVE_LOCAL] = AMDGPU_SVM_V1_FLAG_HIVE_LOCAL,
	[ASVM_FLAG_GPU_RO] = AMDGPU_SVM_V1_FLAG_GPU_RO,
	[ASVM_FLAG_GPU_EXEC] = AMDGPU_SVM_V1_FLAG_GPU_EXEC,
	[ASVM_FLAG_GPU_READ_MOSTLY] = AMDGPU_SVM_V1_FLAG_GPU_READ_MOSTLY,
	[ASVM_FLAG_EXT_COHERENT] = AMDGPU_SVM_V1_FLAG_EXT_COHERENT,
	[ASVM_FLAG_GPU_ALWAYS_MAPPED] = AMDGPU_SVM_V1_FLAG_GPU_ALWAYS_MAPPED,
};

/* 0: v8 has no such attribute. */
static const uint32_t v8_flag_type[ASVM_NUM_FLAGS] = {
	[ASVM_FLAG_HOST_ACCESS] = AMDGPU_SVM_V8_ATTR_HOST_ACCESS,
	[ASVM_FLAG_COHERENT] = AMDGPU_SVM_V8_ATTR_COHERENT,
	[ASVM_FLAG_HIVE_LOCAL] = AMDGPU_SVM_V8_ATTR_HIVE_LOCAL,
	[ASVM_FLAG_GPU_RO] = AMDGPU_SVM_V8_ATTR_GPU_RO,
	[ASVM_FLAG_GPU_EXEC] = AMDGPU_SVM_V8_ATTR_GPU_EXEC,
	[ASVM_FLAG_GPU_READ_MOSTLY] = AMDGPU_SVM_V8_ATTR_GPU_READ_MOSTLY,
	[ASVM_FLAG_EXT_COHERENT] = AMDGPU_SVM_V8_ATTR_EXT_COHERENT,
};

static const uint32_t v1_access_type[] = {
	[ASVM_ACCESS_NONE] = AMDGPU_SVM_V1_ATTR_NO_ACCESS,
	[ASVM_ACCESS_IN_PLACE] = AMDGPU_SVM_V1_ATTR_ACCESS_IN_PLACE,
	[ASVM_ACCESS_MIGRATE] = AMDGPU_SVM_V1_ATTR_ACCESS,
};

static const uint32_t v8_access_value[] = {
	[ASVM_ACCESS_NONE] = AMDGPU_SVM_V8_ACCESS_INACCESSIBLE,
	[ASVM_ACCESS_IN_PLACE] = AMDGPU_SVM_V8_ACCESS_IN_PLACE,
	[ASVM_ACCESS_MIGRATE] = AMDGPU_SVM_V8_ACCESS_ALLOW_MIGRATE,
};

/* Model attribute -> the revision's (type, value); -EOPNOTSUPP, -EINVAL. */
static int encode(const struct amdgpu_svm *svm, const struct amdgpu_svm_attr *a, bool set,
		  struct drm_amdgpu_svm_attribute *out)
{
	bool v8 = svm->probe.rev == AMDGPU_SVM_V8;

	switch (a->kind) {
	case ASVM_PREFERRED_LOC:
	case ASVM_PREFETCH_LOC:		/* 0 and 1 in both */
		out->type = a->kind == ASVM_PREFERRED_LOC ? AMDGPU_SVM_V8_ATTR_PREFERRED_LOC
							  : AMDGPU_SVM_V8_ATTR_PREFETCH_LOC;
		out->value = a->value;
		return 0;
	case ASVM_GRANULARITY:
		out->type = v8 ? AMDGPU_SVM_V8_ATTR_GRANULARITY : AMDGPU_SVM_V1_ATTR_GRANULARITY;
		out->value = a->value;
		return 0;
	case ASVM_ACCESS:
		if (a->value > ASVM_ACCESS_MIGRATE)
			return -EINVAL;
		if (v8) {
			out->type = AMDGPU_SVM_V8_ATTR_ACCESS;
			out->value = v8_access_value[a->value];
		} else {
			/* v1 names the access by type; the value is the GPU. */
			out->type = set ? v1_access_type[a->value] : AMDGPU_SVM_V1_ATTR_ACCESS;
			out->value = svm->gpu_id;
		}
		return 0;
	case ASVM_FLAG:
		if (a->flag >= ASVM_NUM_FLAGS)
			return -EINVAL;
		if (v8) {
			if (!v8_flag_type[a->flag])
				return -EOPNOTSUPP;
			out->type = v8_flag_type[a->flag];
			out->value = a->value;
		} else {
			out->type = !set || a->value ? AMDGPU_SVM_V1_ATTR_SET_FLAGS
						     : AMDGPU_SVM_V1_ATTR_CLR_FLAGS;
			out->value = v1_flag_bit[a->flag];
		}
		return 0;
	}
	return -EINVAL;
}

/* The revision's GET answer -> the model's value. */
static int decode(const struct amdgpu_svm *svm, struct amdgpu_svm_attr *a,
		  const struct drm_amdgpu_svm_attribute *in)
{
	if (svm->probe.rev == AMDGPU_SVM_V8) {
		if (a->kind == ASVM_ACCESS) {
			for (uint32_t v = 0; v <= ASVM_ACCESS_MIGRATE; v++)
				if (v8_access_value[v] == in->value) {
					a->value = v;
					return 0;
				}
			return -EPROTO;
		}
		a->value = in->value;
		return 0;
	}
	switch (a->kind) {
	case ASVM_ACCESS:
		for (uint32_t v = 0; v <= ASVM_ACCESS_MIGRATE; v++)
			if (v1_access_type[v] == in->type) {
				a->value = v;
				return 0;
			}
		return -EPROTO;
	case ASVM_FLAG:
		a->value = !!(in->value & v1_flag_bit[a->flag]);
		return 0;
	default:
		a->value = in->value;
		return 0;
	}
}

static int svm_op(const struct amdgpu_svm *svm, uint32_t op, uint64_t start, uint64_t size,
		  struct drm_amdgpu_svm_attribute *raw, unsigned int n)
{
	struct drm_amdgpu_gem_svm args = {
		.start_addr = start, .size = size, .operation = op,
		.nattr = n, .attrs_ptr = (uintptr_t)raw,
	};

	if (svm->probe.rev == AMDGPU_SVM_ABSENT)
		return -ENODEV;
	if (svm->probe.rev == AMDGPU_SVM_KFD)
		return __kfd_svm_attrs(svm->fd, op, start, size,
				       (struct kfd_ioctl_svm_attribute *)raw, n);
	return __amdgpu_svm_ioctl(svm, &args);
}

int __amdgpu_svm_set(const struct amdgpu_svm *svm, uint64_t start, uint64_t size,
		     const struct amdgpu_svm_attr *attrs, unsigned int n)
{
	struct drm_amdgpu_svm_attribute raw[ASVM_MAX_ATTRS];

	if (n > ASVM_MAX_ATTRS)
		return -E2BIG;
	for (unsigned int i = 0; i < n; i++) {
		int ret = encode(svm, &attrs[i], true, &raw[i]);

		if (ret)
			return ret;
	}
	return svm_op(svm, AMDGPU_SVM_V8_OP_SET_ATTR, start, size, raw, n);
}

int __amdgpu_svm_get(const struct amdgpu_svm *svm, uint64_t start, uint64_t size,
		     struct amdgpu_svm_attr *attrs, unsigned int n)
{
	struct drm_amdgpu_svm_attribute raw[ASVM_MAX_ATTRS];
	int ret;

	if (n > ASVM_MAX_ATTRS)
		return -E2BIG;
	for (unsigned int i = 0; i < n; i++) {
		ret = encode(svm, &attrs[i], false, &raw[i]);
		if (ret)
			return ret;
	}
	ret = svm_op(svm, AMDGPU_SVM_V8_OP_GET_ATTR, start, size, raw, n);
	for (unsigned int i = 0; !ret && i < n; i++)
		ret = decode(svm, &attrs[i], &raw[i]);
	return ret;
}

int __amdgpu_svm_reset(const struct amdgpu_svm *svm, uint64_t start, uint64_t size)
{
	/* v1 has no RESET_ATTR: a clear errno, never an emulation. */
	if (svm->probe.rev != AMDGPU_SVM_V8)
		return -EOPNOTSUPP;
	return svm_op(svm, AMDGPU_SVM_V8_OP_RESET_ATTR, start, size, NULL, 0);
}

void amdgpu_svm_set(const struct amdgpu_svm *svm, uint64_t start, uint64_t size,
		    const struct amdgpu_svm_attr *attrs, unsigned int n)
{
	int ret = __amdgpu_svm_set(svm, start, size, attrs, n);

	igt_assert_f(ret == 0, "amdgpu SVM SET over [%#llx, +%#llx) of %u attributes: %s\n",
		     (unsigned long long)start, (unsigned long long)size, n, strerror(-ret));
}

void amdgpu_svm_get(const struct amdgpu_svm *svm, uint64_t start, uint64_t size,
		    struct amdgpu_svm_attr *attrs, unsigned int n)
{
	int ret = __amdgpu_svm_get(svm, start, size, attrs, n);

	igt_assert_f(ret == 0, "amdgpu SVM GET over [%#llx, +%#llx) of %u attributes: %s\n",
		     (unsigned long long)start, (unsigned long long)size, n, strerror(-ret));
}

void amdgpu_svm_reset(const struct amdgpu_svm *svm, uint64_t start, uint64_t size)
{
	int ret = __amdgpu_svm_reset(svm, start, size);

	igt_assert_f(ret == 0, "amdgpu SVM RESET over [%#llx, +%#llx): %s\n",
		     (unsigned long long)start, (unsigned long long)size, strerror(-ret));
}

const char *amdgpu_svm_attr_name(const struct amdgpu_svm_attr *attr)
{
	static const char *const flag[ASVM_NUM_FLAGS] = {
		"flag-host-access", "flag-coherent", "flag-hive-local", "flag-gpu-ro",
		"flag-gpu-exec", "flag-gpu-read-mostly", "flag-ext-coherent", "flag-gpu-always-mapped",
	};

	switch (attr->kind) {
	case ASVM_PREFERRED_LOC: return "preferred-loc";
	case ASVM_PREFETCH_LOC: return "prefetch-loc";
	case ASVM_ACCESS: return "access";
	case ASVM_GRANULARITY: return "granularity";
	case ASVM_FLAG: return attr->flag < ASVM_NUM_FLAGS ? flag[attr->flag] : "flag-?";
	}
	return "?";
}
