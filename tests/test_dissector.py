"""The EDHOC dissector for Wireshark (wireshark/edhoc.lua, issue 18 item 3), run by
tshark: the RFC 9529 traces decoded and decrypted (known answers from the RFC), the
captures of a small run decoded with the run's keylog and checked against the
transcripts (the harness's OpenSSL/libsodium results against the dissector's own Lua
crypto), expert info for non-deterministic CBOR and wrong prefixes, the exact command
each transcript names (OSCORE decrypted too), and `edhoc-harness dissector`. Every
capture of the whole suite goes through the same check (tests/dissect.py) in the
whole-suite run of test_run.py."""
import json
import pathlib
import re
import shlex
import struct
import subprocess

import pytest

from dissect import DISSECTOR, check_captures, decode, transcript
from test_run import REFERENCE, ROOT, run_suite

def write_pcap(path, datagrams):
    """A classic pcap, LINKTYPE_RAW, IPv4 and UDP headers: datagrams are (from_port,
    to_port, payload) on 127.0.0.1."""
    out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101)]
    for i, (sport, dport, payload) in enumerate(datagrams):
        udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                         bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])) + udp
        out.append(struct.pack("<IIII", 1000 + i, 0, len(ip), len(ip)) + ip)
    path.write_bytes(b"".join(out))


# the shipped binary's pass only: this test runs tshark and the dissector, not the harness
@pytest.mark.plain_only
@pytest.mark.parametrize("trace", [1, 2])
def test_the_rfc9529_traces_decoded_and_decrypted(tmp_path, trace):
    """Each message of the trace over raw UDP with the Appendix A.2 prefixes, the keylog
    from the trace's own values: every field and PLAINTEXT is the RFC's."""
    v = json.loads((ROOT / f"vectors/rfc9529-trace{trace}.json").read_text())
    b = {k: bytes.fromhex(v[k]) for k in ("message_1", "message_2", "message_3", "message_4",
                                          "c_r_cbor")}
    pcap = tmp_path / "trace.pcap"
    write_pcap(pcap, [(50001, 50002, b"\xf5" + b["message_1"]), (50002, 50001, b["message_2"]),
                      (50001, 50002, b["c_r_cbor"] + b["message_3"]),
                      (50002, 50001, b["message_4"])])
    keylog = tmp_path / "keys.log"
    keylog.write_text("".join(f"rfc9529-trace-{trace} initiator {k} {v[k]}\n" for k in
                              ("g_x", "keystream_2", "k_3", "iv_3", "k_4", "iv_4")))
    rows = decode(pcap, "-d", "udp.port==50002,edhoc", keylog=keylog)
    assert [r["edhoc.message"] for r in rows] == ["message_1", "message_2", "message_3",
                                                  "message_4"]
    m1, m2, m3, m4 = rows
    assert m1["edhoc.prefix"] == "f5" and m3["edhoc.prefix"] == v["c_r_cbor"]
    assert m1["edhoc.method"] == str(v["_method_int"])
    assert m1["edhoc.g_x"] == v["g_x"]
    assert m1["edhoc.c_i"] == v["c_i_cbor"]
    assert m2["edhoc.g_y"] == v["g_y"] and m2["edhoc.ciphertext_2"] == v["ciphertext_2"]
    assert m2["edhoc.plaintext_2"] == v["plaintext_2"]
    assert m2["edhoc.sig_or_mac_2"] == v["sig_or_mac_2"]
    assert m2["edhoc.c_r"] == v["c_r_cbor"]
    assert m3["edhoc.plaintext_3"] == v["plaintext_3"]
    assert m3["edhoc.sig_or_mac_3"] == v["sig_or_mac_3"]
    assert m4["edhoc.plaintext_4"] == v["plaintext_4"]
    assert m4["edhoc.tag"] == v["ciphertext_4"][-16:]  # decrypted: the tag is shown
    for r in rows:
        assert r["edhoc.session"] == f"rfc9529-trace-{trace} initiator"
        assert r["_ws.malformed"] == "" and "edhoc." not in r["_ws.expert"], r
    if trace == 1:
        return
    # without the keylog: decoded, not decrypted, and said so
    rows = decode(pcap, "-d", "udp.port==50002,edhoc")
    assert [r["edhoc.message"] for r in rows][:3] == ["message_1", "message_2", "message_3"]
    assert rows[1]["edhoc.plaintext_2"] == "" and "Not decrypted" in rows[1]["_ws.expert"]


# A message_2 seen in a run of make test: a single byte string, whose bytes also read
# as a CoAP message with an OSCORE option (0x58: version 1, token length 8)
M2_LIKE_COAP = ("5865f1febeb4a9940ea3416f935675dd452cfdd04d694369509532c70f3995cb42710aea709322e5"
                "48f15402411387a27c140be09c43366c04a185731df388901be2e8dbcfeb527a965c0edf180d73"
                "3becbd875c272890f6a823eabf43cef93b9f5c7f54e8b9ab")


@pytest.mark.plain_only
def test_a_raw_message_2_that_reads_as_coap_is_edhoc(tmp_path):
    """Over raw UDP, after message_1, a datagram that is one whole CBOR byte string is
    EDHOC, even when its bytes also parse as CoAP with an OSCORE option."""
    v = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
    pcap = tmp_path / "raw.pcap"
    write_pcap(pcap, [(50001, 50002, b"\xf5" + bytes.fromhex(v["message_1"])),
                      (50002, 50001, bytes.fromhex(M2_LIKE_COAP))])
    rows = decode(pcap)
    assert [r["edhoc.message"] for r in rows] == ["message_1", "message_2"]
    assert rows[1]["_ws.malformed"] == "", rows[1]


