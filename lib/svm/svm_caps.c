/* SPDX-License-Identifier: MIT */
/* Side-effect-free capability probes for amdkfd and test_hmm devices (xe's: lib/xe/xe_query.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "svm_caps.h"
#include "util.h"
#include "uapi/hmm_dmirror.h"
#include "uapi/kfd_svm_ioctl.h"

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
	ret = ioctl_restarting(fd, AMDKFD_IOC_GET_VERSION, &version);
	if (ret)
		return ret;
	caps->major = version.major_version;
	caps->minor = version.minor_version;
	kfd_read_topology(caps);
	/* A negative value only queries the mode; it changes nothing. */
	ret = ioctl_restarting(fd, AMDKFD_IOC_SET_XNACK_MODE, &xnack);
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
	caps->snapshot = ioctl_restarting(fd, HMM_DMIRROR_SNAPSHOT, &cmd);
	munmap(buf, page);
	return 0;
}
