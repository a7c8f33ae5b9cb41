# SPDX-License-Identifier: MIT
"""Turning one job's output and kernel log into results.json entries (pure),
and the piglit totals of a set of entries."""

from .decide import RESULT_KEYS, decide_result
from .jobs import piglit_name
from .kmsg import classify_dmesg, dynamic_dmesg, own_records, parse_kmsg
from .protocol import (DYNAMIC_RESULT, STARTING_DYNAMIC, STARTING_SUBTEST, SUBTEST_RESULT,
                       has_stderr_noise, igt_version, lines_of, section_text, split_sections)


def time_attr(seconds):
    return {"__type__": "TimeAttribute", "start": 0.0, "end": round(seconds or 0.0, 6)}


def make_entry(result, out, err, dmesg, seconds, version):
    entry = {"out": out, "err": err,
             "dmesg": "".join(r.formatted() + "\n" for r, _ in dmesg),
             "result": result, "time": time_attr(seconds)}
    warnings = [r.formatted() + "\n" for r, w in dmesg if w]
    if warnings:
        entry["dmesg-warnings"] = "".join(warnings)
    if version:
        entry["igt-version"] = version
    return entry


def entry_for(word, end, out, err, dmesg, seconds, version, *, running_at_end, started):
    no_output = not (out.strip() or err.strip() or dmesg)
    result = decide_result(word, end, running_at_end=running_at_end, started=started,
                           stderr_noise=has_stderr_noise(err),
                           dmesg_warned=any(w for _, w in dmesg),
                           no_output=no_output)
    return make_entry(result, out, err, dmesg, seconds, version)


def dynamic_entries(parent, sub_out, sub_err, classified, end, parent_running, version):
    out_secs = split_sections(lines_of(sub_out), STARTING_DYNAMIC, DYNAMIC_RESULT)
    err_secs = split_sections(lines_of(sub_err), STARTING_DYNAMIC, DYNAMIC_RESULT)
    entries = {}
    for i, sec in enumerate(out_secs):
        running = parent_running and i == len(out_secs) - 1 and sec.word is None
        err = section_text(err_secs, sec.name, sub_err)
        entries[parent + "@" + sec.name.lower()] = entry_for(
            sec.word, end, sec.text, err, dynamic_dmesg(classified, sec.name),
            sec.time, version, running_at_end=running, started=True)
    return entries


def job_entries(job, out, err, dmesg_text, end):
    """results.json "tests" entries produced by one job."""
    version = igt_version(out)
    out_secs = split_sections(lines_of(out), STARTING_SUBTEST, SUBTEST_RESULT)
    own = {(job.binary, sec.name) for sec in out_secs} | {(job.binary, job.subtest)}
    classified = classify_dmesg(own_records(parse_kmsg(dmesg_text)), own=own)
    if not out_secs:            # simple test, or nothing ran: decide by exit code
        return {job.name: entry_for(None, end, out, err, classified, end.elapsed, version,
                                    running_at_end=True, started=False)}
    err_secs = split_sections(lines_of(err), STARTING_SUBTEST, SUBTEST_RESULT)
    entries = {}
    for i, sec in enumerate(out_secs):
        running = i == len(out_secs) - 1
        name = piglit_name(job.binary, sec.name)
        sub_err = section_text(err_secs, sec.name, err)
        seconds = end.elapsed if running and end.timed_out else sec.time
        entries[name] = entry_for(sec.word, end, sec.text, sub_err, classified, seconds,
                                  version, running_at_end=running, started=True)
        entries.update(dynamic_entries(name, sec.text, sub_err, classified, end,
                                       running, version))
    if job.subtest and job.name not in entries:
        entries[job.name] = make_entry("notrun", "", "", [], 0.0, version)
    return entries


def totals_for(tests):
    """piglit "totals": "", "root" and one group per binary."""
    def empty():
        return {k: 0 for k in RESULT_KEYS}
    totals = {"": empty(), "root": empty()}
    for name, entry in tests.items():
        group = "@".join(name.split("@")[:2])
        for key in ("", "root", group):
            totals.setdefault(key, empty())[entry["result"]] += 1
    return totals
