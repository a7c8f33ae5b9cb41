# SPDX-License-Identifier: MIT
"""Run the suite's IGT-protocol test binaries on one or more kernel targets.

For every target an igt_runner-compatible results directory is written to
OUT/<target>/ (numbered job dirs, metadata.txt, joblist.txt, results.json);
a summary is printed at the end.  See docs/results.md.

Exit status: 0 every target ran and nothing failed; 1 every target ran and
something failed; 3 a target could not run (no kernel, no boot, hang,
unavailable though asked for, interrupted), whatever else happened; 79 usage
errors.  The closing line is "run-suite: N passed, N failed, N skipped", with
"; N target(s) could not run: NAME (REASON), ..." appended in the 3 case.
"""

import argparse
import re
import sys

from .base import EXIT_FAILED, EXIT_LOST, EXIT_OK, EXIT_USAGE, UsageError, say
from .jobs import Filters, build_jobs, read_test_list
from .lanes import run_targets
from .kmsg import BENIGN_DMESG, KMSG_PATH_ENV, Kmsg
from .known import KnownLists
from .process import Interrupted, stop_on_signals
from .results import prepare_results_dir, results_dir
from .run import run_target
from .summary import print_summary
from .targets import TARGETS, find_target, list_targets, select_targets

DEFAULT_TIMEOUT_S = 120.0


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, "%s: error: %s\n" % (self.prog, message))


def positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not a number: %r" % text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be > 0: %r" % text)
    return value


def parse_args(argv):
    p = Parser(prog="run-suite", description=__doc__.split("\n\n")[0],
               epilog="Env %s=FILE reads the kernel log from FILE instead of /dev/kmsg "
                      "(for tests)." % KMSG_PATH_ENV)
    p.add_argument("--tests", metavar="DIR", help="directory with test-list.txt and binaries")
    p.add_argument("--results", metavar="OUT", help="results go to OUT/<target>/")
    p.add_argument("--target", metavar="NAME", action="append", default=[],
                   help="run on this target (repeatable; default: every available one)")
    p.add_argument("--timeout", metavar="S", type=positive_float, default=DEFAULT_TIMEOUT_S,
                   help="per-subtest timeout in seconds (default %(default)g)")
    p.add_argument("--include", metavar="REGEX", action="append", default=[],
                   help="only igt@bin@sub names matching (unanchored, repeatable)")
    p.add_argument("--exclude", metavar="REGEX", action="append", default=[],
                   help="skip igt@bin@sub names matching (unanchored, repeatable)")
    p.add_argument("--nested-timeout", metavar="S", type=positive_float, default=1200.0,
                   help="upper bound for a whole nested (VM) run (default %(default)g)")
    p.add_argument("--known-failures", metavar="[TARGET=]FILE", action="append", default=[],
                   help="igt@ names (one a line, # comments) that must fail on TARGET (on "
                        "every target without TARGET=): documented kernel bugs; any other "
                        "failure, or one of these passing, fails the run (repeatable)")
    p.add_argument("--known-crashes", metavar="[TARGET=]FILE", action="append", default=[],
                   help="igt@ names (same format) that crash TARGET's kernel: left out of "
                        "its run and named in the summary (ci/check-known-crashes checks "
                        "them; repeatable)")
    p.add_argument("--vdev-bug", metavar="MODEL", action="append", default=[],
                   help="vdev targets: turn this kernel-bug model on (repeatable; see vdev/README.md)")
    p.add_argument("--serial", action="store_true",
                   help="run one target at a time (default: the VM targets run beside the "
                        "others, see lanes.py)")
    p.add_argument("--require-skip-reason", action="store_true",
                   help="a skip that prints no reason counts as a failure")
    p.add_argument("--as-target", metavar="NAME", help=argparse.SUPPRESS)
    p.add_argument("--list-targets", action="store_true", help="list targets and exit")
    args = p.parse_args(argv)
    if not args.list_targets and not (args.tests and args.results):
        p.error("--tests and --results are required")
    for name in args.target:
        if not find_target(name):
            p.error("unknown target %r (known: %s)" % (name, ", ".join(t.name for t in TARGETS)))
    try:
        args.known_failures = KnownLists.read(args.known_failures)
        args.known_crashes = KnownLists.read(args.known_crashes)
    except UsageError as e:
        p.error(str(e))
    args.argv = argv
    return args


def crash_free_jobs(target, args, jobs):
    """The jobs less the subtests known to crash this target's kernel."""
    crashes = args.known_crashes.for_target(target.name)
    if crashes:
        say("run-suite: %s: left out, known to crash the kernel: %s"
            % (target.name, ", ".join(sorted(crashes))))
    return [j for j in jobs if j.name not in crashes]


def main(argv):
    args = parse_args(argv)
    if args.list_targets:
        return list_targets(args.tests)
    stop_on_signals()
    try:
        filters = Filters.compile(args.include, args.exclude)
        binaries = read_test_list(args.tests)
        targets, skipped = select_targets(args.target, args.as_target, args.tests)
        if args.as_target:
            BENIGN_DMESG.extend(re.compile(r) for t in targets for r in t.benign_dmesg)
        for target, reason in skipped:
            print("run-suite: target %s unavailable: %s" % (target.name, reason))
        # A target asked for by name that is unavailable could not run; one
        # chosen by default is only skipped.
        unavailable, skipped = (skipped, []) if args.target else ([], skipped)
        for target in targets:
            prepare_results_dir(results_dir(args, target))
        jobs, problems = build_jobs(args.tests, binaries, filters)
        kmsg = Kmsg()
        runs = run_targets(targets, lambda target: run_target(
            target, args, crash_free_jobs(target, args, jobs), problems, kmsg), args.serial)
    except UsageError as e:
        print("run-suite: error: %s" % e, file=sys.stderr)
        return EXIT_USAGE
    except Interrupted:
        print("run-suite: interrupted", file=sys.stderr)
        return EXIT_LOST
    failed, lost = print_summary(runs, skipped, kmsg, args.known_failures,
                                 args.require_skip_reason, unavailable)
    return EXIT_LOST if lost else EXIT_FAILED if failed else EXIT_OK
