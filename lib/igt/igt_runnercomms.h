/* SPDX-License-Identifier: MIT */
/*
 * igt_runner's structured channel: a datagram socket the runner hands to the
 * test (its descriptor number in IGT_RUNNER_SOCKET_FD), over which the test
 * reports what it would otherwise print.  Internal to the test core.
 *
 * Wire format (host byte order, no padding), one packet per datagram:
 *
 *   u32 size       whole packet, these 16 bytes included
 *   u32 type       enum igt_comms_type
 *   s32 pid        sender's process id
 *   s32 tid        sender's thread id
 *   payload        per type, below; "str" is a NUL-terminated string
 *   '\n'           ours only, after the payload: see send_packet()
 *
 *   LOG              u8 stream (1 stdout, 2 stderr), str text
 *   EXEC             str command line            (the runner's own, never ours)
 *   EXIT             s32 exit code, str seconds  (the runner's own, never ours)
 *   SUBTEST_START    str name
 *   SUBTEST_RESULT   str name, str result, str seconds ("%.3f"), str reason
 *   DYNAMIC_START    str name
 *   DYNAMIC_RESULT   str name, str result, str seconds, str reason
 *   VERSION          str version line
 *   RESULT_OVERRIDE  str result                  (the runner's own, never ours)
 *
 * While the channel is in use the runner builds its results from these
 * packets only, so log messages, failure dumps, crash reports and the
 * version go here instead of to stdout/stderr.  The protocol lines
 * ("Starting subtest: ...", "Subtest ...: RESULT") are sent as packets and
 * still printed as well, because igt_runner keeps its journal of started
 * subtests from stdout alone and needs it to resume a binary.  Without the
 * channel nothing changes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum igt_comms_type {
	IGT_COMMS_INVALID = 0,
	IGT_COMMS_LOG = 1,
	IGT_COMMS_EXEC = 2,
	IGT_COMMS_EXIT = 3,
	IGT_COMMS_SUBTEST_START = 4,
	IGT_COMMS_SUBTEST_RESULT = 5,
	IGT_COMMS_DYNAMIC_START = 6,
	IGT_COMMS_DYNAMIC_RESULT = 7,
	IGT_COMMS_VERSION = 8,
	IGT_COMMS_RESULT_OVERRIDE = 9,
};

struct igt_comms_header {
	uint32_t size;
	uint32_t type;
	int32_t pid;
	int32_t tid;
} __attribute__((packed));

_Static_assert(sizeof(struct igt_comms_header) == 16, "runner packet header is 16 bytes");

#define IGT_COMMS_STDOUT 1
#define IGT_COMMS_STDERR 2

/*
 * Takes the channel from the environment, once, at start-up.  The variable
 * is then removed and the descriptor marked close-on-exec, so that programs
 * the test executes do not talk to the runner in its name.
 */
void igt_comms_init(void);
bool igt_comms_active(void);

/* Text as the runner shows it in out/err; split into packets if long. */
void igt_comms_log(int stream, const char *text, size_t len);
void igt_comms_log_str(int stream, const char *text);
/* Not for signal handlers: may allocate. */
void igt_comms_logf(int stream, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* To the runner's socket when there is one, else to stdout or stderr (up to 1 KiB). */
void igt_outf(int stream, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void igt_comms_subtest_start(bool dynamic, const char *name);
void igt_comms_subtest_result(bool dynamic, const char *name,
			      const char *result, double seconds);
void igt_comms_version(const char *text);
