"""`edhoc-harness serve` (issue 19 item 1): a reference Responder that IUT Initiators
connect to by themselves, each picking its test by the request's path, with results per
client. The clients here are the reference Initiator (`peer initiator --edhoc-path`,
also with faults, standing in for Initiators that are not ours) and libcoap's own
coap-client (an independent CoAP stack)."""
import json
import pathlib
import queue
import re
import shutil
import signal
import subprocess
import threading
import time

import pytest

from wall import scaled, timeout_args

ROOT = pathlib.Path(__file__).resolve().parent.parent
LISTEN = re.compile(r"serve: listening on (?:coap(?:\+tcp)?://)?\[?([0-9a-f.:]+)\]?(?::| port )"
                    r"(\d+) \((CoAP over UDP|CoAP over TCP|raw UDP: (\S+))\)")
MAC2 = "rfc9528/5.3.3/wrong-mac-2"
PEER_TIMEOUT = str(int(scaled(3000)))  # the reference peers' bound of each wait (ms)
TRACE1 = ["--method", "0", "--suites", "0", "--cred", "rfc9529-trace1-i",
          "--peer-cred", "rfc9529-trace1-r", "--cred-id", "x5t"]


class Serve:
    """A running `serve`: its ports, and its output lines as they come (a reader thread),
    so that a test waits for the line of a job's verdict instead of sleeping."""

    def __init__(self, harness, out, *args, ready_timeout=30):
        # the scenarios the tests pick (a start loads them all: the whole suite is
        # three times the start-up)
        self.cmd = [str(harness), "serve", "scenarios/interop", "scenarios/rfc9528/5.3.3",
                    "scenarios/rfc9528/5.4.3",
                    "--port", "0", "--out", str(out), *map(str, args), *timeout_args(args)]
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, cwd=ROOT, start_new_session=True)
        self.out = pathlib.Path(out)
        self.lines = []
        self.q = queue.Queue()
        self.ended = False
        self.coap = []   # (host, port)
        self.tcp = []    # (host, port)
        self.raw = {}    # scenario id -> port
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self.wait_line(lambda l: "; results in " in l, ready_timeout)
        except BaseException:
            self.stop()  # never left running by a test that could not use it
            raise
        for line in self.lines:
            m = LISTEN.search(line)
            if m and m.group(3) == "CoAP over UDP":
                self.coap.append((m.group(1), int(m.group(2))))
            elif m and m.group(3) == "CoAP over TCP":
                self.tcp.append((m.group(1), int(m.group(2))))
            elif m:
                self.raw[m.group(4)] = int(m.group(2))
        self.port = self.coap[0][1]

    def _read(self):
        for line in self.proc.stdout:
            self.q.put(line)
        self.q.put(None)

    def wait_line(self, pred, timeout=30):
        deadline = time.monotonic() + scaled(timeout)
        while True:
            for line in self.lines:
                if pred(line):
                    return line
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no such line from serve: {self.lines}")
            try:
                line = self.q.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                self.ended = True
                raise AssertionError(f"serve ended: {self.lines} {self.proc.stderr.read()}")
            self.lines.append(line)

    def verdict_line(self, client, scenario, timeout=30):
        """serve's line for the end of that client's job of that scenario."""
        return self.wait_line(lambda l: l.startswith(f"serve: {client}: {scenario} ")
                              and not l.rstrip().endswith("started"), timeout)

    def initiator(self, path, *args, host="127.0.0.1", timeout=60):
        cmd = [str(self.harness), "peer", "initiator", "--host", host, "--port",
               str(self.port), "--edhoc-path", path, "--timeout", PEER_TIMEOUT, *map(str, args)]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=scaled(timeout),
                              cwd=ROOT)

    def stop(self, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=scaled(timeout))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        while not self.ended:  # the rest of the output
            try:
                line = self.q.get(timeout=scaled(5))
            except queue.Empty:
                break
            if line is None:
                self.ended = True
                break
            self.lines.append(line)
        return rc

    def diag(self, client):
        """For a failed assertion: serve's lines so far and the client's transcripts."""
        texts = [f"--- {t}\n{t.read_text()[-4000:]}"
                 for t in sorted((self.out / "clients" / client).rglob("*.txt"))]
        return "\n".join(["serve:", *self.lines, *texts])

    def results(self, client):
        return json.loads((self.out / "clients" / client / "results.json").read_text())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


