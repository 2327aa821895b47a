"""The reference Initiator against the reference Responder over CoAP and raw
UDP on loopback (IPv4 and IPv6): every METHOD, suite and credential kind,
message_4, EAD, RFC 9668, followed by the OSCORE exchange."""
import json
import pathlib

import pytest

from peerutil import Responder, initiator
from wall import scaled

# make test runs this module with the shipped binary only (conftest.py, plain_only):
# the same handshakes (every METHOD x suite x kind, both roles) run under the sanitizers
# as interop/matrix in test_run.py's whole-suite run.
pytestmark = pytest.mark.plain_only

ROOT = pathlib.Path(__file__).resolve().parent.parent
SUITES = [0, 1, 2, 3, 4, 5, 6, 24, 25]
KINDS = ["kid", "kccs", "x5t", "x5chain"]


@pytest.fixture(scope="module")
def creds(tmp_path_factory, harness):
    """Credential files for every suite's keys, cut from generated vectors:
    CCS for kid/kccs, certificates for x5t/x5chain (the generator's files
    hold the keys; the loader reads them back)."""
    import subprocess
    out = tmp_path_factory.mktemp("gen")
    r = subprocess.run([str(harness), "vectors", "generate", "--all", "--seed", "11",
                        "--out", str(out)], capture_output=True, text=True, timeout=scaled(120))
    assert r.returncode == 0, r.stderr
    return out


def run_pair(harness, transport, init_args=(), resp_args=(), host="127.0.0.1"):
    with Responder(harness, *resp_args, transport=transport, host=host, cwd=ROOT) as resp:
        r = initiator(harness, resp, *init_args, transport=transport, cwd=ROOT)
        rc, out, err = resp.stop()
    return r, out


@pytest.mark.parametrize("transport", ["coap", "udp"])
@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_default_handshake_and_oscore(harness, transport, host):
    r, resp_out = run_pair(harness, transport, host=host)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "PASS: handshake and OSCORE" in r.stdout
    assert 'OSCORE /hello -> 2.05 "Hello from edhoc-harness"' in r.stdout
    assert "1 handshakes completed, 1 OSCORE requests served" in resp_out


@pytest.mark.parametrize("transport", ["coap", "udp"])
@pytest.mark.parametrize("method", [0, 1, 2, 3])
def test_every_method_with_message_4_and_ead(harness, transport, method):
    ead = ["--ead-1", "0:e9", "--ead-3", "100:00"]
    r, resp_out = run_pair(harness, transport,
                           ["--method", method, "--message-4", *ead],
                           ["--message-4", "--ead-2", "0", "--ead-4", "100:01"])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "PASS: handshake with message_4 and OSCORE" in r.stdout


@pytest.mark.parametrize("transport", ["coap", "udp"])
def test_responder_without_oscore(harness, transport):
    """`peer responder --no-oscore` stands for a peer without OSCORE: the
    handshake completes, an OSCORE request gets 4.02 Bad Option (the option
    is an unrecognized critical one, RFC 7252 §5.4.1), and an Initiator told
    --no-oscore completes without asking."""
    r, resp_out = run_pair(harness, transport, resp_args=["--no-oscore"])
    assert r.returncode == 1, r.stdout + r.stderr
    assert "4.02" in r.stdout, r.stdout
    assert "OSCORE request answered 4.02 (--no-oscore)" in resp_out
    r, resp_out = run_pair(harness, transport, ["--no-oscore"], ["--no-oscore"])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 handshakes completed, 0 OSCORE requests served" in resp_out


@pytest.mark.parametrize("transport", ["coap", "udp"])
def test_rfc9668_combined_request(harness, transport):
    r, resp_out = run_pair(harness, transport, ["--combined"])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "PASS: handshake (RFC 9668 combined request) and OSCORE" in r.stdout
    assert "1 OSCORE requests served" in resp_out


