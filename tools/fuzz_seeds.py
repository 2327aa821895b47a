#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets for the CoAP framing, OSCORE,
X.509, the error message, ID_CRED and CCS, the scenario executor's prefix split,
and the YAML and JSON loaders
(harness/fuzz/corpus/<target>/), from real data only:

  - RFC 9529 traces 1 and 2 and the negative vectors (vectors/),
  - vectors the harness generates (build/edhoc-harness vectors generate:
    run `make all` first) for ID_CRED kinds the traces lack (kccs, x5chain),
  - the credentials of vectors/creds/ (PEM certificates and keys, CCS hex;
    `openssl pkey -traditional` gives a legacy EC key form),
  - the scenario files (scenarios/) and peer files (peers/),
  - RFC 8613 Appendix C's CoAP and OSCORE messages (hex as printed there),
  - for the Responder's framing: trace 2's messages with their Appendix A.2
    prefixes, and OSCORE requests protected with trace 2's OSCORE context
    (RFC 9528 Appendix A.1, RFC 8613 §5; needs python3-cryptography).

It only adds and overwrites its own named files; crash-* regression seeds
and the corpora of the other targets are left alone. Usage:
tools/fuzz_seeds.py [TARGET...] (default: all of them)."""
import base64
import hashlib
import hmac
import json
import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "harness/fuzz/corpus"
CREDS = ROOT / "vectors/creds"
HARNESS = ROOT / "build/edhoc-harness"
MAX_SEED = 16 * 1024


def trace(n):
    return json.loads((ROOT / f"vectors/rfc9529-trace{n}.json").read_text())


def h(hexstr):
    return bytes.fromhex(hexstr.replace(" ", ""))


def hex_file(path):
    """A *.ccs.hex file: hex with whitespace, '#' comments."""
    return bytes.fromhex("".join(line.split("#")[0] for line in path.read_text().splitlines())
                         .replace(" ", ""))


# ------------------------------------------------------------ minimal CBOR

def cbor_head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for ai, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | ai]) + n.to_bytes(size, "big")
    raise ValueError(n)


def cbor(v):
    if v is None:
        return b"\xf6"
    if v is True:
        return b"\xf5"
    if isinstance(v, int):
        return cbor_head(0, v) if v >= 0 else cbor_head(1, -1 - v)
    if isinstance(v, bytes):
        return cbor_head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode()
        return cbor_head(3, len(b)) + b
    if isinstance(v, list):
        return cbor_head(4, len(v)) + b"".join(cbor(x) for x in v)
    raise TypeError(v)


# ------------------------------------------------------ generated vectors

_generated = {}


def generated(method, suite, kind):
    """A vector file of the harness's generator (deterministic: --seed 1)."""
    key = (method, suite, kind)
    if key not in _generated:
        if not HARNESS.exists():
            sys.exit(f"{HARNESS} missing: run `make all` first")
        out = subprocess.run([str(HARNESS), "vectors", "generate", "--method", str(method),
                              "--suite", str(suite), "--cred-i", kind, "--cred-r", kind,
                              "--seed", "1"], check=True, capture_output=True, text=True)
        _generated[key] = out.stdout
    return _generated[key]


def compact_id_cred(id_cred):
    """ID_CRED as in a PLAINTEXT: {4: kid} sends only the kid (§3.5.3.2),
    an int when the kid is a one-byte int encoding (§3.3.2)."""
    if len(id_cred) >= 3 and id_cred[:2] == b"\xa1\x04" and id_cred[2] >> 5 == 2:
        kid = id_cred[3:]
        if len(kid) == 1 and (kid[0] < 0x18 or 0x20 <= kid[0] < 0x38):
            return kid
        return id_cred[2:]
    return id_cred


# ---------------------------------------------------------------- targets

