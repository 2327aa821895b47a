"""`edhoc-harness matrix` and the static results page.

The reference peer against itself and against two faulty copies of itself
(peer files written here, like test_run.py's with_fault: wrong-mac-2 and
wrong-err-code), on a handful of scenarios: matrix.json's schema and
content (per-peer results and summaries, pair results with the relayed
datagrams in order), and index.html rendered by headless Chromium (Debian
package chromium): every cell and count as matrix.json says, a failing
pair cell opened through the URL fragment shows its verdict text, and a
screenshot is saved. `run --html` writes the same page for one run, links
relative to the page, and shows markup from the results as text.
"""
import html.parser
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from wall import scaled, timeout_args

ROOT = pathlib.Path(__file__).resolve().parent.parent
from test_run import REFERENCE  # noqa: E402 (the IUT binary of the pass: test_run.py)
SCENARIOS = ["scenarios/interop/m3-s2-kid.yaml", "scenarios/interop/m3-s2-kid-udp.yaml",
             "scenarios/rfc9528/6.3/selected-suite-unsupported.yaml"]
PAIR_IDS = ["interop/m3-s2-kid-udp", "interop/m3-s2-kid"]  # the positive ones, file order
VERDICTS = ["pass", "fail", "skipped", "nonstrict", "error", "xfail", "xpass"]



def udp_payloads(pcap):
    """The UDP payloads of a classic pcap with link type RAW (101), read
    here with struct (independent of the harness's writer)."""
    import struct
    data = pcap.read_bytes()
    magic, _, _, _, _, _, link = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xa1b2c3d4 and link == 101
    out, at = [], 24
    while at < len(data):
        _, _, incl, _ = struct.unpack("<IIII", data[at:at + 16])
        pkt = data[at + 16:at + 16 + incl]
        at += 16 + incl
        ihl = (pkt[0] & 15) * 4 if pkt[0] >> 4 == 4 else 40
        out.append(pkt[ihl + 8:])
    return out

def faulty(fault):
    """The reference peer file with --fault added to both commands, renamed."""
    text = REFERENCE.replace("--cred-id {cred_id}", f"--cred-id {{cred_id}} --fault {fault}")
    assert "\nname: reference\n" in text
    return text.replace("\nname: reference\n", f"\nname: reference-{fault}\n")


class Dom(html.parser.HTMLParser):
    """What the tests read from a DOM dump: matrix cells with their counts,
    the text of elements by id, and every tag's attributes."""

    TEXT_IDS = {"verdict-text", "detail-title", "title"}

    def __init__(self, text):
        super().__init__()
        self.cells, self.text, self.tags, self.cell = {}, {}, [], None
        self.open = []  # ids whose text is being collected, with their tag
        self.rows = []  # text of the results list's cells
        self.in_list = False
        self.raw = text
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "td" and "data-cell" in a:
            self.cell = a["data-cell"]
            self.cells[self.cell] = {"total": int(a["data-total"]), "counts": {}}
        if tag == "span" and self.cell and "data-verdict" in a:
            self.cells[self.cell]["counts"][a["data-verdict"]] = int(a["data-count"])
        if a.get("id") in self.TEXT_IDS:
            self.open.append((a["id"], tag))
            self.text[a["id"]] = ""
        if tag == "title":
            self.open.append(("doctitle", tag))
            self.text["doctitle"] = ""
        if a.get("id") == "results-list":
            self.in_list = True

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None
        if self.open and self.open[-1][1] == tag:
            self.open.pop()
        if tag == "table":
            self.in_list = False

    def handle_data(self, data):
        for key, _ in self.open:
            self.text[key] += data
        if self.in_list:
            self.rows.append(data)


def render(tmp_path, page, fragment, shot=None):
    """Load page#fragment in headless Chromium; the DOM after its script ran."""
    chromium = shutil.which("chromium")
    assert chromium, "chromium (Debian package chromium, make deps) is required"
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--hide-scrollbars", "--window-size=1400,1600"]
    if shot:
        cmd.append(f"--screenshot={shot}")
    cmd += ["--dump-dom", page.as_uri() + fragment]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=90, cwd=tmp_path)
    assert r.returncode == 0 and "</html>" in r.stdout, r.stderr[-2000:]
    return Dom(r.stdout)


def embedded(page):
    text = page.read_text()
    m = re.search(r'<script type="application/json" id="data">(.*?)</script>', text, re.S)
    assert m, "no embedded document"
    return json.loads(m.group(1))


