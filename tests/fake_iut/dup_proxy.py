#!/usr/bin/python3
"""A network that delivers every datagram twice, in front of an IUT that is a CoAP client.

    dup_proxy.py [--rebind] HOST PORT -- COMMAND...

Binds a UDP socket on 127.0.0.1 (any port), runs COMMAND with `PROXY_PORT` replaced by
that port, and relays: each datagram from the command's process to HOST:PORT is sent
there twice (what a client's CoAP layer sends when its ACK timer runs out before the
answer came: the same Message ID again, RFC 7252 §4.2), each datagram from HOST:PORT goes
back once. It ends with the command's exit status; SIGTERM is passed on to the command.
Stands in for any CoAP stack that retransmits, whatever the harness's speed.

With --rebind the second copy of each datagram comes from another source port (a socket
of its own, made for it): a client whose address changed between a datagram and its
retransmission (a NAT rebinding, a stack with a socket per datagram). Answers to either
port go back to the command's process."""
import pathlib
import selectors
import signal
import socket
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tools"))
from udp_relay import relay_one  # noqa: E402


def main():
    sep = sys.argv.index("--")
    rebind = sys.argv[1] == "--rebind"
    if rebind:
        del sys.argv[1]
        sep -= 1
    host, port = sys.argv[1], int(sys.argv[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    mine = s.getsockname()[1]
    cmd = [a.replace("PROXY_PORT", str(mine)) for a in sys.argv[sep + 1:]]
    child = subprocess.Popen(cmd)
    signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    target = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_DGRAM)[0][4]
    client = None
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ)
    while child.poll() is None:
        for key, _ in sel.select(timeout=0.05):  # bounded: notices the command's end
            if not rebind:
                client = relay_one(s, target, client, copies=2)
                continue
            data, src = key.fileobj.recvfrom(65535)
            if key.fileobj is not s or src == target:  # an answer: back to the client
                if client is not None:
                    s.sendto(data, client)
                continue
            client = src
            s.sendto(data, target)
            other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            other.bind(("127.0.0.1", 0))
            sel.register(other, selectors.EVENT_READ)
            other.sendto(data, target)
    sys.exit(child.returncode)


main()
