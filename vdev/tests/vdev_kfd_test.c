/* SPDX-License-Identifier: MIT */
/*
 * What vdev's amdkfd serves, ioctl by ioctl, in raw C (no lib/kfd): run it
 * under vdev/run --preset kfd-*.  Every expectation is what Linux's amdkfd
 * answers (kfd_chardev.c, kfd_svm.c); what depends on the GPU (XNACK) is
 * derived from the topology as the kernel derives it, never from the
 * preset's name.  One "ok"/"not ok" line per check (TAP); exit 1 if any
 * failed.  vdev/tests/kfd-presets runs it on every preset and bug model.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "uapi/igt_svm_drm_base.h"
#include "uapi/kfd_svm_ioctl.h"

/* The kernel's page as the program sees it: 64K on kfd-64k. */
static unsigned long page_size;
#define PAGE page_size
#define MAX_GPUS 8
#define UNDEF KFD_IOCTL_SVM_LOCATION_UNDEFINED
#define DEFAULT_FLAGS (KFD_IOCTL_SVM_FLAG_HOST_ACCESS | KFD_IOCTL_SVM_FLAG_COHERENT)

struct gpu {
	uint32_t gpu_id;
	unsigned int render_minor;
	unsigned int gfx_target_version;
	uint32_t capability;
	int render_fd;
};

static struct gpu gpus[MAX_GPUS];
static unsigned int num_gpus;
static int kfd = -1;

/* ioctl's result as 0 or -errno, and any other return value as is. */
static long kioctl(int fd, unsigned long request, void *arg)
{
	int ret = ioctl(fd, request, arg);

	return ret == -1 ? -errno : ret;
}

/* @got is evaluated once: it is usually the ioctl itself. */
static bool check_ret(long got, long want, const char *name)
{
	return check(got == want, name, "returned %ld (%s), want %ld", got,
		     got < 0 ? strerror((int)-got) : "-", want);
}

#define CHECK_RET(got, want, name) check_ret((got), (want), (name))

/* ---- topology ---- */

static const char *sysfs(void)
{
	const char *root = getenv("IGT_SVM_SYSFS_ROOT");

	return root && *root ? root : "/sys";
}

static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	return ok;
}

static bool node_prop(unsigned int node, const char *name, unsigned long long *val)
{
	char path[512], key[64];
	unsigned long long v;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/class/kfd/kfd/topology/nodes/%u/properties", sysfs(), node);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fscanf(f, "%63s %llu", key, &v) == 2)
		if (!strcmp(key, name)) {
			*val = v;
			found = true;
		}
	fclose(f);
	return found;
}

static void test_topology(void)
{
	char path[512], line[64];
	unsigned long long v;
	unsigned int node;

	snprintf(path, sizeof(path), "%s/class/kfd/kfd/topology/generation_id", sysfs());
	check(read_line(path, line, sizeof(line)), "topology: generation_id", "cannot read %s", path);
	snprintf(path, sizeof(path), "%s/class/kfd/kfd/topology/nodes/0/gpu_id", sysfs());
	check(read_line(path, line, sizeof(line)) && atoi(line) == 0, "topology: node 0 is the CPU",
	      "gpu_id '%s'", line);
	for (node = 1; num_gpus < MAX_GPUS; node++) {
		struct gpu *g = &gpus[num_gpus];

		snprintf(path, sizeof(path), "%s/class/kfd/kfd/topology/nodes/%u/gpu_id", sysfs(), node);
		if (!read_line(path, line, sizeof(line)))
			break;
		g->gpu_id = (uint32_t)strtoul(line, NULL, 10);
		g->render_fd = -1;
		if (!node_prop(node, "drm_render_minor", &v))
			break;
		g->render_minor = (unsigned int)v;
		if (node_prop(node, "gfx_target_version", &v))
			g->gfx_target_version = (unsigned int)v;
		if (node_prop(node, "capability", &v))
			g->capability = (uint32_t)v;
		num_gpus++;
	}
	check(num_gpus > 0, "topology: GPU nodes", "none found under %s", sysfs());
	for (unsigned int i = 0; i < num_gpus; i++)
		check(gpus[i].gpu_id && (gpus[i].capability & HSA_CAP_SVMAPI_SUPPORTED),
		      "topology: GPU gpu_id and SVM capability", "node %u: gpu_id %u capability %#x",
		      i + 1, gpus[i].gpu_id, gpus[i].capability);
}

