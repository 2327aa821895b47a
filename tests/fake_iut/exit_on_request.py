#!/usr/bin/python3
"""Fake IUT Responder: binds 127.0.0.1:PORT over UDP, prints "listening", and
exits with code N (default 1) as soon as the first datagram arrives, without
answering it. For tests of how a step names an IUT that exited."""
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("listening", flush=True)
s.recv(65535)
sys.exit(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
