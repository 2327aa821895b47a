#!/usr/bin/python3
"""Writes scenarios/mutations/: one scenario per (message, field, mutation)
of the per-field mutation matrix (issue 6: wrong type, wrong length, missing
item, extra item, non-deterministic encoding, bit flips in keys, MACs and
AEAD ciphertexts and tags), and of the fields of the encrypted PLAINTEXT_2 /
PLAINTEXT_3 (mutations/plaintext-2, plaintext-3: in any profile). The files are committed; this script is their
source. `--check` exits 1 if the committed files differ from its output.

    /usr/bin/python3 tools/mutation_scenarios.py          # (re)write them
    /usr/bin/python3 tools/mutation_scenarios.py --check  # what make test runs
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "scenarios" / "mutations"

# What an IUT may answer to an invalid message: the outcome rule rejects-malformed
# (harness/scenario/outcome_rules.yaml): an error message (it MUST send one: §5.2.3,
# §5.3.3, §5.4.3, §5.5.3), or, graded lower, a CoAP error or nothing (§6: sending
# error messages "MAY be skipped"; §9.7: a message deemed forged MAY be ignored
# "without sending an error message"). An IUT Initiator, a CoAP client, has no CoAP
# error to send: that alternative never matches for it.
REJECT_R = REJECT_I = """  - expect: {rule: rejects-malformed}
"""
# A message_2 from which the IUT Initiator cannot read C_R: an error message it sent as a
# CoAP client would need C_R as its prefix (Appendix A.2), so silence is as good as an
# error message (outcome rule initiator-rejects-message-2-without-c-r), and an IUT that
# sends no error messages runs these too.
REJECT_I_NO_C_R = """  - expect: {rule: initiator-rejects-message-2-without-c-r}
"""
# Non-deterministic CBOR may be rejected or accepted (§9.8); a rejection may
# come without an error message. After message_1, a 2.04 that the harness
# cannot verify as message_2 (its TH_2 covers the message_1 it built, not the
# re-encoded one) is the IUT accepting it too.
EITHER = {
    "message_1": """  - expect:
      any_of:
        - error
        - message_2
        - coap: "2.04"
        - {coap: any}
        - silence
""",
    "message_3": """  - expect:
      any_of:
        - error
        - accepted
        - message_4
        - {coap: any}
        - silence
