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


def address_peer(host, port):
    return (f'name: by-address\nversion: "1"\n'
            f'capabilities: [method-3, suite-2, cred-kid, coap, error-messages]\n'
            f'responder:\n  address: {{host: "{host}", port: {port}}}\n  timeout: 3000\n')


def run_against_address(tmp_path, bind_host, peer_host, hosts_text=None):
    """The reference Responder started by hand on bind_host (the address form of
    peers/README.md), and `run` against it through peer_host; in a mount namespace
    with hosts_text as /etc/hosts when given. The shell stops the Responder by its
    PID. Returns the run's process and its JSON results."""
    from test_sanity import free_udp_port
    port = free_udp_port()
    harness = ROOT / "build/edhoc-harness"
    (tmp_path / "peer.yaml").write_text(address_peer(peer_host, port))
    script = (f"'{harness}' peer responder --host '{bind_host}' --port {port} --cred-dir "
              f"vectors/creds --cred rfc9529-trace2-r --peer-cred rfc9529-trace2-i --cred-id kid "
              f"> '{tmp_path}/iut.out' 2>&1 & iut=$!; "
              # started by hand, so ready once it says so: the file is polled, at most 10 s
              f"n=0; until grep -q 'listening on' '{tmp_path}/iut.out'; do n=$((n+1)); "
              f"[ $n -gt 500 ] && {{ kill $iut; exit 9; }}; sleep 0.02; done; "
              f"'{harness}' run scenarios/interop/handshake.yaml --peer '{tmp_path}/peer.yaml' "
              f"--role responder --out '{tmp_path}/out' --json '{tmp_path}/r.json' "
              f"--junit '{tmp_path}/j.xml'; rc=$?; kill $iut; wait $iut; exit $rc")
    (tmp_path / "run.sh").write_text(script + "\n")
    if hosts_text is None:
        r = subprocess.run(["sh", str(tmp_path / "run.sh")], capture_output=True, text=True,
                           timeout=scaled(120), cwd=ROOT)
    else:
        r = in_namespace_with_hosts(tmp_path, hosts_text, f"sh '{tmp_path}/run.sh'")
    import json
    res = json.loads((tmp_path / "r.json").read_text())["results"] \
        if (tmp_path / "r.json").exists() else []
    return r, res


def test_an_ipv4_iut_by_address_through_localhost(tmp_path):
    """issue 15 item 1: `address: {host: localhost}` with ::1 first (a stock hosts file)
    and an IUT listening on 127.0.0.1 only: the run finds the address that answers
    (before, every message went to ::1 and nothing came back)."""
    r, res = run_against_address(tmp_path, "127.0.0.1", "localhost", STOCK_ORDER)
    assert r.returncode == 0, r.stdout + r.stderr
    assert [x["verdict"] for x in res] == ["pass"], res
    assert "IUT responder at localhost port" in r.stdout and "127.0.0.1 answers there" in r.stdout


def test_an_ipv6_only_iut(tmp_path):
    """issue 15 item 1: an IUT that listens on ::1 only, given as "::1" (and as
    localhost where that resolves to ::1 too)."""
    r, res = run_against_address(tmp_path, "::1", "::1")
    assert r.returncode == 0 and [x["verdict"] for x in res] == ["pass"], r.stdout + r.stderr
    r, res = run_against_address(tmp_path, "::1", "localhost", DEBIAN_HOSTS)
    assert r.returncode == 0 and [x["verdict"] for x in res] == ["pass"], r.stdout + r.stderr
