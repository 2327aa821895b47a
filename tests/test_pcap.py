"""Wire captures (issue 7): every scenario job writes a pcap of the UDP
datagrams between the harness and the IUT next to its transcript, named in
the JSON (`pcap_path`), the JUnit properties and the transcript, which also
gives the tshark command that decodes it. Read back with tshark (Debian):
the deterministic RFC 9529 trace-2 scenario carries the trace's messages in
its CoAP POSTs and their responses, in both harness roles; the raw UDP
scenario's datagrams are the bytes its transcript shows; CoAP over TCP
leaves a valid, empty capture."""
import json
import pathlib
import re
import shutil
import subprocess
import time

import pytest

from test_dos import props
from test_run import REFERENCE, run_suite

# make test runs this module with the shipped binary only (conftest.py, plain_only): its
# time is tshark's, and the capture code runs under the sanitizers in every job of the
# sanitizer pass (each job writes its pcap) and in the unit tests (test_job_capture.c,
# test_pcap_file.c).
pytestmark = pytest.mark.plain_only

ROOT = pathlib.Path(__file__).resolve().parent.parent
SC = ROOT / "scenarios/interop"
TRACE2 = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
ROLES = ("initiator", "responder")  # the harness's


@pytest.fixture(scope="module")
def suite(harness, tmp_path_factory):
    """One run of the three scenarios in both roles; (results by (id, role), junit, start, end)."""
    tmp = tmp_path_factory.mktemp("pcap")
    start = time.time()
    r, results, junit = run_suite(harness, tmp, REFERENCE, "--role", "both", paths=[
        SC / "rfc9529-trace-2.yaml", SC / "m3-s2-kid-udp.yaml", SC / "m3-s2-kid-tcp.yaml"])
    end = time.time()
    assert r.returncode == 0, r.stdout + r.stderr
    assert not list(tmp.rglob("*.tmp"))
    return {(x["id"], x["role"]): x for x in results}, junit, start, end


def tshark():
    path = shutil.which("tshark")
    assert path, "tshark (Debian package tshark) is required"
    return path


def capture_of(suite, sid, role):
    """The job's pcap path, checked against the JSON, JUnit and the transcript;
    and the decode command the transcript gives (None for raw UDP / TCP)."""
    results, junit, _, _ = suite
    x = results[(sid, role)]
    pcap = pathlib.Path(x["pcap_path"])
    assert pcap.is_file(), x["pcap_path"]
    # next to the transcript: reports/iut-<role>/<id>.pcap
    assert x["transcript_path"] and pcap == pathlib.Path(x["transcript_path"]).with_suffix(".pcap")
    iut = "responder" if role == "initiator" else "initiator"
    assert pcap.parent.name == f"iut-{iut}"
    assert props(junit, sid, role)["pcap_path"] == x["pcap_path"]
    assert f"pcap: {pcap}: " in x["transcript"]
    m = re.search(r"CoAP on udp port (\d+): (tshark -r \S+ -d udp\.port==\d+,coap)\n",
                  x["transcript"])
    return x, pcap, m


def fields(cmd_or_pcap, names, extra=()):
    """tshark's fields, one row per packet (a dict)."""
    if isinstance(cmd_or_pcap, str):
        cmd = cmd_or_pcap.split()
        cmd[0] = tshark()
    else:
        cmd = [tshark(), "-r", str(cmd_or_pcap)]
    cmd += ["-n", "-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
            "-T", "fields", "-E", "separator=|", "-E", "occurrence=f", *extra]
    for n in names:
        cmd += ["-e", n]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return [dict(zip(names, line.split("|"))) for line in r.stdout.splitlines()]


COAP = ["frame.time_epoch", "ip.src", "ip.dst", "udp.srcport", "udp.dstport",
        "udp.checksum.status", "ip.checksum.status", "coap.type", "coap.code", "coap.mid",
        "coap.token", "coap.opt.uri_path_recon", "coap.payload_length", "udp.payload"]


def coap_payload(row):
    """The CoAP payload: the last coap.payload_length bytes of the UDP payload
    (tshark shows no bytes field for an unknown Content-Format such as 64/65)."""
    n = int(row["coap.payload_length"] or 0)
    return row["udp.payload"][len(row["udp.payload"]) - 2 * n:]


