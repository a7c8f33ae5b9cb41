# SPDX-License-Identifier: MIT
"""run-suite's code; ci/run-suite is its entry point (docs/results.md).

One module per part, each using only those above it:

  base      the repository, exit statuses, UsageError
  targets   the targets (TARGETS), their availability, which ones run
  known     the known-failure and known-crash lists, each for its target
  process   a test's process: own group, timeout, how it ended
  decide    the piglit result of a subtest; what counts as passed or skipped
  protocol  the IGT text protocol in a test's output
  kmsg      the kernel log: reading, parsing, which records are warnings
  jobs      the job list from test-list.txt and --list-subtests
  entries   one job's output and kernel log -> results.json entries
  results   a target's results directory and results.json
  nested    a nested target (the vm): run-suite again inside it, one boot
  run       running one target's jobs
  lanes     the VM targets in a thread beside the local ones
  summary   the summary and its closing line
  cli       the command line and main()

The package is also one flat namespace, as run-suite was when it was one
file: ci/run-suite-selftest reaches every name as rs.NAME through it.  The
modules import each other's names, so a module-level object (BENIGN_DMESG,
VDEV_RUN_ID) is the same object everywhere: change such a list in place,
never rebind it.
"""

from .base import *      # noqa: F401,F403
from .targets import *   # noqa: F401,F403
from .known import *     # noqa: F401,F403
from .process import *   # noqa: F401,F403
from .decide import *    # noqa: F401,F403
from .protocol import *  # noqa: F401,F403
from .kmsg import *      # noqa: F401,F403
from .jobs import *      # noqa: F401,F403
from .entries import *   # noqa: F401,F403
from .results import *   # noqa: F401,F403
from .nested import *    # noqa: F401,F403
from .run import *       # noqa: F401,F403
from .lanes import *     # noqa: F401,F403
from .summary import *   # noqa: F401,F403
from .cli import *       # noqa: F401,F403
