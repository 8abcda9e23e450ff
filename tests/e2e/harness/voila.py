"""A real Voilà (``voila``) serving notebooks as apps, from the voila venv (no cellwire in it); each
app's kernel runs the project venv through the test kernelspec."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

from .notebook import empty_notebook
from .process import isolated_env, launch, stop, wait_until_answers
from .server import PROJECT_ROOT, free_port, write_kernelspec

_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def voila_venv() -> Path:
    venv = Path(os.environ.get("CELLWIRE_VOILA_VENV", PROJECT_ROOT / ".venv-voila"))
    if not (venv / "bin" / "voila").exists():
        raise RuntimeError(
            f"no voila venv at {venv}: run `make test` to build it (or point CELLWIRE_VOILA_VENV at one)"
        )
    return venv


class VoilaServer:
    """``voila <root_dir>`` on 127.0.0.1: ``app_url(name)`` runs notebook ``name`` as an app."""

    def __init__(self, workdir: Path, startup_timeout: float = 60):
        self.port = free_port()
        self.root_dir = workdir / "apps"
        self.root_dir.mkdir(parents=True)
        self.log_path = workdir / "voila.log"
        jupyter_path = workdir / "jupyter-path"
        write_kernelspec(jupyter_path)
        env = isolated_env(workdir, jupyter_path)
        cmd = [
            str(voila_venv() / "bin" / "voila"),
            str(self.root_dir),
            "--no-browser",
            "--Voila.ip=127.0.0.1",
            f"--port={self.port}",
            "--show_tracebacks=True",
        ]
        self.process = launch(cmd, env, workdir, self.log_path)
        self._wait_ready(startup_timeout)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def write_app(self, name: str, *sources: str) -> str:
        """A notebook of code cells ``sources``; its app's URL."""
        notebook = empty_notebook()
        notebook["cells"] = [
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": source}
            for source in sources
        ]
        (self.root_dir / name).write_text(json.dumps(notebook))
        return f"{self.url}voila/render/{name}"

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _wait_ready(self, timeout: float) -> None:
        wait_until_answers(
            self.process, lambda: _http.open(self.url, timeout=5).close(), "voila", self.log_text, timeout
        )

    def stop(self) -> None:
        stop(self.process)