@pytest.mark.parametrize("role", ROLES)
def test_trace_2_pcap_has_the_coap_posts_with_the_trace_messages(suite, role):
    x, pcap, m = capture_of(suite, "interop/rfc9529-trace-2", role)
    assert m, x["transcript"]
    port = m.group(1)
    rows = fields(m.group(2), COAP)
    assert len(rows) == 6, rows  # message_1/2, message_3/4, OSCORE request/response
    _, _, start, end = suite
    for row in rows:
        assert row["ip.src"] == row["ip.dst"] == "127.0.0.1"
        assert port in (row["udp.srcport"], row["udp.dstport"])
        assert row["udp.checksum.status"] == row["ip.checksum.status"] == "1"  # good
        assert start - 1 <= float(row["frame.time_epoch"]) <= end + 1  # the real clock
    posts = [r for r in rows if r["coap.code"] == "2" and
             r["coap.opt.uri_path_recon"] == "/.well-known/edhoc"]
    assert len(posts) == 2
    expected = [("f5" + TRACE2["message_1"], TRACE2["message_2"]),
                (TRACE2["c_r_cbor"] + TRACE2["message_3"], TRACE2["message_4"])]
    for post, (request, response) in zip(posts, expected):
        assert post["udp.dstport"] == port and post["coap.type"] == "0"  # CON to the server
        assert coap_payload(post) == request
        ack = [r for r in rows if r["coap.mid"] == post["coap.mid"] and r is not post]
        assert len(ack) == 1 and ack[0]["coap.type"] == "2"  # piggybacked ACK
        assert ack[0]["coap.code"] == "68" and ack[0]["coap.token"] == post["coap.token"]  # 2.04
        assert coap_payload(ack[0]) == response


def transcript_datagrams(transcript):
    """(direction, hex) of every EDHOC datagram the transcript shows, up to the OSCORE step."""
    head = transcript.split(": oscore")[0]
    return re.findall(r"^  (->|<-) \d+ bytes: ([0-9a-f]*)$", head, re.M)


@pytest.mark.parametrize("role", ROLES)
def test_raw_udp_pcap_has_the_datagrams_of_the_transcript(suite, role):
    x, pcap, m = capture_of(suite, "interop/m3-s2-kid-udp", role)
    hint = re.search(r"raw UDP: .*\(tshark -r (\S+) -d udp\.port==(\d+),coap decodes them",
                     x["transcript"])
    assert hint and hint.group(1) == str(pcap), x["transcript"]
    port = hint.group(2)  # the Responder's
    rows = fields(pcap, ["ip.src", "ip.dst", "udp.srcport", "udp.dstport", "udp.length",
                         "udp.checksum.status", "udp.payload"])
    assert len(rows) == 6, rows  # message_1, message_2, message_3, empty ack, OSCORE pair
    shown = transcript_datagrams(x["transcript"])
    assert len(shown) == 4, x["transcript"]
    harness_sends = "->"
    for i, (row, (arrow, hexed)) in enumerate(zip(rows, shown)):
        assert row["ip.src"] == row["ip.dst"] == "127.0.0.1"
        assert row["udp.checksum.status"] == "1"
        assert row["udp.payload"] == hexed
        assert int(row["udp.length"]) == 8 + len(hexed) // 2
        # the Initiator's datagrams go to the Responder's port, the answers come back
        to_responder = i % 2 == 0
        assert (row["udp.dstport"] if to_responder else row["udp.srcport"]) == port
        harness_is_initiator = role == "initiator"
        assert (arrow == harness_sends) == (to_responder == harness_is_initiator)
    assert rows[0]["udp.payload"].startswith("f503")  # 0xf5 || message_1 (METHOD 3)
    assert rows[3]["udp.length"] == "8"  # message_3 acknowledged with an empty datagram
    # the OSCORE request and response are CoAP over the same ports
    oscore = fields(f"tshark -r {pcap} -d udp.port=={port},coap", ["coap.code", "coap.mid"])
    assert [r["coap.code"] for r in oscore[4:]] == ["2", "68"]
    assert oscore[4]["coap.mid"] == oscore[5]["coap.mid"]


@pytest.mark.parametrize("role", ROLES)
def test_coap_over_tcp_leaves_an_empty_capture(suite, role):
    x, pcap, m = capture_of(suite, "interop/m3-s2-kid-tcp", role)
    assert pcap.stat().st_size == 24  # the file header only
    assert fields(pcap, ["frame.number"]) == []
    assert f"pcap: {pcap}: 0 datagrams, 0 bytes" in x["transcript"]
    assert "CoAP over TCP is not captured" in x["transcript"]


def test_an_interrupted_job_leaves_no_temporary_capture(harness, tmp_path):
    """The IUT, once started, interrupts the run (SIGINT to the runner: the
    parent of the job process that started it) and then never answers; the
    runner stops the job mid-scenario and removes its unfinished capture."""
    sink = ROOT / "tests/fake_iut/udp_sink.py"
    stop = "kill -INT $(cut -d' ' -f4 /proc/$PPID/stat)"
    peer = (f'name: stopper\nversion: "1"\ncapabilities: [method-3, suite-2, cred-kid, coap, '
            f'oscore]\nresponder:\n  command: "{stop}; exec timeout 10 /usr/bin/python3 {sink} '
            f'{{port}}"\n  ready: "listening"\n')
    r, results, _ = run_suite(harness, tmp_path, peer, "--role", "responder",
                              paths=[SC / "m3-s2-kid.yaml"])
    assert r.returncode == 3 and "run interrupted: 0 of 1 jobs finished" in r.stdout, r.stdout
    out = tmp_path / "out"
    assert (out / "iut-responder").is_dir()
    assert not list(out.rglob("*.tmp")) and not list(out.rglob("*.pcap"))
