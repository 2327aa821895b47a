#!/usr/bin/python3
"""Fake IUT Responder on 127.0.0.1:PORT ($1) that protects itself with the CoAP
Echo option (RFC 9175 §2.4 item 3, RFC 9528 Appendix A.2): a confirmable request
without an Echo option gets a piggybacked 4.01 with Echo; one with it gets a
4.00 carrying an EDHOC error message (ERR_CODE 1, "echo seen", Content-Format
64). Every request is logged to stdout as "request N bytes, echo yes|no"."""
import socket
import sys

ECHO = 252
VALUE = bytes.fromhex("ec40ec40")
ERROR = bytes.fromhex("01") + bytes([0x69]) + b"echo seen"


def options(d):
    """Option numbers of a CoAP message d (RFC 7252 §3.1)."""
    i, num, out = 4 + (d[0] & 0x0F), 0, []
    while i < len(d) and d[i] != 0xFF:
        delta, length = d[i] >> 4, d[i] & 0x0F
        i += 1
        if delta == 13:
            delta, i = d[i] + 13, i + 1
        elif delta == 14:
            delta, i = (d[i] << 8 | d[i + 1]) + 269, i + 2
        if length == 13:
            length, i = d[i] + 13, i + 1
        elif length == 14:
            length, i = (d[i] << 8 | d[i + 1]) + 269, i + 2
        num += delta
        out.append(num)
        i += length
    return out


s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("listening", flush=True)
while True:
    d, addr = s.recvfrom(65535)
    if len(d) < 4 or (d[0] >> 4) & 3 != 0:  # not a CON request: ignore
        continue
    echo = ECHO in options(d)
    print(f"request {len(d)} bytes, echo {'yes' if echo else 'no'}", flush=True)
    head = bytes([0x60 | (d[0] & 0x0F)]) + (b"\x80" if echo else b"\x81") + d[2:4]
    token = d[4:4 + (d[0] & 0x0F)]
    if echo:  # Content-Format (12) 64, then the error message
        s.sendto(head + token + bytes([0xC1, 64, 0xFF]) + ERROR, addr)
    else:     # Echo (252 = 13 + 239), 4 bytes
        s.sendto(head + token + bytes([0xD4, ECHO - 13]) + VALUE, addr)
