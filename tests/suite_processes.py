"""Which processes this test run started, found by a marker in their environment.

``mark_this_run`` puts ``CELLWIRE_TEST_RUN=<random>`` into the test process's environment; every
process started from it inherits it: Jupyter servers and their kernels, Voilà, the kernel gateway,
JupyterHub and its proxy (its spawner passes the marker on explicitly), Playwright's driver and
Chromium. ``leftovers`` lists those still running; the session ends by checking that none is
(tests/conftest.py). Linux only: it reads ``/proc/<pid>/environ``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import time
from dataclasses import dataclass
from pathlib import Path

MARKER = "CELLWIRE_TEST_RUN"


def mark_this_run() -> str:
    """Give this test run its own marker value (a run started by a test run gets a fresh one)."""
    os.environ[MARKER] = secrets.token_hex(8)
    return os.environ[MARKER]


@dataclass(frozen=True)
class Leftover:
    pid: int
    command: str


def leftovers(marker: str) -> list[Leftover]:
    """Running processes (not zombies) whose environment carries ``MARKER=marker``, this one excepted."""
    needle = f"{MARKER}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            if (entry / "stat").read_text().rpartition(")")[2].split()[0] == "Z":
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except (OSError, IndexError):  # gone meanwhile, or not ours to read
            continue
        found.append(Leftover(int(entry.name), command[:300]))
    return found


def wait_for_exit(marker: str, timeout: float) -> list[Leftover]:
    """The processes still running after ``timeout`` s (what was just stopped may take a moment)."""
    deadline = time.monotonic() + timeout
    while (left := leftovers(marker)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def kill(processes: list[Leftover]) -> None:
    for process in processes:
        with contextlib.suppress(OSError):
            os.kill(process.pid, signal.SIGKILL)
