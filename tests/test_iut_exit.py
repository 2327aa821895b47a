"""How `run` judges the way an IUT process ends (harness/runner/iut_outcome.h):
an IUT Initiator's exit status after a handshake the harness completed, an
error message with which it rejects the harness's last answer, an Initiator
that exits before sending anything, one that does not exit in time, and
negative scenarios, where failing is what the IUT is meant to do."""
import json
import re

import pytest

from test_run import FIX, REFERENCE, ROOT, run_suite, verdicts

# The reference peer in the profile the sizes below are of (METHOD 3, suite 2, kid: an
# 8-byte tag in message_4); the rest of its capabilities.
REFERENCE = re.sub(r"capabilities: \[[^\]]*\]",
                   "capabilities: [method-3, suite-2, cred-kid, cred-files, ead, message-4, "
                   "rfc9668, coap, coap-tcp, udp, error-messages, oscore, vectors]", REFERENCE,
                   flags=re.S)


def with_fault(fault):
    return REFERENCE.replace("--cred-id {cred_id}", f"--cred-id {{cred_id}} --fault {fault}")

MESSAGE_4 = ROOT / "scenarios/rfc9528/5.5/message-4.yaml"
TAG_BIT = ROOT / "scenarios/mutations/message-4/tag-bit.yaml"
TRACE_2 = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
ERROR_1 = "01" + "64" + b"test".hex()  # ERR_CODE 1, ERR_INFO "test"


def exit_with(peer_text, code):
    """The peer file with `; exit CODE` after the Initiator's command: the
    same IUT on the wire, ending with another exit status."""
    end = '"\n  ready: none'
    assert peer_text.count(end) == 1
    return peer_text.replace(end, '; exit %d"\n  ready: none' % code)


def fake_initiator(*payloads, code=0, then=""):
    """tests/fake_iut/coap_post.py as the IUT Initiator: it POSTs the payloads
    one after another and exits with `code` (then runs `then`, if given)."""
    cmd = (f"/usr/bin/python3 {ROOT}/tests/fake_iut/coap_post.py --exit {code} {{host}} "
           f"{{port}} " + " ".join(payloads) + then)
    return (f'name: fake\nversion: "1"\ncapabilities: [suite-2]\n'
            f'initiator:\n  command: "{cmd}"\n  ready: none\n  timeout: 3000\n')


# RFC 9529 trace 2 as a fake Initiator sends it: message_1 and message_3, with
# the Appendix A.2 prefixes; the harness (deterministic from the same vector
# file, runner_fixtures/scenarios/bare-message-3.yaml) accepts both and
# answers message_3 with the trace's message_4: the handshake completes.
HANDSHAKE = ("f5" + TRACE_2["message_1"], "27" + TRACE_2["message_3"])
M4 = "message_4 (CoAP 2.04, 9 bytes)"
COMPLETES = FIX / "bare-message-3.yaml"


def test_an_initiator_that_rejects_message_4_fails(harness, tmp_path):
    """The reference Initiator with the fault reject-message-4 takes the
    harness's valid message_4 for an invalid one, says nothing on the wire
    and exits 1: a fail naming the exit status and message_4. The same IUT
    exiting 0 passes (on the wire it did everything right), and so does the
    healthy peer."""
    faulty = with_fault("reject-message-4")
    r, results, _ = run_suite(harness, tmp_path, faulty, "--role", "initiator",
                              paths=[MESSAGE_4])
    assert r.returncode == 1, r.stdout
    x = results[0]
    assert x["verdict"] == "fail", x["message"]
    assert x["message"].startswith("after the last step: the IUT exited with code 1 after the "
                                   "harness's message_4 (CoAP 2.04, 9 bytes): it rejected it")
    assert "R-5.5.3-a (RFC 9528 §5.5.3)" in x["message"]
    assert "IUT: exited with code 1" in x["transcript"]
    for peer in (exit_with(faulty, 0), REFERENCE):
        r, results, _ = run_suite(harness, tmp_path, peer, "--role", "initiator",
                                  paths=[MESSAGE_4])
        assert r.returncode == 0 and results[0]["verdict"] == "pass", results[0]["message"]