/* kfd_process_xnack_mode(p, true): gfx 10.1.1 and later cannot retry faults. */
static bool xnack_switchable(void)
{
	for (unsigned int i = 0; i < num_gpus; i++)
		if (gpus[i].gfx_target_version >= 100101)
			return false;
	return true;
}

/* ---- bring-up ---- */

static int open_node(const char *name)
{
	const char *root = getenv("IGT_SVM_DEV_ROOT");
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root && *root ? root : "/dev", name);
	return open(path, O_RDWR | O_CLOEXEC);
}

static int open_render(const struct gpu *g)
{
	char name[64];

	snprintf(name, sizeof(name), "dri/renderD%u", g->render_minor);
	return open_node(name);
}

static void test_version(void)
{
	struct kfd_ioctl_get_version_args v = { 0 };
	long ret = kioctl(kfd, AMDKFD_IOC_GET_VERSION, &v);

	check(!ret && v.major_version == KFD_IOCTL_MAJOR_VERSION &&
	      v.minor_version >= IGT_KFD_MINOR_SMI_PROFILER, "GET_VERSION",
	      "ret %ld, version %u.%u", ret, v.major_version, v.minor_version);
	/* kfd_ioctl: a number past the command range. */
	CHECK_RET(kioctl(kfd, _IOWR('K', 0x7f, struct kfd_ioctl_get_version_args), &v), -ENOTTY,
		  "kfd_ioctl: unknown command ENOTTY");
}

static void test_apertures(void)
{
	struct kfd_process_device_apertures pa[MAX_GPUS + 2];
	struct kfd_ioctl_get_process_apertures_new_args a = { 0 };
	bool ids = true;

	CHECK_RET(kioctl(kfd, AMDKFD_IOC_GET_PROCESS_APERTURES_NEW, &a), 0,
		  "GET_PROCESS_APERTURES_NEW: count");
	check(a.num_of_nodes == num_gpus, "GET_PROCESS_APERTURES_NEW: one per GPU",
	      "%u nodes, %u GPUs", a.num_of_nodes, num_gpus);
	memset(pa, 0, sizeof(pa));
	a.kfd_process_device_apertures_ptr = (uintptr_t)pa;
	a.num_of_nodes = num_gpus;
	CHECK_RET(kioctl(kfd, AMDKFD_IOC_GET_PROCESS_APERTURES_NEW, &a), 0,
		  "GET_PROCESS_APERTURES_NEW: fill");
	for (unsigned int i = 0; i < num_gpus; i++)
		ids &= pa[i].gpu_id == gpus[i].gpu_id && pa[i].gpuvm_base < pa[i].gpuvm_limit &&
		       pa[i].lds_base < pa[i].lds_limit && pa[i].scratch_base < pa[i].scratch_limit;
	check(ids, "GET_PROCESS_APERTURES_NEW: gpu_ids and apertures", "gpu_id[0] %u", pa[0].gpu_id);
	a.num_of_nodes = 100;
	CHECK_RET(kioctl(kfd, AMDKFD_IOC_GET_PROCESS_APERTURES_NEW, &a), -EINVAL,
		  "GET_PROCESS_APERTURES_NEW: more nodes than the topology EINVAL");
}

