# SPDX-License-Identifier: MIT
"""A target's igt_runner-style results directory: preparing it, and its
metadata, job list and results.json."""

import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from typing import Optional

from .base import UsageError
from .entries import make_entry, totals_for
from .kmsg import DMESG_WARN_LEVEL
from .targets import Target


@dataclass
class TargetRun:
    target: Target
    results_dir: str
    tests: dict = field(default_factory=dict)
    aborted: bool = False
    interrupted: bool = False
    lost: Optional[str] = None      # why the target could not run


def write_text(path, text):
    with open(path, "w") as f:
        f.write(text)


def read_text(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace")


RESULT_FILES = ("metadata.txt", "joblist.txt", "results.json", "uname.txt",
                "starttime.txt", "endtime.txt", "aborted.txt")


def prepare_results_dir(path):
    """Create path; replace an earlier run-suite result there, refuse anything else."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError("%s exists and is not a directory" % path)
    if os.path.isdir(path) and os.listdir(path):
        if not os.path.exists(os.path.join(path, "metadata.txt")):
            raise UsageError("%s exists and is not a results directory" % path)
        for entry in os.listdir(path):
            full = os.path.join(path, entry)
            if entry.isdigit() and os.path.isdir(full):
                shutil.rmtree(full)
            elif entry in RESULT_FILES:
                os.unlink(full)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        raise UsageError("cannot create %s: %s" % (path, e.strerror))


def uname_string():
    u = os.uname()
    return " ".join([u.sysname, u.nodename, u.release, u.version, u.machine])


def write_metadata(run, args, jobs):
    settings = [
        ("name", run.target.name),
        ("target", run.target.name),
        ("command_prefix", " ".join(run.target.prefix)),
        ("test_root", os.path.abspath(args.tests)),
        ("results_path", os.path.abspath(run.results_dir)),
        ("per_test_timeout", "%g" % args.timeout),
        ("multiple_mode", "0"),
        ("allow_non_root", "1"),
        ("piglit_style_dmesg", "0"),
        ("dmesg_warn_level", str(DMESG_WARN_LEVEL)),
    ]
    write_text(os.path.join(run.results_dir, "metadata.txt"),
               "".join("%s : %s\n" % kv for kv in settings))
    write_text(os.path.join(run.results_dir, "joblist.txt"),
               "".join(j.joblist_line() + "\n" for j in jobs))
    write_text(os.path.join(run.results_dir, "uname.txt"), uname_string() + "\n")


def problem_entries(problems):
    return {p.name: make_entry("fail", "", "run-suite: " + p.message.rstrip() + "\n",
                               [], 0.0, None) for p in problems}


def results_dir(args, target):
    return os.path.join(args.results, target.name)


def write_results(run, args, start, end, runtimes):
    results = {
        "__type__": "TestrunResult",
        "results_version": 10,
        "name": run.target.name,
        "uname": uname_string(),
        "cmdline": [sys.argv[0]] + list(args.argv),
        "time_elapsed": {"__type__": "TimeAttribute", "start": start, "end": end},
        "tests": run.tests,
        "totals": totals_for(run.tests),
        "runtimes": runtimes,
    }
    with open(os.path.join(run.results_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
