"""``python -m cellwire enable --sys-prefix`` in a kernel env: a notebook that never imports cellwire
shows plain ipywidgets live both ways, in JupyterLab and Notebook 7 whose server env has no widget
extension;
after ``disable`` a new kernel has no cellwire.

The kernel env is a throwaway venv that sees the project venv's packages (a ``.pth`` file), so the
command writes into its own ``sys.prefix`` exactly as in a real env, and the shared venv stays as
it was.
"""

from __future__ import annotations

import subprocess
import sysconfig
import venv
from pathlib import Path

import pytest
from harness import JupyterServer
from playwright.sync_api import expect
from test_bridge import slider_both_ways

pytestmark = pytest.mark.e2e

NO_IMPORT_SLIDER = "import ipywidgets as w\ns = w.IntSlider(value=3, max=10, description='n')\ns"


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory) -> Path:
    """A venv of its own whose Python finds the project venv's packages (cellwire among them)."""
    env = tmp_path_factory.mktemp("kernel-env")
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    site_packages = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()
    project_site = sysconfig.get_paths()["purelib"]
    Path(site_packages, "project-venv.pth").write_text(f"import site; site.addsitedir({project_site!r})\n")
    return env


def cellwire_command(env: Path, *args: str) -> str:
    result = subprocess.run(
        [env / "bin" / "python", "-m", "cellwire", *args], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout


@pytest.fixture(scope="module", params=["lab", "notebook"])
def server(kernel_env, tmp_path_factory, request):
    """A stock JupyterLab / Notebook 7 (no widget extension in its env) whose kernels run from ``kernel_env``."""
    workdir = tmp_path_factory.mktemp(f"jupyter-enable-{request.param}")
    server = JupyterServer(request.param, workdir, kernel_python=str(kernel_env / "bin/python"))
    yield server
    server.stop()


def test_enable_makes_every_notebook_live_and_disable_undoes_it(kernel_env, server, notebook_factory):
    out = cellwire_command(kernel_env, "enable", "--sys-prefix")
    config = kernel_env / "etc" / "ipython" / "ipython_kernel_config.py"
    assert f"wrote a block to {config}" in out and "python -m cellwire disable --sys-prefix" in out

    notebook = notebook_factory(server)
    slider_both_ways(notebook, NO_IMPORT_SLIDER)
    # started once the kernel ran: with its subshell (events reach a busy kernel)
    assert notebook.kernel_eval("__import__('cellwire').get_link().subshell_id is not None") == "True"

    out = cellwire_command(kernel_env, "disable", "--sys-prefix")
    assert "removed the file" in out and not config.exists()
    notebook.restart_kernel()
    output = notebook.run(NO_IMPORT_SLIDER + "\nprint('cellwire' in __import__('sys').modules)", timeout=60)
    expect(output).to_contain_text("False")
    assert output.locator(".cellwire-output").count() == 0
