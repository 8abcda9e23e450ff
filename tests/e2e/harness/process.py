"""The real server processes the tests run (Jupyter, kernel gateway, Voilà, JupyterHub): started
in a process group of their own with their output in a log file, waited for until they answer,
stopped with SIGTERM (then SIGKILL to the group if they linger)."""

from __future__ import annotations

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
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
