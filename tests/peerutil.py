"""Start reference Responders and run Initiators as separate processes on
loopback. Readiness is the Responder's "listening on" line, read with a
deadline (no sleeps)."""
import os
import re
import selectors
import signal
import subprocess
import time

from wall import scaled

LISTEN = re.compile(r"(?:responder|initiator): listening on ([\w+]+)://(.+):(\d+)")


class Responder:
    """A listening reference peer: the Responder, or with role="initiator" the
    Initiator of the reverse message flow (RFC 9528 Appendix A.2.2)."""
    def __init__(self, harness, *args, host="127.0.0.1", transport="coap", cwd=None,
                 ready_timeout=10, env=None, role="responder"):
        flow = ["--flow", "reverse"] if role == "initiator" else []
        self.cmd = [str(harness), "peer", role, *flow, "--transport", transport,
                    "--host", host, "--port", "0", *map(str, args)]
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, cwd=cwd, env=env)
        self.host = host
        self.lines = []
        self.port = None
        deadline = time.monotonic() + scaled(ready_timeout)
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        while self.port is None:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"responder not ready: {self.cmd} {self.lines} "
                                   f"{self.proc.stderr.read() if self.proc.stderr else ''}")
            if sel.select(timeout=left):
                line = self.proc.stdout.readline()
                self.lines.append(line)
                m = LISTEN.search(line)
                if m:
                    self.port = int(m.group(3))
        sel.close()

    def stop(self, timeout=10):
        """SIGTERM, then collect the remaining output; returns (rc, stdout, stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            out, err = self.proc.communicate(timeout=scaled(timeout))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.proc.returncode, "".join(self.lines) + (out or ""), err or ""

    def wait(self, timeout=30):
        """Wait for it to end by itself; returns (rc, stdout, stderr)."""
        try:
            out, err = self.proc.communicate(timeout=scaled(timeout))
        except subprocess.TimeoutExpired:
            return self.stop()
        return self.proc.returncode, "".join(self.lines) + (out or ""), err or ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def initiator(harness, responder, *args, transport="coap", timeout=60, cwd=None):
    cmd = [str(harness), "peer", "initiator", "--transport", transport,
           "--host", responder.host, "--port", str(responder.port), *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=scaled(timeout), cwd=cwd)


def unique_sleep_marker(base):
    """A `sleep` argument no other process uses ("BASE.<pid><time>"): make test runs a
    test in the plain and the sanitizer pass at once, and a fixed one would find the
    other pass's process."""
    return f"{base}.{os.getpid()}{time.monotonic_ns() % 1000000:06d}"


def processes_running(text):
    """Pids of the processes whose command line contains text (read from /proc: to see
    what a run left behind, never to stop anything)."""
    import pathlib
    found = []
    for p in pathlib.Path("/proc").iterdir():
        try:
            if p.name.isdigit() and text.encode() in (p / "cmdline").read_bytes().replace(
                    b"\0", b" "):
                found.append(p.name)
        except OSError:
            pass
    return found
