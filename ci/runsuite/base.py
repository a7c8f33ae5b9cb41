# SPDX-License-Identifier: MIT
"""What every part of run-suite shares: the repository it runs from, the exit
statuses (the test binaries' and its own) and the error that ends it with a
usage status."""

import os
import sys
import threading

# This file is ci/runsuite/base.py.
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Exit codes of IGT test binaries (lib/igt_core.h) and of run-suite.
IGT_EXIT_SUCCESS = 0
IGT_EXIT_SKIP = 77
IGT_EXIT_INVALID = 79
IGT_EXIT_ABORT = 112
EXIT_OK, EXIT_FAILED, EXIT_LOST, EXIT_USAGE = 0, 1, 3, IGT_EXIT_INVALID


class UsageError(Exception):
    pass


_output_lock = threading.Lock()


def say(text):
    """Writes @text and a newline to stdout in one piece and flushes: the VM
    lane's thread and the main thread print side by side (lanes.py)."""
    with _output_lock:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
