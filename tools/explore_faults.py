#!/usr/bin/python3
"""Which roles `run` finds each fault of the reference peer in (issue 22).

For every --fault switch of `edhoc-harness peer` and both IUT roles, runs the whole
conformance suite against the reference peer with that fault and lists the scenarios that
fail or are graded non-strict. Compares the roles found with RUN_FINDS of
tests/test_explore_faults.py (which make test uses to check that `explore` finds the same
faults) and exits 1 when they differ, naming the difference. About five minutes on two
cores: a campaign, not part of make test.

    /usr/bin/python3 tools/explore_faults.py [--harness build/edhoc-harness] [FAULT...]
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--harness", default=str(ROOT / "build/edhoc-harness"))
    ap.add_argument("faults", nargs="*")
    a = ap.parse_args()
    import test_explore_faults as T  # noqa: E402 (the table the tests use)
    reference = (ROOT / "peers/reference.yaml").read_text()
    faults = a.faults or sorted(T.RUN_FINDS)
    differ = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        for fault in faults:
            peer = tmp / f"{fault}.yaml"
            peer.write_text(reference.replace("--cred-id {cred_id}",
                                              f"--cred-id {{cred_id}} --fault {fault}"))
            found = {}
            for role in ("responder", "initiator"):
                out = tmp / f"{fault}-{role}"
                subprocess.run([a.harness, "run", "--peer", str(peer), "--role", role, "-j", "2",
                                "--no-sanity", "--quiet", "--out", str(out), "--json",
                                str(out / "results.json"), "--junit", str(out / "junit.xml")],
                               cwd=ROOT, capture_output=True, text=True, timeout=900)
                res = json.loads((out / "results.json").read_text())["results"]
                bad = sorted(x["id"] for x in res if x["verdict"] in ("fail", "nonstrict"))
                if bad:
                    found[role] = bad
            listed = set(T.RUN_FINDS.get(fault, {}))
            print(f"{fault}: run finds it as IUT {', '.join(sorted(found)) or 'nothing'}"
                  f"{'' if set(found) == listed else '  <- RUN_FINDS says ' + str(sorted(listed))}")
            for role, ids in sorted(found.items()):
                print(f"    {role}: {len(ids)} scenarios, e.g. {', '.join(ids[:3])}")
            if set(found) != listed:
                differ.append(fault)
    if differ:
        print(f"RUN_FINDS differs for: {', '.join(differ)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
