/* SPDX-License-Identifier: MIT */
/* KFD process bring-up and teardown (see kfd_device.h; ROCT openclose.c's order). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "igt_core.h"
#include "kfd_device.h"
#include "kfd_compute_queue.h"
#include "kfd_events.h"
#include "kfd_ioctl.h"
#include "kfd_mem.h"
#include "kfd_sdma_queue.h"
#include "kfd_smi.h"
#include "util.h"

int kfd_render_node_path(const char *kfd_devnode, uint32_t minor, char *out, size_t len)
{
	const char *slash = strrchr(kfd_devnode, '/');
	int dir_len = slash ? (int)(slash - kfd_devnode) : 0;

	if (!slash)
		return -EINVAL;
	if ((size_t)snprintf(out, len, "%.*s/dri/renderD%u", dir_len, kfd_devnode, minor) >= len)
		return -ENAMETOOLONG;
	return 0;
}

struct kfd_gpu *kfd_device_gpu(struct kfd_device *dev, uint32_t gpu_id)
{
	for (int i = 0; i < dev->num_gpus; i++)
		if (dev->gpus[i].gpu_id == gpu_id)
			return &dev->gpus[i];
	return NULL;
}

/* The two-call apertures query; each GPU gets its own entry. */
static int read_apertures(struct kfd_device *dev)
{
	struct kfd_process_device_apertures ap[KFD_TOPOLOGY_MAX_NODES];
	uint32_t n = 0;
	int ret;

	ret = __kfd_get_process_apertures(dev->fd, NULL, 0, &n);
	if (ret)
		return ret;
	if (n > ARRAY_SIZE(ap))
		n = ARRAY_SIZE(ap);
	ret = __kfd_get_process_apertures(dev->fd, ap, n, &n);
	if (ret)
		return ret;
	for (uint32_t i = 0; i < n; i++) {
		struct kfd_gpu *gpu = kfd_device_gpu(dev, ap[i].gpu_id);

		if (gpu)
			gpu->apertures = ap[i];
	}
	return 0;
}

