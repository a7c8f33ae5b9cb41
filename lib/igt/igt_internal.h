/* SPDX-License-Identifier: MIT */
/* State and helpers shared by the files of the test core; not for tests. */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "igt_core.h"

enum igt_result {
	IGT_RESULT_NONE,
	IGT_RESULT_SUCCESS,
	IGT_RESULT_SKIP,
	IGT_RESULT_FAIL,
	IGT_RESULT_CRASH,
};

enum igt_mode {
	IGT_MODE_RUN,
	IGT_MODE_LIST,		/* --list-subtests */
	IGT_MODE_TESTLIST,	/* --show-testlist */
	IGT_MODE_DESCRIBE,	/* --describe */
};

struct igt_block {
	char name[256];
	struct timespec start;
	enum igt_result result;	/* set by a skip or failure before the jump */
	int exitcode;		/* of that failure */
};

struct igt_state {
	const char *test_name;
	bool simple;
	enum igt_mode mode;
	const char *run_pattern;	/* --run-subtest */
	bool run_pattern_found;
	const char *dynamic_pattern;	/* --dynamic-subtest */
	const char *describe_pattern;	/* --describe=PATTERN */
	bool sentinel_on_stderr;
	bool plain_output;
	bool report_fixture_skips;	/* IGT_REPORT_FIXTURE_SKIPS */

	bool in_fixture;
	bool in_subtest;
	bool with_dynamic;
	bool in_dynamic;
	struct igt_block subtest;
	struct igt_block dynamic;
	int dynamic_ran, dynamic_failed, dynamic_failcode;

	/* What a failed or skipped fixture does to the rest of its group. */
	enum igt_result henceforth;
	int henceforth_code;
	const char *pending_describe;

	/* Subtests met in program order (selected or not), and how many of
	 * them a fixture had already skipped. */
	int subtests_met, subtests_fixture_skipped;

	/* Whole-run outcome. */
	int first_failure;	/* exit code, 0 when nothing failed */
	bool any_success;
	struct timespec start;

	bool in_fork_child;
	bool in_exit_handlers;
};

extern struct igt_state igt_state;

/* Printed at exit when every subtest was skipped by a fixture and the
 * runner asked (IGT_REPORT_FIXTURE_SKIPS); ci/run-suite parses it. */
#define IGT_ALL_SKIPPED_BY_FIXTURES_LINE "IGT-Fixture-Skip: all %d subtests"

/* igt_log.c */
void igt_log_init(void);
void igt_log_set_level(enum igt_log_level level);
void igt_log_set_debug_domain(const char *domain);
int igt_log_level_from_name(const char *name);
void igt_log_ring_clear(void);
void igt_log_ring_dump(const char *what, const char *name);

/* igt_options.c */
void igt_parse_options(int *argc, char **argv, const char *extra_short_opts,
		       const struct option *extra_long_opts,
		       const char *help_str, igt_opt_handler_t handler,
		       void *handler_data);
__attribute__((noreturn)) void igt_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void igt_print_version(FILE *f);
void igt_format_version(char *buf, size_t len);

/* igt_wildmat.c: a comma list of glob patterns, '!' negates, the last match decides */
bool igt_wildmat_list(const char *name, const char *patterns);

/* igt_fork.c */
void igt_kill_leftover_children(void);
bool igt_is_main_thread(void);
void igt_mark_main_thread(void);
bool igt_thread_failed_take(void);
void igt_thread_fail(void);

/* igt_signals.c */
void igt_install_signal_handlers(void);
void igt_run_exit_handlers(int sig);
void igt_disarm_timeout(void);
void igt_forget_exit_handlers(void);

/* igt_kmsg.c */
void igt_kmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void igt_kmsg_level(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* igt_core.c */
double igt_elapsed(const struct timespec *since);
/* "[Dynamic s|S]ubtest NAME: RESULT (secs)", or its packet for the runner. */
void igt_result_line(bool dynamic, const char *name, enum igt_result r,
		     double secs);
const char *igt_result_word(enum igt_result r);
__attribute__((noreturn)) void igt_end_block(enum igt_result r, int exitcode);