static void test_render_node(void)
{
	char name[32] = { 0 };
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
	long ret;

	for (unsigned int i = 0; i < num_gpus; i++) {
		gpus[i].render_fd = open_render(&gpus[i]);
		check(gpus[i].render_fd >= 0, "render node: open", "renderD%u: %s",
		      gpus[i].render_minor, strerror(errno));
	}
	ret = kioctl(gpus[0].render_fd, DRM_IOCTL_VERSION, &v);
	check(!ret && !strcmp(name, "amdgpu") && v.name_len == 6, "render node: DRM_IOCTL_VERSION amdgpu",
	      "ret %ld name '%s'", ret, name);
}

/* One SVM call with @nattr attributes, the size encoded in the command. */
static long svm_call(uint32_t op, uint64_t start, uint64_t size, uint32_t nattr,
		     struct kfd_ioctl_svm_attribute *attrs, unsigned int encoded)
{
	struct {
		struct kfd_ioctl_svm_args a;
		struct kfd_ioctl_svm_attribute attrs[16];
	} buf = { .a = { .start_addr = start, .size = size, .op = op, .nattr = nattr } };
	long ret;

	memcpy(buf.attrs, attrs, encoded * sizeof(*attrs));
	ret = kioctl(kfd, IGT_AMDKFD_IOC_SVM_NATTR(encoded), &buf);
	memcpy(attrs, buf.attrs, encoded * sizeof(*attrs));
	return ret;
}

static long svm_set(void *start, uint64_t size, uint32_t nattr, struct kfd_ioctl_svm_attribute *attrs)
{
	return svm_call(KFD_IOCTL_SVM_OP_SET_ATTR, (uintptr_t)start, size, nattr, attrs, nattr);
}

static long svm_get(void *start, uint64_t size, uint32_t nattr, struct kfd_ioctl_svm_attribute *attrs)
{
	return svm_call(KFD_IOCTL_SVM_OP_GET_ATTR, (uintptr_t)start, size, nattr, attrs, nattr);
}

/* GET of one attribute (@value: the gpu_id for ACCESS); -errno or 0. */
static long get1(void *start, uint64_t size, uint32_t type, uint32_t *value, uint32_t *type_out)
{
	struct kfd_ioctl_svm_attribute a = { .type = type, .value = *value };
	long ret = svm_get(start, size, 1, &a);

	*value = a.value;
	if (type_out)
		*type_out = a.type;
	return ret;
}

static long set1(void *start, uint64_t size, uint32_t type, uint32_t value)
{
	struct kfd_ioctl_svm_attribute a = { .type = type, .value = value };

	return svm_set(start, size, 1, &a);
}

static void *map_pages(unsigned int n)
{
	void *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

static void test_acquire_vm(void)
{
	struct kfd_ioctl_acquire_vm_args a;
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC), other;
	char *p = map_pages(1);

	/* svm_range_set_attr: no process VM before the first ACQUIRE_VM. */
	CHECK_RET(set1(p, PAGE, KFD_IOCTL_SVM_ATTR_GRANULARITY, 1), -EINVAL,
		  "SVM SET before ACQUIRE_VM EINVAL");
	a = (struct kfd_ioctl_acquire_vm_args){ .drm_fd = 1000, .gpu_id = gpus[0].gpu_id };
	CHECK_RET(kioctl(kfd, AMDKFD_IOC_ACQUIRE_VM, &a), -EINVAL, "ACQUIRE_VM: closed fd EINVAL");
	a = (struct kfd_ioctl_acquire_vm_args){ .drm_fd = gpus[0].render_fd, .gpu_id = 0xdead };
	CHECK_RET(kioctl(kfd, AMDKFD_IOC_ACQUIRE_VM, &a), -EINVAL, "ACQUIRE_VM: unknown gpu_id EINVAL");
	a = (struct kfd_ioctl_acquire_vm_args){ .drm_fd = null_fd, .gpu_id = gpus[0].gpu_id };
	CHECK_RET(kioctl(kfd, AMDKFD_IOC_ACQUIRE_VM, &a), -EINVAL,
		  "ACQUIRE_VM: not an amdgpu file EINVAL");
	for (unsigned int i = 0; i < num_gpus; i++) {
		a = (struct kfd_ioctl_acquire_vm_args){ .drm_fd = gpus[i].render_fd,
							 .gpu_id = gpus[i].gpu_id };
		CHECK_RET(kioctl(kfd, AMDKFD_IOC_ACQUIRE_VM, &a), 0, "ACQUIRE_VM: own render node");
		CHECK_RET(kioctl(kfd, AMDKFD_IOC_ACQUIRE_VM, &a), 0, "ACQUIRE_VM: same file again");
	}
	other = open_render(&gpus[0]);
	a = (struct kfd_ioctl_acquire_vm_args){ .drm_fd = other, .gpu_id = gpus[0].gpu_id };
	CHECK_RET(kioctl(kfd, AMDKFD_IOC_ACQUIRE_VM, &a), -EBUSY,
		  "ACQUIRE_VM: another file of a bound GPU EBUSY");
	close(other);
	close(null_fd);
	munmap(p, PAGE);
}

