"""Vectors that every valid handshake must verify (issue 17, items 1 and 2):

- EAD: a positive vector documents a completed run, so both endpoints understood every
  item it carries, critical ones included; `_ead_understood_i` / `_ead_understood_r` say it
  explicitly; a negative vector still fails for an unknown critical item.
- RFC 9528 Appendix G (a PLAINTEXT_2 longer than 255 x the hash length): KEYSTREAM_2 is
  OKM(0) | OKM(1) | ..., OKM(i) = EDHOC_KDF(PRK_2e, -i, TH_2, length of part i). No
  published vector exists, so the construction is checked against an HKDF-Expand written
  here with hashlib/hmac (independent of the harness), itself first checked against the
  KEYSTREAM_2 of RFC 9529 trace 2."""
import hashlib
import hmac
import json
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def cbor_int(v):
    """RFC 8949 head of an int (major 0 or 1), shortest form."""
    major, n = (0, v) if v >= 0 else (1, -1 - v)
    if n < 24:
        return bytes([major << 5 | n])
    for ai, width in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * width):
            return bytes([major << 5 | ai]) + n.to_bytes(width, "big")
    raise ValueError(v)


def cbor_bstr(b):
    head = cbor_int(len(b))
    return bytes([0x40 | head[0]]) + head[1:] + b


def hkdf_expand(hash_name, prk, info, length):
    """RFC 5869 §2.3."""
    out, block, i = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([i]), hash_name).digest()
        out += block
        i += 1
    return out[:length]


def keystream_2(hash_name, prk_2e, th_2, length):
    """RFC 9528 §5.3.2 and Appendix G: parts of 255 x hash length bytes, label -i."""
    most = 255 * hashlib.new(hash_name).digest_size
    out, i = b"", 0
    while len(out) < length or i == 0:
        part = min(most, length - len(out))
        info = cbor_int(-i) + cbor_bstr(th_2) + cbor_int(part)
        out += hkdf_expand(hash_name, prk_2e, info, part)
        i += 1
    return out


def hexval(v, key):
    return bytes.fromhex(v[key])


def test_the_independent_keystream_reproduces_rfc_9529_trace_2():
    v = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
    pt = hexval(v, "plaintext_2")
    ks = keystream_2("sha256", hexval(v, "prk_2e"), hexval(v, "th_2"), len(pt))
    assert ks == hexval(v, "keystream_2")
    assert cbor_int(0) + cbor_bstr(hexval(v, "th_2")) + cbor_int(len(pt)) == \
        hexval(v, "info_keystream_2")


@pytest.mark.parametrize("suite,hash_name,ead_bytes", [
    (2, "sha256", 8200), pytest.param(24, "sha384", 12300, marks=pytest.mark.plain_only)])
def test_a_long_plaintext_2_takes_appendix_g(run, tmp_path, suite, hash_name, ead_bytes):
    """EAD_2 of a padding item (label 0) long enough that PLAINTEXT_2 passes 255 x the
    hash length (8160 bytes with SHA-256, 12240 with SHA-384): generate used to refuse it
    (EH_ERR_UNSUPPORTED); now its KEYSTREAM_2 is the Appendix G one, both roles of
    `vectors check` reproduce the file, and the ciphertext is the plaintext XOR that
    keystream."""
    out = tmp_path / "appg.json"
    r = run("vectors", "generate", "--method", "3", "--suite", str(suite), "--cred-i", "kid",
            "--cred-r", "kid", "--ead-2", f"0:00*{ead_bytes}", "--seed", "9", "--out", out)
    assert r.returncode == 0, r.stderr
    v = json.loads(out.read_text())
    pt = hexval(v, "plaintext_2")
    most = 255 * hashlib.new(hash_name).digest_size
    assert len(pt) > most, (len(pt), most)
    ks = keystream_2(hash_name, hexval(v, "prk_2e"), hexval(v, "th_2"), len(pt))
    assert hexval(v, "keystream_2") == ks
    ct = bytes(a ^ b for a, b in zip(pt, ks))
    assert hexval(v, "ciphertext_2") == ct
    # part 0 is the ordinary construction, so info_keystream_2 is that of part 0
    assert hexval(v, "info_keystream_2") == cbor_int(0) + cbor_bstr(hexval(v, "th_2")) + \
        cbor_int(most)
    # message_2 = bstr(G_Y | CIPHERTEXT_2)
    assert hexval(v, "message_2") == cbor_bstr(hexval(v, "g_y") + ct)
    r = run("vectors", "check", out)
    assert r.returncode == 0 and ": OK:" in r.stdout, r.stdout + r.stderr


def critical_vector(run, tmp_path):
    out = tmp_path / "crit.json"
    r = run("vectors", "generate", "--method", "0", "--suite", "0", "--cred-i", "x5t",
            "--cred-r", "x5t", "--ead-1", "-9", "--ead-2", "-300:aa*3", "--ead-3", "-7:0102",
            "--seed", "2", "--out", out)
    assert r.returncode == 0, r.stderr
    return out


def test_a_positive_vector_understands_its_critical_ead_items(run, tmp_path):
    """Critical items (negative labels) in EAD_1, EAD_2 and EAD_3: generate refused every
    label but -5, and check failed with EH_ERR_EAD_CRITICAL; a positive vector documents a
    completed run, so both endpoints understood them."""
    out = critical_vector(run, tmp_path)
    v = json.loads(out.read_text())
    assert (v["ead_1"], v["ead_2"], v["ead_3"]) == ("28", "39012b43aaaaaa", "26420102")
    r = run("vectors", "check", out)
    assert r.returncode == 0 and ": OK:" in r.stdout, r.stdout + r.stderr


def test_a_vector_can_say_which_labels_an_endpoint_understands(run, tmp_path):
    """`_ead_understood_r: [-9]`: the Responder understands -9 (EAD_1) but not -7, so it
    rejects message_3 for its critical EAD_3 item, naming the field, the offset and RFC
    9528 §3.8; the same list with -7 verifies."""
    v = json.loads(critical_vector(run, tmp_path).read_text())
    bad, good = tmp_path / "bad.json", tmp_path / "good.json"
    bad.write_text(json.dumps({**v, "_ead_understood_r": [-9]}))
    good.write_text(json.dumps({**v, "_ead_understood_r": [-9, -7],
                                "_ead_understood_i": [-300]}))
    r = run("vectors", "check", bad)
    assert r.returncode != 0
    assert "responder: processing message_3 failed: EH_ERR_EAD_CRITICAL (EAD_3 at offset" in \
        r.stdout and "RFC 9528 §3.8" in r.stdout, r.stdout
    r = run("vectors", "check", good)
    assert r.returncode == 0, r.stdout + r.stderr
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**v, "_ead_understood_i": ["-9"]}))
    r = run("vectors", "check", broken)
    assert r.returncode == 2 and "'_ead_understood_i' must hold integers" in r.stderr, r.stderr


def test_negative_vectors_still_reject_unknown_critical_items(run):
    files = sorted((ROOT / "vectors/negative").glob("*/*ead*.json"))
    assert files
    r = run("vectors", "check", *files)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("OK: negative vector") == len(files)
    assert "EH_ERR_EAD_CRITICAL" in r.stdout, r.stdout
