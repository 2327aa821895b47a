"""Issue 14: the harness's own choices never fail an IUT. Where RFC 9528 leaves
a choice to the harness (its connection identifier, its ephemeral key, the
message it builds), a conforming IUT must pass whatever the harness chose, and
every transcript hash the harness computes must be over the bytes actually
on the wire."""
import json
import re
import pathlib
import subprocess

from wall import scaled, timeout_args

ROOT = pathlib.Path(__file__).resolve().parent.parent
from test_run import REFERENCE as _REFERENCE  # noqa: E402 (the IUT binary of the pass)
# The reference peer in the profile these tests reason about (METHOD 3, suite 2, kid: the
# identifiers, keys and sizes below are that profile's); the rest of its capabilities.
REFERENCE = re.sub(r"capabilities: \[[^\]]*\]",
                   "capabilities: [method-3, suite-2, cred-kid, cred-files, ead, message-4, "
                   "rfc9668, coap, coap-tcp, udp, error-messages, oscore, vectors]",
                   _REFERENCE, flags=re.S)


def run_suite(harness, tmp_path, peer_text, paths, *args, timeout=120):
    peer = tmp_path / "peer.yaml"
    peer.write_text(peer_text)
    js, out = tmp_path / "results.json", tmp_path / "out"
    # no sanity conversation: the peers here are faulty on purpose, and the test is
    # about one scenario's verdict
    r = subprocess.run([str(harness), "run", *map(str, paths), "--peer", str(peer),
                        "--no-sanity", "--json", str(js), "--out", str(out), *args,
                        *timeout_args(args)],
                       capture_output=True, text=True, timeout=scaled(timeout), cwd=ROOT)
    results = json.loads(js.read_text())["results"] if js.exists() else []
    return r, {(x["id"], x["role"]): x for x in results}


def transcript(result):
    return pathlib.Path(result["transcript_path"]).read_text()


def initiator_with_c_i(c_i):
    """The reference peer file, its Initiator sending C_I = c_i (hex)."""
    text = REFERENCE.replace(" --method {method}", f" --c-i {c_i} --method {{method}}")
    assert text != REFERENCE
    return text


# The harness Responder's C_R of each scenario (the default 0x27, or the
# scenario's `c_r:`), and the C_R it must pick instead when the IUT's C_I
# collides with it: the same encoding class (a one-byte CBOR int stays one,
# a one-byte bstr stays one, two bytes stay two).
C_R_COLLISIONS = [
    ("scenarios/interop/m3-s2-kid.yaml", "interop/m3-s2-kid", "27", "28"),
    ("scenarios/rfc9528/A.2/c-r-prefix-one-byte-int.yaml", "rfc9528/A.2/c-r-prefix-one-byte-int",
     "0e", "0f"),
    ("scenarios/rfc9528/A.2/c-r-prefix-bstr.yaml", "rfc9528/A.2/c-r-prefix-bstr", "18", "19"),
    ("scenarios/rfc9528/A.2/c-r-prefix-two-bytes.yaml", "rfc9528/A.2/c-r-prefix-two-bytes",
     "0102", "0103"),
]


def test_harness_responder_picks_a_c_r_other_than_the_iuts_c_i(harness, tmp_path):
    """An Initiator cannot know C_R when it sends message_1 (RFC 9528 §3.3.3
    puts the choice on the Responder): an IUT Initiator whose C_I happens to
    equal the harness's usual C_R passes, the harness picks another C_R of
    the same encoding class, says so, and expects message_3 prefixed with
    the C_R it sent (Appendix A.2) and OSCORE with it."""
    for path, sid, c_r, other in C_R_COLLISIONS:
        # --budget none: a two-byte C_I (41 18) is over the rfc9528 minimum,
        # graded non-strict, which is not what this test is about
        r, got = run_suite(harness, tmp_path, initiator_with_c_i(c_r), [ROOT / path],
                           "--role", "initiator", "--budget", "none")
        res = got[(sid, "responder")]  # the harness's role
        assert res["verdict"] == "pass", (sid, res["message"], r.stdout)
        text = transcript(res)
        assert (f"the IUT's C_I {c_r} equals the C_R {c_r} the harness would have chosen; "
                f"it takes C_R {other} instead (RFC 9528 §3.3.3)") in text, text


