#!/usr/bin/python3
"""Hostile fake IUT Responder (the harness is the Initiator), for
tests/test_hostile.py. It speaks no EDHOC: it replays RFC 9529 trace 2,
which is valid because the fixture scenarios run deterministically from that
trace (`vector:`), so the harness's message_1 is the trace's.

Usage: hostile_responder.py TRANSPORT PORT MODE
  TRANSPORT  udp (one EDHOC message per datagram, Appendix A.2 prefixes) or
             coap (CoAP over UDP, piggybacked responses)
  PORT       the port to listen on (127.0.0.1)

Modes (what happens when message_1 arrives; afterwards the trace goes on):
  ok            the trace's message_2, then an empty acknowledgement of message_3
  empty         a datagram of 0 bytes, nothing else
  huge          one datagram of 65507 bytes (the IPv4 UDP maximum), nothing else
  len-32m1 / len-32 / len-64m1
                a message_2 whose byte string head declares 2^32-1 / 2^32 /
                2^64-1 bytes (0x5a ffffffff / 0x5b 0000000100000000 /
                0x5b ffffffffffffffff) followed by the trace's 43 bytes
  foreign-first a message_2 of another session (the trace's with a different
                G_Y) first, then the real one: over CoAP in a response with
                another token
  wrong-port    the real message_2, but sent from another socket (port)
  crit-opt-N    (coap) the real message_2 in a 2.04 carrying option N with a
                one-byte value
  block2-grow   (coap) 2.04 with Block2 (more=1) and a 16-byte block; every
                continuation request gets the next block number, more=1, forever
  block2-same   (coap) likewise, but always block number 0
  block2-size2  (coap) like block2-grow, with a Size2 option of 2^32-1 bytes
  block2-jump   (coap) like block2-grow, but the continuation gets the largest
                block number there is (2^20-1) with 1024-byte blocks
  flood         100000 random datagrams (seeded, at most 4 s) at the harness's
                port, then the real message_2 (the flood only once)
  after         answers as `ok`, then sends datagrams to the harness's port
                until it is stopped (at most 20 s); on SIGTERM it prints
                "sent N datagrams after the handshake"
  retransmit    (udp) the real message_2, and 100 ms later the same datagram again, as
                a Responder over raw UDP that retransmits while it waits for
                message_3 (RFC 9528 §7: a duplicate, not a new message)
  padded-N      (coap) a piggybacked 2.04 datagram of N bytes in all: the real message_2
                followed by zero bytes (a message_2 with trailing bytes); nothing else
  wrong-mid     (coap) the real message_2 piggybacked in an ACK whose Message ID is not
                the request's (the request's + 1), with the request's token; nothing else
  wrong-token   (coap) the real message_2 piggybacked in an ACK with the request's Message
                ID and another token; nothing else
  segv          kills itself with SIGSEGV
  never-ready   never prints the ready line (and answers nothing)
  deaf          answers as `ok`, ignores SIGTERM (only SIGKILL ends it)
  chatty        writes 25 MB to stdout before the ready line and 25 MB after
                message_1, then answers as `ok`

The ready line is "listening"; each received datagram is logged to stderr
(bounded: the first 50)."""
import json
import os
import pathlib
import random
import signal
import socket
import struct
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
TRACE = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
M2 = bytes.fromhex(TRACE["message_2"])
C_R = bytes.fromhex(TRACE["c_r_cbor"])

transport, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
coap = transport == "coap"


# ---------------------------------------------------------------- CoAP codec

def coap_parse(d):
    """(type, code, mid, token, {number: [values]}, payload) or None."""
    if len(d) < 4 or d[0] >> 6 != 1:
        return None
    tkl = d[0] & 0x0F
    if tkl > 8 or len(d) < 4 + tkl:
        return None
    typ, code, mid = (d[0] >> 4) & 3, d[1], d[2] << 8 | d[3]
    token, i, num, opts = d[4:4 + tkl], 4 + tkl, 0, {}
    while i < len(d) and d[i] != 0xFF:
        delta, length = d[i] >> 4, d[i] & 0x0F
        i += 1
        vals = []
        for v in (delta, length):
            if v == 13:
                v, i = d[i] + 13, i + 1
            elif v == 14:
                v, i = (d[i] << 8 | d[i + 1]) + 269, i + 2
            vals.append(v)
        num += vals[0]
        opts.setdefault(num, []).append(d[i:i + vals[1]])
        i += vals[1]
    payload = d[i + 1:] if i < len(d) else b""
    return typ, code, mid, token, opts, payload


