/* SPDX-License-Identifier: MIT */
/*
 * The block state machine: fixtures, subtests, dynamic subtests and groups,
 * and how a skip or failure in each ends it.  See igt_core.h for the
 * sigsetjmp protocol.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "igt_internal.h"
#include "igt_runnercomms.h"

struct igt_state igt_state = { .test_name = "igt" };
sigjmp_buf __igt_block_jmp;
sigjmp_buf __igt_dynamic_jmp;
__attribute__((weak)) const char *__igt_test_description;

#define IGT_MAX_GROUP_DEPTH 16

struct igt_group_frame {
	enum igt_result henceforth;
	int henceforth_code;
	const char *describe;
};

static struct igt_group_frame groups[IGT_MAX_GROUP_DEPTH];
static int group_depth;

static __attribute__((noreturn)) void internal_error(const char *what)
{
	igt_outf(IGT_COMMS_STDERR, "igt-svm core: %s\n", what);
	fflush(stdout);
	exit(IGT_EXIT_ABORT);
}

double igt_elapsed(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) +
	       (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

const char *igt_result_word(enum igt_result r)
{
	static const char *const words[] = {
		[IGT_RESULT_NONE] = "NONE",
		[IGT_RESULT_SUCCESS] = "SUCCESS",
		[IGT_RESULT_SKIP] = "SKIP",
		[IGT_RESULT_FAIL] = "FAIL",
		[IGT_RESULT_CRASH] = "CRASH",
	};
	return words[r];
}

/*
 * Writes one protocol line to stdout, and to stderr for the runner's split.
 * With the runner's socket the packets are what counts, but the line is
 * still printed: igt_runner builds its journal of started subtests from
 * stdout alone, and resuming a binary after a timeout (-m) needs it.
 */
static void sentinel_line(const char *text)
{
	bool bold = !igt_state.plain_output;

	fflush(stderr);
	printf(bold ? "\x1b[1m%s\x1b[0m\n" : "%s\n", text);
	fflush(stdout);
	if (igt_state.sentinel_on_stderr) {
		fprintf(stderr, "%s\n", text);
		fflush(stderr);
	}
}

void igt_result_line(bool dynamic, const char *name, enum igt_result r,
		     double secs)
{
	char line[400];

	if (igt_comms_active())
		igt_comms_subtest_result(dynamic, name, igt_result_word(r), secs);
	snprintf(line, sizeof(line), "%s %s: %s (%.3fs)",
		 dynamic ? "Dynamic subtest" : "Subtest", name,
		 igt_result_word(r), secs);
	sentinel_line(line);
}

static bool valid_name(const char *name)
{
	if (!*name)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-'))
			return false;
	return true;
}

static void require_valid_name(const char *name)
{
	if (valid_name(name))
		return;
	igt_outf(IGT_COMMS_STDERR, "Invalid subtest name \"%s\": only [a-z0-9_-] allowed.\n",
		 name);
	exit(IGT_EXIT_INVALID);
}

const char *__igt_format_name(const char *fmt, ...)
{
	static char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		internal_error("subtest name too long");
	return buf;
}

bool igt_only_list_subtests(void)
{
	return igt_state.mode != IGT_MODE_RUN;
}

const char *igt_test_name(void)
{
	return igt_state.test_name;
}

const char *igt_subtest_name(void)
{
	return igt_state.in_subtest ? igt_state.subtest.name : NULL;
}

const char *igt_dynamic_name(void)
{
	return igt_state.in_dynamic ? igt_state.dynamic.name : NULL;
}

void igt_describe(const char *text)
{
	igt_state.pending_describe = text;
}

void igt_describe_f(const char *fmt, ...)
{
	static char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* Only --describe reads it, before the next igt_describe_f. */
	igt_state.pending_describe = strdup(buf);
}

/* ---- groups -------------------------------------------------------------- */

