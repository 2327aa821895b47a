"""`edhoc-harness explore` (issue 10): the state models' diagrams, and the
exploration of the reference peer's state machine in both roles."""
import pathlib
import re

import pytest

from wall import scaled

# The two long explorations (depth 4 in both roles, every sequence fault) run with the
# shipped build only in make test (conftest.py, plain_only): the exploration's code runs
# under the sanitizers in this module's other tests; make e2e-full runs them with both.
LONG = pytest.mark.plain_only

ROOT = pathlib.Path(__file__).resolve().parent.parent


def dot_structure(text):
    """Nodes declared and edges drawn in a dot text, checked for the subset
    of the dot language the generator writes (no Graphviz needed)."""
    assert text.count("{") == text.count("}") and re.search(r"^digraph \"\w+\" \{", text, re.M)
    nodes = set(re.findall(r"^  (\w+) \[label=", text, re.M))
    edges = re.findall(r"^  (\w+) -> (\w+) \[label=\"([^\"]*)\"", text, re.M)
    for line in text.splitlines()[1:]:
        if line.strip() and not line.startswith("//"):
            # every attribute string is closed on its line
            assert len(re.findall(r'(?<!\\)"', line)) % 2 == 0, line
    return nodes, edges


def test_model_diagrams_are_drawn_from_the_models(run):
    """docs/model/*.dot is what `explore --model-dot` writes (make model-docs):
    the diagrams cannot drift from the models."""
    for name in ("responder", "initiator", "responder_reverse", "initiator_reverse"):
        role = name.split("_")[0]
        flow = ["--flow", "reverse"] if name.endswith("_reverse") else []
        r = run("explore", "--model-dot", role, *flow)
        assert r.returncode == 0, r.stderr
        assert r.stdout == (ROOT / "docs/model" / f"{name}.dot").read_text(), \
            f"docs/model/{name}.dot is stale: run make model-docs"
        nodes, edges = dot_structure(r.stdout)
        model = (ROOT / "harness/explore" / f"model_{name}.yaml").read_text()
        states = re.search(r"^states:\n((?:  .*\n)+)", model, re.M).group(1)
        assert nodes == set(re.findall(r"^  (\w+):", states, re.M))
        assert all(a in nodes and b in nodes for a, b, _ in edges)
    r = run("explore", "--model-dot", "both")
    assert r.returncode == 2


import json
import os
import shutil
import subprocess
import time

from test_run import REFERENCE  # noqa: E402 (the IUT binary of the pass: test_run.py)


def with_fault(fault):
    """The reference peer file with --fault added to both commands."""
    return REFERENCE.replace("--cred-id {cred_id}", f"--cred-id {{cred_id}} --fault {fault}")


def explore(harness, tmp_path, role, *args, peer_text=REFERENCE, name="x", timeout=120):
    """Run explore; (process, results by id, seconds, output dir)."""
    peer = tmp_path / f"{name}.peer.yaml"
    peer.write_text(peer_text)
    out = tmp_path / name
    t0 = time.monotonic()
    r = subprocess.run([str(harness), "explore", "--peer", str(peer), "--role", role,
                        "--out", str(out), "--timeout", str(int(scaled(400))), "-j", "2",
                        *map(str, args)],
                       capture_output=True, text=True, timeout=scaled(timeout), cwd=ROOT)
    seconds = time.monotonic() - t0
    js = out / "results.json"
    results = {x["id"]: x for x in json.loads(js.read_text())["results"]} if js.exists() else {}
    return r, results, seconds, out


def summary_counts(stdout):
    m = re.search(r"summary: (\d+) sequences run \((\d+) equivalent prefixes not extended\), "
                  r"(\d+) transitions of (\d+) exercised, (\d+) deviations?", stdout)
    assert m, stdout
    return [int(x) for x in m.groups()]


