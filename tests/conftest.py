import json
import os
import pathlib
import subprocess

import pytest

from wall import scaled

ROOT = pathlib.Path(__file__).resolve().parent.parent


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "timing(reason): the test checks a wall-time bound of the harness that "
        "cannot hold under valgrind's slowdown; make memcheck deselects it (-m 'not timing')")
    config.addinivalue_line(
        "markers", "plain_only(reason): the test runs with the shipped binary only; the "
        "sanitizer pass of make test (EH_FLAVOR=asan) deselects it, make e2e-full runs it "
        "under the sanitizers too")


@pytest.fixture(scope="session")
def harness():
    """Path of the edhoc-harness binary under test (EH_HARNESS, default build/), or of a
    wrapper that runs it (make memcheck: tools/valgrind-harness)."""
    path = ROOT / os.environ.get("EH_HARNESS", "build/edhoc-harness")
    assert path.is_file(), f"{path} not built; run make"
    return path


@pytest.fixture(scope="session")
def harness_binary(harness):
    """The binary itself when EH_HARNESS is a wrapper (EH_HARNESS_BIN), else EH_HARNESS."""
    binary = os.environ.get("EH_HARNESS_BIN")
    path = ROOT / binary if binary else harness
    assert path.is_file(), f"{path} not built; run make"
    return path


@pytest.fixture(scope="session")
def harness_wrapped(harness, harness_binary):
    """True when EH_HARNESS is a wrapper (make memcheck: every process under valgrind,
    whose memory use is valgrind's as much as the harness's)."""
    return harness != harness_binary


@pytest.fixture
def run(harness):
    def _run(*args, timeout=60):
        return subprocess.run([str(harness), *map(str, args)], capture_output=True, text=True,
                              timeout=scaled(timeout), cwd=ROOT)
    return _run


# Seconds each test takes, by build (tests/shard_seconds.json, measured): the shards
# are balanced by them. A test not listed (new, or under 0.05 s) counts DEFAULT_SECONDS.
# Wrong figures cost time, never a test.
DEFAULT_SECONDS = 0.05


def seconds_of(item, table={}):
    if not table:
        doc = json.loads((ROOT / "tests/shard_seconds.json").read_text())
        table.update(doc["asan" if os.environ.get("EH_FLAVOR") == "asan" else "plain"])
    return table.get(item.nodeid.removeprefix("tests/"), DEFAULT_SECONDS)


def shards(items, n):
    """Shard of each test (by node id), balanced by the time the tests take (SLOW): the
    longest first, each to the shard with the least time so far (the order of the
    items breaks ties, so every shard process computes the same split). The tests of a
    module that share a module-scoped fixture (a staged install, a generated corpus, a
    run whose reports several tests read) stay in one shard, so that the fixture is set
    up once."""
    units, group_of = [], {}
    for it in items:
        info = getattr(it, "_fixtureinfo", None)
        shared = info is not None and any(
            defs and defs[-1].scope == "module" for defs in info.name2fixturedefs.values())
        key = it.module.__name__ if shared else None
        if key is not None and key in group_of:
            unit = units[group_of[key]]
            unit[0] += seconds_of(it)
            unit[2].append(it.nodeid)
            continue
        if key is not None:
            group_of[key] = len(units)
        units.append([seconds_of(it), len(units), [it.nodeid]])
    load, out = [0.0] * n, {}
    for secs, _, ids in sorted(units, key=lambda u: (-u[0], u[1])):
        k = min(range(n), key=lambda s: (load[s], s))
        load[k] += secs
        for nodeid in ids:
            out[nodeid] = k
    return out


def pytest_collection_modifyitems(config, items):
    """EH_FLAVOR=asan (make test's sanitizer pass) deselects the tests marked
    plain_only: on a 2-core machine the sanitizer build costs about three times the CPU of the shipped one, and running
    every test in both would take make test past its 6 minutes. Each test so marked
    says which sanitizer test runs its code (Makefile, "End-to-end"); make
    e2e-full runs everything in both.

    EH_SHARD=K/N keeps the K-th of N shards (make test runs the suite in shards
    side by side: the tests mostly wait on processes and sockets; shards()).
    Without EH_SHARD every test runs."""
    if os.environ.get("EH_FLAVOR") == "asan":
        drop = [it for it in items if it.get_closest_marker("plain_only")]
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = [it for it in items if not it.get_closest_marker("plain_only")]
    shard = os.environ.get("EH_SHARD")
    if not shard:
        return
    k, n = (int(x) for x in shard.split("/"))
    assert 0 <= k < n, f"EH_SHARD={shard}: want K/N with 0 <= K < N"
    shard_of = shards(items, n)
    keep = [it for it in items if shard_of[it.nodeid] == k]
    drop = [it for it in items if shard_of[it.nodeid] != k]
    if drop:
        config.hook.pytest_deselected(items=drop)
    items[:] = keep
