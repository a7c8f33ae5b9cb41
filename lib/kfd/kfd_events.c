/* SPDX-License-Identifier: MIT */
/* KFD events (see kfd_events.h; kernel: kfd_events.c, kfd_chardev.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "igt_core.h"
#include "kfd_events.h"
#include "kfd_ioctl.h"
#include "kfd_mem.h"
#include "util.h"

#define EVENT_PAGE_BYTES (KFD_SIGNAL_EVENT_LIMIT * sizeof(uint64_t))

/* The event page on the first GPU, mapped on all of them (any may FENCE into it). */
static int event_page(struct kfd_device *dev, struct kfd_bo **out)
{
	uint32_t ids[KFD_DEVICE_MAX_GPUS];
	struct kfd_bo *bo;
	int ret;

	if (dev->event_page) {
		*out = dev->event_page;
		return 0;
	}
	ret = __kfd_bo_gtt(&dev->gpus[0], dev, EVENT_PAGE_BYTES,
			   KFD_IOC_ALLOC_MEM_FLAGS_WRITABLE | KFD_IOC_ALLOC_MEM_FLAGS_UNCACHED, &bo);
	if (ret)
		return ret;
	for (int i = 0; i < dev->num_gpus; i++)
		ids[i] = dev->gpus[i].gpu_id;
	ret = __kfd_bo_map(bo, ids, dev->num_gpus);
	if (ret) {
		__kfd_bo_free(bo);
		return ret;
	}
	*out = bo;
	return 0;
}

int __kfd_event_create(struct kfd_device *dev, uint32_t type, bool auto_reset,
		       struct kfd_event **out)
{
	struct kfd_ioctl_create_event_args args = { .event_type = type, .auto_reset = auto_reset };
	struct kfd_bo *page = NULL;
	struct kfd_event *ev;
	bool hand_over;
	int ret;

	*out = NULL;
	/* KFD takes the page once, with the first SIGNAL event. */
	hand_over = type == KFD_IOC_EVENT_SIGNAL && !dev->event_page;
	if (hand_over) {
		ret = event_page(dev, &page);
		if (ret)
			return ret;
		args.event_page_offset = page->handle;
	}
	ev = calloc(1, sizeof(*ev));
	ret = ev ? __kfd_create_event(dev->fd, &args) : -ENOMEM;
	if (ret) {
		free(ev);
		if (page)
			__kfd_bo_free(page);
		return ret;
	}
	if (hand_over)
		dev->event_page = page;
	ev->dev = dev;
	ev->type = type;
	ev->id = args.event_id;
	ev->trigger_data = args.event_trigger_data;
	ev->slot_index = args.event_slot_index;
	ev->next = dev->events;
	dev->events = ev;
	*out = ev;
	return 0;
}

struct kfd_event *kfd_event_create(struct kfd_device *dev, uint32_t type, bool auto_reset)
{
	struct kfd_event *ev;
	int ret = __kfd_event_create(dev, type, auto_reset, &ev);

	igt_assert_f(ret == 0, "CREATE_EVENT(type %u): %s\n", type, strerror(-ret));
	return ev;
}

int __kfd_event_destroy(struct kfd_event *ev)
{
	int ret = __kfd_destroy_event(ev->dev->fd, ev->id);

	for (struct kfd_event **p = &ev->dev->events; *p; p = &(*p)->next)
		if (*p == ev) {
			*p = ev->next;
			break;
		}
	free(ev);
	return ret;
}

int __kfd_event_set(struct kfd_event *ev)
{
	return __kfd_set_event(ev->dev->fd, ev->id);
}

int __kfd_event_reset(struct kfd_event *ev)
{
	return __kfd_reset_event(ev->dev->fd, ev->id);
}

uint64_t kfd_event_slot_va(const struct kfd_event *ev)
{
	const struct kfd_bo *page = ev->dev->event_page;

	return page ? page->va + ev->slot_index * sizeof(uint64_t) : 0;
}

int __kfd_event_wait(struct kfd_event *ev, uint32_t timeout_ms, struct kfd_event_data *data)
{
	struct kfd_event_data local = { .event_id = ev->id };
	uint32_t result = KFD_IOC_WAIT_RESULT_FAIL;
	int ret = __kfd_wait_events(ev->dev->fd, &local, 1, true, timeout_ms, &result);

	if (data)
		*data = local;
	if (ret)
		return ret;
	switch (result) {
	case KFD_IOC_WAIT_RESULT_COMPLETE:
		return 0;
	case KFD_IOC_WAIT_RESULT_TIMEOUT:
		return -ETIME;
	default:
		return -EIO;
	}
}

void kfd_event_wait(struct kfd_event *ev, uint32_t timeout_ms)
{
	int ret = __kfd_event_wait(ev, timeout_ms, NULL);

	igt_assert_f(ret == 0, "event %u not signalled within %u ms: %s\n", ev->id, timeout_ms,
		     strerror(-ret));
}

int __kfd_event_wait_memory_fault(struct kfd_event *ev, uint32_t timeout_ms, uint64_t *va,
				  struct kfd_hsa_memory_exception_data *fault)
{
	struct kfd_event_data data;
	int ret;

	if (ev->type != KFD_IOC_EVENT_MEMORY)
		return -EINVAL;
	ret = __kfd_event_wait(ev, timeout_ms, &data);
	if (ret)
		return ret;
	*va = data.memory_exception_data.va;
	if (fault)
		*fault = data.memory_exception_data;
	return 0;
}

void kfd_expect_vm_fault(void)
{
	igt_emit_ignore_dmesg_regex(KFD_VM_FAULT_DMESG_REGEX);
}