def counts(results, role=None):
    c = dict.fromkeys(VERDICTS, 0)
    for r in results:
        if role is None or r["iut_role"] == role:
            c[r["verdict"]] += 1
    return c


def expected_cells(doc):
    cells = {}
    for p in doc["peers"]:
        for role in ("initiator", "responder"):
            cells[f"peer:{p['name']}:{role}"] = [r for r in p["results"] if r["iut_role"] == role]
    for p in doc["pairs"]:
        cells[f"pair:{p['initiator']}:{p['responder']}"] = p["results"]
    return cells


def check_cells(dom, doc, keep=lambda r: True):
    """Every cell of the page, and its counts (of the results the page's
    filters keep), as the document says."""
    want = expected_cells(doc)
    assert set(dom.cells) == set(want)
    for key, results in want.items():
        results = [r for r in results if keep(r)]
        c = {v: n for v, n in counts(results).items() if n}
        assert dom.cells[key]["counts"] == c, key
        assert dom.cells[key]["total"] == len(results), key


# the shipped binary only in make test (conftest.py, plain_only): the matrix code runs
# under the sanitizers in this module's other tests (pairs, exit codes, signals)
@pytest.mark.plain_only
def test_matrix_of_the_reference_peer_and_two_faults(harness, tmp_path):
    peers = [ROOT / "peers/reference.yaml"]
    for fault in ("wrong-mac-2", "wrong-err-code"):
        f = tmp_path / f"reference-{fault}.yaml"
        f.write_text(faulty(fault))
        peers.append(f)
    out = tmp_path / "out"
    r = subprocess.run([str(harness), "matrix", "--peers", *map(str, peers), "--scenarios",
                        *SCENARIOS, "-j", "2", "--quiet", "--out", str(out), *timeout_args()],
                       capture_output=True, text=True, timeout=scaled(180), cwd=ROOT)
    assert r.returncode == 1, r.stdout + r.stderr  # the faults fail
    doc = json.loads((out / "matrix.json").read_text())
    names = ["reference", "reference-wrong-mac-2", "reference-wrong-err-code"]

    # the document
    assert (doc["format"], doc["schema"], doc["kind"]) == ("edhoc-harness-results-page", 1,
                                                          "matrix")
    assert doc["scenarios"] == SCENARIOS and doc["interrupted"] is False
    assert doc["exit_code"] == 1 and doc["budget"] == "rfc9528"
    assert [p["name"] for p in doc["peers"]] == names
    assert not list(out.glob("*.tmp"))
    for p in doc["peers"]:
        assert p["roles"] == {"initiator": "command", "responder": "command"}
        assert p["results_json"] == f"{p['name']}/results.json"
        run = json.loads((out / p["results_json"]).read_text())
        assert [x["id"] for x in run["results"]] == [x["id"] for x in p["results"]]
        assert p["exit_code"] == (0 if p["name"] == "reference" else 1)
        for role in ("initiator", "responder"):
            assert p["summary"][role] == counts(p["results"], role)
        assert p["summary"]["total"] == counts(p["results"]) == run["summary"]
        for x in p["results"]:
            assert x["iut_role"] == ("responder" if x["role"] == "initiator" else "initiator")
            assert (out / x["transcript_path"]).is_file(), x["transcript_path"]
    by_peer = {p["name"]: {(x["id"], x["iut_role"]): x["verdict"] for x in p["results"]}
               for p in doc["peers"]}
    assert set(by_peer["reference"].values()) == {"pass"}
    assert by_peer["reference-wrong-mac-2"][("interop/m3-s2-kid", "responder")] == "fail"
    assert by_peer["reference-wrong-err-code"][
        ("rfc9528/6.3/selected-suite-unsupported", "responder")] == "fail"

    # the pairs: every ordered pair, the two positive scenarios each
    assert [(p["initiator"], p["responder"]) for p in doc["pairs"]] == \
        [(a, b) for a in names for b in names]
    for p in doc["pairs"]:
        assert [x["id"] for x in p["results"]] == PAIR_IDS
        assert p["summary"] == counts(p["results"])
        for x in p["results"]:
            assert (x["initiator"], x["responder"], x["role"]) == (p["initiator"],
                                                                   p["responder"], "relay")
            assert (out / x["transcript_path"]).is_file()
            assert (out / x["initiator_stdout_path"]).is_file()
            # the capture: the relayed datagrams, in order, as UDP payloads
            assert udp_payloads(out / x["pcap_path"]) == \
                [bytes.fromhex(d["hex"]) for d in x["datagrams"] if d["client"] >= 0]
            times = [d["time_ms"] for d in x["datagrams"]]
            assert times == sorted(times) and [d["index"] for d in x["datagrams"]] == \
                list(range(1, len(times) + 1))
            edhoc = [(d["direction"], d["edhoc"]["name"]) for d in x["datagrams"]
                     if d["edhoc"]]
            assert edhoc[:2] == [("initiator->responder", "message_1"),
                                 ("responder->initiator", "message_2")], edhoc
            if p["responder"] == "reference-wrong-mac-2":
                # the Initiator rejects the wrong MAC_2: exit code 1, its error message
                assert x["verdict"] == "fail", x["message"]
                assert "the Initiator exited with code 1" in x["message"]
                assert "MAC_2" in x["message"]
            else:
                assert x["verdict"] == "pass", x["message"]
                assert edhoc[2] == ("initiator->responder", "message_3")
                assert all(d["edhoc"]["ok"] for d in x["datagrams"] if d["edhoc"])
                sizes = {b["message"]: (b["size"], b["from"]) for b in x["budgets"]}
                assert sizes["message_2"] == (45, "responder")
                assert sizes["message_3"] == (19, "initiator")
            if x["transport"] == "coap":
                assert x["datagrams"][0]["coap"].startswith("CON POST /.well-known/edhoc")
            else:
                assert x["datagrams"][0]["coap"] is None
    assert doc["summary"]["pairs"] == {**dict.fromkeys(VERDICTS, 0), "pass": 12, "fail": 6}

    # the page: the same document, every cell and count, a failing cell opened
    page = out / "index.html"
    assert embedded(page) == doc
    shot = tmp_path / "matrix.png"
    failing = "pair:reference:reference-wrong-mac-2"
    dom = render(tmp_path, page, f"#cell={failing}&result=1", shot=shot)
    check_cells(dom, doc)
    res = expected_cells(doc)[failing][1]
    assert dom.text["verdict-text"] == "fail: " + res["message"]
    assert dom.text["detail-title"].startswith("reference (Initiator) with "
                                               "reference-wrong-mac-2 (Responder)")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def without_oscore():
    """The reference peer file as an IUT without OSCORE: no `oscore` (nor
    `rfc9668`) capability, and a Responder that serves no OSCORE."""
    text = REFERENCE.replace(" rfc9668,", "").replace(" oscore,", "")
    assert "oscore" not in text.split("responder:")[0].split("capabilities:")[1]
    text = text.replace("peer responder ", "peer responder --no-oscore ")
    return text.replace("\nname: reference\n", "\nname: no-oscore\n")


