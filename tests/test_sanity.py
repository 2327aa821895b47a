"""The sanity conversation (issue 14): one plain handshake per IUT role and profile
before the suite. An IUT that is not there, exits at once, or rejects a valid message
stops the run with one line naming what failed, a report that says so, and the exit
code of a set-up error (2), instead of hundreds of MUST failures."""
import json
import re
import socket

from test_run import REFERENCE, ROOT, run_suite

PATHS = [ROOT / "scenarios/interop/handshake.yaml", ROOT / "scenarios/rfc9528/6.1/err-code-0-to-responder.yaml"]


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def sanity_results(results):
    return [x for x in results if x["id"] == "sanity/handshake"]


def assert_stopped(r, results, line):
    assert r.returncode == 3, r.stdout + r.stderr  # a set-up error (runner.h RUN_EXIT_SETUP)
    assert "the sanity conversation failed" in r.stderr, r.stderr
    assert line in r.stdout, r.stdout
    assert "the suite does not run" in r.stdout
    failed = sanity_results(results)
    assert failed and {x["verdict"] for x in failed} <= {"fail", "error"}, results
    rest = [x for x in results if x["id"] != "sanity/handshake"]
    assert rest and all(x["verdict"] == "skipped" for x in rest), rest
    assert any(x["message"].startswith("not run: the sanity conversation failed")
               for x in rest), rest


def test_a_healthy_iut_passes_and_the_suite_runs(harness, tmp_path):
    r, results, _ = run_suite(harness, tmp_path, REFERENCE, paths=PATHS, sanity=True)
    assert r.returncode == 0, r.stdout
    m = re.search(r"sanity conversation: (\d+) of (\d+) plain handshakes \(IUT role x "
                  r"profile\) passed\n", r.stdout)
    assert m and m.group(1) == m.group(2) and int(m.group(1)) >= 2, r.stdout
    assert not sanity_results(results)  # passed conversations are not results
    assert {x["verdict"] for x in results} == {"pass"}
    # interop/handshake holds the conversation in both roles: it ran first, in its
    # place, and the built-in conversation did not run at all (no IUT was started for it)
    assert "sanity conversation: 2 of them held by a job of the suite" in r.stdout, r.stdout
    out = tmp_path / "out"
    prof = {x["role"]: x["profile"] for x in results if x["id"] == "interop/handshake"}
    for harness_role, iut in (("initiator", "responder"), ("responder", "initiator")):
        assert not list(out.glob(f"iut-{iut}/sanity_handshake@{prof[harness_role]}*"))
    for role in ("initiator", "responder"):
        assert list(out.glob(f"iut-{role}/interop_handshake*.iut.stderr")), role
    assert [x["id"] for x in results].count("interop/handshake") == 2
    # where the time went (make bench sums it): every job's phases, inside its wall time
    # as the run saw it, and the run's own phases
    js = json.loads((tmp_path / "results.json").read_text())
    assert js["timing"]["sanity_s"] > 0 and js["timing"]["suite_s"] > 0, js["timing"]
    assert js["timing"]["junit_s"] >= 0
    phases = ("setup_ms", "spawn_ms", "ready_ms", "steps_ms", "stop_ms", "files_ms")
    for x in js["results"]:
        t = x["timing"]
        assert set(t) == set(phases) | {"job_ms"}, t
        assert all(t[k] >= 0 for k in phases) and t["steps_ms"] > 0, t
        assert 0 < sum(t[k] for k in phases) <= t["job_ms"] + 0.1, t


def test_a_stand_in_that_fails_leaves_the_decision_to_the_conversation(harness, tmp_path):
    """The reference Responder with OSCORE derived from swapped identifiers: its
    handshakes complete, its OSCORE fails. interop/handshake (which goes on to OSCORE)
    fails as the IUT Responder's stand-in, so the built-in conversation runs, passes, and
    the suite runs with that failure as its result; the IUT Initiator's stand-in passed."""
    peer = REFERENCE.replace("peer responder --max-sessions 64",
                             "peer responder --fault oscore-swap-ids --max-sessions 64")
    assert peer != REFERENCE
    r, results, _ = run_suite(harness, tmp_path, peer, paths=PATHS, sanity=True)
    assert r.returncode == 1, r.stdout + r.stderr
    assert re.search(r"sanity conversation: (\d+) of \1 plain handshakes \(IUT role x "
                     r"profile\) passed\n", r.stdout), r.stdout
    assert "sanity conversation: 1 of them held by a job of the suite" in r.stdout, r.stdout
    out = tmp_path / "out"
    prof = {x["role"]: x["profile"] for x in results if x["id"] == "interop/handshake"}
    assert list(out.glob(f"iut-responder/sanity_handshake@{prof['initiator']}.iut.stderr"))
    assert not list(out.glob(f"iut-initiator/sanity_handshake@{prof['responder']}*"))
    v = {(x["id"], x["role"]): x["verdict"] for x in results}
    assert v[("interop/handshake", "initiator")] == "fail", results  # IUT Responder
    assert v[("interop/handshake", "responder")] == "pass", results
    assert not sanity_results(results)


def test_an_iut_that_is_not_there(harness, tmp_path):
    peer = ('name: absent\nversion: "1"\ncapabilities: [coap]\n'
            f'responder:\n  address: {{host: 127.0.0.1, port: {free_udp_port()}}}\n')
    r, results, junit = run_suite(harness, tmp_path, peer, "--timeout", "300", paths=PATHS,
                                  sanity=True)
    assert_stopped(r, results, "sanity: IUT responder in profile m3-s2-kid: the IUT did not "
                               "answer message_1")
    assert "sanity/handshake" in junit.read_text()
    # --no-sanity runs the suite anyway, whose scenarios then fail
    r, results, _ = run_suite(harness, tmp_path, peer, "--timeout", "300", paths=PATHS)
    assert r.returncode == 1 and not sanity_results(results), r.stdout


def test_an_iut_that_exits_at_once(harness, tmp_path):
    peer = ('name: gone\nversion: "1"\ncapabilities: [coap]\n'
            'responder:\n  command: "exit 1"\n  ready: "listening on"\n'
            'initiator:\n  command: "exit 1"\n  ready: none\n')
    r, results, _ = run_suite(harness, tmp_path, peer, "--timeout", "500", paths=PATHS,
                              sanity=True)
    assert_stopped(r, results, "sanity: IUT responder in profile m3-s2-kid: the IUT did not "
                               "start")
    assert "sanity: IUT initiator in profile m3-s2-kid: the IUT sent no message_1" in r.stdout


def test_an_iut_that_rejects_message_2(harness, tmp_path):
    """The reference Initiator told the wrong credential for the harness: it rejects
    message_2 with an error (and its Responder side is healthy: it runs no suite either,
    as the run stops)."""
    peer = REFERENCE.replace("peer initiator --transport {transport} --host {host} --port "
                             "{port} --cred-dir {creds_dir} --cred {cred} --peer-cred {peer_cred}",
                             "peer initiator --transport {transport} --host {host} --port "
                             "{port} --cred-dir {creds_dir} --cred {cred} --peer-cred "
                             "negative-kid-07")
    assert peer != REFERENCE
    r, results, _ = run_suite(harness, tmp_path, peer, paths=PATHS, sanity=True)
    assert_stopped(r, results, "sanity: IUT initiator in profile ")
    line = [l for l in r.stdout.splitlines() if l.startswith("sanity: IUT initiator")]
    assert line and "the IUT rejected message_2" in line[0], r.stdout
    js = json.loads((tmp_path / "results.json").read_text())
    assert [x["role"] for x in sanity_results(js["results"])] == ["responder"] * len(line)
