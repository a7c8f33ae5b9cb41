#!/usr/bin/env python3
"""Write the test-list.txt that igt_runner requires in its test root."""
import sys

out, names = sys.argv[1], sys.argv[2:]
with open(out, "w") as f:
    f.write("TESTLIST\n")
    f.write(" ".join(names) + "\n")
    f.write("END TESTLIST\n")