bool __igt_group_enter(void)
{
	if (group_depth == IGT_MAX_GROUP_DEPTH)
		internal_error("subtest groups nested too deeply");
	groups[group_depth++] = (struct igt_group_frame) {
		.henceforth = igt_state.henceforth,
		.henceforth_code = igt_state.henceforth_code,
		.describe = igt_state.pending_describe,
	};
	igt_state.pending_describe = NULL;
	return true;
}

int __igt_group_leave(void)
{
	struct igt_group_frame *f = &groups[--group_depth];

	igt_state.henceforth = f->henceforth;
	igt_state.henceforth_code = f->henceforth_code;
	igt_state.pending_describe = NULL;
	return 0;
}

/* The description of a subtest: its own, else the nearest group's. */
static const char *take_describe(void)
{
	const char *d = igt_state.pending_describe;

	igt_state.pending_describe = NULL;
	for (int i = group_depth - 1; !d && i >= 0; i--)
		d = groups[i].describe;
	return d;
}

/* ---- fixtures ------------------------------------------------------------ */

bool __igt_fixture_begin(void)
{
	if (igt_state.in_fixture || igt_state.in_subtest)
		internal_error("igt_fixture nested in a fixture or subtest");
	if (igt_only_list_subtests() || igt_state.henceforth != IGT_RESULT_NONE)
		return false;
	igt_state.in_fixture = true;
	igt_state.subtest.result = IGT_RESULT_NONE;
	errno = 0;
	return true;
}

int __igt_fixture_end(void)
{
	struct igt_block *b = &igt_state.subtest;

	igt_state.in_fixture = false;
	igt_disarm_timeout();
	if (b->result == IGT_RESULT_SKIP || b->result == IGT_RESULT_FAIL) {
		igt_state.henceforth = b->result;
		igt_state.henceforth_code = b->exitcode;
		if (b->result == IGT_RESULT_FAIL && !igt_state.first_failure)
			igt_state.first_failure = b->exitcode;
	}
	return 0;
}

/* ---- end-of-subtest callbacks -------------------------------------------- */

#define IGT_MAX_END_HOOKS 32

static struct {
	igt_end_fn_t fn;
	void *data;
} end_hooks[IGT_MAX_END_HOOKS];
static int num_end_hooks;
/* The first of the current dynamic subtest's hooks; those below are its container's. */
static int dynamic_hooks_base;

/* A block's hooks in progress, and what its body made of it before they ran. */
struct block_end {
	bool running;
	enum igt_result body;
	int body_code;
	bool hook_failed;	/* after a body that passed */
	int hook_code;
};

static struct block_end subtest_ending, dynamic_ending;

void igt_subtest_on_end(igt_end_fn_t fn, void *data)
{
	if (igt_state.in_fork_child)
		return;
	if (!igt_state.in_subtest)
		internal_error("igt_subtest_on_end outside a subtest");
	igt_assert_f(igt_is_main_thread(), "igt_subtest_on_end from a helper thread\n");
	igt_assert_f(num_end_hooks < IGT_MAX_END_HOOKS,
		     "more than %d end-of-subtest callbacks\n", IGT_MAX_END_HOOKS);
	end_hooks[num_end_hooks].fn = fn;
	end_hooks[num_end_hooks].data = data;
	num_end_hooks++;
}

/*
 * A hook ended by a failure, a skip or the alarm: igt_end_block() recorded
 * that in @b and jumped to the block's sigsetjmp, whose loop then called
 * the block's epilogue, and with it run_end_hooks(), again.
 */
static void note_failed_hook(struct igt_block *b, struct block_end *e)
{
	const char *what = b->result == IGT_RESULT_SKIP ? "skipped" : "failed";

	if (e->body == IGT_RESULT_NONE || e->body == IGT_RESULT_SUCCESS) {
		igt_critical("An end-of-subtest callback of %s %s: the subtest fails\n",
			     b->name, what);
		if (!e->hook_failed) {
			e->hook_failed = true;
			/* A skip's exit code is no failure's. */
			e->hook_code = b->exitcode;
			if (b->result == IGT_RESULT_SKIP)
				e->hook_code = IGT_EXIT_FAILURE;
		}
	} else {
		igt_info("An end-of-subtest callback of %s %s after its body %s\n", b->name,
			 what, e->body == IGT_RESULT_SKIP ? "skipped" : "failed");
	}
	b->result = e->body;
	b->exitcode = e->body_code;
}

