"""Wall-time bounds of the end-to-end tests.

EH_TIMEOUT_SCALE (a number, default 1) multiplies the time a test gives a process or
an event before it calls it hung, and the harness's own default wait bound in the runs
the tests start: `make memcheck` runs every harness process under valgrind, many times
slower, and sets it. Tests whose point is a time bound of the harness itself, which
valgrind's slowness would break, are marked `timing` instead (conftest.py) and are not
run under valgrind."""
import os

SCALE = max(1.0, float(os.environ.get("EH_TIMEOUT_SCALE") or 1))
HARNESS_TIMEOUT_MS = 2000  # the default of `run --timeout` and `matrix --timeout`


def scaled(seconds):
    """seconds, times EH_TIMEOUT_SCALE."""
    return seconds * SCALE


def timeout_args(args=()):
    """For a `run` or `matrix` whose arguments args leave --timeout at its default:
    ["--timeout", the default times EH_TIMEOUT_SCALE] when that is above 1 (under
    valgrind a reference peer just started takes longer than 2 s to send its first
    message), else []."""
    if SCALE == 1 or "--timeout" in map(str, args):
        return []
    return ["--timeout", str(int(HARNESS_TIMEOUT_MS * SCALE))]
