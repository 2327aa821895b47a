"""A CoAP client that retransmits is conforming (RFC 7252 §4.2): its stack sends a
Confirmable request again, with the same Message ID, when its ACK timer (1 s for some
stacks, and for the reference peer with a short --timeout) runs out before the answer
came, e.g. on a loaded CI machine or through a relay. The harness as CoAP server must
process such a request once (§4.5), not judge one EDHOC message twice. libcoap 4.3.1
keeps no cache of its own (the unit test test_retransmitted_request_is_processed_once
shows that); these tests put a network that delivers every datagram twice
(tests/fake_iut/dup_proxy.py) between the IUT and the harness; over raw UDP, one that also
changes the second copy's source port."""
import json
import pathlib
import subprocess

import pytest
import yaml

from wall import scaled, timeout_args

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROXY = f"/usr/bin/python3 {ROOT}/tests/fake_iut/dup_proxy.py {{host}} {{port}} -- "


def peer_behind_duplicating_network(tmp_path, flow):
    """peers/reference.yaml, one profile (METHOD 3, suite 2, kid, OSCORE) in the given
    flow; its CoAP client (the Initiator in the forward flow, the Responder in the
    reverse one) talks to the harness through the proxy."""
    doc = yaml.safe_load((ROOT / "peers/reference.yaml").read_text())
    doc["capabilities"] = ["cred-files", "coap", "udp", "rfc9668", "vectors"]
    doc["profiles"] = [{"method": 3, "suite": 2, "credentials": {"id": "kid"}, "oscore": True,
                        "flow": flow}]
    role = "initiator" if flow == "forward" else "responder"
    cmd = doc[role]["command"]
    assert "--host {host} --port {port}" in cmd
    doc[role]["command"] = PROXY + cmd.replace("--host {host} --port {port}",
                                               "--host 127.0.0.1 --port PROXY_PORT")
    path = tmp_path / "peer.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path, role


def run(harness, tmp_path, peer, role, scenario):
    js = tmp_path / "results.json"
    args = ["--role", role, "--no-sanity"]
    r = subprocess.run([str(harness), "run", str(ROOT / scenario), "--peer", str(peer),
                        "--json", str(js), "--out", str(tmp_path / "out"), *args,
                        *timeout_args(args)],
                       capture_output=True, text=True, timeout=scaled(120), cwd=ROOT)
    assert js.exists(), r.stdout + r.stderr
    return r, json.loads(js.read_text())["results"]


def check_duplicates_answered_once(harness, tmp_path, flow):
    peer, role = peer_behind_duplicating_network(tmp_path, flow)
    r, results = run(harness, tmp_path, peer, role, "scenarios/interop/m3-s2-kid.yaml")
    assert len(results) == 1, r.stdout
    res = results[0]
    text = pathlib.Path(res["transcript_path"]).read_text()
    assert res["verdict"] == "pass", res["message"] + "\n" + text
    assert r.returncode == 0, r.stdout + r.stderr
    # every request of the IUT came twice (message_1/3 or C_I||message_2/4, the OSCORE
    # request), each was judged once and its duplicate answered as before
    assert "sent 1 request again with the same Message ID (a retransmission): answered " \
           "as before, not judged again (RFC 7252 §4.5)" in text, text
    return text


def test_a_retransmitting_iut_initiator_passes(harness, tmp_path):
    """Forward flow: the IUT Initiator's message_1, message_3 and OSCORE request each
    arrive twice at the harness Responder; the scenario passes."""
    text = check_duplicates_answered_once(harness, tmp_path, "forward")
    assert "OSCORE request verified and answered" in text


def test_a_retransmitting_iut_responder_in_the_reverse_flow_passes(harness, tmp_path):
    """Reverse flow (RFC 9528 Appendix A.2.2): the IUT Responder is the CoAP client; its
    trigger and its C_I-prefixed message_2 arrive twice at the harness Initiator."""
    check_duplicates_answered_once(harness, tmp_path, "reverse")


@pytest.mark.parametrize("transport", ["udp", "coap"])
def test_an_initiator_whose_address_changes_between_copies_passes(harness, tmp_path,
                                                                  transport):
    """Every datagram of the IUT Initiator arrives twice, the second copy from another
    source port (dup_proxy.py --rebind: a NAT rebinding, a stack with a socket per
    datagram). Over raw UDP a byte-identical datagram is a retransmission whoever's port
    it comes from; over CoAP so is a request with the same Message ID, token and payload
    (RFC 7252 deduplicates per endpoint, but a scenario has one client). Each is answered
    as before, never judged as a new message_1 reusing its G_X."""
    doc = yaml.safe_load((ROOT / "peers/reference.yaml").read_text())
    doc["capabilities"] = ["cred-files", transport]
    doc["profiles"] = [{"method": 3, "suite": 2, "credentials": {"id": "kid"}, "oscore": True}]
    cmd = doc["initiator"]["command"]
    doc["initiator"]["command"] = PROXY.replace("dup_proxy.py", "dup_proxy.py --rebind") + \
        cmd.replace("--host {host} --port {port}", "--host 127.0.0.1 --port PROXY_PORT")
    peer = tmp_path / "peer.yaml"
    peer.write_text(yaml.safe_dump(doc, sort_keys=False))
    scenarios = (("scenarios/interop/handshake-udp.yaml",
                  "scenarios/rfc9528/5.1/no-error-while-waiting-r.yaml") if transport == "udp"
                 else ("scenarios/interop/handshake.yaml",
                       "scenarios/rfc9528/5.3.3/wrong-mac-2.yaml"))
    for scenario in scenarios:
        d = tmp_path / pathlib.Path(scenario).stem
        d.mkdir()
        r, results = run(harness, d, peer, "initiator", scenario)
        assert [x["verdict"] for x in results] == ["pass"], r.stdout
        text = pathlib.Path(results[0]["transcript_path"]).read_text()
        if transport == "udp":
            assert "IUT retransmitted its last datagram (38 bytes) from another address" in \
                text, text
        else:
            assert "request again with the same Message ID (a retransmission): answered as " \
                "before, not judged again (RFC 7252 §4.5)" in text, text