def test_a_pair_runs_oscore_only_when_the_scenario_and_both_iuts_have_it(harness, tmp_path):
    """OSCORE after the handshake is run between a pair only when the scenario
    has an oscore step and both peer files claim `oscore` (the {oscore}
    placeholder): the reference Initiator with a Responder without OSCORE
    completes the handshake of every scenario, those with an oscore step too (it
    is left out: OSCORE is the subject of neither), never failed."""
    peer = tmp_path / "no-oscore.yaml"
    peer.write_text(without_oscore())
    out = tmp_path / "out"
    scenarios = ["scenarios/interop/m3-s3-kid.yaml", "scenarios/interop/m3-s2-kid.yaml"]
    r = subprocess.run([str(harness), "matrix", "--peers", "peers/reference.yaml", str(peer),
                        "--scenarios", *scenarios, "-j", "2", "--quiet", "--out", str(out),
                        *timeout_args()], capture_output=True, text=True, timeout=scaled(180),
                       cwd=ROOT)
    doc = json.loads((out / "matrix.json").read_text())
    pairs = {(p["initiator"], p["responder"], x["id"]): (x["verdict"], x["message"])
             for p in doc["pairs"] for x in p["results"]}
    for a in ("reference", "no-oscore"):
        for b in ("reference", "no-oscore"):
            assert pairs[(a, b, "interop/m3-s3-kid")][0] == "pass", pairs[(a, b, "interop/m3-s3-kid")]
            assert pairs[(a, b, "interop/m3-s2-kid")][0] == "pass", pairs[(a, b, "interop/m3-s2-kid")]
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_pair_talks_to_the_responders_edhoc_path(harness, tmp_path):
    """A Responder that serves EDHOC at /edhoc (its peer file's edhoc_path; RFC 9528
    Appendix A.2 lets an application define its own) is reached by the other peer's
    Initiator through {edhoc_path}, and the pair judge finds the messages there: every
    pair passes (it said "no EDHOC message" when it looked at /.well-known/edhoc only)."""
    peer = tmp_path / "at-path.yaml"
    peer.write_text(REFERENCE.replace("\nname: reference\n", "\nname: at-path\nedhoc_path: "
                                      "/edhoc\n"))
    out = tmp_path / "out"
    r = subprocess.run([str(harness), "matrix", "--peers", "peers/reference.yaml", str(peer),
                        "--scenarios", "scenarios/interop/m3-s2-kid.yaml", "-j", "2", "--quiet",
                        "--out", str(out), *timeout_args()], capture_output=True, text=True,
                       timeout=scaled(180), cwd=ROOT)
    doc = json.loads((out / "matrix.json").read_text())
    pairs = {(p["initiator"], p["responder"]): [x["verdict"] for x in p["results"]]
             for p in doc["pairs"]}
    assert pairs == {(a, b): ["pass"] for a in ("reference", "at-path")
                     for b in ("reference", "at-path")}, pairs
    assert r.returncode == 0, r.stdout + r.stderr
    # the Initiator's requests went to /edhoc, as the pair's transcript shows
    t = (out / "pairs/reference__at-path/interop_m3-s2-kid.txt").read_text()
    assert re.search(r"I -> R \d+ bytes: CON POST /edhoc mid", t), t
    assert "/.well-known/edhoc" not in t, t


