"""CoAP lets an endpoint shape its messages in ways the reference peer does not (libcoap
answers a Confirmable request piggybacked, and sends Confirmable requests): a Responder
may answer in a separate response (RFC 7252 §5.2.2: an empty ACK, then a Confirmable
response with a Message ID of its own), a client may send Non-confirmable requests (§2.2),
which get Non-confirmable responses (§5.2.3), and a client may send each request from a
socket of its own (RFC 9528 Appendix A.2 correlates message_3 by its C_R prefix, not by
the address). An IUT that does any of these is conforming; the harness must judge its EDHOC messages as it judges the reference peer's.

tests/fake_iut/coap_shape_proxy.py reshapes the reference peer's messages on the way; the
pcap shows that the harness saw the reshaped ones. A faulty peer behind the same proxy
still fails: the verdicts come from the EDHOC messages, whatever carries them."""
import json
import pathlib
import subprocess

import pytest
import yaml

from dissect import udp_datagrams
from wall import scaled, timeout_args

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROXY = f"/usr/bin/python3 {ROOT}/tests/fake_iut/coap_shape_proxy.py"

RESPONDER_SCENARIOS = [
    "interop/handshake.yaml",
    "rfc9528/6.3/selected-suite-unsupported.yaml",  # an error response (code, CF 64)
    "rfc9528/5.4.3/wrong-mac-3.yaml",               # an error answering message_3
    "rfc9528/7/duplicate-message-1.yaml",           # the same message_2 again
    "rfc9528/5.1/message-3-without-session.yaml",
    "rfc9528/5.1/garbage-after-completion.yaml",
    "rfc9528/9.7/amplification.yaml",               # sizes of the datagrams
]
INITIATOR_SCENARIOS = [
    "interop/handshake.yaml",
    "rfc9528/5.3.3/wrong-mac-2.yaml",               # the IUT's error message in a request
    "rfc9528/6.1/err-code-0-aborts-silently.yaml",
    "rfc9528/3.8/unknown-critical-ead-2.yaml",
]


def shaped_peer(tmp_path, role, shape, fault=None):
    """peers/reference.yaml in one profile (METHOD 3, suite 2, kid, CoAP over UDP, no
    OSCORE); the IUT of `role` talks to the harness through the proxy in `shape`."""
    doc = yaml.safe_load((ROOT / "peers/reference.yaml").read_text())
    doc["capabilities"] = ["cred-files", "coap"]
    doc["profiles"] = [{"method": 3, "suite": 2, "credentials": {"id": "kid"}}]
    cmd = doc[role]["command"]
    assert "--host {host} --port {port}" in cmd
    if role == "responder":
        cmd = f"{PROXY} {shape} {{port}} -- " + cmd.replace(
            "--host {host} --port {port}", "--host 127.0.0.1 --port IUT_PORT")
    else:
        cmd = f"{PROXY} {shape} {{port}} -- " + cmd.replace(
            "--host {host} --port {port}", "--host 127.0.0.1 --port PROXY_PORT")
    if fault:
        cmd += f" --fault {fault}"
    doc[role]["command"] = cmd
    path = tmp_path / "peer.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def run(harness, tmp_path, peer, role, scenarios):
    js = tmp_path / "results.json"
    args = ["--role", role, "--no-sanity"]
    r = subprocess.run([str(harness), "run", *(str(ROOT / "scenarios" / s) for s in scenarios),
                        "--peer", str(peer), "--json", str(js), "--out", str(tmp_path / "out"),
                        *args, *timeout_args(args)],
                       capture_output=True, text=True, timeout=scaled(180), cwd=ROOT)
    assert js.exists(), r.stdout + r.stderr
    return r, json.loads(js.read_text())["results"]


def udp_payloads(pcap):
    return [d for _, d in udp_datagrams(pcap)]


def coap_headers(pcap):
    """(type, code) of every CoAP datagram of the pcap."""
    return [((d[0] >> 4) & 3, d[1]) for d in udp_payloads(pcap)
            if len(d) >= 4 and d[0] >> 6 == 1]


CON, NON, ACK = 0, 1, 2
POST, CHANGED = 0x02, 0x44


@pytest.mark.parametrize("role,shape", [("responder", "separate"), ("initiator", "non"),
                                        ("initiator", "newport")])
