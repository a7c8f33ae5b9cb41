# SPDX-License-Identifier: MIT
"""Targets in two lanes: the VM targets, one after another, in a thread of
their own, beside the local targets (host, vdev) in the main thread.  A VM
is one host thread (TCG, thread=single) and a local target runs one test
process at a time, so on two cores the lanes overlap the two longest kinds
of work.  Each target keeps its own results folder; a VM target's output
comes as one block when it ends (nested.py), the local lines as they
happen.  Results must not depend on the machine's load (the suite's rule),
so sharing it is also a test of that; --serial runs one target at a time."""

import threading

from .process import Interrupted, stop_running, stopping


def run_in_order(indexes, targets, run_one, runs):
    """False when a run was interrupted (the rest are not started)."""
    for i in indexes:
        if stopping.is_set():
            return False
        runs[i] = run_one(targets[i])
        if runs[i].interrupted:
            return False
    return True


def run_targets(targets, run_one, serial):
    """run_one(target) for each target, in two lanes unless @serial; the runs
    in the targets' order, less those never started (as when a signal ends
    a serial run)."""
    runs = [None] * len(targets)
    vm = [i for i, t in enumerate(targets) if t.nested]
    local = [i for i, t in enumerate(targets) if not t.nested]
    if serial or not vm or not local:
        run_in_order(range(len(targets)), targets, run_one, runs)
        return [r for r in runs if r]

    failure = []

    def vm_lane():
        try:
            run_in_order(vm, targets, run_one, runs)
        except BaseException as e:      # re-raised by the main thread
            failure.append(e)

    lane = threading.Thread(target=vm_lane, name="vm-lane")
    lane.start()
    try:
        if not run_in_order(local, targets, run_one, runs):
            stop_running()
    except BaseException:
        stop_running()
        raise
    finally:
        join(lane)
    if failure:
        raise failure[0]
    return [r for r in runs if r]


def join(lane):
    """Waits for the VM lane; a signal meanwhile stops its harness first."""
    while lane.is_alive():
        try:
            lane.join()
        except Interrupted:
            stop_running()