def test_a_pair_with_an_iut_over_raw_udp_only_runs_over_raw_udp(harness, tmp_path):
    """A scenario that names no transport runs between a pair over one both claim: CoAP
    when both do, raw UDP when one speaks raw UDP only (here the reference peer held to
    --transport udp). It ran over CoAP, and such a pair failed on "not a CoAP message".
    A scenario about CoAP is skipped for that pair, naming the capability."""
    peer = tmp_path / "raw.yaml"
    text = REFERENCE.replace("\nname: reference\n", "\nname: raw\n").replace(
        "--transport {transport}", "--transport udp").replace(" coap, coap-tcp, udp,", " udp,")
    assert text.count("--transport udp") == 2 and " coap," not in text
    peer.write_text(text)
    out = tmp_path / "out"
    r = subprocess.run([str(harness), "matrix", "--peers", "peers/reference.yaml", str(peer),
                        "--scenarios", "scenarios/interop/m3-s3-kid.yaml",
                        "scenarios/interop/handshake.yaml", "-j", "2", "--quiet", "--out",
                        str(out), *timeout_args()], capture_output=True, text=True,
                       timeout=scaled(180), cwd=ROOT)
    doc = json.loads((out / "matrix.json").read_text())
    pairs = {(p["initiator"], p["responder"], x["id"]): x for p in doc["pairs"]
             for x in p["results"]}
    for a in ("reference", "raw"):
        for b in ("reference", "raw"):
            x = pairs[(a, b, "interop/m3-s3-kid")]
            assert x["verdict"] == "pass", x
            assert x["transport"] == ("coap" if a == b == "reference" else "udp"), x
            h = pairs[(a, b, "interop/handshake")]
            assert h["verdict"] == ("pass" if a == b == "reference" else "skipped"), h
            if h["verdict"] == "skipped":
                assert "raw lacks the capability 'coap'" in h["message"], h
    assert r.returncode == 0, r.stdout + r.stderr


