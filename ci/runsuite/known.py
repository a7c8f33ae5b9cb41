# SPDX-License-Identifier: MIT
"""The documented kernel bugs: lists of igt@ names that must fail (known
failures) or that crash the kernel and are left out of the run (known
crashes).  A list belongs to one target (--known-failures vm=FILE: that
target's kernel has the bug) or, given as a bare FILE, to every target."""

import os
from dataclasses import dataclass, field

from .base import UsageError
from .targets import find_target


def read_known_failures(path):
    """The igt@ names of one list file (one a line, # comments)."""
    if not path:
        return set()
    try:
        with open(path) as f:
            names = [l.split("#", 1)[0].strip() for l in f]
    except OSError as e:
        raise UsageError("cannot read %s: %s" % (path, e.strerror))
    return {n for n in names if n}


def split_spec(spec):
    """(target name or None, path) of "TARGET=FILE" or "FILE"."""
    name, sep, path = spec.partition("=")
    if sep and "/" not in name:
        if not find_target(name):
            raise UsageError("unknown target %r in %r" % (name, spec))
        return name, path
    return None, spec


@dataclass
class KnownLists:
    files: list = field(default_factory=list)      # [(target or None, absolute path)]
    names: dict = field(default_factory=dict)      # target or None -> set of names

    @classmethod
    def read(cls, specs):
        lists = cls()
        for spec in specs or ():
            target, path = split_spec(spec)
            lists.files.append((target, os.path.abspath(path)))
            lists.names.setdefault(target, set()).update(read_known_failures(path))
        return lists

    def for_target(self, name):
        """The names that apply to target NAME: its own and every target's."""
        return self.names.get(None, set()) | self.names.get(name, set())

    def files_for(self, name):
        return [path for target, path in self.files if target in (None, name)]
