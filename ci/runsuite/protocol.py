# SPDX-License-Identifier: MIT
"""The IGT text protocol in a test's output (pure): its sentinel lines, the
split of the output per (dynamic) subtest, and what else the lines say."""

import re
import signal
from dataclasses import dataclass
from typing import Optional

ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")
NAME = r"([A-Za-z0-9_-]+)"
TIME = r"(?: \(([0-9.]+)s\))?"
STARTING_SUBTEST = re.compile(r"^Starting subtest: " + NAME + r"\s*$")
SUBTEST_RESULT = re.compile(r"^Subtest " + NAME + r": (\S+)" + TIME)
STARTING_DYNAMIC = re.compile(r"^Starting dynamic subtest: " + NAME + r"\s*$")
DYNAMIC_RESULT = re.compile(r"^Dynamic subtest " + NAME + r": (\S+)" + TIME)
SENTINELS = (STARTING_SUBTEST, SUBTEST_RESULT, STARTING_DYNAMIC, DYNAMIC_RESULT)

# The core's note (IGT_REPORT_FIXTURE_SKIPS) that every subtest of the binary
# was skipped by a fixture: then any other subtest skips the same way.
FIXTURE_SKIP_NOTE = re.compile(r"^IGT-Fixture-Skip: all \d+ subtests$", re.M)


@dataclass
class Section:
    name: str
    lines: list
    word: Optional[str] = None
    time: Optional[float] = None
    closed: bool = False

    @property
    def text(self):
        return "".join(self.lines)


def plain(line):
    return ANSI_RE.sub("", line).rstrip("\r\n")


def lines_of(text):
    """Lines with their newline; unlike str.splitlines() only "\n" ends a line."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def parse_seconds(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def split_sections(lines, start_re, result_re):
    """Split output lines per (dynamic) subtest, as igt_runner's text parser.

    A section runs from its start line (or, for a result line without a start
    line, from the previous marker) to its result line.  Output that is not
    inside any section goes to the section before it and to the next one.
    """
    sections, pending, current = [], [], None
    for line in lines:
        text = plain(line)
        start, result = start_re.match(text), result_re.match(text)
        if start:
            if current:
                sections.append(current)
            current, pending = Section(start[1], pending + [line]), []
        elif result:
            if current is None or current.name != result[1]:
                if current:
                    sections.append(current)
                current = Section(result[1], list(pending))
            current.lines.append(line)
            current.word = result[2]
            current.time = parse_seconds(result[3])
            current.closed = True
            sections.append(current)
            current, pending = None, []
        elif current:
            current.lines.append(line)
        else:
            pending.append(line)
            if sections and sections[-1].closed:
                sections[-1].lines.append(line)
    if current:
        sections.append(current)
    return sections


def section_text(sections, name, whole):
    """Text of the named section; the whole text if it has none (as igt_runner)."""
    for sec in sections:
        if sec.name == name:
            return sec.text
    return whole


def has_stderr_noise(err_text):
    for line in lines_of(err_text):
        text = plain(line)
        if text.strip() and not any(s.match(text) for s in SENTINELS):
            return True
    return False


def igt_version(out_text):
    for line in lines_of(out_text):
        if line.startswith("IGT-Version:"):
            return line.rstrip("\r\n")
    return None


def journal_lines(out_text, end):
    """journal.txt: each subtest seen in the output, then the exit line."""
    names = [sec.name for sec in split_sections(lines_of(out_text),
                                                STARTING_SUBTEST, SUBTEST_RESULT)]
    unique = list(dict.fromkeys(names))
    code = end.returncode if end.returncode is not None else -signal.SIGKILL
    kind = "timeout" if end.timed_out else "exit"
    return unique + ["%s:%d (%.3fs)" % (kind, code, end.elapsed)]


def message_lines(text):
    lines = [plain(l) for l in lines_of(text)]
    return [l for l in lines if l.strip() and not l.startswith("IGT-Version:")
            and not any(s.match(l) for s in SENTINELS)]