/* kfd_ioctl: a /dev/kfd descriptor is its opener's; a fork child gets EBADF. */
static void test_other_process(void)
{
	int status = 0;
	pid_t pid = fork();

	if (!pid) {
		struct kfd_ioctl_get_version_args v;

		_exit(kioctl(kfd, AMDKFD_IOC_GET_VERSION, &v) == -EBADF ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && !WEXITSTATUS(status), "kfd_ioctl: fork child EBADF",
	      "child status %#x", status);
}

/* ---- SVM argument checks ---- */

static void test_svm_args(void)
{
	struct kfd_ioctl_svm_attribute attrs[2] = {
		{ KFD_IOCTL_SVM_ATTR_GRANULARITY, 2 }, { KFD_IOCTL_SVM_ATTR_GRANULARITY, 3 },
	};
	char *p = map_pages(6), *hole;
	uint32_t gpu = gpus[0].gpu_id;

	munmap(p + 4 * PAGE, PAGE);	/* pages 0-3, a hole, page 5 */

	CHECK_RET(svm_set(p + 8, PAGE, 1, attrs), -EINVAL, "kfd_ioctl_svm: unaligned start EINVAL");
	CHECK_RET(svm_set(p, PAGE + 8, 1, attrs), -EINVAL, "kfd_ioctl_svm: unaligned size EINVAL");
	CHECK_RET(svm_set(NULL, PAGE, 1, attrs), -EINVAL, "kfd_ioctl_svm: zero start EINVAL");
	CHECK_RET(svm_set(p, 0, 1, attrs), -EINVAL, "kfd_ioctl_svm: zero size EINVAL");
	CHECK_RET(set1(p, PAGE, 99, 0), -EINVAL, "svm_range_check_attr: unknown type EINVAL");
	CHECK_RET(set1(p, PAGE, KFD_IOCTL_SVM_ATTR_ACCESS, 0xdead), -EINVAL,
		  "svm_range_check_attr: unknown gpu_id EINVAL");
	CHECK_RET(set1(p, PAGE, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, UNDEF), -EINVAL,
		  "svm_range_check_attr: PREFETCH_LOC undefined EINVAL");
	CHECK_RET(set1(p, PAGE, KFD_IOCTL_SVM_ATTR_PREFERRED_LOC, UNDEF), 0,
		  "svm_range_check_attr: PREFERRED_LOC undefined accepted");
	/* kfd_ioctl_svm_validate: nattr must fit in the size the command encodes. */
	CHECK_RET(svm_call(KFD_IOCTL_SVM_OP_SET_ATTR, (uintptr_t)p, PAGE, 2, attrs, 1), -EINVAL,
		  "kfd_ioctl_svm_validate: nattr past the buffer EINVAL");
	CHECK_RET(svm_call(KFD_IOCTL_SVM_OP_SET_ATTR, (uintptr_t)p, PAGE, 0xffffffffu, attrs, 1),
		  -EINVAL, "kfd_ioctl_svm_validate: huge nattr EINVAL");
	CHECK_RET(svm_call(KFD_IOCTL_SVM_OP_SET_ATTR, (uintptr_t)p, PAGE, 1, attrs, 2), 0,
		  "kfd_ioctl_svm_validate: a buffer longer than nattr accepted");
	/* svm_ioctl: unknown op. */
	CHECK_RET(svm_call(7, (uintptr_t)p, PAGE, 1, attrs, 1), -EINVAL, "svm_ioctl: unknown op EINVAL");
	/* svm_range_is_valid: no VMA (kfdtest InvalidRangeTest), a wrapping range. */
	hole = map_pages(2);
	munmap(hole, 2 * PAGE);
	CHECK_RET(set1(hole, 2 * PAGE, KFD_IOCTL_SVM_ATTR_ACCESS, gpu), -EFAULT,
		  "svm_range_is_valid: unmapped VA EFAULT");
	CHECK_RET(set1(p + 3 * PAGE, 2 * PAGE, KFD_IOCTL_SVM_ATTR_ACCESS, gpu), -EFAULT,
		  "svm_range_is_valid: range running past its VMA EFAULT");
	CHECK_RET(set1(p, -(uint64_t)(uintptr_t)p + PAGE, KFD_IOCTL_SVM_ATTR_ACCESS, gpu), -EOVERFLOW,
		  "svm_range_is_valid: wrapping size EOVERFLOW");
	CHECK_RET(svm_call(KFD_IOCTL_SVM_OP_GET_ATTR, (uintptr_t)p, PAGE, 1,
			   (struct kfd_ioctl_svm_attribute[]){ { KFD_IOCTL_SVM_ATTR_NO_ACCESS, gpu } }, 1),
		  -EINVAL, "svm_range_get_attr: NO_ACCESS is not a question EINVAL");
	munmap(p, 6 * PAGE);
}

/* ---- SVM semantics ---- */

static void expect_defaults(void *p, uint64_t size, bool xnack, const char *what)
{
	struct kfd_ioctl_svm_attribute a[5] = {
		{ KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, 0 }, { KFD_IOCTL_SVM_ATTR_PREFERRED_LOC, 0 },
		{ KFD_IOCTL_SVM_ATTR_SET_FLAGS, 0 }, { KFD_IOCTL_SVM_ATTR_GRANULARITY, 0 },
		{ KFD_IOCTL_SVM_ATTR_ACCESS, gpus[0].gpu_id },
	};
	long ret = svm_get(p, size, 5, a);
	uint32_t access = xnack ? KFD_IOCTL_SVM_ATTR_ACCESS : KFD_IOCTL_SVM_ATTR_NO_ACCESS;
	char name[128];

	snprintf(name, sizeof(name), "svm_range_get_attr: defaults (%s, XNACK %s)", what,
		 xnack ? "on" : "off");
	check(!ret && a[0].value == UNDEF && a[1].value == UNDEF && a[2].value == DEFAULT_FLAGS &&
	      a[3].value == 9 && a[4].type == access, name,
	      "ret %ld prefetch %#x preferred %#x flags %#x granularity %u access type %u", ret,
	      a[0].value, a[1].value, a[2].value, a[3].value, a[4].type);
}

static int set_xnack(int32_t mode)
{
	struct kfd_ioctl_set_xnack_mode_args x = { .xnack_enabled = mode };
	long ret = kioctl(kfd, AMDKFD_IOC_SET_XNACK_MODE, &x);

	return ret ? (int)ret : x.xnack_enabled;
}

static void test_svm_defaults(void)
{
	char *p = map_pages(2);

	CHECK_RET(set_xnack(0), 0, "SET_XNACK_MODE: off");
	expect_defaults(p, PAGE, false, "no range");
	/* kfdtest SetGetAttributesTest: a new range, then every attribute set. */
	CHECK_RET(set1(p, PAGE, KFD_IOCTL_SVM_ATTR_SET_FLAGS, 0), 0, "SVM SET: a range of defaults");
	expect_defaults(p, PAGE, false, "new range");
	if (xnack_switchable() && set_xnack(1) == 1) {
		expect_defaults(p + PAGE, PAGE, true, "no range");
		set1(p + PAGE, PAGE, KFD_IOCTL_SVM_ATTR_SET_FLAGS, 0);
		expect_defaults(p + PAGE, PAGE, true, "new range");
		set_xnack(0);
	}
	struct kfd_ioctl_svm_attribute a[5] = {
		{ KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, gpus[0].gpu_id },
		{ KFD_IOCTL_SVM_ATTR_PREFERRED_LOC, gpus[0].gpu_id },
		{ KFD_IOCTL_SVM_ATTR_SET_FLAGS, DEFAULT_FLAGS | KFD_IOCTL_SVM_FLAG_GPU_EXEC },
		{ KFD_IOCTL_SVM_ATTR_GRANULARITY, 0x3f },
		{ KFD_IOCTL_SVM_ATTR_ACCESS, gpus[0].gpu_id },
	};
	CHECK_RET(svm_set(p, PAGE, 5, a), 0, "SVM SET: five attributes");
	memset(a, 0, sizeof(a));
	a[0].type = KFD_IOCTL_SVM_ATTR_PREFETCH_LOC;
	a[1].type = KFD_IOCTL_SVM_ATTR_PREFERRED_LOC;
	a[2].type = KFD_IOCTL_SVM_ATTR_SET_FLAGS;
	a[3].type = KFD_IOCTL_SVM_ATTR_GRANULARITY;
	a[4] = (struct kfd_ioctl_svm_attribute){ KFD_IOCTL_SVM_ATTR_ACCESS, gpus[0].gpu_id };
	long ret = svm_get(p, PAGE, 5, a);

	check(!ret && a[0].value == gpus[0].gpu_id && a[1].value == gpus[0].gpu_id &&
	      a[2].value == (DEFAULT_FLAGS | KFD_IOCTL_SVM_FLAG_GPU_EXEC) && a[3].value == 0x3f &&
	      a[4].type == KFD_IOCTL_SVM_ATTR_ACCESS, "svm_range_get_attr: what SET set",
	      "ret %ld prefetch %#x preferred %#x flags %#x granularity %#x access type %u", ret,
	      a[0].value, a[1].value, a[2].value, a[3].value, a[4].type);
	munmap(p, 2 * PAGE);
}

/* Splits and the intersection GET returns (kfd_svm.c svm_range_add, svm_range_get_attr). */
static void test_svm_split(void)
{
	char *p = map_pages(16);
	uint32_t gpu = gpus[0].gpu_id, v, t;

	set1(p, 16 * PAGE, KFD_IOCTL_SVM_ATTR_PREFERRED_LOC, 0);
	CHECK_RET(set1(p + 4 * PAGE, 4 * PAGE, KFD_IOCTL_SVM_ATTR_PREFERRED_LOC, gpu), 0,
		  "SVM SET: inside a range splits it");
	v = 0, get1(p + 4 * PAGE, 4 * PAGE, KFD_IOCTL_SVM_ATTR_PREFERRED_LOC, &v, NULL);
	check(v == gpu, "svm_range_get_attr: the split middle", "preferred %#x", v);
	v = 0, get1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_PREFERRED_LOC, &v, NULL);
	check(v == 0, "svm_range_get_attr: the head keeps its value", "preferred %#x", v);
	v = 0, get1(p + 8 * PAGE, 8 * PAGE, KFD_IOCTL_SVM_ATTR_PREFERRED_LOC, &v, NULL);
	check(v == 0, "svm_range_get_attr: the tail keeps its value", "preferred %#x", v);
	v = 0, get1(p, 16 * PAGE, KFD_IOCTL_SVM_ATTR_PREFERRED_LOC, &v, NULL);
	check(v == UNDEF, "svm_range_get_attr: mixed locations undefined", "preferred %#x", v);

	set1(p + 8 * PAGE, 4 * PAGE, KFD_IOCTL_SVM_ATTR_GRANULARITY, 3);
	v = 0, get1(p, 16 * PAGE, KFD_IOCTL_SVM_ATTR_GRANULARITY, &v, NULL);
	check(v == 3, "svm_range_get_attr: granularity the minimum", "granularity %u", v);
	v = 0, get1(p, 8 * PAGE, KFD_IOCTL_SVM_ATTR_GRANULARITY, &v, NULL);
	check(v == 9, "svm_range_get_attr: granularity of the untouched part", "granularity %u", v);
	set1(p, 16 * PAGE, KFD_IOCTL_SVM_ATTR_GRANULARITY, 0x50);
	v = 0, get1(p, 16 * PAGE, KFD_IOCTL_SVM_ATTR_GRANULARITY, &v, NULL);
	check(v == 0x3f, "svm_range_apply_attrs: granularity capped at 0x3f", "granularity %#x", v);

	set1(p, 8 * PAGE, KFD_IOCTL_SVM_ATTR_SET_FLAGS, KFD_IOCTL_SVM_FLAG_GPU_RO);
	v = 0, get1(p, 16 * PAGE, KFD_IOCTL_SVM_ATTR_SET_FLAGS, &v, NULL);
	check(v == DEFAULT_FLAGS, "svm_range_get_attr: SET_FLAGS the AND", "flags %#x", v);
	v = 0, get1(p, 16 * PAGE, KFD_IOCTL_SVM_ATTR_CLR_FLAGS, &v, NULL);
	check(v == ~(uint32_t)(DEFAULT_FLAGS | KFD_IOCTL_SVM_FLAG_GPU_RO),
	      "svm_range_get_attr: CLR_FLAGS the NOR", "clr flags %#x", v);
	set1(p, 8 * PAGE, KFD_IOCTL_SVM_ATTR_CLR_FLAGS, KFD_IOCTL_SVM_FLAG_COHERENT);
	v = 0, get1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_SET_FLAGS, &v, NULL);
	check(v == (KFD_IOCTL_SVM_FLAG_HOST_ACCESS | KFD_IOCTL_SVM_FLAG_GPU_RO),
	      "svm_range_apply_attrs: CLR_FLAGS clears", "flags %#x", v);

	/* ACCESS questions come back with the type rewritten, per GPU. */
	set1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_ACCESS_IN_PLACE, gpu);
	v = gpu, get1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_ACCESS, &v, &t);
	check(t == KFD_IOCTL_SVM_ATTR_ACCESS_IN_PLACE, "svm_range_get_attr: ACCESS_IN_PLACE reported",
	      "type %u", t);
	set1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_ACCESS, gpu);
	v = gpu, get1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_ACCESS, &v, &t);
	check(t == KFD_IOCTL_SVM_ATTR_ACCESS, "svm_range_get_attr: ACCESS reported", "type %u", t);
	v = gpu, get1(p, 16 * PAGE, KFD_IOCTL_SVM_ATTR_ACCESS, &v, &t);
	check(t == KFD_IOCTL_SVM_ATTR_NO_ACCESS, "svm_range_get_attr: ACCESS of a mixed span is none",
	      "type %u", t);
	set1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_NO_ACCESS, gpu);
	v = gpu, get1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_ACCESS, &v, &t);
	check(t == KFD_IOCTL_SVM_ATTR_NO_ACCESS, "svm_range_get_attr: NO_ACCESS reported", "type %u", t);
	v = 0xdead;
	CHECK_RET(get1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_ACCESS, &v, NULL), -EINVAL,
		  "svm_range_get_attr: ACCESS of an unknown gpu_id EINVAL");
	if (num_gpus > 1) {
		set1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_ACCESS, gpus[1].gpu_id);
		v = gpus[1].gpu_id, get1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_ACCESS, &v, &t);
		check(t == KFD_IOCTL_SVM_ATTR_ACCESS, "svm_range_get_attr: the second GPU's ACCESS",
		      "type %u", t);
		v = gpu, get1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_ACCESS, &v, &t);
		check(t == KFD_IOCTL_SVM_ATTR_NO_ACCESS, "svm_range_get_attr: ACCESS is per GPU",
		      "type %u", t);
	}

	/* kfdtest PrefetchTest: half prefetched reads mixed over the whole. */
	set1(p, 16 * PAGE, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, 0);
	v = 1, get1(p, 16 * PAGE, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, &v, NULL);
	check(v == 0, "svm_range_get_attr: PREFETCH_LOC system", "prefetch %#x", v);
	set1(p + 8 * PAGE, 8 * PAGE, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, gpu);
	v = 1, get1(p + 8 * PAGE, 8 * PAGE, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, &v, NULL);
	check(v == gpu, "svm_range_get_attr: PREFETCH_LOC of the prefetched half", "prefetch %#x", v);
	v = 1, get1(p, 16 * PAGE, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, &v, NULL);
	check(v == UNDEF, "svm_range_get_attr: PREFETCH_LOC mixed undefined", "prefetch %#x", v);

	/* The MMU notifier: a munmap in the middle cuts the range. */
	munmap(p + 4 * PAGE, 4 * PAGE);
	v = 1;
	CHECK_RET(get1(p + 4 * PAGE, 4 * PAGE, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, &v, NULL), -EFAULT,
		  "svm_range_get_attr: freed range EFAULT");
	v = 1, get1(p, 4 * PAGE, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, &v, NULL);
	check(v == 0, "svm_range_unmap_from_cpu: the head stays", "prefetch %#x", v);
	if (mmap(p + 4 * PAGE, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) == MAP_FAILED)
		exit(2);
	expect_defaults(p + 4 * PAGE, 4 * PAGE, false, "remapped after munmap");
	munmap(p, 16 * PAGE);
	v = 1;
	CHECK_RET(get1(p, 16 * PAGE, KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, &v, NULL), -EFAULT,
		  "svm_range_get_attr: all freed EFAULT");
}

