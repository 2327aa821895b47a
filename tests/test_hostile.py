"""Hostile IUTs (issue 8 item 3): fake IUT Responders (the harness is the
Initiator) and Initiators (the harness is the Responder), over raw UDP and
CoAP, that answer with datagrams of 0 and 65507 bytes, flood the harness
with 100000 random datagrams, declare 2^32 and 2^64-1 byte strings, speak for
sessions nobody opened or from another port, send unknown critical options
and Block-wise transfers that never end or announce 4 GiB, keep sending after
the verdict, crash, never become ready, ignore SIGTERM or write 50 MB.

The fakes (tests/fake_iut/hostile_responder.py, hostile_initiator.py) speak
no EDHOC: they replay RFC 9529 trace 2, which the deterministic fixture
scenarios (tests/runner_fixtures/scenarios/hostile-trace2-*.yaml) make valid.

For every case: `edhoc-harness run` exits 0 or 1 (never a signal, never 2)
within a bound derived from the timeouts; the JSON report parses and holds
the one job with the expected verdict and, for fail and error, a reason
naming what went wrong; the JUnit report validates against tests/junit.xsd;
and the peak RSS of the harness's processes stays under RSS_BOUND_MB.

Memory is measured with /usr/bin/time -f %M on the harness: the largest
resident set among the harness and every descendant it reaped (its job
processes and the fake IUT, a Python interpreter of about 11 MB, which is
the largest in the plain build). The plain build stays near 12 MB in all
cases; the ASan build under 40 MB (shadow memory, and freed blocks held in
quarantine, 256 MB at most by default).
Before the CoAP guard (harness/transport/coap.c) a Size2 or Size1 of
2^32-1 made the ASan build allocate 4 GiB and reach about 550 MB, and a
never-ending Block2 transfer about 500 MB within one second: the bounds
(64 MB plain, 200 MB ASan) are far above the healthy values and far below
those."""
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

from wall import scaled

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIX = ROOT / "tests/runner_fixtures/scenarios"
FAKE = ROOT / "tests/fake_iut"
PY = "/usr/bin/python3"
TIME = "/usr/bin/time"  # GNU time (Debian package time): %M, the peak RSS
ASAN = "asan" in os.environ.get("EH_HARNESS", "")
RSS_BOUND_MB = 200 if ASAN else 64
# make memcheck runs the harness under valgrind (EH_HARNESS=tools/valgrind-harness): the
# RSS is then valgrind's too, so the bound is checked by the plain and the ASan runs only.
WRAPPED = "valgrind" in os.environ.get("EH_HARNESS", "")
IUT_MAX_CAPTURE = 4 << 20  # harness/runner/iut.h
READY_MS = 1500            # the fakes' readiness timeout in their peer files
STOP_MS = 1000 + 1000 + 500  # a job's drain (harness Responder), SIGTERM grace, SIGKILL wait


def peer_file(role, mode, ready_ms=READY_MS):
    """A peer file for one fake IUT: `role` is the IUT's role."""
    if role == "responder":
        cmd = f"{PY} {FAKE}/hostile_responder.py {{transport}} {{port}} {mode}"
        ready = "listening"
    else:
        cmd = f"{PY} {FAKE}/hostile_initiator.py {{transport}} {{host}} {{port}} {mode}"
        ready = "none"
    return (f'name: hostile-{mode}\nversion: "1"\ncapabilities: [suite-2]\n'
            f'{role}:\n  command: "{cmd}"\n  ready: {ready}\n  timeout: {ready_ms}\n')


def run_measured(cmd, deadline_s, out_dir):
    """Run cmd (in a session of its own) under /usr/bin/time; (exit status,
    peak RSS of it and every descendant it reaped in KB, wall seconds). A
    run over deadline_s is killed and fails the test; one killed by a signal
    fails it too."""
    usage = out_dir / "time.out"
    t0 = time.monotonic()
    with open(out_dir / "stdout", "wb") as out, open(out_dir / "stderr", "wb") as err:
        proc = subprocess.Popen([TIME, "-f", "maxrss=%M", "-o", str(usage), *cmd], cwd=ROOT,
                                stdout=out, stderr=err, start_new_session=True)
        try:
            rc = proc.wait(deadline_s)  # wakes up when the harness exits
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            pytest.fail(f"the harness did not exit within {deadline_s:.0f} s: {cmd}")
    wall = time.monotonic() - t0
    text = usage.read_text()
    assert "terminated by signal" not in text, text
    return rc, int(re.search(r"maxrss=(\d+)", text).group(1)), wall


