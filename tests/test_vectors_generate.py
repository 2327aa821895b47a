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


# The tests of the whole matrix (228 files, each generated and checked) run with the
# shipped binary only in make test: under the sanitizers they took 19 s of the sanitizer
# pass, and the code they run (generation, check) runs under the sanitizers in this
# module's single-file tests, test_vectors_ead_long.py and test_vectors_cli.py.
MATRIX = pytest.mark.plain_only


@pytest.fixture(scope="module")
def matrix(tmp_path_factory, harness):
    out = tmp_path_factory.mktemp("gen") / "all"
    r = subprocess.run([str(harness), "vectors", "generate", "--all", "--seed", "7",
                        "--out", str(out)], capture_output=True, text=True, timeout=scaled(120))
    assert r.returncode == 0, r.stderr
    return out


@MATRIX
def test_matrix_covers_every_method_suite_and_kind(matrix):
    files = {p.name for p in matrix.glob("*.json")}
    for m in range(4):
        for s in SUITES:
            for k in KINDS:
                assert f"m{m}-s{s}-{k}.json" in files
            assert f"m{m}-s{s}-kid-ead-msg4.json" in files
    assert any("longcid" in f for f in files) and any("emptycid" in f for f in files)
    assert not list(matrix.glob("*.tmp"))


