"""The MAC and tag comparison runs in constant time: a ctgrind-style check
under valgrind's memcheck (tools/ctgrind/ct_check.c) marks the compared
bytes as secret (undefined); a branch on them is an error. The naive memcmp
is the control that shows the check can fail."""
import pathlib
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent


def ct_check(which):
    valgrind = shutil.which("valgrind")
    assert valgrind, "valgrind (Debian package valgrind) is required"
    return subprocess.run([valgrind, "-q", "--error-exitcode=9", str(ROOT / "build/ct-check"),
                           which], capture_output=True, text=True, timeout=120)


def test_eh_ct_equal_does_not_branch_on_secret_bytes():
    r = ct_check("eh")
    assert r.returncode == 0, r.stderr  # 0: "different", and no memcheck report
    assert r.stdout.strip() == "different"
    assert "depends on uninitialised" not in r.stderr


def test_the_check_catches_a_comparison_that_branches():
    r = ct_check("naive")
    assert r.returncode == 9, r.stdout + r.stderr
    assert "Conditional jump or move depends on uninitialised value" in r.stderr
