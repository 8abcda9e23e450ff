"""A real JupyterHub: the hub and configurable-http-proxy (npm), a local-process spawner and the
dummy authenticator, single-user servers from the hub venv (no cellwire in it), each user's
kernels from the project venv through the test kernelspec. Optionally over HTTPS with a
self-signed certificate made here with ``openssl``."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from .kernel_client import KernelClient
from .process import launch, stop, wait_until_answers
from .server import FRONTEND_FLAGS, KERNEL_NAME, LAB_USER_SETTINGS, PROJECT_ROOT, free_port, write_kernelspec

PASSWORD = "cellwire-test"


def hub_venv() -> Path:
    venv = Path(os.environ.get("CELLWIRE_HUB_VENV", PROJECT_ROOT / ".venv-hub"))
    if not (venv / "bin" / "jupyterhub").exists():
        raise RuntimeError(f"no JupyterHub venv at {venv}: run `make test` to build it (or set CELLWIRE_HUB_VENV)")
    return venv


def hub_proxy() -> Path:
    proxy = PROJECT_ROOT / ".hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
    if not proxy.exists():
        raise RuntimeError(f"no configurable-http-proxy at {proxy}: run `make test` to install it")
    return proxy


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class JupyterHub:
    """``jupyterhub`` on 127.0.0.1 (``https=True``: behind a self-signed certificate)."""

    def __init__(self, workdir: Path, https: bool = False, startup_timeout: float = 90):
        self.port = free_port()
        self.https = https
        self.token = secrets.token_hex(16)  # a service token allowed to reach users' servers
        self.log_path = workdir / "hub.log"
        self.workdir = workdir
        jupyter_path = workdir / "jupyter-path"
        write_kernelspec(jupyter_path)
        config = workdir / "config"
        for name, settings in LAB_USER_SETTINGS.items():
            path = config / "lab" / "user-settings" / f"{name}.jupyterlab-settings"
            path.parent.mkdir(parents=True)
            path.write_text(json.dumps(settings))
        venv = hub_venv()
        options = {
            "JupyterHub.ip": "127.0.0.1",
            "JupyterHub.port": self.port,
            "JupyterHub.hub_port": free_port(),
            "JupyterHub.db_url": f"sqlite:///{workdir / 'hub.sqlite'}",
            "JupyterHub.cookie_secret_file": str(workdir / "cookie_secret"),
            "ConfigurableHTTPProxy.command": [str(hub_proxy())],
            "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{free_port()}",
            "ConfigurableHTTPProxy.pid_file": str(workdir / "proxy.pid"),
            "JupyterHub.authenticator_class": "dummy",
            "DummyAuthenticator.password": PASSWORD,
            "Authenticator.allow_all": True,
            "JupyterHub.spawner_class": "simple",
            "SimpleLocalProcessSpawner.home_dir_template": str(workdir / "home" / "{username}"),
            "Spawner.cmd": [str(venv / "bin" / "jupyterhub-singleuser")],
            "Spawner.default_url": "/lab",
            "Spawner.start_timeout": 90,
            "Spawner.http_timeout": 90,
            # (the spawner runs the user's server as this process's user: root needs --allow-root)
            "Spawner.args": [
                f"--MappingKernelManager.default_kernel_name={KERNEL_NAME}",
                *FRONTEND_FLAGS["lab"],
                *(["--allow-root"] if os.geteuid() == 0 else []),
            ],
            # (a spawned server's environment is only what is listed here: the test run's marker
            # goes on too, so the end-of-run check in tests/conftest.py sees the users' servers)
            "Spawner.environment": {
                "JUPYTER_PATH": str(jupyter_path),
                "JUPYTER_CONFIG_DIR": str(config),
                **{name: value for name, value in os.environ.items() if name == "CELLWIRE_TEST_RUN"},
            },
            "JupyterHub.services": [{"name": "cellwire-test", "api_token": self.token}],
            "JupyterHub.load_roles": [
                {
                    "name": "cellwire-test",
                    "services": ["cellwire-test"],
                    "scopes": ["admin:users", "admin:servers", "access:servers"],
                }
            ],
        }
        if https:
            cert, key = self_signed_certificate(workdir)
            options.update({"JupyterHub.ssl_cert": str(cert), "JupyterHub.ssl_key": str(key)})
        (workdir / "jupyterhub_config.py").write_text(
            "".join(f"c.{name} = {value!r}\n" for name, value in options.items())
        )
        env = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}"}
        env.pop("PYTHONPATH", None)
        cmd = [str(venv / "bin" / "jupyterhub"), "-f", str(workdir / "jupyterhub_config.py")]
        self.process = launch(cmd, env, workdir, self.log_path)
        self._ssl = ssl.create_default_context()
        self._ssl.check_hostname = False
        self._ssl.verify_mode = ssl.CERT_NONE
        self._http = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=self._ssl)
        )
        self._wait_ready(startup_timeout)

    @property
    def url(self) -> str:
        return f"{'https' if self.https else 'http'}://127.0.0.1:{self.port}/"

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def request(self, method: str, url: str, body: dict | None = None, timeout: float = 30):
        request = urllib.request.Request(
            url,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with self._http.open(request, timeout=timeout) as response:
            data = response.read()
        return json.loads(data) if data else None

    def user(self, name: str) -> HubUserServer:
        return HubUserServer(self, name)

    def _wait_ready(self, timeout: float) -> None:
        wait_until_answers(
            self.process,
            lambda: self.request("GET", self.url + "hub/api/", timeout=5),
            "jupyterhub",
            self.log_text,
            timeout,
            interval=0.3,
            stop_timeout=30,
        )

    def stop(self) -> None:
        """Stop the users' servers first (through the API: the spawner starts them in sessions of
        their own, which outlive a hub that is killed after lingering), then the hub and its proxy."""
        if self.process.poll() is None:
            with contextlib.suppress(Exception):
                for user in self.request("GET", self.url + "hub/api/users", timeout=10) or []:
                    if user.get("servers"):
                        self.request("DELETE", self.url + f"hub/api/users/{quote(user['name'])}/server", timeout=30)
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline and any(
                    u.get("servers") for u in self.request("GET", self.url + "hub/api/users", timeout=10) or []
                ):
                    time.sleep(0.3)
        stop(self.process, 30)


class HubUserServer:
    """One user's single-user server behind the hub, with the parts of ``JupyterServer`` that
    ``NotebookPage`` uses (the browser logs in through the hub's form instead of a token)."""

    frontend = "lab"

    def __init__(self, hub: JupyterHub, name: str):
        self.hub = hub
        self.name = name
        self.base_url = f"/user/{name}/"
        self.token = hub.token
        self.root_dir = hub.workdir / "home" / name
        self.kernel_ws_protocol = "v1"

    @property
    def url(self) -> str:
        return self.hub.url.rstrip("/") + self.base_url

    def notebook_url(self, path: str, port: int | None = None) -> str:
        return f"{self.url}lab/workspaces/cwt-{secrets.token_hex(4)}/tree/{quote(path)}"

    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 30):
        return self.hub.request(method, self.url + path, body, timeout)

    def kernel_client(self, kernel_id: str, protocol: str | None = None, **kwargs) -> KernelClient:
        scheme = "wss" if self.hub.https else "ws"
        ws_url = f"{scheme}://127.0.0.1:{self.hub.port}{self.base_url}api/kernels/{kernel_id}/channels"
        return KernelClient(
            ws_url, self.token, protocol or "v1", ssl=self.hub._ssl if self.hub.https else None, **kwargs
        )

    def log_text(self) -> str:
        return self.hub.log_text()
