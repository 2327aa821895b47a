"""The reverse message flow of RFC 9528 Appendix A.2.2 in the reference peer (issue 19
item 2): the Initiator is the CoAP server, the Responder the client that triggers the
session with an empty POST. Known answers: RFC 9529 trace 2's messages, and libcoap's
own coap-client as the triggering client."""
import json
import pathlib
import shutil
import subprocess

import pytest

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
