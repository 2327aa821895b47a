"""The EDHOC dissector for Wireshark (wireshark/edhoc.lua, issue 18 item 3), run by
tshark: the RFC 9529 traces decoded and decrypted (known answers from the RFC), the
captures of a run of the suite (every AEAD, CoAP and raw UDP, message_4, error messages)
decoded with the run's keylog and checked against the transcripts (the harness's
OpenSSL/libsodium results against the dissector's own Lua crypto), expert info for
non-deterministic CBOR and wrong prefixes, the exact command each transcript names
(OSCORE decrypted too), and `edhoc-harness dissector`."""
import json
import pathlib
import re
import shlex
import shutil
import struct
import subprocess

import pytest

from test_run import REFERENCE, ROOT, run_suite

DISSECTOR = ROOT / "wireshark/edhoc.lua"
FIELDS = ["frame.number", "edhoc.message", "edhoc.prefix", "edhoc.method", "edhoc.suites_i",
          "edhoc.g_x", "edhoc.c_i", "edhoc.g_y", "edhoc.ciphertext_2", "edhoc.c_r",
          "edhoc.id_cred_r", "edhoc.sig_or_mac_2", "edhoc.plaintext_2", "edhoc.id_cred_i",
          "edhoc.sig_or_mac_3", "edhoc.plaintext_3", "edhoc.plaintext_4", "edhoc.err_code",
          "edhoc.tag", "edhoc.session", "_ws.expert", "_ws.malformed", "_ws.lua.text",
          "udp.payload"]


def tshark():
    path = shutil.which("tshark")
    assert path, "tshark (Debian package tshark, make deps) is required"
    return path


def decode(pcap, *options, keylog=None):
    """One row per frame: {field: value} (tshark -T fields; bytes as plain hex; a field
    present with no bytes, such as an empty PLAINTEXT_4, is "", as an absent one)."""
    cmd = [tshark(), "-n", "-X", f"lua_script:{DISSECTOR}", "-r", str(pcap), "-T", "fields",
           "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=|"]
    if keylog:
        cmd += ["-o", f"edhoc.keylog_file:{keylog}"]
    cmd += list(options)
    for f in FIELDS:
        cmd += ["-e", f]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Lua" not in r.stderr and "rror" not in r.stderr, r.stderr
    rows = []
    for line in r.stdout.splitlines():
        cols = line.split("\t")
        cols = ["" if c == "<MISSING>" else c for c in cols]
        rows.append({k: v.replace(":", "") if k not in ("edhoc.message", "edhoc.suites_i",
                                                          "edhoc.session", "_ws.expert",
                                                          "_ws.lua.text") else v
                     for k, v in zip(FIELDS, cols)})
    return rows


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


# A run whose captures hold every AEAD (METHOD 3 in every suite), raw UDP, message_4,
# error messages, a non-deterministic C_I and a message_3 with another prefix than C_R.
MATRIX_FILTER = "interop/matrix/m3-s*-kid"
OTHERS = ["interop/handshake-udp.yaml", "rfc9528/5.5/message-4.yaml",
          "rfc9528/6.3/selected-suite-unsupported.yaml",
          "mutations/message-1/c-i-nondeterministic.yaml",
          "rfc9528/A.2/message-3-unknown-prefix.yaml"]


@pytest.fixture(scope="module")
def suite_run(harness, tmp_path_factory):
    d = tmp_path_factory.mktemp("run")
    results = []
    for name, paths, args in (
            ("matrix", [ROOT / "scenarios/interop/matrix.yaml"], ("--filter", MATRIX_FILTER)),
            ("others", [ROOT / "scenarios" / p for p in OTHERS], ())):
        sub = d / name
        sub.mkdir()
        r, res, _ = run_suite(harness, sub, REFERENCE, "-j", "2", "--keylog",
                              str(sub / "keys.log"), *args, paths=paths)
        assert r.returncode == 0 and res, r.stdout + r.stderr
        for x in res:
            x["keylog"] = sub / "keys.log"
        results += res
    return results


def transcript(res):
    return (ROOT / res["transcript_path"]).read_text() if not res["transcript_path"].startswith(
        "/") else open(res["transcript_path"]).read()


def command_of(text):
    m = re.search(r"^     EDHOC dissector: (tshark .*)$", text, re.M)
    assert m, text[-2000:]
    return m.group(1)


def hexes_of(text, label, name):
    """The h'..' values of NAME in the transcript's 'LABEL: ...' lines (one per
    session)."""
    return re.findall(rf"^\s+{label}: .*?{name} h'([0-9a-f]*)'", text, re.M)


def pcap_records(path):
    """The header and the records of a classic pcap file (as the harness writes them)."""
    data = path.read_bytes()
    head, pos, recs = data[:24], 24, []
    while pos < len(data):
        n = struct.unpack_from("<I", data, pos + 8)[0]
        recs.append(data[pos:pos + 16 + n])
        pos += 16 + n
    return head, recs


# Malformed-packet expert info that is not a dissector bug: a message a scenario made
# not EDHOC on purpose, and Wireshark 4.0's CoAP, which does not know RFC 9668's EDHOC
# option (21) of the combined request.
ALLOWED_MALFORMED = ("Not an EDHOC message of this shape", "Invalid Option Number 21")


