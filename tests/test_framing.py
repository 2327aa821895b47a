"""The Appendix A.2 framing of an IUT Initiator's requests (RFC 9528: `true`
before message_1, C_R before message_3): a missing or wrong prefix is the
first failure of the step that expects the message, named with the bytes
received and the bytes expected, and cites the framing requirement
(R-A.2-b/c/d of scenarios/requirements.md), not the scenario's own."""
import json

import pytest

from test_run import ROOT, run_suite

TRACE_2 = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
M1, M3 = TRACE_2["message_1"], TRACE_2["message_3"]
# deterministic trace 2 (role both), run with the IUT as Initiator: step 1
# expects message_1, step 2 message_3; its own requirements are about
# message_2 and the key schedule (R-5.3.2-a, ...), never the framing
SCENARIO = ROOT / "scenarios/interop/rfc9529-trace-2.yaml"
CAPS = "[method-3, suite-2, cred-kid, vectors, message-4, oscore]"


def fake_initiator(*payloads):
    cmd = f"/usr/bin/python3 {ROOT}/tests/fake_iut/coap_post.py {{host}} {{port}} " + \
        " ".join(payloads)
    return (f'name: fake\nversion: "1"\ncapabilities: {CAPS}\n'
            f'initiator:\n  command: "{cmd}"\n  ready: none\n  timeout: 3000\n')


@pytest.mark.parametrize("payloads,text,requirement", [
    # message_1 with false (f4) or C_I-like 37 before it: a message_1, wrongly prefixed
    (("f4" + M1,), "step 1 (line 10): message_1 is prefixed with f4 at byte offset 0 of the "
                   "CoAP payload, expected true (f5)", "R-A.2-c"),
    (("37" + M1,), "step 1 (line 10): message_1 is prefixed with 37 at byte offset 0 of the "
                   "CoAP payload, expected true (f5)", "R-A.2-c"),
    ((M1,), "step 1 (line 10): message_1 arrived without the prefix true (0xf5) at byte offset "
            "0 of the CoAP payload, which starts with the message itself (0382060258208af6...)",
     "R-A.2-c"),
    (("f5" + M1, M3), "step 2 (line 13): message_3 arrived without the C_R prefix 27 at byte "
                      "offset 0 of the CoAP payload, which starts with the message itself "
                      "(52e562097bc417dd...)", "R-A.2-b"),
    # C_R 0x27 as the byte string 41 27: its representation (§3.3.2) is wrong
    (("f5" + M1, "4127" + M3), "step 2 (line 13): message_3 is prefixed with 4127 at byte "
                               "offset 0 of the CoAP payload, but C_R is encoded 27", "R-A.2-d"),
    # false, or an empty text string, where C_R belongs
    (("f5" + M1, "f4" + M3), "step 2 (line 13): message_3 is prefixed with f4 at byte offset 0 "
                             "of the CoAP payload, but C_R is encoded 27", "R-A.2-b"),
    (("f5" + M1, "60" + M3), "step 2 (line 13): message_3 is prefixed with 60 at byte offset 0 "
                             "of the CoAP payload, but C_R is encoded 27", "R-A.2-b"),
])
def test_a_framing_failure_names_the_bytes_and_cites_appendix_a2(harness, tmp_path, payloads,
                                                                 text, requirement):
    r, results, _ = run_suite(harness, tmp_path, fake_initiator(*payloads), "--role",
                                  "initiator", paths=[SCENARIO])
    x = results[0]
    assert r.returncode == 1 and x["verdict"] == "fail", x["message"]
    assert x["message"].startswith(text), x["message"]
    assert x["message"].endswith(f"[requirements: {requirement} (RFC 9528 Appendix A.2)]"), \
        x["message"]
    assert "R-5.3.2-a" not in x["message"]


def test_another_message_is_judged_before_its_prefix(harness, tmp_path):
    """Where the step expects something else, the message that came is the
    failure (and its prefix is named in what was received): an IUT that
    accepted a faulty C_R prefixes message_3 with it because it accepted it."""
    payloads = ("f5" + M1, "f4" + M3)
    scenario = tmp_path / "expects-error.yaml"
    scenario.write_text("id: framing/expects-error\ntitle: t\nrequirements: [R-3.3.2-c]\n"
                        "level: MUST\nrole: responder\nvector: vectors/rfc9529-trace2.json\n"
                        "needs: [suite-2]\nsteps:\n  - expect: message_1\n  - send: message_2\n"
                        "  - expect: error\n")
    r, results, _ = run_suite(harness, tmp_path, fake_initiator(*payloads), paths=[scenario])
    x = results[0]
    assert x["verdict"] == "fail", x["message"]
    assert "expected an error message, received message_3 prefixed with f4 (19 bytes" in \
        x["message"], x["message"]
    assert x["message"].endswith("[requirements: R-3.3.2-c (RFC 9528 §3.3.2)]"), x["message"]


def test_what_cannot_be_classified_is_named_by_its_first_bytes(harness, tmp_path):
    r, results, _ = run_suite(harness, tmp_path, fake_initiator("f4f4f4f4"), "--role",
                                  "initiator", paths=[SCENARIO])
    x = results[0]
    assert x["verdict"] == "fail", x["message"]
    assert "received other (4 bytes, starting f4f4f4f4, CoAP request 0.02)" in x["message"], \
        x["message"]
