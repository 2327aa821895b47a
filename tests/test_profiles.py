"""Profiles (issue 14): the suite runs in the IUT's own profile. The reference peer,
restricted by a peer file to one profile at a time, stands in for implementations
that are not ours (another METHOD, suite and credential kind, no OSCORE, no message_4,
bare framing); every scenario it runs must pass, and a scenario is skipped only for
what it is about (a METHOD, suite or kind the profile lacks, OSCORE, message_4,
vectors), never for the old defaults METHOD 3 / suite 2 / kid."""
import json
import re
import subprocess

import pytest

from test_run import REFERENCE, ROOT, run_suite

# make test runs this module with the shipped binary only (conftest.py, plain_only):
# the code of these runs is that of the whole-suite run, which test_run.py runs under
# the sanitizers.
pytestmark = pytest.mark.plain_only

SC = ROOT / "scenarios"
# every conformance scenario but the matrix (interop/matrix.yaml: one job per METHOD x
# suite x kind, a separate question)
PATHS = [SC / d for d in ("rfc9528", "rfc9668", "mutations", "explore")] + \
    sorted(p for p in (SC / "interop").glob("*.yaml") if p.name != "matrix.yaml")


def restricted(caps, extra="", initiator_args="", responder_args=""):
    """The reference peer file claiming only caps (no OSCORE, no message_4)."""
    text = re.sub(r"capabilities: \[[^\]]*\]", f"capabilities: [{caps}]", REFERENCE, flags=re.S)
    text = text.replace("name: reference", "name: restricted" + extra)
    text = text.replace("peer responder --max-sessions 64",
                        f"peer responder --max-sessions 64 {responder_args}")
    return text.replace("peer initiator", f"peer initiator {initiator_args}")


# Skip reasons that are about the scenario (what it pins or needs), for a profile
# without OSCORE and message_4.
ABOUT = re.compile(r"no profile of the IUT has (METHOD|suite|ID_CRED by|OSCORE|message_4|"
                   r"a second suite)"
                   r"|the IUT lacks the capability '(oscore|message-4|vectors|suite-\d+|"
                   r"method-\d|cred-\w+|rfc9668|coap-tcp)'")

PROFILES = {
    "m0-s0-x5t": "method-0, suite-0, cred-x5t",
    "m3-s0-kccs": "method-3, suite-0, cred-kccs",
    "m1-s2-x5chain": "method-1, suite-2, cred-x5chain",
}


def only(label):
    """The reference Responder's arguments that make it support the METHOD and the suite
    of one profile and no other (as an implementation of that one profile does), so a
    message_1 of another METHOD or suite is rejected for that, whatever else it holds."""
    m, s = re.match(r"m(\d)-s(\d+)-", label).groups()
    return f"--methods {m} --suites {s}"


def check_profile_run(harness, tmp_path, peer_text, allowed_failures=()):
    r, results, _ = run_suite(harness, tmp_path, peer_text, "-j", "2", "--quiet",
                              paths=PATHS, timeout=400, sanity=True)
    assert results, r.stdout + r.stderr
    ran = [x for x in results if x["verdict"] != "skipped"]
    bad = [(x["id"], x["role"], x["verdict"], x["message"][:200]) for x in ran
           if x["verdict"] not in ("pass", "non-strict") and
           not any(x["id"].startswith(a) for a in allowed_failures)]
    assert not bad, bad
    wrong_skip = [(x["id"], x["role"], x["message"]) for x in results
                  if x["verdict"] == "skipped" and not ABOUT.search(x["message"])]
    assert not wrong_skip, wrong_skip
    return r, results, ran


@pytest.mark.parametrize("label", sorted(PROFILES))
def test_the_suite_runs_in_a_restricted_profile(harness, tmp_path, label):
    caps = PROFILES[label] + ", cred-files, coap, udp, error-messages"
    r, results, ran = check_profile_run(harness, tmp_path,
                                        restricted(caps, responder_args=only(label)))
    assert r.returncode == 0, r.stdout
    # it runs in that profile: every job that ran and took its profile names it
    assert {x["profile"] for x in ran} == {label}
    # 166 jobs today, of which 110..112 run in each of the three (README, "Profiles
    # measured"); below 64% a scenario lost its profile
    assert len(ran) >= 0.64 * len(results), (len(ran), len(results))
    # the scenarios about the profile's own METHOD / suite / kind run; pinned ones of
    # another skip with that reason
    by = {(x["id"], x["role"]): x for x in results}
    assert by[("interop/handshake", "initiator")]["verdict"] == "pass"
    assert by[("interop/handshake", "responder")]["verdict"] == "pass"
    pinned = by[("interop/m3-s2-kid", "initiator")]
    assert label.startswith("m3") or (pinned["verdict"] == "skipped" and re.search(
        r"METHOD 3|'method-3'", pinned["message"])), pinned