/*
 * Runs the hooks above @base, last first.  Each is taken off the stack
 * before it is called, so a hook that jumps out is not called again when
 * the epilogue comes back here: the next one is.
 */
static void run_end_hooks(struct igt_block *b, struct block_end *e, int base)
{
	if (!e->running) {
		*e = (struct block_end){ .running = true, .body = b->result,
					 .body_code = b->exitcode };
	} else {
		note_failed_hook(b, e);
	}
	while (num_end_hooks > base) {
		num_end_hooks--;
		end_hooks[num_end_hooks].fn(end_hooks[num_end_hooks].data);
	}
	e->running = false;
	if (e->hook_failed) {
		b->result = IGT_RESULT_FAIL;
		b->exitcode = e->hook_code;
	}
}

/* ---- subtests ------------------------------------------------------------ */

static void print_describe(const char *name, const char *file, int line)
{
	const char *d = take_describe();

	if (igt_state.describe_pattern &&
	    !igt_wildmat_list(name, igt_state.describe_pattern))
		return;
	printf("\nSUB %s %s:%d:\n", name, file, line);
	if (!d) {
		printf("  NO DOCUMENTATION!\n");
		return;
	}
	printf("  ");
	for (const char *p = d; *p; p++) {
		putchar(*p);
		if (*p == '\n' && p[1])
			printf("  ");
	}
	if (d[strlen(d) - 1] != '\n')
		putchar('\n');
}

/* Listing modes print the name instead of running: true when it was listed (do not run it). */
static bool list_only(const char *name, const char *file, int line)
{
	switch (igt_state.mode) {
	case IGT_MODE_LIST:
		printf("%s\n", name);
		return true;
	case IGT_MODE_TESTLIST:
		printf("igt@%s@%s\n", igt_state.test_name, name);
		return true;
	case IGT_MODE_DESCRIBE:
		print_describe(name, file, line);
		return true;
	case IGT_MODE_RUN:
		break;
	}
	return false;
}

static void count_result(enum igt_result r, int exitcode)
{
	if (r == IGT_RESULT_SUCCESS)
		igt_state.any_success = true;
	else if ((r == IGT_RESULT_FAIL || r == IGT_RESULT_CRASH) &&
		 !igt_state.first_failure)
		igt_state.first_failure = exitcode;
}

bool __igt_subtest_begin(const char *name, bool with_dynamic,
			 const char *file, int line)
{
	struct igt_block *b = &igt_state.subtest;

	require_valid_name(name);
	if (igt_state.in_fixture || igt_state.in_subtest)
		internal_error("igt_subtest nested in a fixture or subtest");
	if (list_only(name, file, line))
		return false;
	igt_state.pending_describe = NULL;
	igt_state.subtests_met++;
	if (igt_state.henceforth == IGT_RESULT_SKIP)
		igt_state.subtests_fixture_skipped++;
	if (igt_state.run_pattern &&
	    !igt_wildmat_list(name, igt_state.run_pattern))
		return false;
	igt_state.run_pattern_found = true;

	if (igt_state.henceforth != IGT_RESULT_NONE) {
		/* The fixture already decided; no "Starting" line, as igt_runner expects. */
		igt_result_line(false, name, igt_state.henceforth, 0.0);
		count_result(igt_state.henceforth, igt_state.henceforth_code);
		return false;
	}

	snprintf(b->name, sizeof(b->name), "%s", name);
	b->result = IGT_RESULT_NONE;
	b->exitcode = 0;
	igt_state.in_subtest = true;
	igt_state.with_dynamic = with_dynamic;
	igt_state.dynamic_ran = igt_state.dynamic_failed = 0;
	igt_state.dynamic_failcode = 0;
	igt_log_ring_clear();
	errno = 0;	/* a failure's "Last errno" must be this subtest's */
	igt_kmsg("%s: starting subtest %s", igt_state.test_name, name);
	if (igt_comms_active())
		igt_comms_subtest_start(false, name);
	char text[300];
	snprintf(text, sizeof(text), "Starting subtest: %s", name);
	sentinel_line(text);
	clock_gettime(CLOCK_MONOTONIC, &b->start);
	return true;
}