def seeds_error_message():
    s = {}
    for f in sorted((ROOT / "vectors/negative").glob("*/*.json")):
        e = json.loads(f.read_text()).get("error_message")
        if e:
            s["negative-vector-error"] = h(e)
    # the error messages scenario files send (`send: error`, code and info)
    for f in sorted((ROOT / "scenarios").rglob("*.yaml")):
        doc = yaml.safe_load(f.read_text())
        for i, st in enumerate(doc.get("steps") or []):
            if isinstance(st, dict) and st.get("send") == "error":
                info = st.get("info", "")
                if isinstance(info, list):  # SUITES_R as a list: `profile` 2, `other` 6
                    v = [{"profile": 2, "other": 6}.get(x, x) for x in info]
                    info = (cbor(v[0]) if len(v) == 1 else
                            cbor_head(4, len(v)) + b"".join(map(cbor, v))).hex()
                s[f"scenario-{f.stem}-{i}"] = cbor(int(st["code"])) + h(info)
    t2 = trace(2)
    # ERR_CODE 2 with SUITES_R as an array (trace 2's SUITES_I), ERR_CODE 3
    # with true, ERR_CODE 1 with the text the engine sends (§6.2)
    s["err-code-2-suites-array"] = cbor(2) + h(t2["suites_i"])
    s["err-code-3"] = cbor(3) + cbor(True)
    s["err-code-1-engine-text"] = cbor(1) + cbor(
        "ID_CRED_R: ID_CRED refers to no credential known to this peer")
    return s


def seeds_cose_header():
    s = {}
    t1, t2 = trace(1), trace(2)
    s["trace2-id-cred-i-compact"] = compact_id_cred(h(t2["id_cred_i"]))
    s["trace2-id-cred-r-compact"] = compact_id_cred(h(t2["id_cred_r"]))
    s["trace2-id-cred-i-map"] = h(t2["id_cred_i"])  # must be compact: rejected
    s["trace1-id-cred-i-x5t"] = h(t1["id_cred_i"])
    s["trace1-id-cred-r-x5t"] = h(t1["id_cred_r"])
    for method, suite, kind in ((3, 2, "kccs"), (0, 0, "kccs"), (0, 2, "x5chain"),
                                (0, 0, "x5chain"), (0, 24, "x5chain"), (3, 2, "x5t"),
                                (0, 6, "kid")):
        v = json.loads(generated(method, suite, kind))
        s[f"generated-m{method}-s{suite}-{kind}"] = compact_id_cred(h(v["id_cred_i"]))
    return s


def seeds_ccs():
    s = {}
    t2 = trace(2)
    s["trace2-cred-i"] = h(t2["cred_i"])
    s["trace2-cred-r"] = h(t2["cred_r"])
    for f in sorted(CREDS.glob("*-i.ccs.hex")) + sorted(CREDS.glob("negative-*.ccs.hex")):
        s[f.name[:-len(".ccs.hex")]] = hex_file(f)
    return s


def pem_der(text):
    body = text.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    return base64.b64decode("".join(body.split()))


CERTS = ["rfc9529-trace1-i", "gen-ed25519-sig-r-x509", "gen-ed448-sig-r-x509",
         "gen-p256-sig-r-x509", "gen-p384-sig-r-x509", "gen-x25519-dh-r-x509",
         "gen-x448-dh-r-x509"]
KEYS = ["rfc9529-trace1-i", "rfc9529-trace2-i", "gen-ed25519-sig-i", "gen-ed448-sig-i",
        "gen-p256-sig-i", "gen-p384-dh-i", "gen-x25519-dh-i", "gen-x448-dh-i"]


def seeds_x509():
    s = {}
    t1 = trace(1)
    s["trace1-cred-i-der"] = h(t1["cred_i_der"])
    s["trace1-cred-r-der"] = h(t1["cred_r_der"])
    for name in CERTS:
        text = (CREDS / f"{name}.cert.pem").read_text()
        s[f"{name}-pem"] = text.encode()
        s[f"{name}-der"] = pem_der(text)
    return s


def seeds_pem_key():
    s = {}
    for name in KEYS:
        s[name] = (CREDS / f"{name}.key.pem").read_bytes()
    for name in ("gen-p256-sig-i", "gen-p384-dh-i"):  # the legacy "EC PRIVATE KEY" form
        out = subprocess.run(["openssl", "pkey", "-traditional", "-in",
                              str(CREDS / f"{name}.key.pem")], check=True, capture_output=True)
        s[f"{name}-traditional"] = out.stdout
    return s


