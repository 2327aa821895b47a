#!/usr/bin/python3
"""Fake IUT for probe mode: answers any datagram on 127.0.0.1:PORT ($1) with
a CoAP Reset carrying the request's message ID (or 0 if it is too short)."""
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("listening", flush=True)
while True:
    data, addr = s.recvfrom(2048)
    mid = data[2:4] if len(data) >= 4 else b"\x00\x00"
    s.sendto(b"\x70\x00" + mid, addr)
