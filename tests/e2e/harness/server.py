"""Start a real Jupyter server from the server-only venv, the way a user would run it.

The server venv holds jupyterlab, notebook and nbclassic and nothing of cellwire; the kernel
runs the test runner's own interpreter through a private kernelspec. Security settings stay
at their defaults (token auth, same-origin WebSockets, XSRF checks).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from .kernel_client import KernelClient
from .process import isolated_env, kill_group, launch, stop, wait_until_answers

FRONTENDS = ("lab", "notebook", "nbclassic")
KERNEL_NAME = "cellwire-test"
PROJECT_ROOT = Path(__file__).resolve().parents[3]

# Where each front-end opens a notebook, relative to base_url. Lab reopens everything its
# workspace remembers, so each visit gets a workspace of its own.
NOTEBOOK_ROUTES = {
    "lab": "lab/workspaces/{workspace}/tree/",
    "notebook": "notebooks/",
    "nbclassic": "nbclassic/notebooks/",
}

# Lab and Notebook 7 hide their application object unless asked; the driver needs it.
FRONTEND_FLAGS = {
    "lab": ["--LabApp.expose_app_in_browser=True"],
    "notebook": ["--JupyterNotebookApp.expose_app_in_browser=True"],
    "nbclassic": [],
}

# Lab asks about news in a toast that can cover outputs; answer "no" up front.
LAB_USER_SETTINGS = {"@jupyterlab/apputils-extension/notification": {"fetchNews": "false"}}

# The urllib default would route 127.0.0.1 through any proxy set in the environment.
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def server_venv(kind: str = "server") -> Path:
    """A Jupyter server venv built by ``make``: ``server`` (no cellwire), ``accel-server`` (cellwire
    installed, so its accelerator is on) or ``bench-server`` (ipywidgets' and anywidget's front-ends).
    ``CELLWIRE_<KIND>_VENV`` overrides where it is."""
    name = kind.upper().replace("-", "_")
    venv = Path(os.environ.get(f"CELLWIRE_{name}_VENV", PROJECT_ROOT / f".venv-{kind}"))
    if not (venv / "bin" / "jupyter").exists():
        raise RuntimeError(
            f"no Jupyter {kind} venv at {venv}: run `make test` to build it (or point CELLWIRE_{name}_VENV at one)"
        )
    return venv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kernel_venv_python(name: str) -> str:
    """The interpreter of a kernel venv built by ``make`` (e.g. ``ipykernel6``: ``.venv-ipykernel6``)."""
    python = PROJECT_ROOT / f".venv-{name}" / "bin" / "python"
    if not python.exists():
        raise RuntimeError(f"no kernel venv at {python.parent.parent}: run `make test` to build it")
    return str(python)


def write_kernelspec(
    jupyter_path: Path, python: str | None = None, like_a_user: bool = False, env: dict[str, str] | None = None
) -> None:
    """A kernelspec that runs ``python`` (default: this interpreter, i.e. the project venv with
    cellwire installed), with ``env`` added to the kernel's environment. ``like_a_user``: without
    pytest's variable, so ipykernel shows what the process writes to its stderr in the notebook, as
    it does for users (under pytest it does not)."""
    spec_dir = jupyter_path / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    prefix = ["env", "-u", "PYTEST_CURRENT_TEST"] if like_a_user else []
    spec = {
        "argv": [*prefix, python or sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (cellwire-test)",
        "language": "python",
        **({"env": env} if env else {}),
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))


class JupyterServer:
    """One running ``jupyter {lab|notebook|nbclassic}`` process on 127.0.0.1."""

    def __init__(
        self,
        frontend: str,
        workdir: Path,
        base_url: str = "/",
        startup_timeout: float = 90,
        venv: Path | None = None,
        extra_args: tuple[str, ...] = (),
        kernel_python: str | None = None,
        kernel_env: dict[str, str] | None = None,
        kernel_like_a_user: bool = False,
    ):
        if frontend not in FRONTENDS:
            raise ValueError(f"frontend must be one of {FRONTENDS}")
        self.frontend = frontend
        stripped = base_url.strip("/")
        self.base_url = f"/{stripped}/" if stripped else "/"
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.extra_args = extra_args
        # Behind a kernel gateway, jupyter_server speaks only the legacy framing on kernel sockets.
        self.kernel_ws_protocol = "legacy" if any(a.startswith("--gateway-url") for a in extra_args) else "v1"
        self.venv = venv or server_venv()
        self.root_dir = workdir / "root"
        self.log_path = workdir / "server.log"
        self.root_dir.mkdir(parents=True)
        jupyter_path = workdir / "jupyter-path"
        write_kernelspec(jupyter_path, kernel_python, kernel_like_a_user, kernel_env)
        for name, settings in LAB_USER_SETTINGS.items():
            settings_file = workdir / "config" / "lab" / "user-settings" / f"{name}.jupyterlab-settings"
            settings_file.parent.mkdir(parents=True)
            settings_file.write_text(json.dumps(settings))
        env = isolated_env(workdir, jupyter_path)
        cmd = [
            str(self.venv / "bin" / "jupyter"),
            frontend,
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--ServerApp.base_url={self.base_url}",
            f"--MappingKernelManager.default_kernel_name={KERNEL_NAME}",
            *FRONTEND_FLAGS[frontend],
            *extra_args,
        ]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        self._launch = (cmd, env, workdir)
        self._start(startup_timeout)

    def _start(self, startup_timeout: float) -> None:
        cmd, env, workdir = self._launch
        self.process = launch(cmd, env, workdir, self.log_path, append=True)
        self._wait_ready(startup_timeout)

    def kill(self) -> None:
        """Kill the server (a crash, a redeploy: a clean stop would shut its kernels down). Its
        kernels live on only where something else runs them: a kernel gateway."""
        kill_group(self.process)

    def start_again(self, startup_timeout: float = 90) -> None:
        """After ``kill``: the same server again, on the same port with the same token."""
        self._start(startup_timeout)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port><base_url>``, with a trailing slash."""
        return f"http://127.0.0.1:{self.port}{self.base_url}"

    def notebook_url(self, path: str, port: int | None = None) -> str:
        """Where this front-end opens ``path`` (no token); ``port``: reach the server through
        another port (a proxy in front of it)."""
        route = NOTEBOOK_ROUTES[self.frontend].format(workspace=f"cwt-{secrets.token_hex(4)}")
        base = self.url if port is None else f"http://127.0.0.1:{port}{self.base_url}"
        return base + route + quote(path)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 30):
        """Call the REST API (``path`` relative to base_url, e.g. ``api/kernels``); parsed JSON or None."""
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with _http.open(request, timeout=timeout) as response:
            data = response.read()
        return json.loads(data) if data else None

    def kernel_client(self, kernel_id: str, protocol: str | None = None, **kwargs) -> KernelClient:
        """A side WebSocket client on ``/api/kernels/<id>/channels`` (``protocol``: v1 or legacy;
        by default the one this server speaks)."""
        protocol = protocol or self.kernel_ws_protocol
        ws_url = f"ws://127.0.0.1:{self.port}{self.base_url}api/kernels/{kernel_id}/channels"
        return KernelClient(ws_url, self.token, protocol, **kwargs)

    def _wait_ready(self, timeout: float) -> None:
        wait_until_answers(
            self.process,
            lambda: self.api("GET", "api/status", timeout=5),
            f"jupyter {self.frontend}",
            self.log_text,
            timeout,
        )

    def stop(self) -> None:
        """SIGTERM lets the server shut its kernels down; kill the process group if it lingers."""
        stop(self.process)