@pytest.fixture
def serve(harness, tmp_path):
    started = []

    def _serve(*args, out=None):
        s = Serve(harness, out or tmp_path / f"serve{len(started)}", *args)
        s.harness = harness
        started.append(s)
        return s
    yield _serve
    for s in started:
        s.stop()


def coap_client(*args, timeout=30, data=None):
    client = shutil.which("coap-client-notls")
    assert client, "coap-client-notls (Debian libcoap3-bin) is required"
    return subprocess.run([client, *args], capture_output=True, timeout=scaled(timeout),
                          input=data)


def by_id(doc):
    return {(r["id"], r["profile"]): r for r in doc["results"]}


def page_doc(path):
    text = path.read_text()
    m = re.search(r'<script type="application/json" id="data">(.*?)</script>', text, re.S)
    return json.loads(m.group(1))


def test_a_test_path_whose_correct_outcome_is_an_abort(serve):
    """The reference Initiator at the test path of wrong-mac-2 aborts (non-zero exit,
    naming MAC_2) and serve records the scenario as passed by that client; libcoap's
    coap-client reads the same in the client's results resource."""
    s = serve("--linger", "100")
    r = s.initiator(f"/.well-known/edhoc/test/{MAC2}?name=alice")
    assert r.returncode != 0
    assert "MAC_2 does not match" in r.stdout + r.stderr
    line = s.verdict_line("alice", MAC2)
    assert line.split(": ")[3].strip() == "pass", line
    res = by_id(s.results("alice"))
    got = res[(MAC2, "m3-s2-kid")]
    assert got["verdict"] == "pass" and got["role"] == "responder"
    # the client's error message (RFC 9528 §6), outcome 1 of the step's two; the
    # transcript is in its file (serve keeps none in memory)
    assert got["transcript"] is None
    text = pathlib.Path(got["transcript_path"]).read_text()
    assert '"Signature_or_MAC_2: MAC_2 does not match"' in text
    assert "ok: outcome 1 of 3 matches" in text
    assert "no exit status to judge" in text
    assert pathlib.Path(got["pcap_path"]).stat().st_size > 24
    junit = (s.out / "clients/alice/junit.xml").read_text()
    assert f'name="{MAC2}"' in junit and "<failure" not in junit
    g = coap_client("-m", "get", "-B", "10",
                    f"coap://127.0.0.1:{s.port}/.well-known/edhoc/results?name=alice")
    doc = json.loads(g.stdout)
    assert doc["client"] == "alice" and doc["summary"]["pass"] == 1
    assert doc["results"] == [{"id": MAC2, "profile": "m3-s2-kid", "verdict": "pass"}]
    assert s.stop() == 0  # every job passed: CI can gate on serve's exit


@pytest.mark.plain_only("the same executor as run's sanitizer pass")
def test_a_client_that_accepts_a_wrong_mac_2_fails_the_test(serve):
    """An Initiator that does not check MAC_2 (the reference peer's skip-mac-2-check
    fault) goes on with message_3: the scenario fails for that client, naming the step."""
    s = serve("--linger", "100")
    r = s.initiator(f"/.well-known/edhoc/test/{MAC2}?name=lax", "--fault", "skip-mac-2-check")
    line = s.verdict_line("lax", MAC2)
    assert ": fail: " in line, line + r.stdout
    got = by_id(s.results("lax"))[(MAC2, "m3-s2-kid")]
    assert got["verdict"] == "fail" and "step 3" in got["message"]
    assert s.stop() == 1  # a conformance failure


@pytest.mark.plain_only("the same paths as the abort test, in another profile")
def test_the_baseline_follows_the_clients_message_1(serve):
    """POST /.well-known/edhoc is the interop baseline: a METHOD 3 suite 2 client runs it
    in m3-s2-kid, a METHOD 0 suite 0 x5t client (RFC 9529 trace 1's credentials) in
    m0-s0-x5t; both complete (exit 0, OSCORE included) and are recorded as passed."""
    s = serve("--linger", "100")
    a = s.initiator("/.well-known/edhoc?name=bob")
    b = s.initiator("/.well-known/edhoc?name=carol", *TRACE1)
    assert a.returncode == 0 and "PASS: handshake and OSCORE" in a.stdout, \
        a.stdout + a.stderr + s.diag("bob")
    assert b.returncode == 0 and "PASS: handshake and OSCORE" in b.stdout, \
        b.stdout + b.stderr + s.diag("carol")
    s.verdict_line("bob", "interop/handshake")
    s.verdict_line("carol", "interop/handshake")
    assert by_id(s.results("bob"))[("interop/handshake", "m3-s2-kid")]["verdict"] == "pass"
    assert by_id(s.results("carol"))[("interop/handshake", "m0-s0-x5t")]["verdict"] == "pass"