def run_case(harness, tmp_path, role, transport, mode, timeout_ms, steps=4):
    """One hostile case: the harness against the fake in `role` (the IUT's)
    over `transport`, --timeout timeout_ms. Checks exit, time, memory and the
    reports; returns the job's JSON result and the run's output directory."""
    peer = tmp_path / "peer.yaml"
    # an IUT that never becomes ready is waited for 300 ms, not READY_MS
    peer.write_text(peer_file(role, mode, 300 if mode == "never-ready" else READY_MS))
    scenario = FIX / (f"hostile-trace2-{transport}.yaml" if role == "responder"
                      else f"hostile-trace2-responder-{transport}.yaml")
    js, junit, out = tmp_path / "results.json", tmp_path / "junit.xml", tmp_path / "out"
    # The runner's own bound for a job ((steps + 3) x timeout + 10 s, harness/
    # runner/runner.c), plus the IUT's readiness and stop: the harness must
    # end within it whatever the IUT does. Generous, for the ASan build too.
    bound = (READY_MS + (steps + 3) * timeout_ms + 10000 + STOP_MS) / 1000
    rc, rss_kb, wall = run_measured(
        [str(harness), "run", str(scenario), "--peer", str(peer), "--timeout", str(timeout_ms),
         "--no-sanity", "--json", str(js), "--junit", str(junit), "--out", str(out)], bound + 30, tmp_path)
    stdout = (tmp_path / "stdout").read_text(errors="replace")
    stderr = (tmp_path / "stderr").read_text(errors="replace")
    # 0, 1 (a fail) or 3 (an error: no verdict), never a crash or a hang
    assert rc in (0, 1, 3), (rc, stdout, stderr[-2000:])
    assert wall < bound, (wall, bound)
    assert WRAPPED or rss_kb < RSS_BOUND_MB * 1024, f"peak RSS {rss_kb} kB"
    doc = json.loads(js.read_text())
    assert len(doc["results"]) == 1, doc["results"]
    x = doc["results"][0]
    assert x["id"] == ET.parse(junit).getroot().find("testsuite/testcase").get("name")
    assert x["verdict"] in ("pass", "fail", "error"), x
    assert rc == {"pass": 0, "fail": 1, "error": 3}[x["verdict"]], (rc, x["verdict"])
    if x["verdict"] != "pass":
        assert x["message"].strip(), x
    xmllint = shutil.which("xmllint")
    assert xmllint, "xmllint (Debian libxml2-utils) is required"
    v = subprocess.run([xmllint, "--noout", "--schema", str(ROOT / "tests/junit.xsd"), str(junit)],
                       capture_output=True, text=True, timeout=60)
    assert v.returncode == 0, v.stderr
    assert not list(tmp_path.rglob("*.tmp"))
    return x, out