static enum igt_result subtest_outcome(struct igt_block *b)
{
	if (igt_thread_failed_take() && b->result != IGT_RESULT_FAIL) {
		b->result = IGT_RESULT_FAIL;
		b->exitcode = IGT_EXIT_FAILURE;
	}
	if (b->result != IGT_RESULT_NONE && b->result != IGT_RESULT_SUCCESS)
		return b->result;
	if (!igt_state.with_dynamic)
		return IGT_RESULT_SUCCESS;
	/* A container is what its dynamic subtests were. */
	if (igt_state.dynamic_failed) {
		b->exitcode = igt_state.dynamic_failcode;
		return IGT_RESULT_FAIL;
	}
	return igt_state.dynamic_ran ? IGT_RESULT_SUCCESS : IGT_RESULT_SKIP;
}

int __igt_subtest_end(void)
{
	struct igt_block *b = &igt_state.subtest;
	enum igt_result r;

	run_end_hooks(b, &subtest_ending, 0);
	igt_disarm_timeout();
	igt_kill_leftover_children();
	r = subtest_outcome(b);
	if (r == IGT_RESULT_FAIL)
		igt_log_ring_dump("Subtest", b->name);
	igt_result_line(false, b->name, r, igt_elapsed(&b->start));
	igt_kmsg("%s: finished subtest %s, %s", igt_state.test_name, b->name,
		 igt_result_word(r));
	count_result(r, b->exitcode);
	igt_state.in_subtest = false;
	igt_state.with_dynamic = false;
	return 0;
}

/* ---- dynamic subtests ---------------------------------------------------- */

bool __igt_dynamic_begin(const char *name)
{
	struct igt_block *d = &igt_state.dynamic;

	if (!igt_state.in_subtest || !igt_state.with_dynamic || igt_state.in_dynamic)
		internal_error("igt_dynamic outside igt_subtest_with_dynamic");
	require_valid_name(name);
	if (igt_state.dynamic_pattern &&
	    !igt_wildmat_list(name, igt_state.dynamic_pattern))
		return false;

	snprintf(d->name, sizeof(d->name), "%s", name);
	d->result = IGT_RESULT_NONE;
	d->exitcode = 0;
	igt_state.in_dynamic = true;
	dynamic_hooks_base = num_end_hooks;
	errno = 0;
	igt_kmsg("%s: starting dynamic subtest %s", igt_state.test_name, name);
	if (igt_comms_active())
		igt_comms_subtest_start(true, name);
	char text[300];
	snprintf(text, sizeof(text), "Starting dynamic subtest: %s", name);
	sentinel_line(text);
	clock_gettime(CLOCK_MONOTONIC, &d->start);
	return true;
}

int __igt_dynamic_end(void)
{
	struct igt_block *d = &igt_state.dynamic;
	enum igt_result r;

	run_end_hooks(d, &dynamic_ending, dynamic_hooks_base);
	r = d->result == IGT_RESULT_NONE ? IGT_RESULT_SUCCESS : d->result;
	igt_kill_leftover_children();
	if (igt_thread_failed_take()) {
		r = IGT_RESULT_FAIL;
		d->exitcode = IGT_EXIT_FAILURE;
	}
	if (r == IGT_RESULT_FAIL)
		igt_log_ring_dump("Dynamic subtest", d->name);
	igt_result_line(true, d->name, r, igt_elapsed(&d->start));
	igt_kmsg("%s: finished subtest %s, %s", igt_state.test_name, d->name,
		 igt_result_word(r));
	if (r != IGT_RESULT_SKIP)
		igt_state.dynamic_ran++;
	if (r == IGT_RESULT_FAIL && !igt_state.dynamic_failed++)
		igt_state.dynamic_failcode = d->exitcode;
	igt_state.in_dynamic = false;
	return 0;
}

