"""The generated credentials of vectors/creds/ (gen-*, see its README): the
documented command reproduces the committed bytes; OpenSSL (independent of
the harness) reads every private key and certificate, and the public key is
the same in the key file, the certificate and the CCS (read here with a
small CBOR decoder of this file, not the harness's)."""
import base64
import pathlib
import re
import shutil
import subprocess

import pytest

from wall import scaled

ROOT = pathlib.Path(__file__).resolve().parent.parent
CREDS = ROOT / "vectors/creds"
GENERATED = sorted(p.name for p in CREDS.glob("gen-*"))

# KEY part of the name -> (COSE kty, COSE crv, DER of the algorithm's or the
# curve's OID in the SubjectPublicKeyInfo (RFC 8410, RFC 5480), raw public key length)
P256, P384 = "06082a8648ce3d030107", "06052b81040022"
KEYS = {
    ("x25519", "dh"): (1, 4, "06032b656e", 32),
    ("x448", "dh"): (1, 5, "06032b656f", 56),
    ("p256", "dh"): (2, 1, P256, 64),
    ("p384", "dh"): (2, 2, P384, 96),
    ("ed25519", "sig"): (1, 6, "06032b6570", 32),
    ("ed448", "sig"): (1, 7, "06032b6571", 57),
    ("p256", "sig"): (2, 1, P256, 64),
    ("p384", "sig"): (2, 2, P384, 96),
}
NAMES = [f"gen-{k}-{u}-{r}" for (k, u) in KEYS for r in "iro"]


def openssl():
    path = shutil.which("openssl")
    assert path, "the openssl command (Debian package openssl) is required"
    return path


def ossl(*args):
    r = subprocess.run([openssl(), *map(str, args)], capture_output=True,
                       timeout=30)
    assert r.returncode == 0, (args, r.stderr.decode())
    return r.stdout


def raw_public_key(spki_der, length):
    """The raw key of a SubjectPublicKeyInfo: OKP keys are the BIT STRING's
    last bytes; EC keys an uncompressed point 04 || x || y."""
    if length in (64, 96):
        point = spki_der[-(length + 1):]
        assert point[0] == 4
        return point[1:]
    return spki_der[-length:]


# ------------------------------------------------------- a minimal CBOR reader

def cbor_item(b, i):
    """(value, next index) of the CBOR item at b[i]: unsigned and negative
    integers, byte and text strings and maps of definite length."""
    major, info = b[i] >> 5, b[i] & 31
    i += 1
    if info < 24:
        arg = info
    else:
        assert info in (24, 25, 26, 27), "indefinite or reserved length"
        n = 1 << (info - 24)
        arg = int.from_bytes(b[i:i + n], "big")
        i += n
    if major == 0:
        return arg, i
    if major == 1:
        return -1 - arg, i
    if major in (2, 3):
        v = bytes(b[i:i + arg])
        return (v if major == 2 else v.decode()), i + arg
    if major == 5:
        m = {}
        for _ in range(arg):
            k, i = cbor_item(b, i)
            m[k], i = cbor_item(b, i)
        return m, i
    raise AssertionError(f"unexpected major type {major}")


def ccs_of(path):
    text = "".join(line.split("#", 1)[0] for line in path.read_text().splitlines())
    b = bytes.fromhex(re.sub(r"\s", "", text))
    ccs, end = cbor_item(b, 0)
    assert end == len(b)
    return ccs


# ---------------------------------------------------------------------- tests

def test_the_documented_command_reproduces_the_committed_files(harness, tmp_path):
    readme = (CREDS / "README.md").read_text()
    m = re.search(r"build/edhoc-harness vectors generate --creds vectors/creds --seed (\d+)",
                  readme)
    assert m, "vectors/creds/README.md does not show the command"
    out = tmp_path / "creds"
    r = subprocess.run([str(harness), "vectors", "generate", "--creds", str(out), "--seed",
                        m.group(1)], capture_output=True, text=True, cwd=ROOT, timeout=scaled(60))
    assert r.returncode == 0, r.stderr
    made = sorted(p.name for p in out.iterdir())
    assert made == GENERATED
    for name in made:
        assert (out / name).read_bytes() == (CREDS / name).read_bytes(), name


def test_there_is_a_credential_for_every_key_type_and_role():
    want = {"gen-root.pub.hex"}
    for n in NAMES:
        want |= {f"{n}.key.pem", f"{n}.ccs.hex", f"{n}-x509.key.pem", f"{n}-x509.cert.pem"}
    assert set(GENERATED) == want