@LONG
def test_depth_4_against_the_healthy_reference_peer(harness, tmp_path):
    """Every sequence of up to 4 inputs over the whole alphabet, in both
    roles: no deviation, every applicable transition of the IUT Initiator
    model and most of the Responder's exercised, reports valid JUnit. The IUT
    Initiator also with message_4 (the invalid message_4 inputs)."""
    for role, extra in (("responder", []), ("initiator", []), ("initiator", ["--message-4"])):
        r, results, seconds, out = explore(harness, tmp_path, role, "--depth", "4", "--html",
                                           tmp_path / f"{role}.html", *extra, name=role)
        assert r.returncode == 0, r.stdout + r.stderr
        runs, pruned, exercised, applicable, devs = summary_counts(r.stdout)
        assert devs == 0 and runs > 10 and exercised == len(results)
        bad = [(i, x["verdict"], x["message"]) for i, x in results.items() if x["verdict"] != "pass"]
        assert not bad
        assert all(i.startswith(f"explore/{role}/") for i in results)
        if role == "initiator":
            assert exercised == applicable  # the IUT Initiator's whole tree fits in depth 4
            m4 = {i for i in results if "/m4-" in i}
            assert m4 == ({"explore/initiator/sent-m3/m4-tag", "explore/initiator/sent-m3/m4-malformed",
                           "explore/initiator/sent-m3/m4-ead-critical"}
                          if extra else set()), sorted(results)
        else:
            assert pruned > 0 and exercised >= 50
        print(f"{role}: {runs} sequences, {seconds:.2f} s")
        xmllint = shutil.which("xmllint")
        v = subprocess.run([xmllint, "--noout", "--schema", str(ROOT / "tests/junit.xsd"),
                            str(out / "junit.xml")], capture_output=True, text=True)
        assert v.returncode == 0, v.stderr
        assert (out / f"observed-{role}.dot").exists() and (out / f"model-{role}.dot").exists()
        assert f"explore/{role}/" in (tmp_path / f"{role}.html").read_text()


def test_ead_inputs_find_a_peer_that_accepts_critical_ead_items(harness, tmp_path):
    """The EAD inputs (an unknown critical item, label -100, RFC 9528 §3.8)
    in message_1 and message_3 of an IUT Responder and message_2 of an IUT
    Initiator: the healthy peer conforms (the depth-4 test above), the peer
    with --fault accept-critical-ead deviates, each shrunk to the shortest
    sequence that carries the item."""
    want = {
        "responder": ["--depth", "2", "--symbols", "m1,m1_ead_critical,m3,m3_ead_critical"],
        "initiator": ["--depth", "3"],
    }
    for role, args in want.items():
        r, results, _, _ = explore(harness, tmp_path, role, *args,
                                   peer_text=with_fault("accept-critical-ead"), name=f"ead-{role}")
        assert r.returncode == 1, r.stdout + r.stderr
        failing = {i: x["message"] for i, x in results.items() if x["verdict"] == "fail"}
        if role == "responder":
            assert set(failing) == {"explore/responder/idle/m1-ead-critical",
                                    "explore/responder/wait-m3/m1-ead-critical",
                                    "explore/responder/wait-m3/m3-ead-critical"}, failing
            assert "minimal sequence m1_ead_critical: m1_ead_critical answered with message_2" \
                in failing["explore/responder/idle/m1-ead-critical"]
            assert "minimal sequence m1, m3_ead_critical: m3_ead_critical answered with accepted" \
                in failing["explore/responder/wait-m3/m3-ead-critical"]
        else:
            assert set(failing) == {"explore/initiator/sent-m1/m2-ead-critical"}, failing
            assert ("minimal sequence start, err2, m2_ead_critical: m2_ead_critical answered "
                    "with message_3") in failing["explore/initiator/sent-m1/m2-ead-critical"]


def test_padding_inputs_find_a_peer_that_rejects_padding(harness, tmp_path):
    """EAD padding (label 0, §3.8.1) in message_1 and in message_3 (m1_padding,
    m3_padding): the healthy peer ignores it; one with --fault reject-ead-padding
    answers an error, a deviation in each, shrunk to the input itself."""
    text = with_fault("reject-ead-padding")
    r, results, _, _ = explore(harness, tmp_path, "responder", "--depth", "2", "--symbols",
                               "m1,m1_padding,m3,m3_padding", peer_text=text, name="pad")
    assert r.returncode == 1, r.stdout
    assert results["explore/responder/idle/m1-padding"]["verdict"] == "fail"
    assert results["explore/responder/wait-m3/m3-padding"]["verdict"] == "fail"
    assert "minimal sequence m1, m3_padding" in results["explore/responder/wait-m3/m3-padding"][
        "message"]
    r, results, _, _ = explore(harness, tmp_path, "responder", "--depth", "2", "--symbols",
                               "m1,m1_padding,m3,m3_padding", name="healthy")
    assert r.returncode == 0, r.stdout
    assert results["explore/responder/wait-m3/m3-padding"]["verdict"] == "pass"


