#!/usr/bin/python3
"""Fake IUT Responder that reads every datagram and never answers."""
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("listening", flush=True)
while True:
    s.recv(65535)