def test_bare_framing_fails_only_the_appendix_a2_scenarios(harness, tmp_path):
    """framing: bare (the reference peer's --framing raw): the A.2 scenarios run and fail
    naming Appendix A.2; every other scenario runs bare and passes."""
    caps = "method-3, suite-2, cred-kid, cred-files, coap, udp, error-messages"
    text = restricted(caps, responder_args=only("m3-s2-kid")).replace(
        "capabilities:", "framing: bare\ncapabilities:", 1)
    r, results, ran = check_profile_run(harness, tmp_path, text,
                                        allowed_failures=("rfc9528/A.2/",))
    assert r.returncode == 1, r.stdout
    failed = {x["id"] for x in ran if x["verdict"] == "fail"}
    assert failed == {f"rfc9528/A.2/{n}" for n in ("c-r-prefix-bstr", "c-r-prefix-one-byte-int",
                                                    "c-r-prefix-two-bytes",
                                                    "message-3-unknown-prefix")}, failed
    for x in ran:
        if x["verdict"] == "fail":
            assert "Appendix A.2" in x["message"], x
    assert {x["profile"] for x in ran if x["profile"]} == {"m3-s2-kid-bare"}
    # the transcripts show bare messages: message_1 without the 0xf5 prefix
    t = (tmp_path / "out/iut-responder/interop_handshake.txt").read_text()
    sent = re.search(r"send message_1\n  -> \d+ bytes: ([0-9a-f]+)", t).group(1)
    assert not sent.startswith("f5") and sent.startswith("03"), sent


def test_an_iut_that_speaks_raw_udp_only_is_judged_over_raw_udp(harness, tmp_path):
    """An IUT whose peer file claims `udp` and not `coap` (an EDHOC stack over raw UDP,
    as the LAKE requirements foresee beside CoAP; here the reference peer held to
    --transport udp): every scenario that names no transport runs over raw UDP and
    passes, and only those about CoAP (they say `transport: coap`) are skipped for it.
    Such scenarios used to run over CoAP against it: a flood of failures."""
    caps = "method-0, suite-0, cred-x5t, cred-files, udp, error-messages"
    text = restricted(caps, responder_args=only("m0-s0-x5t")).replace(
        "--transport {transport}", "--transport udp")
    assert text.count("--transport udp") == 2
    about = re.compile(ABOUT.pattern + r"|the IUT lacks the capability 'coap'")
    r, results, _ = run_suite(harness, tmp_path, text, "-j", "2", "--quiet", paths=PATHS,
                              timeout=400, sanity=True)
    ran = [x for x in results if x["verdict"] != "skipped"]
    bad = [(x["id"], x["role"], x["verdict"], x["message"][:200]) for x in ran
           if x["verdict"] != "pass"]
    assert not bad, bad
    wrong_skip = [(x["id"], x["role"], x["message"]) for x in results
                  if x["verdict"] == "skipped" and not about.search(x["message"])]
    assert not wrong_skip, wrong_skip
    assert r.returncode == 0, r.stdout
    assert {x["transport"] for x in ran} == {"udp"}
    # as many as in a CoAP profile, less the few about CoAP (README, "Profiles measured")
    assert len(ran) >= 0.55 * len(results), (len(ran), len(results))
    by = {(x["id"], x["role"]): x for x in results}
    assert by[("rfc9528/5.3.3/wrong-mac-2", "responder")]["verdict"] == "pass"
    assert by[("interop/handshake", "initiator")]["verdict"] == "skipped"
    assert by[("interop/handshake-udp", "initiator")]["verdict"] == "pass"


