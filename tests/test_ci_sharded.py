"""Issue 21 item 3: the sharded CI examples of docs/ci/ (a job matrix of `run --shard K/N`
parts and a `merge` job, for GitHub Actions and GitLab CI).

Validated by a tool of their own world where there is one: the GitHub workflow with
action-validator (npm @action-validator/cli, the schema GitHub's workflow files follow,
installed by make test: Makefile, deps-npm); the GitLab file with a JSON schema of the
keywords it uses, written from GitLab's documentation of them (tests/gitlab_ci_subset.json),
and its `needs:` / `extends:` checked to name jobs that exist. Then their commands run as
written (the CI's variables set as the CI would set them) against the reference peer on a
few scenarios: every part, then the merge, whose reports must hold the whole run."""
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
GH = ROOT / "docs/ci/github-actions-sharded.yml"
GL = ROOT / "docs/ci/gitlab-ci-sharded.yml"
FILTER = "rfc9528/6.3/*"

# the commands run the scenarios of the working directory: the test's is a fresh folder
# with the source tree's scenarios, peer file and credentials found through the data path


def npm_bin(name):
    modules = pathlib.Path(os.environ.get("EH_NPM_DIR", pathlib.Path.home() /
                                          ".cache/edhoc-harness/npm")) / "node_modules"
    exe = modules / ".bin" / name
    if shutil.which("node") is None or not exe.exists():
        pytest.fail(f"node or {name} in {modules} missing: run make deps-npm")
    return exe


def action_validator(path):
    return subprocess.run([str(npm_bin("action-validator")), str(path)], capture_output=True,
                          text=True, timeout=120)


def test_github_examples_validate_and_a_broken_one_does_not(tmp_path):
    for example in ("github-actions.yml", "github-actions-sharded.yml"):
        r = action_validator(ROOT / "docs/ci" / example)
        assert r.returncode == 0, (example, r.stdout[-3000:], r.stderr[-2000:])
    # the validator is not vacuous: a job without runs-on, a matrix that is no mapping
    for broken in (GH.read_text().replace("    runs-on: ubuntu-latest\n", "", 1),
                   GH.read_text().replace("      matrix:\n        part: [1, 2, 3]",
                                          "      matrix: [1, 2, 3]")):
        bad = tmp_path / "bad.yml"
        bad.write_text(broken)
        assert action_validator(bad).returncode != 0


def gitlab_problems(doc):
    """What the GitLab schema subset and the references say of doc."""
    import jsonschema
    schema = json.loads((ROOT / "tests/gitlab_ci_subset.json").read_text())
    problems = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(doc)]
    jobs = {k for k, v in doc.items() if isinstance(v, dict) and "script" in v}
    for name, job in doc.items():
        if not isinstance(job, dict):
            continue
        if job.get("extends") and job["extends"] not in doc:
            problems.append(f"{name} extends unknown {job['extends']}")
        for need in job.get("needs", []):
            target = need["job"] if isinstance(need, dict) else need
            if target not in jobs:
                problems.append(f"{name} needs unknown job {target}")
        if "stage" in job and job["stage"] not in doc.get("stages", ["test"]):
            problems.append(f"{name}: stage {job['stage']} not in stages")
    return problems


def test_gitlab_examples_follow_the_keywords_they_use():
    for example in ("gitlab-ci.yml", "gitlab-ci-sharded.yml"):
        doc = yaml.safe_load((ROOT / "docs/ci" / example).read_text())
        assert gitlab_problems(doc) == [], example
    doc = yaml.safe_load(GL.read_text())
    part = doc["edhoc-conformance-part"]
    assert isinstance(part["parallel"], int) and 2 <= part["parallel"] <= 200
    # the schema and the checks are not vacuous
    for mutate in (lambda d: d["edhoc-conformance-part"].update(parallel=201),
                   lambda d: d["edhoc-conformance-part"].update(parallel="3"),
                   lambda d: d["edhoc-conformance-merge"]["needs"][0].update(job="nope"),
                   lambda d: d["edhoc-conformance-merge"]["artifacts"].update(when="sometimes"),
                   lambda d: d["edhoc-conformance-part"].update(stage="deploy"),
                   lambda d: d["edhoc-conformance-part"].update(scrip=["x"])):
        bad = yaml.safe_load(GL.read_text())
        mutate(bad)
        assert gitlab_problems(bad), mutate