static int acquire_gpus(struct kfd_device *dev)
{
	for (int i = 0; i < dev->num_gpus; i++) {
		struct kfd_gpu *gpu = &dev->gpus[i];
		char path[128];
		int ret;

		ret = kfd_render_node_path(dev->devnode, gpu->node->drm_render_minor, path,
					   sizeof(path));
		if (ret)
			return ret;
		gpu->render_fd = open(path, O_RDWR | O_CLOEXEC);
		if (gpu->render_fd < 0)
			return -errno;
		ret = __kfd_acquire_vm(dev->fd, gpu->render_fd, gpu->gpu_id);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The kernel keeps one KFD process per mm, not per open file: the MMU
 * notifier holds it until the mm goes (kfd_process.c), so closing
 * /dev/kfd ends nothing.  What that process keeps cannot be made twice:
 * ACQUIRE_VM stays bound to the first render file (-EBUSY for another),
 * the event page is set once (-EBUSY) and cannot be freed (-EPERM).  So
 * one struct kfd_device stands for the process: opens in one process
 * share it, and the last close releases what was made through it
 * (queues, events, SMI files, BOs) but keeps the fds, the acquired render
 * files and the event page for the process's life.  A fork child has an
 * mm of its own and brings its own process up.
 */
static void release_fds(struct kfd_device *dev);

static pthread_mutex_t process_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kfd_device *process_dev;
static pid_t process_pid;
static unsigned int process_refs;
/* A parent's handle a fork child inherited: unusable there, kept reachable. */
static struct kfd_device *inherited_dev;

static int bring_up(const struct igt_device_info *info, struct kfd_device **out)
{
	struct kfd_device *dev = calloc(1, sizeof(*dev));
	const struct kfd_node *node;
	int ret;

	*out = NULL;
	if (!dev)
		return -ENOMEM;
	for (int i = 0; i < KFD_DEVICE_MAX_GPUS; i++)
		dev->gpus[i].render_fd = -1;
	snprintf(dev->devnode, sizeof(dev->devnode), "%s", info->devnode);
	dev->page_size = sysconf(_SC_PAGESIZE);
	dev->fd = open(info->devnode, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		ret = -errno;
		free(dev);
		return ret;
	}

	ret = __kfd_get_version(dev->fd, &dev->major, &dev->minor);
	if (!ret && dev->major != KFD_IOCTL_MAJOR_VERSION)
		ret = -EPROTO;
	if (!ret)
		ret = __kfd_topology_read(&dev->topo);
	while (!ret && dev->num_gpus < KFD_DEVICE_MAX_GPUS &&
	       (node = kfd_topology_gpu(&dev->topo, dev->num_gpus))) {
		dev->gpus[dev->num_gpus].gpu_id = node->gpu_id;
		dev->gpus[dev->num_gpus].node = node;
		dev->num_gpus++;
	}
	if (!ret && !dev->num_gpus)
		ret = -ENODEV;
	if (!ret)
		ret = read_apertures(dev);
	if (!ret)
		ret = acquire_gpus(dev);
	if (ret) {
		release_fds(dev);
		return ret;
	}
	*out = dev;
	return 0;
}

int __kfd_device_open(const struct igt_device_info *info, struct kfd_device **out)
{
	int ret = 0;

	*out = NULL;
	pthread_mutex_lock(&process_lock);
	if (process_dev && process_pid != getpid()) {
		inherited_dev = process_dev;
		process_dev = NULL;
		process_refs = 0;
	}
	if (process_dev && strcmp(process_dev->devnode, info->devnode))
		ret = -EBUSY;	/* one KFD per process: another node cannot be a second */
	else if (!process_dev && !(ret = bring_up(info, &process_dev)))
		process_pid = getpid();
	if (!ret) {
		process_refs++;
		*out = process_dev;
	}
	pthread_mutex_unlock(&process_lock);
	return ret;
}

struct kfd_device *kfd_device_open(const struct igt_device_info *info)
{
	struct kfd_device *dev;
	int ret = __kfd_device_open(info, &dev);

	igt_assert_f(ret == 0, "bringing up a KFD process on %s: %s\n", info->devnode,
		     strerror(-ret));
	return dev;
}

int __kfd_device_open_default(struct kfd_device **out)
{
	struct igt_device_info info;
	int ret = igt_device_find(IGT_DEV_KFD, NULL, 0, &info);

	*out = NULL;
	return ret ? ret : __kfd_device_open(&info, out);
}

/* The fds, after a failed bring-up only: a KFD process that ran keeps them. */
static void release_fds(struct kfd_device *dev)
{
	for (int i = 0; i < KFD_DEVICE_MAX_GPUS; i++)
		if (dev->gpus[i].render_fd >= 0)
			close(dev->gpus[i].render_fd);
	if (dev->fd >= 0)
		close(dev->fd);
	free(dev);
}

/*
 * Queues first (they hold the ring and doorbells), then events, SMI
 * files, and the BOs but the event page, which the kernel will not free
 * (see process_dev above).  Errors are not fatal here: the process's exit
 * releases whatever an ioctl could not.
 */
static void release_objects(struct kfd_device *dev)
{
	while (dev->queues)
		__kfd_sdma_queue_destroy(dev->queues);
	while (dev->compute_queues)
		__kfd_compute_queue_destroy(dev->compute_queues);
	while (dev->events)
		__kfd_event_destroy(dev->events);
	while (dev->smis)
		kfd_smi_close(dev->smis);
	for (int i = 0; i < dev->num_gpus; i++)
		dev->gpus[i].doorbells = NULL;
	for (struct kfd_bo **pp = &dev->bos; *pp;) {
		if (*pp == dev->event_page) {
			pp = &(*pp)->next;
			continue;
		}
		__kfd_bo_free(*pp);	/* unlinks it */
	}
}

void kfd_device_close(struct kfd_device *dev)
{
	if (!dev)
		return;
	pthread_mutex_lock(&process_lock);
	if (dev == process_dev && process_pid == getpid() && !--process_refs)
		release_objects(dev);
	pthread_mutex_unlock(&process_lock);
}
