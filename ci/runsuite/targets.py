# SPDX-License-Identifier: MIT
"""The kernel targets a run can go to (adding one is one entry in TARGETS),
whether each is available here, and which of them a run uses."""

import os
import shutil
import subprocess
from dataclasses import dataclass, replace
from typing import Callable

from .base import EXIT_OK, REPO_ROOT


@dataclass(frozen=True)
class Target:
    name: str
    description: str
    # (tests_dir or None) -> (available, reason)
    check: Callable[[], "tuple[bool, str]"]
    # Words put in front of every test command.  "{root}" is the repository;
    # for a nested target also "{results}" (its results directory),
    # "{console}" (where to keep its console log) and "{timeout}" (seconds
    # for the whole nested run).
    prefix: tuple = ()
    # A nested target runs run-suite's "host" target once, inside the
    # prefix (a VM), instead of wrapping every test: one boot per run.
    nested: bool = False
    # A vdev target: its commands get the build's libvdev.so (VDEV_LIB) and
    # the --vdev-bug models.
    vdev: bool = False
    # Kernel messages that say nothing about the code under test on this
    # target (regexes): never a dmesg-warn there.
    benign_dmesg: tuple = ()

    def command_prefix(self, vdev_bugs=(), **values):
        words = []
        for word in self.prefix:
            if word == VDEV_BUGS_WORD:
                for bug in vdev_bugs:
                    words += ["--bug", bug]
            else:
                words.append(word.format(root=REPO_ROOT, **values))
        return words


def always_available(tests_dir=None):
    return True, "always available"


def needs_files(*relpaths):
    """Availability check: every path (relative to the repository) exists."""
    def check(tests_dir=None):
        missing = [p for p in relpaths if not os.path.exists(os.path.join(REPO_ROOT, p))]
        if missing:
            return False, "missing " + ", ".join(missing)
        return True, "found " + ", ".join(relpaths)
    return check


def needs_qemu_and(*relpaths):
    files = needs_files(*relpaths)

    def check(tests_dir=None):
        if not shutil.which("qemu-system-x86_64"):
            return False, "qemu-system-x86_64 not installed"
        return files()
    return check


