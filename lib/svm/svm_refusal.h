/* SPDX-License-Identifier: MIT */
/*
 * Why the CPU's mapping forbids a device access, for backends whose
 * device reports only that a fault failed (xe resets the queue, amdkfd
 * raises a memory event): the contract's refusals (svm_dev.h) are defined
 * per cause, so the cause is read from the mapping the access targeted.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svm_dev.h"

/*
 * SVM_ERR_NO_ACCESS when some byte of [start, start + len) has no VMA or
 * an unreadable one, SVM_ERR_READ_ONLY when @write and some VMA of it
 * lacks PROT_WRITE, 0 when the mapping allows the access, -EIO when
 * /proc/self/maps cannot be read.  Allocates nothing: an allocation could
 * be mapped into the very hole it explains (ASan's allocators do that).
 */
int svm_cpu_refusal(uintptr_t start, size_t len, bool write);

/* A device access: the device reads @src, writes @dst, or copies one to the other. */
enum svm_access_kind { SVM_ACCESS_READ, SVM_ACCESS_WRITE, SVM_ACCESS_COPY };

/*
 * svm_cpu_refusal() of what the access reads, then of what it writes:
 * SVM_ERR_*, 0 when the CPU's mapping allows all of it, -EIO.
 */
int svm_access_refusal(enum svm_access_kind kind, void *dst, const void *src, size_t len);

/* How a backend runs an access on an open handle: 0 or -errno. */
typedef int (*svm_access_fn)(struct svm_dev *dev, enum svm_access_kind kind, void *dst,
			     const void *src, size_t len);

/*
 * For a backend whose refused access would ruin its own device context
 * (amdkfd evicts the process's queues for good): @run in a forked child,
 * on a handle the child opens itself (@dev's backend's open and close, the
 * same device and variant), while this process waits at most @timeout_ms.
 * The child's kernel refusing the access (@run's -EIO: a VM fault;
 * -EFAULT or -EPERM: the registration refused) is returned as @cause, an
 * access that went through as 0 (for the scenario to find wrong), a child
 * that did not answer in time as -ETIME (it is killed), and any other
 * failure of the child's as its -errno.
 */
int svm_access_in_child(const struct svm_dev *dev, svm_access_fn run, enum svm_access_kind kind,
			void *dst, const void *src, size_t len, int cause, int timeout_ms);
