"""Issue 14: the harness's own choices never fail an IUT. Where RFC 9528 leaves
a choice to the harness (its connection identifier, its ephemeral key, the
message it builds), a conforming IUT must pass whatever the harness chose, and
every transcript hash the harness computes must be over the bytes actually
on the wire."""
import json
import pathlib
import subprocess

from wall import scaled, timeout_args

ROOT = pathlib.Path(__file__).resolve().parent.parent
REFERENCE = (ROOT / "peers/reference.yaml").read_text()


def run_suite(harness, tmp_path, peer_text, paths, *args, timeout=120):
    peer = tmp_path / "peer.yaml"
    peer.write_text(peer_text)
    js, out = tmp_path / "results.json", tmp_path / "out"
    r = subprocess.run([str(harness), "run", *map(str, paths), "--peer", str(peer),
                        "--json", str(js), "--out", str(out), *args, *timeout_args(args)],
                       capture_output=True, text=True, timeout=scaled(timeout), cwd=ROOT)
    results = json.loads(js.read_text())["results"] if js.exists() else []
    return r, {(x["id"], x["role"]): x for x in results}


def transcript(result):
    return pathlib.Path(result["transcript_path"]).read_text()


def initiator_with_c_i(c_i):
    """The reference peer file, its Initiator sending C_I = c_i (hex)."""
    text = REFERENCE.replace("--cred-id {cred_id} --method",
                             f"--cred-id {{cred_id}} --c-i {c_i} --method")
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
