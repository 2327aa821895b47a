"""Issue 22, "Done when": against the reference peer with each of its --fault switches,
`explore` finds every fault that `run` finds, in both roles; and the healthy reference
peer shows no deviation in the profiles issue 11 made runnable.

RUN_FINDS lists, for every fault switch, the IUT roles in which `run` on the whole suite
finds it (a fail or a non-strict verdict), measured with `run --role R --no-sanity` against
the reference peer with that fault (tests/test_run.py checks one catching scenario per
fault; the whole-suite measurement is `make explore-faults`, README "explore"). Each entry
names the configuration explore needs to reach the fault: the default (depth 4, the
forward flow over CoAP, METHOD 3, suite 2, kid), every profile of the peer file with and
without message_4 (`--all-profiles`: a fault of one METHOD, kind of credential or of
message_4 is found without naming the profile), raw UDP, or sizes (`--fresh --budget
rfc9528`). Every one is found at depth 4 (BEYOND_DEPTH_4 would name a
fault that is not, with the reason and the depth that finds it: none now).
"""
import concurrent.futures
import json
import pathlib
import re
import subprocess

import pytest

from test_explore import REFERENCE, with_fault
from wall import scaled

ROOT = pathlib.Path(__file__).resolve().parent.parent

DEFAULT = ()
UDP = ("--transport", "udp")
SIZES = ("--fresh", "--budget", "rfc9528")
# --all-profiles: one exploration per profile of the peer file, with and without
# message_4; the fault shows in some of them (a METHOD, a kind of credential, message_4)
# and the user need not know which. Against the reference peer restricted to the
# profiles of SMALL_CAPS[fault], one that has what the fault is about and one that has
# not (its 288 configurations are make explore-profiles', and the healthy test's below).
ALL = ("--all-profiles", "--parallel-configs", "8")
_BASE = "suite-2, cred-files, coap, error-messages"
SMALL_CAPS = {
    "mac-for-signature": f"method-0, method-3, cred-kid, {_BASE}",
    "kccs-no-cnf": f"method-3, cred-kid, cred-kccs, {_BASE}",
    "no-message-4": f"method-3, cred-kid, message-4, {_BASE}",
    "reject-message-4": f"method-3, cred-kid, message-4, {_BASE}",
}

# fault -> {IUT role: explore arguments besides --depth 4}
RUN_FINDS = {
    "accept-any-method": {"responder": DEFAULT},
    "accept-bstr-conn-id": {"responder": DEFAULT, "initiator": DEFAULT},
    "accept-critical-ead": {"responder": DEFAULT, "initiator": DEFAULT},
    "accept-id-cred-map": {"initiator": DEFAULT},
    "answer-aborted-message-3": {"responder": DEFAULT},
    "c-r-equals-c-i": {"responder": DEFAULT},
    "c-r-prefix-bstr": {"initiator": DEFAULT},
    "conn-id-bstr": {"responder": DEFAULT, "initiator": DEFAULT},
    "duplicate-new-message-2": {"responder": DEFAULT},
    "err-code-3-unsupported-cred": {"responder": DEFAULT, "initiator": DEFAULT},
    "extra-padding": {"responder": SIZES},
    "forget-suite-after-err-2": {"initiator": DEFAULT},
    "id-cred-kid-bstr": {"responder": DEFAULT, "initiator": DEFAULT},
    "id-cred-map": {"responder": DEFAULT, "initiator": DEFAULT},
    "id-cred-x5u": {"responder": DEFAULT, "initiator": DEFAULT},
    "ignore-suites-order": {"responder": DEFAULT},
    "kccs-no-cnf": {"responder": ALL, "initiator": ALL},
    "keep-session-after-error": {"responder": DEFAULT},
    "mac-for-signature": {"responder": ALL, "initiator": ALL},
    "mac-truncated": {"responder": DEFAULT, "initiator": DEFAULT},
    "no-error-message": {"responder": DEFAULT, "initiator": DEFAULT},
    "no-eviction": {"responder": DEFAULT},
    "no-message-4": {"responder": ALL},
    "nondeterministic-cbor": {"responder": DEFAULT, "initiator": DEFAULT},
    "oscore-swap-ids": {"responder": DEFAULT},
    "plain-coap-without-context": {"responder": DEFAULT},
    "reject-ead-padding": {"responder": DEFAULT, "initiator": DEFAULT},
    "reject-message-4": {"initiator": ALL},
    "replay-message-3": {"responder": DEFAULT},
    "reprocess-message-2": {"initiator": UDP},
    "resend-new-message-3": {"initiator": UDP},
    "reuse-ephemeral": {"responder": DEFAULT, "initiator": DEFAULT},
    "skip-mac-2-check": {"initiator": DEFAULT},
    "skip-mac-3-check": {"responder": DEFAULT},
    "suites-r-wrong": {"responder": DEFAULT},
    "th-2-other-message-1": {"responder": DEFAULT},
    "trailing-bytes": {"responder": DEFAULT, "initiator": DEFAULT},
    "wrong-err-code": {"responder": DEFAULT},
    "wrong-mac-2": {"responder": DEFAULT},
    "wrong-mac-3": {"initiator": DEFAULT},
}