@pytest.mark.plain_only("profile choice")
def test_oscore_is_judged_only_when_the_client_asks_for_it(serve):
    """RFC 9528 makes OSCORE optional: a client that runs none after the handshake passes
    the baseline (and one that runs it gets its request answered); with ?oscore=1 the
    OSCORE exchange is part of the test, and a client without it fails naming the step."""
    s = serve("--linger", "100")
    r = s.initiator("/.well-known/edhoc?name=plain", "--no-oscore")
    assert r.returncode == 0 and "PASS: handshake" in r.stdout, r.stdout + r.stderr
    assert ": pass" in s.verdict_line("plain", "interop/handshake")
    r = s.initiator("/.well-known/edhoc?name=strict&oscore=1", "--no-oscore")
    assert r.returncode == 0
    line = s.verdict_line("strict", "interop/handshake")
    assert ": fail: " in line and "no OSCORE request from the IUT" in line, line
    r = s.initiator("/.well-known/edhoc?name=full&oscore=1")
    assert r.returncode == 0 and "PASS: handshake and OSCORE" in r.stdout
    assert ": pass" in s.verdict_line("full", "interop/handshake")
    got = by_id(s.results("full"))[("interop/handshake", "m3-s2-kid+oscore")]
    assert "OSCORE request verified and answered" in \
        pathlib.Path(got["transcript_path"]).read_text()


@pytest.mark.plain_only("the paths of the abort test, twice")
def test_two_clients_at_once_get_separate_results_and_the_page_updates(serve):
    """Two Initiators at the same time (different tests, different names) get their own
    results; the overview page and clients.json show each as soon as its job ends, while
    serve still runs."""
    s = serve("--linger", "100")
    paths = (f"/.well-known/edhoc/test/{MAC2}?name=alice", "/.well-known/edhoc?name=bob")
    cmds = [[str(s.harness), "peer", "initiator", "--port", str(s.port),
             "--timeout", PEER_TIMEOUT, "--edhoc-path", p] for p in paths]
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=ROOT) for c in cmds]
    outs = [p.communicate(timeout=scaled(60)) for p in procs]
    assert procs[0].returncode != 0 and procs[1].returncode == 0, outs
    s.verdict_line("alice", MAC2)
    s.verdict_line("bob", "interop/handshake")
    assert set(by_id(s.results("alice"))) == {(MAC2, "m3-s2-kid")}
    assert set(by_id(s.results("bob"))) == {("interop/handshake", "m3-s2-kid")}
    idx = json.loads((s.out / "clients.json").read_text())
    assert {c["name"]: c["summary"]["pass"] for c in idx["clients"]} == {"alice": 1, "bob": 1}
    doc = page_doc(s.out / "index.html")
    assert {p["name"] for p in doc["peers"]} == {"alice", "bob"}
    # a third job: the pages are rewritten while serving
    r = s.initiator("/.well-known/edhoc?name=alice")
    assert r.returncode == 0
    s.verdict_line("alice", "interop/handshake")
    doc = page_doc(s.out / "clients/alice/index.html")
    ids = {r["id"] for p in doc["peers"] for r in p["results"]}
    assert ids == {MAC2, "interop/handshake"}
    assert s.proc.poll() is None


@pytest.mark.plain_only("the route parser: sanitized in the hostile test and fuzz")
def test_requests_it_cannot_take_are_answered_with_the_reason(serve):
    """An unknown test is 4.04 naming it, a bad name 4.00, a GET to an EDHOC resource 4.05,
    an OSCORE request outside any session 4.01; nothing of that is recorded."""
    s = serve("--linger", "100")
    r = s.initiator("/.well-known/edhoc/test/no/such/test?name=dave")
    assert r.returncode == 1
    assert 'CoAP 4.04: "no test no/such/test' in r.stdout, r.stdout
    base = f"coap://127.0.0.1:{s.port}/.well-known/edhoc"
    g = coap_client("-m", "post", "-e", "x", base + "?name=../x")
    assert b"name: 1 to 32 letters" in g.stdout + g.stderr, g
    g = coap_client("-m", "get", base)
    assert b"4.05" in g.stdout + g.stderr or b"POST message_1" in g.stdout, g
    assert not (s.out / "clients/dave").exists()
    assert json.loads((s.out / "clients.json").read_text())["clients"] == []


