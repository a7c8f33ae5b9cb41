/* SPDX-License-Identifier: MIT */
/*
 * One wrapper per amdkfd ioctl of include/uapi/kfd_svm_ioctl.h.
 * __kfd_*() return 0 or -errno and never assert; kfd_*() assert success.
 * They restart on EINTR/EAGAIN (ioctl_restarting()) and otherwise pass the
 * kernel's answer through: no policy here (lib/kfd/kfd_device.h has that).
 * Facts: shared/reference/amd-uapi-kfdtest-pagesize.md §2, kfd_chardev.c.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/kfd_svm_ioctl.h"

/* ioctl() restarted on EINTR/EAGAIN; 0 or -errno. */
int __kfd_ioctl(int fd, unsigned long request, void *arg);

int __kfd_get_version(int fd, uint32_t *major, uint32_t *minor);
void kfd_get_version(int fd, uint32_t *major, uint32_t *minor);

/*
 * The two-call protocol: with @num 0 (or @apertures NULL) only *@num_out
 * is set; otherwise up to @num entries are filled and *@num_out says how
 * many the kernel wrote.
 */
int __kfd_get_process_apertures(int fd, struct kfd_process_device_apertures *apertures,
				uint32_t num, uint32_t *num_out);

int __kfd_acquire_vm(int fd, int drm_fd, uint32_t gpu_id);
void kfd_acquire_vm(int fd, int drm_fd, uint32_t gpu_id);

/* @mmap_offset: in for USERPTR (the CPU address), out otherwise (may be NULL). */
int __kfd_alloc_memory(int fd, uint32_t gpu_id, uint64_t va, uint64_t size, uint32_t flags,
		       uint64_t *mmap_offset, uint64_t *handle);
uint64_t kfd_alloc_memory(int fd, uint32_t gpu_id, uint64_t va, uint64_t size, uint32_t flags,
			  uint64_t *mmap_offset);
int __kfd_free_memory(int fd, uint64_t handle);
void kfd_free_memory(int fd, uint64_t handle);

/*
 * Maps @handle to @n GPUs.  n_success starts at 0 and the kernel resumes
 * from it, so a restarted call does not map twice; *@n_success (may be
 * NULL) says how many GPUs took it, also on failure.
 */
int __kfd_map_memory(int fd, uint64_t handle, const uint32_t *gpu_ids, uint32_t n,
		     uint32_t *n_success);
void kfd_map_memory(int fd, uint64_t handle, const uint32_t *gpu_ids, uint32_t n);
int __kfd_unmap_memory(int fd, uint64_t handle, const uint32_t *gpu_ids, uint32_t n,
		       uint32_t *n_success);
void kfd_unmap_memory(int fd, uint64_t handle, const uint32_t *gpu_ids, uint32_t n);

/* @args in/out: queue_id and doorbell_offset come back in it. */
int __kfd_create_queue(int fd, struct kfd_ioctl_create_queue_args *args);
void kfd_create_queue(int fd, struct kfd_ioctl_create_queue_args *args);
int __kfd_destroy_queue(int fd, uint32_t queue_id);
void kfd_destroy_queue(int fd, uint32_t queue_id);

/* @args in/out: event_id, trigger data, slot index and page offset come back. */
int __kfd_create_event(int fd, struct kfd_ioctl_create_event_args *args);
void kfd_create_event(int fd, struct kfd_ioctl_create_event_args *args);
int __kfd_destroy_event(int fd, uint32_t event_id);
void kfd_destroy_event(int fd, uint32_t event_id);
int __kfd_set_event(int fd, uint32_t event_id);
int __kfd_reset_event(int fd, uint32_t event_id);

/*
 * Waits at most @timeout_ms for one (or all) of @n events; *@result is
 * KFD_IOC_WAIT_RESULT_*.  The kernel writes each event's data back into
 * @events (memory-exception details included).
 */
int __kfd_wait_events(int fd, struct kfd_event_data *events, uint32_t n, bool wait_all,
		      uint32_t timeout_ms, uint32_t *result);

/* The SMI event file of @gpu_id, in *@smi_fd. */
int __kfd_smi_events(int fd, uint32_t gpu_id, int *smi_fd);

/*
 * The SVM ioctl.  @args must be followed in memory by args->nattr
 * attributes; the command encodes exactly that size, as libhsakmt does.
 */
int __kfd_svm(int fd, struct kfd_ioctl_svm_args *args);
void kfd_svm(int fd, struct kfd_ioctl_svm_args *args);
/*
 * For negative tests: sends @args as they are with a command that encodes
 * room for @encoded_nattr attributes, whatever args->nattr says.
 */
int __kfd_svm_raw(int fd, struct kfd_ioctl_svm_args *args, uint32_t encoded_nattr);
/* The request number for @nattr attributes (24 + 8 * nattr bytes). */
unsigned long kfd_svm_request(uint32_t nattr);

/* SET (@op KFD_IOCTL_SVM_OP_SET_ATTR) or GET (..._GET_ATTR) of @nattr attrs. */
int __kfd_svm_attrs(int fd, uint32_t op, uint64_t start, uint64_t size,
		    struct kfd_ioctl_svm_attribute *attrs, uint32_t nattr);
void kfd_svm_set(int fd, uint64_t start, uint64_t size,
		 const struct kfd_ioctl_svm_attribute *attrs, uint32_t nattr);
/* GET writes the answers back into @attrs. */
void kfd_svm_get(int fd, uint64_t start, uint64_t size,
		 struct kfd_ioctl_svm_attribute *attrs, uint32_t nattr);

/*
 * XNACK: __kfd_xnack_query() sets *@enabled to 0/1 and changes nothing;
 * __kfd_xnack_set() returns -EBUSY with user queues, -EPERM where GPUs
 * cannot switch.
 */
int __kfd_xnack_query(int fd, int *enabled);
int __kfd_xnack_set(int fd, bool enable);
void kfd_xnack_set(int fd, bool enable);

int __kfd_available_memory(int fd, uint32_t gpu_id, uint64_t *bytes);
uint64_t kfd_available_memory(int fd, uint32_t gpu_id);