def test_an_empty_c_r_colliding_with_an_empty_c_i_becomes_0x27(harness, tmp_path):
    """The empty identifier has no sibling of its class: the harness takes
    its usual 0x27 then."""
    scenario = tmp_path / "empty-c-r.yaml"
    scenario.write_text(
        "id: fixture/empty-c-r\ntitle: harness C_R empty, IUT C_I empty\n"
        "requirements: [R-3.3.3-a]\nlevel: MUST\nrole: responder\nsuites: [2]\n"
        "c_r: \"\"\nsteps:\n  - expect: message_1\n  - send: message_2\n"
        "  - expect: message_3\n  - oscore: /hello\n")
    r, got = run_suite(harness, tmp_path, initiator_with_c_i("''"), [scenario],
                       "--role", "initiator", "--budget", "none")
    res = got[("fixture/empty-c-r", "responder")]
    assert res["verdict"] == "pass", (res["message"], r.stdout)
    assert ("the IUT's C_I (empty) equals the C_R (empty) the harness would have chosen; it "
            "takes C_R 27 instead") in transcript(res)


def test_an_iut_responder_choosing_the_harness_c_i_still_fails(harness, tmp_path):
    """The other direction stays a failure: an IUT Responder knows C_I when
    it picks C_R, so C_R equal to the harness's C_I fails (RFC 9668 §4.1)."""
    fault = REFERENCE.replace("--cred-id {cred_id}", "--cred-id {cred_id} --fault c-r-equals-c-i")
    r, got = run_suite(harness, tmp_path, fault, [ROOT / "scenarios/interop/m3-s2-kid.yaml"],
                       "--role", "responder")
    res = got[("interop/m3-s2-kid", "initiator")]  # the harness's role
    assert res["verdict"] == "fail", r.stdout
    assert "the IUT chose the identifier C_R equal to the harness's C_I" in res["message"]


def test_reference_responder_with_a_fixed_c_r_still_avoids_c_i(harness, tmp_path):
    """The reference Responder told a fixed C_R (`--c-r`) that the
    Initiator's C_I turns out to equal takes another one (RFC 9528 §3.3.3):
    the harness Initiator's C_I is 0x37 by default."""
    fixed = REFERENCE.replace("peer responder --max-sessions 64",
                              "peer responder --c-r 37 --max-sessions 64")
    assert fixed != REFERENCE
    r, got = run_suite(harness, tmp_path, fixed, [ROOT / "scenarios/interop/m3-s2-kid.yaml"],
                       "--role", "responder")
    res = got[("interop/m3-s2-kid", "initiator")]  # the harness's role
    assert res["verdict"] == "pass", (res["message"], r.stdout)
    assert "the fixed C_R equals the Initiator's C_I; another C_R is used" in \
        pathlib.Path(res["iut_stdout_path"]).read_text()


def lenient_responder():
    """The reference peer file, its Responder accepting non-deterministic CBOR
    (RFC 9528 §9.8 allows accepting as well as rejecting it) and supporting
    suite 2 only (so that SUITES_I [6, 2] gets a message_2, not ERR_CODE 2)."""
    text = REFERENCE.replace("peer responder --max-sessions 64",
                             "peer responder --lenient-cbor --suites 2 --max-sessions 64")
    assert text != REFERENCE
    return text


# Scenarios whose harness sends a changed message_1 that a Responder may accept.
NONDETERMINISTIC_MESSAGE_1 = ["mutations/message-1/c-i-nondeterministic",
                              "mutations/message-1/g-x-nondeterministic",
                              "rfc9528/9.8/non-shortest-method",
                              "rfc9528/9.8/indefinite-length-suites"]


def test_th_2_covers_message_1_as_sent(harness, tmp_path):
    """An IUT Responder that accepts a non-deterministically encoded
    message_1 computes TH_2 over the bytes it received (RFC 9528 §5.3.2):
    its correct message_2 passes, which it can only if the harness hashes
    message_1 as it sent it, not as its engine first built it."""
    paths = [ROOT / "scenarios" / f"{sid}.yaml" for sid in NONDETERMINISTIC_MESSAGE_1]
    r, got = run_suite(harness, tmp_path, lenient_responder(), paths, "--role", "responder")
    for sid in NONDETERMINISTIC_MESSAGE_1:
        res = got[(sid, "initiator")]  # the harness's role
        assert res["verdict"] == "pass", (sid, res["message"], r.stdout)
        text = transcript(res)
        assert "message_2 accepted" in text, text
        assert "the session follows message_1 as sent" in text, text
    # the strict peer rejects them: allowed as well
    r, got = run_suite(harness, tmp_path, REFERENCE, paths, "--role", "responder")
    assert {got[(sid, "initiator")]["verdict"] for sid in NONDETERMINISTIC_MESSAGE_1} == {"pass"}


