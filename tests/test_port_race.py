"""A port race at an IUT's start: the harness picks a free port for an IUT Responder
and passes it as {port}; between that choice and the IUT's bind, another process (a
parallel job, an exploration beside it, another run) can take it. The IUT then fails
to start for a reason that is not its own. `run` and `explore` see that the port is
held after the IUT died and start it again on another port (at most four tries); an IUT
that fails on a free port is still an error (tests/test_hostile.py, test_sanity.py).
tests/fake_iut/port_thief.py loses the race once on purpose."""
import json
import os
import pathlib
import re
import signal
import subprocess

import pytest

from test_run import REFERENCE
from wall import scaled

ROOT = pathlib.Path(__file__).resolve().parent.parent
THIEF = ROOT / "tests/fake_iut/port_thief.py"


def thief_peer(tmp_path):
    marker = tmp_path / "raced"
    # the responder's command, whatever binary it names (the sanitizer pass names the
    # shipped one), behind the thief
    text = re.sub(r'(?m)^(responder:\n  command: ")', rf'\1/usr/bin/python3 {THIEF} {{port}} '
                  rf'{marker} ', REFERENCE, count=1)
    assert text != REFERENCE
    peer = tmp_path / "peer.yaml"
    peer.write_text(text)
    return peer, marker


def stop_holder(marker):
    """Stop the holder the thief started (by its pid, if it is still that process)."""
    pid_file = pathlib.Path(str(marker) + ".pid")
    assert pid_file.exists(), "the port was never taken: the test tested nothing"
    pid = int(pid_file.read_text())
    try:
        cmdline = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return  # gone already (a subreaper's sweep, or its 30 s)
    if b"port_thief.py" in cmdline:
        os.kill(pid, signal.SIGKILL)


def test_run_starts_the_iut_again_on_another_port(harness, tmp_path):
    peer, marker = thief_peer(tmp_path)
    js = tmp_path / "results.json"
    try:
        r = subprocess.run([str(harness), "run", "scenarios/interop/handshake.yaml", "--peer",
                            str(peer), "--role", "responder", "--no-sanity", "--json", str(js),
                            "--out", str(tmp_path / "out")],
                           cwd=ROOT, capture_output=True, text=True, timeout=scaled(60))
    finally:
        if marker.exists():
            stop_holder(marker)
    assert marker.exists()
    results = json.loads(js.read_text())["results"]
    assert [x["verdict"] for x in results] == ["pass"], r.stdout + r.stderr
    assert r.returncode == 0


def test_explore_starts_the_iut_again_on_another_port(harness, tmp_path):
    peer, marker = thief_peer(tmp_path)
    out = tmp_path / "out"
    try:
        r = subprocess.run([str(harness), "explore", "--peer", str(peer), "--role", "responder",
                            "--depth", "1", "--symbols", "m1", "--out", str(out)],
                           cwd=ROOT, capture_output=True, text=True, timeout=scaled(60))
    finally:
        if marker.exists():
            stop_holder(marker)
    assert marker.exists()
    assert r.returncode == 0, r.stdout + r.stderr
    results = json.loads((out / "results.json").read_text())["results"]
    assert results and all(x["verdict"] == "pass" for x in results), results
