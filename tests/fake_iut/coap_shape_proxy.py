#!/usr/bin/python3
"""A UDP proxy that changes how CoAP messages travel, not what they say, in front of an IUT.

    coap_shape_proxy.py separate LISTEN_PORT -- COMMAND...   (the IUT is the CoAP server)
    coap_shape_proxy.py non HARNESS_PORT -- COMMAND...       (the IUT is the CoAP client)
    coap_shape_proxy.py newport HARNESS_PORT -- COMMAND...   (the IUT is the CoAP client)
    coap_shape_proxy.py no-ack LISTEN_PORT -- COMMAND...     (the IUT is a raw-UDP server)

`separate` and `no-ack` bind 127.0.0.1:LISTEN_PORT and runs COMMAND with `IUT_PORT` replaced by a free
port; the other modes run it with `PROXY_PORT` replaced by the port the proxy takes the
IUT's datagrams on, and send them to the harness at HARNESS_PORT. It relays between the
harness and the command's process. RFC 7252 lets a CoAP endpoint do
either of these, so a harness that judges an IUT must take both:

- `separate`: every piggybacked response of the IUT (an ACK with a response code) reaches
  the harness as a separate response (RFC 7252 §5.2.2): an empty ACK for the request's
  Message ID, then a Confirmable response with a Message ID of its own and the same
  token, options and payload. The harness's ACK of it stays with the proxy.
- `non`: every Confirmable request of the IUT reaches the harness as a Non-confirmable
  one with the same Message ID and token (RFC 7252 §2.2); the harness's response (a NON,
  RFC 7252 §5.2.3, or whatever it sends) goes back to the IUT as the piggybacked ACK its
  Confirmable request waited for.
- `newport`: every request of the IUT with a token not seen before reaches the harness from
  a new source port (a client that opens a socket per request; RFC 9528 Appendix A.2
  correlates message_3 by its C_R prefix, not by the address).
- `no-ack` (raw UDP, no CoAP): the IUT's empty datagrams stay with the proxy. The reference
  peer acknowledges a message_3 it accepted (no message_4) with one; RFC 9528 defines no
  such acknowledgment, and a Responder that sends nothing is conforming.

It ends with the command's exit status; SIGTERM is passed on to the command."""
import selectors
import signal
import socket
import subprocess
import sys

CON, NON, ACK, RST = 0, 1, 2, 3


def parse(d):
    """(type, code, mid, token, rest) of a CoAP datagram, or None."""
    if len(d) < 4 or d[0] >> 6 != 1 or (d[0] & 0x0F) > 8 or len(d) < 4 + (d[0] & 0x0F):
        return None
    tkl = d[0] & 0x0F
    return (d[0] >> 4) & 3, d[1], int.from_bytes(d[2:4], "big"), d[4:4 + tkl], d[4 + tkl:]


def build(typ, code, mid, token, rest=b""):
    return bytes([0x40 | typ << 4 | len(token), code]) + mid.to_bytes(2, "big") + token + rest


def free_port():
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    sep = sys.argv.index("--")
    # harness_side: the socket the harness talks to; iut_side: the one the IUT talks to
    harness_side = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    iut_side = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if mode in ("separate", "no-ack"):  # the harness sends to PORT, the IUT listens on IUT_PORT
        harness_side.bind(("127.0.0.1", port))
        iut_side.bind(("127.0.0.1", 0))
        iut, harness = ("127.0.0.1", free_port()), None
        subst = ("IUT_PORT", str(iut[1]))
    else:  # the harness listens on PORT, the IUT sends to PROXY_PORT
        harness_side.bind(("127.0.0.1", 0))
        iut_side.bind(("127.0.0.1", 0))
        iut, harness = None, ("127.0.0.1", port)
        subst = ("PROXY_PORT", str(iut_side.getsockname()[1]))
    child = subprocess.Popen([a.replace(*subst) for a in sys.argv[sep + 1:]])
    signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    sel = selectors.DefaultSelector()
    sel.register(harness_side, selectors.EVENT_READ)
    sel.register(iut_side, selectors.EVENT_READ)
    own_mids = set()  # separate: the Message IDs of the proxy's Confirmable responses
    next_mid = 0x7000
    requests = {}  # non: token -> the Message ID of the IUT's Confirmable request
    by_token = {}  # newport: token -> the socket its request went out on
    while child.poll() is None:
        for key, _ in sel.select(timeout=0.05):  # bounded: notices the command's end
            d, src = key.fileobj.recvfrom(65535)
            m = parse(d)
            if mode == "newport":
                if key.fileobj is iut_side:
                    iut = src
                    out = by_token.get(m[3]) if m and m[1] != 0 else harness_side
                    if out is None:  # a new request: a new socket
                        out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        out.bind(("127.0.0.1", 0))
                        sel.register(out, selectors.EVENT_READ)
                        by_token[m[3]] = harness_side = out
                    out.sendto(d, harness)
                elif iut is not None:
                    iut_side.sendto(d, iut)
                continue
            if key.fileobj is harness_side:
                if mode in ("separate", "no-ack"):
                    harness = src
                    if (mode == "separate" and m and m[0] in (ACK, RST) and m[1] == 0 and
                            m[2] in own_mids):
                        continue  # the harness's ACK of a separate response
                elif m and m[1] >= 0x40 and m[3] in requests:
                    d = build(ACK, m[1], requests.pop(m[3]), m[3], m[4])
                elif m and m[0] == ACK and m[1] == 0:
                    continue  # an empty ACK: the IUT's request was NON
                if iut is not None:
                    iut_side.sendto(d, iut)
                continue
            if mode == "no-ack" and not d:
                continue  # the reference peer's acknowledgment of message_3
            if mode == "non":
                iut = src
                if m and m[0] == CON and 1 <= m[1] < 0x20:
                    requests[m[3]] = m[2]
                    d = build(NON, m[1], m[2], m[3], m[4])
            elif mode == "separate" and m and m[0] == ACK and m[1] != 0 and harness is not None:
                harness_side.sendto(build(ACK, 0, m[2], b""), harness)
                next_mid = (next_mid + 1) & 0xFFFF
                own_mids.add(next_mid)
                d = build(CON, m[1], next_mid, m[3], m[4])
            if harness is not None:
                harness_side.sendto(d, harness)
    sys.exit(child.returncode)


main()