def test_a_negative_scenario_accepts_a_failing_exit(harness, tmp_path):
    """The healthy Initiator rejects a message_4 with a broken tag, sends its
    error message and exits 1: what the scenario asks for, so a pass."""
    r, results, _ = run_suite(harness, tmp_path, REFERENCE, "--role", "initiator",
                              paths=[TAG_BIT])
    assert r.returncode == 0, r.stdout
    assert results[0]["verdict"] == "pass", results[0]["message"]
    assert "IUT: exited with code 1" in results[0]["transcript"]


@pytest.mark.parametrize("code,verdict,text", [
    (0, "pass", ""),
    (1, "fail", f"after the last step: the IUT exited with code 1 after the harness's {M4}: it "
                "rejected it, although the handshake had completed with valid messages"),
    (2, "error", f"the IUT exited with code 2 after the harness's {M4}, which completed the "
                 "handshake; the adapter contract (peers/README.md) defines 0 done, 1 failed, "
                 "77 not supported, not 2"),
    (77, "pass", ""),
    (127, "error", "not 127"),
])
def test_exit_status_after_a_completed_handshake(harness, tmp_path, code, verdict, text):
    """After the harness's message_4 the handshake is complete: exit 1 says
    the IUT rejected it (fail), another code is not what the adapter
    contract defines (error; 127 too, the shell's "command not found"), 0
    passes, and 77 (not supported) is never judged a failure."""
    r, results, _ = run_suite(harness, tmp_path, fake_initiator(*HANDSHAKE, code=code),
                              paths=[COMPLETES])
    x = results[0]
    assert x["verdict"] == verdict, x["message"]
    assert text in x["message"]
    if verdict == "fail":
        assert "[requirements: R-5.5.3-a (RFC 9528 §5.5.3)]" in x["message"]
    assert r.returncode == {"pass": 0, "fail": 1, "error": 3}[verdict]


@pytest.mark.parametrize("scenario,options,last,requirement", [
    # no message_4, no OSCORE: the empty 2.04 to message_3 ends the handshake
    ("rfc9528/A.2/c-r-prefix-one-byte-int", "--no-oscore",
     "the empty answer acknowledging message_3 (CoAP 2.04, 0 bytes)",
     "R-A.2-a (RFC 9528 Appendix A.2)"),
    # then OSCORE: the harness's last answer is its OSCORE response
    ("interop/m3-s2-kid", "", "the OSCORE response (CoAP 2.04, ",
     "R-A.1-a (RFC 9528 Appendix A.1)"),
])
def test_exit_1_names_the_last_answer(harness, tmp_path, scenario, options, last, requirement):
    """The healthy reference Initiator, wrapped to exit 1 whatever happened:
    the verdict names the harness's last answer, which it takes the IUT to
    have rejected, and the requirement that breaks."""
    peer = exit_with(REFERENCE.replace("--timeout 2000", f"--timeout 2000 {options}"), 1)
    r, results, _ = run_suite(harness, tmp_path, peer, "--role", "initiator",
                              paths=[ROOT / "scenarios" / (scenario + ".yaml")])
    x = results[0]
    assert r.returncode == 1 and x["verdict"] == "fail", x["message"]
    assert f"the IUT exited with code 1 after the harness's {last}" in x["message"]
    assert x["message"].endswith(f"[requirements: {requirement}]"), x["message"]


