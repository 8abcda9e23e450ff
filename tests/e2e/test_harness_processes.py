"""The harness's servers do not outlive the test process, even when it dies without stopping them
(killed by CI's job limit, by ``kill -9``): they get SIGTERM and stop as on a normal stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HARNESS_PARENT = Path(__file__).resolve().parent

# A test process that starts a "server" through the harness, says its pid, and hangs.
STARTS_AND_HANGS = """
import sys, time
from pathlib import Path
from harness.process import launch
server = launch(["sleep", "600"], dict(__import__("os").environ), Path("."), Path("server.log"))
print(server.pid, flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def test_a_server_ends_when_the_test_process_is_killed(tmp_path):
    tests = subprocess.Popen(
        [sys.executable, "-c", STARTS_AND_HANGS],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(HARNESS_PARENT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        server_pid = int(tests.stdout.readline())
        assert alive(server_pid)
    finally:
        tests.send_signal(signal.SIGKILL)
        tests.wait(timeout=10)
    deadline = time.monotonic() + 5
    while alive(server_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if alive(server_pid):
        os.killpg(server_pid, signal.SIGKILL)
        raise AssertionError("the server outlived the test process that started it")
