/* SPDX-License-Identifier: MIT */
/*
 * Expected behaviour of the core, one case per protocol rule.  The outputs
 * are normalised by st_normalise(): (T) for times, PID for pids, V for the
 * version, no stack frames, file names without their directory.
 */
#include "core_cases.h"

/* The usage text every binary prints for --help and on usage errors. */
#define USAGE(prog) \
	"Usage: " prog " [OPTIONS]\n" \
	"  --list-subtests\n" \
	"  --show-testlist\n" \
	"  --run-subtest <pattern>\n" \
	"  --dynamic-subtest <pattern>\n" \
	"  --describe[=<pattern>]\n" \
	"  --help-description\n" \
	"  --debug[=log-domain]\n" \
	"  --device <filter>[;<filter>...]  (drm:PATH, pci:vendor=V,device=D,card=N, sys:PATH)\n" \
	"  --version\n" \
	"  --help|-h\n"

const struct core_case core_cases[] = {
	{
		.name = "subtests-all",
		.prog = "st_subtests",
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: alpha\n"
		"alpha ran\n"
		"Subtest alpha: SUCCESS (T)\n"
		"Starting subtest: alpha-two\n"
		"alpha-two ran\n"
		"Subtest alpha-two: SUCCESS (T)\n"
		"Starting subtest: beta\n"
		"beta ran\n"
		"Subtest beta: SUCCESS (T)\n"
		"Starting subtest: skipper\n"
		"Test requirement not met in function __igt_main_body, file st_subtests.c:13:\n"
		"Test requirement: false\n"
		"not today\n"
		"Subtest skipper: SKIP (T)\n"
		"Starting subtest: failer\n"
		"Subtest failer: FAIL (T)\n"
		"Starting subtest: failer-u64\n"
		"Subtest failer-u64: FAIL (T)\n",
		.err =
		"(st_subtests:PID) CRITICAL: Test assertion failure function __igt_main_body, file st_subtests.c:15:\n"
		"(st_subtests:PID) CRITICAL: Failed assertion: 2 + 2 == 5\n"
		"(st_subtests:PID) CRITICAL: error: 4 != 5\n"
		"(st_subtests:PID) CRITICAL: Stack trace:\n"
		"(st_subtests:PID) CRITICAL: Test assertion failure function __igt_main_body, file st_subtests.c:17:\n"
		"(st_subtests:PID) CRITICAL: Failed assertion: 0x10 == 0x20\n"
		"(st_subtests:PID) CRITICAL: error: 0x10 != 0x20\n"
		"(st_subtests:PID) CRITICAL: Stack trace:\n",
	},
	{
		.name = "subtests-list",
		.prog = "st_subtests",
		.args = { "--list-subtests" },
		.status = 0,
		.out =
		"alpha\n"
		"alpha-two\n"
		"beta\n"
		"skipper\n"
		"failer\n"
		"failer-u64\n",
		.err ="",
	},
	{
		.name = "subtests-show-testlist",
		.prog = "st_subtests",
		.args = { "--show-testlist" },
		.status = 0,
		.out =
		"igt@st_subtests@alpha\n"
		"igt@st_subtests@alpha-two\n"
		"igt@st_subtests@beta\n"
		"igt@st_subtests@skipper\n"
		"igt@st_subtests@failer\n"
		"igt@st_subtests@failer-u64\n",
		.err ="",
	},
	{
		.name = "pattern-wildcard",
		.prog = "st_subtests",
		.args = { "--run-subtest", "alpha*" },
		.status = 0,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: alpha\n"
		"alpha ran\n"
		"Subtest alpha: SUCCESS (T)\n"
		"Starting subtest: alpha-two\n"
		"alpha-two ran\n"
		"Subtest alpha-two: SUCCESS (T)\n",
		.err ="",
	},
	{
		.name = "pattern-comma-negation",
		.prog = "st_subtests",
		.args = { "--run-subtest", "alpha*,!alpha-two,beta" },
		.status = 0,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: alpha\n"
		"alpha ran\n"
		"Subtest alpha: SUCCESS (T)\n"
		"Starting subtest: beta\n"
		"beta ran\n"
		"Subtest beta: SUCCESS (T)\n",
		.err ="",
	},
	{
		.name = "pattern-question-and-set",
		.prog = "st_subtests",
		.args = { "--run-subtest", "alph?,[b-c]eta" },
		.status = 0,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: alpha\n"
		"alpha ran\n"
		"Subtest alpha: SUCCESS (T)\n"
		"Starting subtest: beta\n"
		"beta ran\n"
		"Subtest beta: SUCCESS (T)\n",
		.err ="",
	},
	{
		.name = "list-ignored-after-run-subtest",
		.prog = "st_subtests",
		.args = { "--run-subtest", "beta", "--list-subtests" },
		.status = 0,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: beta\n"
		"beta ran\n"
		"Subtest beta: SUCCESS (T)\n",
		.err ="",
	},
	{
		.name = "skip-in-subtest",
		.prog = "st_subtests",
		.args = { "--run-subtest", "skipper" },
		.status = 77,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: skipper\n"
		"Test requirement not met in function __igt_main_body, file st_subtests.c:13:\n"
		"Test requirement: false\n"
		"not today\n"
		"Subtest skipper: SKIP (T)\n",
		.err ="",
	},
	{
		.name = "assert-eq-prints-both",
		.prog = "st_subtests",
		.args = { "--run-subtest", "failer" },
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: failer\n"
		"Subtest failer: FAIL (T)\n",
		.err =
		"(st_subtests:PID) CRITICAL: Test assertion failure function __igt_main_body, file st_subtests.c:15:\n"
		"(st_subtests:PID) CRITICAL: Failed assertion: 2 + 2 == 5\n"
		"(st_subtests:PID) CRITICAL: error: 4 != 5\n"
		"(st_subtests:PID) CRITICAL: Stack trace:\n",
	},
	{
		.name = "assert-eq-u64-prints-both",
		.prog = "st_subtests",
		.args = { "--run-subtest", "failer-u64" },
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: failer-u64\n"
		"Subtest failer-u64: FAIL (T)\n",
		.err =
		"(st_subtests:PID) CRITICAL: Test assertion failure function __igt_main_body, file st_subtests.c:17:\n"
		"(st_subtests:PID) CRITICAL: Failed assertion: 0x10 == 0x20\n"
		"(st_subtests:PID) CRITICAL: error: 0x10 != 0x20\n"
		"(st_subtests:PID) CRITICAL: Stack trace:\n",
	},
	{
		.name = "unknown-subtest",
		.prog = "st_subtests",
		.args = { "--run-subtest", "no-such-subtest" },
		.status = 79,
		.out =
		"IGT-Version: V\n",
		.err =
		"Unknown subtest: no-such-subtest\n"
		USAGE("st_subtests"),
	},
	{
		.name = "unknown-option",
		.prog = "st_subtests",
		.args = { "--no-such-option" },
		.status = 79,
		.out ="",
		.err =
		"Unknown option: --no-such-option\n"
		USAGE("st_subtests"),
	},
	{
		.name = "missing-option-argument",
		.prog = "st_subtests",
		.args = { "--run-subtest" },
		.status = 79,
		.out ="",
		.err =
		"Option --run-subtest needs an argument\n"
		USAGE("st_subtests"),
	},
	{
		.name = "stray-argument",
		.prog = "st_subtests",
		.args = { "extra" },
		.status = 79,
		.out ="",
		.err =
		"Unexpected argument: extra\n"
		USAGE("st_subtests"),
	},
	{
		.name = "help",
		.prog = "st_subtests",
		.args = { "--help" },
		.status = 0,
		.out =
		USAGE("st_subtests"),
		.err ="",
	},
	{
		.name = "bad-log-level",
		.prog = "st_subtests",
		.args = { "--list-subtests" },
		.env = { "IGT_LOG_LEVEL=loud" },
		.status = 79,
		.out ="",
		.err =
		"Unknown IGT_LOG_LEVEL 'loud' (debug, info, warn, critical, none)\n"
		USAGE("st_subtests"),
	},
	{
		.name = "sentinel-on-stderr",
		.prog = "st_subtests",
		.args = { "--run-subtest", "alpha,skipper" },
		.env = { "IGT_SENTINEL_ON_STDERR=1" },
		.status = 0,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: alpha\n"
		"alpha ran\n"
		"Subtest alpha: SUCCESS (T)\n"
		"Starting subtest: skipper\n"
		"Test requirement not met in function __igt_main_body, file st_subtests.c:13:\n"
		"Test requirement: false\n"
		"not today\n"
		"Subtest skipper: SKIP (T)\n",
		.err =
		"Starting subtest: alpha\n"
		"Subtest alpha: SUCCESS (T)\n"
		"Starting subtest: skipper\n"
		"Subtest skipper: SKIP (T)\n",
	},
	{
		.name = "fixture-passes",
		.prog = "st_fixture",
		.status = 0,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: before\n"
		"before ran\n"
		"Subtest before: SUCCESS (T)\n"
		"Starting subtest: inside-a\n"
		"inside-a ran\n"
		"Subtest inside-a: SUCCESS (T)\n"
		"Starting subtest: inside-b\n"
		"inside-b ran\n"
		"Subtest inside-b: SUCCESS (T)\n"
		"Starting subtest: after\n"
		"after ran\n"
		"Subtest after: SUCCESS (T)\n",
		.err ="",
	},
	{
		.name = "fixture-skip-skips-its-group",
		.prog = "st_fixture",
		.env = { "ST_FIXTURE=skip" },
		.status = 0,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: before\n"
		"before ran\n"
		"Subtest before: SUCCESS (T)\n"
		"Test requirement not met in function __igt_main_body, file st_fixture.c:17:\n"
		"Test requirement: !mode || strcmp(mode, \"skip\")\n"
		"asked to skip\n"
		"Subtest inside-a: SKIP (T)\n"
		"Subtest inside-b: SKIP (T)\n"
		"Starting subtest: after\n"
		"after ran\n"
		"Subtest after: SUCCESS (T)\n",
		.err ="",
	},
	{
		.name = "fixture-skip-only-skips",
		.prog = "st_fixture",
		.args = { "--run-subtest", "inside-*" },
		.env = { "ST_FIXTURE=skip" },
		.status = 77,
		.out =
		"IGT-Version: V\n"
		"Test requirement not met in function __igt_main_body, file st_fixture.c:17:\n"
		"Test requirement: !mode || strcmp(mode, \"skip\")\n"
		"asked to skip\n"
		"Subtest inside-a: SKIP (T)\n"
		"Subtest inside-b: SKIP (T)\n",
		.err ="",
	},
	{
		.name = "fixture-fail-fails-its-group",
		.prog = "st_fixture",
		.env = { "ST_FIXTURE=fail" },
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: before\n"
		"before ran\n"
		"Subtest before: SUCCESS (T)\n"
		"Subtest inside-a: FAIL (T)\n"
		"Subtest inside-b: FAIL (T)\n"
		"Starting subtest: after\n"
		"after ran\n"
		"Subtest after: SUCCESS (T)\n",
		.err =
		"(st_fixture:PID) CRITICAL: Test assertion failure function __igt_main_body, file st_fixture.c:18:\n"
		"(st_fixture:PID) CRITICAL: Failed assertion: !mode || strcmp(mode, \"fail\")\n"
		"(st_fixture:PID) CRITICAL: asked to fail\n"
		"(st_fixture:PID) CRITICAL: Stack trace:\n",
	},
	/* IGT_REPORT_FIXTURE_SKIPS: the note ci/run-suite relies on to skip a
	 * binary's other subtests without running them. */
	{
		.name = "fixture-skip-of-all-is-noted",
		.prog = "st_fixture_all",
		.args = { "--run-subtest", "second" },
		.env = { "ST_FIXTURE=skip", "IGT_REPORT_FIXTURE_SKIPS=1" },
		.status = 77,
		.out =
		"IGT-Version: V\n"
		"Test requirement not met in function __igt_main_body, file st_fixture_all.c:16:\n"
		"Test requirement: !mode || strcmp(mode, \"skip\")\n"
		"no device here\n"
		"Subtest second: SKIP (T)\n"
		"IGT-Fixture-Skip: all 3 subtests\n",
		.err ="",
	},
	{
		.name = "fixture-skip-of-all-unasked-no-note",
		.prog = "st_fixture_all",
		.args = { "--run-subtest", "first" },
		.env = { "ST_FIXTURE=skip" },
		.status = 77,
		.out =
		"IGT-Version: V\n"
		"Test requirement not met in function __igt_main_body, file st_fixture_all.c:16:\n"
		"Test requirement: !mode || strcmp(mode, \"skip\")\n"
		"no device here\n"
		"Subtest first: SKIP (T)\n",
		.err ="",
	},
	{
		.name = "fixture-passes-no-note",
		.prog = "st_fixture_all",
		.args = { "--run-subtest", "first" },
		.env = { "IGT_REPORT_FIXTURE_SKIPS=1" },
		.status = 0,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: first\n"
		"first ran\n"
		"Subtest first: SUCCESS (T)\n",
		.err ="",
	},
	{
		/* "before" and "after" are outside the skipping group: no note,
		 * though the selected subtests all skipped. */
		.name = "fixture-skip-of-some-no-note",
		.prog = "st_fixture",
		.args = { "--run-subtest", "inside-*" },
		.env = { "ST_FIXTURE=skip", "IGT_REPORT_FIXTURE_SKIPS=1" },
		.status = 77,
		.out =
		"IGT-Version: V\n"
		"Test requirement not met in function __igt_main_body, file st_fixture.c:17:\n"
		"Test requirement: !mode || strcmp(mode, \"skip\")\n"
		"asked to skip\n"
		"Subtest inside-a: SKIP (T)\n"
		"Subtest inside-b: SKIP (T)\n",
		.err ="",
	},
	{
		/* A failing fixture is a failure of every subtest, never a skip. */
		.name = "fixture-fail-no-note",
		.prog = "st_fixture",
		.args = { "--run-subtest", "inside-a" },
		.env = { "ST_FIXTURE=fail", "IGT_REPORT_FIXTURE_SKIPS=1" },
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"Subtest inside-a: FAIL (T)\n",
		.err =
		"(st_fixture:PID) CRITICAL: Test assertion failure function __igt_main_body, file st_fixture.c:18:\n"
		"(st_fixture:PID) CRITICAL: Failed assertion: !mode || strcmp(mode, \"fail\")\n"
		"(st_fixture:PID) CRITICAL: asked to fail\n"
		"(st_fixture:PID) CRITICAL: Stack trace:\n",
	},
	{
		.name = "dynamic-none-ran-skips",
		.prog = "st_dynamic",
		.args = { "--run-subtest", "none" },
		.status = 77,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: none\n"
		"no dynamic subtest here\n"
		"Subtest none: SKIP (T)\n",
		.err ="",
	},
	{
		.name = "dynamic-one-failed-fails",
		.prog = "st_dynamic",
		.args = { "--run-subtest", "one-fails" },
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: one-fails\n"
		"Starting dynamic subtest: item-0\n"
		"Dynamic subtest item-0: SUCCESS (T)\n"
		"Starting dynamic subtest: item-1\n"
		"Dynamic subtest item-1: FAIL (T)\n"
		"Starting dynamic subtest: item-2\n"
		"Dynamic subtest item-2: SUCCESS (T)\n"
		"Subtest one-fails: FAIL (T)\n",
		.err =
		"(st_dynamic:PID) CRITICAL: Test assertion failure function __igt_main_body, file st_dynamic.c:11:\n"
		"(st_dynamic:PID) CRITICAL: Failed assertion: i != 1\n"
		"(st_dynamic:PID) CRITICAL: error: 1 == 1\n"
		"(st_dynamic:PID) CRITICAL: Stack trace:\n",
	},
	{
		.name = "dynamic-all-passed-passes",
		.prog = "st_dynamic",
		.args = { "--run-subtest", "all-pass" },
		.status = 0,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: all-pass\n"
		"Starting dynamic subtest: first\n"
		"first ran\n"
		"Dynamic subtest first: SUCCESS (T)\n"
		"Starting dynamic subtest: second\n"
		"second ran\n"
		"Dynamic subtest second: SUCCESS (T)\n"
		"Subtest all-pass: SUCCESS (T)\n",
		.err ="",
	},
	{
		.name = "dynamic-only-skips-skips",
		.prog = "st_dynamic",
		.args = { "--run-subtest", "only-skips" },
		.status = 77,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: only-skips\n"
		"Starting dynamic subtest: skipped\n"
		"nothing to do\n"
		"Dynamic subtest skipped: SKIP (T)\n"
		"Subtest only-skips: SKIP (T)\n",
		.err ="",
	},
	{
		.name = "dynamic-filter",
		.prog = "st_dynamic",
		.args = { "--run-subtest", "one-fails", "--dynamic-subtest", "item-[02]" },
		.status = 0,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: one-fails\n"
		"Starting dynamic subtest: item-0\n"
		"Dynamic subtest item-0: SUCCESS (T)\n"
		"Starting dynamic subtest: item-2\n"
		"Dynamic subtest item-2: SUCCESS (T)\n"
		"Subtest one-fails: SUCCESS (T)\n",
		.err ="",
	},
	{
		.name = "listing-runs-no-fixture",
		.prog = "st_listing",
		.args = { "--list-subtests" },
		.status = 0,
		.out =
		"one\n"
		"two\n"
		"three\n",
		.err ="",
	},
	{
		.name = "describe-all",
		.prog = "st_listing",
		.args = { "--describe" },
		.status = 0,
		.out =
		"Checks that listing does not run fixtures\n"
		"\n"
		"SUB one st_listing.c:13:\n"
		"  The first subtest.\n"
		"\n"
		"SUB two st_listing.c:18:\n"
		"  Inherited by the group's subtests.\n"
		"\n"
		"SUB three st_listing.c:22:\n"
		"  NO DOCUMENTATION!\n",
		.err ="",
	},
	{
		.name = "describe-pattern",
		.prog = "st_listing",
		.args = { "--describe=t*" },
		.status = 0,
		.out =
		"Checks that listing does not run fixtures\n"
		"\n"
		"SUB two st_listing.c:18:\n"
		"  Inherited by the group's subtests.\n"
		"\n"
		"SUB three st_listing.c:22:\n"
		"  NO DOCUMENTATION!\n",
		.err ="",
	},
	{
		.name = "help-description",
		.prog = "st_listing",
		.args = { "--help-description" },
		.status = 0,
		.out =
		"Checks that listing does not run fixtures\n",
		.err ="",
	},
	{
		.name = "segfault-is-crash",
		.prog = "st_signals",
		.args = { "--run-subtest", "segfault" },
		.status = -11,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: segfault\n"
		"Subtest segfault: CRASH (T)\n"
		"second handler, sig=11\n"
		"first handler, sig=11\n",
		.err =
		"Received signal SIGSEGV.\n"
		"Stack trace:\n",
	},
	{
		.name = "sigterm-runs-exit-handlers",
		.prog = "st_signals",
		.args = { "--run-subtest", "sigterm" },
		.status = -15,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: sigterm\n"
		"second handler, sig=15\n"
		"first handler, sig=15\n",
		.err ="",
	},
	{
		.name = "failure-runs-exit-handlers",
		.prog = "st_signals",
		.args = { "--run-subtest", "fail" },
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: fail\n"
		"Subtest fail: FAIL (T)\n"
		"second handler, sig=0\n"
		"first handler, sig=0\n",
		.err =
		"(st_signals:PID) CRITICAL: Test assertion failure function __igt_main_body, file st_signals.c:40:\n"
		"(st_signals:PID) CRITICAL: Failed assertion: 0\n"
		"(st_signals:PID) CRITICAL: Stack trace:\n",
	},
	{
		.name = "timeout-ends-hang",
		.prog = "st_signals",
		.args = { "--run-subtest", "hang,after-hang" },
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: hang\n"
		"Subtest hang: FAIL (T)\n"
		"Starting subtest: after-hang\n"
		"after-hang ran\n"
		"Subtest after-hang: SUCCESS (T)\n"
		"second handler, sig=0\n"
		"first handler, sig=0\n",
		.err =
		"(st_signals:PID) CRITICAL: Timed out: waiting for nothing\n",
	},
	{
		.name = "children-pass",
		.prog = "st_fork",
		.args = { "--run-subtest", "children-pass" },
		.status = 0,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: children-pass\n"
		"Subtest children-pass: SUCCESS (T)\n",
		.err ="",
	},
	{
		.name = "failing-child-fails-parent",
		.prog = "st_fork",
		.args = { "--run-subtest", "child-fails" },
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: child-fails\n"
		"Subtest child-fails: FAIL (T)\n",
		.err =
		"(st_fork:PID) CRITICAL: Test assertion failure function __igt_main_body, file st_fork.c:24:\n"
		"(st_fork:PID) CRITICAL: Failed assertion: child == 0\n"
		"(st_fork:PID) CRITICAL: child 1 fails\n"
		"(st_fork:PID) CRITICAL: Stack trace:\n"
		"(st_fork:PID) CRITICAL: child 1 failed with exit status 98\n",
	},
	{
		.name = "crashing-child-fails-parent",
		.prog = "st_fork",
		.args = { "--run-subtest", "child-crashes" },
		.status = 139,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: child-crashes\n"
		"Subtest child-crashes: FAIL (T)\n",
		.err =
		"Received signal SIGSEGV.\n"
		"Stack trace:\n"
		"(st_fork:PID) CRITICAL: child 0 died with signal 11, Segmentation fault\n",
	},
	{
		.name = "hanging-child-times-out",
		.prog = "st_fork",
		.args = { "--run-subtest", "child-hangs" },
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: child-hangs\n"
		"Subtest child-hangs: FAIL (T)\n",
		.err =
		"(st_fork:PID) CRITICAL: Timed out: child never returns\n",
	},
	{
		.name = "failing-thread-fails-subtest",
		.prog = "st_fork",
		.args = { "--run-subtest", "thread-fails" },
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: thread-fails\n"
		"Subtest thread-fails: FAIL (T)\n",
		.err =
		"(st_fork:PID) [thread:TID] CRITICAL: Test assertion failure function failing_thread, file st_fork.c:11:\n"
		"(st_fork:PID) [thread:TID] CRITICAL: Failed assertion: false\n"
		"(st_fork:PID) [thread:TID] CRITICAL: thread failure\n"
		"(st_fork:PID) [thread:TID] CRITICAL: Stack trace:\n",
	},
	{
		.name = "simple-success",
		.prog = "st_simple",
		.status = 0,
		.out =
		"IGT-Version: V\n"
		"simple ran\n"
		"SUCCESS (T)\n",
		.err ="",
	},
	{
		.name = "simple-skip",
		.prog = "st_simple",
		.env = { "ST_SIMPLE=skip" },
		.status = 77,
		.out =
		"IGT-Version: V\n"
		"Test requirement not met in function __igt_simple_body, file st_simple.c:11:\n"
		"Test requirement: !mode || strcmp(mode, \"skip\")\n"
		"asked to skip\n"
		"SKIP (T)\n",
		.err ="",
	},
	{
		.name = "simple-fail-dumps-debug",
		.prog = "st_simple",
		.env = { "ST_SIMPLE=fail" },
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"FAIL (T)\n",
		.err =
		"(st_simple:PID) CRITICAL: Test assertion failure function __igt_simple_body, file st_simple.c:12:\n"
		"(st_simple:PID) CRITICAL: Failed assertion: !mode || strcmp(mode, \"fail\")\n"
		"(st_simple:PID) CRITICAL: asked to fail\n"
		"(st_simple:PID) CRITICAL: Stack trace:\n"
		"Test st_simple failed.\n"
		"**** DEBUG ****\n"
		"(st_simple:PID) DEBUG: a debug line for the failure dump\n"
		"(st_simple:PID) DEBUG: Test requirement passed: !mode || strcmp(mode, \"skip\")\n"
		"****  END  ****\n",
	},
	{
		.name = "simple-fail-debug-printed",
		.prog = "st_simple",
		.args = { "--debug" },
		.env = { "ST_SIMPLE=fail" },
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"(st_simple:PID) DEBUG: a debug line for the failure dump\n"
		"(st_simple:PID) DEBUG: Test requirement passed: !mode || strcmp(mode, \"skip\")\n"
		"FAIL (T)\n",
		.err =
		"(st_simple:PID) CRITICAL: Test assertion failure function __igt_simple_body, file st_simple.c:12:\n"
		"(st_simple:PID) CRITICAL: Failed assertion: !mode || strcmp(mode, \"fail\")\n"
		"(st_simple:PID) CRITICAL: asked to fail\n"
		"(st_simple:PID) CRITICAL: Stack trace:\n",
	},
	{
		.name = "simple-list-is-invalid",
		.prog = "st_simple",
		.args = { "--list-subtests" },
		.status = 79,
		.out ="",
		.err ="",
	},
	{
		.name = "simple-show-testlist",
		.prog = "st_simple",
		.args = { "--show-testlist" },
		.status = 0,
		.out =
		"igt@st_simple\n",
		.err ="",
	},
	{
		.name = "simple-run-subtest-is-invalid",
		.prog = "st_simple",
		.args = { "--run-subtest", "x" },
		.status = 79,
		.out ="",
		.err =
		"st_simple has no subtests; --run-subtest is invalid\n"
		USAGE("st_simple"),
	},
	{
		.name = "version",
		.prog = "st_simple",
		.args = { "--version" },
		.status = 0,
		.out =
		"IGT-Version: V\n",
		.err ="",
	},
	{
		.name = "malformed-device-filter",
		.prog = "st_subtests",
		.args = { "--device", "nonsense", "--list-subtests" },
		.status = 79,
		.out ="",
		.err =
		"Malformed device filter in --device: filter 'nonsense' has no type (expected drm:, pci: or sys:)\n"
		USAGE("st_subtests"),
	},
	{
		.name = "malformed-device-env",
		.prog = "st_subtests",
		.args = { "--list-subtests" },
		.env = { "IGT_DEVICE=pci:colour=blue" },
		.status = 79,
		.out ="",
		.err =
		"Malformed device filter in IGT_DEVICE: pci: unknown key 'colour' (expected vendor, device, card or slot)\n"
		USAGE("st_subtests"),
	},
	{
		.name = "abort-exits-112",
		.prog = "st_signals",
		.args = { "--run-subtest", "abort" },
		.status = 112,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: abort\n"
		"second handler, sig=0\n"
		"first handler, sig=0\n",
		.err =
		"(st_signals:PID) CRITICAL: Test abort in function __igt_main_body, file st_signals.c:48:\n"
		"(st_signals:PID) CRITICAL: abort condition: true\n"
		"(st_signals:PID) CRITICAL: the environment is broken\n",
	},
	{
		.name = "log-level-warn-hides-info",
		.prog = "st_subtests",
		.args = { "--run-subtest", "alpha" },
		.env = { "IGT_LOG_LEVEL=warn" },
		.status = 0,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: alpha\n"
		"Subtest alpha: SUCCESS (T)\n",
		.err ="",
	},
	{
		.name = "log-level-debug-shows-debug",
		.prog = "st_simple",
		.env = { "IGT_LOG_LEVEL=debug" },
		.status = 0,
		.out =
		"IGT-Version: V\n"
		"(st_simple:PID) DEBUG: a debug line for the failure dump\n"
		"(st_simple:PID) DEBUG: Test requirement passed: !mode || strcmp(mode, \"skip\")\n"
		"simple ran\n"
		"SUCCESS (T)\n",
		.err ="",
	},
	{
		.name = "sigabrt-is-reported-not-crash",
		.prog = "st_signals",
		.args = { "--run-subtest", "sigabrt" },
		.status = -6,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: sigabrt\n"
		"second handler, sig=6\n"
		"first handler, sig=6\n",
		.err =
		"Received signal SIGABRT.\n"
		"Stack trace:\n",
	},
	{
		.name = "cleanup-after-fail-skip-timeout",
		.prog = "st_cleanup",
		.args = { "--run-subtest", "fail,skip,timeout,pass,"
			  "clean-after-fail,clean-after-skip,clean-after-timeout,clean-after-pass" },
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: fail\n"
		"holding 3\n"
		"Subtest fail: FAIL (T)\n"
		"Starting subtest: clean-after-fail\n"
		"clean\n"
		"Subtest clean-after-fail: SUCCESS (T)\n"
		"Starting subtest: skip\n"
		"holding 3\n"
		"skipping mid-way\n"
		"Subtest skip: SKIP (T)\n"
		"Starting subtest: clean-after-skip\n"
		"clean\n"
		"Subtest clean-after-skip: SUCCESS (T)\n"
		"Starting subtest: timeout\n"
		"holding 3\n"
		"Subtest timeout: FAIL (T)\n"
		"Starting subtest: clean-after-timeout\n"
		"clean\n"
		"Subtest clean-after-timeout: SUCCESS (T)\n"
		"Starting subtest: pass\n"
		"holding 3\n"
		"Subtest pass: SUCCESS (T)\n"
		"Starting subtest: clean-after-pass\n"
		"clean\n"
		"Subtest clean-after-pass: SUCCESS (T)\n",
		.err =
		"(st_cleanup:PID) CRITICAL: Test assertion failure function __igt_main_body, file st_cleanup.c:112:\n"
		"(st_cleanup:PID) CRITICAL: Failed assertion: false\n"
		"(st_cleanup:PID) CRITICAL: failing mid-way\n"
		"(st_cleanup:PID) CRITICAL: Stack trace:\n"
		"(st_cleanup:PID) CRITICAL: Timed out: a wait that only the alarm ends\n",
	},
	{
		.name = "cleanup-dynamic",
		.prog = "st_cleanup",
		.args = { "--run-subtest", "dynamic,clean-after-dynamic,"
			  "dynamic-releases-container,dynamic-release-fails" },
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: dynamic\n"
		"Starting dynamic subtest: fail\n"
		"holding 3\n"
		"Dynamic subtest fail: FAIL (T)\n"
		"Starting dynamic subtest: clean-after-fail\n"
		"clean\n"
		"Dynamic subtest clean-after-fail: SUCCESS (T)\n"
		"holding 3\n"
		"Starting dynamic subtest: sees-container\n"
		"Dynamic subtest sees-container: SUCCESS (T)\n"
		"Subtest dynamic: FAIL (T)\n"
		"Starting subtest: clean-after-dynamic\n"
		"clean\n"
		"Subtest clean-after-dynamic: SUCCESS (T)\n"
		"Starting subtest: dynamic-releases-container\n"
		"Starting dynamic subtest: releases\n"
		"Dynamic subtest releases: SUCCESS (T)\n"
		"nothing left after the dynamic subtest\n"
		"Subtest dynamic-releases-container: SUCCESS (T)\n"
		"Starting subtest: dynamic-release-fails\n"
		"Starting dynamic subtest: fails\n"
		"Dynamic subtest fails: FAIL (T)\n"
		"Starting dynamic subtest: passes\n"
		"release 3\n"
		"Dynamic subtest passes: SUCCESS (T)\n"
		"Subtest dynamic-release-fails: FAIL (T)\n",
		.err =
		"(st_cleanup:PID) CRITICAL: Test assertion failure function __igt_main_body, file st_cleanup.c:120:\n"
		"(st_cleanup:PID) CRITICAL: Failed assertion: false\n"
		"(st_cleanup:PID) CRITICAL: failing mid-way\n"
		"(st_cleanup:PID) CRITICAL: Stack trace:\n"
		"(st_cleanup:PID) CRITICAL: Deferred release release_broken(0x1, 0): Bad file descriptor\n"
		"(st_cleanup:PID) CRITICAL: 1 deferred release(s) failed\n"
		"(st_cleanup:PID) CRITICAL: An end-of-subtest callback of fails failed: the subtest fails\n",
	},
	{
		.name = "cleanup-callback-rules",
		.prog = "st_cleanup",
		.args = { "--run-subtest", "hook*,release-fails-after-pass" },
		.status = 98,
		.out =
		"IGT-Version: V\n"
		"Starting subtest: hooks-lifo\n"
		"hook registered last\n"
		"release 2\n"
		"release 1\n"
		"hook registered first\n"
		"Subtest hooks-lifo: SUCCESS (T)\n"
		"Starting subtest: hook-fails-after-pass\n"
		"hook after the failing one\n"
		"Subtest hook-fails-after-pass: FAIL (T)\n"
		"Starting subtest: hook-fails-after-fail\n"
		"An end-of-subtest callback of hook-fails-after-fail failed after its body failed\n"
		"Subtest hook-fails-after-fail: FAIL (T)\n"
		"Starting subtest: hook-fails-after-skip\n"
		"the body skips first\n"
		"An end-of-subtest callback of hook-fails-after-skip failed after its body skipped\n"
		"Subtest hook-fails-after-skip: SKIP (T)\n"
		"Starting subtest: hook-skips-after-pass\n"
		"hook e skips\n"
		"Subtest hook-skips-after-pass: FAIL (T)\n"
		"Starting subtest: hook-times-out-after-pass\n"
		"hook f waits\n"
		"Subtest hook-times-out-after-pass: FAIL (T)\n"
		"Starting subtest: release-fails-after-pass\n"
		"Subtest release-fails-after-pass: FAIL (T)\n"
		"Starting subtest: hook-not-in-children\n"
		"hook of the parent\n"
		"Subtest hook-not-in-children: SUCCESS (T)\n",
		.err =
		"(st_cleanup:PID) CRITICAL: Test assertion failure function failing_hook, file st_cleanup.c:91:\n"
		"(st_cleanup:PID) CRITICAL: Failed assertion: false\n"
		"(st_cleanup:PID) CRITICAL: hook b fails\n"
		"(st_cleanup:PID) CRITICAL: Stack trace:\n"
		"(st_cleanup:PID) CRITICAL: An end-of-subtest callback of hook-fails-after-pass failed: the subtest fails\n"
		"(st_cleanup:PID) CRITICAL: Test assertion failure function failing_hook, file st_cleanup.c:91:\n"
		"(st_cleanup:PID) CRITICAL: Failed assertion: false\n"
		"(st_cleanup:PID) CRITICAL: hook a fails\n"
		"(st_cleanup:PID) CRITICAL: Stack trace:\n"
		"(st_cleanup:PID) CRITICAL: An end-of-subtest callback of hook-fails-after-pass failed: the subtest fails\n"
		"(st_cleanup:PID) CRITICAL: Test assertion failure function __igt_main_body, file st_cleanup.c:180:\n"
		"(st_cleanup:PID) CRITICAL: Failed assertion: false\n"
		"(st_cleanup:PID) CRITICAL: the body fails first\n"
		"(st_cleanup:PID) CRITICAL: Stack trace:\n"
		"(st_cleanup:PID) CRITICAL: Test assertion failure function failing_hook, file st_cleanup.c:91:\n"
		"(st_cleanup:PID) CRITICAL: Failed assertion: false\n"
		"(st_cleanup:PID) CRITICAL: hook c fails\n"
		"(st_cleanup:PID) CRITICAL: Stack trace:\n"
		"(st_cleanup:PID) CRITICAL: Test assertion failure function failing_hook, file st_cleanup.c:91:\n"
		"(st_cleanup:PID) CRITICAL: Failed assertion: false\n"
		"(st_cleanup:PID) CRITICAL: hook d fails\n"
		"(st_cleanup:PID) CRITICAL: Stack trace:\n"
		"(st_cleanup:PID) CRITICAL: An end-of-subtest callback of hook-skips-after-pass skipped: the subtest fails\n"
		"(st_cleanup:PID) CRITICAL: Timed out: a callback that only the alarm ends\n"
		"(st_cleanup:PID) CRITICAL: An end-of-subtest callback of hook-times-out-after-pass failed: the subtest fails\n"
		"(st_cleanup:PID) CRITICAL: Deferred release release_broken(0, 0): Bad file descriptor\n"
		"(st_cleanup:PID) CRITICAL: 1 deferred release(s) failed\n"
		"(st_cleanup:PID) CRITICAL: An end-of-subtest callback of release-fails-after-pass failed: the subtest fails\n",
	},
};

const size_t num_core_cases = sizeof(core_cases) / sizeof(core_cases[0]);
