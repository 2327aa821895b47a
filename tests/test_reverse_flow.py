"""The reverse message flow of RFC 9528 Appendix A.2.2 in the reference peer (issue 19
item 2): the Initiator is the CoAP server, the Responder the client that triggers the
session with an empty POST. Known answers: RFC 9529 trace 2's messages, and libcoap's
own coap-client as the triggering client."""
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from dissect import check_captures
from peerutil import Responder
from wall import scaled

ROOT = pathlib.Path(__file__).resolve().parent.parent
TRACE2 = ROOT / "vectors/rfc9529-trace2.json"


def responder_client(harness, server, *args, transport="coap", timeout=60):
    cmd = [str(harness), "peer", "responder", "--flow", "reverse", "--transport", transport,
           "--host", server.host, "--port", str(server.port), *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=scaled(timeout),
                          cwd=ROOT)


@pytest.mark.parametrize("transport,extra", [("coap", []), ("coap-tcp", ["--message-4"]),
                                             ("coap", ["--message-4", "--no-oscore"])])
def test_the_two_reference_peers_complete_a_handshake(harness, transport, extra):
    with Responder(harness, *extra, role="initiator", transport=transport, cwd=ROOT) as srv:
        r = responder_client(harness, srv, *extra, transport=transport)
        rc, out, err = srv.wait()
    assert r.returncode == 0, r.stdout + r.stderr
    assert rc == 0, out + err
    oscore = "--no-oscore" not in extra
    m4 = "--message-4" in extra
    for text in (r.stdout, out):
        assert "PASS: handshake (reverse message flow)" in text
        assert ("with message_4" in text) == m4
        assert ("and OSCORE" in text) == oscore
    if oscore:
        assert 'OSCORE /hello -> 2.05 "Hello from edhoc-harness"' in r.stdout


def test_trace_2_messages_byte_for_byte_with_the_c_i_prefix(harness, tmp_path):
    """Both peers with RFC 9529 trace 2's keys: message_1 comes in the response to the
    empty POST, message_2 goes prefixed with C_I (trace 2: -24, 0x37), message_3 comes in
    the response, message_4 goes prefixed with C_I (the trace has one) and gets an empty
    2.04; every byte is the trace's, and both derive its OSCORE context."""
    doc = json.loads(TRACE2.read_text())
    ti, tr, oi, orr = (tmp_path / n for n in ("i.json", "r.json", "oi.json", "or.json"))
    with Responder(harness, "--vector", TRACE2, "--no-oscore", "--transcript", ti,
                   "--oscore-out", oi, role="initiator", cwd=ROOT) as srv:
        r = responder_client(harness, srv, "--vector", TRACE2, "--no-oscore",
                             "--transcript", tr, "--oscore-out", orr)
        rc, out, err = srv.wait()
    assert r.returncode == 0 and rc == 0, r.stdout + out + err
    msgs = json.loads(tr.read_text())["messages"]
    got = [(m["direction"], m["kind"], m["hex"], m["coap_code"]) for m in msgs]
    assert got == [("sent", "trigger", "", "0.02"),
                   ("received", "response", doc["message_1"], "2.04"),
                   ("sent", "message_2", doc["c_i_cbor"] + doc["message_2"], "0.02"),
                   ("received", "response", doc["message_3"], "2.04"),
                   ("sent", "message_4", doc["c_i_cbor"] + doc["message_4"], "0.02"),
                   ("received", "response", "", "2.04")]
    sent_by_server = [(m["kind"], m["hex"]) for m in json.loads(ti.read_text())["messages"]
                      if m["direction"] == "sent"]
    assert sent_by_server == [("message_1", doc["message_1"]), ("message_3", doc["message_3"]),
                              ("empty 2.04", "")]
    for f in (oi, orr):
        ctx = json.loads(f.read_text())
        assert ctx["master_secret"] == doc["oscore_master_secret"]
        assert ctx["master_salt"] == doc["oscore_master_salt"]