def test_an_unregistered_method_is_tried_and_judged_as_run_judges_it(harness, tmp_path):
    """Issue 22: explore sends message_1 with METHOD 4 (input m1_method) and judges the
    answer by the outcomes of scenarios/rfc9528/3.2/unsupported-method.yaml: the healthy
    peer's ERR_CODE 1 passes (the depth-4 test above), a peer that accepts any METHOD
    (--fault accept-any-method, which `run` catches with that scenario) deviates (the
    reverse flow: test_reverse_flow.py, EXPLORE_FAULTS)."""
    r, results, _, _ = explore(harness, tmp_path, "responder", "--depth", "1",
                               peer_text=with_fault("accept-any-method"), name="method")
    assert r.returncode == 1, r.stdout + r.stderr
    failing = {i: x for i, x in results.items() if x["verdict"] == "fail"}
    assert list(failing) == ["explore/responder/idle/m1-method"], failing
    x = failing["explore/responder/idle/m1-method"]
    assert x["level"] == "MUST" and "R-3.2-b" in x["requirements"], x
    assert "m1_method answered with message_2" in x["message"], x["message"]


# The models and the scenarios judge the same input by the same outcome rule:
# tests/test_outcome_rules.py (issue 22 item 1).


def test_exploration_is_deterministic_for_a_seed(harness, tmp_path):
    runs = []
    for name in ("a", "b"):
        r, results, _, _ = explore(harness, tmp_path, "responder", "--depth", "3", "--seed", "5",
                                   name=name)
        assert r.returncode == 0, r.stdout
        runs.append((summary_counts(r.stdout),
                     sorted((i, x["verdict"], x["message"]) for i, x in results.items())))
    assert runs[0] == runs[1]


@pytest.mark.parametrize("sig,every", [("SIGINT", False),
                                       pytest.param("SIGHUP", False, marks=pytest.mark.plain_only),
                                       ("SIGTERM", True)])
