"""Issue 21: `run --shard K/N`, `matrix --shard K/N` and `merge` (docs/ci/README.md).

The same selection of scenarios is run whole and as 3 parts against the reference peer
with a wrong MAC_2 (so that there are failures among the passes), and the parts are
merged: the merged JSON must have exactly the whole run's jobs, in its order, with the
same verdicts, levels, seeds and fingerprints; the merged JUnit validates against
tests/junit.xsd and names the same testcases; the page opens in headless Chromium; every
transcript is copied into the merged directory. Then what merge must refuse; the whole
suite against the healthy reference peer in 3 parts; a 2-peer matrix in 2 parts."""
import json
import shutil
import subprocess

import pytest

from test_junit_schema import xmllint
from test_matrix import embedded, render
from test_page import Tree, fails_run  # noqa: E402
from test_run import REFERENCE, ROOT, run_suite, with_fault

FIXTURES = ROOT / "tests/runner_fixtures/scenarios"
PATHS = [ROOT / "scenarios/rfc9528/5.3.3", ROOT / "scenarios/rfc9528/5.4.3",
         ROOT / "scenarios/rfc9528/6.3", ROOT / "scenarios/rfc9528/5.2.1",
         ROOT / "scenarios/interop/matrix.yaml", FIXTURES / "broken.yaml",
         FIXTURES / "skipped.yaml", FIXTURES / "fail-should.yaml"]
# the reference peer with a wrong MAC_2, and without coap-tcp (runner/skipped needs it)
PEER = with_fault("wrong-mac-2").replace(" coap-tcp,", "")
SEED = "7"


def key(r):
    return (r["id"], r["role"], r["profile"])


def judged(r):
    return (key(r), r["verdict"], r["level"], r["seed"], r["fingerprint"])