def test_libcoap_client_triggers_the_session(harness):
    """libcoap's coap-client, an independent CoAP client, POSTs nothing to the reverse
    Initiator and gets RFC 9529 trace 2's message_1 in the 2.04 response."""
    client = shutil.which("coap-client-notls")
    assert client, "coap-client-notls (Debian libcoap3-bin) is required"
    doc = json.loads(TRACE2.read_text())
    with Responder(harness, "--vector", TRACE2, "--timeout", 400, role="initiator",
                   cwd=ROOT) as srv:
        c = subprocess.run([client, "-m", "post", "-v", "7", "-B", "10",
                            f"coap://127.0.0.1:{srv.port}/.well-known/edhoc"],
                           capture_output=True, timeout=scaled(30))
        rc, out, err = srv.wait()
    assert c.returncode == 0, c.stderr
    assert bytes.fromhex(doc["message_1"]) in c.stdout
    # no message_2 followed: the server gives up after --timeout and says so
    assert rc == 3 and "no request from the Responder for 400 ms" in out, out + err


@pytest.mark.parametrize("fault,side", [("wrong-mac-2", "responder"),
                                        ("wrong-mac-3", "initiator")])
def test_a_wrong_mac_is_rejected_and_both_sides_say_so(harness, fault, side):
    """message_2 with a wrong MAC_2 gets an EDHOC error in a 4.00 response from the
    server (Appendix A.2.3); message_3 with a wrong MAC_3 gets the client's error in a
    POST prefixed with C_I. Both peers exit 1 naming what failed."""
    ri = ["--fault", fault] if side == "initiator" else []
    rr = ["--fault", fault] if side == "responder" else []
    with Responder(harness, *ri, role="initiator", cwd=ROOT) as srv:
        r = responder_client(harness, srv, *rr)
        rc, out, err = srv.wait()
    assert r.returncode == 1 and rc == 1, r.stdout + out
    if fault == "wrong-mac-2":
        assert "FAIL: message_2 from the Responder" in out and "MAC_2" in out, out
        assert "the Initiator answered message_2 with CoAP 4.00 1, " in r.stdout, r.stdout
    else:
        assert "FAIL: message_3 from the Initiator" in r.stdout and "MAC_3" in r.stdout
        assert "the Responder answered message_3 with an EDHOC error message: 1," in out, out


def test_nobody_there_is_a_timeout_and_udp_is_refused(harness, tmp_path):
    with Responder(harness, "--timeout", 300, role="initiator", cwd=ROOT) as srv:
        rc, out, err = srv.wait()
    assert rc == 3 and "no request from the Responder for 300 ms" in out
    closed = srv.port  # nothing listens there any more
    r = subprocess.run([str(harness), "peer", "responder", "--flow", "reverse", "--port",
                        str(closed), "--timeout", "300"], capture_output=True, text=True,
                       timeout=scaled(30), cwd=ROOT)
    assert r.returncode == 3 and "FAIL: empty POST (the reverse flow's trigger)" in r.stdout
    u = subprocess.run([str(harness), "peer", "initiator", "--flow", "reverse", "--transport",
                        "udp"], capture_output=True, text=True, timeout=scaled(30), cwd=ROOT)
    assert u.returncode == 2 and "--flow reverse is CoAP's" in u.stderr


# ---------------------------------------------------------------- run, reverse flow

def reverse_peer(tmp_path, profile, responder_args="", initiator_args=""):
    """peers/reference.yaml with one reverse-flow profile instead of its capabilities
    (the commands pass {flow} on), and extra arguments (faults) for either role."""
    import yaml
    doc = yaml.safe_load((ROOT / "peers/reference.yaml").read_text())
    doc["capabilities"] = ["cred-files", "coap", "coap-tcp", "udp", "ead", "rfc9668", "vectors"]
    doc["profiles"] = [dict(profile, flow="reverse")]
    doc["responder"]["command"] = doc["responder"]["command"].replace(
        "peer responder", f"peer responder {responder_args}")
    doc["initiator"]["command"] = doc["initiator"]["command"].replace(
        "peer initiator", f"peer initiator {initiator_args}")
    path = tmp_path / "reverse.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def run_reverse(harness, tmp_path, peer, *args, timeout=240):
    js = tmp_path / "results.json"
    r = subprocess.run([str(harness), "run", "--peer", str(peer), "--role", "both", "-j", "2",
                        "--json", str(js), "--junit", str(tmp_path / "junit.xml"),
                        "--out", str(tmp_path / "out"), *map(str, args)],
                       capture_output=True, text=True, timeout=scaled(timeout), cwd=ROOT)
    results = json.loads(js.read_text())["results"] if js.exists() else []
    return r, {(x["id"], x["iut_role"]): x for x in results}  # keyed by the IUT's role


