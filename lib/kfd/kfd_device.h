/* SPDX-License-Identifier: MIT */
/*
 * A KFD process, brought up the way libhsakmt does it, without libhsakmt:
 *   1. open /dev/kfd (the node igt_device_find() gives);
 *   2. GET_VERSION: major must be 1;
 *   3. read the topology (kfd_topology.h);
 *   4. GET_PROCESS_APERTURES_NEW;
 *   5. per GPU: open renderD<drm_render_minor> next to /dev/kfd and
 *      ACQUIRE_VM {render fd, gpu_id}.
 * The handle tracks everything made through it (BOs, queues, events, SMI
 * files, the doorbell and event pages), and kfd_device_close() releases
 * it in dependency order, whatever path a test took.  The kernel keeps a
 * KFD process per mm, not per file: opens in one process share one
 * handle (counted), and the fds, the acquired render files and the event
 * page stay until the process exits (kfd_device.c says why).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "igt_device.h"
#include "kfd_topology.h"
#include "uapi/kfd_svm_ioctl.h"

#define KFD_DEVICE_MAX_GPUS 16
/* Bound for waits that must complete: an SDMA packet takes microseconds. */
#define KFD_DEFAULT_TIMEOUT_MS 10000

struct kfd_bo;
struct kfd_compute_queue;
struct kfd_event;
struct kfd_sdma_queue;
struct kfd_smi;

struct kfd_gpu {
	uint32_t gpu_id;
	const struct kfd_node *node;	/* in the device's topology */
	int render_fd;			/* acquired as this GPU's VM */
	struct kfd_process_device_apertures apertures;
	struct kfd_bo *doorbells;	/* the process's doorbell slice, at the first queue */
};

struct kfd_device {
	int fd;				/* /dev/kfd */
	char devnode[64];
	uint32_t major, minor;
	size_t page_size;
	struct kfd_topology topo;
	int num_gpus;
	struct kfd_gpu gpus[KFD_DEVICE_MAX_GPUS];
	/* What close releases, each list newest first. */
	struct kfd_sdma_queue *queues;
	struct kfd_compute_queue *compute_queues;
	struct kfd_event *events;
	struct kfd_smi *smis;
	struct kfd_bo *bos;
	struct kfd_bo *event_page;	/* the signal-event slots (a BO in @bos) */
};

/* Feature gates on the uAPI minor (distributions backport KFD). */
static inline bool kfd_version_has_svm(uint32_t major, uint32_t minor)
{
	return major == KFD_IOCTL_MAJOR_VERSION && minor >= IGT_KFD_MINOR_SVM;
}

static inline bool kfd_version_has_smi_profiler(uint32_t major, uint32_t minor)
{
	return major == KFD_IOCTL_MAJOR_VERSION && minor >= IGT_KFD_MINOR_SMI_PROFILER;
}

static inline bool kfd_device_has_svm(const struct kfd_device *dev)
{
	return kfd_version_has_svm(dev->major, dev->minor);
}

static inline bool kfd_device_has_smi_profiler(const struct kfd_device *dev)
{
	return kfd_version_has_smi_profiler(dev->major, dev->minor);
}

/*
 * Brings the process up on @info (a /dev/kfd from igt_device_find()).
 * 0 or -errno: -EPROTO for a major other than 1, -ENODEV when the topology
 * has no GPU, else the errno of the step that failed (nothing is left
 * open then).
 */
int __kfd_device_open(const struct igt_device_info *info, struct kfd_device **out);
struct kfd_device *kfd_device_open(const struct igt_device_info *info);
/* The first /dev/kfd the device filter lets through; -ENODEV if none. */
int __kfd_device_open_default(struct kfd_device **out);

/*
 * Drops one open; the last releases queues, events, SMI files, BOs and
 * mappings, but not what the kernel keeps for the process (see above).
 */
void kfd_device_close(struct kfd_device *dev);

/* The GPU with @gpu_id, NULL if not one of the device's. */
struct kfd_gpu *kfd_device_gpu(struct kfd_device *dev, uint32_t gpu_id);
/* The path of renderD@minor next to @kfd_devnode ("/dev/kfd" -> "/dev/dri/renderD128"). */
int kfd_render_node_path(const char *kfd_devnode, uint32_t minor, char *out, size_t len);
