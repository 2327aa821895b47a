#!/usr/bin/python3
"""Fake IUT Responder over CoAP over TCP: listens on 127.0.0.1:PORT, prints
"listening", accepts every connection and never sends a byte (no CSM message,
RFC 8323 §5.3.1, no response); runs until it is stopped."""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
print("listening", flush=True)
conns = []
while True:
    c, _ = s.accept()
    conns.append(c)
