"""The test bed itself: each front-end (and a base_url) runs cells, trusts session outputs,
keeps kernel and server in their own venvs, and exposes the raw kernel WebSocket."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from harness import pack_v1, unpack_v1

pytestmark = pytest.mark.e2e


@pytest.fixture
def notebook(module_notebook):
    """The module's notebook: these tests check the test bed itself, each in a few cells, and can
    share one page and kernel per configuration (six, not sixty, notebook openings)."""
    return module_notebook


def test_printed_output_is_shown(notebook):
    out = notebook.run("print('hello from', 6 * 7)")
    assert notebook.output_text(out) == "hello from 42"
    assert notebook.unexpected_console_errors == []


def test_failing_cell_finishes_with_traceback(notebook):
    out = notebook.run("1 / 0")
    assert "ZeroDivisionError" in notebook.output_text(out)
    assert notebook.output_text(notebook.run("print('next')")) == "next"


def test_offscreen_output_is_readable(notebook):
    first = notebook.run("print('first')")
    for _ in range(6):  # pushes the first cell off-screen, where Lab skips its rendering
        notebook.run("print('\\n'.join(map(str, range(40))))")
    assert notebook.output_text(first) == "first"


def test_html_script_in_session_output_runs(notebook):
    out = notebook.run(
        "from IPython.display import HTML\n"
        "HTML('<div id=\"cwt-target\">before</div>'\n"
        '     \'<script>document.getElementById("cwt-target").textContent = "script ran";</script>\')'
    )
    assert out.locator("#cwt-target").inner_text(timeout=10_000) == "script ran"


def test_kernel_runs_project_venv_and_server_runs_server_venv(notebook):
    out = notebook.run("import sys; print(sys.executable)")
    assert notebook.output_text(out) == sys.executable
    assert notebook.kernel_eval("__import__('sys').prefix") == repr(sys.prefix)

    server_argv = Path(f"/proc/{notebook.server.process.pid}/cmdline").read_bytes().split(b"\0")
    # (resolved: the server venv may be a symlink to a shared one)
    assert Path(server_argv[0].decode()).parent.resolve() == (notebook.server.venv / "bin").resolve()
    probe = "import importlib.util as u; print([m for m in ('cellwire', 'ipywidgets', 'jupyterlab_widgets') if u.find_spec(m)])"
    found = subprocess.run(
        [notebook.server.venv / "bin" / "python", "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == "[]"


def test_url_carries_base_url(notebook, server_config):
    _, base_url = server_config
    assert notebook.url.startswith(f"http://127.0.0.1:{notebook.server.port}{base_url}")
    assert f"http://127.0.0.1:{notebook.server.port}{base_url}" in notebook.server.log_text()


def test_reload_shows_saved_notebook_on_same_kernel(notebook):
    notebook.run("x = 41")
    notebook.run("print(x + 1)")
    notebook.save()
    notebook.run("print('not saved')")
    notebook.page.mouse.click(640, 400)  # a user gesture arms the "leave page?" dialog
    kernel_id = notebook.kernel_id
    notebook.reload()
    assert notebook.kernel_id == kernel_id
    assert notebook.output_text(notebook.cell_output(-1)) == "42"
    assert notebook.kernel_eval("x") == "41"


def test_restart_and_clear(notebook):
    out = notebook.run("y = 1; print('kept')")
    notebook.restart_kernel()
    assert notebook.kernel_eval("'y' in globals()") == "False"
    notebook.clear_all_outputs()
    assert notebook.output_text(out) == ""


@pytest.mark.parametrize("protocol", ["v1", "legacy"])
def test_raw_kernel_info_request(notebook, protocol):
    with notebook.kernel_client(protocol) as client:
        assert client.subprotocol == ("v1.kernel.websocket.jupyter.org" if protocol == "v1" else None)
        result = client.request("kernel_info_request")
    assert result.reply["header"]["msg_type"] == "kernel_info_reply"
    assert result.content["status"] == "ok"
    assert result.content["implementation"] == "ipython"
    assert [m["content"]["execution_state"] for m in result.iopub_of_type("status")] == ["busy", "idle"]


def test_v1_framing_round_trips():
    frame = pack_v1("shell", [b"{}", b'{"a":1}', b"", b"\x00\xff"])
    count = int.from_bytes(frame[:8], "little")
    assert count == 6
    assert int.from_bytes(frame[8:16], "little") == 8 * 7
    assert int.from_bytes(frame[8 * count : 8 * count + 8], "little") == len(frame)
    assert unpack_v1(frame) == ("shell", [b"{}", b'{"a":1}', b"", b"\x00\xff"])