def coap_post(mid, payload):
    """A CoAP CON POST to /.well-known/edhoc with Content-Format 65."""
    opts = bytes([0xBB]) + b".well-known" + bytes([0x05]) + b"edhoc" + bytes([0x11, 65])
    return bytes([0x41, 0x02, mid >> 8, mid & 255, 0x07]) + opts + b"\xff" + payload


@pytest.mark.plain_only
def test_a_coap_message_1_without_its_prefix_is_named(tmp_path):
    """Over CoAP, a message_1 without the `true` prefix of Appendix A.2 is decoded as
    message_1 (its METHOD not taken for a C_R) with the wrong-prefix expert info."""
    v = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
    pcap = tmp_path / "bare.pcap"
    write_pcap(pcap, [(50001, 5683, coap_post(1, bytes.fromhex(v["message_1"])))])
    (row,) = decode(pcap)
    assert row["edhoc.message"] == "message_1", row
    assert row["edhoc.method"] == str(v["_method_int"]) and row["edhoc.g_x"] == v["g_x"]
    assert "message_1 without the prefix true" in row["_ws.expert"], row


# A small run: raw UDP, message_4, an error message, a non-deterministic C_I, a
# message_3 with another prefix than C_R, and the OSCORE of a METHOD 3 suite 2
# handshake. The whole suite's captures (every suite's AEAD among them) are checked by
# the whole-suite run of test_run.py with check_captures.
SCENARIOS = ["interop/handshake-udp.yaml", "interop/m3-s2-kid.yaml", "rfc9528/5.5/message-4.yaml",
             "rfc9528/6.3/selected-suite-unsupported.yaml",
             "mutations/message-1/c-i-nondeterministic.yaml",
             "rfc9528/A.2/message-3-unknown-prefix.yaml"]


@pytest.fixture(scope="module")
def suite_run(harness, tmp_path_factory):
    d = tmp_path_factory.mktemp("run")
    keylog = d / "keys.log"
    r, results, _ = run_suite(harness, d, REFERENCE, "-j", "2", "--keylog", str(keylog),
                              paths=[ROOT / "scenarios" / p for p in SCENARIOS])
    assert r.returncode == 0 and results, r.stdout + r.stderr
    for x in results:
        x["keylog"] = keylog
    return results


def command_of(text):
    m = re.search(r"^     EDHOC dissector: (tshark .*)$", text, re.M)
    assert m, text[-2000:]
    return m.group(1)


@pytest.mark.plain_only
def test_every_message_of_a_run_is_decoded_and_decrypted(suite_run, tmp_path):
    """check_captures (tests/dissect.py) on the small run: CoAP and raw UDP, message_4 and
    an error message decoded, the ciphertexts decrypted as the harness decrypted them."""
    aeads, kinds = check_captures(suite_run, tmp_path)
    assert aeads  # decrypted (in the profiles the seed chose for these scenarios)
    assert {"message_1", "message_2", "message_3", "message_4", "error"} <= kinds


@pytest.mark.plain_only
def test_expert_info_for_nondeterministic_cbor_and_a_wrong_prefix(suite_run):
    def rows_of(sid, role):
        """The job's capture decoded by the command its transcript names."""
        (res,) = [x for x in suite_run if x["id"] == sid and x["role"] == role]
        cmd = shlex.split(command_of(transcript(res)))
        assert cmd[:2] == ["tshark", "-X"] and cmd[2] == f"lua_script:{DISSECTOR}"
        assert f"edhoc.keylog_file:{res['keylog']}" in cmd and re.search(
            r"^udp\.port==\d+,edhoc$", cmd[cmd.index("-d") + 1])
        pcap = cmd[cmd.index("-r") + 1]
        assert pcap == str(pathlib.Path(res["pcap_path"]).resolve())
        opts = cmd[3:cmd.index("-r")]  # -d ... -o edhoc.keylog_file:... [-o uat:...]
        return decode(pcap, *opts)
    rows = rows_of("mutations/message-1/c-i-nondeterministic", "initiator")
    assert "Not deterministically encoded CBOR" in rows[0]["_ws.expert"], rows[0]
    rows = rows_of("rfc9528/A.2/message-3-unknown-prefix", "initiator")
    (m3,) = [r for r in rows if r["edhoc.message"] == "message_3"]
    assert m3["edhoc.prefix"] == "43abcdef"
    assert "the prefix 43abcdef is not this session's C_R" in m3["_ws.expert"], m3
    # the healthy handshake of the same run, through its own command, has neither
    for r in rows_of("interop/handshake-udp", "responder"):
        assert "Not deterministically" not in r["_ws.expert"]
        assert "prefix" not in r["_ws.expert"], r


@pytest.mark.plain_only
def test_the_transcripts_command_decrypts_oscore(suite_run):
    (res,) = [x for x in suite_run if x["id"] == "interop/m3-s2-kid"
              and x["role"] == "initiator"]
    cmd = shlex.split(command_of(transcript(res)))
    assert any(c.startswith("uat:oscore_contexts:") for c in cmd)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "Decrypted Authentication Tag" in r.stdout, r.stdout[-3000:]
    assert "Uri-Path: hello" in r.stdout  # the request's options, decrypted
    # without the context the same capture is not decrypted
    i = next(i for i, c in enumerate(cmd) if c.startswith("uat:oscore_contexts:"))
    r = subprocess.run(cmd[:i - 1] + cmd[i + 1:], capture_output=True, text=True, timeout=60)
    assert "Uri-Path: hello" not in r.stdout


def test_the_dissector_command_prints_its_path(run, tmp_path):
    r = run("dissector")
    assert r.returncode == 0 and r.stdout == f"{DISSECTOR}\n", r.stdout + r.stderr
    r = run("dissector", "--bogus")
    assert r.returncode == 2