def test_an_error_message_after_the_completed_handshake_fails(harness, tmp_path):
    """An Initiator that answers the harness's message_4 with an EDHOC error
    message rejected the completed handshake, whatever its exit status."""
    r, results, _ = run_suite(harness, tmp_path,
                              fake_initiator(*HANDSHAKE, "27" + ERROR_1, code=0),
                              paths=[COMPLETES])
    x = results[0]
    assert r.returncode == 1 and x["verdict"] == "fail", x["message"]
    assert x["message"].startswith(
        f"after the last step: the IUT answered the harness's {M4} with an error message "
        "(ERR_CODE 1, ERR_INFO \"test\")"), x["message"]
    assert "R-5.5.3-a" in x["message"]


def test_an_initiator_that_sends_nothing_tested_nothing(harness, tmp_path):
    """An IUT Initiator that exits without a single request (a wrong command,
    a wrapper that cannot start it) is an error, not an RFC failure."""
    for code in (0, 1):
        r, results, _ = run_suite(harness, tmp_path, fake_initiator(code=code),
                                  paths=[COMPLETES])
        x = results[0]
        assert r.returncode == 3 and x["verdict"] == "error", x["message"]
        assert x["message"].startswith(f"the IUT exited with code {code} before sending "
                                       "anything: nothing was tested"), x["message"]


def test_an_initiator_that_does_not_exit_in_time_is_not_failed_for_it(harness, tmp_path):
    """The handshake completes, then the wrapper sleeps instead of exiting:
    the harness stops it after the drain (the run's timeout), and that alone
    fails nothing."""
    peer = fake_initiator(*HANDSHAKE, code=1, then="; sleep 30")
    r, results, _ = run_suite(harness, tmp_path, peer, "--timeout", "500", paths=[COMPLETES])
    x = results[0]
    assert r.returncode == 0 and x["verdict"] == "pass", x["message"]
    assert "IUT: did not exit by itself; stopped by the harness" in x["transcript"]
    assert verdicts(results) == {("runner/bare-message-3", "responder"): "pass"}


def test_a_step_that_got_nothing_names_the_iut_that_exited(harness, tmp_path):
    """An IUT that exited (here with code 1, no signal, no crash) is named with
    its status in the verdict of the step that received nothing: an IUT
    Responder that exits at the first message_1, and an IUT Initiator that
    exits after message_2 without sending message_3."""
    cmd = f"/usr/bin/python3 {ROOT}/tests/fake_iut/exit_on_request.py {{port}} 1"
    peer = (f'name: fake\nversion: "1"\ncapabilities: [suite-2]\n'
            f'responder:\n  command: "{cmd}"\n  ready: "listening"\n  timeout: 3000\n')
    r, results, _ = run_suite(harness, tmp_path, peer, "--timeout", "500",
                              paths=[FIX / "steps.yaml"])
    x = results[0]
    assert x["verdict"] == "fail", x["message"]
    assert re.search(r"^step 2 \(line 10\): expected a valid message_2, received (nothing|a "
                     r"reset .*); the IUT exited with code 1 (while the harness "
                     r"waited|before this step) \[requirements: ", x["message"]), x["message"]
    r, results, _ = run_suite(harness, tmp_path, fake_initiator(HANDSHAKE[0], code=1),
                              "--timeout", "500", paths=[COMPLETES])
    x = results[0]
    assert x["verdict"] == "fail", x["message"]
    assert re.search(r"^step 2 \(line 9\): expected a valid message_3, received nothing; "
                     r"the IUT exited with code 1 (while the harness waited|before "
                     r"this step)$", x["message"]), x["message"]


def per_run_peer(command):
    return (f'name: fake\nversion: "1"\ncapabilities: [suite-2]\n'
            f'responder:\n  command: "{command}"\n  ready: "listening"\n  timeout: 1000\n'
            f'  per_run: true\n')