def ext(v):
    """Nibble and extension bytes of an option delta or length."""
    if v < 13:
        return v, b""
    if v < 269:
        return 13, bytes([v - 13])
    return 14, struct.pack(">H", v - 269)


def coap_build(typ, code, mid, token, opts, payload):
    out = bytes([0x40 | typ << 4 | len(token), code]) + struct.pack(">H", mid) + token
    last = 0
    for num, val in sorted(opts, key=lambda o: o[0]):
        dn, de = ext(num - last)
        ln, le = ext(len(val))
        out += bytes([dn << 4 | ln]) + de + le + val
        last = num
    return out + (b"\xff" + payload if payload else b"")


def uint(v):
    return v.to_bytes((v.bit_length() + 7) // 8, "big") if v else b""


def block_value(num, more, szx):
    return uint(num << 4 | more << 3 | szx)


# --------------------------------------------------------------------- main

sent_after = [0]  # mode after: datagrams sent after the handshake


def report_after(signum, frame):
    print(f"sent {sent_after[0]} datagrams after the handshake", flush=True)
    sys.exit(0)


s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", port))
if mode == "deaf":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if mode == "after":
    signal.signal(signal.SIGTERM, report_after)  # from the start: it may come at any time
if mode == "chatty":
    chunk = b"x" * 65536 + b"\n"
    for _ in range(25 * 16):  # 25 MB
        sys.stdout.buffer.write(chunk)
    sys.stdout.flush()
if mode != "never-ready":
    print("listening", flush=True)
logged = 0
flooded = []


def answer(addr, req, code, payload, opts=()):
    """A response: piggybacked over CoAP, a bare datagram over raw UDP."""
    if not coap:
        s.sendto(payload, addr)
        return
    typ, _, mid, token, _, _ = req
    s.sendto(coap_build(2, code, mid, token, list(opts), payload), addr)


def flood(addr, count=100000, seconds=4.0):
    rnd = random.Random(9528)
    deadline = time.monotonic() + seconds
    for i in range(count):
        if i % 1000 == 0 and time.monotonic() > deadline:
            break
        try:
            s.sendto(rnd.randbytes(rnd.randrange(0, 64)), addr)
        except OSError:
            pass  # ENOBUFS / ECONNREFUSED: the harness may be gone


def message_1(addr, req):
    """What the mode sends in reply to message_1."""
    if mode == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    if mode == "never-ready":
        return
    if mode == "chatty":
        chunk = b"y" * 65536 + b"\n"
        for _ in range(25 * 16):
            sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
    if mode == "empty":
        s.sendto(b"", addr)
        return
    if mode == "huge":  # a byte string filling the datagram: 65507 bytes in all
        head = coap_build(2, 0x44, req[2], req[3], [], b"") + b"\xff" if coap else b""
        n = 65507 - len(head) - 3
        s.sendto(head + bytes([0x59, n >> 8, n & 0xFF]) + (bytes(range(256)) * 256)[:n], addr)
        return
    heads = {"len-32m1": "5affffffff", "len-32": "5b0000000100000000",
             "len-64m1": "5bffffffffffffffff"}
    if mode in heads:
        answer(addr, req, 0x44, bytes.fromhex(heads[mode]) + M2[2:])
        return
    if mode == "foreign-first":
        other = M2[:2] + bytes([M2[2] ^ 0x01]) + M2[3:]
        if coap:
            typ, code, mid, token, opts, payload = req
            s.sendto(coap_build(1, 0x44, (mid + 1) & 0xFFFF, bytes(8), [], other), addr)
        else:
            s.sendto(other, addr)
        answer(addr, req, 0x44, M2)
        return
    if mode == "wrong-port":
        other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        other.bind(("127.0.0.1", 0))
        typ, code, mid, token, opts, payload = req if coap else (0, 0, 0, b"", {}, b"")
        other.sendto(coap_build(2, 0x44, mid, token, [], M2) if coap else M2, addr)
        other.close()
        return
    if mode.startswith("padded-"):
        head = len(coap_build(2, 0x44, req[2], req[3], [], b"")) + 1  # with the payload marker
        answer(addr, req, 0x44, M2 + bytes(int(mode[7:]) - head - len(M2)))
        return
    if mode in ("wrong-mid", "wrong-token"):
        typ, code, mid, token, opts, payload = req
        if mode == "wrong-mid":
            mid = (mid + 1) & 0xFFFF
        else:
            token = bytes(b ^ 0xFF for b in token) or b"\x01"
        s.sendto(coap_build(2, 0x44, mid, token, [], M2), addr)
        return
    if mode.startswith("crit-opt-"):
        answer(addr, req, 0x44, M2, [(int(mode[9:]), b"\x01"), (12, b"\x40")])
        return
    if mode.startswith("block2-"):
        extra = [(28, uint(0xFFFFFFFF))] if mode == "block2-size2" else []
        answer(addr, req, 0x44, M2[:16], [(23, block_value(0, 1, 0))] + extra)
        return
    if mode == "retransmit":
        answer(addr, req, 0x44, M2)
        time.sleep(0.1)  # the IUT's own retransmission timer, not synchronisation
        answer(addr, req, 0x44, M2)
        return
    if mode == "flood" and not flooded:  # once: a retransmitted message_1 just gets its answer
        flooded.append(addr)
        flood(addr)
    answer(addr, req, 0x44, M2)


def continuation(addr, req, block):
    """A Block2 continuation request (block2-* modes): never the last block."""
    num = int.from_bytes(block, "big") >> 4 if block else 0
    if mode == "block2-same":
        num = 0
    if mode == "block2-jump":  # the largest block number there is, 1024-byte blocks
        answer(addr, req, 0x44, bytes(1024), [(23, block_value(0xFFFFF, 1, 6))])
        return
    extra = [(28, uint(0xFFFFFFFF))] if mode == "block2-size2" else []
    answer(addr, req, 0x44, bytes([num & 0xFF]) * 16, [(23, block_value(num, 1, 0))] + extra)


def after(addr):
    """Datagrams at the harness's port until stopped (at most 20 s); on
    SIGTERM (handled from the start) it says how many it sent."""
    rnd = random.Random(7)
    sent = sent_after
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            s.sendto(M2 if rnd.random() < 0.5 else rnd.randbytes(20), addr)
            sent[0] += 1
        except OSError:
            pass  # ECONNREFUSED: the harness's socket is closed
        time.sleep(0.001)  # a pace, not synchronisation


while True:
    d, addr = s.recvfrom(65535)
    if logged < 50:
        print(f"received {len(d)} bytes from {addr[1]}: {d[:16].hex()}", file=sys.stderr,
              flush=True)
        logged += 1
    if coap:
        req = coap_parse(d)
        if req is None or req[0] not in (0, 1) or req[1] == 0:
            if req is not None and req[0] == 0 and req[1] == 0:  # CoAP ping
                s.sendto(bytes([0x70, 0]) + d[2:4], addr)
            continue
        payload, opts = req[5], req[4]
        if 23 in opts:
            continuation(addr, req, opts[23][0])
            continue
    else:
        req, payload = None, d
    if payload[:1] == b"\xf5":
        message_1(addr, req)
    elif payload[:len(C_R)] == C_R:
        answer(addr, req, 0x44, b"")  # message_3 accepted
        if mode == "after":
            after(addr)
    elif coap:
        answer(addr, req, 0x84, b"")  # 4.04: OSCORE and anything else
