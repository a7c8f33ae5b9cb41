/* SPDX-License-Identifier: MIT */
/*
 * The test core: subtests, fixtures, groups, dynamic subtests, skips,
 * assertions and the command line, compatible with an unmodified igt_runner.
 *
 * Control flow: every block (fixture, subtest, dynamic subtest) is entered
 * through sigsetjmp(); a skip, a failure, a timeout or a failed assertion
 * records its outcome and siglongjmp()s back, and the block's epilogue
 * prints the result.  Locals changed inside a block are therefore
 * indeterminate after a skip or failure: keep state that must survive in
 * statics or declare it volatile.
 */
#pragma once

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <inttypes.h>

#include "igt_log.h"

/* Exit codes understood by igt_runner. */
#define IGT_EXIT_SUCCESS 0
#define IGT_EXIT_SKIP 77
#define IGT_EXIT_INVALID 79
#define IGT_EXIT_FAILURE 98
#define IGT_EXIT_ABORT 112

#define IGT_OPT_HANDLER_SUCCESS 0
#define IGT_OPT_HANDLER_ERROR -2

struct option;
typedef int (*igt_opt_handler_t)(int opt, int opt_index, void *data);

/* ---- entry points -------------------------------------------------------- */

void igt_subtest_init_parse_opts(int *argc, char **argv,
				 const char *extra_short_opts,
				 const struct option *extra_long_opts,
				 const char *help_str,
				 igt_opt_handler_t extra_opt_handler,
				 void *handler_data);
void igt_simple_init_parse_opts(int *argc, char **argv,
				const char *extra_short_opts,
				const struct option *extra_long_opts,
				const char *help_str,
				igt_opt_handler_t extra_opt_handler,
				void *handler_data);
__attribute__((noreturn)) void igt_exit(void);

#define igt_main_args(short_opts, long_opts, help_str, handler, data) \
	static void __igt_main_body(void); \
	int main(int argc, char **argv) \
	{ \
		igt_subtest_init_parse_opts(&argc, argv, short_opts, long_opts, \
					    help_str, handler, data); \
		__igt_main_body(); \
		igt_exit(); \
	} \
	static void __igt_main_body(void)

#define igt_main igt_main_args(NULL, NULL, NULL, NULL, NULL)

#define igt_simple_main_args(short_opts, long_opts, help_str, handler, data) \
	static void __igt_simple_body(void); \
	int main(int argc, char **argv) \
	{ \
		igt_simple_init_parse_opts(&argc, argv, short_opts, long_opts, \
					   help_str, handler, data); \
		__igt_simple_body(); \
		igt_exit(); \
	} \
	static void __igt_simple_body(void)

#define igt_simple_main igt_simple_main_args(NULL, NULL, NULL, NULL, NULL)

/* Shown by --help-description and at the top of --describe. */
extern const char *__igt_test_description;
#define IGT_TEST_DESCRIPTION(str) const char *__igt_test_description = (str)

/* ---- blocks -------------------------------------------------------------- */

extern sigjmp_buf __igt_block_jmp;
extern sigjmp_buf __igt_dynamic_jmp;

bool __igt_fixture_begin(void);
int __igt_fixture_end(void);
bool __igt_subtest_begin(const char *name, bool with_dynamic,
			 const char *file, int line);
