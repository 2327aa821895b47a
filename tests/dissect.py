"""Reading the harness's captures with tshark and the EDHOC dissector
(wireshark/edhoc.lua, issue 18): for tests/test_dissector.py and the whole-suite run of
tests/test_run.py, whose check_captures() is the check of every capture of a run."""
import pathlib
import re
import shutil
import struct
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
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


def transcript(res):
    return (ROOT / res["transcript_path"]).read_text() if not res["transcript_path"].startswith(
        "/") else open(res["transcript_path"]).read()


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


def udp_datagrams(pcap):
    """(source port, UDP payload) of each datagram of a harness capture (classic pcap, link
    type RAW: IPv4 or IPv6 headers), read here with struct, independent of the writer."""
    head, recs = pcap_records(pathlib.Path(pcap))
    assert struct.unpack("<I", head[:4])[0] == 0xa1b2c3d4
    assert struct.unpack("<I", head[20:24])[0] == 101
    out = []
    for rec in recs:
        pkt = rec[16:]
        ihl = (pkt[0] & 15) * 4 if pkt[0] >> 4 == 4 else 40
        out.append((struct.unpack(">H", pkt[ihl:ihl + 2])[0], pkt[ihl + 8:]))
    return out


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
