"""`edhoc-harness diff OLD.json NEW.json` (issue 18 item 2): what changed between two
runs, job by job, with exit 1 when something got worse."""
import json

from test_matrix import embedded
from test_run import REFERENCE, ROOT, run_suite, with_fault

PATHS = [ROOT / "scenarios/interop/handshake.yaml", ROOT / "scenarios/rfc9528/6.3"]


def report(tmp_path, name, results, peer="p"):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"harness_version": "v", "peer": peer, "version": "1",
                                "started": "2026-12-06T00:00:00Z", "results": results}))
    return path


def result(sid, role, verdict, message=""):
    return {"id": sid, "iut_role": role, "verdict": verdict, "message": message}


def test_a_regression_between_two_real_runs(harness, tmp_path, run):
    """The reference peer, then the same with a wrong MAC_2: the Responder's handshake
    scenarios are new failures (exit 1, the new reason shown); the other way round they
    are fixed (exit 0); a run against itself changes nothing."""
    good_dir, bad_dir = tmp_path / "good", tmp_path / "bad"
    good_dir.mkdir(), bad_dir.mkdir()
    r, good, _ = run_suite(harness, good_dir, REFERENCE, paths=PATHS)
    assert r.returncode == 0 and good, r.stdout
    page = bad_dir / "page.html"
    r, bad, _ = run_suite(harness, bad_dir, with_fault("wrong-mac-2"), "--html", str(page),
                          "--compare", str(good_dir / "results.json"), paths=PATHS)
    assert r.returncode == 1, r.stdout  # the run's own exit code, not the comparison's
    old, new = good_dir / "results.json", bad_dir / "results.json"
    # run --compare: the comparison in the page (its rendering: test_page.py), the jobs
    # that got worse on the console
    doc = embedded(page)
    worse = {(x["id"], x["iut_role"]) for x in doc["compare"]["new_failures"]}
    assert worse == {(x["id"], x["iut_role"]) for x in bad if x["verdict"] in ("fail", "error")}
    for sid, role in worse:
        assert f"compare: new failure: {sid} (IUT {role})\n" in r.stdout
    d = run("diff", old, new)
    assert d.returncode == 1, d.stdout + d.stderr
    failing = {(x["id"], x["iut_role"]) for x in bad if x["verdict"] in ("fail", "error")}
    assert ("interop/handshake", "responder") in failing
    assert "new failures (%d):" % len(failing) in d.stdout, d.stdout
    assert "  interop/handshake (IUT responder): pass -> fail\n      now: step " in d.stdout
    assert "[requirements:" not in d.stdout  # the first line, without the list
    assert d.stdout.rstrip().endswith(": worse"), d.stdout
    d = run("diff", new, old)
    assert d.returncode == 0, d.stdout
    assert "fixed (%d):" % len(failing) in d.stdout and "new failures (" not in d.stdout
    d = run("diff", old, old)
    assert d.returncode == 0 and "summary: 0 new failures, 0 changed reasons, 0 fixed, 0 no " \
        "longer run, 0 newly run\n" in d.stdout, d.stdout


def test_every_category_and_the_page(tmp_path, run):
    old = report(tmp_path, "old", [
        result("a", "responder", "fail", "step 2 (line 9): expected message_2, received "
               "nothing (timeout) [requirements: R-1]"),
        result("b", "responder", "fail", "step 3 (line 12): MAC_2 mismatch"),
        result("c", "initiator", "pass"),
        result("d", "initiator", "pass"),
        result("e", "initiator", "skipped", "lacks the capability 'oscore'"),
        result("f", "responder", "xfail", "known"),
        result("g", "responder", "fail", "step 4: <b>&"),
    ])
    new = report(tmp_path, "new", [
        # the same failure with other numbers (a timing, a port): no change
        result("a", "responder", "fail", "step 2 (line 9): expected message_2, received "
               "nothing (timeout) [requirements: R-1, R-2]"),
        result("b", "responder", "fail", "step 2 (line 9): G_Y is not on the curve"),
        result("c", "initiator", "fail", "step 1: <script>"),
        result("e", "initiator", "pass"),
        result("f", "responder", "xpass", "passed"),
        result("g", "responder", "pass"),
        result("h", "initiator", "nonstrict", "over budget"),
    ])
    page = tmp_path / "diff.html"
    d = run("diff", old, new, "--html", page)
    assert d.returncode == 1, d.stdout + d.stderr
    out = d.stdout
    assert "new failures (2):\n  c (IUT initiator): pass -> fail\n      now: step 1: <script>\n" \
           "  f (IUT responder): xfail -> xpass\n" in out, out
    assert "changed reasons (1):\n  b (IUT responder): fail -> fail\n      was: step 3 (line " \
           "12): MAC_2 mismatch\n      now: step 2 (line 9): G_Y is not on the curve\n" in out
    assert "fixed (1):\n  g (IUT responder): fail -> pass\n" in out
    assert "no longer run (1):\n  d (IUT initiator): pass -> not run\n" in out
    assert "newly run (2):\n  e (IUT initiator): skipped -> pass\n  h (IUT initiator): not run " \
           "-> nonstrict\n" in out
    assert " a (IUT" not in out
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "<h2 id=\"new_failures\" class=\"worse\">new failures (2)</h2>" in html
    assert "step 1: &lt;script&gt;" in html and "<script>" not in html
    assert "summary: 2 new failures, 1 changed reasons, 1 fixed, 1 no longer run, 2 newly " \
           "run: worse" in html


def test_bad_input(tmp_path, run):
    good = report(tmp_path, "good", [result("a", "responder", "pass")])
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"results": [{"verdict": "pass"}]}))
    d = run("diff", good, other)
    assert d.returncode == 2 and "not a JSON report of `run`" in d.stderr, d.stderr
    d = run("diff", good, tmp_path / "missing.json")
    assert d.returncode == 2 and "missing.json" in d.stderr
    assert run("diff", good).returncode == 2
    d = run("diff", good, good, "--html", tmp_path / "no" / "dir.html")
    assert d.returncode == 3 and "cannot write the page" in d.stderr, d.stderr


def test_run_compare_refuses_what_is_not_a_run_report(tmp_path, run):
    """`run --compare FILE` reads FILE before anything runs: a file that is not JSON,
    not there, or not a JSON report of `run` is an input error (exit 2), and no
    report is written."""
    junk = tmp_path / "junk.json"
    junk.write_text("<testsuites/>")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"results": [{"verdict": "pass"}]}))
    for bad, why in ((junk, "'[' or '{' expected"), (tmp_path / "none.json", "unable to open"),
                     (other, "not a JSON report of `run`")):
        js = tmp_path / "results.json"
        r = run("run", "--peer", "peers/reference.yaml", "--compare", bad, "--json", js,
                "--junit", tmp_path / "j.xml", "--out", tmp_path / "out")
        assert r.returncode == 2, r.stdout + r.stderr
        assert f"run: --compare {bad}: " in r.stderr and why in r.stderr, r.stderr
        assert not js.exists() and not (tmp_path / "out").exists()
