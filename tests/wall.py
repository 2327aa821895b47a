"""Wall-time bounds of the end-to-end tests.

EH_TIMEOUT_SCALE (a number, default 1) multiplies the time a test gives a process or
an event before it calls it hung: `make memcheck` runs every harness process under
valgrind, many times slower, and sets it. Tests whose point is a time bound of the
harness itself, which valgrind's slowness would break, are marked `timing` instead
(conftest.py) and are not run under valgrind."""
import os

SCALE = max(1.0, float(os.environ.get("EH_TIMEOUT_SCALE") or 1))


def scaled(seconds):
    """seconds, times EH_TIMEOUT_SCALE."""
    return seconds * SCALE