/* ---- ending blocks ------------------------------------------------------- */

static __attribute__((noreturn)) void end_simple_test(enum igt_result r, int exitcode)
{
	if (r == IGT_RESULT_FAIL)
		igt_log_ring_dump("Test", igt_state.test_name);
	igt_outf(IGT_COMMS_STDOUT, "%s (%.3fs)\n", igt_result_word(r),
		 igt_elapsed(&igt_state.start));
	igt_kmsg("%s: exiting, ret=%d", igt_state.test_name, exitcode);
	exit(exitcode);
}

/*
 * Ends the innermost running block with @r.  Forked children and helper
 * threads cannot jump into the main flow: a child exits with the code, a
 * thread marks the subtest failed and ends itself.
 */
void igt_end_block(enum igt_result r, int exitcode)
{
	if (igt_state.in_exit_handlers)
		_exit(IGT_EXIT_FAILURE);
	if (igt_state.in_fork_child) {
		fflush(NULL);
		exit(r == IGT_RESULT_SKIP ? IGT_EXIT_FAILURE : exitcode);
	}
	if (!igt_is_main_thread()) {
		igt_thread_fail();
		pthread_exit(NULL);
	}
	if (igt_state.in_dynamic) {
		igt_state.dynamic.result = r;
		igt_state.dynamic.exitcode = exitcode;
		siglongjmp(__igt_dynamic_jmp, 1);
	}
	if (igt_state.in_subtest || igt_state.in_fixture) {
		igt_state.subtest.result = r;
		igt_state.subtest.exitcode = exitcode;
		siglongjmp(__igt_block_jmp, 1);
	}
	if (igt_state.simple)
		end_simple_test(r, r == IGT_RESULT_SKIP ? IGT_EXIT_SKIP : exitcode);
	if (r == IGT_RESULT_SKIP)
		internal_error("igt_skip outside a fixture or subtest");
	/* A failure between blocks ends the whole test. */
	fflush(stdout);
	igt_kmsg("%s: exiting, ret=%d", igt_state.test_name, exitcode);
	exit(exitcode);
}

void igt_fail(int exitcode)
{
	if (exitcode == IGT_EXIT_SUCCESS || exitcode == IGT_EXIT_SKIP)
		internal_error("igt_fail() needs a failure exit code");
	igt_end_block(IGT_RESULT_FAIL, exitcode);
}

/*
 * Tells a runner that may skip the rest of the binary without running it
 * (IGT_REPORT_FIXTURE_SKIPS): every subtest met, selected or not, was
 * already skipped by a fixture.  Then no subtest code ran before any of
 * them, and fixtures run whatever --run-subtest selects, so any other
 * selection meets the same fixtures in the same state and skips the same.
 */
static void note_all_skipped_by_fixtures(void)
{
	if (!igt_state.report_fixture_skips || !igt_state.subtests_met ||
	    igt_state.subtests_fixture_skipped != igt_state.subtests_met)
		return;
	printf(IGT_ALL_SKIPPED_BY_FIXTURES_LINE "\n", igt_state.subtests_met);
	fflush(stdout);
}

void igt_exit(void)
{
	int code;

	fflush(NULL);
	if (igt_state.simple) {
		if (igt_state.mode == IGT_MODE_RUN)
			end_simple_test(IGT_RESULT_SUCCESS, IGT_EXIT_SUCCESS);
		exit(IGT_EXIT_SUCCESS);
	}
	if (igt_only_list_subtests())
		exit(IGT_EXIT_SUCCESS);
	if (igt_state.run_pattern && !igt_state.run_pattern_found)
		igt_usage_error("Unknown subtest: %s", igt_state.run_pattern);
	note_all_skipped_by_fixtures();

	if (igt_state.first_failure)
		code = igt_state.first_failure;
	else if (igt_state.any_success)
		code = IGT_EXIT_SUCCESS;
	else
		code = IGT_EXIT_SKIP;
	igt_kmsg("%s: exiting, ret=%d", igt_state.test_name, code);
	exit(code);
}
