"""The real server processes the tests run (Jupyter, kernel gateway, Voilà, JupyterHub): started
in a process group of their own with their output in a log file, waited for until they answer,
stopped with SIGTERM (then SIGKILL to the group if they linger, and to what is left of the group).
They also get SIGTERM when the test process dies without stopping them (killed by CI, or by a
time limit): a server then shuts its kernels down as on a normal stop."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import time
import urllib.error
from collections.abc import Callable
from pathlib import Path


def isolated_env(workdir: Path, jupyter_path: Path) -> dict[str, str]:
    """This process's environment for a server started in ``workdir``: Jupyter looks for kernelspecs
    (and extensions) in ``jupyter_path`` first, and the host's config, data and runtime dirs (lab
    workspaces included) stay out of the way. PYTHONPATH is dropped: the server's venv must not see
    the project's (or the test runner's) packages."""
    env = {
        **os.environ,
        "JUPYTER_PATH": str(jupyter_path),
        "JUPYTER_CONFIG_DIR": str(workdir / "config"),
        "JUPYTER_DATA_DIR": str(workdir / "data"),
        "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"),
    }
    env.pop("PYTHONPATH", None)
    return env


_PR_SET_PDEATHSIG = 1
_prctl = ctypes.CDLL(None, use_errno=True).prctl


def _terminate_with_parent() -> None:
    """In the child before exec: SIGTERM when the thread that started it ends (Linux prctl; it
    survives exec). Servers are started from the test process's main thread."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def launch(cmd: list[str], env: dict[str, str], cwd: Path, log_path: Path, append: bool = False) -> subprocess.Popen:
    with open(log_path, "ab" if append else "wb") as log:
        return subprocess.Popen(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_terminate_with_parent,
        )


def wait_until_answers(
    process: subprocess.Popen,
    probe: Callable[[], object],
    name: str,
    log: Callable[[], str],
    timeout: float,
    interval: float = 0.2,
    stop_timeout: float = 20,
) -> None:
    """Call ``probe`` (an HTTP request) until it succeeds; stop the process and raise with the
    end of its log if it exits first or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{log()[-3000:]}")
        try:
            probe()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(interval)
    stop(process, stop_timeout)
    raise TimeoutError(f"{name} not ready after {timeout}s:\n{log()[-3000:]}")


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM lets a server stop what it started (kernels, a proxy); then SIGKILL to its process
    group: to the server if it lingers, and to any member of the group that outlived it."""
    if process.returncode is not None:
        return  # reaped long ago: its group id may be another process's by now (pids wrap around)
    process.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=timeout)
    kill_group(process)


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL to the process group ``process`` leads (``launch`` made one), then reap it. Call it
    while the leader is alive or just reaped: while any member lives, the group id is not reused."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
