# SPDX-License-Identifier: MIT
"""Running one target: each job in its own process and job directory, in
order, with the target's command prefix and environment."""

import os
import subprocess
import time

from .base import IGT_EXIT_ABORT, IGT_EXIT_SKIP, say
from .entries import job_entries, make_entry, time_attr
from .jobs import piglit_name
from .kmsg import VDEV_RUN_ID
from .nested import run_nested
from .process import Interrupted, run_process
from .protocol import FIXTURE_SKIP_NOTE, journal_lines, message_lines
from .results import (TargetRun, problem_entries, read_text, results_dir, write_metadata,
                      write_results, write_text)
from .targets import vdev_lib


def job_env(run=None, args=None):
    env = dict(os.environ)
    if run is not None and run.target.vdev:
        env["VDEV_LIB"] = vdev_lib(args.tests)
        env["VDEV_RUN_ID"] = VDEV_RUN_ID
    env["IGT_SENTINEL_ON_STDERR"] = "1"
    env["IGT_PLAIN_OUTPUT"] = "1"
    env["IGT_REPORT_FIXTURE_SKIPS"] = "1"
    env.pop("IGT_RUNNER_SOCKET_FD", None)   # we parse the text protocol
    return env


# (target, bug models, library) -> the environment vdev/run gives its command.
_VDEV_ENVS = {}


def vdev_env(run, args):
    """What the target's vdev/run prefix would export, asked once per run
    (vdev/run --print-env): starting that script costs more than most
    subtests, and a target runs thousands of them."""
    env = job_env(run, args)
    key = (run.target.name, tuple(args.vdev_bug), env["VDEV_LIB"])
    if key not in _VDEV_ENVS:
        prefix = run.target.command_prefix(vdev_bugs=args.vdev_bug)
        assert prefix[-1] == "--", prefix
        try:
            out = subprocess.run(prefix[:-1] + ["--print-env"], env=env, check=True,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 timeout=60).stdout
        except (OSError, subprocess.SubprocessError) as e:
            raise SystemExit("run-suite: %s: %s --print-env failed: %s"
                             % (run.target.name, prefix[0], e))
        _VDEV_ENVS[key] = dict(rec.split("=", 1) for rec in out.decode().split("\0") if rec)
    env.update(_VDEV_ENVS[key])
    return env


def run_job(job, index, run, args, kmsg):
    """Run one job in <results>/<index>/ and return its results entries."""
    job_dir = os.path.join(run.results_dir, str(index))
    os.makedirs(job_dir)
    binary = os.path.abspath(os.path.join(args.tests, job.binary))
    if run.target.vdev:
        cmd, env = [binary], vdev_env(run, args)
    else:
        cmd, env = run.target.command_prefix(vdev_bugs=args.vdev_bug) + [binary], job_env(run, args)
    if job.subtest:
        cmd += ["--run-subtest", job.subtest]
    out_path, err_path = os.path.join(job_dir, "out.txt"), os.path.join(job_dir, "err.txt")
    kmsg.mark()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        end = run_process(cmd, out, err, env, args.timeout)
    dmesg = kmsg.read_new()
    write_text(os.path.join(job_dir, "dmesg.txt"), dmesg)
    out_text, err_text = read_text(out_path), read_text(err_path)
    write_text(os.path.join(job_dir, "journal.txt"),
               "".join(line + "\n" for line in journal_lines(out_text, end)))
    return job_entries(job, out_text, err_text, dmesg, end), end


def job_runtime(runtimes, binary, seconds):
    key = piglit_name(binary)
    old = runtimes.get(key, {"time": time_attr(0.0)})["time"]["end"]
    runtimes[key] = {"time": time_attr(old + seconds)}


def abort_entry(job, next_job):
    text = "Aborting.\nPrevious test: %s\nNext test: %s\n\nTest exited with code %d (abort)\n" % (
        job.name, next_job.name if next_job else "nothing", IGT_EXIT_ABORT)
    return text, make_entry("fail", text, "", [], 0.0, None)


def progress_line(i, jobs, run, entries, end):
    job = jobs[i]
    main_entry = entries.get(job.name) or next(iter(entries.values()))
    extra = len(entries) - 1
    return "[%03d/%03d] %s %s: %s%s (%.3fs)" % (
        i + 1, len(jobs), run.target.name, job.name, main_entry["result"],
        " (+%d dynamic)" % extra if extra else "", end.elapsed)


def skipped_by_fixture(job, entries, end):
    """The job's skip entry when the core noted that a fixture skipped every
    subtest of its binary; None otherwise."""
    entry = entries.get(job.name)
    if (job.subtest and end.returncode == IGT_EXIT_SKIP and entry
            and entry["result"] == "skip" and FIXTURE_SKIP_NOTE.search(entry["out"])):
        return entry
    return None


def fixture_skip_entry(job, index, entry):
    """What the binary's other subtests get instead of a run of their own."""
    reason = [l for l in message_lines(entry["out"]) if not FIXTURE_SKIP_NOTE.match(l)]
    text = ("run-suite: not run: a fixture skipped every subtest of %s on this target "
            "when %s ran (job %d):\n" % (job.binary, job.name, index))
    return make_entry("skip", text + "".join(l + "\n" for l in reason), "", [], 0.0,
                      entry.get("igt-version"))


def run_jobs(run, args, jobs, kmsg):
    """Run the jobs in order; an abort (exit 112) or a signal stops the run and
    the jobs left over become notrun.  Once a binary's fixtures skipped all of
    its subtests, its other jobs get that skip without running."""
    runtimes, done, fixture_skips = {}, 0, {}
    for i, job in enumerate(jobs):
        if job.binary in fixture_skips:
            run.tests[job.name] = dict(fixture_skips[job.binary])
            done = i + 1
            continue
        try:
            entries, end = run_job(job, i, run, args, kmsg)
        except Interrupted:
            run.interrupted = True
            break
        done = i + 1
        run.tests.update(entries)
        job_runtime(runtimes, job.binary, end.elapsed)
        say(progress_line(i, jobs, run, entries, end))
        skipped = skipped_by_fixture(job, entries, end)
        if skipped:
            fixture_skips[job.binary] = fixture_skip_entry(job, i, skipped)
            others = sum(1 for j in jobs[i + 1:] if j.binary == job.binary)
            if others:
                say("run-suite: %s: igt@%s: its other %d subtests skip without running: "
                    "a fixture skipped all of them" % (run.target.name, job.binary, others))
        if end.returncode == IGT_EXIT_ABORT:
            run.aborted = True
            text, entry = abort_entry(job, jobs[i + 1] if i + 1 < len(jobs) else None)
            write_text(os.path.join(run.results_dir, "aborted.txt"), text)
            run.tests["igt@runner@aborted"] = entry
            break
    for job in jobs[done:]:
        run.tests[job.name] = make_entry("notrun", "", "", [], 0.0, None)
    return runtimes


def run_target(target, args, jobs, problems, kmsg):
    if target.nested:
        return run_nested(target, args, jobs, problems)
    run = TargetRun(target, results_dir(args, target))
    write_metadata(run, args, jobs)
    start = time.time()
    write_text(os.path.join(run.results_dir, "starttime.txt"), "%f\n" % start)
    run.tests.update(problem_entries(problems))
    runtimes = run_jobs(run, args, jobs, kmsg)
    end = time.time()
    write_text(os.path.join(run.results_dir, "endtime.txt"), "%f\n" % end)
    write_results(run, args, start, end, runtimes)
    return run