# (IUT role, transport, mode, --timeout ms, verdict, what the reason says).
# A case that ends by waiting for what never comes has a short timeout; one
# that completes has a long one it never waits out.
CASES = [
    # the fakes themselves: the trace replayed faithfully passes
    ("responder", "udp", "ok", 3000, "pass", None),
    ("responder", "coap", "ok", 3000, "pass", None),
    ("initiator", "udp", "ok", 3000, "pass", None),
    ("initiator", "coap", "ok", 3000, "pass", None),
    # datagrams of 0 and of 65507 bytes (the largest IPv4 UDP payload) in
    # reply to message_1, and a message_1 of 65507 bytes: the empty one is no
    # message_2 (over CoAP no message at all); what the harness cannot hold
    # is not cut and judged but an error that names its size
    ("responder", "udp", "empty", 3000, "fail", r"received an empty success response \(0 bytes\)"),
    ("responder", "coap", "empty", 250, "fail",
     r"received nothing \(timeout\); 1 datagram ignored for not being CoAP messages"),
    ("responder", "udp", "huge", 3000, "error",
     r"something the harness cannot take: a datagram of 65507 bytes, over the 16896 bytes"),
    ("responder", "coap", "huge", 3000, "error",
     r"something the harness cannot take: a datagram of 65507 bytes, over the 1472 bytes the "
     r"CoAP layer reads"),
    ("initiator", "udp", "huge", 3000, "error",
     r"something the harness cannot take: a request of 65507 bytes, over the 16896 bytes"),
    ("initiator", "coap", "huge", 3000, "error",
     r"something the harness cannot take: 1 request dropped \(the first: a datagram of 65507 "
     r"bytes, over the 1472 bytes the CoAP layer reads\)"),
    # a response datagram over CoAP's default 1152 bytes (RFC 7252 §4.6) but within the 1472
    # the harness's CoAP client reads is taken and judged (libcoap answered it with a
    # Reset and the step timed out); a larger one is an error naming both sizes
    ("responder", "coap", "padded-1400", 3000, "fail",
     r"received message_2 that the harness rejects \(1394 bytes, CoAP 2\.04\): "
     r"EH_ERR_TRAILING_DATA"),
    # the boundaries with the shipped binary only (1400 and "huge" run the same code under
    # the sanitizers)
    pytest.param("responder", "coap", "padded-1472", 3000, "fail",
                 r"received message_2 that the harness rejects \(1466 bytes, CoAP 2\.04\)",
                 marks=pytest.mark.plain_only),
    pytest.param("responder", "coap", "padded-1473", 3000, "error",
                 r"received something the harness cannot take: a datagram of 1473 bytes, over "
                 r"the 1472 bytes the CoAP layer reads", marks=pytest.mark.plain_only),
    # a request datagram over CoAP's default 1152 bytes (RFC 7252 §4.6) but within the 1472
    # the harness's CoAP server reads: taken and answered (libcoap answered it with a
    # Reset of message ID 0); the fake exits after message_2, so step 2 gets nothing
    ("initiator", "coap", "padded-1400", 3000, "fail",
     r"^step 2 \(line 13\): expected a valid message_3, received nothing; the IUT exited "
     r"with code 0"),
    pytest.param("initiator", "coap", "padded-1472", 3000, "fail",
                 r"^step 2 \(line 13\): expected a valid message_3, received nothing; the IUT "
                 r"exited with code 0", marks=pytest.mark.plain_only),
    pytest.param("initiator", "coap", "padded-1473", 3000, "error",
                 r"something the harness cannot take: 1 request dropped \(the first: a datagram "
                 r"of 1473 bytes, over the 1472 bytes the CoAP layer reads\)",
                 marks=pytest.mark.plain_only),
    # CBOR heads declaring 2^32-1, 2^32 and 2^64-1 bytes for G_Y_CIPHERTEXT_2
    ("responder", "udp", "len-32m1", 3000, "fail",
     r"message_2 that the harness rejects \(48 bytes\): EH_ERR_MESSAGE_FORMAT: field "
     r"G_Y_CIPHERTEXT_2 at byte offset 0: input ends inside or before this item"),
    ("responder", "udp", "len-32", 3000, "fail",
     r"message_2 that the harness rejects \(52 bytes\): .*G_Y_CIPHERTEXT_2 at byte offset 0"),
    ("responder", "udp", "len-64m1", 3000, "fail",
     r"message_2 that the harness rejects \(52 bytes\): .*G_Y_CIPHERTEXT_2 at byte offset 0"),
    ("responder", "coap", "len-64m1", 3000, "fail",
     r"message_2 that the harness rejects \(52 bytes, CoAP 2\.04\): .*G_Y_CIPHERTEXT_2"),
    # a message_2 of a session the harness never started (another G_Y): over
    # raw UDP it is the answer, and wrong; over CoAP its other token makes it
    # no answer at all, and the real one that follows completes the handshake
    ("responder", "udp", "foreign-first", 3000, "fail",
     r"message_2 that the harness rejects \(45 bytes\): .*field C_R"),
    ("responder", "coap", "foreign-first", 3000, "pass", None),
    # the real message_2 from another port: no answer
    ("responder", "udp", "wrong-port", 250, "fail", r"received nothing \(timeout\)"),
    ("responder", "coap", "wrong-port", 250, "fail", r"received nothing \(timeout\)"),
    # message_3 with a C_R nobody issued, after a message_1 or alone
    ("initiator", "udp", "m3-unknown", 3000, "fail",
     r"message_3 is prefixed with 2a at byte offset 0 of the datagram, but C_R is encoded 27"),
    ("initiator", "coap", "m3-unknown", 3000, "fail",
     r"message_3 is prefixed with 2a at byte offset 0 of the CoAP payload, but C_R is encoded 27"),
    # an error message after message_2 without the C_R prefix (Appendix A.2)
    ("initiator", "udp", "error-bare", 3000, "fail",
     r"the error message arrived without the C_R prefix 27 at byte offset 0 of the datagram, "
     r"which starts with the message itself \(01626e6f\)"),
    ("initiator", "coap", "error-bare", 3000, "fail",
     r"the error message arrived without the C_R prefix 27 at byte offset 0 of the CoAP "
     r"payload"),
    ("initiator", "udp", "m3-only", 3000, "fail",
     r"expected a valid message_1, received message_3 prefixed with 2a that the harness rejects "
     r".*not expected"),
    ("initiator", "coap", "m3-only", 3000, "fail",
     r"expected a valid message_1, received message_3 prefixed with 2a that the harness rejects "
     r".*not expected"),
    # CoAP responses with unknown critical options: rejected (RFC 7252 §5.4.1)
    ("responder", "coap", "crit-opt-65001", 250, "fail",
     r"received nothing \(timeout\); 1 response \(the first 2\.04\) carried the critical option "
     r"65001, unknown to the harness, and was rejected \(RFC 7252 §5\.4\.1\)"),
    ("responder", "coap", "crit-opt-2049", 250, "fail", r"the critical option 2049, unknown"),
    # Block2 that never finishes: the body would pass what the harness takes
    # (16384 bytes), or a block repeats and the transfer never progresses
    ("responder", "coap", "block2-grow", 3000, "error",
     r"something the harness cannot take: a Block2 response \(block 1024 of 16 bytes, more=1\) "
     r"takes the body past the 16384 bytes the harness takes"),
    ("responder", "coap", "block2-jump", 3000, "error",
     r"a Block2 response \(block 1048575 of 1024 bytes, more=1\) takes the body past"),
    ("responder", "coap", "block2-size2", 3000, "error",
     r"a Block2 response announcing a body of 4294967295 bytes \(Size2\), over the 16384"),
    ("responder", "coap", "block2-same", 250, "fail",
     r"received nothing \(timeout\); 1 Block2 response ignored for carrying another block than "
     r"the one due \(the first: block 0 where block 1 was due; RFC 7959 §2\.4\)"),
    ("initiator", "coap", "block1-size1", 3000, "error",
     r"a Block1 request announcing a body of 4294967295 bytes \(Size1\), over the 16384"),
    # RFC 7252 §4.2, §5.3.2: a piggybacked response matches its request by Message ID and
    # token; an ACK with another Message ID acknowledges nothing (message_1 would go on
    # being retransmitted) and one with another token answers another request: both are
    # ignored, and the verdict says so
    ("responder", "coap", "wrong-mid", 250, "fail",
     r"^step 2 \(line 13\): expected a valid message_2, received nothing \(timeout\); 1 "
     r"piggybacked response ignored for a Message ID that is not the request's \(the first: "
     r"0x[0-9a-f]{4} where 0x[0-9a-f]{4} was due; RFC 7252 §4\.2\)"),
    ("responder", "coap", "wrong-token", 250, "fail",
     r"^step 2 \(line 13\): expected a valid message_2, received nothing \(timeout\); 1 "
     r"response ignored for a token that is not the request's \(RFC 7252 §5\.3\.2\)"),
    # crashes: the failure is kept, and the crash named (the fakes' commands are plain
    # words, so they run without a shell, and the signal is the process's own)
    # (over raw UDP the harness's resends of message_1 may meet the closed port: no reset,
    # the first copy arrived, and the verdict says so)
    ("responder", "udp", "segv", 250, "fail",
     r"received nothing(; the harness's resends met a closed port \(ICMP port unreachable\): "
     r"the IUT stopped listening after the first copy arrived)?; the IUT crashed \(signal 11, "
     r"Segmentation fault\)"),
    ("responder", "coap", "segv", 250, "fail",
     r"received nothing; the IUT crashed \(signal 11, Segmentation fault\)"),
    ("initiator", "udp", "segv", 3000, "fail",
     r"expected a valid message_3, received nothing.*; the IUT crashed \(signal 11"),
    ("initiator", "coap", "segv", 3000, "fail",
     r"expected a valid message_3, received nothing.*; the IUT crashed \(signal 11"),
    # an IUT that never becomes ready (waited for 300 ms here)
    ("responder", "coap", "never-ready", 250, "error",
     r"^the IUT never became ready \(timeout: no \"\w+\" on its stdout within 300 ms\)$"),
    # an IUT that ignores SIGTERM is killed after the grace period; what it
    # did before (the handshake) stands
    ("responder", "udp", "deaf", 3000, "pass", None),
]


