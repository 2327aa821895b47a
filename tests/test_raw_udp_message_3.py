"""Over raw UDP, RFC 9528 defines no acknowledgment of message_3: a Responder that accepts
it without message_4 sends nothing (the reference peer's empty datagram is a habit of its
own, README "--transport udp"). The harness Initiator then takes silence within the step's
bound as acceptance where the step expects `accepted`, and sends message_3 once: a copy
sent again would be a duplicate, which a Responder may answer with an error message
(rfc9528/5.1/duplicate-message-3-udp allows that), and that error would have been blamed
on the IUT. The reference Initiator does the same.

The stand-in: the reference Responder behind tests/fake_iut/coap_shape_proxy.py no-ack,
which keeps its empty datagrams from the harness."""
import json
import pathlib
import subprocess

import pytest
import yaml

from dissect import udp_datagrams
from wall import scaled, timeout_args

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROXY = f"/usr/bin/python3 {ROOT}/tests/fake_iut/coap_shape_proxy.py no-ack {{port}} -- "


def silent_responder(tmp_path, oscore, peer_cred=None):
    """The reference Responder (METHOD 3, suite 2, kid, raw UDP) behind the proxy; with
    peer_cred it knows that credential only, not the harness's."""
    doc = yaml.safe_load((ROOT / "peers/reference.yaml").read_text())
    doc["capabilities"] = ["cred-files", "udp"]
    doc["profiles"] = [{"method": 3, "suite": 2, "credentials": {"id": "kid"},
                        "oscore": oscore}]
    cmd = doc["responder"]["command"]
    assert "--host {host} --port {port}" in cmd and "--peer-cred {peer_cred}" in cmd
    cmd = PROXY + cmd.replace("--host {host} --port {port}", "--host 127.0.0.1 --port IUT_PORT")
    if peer_cred:
        cmd = cmd.replace("--peer-cred {peer_cred}", f"--peer-cred {peer_cred}")
    doc["responder"]["command"] = cmd
    path = tmp_path / "peer.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def run(harness, tmp_path, peer, scenarios):
    js = tmp_path / "results.json"
    args = ["--role", "responder", "--no-sanity", "--timeout", "1500"]
    r = subprocess.run([str(harness), "run", *(str(ROOT / "scenarios" / s) for s in scenarios),
                        "--peer", str(peer), "--json", str(js), "--out", str(tmp_path / "out"),
                        *args, *timeout_args(args)],
                       capture_output=True, text=True, timeout=scaled(120), cwd=ROOT)
    assert js.exists(), r.stdout + r.stderr
    return r, json.loads(js.read_text())["results"]


@pytest.mark.parametrize("oscore", [False, True])
def test_a_raw_udp_responder_that_accepts_message_3_silently_passes(harness, tmp_path, oscore):
    r, results = run(harness, tmp_path, silent_responder(tmp_path, oscore),
                     ["interop/handshake-udp.yaml", "interop/m3-s2-kid-udp.yaml"])
    assert [x["verdict"] for x in results] == ["pass", "pass"], r.stdout
    assert r.returncode == 0, r.stdout + r.stderr
    for x in results:
        text = pathlib.Path(x["transcript_path"]).read_text()
        assert "message_3 accepted (over raw UDP, without message_4, nothing answers it: " \
               "RFC 9528 defines no acknowledgment)" in text, text
        if oscore:
            assert "OSCORE /hello -> 2.05" in text, text
        # message_1 and message_3 went once each: no duplicate message_3
        ports = {}
        for port, d in udp_datagrams(x["pcap_path"]):
            ports.setdefault(port, []).append(d)
        harness_port = next(p for p, ds in ports.items() if ds[0][:1] == b"\xf5")
        edhoc = [d for d in ports[harness_port] if not d or d[0] >> 6 != 1]  # not CoAP
        assert len(edhoc) == 2, [d.hex() for d in ports[harness_port]]


def test_a_raw_udp_responder_that_rejects_message_3_with_an_error_still_fails(harness,
                                                                            tmp_path):
    """Silence is taken for acceptance; an error message within the bound is not: a
    Responder that does not know the harness's credential rejects message_3 (ID_CRED_I
    names none it has) and says so."""
    r, results = run(harness, tmp_path,
                     silent_responder(tmp_path, False, peer_cred="gen-ed25519-sig-o"),
                     ["interop/handshake-udp.yaml"])
    assert [x["verdict"] for x in results] == ["fail"], r.stdout
    assert "expected an empty success response (accepted), received error 3" in \
        results[0]["message"], results[0]["message"]
    assert r.returncode == 1, r.stdout