def run_reverse_results(tmp_path):
    return json.loads((tmp_path / "results.json").read_text())["results"]


KID_OSCORE = {"method": 3, "suite": 2, "credentials": {"id": "kid"}, "oscore": True}


@pytest.mark.parametrize("profile", [
    KID_OSCORE,
    pytest.param({"method": 0, "suite": 0, "credentials": {"id": "x5t"}},
                 marks=pytest.mark.plain_only("the same executor as the OSCORE profile's run")),
    pytest.param({"method": 3, "suite": 2, "credentials": {"id": "kid"}, "message_4": True},
                 marks=pytest.mark.plain_only("the same executor as the OSCORE profile's run"))],
    ids=["m3-s2-kid-oscore", "m0-s0-x5t", "m3-s2-kid-message-4"])
def test_the_suite_runs_in_the_reverse_flow_against_the_reference_peer(harness, tmp_path,
                                                                        profile):
    """Issue 19 item 2: with a reverse-flow profile the harness is the CoAP server as
    Initiator and the client as Responder; the interop scenarios pass in both roles over
    CoAP and CoAP over TCP, every other scenario that runs passes too, and those the
    reverse flow cannot take are skipped saying so. The whole suite in the first profile;
    the interop scenarios in the others (the same executor paths), and in the sanitizer
    pass (the same paths again, at three times the CPU; the reverse fault and hostile
    tests run there too)."""
    whole = profile is KID_OSCORE and os.environ.get("EH_FLAVOR") != "asan"
    keylog = tmp_path / "keys.log"
    r, res = run_reverse(harness, tmp_path, reverse_peer(tmp_path, profile),
                         "--keylog", keylog, *(() if whole else ("--filter", "interop/*")))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
    ran = {k: x for k, x in res.items() if x["verdict"] != "skipped"}
    assert all(x["verdict"] == "pass" for x in ran.values()), \
        [(k, x["message"]) for k, x in ran.items() if x["verdict"] != "pass"]
    for role in ("initiator", "responder"):
        assert ("interop/handshake", role) in ran
        if profile["method"] == 3 and not profile.get("message_4"):
            assert ("interop/m3-s2-kid-tcp", role) in ran
    assert len(ran) >= (40 if whole else 4), len(ran)
    # the reverse flow on the wire: the harness Initiator served an empty POST, the
    # harness Responder sent one
    out = tmp_path / "out"
    i = (out / "iut-responder/interop_handshake.txt").read_text()
    assert "the harness is the CoAP server" in i and "<- an empty POST" in i, i
    rr = (out / "iut-initiator/interop_handshake.txt").read_text()
    assert "the harness is the CoAP client" in rr and "-> an empty POST" in rr, rr
    if profile.get("oscore"):
        assert "OSCORE request verified and answered" in i
    # the EDHOC dissector reads the reverse flow's captures (wireshark/edhoc.lua): the
    # trigger, message_1 and message_3 in responses, C_I || message_2 (and message_4) in
    # requests, every message decoded and decrypted as the harness decrypted it
    results = [dict(x, keylog=keylog) for x in run_reverse_results(tmp_path)
               if x["verdict"] != "skipped"]
    _, kinds = check_captures(results, tmp_path)
    assert {"trigger", "message_1", "message_2", "message_3"} <= kinds, kinds
    if whole:
        skipped = [x["message"] for x in res.values() if "forward message flow" in x["message"]]
        assert any("RFC 9668 combined request" in m for m in skipped), skipped
        assert any("raw UDP has no CoAP client" in m for m in skipped), skipped


