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

/*
 * SVM_ERR_NO_ACCESS when some byte of [start, start + len) has no VMA or
 * an unreadable one, SVM_ERR_READ_ONLY when @write and some VMA of it
 * lacks PROT_WRITE, 0 when the mapping allows the access, -EIO when
 * /proc/self/maps cannot be read.  Allocates nothing: an allocation could
 * be mapped into the very hole it explains (ASan's allocators do that).
 */
int svm_cpu_refusal(uintptr_t start, size_t len, bool write);

/*
 * For a backend whose refused access would ruin its own device context
 * (amdkfd evicts the process's queues for good): runs @verdict(@arg) in a
 * forked child, which opens a context of its own and tries the access,
 * and waits at most @timeout_ms for its answer, 1 when the child's kernel
 * refused the access, 0 when it let it through, else -errno of a step
 * that failed.  Returns @cause for a refusal, 0 for an access that went
 * through (for the scenario to find wrong), -ETIME when the child did not
 * answer in time (it is killed), or the child's -errno.
 */
int svm_refusal_in_child(int (*verdict)(void *arg), void *arg, int cause, int timeout_ms);