@pytest.mark.plain_only("the front's bookkeeping; sanitized in the hostile test")
def test_busy_server_answers_5_03(serve):
    """With --max-jobs 1, a second session while the first job runs (its client sent
    message_1 and went away: the job waits for message_3 up to its bound) gets 5.03."""
    s = serve("--max-jobs", "1", "--timeout", "2000")
    doc = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
    m1 = bytes.fromhex("f5" + doc["message_1"])
    url = f"coap://127.0.0.1:{s.port}/.well-known/edhoc/test/{MAC2}?name=eve"
    first = coap_client("-m", "post", "-t", "65", "-f", "-", url, data=m1)
    assert first.returncode == 0
    s.wait_line(lambda l: "eve (" in l and "started" in l)
    r = s.initiator("/.well-known/edhoc?name=frank")
    assert r.returncode == 1 and "5.03" in r.stdout, r.stdout
    assert s.proc.poll() is None


@pytest.mark.plain_only("the relay of the abort test over other sockets")
def test_ipv6_and_raw_udp(serve):
    """Bound to ::1, a client over IPv6 is served; a raw UDP port (--raw) runs its
    scenario (RFC 9528 Appendix A.2 prefixes, no CoAP)."""
    s = serve("--host", "::1", "--linger", "100", "--raw", "0=interop/handshake-udp")
    assert s.coap[0][0] == "::1"
    r = s.initiator("/.well-known/edhoc?name=v6", host="::1")
    assert r.returncode == 0, r.stdout + r.stderr
    s.verdict_line("v6", "interop/handshake")
    port = s.raw["interop/handshake-udp"]
    r = subprocess.run([str(s.harness), "peer", "initiator", "--transport", "udp", "--host",
                        "::1", "--port", str(port), "--timeout", PEER_TIMEOUT],
                       capture_output=True, text=True, timeout=scaled(60), cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    s.verdict_line("::1", "interop/handshake-udp")
    assert by_id(s.results("__1"))[("interop/handshake-udp", "m3-s2-kid")]["verdict"] == "pass"


def test_sigterm_writes_everything_and_stops_every_job(serve, tmp_path):
    """SIGTERM while a job waits for its client: the job's process is stopped, its result
    is an error saying so, the reports are written (interrupted) and serve exits 0."""
    s = serve("--timeout", "20000")
    doc = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
    m1 = bytes.fromhex("f5" + doc["message_1"])
    url = f"coap://127.0.0.1:{s.port}/.well-known/edhoc/test/{MAC2}?name=gina"
    coap_client("-m", "post", "-t", "65", "-f", "-", url, data=m1)
    line = s.wait_line(lambda l: "gina (" in l and "started" in l)
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(s.proc.pid)],
                              capture_output=True, text=True).stdout.split()
    assert children, line
    assert s.stop() == 3  # a job in error (stopped half-way): not all judged
    for pid in children:
        assert not pathlib.Path(f"/proc/{pid}").exists() or \
            "Z" in pathlib.Path(f"/proc/{pid}/stat").read_text().split()[2]
    got = by_id(s.results("gina"))[(MAC2, "m3-s2-kid")]
    assert got["verdict"] == "error" and "interrupted" in got["message"]
    assert json.loads((s.out / "clients.json").read_text())["interrupted"] is True
    assert not list(s.out.rglob("*.tmp"))


