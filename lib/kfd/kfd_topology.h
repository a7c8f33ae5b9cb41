/* SPDX-License-Identifier: MIT */
/*
 * The amdkfd topology in sysfs, read without side effects:
 *   .../kfd/kfd/topology/generation_id         bumped on every change
 *   .../kfd/kfd/topology/system_properties     "name value" lines
 *   .../kfd/kfd/topology/nodes/N/gpu_id        0 on a CPU node
 *   .../kfd/kfd/topology/nodes/N/properties    "name value" lines
 * under $IGT_SVM_SYSFS_ROOT (default /sys), as devices/virtual/kfd/kfd or
 * its class/kfd/kfd link, so a fake tree works for tests and for vdev.
 * Properties a kernel does not print (num_xcc before 6.5, ...) read as 0.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "uapi/kfd_svm_ioctl.h"

#define KFD_TOPOLOGY_MAX_NODES 64

struct kfd_node {
	int index;			/* N of nodes/N */
	uint32_t gpu_id;		/* 0: a CPU node */
	/* From nodes/N/properties. */
	uint64_t capability;
	uint64_t local_mem_size;	/* bytes of VRAM, 0 on an APU or a CPU */
	uint64_t hive_id;		/* xGMI hive, 0 if none */
	uint32_t drm_render_minor;	/* renderD<minor> */
	uint32_t gfx_target_version;	/* e.g. 90010 for gfx90a */
	uint32_t num_sdma_engines;
	uint32_t num_sdma_xgmi_engines;
	uint32_t num_sdma_queues_per_engine;
	uint32_t num_cp_queues;
	uint32_t num_xcc;
	uint32_t simd_count;
	uint32_t device_id;		/* PCI device id */
	/* What a compute queue's CWSR sizes come from (kfd_queue.c). */
	uint32_t simd_per_cu;
	uint32_t array_count;
	uint32_t simd_arrays_per_engine;
	uint32_t lds_size_in_kb;
	uint32_t ctl_stack_size;	/* what CREATE_QUEUE wants, exactly */
	uint32_t cwsr_size;		/* the least ctx_save_restore_size it takes */
};

struct kfd_topology {
	uint64_t generation_id;
	uint64_t platform_oem, platform_id, platform_rev;	/* system_properties */
	int num_nodes;			/* CPU and GPU nodes, in index order */
	struct kfd_node nodes[KFD_TOPOLOGY_MAX_NODES];
};

/*
 * Reads the whole topology; retried while generation_id changes under it
 * (a GPU hot-plugged mid-read), -EAGAIN if it never settles.  -ENOENT when
 * there is no KFD topology at all.
 */
int __kfd_topology_read(struct kfd_topology *topo);
void kfd_topology_read(struct kfd_topology *topo);

/* The directory the topology is read from (for messages). */
const char *kfd_topology_dir(void);

static inline bool kfd_node_is_gpu(const struct kfd_node *node)
{
	return node->gpu_id != 0;
}

static inline bool kfd_node_has_svm(const struct kfd_node *node)
{
	return node->capability & HSA_CAP_SVMAPI_SUPPORTED;
}

int kfd_topology_num_gpus(const struct kfd_topology *topo);
/* The @i-th GPU node (0-based, CPU nodes skipped), NULL past the end. */
const struct kfd_node *kfd_topology_gpu(const struct kfd_topology *topo, int i);
const struct kfd_node *kfd_topology_by_gpu_id(const struct kfd_topology *topo, uint32_t gpu_id);
/* What libhsakmt requires before it uses the SVM ioctl: the bit on every GPU. */
bool kfd_topology_all_svm(const struct kfd_topology *topo);

/*
 * Parses one "name value" properties text into @node's fields; unknown
 * names are skipped, a line that is not "name number" is -EINVAL.
 */
int kfd_node_parse_properties(struct kfd_node *node, const char *text);