def ask_cache(script, release):
    """Runs ci/vm/SCRIPT --release RELEASE --cached-only: (True, its stdout)
    when the cache has it, else (False, the script's last line of reason,
    without its "SCRIPT: " prefix)."""
    try:
        p = subprocess.run([os.path.join(REPO_ROOT, "ci", "vm", script),
                            "--release", release, "--cached-only"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, "ci/vm/%s --cached-only failed: %s" % (script, e)
    if p.returncode == 0:
        return True, p.stdout
    prefix = script + ": "
    lines = [l[len(prefix):] if l.startswith(prefix) else l
             for l in p.stderr.splitlines() if l.strip()]
    return False, lines[-1] if lines else "%s --cached-only exited %d" % (script, p.returncode)


def needs_vm_kernel(release):
    """Availability check of a VM target: QEMU, the harness, and the
    release's kernel in the cache (ci/vm/run never builds one: ci/suite and
    ci/test do that first).  The reason is build-kernel's own line."""
    files = needs_qemu_and("ci/vm/run", "ci/vm/build-kernel")

    def check(tests_dir=None):
        ok, reason = files()
        if not ok:
            return ok, reason
        ok, out = ask_cache("build-kernel", release)
        if not ok:
            return False, out
        return True, "kernel %s cached" % os.path.basename(os.path.dirname(out.strip()))
    return check


# The one-time KERN_WARNING line of the first out-of-tree module loaded
# (ci/vm/run --modules): a fact about where the module was built, not a
# kernel problem.
OUT_OF_TREE_TAINT = (r"loading out-of-tree module taints kernel\.$",)


def needs_kmod(release, kernel_check):
    """The release's kernel, and the suite's modules built against it
    (ci/vm/build-kmod --cached-only: ci/suite and ci/test build them)."""
    def check(tests_dir=None):
        ok, reason = kernel_check(tests_dir)
        if not ok:
            return ok, reason
        ok, out = ask_cache("build-kmod", release)
        return (True, reason + ", the suite's modules built") if ok else (False, out)
    return check


def vm_target(name, release, description, suite_modules=False):
    """A kernel release in QEMU (ci/vm): the whole run nested in one boot;
    with @suite_modules the release's modules and ours (kmod/) are loaded
    before the run and unloaded after it."""
    check = needs_vm_kernel(release)
    extra = ()
    if suite_modules:
        check = needs_kmod(release, check)
        extra = ("--suite-modules",)
    return Target(name, "Linux %s in QEMU %s (ci/vm)" % (release, description), check,
                  ("{root}/ci/vm/run", "--release", release) + extra +
                  ("--results", "{results}", "--console-log", "{console}", "--timeout", "{timeout}",
                   "--append", "hugepages=16", "--"),
                  nested=True, benign_dmesg=GUEST_CLOCK_NOISE + OUT_OF_TREE_TAINT)


# In a vdev target's prefix: replaced by "--bug MODEL" for each --vdev-bug.
VDEV_BUGS_WORD = "{vdev_bugs}"


def vdev_lib(tests_dir):
    """The libvdev.so of the build whose tests run (build/ or build-asan/)."""
    return os.path.abspath(os.path.join(tests_dir, "..", "vdev", "libvdev.so"))


def needs_vdev():
    def check(tests_dir=None):
        if not os.access(os.path.join(REPO_ROOT, "vdev", "run"), os.X_OK):
            return False, "missing vdev/run"
        lib = vdev_lib(tests_dir or os.path.join(REPO_ROOT, "build", "tests"))
        if not os.path.exists(lib):
            return False, "missing %s (build the suite first)" % lib
        return True, "found vdev/run and %s" % lib
    return check


def vdev_target(preset, description, device="xe"):
    return Target("vdev-" + preset, "virtual %s device (vdev): %s" % (device, description),
                  needs_vdev(),
                  ("{root}/vdev/run", "--preset", preset, VDEV_BUGS_WORD, "--"), vdev=True)


# What a guest kernel under software emulation (TCG) says about its own
# clocks when the host is busy: its timer interrupts run late and its TSC
# watchdog sees long read-backs.  These are facts about QEMU's emulated
# clocks, at warning level, and never about the SVM code under test.
GUEST_CLOCK_NOISE = (
    r"hrtimer: interrupt took \d+ ns",
    r"clocksource: timekeeping watchdog on CPU\d+: ",
    r"clocksource: +'\w+' (cs|wd)_(nsec|now|last)",
    r"TSC found unstable after boot",
    r"tsc: Marking TSC unstable",
    r"clocksource: Checking clocksource \w+ synchronization",
    r"clocksource: Long readout interval, skipping watchdog check",
)

# Adding a target is one entry here.
TARGETS = [
    Target("host", "the real kernel and devices of this machine", always_available),
    vm_target("vm", "6.12", "with the kernel's test_hmm devices"),
    vm_target("vm-7.3", "7.3", "with the kernel's test_hmm devices and the virtual SVM GPU (kmod/vgpu)",
              suite_modules=True),
    vdev_target("xe-lnl", "integrated, main + media GT, no VRAM, faults"),
    vdev_target("xe-bmg", "one tile, main + media GT, VRAM, 4K pages"),
    vdev_target("xe-pvc", "two tiles, VRAM per tile, needs 64K, 57-bit VA"),
    vdev_target("xe-dg2", "VRAM, needs 64K, no page faults"),
    vdev_target("kfd-gfx1100", "one dGPU, gfx 11.0.0, XNACK off only, VRAM", "amdkfd"),
    vdev_target("kfd-mi300", "one GPU, gfx 9.4.2, XNACK switchable, VRAM", "amdkfd"),
    vdev_target("kfd-2gpu", "two gfx 9.0.10 GPUs, XNACK switchable, VRAM", "amdkfd"),
    vdev_target("kfd-apu", "one APU, gfx 9.4.2, XNACK switchable, no VRAM", "amdkfd"),
    vdev_target("kfd-64k", "one gfx 9.0.10 dGPU on a 64K-page kernel, XNACK switchable, VRAM",
                "amdkfd"),
    vdev_target("kfd-64k-4gpu", "four gfx 9.0.10 dGPUs on a 64K-page kernel, XNACK switchable, VRAM",
                "amdkfd"),
    vdev_target("amdgpu-svm-v1", "RFC v1 at 0x1a, XNACK off, one gfx 11.0.0 dGPU",
                "amdkfd + amdgpu SVM"),
    vdev_target("amdgpu-svm-v8", "PATCH v8 at 0x1b, XNACK on, two gfx 9.4.2 GPUs",
                "amdkfd + amdgpu SVM"),
    vdev_target("amdgpu-svm-off", "the v8 kernel, SVM not enabled (EOPNOTSUPP)",
                "amdkfd + amdgpu SVM"),
]


def find_target(name):
    return next((t for t in TARGETS if t.name == name), None)


def list_targets(tests_dir=None):
    for t in TARGETS:
        ok, reason = t.check(tests_dir)
        print("%-17s %-11s %s (%s)" % (t.name, "available" if ok else "unavailable",
                                       t.description, reason))
    return EXIT_OK


def select_targets(names, as_target=None, tests_dir=None):
    """(targets to run, [(target, reason)] skipped); explicit names must be available.
    --as-target NAME (used inside a nested target) runs the host target under NAME."""
    if as_target:
        host = find_target("host")
        outer = [t for t in TARGETS if t.name == as_target]
        benign = outer[0].benign_dmesg if outer else ()
        return [replace(host, name=as_target, description=host.description,
                        benign_dmesg=benign)], []
    chosen = [find_target(n) for n in dict.fromkeys(names)] or TARGETS
    available, skipped = [], []
    for t in chosen:
        ok, reason = t.check(tests_dir)
        if ok:
            available.append(t)
        else:
            skipped.append((t, reason))
    return available, skipped
