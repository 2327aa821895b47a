#!/usr/bin/python3
"""Fake IUT Responder on 127.0.0.1:PORT that has one METHOD and one cipher suite and checks
nothing else of a message_1:

    sloppy_responder.py PORT METHOD SUITE

A CoAP POST whose payload is 0xf5 and then a message_1 with that METHOD and that selected
suite (read loosely: items wrapped in an array are read as if they were not, SUITES_I as an
int or as an array whose last item is the suite) gets a 2.04 with a message_2-shaped byte
string; any other gets a 4.00 with an EDHOC error message, ERR_CODE 1. So it stands in for an
implementation of one profile that lacks the checks of G_X, C_I and the CBOR structure: a
scenario about those checks fails it only if it is run in that profile."""
import socket
import sys

port, method, suite = (int(a) for a in sys.argv[1:4])
MESSAGE_2 = bytes([0x58, 0x2D]) + bytes(range(45))
ERROR = bytes([0x01, 0x64]) + b"nope"


def payload(d):
    i = d.find(b"\xff", 4 + (d[0] & 0x0F))
    return d[i + 1:] if i >= 0 else b""


def small_int(p, i):
    """A CBOR int of -24..255 at p[i] (loosely); (value, next index) or (None, i)."""
    if i >= len(p):
        return None, i
    b = p[i]
    if b < 0x18:
        return b, i + 1
    if b == 0x18 and i + 1 < len(p):
        return p[i + 1], i + 2
    if 0x20 <= b < 0x38:
        return -1 - (b - 0x20), i + 1
    return None, i


def accepts(p):
    if len(p) < 3 or p[0] != 0xF5:
        return False
    i = 1
    if 0x80 <= p[i] <= 0x97:          # a message_1 in an array: read on inside it
        i += 1
    m, i = small_int(p, i)
    if m != method or i >= len(p):
        return False
    if 0x80 <= p[i] <= 0x97:          # SUITES_I as an array: its last item is selected
        n, i, s = p[i] & 0x1F, i + 1, None
        for _ in range(n):
            s, i = small_int(p, i)
    else:
        s, i = small_int(p, i)
    return s == suite


s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", port))
print("listening", flush=True)
while True:
    d, addr = s.recvfrom(65535)
    if len(d) < 4 or (d[0] >> 4) & 3 != 0:  # not a CON request
        continue
    tkl = d[0] & 0x0F
    if accepts(payload(d)):
        s.sendto(bytes([0x60 | tkl, 0x44]) + d[2:4] + d[4:4 + tkl] + b"\xff" + MESSAGE_2, addr)
    else:  # 4.00, Content-Format (12) 64, the error message
        s.sendto(bytes([0x60 | tkl, 0x80]) + d[2:4] + d[4:4 + tkl] + bytes([0xC1, 64, 0xFF]) +
                 ERROR, addr)