int __igt_subtest_end(void);
bool __igt_dynamic_begin(const char *name);
int __igt_dynamic_end(void);
bool __igt_group_enter(void);
int __igt_group_leave(void);
const char *__igt_format_name(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#define __igt_block(begin, end, jmp) \
	for (int __igt_once = (begin); __igt_once; __igt_once = (end)) \
		if (sigsetjmp(jmp, 1) == 0)

/* Setup and teardown shared by the subtests that follow it in its group. */
#define igt_fixture \
	__igt_block(__igt_fixture_begin(), __igt_fixture_end(), __igt_block_jmp)

#define igt_subtest(name) \
	__igt_block(__igt_subtest_begin((name), false, __FILE__, __LINE__), \
		    __igt_subtest_end(), __igt_block_jmp)
#define igt_subtest_f(...) igt_subtest(__igt_format_name(__VA_ARGS__))

#define igt_subtest_with_dynamic(name) \
	__igt_block(__igt_subtest_begin((name), true, __FILE__, __LINE__), \
		    __igt_subtest_end(), __igt_block_jmp)
#define igt_subtest_with_dynamic_f(...) \
	igt_subtest_with_dynamic(__igt_format_name(__VA_ARGS__))

#define igt_dynamic(name) \
	__igt_block(__igt_dynamic_begin(name), __igt_dynamic_end(), \
		    __igt_dynamic_jmp)
#define igt_dynamic_f(...) igt_dynamic(__igt_format_name(__VA_ARGS__))

/* Confines the effect of a failed or skipped fixture to the group. */
#define igt_subtest_group \
	for (int __igt_group_once = __igt_group_enter(); __igt_group_once; \
	     __igt_group_once = __igt_group_leave())

/* Documentation of the next subtest or group, shown by --describe. */
void igt_describe(const char *text);
void igt_describe_f(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- state queries ------------------------------------------------------- */

bool igt_only_list_subtests(void);
const char *igt_test_name(void);
const char *igt_subtest_name(void);	/* NULL outside a subtest */
const char *igt_dynamic_name(void);	/* NULL outside a dynamic subtest */

/* ---- outcomes ------------------------------------------------------------ */

__attribute__((noreturn)) void igt_fail(int exitcode);
__attribute__((noreturn, format(printf, 1, 2))) void igt_skip(const char *fmt, ...);
__attribute__((noreturn, format(printf, 5, 6)))
void __igt_skip_check(const char *file, int line, const char *func,
		      const char *check, const char *fmt, ...);
__attribute__((noreturn, format(printf, 5, 6)))
void __igt_fail_assert(const char *file, int line, const char *func,
		       const char *assertion, const char *fmt, ...);
__attribute__((noreturn, format(printf, 5, 6)))
void __igt_abort(const char *file, int line, const char *func,
		 const char *expr, const char *fmt, ...);

#define igt_require_f(expr, ...) do { \
	if (!(expr)) \
		__igt_skip_check(__FILE__, __LINE__, __func__, #expr, __VA_ARGS__); \
	else \
		igt_debug("Test requirement passed: %s\n", #expr); \
} while (0)
#define igt_require(expr) igt_require_f(expr, NULL)
#define igt_skip_on_f(expr, ...) do { \
	if ((expr)) \
		__igt_skip_check(__FILE__, __LINE__, __func__, "!(" #expr ")", __VA_ARGS__); \
} while (0)
#define igt_skip_on(expr) igt_skip_on_f(expr, NULL)

#define igt_assert_f(expr, ...) do { \
	if (!(expr)) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, #expr, __VA_ARGS__); \
} while (0)
#define igt_assert(expr) igt_assert_f(expr, NULL)
#define igt_fail_on_f(expr, ...) do { \
	if ((expr)) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, "!(" #expr ")", __VA_ARGS__); \
} while (0)
#define igt_fail_on(expr) igt_fail_on_f(expr, NULL)

#define igt_abort_on_f(expr, ...) do { \
	if ((expr)) \
		__igt_abort(__FILE__, __LINE__, __func__, #expr, __VA_ARGS__); \
} while (0)

/*
 * Typed comparisons: cmp is the operator that must hold, ncmp its negation,
 * printed with both values when the assertion fails.
 */
#define __igt_assert_cmp(type, fmt, n1, cmp, ncmp, n2) do { \
	type __n1 = (n1), __n2 = (n2); \
	if (!(__n1 cmp __n2)) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, \
				  #n1 " " #cmp " " #n2, \
				  "error: " fmt " " #ncmp " " fmt "\n", __n1, __n2); \
} while (0)

#define igt_assert_cmpint(n1, cmp, ncmp, n2) __igt_assert_cmp(int, "%d", n1, cmp, ncmp, n2)
#define igt_assert_cmpuint(n1, cmp, ncmp, n2) __igt_assert_cmp(unsigned int, "%#x", n1, cmp, ncmp, n2)
#define igt_assert_cmps64(n1, cmp, ncmp, n2) __igt_assert_cmp(int64_t, "%" PRId64, n1, cmp, ncmp, n2)
#define igt_assert_cmpu64(n1, cmp, ncmp, n2) __igt_assert_cmp(uint64_t, "%#" PRIx64, n1, cmp, ncmp, n2)
#define igt_assert_cmpdouble(n1, cmp, ncmp, n2) __igt_assert_cmp(double, "%#lf", n1, cmp, ncmp, n2)
#define igt_assert_cmpptr(n1, cmp, ncmp, n2) __igt_assert_cmp(const void *, "%p", n1, cmp, ncmp, n2)

