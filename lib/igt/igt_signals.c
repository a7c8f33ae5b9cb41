/* SPDX-License-Identifier: MIT */
/*
 * Exit handlers, fatal signals and the per-subtest timeout.
 *
 * A crash inside a subtest must still produce "Subtest X: CRASH" for the
 * runner and must still run the exit handlers (which release devices and
 * memory), so every fatal signal is caught, reported, cleaned up after, and
 * then re-raised with the default action to keep the 128+sig exit status.
 */
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "igt_internal.h"
#include "igt_runnercomms.h"

#define MAX_EXIT_HANDLERS 10

static igt_exit_handler_t exit_handlers[MAX_EXIT_HANDLERS];
static int num_exit_handlers;
static volatile sig_atomic_t exit_handlers_ran;
static const char *timeout_op;

/*
 * Which signals get a message and a backtrace, and which of those are a
 * crash of the subtest.  SIGQUIT (igt_runner's timeout kill) and SIGABRT are
 * reported but leave no result line, so the runner records what it saw
 * (timeout, incomplete) as it does for IGT's own binaries.
 */
static const struct {
	int sig;
	bool report;
	bool crash;
} fatal_signals[] = {
	{ SIGINT, false, false }, { SIGHUP, false, false },
	{ SIGPIPE, false, false }, { SIGTERM, false, false },
	{ SIGQUIT, true, false }, { SIGABRT, true, false },
	{ SIGSEGV, true, true }, { SIGBUS, true, true },
	{ SIGFPE, true, true }, { SIGILL, true, true },
};

void igt_run_exit_handlers(int sig)
{
	if (exit_handlers_ran)
		return;
	exit_handlers_ran = 1;
	igt_state.in_exit_handlers = true;
	for (int i = num_exit_handlers - 1; i >= 0; i--)
		exit_handlers[i](sig);
	igt_state.in_exit_handlers = false;
}

static void run_exit_handlers_atexit(void)
{
	igt_run_exit_handlers(0);
}

void igt_install_exit_handler(igt_exit_handler_t fn)
{
	for (int i = 0; i < num_exit_handlers; i++)
		if (exit_handlers[i] == fn)
			return;
	igt_assert_f(num_exit_handlers < MAX_EXIT_HANDLERS, "too many exit handlers\n");
	exit_handlers[num_exit_handlers++] = fn;
}

void igt_forget_exit_handlers(void)
{
	num_exit_handlers = 0;
}

/*
 * The same report for the runner's socket.  backtrace_symbols_fd() only
 * writes to a descriptor, so the frames go through a pipe into LOG packets.
 */
static void report_signal_to_runner(int sig, void *const *frames, int n)
{
	char text[128], frames_text[2048];
	int p[2];
	ssize_t got;

	snprintf(text, sizeof(text), "Received signal SIG%s.\nStack trace:\n",
		 sigabbrev_np(sig));
	igt_comms_log_str(IGT_COMMS_STDERR, text);
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK))
		return;
	backtrace_symbols_fd(frames, n, p[1]);
	close(p[1]);
	while ((got = read(p[0], frames_text, sizeof(frames_text))) > 0)
		igt_comms_log(IGT_COMMS_STDERR, frames_text, (size_t)got);
	close(p[0]);
}

static void report_signal(int sig, bool crash)
{
	void *frames[32];
	int n;

	fflush(stdout);
	if (igt_comms_active()) {
		n = backtrace(frames, 32);
		report_signal_to_runner(sig, frames, n);
	} else {
		fprintf(stderr, "Received signal SIG%s.\nStack trace:\n", sigabbrev_np(sig));
		n = backtrace(frames, 32);
		backtrace_symbols_fd(frames, n, STDERR_FILENO);
	}
	if (!crash || igt_state.in_fork_child)
		return;
	if (igt_state.in_dynamic)
		igt_result_line(true, igt_state.dynamic.name,
				IGT_RESULT_CRASH, igt_elapsed(&igt_state.dynamic.start));
	if (igt_state.in_subtest) {
		igt_result_line(false, igt_state.subtest.name, IGT_RESULT_CRASH,
				igt_elapsed(&igt_state.subtest.start));
		igt_kmsg("%s: finished subtest %s, CRASH", igt_state.test_name,
			 igt_state.subtest.name);
	}
}

static void fatal_signal_handler(int sig)
{
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		if (fatal_signals[i].sig == sig && fatal_signals[i].report)
			report_signal(sig, fatal_signals[i].crash);
	igt_run_exit_handlers(sig);
	fflush(NULL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void alarm_handler(int sig)
{
	(void)sig;
	igt_critical("Timed out: %s\n", timeout_op ? timeout_op : "unknown operation");
	igt_end_block(IGT_RESULT_FAIL, IGT_EXIT_FAILURE);
}

void igt_install_signal_handlers(void)
{
	struct sigaction sa = { .sa_handler = fatal_signal_handler };

	/* SA_NODEFER: the re-raise inside the handler must be delivered. */
	sa.sa_flags = SA_NODEFER;
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaction(fatal_signals[i].sig, &sa, NULL);
	sa.sa_handler = alarm_handler;
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	atexit(run_exit_handlers_atexit);
}

void igt_set_timeout(unsigned int seconds, const char *op)
{
	timeout_op = op;
	alarm(seconds);
}

void igt_disarm_timeout(void)
{
	alarm(0);
	timeout_op = NULL;
}
