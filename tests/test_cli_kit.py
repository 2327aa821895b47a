"""The CI kit (issue 7, part 4): --help and unknown options of every command,
the man page against the --help texts, `make install` and the installed binary
run from outside the source tree, `run --quick`, `run --write-baseline`, and
the CI examples of docs/ci/."""
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest
import yaml

from wall import scaled, timeout_args

# make test runs this module with the shipped binary only (conftest.py, plain_only):
# help texts, man page, make install: the shipped build's surface.
pytestmark = pytest.mark.plain_only

ROOT = pathlib.Path(__file__).resolve().parent.parent
MAN = ROOT / "docs/edhoc-harness.1"
REFERENCE = (ROOT / "peers/reference.yaml").read_text()

# Every command's help, and the man page subsection documenting it (None: the
# top-level usage, whose options need only appear somewhere in the page).
HELP = {
    ("help",): None, ("--help",): None, ("-h",): None,
    ("vectors", "--help"): "vectors check",
    ("vectors", "check", "--help"): "vectors check",
    ("vectors", "check", "-h"): "vectors check",
    ("vectors", "generate", "--help"): "vectors generate",
    ("vectors", "generate", "-h"): "vectors generate",
    ("vectors", "render", "--help"): "vectors render",
    ("diff", "--help"): "diff",
    ("merge", "--help"): "merge",
    ("merge", "-h"): "merge",
    ("dissector", "--help"): "dissector",
    ("dissector", "-h"): "dissector",
    ("peer", "--help"): "peer",
    ("peer", "initiator", "--help"): "peer",
    ("peer", "responder", "-h"): "peer",
    ("run", "--help"): "run",
    ("run", "-h"): "run",
    ("matrix", "--help"): "matrix",
    ("matrix", "-h"): "matrix",
    ("coverage", "--help"): "coverage",
    ("coverage", "-h"): "coverage",
    ("explore", "--help"): "explore",
    ("explore", "-h"): "explore",
    ("serve", "--help"): "serve",
    ("serve", "-h"): "serve",
}

UNKNOWN = [
    ("--bogus",), ("vectors", "--bogus"), ("vectors", "check", "--bogus"),
    ("vectors", "check", "vectors/rfc9529-trace1.json", "--bogus"),
    ("vectors", "generate", "--bogus"), ("vectors", "generate", "--bogus", "1"),
    ("peer", "--bogus"), ("peer", "initiator", "--bogus"), ("peer", "responder", "--bogus", "1"),
    ("run", "--bogus"), ("run", "--peer", "peers/reference.yaml", "--bogus"),
    ("run", "--peer", "peers/reference.yaml", "--bogus", "1"),
    ("matrix", "--bogus"), ("matrix", "--peers", "peers/reference.yaml", "--bogus"),
    ("coverage", "--bogus"), ("coverage", "--bogus", "1"),
    ("explore", "--bogus"), ("explore", "--peer", "peers/reference.yaml", "--bogus", "1"),
    ("diff", "--bogus"), ("vectors", "render", "--bogus"), ("dissector", "--bogus"),
    ("merge", "--bogus"), ("merge", "out", "--bogus"),
    ("serve", "--bogus"), ("serve", "--port", "0", "--bogus", "1"),
]


def options(text):
    """Option names (-j, --peer, ...) in a text; not the dashes inside words."""
    return set(re.findall(r"(?<![\w\-])(--?[A-Za-z][\w\-]*)", text))


def man_text():
    """The man page source, comments dropped, roff escapes of dashes, fonts and
    quotes undone (what a reader sees, for option names)."""
    lines = [l for l in MAN.read_text().splitlines() if not l.startswith('.\\"')]
    text = "\n".join(lines)
    text = re.sub(r"\\f[BIRP]", "", text).replace("\\-", "-").replace("\\(aq", "'")
    return text


