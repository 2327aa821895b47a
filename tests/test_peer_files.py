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


def _run(harness, *args):
    return subprocess.run([str(harness), *map(str, args)], capture_output=True, text=True,
                          timeout=scaled(60), cwd=ROOT)


@pytest.mark.parametrize("peer", PEERS, ids=lambda p: p.name)
def test_peer_file_loads(harness, peer, tmp_path):
    allow = ["--allow-template"] if _load(peer).get("template") else []
    r = _run(harness, "run", "--peer", peer, "--filter", "no-such-scenario-id", *allow,
             "--allow-empty", "--json", tmp_path / "r.json", "--junit", tmp_path / "j.xml",
             "--out", tmp_path / "out")
    assert r.returncode == 0, f"exit {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}"
    assert "0 jobs" in r.stdout


TEMPLATES = [p for p in PEERS if p.name not in ("reference.yaml", "serve.yaml")]


@pytest.mark.parametrize("peer", TEMPLATES, ids=lambda p: p.name)
def test_a_template_is_refused_without_allow_template(harness, peer, tmp_path):
    """run, matrix and explore refuse a peer file marked template: true (its
    /path/to/ commands would only exit 127, which reads as "not implemented",
    and the run would look clean): a usage error, one line naming the file,
    what to edit and --allow-template; nothing runs."""
    out = tmp_path / "out"
    commands = {
        "run": ["run", "--peer", peer, "--out", out, "--json", tmp_path / "r.json",
                "--junit", tmp_path / "j.xml"],
        "matrix": ["matrix", "--peers", ROOT / "peers/reference.yaml", peer, "--out", out],
        "explore": ["explore", "--peer", peer, "--role",
                    "responder" if "responder:" in peer.read_text() else "initiator",
                    "--out", out],
    }
    for name, args in commands.items():
        r = _run(harness, *args)
        assert r.returncode == 2, (name, r.stdout, r.stderr)
        assert r.stderr.count("\n") == 1, (name, r.stderr)
        assert r.stderr.startswith(f"{name}: {peer} is a template (template: true): edit its "
                                   "local paths (/path/to/...) and set template: false, or pass "
                                   "--allow-template to run it as it is"), (name, r.stderr)
        assert "jobs" not in r.stdout and not (tmp_path / "r.json").exists(), name


def test_allow_template_runs_a_template_as_it_is(harness, tmp_path):
    """With --allow-template the template runs: its unedited command cannot
    start the IUT (sed finds no /path/to/... file, exit 2), which the job
    reports as an error instead of the file being refused."""
    peer = ROOT / "peers/aiocoap.yaml"
    r = _run(harness, "run", "--peer", peer, "--allow-template", "--filter", "interop/m3-s2-kid",
             "--role", "responder", "--out", tmp_path / "out", "--json", tmp_path / "r.json",
             "--junit", tmp_path / "j.xml")
    # the sanity conversation finds it out first: exit 3, a set-up error
    assert r.returncode == 3 and "is a template" not in r.stderr, r.stdout + r.stderr
    assert "sanity: IUT responder in profile m3-s2-kid: the IUT did not start" in r.stdout
    assert "the IUT exited with code 2 before it was ready" in r.stdout, r.stdout
    stderr = (tmp_path / "out/iut-responder/sanity_handshake@m3-s2-kid.iut.stderr").read_text()
    assert "/path/to/aiocoap-edhoc/server.cred.diag.in" in stderr, stderr


@pytest.mark.parametrize("peer", PEERS, ids=lambda p: p.name)
def test_template_flag(peer):
    doc = _load(peer)
    if peer.name in ("reference.yaml", "serve.yaml"):  # ours: no local paths to edit
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
                "known_failures", "command", "address", "ready", "timeout", "per_run",
                "edhoc_path"):
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
                "cred", "peer_cred", "transport", "cred_id", "message_4", "framing", "flow", "oscore",
                "c_i", "c_r", "ead_1", "ead_2", "ead_3", "ead_4", "edhoc_path"}


@pytest.mark.parametrize("peer", PEERS, ids=lambda p: p.name)
def test_commands_use_known_placeholders(peer):
    doc = _load(peer)
    for role in ("initiator", "responder"):
        cmd = (doc.get(role) or {}).get("command")
        if cmd is None:
            continue
        names = set(re.findall(r"(?<!\{)\{([A-Za-z0-9_]*)\}(?!\})", cmd))
        assert names <= PLACEHOLDERS, f"{peer.name} {role}: unknown placeholders {names - PLACEHOLDERS}"


