# SPDX-License-Identifier: MIT
"""Nested targets: the whole host run inside a VM, one boot.  run-suite runs
itself there (ENTRY_POINT) and adopts the results the inner run left."""

import json
import os
import shutil
import time

from .base import REPO_ROOT, say
from .entries import make_entry
from .process import Interrupted, run_process, stopping
from .results import TargetRun, problem_entries, read_text, results_dir, write_results

# What the guest runs: this checkout's run-suite, as the host does.
ENTRY_POINT = os.path.join(REPO_ROOT, "ci", "run-suite")
NESTED_BOOT_ALLOWANCE_S = 120.0  # kernel boot and harness overhead of a nested run


# Exit statuses of ci/vm/run beyond the command's own (see ci/vm/README.md).
NESTED_HARNESS_STATUS = {
    2: "the VM harness failed",
    3: "kernel warnings on the guest console",
    4: "the guest hung and was killed at its timeout",
    5: "the guest kernel did not boot",
    6: "the guest stopped without reporting the command's status",
    7: "no cached kernel (ci/vm/build-kernel builds it)",
}
# ci/vm/run's one-sentence reason when the harness itself failed.
HARNESS_ERROR_FILE = "harness-error"
CONSOLE_TAIL_LINES = 30


def nested_command(run, args, jobs, harness_dir, console):
    timeout = min(args.nested_timeout, NESTED_BOOT_ALLOWANCE_S + args.timeout * max(1, len(jobs)))
    inner = [ENTRY_POINT, "--tests", os.path.abspath(args.tests),
             "--results", harness_dir,
             "--as-target", run.target.name, "--timeout", "%g" % args.timeout]
    for regex in args.include:
        inner += ["--include", regex]
    for regex in args.exclude:
        inner += ["--exclude", regex]
    # The inner run is this target alone: its lists, given as every target's.
    for path in args.known_crashes.files_for(run.target.name):
        inner += ["--known-crashes", path]
    return run.target.command_prefix(results=harness_dir, console=console,
                                     timeout="%d" % timeout) + inner


def console_tail(path):
    try:
        lines = read_text(path).splitlines()
    except OSError:
        return "(no console log at %s)\n" % path
    return "".join(l + "\n" for l in lines[-CONSOLE_TAIL_LINES:])


def adopt_nested_results(run, jobs, problems):
    """The inner run's tests, or every job notrun when it left no results."""
    try:
        with open(os.path.join(run.results_dir, "results.json")) as f:
            inner = json.load(f)
        run.tests.update(inner["tests"])
        return inner.get("runtimes", {}), inner["time_elapsed"]["start"]
    except (OSError, ValueError, KeyError):
        run.tests.update(problem_entries(problems))
        for job in jobs:
            run.tests[job.name] = make_entry("notrun", "", "", [], 0.0, None)
        return {}, time.time()


def harness_reason(harness_dir):
    try:
        return read_text(os.path.join(harness_dir, HARNESS_ERROR_FILE)).strip().splitlines()[0]
    except (OSError, IndexError):
        return None


def run_nested(target, args, jobs, problems):
    """The wrapper (a VM) gets its own folder, shared read-write with the
    guest, next to the target's: OUT/<target>.harness holds its console log
    and files, and the inner run writes OUT/<target>.harness/<target>, which
    is moved to OUT/<target> afterwards."""
    run = TargetRun(target, results_dir(args, target))
    harness_dir = os.path.abspath(run.results_dir.rstrip("/") + ".harness")
    shutil.rmtree(harness_dir, ignore_errors=True)
    os.makedirs(harness_dir)
    console = os.path.join(harness_dir, "console.log")
    cmd = nested_command(run, args, jobs, harness_dir, console)
    log_path = os.path.join(harness_dir, "run.log")
    say("run-suite: %s: %s" % (target.name, " ".join(cmd)))
    with open(log_path, "wb") as log:
        try:
            end = run_process(cmd, log, log, dict(os.environ), args.nested_timeout + 60)
        except Interrupted:     # run_process stopped the harness's group
            end = None
    if end is None or stopping.is_set():    # stopped by a signal, here or in the main thread
        run.interrupted = True
        end = None
    say(read_text(log_path).rstrip("\n"))
    inner_dir = os.path.join(harness_dir, target.name)
    if os.path.isdir(inner_dir):
        for entry in os.listdir(inner_dir):
            shutil.move(os.path.join(inner_dir, entry), run.results_dir)
    runtimes, start = adopt_nested_results(run, jobs, problems)
    if end is None:
        write_results(run, args, start, time.time(), runtimes)
        return run
    status = end.returncode
    # Console warnings the inner run already pinned on subtests (dmesg-warn,
    # dmesg-fail) need no entry of their own; unattributed ones (boot, between
    # tests) get igt@runner@console.
    attributed = any(e.get("dmesg-warnings") for e in run.tests.values())
    if status == 3 and attributed:
        say("run-suite: %s: the console warnings belong to the subtests marked "
            "dmesg-warn/dmesg-fail (console: %s)" % (target.name, console))
    elif status in NESTED_HARNESS_STATUS or end.timed_out:
        reason = harness_reason(harness_dir) or NESTED_HARNESS_STATUS.get(
            status, "the nested run timed out")
        name = "igt@runner@console" if status == 3 else "igt@runner@aborted"
        text = "%s (ci/vm/run status %s); console: %s\n\n%s" % (
            reason, status, console, console_tail(console))
        run.tests[name] = make_entry("fail" if status == 3 else "abort", "", text, [],
                                     end.elapsed, None)
        if status != 3:     # the harness, not a test, failed: the target is lost
            run.aborted = True
            run.lost = "%s; see %s" % (reason.rstrip("."), log_path)
    write_results(run, args, start, time.time(), runtimes)
    return run
