"""The scenario files themselves: every requirement ID they name exists in
the project's requirement list (scenarios/requirements.md), ids are unique,
and every file loads in the harness."""
import pathlib
import re
import subprocess

import pytest
import yaml

from wall import scaled

# make test runs this module with the shipped binary only (conftest.py, plain_only): the
# sanitizer build loads every scenario file in test_run.py's whole-suite run.
pytestmark = pytest.mark.plain_only

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCENARIOS = sorted(p for p in (ROOT / "scenarios").rglob("*.yaml"))


def catalogue_ids():
    ids = set()
    for line in (ROOT / "scenarios/requirements.md").read_text().splitlines():
        m = re.match(r"\|\s*(R-[A-Za-z0-9.-]+-[a-z]+)\s*\|", line)
        if m:
            ids.add(m.group(1))
    return ids


def test_catalogue_is_readable():
    ids = catalogue_ids()
    assert len(ids) > 100
    assert "R-5.2.3-b" in ids and "R-A.2.3-a" in ids


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT / "scenarios")))
def test_requirements_exist(path):
    doc = yaml.safe_load(path.read_text())
    unknown = [r for r in doc.get("requirements", []) if r not in catalogue_ids()]
    assert not unknown, f"{path}: requirement IDs not in scenarios/requirements.md: {unknown}"


def test_ids_are_unique_and_stable_form():
    ids = [yaml.safe_load(p.read_text())["id"] for p in SCENARIOS]
    assert len(ids) == len(set(ids))
    # lower case, but for the letter of an appendix section (rfc9528/A.2/...)
    def appendix_lowered(i):
        return re.sub(r"/([A-Z])(?=[./])", lambda m: "/" + m.group(1).lower(), i)
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9./-]*", appendix_lowered(i)) for i in ids)
    assert not re.fullmatch(r"[a-z0-9][a-z0-9./-]*", appendix_lowered("rfc9528/A.2/X"))


def test_an_unknown_requirement_id_fails_this_check(tmp_path):
    """The check above is not vacuous."""
    bad = "id: x/y\ntitle: t\nlevel: MUST\nrole: initiator\nrequirements: [R-99.9-z]\nsteps:\n  - send: message_1\n"
    doc = yaml.safe_load(bad)
    assert [r for r in doc["requirements"] if r not in catalogue_ids()] == ["R-99.9-z"]


def test_every_scenario_loads(harness, tmp_path):
    peer = ROOT / "peers/reference.yaml"
    r = subprocess.run([str(harness), "run", "scenarios", "--peer", str(peer), "--filter", "none",
                        "--allow-empty", "--json", str(tmp_path / "r.json"), "--junit", str(tmp_path / "j.xml"),
                        "--out", str(tmp_path / "o")], capture_output=True, text=True, cwd=ROOT,
                       timeout=scaled(60))
    # a file that does not load would become an `error` job despite the filter
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 error" in r.stdout


def test_coverage_report(harness, tmp_path):
    """`coverage --format json`: the counts are consistent with the rows, and
    every scenario requirement resolves (exit 0)."""
    r = subprocess.run([str(harness), "coverage", "--format", "json", "--results",
                        str(tmp_path / "none.json")], capture_output=True, text=True, cwd=ROOT,
                       timeout=scaled(60))
    assert r.returncode == 0, r.stderr
    import json
    doc = json.loads(r.stdout)
    rows = doc["requirements"]
    assert doc["must_testable"] == sum(1 for x in rows if x["testable_must"])
    assert doc["must_covered"] == sum(1 for x in rows if x["testable_must"] and x["scenarios"])
    assert len(rows) == len(catalogue_ids())
    assert not [x for x in rows if x["id"] == "R-4.2.1-a" and x["testable_must"]]
    # issue 15 item 7: every scenario naming a requirement is listed, as a JSON array (the
    # list was one string cut at 511 characters); counted here from the YAML files
    naming = {}
    for path in (ROOT / "scenarios").rglob("*.yaml"):
        doc = yaml.safe_load(path.read_text())
        sid = doc["id"] + ("/*" if "matrix" in doc else "")
        for req in doc.get("requirements", []):
            naming.setdefault(req, set()).add(sid)
    assert max(len(", ".join(v)) for v in naming.values()) > 600  # long lists exist
    for x in rows:
        assert isinstance(x["scenarios"], list), x
        assert set(x["scenarios"]) == naming.get(x["id"], set()), x["id"]
        assert len(x["scenarios"]) == len(set(x["scenarios"]))
        assert len(x["requirement"]) == len(catalogue_rows(
            (ROOT / "scenarios/requirements.md").read_text())[x["id"]][2]), x["id"]


