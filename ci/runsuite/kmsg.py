# SPDX-License-Identifier: MIT
"""The kernel log: reading /dev/kmsg without blocking, parsing its records,
and which of them are warnings that count against the run's tests."""

import os
import re
from dataclasses import dataclass
from typing import Optional

from .protocol import lines_of

DMESG_WARN_LEVEL = 4         # KERN_WARNING, igt_runner's default
KMSG_PATH_ENV = "RUN_SUITE_KMSG"   # test hook: read this file instead of /dev/kmsg

KMSG_RECORD = re.compile(r"^(\d+),(\d+),(\d+),([^;,]*)[^;]*;(.*)$")
KMSG_SUBTEST_START = ": starting subtest "
KMSG_DYNAMIC_START = ": starting dynamic subtest "
KMSG_IGNORE_REGEX = "[IGT] add ignored dmesg regex: "


@dataclass(frozen=True)
class KmsgRecord:
    raw: str                    # the record as read, with its dict lines
    level: Optional[int]
    usec: int
    flags: str
    msg: str
    facility: int = 0           # 0: the kernel's own; user-space writes to /dev/kmsg are >= 1

    def formatted(self):
        if self.level is None:
            return self.msg
        return "<%d> [%d.%06d] %s" % (self.level, self.usec // 1000000,
                                      self.usec % 1000000, self.msg)


def parse_kmsg(text):
    """Parse raw /dev/kmsg records "prio,seq,usec,flags;msg" (+ " KEY=val" lines)."""
    records = []
    for line in lines_of(text):
        if line.startswith(" ") and records:
            last = records[-1]
            records[-1] = KmsgRecord(last.raw + line, last.level, last.usec, last.flags, last.msg,
                                     last.facility)
            continue
        m = KMSG_RECORD.match(line.rstrip("\n"))
        if m:
            records.append(KmsgRecord(line, int(m[1]) & 7, int(m[3]), m[4], m[5], int(m[1]) >> 3))
        elif line.strip():
            records.append(KmsgRecord(line, None, 0, "", line.rstrip("\n")))
    return records


# The running target's benign_dmesg, compiled (set in main: a run-suite
# process that classifies kernel messages runs one nested target inside it).
BENIGN_DMESG = []


# vdev's kernel-log lines name their run ("[drm] vdev[RUN]: ", vdev/kmsg.c).
# /dev/kmsg is one log for the machine: a line of another vdev run (say one
# with a bug model, going on beside this one) is not this run's.
VDEV_RUN_ID = "run-suite-%d" % os.getpid()
VDEV_RUN_TAG = re.compile(r"\] vdev\[([^\]]*)\]: ")
# A vdev line stands for the xe driver's own message (vdev/kmsg.c).
VDEV_LINE = re.compile(r"\] vdev(\[[^\]]*\])?: ")


def from_kernel(rec):
    """A kernel message, or vdev's stand-in for one.  Whatever else user space
    writes to /dev/kmsg (an IGT binary's "[IGT] ..." markers, its abort line,
    systemd) is not the kernel's word and never makes a dmesg-warn: on a busy
    machine it is as likely another program's as this job's."""
    return rec.facility == 0 or VDEV_LINE.search(rec.msg) is not None


def own_records(records, run_id=VDEV_RUN_ID):
    """The records that are not another vdev run's."""
    def ours(rec):
        tag = VDEV_RUN_TAG.search(rec.msg)
        return tag is None or tag[1] == run_id
    return [r for r in records if ours(r)]


def starts_own_subtest(msg, own):
    """Whether @msg is a "[IGT] BIN: starting subtest NAME" marker of the job
    (@own: the (binary, subtest) pairs it ran; None: any marker counts)."""
    at = msg.find(KMSG_SUBTEST_START)
    if at < 0:
        return False
    if own is None:
        return True
    binary = msg[:at].rsplit("[IGT] ", 1)[-1]
    return (binary, msg[at + len(KMSG_SUBTEST_START):].strip()) in own


def classify_dmesg(records, warn_level=DMESG_WARN_LEVEL, own=None):
    """[(record, is_warning)] honouring "[IGT] add ignored dmesg regex:" markers,
    which hold until the job's next subtest start, and the target's
    BENIGN_DMESG.  /dev/kmsg is the machine's: a start marker of another
    program's subtest (a run beside this one) ends nothing here."""
    ignored, out = [], []
    for rec in records:
        if starts_own_subtest(rec.msg, own):
            ignored = []
        marker = rec.msg.find(KMSG_IGNORE_REGEX)
        if marker >= 0:
            try:
                ignored.append(re.compile(rec.msg[marker + len(KMSG_IGNORE_REGEX):]))
            except re.error:
                pass
        warning = (rec.level is not None and rec.level <= warn_level
                   and "c" not in rec.flags and from_kernel(rec)
                   and not any(r.search(rec.msg) for r in ignored)
                   and not any(r.search(rec.msg) for r in BENIGN_DMESG))
        out.append((rec, warning))
    return out


def dynamic_dmesg(classified, dyn_name):
    """The part of the job's kernel log after "starting dynamic subtest <dyn_name>"
    up to the next subtest start; empty if the marker is absent."""
    part, inside = [], False
    for rec, warning in classified:
        if KMSG_DYNAMIC_START in rec.msg:
            inside = rec.msg.split(KMSG_DYNAMIC_START, 1)[1].strip() == dyn_name
        elif KMSG_SUBTEST_START in rec.msg:
            inside = False
        if inside:
            part.append((rec, warning))
    return part


class Kmsg:
    """Non-blocking reader of the kernel log; empty when it is not readable."""

    def __init__(self, path=None):
        self.path = path or os.environ.get(KMSG_PATH_ENV) or "/dev/kmsg"
        self.error = None
        try:
            self.fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as e:
            self.fd, self.error = None, "%s: %s" % (self.path, e.strerror)

    def mark(self):
        """Skip everything logged so far.  The kernel's idea of the end of the
        log may lag behind the last record, so drain what is left too."""
        if self.fd is not None:
            os.lseek(self.fd, 0, os.SEEK_END)
            self.read_new()

    def read_new(self, max_reads=100000):
        if self.fd is None:
            return ""
        chunks = []
        for _ in range(max_reads):
            try:
                data = os.read(self.fd, 16384)
            except BlockingIOError:
                break
            except BrokenPipeError:     # records overwritten while we read
                continue
            except OSError as e:
                self.error = "%s: %s" % (self.path, e.strerror)
                break
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks).decode("utf-8", "replace")