@pytest.mark.parametrize("name", NAMES)
def test_openssl_reads_the_keys_and_the_certificate_and_they_agree(name):
    key, use = name.split("-")[1:3]
    kty, crv, oid, length = KEYS[(key, use)]
    key_pem = (CREDS / f"{name}.key.pem").read_bytes()
    assert key_pem.startswith(b"-----BEGIN PRIVATE KEY-----\n")
    assert (CREDS / f"{name}-x509.key.pem").read_bytes() == key_pem
    pub_der = ossl("pkey", "-in", CREDS / f"{name}.key.pem", "-pubout", "-outform", "DER")
    assert bytes.fromhex(oid) in pub_der[:30]
    raw = raw_public_key(pub_der, length)
    # the certificate: parsed by OpenSSL, the same public key, the subject is the name
    out = ossl("x509", "-in", CREDS / f"{name}-x509.cert.pem", "-noout", "-subject", "-nameopt",
               "RFC2253", "-pubkey").decode()
    subject, pem = out.split("\n", 1)
    assert subject == f"subject=CN={name}-x509"
    assert pem_der(pem, "PUBLIC KEY") == pub_der
    # the CCS: the same public key in its COSE_Key
    ccs = ccs_of(CREDS / f"{name}.ccs.hex")
    cose_key = ccs[8][1]
    assert cose_key[1] == kty and cose_key[-1] == crv
    got = cose_key[-2] + (cose_key.get(-3, b"") if kty == 2 else b"")
    assert got == raw


def test_certificates_verify_with_the_generated_root(tmp_path):
    """Every certificate is signed by the key of gen-root.pub.hex (OpenSSL
    verifies the Ed25519 signature over the TBSCertificate)."""
    text = (CREDS / "gen-root.pub.hex").read_text()
    root = bytes.fromhex("".join(l for l in text.splitlines() if not l.startswith("#")))
    assert len(root) == 32
    # SubjectPublicKeyInfo of an Ed25519 key: fixed 12-byte prefix (RFC 8410 §4)
    spki = bytes.fromhex("302a300506032b6570032100") + root
    (tmp_path / "root.der").write_bytes(spki)
    for name in NAMES:
        der = pem_der((CREDS / f"{name}-x509.cert.pem").read_text(), "CERTIFICATE")
        tbs, i = der_element(der, der_header(der, 0))  # Certificate SEQUENCE -> TBS
        alg_end = der_element(der, i)[1]
        sig = der[der_header(der, alg_end):der_element(der, alg_end)[1]]
        assert sig[0] == 0  # BIT STRING, no unused bits
        (tmp_path / "tbs").write_bytes(tbs)
        (tmp_path / "sig").write_bytes(sig[1:])
        ossl("pkeyutl", "-verify", "-pubin", "-inkey", tmp_path / "root.der", "-keyform", "DER",
             "-rawin", "-in", tmp_path / "tbs", "-sigfile", tmp_path / "sig")


def pem_der(text, label):
    body = text.split(f"-----BEGIN {label}-----")[1].split(f"-----END {label}-----")[0]
    return base64.b64decode("".join(body.split()))


def der_header(der, i):
    """Index of the content of the DER element at i."""
    n = der[i + 1]
    return i + 2 if n < 0x80 else i + 2 + (n & 0x7f)


def der_element(der, i):
    """(the whole element at i, index after it)."""
    n = der[i + 1]
    start = der_header(der, i)
    length = n if n < 0x80 else int.from_bytes(der[i + 2:start], "big")
    return der[i:start + length], start + length


def test_kids_are_distinct_and_not_those_of_rfc_9529():
    kids = {n: ccs_of(CREDS / f"{n}.ccs.hex")[8][1][2] for n in NAMES}
    assert all(len(k) == 1 for k in kids.values())
    assert len(set(kids.values())) == len(NAMES)
    assert not {b"\x2b", b"\x32"} & set(kids.values())
    # the README's table says the same
    readme = (CREDS / "README.md").read_text()
    for (key, use) in KEYS:
        row = re.search(rf"\| `{key}` \(`-{use}`\) \|[^\n]*\| h'(..)' \| h'(..)' \| h'(..)' \|",
                        readme)
        assert row, (key, use)
        assert kids[f"gen-{key}-{use}-i"].hex() == row.group(1)
        assert kids[f"gen-{key}-{use}-r"].hex() == row.group(2)
        assert kids[f"gen-{key}-{use}-o"].hex() == row.group(3)