@pytest.mark.parametrize("fault,role,scenario,text", [
    ("wrong-mac-2", "responder", "interop/handshake", "MAC_2"),
    ("wrong-mac-3", "initiator", "interop/handshake", "MAC_3"),
    ("reverse-no-prefix", "responder", "interop/handshake",
     "does not start with the C_I prefix 37"),
    ("skip-mac-3-check", "responder", "rfc9528/5.4.3/wrong-mac-3",
     "then exited with code 0: it completed the handshake, so it accepted that message_3")])
def test_a_faulty_iut_fails_in_the_reverse_flow(harness, tmp_path, fault, role, scenario, text):
    """A fault of the IUT in either role is found in the reverse flow: wrong MACs, a
    Responder whose POSTs lack the C_I prefix (R-A.2-b cited), and one that accepts a
    wrong MAC_3 in silence (no OSCORE, no message_4), which its exit status gives away."""
    profile = {"method": 3, "suite": 2, "credentials": {"id": "kid"}}
    peer = reverse_peer(tmp_path, profile,
                        responder_args=f"--fault {fault}" if role == "responder" else "",
                        initiator_args=f"--fault {fault}" if role == "initiator" else "")
    r, res = run_reverse(harness, tmp_path, peer, "--no-sanity", "--filter", scenario)
    assert r.returncode == 1, r.stdout + r.stderr
    x = res[(scenario, role)]
    assert x["verdict"] == "fail" and text in x["message"], x["message"]
    if fault == "reverse-no-prefix":
        assert "R-A.2-b" in x["message"]
        # the EDHOC dissector flags it too
        from dissect import decode
        rows = decode(x["pcap_path"], "-o", "udp.try_heuristic_first:TRUE")
        flagged = [r for r in rows if "message_2 without the prefix C_I" in r["_ws.expert"]]
        assert flagged and flagged[0]["edhoc.message"] == "message_2", rows
    other = res.get((scenario, "initiator" if role == "responder" else "responder"))
    assert other is None or other["verdict"] == "pass", other["message"]


def explore_reverse(harness, tmp_path, peer, role, *args, name="e"):
    out = tmp_path / name
    e = subprocess.run([str(harness), "explore", "--peer", str(peer), "--role", role,
                        "--depth", "4", "-j", "2", "--out", str(out), *map(str, args)],
                       capture_output=True, text=True, timeout=scaled(120), cwd=ROOT)
    js = out / "results.json"
    results = json.loads(js.read_text())["results"] if js.exists() else []
    return e, {x["id"]: x for x in results}


# (profile, IUT role, extra explore arguments): OSCORE or not decides how a Responder says
# that it accepted message_3 (its OSCORE request, or silence and exit status 0)
SAME_CODE = pytest.mark.plain_only("the same explore code as the sanitized cases")
EXPLORE_CASES = [
    pytest.param(KID_OSCORE, "responder", (), marks=SAME_CODE),
    (dict(KID_OSCORE, oscore=False), "responder", ()),
    pytest.param(KID_OSCORE, "initiator", (), marks=SAME_CODE),
    (dict(KID_OSCORE, message_4=True), "initiator", ("--message-4",)),
]


@pytest.mark.parametrize("profile,role,args", EXPLORE_CASES,
                         ids=["responder-oscore", "responder-no-oscore", "initiator-oscore",
                              "initiator-message-4"])
def test_explore_walks_the_reverse_flow_models(harness, tmp_path, profile, role, args):
    """Issue 19 item 2: with only reverse-flow profiles explore walks the reverse flow's
    models (harness/explore/model_ROLE_reverse.yaml): the IUT is started per sequence (a
    client Responder after the harness's server is bound, a server Initiator before the
    trigger), every input of the alphabet is exercised, and the healthy reference peer
    shows no deviation (exit 0)."""
    peer = reverse_peer(tmp_path, profile)
    e, res = explore_reverse(harness, tmp_path, peer, role, *args)
    assert e.returncode == 0, e.stdout + e.stderr
    assert f"model_{role}_reverse.yaml" in e.stdout, e.stdout
    m = re.search(r"(\d+) transitions of (\d+) exercised, 0 deviations", e.stdout)
    assert m and m.group(1) == m.group(2) and int(m.group(1)) >= 5, e.stdout
    assert res and all(r["id"].startswith(f"explore/{role}-reverse/") for r in res.values())
    assert {r["verdict"] for r in res.values()} <= {"pass", "non-strict"}, res