def test_an_iut_that_shapes_its_coap_messages_otherwise_passes(harness, tmp_path, role, shape):
    scenarios = RESPONDER_SCENARIOS if role == "responder" else INITIATOR_SCENARIOS
    r, results = run(harness, tmp_path, shaped_peer(tmp_path, role, shape), role, scenarios)
    assert len(results) == len(scenarios), r.stdout
    bad = [(x["id"], x["verdict"], x["message"]) for x in results if x["verdict"] != "pass"]
    assert not bad, r.stdout
    assert r.returncode == 0, r.stdout + r.stderr
    handshake = next(x for x in results if x["id"] == "interop/handshake")
    shapes = coap_headers(handshake["pcap_path"])
    if shape == "separate":
        # message_2 came in a separate response: an empty ACK, then a CON 2.04
        assert (ACK, 0) in shapes and (CON, CHANGED) in shapes, shapes
        assert not any(t == ACK and c != 0 for t, c in shapes), shapes  # none piggybacked
        # the separate response is a datagram of its own: its size is measured (§9.7)
        amp = next(x for x in results if x["id"] == "rfc9528/9.7/amplification")
        datagrams = [len(d) for d in udp_payloads(amp["pcap_path"])]
        # message_1's POST, the empty ACK, the CON 2.04 with message_2, the harness's ACK
        assert datagrams[1] == 4 and len(datagrams) == 4, datagrams
        assert amp["amplification"]["request_datagram_bytes"] == datagrams[0], amp
        assert amp["amplification"]["reply_datagram_bytes"] == datagrams[2], amp
    elif shape == "non":
        # the IUT's POSTs were NON, and so were the harness's 2.04
        assert (NON, POST) in shapes and (NON, CHANGED) in shapes, shapes
        assert (CON, POST) not in shapes, shapes
    else:
        # message_1 and message_3 came from two source ports
        posts = [port for port, d in udp_datagrams(handshake["pcap_path"])
                 if len(d) >= 4 and d[1] == POST]
        assert len(posts) == 2 and posts[0] != posts[1], posts


@pytest.mark.parametrize("role,fault", [("responder", "wrong-mac-2"),
                                        ("initiator", "wrong-mac-3")])
def test_a_faulty_iut_behind_the_same_shapes_still_fails(harness, tmp_path, role, fault):
    shape = "separate" if role == "responder" else "non"
    r, results = run(harness, tmp_path, shaped_peer(tmp_path, role, shape, fault), role,
                     ["interop/handshake.yaml"])
    assert [x["verdict"] for x in results] == ["fail"], r.stdout
    assert "MAC" in results[0]["message"], results[0]["message"]
    assert r.returncode == 1, r.stdout + r.stderr


def test_no_reset_storm_with_an_iut_that_speaks_raw_udp(harness, tmp_path):
    """A peer file that claims CoAP for an IUT that speaks raw UDP (a slip in the file):
    the IUT answers the harness's CoAP request with an EDHOC error datagram, which is not
    CoAP (RFC 7252 §3: silently ignored). libcoap 4.3.1 answered it with a Reset, the IUT
    answered the Reset with another error, and so on: over a hundred thousand datagrams
    in the step's two seconds. Now the datagram is dropped and named in the verdict."""
    doc = yaml.safe_load((ROOT / "peers/reference.yaml").read_text())
    doc["capabilities"] = ["cred-files", "coap"]
    doc["profiles"] = [{"method": 3, "suite": 2, "credentials": {"id": "kid"}}]
    doc["responder"]["command"] = doc["responder"]["command"].replace(
        "--transport {transport}", "--transport udp")
    peer = tmp_path / "peer.yaml"
    peer.write_text(yaml.safe_dump(doc, sort_keys=False))
    r, results = run(harness, tmp_path, peer, "responder", ["interop/handshake.yaml"])
    assert [x["verdict"] for x in results] == ["fail"], r.stdout
    assert "expected a valid message_2, received nothing (timeout); " in results[0]["message"]
    assert "ignored for not being CoAP messages (RFC 7252 §3)" in results[0]["message"]
    # the harness's CoAP request and its retransmissions, the IUT's answers: no ping-pong
    assert len(udp_payloads(results[0]["pcap_path"])) < 20
