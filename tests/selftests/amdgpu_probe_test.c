// SPDX-License-Identifier: MIT
/*
 * lib/amdgpu's probe and numbering, on the host: ioctl() and uname() are
 * replaced at link time (-Wl,--wrap) by a table of fake kernels, and each
 * row checks the verdict and exactly which driver ioctl numbers were
 * issued; above all that 0x1a is never issued on a kernel where it is
 * PROC_OPTIONS.  Then the model's attributes as each revision's
 * (type, value) pairs, and back.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>

#include "amdgpu/amdgpu_svm.h"
#include "igt_core.h"
#include "util.h"

enum svm_at { NONE, ANSWERS, DISABLED };

struct fake_kernel {
	const char *name;
	const char *release;
	const char *driver;		/* DRM_IOCTL_VERSION's name */
	enum svm_at v1, v8;		/* at 0x1a, at 0x1b */
	bool proc_options;		/* 0x1a is PROC_OPTIONS */
	const char *env;		/* IGT_AMDGPU_SVM */
	/* expected */
	int ret;
	enum amdgpu_svm_rev rev;
	bool disabled;
	bool issued_1a, issued_1b;
};

static const struct fake_kernel kernels[] = {
	{ .name = "6-12", .release = "6.12.118", .driver = "amdgpu",
	  .rev = AMDGPU_SVM_ABSENT, .issued_1a = true, .issued_1b = true },
	{ .name = "6-18-rfc-v1", .release = "6.18.0", .driver = "amdgpu", .v1 = ANSWERS,
	  .rev = AMDGPU_SVM_V1, .issued_1a = true, .issued_1b = true },
	{ .name = "6-18-rfc-v1-not-acquired", .release = "6.18.0", .driver = "amdgpu", .v1 = DISABLED,
	  .rev = AMDGPU_SVM_V1, .disabled = true, .issued_1a = true, .issued_1b = true },
	{ .name = "7-3-proc-options", .release = "7.3.4", .driver = "amdgpu", .proc_options = true,
	  .rev = AMDGPU_SVM_ABSENT, .issued_1b = true },
	{ .name = "7-3-patch-v8", .release = "7.3.4", .driver = "amdgpu", .proc_options = true,
	  .v8 = ANSWERS, .rev = AMDGPU_SVM_V8, .issued_1b = true },
	{ .name = "7-3-patch-v8-off", .release = "7.3.4", .driver = "amdgpu", .proc_options = true,
	  .v8 = DISABLED, .rev = AMDGPU_SVM_V8, .disabled = true, .issued_1b = true },
	{ .name = "7-5-unknown-numbers", .release = "7.5.0", .driver = "amdgpu", .proc_options = true,
	  .v8 = ANSWERS, .rev = AMDGPU_SVM_ABSENT },
	{ .name = "7-5-override-v8", .release = "7.5.0", .driver = "amdgpu", .proc_options = true,
	  .v8 = ANSWERS, .env = "v8", .rev = AMDGPU_SVM_V8, .issued_1b = true },
	{ .name = "7-0-override-v1", .release = "7.0.1", .driver = "amdgpu", .v1 = ANSWERS,
	  .env = "v1", .rev = AMDGPU_SVM_V1, .issued_1a = true },
	{ .name = "override-absent", .release = "6.18.0", .driver = "amdgpu", .v1 = ANSWERS,
	  .env = "absent", .rev = AMDGPU_SVM_ABSENT },
	{ .name = "bad-override", .release = "6.18.0", .driver = "amdgpu", .env = "v9", .ret = -EINVAL },
	{ .name = "not-amdgpu", .release = "6.18.0", .driver = "xe", .v1 = ANSWERS, .ret = -ENODEV },
};

static const struct fake_kernel *kernel;
static bool issued_1a, issued_1b, hit_proc_options;
static struct drm_amdgpu_svm_attribute seen[ASVM_MAX_ATTRS];
static unsigned int seen_n, calls;
static uint32_t rewrite_type = 0xffffffffu;	/* v1 GET: the access type to answer */

int __wrap_ioctl(int fd, unsigned long request, ...);
int __wrap_uname(struct utsname *u);