def test_all_profiles_runs_each_fitting_profile(harness, tmp_path):
    caps = "method-0, method-3, suite-0, suite-2, cred-kid, cred-files, coap, error-messages"
    r, results, _ = run_suite(harness, tmp_path, restricted(caps), "--all-profiles",
                              paths=[SC / "interop/handshake.yaml",
                                     SC / "rfc9528/3.6/mac-too-short-i.yaml"])
    assert r.returncode == 0, r.stdout
    got = sorted((x["id"], x["role"], x["profile"]) for x in results)
    assert got == sorted([("interop/handshake", role, p) for role in ("initiator", "responder")
                          for p in ("m0-s0-kid", "m0-s2-kid", "m3-s0-kid", "m3-s2-kid")] +
                         [("rfc9528/3.6/mac-too-short-i", "initiator", p)
                          for p in ("m3-s0-kid", "m3-s2-kid")]), got
    assert (tmp_path / "out/iut-responder/interop_handshake@m0-s2-kid.txt").exists()


# The scenarios of cipher suite negotiation (RFC 9528 §5.2.2, §5.2.3, §6.3.1): they need
# two suites of the IUT, any two (`suites: [other, profile]`), not suites 6 and 2; by the
# IUT role.
NEGOTIATION = {"rfc9528/5.2.2/initiator-suite-negotiation": "initiator",
               "rfc9528/6.3.1/downgraded-suites-i": "initiator",
               "rfc9528/6.3.1/second-err-code-2": "initiator",
               "rfc9528/5.2.3/preferred-suite-supported": "responder"}


def test_the_negotiation_runs_in_any_two_suites_of_the_iut(harness, tmp_path):
    """An IUT with suites 0 and 1 (METHOD 0, x5t; neither 6 nor 2) is told to prefer one
    and is offered the other: the negotiation scenarios run in its profiles, pass, and
    catch an Initiator that forgets SUITES_R and a Responder that ignores the Initiator's
    order. An IUT whose two suites are in different METHODs skips them, saying so."""
    paths = [SC / (sid + ".yaml") for sid in sorted(NEGOTIATION)]
    caps = "method-0, suite-0, suite-1, cred-x5t, cred-files, coap, udp, error-messages"
    two = restricted(caps, responder_args="--methods 0 --suites 0,1")
    (tmp_path / "ok").mkdir()
    r, results, _ = run_suite(harness, tmp_path / "ok", two, "-j", "2", paths=paths)
    assert r.returncode == 0, r.stdout
    got = {x["id"]: x for x in results}
    assert {x["verdict"] for x in results} == {"pass"}, r.stdout
    assert {x["profile"] for x in results} <= {"m0-s0-x5t", "m0-s1-x5t"}, results
    # the IUT Initiator was told [X, S] and offered X, then [X, S] after ERR_CODE 2
    neg = got["rfc9528/5.2.2/initiator-suite-negotiation"]
    s = int(neg["profile"][4])
    t = (tmp_path / "ok/out/iut-initiator/rfc9528_5.2.2_initiator-suite-negotiation.txt")
    fields = re.findall(r"SUITES_I ([^,]+(?:, \d+\])?), G_X", t.read_text())
    assert fields == [str(1 - s), f"[{1 - s}, {s}]"], fields

    for fault, sid in (("forget-suite-after-err-2", "rfc9528/5.2.2/initiator-suite-negotiation"),
                       ("ignore-suites-order", "rfc9528/5.2.3/preferred-suite-supported")):
        d = tmp_path / fault
        d.mkdir()
        faulty = restricted(caps, initiator_args=f"--fault {fault}",
                            responder_args=f"--methods 0 --suites 0,1 --fault {fault}")
        r, results, _ = run_suite(harness, d, faulty, paths=[SC / (sid + ".yaml")])
        assert r.returncode == 1 and results[0]["verdict"] == "fail", (fault, r.stdout)

    # an IUT Initiator whose command is not told its preferences ({suites}) would offer
    # its own: the scenarios that need it told are skipped, naming the placeholder
    untold = two.replace("--suites {suites}", "")
    assert untold != two
    (tmp_path / "untold").mkdir()
    r, results, _ = run_suite(harness, tmp_path / "untold", untold, paths=paths)
    for x in results:
        if NEGOTIATION[x["id"]] == "initiator":  # the IUT role
            assert x["verdict"] == "skipped" and x["message"].startswith(
                "the scenario asks the IUT for {suites}"), x
        else:
            assert x["verdict"] == "pass", x

    # suite 0 only with METHOD 0 and x5t, suite 2 only with METHOD 3 and kid
    apart = re.sub(r"capabilities: \[[^\]]*\]", "capabilities: [cred-files, coap]\n"
                   "profiles:\n  - {method: 0, suite: 0, credentials: {id: x5t}}\n"
                   "  - {method: 3, suite: 2, credentials: {id: kid}}", REFERENCE, flags=re.S)
    (tmp_path / "apart").mkdir()
    r, results, _ = run_suite(harness, tmp_path / "apart", apart, "--allow-empty", paths=paths)
    assert [x["verdict"] for x in results] == ["skipped"] * 4, r.stdout
    for x in results:
        assert x["message"].startswith("no profile of the IUT has a second suite beside suite "
                                       "0 in METHOD 0 with x5t"), x["message"]