# Faults explore reaches only deeper than 4 inputs: (fault, role) -> (depth, alphabet).
# replay-message-3 (a replayed message_3 processed again, a new OSCORE context) shows only
# through the renewed replay window (RFC 8613 §7.4; with message_4 the reprocessed answer
# is the identical message_4); since the OSCORE part of an RFC 9668 combined request is
# kept for a replay, m1, m3_combined, m3, oscore_replay finds it at depth 4.
BEYOND_DEPTH_4 = {}

# The reverse message flow's own fault: tests/test_reverse_flow.py explores it.
REVERSE_ONLY = {"reverse-no-prefix"}

CASES = [(f, role, args) for f, roles in sorted(RUN_FINDS.items()) for role, args in
         sorted(roles.items())]


def test_every_fault_switch_is_listed(run):
    """The faults `peer --help` names are those of RUN_FINDS (and the reverse flow's)."""
    r = run("peer", "--help")
    text = r.stdout + r.stderr
    block = text[text.index("--fault NAME"):text.index("exit codes")]
    names = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", block.split("\n", 1)[1]))
    assert names == set(RUN_FINDS) | REVERSE_ONLY, names ^ (set(RUN_FINDS) | REVERSE_ONLY)


def small_peer(fault):
    """The reference peer file with SMALL_CAPS[fault] as its capabilities, and the fault."""
    text = re.sub(r"capabilities: \[[^\]]*\]", f"capabilities: [{SMALL_CAPS[fault]}]",
                  REFERENCE, flags=re.S)
    return text.replace("--cred-id {cred_id}", f"--cred-id {{cred_id}} --fault {fault}")


def explore_once(harness, tmp_path, fault, role, args, depth=4):
    name = f"{fault}-{role}"
    peer = tmp_path / f"{name}.yaml"
    peer.write_text(small_peer(fault) if "--all-profiles" in args and fault
                    else with_fault(fault) if fault else REFERENCE)
    out = tmp_path / name
    depth, symbols = BEYOND_DEPTH_4.get((fault, role), (depth, None))
    cmd = [str(harness), "explore", "--peer", str(peer), "--role", role, "--depth", str(depth),
           "--out", str(out), "--timeout", str(int(scaled(400))), "-j", "2", *args]
    if fault:  # breadth first: a level that found it is as deep as depth 4 needs to go
        cmd.append("--until-found")
    if symbols:
        cmd += ["--symbols", symbols]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=scaled(240), cwd=ROOT)
    js = out / "results.json"
    results = json.loads(js.read_text())["results"] if js.exists() else []
    return r, results


# The shipped binary only: the exploration's code runs under the sanitizers in
# test_explore.py; this is fifty explorations.
@pytest.mark.plain_only
def test_explore_finds_every_fault_that_run_finds(harness, tmp_path):
    def one(case):
        fault, role, args = case
        r, results = explore_once(harness, tmp_path, fault, role, args)
        found = [x for x in results if x["verdict"] in ("fail", "nonstrict")]
        if "--all-profiles" in args:
            # found in the configurations that have what the fault is about, and there
            # only; each result names its configuration
            where = {x["profile"] for x in found}
            assert where and where < {x["profile"] for x in results}, (fault, role, where)
        errors = [x for x in results if x["verdict"] == "error"]
        return case, r, found, errors

    missed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        for (fault, role, args), r, found, errors in pool.map(one, CASES):
            if not found or errors:
                missed.append((fault, role, args, r.returncode, r.stdout[-600:],
                               [x["message"][:200] for x in errors][:2]))
    assert not missed, missed
    assert len(CASES) >= 50