# A fault of the reference peer that the reverse flow's models must find (what `run`
# finds with rfc9528/5.4.3/wrong-mac-3, 5.3.3/wrong-mac-2 and 3.8's EAD scenarios), the
# transition where, and how the IUT answered.
EXPLORE_FAULTS = [
    # without OSCORE a Responder that accepts a bad message_3 says so by its exit status 0
    (dict(KID_OSCORE, oscore=False), "responder", "skip-mac-3-check",
     "explore/responder-reverse/sent-m2/m3-mac", "exit-0"),
    # with OSCORE it sends its OSCORE request
    (KID_OSCORE, "responder", "skip-mac-3-check", "explore/responder-reverse/sent-m2/m3-mac",
     "oscore"),
    # in message_1 and in message_3
    (KID_OSCORE, "responder", "accept-critical-ead",
     "explore/responder-reverse/start/m1-ead-critical", "message_2"),
    # an unregistered METHOD (what `run` finds with rfc9528/3.2/unsupported-method)
    (KID_OSCORE, "responder", "accept-any-method",
     "explore/responder-reverse/start/m1-method", "message_2"),
    # padding taken for a critical item, in message_1 and in message_3 (m3_padding)
    (KID_OSCORE, "responder", "reject-ead-padding",
     "explore/responder-reverse/start/m1-padding", "error"),
    (KID_OSCORE, "initiator", "skip-mac-2-check", "explore/initiator-reverse/sent-m1/m2-mac",
     "message_3"),
    (KID_OSCORE, "initiator", "accept-critical-ead",
     "explore/initiator-reverse/sent-m1/m2-ead-critical", "message_3"),
]


@pytest.mark.parametrize("profile,role,fault,where,answered", [
    pytest.param(*c, marks=() if i == 0 else SAME_CODE) for i, c in enumerate(EXPLORE_FAULTS)],
    ids=[f"{c[1]}-{c[2]}{'' if c[0].get('oscore') else '-no-oscore'}" for c in EXPLORE_FAULTS])
def test_explore_finds_faults_in_the_reverse_flow(harness, tmp_path, profile, role, fault,
                                                  where, answered):
    """The reverse flow's models tell a faulty IUT: the deviation at the transition where
    the fault shows, with a minimal sequence written as a scenario, exit 1."""
    key = "responder_args" if role == "responder" else "initiator_args"
    peer = reverse_peer(tmp_path, profile, **{key: f"--fault {fault}"})
    e, res = explore_reverse(harness, tmp_path, peer, role)
    assert e.returncode == 1, e.stdout + e.stderr
    failed = {k for k, r in res.items() if r["verdict"] == "fail"}
    also = {"explore/responder-reverse/sent-m2/m3-ead-critical"} \
        if fault == "accept-critical-ead" and role == "responder" else \
        {"explore/responder-reverse/sent-m2/m3-padding"} \
        if fault == "reject-ead-padding" else set()
    assert failed == {where} | also, e.stdout
    msg = res[where]["message"]
    assert f"answered with {answered};" in msg, msg
    path = re.search(r"scenario (\S+\.yaml)", msg).group(1)
    assert f"/explore/{role}-reverse" in path and pathlib.Path(path).is_file(), msg


