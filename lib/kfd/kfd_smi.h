/* SPDX-License-Identifier: MIT */
/*
 * KFD SMI events: a per-GPU file (AMDKFD_IOC_SMI_EVENTS) into which a
 * __u64 mask of KFD_SMI_EVENT_MASK_FROM_INDEX() bits is written, then
 * poll()ed and read.  Each event is one text line, "<id in hex> <fields>\n"
 * (at most KFD_SMI_EVENT_MSG_SIZE bytes).  Field formats, from the
 * kernel's KFD_EVENT_FMT_* (kfd_ioctl.h) and kfd_smi_events.c:
 *   VMFAULT          "<pid hex>:<task name>"
 *   THERMAL_THROTTLE "<bitmask hex>:<counter hex>"
 *   GPU_PRE/POST_RESET "<seq hex> <cause>"
 *   PAGE_FAULT_START "<ns> -<pid> @<addr hex>(<node hex>) <R|W>"
 *   PAGE_FAULT_END   "<ns> -<pid> @<addr hex>(<node hex>) <M|U>"
 *   MIGRATE_START    "<ns> -<pid> @<addr>(<size>) <from>-><to> <prefetch>:<preferred> <trigger>"
 *   MIGRATE_END      "<ns> -<pid> @<addr>(<size>) <from>-><to> <trigger>[ <error_code>]"
 *                    (6.12: no error_code; 7.3.4 always appends it, 0 for success)
 *   QUEUE_EVICTION   "<ns> -<pid> <node hex> <trigger>"
 *   QUEUE_RESTORE    "<ns> -<pid> <node hex> <0|R>"  (R: rescheduled)
 *   UNMAP_FROM_GPU   "<ns> -<pid> @<addr>(<size>) <node hex> <trigger>"
 *   PROCESS_START/END "<pid hex> <task name>"  (7.3.4; not in 6.12)
 * Addresses and sizes are in pages, node/from/to gpu_ids (0: system
 * memory), pids and triggers decimal unless marked hex.
 *
 * Whose events a file gets, and which pid they show, changed after 6.12:
 *   6.12:   the opener's process only, unless root also sets the
 *           KFD_SMI_EVENT_ALL_PROCESS bit; pids are the global ones;
 *   7.3.4:  root (CAP_SYS_ADMIN) gets every process's events whether or
 *           not the bit is set; the "-<pid>" of the headed events is the
 *           task's pid in its own namespace (getpid() inside a container).
 * So a test run as root must pick its own events out by pid.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kfd_device.h"

struct kfd_smi_msg {
	uint32_t id;			/* KFD_SMI_EVENT_* */
	int64_t ns;			/* boot-time timestamp */
	int32_t pid;
	uint64_t addr, size;		/* pages */
	uint32_t node, from, to;	/* gpu_ids, 0 for system memory */
	uint32_t prefetch_loc, preferred_loc;
	int32_t trigger;		/* KFD_MIGRATE_TRIGGER_* etc. */
	int32_t error_code;		/* MIGRATE_END, when has_error_code */
	bool has_error_code;
	char flag;			/* 'R'/'W' (fault start), 'M'/'U' (fault end), '0'/'R' (restore) */
	uint64_t value, counter;	/* THERMAL: bitmask, counter; RESET: sequence in value */
	char text[64];			/* VMFAULT: task name; RESET: cause */
};

/*
 * Parses one line (with or without its '\n'): 0, or -EINVAL for an
 * unknown event id or a line that does not match the id's format.
 */
int kfd_smi_parse(const char *line, struct kfd_smi_msg *ev);

/* The mask that enables every event up to @last_id (inclusive). */
uint64_t kfd_smi_mask_upto(uint32_t last_id);

/*
 * The most 6.12 hands out per read (its kfifo size; 7.3.4's is 8 KiB).  A
 * read may end inside a line on either: the reader keeps the partial line
 * and never asks for more than the buffer has room for.
 */
#define KFD_SMI_READ_BYTES 1024

struct kfd_smi {
	struct kfd_smi *next;
	struct kfd_device *dev;
	int fd;
	uint32_t gpu_id;
	char buf[2 * KFD_SMI_READ_BYTES];	/* a partial line waits here for its end */
	size_t len;
};

int __kfd_smi_open(struct kfd_device *dev, uint32_t gpu_id, struct kfd_smi **out);
struct kfd_smi *kfd_smi_open(struct kfd_device *dev, uint32_t gpu_id);
/* Writes the __u64 event mask. */
int __kfd_smi_enable(struct kfd_smi *smi, uint64_t mask);
/*
 * The next event, waiting at most @timeout_ms: 0, -ETIME when none came,
 * -EINVAL for a line that does not parse (it is consumed, the next call
 * goes on with the following line), or the -errno of poll/read.
 */
int __kfd_smi_read(struct kfd_smi *smi, struct kfd_smi_msg *ev, int timeout_ms);
/*
 * The next event @id of process @pid within @timeout_ms, skipping any
 * other (and lines that do not parse): 0, -ETIME when none came in time,
 * or the -errno of poll/read.  kfd_smi_expect() asserts it came, naming
 * @what, and returns it.
 */
int __kfd_smi_expect(struct kfd_smi *smi, uint32_t id, int32_t pid, int timeout_ms,
		     struct kfd_smi_msg *ev);
struct kfd_smi_msg kfd_smi_expect(struct kfd_smi *smi, uint32_t id, int timeout_ms,
				  const char *what);
void kfd_smi_close(struct kfd_smi *smi);

/*
 * The line reader alone, on any fd (the self-test uses a pipe): same
 * contract as __kfd_smi_read().
 */
int kfd_smi_read_fd(int fd, char *buf, size_t cap, size_t *len, struct kfd_smi_msg *ev,
		    int timeout_ms);
