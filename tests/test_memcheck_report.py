"""tools/memcheck-report (make memcheck) over valgrind logs written here in valgrind's
text format: clean logs pass; an error, a definite or an indirect leak fails and is
named, wherever it is (a killed process's log too); possibly lost and still reachable
do not count; a fork's header-only log is not a killed process."""
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
TAG = "1700000000000000001"


def log(pid, parent, command, body="", leaks=(0, 0, 0, 0), errors=0, complete=True):
    lines = ["Memcheck, a memory error detector", f"Command: {command}",
             f"Parent PID: {parent}", ""]
    lines += body.strip("\n").split("\n") + [""] if body else []
    if complete:
        names = ("definitely lost", "indirectly lost", "possibly lost", "still reachable")
        lines += ["HEAP SUMMARY:", "    in use at exit: 0 bytes in 0 blocks", "",
                  "LEAK SUMMARY:"]
        lines += [f"   {n}: {b:,} bytes in {1 if b else 0} blocks" for n, b in zip(names, leaks)]
        lines += ["", f"ERROR SUMMARY: {errors} errors from {errors} contexts "
                      "(suppressed: 0 from 0)"]
    return "".join(f"=={pid}== {x}\n" if x else f"=={pid}== \n" for x in lines)


def report(tmp_path, logs):
    for name, text in logs.items():
        (tmp_path / name).write_text(text)
    return subprocess.run(["/usr/bin/python3", str(ROOT / "tools/memcheck-report"),
                           str(tmp_path)], capture_output=True, text=True, timeout=60)


RUN = "/x/build/edhoc-harness run --peer peers/reference.yaml"
INVALID = """Invalid read of size 4
   at 0x10A0B1: message_2_parse (message_2.c:120)
   by 0x10A0C2: main (main.c:10)
 Address 0x4a4f040 is 0 bytes after a block of size 16 alloc'd"""
LEAK = """64 bytes in 1 blocks are definitely lost in loss record 3 of 9
   at 0x483877F: malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
   by 0x10B0B1: run_main (runner.c:514)"""


def test_clean_logs_pass_and_what_is_not_counted_is_shown(tmp_path):
    r = report(tmp_path, {
        f"vg.{TAG}.100.log": log(100, 1, RUN, leaks=(0, 0, 320, 90000)),
        f"vg.{TAG}.101.log": log(101, 100, RUN),  # a job child
        f"vg.{TAG}.102.log": log(102, 101, RUN, complete=False),  # forked, then exec'ed
    })
    assert r.returncode == 0, r.stdout + r.stderr
    assert "3 valgrind logs" in r.stdout and "0 processes killed" in r.stdout
    assert "possibly lost 320 bytes" in r.stdout and "still reachable 90,000 bytes" in r.stdout
    assert "memcheck: OK" in r.stdout


def test_errors_and_leaks_fail_naming_the_log_and_our_frame(tmp_path):
    r = report(tmp_path, {
        f"vg.{TAG}.100.log": log(100, 1, RUN),
        f"vg.{TAG}.101.log": log(101, 100, RUN, INVALID, errors=1),
        f"vg.{TAG}.103.log": log(103, 100, RUN, LEAK, leaks=(64, 0, 0, 0), errors=1),
        f"vg.{TAG}.104.log": log(104, 100, RUN, leaks=(0, 48, 0, 0)),
    })
    assert r.returncode == 1, r.stdout + r.stderr
    assert "3 of 4 logs have errors or leaks" in r.stdout
    assert f"vg.{TAG}.101.log (forked child of pid 100)" in r.stdout
    assert "Invalid read of size 4 at message_2_parse (message_2.c:120)" in r.stdout
    assert "definitely lost in loss record 3 of 9 at run_main (runner.c:514)" in r.stdout
    assert "indirectly lost 48 bytes" in r.stdout


def test_a_killed_process_is_listed_and_its_errors_count(tmp_path):
    other = "1700000000000000002"
    peer = "/x/build/edhoc-harness peer responder --port 5683"
    r = report(tmp_path, {f"vg.{other}.200.log": log(200, 7, peer, complete=False)})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 processes killed" in r.stdout and f"vg.{other}.200.log" in r.stdout
    r = report(tmp_path, {f"vg.{other}.200.log": log(200, 7, peer, INVALID, complete=False)})
    assert r.returncode == 1, r.stdout + r.stderr
    assert "ERROR SUMMARY (none: killed)" in r.stdout


def test_no_logs_is_a_failure(tmp_path):
    r = report(tmp_path, {})
    assert r.returncode == 2
    assert "no valgrind logs" in r.stderr