def test_transcript_and_oscore_context_files(harness, tmp_path):
    t, o = tmp_path / "t.json", tmp_path / "o.json"
    r, _ = run_pair(harness, "coap", ["--transcript", t, "--oscore-out", o])
    assert r.returncode == 0
    doc = json.loads(t.read_text())
    kinds = [m["kind"] for m in doc["messages"]]
    assert kinds[:4] == ["message_1", "response", "message_3", "response"]
    assert doc["messages"][0]["hex"].startswith("f5")  # Appendix A.2 prefix
    assert doc["messages"][0]["diag"].startswith("true, 3, 2, h'")
    assert "prk_out" in doc["values"] and doc["verdict"].startswith("PASS")
    ctx = json.loads(o.read_text())
    assert ctx["recipient_id"] == "37" and ctx["aead_alg"] == 10 and len(ctx["master_secret"]) == 32


def generated(tmp_path_factory, harness, seed):
    import subprocess
    out = tmp_path_factory.mktemp("vec")
    r = subprocess.run([str(harness), "vectors", "generate", "--all", "--seed", str(seed),
                        "--out", str(out)], capture_output=True, text=True, timeout=scaled(120))
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def matrix_dir(tmp_path_factory, harness):
    return generated(tmp_path_factory, harness, 21)


MATRIX = [f"m{m}-s{s}-{k}" for m in range(4) for s in SUITES for k in KINDS] + \
         [f"m{m}-s{s}-kid-ead-msg4" for m in range(4) for s in SUITES]
