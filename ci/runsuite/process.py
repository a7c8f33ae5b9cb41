# SPDX-License-Identifier: MIT
"""Running a test (or a harness) in its own process group, with a timeout
that always ends it, and how a process ended."""

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Optional

KILL_GRACE_S = 2.0           # SIGTERM -> SIGKILL
REAP_TIMEOUT_S = 10.0        # after SIGKILL; a task stuck in D state is abandoned


@dataclass(frozen=True)
class ProcEnd:
    """How a test process ended."""
    returncode: Optional[int]   # Popen style: -N = killed by signal N
    timed_out: bool = False
    elapsed: float = 0.0


def died_by_signal(returncode):
    """Death by signal, also as a shell or wrapper reports it (128 + N)."""
    if returncode is None:
        return False
    return returncode < 0 or 128 < returncode < 128 + signal.NSIG


class Interrupted(Exception):
    pass


# A signal interrupts the main thread only; the VM lane's thread (lanes.py)
# learns of it from `stopping`, and its running harness is stopped through
# the registry of process groups run_process keeps.
stopping = threading.Event()
_running = set()
_running_lock = threading.Lock()


def stop_running():
    """Sets `stopping` and sends SIGTERM to every group run_process is
    waiting for (a harness then stops what it started, QEMU)."""
    stopping.set()
    with _running_lock:
        groups = list(_running)
    for pgid in groups:
        kill_group(pgid, signal.SIGTERM)


def _raise_interrupted(signum, _frame):
    raise Interrupted("signal %d" % signum)


def stop_on_signals():
    """SIGTERM, SIGINT and SIGHUP raise Interrupted, so whatever is running
    is stopped (run_process) and the run ends with what it has."""
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _raise_interrupted)


def kill_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def wait_or_none(proc, seconds):
    try:
        return proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return None


def run_process(cmd, stdout, stderr, env, timeout):
    """Run cmd in its own process group with output to files; never hangs.

    On timeout the group gets SIGTERM, then SIGKILL after KILL_GRACE_S.
    Leftover processes of the group are killed once the leader has exited.
    """
    start = time.monotonic()
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=stdout,
                                stderr=stderr, env=env, process_group=0)
    except OSError as e:
        stderr.write(("run-suite: cannot execute %s: %s\n" % (cmd[0], e)).encode())
        return ProcEnd(127, False, time.monotonic() - start)
    timed_out = False
    with _running_lock:
        _running.add(proc.pid)
    try:
        code = wait_or_none(proc, timeout)
        if code is None:
            timed_out = True
            kill_group(proc.pid, signal.SIGTERM)
            code = wait_or_none(proc, KILL_GRACE_S)
        if code is None:
            kill_group(proc.pid, signal.SIGKILL)
            code = wait_or_none(proc, REAP_TIMEOUT_S)
    except BaseException:
        # Interrupted: SIGTERM first, so a harness (ci/vm/run) can stop what
        # it started outside this group (QEMU) before SIGKILL.
        kill_group(proc.pid, signal.SIGTERM)
        if wait_or_none(proc, KILL_GRACE_S * 4) is None:
            kill_group(proc.pid, signal.SIGKILL)
            wait_or_none(proc, REAP_TIMEOUT_S)
        raise
    finally:
        with _running_lock:
            _running.discard(proc.pid)
        kill_group(proc.pid, signal.SIGKILL)
    return ProcEnd(code, timed_out, time.monotonic() - start)