def test_a_per_run_iut_that_did_not_start_makes_its_jobs_errors(harness, tmp_path):
    """`per_run: true` and the IUT never becomes ready: every job of the IUT
    Responder role is an error naming that (the jobs used to launch the
    command per scenario instead, silently)."""
    r, results, _ = run_suite(harness, tmp_path,
                              per_run_peer(f"sh {ROOT}/tests/fake_iut/never_ready.sh"),
                              "--role", "responder", paths=[FIX / "steps.yaml", FIX / "silence.yaml"])
    assert r.returncode == 3  # only errors: set-up error, no verdict
    assert [x["verdict"] for x in results] == ["error", "error"], r.stdout
    for x in results:
        assert x["message"].startswith(
            "the per-run IUT Responder did not start: the IUT never became ready (timeout: no "
            '"listening" on its stdout within 1000 ms) (see '), x["message"]
        assert not x["iut_stdout_path"]  # nothing was launched per scenario


def test_a_per_run_iut_that_exits_is_named(harness, tmp_path):
    """The per-run IUT Responder exits (code 1) at the first message_1: the job
    that was running names it after its failure, the jobs after it are errors
    naming it, not failures against nothing."""
    cmd = f"/usr/bin/python3 {ROOT}/tests/fake_iut/exit_on_request.py {{port}} 1"
    later = tmp_path / "later.yaml"  # the same steps under another id, run second
    later.write_text((FIX / "steps.yaml").read_text().replace("runner/every-step-kind",
                                                              "runner/later"))
    r, results, _ = run_suite(harness, tmp_path, per_run_peer(cmd), "--role", "responder",
                              "--timeout", "500", paths=[FIX / "steps.yaml", later])
    assert r.returncode == 1
    first, second = results
    assert first["verdict"] == "fail", first["message"]
    assert first["message"].endswith("; the per-run IUT Responder exited with code 1"), \
        first["message"]
    assert second["verdict"] == "error", second["message"]
    assert second["message"] == "the per-run IUT Responder exited with code 1 before this scenario"


SILENCE_ALLOWED = """id: runner/silence-allowed-{transport}
title: message_1 answered with anything, or nothing
requirements: [R-9.8-b]
level: MUST
role: initiator
transport: {transport}
steps:
  - send: message_1
  - expect:
      any_of: [message_2, error, {{coap: any}}, silence]
    timeout: 30000
"""


@pytest.mark.parametrize("transport,code", [
    ("coap", 3), ("udp", 0),
    # the same code with the shipped binary only
    pytest.param("udp", 3, marks=pytest.mark.plain_only),
    pytest.param("coap", 0, marks=pytest.mark.plain_only)])
def test_an_iut_responder_that_exits_ends_the_wait_at_once(harness, tmp_path, transport, code):
    """An IUT Responder that exits mid-scenario (3, 0; not a crash) ends
    the wait at once, over CoAP and raw UDP, instead of at the step's 30 s timeout; the
    silence it leaves is not judged as an answer: a scenario that allows silence is
    an error naming the exit and the step (a Responder runs until it is stopped), and
    one that expected a message fails with "received nothing" and the exit, never
    "(timeout)"."""
    cmd = f"/usr/bin/python3 {ROOT}/tests/fake_iut/exit_on_request.py {{port}} {code}"
    peer = (f'name: fake\nversion: "1"\ncapabilities: [suite-2, coap, udp]\n'
            f'responder:\n  command: "{cmd}"\n  ready: "listening"\n  timeout: 3000\n')
    sc = tmp_path / "silence.yaml"
    sc.write_text(SILENCE_ALLOWED.format(transport=transport))
    expects = tmp_path / "expects.yaml"
    expects.write_text(SILENCE_ALLOWED.format(transport=transport)
                       .replace("silence-allowed", "expects-message-2")
                       .replace("any_of: [message_2, error, {coap: any}, silence]",
                                "message_2"))
    r, results, _ = run_suite(harness, tmp_path, peer, paths=[sc, expects])
    by = {x["id"].split("-")[0] + "-" + x["id"].split("-")[1]: x for x in results}
    allowed = by["runner/silence-allowed"]
    assert allowed["verdict"] == "error", allowed["message"]
    assert allowed["message"].startswith(
        f"the IUT Responder exited with code {code} during step 1, before the scenario "
        "ended: a Responder runs until the harness stops it"), allowed["message"]
    expected = by["runner/expects-message"]
    assert expected["verdict"] == "fail", expected["message"]
    assert re.search(rf"^step 2 \(line 9\): expected a valid message_2, received nothing; the "
                     rf"IUT exited with code {code} while the harness waited", expected["message"]), \
        expected["message"]
    # the waits ended with the IUT, not at their 30 s bound
    assert all(x["seconds"] < 15 for x in results), [x["seconds"] for x in results]
    assert r.returncode == 1, r.stdout