# RFC 9529 trace 2's first message_1 (G_X of the private key "first_x"),
# with suite 2 selected: a valid message_1 whose key the harness does not hold.
FOREIGN_MESSAGE_1 = "f503025820741a13d7ba048fbb615e94386aa3b61bea5b3d8f65f32620b749bee8d278efa90e"
# RFC 9529 trace 2's message_1: with `vector:` the harness holds its key X.
TRACE_2_MESSAGE_1 = "f50382060258208af6f430ebe18d34184017a9a11bf511c8dff8f834730b96c1b7c8dbca2fc3b637"


def raw_scenario(tmp_path, name, raw, head="", tail=""):
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"id: fixture/{name}\ntitle: a raw message_1\nrequirements: [R-9.8-b]\nlevel: MUST\n"
        f"role: initiator\n{head}steps:\n  - send: raw\n    mutate:\n      - raw: \"{raw}\"\n"
        f"  - expect: message_2\n{tail}")
    return path


def test_a_raw_message_1_gets_its_message_2_judged_for_its_form(harness, tmp_path):
    """A raw message_1 whose G_X is not the harness's (no private key): the
    harness cannot derive the keys, so a message_2 answering it is judged
    for its form only (one bstr, G_Y a valid point, CIPHERTEXT_2 long
    enough) and the transcript says so; a malformed one still fails."""
    path = raw_scenario(tmp_path, "raw-foreign", FOREIGN_MESSAGE_1)
    r, got = run_suite(harness, tmp_path, REFERENCE, [path], "--role", "responder")
    res = got[("fixture/raw-foreign", "initiator")]
    assert res["verdict"] == "pass", (res["message"], r.stdout)
    text = transcript(res)
    assert "message_2 well-formed, NOT VERIFIED: the harness cannot derive its keys (G_X is " \
           "not a key whose private key the session holds)" in text, text
    trailing = REFERENCE.replace("--cred-id {cred_id}", "--cred-id {cred_id} --fault trailing-bytes")
    r, got = run_suite(harness, tmp_path, trailing, [path], "--role", "responder")
    res = got[("fixture/raw-foreign", "initiator")]
    assert res["verdict"] == "fail", r.stdout
    assert "message_2 at byte offset 45: more than one item; message_2 is a single bstr " \
           "(RFC 9528 §5.3.1)" in res["message"]


def test_a_raw_message_1_with_a_key_the_harness_holds_is_followed(harness, tmp_path):
    """In vector mode the harness holds the vector's X: a raw message_1 with
    its G_X becomes the harness's session, whose message_2 is verified and
    whose message_3 completes the handshake."""
    path = raw_scenario(tmp_path, "raw-trace-2", TRACE_2_MESSAGE_1,
                        head="vector: vectors/rfc9529-trace2.json\n",
                        tail="  - send: message_3\n  - expect: {any_of: [accepted, message_4]}\n")
    r, got = run_suite(harness, tmp_path, REFERENCE, [path], "--role", "responder")
    res = got[("fixture/raw-trace-2", "initiator")]
    assert res["verdict"] == "pass", (res["message"], r.stdout)
    text = transcript(res)
    assert "the session follows message_1 as sent" in text and "message_2 accepted" in text, text


def test_a_retransmitted_answer_is_no_new_message(harness, tmp_path):
    """Over raw UDP a Responder may send its message_2 again while it waits
    for message_3 (RFC 9528 §7: the identical message, no new one). A step
    that listens for what the IUT sends unasked must not take that copy for
    a new message (here: no error while waiting, R-5.1-a)."""
    scenario = tmp_path / "retransmit.yaml"
    scenario.write_text(
        "id: fixture/retransmit\ntitle: message_2 retransmitted while waiting\n"
        "requirements: [R-5.1-a]\nlevel: MUST\nrole: initiator\ntransport: udp\n"
        "vector: vectors/rfc9529-trace2.json\nsteps:\n  - send: message_1\n"
        "  - expect: message_2\n  - expect: silence\n    timeout: 600\n")
    peer = (f'name: retransmit\nversion: "1"\ncapabilities: [suite-2]\nresponder:\n'
            f'  command: "/usr/bin/python3 {ROOT}/tests/fake_iut/hostile_responder.py '
            f'{{transport}} {{port}} retransmit"\n  ready: listening\n  timeout: 1500\n')
    r, got = run_suite(harness, tmp_path, peer, [scenario])
    res = got[("fixture/retransmit", "initiator")]
    assert res["verdict"] == "pass", (res["message"], r.stdout)
    assert "the IUT sent its previous answer again (45 bytes)" in transcript(res)


