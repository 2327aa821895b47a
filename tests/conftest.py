import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def harness():
    """Path of the edhoc-harness binary under test (EH_HARNESS, default build/)."""
    path = ROOT / os.environ.get("EH_HARNESS", "build/edhoc-harness")
    assert path.is_file(), f"{path} not built; run make"
    return path


@pytest.fixture
def run(harness):
    def _run(*args, timeout=60):
        return subprocess.run([str(harness), *map(str, args)], capture_output=True, text=True,
                              timeout=timeout, cwd=ROOT)
    return _run


def pytest_collection_modifyitems(config, items):
    """EH_SHARD=K/N keeps every N-th test from the K-th on (make test runs the
    suite in shards side by side: the tests mostly wait on processes and
    sockets). Without EH_SHARD every test runs."""
    shard = os.environ.get("EH_SHARD")
    if not shard:
        return
    k, n = (int(x) for x in shard.split("/"))
    assert 0 <= k < n, f"EH_SHARD={shard}: want K/N with 0 <= K < N"
    keep = [it for i, it in enumerate(items) if i % n == k]
    drop = [it for i, it in enumerate(items) if i % n != k]
    if drop:
        config.hook.pytest_deselected(items=drop)
    items[:] = keep
