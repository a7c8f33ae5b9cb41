# SPDX-License-Identifier: MIT
"""The summary at the end: a table per target, what did not pass and why,
documented kernel bugs set apart, and the closing line with its counts."""

from dataclasses import dataclass, field

from .decide import PASSED, SKIPPED
from .entries import totals_for
from .known import KnownLists
from .protocol import message_lines

SUMMARY_ERR_LINES = 4
SUMMARY_COLUMNS = ["pass", "fail", "skip", "warn", "crash", "timeout", "incomplete",
                   "dmesg-warn", "dmesg-fail", "abort", "notrun"]


def has_reason(entry):
    return bool(message_lines(entry["out"]) or message_lines(entry["err"]))


@dataclass
class Verdict:
    """How a run's tests count, with documented kernel bugs set apart."""
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    known: list = field(default_factory=list)           # failed, as documented
    fixed: list = field(default_factory=list)           # documented to fail, passed
    silent_skips: list = field(default_factory=list)    # skipped without saying why
    notrun: int = 0         # of a target that could not run: its loss is the failure


def judge(tests, known=frozenset(), require_skip_reason=False, lost=False):
    v = Verdict()
    for name, entry in tests.items():
        result = entry["result"]
        if lost and (result == "notrun" or name.startswith("igt@runner@")):
            v.notrun += 1
        elif name in known:
            if result in PASSED:
                v.fixed.append(name)
                v.failed += 1
            elif result in SKIPPED:
                v.skipped += 1
            else:
                v.known.append(name)
        elif result in PASSED:
            v.passed += 1
        elif result in SKIPPED:
            v.skipped += 1
            if require_skip_reason and not has_reason(entry):
                v.silent_skips.append(name)
                v.failed += 1
        else:
            v.failed += 1
    return v


def count_outcomes(tests):
    v = judge(tests)
    return v.passed, v.failed, v.skipped


def table_lines(totals):
    groups = sorted(k for k in totals if k not in ("", "root"))
    labels = {g: g[len("igt@"):] for g in groups}
    labels[""] = "total"
    width = max(len(label) for label in list(labels.values()) + ["binary"]) + 2
    head = "binary".ljust(width) + " ".join(c.rjust(len(c)) for c in SUMMARY_COLUMNS)
    rows = [head]
    for g in groups + [""]:
        rows.append(labels[g].ljust(width) + " ".join(
            str(totals[g][c]).rjust(len(c)) for c in SUMMARY_COLUMNS))
    return rows


def explanation(entry):
    """The first lines of stderr and kernel warnings, else the end of stdout."""
    if not (entry["out"] or entry["err"]):
        return []
    lines = message_lines(entry["err"]) + entry.get("dmesg-warnings", "").splitlines()
    if lines:
        return lines[:SUMMARY_ERR_LINES]
    tail = message_lines(entry["out"])[-SUMMARY_ERR_LINES:]
    return ["(no stderr%s)" % ("; end of stdout:" if tail else "")] + tail


def problem_lines(tests, known=frozenset()):
    lines = []
    for name in sorted(tests):
        entry = tests[name]
        if entry["result"] in ("pass", "skip"):
            continue
        lines.append("  %s: %s%s" % (name, entry["result"],
                                     " (known kernel bug)" if name in known else ""))
        lines += ["      | " + l for l in explanation(entry)]
    return lines


def verdict_lines(v):
    lines = []
    if v.known:
        lines.append(" %d known failure(s), documented kernel bugs: %s" % (
            len(v.known), ", ".join(sorted(v.known))))
    if v.fixed:
        lines.append(" listed as known failures but passed (fixed? update the list): " +
                     ", ".join(sorted(v.fixed)))
    if v.silent_skips:
        lines.append(" skipped without a stated reason: " + ", ".join(sorted(v.silent_skips)))
    return lines


def lost_part(lost):
    """The closing line's note on targets that could not run."""
    if not lost:
        return ""
    return "; %d target%s could not run: %s" % (
        len(lost), "" if len(lost) == 1 else "s",
        ", ".join("%s (%s)" % (name, reason) for name, reason in lost))


def print_summary(runs, skipped_targets, kmsg, known_lists=None, require_skip_reason=False,
                  unavailable=()):
    """Prints the summary; returns (failed count, [(target, reason)] lost).
    known_lists (KnownLists): each target's documented kernel bugs."""
    known_lists = known_lists or KnownLists()
    print()
    for target, reason in skipped_targets:
        print("target %s skipped: %s" % (target.name, reason))
    lost = [(t.name, "unavailable: " + reason) for t, reason in unavailable]
    for name, reason in lost:
        print("== target %s: COULD NOT RUN: %s" % (name, reason))
    verdicts = []
    for run in runs:
        if run.interrupted and not run.lost:
            run.lost = "interrupted by a signal"
        if run.lost:
            lost.append((run.target.name, run.lost))
        state = (" (COULD NOT RUN: %s)" % run.lost if run.lost else
                 " (aborted)" if run.aborted else "")
        print("== target %s: %d results in %s%s" % (run.target.name, len(run.tests),
                                                    run.results_dir, state))
        for line in table_lines(totals_for(run.tests)):
            print("  " + line)
        known = known_lists.for_target(run.target.name)
        problems = problem_lines(run.tests, known)
        if problems:
            print(" not passed/skipped:")
            print("\n".join(problems))
        verdicts.append(judge(run.tests, known, require_skip_reason, bool(run.lost)))
        if verdicts[-1].notrun:
            print(" %d not run, not counted as failed: the target could not run"
                  % verdicts[-1].notrun)
        for line in verdict_lines(verdicts[-1]):
            print(line)
    if kmsg.error:
        print("note: kernel log not readable (%s): dmesg.txt files are empty "
              "and kernel warnings were not checked" % kmsg.error)
    passed, failed, skipped = (sum(getattr(v, k) for v in verdicts)
                               for k in ("passed", "failed", "skipped"))
    known_count = sum(len(v.known) for v in verdicts)
    if known_count:
        print("run-suite: %d known failure(s) not counted below" % known_count)
    print("run-suite: %d passed, %d failed, %d skipped%s" % (passed, failed, skipped,
                                                             lost_part(lost)))
    return failed, lost