# Profiles of the reference peer's file (every METHOD, every kind of credential, six of
# its suites, with and without message_4) explored on the healthy peer: the IUT
# Initiator's whole tree (depth 4), the IUT Responder's to depth 3 (its depth 4 in the
# default profile is test_explore.py's; here each profile's keys, credentials and curve
# meet every input once, after every first one).
HEALTHY = [
    ("responder", ("--profile", "m0-s0-x5t")),
    ("initiator", ("--profile", "m0-s0-x5t")),
    ("responder", ("--profile", "m1-s2-x5chain")),
    ("initiator", ("--profile", "m1-s2-x5chain")),
    ("responder", ("--profile", "m2-s3-kccs", "--message-4")),
    ("initiator", ("--profile", "m2-s3-kccs", "--message-4")),
    ("responder", ("--profile", "m3-s6-kid")),
    ("initiator", ("--profile", "m3-s6-kid")),
    ("responder", ("--profile", "m3-s24-kid", "--fresh", "--budget", "rfc9528")),
    ("initiator", ("--profile", "m0-s25-x5t")),
]


@pytest.mark.plain_only
def test_no_deviation_on_the_healthy_reference_peer_in_its_profiles(harness, tmp_path):
    """Both roles: every answer of the healthy peer conforms (pass, nothing non-strict),
    whatever the METHOD, suite, credential kind and message_4."""
    bad = []
    for i, (role, args) in enumerate(HEALTHY):
        (tmp_path / str(i)).mkdir()
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(explore_once, harness, tmp_path / str(i), None, role, args,
                               4 if role == "initiator" else 3)
                   for i, (role, args) in enumerate(HEALTHY)]
        for (role, args), fut in zip(HEALTHY, futures):
            r, results = fut.result()
            off = [(x["id"], x["verdict"], x["message"][:200]) for x in results
                   if x["verdict"] != "pass"]
            if r.returncode != 0 or off or not results:
                bad.append((role, args, r.returncode, off[:3], r.stdout[-400:]))
    assert not bad, bad


@pytest.mark.plain_only
@pytest.mark.parametrize("role", ["responder", "initiator"])
def test_no_deviation_on_the_healthy_reference_peer_in_every_profile(harness, tmp_path, role):
    """explore --all-profiles over the reference peer's 144 profiles, each with and
    without message_4, in every METHOD x suite x kind of credential: an IUT Responder
    to depth 2 (every first input, every input after message_1), an IUT Initiator to
    depth 3 (told two suites, its first message_1 meets ERR_CODE 2; then every answer to
    its second). Depth 4 in every profile is `make explore-profiles`."""
    # an IUT Initiator's exploration waits for silences: 16 configurations at once
    args = ALL if role == "responder" else ("--all-profiles", "--parallel-configs", "16")
    r, results = explore_once(harness, tmp_path, None, role, args,
                              depth=2 if role == "responder" else 3)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    off = [(x["id"], x["profile"], x["verdict"], x["message"][:200]) for x in results
           if x["verdict"] != "pass"]
    assert not off, off
    configs = {x["profile"] for x in results}
    assert len(configs) == 288, len(configs)
    assert "m0-s24-x5chain+m4" in configs and "m2-s25-kccs" in configs
    # the merged coverage names each configuration
    cov = json.loads((tmp_path / f"None-{role}" / "coverage.json").read_text())
    assert len(cov["configurations"]) == 288
    # what depth 2 reaches does not depend on the profile: a requirement exercised in one
    # configuration is exercised in every one whose model judges it
    partial = {n: len(k["not_exercised_in"]) for n, k in cov["requirements"].items()
               if k["exercised_in"] and k["not_exercised_in"]}
    assert not partial, partial
    assert sum(len(k["exercised_in"]) == 288 for k in cov["requirements"].values()) >= 15