@pytest.mark.parametrize("role,transport,mode,timeout_ms,verdict,reason", CASES,
                         ids=["-".join((c.values if hasattr(c, "values") else c)[:3])
                              for c in CASES])
def test_hostile_iut(harness, tmp_path, role, transport, mode, timeout_ms, verdict, reason):
    x, _ = run_case(harness, tmp_path, role, transport, mode, timeout_ms)
    assert x["verdict"] == verdict, x["message"]
    if reason:
        assert re.search(reason, x["message"]), x["message"]


@pytest.mark.parametrize("role,transport,timeout_ms,verdict", [
    # over CoAP the client takes only the response to its request (token,
    # message ID): the garbage before the real message_2 is ignored and the
    # handshake completes (a lost message_2 is recovered by retransmission,
    # hence the long timeout, never waited out: on a loaded machine the flood,
    # up to 4 s, can drown the answers to message_1 and to its first
    # retransmission, so a second one must come after the flood. The client's
    # retransmissions fit its timeout (transport/coap.c, client_set_timing):
    # 10 s gives one (ACK_TIMEOUT 2 s), 20 s two (1.9 s: at 1.9-2.9 s and
    # 5.7-8.6 s))
    ("responder", "coap", 20000, "pass"),
    # over raw UDP the first datagram is the answer: garbage, judged as such
    ("responder", "udp", 3000, "fail"),
    # the harness Responder judges the first request: garbage
    ("initiator", "udp", 3000, "fail"),
])
def test_flood_of_random_datagrams(harness, tmp_path, role, transport, timeout_ms, verdict):
    """100000 random datagrams (seeded; the sender stops after 4 s at most)
    at the harness's port while the scenario runs: before the real
    message_2 (harness Initiator) or before message_1 (harness Responder)."""
    x, out = run_case(harness, tmp_path, role, transport, "flood", timeout_ms)
    assert x["verdict"] == verdict, x["message"]
    if verdict == "fail":
        assert re.search(r"^step 2 \(line 13\): expected a valid message_2, received " if
                         role == "responder" else
                         r"^step 1 \(line 12\): expected a valid message_1, received ",
                         x["message"]), x["message"]
    if transport == "coap":  # it waited for message_2 through the flood: its capture
        pcap = pathlib.Path(x["pcap_path"])  # holds (at most 10000 datagrams of) it
        assert pcap.stat().st_size > 100 * 1024, pcap.stat().st_size