def catalogue_rows(text):
    """The catalogue's rows, parsed here independently of the harness:
    GitHub-flavoured Markdown cells, with \\| a literal bar."""
    rows = {}
    for line in text.splitlines():
        if line.startswith("| R-"):
            cells = [c.strip().replace("\\|", "|")
                     for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            assert len(cells) == 6, line
            rows[cells[0]] = cells
    return rows


def test_testable_rows_match_an_independent_reading(harness, tmp_path):
    """Which rows count as testable MUSTs, by the rule in coverage_cmd.c's
    header (level says MUST or SHALL, role not "—", test idea not "not
    wire-testable"), read here from the Markdown without the harness's parser."""
    import json
    r = subprocess.run([str(harness), "coverage", "--format", "json", "--results",
                        str(tmp_path / "none.json")], capture_output=True, text=True, cwd=ROOT,
                       timeout=scaled(60))
    doc = json.loads(r.stdout)
    rows = catalogue_rows((ROOT / "scenarios/requirements.md").read_text())
    want = {i for i, c in rows.items()
            if ("MUST" in c[3] or "SHALL" in c[3]) and c[4] != "—"
            and "not wire-testable" not in c[5]}
    assert {x["id"] for x in doc["requirements"] if x["testable_must"]} == want
    assert "R-5.3.1-a" in want  # the row whose text holds an escaped "||"
    texts = {x["id"]: x["requirement"] for x in doc["requirements"]}
    assert texts["R-5.3.1-a"] == rows["R-5.3.1-a"][2]


def test_coverage_rejects_a_row_with_an_unescaped_bar(harness, tmp_path):
    cat = tmp_path / "req.md"
    cat.write_text("| R-1-a | 1 | a || b | MUST | both | P: x |\n")
    r = subprocess.run([str(harness), "coverage", "--catalogue", str(cat), str(tmp_path)],
                       capture_output=True, text=True, cwd=ROOT, timeout=scaled(60))
    assert r.returncode == 2
    assert "line 1: 7 cells, expected 6" in r.stderr


def test_coverage_fails_on_an_unknown_requirement(harness, tmp_path):
    d = tmp_path / "sc"
    d.mkdir()
    (d / "x.yaml").write_text("id: x/y\ntitle: t\nlevel: MUST\nrole: initiator\n"
                              "requirements: [R-99.9-z]\nsteps:\n  - send: message_1\n")
    r = subprocess.run([str(harness), "coverage", str(d)], capture_output=True, text=True,
                       cwd=ROOT, timeout=scaled(60))
    assert r.returncode == 1
    assert "R-99.9-z is not in the catalogue" in r.stderr


def test_readme_coverage_figure_is_true(harness, tmp_path):
    import json
    r = subprocess.run([str(harness), "coverage", "--format", "json", "--results",
                        str(tmp_path / "none.json")], capture_output=True, text=True, cwd=ROOT,
                       timeout=scaled(60))
    doc = json.loads(r.stdout)
    m = re.search(r"\*\*(\d+) of (\d+)\*\* \((\d+)%\)", (ROOT / "README.md").read_text())
    assert m, "README has no coverage figure"
    covered, testable, pct = map(int, m.groups())
    assert (covered, testable) == (doc["must_covered"], doc["must_testable"])
    assert pct == round(100 * covered / testable)


RULES = yaml.safe_load((ROOT / "harness/scenario/outcome_rules.yaml").read_text())["rules"]


def outcomes_of(step):
    """An expect step's outcomes; `{rule: NAME}` is the rule's (outcome_rules.yaml)."""
    e = step["expect"]
    if isinstance(e, dict) and "rule" in e:
        return RULES[e["rule"]]["accept"]
    return e["any_of"] if isinstance(e, dict) and "any_of" in e else [e]


def outcome_kind(o):
    if isinstance(o, str):
        return o
    for k in ("error", "coap", "silence", "close", "same"):
        if k in o:
            return k
    return o.get("message")


AUDITED = [p for p in SCENARIOS
           if "explore" not in p.relative_to(ROOT / "scenarios").parts and p.name != "matrix.yaml"]

# Rejections where silence fails: RFC 9668 §3.3.1's "MUST reply with a 4.00" is a CoAP
# answer, not an EDHOC error message that §6 lets a sender skip. Every EDHOC error message
# that is due may be skipped (§6: "MAY be skipped if, for example, ... due to
# denial-of-service reasons"), also in the suite negotiation and for a critical EAD item:
# the silence policy of harness/scenario/outcome_rules.yaml, which the models follow too.
ANSWER_REQUIRED = {"rfc9668/3.3.1/no-oscore-option"}


def test_a_rejection_may_come_without_an_error_message():
    """Where the IUT must reject (an expect step that allows an error message and no
    message of the session), it may do so silently: sending error messages "MAY be
    skipped" (RFC 9528 §6) and a message deemed forged MAY be ignored "without sending
    an error message" (§9.7). Only the scenarios of ANSWER_REQUIRED may fail silence."""
    strict = set()
    for path in AUDITED:
        sc = yaml.safe_load(path.read_text())
        for st in (s for s in sc["steps"] if "expect" in s):
            kinds = [outcome_kind(o) for o in outcomes_of(st)]
            accepting = [k for k in kinds if k.startswith("message_")
                         or k in ("accepted", "oscore", "same")]
            if "error" in kinds and not accepting and "silence" not in kinds:
                strict.add(sc["id"])
    assert strict == ANSWER_REQUIRED


def test_a_scenario_about_oscore_needs_it():
    """OSCORE is needed by the scenarios whose subject it is: an `oscore` outcome
    other than the judge of an oscore step, a combined message_3, an early or
    replayed OSCORE request. A plain `oscore` step (and the expect step that judges
    its answer) is the proof that the keys agree, which the profile drops when the
    IUT has no OSCORE (scenario/profile.h): such a scenario need not need it, and
    the runner tells an IUT to run OSCORE ({oscore}) only where one is left."""
    for path in SCENARIOS:
        sc = yaml.safe_load(path.read_text())
        steps, about = sc["steps"], False
        for i, st in enumerate(steps):
            osc = st.get("oscore")
            if isinstance(osc, dict) and (osc.get("early") or osc.get("replay")):
                about = True
            if isinstance(st.get("send"), str) and "combined" in st:
                about = True
            judged = i > 0 and "oscore" in steps[i - 1]
            if "expect" in st and not judged and \
                    "oscore" in [outcome_kind(o) for o in outcomes_of(st)]:
                about = True
        if about:
            assert "oscore" in sc.get("needs", []), sc["id"]


def test_no_scenario_sets_a_maximum_size_rfc_9528_does_not():
    """RFC 9528 sets no maximum message size (§3.4) and allows longer identifiers
    and EAD padding: a step's max_size fails a message over it, so the suite
    leaves sizes to the budget profiles (over the rfc9528 minimum: non-strict)."""
    assert not [p for p in SCENARIOS if "max_size:" in p.read_text()]


def credential_bytes(name):
    """A credential of vectors/creds/ as CRED_x: the DER of its certificate,
    or its CCS (hex with # comments)."""
    import base64
    creds = ROOT / "vectors/creds"
    cert = creds / f"{name}.cert.pem"
    if cert.exists():
        body = "".join(l for l in cert.read_text().splitlines() if not l.startswith("-----"))
        return base64.b64decode(body)
    text = (creds / f"{name}.ccs.hex").read_text()
    return bytes.fromhex("".join(l.split("#")[0] for l in text.splitlines()).replace(" ", ""))


ID_CRED_KIND = {4: "kid", 14: "kccs", 33: "x5chain", 34: "x5t"}  # COSE header labels


@pytest.mark.parametrize("path", [p for p in SCENARIOS if "\nvector:" in p.read_text()],
                         ids=lambda p: str(p.relative_to(ROOT / "scenarios")))
def test_a_vector_scenario_states_its_vectors_profile(path):
    """The harness takes everything from a scenario's vector file, but the
    IUT gets the scenario's {method}, {suite}, {cred}, {peer_cred} and
    {cred_id}: they must be the vector's (METHOD, selected suite, the
    credential files holding CRED_I / CRED_R, ID_CRED's kind)."""
    import json
    sc = yaml.safe_load(path.read_text())
    vec = json.loads((ROOT / sc["vector"]).read_text())
    assert sc.get("method", 3) == vec["_method_int"], path
    assert sc.get("suites", [2])[-1] == vec["_selected_suite"], path
    creds = sc.get("credentials", {})
    own, peer = creds.get("own", "rfc9529-trace2-i"), creds.get("peer", "rfc9529-trace2-r")
    for name, key in ((own, "cred_i"), (peer, "cred_r")):
        want = bytes.fromhex(vec.get(f"{key}_der", vec[key]))
        assert credential_bytes(name) == want, (path, name, key)
    id_cred = bytes.fromhex(vec["id_cred_r"])
    label = id_cred[1] if id_cred[1] < 0x18 else id_cred[2]  # a1 LABEL or a1 18 LABEL
    assert creds.get("id", "kid") == ID_CRED_KIND[label], path


# Every invalid message of RFC 9529 §4 (vectors/invalid/rfc9529-invalid.json)
# and the scenario that sends it (or its exact equivalent) to an IUT.
INVALID_VECTOR_SCENARIOS = {
    "Surplus array encoding of message": "rfc9528/5.2.1/message-1-as-array",
    "Surplus bstr encoding of connection identifier": "rfc9528/3.3.2/c-i-bstr-encoded",
    "Surplus array encoding of ciphersuite": "rfc9528/5.2.2/suites-array-of-one",
    "Text string encoding of ephemeral key": "rfc9528/5.2.1/g-x-text-string",
    "Wrong number of CBOR sequence elements": "rfc9528/5.3.1/message-2-two-items",
    "Surplus map encoding of ID_CRED field": "rfc9528/3.5.3.2/id-cred-r-as-full-map",
    "Surplus bstr encoding of ID_CRED field": "rfc9528/3.5.3.2/kid-as-bstr-r",
    "Error in length of ephemeral key": "rfc9528/3.7/g-x-wrong-length-for-p384",
    "Error in elliptic curve representation": "rfc9528/9.2/g-x-not-below-p",
    "Error in elliptic curve point": "rfc9528/9.2/g-x-not-on-curve",
    "Curve point of low order": "rfc9528/9.2/x25519-low-order-point",
    "Error in length of MAC": "rfc9528/3.6/mac-too-short-r",
    "Error in elliptic curve encoding": "rfc9528/3.7/g-x-leading-zero-stripped",
    "Unnecessary long encoding": "rfc9528/9.8/non-shortest-method",
    "Indefinite-length array encoding": "rfc9528/9.8/indefinite-length-suites",
}


def test_every_invalid_vector_has_a_negative_scenario():
    import json
    doc = json.loads((ROOT / "vectors/invalid/rfc9529-invalid.json").read_text())
    sections = [v["section"] for v in doc["vectors"]]
    assert sorted(sections) == sorted(INVALID_VECTOR_SCENARIOS)
    by_id = {yaml.safe_load(p.read_text())["id"]: yaml.safe_load(p.read_text())
             for p in SCENARIOS}
    category = {v["section"]: v["category"] for v in doc["vectors"]}
    for section, sid in INVALID_VECTOR_SCENARIOS.items():
        sc = by_id.get(sid)
        assert sc is not None, (section, sid)
        if category[section] == "non-deterministic":
            continue  # RFC 9528 §9.8: rejecting is allowed, not required
        # negative: the step after the harness's invalid message expects no valid message,
        # but where RFC 9528 binds only the sender, accepting is allowed, graded non-strict
        outcomes = [s["expect"] for s in sc["steps"] if "expect" in s][-1]
        outcomes = outcomes["any_of"] if isinstance(outcomes, dict) and "any_of" in outcomes \
            else [outcomes]
        accepting = [o for o in outcomes if "message_" in str(o) or "accepted" in str(o)
                     or "2.04" in str(o)]
        if section in SENDER_ONLY_RULES:
            assert accepting and all(o.get("grade") == "non-strict" for o in accepting), sid
        else:
            assert not accepting, sid


# RFC 9529 §4 messages that break a rule RFC 9528 states for the sender only (§3.3.2
# identifiers and §3.5.3.2 compact kid "MUST be" represented so; the message still fits
# the CDDL): RFC 9529 says they "must or may" be rejected, so accepting them is lenient.
SENDER_ONLY_RULES = {"Surplus bstr encoding of connection identifier",
                     "Surplus map encoding of ID_CRED field",
                     "Surplus bstr encoding of ID_CRED field"}


def raw_message_1_without_pins(sc):
    """A scenario whose harness Initiator sends a message_1 as raw bytes (a 0xf5 prefix
    and what follows) without pinning `method:` and `suites:`: those bytes carry their own
    METHOD and suite, so in a profile of another one the IUT rejects them for that and the
    scenario's own subject is never tested (it passes vacuously)."""
    if sc.get("role") != "initiator" or ("method" in sc and "suites" in sc):
        return False
    for st in sc.get("steps", []):
        if "send" in st:
            return st["send"] == "raw" and any(
                str(m.get("raw", "")).lower().startswith("f5") for m in st.get("mutate", []))
    return False


def test_no_raw_message_1_runs_in_a_profile_it_does_not_fit():
    bad = [str(p.relative_to(ROOT)) for p in SCENARIOS
           if raw_message_1_without_pins(yaml.safe_load(p.read_text()) or {})]
    assert not bad, bad
    # what this check refuses: RFC 9529 §4.1.4's message_1 as it was sent before
    assert raw_message_1_without_pins({"role": "initiator", "steps": [
        {"send": "raw", "mutate": [{"raw": "f5030278202061697220"}]}, {"expect": "silence"}]})
    assert not raw_message_1_without_pins({"role": "initiator", "method": 3, "suites": [2],
                                           "steps": [{"send": "raw", "mutate": [
                                               {"raw": "f5030278202061697220"}]}]})


def test_mutation_scenarios_are_what_their_generator_writes():
    """scenarios/mutations/ is written by tools/mutation_scenarios.py; a
    hand edit there (or a stale file) would silently drift from it."""
    r = subprocess.run(["/usr/bin/python3", str(ROOT / "tools/mutation_scenarios.py"), "--check"],
                       capture_output=True, text=True, timeout=scaled(60))
    assert r.returncode == 0, r.stdout + r.stderr
