/* SPDX-License-Identifier: MIT */
/* The side-effect-free /dev/kfd probe (see kfd_probe.h), on kfd_topology. */
#include <string.h>

#include "kfd_ioctl.h"
#include "kfd_probe.h"
#include "kfd_topology.h"

static void copy_gpus(const struct kfd_topology *topo, struct svm_kfd_caps *caps)
{
	const struct kfd_node *node;

	for (int i = 0; caps->num_gpus < SVM_KFD_MAX_GPUS && (node = kfd_topology_gpu(topo, i)); i++) {
		struct svm_kfd_gpu *gpu = &caps->gpus[caps->num_gpus++];

		gpu->gpu_id = node->gpu_id;
		gpu->render_minor = node->drm_render_minor;
		gpu->device_id = node->device_id;
		gpu->svm = kfd_node_has_svm(node);
	}
}

int __svm_probe_kfd(int fd, struct svm_kfd_caps *caps)
{
	static struct kfd_topology topo;	/* 20 KiB: not on a test's stack */
	int xnack, ret;

	memset(caps, 0, sizeof(*caps));
	ret = __kfd_get_version(fd, &caps->major, &caps->minor);
	if (ret)
		return ret;
	if (!__kfd_topology_read(&topo))
		copy_gpus(&topo, caps);
	ret = __kfd_xnack_query(fd, &xnack);
	caps->xnack = ret ? ret : xnack;
	return 0;
}