def test_the_ecdsa_duplicate_runs_in_every_ecdsa_suite(harness, tmp_path):
    """rfc9528/7/duplicate-message-2 is about an Initiator that signs with ECDSA (a
    re-signed message_3 under the same K_3 and IV_3): it runs in METHOD 0 or 1 with any
    ECDSA suite (suite 6: ES256 with X25519; suite 24: ES384), catches a re-signing
    Initiator there, and is skipped in an EdDSA profile, naming the suites."""
    paths = [SC / "rfc9528/7/duplicate-message-2.yaml"]
    for label, fault in (("m0-s6-x5t", ""), ("m1-s24-kid", ""),
                         ("m1-s24-kid", "--fault resend-new-message-3")):
        m, s, kind = re.match(r"m(\d)-s(\d+)-(\w+)", label).groups()
        caps = f"method-{m}, suite-{s}, cred-{kind}, cred-files, coap, udp, error-messages"
        d = tmp_path / (label + fault.replace(" ", ""))
        d.mkdir()
        r, results, _ = run_suite(harness, d, restricted(caps, initiator_args=fault,
                                                         responder_args=only(label)),
                                  paths=paths)
        assert [(x["profile"], x["verdict"]) for x in results] == \
            [(label, "fail" if fault else "pass")], r.stdout
    caps = PROFILES["m0-s0-x5t"] + ", cred-files, coap, udp, error-messages"
    (tmp_path / "eddsa").mkdir()
    r, results, _ = run_suite(harness, tmp_path / "eddsa", restricted(caps), "--allow-empty",
                              paths=paths)
    assert results[0]["verdict"] == "skipped", r.stdout
    assert results[0]["message"] == "no profile of the IUT has suite 2, 3, 5, 6 or 24", results


def test_the_iut_is_asked_for_its_identifier(harness, tmp_path):
    """iut: {c_i: ..} reaches the IUT through {c_i}; a peer file whose command does not
    take the placeholder skips the scenario, naming it."""
    paths = sorted((SC / "rfc9528/3.3.2").glob("iut-*.yaml"))
    r, results, _ = run_suite(harness, tmp_path, REFERENCE, paths=paths)
    assert r.returncode == 0 and {x["verdict"] for x in results} == {"pass"}, r.stdout
    assert len(results) == 4
    # a reference peer that ignores the identifier it is given: its own C_I 0x37 fails
    ignoring = REFERENCE.replace("{c_i?--c-i {c_i}}", "{{}}")
    assert ignoring != REFERENCE
    r, results, _ = run_suite(harness, tmp_path, ignoring, paths=paths)
    v = {x["id"]: x for x in results}
    skipped = v["rfc9528/3.3.2/iut-c-i-bstr"]
    assert skipped["verdict"] == "skipped", skipped
    assert "asks the IUT for {c_i} (18)" in skipped["message"]
    # one that takes the placeholder but uses another identifier is caught
    wrong = REFERENCE.replace('--c-i {c_i}', '--c-i 0f')
    r, results, _ = run_suite(harness, tmp_path, wrong, paths=paths)
    v = {x["id"]: x for x in results}
    assert v["rfc9528/3.3.2/iut-c-i-one-byte-int"]["verdict"] == "fail"
    assert "C_I" in v["rfc9528/3.3.2/iut-c-i-one-byte-int"]["message"]