@MATRIX
def test_matrix_verifies(matrix, run):
    files = sorted(matrix.glob("*.json"))
    r = run("vectors", "check", *files, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
    assert r.stdout.count(": OK:") == len(files)
    assert "not checked" not in r.stdout


@MATRIX
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


@MATRIX
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


def test_recorded_ecdsa_signature_is_verified_not_recomputed(run, tmp_path):
    one = tmp_path / "m0-s2-kid.json"  # the matrix's file, generated alone
    assert run("vectors", "generate", "--method", "0", "--suite", "2", "--cred-i", "kid",
               "--cred-r", "kid", "--seed", "7", "--out", one).returncode == 0
    doc = json.loads(one.read_text())
    r = run("vectors", "check", one)
    assert "sig_or_mac_2 (ES256) verified with the public key, not recomputed" in r.stdout
    sig = bytearray.fromhex(doc["sig_or_mac_2"])
    sig[5] ^= 1
    doc["sig_or_mac_2"] = sig.hex()
    f = tmp_path / "s.json"
    f.write_text(json.dumps(doc))
    r = run("vectors", "check", f)
    assert r.returncode == 1
    assert "the recorded ES256 signature does not verify" in r.stdout


def rerun_source(harness, path, out):
    """Run the command a file's _source records (its first word is edhoc-harness), with
    --out OUT; the file it writes."""
    import shlex
    v = json.loads(path.read_text())
    argv = shlex.split(v["_source"])
    assert argv[:3] == ["edhoc-harness", "vectors", "generate"], v["_source"]
    assert "--out" not in argv and "--all" not in argv, v["_source"]
    r = subprocess.run([str(harness), *argv[1:], "--out", str(out)], capture_output=True,
                       text=True, timeout=scaled(60))
    assert r.returncode == 0, r.stderr
    return out


def test_several_variants_in_one_call_each_recording_the_command_that_writes_it(harness,
                                                                                 tmp_path):
    """issue 17 item 5: --variant writes several variants of one handshake in one call,
    and every file records the harness version and, in _source, the exact command that
    writes it again (byte for byte)."""
    out = tmp_path / "var"
    r = subprocess.run([str(harness), "vectors", "generate", "--method", "3", "--suite", "2",
                        "--cred-i", "kid", "--cred-r", "x5t", "--ead-2", "0:00*20",
                        "--variant", "base,ead,longcid,emptycid", "--seed", "5", "--out",
                        str(out)], capture_output=True, text=True, timeout=scaled(60))
    assert r.returncode == 0, r.stderr
    version = subprocess.run([str(harness), "--version"], capture_output=True,
                             text=True).stdout.split()[-1]
    files = sorted(out.glob("*.json"))
    assert [p.name for p in files] == [f"m3-s2-kid-x5t-{v}.json" for v in
                                       ("base", "ead", "emptycid", "longcid")]
    for p in files:
        v = json.loads(p.read_text())
        assert v["_harness_version"] == version
        assert v["_variant"] == {"base": "mixed"}.get(p.stem.split("-")[-1], p.stem.split("-")[-1])
        again = rerun_source(harness, p, tmp_path / f"again-{p.name}")
        assert again.read_bytes() == p.read_bytes(), v["_source"]
    ead = json.loads((out / "m3-s2-kid-x5t-ead.json").read_text())
    # the variant comes on top of the options given: EAD_2 is the padding item given, then
    # the variant's items
    assert ead["ead_2"].startswith("0054" + "00" * 20) and ead["message_4"], ead["ead_2"]
    r = subprocess.run([str(harness), "vectors", "generate", "--method", "3", "--suite", "2",
                        "--cred-i", "kid", "--cred-r", "kid", "--variant", "base,nonsense",
                        "--seed", "5", "--out", str(tmp_path / "bad")], capture_output=True,
                       text=True, timeout=scaled(60))
    assert r.returncode == 2 and "unknown --variant nonsense" in r.stderr, r.stderr


@MATRIX
def test_matrix_files_record_the_command_that_writes_each(matrix, harness, tmp_path):
    for name in ("m3-s2-kid-ead-msg4.json", "m0-s0-x5t-kccs.json", "m1-s2-kid-emptycid.json",
                 "m2-s24-x5chain.json"):
        again = rerun_source(harness, matrix / name, tmp_path / name)
        assert again.read_bytes() == (matrix / name).read_bytes(), name


def schema_validator():
    import jsonschema  # Debian's python3-jsonschema (make deps)
    schema = json.loads((ROOT / "vectors/schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_errors(validator, doc):
    return [e.message for e in validator.iter_errors(doc)]


@pytest.mark.plain_only  # a check of files: the binary's flavour changes nothing
def test_every_vector_file_follows_the_schema(matrix, harness, tmp_path):
    """issue 17 item 4: vectors/schema.json (JSON Schema 2020-12) says what a vector file
    is; every file of vectors/ (the RFC 9529 traces, the invalid list, the negative
    files), every file of the generated matrix and of a negatives run follows it."""
    v = schema_validator()
    files = [p for p in sorted((ROOT / "vectors").rglob("*.json")) if p.name != "schema.json"]
    neg = tmp_path / "neg"
    r = subprocess.run([str(harness), "vectors", "generate", "--negatives",
                        str(matrix / "m3-s2-kid-ead-msg4.json"), "--out", str(neg)],
                       capture_output=True, text=True, timeout=scaled(60))
    assert r.returncode == 0, r.stderr
    files += sorted(matrix.glob("*.json")) + sorted(neg.glob("*.json"))
    assert len(files) > 250
    bad = {p.name: schema_errors(v, json.loads(p.read_text()))[:2] for p in files}
    assert not {k: e for k, e in bad.items() if e}


@pytest.mark.plain_only  # pure Python
@pytest.mark.parametrize("change", [
    {"message_1": "0300ZZ"},                # not hex
    {"message_1": "0A"},                    # upper case
    {"message_1": "030"},                   # odd number of digits
    {"app_aead_alg": "0a"},                 # an integer key as a string
    {"_method_int": 4},                     # no such METHOD
    {"_ead_understood_r": ["-9"]},          # labels are integers
    {"invalid_message": "00"},              # a negative vector without _applies_to...
    {"first_x": None},                      # a first attempt without one of its inputs
    {"Message_1": "03"},                    # not a key of the format
])
def test_the_schema_rejects_what_is_not_a_vector(change):
    v = schema_validator()
    doc = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
    assert schema_errors(v, doc) == []
    changed = {k: x for k, x in {**doc, **change}.items() if x is not None}  # None: deleted
    assert schema_errors(v, changed), change
    missing = {k: x for k, x in doc.items() if k != "message_2"}
    assert schema_errors(v, missing)
