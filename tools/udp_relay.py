#!/usr/bin/python3
"""A UDP relay on 127.0.0.1 for an IUT whose port is fixed at build time (the
uoscore-uedhoc samples: 5683), so that the harness can still give each job its own port:

    udp_relay.py LISTEN TARGET

It binds 127.0.0.1:LISTEN (0: any free port), prints "relay listening on PORT" (a `ready:` string for a
peer file), and then forwards every datagram from anyone but 127.0.0.1:TARGET to TARGET,
and every datagram from TARGET back to the last sender. One peer at a time: run jobs with
-j 1. It runs until it is stopped (the harness stops the IUT's whole process group).

    responder: "python3 tools/udp_relay.py {port} 5683 & exec ./responder"   (IUT at 5683)
    initiator: "python3 tools/udp_relay.py 5683 {port} & ...; ./initiator"   (it sends to 5683)
"""
import socket
import sys


def relay_one(s, target, last, copies=1):
    """Receive one datagram on s and pass it on: from target back to last (the last
    sender), from anyone else to target (copies times). Returns the new last sender."""
    data, src = s.recvfrom(65535)
    if src == target:
        if last is not None:
            s.sendto(data, last)
        return last
    for _ in range(copies):
        s.sendto(data, target)
    return src


def main():
    listen, target = int(sys.argv[1]), ("127.0.0.1", int(sys.argv[2]))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", listen))
    print(f"relay listening on {s.getsockname()[1]}", flush=True)  # LISTEN 0: any port
    last = None
    while True:
        last = relay_one(s, target, last)


if __name__ == "__main__":
    main()