def test_oscore_steps_follow_the_profile(harness, tmp_path):
    """A scenario whose subject is not OSCORE runs its oscore steps only when the profile
    has OSCORE; one about OSCORE (needs: [oscore]) is skipped without it."""
    paths = [SC / "rfc9528/5.1/second-session.yaml", SC / "rfc9528/A.1/oscore-before-message-3.yaml"]
    caps = "method-3, suite-2, cred-kid, coap, error-messages"
    for d, extra in (("without", ""), ("with", ", oscore")):
        (tmp_path / d).mkdir()
        r, results, _ = run_suite(harness, tmp_path / d, restricted(caps + extra), paths=paths)
        v = {x["id"]: x for x in results}
        t = (tmp_path / d / "out/iut-responder/rfc9528_5.1_second-session.txt").read_text()
        assert v["rfc9528/5.1/second-session"]["verdict"] == "pass", t
        steps = re.findall(r"^step \d+ \(line \d+\): (\w+)", t, re.M)
        about = v["rfc9528/A.1/oscore-before-message-3"]
        if extra:
            assert steps.count("oscore") == 2 and len(steps) == 10, steps
            assert about["verdict"] == "pass", about
        else:
            assert "oscore" not in steps and len(steps) == 8, steps
            assert about["verdict"] == "skipped" and about["message"] == \
                "the IUT lacks the capability 'oscore'", about


def test_a_known_id_cred_with_another_key_is_caught_in_an_x5t_profile(harness, tmp_path):
    """rfc9528/5.3.3/known-id-cred-other-key in METHOD 0 / suite 0 / x5t: an IUT
    Initiator that does not verify Signature_or_MAC_2 (--fault skip-mac-2-check)
    goes on with message_3 under the harness's other key, and fails."""
    caps = PROFILES["m0-s0-x5t"] + ", cred-files, coap, udp, error-messages"
    paths = [SC / "rfc9528/5.3.3/known-id-cred-other-key.yaml"]
    r, results, _ = run_suite(harness, tmp_path, restricted(caps), paths=paths)
    assert [(x["profile"], x["verdict"]) for x in results] == [("m0-s0-x5t", "pass")], r.stdout
    lax = restricted(caps, initiator_args="--fault skip-mac-2-check")
    r, results, _ = run_suite(harness, tmp_path, lax, paths=paths)
    assert r.returncode == 1 and results[0]["verdict"] == "fail", r.stdout
    assert "message_3" in results[0]["message"], results[0]["message"]


def test_the_matrix_runs_for_an_iut_without_oscore(harness, tmp_path):
    """interop/matrix does not need OSCORE (issue 14: only scenarios about OSCORE do):
    an IUT without it runs its combination, without the oscore step, and passes."""
    caps = PROFILES["m0-s0-x5t"] + ", cred-files, coap, udp, error-messages"
    r, results, _ = run_suite(harness, tmp_path, restricted(caps),
                              "--filter", "interop/matrix/m0-s0-*",
                              paths=[SC / "interop/matrix.yaml"])
    ran = sorted((x["id"], x["role"], x["verdict"]) for x in results if x["verdict"] != "skipped")
    assert ran == [("interop/matrix/m0-s0-x5t", role, "pass")
                   for role in ("initiator", "responder")], r.stdout
    t = (tmp_path / "out/iut-responder/interop_matrix_m0-s0-x5t.txt").read_text()
    assert "oscore" not in re.findall(r"^step \d+ \(line \d+\): (\w+)", t, re.M)


# RFC 9529 §4's invalid message_1 vectors (METHOD 3, suite 2 but two) and the scenarios that
# make the same change to a message_1 of the IUT's profile (test_scenarios.py maps them).
INVALID_MESSAGE_1 = {
    "rfc9528/5.2.1/message-1-as-array": "suite-2",
    "rfc9528/3.3.2/c-i-bstr-encoded": "suite-2",
    "rfc9528/5.2.2/suites-array-of-one": "suite-2",
    "rfc9528/5.2.1/g-x-text-string": "suite-2",
    "rfc9528/3.7/g-x-wrong-length-for-p384": "suite-24",
    "rfc9528/9.2/g-x-not-below-p": "suite-2",
    "rfc9528/9.2/g-x-not-on-curve": "suite-2",
    "rfc9528/9.2/x25519-low-order-point": "suite-0",
    "rfc9528/3.7/g-x-leading-zero-stripped": "suite-2",
}
TRACE_2_G_X = "741a13d7ba048fbb615e94386aa3b61bea5b3d8f65f32620b749bee8d278efa9"


