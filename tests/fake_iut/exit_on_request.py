#!/usr/bin/python3
"""Fake IUT Responder: binds 127.0.0.1:PORT over UDP, prints "listening", and
exits with code N (default 1) as soon as the first datagram arrives, without
answering it. For tests of how a step names an IUT that exited.

With a third argument `message-1` it waits for a raw-UDP message_1 (a datagram
that starts with the Appendix A.2 prefix 0xf5) and ignores any other datagram
(a stray one from another test's harness on a reused port)."""
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("listening", flush=True)
only_message_1 = len(sys.argv) > 3 and sys.argv[3] == "message-1"
while True:
    d = s.recv(65535)
    if not only_message_1 or d[:1] == b"\xf5":
        break
sys.exit(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