int __wrap_uname(struct utsname *u)
{
	memset(u, 0, sizeof(*u));
	strcpy(u->sysname, "Linux");
	strcpy(u->release, kernel ? kernel->release : "6.18.0");
	return 0;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

/* A GET or SET of the RFC at one number: what the fake kernel answers. */
static int svm_call(enum svm_at at, uint32_t max_type, struct drm_amdgpu_gem_svm *a)
{
	struct drm_amdgpu_svm_attribute *attrs = (void *)(uintptr_t)a->attrs_ptr;

	calls++;
	if (at == NONE)
		return fail(EINVAL);
	if (at == DISABLED)
		return fail(EOPNOTSUPP);
	seen_n = a->nattr;
	for (unsigned int i = 0; i < a->nattr && i < ASVM_MAX_ATTRS; i++) {
		seen[i] = attrs[i];
		if (attrs[i].type > max_type)
			return fail(EINVAL);
		if (rewrite_type != 0xffffffffu && attrs[i].type == AMDGPU_SVM_V1_ATTR_ACCESS)
			attrs[i].type = rewrite_type;
	}
	return 0;
}

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	(void)fd;
	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (request == DRM_IOCTL_VERSION) {
		struct drm_version *v = arg;

		v->version_major = 3;
		v->version_minor = 64;
		strncpy(v->name, kernel->driver, v->name_len);
		return 0;
	}
	if (request == DRM_IOCTL_AMDGPU_GEM_SVM_V8) {
		issued_1b = true;
		return svm_call(kernel->v8, AMDGPU_SVM_V8_ATTR_GPU_READ_MOSTLY, arg);
	}
	if (_IOC_NR(request) == DRM_COMMAND_BASE + 0x1a) {
		issued_1a = true;
		if (kernel->proc_options) {
			hit_proc_options = true;
			return 0;	/* it would have run, on our bytes */
		}
		return svm_call(kernel->v1, AMDGPU_SVM_V1_ATTR_GRANULARITY, arg);
	}
	return fail(ENOTTY);
}

static void probe_row(const struct fake_kernel *k)
{
	struct amdgpu_svm_probe p;
	int ret;

	kernel = k;
	issued_1a = issued_1b = hit_proc_options = false;
	if (k->env)
		setenv("IGT_AMDGPU_SVM", k->env, 1);
	else
		unsetenv("IGT_AMDGPU_SVM");
	ret = __amdgpu_svm_probe(3, &p);
	igt_assert_f(!hit_proc_options, "%s: PROC_OPTIONS was called with our struct\n", k->name);
	igt_assert_f(ret == k->ret, "%s: probe returned %d, expected %d (%s)\n", k->name, ret, k->ret,
		     p.reason);
	igt_assert_f(issued_1a == k->issued_1a && issued_1b == k->issued_1b,
		     "%s: issued 0x1a %d 0x1b %d, expected %d %d\n", k->name, issued_1a, issued_1b,
		     k->issued_1a, k->issued_1b);
	if (ret)
		return;
	igt_assert_f(p.rev == k->rev && p.disabled == k->disabled, "%s: %s%s, expected %s%s\n", k->name,
		     amdgpu_svm_rev_name(p.rev), p.disabled ? " disabled" : "",
		     amdgpu_svm_rev_name(k->rev), k->disabled ? " disabled" : "");
	igt_assert_f((p.rev != AMDGPU_SVM_ABSENT && !p.disabled) || *p.reason,
		     "%s: absent or disabled without a reason\n", k->name);
	if (!strcmp(k->name, "7-3-proc-options"))
		igt_assert_f(strstr(p.reason, "IGT_AMDGPU_SVM=v1"), "%s: reason: %s\n", k->name, p.reason);
}

/* ---- numbering ---- */

#define GPU_ID 0x3e81u

struct xlate {
	const char *name;
	enum amdgpu_svm_rev rev;
	struct amdgpu_svm_attr attr;
	int ret;			/* of the SET */
	struct drm_amdgpu_svm_attribute want;	/* what the kernel was handed */
};