def man_subsections():
    """{subsection title: text} of the COMMANDS section."""
    text = man_text()
    commands = text.split("\n.SH COMMANDS\n", 1)[1].split("\n.SH ", 1)[0]
    parts = re.split(r'^\.SS "?([^"\n]*)"?$', commands, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def test_every_command_of_main_has_a_help_test():
    main = (ROOT / "harness/cli/main.c").read_text()
    commands = set(re.findall(r'strcmp\(argv\[1\], "([^"]+)"\)', main))
    assert commands == {"help", "--help", "-h", "vectors", "peer", "run", "matrix", "coverage",
                        "explore", "diff", "merge", "dissector", "serve", "--version",
                        "version"}, \
        commands
    # --version takes no options (test_run.py: test_the_harness_version_is_in_every_report)
    assert commands - {"--version", "version"} <= {args[0] for args in HELP}


@pytest.mark.parametrize("args", sorted(HELP), ids=" ".join)
def test_help_prints_usage_and_exits_0(run, args):
    r = run(*args)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: edhoc-harness"), r.stdout
    assert r.stderr == ""
    assert "-h, --help" in r.stdout or "-h|--help" in r.stdout


@pytest.mark.parametrize("args", UNKNOWN, ids=" ".join)
def test_unknown_option_exits_2(run, args):
    r = run(*args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr.strip()
    if args[-1] == "--bogus" or "--bogus" in args[1:]:
        assert "--bogus" in r.stderr or "usage:" in r.stderr


# issue 16 item 10: numbers that strtol takes and a cast wraps (-j 4294967297 ran as 1,
# --timeout 4294967346 as 50 ms, --seed -1 as 2^64-1) are usage errors naming the option
@pytest.mark.parametrize("args,option", [
    (["run", "--peer", "peers/reference.yaml", "-j", "4294967297"], "-j"),
    (["run", "--peer", "peers/reference.yaml", "--timeout", "4294967346"], "--timeout"),
    (["run", "--peer", "peers/reference.yaml", "--seed", "-1"], "--seed"),
    (["run", "--peer", "peers/reference.yaml", "--seed", ""], "--seed"),
    (["matrix", "--peers", "peers/reference.yaml", "--out", "x", "-j", "4294967297"], "-j"),
    (["explore", "--peer", "peers/reference.yaml", "--role", "responder", "--depth",
      "4294967297"], "--depth"),
    (["explore", "--peer", "peers/reference.yaml", "--role", "responder", "--seed", "-1"],
     "--seed"),
    (["peer", "responder", "--port", "4294967297"], "--port"),
    (["peer", "responder", "--max-sessions", "4294967297"], "--max-sessions"),
    (["peer", "initiator", "--timeout", " 50"], "--timeout"),
    (["vectors", "generate", "--seed", "-1"], "--seed"),
    (["vectors", "generate", "--method", "4294967296"], "--method"),
    (["serve", "--port", "65536"], "--port"),
    (["serve", "--max-jobs", "4294967297"], "--max-jobs"),
], ids=lambda x: x if isinstance(x, str) else "_".join(x[:1] + x[-2:]))
def test_out_of_range_numbers_are_usage_errors(run, args, option):
    r = run(*args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert option in r.stderr, r.stderr
    assert not (ROOT / "x").exists()  # matrix refused before making its --out


def test_man_page_documents_every_option_of_every_command(run):
    sections = man_subsections()
    assert set(sections) == {"vectors check", "vectors generate", "vectors render", "peer", "run",
                             "matrix", "serve", "coverage", "explore", "diff", "merge",
                             "dissector", "help"}, \
        sorted(sections)
    whole = options(man_text())
    for args, title in HELP.items():
        shown = options(run(*args).stdout)
        assert shown, args
        if title is None:
            assert shown <= whole, (args, shown - whole)
            continue
        documented = options(sections[title])
        # both ways: what --help shows is in the page, and the page's section
        # documents nothing the command does not take
        assert shown == documented, (args, "missing from the man page:", shown - documented,
                                     "not in --help:", documented - shown)


def test_man_page_renders_without_warnings():
    groff = shutil.which("groff")
    assert groff, "groff (Debian groff-base) is required"
    r = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", str(MAN)], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 0 and r.stderr == "", r.stderr


# ---------------------------------------------------------------- install

def make_env():
    """The environment without the outer make's job server and without a data
    directory override: the installed binary must find its data by itself, and
    start itself as the reference peer (no EDHOC_HARNESS_EXEC of the sanitizer pass)."""
    drop = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "EDHOC_HARNESS_DATA",
            "EDHOC_HARNESS_EXEC"}
    return {k: v for k, v in os.environ.items() if k not in drop}


@pytest.fixture(scope="module")
def installed(harness_binary, tmp_path_factory):
    """`make install` of the binary under test with DESTDIR and PREFIX; a second
    install over it removes a stale scenario. Returns the staged prefix."""
    stage = tmp_path_factory.mktemp("stage")
    cmd = ["make", "--no-print-directory", "install", f"DESTDIR={stage}", "PREFIX=/opt/eh",
           f"INSTALL_BIN={harness_binary}"]
    r = subprocess.run(cmd, cwd=ROOT, env=make_env(), capture_output=True, text=True,
                       timeout=scaled(120))
    assert r.returncode == 0, r.stdout + r.stderr
    prefix = stage / "opt/eh"
    stale = prefix / "share/edhoc-harness/scenarios/stale.yaml"
    stale.write_text("id: stale\n")
    r = subprocess.run(cmd, cwd=ROOT, env=make_env(), capture_output=True, text=True,
                       timeout=scaled(120))
    assert r.returncode == 0, r.stdout + r.stderr
    assert not stale.exists()
    return prefix


@pytest.fixture(scope="module")
def quick_run(installed, harness, harness_binary, tmp_path_factory):
    """The installed binary runs --quick against the installed reference peer
    file, from a directory outside the source tree (under make memcheck, through
    the valgrind wrapper, told to run the installed binary)."""
    work = tmp_path_factory.mktemp("work")
    assert ROOT not in work.parents
    binary, env = installed / "bin/edhoc-harness", make_env()
    cmd = [str(binary)]
    if harness != harness_binary:
        cmd, env = [str(harness)], dict(env, EH_VG_BIN=str(binary))
    r = subprocess.run([*cmd, "run", "--peer", "peers/reference.yaml", "--quick", "-j", "2",
                        "--junit", "junit.xml", "--json", "results.json", "--out", "out",
                        *timeout_args()],
                       cwd=work, env=env, capture_output=True, text=True, timeout=scaled(240))
    results = json.loads((work / "results.json").read_text())["results"] \
        if (work / "results.json").exists() else []
    return r, results, work


def test_make_install_layout(installed):
    share = installed / "share/edhoc-harness"
    binary = installed / "bin/edhoc-harness"
    assert binary.is_file() and os.access(binary, os.X_OK)
    for rel in ("scenarios/README.md", "scenarios/requirements.md",
                "scenarios/interop/m3-s2-kid.yaml", "scenarios/interop/matrix.yaml",
                "peers/README.md", "peers/reference.yaml", "peers/lakers.yaml",
                "vectors/rfc9529-trace1.json", "vectors/rfc9529-trace2.json",
                "vectors/creds/README.md", "vectors/creds/rfc9529-trace2-i.key.pem",
                "wireshark/edhoc.lua", "wireshark/README.md"):
        assert (share / rel).is_file(), rel
    assert len(list((share / "scenarios").rglob("*.yaml"))) == \
        len(list((ROOT / "scenarios").rglob("*.yaml")))
    man = installed / "share/man/man1/edhoc-harness.1"
    assert man.read_text() == MAN.read_text()


def test_report_libraries_are_loaded_on_first_use(harness, harness_binary, tmp_path):
    """libxml2 and libpcap are not among the binary's NEEDED libraries
    (harness/common/lazylib.h: a peer started per job never loads them), and
    are still there when a run writes JUnit and captures."""
    dyn = subprocess.run(["readelf", "-d", harness_binary], capture_output=True, text=True,
                         check=True)
    needed = re.findall(r"\(NEEDED\).*\[(.*)\]", dyn.stdout)
    assert needed and not [n for n in needed if n.startswith(("libxml2", "libpcap"))], needed
    out = tmp_path / "out"
    r = subprocess.run([harness, "run", "--peer", str(ROOT / "peers/reference.yaml"), "--role",
                        "responder", "--filter", "interop/handshake", "--out", str(out),
                        "--junit", str(tmp_path / "j.xml"), "--quiet", *timeout_args()],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "<testcase" in (tmp_path / "j.xml").read_text()
    pcaps = list(out.rglob("*.pcap"))
    assert pcaps and pcaps[0].read_bytes()[:4] == bytes.fromhex("d4c3b2a1")


def test_installed_binary_runs_quick_outside_the_source_tree(quick_run):
    """Issue 7: `make install` into a temporary prefix, then the installed binary
    runs --quick against the reference peer from there and exits 0."""
    r, results, work = quick_run
    assert r.returncode == 0, r.stdout + r.stderr
    assert "(--quick selection)" in r.stdout
    assert results and all(x["verdict"] == "pass" for x in results), \
        [(x["id"], x["role"], x["verdict"], x["message"]) for x in results
         if x["verdict"] != "pass"]
    assert (work / "junit.xml").is_file() and (work / "out").is_dir()


def expected_quick_selection():
    """One (id, harness role) per area and role: the first id in byte order
    (the reference peer can run every scenario). Computed from the scenario
    files independently of the C code."""
    jobs = []
    for path in (ROOT / "scenarios").rglob("*.yaml"):
        doc = yaml.safe_load(path.read_text())
        roles = ["initiator", "responder"] if doc["role"] == "both" else [doc["role"]]
        ids = [doc["id"]]
        if "matrix" in doc:
            m = doc["matrix"]
            ids = [f'{doc["id"]}/m{a}-s{b}-{c}' for a in m["methods"] for b in m["suites"]
                   for c in m["credentials"]]
        jobs += [(i, role) for i in ids for role in roles]
    best = {}
    for i, role in jobs:
        key = ("/".join(i.split("/")[:2]), role)
        if key not in best or i.encode() < best[key].encode():
            best[key] = i
    return {(i, role) for (_, role), i in best.items()}


def test_quick_picks_one_scenario_per_area_and_role(quick_run):
    r, results, _ = quick_run
    got = {(x["id"], x["role"]) for x in results}
    assert len(got) == len(results)
    want = expected_quick_selection()
    assert got == want, ("unexpected:", sorted(got - want), "missing:", sorted(want - got))
    for baseline in ("interop/m3-s2-kid", "interop/m3-s2-kid-udp", "interop/m3-s2-kid-tcp"):
        assert {(baseline, "initiator"), (baseline, "responder")} <= got
    assert 40 <= len(got) <= 120, len(got)  # a fraction of the full suite


# ------------------------------------------------------- known failures

def run_peer(harness, tmp_path, peer_text, *args):
    peer = tmp_path / "peer.yaml"
    peer.write_text(peer_text)
    js = tmp_path / "results.json"
    r = subprocess.run([str(harness), "run", "--peer", str(peer), "--filter",
                        "interop/m3-s2-kid*", "--no-sanity", "--json", str(js), "--junit",
                        str(tmp_path / "junit.xml"), "--out", str(tmp_path / "out"), *args,
                        *timeout_args(args)],
                       capture_output=True, text=True, timeout=scaled(120), cwd=ROOT)
    return r, {(x["id"], x["role"]): x["verdict"] for x in json.loads(js.read_text())["results"]}


def test_write_baseline_then_the_failures_are_xfail(harness, tmp_path):
    """A wrong MAC_2 fails the baselines where the IUT is the Responder and
    passes where it is the Initiator: the baseline lists exactly the failing
    (id, IUT role) pairs; with it in the peer file the same run is xfail and
    exits 0; the healthy peer with it is xpass and fails."""
    faulty = REFERENCE.replace("--cred-id {cred_id}", "--cred-id {cred_id} --fault wrong-mac-2")
    assert faulty != REFERENCE
    base = tmp_path / "baseline.yaml"
    r, got = run_peer(harness, tmp_path, faulty, "--write-baseline", str(base))
    assert r.returncode == 1, r.stdout + r.stderr
    ids = ["interop/m3-s2-kid", "interop/m3-s2-kid-tcp", "interop/m3-s2-kid-udp"]
    assert got == {**{(i, "initiator"): "fail" for i in ids},
                   **{(i, "responder"): "pass" for i in ids}}
    assert f"baseline: 3 known failures written to {base}" in r.stdout
    entries = yaml.safe_load(base.read_text())["known_failures"]
    assert sorted(e["id"] for e in entries) == ids
    for e in entries:
        assert e["role"] == "responder"  # the IUT's role; the harness was the Initiator
        assert e["reason"] == "known-bug"
        assert "fail as IUT responder" in e["note"] and "MAC_2" in e["note"]

    text = base.read_text()
    r, got = run_peer(harness, tmp_path, faulty.rstrip("\n") + "\n" + text)
    assert r.returncode == 0, r.stdout + r.stderr
    assert got == {**{(i, "initiator"): "xfail" for i in ids},
                   **{(i, "responder"): "pass" for i in ids}}
    assert "known failure (known-bug): baseline " in r.stdout

    # written again from the xfail run: the same entries, reasons and notes kept
    again = tmp_path / "again.yaml"
    run_peer(harness, tmp_path, faulty.rstrip("\n") + "\n" + text, "--write-baseline", str(again))
    assert yaml.safe_load(again.read_text()) == yaml.safe_load(text)

    r, got = run_peer(harness, tmp_path, REFERENCE.rstrip("\n") + "\n" + text)
    assert r.returncode == 1
    assert got == {**{(i, "initiator"): "xpass" for i in ids},
                   **{(i, "responder"): "pass" for i in ids}}

    # issue 15 item 5: an entry covers its failure's fingerprint only: the same jobs
    # failing for another reason (the Responder breaks MAC_2 differently: a truncated
    # MAC instead of a flipped bit) are new failures, named as such
    for e in entries:
        assert re.fullmatch(r"s\d+-[0-9a-f]{8}", e["fingerprint"]), e
    other = REFERENCE.replace("--cred-id {cred_id}", "--cred-id {cred_id} --fault mac-truncated")
    r, got = run_peer(harness, tmp_path, other.rstrip("\n") + "\n" + text)
    assert r.returncode == 1, r.stdout
    assert {k: v for k, v in got.items() if k[1] == "initiator"} == \
        {(i, "initiator"): "fail" for i in ids}, got
    assert "but for another reason (baseline fingerprint s" in r.stdout
    # the baseline written from that run covers the new reason on the next run
    newer = tmp_path / "newer.yaml"
    run_peer(harness, tmp_path, other.rstrip("\n") + "\n" + text, "--write-baseline", str(newer))
    r, got = run_peer(harness, tmp_path, other.rstrip("\n") + "\n" + newer.read_text())
    assert r.returncode == 0, r.stdout
    assert {k: v for k, v in got.items() if k[1] == "initiator"} == \
        {(i, "initiator"): "xfail" for i in ids}, got


def test_baseline_of_a_passing_run_is_an_empty_list(harness, tmp_path):
    base = tmp_path / "baseline.yaml"
    r, _ = run_peer(harness, tmp_path, REFERENCE, "--write-baseline", str(base), "--role",
                    "responder")
    assert r.returncode == 0, r.stdout + r.stderr
    assert yaml.safe_load(base.read_text()) == {"known_failures": []}


# ------------------------------------------------------------ CI examples

def deb_packages(name="RUN_PACKAGES"):
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    return re.search(rf"^{name} := (.*)$", text, re.M).group(1).split()


def test_ci_examples_parse_and_gate_on_the_harness():
    # issue 15 item 9: the examples install what building and running needs, no test tool
    packages, test_only = deb_packages(), deb_packages("TEST_PACKAGES")
    assert "libcoap3-dev" in packages and "chromium" in test_only and "check" in test_only
    for example in ("github-actions.yml", "gitlab-ci.yml"):
        text = (ROOT / "docs/ci" / example).read_text()
        install = re.search(r"apt-get install (.*?)(\n\s*\n|\n\s*- )", text, re.S).group(1)
        words = set(install.replace("\\", " ").split())
        assert set(packages) <= words, (example, set(packages) - words)
        assert not words & set(test_only), (example, words & set(test_only))
    gh = yaml.safe_load((ROOT / "docs/ci/github-actions.yml").read_text())
    on = gh.get("on", gh.get(True))  # YAML 1.1 reads the key `on` as true
    assert {"pull_request", "schedule"} <= set(on)
    steps = gh["jobs"]["conformance"]["steps"]
    script = "\n".join(s.get("run", "") for s in steps)
    assert all(p in script.split() for p in packages), set(packages) - set(script.split())
    assert "install PREFIX=" in script
    # pull requests: the quick selection; other events: the full suite
    assert 'pull_request ]; then selection=--quick; else selection=; fi' in script
    assert re.search(r"edhoc-harness run --peer \S+ \$selection ", script)
    assert re.search(r"edhoc-harness run --peer .*--junit reports/junit\.xml", script, re.S)
    publish = [s for s in steps if "junit" in s.get("uses", "")]
    assert publish and publish[0]["with"]["report_paths"] == "reports/junit.xml"
    assert "cancelled()" in publish[0]["if"]  # published also when the run failed

    gl = yaml.safe_load((ROOT / "docs/ci/gitlab-ci.yml").read_text())
    base = gl[".edhoc-conformance"]
    before = " ".join(base["before_script"])
    assert all(p in before.split() for p in packages), set(packages) - set(before.split())
    assert "install PREFIX=" in before
    assert base["artifacts"]["reports"]["junit"] == "reports/junit.xml"
    assert base["artifacts"]["when"] == "always"
    jobs = {k: v for k, v in gl.items() if isinstance(v, dict) and v.get("extends")}
    scripts = {k: " ".join(v["script"]) for k, v in jobs.items()}
    assert len(scripts) == 2
    assert all("edhoc-harness run --peer" in s and "--junit reports/junit.xml" in s
               for s in scripts.values())
    assert sum("--quick" in s for s in scripts.values()) == 1  # merge requests only


def test_ci_example_peer_file_loads(run, tmp_path):
    """The example is a template (its programs are the IUT's to fill in): it
    loads, and runs only with --allow-template."""
    r = run("run", "--peer", "docs/ci/edhoc-peer.yaml", "--filter", "no-such-scenario-id",
            "--allow-empty", "--json", tmp_path / "r.json", "--junit", tmp_path / "j.xml", "--out",
            tmp_path / "out", "--allow-template")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 jobs" in r.stdout


def test_installed_matrix_finds_its_data_outside_the_source_tree(installed, harness,
                                                                 harness_binary, tmp_path):
    """issue 15 item 6: `matrix` looks relative inputs up in the data directories, like
    `run`: the installed binary, run from an empty folder, finds peers/reference.yaml,
    the scenario and the credentials, and the reference peer passes against itself."""
    assert ROOT not in tmp_path.parents
    binary, env = installed / "bin/edhoc-harness", make_env()
    cmd = [str(binary)]
    if harness != harness_binary:
        cmd, env = [str(harness)], dict(env, EH_VG_BIN=str(binary))
    r = subprocess.run([*cmd, "matrix", "--peers", "peers/reference.yaml",
                        "--scenarios", "scenarios/interop/handshake.yaml", "--out", "m",
                        *timeout_args()],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=scaled(240))
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads((tmp_path / "m/matrix.json").read_text())
    verdicts = [x["verdict"] for p in doc["pairs"] for x in p["results"]]
    assert verdicts and set(verdicts) == {"pass"}, doc["pairs"]


def test_readme_opens_with_a_quickstart_that_works(harness, tmp_path):
    """issue 15 item 10: the README's first screen is the quickstart for testing one's own
    implementation, with a verdict glossary; its commands work as written (the copied
    reference peer file, the run command of step 3, on one scenario)."""
    readme = (ROOT / "README.md").read_text().splitlines()
    head = "\n".join(readme[:12])
    assert "## Test your implementation in five minutes" in head, head
    text = "\n".join(readme)
    for verdict in ("pass", "fail", "non-strict", "skipped", "error", "xfail", "xpass"):
        assert f"| `{verdict}` |" in text, verdict
    # the robustness and performance notes have a document of their own
    assert "\n## Robustness\n" not in text and "\n## Performance\n" not in text
    assert "docs/robustness-and-performance.md" in text
    other = (ROOT / "docs/robustness-and-performance.md").read_text()
    assert "\n## Robustness\n" in other and "\n## Performance\n" in other
    step2 = re.search(r"`cp (peers/reference\.yaml)\s+(\S+)`", text)
    step3 = re.search(r"`(build/edhoc-harness run --peer (\S+) --html (\S+))`", text)
    assert step2 and step3 and step2.group(2) == step3.group(2), (step2, step3)
    shutil.copy(ROOT / step2.group(1), tmp_path / step2.group(2))
    args = step3.group(1).split()[1:]
    # the default --out, --junit and --json (reports/) as a user's first run has them
    r = subprocess.run([str(harness), *args, "--filter", "interop/handshake"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=scaled(120),
                       env=dict(os.environ, EDHOC_HARNESS_DATA=str(ROOT)))
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / step3.group(3)).is_file()


def test_gitlab_example_fetches_a_commit_id(tmp_path):
    """issue 15 item 9: the GitLab example's EDHOC_HARNESS_REF may be a commit id (git
    clone --branch takes none): its fetch commands, run as written against this
    repository, check out the commit of HEAD."""
    gl = yaml.safe_load((ROOT / "docs/ci/gitlab-ci.yml").read_text())
    cmds = [c for c in gl[".edhoc-conformance"]["before_script"] if c.startswith("git ")]
    assert cmds and not any("--branch" in c for c in cmds), cmds
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                          text=True, timeout=30)
    if head.returncode != 0:
        pytest.skip("not a git checkout")
    dest = tmp_path / "src"
    env = dict(os.environ, EDHOC_HARNESS_REPO=str(ROOT), EDHOC_HARNESS_REF=head.stdout.strip())
    for c in cmds:
        c = c.replace("/opt/edhoc-harness-src", str(dest))
        r = subprocess.run(["sh", "-c", c], env=env, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, (c, r.stderr)
    got = subprocess.run(["git", "-C", str(dest), "rev-parse", "HEAD"], capture_output=True,
                         text=True, timeout=30).stdout.strip()
    assert got == head.stdout.strip()