def sent_message_1(out, sid):
    t = (out / "iut-responder" / (sid.replace("/", "_") + ".txt")).read_text()
    return re.search(r"send message_1\n.*\n  -> \d+ bytes: ([0-9a-f]+)", t).group(1)


def test_the_rfc9529_invalid_messages_are_sent_in_the_iuts_profile(harness, tmp_path):
    """Each invalid message_1 of RFC 9529 §4 is sent in the IUT's profile: in METHOD 3 with
    the vector's suite, the vector's bytes (where the vector's G_X is the change, byte for
    byte; elsewhere the harness's own G_X in its place); in METHOD 0 / suite 0, the same
    change to a METHOD 0 message_1, so the IUT is judged on it and not on a METHOD or suite
    it lacks (before, the RFC's METHOD 3 / suite 2 bytes were sent to every IUT)."""
    import json
    doc = json.loads((ROOT / "vectors/invalid/rfc9529-invalid.json").read_text())
    from test_scenarios import INVALID_VECTOR_SCENARIOS
    vector = {INVALID_VECTOR_SCENARIOS[v["section"]]: v["hex"] for v in doc["vectors"]}
    paths = [p for p in SC.glob("rfc9528/*/*.yaml")
             if re.search(r"^id: (\S+)", p.read_text(), re.M).group(1) in INVALID_MESSAGE_1]
    assert len(paths) == len(INVALID_MESSAGE_1)
    for suite in ("suite-2", "suite-0", "suite-24"):
        d = tmp_path / suite
        d.mkdir()
        label = f"m3-s{suite[6:]}-kid"
        caps = f"method-3, {suite}, cred-kid, cred-files, coap, error-messages"
        r, results, _ = run_suite(harness, d, restricted(caps, responder_args=only(label)),
                                  paths=paths)
        ran = {x["id"] for x in results if x["verdict"] != "skipped"}
        want = {k for k, v in INVALID_MESSAGE_1.items() if v == suite} | \
            ({"rfc9528/5.2.1/message-1-as-array", "rfc9528/3.3.2/c-i-bstr-encoded",
              "rfc9528/5.2.2/suites-array-of-one", "rfc9528/5.2.1/g-x-text-string"}
             if suite != "suite-2" else set())
        assert ran == want, (suite, ran ^ want)
        assert all(x["verdict"] == "pass" for x in results if x["id"] in ran), r.stdout
        for sid in ran:
            sent = sent_message_1(d / "out", sid)
            if INVALID_MESSAGE_1[sid] != suite:
                # another profile: the suite byte is the profile's, the rest the same change
                assert sent[:6] in ("f50300", "f50381", "f58403", "f50318"), (sid, sent)
                continue
            want_hex = "f5" + vector[sid]
            if sid == "rfc9528/3.7/g-x-wrong-length-for-p384":  # suite 24 alone, not [2, 24]
                want_hex = want_hex.replace("8202181858", "181858", 1)
            if TRACE_2_G_X in want_hex and TRACE_2_G_X not in sent:   # the harness's G_X
                i = want_hex.index(TRACE_2_G_X)
                want_hex = want_hex[:i] + sent[i:i + 64] + want_hex[i + 64:]
            assert sent == want_hex, (sid, sent, want_hex)