# each combination over one transport, CoAP and raw UDP in turn: every METHOD x suite
# has two kinds over each, every kind meets both (make e2e-full does not add the rest:
# the transports are tested with every METHOD in the tests above)
MATRIX_RUNS = [(name, ("coap", "udp")[(i // 4 + i % 4) % 2]) for i, name in enumerate(MATRIX)]


@pytest.mark.parametrize("name,transport", MATRIX_RUNS)
def test_matrix_on_the_wire(harness, matrix_dir, transport, name, tmp_path):
    """Every METHOD x suite x credential kind (and EAD + message_4), with the
    keys of a generated vector: the wire carries exactly the vector's
    messages, and the OSCORE exchange succeeds."""
    vec = matrix_dir / f"{name}.json"
    doc = json.loads(vec.read_text())
    t = tmp_path / "t.json"
    r, resp_out = run_pair(harness, transport, ["--vector", vec, "--transcript", t],
                           ["--vector", vec])
    assert r.returncode == 0, r.stdout + r.stderr + resp_out
    sent = [m for m in json.loads(t.read_text())["messages"] if m["direction"] == "sent"]
    assert sent[0]["hex"] == "f5" + doc["message_1"]
    assert sent[1]["hex"] == doc["c_r_cbor"] + doc["message_3"]
    if doc["_selected_suite"] == 25:  # SHAKE256: no HKDF for OSCORE (RFC 8613 §3.2)
        assert "OSCORE not available for suite 25" in r.stdout
    else:
        assert "and OSCORE" in r.stdout and "1 OSCORE requests served" in resp_out


@pytest.mark.parametrize("transport", ["coap", "udp"])
def test_deterministic_trace_2(harness, transport, tmp_path):
    """RFC 9529 trace 2 on the wire: the payloads are 0xf5||message_1,
    message_2 and C_R||message_3 of the trace, and the OSCORE master secret
    and salt are the trace's."""
    vec = ROOT / "vectors/rfc9529-trace2.json"
    doc = json.loads(vec.read_text())
    ti, tr, o = tmp_path / "i.json", tmp_path / "r.json", tmp_path / "o.json"
    with Responder(harness, "--vector", vec, "--transcript", tr, transport=transport,
                   cwd=ROOT) as resp:
        r = initiator(harness, resp, "--vector", vec, "--transcript", ti, "--oscore-out", o,
                      transport=transport, cwd=ROOT)
        resp.stop()
    assert r.returncode == 0, r.stdout + r.stderr
    msgs = json.loads(ti.read_text())["messages"]
    assert msgs[0]["kind"] == "message_1" and msgs[0]["hex"] == "f5" + doc["message_1"]
    assert msgs[1]["hex"] == doc["message_2"]
    assert msgs[2]["kind"] == "message_3" and msgs[2]["hex"] == "27" + doc["message_3"]
    rsent = [m for m in json.loads(tr.read_text())["messages"] if m["direction"] == "sent"]
    assert rsent[0]["kind"] == "message_2" and rsent[0]["hex"] == doc["message_2"]
    ctx = json.loads(o.read_text())
    assert ctx["master_secret"] == doc["oscore_master_secret"]
    assert ctx["master_salt"] == doc["oscore_master_salt"]
    assert ctx["sender_id"] == doc["oscore_client_sender_id"]


def test_third_party_coap_client_gets_trace_2_message_2(harness, tmp_path):
    """libcoap's own coap-client-notls POSTs the trace-2 message_1 and
    receives exactly the trace's message_2."""
    import shutil
    import subprocess
    client = shutil.which("coap-client-notls")
    assert client, "coap-client-notls (Debian libcoap3-bin) is required"
    doc = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
    m1, m2 = tmp_path / "m1", tmp_path / "m2"
    m1.write_bytes(bytes.fromhex("f5" + doc["message_1"]))
    with Responder(harness, "--vector", ROOT / "vectors/rfc9529-trace2.json", cwd=ROOT) as resp:
        r = subprocess.run([client, "-m", "post", "-t", "65", "-f", str(m1), "-o", str(m2),
                            f"coap://127.0.0.1:{resp.port}/.well-known/edhoc"],
                           capture_output=True, text=True, timeout=scaled(30))
        resp.stop()
    assert r.returncode == 0, r.stderr
    assert m2.read_bytes().hex() == doc["message_2"]


def test_unknown_c_r_gets_an_error_response(harness, tmp_path):
    """message_3 for a C_R that names no session: a 4.00 error response with
    an EDHOC error message (ERR_CODE 1), seen by a third-party client."""
    import shutil
    import subprocess
    client = shutil.which("coap-client-notls")
    doc = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
    p = tmp_path / "m3"
    p.write_bytes(bytes.fromhex("27" + doc["message_3"]))
    t = tmp_path / "t.json"
    with Responder(harness, "--transcript", t, cwd=ROOT) as resp:
        r = subprocess.run([client, "-m", "post", "-t", "65", "-f", str(p),
                            f"coap://127.0.0.1:{resp.port}/.well-known/edhoc"],
                           capture_output=True, timeout=scaled(30))
        rc, text, _ = resp.stop()
    # coap-client prints "<code> <payload>" for error responses
    shown = r.stdout + r.stderr
    assert shown.startswith(b"4.00 ") and b"no session for this C_R" in shown, shown
    sent = json.loads(t.read_text())["messages"][-1]
    assert sent["kind"] == "error" and sent["coap_code"] == "4.00"
    assert sent["diag"] == '1, "no session for this C_R"'  # ERR_CODE 1, ERR_INFO text
    assert rc == 0 and "1 errors sent" in text


def test_block_wise_large_messages(harness):
    """A 2000-byte EAD_2 makes message_2 larger than one CoAP datagram:
    Block-wise (RFC 7959) carries it."""
    big = "0:" + "ab" * 2000
    r, resp_out = run_pair(harness, "coap", ["--ead-1", big], ["--ead-2", big])
    assert r.returncode == 0, r.stdout + r.stderr


def test_timeout_exit_code(harness):
    import subprocess
    import time
    t0 = time.monotonic()
    r = subprocess.run([str(harness), "peer", "initiator", "--port", "9", "--timeout", "500"],
                       capture_output=True, text=True, timeout=scaled(30), cwd=ROOT)
    assert r.returncode == 3, r.stdout + r.stderr
    assert time.monotonic() - t0 < 10
    r = subprocess.run([str(harness), "peer", "initiator", "--transport", "udp", "--port", "9",
                        "--timeout", "500"], capture_output=True, text=True, timeout=scaled(30),
                       cwd=ROOT)
    assert r.returncode == 3, r.stdout + r.stderr


def test_misbehaving_peer_gets_a_verdict(harness):
    """The Initiator trusts another Responder credential: message_2 fails
    with a verdict naming the field and the RFC section, exit 1."""
    r, resp_out = run_pair(harness, "coap",
                           ["--peer-cred", "rfc9529-trace2-i"])  # wrong kid for the Responder
    assert r.returncode == 1, r.stdout + r.stderr
    assert "FAIL: message_2 from the Responder" in r.stdout
    assert "ID_CRED_R" in r.stdout and "RFC 9528 §6.4" in r.stdout


@pytest.mark.parametrize("args", [["bogus"], ["initiator", "--transport", "tcp"],
                                  ["initiator", "--port", "70000"], ["responder", "--suites", "7"],
                                  ["initiator", "--cred", "nonexistent"], ["initiator", "--x"]])
def test_usage_errors(run, args):
    r = run("peer", *args)
    assert r.returncode == 2
    assert r.stderr.strip()


@pytest.mark.parametrize("transport", ["coap", "udp"])
def test_raw_framing_against_auto_responder(harness, transport, tmp_path):
    """Deployed stacks that send bare messages: a Responder in auto mode
    answers them and reports the deviation from Appendix A.2."""
    t = tmp_path / "t.json"
    r, resp_out = run_pair(harness, transport, ["--framing", "raw"],
                           ["--framing", "auto", "--transcript", t])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "deviation: message_1 without the `true` prefix" in resp_out
    assert any("bare message_1" in n for n in json.loads(t.read_text())["notes"])
    r, resp_out = run_pair(harness, transport, [], ["--framing", "auto"])
    assert r.returncode == 0 and "deviation" not in resp_out


def test_raw_framing_against_strict_responder(harness):
    """A strict Responder answers a bare message_1 with an EDHOC error
    (4.00, ERR_CODE 1) and the Initiator reports it: no hang."""
    r, resp_out = run_pair(harness, "coap", ["--framing", "raw"], ["--framing", "rfc9528"])
    assert r.returncode == 1, r.stdout + r.stderr
    assert "ERR_CODE 1" in r.stdout and "prefix" in r.stdout


@pytest.mark.parametrize("framing", ["rfc9528", "raw"])
def test_udp_retransmissions_get_the_identical_answer(harness, framing):
    """Raw UDP has no deduplication: a retransmitted message_1 or message_3
    (byte-identical, same client) gets the identical answer again, never a
    second session or an error (RFC 9528 §7). Known answers: RFC 9529
    trace 2, with the Responder's ephemeral key and C_R from the trace."""
    import socket
    doc = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
    raw = framing == "raw"
    m1 = bytes.fromhex(("" if raw else "f5") + doc["message_1"])
    m3 = bytes.fromhex(("" if raw else doc["c_r_cbor"]) + doc["message_3"])
    with Responder(harness, "--vector", ROOT / "vectors/rfc9529-trace2.json",
                   "--framing", "auto", transport="udp", cwd=ROOT) as resp:
        fam = socket.AF_INET
        with socket.socket(fam, socket.SOCK_DGRAM) as s:
            s.settimeout(20)
            s.connect(("127.0.0.1", resp.port))
            answers = []
            for m in (m1, m1, m3, m3):
                s.send(m)
                answers.append(s.recv(65535))
        rc, out, _ = resp.stop()
    assert answers[0].hex() == doc["message_2"] and answers[1] == answers[0]
    m4 = bytes.fromhex(doc["message_4"])  # the trace has message_4
    assert answers[2] == m4 and answers[3] == m4, answers
    assert rc == 0 and "1 handshakes completed" in out and "0 errors sent" in out, out


def test_coap_over_tcp_with_an_independent_client(harness, tmp_path):
    """CoAP over TCP (RFC 8323): Debian's coap-client-notls posts RFC 9529
    trace 2's message_1 with the `true` prefix to the Responder over TCP and
    gets the trace's message_2 (the vector fixes the Responder's keys)."""
    import shutil
    import subprocess
    client = shutil.which("coap-client-notls")
    assert client, "coap-client-notls (Debian libcoap3-bin) is required"
    doc = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
    m1, m2 = tmp_path / "m1", tmp_path / "m2"
    m1.write_bytes(bytes.fromhex("f5" + doc["message_1"]))
    with Responder(harness, "--vector", ROOT / "vectors/rfc9529-trace2.json",
                   transport="coap-tcp", cwd=ROOT) as resp:
        r = subprocess.run([client, "-m", "post", "-t", "65", "-f", str(m1), "-o", str(m2),
                            f"coap+tcp://127.0.0.1:{resp.port}/.well-known/edhoc"],
                           capture_output=True, text=True, timeout=scaled(30))
        resp.stop()
    assert r.returncode == 0, r.stderr
    assert m2.read_bytes().hex() == doc["message_2"]


def test_handshake_over_coap_tcp(harness):
    r, resp_out = run_pair(harness, "coap-tcp", ["--message-4"], ["--message-4"])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "PASS: handshake with message_4 and OSCORE" in r.stdout
    assert "listening on coap+tcp://" in resp_out


@pytest.mark.parametrize("transport", ["coap", pytest.param("udp", marks=pytest.mark.plain_only)])
def test_a_message_2_that_needs_appendix_g(harness, transport):
    """issue 17: a Responder whose EAD_2 (a padding item of 8200 bytes) makes PLAINTEXT_2
    longer than 255 x 32 bytes encrypts it with the keystream of RFC 9528 Appendix G
    (checked against an independent HKDF in test_vectors_ead_long.py); the reference
    Initiator decrypts it and the handshake completes, over CoAP (message_2 in Block2
    blocks) and over raw UDP (one 8.3 kB datagram). --ead-2 took at most 4000 bytes."""
    r, resp_out = run_pair(harness, transport, [], ["--ead-2", "0:00*8200"])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "PASS: handshake and OSCORE" in r.stdout


def test_an_application_defined_edhoc_path(harness, tmp_path):
    """RFC 9528 Appendix A.2: an application may define its own EDHOC resource
    (`--edhoc-path`, issue 19: a test picked by its path). libcoap's coap-client gets
    trace 2's message_2 from the Responder at that path, and 4.04 at the well-known one;
    the reference Initiator reaches it with the same option, in both message flows, and
    fails naming the 4.04 without it."""
    import shutil
    import subprocess
    client = shutil.which("coap-client-notls")
    assert client, "coap-client-notls (Debian libcoap3-bin) is required"
    doc = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
    m1, m2 = tmp_path / "m1", tmp_path / "m2"
    m1.write_bytes(bytes.fromhex("f5" + doc["message_1"]))
    path = "/edhoc/test/interop"
    with Responder(harness, "--vector", ROOT / "vectors/rfc9529-trace2.json", "--edhoc-path",
                   path, cwd=ROOT) as resp:
        ok = subprocess.run([client, "-m", "post", "-t", "65", "-f", str(m1), "-o", str(m2),
                             f"coap://127.0.0.1:{resp.port}{path}"],
                            capture_output=True, timeout=scaled(30))
        assert ok.returncode == 0 and m2.read_bytes().hex() == doc["message_2"], ok.stderr
        default = subprocess.run([client, "-m", "post", "-t", "65", "-f", str(m1), "-v", "7",
                                  f"coap://127.0.0.1:{resp.port}/.well-known/edhoc"],
                                 capture_output=True, text=True, timeout=scaled(30))
        assert "4.04" in default.stdout + default.stderr, default.stdout + default.stderr
    with Responder(harness, "--edhoc-path", path, cwd=ROOT) as resp:
        r = initiator(harness, resp, "--edhoc-path", path)
        assert r.returncode == 0 and "PASS: handshake" in r.stdout, r.stdout + r.stderr
        r = initiator(harness, resp)
        assert r.returncode == 1 and "response to message_1 is CoAP 4.04" in r.stdout, r.stdout
    with Responder(harness, "--edhoc-path", path, role="initiator", cwd=ROOT) as srv:
        r = subprocess.run([str(harness), "peer", "responder", "--flow", "reverse", "--port",
                            str(srv.port), "--edhoc-path", path], capture_output=True,
                           text=True, timeout=scaled(30), cwd=ROOT)
        rc, out, _ = srv.wait()
    assert r.returncode == 0 and rc == 0, r.stdout + out
    u = subprocess.run([str(harness), "peer", "responder", "--transport", "udp", "--edhoc-path",
                        path], capture_output=True, text=True, timeout=scaled(30), cwd=ROOT)
    assert u.returncode == 2 and "raw UDP has no resources" in u.stderr