def test_a_rust_panic_is_a_crash(harness, tmp_path):
    """Exit code 101 is how a Rust program ends on a panic (std's default handler): an IUT
    Responder that panics on the harness's message_1 has crashed, like one that segfaults.
    In a scenario that allows silence, at INFO level, it fails at MUST level naming the
    panic, where a plain exit (code 3) is an error (the adapter contract: a Responder runs
    until it is stopped)."""
    cmd = f"/usr/bin/python3 {ROOT}/tests/fake_iut/exit_on_request.py {{port}} 101"
    peer = (f'name: fake\nversion: "1"\ncapabilities: [suite-2, coap, udp]\n'
            f'responder:\n  command: "{cmd}"\n  ready: "listening"\n  timeout: 3000\n')
    sc = tmp_path / "silence.yaml"
    sc.write_text(SILENCE_ALLOWED.format(transport="coap").replace("level: MUST", "level: INFO"))
    r, results, _ = run_suite(harness, tmp_path, peer, paths=[sc])
    assert r.returncode == 1, r.stdout
    x = results[0]
    assert x["verdict"] == "fail" and x["level"] == "MUST", x
    assert x["message"].startswith("the IUT crashed (exit code 101: how a Rust program ends on "
                                   "a panic) during step 1, on what the harness had sent"), x


@pytest.mark.parametrize("restart", ["at-once", "slow"])
def test_a_restart_loop_keeps_a_one_session_responder_judged(harness, tmp_path, restart):
    """peers/README.md's loop for a sample Responder that exits after each session (as
    uoscore-uedhoc's does): the harness judges what it did before exiting (here nothing:
    silence, which the scenario allows) instead of calling its exit an error; a panic
    (101) still ends the loop and is judged as a crash. Over raw UDP the harness resends
    message_1 while it waits; a resend that meets the port closed between two runs of
    the IUT (a slow restart: a `sleep` in the loop stands for a program that takes its
    time to start) is no reset: the first copy arrived, and the transcript says what
    happened (this was a false fail, seen in CI under load)."""
    sc = tmp_path / "silence.yaml"
    sc.write_text(SILENCE_ALLOWED.format(transport="udp"))
    delay = "sleep 1; " if restart == "slow" else ""
    for code, verdict in ((3, "pass"), (101, "fail")):
        cmd = (f"while :; do /usr/bin/python3 {ROOT}/tests/fake_iut/exit_on_request.py {{port}} "
               f"{code} message-1; c=$?; [ $c -ge 128 -o $c -eq 101 ] && exit $c; {delay}done")
        peer = (f'name: loop\nversion: "1"\ncapabilities: [suite-2, coap, udp]\n'
                f'responder:\n  command: "{cmd}"\n  ready: "listening"\n  timeout: 3000\n')
        d = tmp_path / str(code)
        d.mkdir()
        r, results, _ = run_suite(harness, d, peer, "--timeout", "500", paths=[sc])
        assert [x["verdict"] for x in results] == [verdict], r.stdout
        if code == 3 and restart == "slow":
            text = open(results[0]["transcript_path"]).read()
            assert re.search(r"\d of the harness's resends met a closed port \(ICMP port "
                             r"unreachable\): the IUT stopped listening after the first copy "
                             r"arrived", text), text
        if code == 101:
            assert "crashed (exit code 101" in results[0]["message"], results[0]