# RFC 8613 Appendix C.4 - C.8, as printed there.
RFC8613_DATAGRAMS = {
    "c4-request": "44015d1f00003974396c6f63616c686f737483747631",
    "c4-protected": "44025d1f00003974396c6f63616c686f7374620914ff612f1092f1776f1c1668b3825e",
    "c5-request": "440171c30000b932396c6f63616c686f737483747631",
    "c5-protected": "440271c30000b932396c6f63616c686f737463091400ff4ed339a5a379b0b8bc731fffb0",
    "c6-request": "44012f8eef9bbf7a396c6f63616c686f737483747631",
    "c6-protected": "44022f8eef9bbf7a396c6f63616c686f73746b19140837cbf3210017a2d3ff"
                    "72cd7273fd331ac45cffbe55c3",
    "c7-response": "64455d1f00003974ff48656c6c6f20576f726c6421",
    "c7-protected": "64445d1f0000397490ffdbaad1e9a7e7b2a813d3c31524378303cdafae119106",
    "c8-protected": "64445d1f00003974920100ff4d4c13669384b67354b2b6175ff4b8658c666a6cf88e",
}


def seeds_coap_codec():
    s = {f"rfc8613-{k}": h(v) for k, v in RFC8613_DATAGRAMS.items()}
    s["rfc7252-empty-ack"] = h("60005d1f")
    for name, b in seeds_coap_framing().items():  # the OSCORE datagrams of the trace
        if name.endswith("oscore"):
            s[f"trace2-{name}"] = unframe(b)[-1]
    return s


def seeds_oscore_unprotect():
    s = {f"rfc8613-{k}": h(v) for k, v in RFC8613_DATAGRAMS.items()}
    # plaintexts (§5.3) of C.4 and C.7, and OSCORE option values (§6.1)
    s["rfc8613-c4-plaintext"] = h("01b3747631")
    s["rfc8613-c7-plaintext"] = h("45ff48656c6c6f20576f726c6421")
    for name, v in (("c4", "0914"), ("c5", "091400"), ("c6", "19140837cbf3210017a2d3"),
                    ("c8", "0100")):
        s[f"rfc8613-{name}-option"] = h(v)
    return s


# ----------------------------------------- the Responder's framing (A.2)

def frame(*dgrams):
    """fuzz_coap_framing.c's input: each datagram as a 2-byte length + bytes."""
    return b"".join(len(d).to_bytes(2, "big") + d for d in dgrams)


def unframe(b):
    out = []
    while len(b) >= 2:
        n = int.from_bytes(b[:2], "big")
        out.append(b[2:2 + n])
        b = b[2 + n:]
    return out


def hkdf_sha256(salt, ikm, info, length):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    out, block, i = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([i]), hashlib.sha256).digest()
        out += block
        i += 1
    return out[:length]


def oscore_request(t2, combined_m3=None):
    """The reference Initiator's request after trace 2 (GET /hello, Sender
    Sequence Number 0) protected with the trace's OSCORE context (RFC 9528
    A.1: Sender ID C_R; AES-CCM-16-64-128, SHA-256), as a CoAP datagram;
    with combined_m3 the RFC 9668 combined request carrying message_3."""
    from cryptography.hazmat.primitives.ciphers.aead import AESCCM
    secret, salt = h(t2["oscore_master_secret"]), h(t2["oscore_master_salt"])
    sender = h(t2["oscore_client_sender_id"])
    alg = t2["app_aead_alg"]
    key = hkdf_sha256(salt, secret, cbor([sender, None, alg, "Key", 16]), 16)
    common_iv = hkdf_sha256(salt, secret, cbor([b"", None, alg, "IV", 13]), 13)
    piv = b"\x00"
    id_piv = bytes([len(sender)]) + sender.rjust(13 - 6, b"\0") + piv.rjust(5, b"\0")
    nonce = bytes(a ^ b for a, b in zip(id_piv, common_iv))
    aad = cbor(["Encrypt0", b"", cbor([1, [alg], sender, piv, b""])])
    plaintext = b"\x01" + b"\xb5hello"  # GET, Uri-Path "hello"
    ct = AESCCM(key, tag_length=8).encrypt(nonce, plaintext, aad)
    option = bytes([0x08 | len(piv)]) + piv + sender
    opts = bytes([0x90 | len(option)]) + option  # OSCORE (9)
    payload = ct
    if combined_m3 is not None:
        opts += b"\xc0"  # EDHOC (21): delta 12, empty
        payload = combined_m3 + ct
    return b"\x42\x02\x00\x01\x00\x01" + opts + b"\xff" + payload