# the shipped binary only (conftest.py, plain_only): Chromium costs the same in both passes,
# and the page's C code (page_doc.c, page_html.c) runs under the sanitizers in the unit
# tests (harness/tests/test_page.c) and in the sanitizer pass's `matrix` tests
@pytest.mark.plain_only
def test_run_html_page_shows_results_as_text(harness, tmp_path):
    """`run --html`: one peer's page; a scenario title full of markup is shown
    as text, never run or parsed; links are relative to the page; the area
    filter, set through the URL fragment, narrows the counts."""
    evil = ('</script><img id="pwn" src=x onerror="document.title=\'pwned\'">'
            '<!--<script>')
    src = (ROOT / "scenarios/interop/m3-s2-kid.yaml").read_text()
    scen = tmp_path / "evil.yaml"
    scen.write_text(re.sub(r"(?m)^title: .*$", "title: " + json.dumps(evil), src))
    page = tmp_path / "page" / "index.html"
    page.parent.mkdir()
    other = "scenarios/rfc9528/6.3/selected-suite-unsupported.yaml"  # harness Initiator only
    r = subprocess.run([str(harness), "run", str(scen), other, "--peer", "peers/reference.yaml",
                        "--json", str(tmp_path / "r.json"), "--junit", str(tmp_path / "j.xml"),
                        "--out", str(tmp_path / "out"), "--html", str(page),
                        "--keylog", str(tmp_path / "keys.log"), *timeout_args()],
                       capture_output=True, text=True, timeout=scaled(60), cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    doc = embedded(page)
    assert doc["kind"] == "run" and doc["pairs"] == []
    (peer,) = doc["peers"]
    assert peer["name"] == "reference" and len(peer["results"]) == 3
    assert [x["area"] for x in peer["results"]] == ["interop", "interop", "rfc9528.6.3"]
    for x in peer["results"][:2]:
        assert x["title"] == evil
        assert x["transcript_path"].startswith("../out/iut-")
        assert (page.parent / x["transcript_path"]).is_file()
        assert x["pcap_path"].startswith("../out/iut-") and x["pcap_path"].endswith(".pcap")
        assert (page.parent / x["pcap_path"]).is_file()
    dom = render(tmp_path, page, "#cell=peer:reference:responder&result=0&area=interop")
    check_cells(dom, doc, keep=lambda x: x["area"] == "interop")
    assert dom.cells["peer:reference:responder"]["total"] == 1  # of 2 unfiltered
    assert not [a for t, a in dom.tags if t == "img" or a.get("id") == "pwn"]
    assert dom.text["title"] == dom.text["doctitle"] == "edhoc-harness run"
    assert evil in "".join(dom.rows)
    assert "selected-suite-unsupported" not in "".join(dom.rows)  # filtered out
    assert dom.text["verdict-text"] == "pass"
    assert any(a.get("id") == "derived" for t, a in dom.tags if t == "table")  # derived values
    hrefs = {a.get("data-key"): a.get("href") for t, a in dom.tags if t == "a"}
    assert hrefs.get("pcap_path", "").endswith(".pcap"), hrefs  # the capture is linked


def test_an_initiator_that_never_exits_is_stopped(harness, tmp_path):
    """Bounded waits: a pair whose Initiator never exits fails once the bound
    ((steps + 2) x --timeout) passes, and the Initiator is stopped."""
    text = re.sub(r'(?m)^(initiator:\n  command: ).*$', r'\1"sleep 60"', REFERENCE)
    text = text.replace("\nname: reference\n", "\nname: sleeper\n")
    peer = tmp_path / "sleeper.yaml"
    peer.write_text(text)
    out = tmp_path / "out"
    r = subprocess.run([str(harness), "matrix", "--peers", str(peer), "--scenarios",
                        "scenarios/interop/m3-s2-kid.yaml", "--timeout", "200", "--quiet",
                        "--out", str(out)], capture_output=True, text=True, timeout=scaled(120),
                       cwd=ROOT)
    assert r.returncode == 1, r.stdout + r.stderr
    doc = json.loads((out / "matrix.json").read_text())
    (pair,) = doc["pairs"]
    (x,) = pair["results"]
    assert x["verdict"] == "fail"
    assert x["message"].startswith("the Initiator did not exit within 1400 ms and was stopped")
    assert x["initiator_exit"].startswith("still running at the end: stopped")
    assert x["seconds"] < 10


def test_matrix_usage_errors(run, tmp_path):
    assert run("matrix", "--help").returncode == 0
    assert run("matrix", "--peers", "peers/reference.yaml").returncode == 2  # no --out
    dup = run("matrix", "--peers", "peers/reference.yaml", "peers/reference.yaml",
              "--out", tmp_path / "out")
    assert dup.returncode == 2 and "names must differ" in dup.stderr
    bad = run("matrix", "--peers", "peers/reference.yaml", "--scenarios", "no/such/path",
              "--out", tmp_path / "out")
    assert bad.returncode == 2 and "no/such/path" in bad.stderr
    assert not (tmp_path / "out" / "matrix.json").exists()


def test_matrix_exit_codes_are_those_of_run(run, tmp_path):
    """README, "Exit codes": nothing selected is 4 (nothing was tested, with
    matrix.json saying so), a report folder that cannot be made is 3."""
    r = run("matrix", "--peers", "peers/reference.yaml", "--filter", "no/such/*", "--quiet",
            "--out", tmp_path / "out")
    assert r.returncode == 4, r.stdout + r.stderr
    assert "matrix: exit 4: no job and no pair ran" in r.stderr
    doc = json.loads((tmp_path / "out" / "matrix.json").read_text())
    assert doc["exit_code"] == 4 and doc["pairs"][0]["results"] == []
    (tmp_path / "afile").write_text("")
    r = run("matrix", "--peers", "peers/reference.yaml", "--out", tmp_path / "afile" / "out")
    assert r.returncode == 3 and "cannot make" in r.stderr, r.stdout + r.stderr


def start_sleeper_matrix(harness, tmp_path, sleep_arg):
    """`matrix` on one peer file, the reference peer whose Initiator is `sleep SLEEP_ARG`
    (it never sends), over interop/m3-s2-kid: (process, out folder)."""
    text = re.sub(r'(?m)^(initiator:\n  command: ).*$', rf'\1"sleep {sleep_arg}"', REFERENCE)
    text = text.replace("\nname: reference\n", "\nname: sleeper\n")
    peer = tmp_path / "sleeper.yaml"
    peer.write_text(text)
    out = tmp_path / "out"
    proc = subprocess.Popen([str(harness), "matrix", "--peers", str(peer), "--scenarios",
                             "scenarios/interop/m3-s2-kid.yaml", "--timeout", "1500", "--quiet",
                             "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    return proc, out


@pytest.mark.parametrize("sig", ["SIGINT", pytest.param("SIGHUP", marks=pytest.mark.plain_only)])
def test_sigint_during_the_runs_stops_the_matrix(harness, tmp_path, sig):
    """issue 16 item 6: SIGINT while the matrix runs an IUT's suite (before the pairs)
    stopped that run only; the matrix went on to the pairs and wrote "interrupted": false.
    Now the matrix stops there: no pair runs, matrix.json says interrupted, exit 3. The
    same for SIGHUP (the terminal went away), which used to kill it without reports."""
    import signal
    import time
    proc, out = start_sleeper_matrix(harness, tmp_path, 30)
    try:
        deadline = time.monotonic() + 30
        started = []
        while not started and time.monotonic() < deadline:  # bounded polling of files
            started = list((out / "sleeper").glob("iut-initiator/*.iut.stdout"))
            if not started:
                time.sleep(0.02)
        assert started, "the sleeper's own run never started its IUT"
        proc.send_signal(getattr(signal, sig))
        stdout, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 3, stdout
    assert "matrix interrupted" in stdout, stdout
    doc = json.loads((out / "matrix.json").read_text())
    assert doc["interrupted"] is True and doc["exit_code"] == 3
    assert all(p["results"] == [] or all(x["verdict"] != "pass" for x in p["results"])
               for p in doc["pairs"]), doc["pairs"]
    assert not (out / "pairs" / "sleeper__sleeper").exists() or not list(
        (out / "pairs" / "sleeper__sleeper").glob("*.initiator.stdout"))


def test_sigint_during_a_pair_stops_both_iuts(harness, tmp_path):
    """SIGINT while a pair runs (its Initiator never exits): the matrix exits
    non-zero soon, and neither of the pair's IUTs is left running."""
    import signal
    import time
    from peerutil import unique_sleep_marker
    marker = unique_sleep_marker(61)  # see alive() below
    proc, out = start_sleeper_matrix(harness, tmp_path, marker)
    pair_dir = out / "pairs" / "sleeper__sleeper"
    try:
        deadline = time.monotonic() + 30
        port = None
        started = False
        while not started and time.monotonic() < deadline:  # bounded polling of files
            logs = list(pair_dir.glob("*.responder.stdout")) if pair_dir.exists() else []
            m = re.search(r"listening on \w+://[^:]+:(\d+)", logs[0].read_text()) if logs \
                else None
            port = m and m.group(1)
            started = port is not None and list(pair_dir.glob("*.initiator.stdout"))
            if not started:
                # short, so the signal often lands while the Initiator is being
                # started (its stdout file is created first): that race left it
                # running once
                time.sleep(0.005)
        assert port, "the pair's Responder never started"
        assert list(pair_dir.glob("*.initiator.stdout")), "the pair's Initiator never started"
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
        assert time.monotonic() - t0 < 5
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 3  # interrupted: no verdict (README, "Exit codes")

    def alive():
        found = []
        for p in pathlib.Path("/proc").iterdir():
            if not p.name.isdigit():
                continue
            try:
                cmd = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if f"sleep {marker}" in cmd or ("peer responder" in cmd and f"--port {port} " in cmd):
                found.append(cmd)
        return found
    deadline = time.monotonic() + 5
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)  # killed IUTs are reaped by init: bounded
    assert not alive(), alive()
