"""`edhoc-harness vectors generate`: the whole matrix verifies, is reproducible
from its seed, and negative files are checked as negative vectors."""
import json
import pathlib
import subprocess

import pytest

from wall import scaled

ROOT = pathlib.Path(__file__).resolve().parent.parent
SUITES = [0, 1, 2, 3, 4, 5, 6, 24, 25]
KINDS = ["kid", "kccs", "x5t", "x5chain"]


@pytest.fixture(scope="module")
def matrix(tmp_path_factory, harness):
    out = tmp_path_factory.mktemp("gen") / "all"
    r = subprocess.run([str(harness), "vectors", "generate", "--all", "--seed", "7",
                        "--out", str(out)], capture_output=True, text=True, timeout=scaled(120))
    assert r.returncode == 0, r.stderr
    return out


def test_matrix_covers_every_method_suite_and_kind(matrix):
    files = {p.name for p in matrix.glob("*.json")}
    for m in range(4):
        for s in SUITES:
            for k in KINDS:
                assert f"m{m}-s{s}-{k}.json" in files
            assert f"m{m}-s{s}-kid-ead-msg4.json" in files
    assert any("longcid" in f for f in files) and any("emptycid" in f for f in files)
    assert not list(matrix.glob("*.tmp"))


def test_matrix_verifies(matrix, run):
    files = sorted(matrix.glob("*.json"))
    r = run("vectors", "check", *files, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
    assert r.stdout.count(": OK:") == len(files)
    assert "not checked" not in r.stdout


def test_same_seed_same_bytes_other_seed_other_keys(matrix, harness, tmp_path):
    again = tmp_path / "again"
    other = tmp_path / "other"
    for seed, out in (("7", again), ("8", other)):
        r = subprocess.run([str(harness), "vectors", "generate", "--all", "--seed", seed,
                            "--out", str(out)], capture_output=True, text=True, timeout=scaled(120))
        assert r.returncode == 0, r.stderr
    for p in matrix.glob("*.json"):
        assert (again / p.name).read_bytes() == p.read_bytes(), p.name
        assert json.loads((other / p.name).read_text())["x"] != json.loads(p.read_text())["x"]


def test_generated_files_follow_the_format(matrix):
    doc = json.loads((matrix / "m0-s2-x5chain.json").read_text())
    assert doc["_method_int"] == 0 and doc["_selected_suite"] == 2
    assert doc["_cred_kind_i"] == "x5chain" and doc["_cred_kind_r"] == "x5chain"
    for key in ("message_1", "message_2", "message_3", "prk_out", "oscore_master_secret",
                "cred_r_der", "root_ca_pk", "to_be_signed_2", "pk_r_x", "pk_r_y"):
        assert key in doc, key
    # ID_CRED x5chain = {33: bstr DER}, CRED = bstr DER
    der = doc["cred_r_der"]
    assert doc["id_cred_r"].startswith("a11821") and doc["id_cred_r"].endswith(der)
    assert doc["cred_r"].endswith(der)
    kccs = json.loads((matrix / "m3-s0-kccs.json").read_text())
    assert kccs["id_cred_i"] == "a10e" + kccs["cred_i"]  # {14: CCS}
    x5t = json.loads((matrix / "m1-s25-x5t.json").read_text())
    assert x5t["id_cred_r"].startswith("a11822822e48")  # {34: [-15, h'8 bytes']}
    for k, v in doc.items():
        if not k.startswith("_") and not isinstance(v, int):
            bytes.fromhex(v)


def test_single_file_options(run, tmp_path):
    out = tmp_path / "one.json"
    r = run("vectors", "generate", "--method", "3", "--suite", "2", "--cred-i", "kid",
            "--cred-r", "kccs", "--ead-1", "0:e9", "--ead-3", "100", "--c-i", "ab01",
            "--c-r", "", "--message-4", "--seed", "3", "--out", out)
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text())
    assert doc["ead_1"] == "0041e9" and doc["ead_3"] == "1864"
    assert doc["c_i_cbor"] == "42ab01" and doc["c_r"] == "" and "message_4" in doc
    assert run("vectors", "check", out).returncode == 0


@pytest.mark.parametrize("args", [
    ["--method", "4", "--suite", "2", "--cred-i", "kid", "--cred-r", "kid", "--seed", "1"],
    ["--method", "0", "--suite", "7", "--cred-i", "kid", "--cred-r", "kid", "--seed", "1"],
    ["--method", "0", "--suite", "2", "--cred-i", "pgp", "--cred-r", "kid", "--seed", "1"],
    ["--method", "0", "--suite", "2", "--cred-i", "kid", "--cred-r", "kid"],
    ["--method", "0", "--suite", "2", "--cred-i", "kid", "--cred-r", "kid", "--seed", "1",
     "--ead-1", "x:zz"],
    ["--all", "--seed", "1"],
    ["--bogus"],
])
def test_generate_usage_errors(run, args):
    r = run("vectors", "generate", *args)
    assert r.returncode == 2
    assert r.stderr.strip()


NEGATIVE = sorted((ROOT / "vectors/negative").glob("*/*.json"))
CATEGORIES = {"encoding", "non-deterministic-cbor", "truncated", "crypto-length",
              "crypto-point", "crypto-auth", "crypto-aead", "negotiation", "method", "ead",
              "credential"}


def test_repository_negative_files_cover_every_category():
    cats = {json.loads(p.read_text())["_category"] for p in NEGATIVE}
    assert cats == CATEGORIES


@pytest.mark.parametrize("path", NEGATIVE, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_negative_file_passes(run, path):
    r = run("vectors", "check", path)
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads(path.read_text())
    assert f"invalid {doc['_applies_to']} rejected by the {doc['_receiver']}" in r.stdout
    if doc["_expected_err_code"] is not None:
        assert f"error message 0{doc['_expected_err_code']}" in r.stdout


def test_negative_file_that_is_actually_valid_fails(run, tmp_path):
    doc = json.loads((ROOT / "vectors/negative/trace2/neg-crypto-aead.json").read_text())
    doc["invalid_message"] = doc["message_3"]  # the valid message: must not pass as negative
    f = tmp_path / "n.json"
    f.write_text(json.dumps(doc))
    r = run("vectors", "check", f)
    assert r.returncode == 1
    assert "accepted the invalid message_3" in r.stdout


def test_negative_file_with_wrong_expected_code_fails(run, tmp_path):
    doc = json.loads((ROOT / "vectors/negative/trace2/neg-negotiation.json").read_text())
    doc["_expected_err_code"] = 1
    f = tmp_path / "n.json"
    f.write_text(json.dumps(doc))
    r = run("vectors", "check", f)
    assert r.returncode == 1
    assert "_expected_err_code: expected 1 got 2" in r.stdout


def test_recorded_ecdsa_signature_is_verified_not_recomputed(matrix, run, tmp_path):
    doc = json.loads((matrix / "m0-s2-kid.json").read_text())
    r = run("vectors", "check", matrix / "m0-s2-kid.json")
    assert "sig_or_mac_2 (ES256) verified with the public key, not recomputed" in r.stdout
    sig = bytearray.fromhex(doc["sig_or_mac_2"])
    sig[5] ^= 1
    doc["sig_or_mac_2"] = sig.hex()
    f = tmp_path / "s.json"
    f.write_text(json.dumps(doc))
    r = run("vectors", "check", f)
    assert r.returncode == 1
    assert "the recorded ES256 signature does not verify" in r.stdout
