# SPDX-License-Identifier: MIT
"""The piglit result of a (dynamic) subtest from its result word, how its
process ended, its stderr and its kernel log (pure functions), and how
results count: passed, skipped or failed."""

from .base import IGT_EXIT_ABORT, IGT_EXIT_INVALID, IGT_EXIT_SKIP, IGT_EXIT_SUCCESS
from .process import died_by_signal

RESULT_WORDS = {            # "Subtest X: <WORD> (t)" -> piglit result
    "SUCCESS": "pass",
    "SKIP": "skip",
    "FAIL": "fail",
    "CRASH": "crash",
    "TIMEOUT": "timeout",
}
EXIT_RESULTS = {            # exit code of a test without subtests -> result
    IGT_EXIT_SUCCESS: "pass",
    IGT_EXIT_SKIP: "skip",
    IGT_EXIT_INVALID: "skip",
    IGT_EXIT_ABORT: "abort",
}
DMESG_OVERRIDES = {         # result when the kernel log has warnings
    "pass": "dmesg-warn",
    "warn": "dmesg-warn",
    "fail": "dmesg-fail",
}
RESULT_KEYS = ["crash", "pass", "dmesg-fail", "dmesg-warn", "skip", "incomplete",
               "abort", "timeout", "notrun", "fail", "warn"]
# A kernel warning is a failure here, even where the test itself passed
# (igt_runner's "dmesg-warn"): the suite exists to catch kernel bugs.
PASSED = {"pass", "warn"}
SKIPPED = {"skip"}
# Everything else (fail, crash, timeout, incomplete, dmesg-warn, dmesg-fail,
# abort, notrun) counts as failed.


def result_from_exit(end):
    """Result of a test that printed no subtest lines, from how it ended."""
    if end.timed_out:
        return "timeout"
    if died_by_signal(end.returncode):
        return "crash"
    return EXIT_RESULTS.get(end.returncode, "fail")


def ending_result(end):
    """Result of a subtest that was still running when its process ended."""
    if end.timed_out:
        return "timeout"
    if died_by_signal(end.returncode):
        return "crash"
    if end.returncode == IGT_EXIT_ABORT:
        return "abort"
    return "incomplete"


def base_result(word, end, running_at_end, started):
    if not started:
        return result_from_exit(end)
    if word is None:
        return ending_result(end) if running_at_end else "incomplete"
    if running_at_end and end.timed_out:
        return "timeout"
    if running_at_end and end.returncode == IGT_EXIT_ABORT:
        return "abort"
    return RESULT_WORDS.get(word, "incomplete")


def apply_overrides(result, stderr_noise, dmesg_warned, no_output):
    if no_output and result not in ("timeout", "crash"):
        return "incomplete"
    if result == "pass" and stderr_noise:
        result = "warn"
    if dmesg_warned:
        result = DMESG_OVERRIDES.get(result, result)
    return result


def decide_result(word, end, *, running_at_end=True, started=True,
                  stderr_noise=False, dmesg_warned=False, no_output=False):
    """The piglit result of one (dynamic) subtest or test.

    word:           RESULT word of its "Subtest X: RESULT" line, None if absent
    end:            ProcEnd of the process
    running_at_end: it is the one the process was in when it ended
    started:        the output has subtest lines at all (False: simple test,
                    or a subtest that never got to start: use the exit code)
    stderr_noise:   its stderr has lines other than the sentinel lines
    dmesg_warned:   its kernel log has warnings
    no_output:      out, err and dmesg are all empty
    """
    result = base_result(word, end, running_at_end, started)
    return apply_overrides(result, stderr_noise, dmesg_warned, no_output)
