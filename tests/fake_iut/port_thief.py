#!/usr/bin/python3
"""Fake IUT launcher that loses a port race once.

    port_thief.py PORT MARKER COMMAND...

First call (MARKER absent): another process takes PORT first, as a parallel job or run
can between the harness's choice of a free port and the IUT's bind. That process (a
holder, in a session of its own, so that stopping this IUT does not free the port) binds
PORT over UDP, writes its pid to MARKER.pid and holds the port for at most 30 s; this
call then fails as an IUT that cannot listen does (stderr, exit 1). Every later call
(MARKER present) execs COMMAND, the real IUT, on the port it was given. The test that
starts it stops the holder by the pid in MARKER.pid.
"""
import os
import socket
import sys
import time

port, marker, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
if os.path.exists(marker):
    os.execvp(command[0], command)
open(marker, "w").close()
child = os.fork()
if child == 0:
    os.setsid()
    if os.fork():
        os._exit(0)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    with open(marker + ".tmp", "w") as f:
        f.write(str(os.getpid()))
    os.rename(marker + ".tmp", marker + ".pid")
    time.sleep(30)
    os._exit(0)
os.waitpid(child, 0)
deadline = time.monotonic() + 5
while not os.path.exists(marker + ".pid") and time.monotonic() < deadline:
    time.sleep(0.01)  # bounded: the holder binds at once
print(f"cannot listen on 127.0.0.1 port {port}: taken", file=sys.stderr, flush=True)
sys.exit(1)
