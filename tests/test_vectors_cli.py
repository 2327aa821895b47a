"""End-to-end tests of `edhoc-harness vectors check` on the RFC 9529 traces."""
import json
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
TRACES = [ROOT / "vectors/rfc9529-trace1.json", ROOT / "vectors/rfc9529-trace2.json"]


@pytest.mark.parametrize("trace", TRACES, ids=lambda p: p.stem)
def test_trace_verified_in_both_roles(run, trace):
    r = run("vectors", "check", trace)
    assert r.returncode == 0, r.stdout + r.stderr
    ok = [line for line in r.stdout.splitlines() if ": OK:" in line]
    assert len(ok) == 1
    # Both roles reproduced a substantial set of values, and nothing was left unchecked.
    words = ok[0].split()
    n_i, n_r = int(words[2]), int(words[-4])
    assert n_i >= 70 and n_r >= 70
    assert "not checked" not in r.stdout


def test_all_vector_files_at_once(run):
    r = run("vectors", "check", *TRACES)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count(": OK:") == 2


@pytest.mark.parametrize("key", ["th_2", "prk_3e2m", "mac_2", "ciphertext_3", "message_4",
                                 "oscore_master_salt", "keyupdate_prk_out", "error_message"])
def test_corrupted_derived_value_is_reported(run, tmp_path, key):
    data = json.loads(TRACES[1].read_text())
    value = data[key]
    flipped = format(int(value[:2], 16) ^ 0x01, "02x") + value[2:]
    data[key] = flipped
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(data))
    r = run("vectors", "check", f)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"{key}: expected {flipped} got {value}" in r.stdout


def test_corrupted_message_makes_the_receiver_fail(run, tmp_path):
    data = json.loads(TRACES[0].read_text())
    m2 = bytearray.fromhex(data["message_2"])
    m2[-1] ^= 0x80  # inside CIPHERTEXT_2: the signature no longer verifies
    data["message_2"] = m2.hex()
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(data))
    r = run("vectors", "check", f)
    assert r.returncode == 1
    assert "initiator: processing message_2 failed: EH_ERR_SIGNATURE" in r.stdout
    assert "RFC 9528 §5.3.3" in r.stdout


def test_not_json(run, tmp_path):
    f = tmp_path / "x.json"
    f.write_text("{ this is not json")
    r = run("vectors", "check", f)
    assert r.returncode == 2
    assert str(f) in r.stderr and "not a valid JSON" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_missing_input(run, tmp_path):
    data = json.loads(TRACES[0].read_text())
    del data["x"]
    f = tmp_path / "x.json"
    f.write_text(json.dumps(data))
    r = run("vectors", "check", f)
    assert r.returncode == 2
    assert r.stderr.strip() == f"{f}: missing input key 'x'"


@pytest.mark.parametrize("bad", ["zz", "abc", 17, None, ["00"]])
def test_non_hex_value(run, tmp_path, bad):
    data = json.loads(TRACES[1].read_text())
    data["g_y"] = bad
    f = tmp_path / "x.json"
    f.write_text(json.dumps(data))
    r = run("vectors", "check", f)
    assert r.returncode == 2
    assert r.stderr.strip() == f"{f}: key 'g_y': not a hex string"


def test_wrong_key_size_is_an_input_error(run, tmp_path):
    data = json.loads(TRACES[1].read_text())
    data["sk_r"] = "00"
    f = tmp_path / "x.json"
    f.write_text(json.dumps(data))
    r = run("vectors", "check", f)
    assert r.returncode == 2
    assert "sk_r" in r.stderr


@pytest.mark.parametrize("content", ["[]", "\"text\"", "", "{\"x\": \"00\"}"])
def test_other_bad_files(run, tmp_path, content):
    f = tmp_path / "x.json"
    f.write_text(content)
    r = run("vectors", "check", f)
    assert r.returncode == 2
    assert str(f) in r.stderr


def test_missing_file_and_usage(run, tmp_path):
    r = run("vectors", "check", tmp_path / "nope.json")
    assert r.returncode == 2 and "nope.json" in r.stderr
    assert run("vectors").returncode == 2
    assert run("frobnicate").returncode == 2
    assert run("--help").returncode == 0


def test_the_vectors_that_make_run_checks_verify(run):
    """`make run` checks the repository's vector files with the command in its recipe;
    that command, its globs expanded here, must pass (a vectors/*.json glob once took in
    vectors/schema.json, which is no vector, and `make run` failed)."""
    import glob
    import re
    recipe = (ROOT / "Makefile").read_text()
    m = re.search(r"^\tbuild/edhoc-harness vectors check (.+)$", recipe, re.M)
    assert m, "the run target no longer checks the vectors"
    files = [f for pattern in m.group(1).split() for f in sorted(glob.glob(str(ROOT / pattern)))]
    assert any(f.endswith("rfc9529-trace1.json") for f in files) and len(files) > 20, files
    r = run("vectors", "check", *files, timeout=120)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