@pytest.mark.plain_only("pair_judge's reverse flow runs sanitized in the unit tests")
def test_matrix_pairs_in_the_reverse_flow(harness, tmp_path):
    """Two IUTs that have only reverse-flow profiles make pairs in the reverse flow: the
    Initiator is started as the server, the relay in front of it, the Responder as the
    client; the relay sees the trigger, message_1 and message_3 in responses and C_I ||
    message_2 in a POST (trace 2's C_I, -24). A Responder whose POSTs lack C_I
    (reverse-no-prefix) fails its pairs naming it; a forward-only peer has no flow in
    common with them."""
    import yaml
    peers = []
    for name, args in (("ra", ""), ("rb", ""), ("rbad", "--fault reverse-no-prefix")):
        doc = yaml.safe_load(reverse_peer(tmp_path, KID_OSCORE, responder_args=args)
                             .read_text())
        doc["name"] = name
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
        peers.append(str(path))
    out = tmp_path / "m"
    m = subprocess.run([str(harness), "matrix", "--peers", *peers,
                        str(ROOT / "peers/reference.yaml"), "--scenarios",
                        "scenarios/interop/m3-s2-kid.yaml", "--out", str(out), "-j", "2"],
                       capture_output=True, text=True, timeout=scaled(240), cwd=ROOT)
    assert m.returncode == 1, m.stdout + m.stderr  # rbad's pairs fail
    doc = json.loads((out / "matrix.json").read_text())
    got = {(p["initiator"], p["responder"]): p["results"][0] for p in doc["pairs"]}
    for a in ("ra", "rb", "rbad"):
        for b in ("ra", "rb"):
            r = got[(a, b)]
            assert r["verdict"] == "pass", (a, b, r["message"])
            assert "reverse message flow" in r["message"]
        r = got[(a, "rbad")]
        assert r["verdict"] == "fail" and "does not start with C_I from message_1 (37)" in \
            r["message"], (a, r["message"])
        for x, y in ((a, "reference"), ("reference", a)):
            assert got[(x, y)]["verdict"] == "skipped"
            assert "no message flow in common" in got[(x, y)]["message"]
    assert got[("reference", "reference")]["verdict"] == "pass"
    t = (out / got[("ra", "rb")]["transcript_path"]).read_text()  # relative to DIR
    assert "<- trigger: payload 0 bytes" in t
    assert "-> message_1: payload 37 bytes (prefix 0, message 37)" in t
    assert "<- message_2: payload 46 bytes (prefix 1, message 45)" in t
    assert "-> message_3: payload 19 bytes (prefix 0, message 19)" in t


def test_an_iut_that_exits_at_once_tested_nothing(harness, tmp_path):
    """In the reverse flow too, an IUT that exits before sending anything (the Responder
    its trigger, the Initiator message_1) makes the job an error that says nothing was
    tested, not a failure of the IUT."""
    import yaml
    doc = yaml.safe_load(reverse_peer(tmp_path, KID_OSCORE).read_text())
    doc["initiator"]["command"] = doc["responder"]["command"] = 'sh -c "exit 0"'
    peer = tmp_path / "gone.yaml"
    peer.write_text(yaml.safe_dump(doc, sort_keys=False))
    r, res = run_reverse(harness, tmp_path, peer, "--no-sanity", "--filter", "interop/handshake")
    assert r.returncode != 0
    for iut_role in ("initiator", "responder"):
        x = res[("interop/handshake", iut_role)]
        assert x["verdict"] == "error", x
        assert "exited with code 0 before sending anything: nothing was tested" in x["message"]


@pytest.mark.parametrize("fault,role,scenario,verdict", [
    # the IUT Initiator, now the server, rejects message_2 with a bare 4.00: its way to
    # send no error message, graded as silence is in the forward flow (non-strict)
    ("no-error-message", "initiator", "mutations/message-2/truncated", "nonstrict"),
    # a message_3 that may be rejected or accepted, rejected in silence (exit 1): allowed
    ("no-error-message", "responder", "mutations/message-3/ciphertext-nondeterministic",
     "pass"),
    # the healthy peer without OSCORE or message_4: its silence after message_3 and its
    # exit 0 are its acceptance, not the non-strict silence the step also allows
    ("", "responder", "rfc9528/3.5.3/id-cred-several-parameters-i", "pass")])
def test_silent_answers_are_graded_as_in_the_forward_flow(harness, tmp_path, fault, role,
                                                          scenario, verdict):
    """Regressions: verdicts that the reverse flow first got wrong (a false FAIL, a false
    non-strict), each with the verdict the forward flow gives the same behaviour."""
    profile = {"method": 3, "suite": 2, "credentials": {"id": "kid"}}
    args = f"--fault {fault}" if fault else ""
    peer = reverse_peer(tmp_path, profile,
                        responder_args=args if role == "responder" else "",
                        initiator_args=args if role == "initiator" else "")
    r, res = run_reverse(harness, tmp_path, peer, "--no-sanity", "--filter", scenario)
    x = res[(scenario, role)]
    assert x["verdict"] == verdict, (x["verdict"], x["message"])