@pytest.mark.parametrize("role,transport", [("responder", "udp"), ("responder", "coap"),
                                            ("initiator", "coap")])
def test_datagrams_after_the_verdict(harness, tmp_path, role, transport):
    """The IUT keeps sending datagrams (random, and copies of its messages) to
    the harness's port after the handshake, until it is stopped: the verdict
    stands, the job ends in its usual time and the IUT is stopped."""
    x, out = run_case(harness, tmp_path, role, transport, "after", 3000)
    assert x["verdict"] == "pass", x["message"]
    log = pathlib.Path(x["iut_stdout_path"]).read_text()
    m = re.search(r"sent (\d+) datagrams after the handshake", log)
    assert m, log  # stopped by SIGTERM, which it reports
    if role == "initiator":  # the harness Responder took them while it drained
        assert int(m.group(1)) > 0, log


@pytest.mark.parametrize("role,transport", [("responder", "udp"), ("initiator", "coap")])
def test_an_iut_writing_50_mb(harness, tmp_path, role, transport):
    """25 MB on stdout before it is ready (so the ready line comes after
    them) and 25 MB during the handshake: captured up to 4 MiB, the rest
    counted and dropped, the handshake unaffected."""
    x, out = run_case(harness, tmp_path, role, transport, "chatty", 3000)
    assert x["verdict"] == "pass", x["message"]
    assert pathlib.Path(x["iut_stdout_path"]).stat().st_size == IUT_MAX_CAPTURE