""",
}

# (name, message, field, mutate-yaml, what, requirements, kind)
# kind: "reject" (MUST), "either" (INFO: both allowed)
M1 = [
    ("method-wrong-type", "METHOD", '{field: METHOD, hex: "6133"}', 'METHOD as the text string "3"',
     ["R-9.8-a", "R-5.2.3-c", "R-3.2-a"], "reject"),
    ("method-missing", "METHOD", '{field: METHOD, hex: ""}', "METHOD left out",
     ["R-9.8-a", "R-5.2.3-c"], "reject"),
    ("suites-wrong-type", "SUITES_I", '{field: SUITES_I, hex: "4102"}', "SUITES_I as the byte string h'02'",
     ["R-9.8-a", "R-5.2.3-c"], "reject"),
    ("suites-missing", "SUITES_I", '{field: SUITES_I, hex: ""}', "SUITES_I left out",
     ["R-9.8-a", "R-5.2.3-c"], "reject"),
    ("g-x-wrong-type", "G_X", '{field: G_X, hex: "8102"}', "G_X as an array",
     ["R-9.8-a", "R-5.2.3-c"], "reject"),
    ("g-x-too-long", "G_X",
     '{field: G_X, hex: "5821' + "01" * 33 + '"}', "G_X of 33 bytes (no registered suite's curve has keys of 33 bytes)",
     ["R-9.8-d", "R-3.7-a", "R-5.2.3-c"], "reject"),
    ("g-x-too-short", "G_X",
     '{field: G_X, hex: "581f' + "01" * 31 + '"}', "G_X of 31 bytes (no registered suite's curve has keys of 31 bytes)",
     ["R-9.8-d", "R-3.7-a", "R-5.2.3-c"], "reject"),
    ("g-x-empty", "G_X", '{field: G_X, hex: "40"}', "G_X as an empty byte string",
     ["R-9.8-d", "R-3.7-a", "R-5.2.3-c"], "reject"),
    ("g-x-missing", "G_X", '{field: G_X, hex: ""}', "G_X left out",
     ["R-9.8-a", "R-5.2.3-c"], "reject"),
    ("c-i-wrong-type", "C_I", '{field: C_I, hex: "6137"}', 'C_I as the text string "7"',
     ["R-9.8-a", "R-5.2.3-c"], "reject"),
    ("c-i-missing", "C_I", '{field: C_I, hex: ""}', "C_I left out",
     ["R-9.8-a", "R-5.2.3-c"], "reject"),
    ("g-x-nondeterministic", "G_X", None, "G_X with a two-byte length (59 00 20)",
     ["R-9.8-b"], "either"),
    ("c-i-nondeterministic", "C_I", None, "C_I -24 as 38 17",
     ["R-9.8-b"], "either"),
]
M3 = [
    ("ciphertext-wrong-type", '{replace: {field: CIPHERTEXT_3, hex: "63616263"}}',
     'CIPHERTEXT_3 as the text string "abc"', ["R-9.8-a", "R-5.4.3-a"]),
    ("ciphertext-missing", '{replace: {field: CIPHERTEXT_3, hex: ""}}',
     "nothing after the C_R prefix", ["R-9.8-a", "R-5.4.3-a"]),
    ("ciphertext-first-bit", "{flip: {offset: 1, bit: 7}}",
     "the first ciphertext byte with its top bit flipped", ["R-5.4.3-a"]),
    ("tag-truncated", "{truncate: -1}",
     "the last byte of the AEAD tag cut (the bstr head no longer matches)", ["R-9.8-a", "R-5.4.3-a"]),
    ("extra-item", '{append: "00"}', "an extra item (0) after message_3", ["R-9.8-a", "R-5.4.3-a"]),
]
# (name, mutate-yaml, what, requirements, C_R readable after it)
M2 = [
    ("wrong-type", '{replace: {field: G_Y_CIPHERTEXT_2, hex: "63616263"}}',
     'G_Y_CIPHERTEXT_2 as the text string "abc"', ["R-9.8-a", "R-5.3.3-b"], False),
    ("shorter-than-g-y", '{replace: {field: G_Y_CIPHERTEXT_2, hex: "54' + "01" * 20 + '"}}',
     "G_Y_CIPHERTEXT_2 of 20 bytes, shorter than G_Y", ["R-9.8-d", "R-5.3.3-e"], False),
    ("g-y-bit", "{flip: {offset: 2, bit: 0}}",
     "a bit of G_Y flipped (another shared secret: MAC_2 fails)", ["R-5.3.3-a"], False),
    ("ciphertext-last-bit", "{flip: {offset: -1, bit: 0}}",
     "the last bit of CIPHERTEXT_2 flipped (inside Signature_or_MAC_2)", ["R-5.3.3-a"], True),
    ("truncated", "{truncate: -1}",
     "the last byte cut (the bstr head no longer matches)", ["R-9.8-a", "R-5.3.3-b"], False),
]
# Mutations of the decrypted PLAINTEXT_2 / PLAINTEXT_3 (the send step's `plaintext:`):
# the harness encrypts the mutated plaintext with the right keys, so only the
# IUT's parsing of what it decrypted is tested (RFC 9528 §9.8: a message not
# matching its CDDL is rejected). Signature_or_MAC was computed over the
# unmutated fields.
T = '"6161"'


def plaintext_mutations(n, id_cred):
    """The mutations of PLAINTEXT_n (2 or 3), whose credential field is id_cred; C_R only
    in PLAINTEXT_2. (name, mutation, what)"""
    som = f"Signature_or_MAC_{n}"
    rows = [("c-r-wrong-type", "{replace: {field: C_R, hex: " + T + "}}",
             'C_R as the text string "a"')] if n == 2 else []
    return rows + [
        ("id-cred-wrong-type", "{replace: {field: " + id_cred + ", hex: " + T + "}}",
         f'{id_cred} as the text string "a"'),
        ("signature-or-mac-wrong-type", "{replace: {field: " + som + ", hex: " + T + "}}",
         f'{som} as the text string "a"'),
        ("signature-or-mac-missing", "{replace: {field: " + som + ', hex: ""}}',
         f"no {som} (PLAINTEXT_{n} ends after {id_cred})"),
        ("trailing-text", "{append: " + T + "}",
         f'the text string "a" after {som} (an EAD label is an integer)'),
        ("incomplete-item", '{append: "18"}',
         "an incomplete item at its end (18: a head without its argument byte)"),
    ]


P2 = plaintext_mutations(2, "ID_CRED_R")
P3 = plaintext_mutations(3, "ID_CRED_I")
M4 = [
    ("tag-bit", "{flip: {offset: -1, bit: 0}}", "the last bit of the AEAD tag flipped", ["R-5.5.3-a"]),
    ("truncated", "{truncate: -1}", "the last byte cut", ["R-9.8-a", "R-5.5.3-a"]),
    ("wrong-type", '{replace: {field: CIPHERTEXT_4, hex: "6161"}}', 'CIPHERTEXT_4 as the text string "a"',
     ["R-9.8-a", "R-5.5.3-a"]),
]


def esc(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def header(sid, title, reqs, level, role, extra=""):
    return (f"# generated by tools/mutation_scenarios.py: edit that, not this file\n"
            f"id: {sid}\ntitle: \"{esc(title)}\"\nrequirements: [{', '.join(reqs)}]\n"
            f"level: {level}\nrole: {role}\n{extra}")


def files():
    out = {}
    for name, field, mut, what, reqs, kind in M1:
        sid = f"mutations/message-1/{name}"
        if kind == "either":
            width = 2 if field == "G_X" else 1
            mut = f"{{nondeterministic: {{field: {field}, width: {width}}}}}"
            title = f"A message_1 with {what}: rejecting or accepting are both allowed"
            body = header(sid, title, reqs, "INFO", "initiator", "")
            body += f"steps:\n  - send: message_1\n    mutate:\n      - {mut}\n" + EITHER["message_1"]
        else:
            title = f"Responder rejects a message_1 with {what}, with an error message"
            body = header(sid, title, reqs, "MUST", "initiator", "")
            body += f"steps:\n  - send: message_1\n    mutate:\n      - replace: {mut}\n" + REJECT_R
        out[sid] = body
    for name, mut, what, reqs in M3:
        sid = f"mutations/message-3/{name}"
        title = f"Responder rejects a message_3 with {what}, with an error message"
        body = header(sid, title, reqs, "MUST", "initiator", "")
        body += ("steps:\n  - send: message_1\n  - expect: message_2\n"
                 f"  - send: message_3\n    mutate:\n      - {mut}\n" + REJECT_R)
        out[sid] = body
    sid = "mutations/message-3/ciphertext-nondeterministic"
    body = header(sid, "A message_3 whose bstr head has a two-byte length (59 00 12): rejecting or "
                  "accepting are both allowed", ["R-9.8-b"], "INFO", "initiator", "")
    body += ("steps:\n  - send: message_1\n  - expect: message_2\n  - send: message_3\n    mutate:\n"
             "      - {nondeterministic: {field: CIPHERTEXT_3, width: 2}}\n" + EITHER["message_3"])
    out[sid] = body
    for name, mut, what, reqs, c_r in M2:
        sid = f"mutations/message-2/{name}"
        title = (f"Initiator rejects a message_2 with {what}, with an error message" if c_r else
                 f"Initiator rejects a message_2 with {what}, from which it cannot read C_R")
        body = header(sid, title, reqs, "MUST", "responder",
                      "needs: [error-messages]\n" if c_r else "")
        body += ("steps:\n  - expect: message_1\n"
                 f"  - send: message_2\n    mutate:\n      - {mut}\n" +
                 (REJECT_I if c_r else REJECT_I_NO_C_R))
        out[sid] = body
    for name, mut, what in P2:
        sid = f"mutations/plaintext-2/{name}"
        c_r = name != "c-r-wrong-type"
        title = (f"Initiator rejects a message_2 whose PLAINTEXT_2 has {what}, with an error "
                 "message" if c_r else f"Initiator rejects a message_2 whose PLAINTEXT_2 has {what}"
                 ", from which it cannot read C_R")
        body = header(sid, title, ["R-9.8-a", "R-5.3.3-b"], "MUST", "responder",
                      "needs: [error-messages]\n" if c_r else "")
        body += ("steps:\n  - expect: message_1\n"
                 f"  - send: message_2\n    plaintext:\n      - {mut}\n" +
                 (REJECT_I if c_r else REJECT_I_NO_C_R))
        out[sid] = body
    for name, mut, what in P3:
        sid = f"mutations/plaintext-3/{name}"
        title = f"Responder rejects a message_3 whose PLAINTEXT_3 has {what}, with an error message"
        body = header(sid, title, ["R-9.8-a", "R-5.4.3-a"], "MUST", "initiator", "")
        body += ("steps:\n  - send: message_1\n  - expect: message_2\n"
                 f"  - send: message_3\n    plaintext:\n      - {mut}\n" + REJECT_R)
        out[sid] = body
    for name, mut, what, reqs in M4:
        sid = f"mutations/message-4/{name}"
        title = f"Initiator rejects a message_4 with {what}, with an error message"
        body = header(sid, title, reqs, "MUST", "responder",
                      "message_4: true\nneeds: [message-4, error-messages]\n")
        body += ("steps:\n  - expect: message_1\n  - send: message_2\n  - expect: message_3\n"
                 f"  - send: message_4\n    mutate:\n      - {mut}\n" + REJECT_I)
        out[sid] = body
    return {OUT / (sid.split("/", 1)[1] + ".yaml"): text for sid, text in out.items()}


def main():
    want = files()
    if "--check" in sys.argv:
        have = set(OUT.rglob("*.yaml"))
        bad = [str(p) for p, t in want.items() if not p.exists() or p.read_text() != t]
        bad += [str(p) for p in have - set(want)]
        if bad:
            print("differ from tools/mutation_scenarios.py:", *bad, sep="\n  ")
            return 1
        return 0
    for p, t in want.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(t)
    print(f"{len(want)} files under {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
