"""A real Jupyter Kernel Gateway (``jupyter kernelgateway``) running kernels from the project venv.

A Jupyter server started with ``--gateway-url`` (``gateway_args``) forwards every kernel request
and kernel WebSocket to it: the kernels live elsewhere than the server, as with Enterprise Gateway
and most remote or containerised kernels. The gateway runs from the kernel's env (it has cellwire);
the server stays in the server env (it has not).
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from pathlib import Path

from .process import isolated_env, launch, stop, wait_until_answers
from .server import KERNEL_NAME, free_port, write_kernelspec

_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class KernelGateway:
    """One ``jupyter kernelgateway`` process on 127.0.0.1 (the websocket personality)."""

    def __init__(self, workdir: Path, startup_timeout: float = 60):
        self.port = free_port()
        self.log_path = workdir / "gateway.log"
        jupyter_path = workdir / "jupyter-path"
        write_kernelspec(jupyter_path)
        env = isolated_env(workdir, jupyter_path)
        cmd = [
            sys.executable,
            "-m",
            "kernel_gateway",
            "--KernelGatewayApp.ip=127.0.0.1",
            f"--KernelGatewayApp.port={self.port}",
            "--KernelGatewayApp.port_retries=0",
            f"--KernelGatewayApp.default_kernel_name={KERNEL_NAME}",
            # the Jupyter server lists the gateway's kernels (GET /api/kernels)
            "--JupyterWebsocketPersonality.list_kernels=True",
        ]
        self.process = launch(cmd, env, workdir, self.log_path)
        self._wait_ready(startup_timeout)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def server_args(self) -> tuple[str, ...]:
        """Arguments that make a Jupyter server use this gateway for its kernels."""
        return (f"--gateway-url={self.url}", "--GatewayClient.request_timeout=60")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _wait_ready(self, timeout: float) -> None:
        wait_until_answers(
            self.process,
            lambda: _http.open(self.url + "/api/kernelspecs", timeout=5).close(),
            "kernel gateway",
            self.log_text,
            timeout,
        )

    def stop(self) -> None:
        stop(self.process)