def test_udp_relay_forwards_both_ways():
    """tools/udp_relay.py (for an IUT with a port fixed at build time, peers/uoscore-uedhoc.yaml):
    a datagram from a client reaches the target from the relay, the target's answer reaches
    the client, and a second client's datagram makes it the one answered."""
    import socket
    target = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    target.bind(("127.0.0.1", 0))
    target.settimeout(10)
    relay = subprocess.Popen(["/usr/bin/python3", str(ROOT / "tools/udp_relay.py"), "0",
                              str(target.getsockname()[1])], stdout=subprocess.PIPE, text=True)
    try:
        import select
        assert select.select([relay.stdout], [], [], 10)[0], "the relay printed nothing in 10 s"
        line = relay.stdout.readline()
        port = int(re.match(r"relay listening on (\d+)$", line.strip()).group(1))
        for n in range(2):
            client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            client.settimeout(10)
            client.sendto(b"request %d" % n, ("127.0.0.1", port))
            data, src = target.recvfrom(100)
            assert data == b"request %d" % n and src == ("127.0.0.1", port)
            target.sendto(b"answer %d" % n, src)
            assert client.recvfrom(100) == (b"answer %d" % n, ("127.0.0.1", port))
            client.close()
    finally:
        relay.terminate()
        relay.wait(timeout=10)
        target.close()


def test_an_iut_serving_edhoc_at_a_path_of_its_own(harness, tmp_path):
    """RFC 9528 Appendix A.2 lets an application serve EDHOC at a path of its own. The
    reference Responder at /edhoc (its command passes {edhoc_path} on) with
    `edhoc_path: /edhoc` in its peer file passes the scenarios that reach it (a
    handshake, a flood, the A.2 prefixes); at /edhoc without the key, the sanity
    conversation says what the 4.04 means. The same for the reverse flow's Initiator,
    the CoAP server there."""
    import json
    ref = (ROOT / "peers/reference.yaml").read_text(encoding="utf-8")
    keyed = ref.replace("capabilities:", "edhoc_path: /edhoc\ncapabilities:", 1)
    unkeyed = ref.replace("{edhoc_path?--edhoc-path {edhoc_path}}", "--edhoc-path /edhoc", 1)
    assert unkeyed != ref and "--edhoc-path /edhoc" in unkeyed.split("initiator:")[0]
    paths = [ROOT / "scenarios" / p for p in ("interop/handshake.yaml", "rfc9528/9.7",
                                              "rfc9528/A.2/message-3-unknown-prefix.yaml")]
    for name, text, want in (("keyed", keyed, 0), ("unkeyed", unkeyed, 3)):
        peer = tmp_path / f"{name}.yaml"
        peer.write_text(text, encoding="utf-8")
        js = tmp_path / f"{name}.json"
        r = _run(harness, "run", *map(str, paths), "--peer", str(peer), "--role", "responder",
                 "--json", str(js), "--out", str(tmp_path / name))
        assert r.returncode == want, r.stdout + r.stderr
        results = json.loads(js.read_text())["results"]
        if want == 0:
            assert {x["verdict"] for x in results} == {"pass"}, r.stdout
            assert len(results) == 2 + len(list((ROOT / "scenarios/rfc9528/9.7").glob("*.yaml")))
        else:
            assert "the IUT answered message_1 with 4.04 Not Found (an EDHOC resource " \
                "elsewhere? the peer file's edhoc_path)" in r.stdout + r.stderr, r.stdout
    # the reverse flow: the IUT Initiator is the server, the harness's trigger goes there
    doc = yaml.safe_load(ref)
    doc["capabilities"] = ["cred-files", "coap"]
    doc["profiles"] = [{"method": 3, "suite": 2, "credentials": {"id": "kid"},
                        "flow": "reverse"}]
    for name, key, want in (("rev-keyed", True, 0), ("rev-unkeyed", False, 3)):
        if key:
            doc["edhoc_path"] = "/edhoc"
        else:
            doc.pop("edhoc_path", None)
            doc["initiator"]["command"] = doc["initiator"]["command"].replace(
                "{edhoc_path?--edhoc-path {edhoc_path}}", "--edhoc-path /edhoc")
        peer = tmp_path / f"{name}.yaml"
        peer.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        r = _run(harness, "run", str(paths[0]), "--peer", str(peer), "--role", "initiator",
                 "--out", str(tmp_path / name))
        assert r.returncode == want, r.stdout + r.stderr
        assert key or "the IUT answered the request with 4.04 Not Found" in r.stdout, r.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(ref.replace("capabilities:", "edhoc_path: edhoc?x=1\ncapabilities:", 1))
    r = _run(harness, "run", str(paths[0]), "--peer", str(bad))
    assert r.returncode == 2 and "edhoc_path: 'edhoc?x=1' is no path" in r.stderr, r.stderr