def merge(harness, out, *parts):
    return subprocess.run([str(harness), "merge", str(out), *map(str, parts)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.fixture(scope="module")
def runs(harness, tmp_path_factory):
    whole_dir = tmp_path_factory.mktemp("whole")
    whole, whole_results, whole_junit = run_suite(harness, whole_dir, PEER, "-j", "2",
                                                  "--seed", SEED, "--html",
                                                  str(whole_dir / "page.html"), paths=PATHS)
    parts = []
    for k in (1, 2, 3):
        d = tmp_path_factory.mktemp(f"part{k}")
        r, results, _ = run_suite(harness, d, PEER, "-j", "2", "--seed", SEED, "--shard",
                                  f"{k}/3", paths=PATHS)
        parts.append({"dir": d, "proc": r, "results": results,
                      "doc": json.loads((d / "results.json").read_text())})
    return {"whole": whole, "whole_results": whole_results, "whole_junit": whole_junit,
            "whole_dir": whole_dir, "parts": parts}


def test_parts_are_disjoint_and_make_the_whole_list(runs):
    whole = runs["whole_results"]
    assert runs["whole"].returncode == 1, runs["whole"].stdout + runs["whole"].stderr
    verdicts = {r["verdict"] for r in whole}
    # a real mix: the broken file (error), a capability missing (skipped), failures at
    # MUST and SHOULD level
    assert {"pass", "fail", "error", "skipped"} <= verdicts, verdicts
    assert {r["level"] for r in whole if r["verdict"] == "fail"} == {"MUST", "SHOULD"}
    assert len(whole) > 300
    seen = []
    for k, p in enumerate(runs["parts"], 1):
        assert p["proc"].returncode in (0, 1, 3), p["proc"].stdout + p["proc"].stderr
        sh = p["doc"]["shard"]
        assert (sh["index"], sh["count"], sh["jobs"]) == (k, 3, len(whole))
        assert sh["digest"] == runs["parts"][0]["doc"]["shard"]["digest"]
        assert sh["leading"] == 0 and len(sh["positions"]) == len(p["results"])
        assert sh["positions"] == sorted(sh["positions"])
        # each result is the whole run's job at that position, judged the same
        for pos, r in zip(sh["positions"], p["results"]):
            assert judged(r) == judged(whole[pos]), (pos, r["id"])
        assert f"(shard {k}/3 of {len(whole)} jobs)" in p["proc"].stdout
        seen += sh["positions"]
    assert sorted(seen) == list(range(len(whole)))


def test_merged_reports_are_the_whole_run(runs, harness, tmp_path):
    out = tmp_path / "merged"
    m = merge(harness, out, *(p["dir"] for p in runs["parts"]))
    assert m.returncode == runs["whole"].returncode == 1, m.stdout + m.stderr
    doc = json.loads((out / "results.json").read_text())
    whole_doc = json.loads((runs["whole_dir"] / "results.json").read_text())
    assert [judged(r) for r in doc["results"]] == [judged(r) for r in whole_doc["results"]]
    assert doc["summary"] == whole_doc["summary"]
    assert "shard" not in doc and doc["seed"] == whole_doc["seed"] == int(SEED)
    assert doc["peer"] == whole_doc["peer"]
    # the JUnit validates and names the same testcases, in the same suites and order
    assert xmllint(out / "junit.xml").returncode == 0
    import xml.etree.ElementTree as ET

    def cases(path):
        root = ET.parse(path).getroot()
        return [(s.get("name"), [(c.get("name"), c.get("classname"),
                                  [e.tag for e in c if e.tag in ("failure", "error", "skipped")])
                                 for c in s.findall("testcase")])
                for s in root.findall("testsuite")]
    assert cases(out / "junit.xml") == cases(runs["whole_junit"])
    # every file a part wrote is in the merged directory, the same bytes
    copied = 0
    for r, w in zip(doc["results"], whole_doc["results"]):
        for field in ("transcript_path", "pcap_path", "iut_stdout_path", "iut_stderr_path"):
            if not w[field]:
                continue
            assert r[field].startswith(str(out) + "/"), r[field]
            part = next(p for p in runs["parts"] if any(key(x) == key(r) for x in p["results"]))
            src = next(x for x in part["results"] if key(x) == key(r))[field]
            assert open(r[field], "rb").read() == open(src, "rb").read()
            copied += 1
    assert copied > len(doc["results"])
    # the page: the whole run's results, and Chromium shows it
    page = out / "index.html"
    emb = embedded(page)
    assert emb["kind"] == "run" and len(emb["peers"]) == 1
    peer = emb["peers"][0]
    assert [(r["id"], r["role"], r["verdict"]) for r in peer["results"]] == \
        [(r["id"], r["role"], r["verdict"]) for r in whole_doc["results"]]
    assert peer["capabilities"] and "coap-tcp" not in peer["capabilities"]
    linked = [r["transcript_path"] for r in peer["results"] if r["transcript_path"]]
    assert linked and all(not p.startswith("/") and (out / p).is_file() for p in linked)
    # Chromium shows the verdict line the whole run's own page shows
    lines = [Tree(render(tmp_path, p, "").raw).root.by_id("verdict-line")
             for p in (page, runs["whole_dir"] / "page.html")]
    assert lines[0].attrs["data-verdict"] == lines[1].attrs["data-verdict"] == "ERROR"
    assert lines[0].text() == lines[1].text()
    failing = [r for r in whole_doc["results"] if fails_run(r)]
    assert f"{len(failing)} " in lines[0].text(), lines[0].text()


def test_merge_refuses_parts_of_other_runs_and_missing_parts(runs, harness, tmp_path):
    parts = [p["dir"] for p in runs["parts"]]
    # two of three: the missing one is named, nothing written
    out = tmp_path / "two"
    m = merge(harness, out, parts[0], parts[2])
    assert m.returncode == 3 and "1 of the 3 parts missing (2)" in m.stderr, m.stderr
    assert not (out / "results.json").exists() and not (out / "junit.xml").exists()
    # a part twice
    m = merge(harness, tmp_path / "twice", parts[0], parts[0], parts[1])
    assert m.returncode == 2 and "part 1 of 3 is given twice" in m.stderr, m.stderr
    # a part of another run (another seed): refused, naming what differs
    other = tmp_path / "other"
    other.mkdir()
    doc = json.loads((parts[1] / "results.json").read_text())
    doc["seed"] = 8
    (other / "results.json").write_text(json.dumps(doc))
    m = merge(harness, tmp_path / "mixed", parts[0], other, parts[2])
    assert m.returncode == 2 and "their seed differ" in m.stderr, m.stderr
    # an unsharded run's report is no part
    m = merge(harness, tmp_path / "plain", runs["whole_dir"])
    assert m.returncode == 2 and "no complete \"shard\" object" in m.stderr, m.stderr
    # a part whose file is the JSON report itself works as its directory does
    out = tmp_path / "files"
    m = merge(harness, out, *(p / "results.json" for p in parts))
    assert m.returncode == 1, m.stderr
    assert json.loads((out / "results.json").read_text())["summary"] == \
        json.loads((runs["whole_dir"] / "results.json").read_text())["summary"]


def test_shard_options_are_checked(harness, tmp_path):
    for bad in ("0/3", "4/3", "1/0", "x", "1/1001"):
        r, _, _ = run_suite(harness, tmp_path, PEER, "--shard", bad, paths=PATHS[:1])
        assert r.returncode == 2 and "invalid value for --shard" in r.stderr, (bad, r.stderr)
    r, _, _ = run_suite(harness, tmp_path, PEER, "--shard-times", "x.json", paths=PATHS[:1])
    assert r.returncode == 2 and "--shard-times needs --shard" in r.stderr, r.stderr
    (tmp_path / "bad.json").write_text("{}")
    r, _, _ = run_suite(harness, tmp_path, PEER, "--shard", "1/2", "--shard-times",
                        str(tmp_path / "bad.json"), paths=PATHS[:1])
    assert r.returncode == 2 and "no \"results\" array" in r.stderr, r.stderr


# ------------------------------------------------------------------- matrix

@pytest.fixture(scope="module")
def matrices(harness, tmp_path_factory):
    """A 2-peer matrix (the reference peer and one with a wrong MAC_2) whole and in 2
    parts, and the parts merged."""
    d = tmp_path_factory.mktemp("matrix")
    faulty = d / "reference-wrong-mac-2.yaml"
    faulty.write_text(with_fault("wrong-mac-2").replace("name: reference",
                                                        "name: reference-wrong-mac-2", 1))
    peers = [str(ROOT / "peers/reference.yaml"), str(faulty)]
    scenarios = [str(ROOT / "scenarios/interop/handshake.yaml"),
                 str(ROOT / "scenarios/interop/m3-s2-kid.yaml"),
                 str(ROOT / "scenarios/rfc9528/6.3")]

    def matrix(out, *extra):
        return subprocess.run([str(harness), "matrix", "--peers", *peers, "--scenarios",
                               *scenarios, "-j", "2", "--quiet", "--out", str(out), *extra],
                              capture_output=True, text=True, timeout=300, cwd=ROOT)
    whole = matrix(d / "whole")
    parts = [matrix(d / f"part{k}", "--shard", f"{k}/2") for k in (1, 2)]
    merged = merge(harness, d / "merged", d / "part1", d / "part2")
    # balanced by the whole matrix's seconds instead of steps
    timed = [matrix(d / f"timed{k}", "--shard", f"{k}/2", "--shard-times",
                    str(d / "whole/matrix.json")) for k in (1, 2)]
    merged_timed = merge(harness, d / "merged-timed", d / "timed1", d / "timed2")
    return {"dir": d, "whole": whole, "parts": parts, "merged": merged, "timed": timed,
            "merged_timed": merged_timed, "matrix": matrix}


def test_matrix_parts_merge_into_the_whole_matrix(matrices, tmp_path):
    d = matrices["dir"]
    assert matrices["whole"].returncode == 1, matrices["whole"].stderr  # the fault fails
    for p in matrices["parts"]:
        assert p.returncode in (0, 1), p.stdout + p.stderr
    m = matrices["merged"]
    assert m.returncode == 1, m.stdout + m.stderr
    whole = json.loads((d / "whole/matrix.json").read_text())
    merged = json.loads((d / "merged/matrix.json").read_text())
    parts = [json.loads((d / f"part{k}/matrix.json").read_text()) for k in (1, 2)]
    # every pair task in exactly one part, and some in each
    tasks = parts[0]["shard"]["tasks"]
    got = sorted(t for p in parts for pos in p["shard"]["pair_positions"] for t in pos)
    assert got == list(range(tasks)) and tasks == sum(len(p["results"]) for p in whole["pairs"])
    assert all(any(p["shard"]["pair_positions"]) for p in parts)

    def peers(doc):
        return [(p["name"], p["exit_code"], p["summary"],
                 [(r["id"], r["iut_role"], r["verdict"], r["seed"]) for r in p["results"]])
                for p in doc["peers"]]

    def pairs(doc):
        return [(p["initiator"], p["responder"], p["summary"],
                 [(r["id"], r["verdict"], r["message"]) for r in p["results"]])
                for p in doc["pairs"]]
    assert peers(merged) == peers(whole)
    assert pairs(merged) == pairs(whole)
    assert {v for p in whole["pairs"] for v in (r["verdict"] for r in p["results"])} >= \
        {"pass", "fail"}
    for key in ("summary", "exit_code", "seed", "scenarios", "filter", "budget", "kind"):
        assert merged[key] == whole[key], key
    assert "shard" not in merged
    # each peer's reports, and every file the pairs and the runs name
    for p in merged["peers"]:
        assert xmllint(d / "merged" / p["junit"]).returncode == 0
        for r in p["results"]:
            if r["transcript_path"]:
                assert (d / "merged" / r["transcript_path"]).is_file(), r["transcript_path"]
    for p in merged["pairs"]:
        for r in p["results"]:
            for k, v in r.items():
                if k.endswith("_path") and v:
                    assert (d / "merged" / v).is_file(), (k, v)
    # the page opens and shows the merged matrix's cells as the whole one's
    emb = embedded(d / "merged/index.html")
    assert pairs(emb) == pairs(whole)
    render(tmp_path, d / "merged/index.html", "")
    # parts balanced by the whole matrix's seconds merge into the same matrix
    assert matrices["merged_timed"].returncode == 1, matrices["merged_timed"].stderr
    timed = json.loads((d / "merged-timed/matrix.json").read_text())
    assert peers(timed) == peers(whole) and pairs(timed) == pairs(whole)


def test_matrix_merge_refuses_parts_of_other_matrices(matrices, harness, tmp_path):
    d = matrices["dir"]
    m = merge(harness, tmp_path / "one", d / "part1")
    assert m.returncode == 3 and "1 of the 2 parts missing" in m.stderr, m.stderr
    assert not (tmp_path / "one" / "matrix.json").exists()
    other = tmp_path / "other"
    shutil.copytree(d / "part2", other)
    doc = json.loads((other / "matrix.json").read_text())
    doc["seed"] = 99
    (other / "matrix.json").write_text(json.dumps(doc))
    m = merge(harness, tmp_path / "mixed", d / "part1", other)
    assert m.returncode == 2 and "their seed differ" in m.stderr, m.stderr
    m = merge(harness, tmp_path / "plain", d / "whole")
    assert m.returncode == 2 and "no complete \"shard\" object" in m.stderr, m.stderr
    # a pair task both parts claim: refused before anything is made
    clash = tmp_path / "clash"
    shutil.copytree(d / "part2", clash)
    doc = json.loads((clash / "matrix.json").read_text())
    mine = json.loads((d / "part1/matrix.json").read_text())["shard"]["pair_positions"]
    q = next(i for i, p in enumerate(doc["shard"]["pair_positions"]) if p and mine[i])
    doc["shard"]["pair_positions"][q][0] = mine[q][0]
    (clash / "matrix.json").write_text(json.dumps(doc))
    m = merge(harness, tmp_path / "clashed", d / "part1", clash)
    assert m.returncode == 2 and "another part's" in m.stderr, m.stderr
    assert not (tmp_path / "clashed").exists()
    r = matrices["matrix"](tmp_path / "x", "--shard-times", str(d / "whole/matrix.json"))
    assert r.returncode == 2 and "--shard-times needs --shard" in r.stderr, r.stderr
    r = matrices["matrix"](tmp_path / "y", "--shard", "1/2", "--shard-times",
                           str(d / "part1/ref/results.json"))
    assert r.returncode == 2 and "--shard-times" in r.stderr, r.stderr


@pytest.mark.plain_only
def test_the_whole_suite_in_three_parts(harness, tmp_path):
    """The conformance suite (scenarios/, both roles, with its sanity conversations)
    against the healthy reference peer, whole and as 3 parts merged: the same jobs, in
    the same order, with the same verdicts, levels and seeds. (The shipped binary only:
    the sanitizer build runs the parts' and merge's code on the selection above.)"""
    whole_dir, parts = tmp_path / "whole", []
    whole_dir.mkdir()
    whole, _, _ = run_suite(harness, whole_dir, REFERENCE, "-j", "2", sanity=True)
    assert whole.returncode == 0, whole.stdout[-3000:] + whole.stderr[-3000:]
    for k in (1, 2, 3):
        d = tmp_path / f"part{k}"
        d.mkdir()
        r, _, _ = run_suite(harness, d, REFERENCE, "-j", "2", "--shard", f"{k}/3", sanity=True)
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
        parts.append(d)
    m = merge(harness, tmp_path / "merged", *parts)
    assert m.returncode == 0, m.stdout + m.stderr
    got = json.loads((tmp_path / "merged/results.json").read_text())["results"]
    want = json.loads((whole_dir / "results.json").read_text())["results"]
    assert len(want) > 400
    assert [(r["id"], r["role"], r["profile"], r["verdict"], r["level"], r["seed"])
            for r in got] == \
        [(r["id"], r["role"], r["profile"], r["verdict"], r["level"], r["seed"]) for r in want]
    assert xmllint(tmp_path / "merged/junit.xml").returncode == 0


def test_merge_names_what_is_wrong_with_a_damaged_part(runs, harness, tmp_path):
    """A part's report is an artifact from another machine: damaged in any of these ways,
    merge refuses it (exit 2) saying why, and never crashes."""
    parts = [p["dir"] for p in runs["parts"]]
    good = json.loads((parts[1] / "results.json").read_text())

    def positions(d, v):
        d["shard"]["positions"][0] = v

    damage = {
        "position outside": (lambda d: positions(d, 10 ** 6), "outside the job list"),
        "position of another part": (
            lambda d: positions(d, runs["parts"][0]["doc"]["shard"]["positions"][0]),
            "another part's"),
        "a result too few": (lambda d: d["results"].pop(), "no complete \"shard\" object"),
        "huge count": (lambda d: d["shard"].update(count=10 ** 9), "out of range"),
        "huge jobs": (lambda d: d["shard"].update(jobs=10 ** 12), "out of range"),
        "negative leading": (lambda d: d["shard"].update(leading=-1), "shard"),
        "a result of the wrong shape": (
            lambda d: d["results"][0].update(verdict="maybe"), "\"verdict\""),
        "sizes not a list": (lambda d: d["results"][0].update(sizes="big"), "\"sizes\""),
        "another job list": (lambda d: d["shard"].update(digest="0" * 16), "digest differ"),
        "not JSON": (None, "results.json"),
    }
    for name, (mutate, said) in damage.items():
        bad = tmp_path / name.replace(" ", "-")
        bad.mkdir()
        if mutate is None:
            (bad / "results.json").write_text("{\"results\": [")
        else:
            doc = json.loads(json.dumps(good))
            mutate(doc)
            (bad / "results.json").write_text(json.dumps(doc))
        m = merge(harness, tmp_path / f"out-{bad.name}", parts[0], bad, parts[2])
        assert m.returncode == 2, (name, m.returncode, m.stdout, m.stderr)
        assert said in m.stderr, (name, m.stderr)
        assert not (tmp_path / f"out-{bad.name}").exists(), name  # nothing made
