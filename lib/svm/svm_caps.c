/* SPDX-License-Identifier: MIT */
/* Side-effect-free capability probes for xe, amdkfd and test_hmm devices. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "svm_caps.h"
#include "uapi/hmm_dmirror.h"
#include "uapi/kfd_svm_ioctl.h"
#include "uapi/xe_svm_drm.h"

static int checked_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret == -1 ? -errno : 0;
}

/* ---- xe ------------------------------------------------------------------ */

/* The config query uses the two-call protocol: ask the size, then fill. */
static int xe_query_config(int fd, uint64_t **info, uint32_t *num)
{
	struct drm_xe_device_query q = { .query = DRM_XE_DEVICE_QUERY_CONFIG };
	struct drm_xe_query_config *config;
	int ret;

	ret = checked_ioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q);
	if (ret)
		return ret;
	config = calloc(1, q.size);
	if (!config)
		return -ENOMEM;
	q.data = (uintptr_t)config;
	ret = checked_ioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q);
	if (ret) {
		free(config);
		return ret;
	}
	*num = config->num_params;
	*info = malloc(sizeof(uint64_t) * config->num_params);
	if (!*info) {
		free(config);
		return -ENOMEM;
	}
	memcpy(*info, config->info, sizeof(uint64_t) * config->num_params);
	free(config);
	return 0;
}

static int xe_try_fault_vm(int fd)
{
	struct drm_xe_vm_create create = {
		.flags = DRM_XE_VM_CREATE_FLAG_LR_MODE | DRM_XE_VM_CREATE_FLAG_FAULT_MODE,
	};
	struct drm_xe_vm_destroy destroy = { 0 };
	int ret = checked_ioctl(fd, DRM_IOCTL_XE_VM_CREATE, &create);

	if (ret)
		return ret;
	destroy.vm_id = create.vm_id;
	return checked_ioctl(fd, DRM_IOCTL_XE_VM_DESTROY, &destroy);
}

int __svm_probe_xe(int fd, struct svm_xe_caps *caps)
{
	uint64_t *info;
	uint32_t num;
	int ret;

	memset(caps, 0, sizeof(*caps));
	ret = xe_query_config(fd, &info, &num);
	if (ret)
		return ret;
	if (num <= DRM_XE_QUERY_CONFIG_VA_BITS) {
		free(info);
		return -EPROTO;
	}
	caps->devid = info[DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] & 0xffff;
	caps->revid = (info[DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] >> 16) & 0xff;
	caps->has_vram = info[DRM_XE_QUERY_CONFIG_FLAGS] & DRM_XE_QUERY_CONFIG_FLAG_HAS_VRAM;
	caps->has_cpu_addr_mirror =
		info[DRM_XE_QUERY_CONFIG_FLAGS] & DRM_XE_QUERY_CONFIG_FLAG_HAS_CPU_ADDR_MIRROR;
	caps->min_alignment = info[DRM_XE_QUERY_CONFIG_MIN_ALIGNMENT];
	caps->va_bits = info[DRM_XE_QUERY_CONFIG_VA_BITS];
	free(info);
	caps->fault_mode = xe_try_fault_vm(fd);
	return 0;
}

/* ---- amdkfd -------------------------------------------------------------- */

static const char *kfd_topology_root(void)
{
	const char *root = getenv("IGT_SVM_SYSFS_ROOT");
	static char path[512];

	snprintf(path, sizeof(path), "%s/class/kfd/kfd/topology/nodes", root ? root : "/sys");
	return path;
}

static int read_u32_file(const char *path, uint32_t *value)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%u", value) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

/* Reads "name value" lines of a topology node's properties file. */
static int read_property(const char *node_dir, const char *name, uint64_t *value)
{
	char path[600], key[64];
	unsigned long long v;
	FILE *f;
	int ret = -ENOENT;

	snprintf(path, sizeof(path), "%s/properties", node_dir);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fscanf(f, "%63s %llu", key, &v) == 2)
		if (!strcmp(key, name)) {
			*value = v;
			ret = 0;
			break;
		}
	fclose(f);
	return ret;
}

static void kfd_read_topology(struct svm_kfd_caps *caps)
{
	const char *root = kfd_topology_root();

	for (int node = 0; caps->num_gpus < SVM_KFD_MAX_GPUS; node++) {
		char dir[600], path[700];
		struct svm_kfd_gpu *gpu = &caps->gpus[caps->num_gpus];
		uint64_t capability = 0, minor = 0, device_id = 0;

		snprintf(dir, sizeof(dir), "%s/%d", root, node);
		snprintf(path, sizeof(path), "%s/gpu_id", dir);
		if (read_u32_file(path, &gpu->gpu_id))
			break;
		if (!gpu->gpu_id)
			continue;	/* a CPU node */
		read_property(dir, "capability", &capability);
		read_property(dir, "drm_render_minor", &minor);
		read_property(dir, "device_id", &device_id);
		gpu->svm = capability & HSA_CAP_SVMAPI_SUPPORTED;
		gpu->render_minor = minor;
		gpu->device_id = device_id;
		caps->num_gpus++;
	}
}

int __svm_probe_kfd(int fd, struct svm_kfd_caps *caps)
{
	struct kfd_ioctl_get_version_args version = { 0 };
	struct kfd_ioctl_set_xnack_mode_args xnack = { .xnack_enabled = -1 };
	int ret;

	memset(caps, 0, sizeof(*caps));
	ret = checked_ioctl(fd, AMDKFD_IOC_GET_VERSION, &version);
	if (ret)
		return ret;
	caps->major = version.major_version;
	caps->minor = version.minor_version;
	kfd_read_topology(caps);
	/* A negative value only queries the mode; it changes nothing. */
	ret = checked_ioctl(fd, AMDKFD_IOC_SET_XNACK_MODE, &xnack);
	caps->xnack = ret ? ret : xnack.xnack_enabled > 0;
	return 0;
}

/* ---- test_hmm ------------------------------------------------------------ */

int svm_kernel_version(void)
{
	struct utsname u;
	int major, minor;

	if (uname(&u))
		return -errno;
	if (sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return -EINVAL;
	return major * 1000 + minor;
}

int __svm_probe_dmirror(int fd, struct svm_dmirror_caps *caps)
{
	long page = sysconf(_SC_PAGESIZE);
	int version = svm_kernel_version();
	unsigned char state;
	struct hmm_dmirror_cmd cmd = { 0 };
	void *buf;

	memset(caps, 0, sizeof(*caps));
	if (version < 0)
		return version;
	caps->numbering_6_0 = version >= 6000;
	if (!caps->numbering_6_0) {
		caps->snapshot = -ENOTSUP;
		return 0;
	}
	buf = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return -errno;
	cmd.addr = (uintptr_t)buf;
	cmd.ptr = (uintptr_t)&state;
	cmd.npages = 1;
	caps->snapshot = checked_ioctl(fd, HMM_DMIRROR_SNAPSHOT, &cmd);
	munmap(buf, page);
	return 0;
}