def test_coap_over_tcp_honours_the_timeout(harness, tmp_path):
    """An IUT that accepts the TCP connection and never sends its CSM message: libcoap
    4.3.1 held the first request for 5 s whatever --timeout said; the wait now ends at
    --timeout (500 ms) and the verdict says which part of the session never came."""
    peer = tmp_path / "peer.yaml"
    peer.write_text(f'name: silent\nversion: "1"\ncapabilities: [suite-2, coap-tcp]\n'
                    f'responder:\n  command: "/usr/bin/python3 {ROOT}/tests/fake_iut/'
                    f'tcp_silent.py {{port}}"\n  ready: "listening"\n  timeout: 3000\n')
    sc = tmp_path / "tcp.yaml"
    sc.write_text("id: runner/tcp-silent\ntitle: CoAP over TCP, no CSM\nrequirements: "
                  "[R-A.2-a]\nlevel: MUST\nrole: initiator\ntransport: coap-tcp\nsteps:\n"
                  "  - send: message_1\n  - expect: message_2\n")
    js = tmp_path / "r.json"
    r = subprocess.run([str(harness), "run", str(sc), "--peer", str(peer), "--no-sanity",
                        "--timeout", "500", "--json", str(js), "--junit", str(tmp_path / "j.xml"),
                        "--out", str(tmp_path / "out")], capture_output=True, text=True,
                       timeout=60, cwd=ROOT)
    x = json.loads(js.read_text())["results"][0]
    assert r.returncode == 1 and x["verdict"] == "fail", x["message"]
    assert re.search(r"^step 2 \(line \d+\): expected a valid message_2, received nothing "
                     r"\(timeout\); the TCP connection was made, but the IUT sent no CSM "
                     r"message \(RFC 8323 §5\.3\.1\)", x["message"]), x["message"]
    assert x["seconds"] < 4, x["seconds"]  # 5 s before, whatever --timeout said


@pytest.mark.parametrize("mode", [pytest.param("ok", marks=pytest.mark.plain_only), "wrong-mid"])
def test_the_transcript_shows_only_what_was_sent(harness, tmp_path, mode):
    """issue 16 item 9: a piggybacked response with a wrong Message ID was taken as
    message_2, and the transcript then showed message_3 as sent while libcoap held it back
    behind the retransmissions of message_1 (the pcap had no such datagram), and the IUT
    was blamed. Every message the transcript shows as sent ("-> N bytes: HEX") is in a
    datagram of the job's pcap (read here with struct, not with the harness's code)."""
    from test_matrix import udp_payloads
    x, _ = run_case(harness, tmp_path, "responder", "coap", mode, 3000 if mode == "ok" else 250)
    assert x["verdict"] == ("pass" if mode == "ok" else "fail"), x["message"]
    sent = re.findall(r"^  -> (\d+) bytes: ([0-9a-f]+)$", x["transcript"], re.M)
    assert sent, x["transcript"]
    payloads = udp_payloads(pathlib.Path(x["pcap_path"]))
    for n, hexed in sent:
        assert int(n) == len(hexed) // 2
        assert any(bytes.fromhex(hexed) in p for p in payloads), \
            f"shown as sent, not in the pcap: {hexed[:40]}... ({n} bytes)"
    assert len(sent) == (2 if mode == "ok" else 1), sent  # message_1, message_3


@pytest.mark.parametrize("scenario", ["rfc9528/5.2.1/trailing-item",   # MUST: reject it
                                      "mutations/message-1/g-x-nondeterministic"])  # INFO
def test_a_crash_where_silence_was_allowed_is_a_failure(harness, tmp_path, scenario):
    """An IUT Responder that dies (SIGSEGV) on a message_1 where the step allows silence
    (a rejection; or either answer, at INFO level): the crash is no answer the RFC allows,
    and explore's models judge it a deviation; run says fail too, at MUST level whatever
    the scenario's, naming the crash, the step and what it had been sent (it said `error`,
    which reads as a set-up problem)."""
    peer = tmp_path / "peer.yaml"
    peer.write_text(peer_file("responder", "segv"))
    js = tmp_path / "results.json"
    r = subprocess.run([str(harness), "run", str(ROOT / f"scenarios/{scenario}.yaml"),
                        "--peer", str(peer), "--no-sanity", "--timeout", "500", "--json", str(js),
                        "--out", str(tmp_path / "out")], capture_output=True, text=True,
                       timeout=scaled(60))
    x = json.loads(js.read_text())["results"][0]
    assert x["verdict"] == "fail" and x["level"] == "MUST", x
    assert re.search(r"the IUT crashed \(signal 11, Segmentation fault\) during step \d, on what "
                     r"the harness had sent", x["message"]), x["message"]
    assert r.returncode == 1, r.stdout