static void test_xnack(void)
{
	bool can = xnack_switchable();

	CHECK_RET(set_xnack(-1), 0, "SET_XNACK_MODE: query off");
	CHECK_RET(set_xnack(1), can ? 1 : -EPERM, can ? "SET_XNACK_MODE: on" :
		  "SET_XNACK_MODE: on EPERM (GPU cannot switch)");
	CHECK_RET(set_xnack(-1), can ? 1 : 0, "SET_XNACK_MODE: query after");
	CHECK_RET(set_xnack(0), 0, "SET_XNACK_MODE: off again");
}

int main(void)
{
	char *buf;

	page_size = (unsigned long)sysconf(_SC_PAGESIZE);
	buf = map_pages(1);
	(void)buf;
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_topology();
	if (!num_gpus) {
		printf("# no KFD topology: run under vdev/run --preset kfd-*\n");
		return 2;
	}
	kfd = open_node("kfd");
	if (!check(kfd >= 0, "open /dev/kfd", "%s", strerror(errno)))
		return 1;
	test_version();
	test_apertures();
	test_render_node();
	test_acquire_vm();
	test_other_process();
	test_svm_args();
	test_svm_defaults();
	test_svm_split();
	test_xnack();
	for (unsigned int i = 0; i < num_gpus; i++)
		close(gpus[i].render_fd);
	close(kfd);
	printf("1..%u\n# %u of %u checks failed\n", checks, failures, checks);
	return failures ? 1 : 0;
}