@pytest.mark.plain_only("the executor of the reverse suite")
def test_a_responder_that_is_the_client_in_the_reverse_flow(serve):
    """An IUT Responder that is the CoAP client (RFC 9528 Appendix A.2.2) triggers with an
    empty POST: the baseline runs with the harness the Initiator in the reverse-flow
    profile; at the test path of wrong-mac-3 the reference Responder rejects message_3
    (exit 1, naming MAC_3) and serve records a pass; a Responder that does not check MAC_3
    (skip-mac-3-check) goes on to OSCORE and fails the test."""
    s = serve("--linger", "100")

    def responder(path, *args):
        return subprocess.run([str(s.harness), "peer", "responder", "--flow", "reverse",
                               "--port", str(s.port), "--timeout", PEER_TIMEOUT,
                               "--edhoc-path", path,
                               *args], capture_output=True, text=True, timeout=scaled(60),
                              cwd=ROOT)
    r = responder("/.well-known/edhoc?name=rita")
    assert r.returncode == 0 and "PASS: handshake (reverse message flow) and OSCORE" in \
        r.stdout, r.stdout + r.stderr
    s.verdict_line("rita", "interop/handshake")
    m3 = "rfc9528/5.4.3/wrong-mac-3"
    r = responder(f"/.well-known/edhoc/test/{m3}?name=rita")
    assert r.returncode == 1 and "MAC_3 does not match" in r.stdout, r.stdout + r.stderr
    s.verdict_line("rita", m3)
    r = responder(f"/.well-known/edhoc/test/{m3}?name=lax", "--fault", "skip-mac-3-check")
    line = s.verdict_line("lax", m3)
    assert ": fail: step 4" in line and "received oscore" in line, line
    got = by_id(s.results("rita"))
    assert got[("interop/handshake", "m3-s2-kid-reverse")]["verdict"] == "pass"
    assert got[(m3, "m3-s2-kid-reverse")]["verdict"] == "pass"
    assert got[(m3, "m3-s2-kid-reverse")]["role"] == "initiator"  # the harness's


def test_coap_over_tcp(serve):
    """Over CoAP over TCP (RFC 8323) the baseline runs over TCP and so do the scenarios
    written for it; a scenario written for CoAP over UDP is refused over TCP with 4.04
    saying so; libcoap's coap-client reads the results over TCP."""
    s = serve("--linger", "100")
    assert s.tcp and s.tcp[0][1] == s.port
    r = s.initiator("/.well-known/edhoc?name=tina", "--transport", "coap-tcp")
    assert r.returncode == 0 and "PASS: handshake and OSCORE" in r.stdout, r.stdout + r.stderr
    s.verdict_line("tina", "interop/handshake")
    r = s.initiator("/.well-known/edhoc/test/interop/m3-s2-kid-tcp?name=tina",
                    "--transport", "coap-tcp")
    assert r.returncode == 0, r.stdout + r.stderr
    s.verdict_line("tina", "interop/m3-s2-kid-tcp")
    r = s.initiator(f"/.well-known/edhoc/test/{MAC2}?name=tina", "--transport", "coap-tcp")
    assert r.returncode == 1 and "over CoAP over TCP" in r.stdout, r.stdout
    got = by_id(s.results("tina"))
    base = got[("interop/handshake", "m3-s2-kid")]
    assert base["verdict"] == "pass" and base["transport"] == "coap-tcp"
    assert "CoAP over TCP" in pathlib.Path(base["transcript_path"]).read_text()
    assert got[("interop/m3-s2-kid-tcp", "m3-s2-kid")]["verdict"] == "pass"
    g = coap_client("-m", "get", "-B", "10",
                    f"coap+tcp://127.0.0.1:{s.port}/.well-known/edhoc/results?name=tina")
    doc = json.loads(g.stdout)
    assert doc["summary"]["pass"] == 2, doc


@pytest.mark.plain_only("a time bound of the front")
def test_a_tcp_connection_that_sends_nothing_is_closed(serve):
    """A connection that never sends a request is closed after its bound, and while it
    waits the server serves others."""
    import socket
    s = serve("--linger", "100", "--timeout", "300")
    idle = socket.create_connection(("127.0.0.1", s.port), timeout=scaled(30))
    assert idle.recv(2) == b"\x00\xe1"  # the server's CSM (RFC 8323 §5.3)
    r = s.initiator("/.well-known/edhoc?name=busy")
    assert r.returncode == 0
    idle.settimeout(scaled(30))
    assert idle.recv(10) == b""  # closed by serve (5 times --timeout)
    idle.close()


@pytest.mark.plain_only("an exit code")
def test_a_serve_that_saw_no_client_exits_4(serve):
    """Stopped before any client came: nothing was tested, exit 4 (as `run` with no job),
    with the reports written all the same."""
    s = serve()
    assert s.stop() == 4
    doc = json.loads((s.out / "clients.json").read_text())
    assert doc["format"] == "edhoc-harness-serve" and doc["interrupted"] is True
    assert doc["clients"] == []
    assert (s.out / "index.html").stat().st_size > 1000