def edhoc_messages(text):
    """The hex of every message a transcript lists ("-> N bytes: HEX", "<- ..."), but
    those of an oscore step and those marked OSCORE."""
    out, oscore = [], False
    for line in text.splitlines():
        m = re.match(r"^step \d+ \(line \d+\): (\S*)", line)
        if m:
            oscore = m.group(1) == "oscore"
            continue
        m = re.match(r"^  (->|<-) (OSCORE )?(\d+) bytes: ([0-9a-f]+)$", line)
        if m and not oscore and not m.group(2):
            out.append(m.group(4))
    return out


def check_captures(results, tmp_path):
    """Every job's capture, one after the other in one file (one tshark: the heuristic
    finds the conversations), with the run's keylogs. Every EDHOC message a transcript
    lists (an "-> N bytes: HEX" or "<- ..." line, OSCORE aside) is in a datagram the
    dissector decodes as an EDHOC message, or, for a message the scenario made
    malformed on purpose, flags as not EDHOC (edhoc.malformed); no Lua error, no
    malformed packet elsewhere; MAC_2 and MAC_3 in the PLAINTEXTs the dissector decrypted
    (its Lua AES-CCM, AES-GCM, ChaCha20) are the values the harness's engine decrypted
    (OpenSSL, libsodium). Returns the suites whose ciphertexts were decrypted and the
    kinds of message seen."""
    merged, keys, spans, head = [], [], [], None
    for res in results:
        if not res["pcap_path"] or res["transport"] == "coap-tcp":  # TCP is not captured
            continue
        h, recs = pcap_records(pathlib.Path(res["pcap_path"]))
        head = head or h
        spans.append((res, len(merged), len(merged) + len(recs)))
        merged += recs
    for k in sorted({str(res["keylog"]) for res in results}):
        keys.append(pathlib.Path(k).read_text())
    (tmp_path / "all.pcap").write_bytes(head + b"".join(merged))
    (tmp_path / "keys.log").write_text("".join(keys))
    # random ports: some are another protocol's (34980 is EtherCAT's), so the heuristic
    # goes first, as the per-job commands' decode-as would
    rows = decode(tmp_path / "all.pcap", "-o", "udp.try_heuristic_first:TRUE",
                  keylog=tmp_path / "keys.log")
    assert len(rows) == len(merged)
    aeads, kinds = set(), set()
    for res, a, b in spans:
        text, mine = transcript(res), rows[a:b]
        where = (res["id"], res["role"])
        for r in mine:
            assert r["_ws.lua.text"] == "" and "Lua" not in r["_ws.expert"], (where, r)
            assert "dissector error" not in r["_ws.expert"], (where, r)
            kinds.update(k for k in r["edhoc.message"].split("|") if k)
            malformed = [e for e in r["_ws.expert"].split("|") if "/Malformed)" in e]
            assert all(any(w in e for w in ALLOWED_MALFORMED) for e in malformed), (where, r)
        listed = edhoc_messages(text)
        for h in listed:
            # the CoAP payload ends a datagram, but message_3 in an RFC 9668 request
            frames = [r for r in mine if h in r["udp.payload"]]
            assert frames, (where, "no datagram carries", h)
            ok = [r for r in frames if r["edhoc.message"] or "Not an EDHOC message" in
                  r["_ws.expert"]]
            assert ok, (where, h, frames)
            for r in ok:  # malformed: only a message the dissector finds not EDHOC
                malformed = [e for e in r["_ws.expert"].split("|") if "/Malformed)" in e]
                assert all(any(w in e for w in ALLOWED_MALFORMED) for e in malformed), (where, r)
        got_2 = "|".join(r["edhoc.sig_or_mac_2"] for r in mine).split("|")
        got_3 = "|".join(r["edhoc.sig_or_mac_3"] for r in mine).split("|")
        for mac_2 in hexes_of(text, "PLAINTEXT_2", "Signature_or_MAC_2"):
            assert mac_2 in got_2, (where, mac_2)
            aeads.add(res["suite"])
        for mac_3 in hexes_of(text, "PLAINTEXT_3", "Signature_or_MAC_3"):
            assert mac_3 in got_3, (where, mac_3)
    return aeads, kinds


@pytest.mark.plain_only
def test_every_message_of_a_run_is_decoded_and_decrypted(suite_run, tmp_path):
    """check_captures on a run that has every AEAD, CoAP and raw UDP, message_4 and an
    error message."""
    aeads, kinds = check_captures(suite_run, tmp_path)
    assert aeads >= {0, 1, 2, 3, 4, 5, 6, 24, 25}
    assert {"message_1", "message_2", "message_3", "message_4", "error"} <= kinds


@pytest.mark.campaign
def test_every_capture_of_the_whole_suite(harness, tmp_path):
    """make dissector-check (not make test: the whole suite's captures take minutes):
    check_captures on every job of the conformance suite against the reference peer."""
    keylog = tmp_path / "keys.log"
    r, results, _ = run_suite(harness, tmp_path, REFERENCE, "-j", "2", "--keylog",
                              str(keylog), timeout=1200)
    assert r.returncode == 0 and len(results) > 400, r.stdout[-3000:] + r.stderr
    for x in results:
        x["keylog"] = keylog
    aeads, kinds = check_captures([x for x in results if x["verdict"] != "skipped"], tmp_path)
    assert aeads >= {0, 1, 2, 3, 4, 5, 6, 24, 25}
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
    (res,) = [x for x in suite_run if x["id"] == "interop/matrix/m3-s2-kid"
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