static const struct xlate xlates[] = {
	{ "v1-access-in-place", AMDGPU_SVM_V1, { .kind = ASVM_ACCESS, .value = ASVM_ACCESS_IN_PLACE }, 0,
	  { AMDGPU_SVM_V1_ATTR_ACCESS_IN_PLACE, GPU_ID } },
	{ "v1-no-access", AMDGPU_SVM_V1, { .kind = ASVM_ACCESS, .value = ASVM_ACCESS_NONE }, 0,
	  { AMDGPU_SVM_V1_ATTR_NO_ACCESS, GPU_ID } },
	{ "v1-flag-set", AMDGPU_SVM_V1, { .kind = ASVM_FLAG, .flag = ASVM_FLAG_GPU_RO, .value = 1 }, 0,
	  { AMDGPU_SVM_V1_ATTR_SET_FLAGS, AMDGPU_SVM_V1_FLAG_GPU_RO } },
	{ "v1-flag-clear", AMDGPU_SVM_V1, { .kind = ASVM_FLAG, .flag = ASVM_FLAG_EXT_COHERENT }, 0,
	  { AMDGPU_SVM_V1_ATTR_CLR_FLAGS, AMDGPU_SVM_V1_FLAG_EXT_COHERENT } },
	{ "v1-granularity", AMDGPU_SVM_V1, { .kind = ASVM_GRANULARITY, .value = 5 }, 0,
	  { AMDGPU_SVM_V1_ATTR_GRANULARITY, 5 } },
	{ "v8-access", AMDGPU_SVM_V8, { .kind = ASVM_ACCESS, .value = ASVM_ACCESS_MIGRATE }, 0,
	  { AMDGPU_SVM_V8_ATTR_ACCESS, AMDGPU_SVM_V8_ACCESS_ALLOW_MIGRATE } },
	{ "v8-flag", AMDGPU_SVM_V8, { .kind = ASVM_FLAG, .flag = ASVM_FLAG_GPU_RO, .value = 1 }, 0,
	  { AMDGPU_SVM_V8_ATTR_GPU_RO, 1 } },
	{ "v8-granularity", AMDGPU_SVM_V8, { .kind = ASVM_GRANULARITY, .value = 5 }, 0,
	  { AMDGPU_SVM_V8_ATTR_GRANULARITY, 5 } },
	{ "v8-preferred-loc", AMDGPU_SVM_V8, { .kind = ASVM_PREFERRED_LOC, .value = GPU_ID }, 0,
	  { AMDGPU_SVM_V8_ATTR_PREFERRED_LOC, GPU_ID } },
	{ "v8-always-mapped", AMDGPU_SVM_V8, { .kind = ASVM_FLAG, .flag = ASVM_FLAG_GPU_ALWAYS_MAPPED,
	  .value = 1 }, -EOPNOTSUPP, { 0, 0 } },
};

static struct amdgpu_svm fake_svm(enum amdgpu_svm_rev rev)
{
	static const struct fake_kernel v1 = { .name = "v1", .release = "6.18.0", .driver = "amdgpu",
					       .v1 = ANSWERS };
	static const struct fake_kernel v8 = { .name = "v8", .release = "7.3.4", .driver = "amdgpu",
					       .v8 = ANSWERS, .proc_options = true };
	struct amdgpu_svm s = { .fd = 3, .gpu_id = GPU_ID };

	kernel = rev == AMDGPU_SVM_V1 ? &v1 : &v8;
	s.probe.rev = rev;
	return s;
}

static void xlate_row(const struct xlate *x)
{
	struct amdgpu_svm s = fake_svm(x->rev);
	int ret;

	calls = 0;
	ret = __amdgpu_svm_set(&s, 0x200000, 0x1000, &x->attr, 1);
	igt_assert_f(ret == x->ret, "%s: SET returned %d, expected %d\n", x->name, ret, x->ret);
	if (ret) {
		igt_assert_f(calls == 0, "%s: refused, yet the kernel was called\n", x->name);
		return;
	}
	igt_assert_f(seen_n == 1 && seen[0].type == x->want.type && seen[0].value == x->want.value,
		     "%s: the kernel got (%u, %#x), expected (%u, %#x)\n", x->name, seen[0].type,
		     seen[0].value, x->want.type, x->want.value);
}

/* v1 GET: the kernel names the access by rewriting the type; flags come as SET_FLAGS bits. */
static void v1_get_decodes(void)
{
	struct amdgpu_svm s = fake_svm(AMDGPU_SVM_V1);
	struct amdgpu_svm_attr a[2] = { { .kind = ASVM_ACCESS },
					{ .kind = ASVM_FLAG, .flag = ASVM_FLAG_GPU_EXEC } };

	rewrite_type = AMDGPU_SVM_V1_ATTR_ACCESS_IN_PLACE;
	igt_assert_eq(__amdgpu_svm_get(&s, 0x200000, 0x1000, a, 2), 0);
	rewrite_type = 0xffffffffu;
	igt_assert_eq(seen[0].type, AMDGPU_SVM_V1_ATTR_ACCESS);
	igt_assert_eq(seen[0].value, GPU_ID);
	igt_assert_eq(seen[1].type, AMDGPU_SVM_V1_ATTR_SET_FLAGS);
	igt_assert_eq(a[0].value, ASVM_ACCESS_IN_PLACE);
	/* The fake left SET_FLAGS' value at the bit it was asked about: set. */
	igt_assert_eq(a[1].value, 1);
	calls = 0;
	igt_assert_eq(__amdgpu_svm_reset(&s, 0x200000, 0x1000), -EOPNOTSUPP);
	igt_assert_eq(calls, 0);
}

igt_main
{
	for (size_t i = 0; i < ARRAY_SIZE(kernels); i++)
		igt_subtest_f("probe-%s", kernels[i].name)
			probe_row(&kernels[i]);
	for (size_t i = 0; i < ARRAY_SIZE(xlates); i++)
		igt_subtest_f("numbering-%s", xlates[i].name)
			xlate_row(&xlates[i]);
	igt_subtest("numbering-v1-get")
		v1_get_decodes();
}
