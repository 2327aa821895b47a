#!/usr/bin/python3
"""Fake IUT Initiator: POSTs each hex payload given after HOST PORT to
coap://HOST:PORT/.well-known/edhoc as a confirmable request (one at a time,
waiting up to 2 s for each response) and exits, with code 0 or the N of
`--exit N` given first. For tests of how the harness Responder classifies
requests and judges an Initiator's exit; it speaks no EDHOC."""
import socket
import sys

args = sys.argv[1:]
code = 0
if args[:1] == ["--exit"]:
    code, args = int(args[1]), args[2:]
host, port, payloads = args[0], int(args[1]), args[2:]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2.0)
for mid, hexpayload in enumerate(payloads, start=1):
    # ver 1, CON, token length 1; code 0.02 POST; message ID; token
    msg = bytes([0x41, 0x02, 0, mid, 0x5a])
    msg += bytes([0xbb]) + b".well-known"    # Uri-Path (11), length 11
    msg += bytes([0x05]) + b"edhoc"          # Uri-Path again, length 5
    msg += b"\xff" + bytes.fromhex(hexpayload)
    s.sendto(msg, (host, port))
    try:
        s.recvfrom(2048)
    except socket.timeout:
        pass
sys.exit(code)