def test_an_iut_responder_that_is_already_there_takes_the_forward_flow(harness, tmp_path):
    """A per_run (or address) IUT Responder is a server: the reverse flow, whose
    Responder is the client, does not fit it. With only reverse profiles its jobs are
    skipped saying so; with a forward profile too they run in that one."""
    import yaml
    doc = yaml.safe_load(reverse_peer(tmp_path, KID_OSCORE).read_text())
    doc["responder"]["per_run"] = True
    only = tmp_path / "only-reverse.yaml"
    only.write_text(yaml.safe_dump(doc, sort_keys=False))
    r, res = run_reverse(harness, tmp_path, only, "--filter", "interop/handshake")
    x = res[("interop/handshake", "responder")]
    assert x["verdict"] == "skipped" and "whose Responder is the CoAP client" in x["message"], x
    assert res[("interop/handshake", "initiator")]["verdict"] == "pass"
    doc["profiles"].append(dict(KID_OSCORE))  # the same, forward
    both = tmp_path / "both.yaml"
    both.write_text(yaml.safe_dump(doc, sort_keys=False))
    r, res = run_reverse(harness, tmp_path, both, "--filter", "interop/handshake")
    assert r.returncode == 0, r.stdout + r.stderr
    x = res[("interop/handshake", "responder")]
    assert x["verdict"] == "pass" and not x["profile"].endswith("-reverse"), x


# ---------------------------------------------------------------- hostile IUTs, reverse

@pytest.mark.parametrize("iut_role,mode,reason", [
    # the IUT Responder is the CoAP client: the fake client of tests/fake_iut
    ("responder", "huge", "received something it cannot take: 1 request dropped"),
    ("responder", "flood", ""),  # random datagrams: any reason (run_case checks there is one)
    ("responder", "segv", "the IUT crashed"),
    ("responder", "ok", "expected the empty POST with which the IUT Responder starts"),
    # the IUT Initiator is the CoAP server: the fake server
    ("initiator", "huge", "expected a valid message_1"),
    ("initiator", "empty", "expected a valid message_1"),
    ("initiator", "len-64m1", "expected a valid message_1"),
    ("initiator", "block2-size2", "expected a valid message_1"),
    ("initiator", "never-ready", "never became ready"),
    ("initiator", "deaf", "expected a valid message_1")])
def test_hostile_iuts_in_the_reverse_flow(harness, tmp_path, monkeypatch, iut_role, mode,
                                          reason):
    """The hostile fakes of test_hostile.py (they speak the forward flow's trace 2, or
    nothing sensible) against the harness in the reverse flow, where its roles on the
    wire swap: the run still ends within its bound with a verdict and a reason, valid
    reports and bounded memory, never a crash or a hang."""
    import test_hostile as th
    fake = "hostile_initiator.py" if iut_role == "responder" else "hostile_responder.py"
    args = ("{transport} {host} {port}" if iut_role == "responder" else "{transport} {port}")
    ready = "none" if iut_role == "responder" else "listening"
    ready_ms = 300 if mode == "never-ready" else th.READY_MS
    text = (f'name: hostile-{mode}\nversion: "1"\n'
            f'profiles:\n  - {{method: 3, suite: 2, flow: reverse}}\n'
            f'{iut_role}:\n  command: "{th.PY} {th.FAKE}/{fake} {args} {mode}"\n'
            f'  ready: {ready}\n  timeout: {ready_ms}\n')
    monkeypatch.setattr(th, "peer_file", lambda role, m, r=None: text)
    x, _ = th.run_case(harness, tmp_path, iut_role, "coap", mode, 500)
    assert x["verdict"] in ("fail", "error") and reason in x["message"], x
    assert x["profile"].endswith("-reverse"), x
