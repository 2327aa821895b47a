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
