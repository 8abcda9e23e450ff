"""cellwire's own primitives where the host renders widgets itself (JupyterLab with jupyterlab_widgets
and anywidget's front-end here; VS Code and Colab alike): a Channel is drawn by the host's widget
manager and talks through the host's comm, with cellwire's own socket blocked.

What is blocked, and why that models VS Code and Colab: every kernel WebSocket the page opens
after JupyterLab's own (routed from then on, so JupyterLab's socket stays) is closed at once: the
cellwire loader's socket, and with it the runtime it would fetch. VS Code and Colab give an
output no way to open such a socket (no kernel API, or no jupyter_server at all); all that is left
is the host's own widget comm. The kernel carries VS Code's ``VSCODE_PID``, as VS Code's local
kernels do: that is what makes cellwire add the widget-view entry (elsewhere the loader path is
kept, ``host_widget.enabled``).
"""

from __future__ import annotations

import re

import pytest
from harness import JupyterServer
from harness.server import kernel_venv_python, server_venv
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CHANNEL = r'''
import cellwire as cw
from traitlets import HasTraits, Int

class Box(HasTraits):
    value = Int(0)

box = Box()
ESM = """
export function render({ channel, el }) {
  el.innerHTML = '<button class="ping">ping</button><button class="set">set</button><button class="call">call</button>'
    + '<span class="reply"></span> <span class="called"></span> <span class="pushed"></span>';
  el.querySelector(".ping").onclick = () => channel.send({ kind: "ping", n: 21 });
  el.querySelector(".set").onclick = () => channel.send({ kind: "set", n: 7 });
  el.querySelector(".call").onclick = async () => {
    el.querySelector(".called").textContent = "called " + (await channel.invoke("double", [4]));
  };
  channel.on("message", (data, buffers) => {
    if ("pong" in data) el.querySelector(".reply").textContent = "pong " + data.pong;
    if ("pushed" in data) el.querySelector(".pushed").textContent = "pushed " + data.pushed + " " + buffers[0].byteLength;
  });
}
"""
ch = cw.Channel(esm=ESM)

def on_message(m):
    if m.data["kind"] == "ping":
        m.reply({"pong": m.data["n"] * 2})
    else:
        box.value = m.data["n"]

ch.on_message(on_message)
ch.expose(lambda x: x * 2, name="double")
ch
'''


@pytest.fixture(scope="module", params=["ipykernel7", "ipykernel6"])
def lab_with_manager(request, tmp_path_factory):
    """JupyterLab with jupyterlab_widgets and anywidget's front-end; a kernel with subshells, and
    one without (where the waiting cell handles the host's comm messages itself)."""
    venv = server_venv("bench-server")
    for extension in ("@jupyter-widgets/jupyterlab-manager", "anywidget"):
        assert (venv / "share/jupyter/labextensions" / extension).exists()
    kernel = kernel_venv_python(request.param) if request.param != "ipykernel7" else None
    server = JupyterServer(
        "lab",
        tmp_path_factory.mktemp("jupyter-lab-manager"),
        venv=venv,
        kernel_python=kernel,
        kernel_env={"VSCODE_PID": "1"},
    )
    yield server
    server.stop()


def test_a_channel_talks_through_the_hosts_comm_without_cellwires_socket(notebook_factory, lab_with_manager):
    notebook = notebook_factory(lab_with_manager)
    blocked: list[str] = []

    def block(ws) -> None:  # a socket opened after JupyterLab's own: cellwire's
        blocked.append(ws.url)
        ws.close()

    notebook.page.context.route_web_socket(re.compile(r"/api/kernels/[^/?]+/channels"), block)

    out = notebook.run(CHANNEL, timeout=60)
    view = out.locator(".cellwire-live")
    expect(view.locator(".ping")).to_be_visible(timeout=30_000)
    assert out.locator(".cellwire-output").count() == 0  # the host's manager drew it, not the loader

    view.locator(".ping").click()  # page -> kernel on_message -> reply -> page
    expect(view.locator(".reply")).to_have_text("pong 42")
    view.locator(".call").click()  # invoke an exposed Python function
    expect(view.locator(".called")).to_have_text("called 8")
    notebook.run("ch.send({'pushed': 'hi'}, [b'abc'])")  # kernel -> every view, with a buffer
    expect(view.locator(".pushed")).to_have_text("pushed hi 3")
    evaluated = notebook.run("print('js says', ch.eval_js(\"el.querySelector('.reply').textContent\"))")
    expect(evaluated).to_contain_text("js says pong 42")  # Python -> JavaScript, with the result back

    # A running cell waits for a value the page changes: the host's comm message is handled on
    # cellwire's subshell while the cell runs.
    cell = notebook.start("print('got', cw.wait_for(box, 'value', timeout=30))")
    notebook.page.wait_for_timeout(300)
    assert not notebook.is_finished(cell)
    view.locator(".set").click()
    notebook.wait_finished(cell, timeout=20)
    expect(notebook.output(cell)).to_contain_text("got 7")

    assert notebook.page.evaluate("globalThis.__cellwire === undefined")  # no cellwire runtime
    assert blocked == []  # (the loader never ran: the host's manager drew the output)
    assert notebook.unexpected_console_errors == []