def harness_g_x(result):
    # a job without a transcript did not run its scenario: say what it was
    assert result["transcript_path"], (result["verdict"], result["message"])
    m = re.search(r"fields: METHOD \d+, SUITES_I [^,]+, G_X h'([0-9a-f]+)'", transcript(result))
    assert m, transcript(result)
    return m.group(1)


def test_the_harness_draws_other_ephemeral_keys_in_each_scenario(harness, tmp_path):
    """A fresh ephemeral key per session is a MUST for the harness too
    (RFC 9528 §9.2). With one seed for the whole run, every scenario's
    message_1 carried the same G_X (and, C_I and suites being the same, was
    byte-identical): an IUT shared by the run (an address, `per_run`) may
    take it for a duplicate of an earlier session's message_1 (§7) and
    answer that session again. Keys now differ per scenario and role, and
    stay reproducible for a given --seed."""
    ids = ["interop/m3-s2-kid", "rfc9668/4.1/c-r-differs-from-c-i"]
    paths = [ROOT / "scenarios/interop/m3-s2-kid.yaml",
             ROOT / "scenarios/rfc9668/4.1/c-r-differs-from-c-i.yaml"]
    keys = []
    for attempt in range(2):
        out = tmp_path / str(attempt)
        out.mkdir()
        r, got = run_suite(harness, out, REFERENCE, paths, "--role", "responder")
        assert all(got[(i, "initiator")]["verdict"] == "pass" for i in ids), r.stdout
        keys.append([harness_g_x(got[(i, "initiator")]) for i in ids])
    assert keys[0][0] != keys[0][1], keys
    assert keys[0] == keys[1], "the same seed must give the same keys"
    out = tmp_path / "seed2"
    out.mkdir()
    r, got = run_suite(harness, out, REFERENCE, paths[:1], "--role", "responder", "--seed", "2")
    assert harness_g_x(got[(ids[0], "initiator")]) != keys[0][0]


def slow_starting_initiator(seconds):
    """The reference peer file whose Initiator takes `seconds` to start (an IUT on a
    loaded machine, or one that loads its credentials from flash) before it sends
    message_1; its start is still within the peer file's `timeout` (5000 ms)."""
    return REFERENCE.replace('command: "{harness} peer initiator',
                             f'command: "sleep {seconds}; exec {{harness}} peer initiator')


def test_a_slow_starting_initiator_is_not_failed_for_the_harness_wait(harness, tmp_path):
    """The wait for an IUT Initiator's first request includes its start-up (the peer
    file's timeout), not the step's short bound: with --timeout 400 an Initiator that
    sends message_1 1.2 s after its start passes in run and conforms in explore (before
    the fix: "received nothing (timeout)" at step 1, a MUST failure of the harness's
    own making)."""
    peer_text = slow_starting_initiator(1.2)
    r, res = run_suite(harness, tmp_path, peer_text, [ROOT / "scenarios/interop/handshake.yaml"],
                       "--role", "initiator", "--timeout", str(int(scaled(400))))
    x = res.get(("interop/handshake", "responder"))
    assert x, (list(res), r.stdout + r.stderr)
    assert x["verdict"] == "pass", x["message"]
    peer = tmp_path / "slow.yaml"
    peer.write_text(peer_text)
    out = tmp_path / "explore"
    e = subprocess.run([str(harness), "explore", "--peer", str(peer), "--role", "initiator",
                        "--depth", "1", "--out", str(out), "--timeout", str(int(scaled(400)))],
                       capture_output=True, text=True, timeout=scaled(120), cwd=ROOT)
    assert e.returncode == 0, e.stdout + e.stderr
    assert "0 deviate" in e.stdout and "1 conform" in e.stdout, e.stdout