def test_a_one_profile_responder_is_judged_on_each_invalid_message_1(harness, tmp_path):
    """A fake Responder of METHOD 0 / suite 0 only that checks nothing else of message_1
    (tests/fake_iut/sloppy_responder.py) accepts each invalid message_1 sent in its profile
    and fails; the P-256 and P-384 ones are skipped for what they are about. (With the RFC's
    METHOD 3 / suite 2 bytes it rejected them all for the METHOD, and passed them.)"""
    fake = ROOT / "tests/fake_iut/sloppy_responder.py"
    text = ("name: sloppy\ncapabilities: [method-0, suite-0, cred-x5t, coap, error-messages]\n"
            f"responder:\n  command: \"/usr/bin/python3 {fake} {{port}} 0 0\"\n"
            "  ready: listening\n")
    paths = [p for p in SC.glob("rfc9528/*/*.yaml")
             if re.search(r"^id: (\S+)", p.read_text(), re.M).group(1) in INVALID_MESSAGE_1]
    r, results, _ = run_suite(harness, tmp_path, text, paths=paths)
    v = {x["id"]: x for x in results}
    assert len(v) == len(INVALID_MESSAGE_1), r.stdout
    for sid, about in INVALID_MESSAGE_1.items():
        if about in ("suite-0", ) or sid in ("rfc9528/5.2.1/message-1-as-array",
                                            "rfc9528/3.3.2/c-i-bstr-encoded",
                                            "rfc9528/5.2.2/suites-array-of-one",
                                            "rfc9528/5.2.1/g-x-text-string"):
            assert v[sid]["verdict"] == "fail", (sid, v[sid])
            assert "message_2" in v[sid]["message"], v[sid]
        else:
            assert v[sid]["verdict"] == "skipped", (sid, v[sid])
            assert re.search(r"no profile of the IUT has suite (2, 3 or 5|24)",
                             v[sid]["message"]), v[sid]
    assert r.returncode == 1


def test_a_responder_that_reads_any_g_x_length_fails(harness, tmp_path):
    """G_X of 31, 0 or 33 bytes (no registered suite's curve has such keys): the sloppy
    Responder, which checks no length, answers with a message_2 and fails each."""
    fake = ROOT / "tests/fake_iut/sloppy_responder.py"
    text = ("name: sloppy\ncapabilities: [method-0, suite-0, cred-x5t, coap, error-messages]\n"
            f"responder:\n  command: \"/usr/bin/python3 {fake} {{port}} 0 0\"\n"
            "  ready: listening\n")
    names = ("g-x-too-short", "g-x-empty", "g-x-too-long")
    paths = [SC / f"mutations/message-1/{n}.yaml" for n in names]
    r, results, _ = run_suite(harness, tmp_path, text, paths=paths)
    assert r.returncode == 1, r.stdout
    assert sorted((x["id"], x["verdict"]) for x in results) == \
        sorted((f"mutations/message-1/{n}", "fail") for n in names), r.stdout
    for x in results:
        assert "message_2" in x["message"], x


def test_profiles_of_one_label_get_reports_of_their_own(harness, tmp_path):
    """Two profiles that differ only in message_4 (as a peer file says that an IUT runs
    with and without it) are labelled apart (m3-s2-kid, m3-s2-kid+m4): run --all-profiles
    writes a transcript for each (they were both @m3-s2-kid, one over the other), and
    explore --all-profiles explores each configuration once, in a directory of its own."""
    text = re.sub(r"capabilities: \[[^\]]*\]", "capabilities: [cred-files, coap]\nprofiles:\n"
                  "  - {method: 3, suite: 2, credentials: {id: kid}}\n"
                  "  - {method: 3, suite: 2, credentials: {id: kid}, message_4: true}",
                  REFERENCE, flags=re.S)
    r, results, _ = run_suite(harness, tmp_path, text, "--all-profiles",
                              paths=[SC / "interop/handshake.yaml"])
    assert r.returncode == 0, r.stdout
    assert sorted((x["role"], x["profile"]) for x in results) == [
        (role, p) for role in ("initiator", "responder") for p in ("m3-s2-kid", "m3-s2-kid+m4")]
    out = tmp_path / "out/iut-responder"
    for label in ("m3-s2-kid", "m3-s2-kid+m4"):
        t = (out / f"interop_handshake@{label}.txt").read_text()
        assert f"profile of the IUT: {label} (METHOD 3, suite 2, kid)" in t, t
    peer = tmp_path / "two.yaml"
    peer.write_text(text)
    r = subprocess.run([str(harness), "explore", "--peer", str(peer), "--role", "responder",
                        "--depth", "1", "--all-profiles", "--out", str(tmp_path / "x")],
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert sorted(d.name for d in (tmp_path / "x").iterdir() if d.is_dir()) == \
        ["m3-s2-kid", "m3-s2-kid+m4"], r.stdout