#define igt_assert_eq(n1, n2) igt_assert_cmpint(n1, ==, !=, n2)
#define igt_assert_eq_u32(n1, n2) igt_assert_cmpuint(n1, ==, !=, n2)
#define igt_assert_eq_s64(n1, n2) igt_assert_cmps64(n1, ==, !=, n2)
#define igt_assert_eq_u64(n1, n2) igt_assert_cmpu64(n1, ==, !=, n2)
#define igt_assert_eq_double(n1, n2) igt_assert_cmpdouble(n1, ==, !=, n2)
#define igt_assert_eq_ptr(n1, n2) igt_assert_cmpptr(n1, ==, !=, n2)
#define igt_assert_neq(n1, n2) igt_assert_cmpint(n1, !=, ==, n2)
#define igt_assert_neq_u32(n1, n2) igt_assert_cmpuint(n1, !=, ==, n2)
#define igt_assert_neq_s64(n1, n2) igt_assert_cmps64(n1, !=, ==, n2)
#define igt_assert_neq_u64(n1, n2) igt_assert_cmpu64(n1, !=, ==, n2)
#define igt_assert_neq_double(n1, n2) igt_assert_cmpdouble(n1, !=, ==, n2)
#define igt_assert_neq_ptr(n1, n2) igt_assert_cmpptr(n1, !=, ==, n2)
#define igt_assert_lt(n1, n2) igt_assert_cmpint(n1, <, >=, n2)
#define igt_assert_lte(n1, n2) igt_assert_cmpint(n1, <=, >, n2)
#define igt_assert_lt_u32(n1, n2) igt_assert_cmpuint(n1, <, >=, n2)
#define igt_assert_lte_u32(n1, n2) igt_assert_cmpuint(n1, <=, >, n2)
#define igt_assert_lt_s64(n1, n2) igt_assert_cmps64(n1, <, >=, n2)
#define igt_assert_lte_s64(n1, n2) igt_assert_cmps64(n1, <=, >, n2)
#define igt_assert_lt_u64(n1, n2) igt_assert_cmpu64(n1, <, >=, n2)
#define igt_assert_lte_u64(n1, n2) igt_assert_cmpu64(n1, <=, >, n2)
#define igt_assert_lt_double(n1, n2) igt_assert_cmpdouble(n1, <, >=, n2)
#define igt_assert_lte_double(n1, n2) igt_assert_cmpdouble(n1, <=, >, n2)
#define igt_assert_fd(fd) igt_assert_f((fd) >= 0, "file descriptor " #fd " failed\n")

/* Logs a warning (which turns a pass into "warn") and yields the condition. */
#define igt_warn_on_f(cond, ...) ({ \
	bool __c = (cond); \
	if (__c) { \
		igt_warn("Warning on condition %s in function %s, file %s:%i\n", \
			 #cond, __func__, __FILE__, __LINE__); \
		igt_warn(__VA_ARGS__); \
	} \
	__c; \
})
#define igt_warn_on(cond) igt_warn_on_f(cond, "%s", "")

/* ---- the end of a subtest ------------------------------------------------ */

/*
 * Registers @fn(@data) to run when the current subtest ends, or the current
 * dynamic subtest when called inside one, whichever way it ends: its body
 * returns, fails, skips or times out (igt_set_timeout).  A failed assertion
 * jumps past whatever the body would have freed; this is where it is freed.
 *
 * - Callbacks run in the main process, before the result is reported and
 *   before leftover igt_fork() children are killed, last registered first,
 *   each exactly once.  Call this from the main thread of a subtest body; in
 *   a forked child it does nothing (the child's exit hands its resources to
 *   the kernel, and the parent releases its own).
 * - A callback may assert, fail or skip: that ends the callback and the
 *   others still run.  After a body that passed, a callback that fails,
 *   skips or times out fails the subtest; after a body that failed or
 *   skipped, it is only logged and the body's result stands.
 * - The subtest's timeout, if still armed, also bounds the callbacks; one
 *   that already fired is not re-armed, so a callback bounds its own waits.
 *   A crash ends the process instead, and its exit releases everything.
 *
 * igt_defer.h builds deferred releases of tracked resources on this.
 */
typedef void (*igt_end_fn_t)(void *data);
void igt_subtest_on_end(igt_end_fn_t fn, void *data);

/* ---- processes, timeouts, exit handlers ---------------------------------- */

bool __igt_fork(void);
/* Runs the body in num_children forked processes; child is 0..n-1 inside. */
#define igt_fork(child, num_children) \
	for (int child = 0; child < (num_children); child++) \
		for (; __igt_fork(); exit(IGT_EXIT_SUCCESS))

/* Joins every igt_fork() child; the first one that failed fails the caller. */
void igt_waitchildren(void);
/* Same, but children still running after @seconds are killed and fail. */
void igt_waitchildren_timeout(int seconds, const char *reason);
/* Number of igt_fork() children not yet joined. */
int igt_children_pending(void);

/*
 * Ends the current subtest as a failure ("Timed out: @op") if it is still
 * running after @seconds; 0 disarms.  Re-armed per subtest.
 */
void igt_set_timeout(unsigned int seconds, const char *op);

typedef void (*igt_exit_handler_t)(int sig);
/* Runs on exit and on fatal signals, last installed first, at most once. */
void igt_install_exit_handler(igt_exit_handler_t fn);

/* Tells the runner to ignore kernel messages matching @regex until the next subtest. */
void igt_emit_ignore_dmesg_regex(const char *regex);
