/* SPDX-License-Identifier: MIT */
/* The messages of skips, failed assertions and aborts, then the jump out. */
#include <execinfo.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "igt_internal.h"

static void vlog_optional(enum igt_log_level level, const char *fmt, va_list ap)
{
	if (fmt)
		igt_vlog(NULL, level, fmt, ap);
}

void igt_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_optional(IGT_LOG_INFO, fmt, ap);
	va_end(ap);
	if (igt_state.in_fork_child)
		igt_critical("skips are not allowed in forked children\n");
	igt_end_block(IGT_RESULT_SKIP, IGT_EXIT_SKIP);
}

void __igt_skip_check(const char *file, int line, const char *func,
		      const char *check, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	igt_info("Test requirement not met in function %s, file %s:%i:\n",
		 func, file, line);
	igt_info("Test requirement: %s\n", check);
	va_start(ap, fmt);
	vlog_optional(IGT_LOG_INFO, fmt, ap);
	va_end(ap);
	if (err)
		igt_info("Last errno: %i, %s\n", err, strerror(err));
	igt_skip(NULL);
}

static void log_stack_trace(void)
{
	void *frames[32];
	char **symbols;
	int n = backtrace(frames, 32);

	symbols = backtrace_symbols(frames, n);
	if (!symbols)
		return;
	igt_critical("Stack trace:\n");
	/* Frame 0 is this function and frame 1 the assertion helper. */
	for (int i = 2; i < n; i++)
		igt_critical("  #%d %s\n", i - 2, symbols[i]);
	free(symbols);
}

void __igt_fail_assert(const char *file, int line, const char *func,
		       const char *assertion, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	igt_critical("Test assertion failure function %s, file %s:%i:\n",
		     func, file, line);
	igt_critical("Failed assertion: %s\n", assertion);
	if (err)
		igt_critical("Last errno: %i, %s\n", err, strerror(err));
	va_start(ap, fmt);
	vlog_optional(IGT_LOG_CRITICAL, fmt, ap);
	va_end(ap);
	log_stack_trace();
	igt_fail(IGT_EXIT_FAILURE);
}

void __igt_abort(const char *file, int line, const char *func,
		 const char *expr, const char *fmt, ...)
{
	va_list ap;

	igt_critical("Test abort in function %s, file %s:%i:\n", func, file, line);
	igt_critical("abort condition: %s\n", expr);
	va_start(ap, fmt);
	vlog_optional(IGT_LOG_CRITICAL, fmt, ap);
	va_end(ap);
	igt_kmsg_level(3, "%s[%d]: Abort in function %s, file %s:%i",
		       igt_state.test_name, getpid(), func, file, line);
	igt_kill_leftover_children();
	fflush(NULL);
	exit(IGT_EXIT_ABORT);
}
