#!/usr/bin/python3
"""Hostile fake IUT Initiator (the harness is the Responder), for
tests/test_hostile.py. It speaks no EDHOC: it replays RFC 9529 trace 2
(message_1, then message_3 prefixed with the trace's C_R 0x27), which the
harness Responder accepts in the deterministic fixture scenarios (`vector:`).

Usage: hostile_initiator.py TRANSPORT HOST PORT MODE
  TRANSPORT  udp (bare datagrams, Appendix A.2 prefixes) or coap (CON POSTs
             to /.well-known/edhoc); HOST PORT: the harness Responder

Modes:
  ok          message_1, then message_3 after the answer; exits 0
  m1-once     message_1 only; exits 0 after the answer, whatever it is (an
              Initiator that does not try again after an error message)
  m3-unknown  message_1, then message_3 prefixed with 0x2a, a C_R nobody issued
  m3-only     only a message_3 prefixed with 0x2a (no message_1 ever), exits 0
  error-bare  message_1, then an error message (ERR_CODE 1) without the C_R prefix
              (Appendix A.2 wants C_R before it, as before message_3), exits 0
  flood       100000 random datagrams (seeded, at most 4 s) at the harness's
              port first, then as `ok`
  segv        message_1, and on its answer kills itself with SIGSEGV
  after       as `ok`, then datagrams at the harness's port (random bytes and
              copies of message_1) until it is stopped (at most 20 s); on
              SIGTERM it prints "sent N datagrams after the handshake"
  deaf        as `ok`, then ignores SIGTERM and never exits (SIGKILL ends it)
  chatty      25 MB to stdout before message_1 and 25 MB after its answer,
              then as `ok`
  huge        one message_1 datagram of 65507 bytes (the IPv4 UDP maximum), exits 0
  padded-N    (coap) one message_1 in a datagram of N bytes in all, made long by an EAD_1
              padding item (label 0, RFC 9528 §3.8.1); exits 0 after the answer
  block1-size1
              (coap) the first 16-byte Block1 block of a message_1 whose Size1
              announces 2^32-1 bytes, exits 0

Each exchange waits at most 2 s for its answer."""
import json
import os
import pathlib
import random
import signal
import socket
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
TRACE = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
M1 = bytes.fromhex(TRACE["message_1"])
M3 = bytes.fromhex(TRACE["message_3"])
C_R = bytes.fromhex(TRACE["c_r_cbor"])
UNKNOWN_C_R = bytes([0x2A])
ERROR = bytes([0x01, 0x62]) + b"no"  # ERR_CODE 1, ERR_INFO "no"

transport, host, port, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
coap = transport == "coap"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((host, port))
s.settimeout(2.0)
mid = 0x100


def coap_request(payload, extra=()):
    """A CON POST to /.well-known/edhoc with token = message ID; extra
    options (number, value) numbered above Uri-Path (11), in order."""
    global mid
    mid += 1
    msg = bytes([0x42, 0x02, mid >> 8, mid & 0xFF]) + mid.to_bytes(2, "big")
    msg += bytes([0xBB]) + b".well-known" + bytes([0x05]) + b"edhoc"
    last = 11
    for num, val in extra:  # deltas and lengths below 269 and 13: one extension byte
        msg += bytes([0xD0 | len(val), num - last - 13]) + val
        last = num
    return msg + b"\xff" + payload


def exchange(payload):
    """One request, its answer (bytes) or None after 2 s."""
    msg = coap_request(payload) if coap else payload
    s.send(msg)
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        try:
            d = s.recv(65535)
        except socket.timeout:
            return None
        except ConnectionRefusedError:
            return None
        if not coap or (len(d) >= 6 and d[2:4] == msg[2:4]):
            return d
    return None


def chatter(fill):
    chunk = fill * 65536 + b"\n"
    for _ in range(25 * 16):  # 25 MB
        sys.stdout.buffer.write(chunk)
    sys.stdout.flush()


def flood(count=100000, seconds=4.0):
    rnd = random.Random(9528)
    deadline = time.monotonic() + seconds
    for i in range(count):
        if i % 1000 == 0 and time.monotonic() > deadline:
            break
        try:
            s.send(rnd.randbytes(rnd.randrange(0, 64)))
        except OSError:
            pass  # ECONNREFUSED from an earlier datagram's ICMP error, ENOBUFS


sent_after = 0


def report_after(signum, frame):
    print(f"sent {sent_after} datagrams after the handshake", flush=True)
    sys.exit(0)


if mode == "deaf":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if mode == "after":  # from the start: the harness may stop it at any time
    signal.signal(signal.SIGTERM, report_after)
if mode == "chatty":
    chatter(b"x")
if mode == "flood":
    flood()
if mode == "huge":  # message_1 filling the largest IPv4 UDP datagram: 65507 bytes in all
    head = coap_request(b"")[:-1] if coap else b""  # the CoAP header, options, payload marker
    n = 65507 - len(head) - 1
    s.send(head + b"\xf5" + (M1 + bytes(n))[:n])
    sys.exit(0)
if mode == "block1-size1":  # a first Block1 block of 16 bytes announcing 2^32-1 bytes (Size1)
    s.send(coap_request(bytes(16), [(27, bytes([0x08])), (60, b"\xff\xff\xff\xff")]))
    sys.exit(0)
if mode.startswith("padded-"):  # a valid message_1 in a datagram of exactly N bytes
    n = int(mode[7:]) - len(coap_request(b"")) - 1 - len(M1) - 4  # f5, EAD label and head
    answer = exchange(b"\xf5" + M1 + b"\x00\x59" + n.to_bytes(2, "big") + bytes(n))
    print(f"answer to message_1: {answer.hex() if answer else None}", flush=True)
    sys.exit(0)
if mode == "m3-only":
    exchange(UNKNOWN_C_R + M3)
    sys.exit(0)
answer = exchange(b"\xf5" + M1)
print(f"answer to message_1: {answer.hex() if answer else None}", flush=True)
if mode == "m1-once":
    sys.exit(0)
if mode == "segv":
    os.kill(os.getpid(), signal.SIGSEGV)
if mode == "chatty":
    chatter(b"y")
if mode == "error-bare":
    exchange(ERROR)
    sys.exit(0)
answer = exchange((UNKNOWN_C_R if mode == "m3-unknown" else C_R) + M3)
print(f"answer to message_3: {answer.hex() if answer is not None else None}", flush=True)
if mode == "after":
    rnd = random.Random(7)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            s.send(b"\xf5" + M1 if rnd.random() < 0.5 else rnd.randbytes(20))
            sent_after += 1
        except OSError:
            pass  # ECONNREFUSED: the harness's port is closed
        time.sleep(0.001)  # a pace, not synchronisation
if mode == "deaf":
    while True:
        signal.pause()