# Scenarios whose message_2 the IUT Initiator cannot read C_R from, and one it can.
WITHOUT_C_R = ["mutations/message-2/truncated", "mutations/message-2/wrong-type",
               "mutations/message-2/shorter-than-g-y", "mutations/plaintext-2/c-r-wrong-type",
               "rfc9528/5.3.3/message-2-without-ciphertext",
               "rfc9528/5.1/message-1-instead-of-message-2", "rfc9528/9.2/g-y-not-on-curve"]
WITH_C_R = ["rfc9528/5.3.3/wrong-mac-2", "mutations/plaintext-2/trailing-text"]


def test_an_initiator_without_c_r_for_its_error_message_may_stay_silent(harness, tmp_path):
    """An IUT Initiator (a CoAP client) that rejects a message_2 it cannot read C_R from
    has nothing to prefix an error message with (RFC 9528 Appendix A.2): silence is as good
    as an error message there and passes (it was graded non-strict, and the scenarios
    needed error-messages), while where it could have sent one silence stays non-strict.
    The reference Initiator with --fault no-error-message stands in for one that never
    sends error messages (as libedhoc's own initiator example does not)."""
    paths = [p for p in (ROOT / "scenarios").rglob("*.yaml")
             if re.search(r"^id: (\S+)", p.read_text(), re.M).group(1) in WITHOUT_C_R + WITH_C_R]
    silent = REFERENCE.replace("peer initiator", "peer initiator --fault no-error-message")
    r, res = run_suite(harness, tmp_path, silent, paths, "--role", "initiator")
    got = {sid: x["verdict"] for (sid, _), x in res.items()}
    assert got == {**{s: "pass" for s in WITHOUT_C_R}, **{s: "nonstrict" for s in WITH_C_R}}, \
        (got, r.stdout[-2000:])
    # the same scenarios with the error messages it does send: pass as well
    (tmp_path / "with").mkdir()
    r, res = run_suite(harness, tmp_path / "with", REFERENCE, paths, "--role", "initiator")
    assert {x["verdict"] for x in res.values()} == {"pass"}, r.stdout[-2000:]


def test_an_iut_that_takes_short_identifiers_only_is_not_failed(harness, tmp_path):
    """RFC 9528 sets no identifier length every implementation must take (§3.3: C_I is
    the Initiator's choice, C_R the Responder's). The reference peer limited to 1-byte
    identifiers (--max-conn-id-len 1, as a constrained build is) rejects the harness's
    five-byte C_I and two-byte C_R: non-strict, never fail; the scenarios about identifiers
    otherwise pass. Its error answering the two-byte C_R is prefixed with that C_R
    (Appendix A.2), and it was sent with C_R read though rejected."""
    short = REFERENCE.replace("--cred-id {cred_id}", "--cred-id {cred_id} --max-conn-id-len 1")
    assert short.count("--max-conn-id-len 1") == 2
    paths = [ROOT / "scenarios/rfc9528/3.3.2", ROOT / "scenarios/rfc9528/A.2",
             ROOT / "scenarios/rfc9668/4.1"]
    r, got = run_suite(harness, tmp_path, short, paths, "-j", "2")
    assert r.returncode == 0, r.stdout
    bad = {k: v["verdict"] for k, v in got.items() if v["verdict"] not in ("pass", "nonstrict")}
    assert not bad, bad
    nonstrict = {k for k, v in got.items() if v["verdict"] == "nonstrict"}
    assert nonstrict == {("rfc9528/3.3.2/c-i-five-bytes", "initiator"),
                         ("rfc9528/A.2/c-r-prefix-two-bytes", "responder")}, nonstrict
    five = got[("rfc9528/3.3.2/c-i-five-bytes", "initiator")]
    assert "step 2: an error message (allowed, graded non-strict)" == five["message"], five
    assert "the scenario ends here (end: true): steps 3..5 not run" in transcript(five)
    two = transcript(got[("rfc9528/A.2/c-r-prefix-two-bytes", "responder")])
    assert re.search(r"step 3 \(line \d+\): expect\n  <- \d+ bytes: 42010201", two), two
    # the unlimited reference peer passes them all
    (tmp_path / "full").mkdir()
    r, got = run_suite(harness, tmp_path / "full", REFERENCE, paths, "-j", "2")
    assert r.returncode == 0 and {v["verdict"] for v in got.values()} == {"pass"}, r.stdout
