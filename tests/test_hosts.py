"""A stock Debian 12 /etc/hosts maps localhost to ::1 before 127.0.0.1 (issue 15). The
readiness probe tries every address a name resolves to: the unit test that probes an
IUT listening on 127.0.0.1 only through "localhost" (harness/tests/test_iut.c,
probe_responder_ready) passes with Debian's hosts file bind-mounted over /etc/hosts in a
mount namespace of its own (before the fix: iut_wait_ready returned 2, not ready)."""
import pathlib
import shutil
import subprocess

import pytest

from wall import scaled

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEBIAN_HOSTS = """127.0.0.1\tlocalhost
::1\t\tlocalhost ip6-localhost ip6-loopback
"""
# Debian 12's file lists 127.0.0.1 first, yet getaddrinfo orders ::1 first (RFC 6724):
# so does this one, for the names the probe resolves
STOCK_ORDER = "::1 localhost ip6-localhost ip6-loopback\n127.0.0.1 localhost\n"

# the unit tests are one binary for both passes of make test (conftest.py, plain_only)
pytestmark = pytest.mark.plain_only


def in_namespace_with_hosts(tmp_path, hosts_text, command):
    hosts = tmp_path / "hosts"
    hosts.write_text(hosts_text)
    unshare = shutil.which("unshare")
    assert unshare, "unshare (util-linux) is required"
    probe = subprocess.run([unshare, "-m", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"no mount namespace here ({probe.stderr.strip()}): the stock hosts "
                    "file cannot be put in place without changing the machine's")
    script = f"mount --bind '{hosts}' /etc/hosts && exec {command}"
    return subprocess.run([unshare, "-m", "sh", "-c", script], capture_output=True,
                          text=True, timeout=scaled(120), cwd=ROOT)


@pytest.mark.parametrize("hosts_text", [DEBIAN_HOSTS, STOCK_ORDER], ids=["debian", "v6-first"])
def test_probe_finds_an_ipv4_iut_through_localhost(tmp_path, hosts_text):
    r = in_namespace_with_hosts(tmp_path, hosts_text,
                                "env CK_RUN_SUITE=iut build/unit-tests")
    resolved = in_namespace_with_hosts(tmp_path, hosts_text, "getent ahosts localhost")
    assert "::1" in resolved.stdout, resolved.stdout  # the namespace has the stock file
    assert r.returncode == 0, r.stdout + r.stderr
    assert "100%" in r.stdout, r.stdout
