"""The JUnit report validates against tests/junit.xsd, and the schema is not vacuous.

Builds nothing: runs the unit-test binary (EH_UNIT_TESTS, default build/unit-tests)
with CK_RUN_SUITE=report and EH_JUNIT_SAMPLE=<file>, so that the report round-trip
test writes its JUnit report (every verdict in both roles, hostile strings, a 1 MB
transcript) there, then validates it with xmllint (Debian package libxml2-utils).
"""
import copy
import os
import pathlib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

# make test runs this module with the shipped binary only (conftest.py, plain_only):
# the report writers run under the sanitizers in every test_run.py run; this checks the
# schema.
pytestmark = pytest.mark.plain_only

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "tests" / "junit.xsd"


def xmllint(path):
    exe = shutil.which("xmllint")
    if exe is None:
        pytest.fail("xmllint not found; install the Debian package libxml2-utils (make deps)")
    return subprocess.run([exe, "--noout", "--schema", str(SCHEMA), str(path)],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """Path of a JUnit report written by the unit tests."""
    unit = ROOT / os.environ.get("EH_UNIT_TESTS", "build/unit-tests")
    assert unit.is_file(), f"{unit} not built; run make"
    path = tmp_path_factory.mktemp("junit") / "sample.xml"
    env = dict(os.environ, CK_RUN_SUITE="report", CK_RUN_CASE="junit_round_trip",
               EH_JUNIT_SAMPLE=str(path))
    proc = subprocess.run([str(unit)], capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert path.is_file(), "the unit tests did not write EH_JUNIT_SAMPLE"
    assert not path.with_name(path.name + ".tmp").exists()
    return path


def test_report_validates(sample):
    proc = xmllint(sample)
    assert proc.returncode == 0, proc.stderr[-4000:]


def test_sample_has_every_verdict_element(sample):
    root = ET.parse(sample).getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name").rsplit("/", 1)[1] for s in suites] == ["iut-responder", "iut-initiator"]
    for suite in suites:
        cases = suite.findall("testcase")
        assert len(cases) == int(suite.get("tests"))
        kinds = [(c.find("failure") is not None and c.find("failure").get("type"))
                 or (c.find("error") is not None and "error")
                 or (c.find("skipped") is not None and "skipped") or "none" for c in cases]
        assert sorted(kinds) == sorted(["none", "fail", "skipped", "none", "error", "skipped",
                                        "xpass"])
        assert sum(k in ("fail", "xpass") for k in kinds) == int(suite.get("failures"))
        assert kinds.count("error") == int(suite.get("errors"))
        assert kinds.count("skipped") == int(suite.get("skipped"))


# Each mutation breaks the sample in one way the schema must reject.
def _first(root, path):
    el = root.find(path)
    assert el is not None, path
    return el


def no_testcase_name(root):
    del _first(root, "testsuite/testcase").attrib["name"]


def empty_classname(root):
    _first(root, "testsuite/testcase").set("classname", "  ")


def failure_outside_testcase(root):
    suite = _first(root, "testsuite")
    failure = copy.deepcopy(_first(root, ".//failure"))
    suite.insert(1, failure)


def two_verdict_elements(root):
    case = _first(root, ".//failure/..")
    case.insert(2, ET.Element("error", {"message": "m", "type": "error"}))


def failure_without_type(root):
    del _first(root, ".//failure").attrib["type"]


def negative_time(root):
    _first(root, "testsuite/testcase").set("time", "-1")


def time_not_a_number(root):
    _first(root, "testsuite").set("time", "soon")


def count_not_a_number(root):
    root.set("failures", "two")


def missing_total(root):
    del root.attrib["tests"]


def bad_timestamp(root):
    _first(root, "testsuite").set("timestamp", "yesterday")


def property_without_value(root):
    del _first(root, "testsuite/properties/property").attrib["value"]


def duplicate_property(root):
    props = _first(root, "testsuite/testcase/properties")
    props.append(copy.deepcopy(props[0]))


def unknown_element(root):
    ET.SubElement(_first(root, "testsuite/testcase"), "flaky")


def unknown_attribute(root):
    _first(root, "testsuite/testcase").set("status", "ok")


def system_out_before_properties(root):
    case = _first(root, "testsuite/testcase")
    case.insert(0, ET.Element("system-out"))


def duplicate_testsuite_name(root):
    suites = root.findall("testsuite")
    suites[1].set("name", suites[0].get("name"))


def suite_as_root(root):
    suite = _first(root, "testsuite")
    root.clear()
    root.tag = suite.tag
    root.attrib.update(suite.attrib)
    root.extend(list(suite))


MUTATIONS = [no_testcase_name, empty_classname, failure_outside_testcase, two_verdict_elements,
             failure_without_type, negative_time, time_not_a_number, count_not_a_number,
             missing_total, bad_timestamp, property_without_value, duplicate_property,
             unknown_element, unknown_attribute, system_out_before_properties,
             duplicate_testsuite_name, suite_as_root]


@pytest.fixture(scope="module")
def sample_tree(sample):
    return ET.parse(sample)


def test_reserialized_sample_validates(sample_tree, tmp_path):
    """The unmutated sample, written back by ElementTree, still validates, so a
    failure below is the mutation's doing."""
    intact = tmp_path / "intact.xml"
    copy.deepcopy(sample_tree).write(intact, encoding="UTF-8", xml_declaration=True)
    proc = xmllint(intact)
    assert proc.returncode == 0, proc.stderr[-4000:]


@pytest.mark.parametrize("mutate", MUTATIONS, ids=[m.__name__ for m in MUTATIONS])
def test_broken_report_fails_validation(sample_tree, mutate, tmp_path):
    tree = copy.deepcopy(sample_tree)
    mutate(tree.getroot())
    broken = tmp_path / "broken.xml"
    tree.write(broken, encoding="UTF-8", xml_declaration=True)
    proc = xmllint(broken)
    assert proc.returncode != 0, f"{mutate.__name__}: the schema accepted a broken report"
    assert "fails to validate" in proc.stderr, proc.stderr[-2000:]


def test_a_run_reads_as_ci_users_expect_in_junitparser(harness, tmp_path):
    """issue 15 item 4, read by a real consumer (Debian's python3-junitparser): one suite
    per IUT role named PEER/iut-ROLE, (classname, name) unique over the whole report (a
    reader that flattens the suites keeps every case), file and line of the scenario and
    of the failing step, the failure text once (a short message attribute, the body with
    the requirements), and the JSON's iut_role."""
    import json
    import junitparser
    from test_run import run_suite, with_fault
    scenario = ROOT / "scenarios/rfc9528/5.3.3/wrong-mac-2.yaml"
    paths = [ROOT / "scenarios/interop/handshake.yaml", scenario]
    r, results, junit = run_suite(harness, tmp_path, with_fault("wrong-mac-2"), paths=paths)
    assert r.returncode == 1, r.stdout
    xml = junitparser.JUnitXml.fromfile(str(junit))
    suites = {s.name: s for s in xml}
    assert set(suites) == {"reference/iut-responder", "reference/iut-initiator"}, set(suites)
    cases = [(s.name, c) for s in xml for c in s]
    keys = [(c.classname, c.name) for _, c in cases]
    assert len(keys) == len(set(keys)) == len(results) == 3, keys
    by = {(c.name, sn): c for sn, c in cases}
    # wrong-mac-2 is a fault of the reference Responder: as IUT responder it fails the
    # handshake scenario
    failed = by[("interop/handshake", "reference/iut-responder")]
    assert failed.classname == "iut-responder.interop"
    assert not failed.is_passed and isinstance(failed.result[0], junitparser.Failure)
    body = failed.result[0].text
    assert "[requirements:" not in failed.result[0].message
    assert failed.result[0].message in body and "requirements: R-" in body
    assert body.count(failed.result[0].message) == 1
    elem = failed._elem
    assert elem.get("file") == str(ROOT / "scenarios/interop/handshake.yaml")
    step_line = re.search(r"step \d+ \(line (\d+)\)", failed.result[0].message).group(1)
    assert elem.get("line") == step_line
    j = {(x["id"], x["iut_role"]): x["verdict"] for x in results}
    assert j[("interop/handshake", "responder")] == "fail"
    assert j[("rfc9528/5.3.3/wrong-mac-2", "initiator")] == "pass"
    assert json.loads((tmp_path / "results.json").read_text())["results"][0]["iut_role"] in (
        "initiator", "responder")


def xunit_viewer(report):
    """What xunit-viewer (npm; the JUnit viewer many CI users open reports in) shows of
    report: its own parser, run by tests/junit_viewer.mjs. make test installs it
    (Makefile, deps-npm; EH_NPM_DIR)."""
    import json
    modules = pathlib.Path(os.environ.get("EH_NPM_DIR", pathlib.Path.home() /
                                          ".cache/edhoc-harness/npm")) / "node_modules"
    node = shutil.which("node")
    if node is None or not (modules / "xunit-viewer/package.json").is_file():
        pytest.fail(f"node or xunit-viewer in {modules} missing: run make deps-npm")
    proc = subprocess.run([node, str(ROOT / "tests/junit_viewer.mjs"), str(modules),
                           str(report)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_xunit_viewer_shows_every_verdict_as_ci_users_expect(sample):
    """The unit tests' sample (every verdict in both roles, hostile strings, a 1 MB
    transcript) read by a second real consumer, xunit-viewer: it parses, keeps every
    case (it merges cases of one name within a suite), and shows only fail and xpass as
    failures, error as an error, skipped and xfail as skipped, pass and non-strict as
    passed."""
    suites = xunit_viewer(sample)
    root = ET.parse(sample).getroot()
    assert [s["name"] for s in suites] == [s.get("name") for s in root.findall("testsuite")]
    for suite, xml_suite in zip(suites, root.findall("testsuite")):
        assert suite["name"].rsplit("/", 1)[1] in ("iut-initiator", "iut-responder")
        cases = xml_suite.findall("testcase")
        assert len(suite["tests"]) == len(cases)
        expected = {"pass": "passed", "nonstrict": "passed", "fail": "failure",
                    "xpass": "failure", "error": "error", "skipped": "skipped",
                    "xfail": "skipped"}
        for t in suite["tests"]:
            (verdict,) = t["properties"]["verdict"]
            assert t["status"] == expected[verdict], (t["name"], verdict, t["status"])
        assert sorted(t["properties"]["verdict"][0] for t in suite["tests"]) == sorted(
            ["pass", "fail", "skipped", "nonstrict", "error", "xfail", "xpass"])


def test_a_run_reads_as_ci_users_expect_in_xunit_viewer(harness, tmp_path):
    """issue 15 item 4, read by a second real consumer (xunit-viewer, npm): a run with a
    MUST failure, a SHOULD-level finding (non-strict) and skipped jobs shows one suite
    per IUT role, every case under its own name, the failure red with its text once, the
    finding and the skips not red, and the scenario's file and line."""
    from test_run import REFERENCE, run_suite
    peer = REFERENCE.replace("--cred-id {cred_id}", "--cred-id {cred_id} --fault wrong-mac-2 "
                             "--fault accept-id-cred-map").replace("message-4, ", "")
    paths = [ROOT / "scenarios" / p for p in ("interop/handshake.yaml",
                                              "rfc9528/3.5.3.2/id-cred-r-as-full-map.yaml",
                                              "rfc9528/5.5/message-4.yaml")]
    r, results, junit = run_suite(harness, tmp_path, peer, paths=paths)
    assert r.returncode == 1, r.stdout
    suites = {s["name"]: s for s in xunit_viewer(junit)}
    assert set(suites) == {"reference/iut-responder", "reference/iut-initiator"}, set(suites)
    shown = {(name.rsplit("/", 1)[1][4:], t["name"]): t for name, s in suites.items()
             for t in s["tests"]}
    assert len(shown) == len(results) == 5, sorted(shown)
    status = {k: t["status"] for k, t in shown.items()}
    assert status == {("responder", "interop/handshake"): "failure",
                      ("initiator", "interop/handshake"): "passed",
                      ("initiator", "rfc9528/3.5.3.2/id-cred-r-as-full-map"): "passed",
                      ("responder", "rfc9528/5.5/message-4"): "skipped",
                      ("initiator", "rfc9528/5.5/message-4"): "skipped"}, status
    j = {(x["iut_role"], x["id"]): x for x in results}
    assert j[("initiator", "rfc9528/3.5.3.2/id-cred-r-as-full-map")]["verdict"] == "nonstrict"
    failed = shown[("responder", "interop/handshake")]
    # the viewer shows the failure's body, its message attribute, its type, then the
    # transcript (system-out): the body holds the text once and the requirements once
    body, message, kind = failed["messages"][:3]
    first_line = j[("responder", "interop/handshake")]["message"].split(" [requirements:")[0]
    assert message == first_line and kind == "fail"
    assert body.count(first_line) == 1 and body.count("requirements:") == 1, body
    assert re.search(r"\nrequirements: R-A\.2-a \(RFC 9528 Appendix A\.2\), ", body), body
    assert failed["classname"] == "iut-responder.interop"
    assert failed["properties"]["file"] == [str(ROOT / "scenarios/interop/handshake.yaml")]
    step_line = re.search(r"step \d+ \(line (\d+)\)", first_line).group(1)
    assert failed["properties"]["line"] == [step_line]