@pytest.mark.plain_only("option checks")
@pytest.mark.parametrize("args,text", [
    (["--raw", "0=no/such"], "no such raw UDP scenario"),
    (["--peer-profile", "peers/none.yaml"], "--peer-profile"),
    (["--raw", "x"], "invalid value for --raw"),
])
def test_usage_errors_exit_2(harness, tmp_path, args, text):
    r = subprocess.run([str(harness), "serve", "--port", "0", "--out", str(tmp_path / "o"),
                        *args], capture_output=True, text=True, timeout=scaled(60), cwd=ROOT)
    assert r.returncode == 2 and text in r.stderr, r.stderr


@pytest.mark.plain_only("a bind error")
def test_a_port_in_use_exits_3(serve, harness, tmp_path):
    s = serve()
    r = subprocess.run([str(harness), "serve", "--host", "127.0.0.1", "--port", str(s.port),
                        "--out", str(tmp_path / "o")], capture_output=True, text=True,
                       timeout=scaled(60), cwd=ROOT)
    assert r.returncode == 3 and "cannot bind" in r.stderr, r.stderr


def coap_post(mid, path_segments, payload, query=()):
    """A CON POST datagram built here (RFC 7252 §3), token 1 byte."""
    out = bytearray([0x41, 0x02, mid >> 8, mid & 0xff, 0x5e])
    last = 0
    for number, value in [(11, s.encode()) for s in path_segments] + \
            [(15, q.encode()) for q in query]:
        delta = number - last
        last = number
        assert delta < 13 and len(value) < 269
        if len(value) < 13:
            out += bytes([delta << 4 | len(value)])
        else:
            out += bytes([delta << 4 | 13, len(value) - 13])
        out += value
    return bytes(out + b"\xff" + payload)


def test_hostile_clients_get_bounded_answers_and_serve_goes_on(serve):
    """Thirty sessions at once with --max-jobs 2 (the rest get 5.03), garbage, a datagram
    of 60000 bytes, a TCP frame claiming 4 GB, a TCP connection sending 300 kB without a
    frame end: serve answers what it can, closes what it must, stays small, and then
    serves a legitimate client."""
    import socket
    s = serve("--max-jobs", "2", "--timeout", "500", "--linger", "50")
    doc = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
    m1 = bytes.fromhex("f5" + doc["message_1"])
    socks = []
    for i in range(30):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.settimeout(scaled(5))
        u.sendto(coap_post(i + 1, [".well-known", "edhoc"], m1, [f"name=h{i}"]),
                 ("127.0.0.1", s.port))
        socks.append(u)
    codes = []
    for u in socks:
        try:
            codes.append(u.recv(2000)[1])
        except socket.timeout:
            codes.append(None)
        u.close()
    assert codes.count(0xa3) >= 20, codes  # 5.03 Service Unavailable
    assert codes.count(0x44) >= 1, codes   # 2.04 with message_2: a job took it
    g = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for junk in (b"", b"\x00", b"\x40", bytes(range(256)) * 4, b"\x41\x02" + b"\xff" * 59998):
        g.sendto(junk, ("127.0.0.1", s.port))
    g.close()
    huge = socket.create_connection(("127.0.0.1", s.port), timeout=scaled(10))
    huge.sendall(b"\xf1\xff\xff\xff\xff\x02\x5e")
    flood = socket.create_connection(("127.0.0.1", s.port), timeout=scaled(10))
    try:
        flood.sendall(b"\xe0\xff\xf0\x02" + b"\x00" * 300000)
    except OSError:
        pass  # closed by serve on the way: that is the point
    assert huge.recv(100).startswith(b"\x00\xe1") and huge.recv(100) == b""
    huge.close()
    flood.close()
    # the jobs that ran end within their bounds; then a legitimate client is served
    for i, code in enumerate(codes):
        if code == 0x44:
            s.verdict_line(f"h{i}", "interop/handshake")
    r = s.initiator("/.well-known/edhoc?name=legit")
    assert r.returncode == 0, r.stdout + r.stderr
    rss = int(re.search(r"VmRSS:\s+(\d+)", pathlib.Path(f"/proc/{s.proc.pid}/status")
                        .read_text()).group(1))
    assert rss < 200_000, rss  # kB
    assert s.proc.poll() is None
