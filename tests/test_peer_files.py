"""Peer files (peers/*.yaml): every file loads, templates are marked, and every
capability a peer file claims is a name the scenarios use or peers/README.md lists."""
import pathlib
import re
import subprocess

import pytest
import yaml

from wall import scaled

ROOT = pathlib.Path(__file__).resolve().parent.parent
PEERS = sorted((ROOT / "peers").glob("*.yaml"))


def _load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def _scenario_needs():
    names = set()
    for path in (ROOT / "scenarios").rglob("*.yaml"):
        doc = _load(path)
        if isinstance(doc, dict):
            names.update(doc.get("needs") or [])
    return names


def _readme_capabilities():
    """Capability names in the README's capability list: `name` items, with
    `suite-0` … `suite-6` style ranges expanded."""
    text = (ROOT / "peers" / "README.md").read_text(encoding="utf-8")
    section = text.split("## Capabilities", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if not line.startswith("* "):
            continue
        head = line.split(" — ", 1)[0]
        for a, b in re.findall(r"`([a-z]+-\d+)` … `([a-z]+-\d+)`", head):
            prefix = a.rsplit("-", 1)[0]
            for n in range(int(a.rsplit("-", 1)[1]), int(b.rsplit("-", 1)[1]) + 1):
                names.add(f"{prefix}-{n}")
        names.update(re.findall(r"`([a-z0-9-]+)`", head))
    return names


def test_there_are_peer_files():
    names = {p.name for p in PEERS}
    assert {"reference.yaml", "lakers.yaml", "uoscore-uedhoc.yaml", "californium.yaml",
            "aiocoap.yaml"} <= names


@pytest.mark.parametrize("peer", PEERS, ids=lambda p: p.name)
def test_peer_file_loads(harness, peer, tmp_path):
    r = subprocess.run(
        [str(harness), "run", "--peer", str(peer), "--filter", "no-such-scenario-id",
         "--json", str(tmp_path / "r.json"), "--junit", str(tmp_path / "j.xml"),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=scaled(60), cwd=ROOT)
    assert r.returncode == 0, f"exit {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}"
    assert "0 jobs" in r.stdout


@pytest.mark.parametrize("peer", PEERS, ids=lambda p: p.name)
def test_template_flag(peer):
    doc = _load(peer)
    if peer.name == "reference.yaml":
        assert doc.get("template") is False
    else:
        assert doc.get("template") is True, f"{peer.name}: external IUTs are templates"
        text = peer.read_text(encoding="utf-8")
        assert "/path/to/" in text, f"{peer.name}: no placeholder path to edit"


def test_readme_lists_capabilities_and_keys():
    listed = _readme_capabilities()
    assert {"method-3", "suite-2", "suite-6", "cred-kid", "coap", "message-4",
            "error-messages", "oscore"} <= listed
    text = (ROOT / "peers" / "README.md").read_text(encoding="utf-8")
    for key in ("name", "version", "template", "capabilities", "initiator", "responder",
                "known_failures", "command", "address", "ready", "timeout", "per_run"):
        assert f"{key}:" in text, f"README does not show the key {key}"
    for ph in ("host", "port", "creds_dir", "method", "suite", "suites", "vector", "harness",
               "cred", "peer_cred", "transport", "cred_id", "message_4"):
        assert f"`{{{ph}}}`" in text, f"README does not document {{{ph}}}"


@pytest.mark.parametrize("peer", PEERS, ids=lambda p: p.name)
def test_capabilities_are_known(peer):
    known = _scenario_needs() | _readme_capabilities()
    listed = _readme_capabilities()
    caps = _load(peer).get("capabilities") or []
    unknown = sorted(set(caps) - known)
    assert not unknown, f"{peer.name}: capabilities neither needed by a scenario nor documented: {unknown}"
    undocumented = sorted(set(caps) - listed)
    assert not undocumented, f"{peer.name}: capabilities missing from peers/README.md: {undocumented}"


PLACEHOLDERS = {"host", "port", "creds_dir", "method", "suite", "suites", "vector", "harness",
                "cred", "peer_cred", "transport", "cred_id", "message_4", "oscore"}


@pytest.mark.parametrize("peer", PEERS, ids=lambda p: p.name)
def test_commands_use_known_placeholders(peer):
    doc = _load(peer)
    for role in ("initiator", "responder"):
        cmd = (doc.get(role) or {}).get("command")
        if cmd is None:
            continue
        names = set(re.findall(r"(?<!\{)\{([A-Za-z0-9_]*)\}(?!\})", cmd))
        assert names <= PLACEHOLDERS, f"{peer.name} {role}: unknown placeholders {names - PLACEHOLDERS}"
