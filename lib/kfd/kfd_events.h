/* SPDX-License-Identifier: MIT */
/*
 * KFD events: SIGNAL events (set from the CPU with SET_EVENT, or by an SDMA
 * FENCE into the event's slot followed by a TRAP carrying its id) and
 * MEMORY events (a GPU memory fault of this process: the faulting VA comes
 * back with the wait).  The first SIGNAL event hands KFD the event page, a
 * GTT BO of KFD_SIGNAL_EVENT_LIMIT u64 slots mapped on every GPU, as
 * libhsakmt does on a dGPU: a page KFD allocated itself would be out of
 * the GPUs' reach.  Events are listed on the device; close destroys them.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kfd_device.h"

struct kfd_event {
	struct kfd_event *next;
	struct kfd_device *dev;
	uint32_t type;			/* KFD_IOC_EVENT_* */
	uint32_t id;
	uint32_t trigger_data;		/* what a TRAP must carry */
	uint32_t slot_index;		/* SIGNAL: the u64 slot in the event page */
};

/* 0 or -errno; @type KFD_IOC_EVENT_SIGNAL or KFD_IOC_EVENT_MEMORY (any the kernel takes). */
int __kfd_event_create(struct kfd_device *dev, uint32_t type, bool auto_reset,
		       struct kfd_event **out);
struct kfd_event *kfd_event_create(struct kfd_device *dev, uint32_t type, bool auto_reset);
/* Always unlinks and frees @ev; returns the DESTROY_EVENT errno. */
int __kfd_event_destroy(struct kfd_event *ev);

int __kfd_event_set(struct kfd_event *ev);
int __kfd_event_reset(struct kfd_event *ev);

/* GPU VA of a SIGNAL event's slot: where an SDMA FENCE signals it. */
uint64_t kfd_event_slot_va(const struct kfd_event *ev);

/*
 * Waits at most @timeout_ms: 0 when signalled, -ETIME on timeout, -EIO
 * when the kernel reports the wait failed, else the ioctl's -errno.
 * @data (may be NULL) receives what the kernel returned for the event.
 */
int __kfd_event_wait(struct kfd_event *ev, uint32_t timeout_ms, struct kfd_event_data *data);
void kfd_event_wait(struct kfd_event *ev, uint32_t timeout_ms);

/*
 * Waits for a MEMORY event and returns its fault: *@va the faulting
 * address (page aligned), @fault (may be NULL) the whole record.
 */
int __kfd_event_wait_memory_fault(struct kfd_event *ev, uint32_t timeout_ms, uint64_t *va,
				  struct kfd_hsa_memory_exception_data *fault);

/*
 * amdgpu's report of a GPU VM fault (gmc_v9_0_process_interrupt and the
 * hub's L2 protection-fault status), dev_err lines: the kernel log igt_runner
 * would count as warnings.  No backslash: /dev/kmsg escapes it (\x5c) on
 * the way to the runner.
 */
#define KFD_VM_FAULT_DMESG_REGEX                                                  \
	"amdgpu.*(page fault .src_id|for process .* pid|in page starting at address|" \
	"PROTECTION_FAULT_STATUS|Faulty UTCL2 client ID|MORE_FAULTS|WALKER_ERROR|"    \
	"PERMISSION_FAULTS|MAPPING_ERROR| RW: |cookie node_id)"

/*
 * The caller is about to provoke a GPU VM fault on purpose: the kernel's
 * report of it is expected, until the next subtest starts.
 */
void kfd_expect_vm_fault(void);