def seeds_coap_framing():
    t2 = trace(2)
    m1, m3 = h(t2["message_1"]), h(t2["message_3"])
    c_r = h(t2["c_r"])  # a one-byte int: sent as itself (§3.3.2)
    s = {
        "message-1": frame(b"\xf5" + m1),
        "message-1-3": frame(b"\xf5" + m1, c_r + m3),
        "message-1-twice": frame(b"\xf5" + m1, b"\xf5" + m1),
        "raw-message-1-3": frame(m1, m3),
        "message-1-error": frame(b"\xf5" + m1, c_r + cbor(1) + cbor("test")),
        "message-1-3-oscore": frame(b"\xf5" + m1, c_r + m3, oscore_request(t2)),
        "message-1-combined-oscore": frame(b"\xf5" + m1, oscore_request(t2, m3)),
    }
    invalid = json.loads((ROOT / "vectors/invalid/rfc9529-invalid.json").read_text())
    for i, v in enumerate(invalid["vectors"]):
        if v["applies_to"] == "message_1" and i % 3 == 0:
            s[f"rfc9529-invalid-{i:02d}"] = frame(b"\xf5" + h(v["hex"]))
    return s


def seeds_exec_prefix():
    """k (the length of the harness's own encoded C_R), C_R, then a request
    payload as an IUT Initiator sends it (harness/fuzz/fuzz_exec_prefix.c)."""
    t2 = trace(2)
    m1, m3 = h(t2["message_1"]), h(t2["message_3"])
    c_r = h(t2["c_r"])
    own = bytes([len(c_r)]) + c_r
    return {
        "message-1": own + b"\xf5" + m1,
        "bare-message-1": own + m1,
        "message-3": own + c_r + m3,
        "message-3-bstr-c-r": own + cbor(c_r) + m3,  # C_R wrongly as a bstr
        "message-3-other-c-r": own + b"\x2a" + m3,
        "error": own + c_r + cbor(1) + cbor("test"),
        "other-c-r-error": own + b"\x2a" + cbor(1) + cbor("test"),
        "two-byte-c-r": bytes([3]) + cbor(b"\x01\x02") + cbor(b"\x01\x02") + m3,
        "no-c-r": bytes([0]) + m3,
    }


# -------------------------------------------------------------- the loaders

def seeds_scenario_yaml():
    s = {}
    by_dir = {}
    for f in sorted((ROOT / "scenarios").rglob("*.yaml")):
        by_dir.setdefault(f.parent, f)
    picks = set(by_dir.values()) | {ROOT / "scenarios/interop/matrix.yaml",
                                    ROOT / "scenarios/rfc9528/9.7/flood-then-handshake.yaml"}
    for f in sorted(picks):
        s["-".join(f.relative_to(ROOT / "scenarios").with_suffix("").parts)] = f.read_bytes()
    return s


def seeds_peer_yaml():
    return {f.stem: f.read_bytes() for f in sorted((ROOT / "peers").glob("*.yaml"))}


def seeds_vector_json():
    s = {"rfc9529-trace1": (ROOT / "vectors/rfc9529-trace1.json").read_bytes(),
         "rfc9529-trace2": (ROOT / "vectors/rfc9529-trace2.json").read_bytes(),
         "rfc9529-invalid": (ROOT / "vectors/invalid/rfc9529-invalid.json").read_bytes()}
    for name in ("neg-negotiation", "neg-credential"):
        s[f"negative-trace2-{name}"] = (ROOT / f"vectors/negative/trace2/{name}.json").read_bytes()
    for method, suite, kind in ((3, 2, "kccs"), (0, 0, "x5t"), (2, 24, "kid"), (1, 25, "kid")):
        s[f"generated-m{method}-s{suite}-{kind}"] = generated(method, suite, kind).encode()
    return s


TARGETS = {
    "error_message": seeds_error_message,
    "cose_header": seeds_cose_header,
    "ccs": seeds_ccs,
    "x509": seeds_x509,
    "pem_key": seeds_pem_key,
    "coap_codec": seeds_coap_codec,
    "oscore_unprotect": seeds_oscore_unprotect,
    "coap_framing": seeds_coap_framing,
    "exec_prefix": seeds_exec_prefix,
    "scenario_yaml": seeds_scenario_yaml,
    "peer_yaml": seeds_peer_yaml,
    "vector_json": seeds_vector_json,
}


def main(names):
    for t in names or TARGETS:
        d = CORPUS / t
        d.mkdir(parents=True, exist_ok=True)
        for name, data in TARGETS[t]().items():
            if len(data) > MAX_SEED:
                sys.exit(f"{t}/{name}: {len(data)} bytes, more than {MAX_SEED}")
            (d / name).write_bytes(data)


if __name__ == "__main__":
    main(sys.argv[1:])
