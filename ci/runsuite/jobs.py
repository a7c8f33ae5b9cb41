# SPDX-License-Identifier: MIT
"""The job list: the binaries of test-list.txt, their subtests as each lists
them, one job per subtest, less what --include/--exclude leave out."""

import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import Optional

from .base import IGT_EXIT_INVALID, UsageError
from .process import run_process

LIST_TIMEOUT_S = 30.0        # --list-subtests needs no device; it must be quick


@dataclass(frozen=True)
class Job:
    binary: str
    subtest: Optional[str] = None

    @property
    def name(self):
        return piglit_name(self.binary, self.subtest)

    def joblist_line(self):
        return self.binary + (" " + self.subtest if self.subtest else "")


def piglit_name(*parts):
    return "igt@" + "@".join(p.lower() for p in parts if p)


def read_test_list(test_dir):
    path = os.path.join(test_dir, "test-list.txt")
    try:
        with open(path) as f:
            words = f.read().split()
    except OSError as e:
        raise UsageError("cannot open %s: %s" % (path, e.strerror))
    return list(dict.fromkeys(w for w in words if w not in ("TESTLIST", "END")))


@dataclass
class Filters:
    include: list = field(default_factory=list)
    exclude: list = field(default_factory=list)

    @classmethod
    def compile(cls, include, exclude):
        try:
            return cls([re.compile(r) for r in include], [re.compile(r) for r in exclude])
        except re.error as e:
            raise UsageError("bad regex: %s" % e)

    def wanted(self, name):
        if self.include and not any(r.search(name) for r in self.include):
            return False
        return not any(r.search(name) for r in self.exclude)


@dataclass(frozen=True)
class ListingProblem:
    binary: str
    message: str

    @property
    def name(self):
        return piglit_name(self.binary)


def list_subtests(path):
    """(subtests or None for a test without subtests, problem message or None)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        end = run_process([path, "--list-subtests"], out, err, dict(os.environ), LIST_TIMEOUT_S)
        out.seek(0)
        err.seek(0)
        names = out.read().decode("utf-8", "replace").split()
        err_text = err.read().decode("utf-8", "replace")
    if end.timed_out:
        return [], "--list-subtests timed out after %.0fs" % LIST_TIMEOUT_S
    if end.returncode == IGT_EXIT_INVALID:
        return None, None
    if end.returncode != 0:
        return [], "--list-subtests exited %s\n%s" % (end.returncode, err_text)
    return list(dict.fromkeys(names)), None


def build_jobs(test_dir, binaries, filters):
    jobs, problems = [], []
    for binary in binaries:
        subtests, problem = list_subtests(os.path.join(test_dir, binary))
        if problem:
            print("run-suite: warning: %s: %s" % (binary, problem.splitlines()[0]))
            problems.append(ListingProblem(binary, problem))
        elif subtests is None:
            jobs.append(Job(binary))
        else:
            jobs.extend(Job(binary, s) for s in subtests)
    jobs = [j for j in jobs if filters.wanted(j.name)]
    problems = [p for p in problems if filters.wanted(p.name)]
    return jobs, problems