def shell(cmd, cwd, env, harness):
    """One example command as the CI's shell runs it, edhoc-harness being the binary
    under test and the run cut to FILTER's scenarios."""
    code = "\n".join(line for line in cmd.splitlines() if not line.lstrip().startswith("#"))
    calls = re.findall(r"(?<![\w/.-])edhoc-harness (\w+)", code)
    assert calls and set(calls) <= {"run", "merge"}, cmd
    cmd = cmd.replace("edhoc-harness run ", f"{harness} run --filter '{FILTER}' --no-sanity ")
    cmd = cmd.replace("edhoc-harness merge ", f"{harness} merge ")
    return subprocess.run(["bash", "-e", "-c", cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture()
def ci_dir(tmp_path):
    """The IUT's checkout as the examples expect it: its peer file at $EDHOC_PEER."""
    (tmp_path / "ci").mkdir()
    shutil.copy(ROOT / "peers/reference.yaml", tmp_path / "ci/edhoc-peer.yaml")
    return tmp_path


def env_for(extra):
    return dict(os.environ, EDHOC_HARNESS_DATA=str(ROOT), EDHOC_PEER="ci/edhoc-peer.yaml",
                **extra)


def whole_run(harness, cwd):
    out = cwd / "whole"
    r = subprocess.run([str(harness), "run", "--peer", "ci/edhoc-peer.yaml", "--filter", FILTER,
                        "--no-sanity", "--out", str(out), "--json", str(out / "results.json"),
                        "--junit", str(out / "junit.xml")], cwd=cwd, env=env_for({}),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    return json.loads((out / "results.json").read_text())["results"]


def same_results(merged_dir, whole):
    doc = json.loads((merged_dir / "results.json").read_text())
    key = [(r["id"], r["role"], r["verdict"], r["seed"]) for r in doc["results"]]
    assert key == [(r["id"], r["role"], r["verdict"], r["seed"]) for r in whole]
    assert (merged_dir / "junit.xml").is_file() and (merged_dir / "index.html").is_file()


def test_github_sharded_commands_work_as_written(harness, ci_dir):
    wf = yaml.safe_load(GH.read_text())
    parts = wf["jobs"]["part"]["strategy"]["matrix"]["part"]
    n = int(wf["env"]["EDHOC_PARTS"])
    assert parts == list(range(1, n + 1))
    run_step = next(s for s in wf["jobs"]["part"]["steps"] if s.get("name", "").startswith("Run"))
    upload = next(s for s in wf["jobs"]["part"]["steps"] if "upload-artifact" in s.get("uses", ""))
    download = next(s for s in wf["jobs"]["merge"]["steps"]
                    if "download-artifact" in s.get("uses", ""))
    merge_step = next(s for s in wf["jobs"]["merge"]["steps"] if "merge " in s.get("run", ""))
    for k in parts:
        cmd = run_step["run"].replace("${{ matrix.part }}", str(k))
        r = shell(cmd, ci_dir, env_for({"EDHOC_PARTS": str(n)}), harness)
        assert r.returncode == 0, r.stdout + r.stderr
        # upload-artifact of path P, then download-artifact with a pattern into PATH:
        # each artifact's files in PATH/NAME/
        src = ci_dir / upload["with"]["path"].replace("${{ matrix.part }}", str(k))
        name = upload["with"]["name"].replace("${{ matrix.part }}", str(k))
        assert re.fullmatch(download["with"]["pattern"].replace("*", ".*"), name)
        shutil.copytree(src, ci_dir / download["with"]["path"] / name)
        shutil.rmtree(src)  # the merge machine has only the downloaded artifacts
    r = shell(merge_step["run"], ci_dir, env_for({}), harness)
    assert r.returncode == 0, r.stdout + r.stderr
    same_results(ci_dir / "reports", whole_run(harness, ci_dir))


def test_gitlab_sharded_commands_work_as_written(harness, ci_dir):
    doc = yaml.safe_load(GL.read_text())
    part, merge = doc["edhoc-conformance-part"], doc["edhoc-conformance-merge"]
    script = [c for c in part["script"] if c.startswith("edhoc-harness")]
    assert len(script) == 1
    n = part["parallel"]
    for k in range(1, n + 1):  # GitLab's CI_NODE_INDEX is 1-based
        r = shell(script[0], ci_dir, env_for({"CI_NODE_INDEX": str(k),
                                               "CI_NODE_TOTAL": str(n)}), harness)
        assert r.returncode == 0, r.stdout + r.stderr
    # every parallel job's artifacts (paths: parts/) land in the merge job's checkout
    assert part["artifacts"]["paths"] == ["parts/"] and part["artifacts"]["when"] == "always"
    r = shell(" ".join(merge["script"]), ci_dir, env_for({}), harness)
    assert r.returncode == 0, r.stdout + r.stderr
    same_results(ci_dir / "reports", whole_run(harness, ci_dir))