def test_sigint_stops_the_exploration_its_workers_and_their_iuts(harness, tmp_path, sig, every):
    """issue 16 item 6: explore had no SIGINT handling (killed at once, no results, the
    workers' IUTs left running). Now it stops its workers, which stop their IUTs, writes
    its reports marked interrupted and exits 3; SIGHUP (the terminal went away) too.
    With --all-profiles (every): SIGTERM to the parent alone (a CI runner's), which
    stops the explorers of the configurations running, then writes the merged reports."""
    import signal
    from peerutil import processes_running, unique_sleep_marker
    marker = unique_sleep_marker(59)
    peer = tmp_path / "mute.yaml"
    # an IUT that listens and never answers, so that every sequence waits its timeout and
    # the exploration is still running when the signal comes (one that listened nowhere
    # answered each message_1 with an ICMP error at once); the marker, an argument the
    # sink ignores, finds it in the process table (a `sleep` child of a shell that
    # execs the sink was found, then missed, while the shell forked and exec'd)
    sink = f"/usr/bin/python3 {ROOT}/tests/fake_iut/udp_sink.py {{port}} {marker}"
    text = re.sub(r'(?m)^(responder:\n  command: ).*$', rf'\1"exec {sink}"', REFERENCE)
    peer.write_text(re.sub(r'(?m)^(responder:\n  command: .*\n  ready: ).*$', r'\1"listening"',
                           text))
    out = tmp_path / "out"
    every_args = ["--all-profiles", "--parallel-configs", "3"] if every else []
    proc = subprocess.Popen([str(harness), "explore", "--peer", str(peer), "--role", "responder",
                             "--depth", "2", "-j", "2", "--timeout", "1000", "--out", str(out),
                             *every_args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def alive():
        return processes_running(f"udp_sink.py ") and processes_running(marker)
    try:
        deadline = time.monotonic() + 30
        while not alive() and time.monotonic() < deadline:  # bounded polling
            time.sleep(0.02)
        assert alive(), "no worker started its IUT"
        t0 = time.monotonic()
        proc.send_signal(getattr(signal, sig))
        stdout, _ = proc.communicate(timeout=30)
        assert time.monotonic() - t0 < 10
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 3, stdout
    assert "the exploration was interrupted" in stdout
    assert every or "explore interrupted" in stdout
    doc = json.loads((out / "results.json").read_text())
    assert doc["interrupted"] is True
    assert (out / "junit.xml").read_text().rstrip().endswith("</testsuites>")
    deadline = time.monotonic() + 5
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)  # killed IUTs are reaped by init: bounded
    assert not alive()


def test_an_iut_that_speaks_raw_udp_only_is_explored_over_raw_udp(harness, tmp_path):
    """A peer file that claims `udp` and not `coap` (the reference peer held to
    --transport udp): without --transport the exploration goes over raw UDP, as `run`
    does, and finds nothing wrong (over CoAP every sequence failed: the IUT speaks raw
    UDP); --transport coap is refused as a set-up error naming the capability."""
    text = REFERENCE.replace("--transport {transport}", "--transport udp")
    text = re.sub(r"\bcoap, coap-tcp, udp,", "udp,", text)
    assert "coap" not in re.search(r"capabilities: \[[^\]]*\]", text, re.S).group(0)
    r, results, _, out = explore(harness, tmp_path, "responder", "--depth", "1",
                                 peer_text=text, name="raw")
    assert r.returncode == 0, r.stdout + r.stderr
    assert results and all(x["verdict"] in ("pass", "skipped") for x in results.values()), \
        r.stdout
    assert {x["transport"] for x in results.values() if x["verdict"] == "pass"} == {"udp"}
    r, _, _, _ = explore(harness, tmp_path, "responder", "--depth", "1", "--transport", "coap",
                         peer_text=text, name="coap")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "--transport coap: the IUT lacks the capability 'coap'" in r.stderr, r.stderr


def test_usage_errors(run):
    assert run("explore", "--role", "responder").returncode == 2
    r = run("explore", "--peer", "peers/reference.yaml", "--role", "responder",
            "--all-profiles", "--profile", "m3-s2-kid")
    assert r.returncode == 2 and "--all-profiles takes the profiles" in r.stderr
    r = run("explore", "--peer", "peers/reference.yaml", "--role", "responder",
            "--all-profiles", "--flow", "reverse")
    assert r.returncode == 2 and "no profile in the reverse message flow" in r.stderr
    r = run("explore", "--peer", "peers/reference.yaml", "--role", "responder", "--symbols",
            "m1,nonsense")
    assert r.returncode == 2 and "unknown input 'nonsense'" in r.stderr
    assert run("explore", "--peer", "peers/reference.yaml", "--role", "x").returncode == 2
    assert run("explore", "--depth", "0").returncode == 2
    assert run("explore", "--help").returncode == 0


def test_exit_codes_tell_set_up_errors_from_deviations(run, tmp_path):
    """explore exits as run does (README, "Exit codes"): an IUT that cannot start
    leaves every transition in error, which is 3 (no verdict), not 1 (a deviation);
    a report folder that cannot be made is 3 too."""
    peer = tmp_path / "gone.yaml"
    peer.write_text(re.sub(r'(?m)^(responder:\n  command: ).*$', r'\1"/nonexistent/iut"',
                           REFERENCE))
    r = run("explore", "--peer", peer, "--role", "responder", "--depth", "1", "--out",
            tmp_path / "out")
    assert r.returncode == 3, r.stdout + r.stderr
    assert "exit 3 (no verdict)" in r.stderr and "0 deviations" in r.stdout
    # the error says why the IUT did not start: its exit status and its stderr
    assert "the IUT exited with code 127 before it was ready" in r.stdout, r.stdout
    assert "/nonexistent/iut: not found" in r.stdout, r.stdout
    peer.write_text(re.sub(r'(?m)^(responder:\n  command: ).*$',
                           r'\1"echo iut: port 1 is taken >&2; exit 3"', REFERENCE))
    r = run("explore", "--peer", peer, "--role", "responder", "--depth", "1", "--out",
            tmp_path / "out2")
    assert r.returncode == 3, r.stdout + r.stderr
    assert 'the IUT exited with code 3 before it was ready (its stderr: "iut: port 1 is taken"' \
        in r.stdout, r.stdout
    (tmp_path / "afile").write_text("")
    r = run("explore", "--peer", "peers/reference.yaml", "--role", "responder", "--depth", "1",
            "--out", tmp_path / "afile" / "out")
    assert r.returncode == 3 and "cannot create" in r.stderr, r.stdout + r.stderr


# The reference peer's faults that show only in sequences: how explore is
# run to find each (the role, depth and alphabet), and the minimal sequence it
# must shrink the deviation to, committed as a scenario under scenarios/.
# replay-message-3 needs five inputs (an OSCORE request, message_3 again, then
# the OSCORE request replayed: only the replay shows the renewed replay
# window); depth 5 over the whole alphabet is ~3300 sequences, so its
# alphabet is the four inputs involved. reprocess-message-2 needs a message_2
# delivered twice, which only raw UDP allows.
SEQUENCE_FAULTS = {
    # the alphabet named: other message_3 faults of the same length (m3_malformed, m3_x5u)
    # show the same deviation, and which one is reported first follows the model's order
    "keep-session-after-error": ("responder", ["--depth", "3", "--symbols", "m1,m3,m3_mac,err"],
                                 "explore/responder/m1.m3-mac.m3"),
    "answer-aborted-message-3": ("responder", ["--depth", "3"], "explore/responder/m1.err.m3-mac"),
    "replay-message-3": ("responder", ["--depth", "5", "--symbols", "m1,m3,oscore,oscore_replay"],
                         "explore/responder/m1.m3.oscore.m3.oscore-replay"),
    "forget-suite-after-err-2": ("initiator", ["--depth", "2"], "explore/initiator/start.err2"),
    "reprocess-message-2": ("initiator", ["--depth", "4", "--transport", "udp"],
                            "explore/initiator-udp/start.err2.m2-twice.answer"),
    "plain-coap-without-context": ("responder", ["--depth", "2"],
                                   "explore/responder/m1.oscore-early"),
}


def scenario_body(text):
    """A scenario without its comments and timeouts (explore --timeout)."""
    return [l for l in text.splitlines() if not l.startswith("#") and "timeout:" not in l]


@LONG
def test_every_sequence_fault_is_found_shrunk_and_written(harness, tmp_path, run):
    """Each fault: explore finds a deviation, shrinks it to the minimal
    sequence committed in scenarios/explore/, writes that scenario (the same
    steps and outcomes), and the written scenario fails on the faulty peer and
    passes on the healthy one."""
    total = 0.0
    for fault, (role, args, scenario_id) in SEQUENCE_FAULTS.items():
        written = tmp_path / f"w-{fault}"
        r, results, seconds, _ = explore(harness, tmp_path, role, *args, "--write-scenarios",
                                         written, peer_text=with_fault(fault), name=fault)
        total += seconds
        level = "SHOULD" if fault == "forget-suite-after-err-2" else "MUST"
        assert r.returncode == (1 if level == "MUST" else 0), r.stdout + r.stderr
        assert summary_counts(r.stdout)[4] >= 1, r.stdout
        failing = [x for x in results.values() if x["verdict"] == "fail"]
        assert failing and all(x["level"] == level for x in failing)
        name = scenario_id.split("/")[-1]
        sequence = name.replace(".", ", ").replace("-", "_")
        assert any(f"minimal sequence {sequence}:" in x["message"] for x in failing), \
            [x["message"] for x in failing]
        path = written / f"{scenario_id}.yaml"
        assert path.exists(), sorted(written.rglob("*.yaml"))
        committed = ROOT / "scenarios" / f"{scenario_id}.yaml"
        assert scenario_body(path.read_text()) == scenario_body(committed.read_text())
        strict = [] if level == "MUST" else ["--strict"]
        for peer_text, want in ((with_fault(fault), "fail"), (REFERENCE, "pass")):
            peer = tmp_path / "p.yaml"
            peer.write_text(peer_text)
            res = run("run", path, "--peer", peer, "--no-sanity", "--json", tmp_path / "r.json",
                      "--junit", tmp_path / "j.xml", "--out", tmp_path / "o", *strict)
            got = json.loads((tmp_path / "r.json").read_text())["results"]
            assert [x["verdict"] for x in got] == [want], res.stdout
    print(f"{len(SEQUENCE_FAULTS)} faults explored in {total:.2f} s")


# the shipped binary only in make test: exploring runs under the sanitizers in this
# module's other tests, and the diagram writing is a file write
@pytest.mark.plain_only
def test_diagrams_are_rendered_to_svg_only_where_dot_is_installed(harness, tmp_path):
    """Graphviz is optional: explore writes model-ROLE.dot and
    observed-ROLE.dot always, and their SVG through the `dot` on PATH. A
    stand-in `dot` (Graphviz is not a required package) checks the call: it
    is given -Tsvg, -o and the dot file written before it runs; one that
    fails leaves no SVG and no temporary file behind."""
    fake = tmp_path / "bin"
    fake.mkdir()
    log = tmp_path / "dot.log"
    (fake / "dot").write_text(
        "#!/bin/sh\n"
        f"echo \"$@\" >> {log}\n"
        "[ \"$1\" = -Tsvg ] && [ \"$2\" = -o ] && head -1 \"$4\" | grep -q '^//' || exit 3\n"
        "printf '<svg>%s</svg>' \"$4\" > \"$3\"\n")
    (fake / "dot").chmod(0o755)
    env = dict(os.environ, PATH=f"{fake}:/usr/bin:/bin")

    def explore_with(path_env, name):
        out = tmp_path / name
        r = subprocess.run([str(harness), "explore", "--peer", "peers/reference.yaml", "--role",
                            "initiator", "--depth", "2", "--out", str(out), "--timeout",
                            str(int(scaled(400)))], capture_output=True, text=True,
                           timeout=scaled(60), cwd=ROOT, env=path_env)
        assert r.returncode == 0, r.stdout + r.stderr
        return r, out

    r, out = explore_with(env, "with")
    for kind in ("model", "observed"):
        svg = out / f"{kind}-initiator.svg"
        assert svg.read_text() == f"<svg>{out / f'{kind}-initiator.dot'}</svg>"
    assert len(log.read_text().splitlines()) == 2 and "(and .svg)" in r.stdout
    (fake / "dot").write_text("#!/bin/sh\nexit 1\n")
    r, out = explore_with(env, "failing")
    assert sorted(p.name for p in out.glob("*-initiator.*")) == [
        "model-initiator.dot", "observed-initiator.dot"], r.stdout
    assert "failed or timed out" in r.stdout and not list(out.glob("*.tmp*"))
    # without dot: the usual PATH, or where Graphviz is installed, a copy of it
    # (links) without dot (the harness wrapper of make memcheck needs the rest)
    path = os.environ.get("PATH", "/usr/bin:/bin")
    if shutil.which("dot", path=path):
        bare = tmp_path / "bare"
        bare.mkdir()
        for d in reversed(path.split(":")):
            for f in pathlib.Path(d or ".").glob("*"):
                if f.name != "dot" and os.access(f, os.X_OK):
                    (bare / f.name).unlink(missing_ok=True)
                    (bare / f.name).symlink_to(f)
        path = str(bare)
    r, out = explore_with(dict(os.environ, PATH=path), "without")
    assert not list(out.glob("*.svg")) and "dot is not on PATH" in r.stdout


def test_the_alphabet_follows_the_iut_and_the_profile(harness, tmp_path):
    """By default the alphabet leaves out what the IUT or the run rules out:
    the OSCORE inputs for an IUT without the oscore capability, the RFC 9668
    combined request without rfc9668, the message_4 inputs without
    --message-4, silence and duplicate deliveries without raw UDP."""
    def alphabet(role, peer_text, *args):
        r, _, _, _ = explore(harness, tmp_path, role, "--depth", "1", *args, peer_text=peer_text,
                             name=f"a-{role}")
        m = re.search(r"\d+ inputs: (.*)", r.stdout)
        assert m, r.stdout + r.stderr
        return set(m.group(1).split())

    full = alphabet("responder", REFERENCE)
    assert {"oscore", "oscore_replay", "oscore_early", "m3_combined"} <= full
    assert "silence" not in full
    no_oscore = REFERENCE.replace(" oscore,", "").replace(" rfc9668,", "")
    assert no_oscore != REFERENCE
    assert alphabet("responder", no_oscore) == full - {"oscore", "oscore_replay", "oscore_early",
                                                       "m3_combined"}
    assert "silence" in alphabet("responder", REFERENCE, "--transport", "udp")
    init = alphabet("initiator", REFERENCE)
    assert not {"m4_tag", "m4_malformed", "m2_twice"} & init
    assert {"m4_tag", "m4_malformed"} <= alphabet("initiator", REFERENCE, "--message-4")


def test_the_preferred_suite_is_one_of_the_sessions_method_and_kind(harness, tmp_path):
    """m1_suite_order offers [P, S]: P a suite of the IUT in the session's METHOD and kind
    of credential. An IUT whose suite 0 exists only with METHOD 0 and x5t has none to
    prefer in a METHOD 3 session by kid (it could not complete that session in suite 0),
    so the input is left out there, as run skips rfc9528/5.2.3/preferred-suite-supported;
    with suite 0 beside suite 2 in METHOD 3 by kid it is tried."""
    def alphabet(profiles, name):
        text = re.sub(r"capabilities: \[[^\]]*\]", "capabilities: [cred-files, coap]\n"
                      "profiles:\n" + profiles, REFERENCE, flags=re.S)
        r, _, _, _ = explore(harness, tmp_path, "responder", "--depth", "1", "--profile",
                             "m3-s2-kid", peer_text=text, name=name)
        m = re.search(r"\d+ inputs: (.*)", r.stdout)
        assert m, r.stdout + r.stderr
        return set(m.group(1).split())

    apart = alphabet("  - {method: 3, suite: 2, credentials: {id: kid}}\n"
                     "  - {method: 0, suite: 0, credentials: {id: x5t}}\n", "apart")
    together = alphabet("  - {method: 3, suite: [0, 2], credentials: {id: kid}}\n", "together")
    assert "m1_suite_order" in together
    assert apart == together - {"m1_suite_order"}


@pytest.mark.parametrize("code,kind,how", [
    (3, "exit", "exited with code 3"),
    (101, "crash", r"crashed \(exit code 101: how a Rust program ends on a panic\)"),
    pytest.param(139, "crash", r"crashed \(exit code 139", marks=pytest.mark.plain_only)])
def test_an_iut_that_dies_on_its_input_is_a_deviation(harness, tmp_path, code, kind, how):
    """An IUT Responder that ends on every first input (exit code 3; 101, as a Rust panic
    ends; 139, the shell's report of a SIGSEGV) used to pass as "silence": the model
    has no output for a process that is gone, so every transition it takes is a
    deviation answered with "exit" or "crash" (a panic is a crash), naming the exit and
    the step."""
    cmd = f"/usr/bin/python3 {ROOT}/tests/fake_iut/exit_on_request.py {{port}} {code}"
    peer = (f'name: dies\nversion: "1"\ncapabilities: [method-3, suite-2, cred-kid, coap, '
            f'error-messages]\nresponder:\n  command: "{cmd}"\n  ready: "listening"\n'
            f'  timeout: 3000\n')
    r, results, _, _ = explore(harness, tmp_path, "responder", "--depth", "1", peer_text=peer,
                               name=f"dies-{code}")
    assert r.returncode == 1, r.stdout + r.stderr
    assert results and all(x["verdict"] == "fail" for x in results.values()), results
    m1 = results["explore/responder/idle/m1"]["message"]
    assert f"minimal sequence m1: m1 answered with {kind};" in m1, m1
    assert re.search(rf"step 2: the IUT {how}.* this input: no state of the model has that "
                     r"output \(a Responder runs until it is stopped\)", m1), m1
    # a crash is MUST-level wherever it happens, also on an INFO transition (a message_1
    # with non-deterministic CBOR, which either answer satisfies)
    nondet = results["explore/responder/idle/m1-nondet"]
    assert nondet["level"] == ("MUST" if kind == "crash" else "INFO"), nondet


def test_coverage_says_what_a_depth_covered(harness, tmp_path):
    """Issue 22 item 3: coverage.json names, per fault class (requirement ID, outcome
    rule), the (state, input) pairs that exercised it and those the depth did not reach:
    at depth 1 only message_1 inputs ran, so a wrong MAC_3 (R-5.4.3-b, rule
    rejects-code-1) was not exercised; at depth 2 it was, by m3_mac after m1."""
    cov = {}
    for depth in (1, 2):
        r, _, _, out = explore(harness, tmp_path, "responder", "--depth", str(depth),
                               name=f"d{depth}")
        assert r.returncode == 0, r.stdout + r.stderr
        assert re.search(r"fault classes: \d+ of \d+ requirements and \d+ of \d+ outcome rules",
                         r.stdout), r.stdout
        cov[depth] = json.loads((out / "coverage.json").read_text())
        assert cov[depth]["depth"] == depth and cov[depth]["role"] == "responder"
    mac1, mac2 = (cov[d]["requirements"]["R-5.4.3-b"] for d in (1, 2))
    assert mac1["sequences"] == 0 and not mac1["exercised_by"]
    assert {"state": "wait_m3", "input": "m3_mac"} in mac1["not_exercised"]
    assert mac2["sequences"] > 0
    assert any(x["state"] == "wait_m3" and x["input"] == "m3_mac" for x in mac2["exercised_by"])
    rule1, rule2 = (cov[d]["outcome_rules"]["rejects-code-1"] for d in (1, 2))
    assert rule1["sequences"] == 0 < rule2["sequences"]
    method = cov[1]["requirements"]["R-3.2-b"]
    assert any(x["input"] == "m1_method" and x["sequences"] >= 1 for x in method["exercised_by"])
    hit = [sum(v["sequences"] > 0 for v in cov[d]["requirements"].values()) for d in (1, 2)]
    assert hit[0] < hit[1]


def test_all_profiles_reports_a_profile_it_cannot_explore_as_an_error(harness, tmp_path):
    """explore --all-profiles: a profile the harness has no credentials for (METHOD 1 with
    kid, no cred-files) is an error naming it and why, the other profile is explored,
    the exit code is a set-up error's (3), never green; every result names its
    configuration, the merged coverage lists both."""
    text = re.sub(r"capabilities: \[[^\]]*\]",
                  "capabilities: [method-1, method-3, suite-2, cred-kid, coap, error-messages]",
                  REFERENCE, flags=re.S)
    r, _, _, out = explore(harness, tmp_path, "responder", "--depth", "1", "--all-profiles",
                           peer_text=text)
    assert r.returncode == 3, r.stdout + r.stderr
    by = {}
    for x in json.loads((out / "results.json").read_text())["results"]:
        by.setdefault(x["profile"], []).append(x)
    assert set(by) == {"m1-s2-kid", "m3-s2-kid"}
    assert all(x["verdict"] == "error" and "no credentials for the profile METHOD 1" in
               x["message"] for x in by["m1-s2-kid"])
    assert all(x["verdict"] == "pass" for x in by["m3-s2-kid"])
    cov = json.loads((out / "coverage.json").read_text())
    assert cov["configurations"] == ["m1-s2-kid", "m3-s2-kid"]
    assert (out / "m3-s2-kid" / "explore.log").read_text().count("summary:") == 1


def test_a_written_negotiation_runs_in_any_two_suites_of_the_iut(harness, tmp_path, run):
    """In a profile with a second suite of its METHOD and kind, explore tells the IUT
    Initiator [other, profile] and writes what it finds with run's `suites: [other,
    profile]` and SUITES_R `[profile]`, not the suites of that profile: the scenario then
    runs in every such pair of the IUT's (suites 2 then 0, and 0 then 2), passes the
    healthy peer and fails the one that forgets SUITES_R."""
    caps = ("capabilities: [method-3, suite-0, suite-2, cred-kid, cred-files, coap, "
            "error-messages, oscore]")
    healthy = re.sub(r"capabilities: \[[^\]]*\]", caps, REFERENCE, flags=re.S)
    faulty = healthy.replace("--cred-id {cred_id}",
                             "--cred-id {cred_id} --fault forget-suite-after-err-2")
    written = tmp_path / "w"
    r, results, _, _ = explore(harness, tmp_path, "initiator", "--depth", "2", "--profile",
                               "m3-s2-kid", "--write-scenarios", written, peer_text=faulty,
                               name="pair")
    assert results["explore/initiator/sent-m1s/err2"]["verdict"] == "fail", r.stdout
    path = written / "explore/initiator/start.err2.yaml"
    text = path.read_text()
    assert "\nsuites: [other, profile]\n" in text and "info: [profile]" in text, text
    assert "suite-" not in text.split("needs:")[1].split("\n")[0], text
    for peer_text, want in ((healthy, "pass"), (faulty, "fail")):
        peer = tmp_path / "p.yaml"
        peer.write_text(peer_text)
        run("run", path, "--peer", peer, "--all-profiles", "--no-sanity", "--strict",
            "--json", tmp_path / "r.json", "--out", tmp_path / "o")
        got = json.loads((tmp_path / "r.json").read_text())["results"]
        assert sorted((x["profile"], x["verdict"]) for x in got) == \
            [("m3-s0-kid", want), ("m3-s2-kid", want)], got


def test_a_written_sequence_needs_oscore_only_where_it_expects_it(harness, tmp_path, run):
    """explore/initiator/start.err2 was found in a configuration with OSCORE, but never
    reaches OSCORE (the IUT Initiator is answered ERR_CODE 2): it needs no `oscore`, so
    an IUT without OSCORE runs it (it was skipped for 'oscore'), passes when healthy and
    fails when it forgets SUITES_R; a sequence that expects the IUT's OSCORE request
    (start.err2.m2-twice.answer) still needs it."""
    assert "oscore" not in (ROOT / "scenarios/explore/initiator/start.err2.yaml").read_text() \
        .split("needs:")[1].split("\n")[0]
    assert "oscore" in (ROOT / "scenarios/explore/initiator-udp/start.err2.m2-twice.answer.yaml") \
        .read_text().split("needs:")[1].split("\n")[0]
    caps = "capabilities: [method-3, suite-2, suite-6, cred-kid, coap, error-messages]"
    healthy = re.sub(r"capabilities: \[[^\]]*\]", caps, REFERENCE, flags=re.S)
    faulty = healthy.replace("--cred-id {cred_id}",
                             "--cred-id {cred_id} --fault forget-suite-after-err-2")
    for peer_text, want in ((healthy, "pass"), (faulty, "fail")):
        peer = tmp_path / "p.yaml"
        peer.write_text(peer_text)
        run("run", ROOT / "scenarios/explore/initiator/start.err2.yaml", "--peer", peer,
            "--no-sanity", "--strict", "--json", tmp_path / "r.json", "--out", tmp_path / "o")
        got = json.loads((tmp_path / "r.json").read_text())["results"]
        assert [x["verdict"] for x in got] == [want], got
