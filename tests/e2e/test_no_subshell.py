"""Kernels without subshells (ipykernel 6): a running cell that waits gets the page's events, a
loop lets them in with ``cw.poll()``, and the kernel's other messages keep their order.

Each kernel env is built by ``make``: ``.venv-ipykernel6`` (the newest 6.x) and
``.venv-ipykernel617`` (6.17, the oldest supported: before 6.18 comms do not go through the
``comm`` package, so cellwire must find the kernel's own comm manager)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import pytest
from harness import JupyterServer
from harness.server import kernel_venv_python
from playwright.sync_api import expect
from test_bridge import bridged, errors, slider_both_ways
from test_demo import run_interacting

pytestmark = pytest.mark.e2e

KERNELS = {"ipykernel6": "6.31.0", "ipykernel617": "6.17.1"}
DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.ipynb"


@pytest.fixture(scope="module", params=sorted(KERNELS))
def old_kernel_server(request, tmp_path_factory):
    server = JupyterServer(
        "lab",
        tmp_path_factory.mktemp(f"jupyter-{request.param}"),
        kernel_python=kernel_venv_python(request.param),
        kernel_like_a_user=True,  # (its stderr is shown in the notebook)
    )
    server.ipykernel = KERNELS[request.param]
    yield server
    server.stop()


@pytest.fixture
def notebook(notebook_factory, old_kernel_server):
    return notebook_factory(old_kernel_server)


def test_a_loop_lets_events_in_with_poll_and_other_messages_keep_their_order(notebook):
    """Twin of the same test on cellwire's retired Button and IntSlider: a plain ``on_click``
    callback and an ipywidgets slider, both brought in by ``cw.poll()``."""
    out = notebook.run(
        "import cellwire as cw, time\n"
        "import ipywidgets as w\n"
        "stop = w.Button(description='Stop')\n"
        "clicks = []\n"
        "stop.on_click(clicks.append)\n"
        "speed = w.IntSlider(1, description='speed')\n"
        "display(w.HBox([speed, stop]))",
        timeout=60,
    )
    view = bridged(out)
    loop = notebook.start(
        "seen, t0 = set(), time.time()\n"
        "while not clicks and time.time() - t0 < 30:\n"
        "    seen.add(speed.value)\n"
        "    time.sleep(0.01)\n"
        "    cw.poll()\n"
        "print('stopped', bool(clicks), 'saw', sorted(seen), 'after', round(time.time() - t0))"
    )
    queued = notebook.start("print('queued cell ran after the loop')")  # waits in the kernel's queue
    time.sleep(1)
    view.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    expect(view.locator(".widget-readout")).to_have_text("2")
    time.sleep(0.5)
    view.get_by_role("button", name="Stop").click()
    notebook.wait_finished(loop, timeout=20)
    notebook.wait_finished(queued, timeout=20)
    text = notebook.output_text(notebook.output(loop))
    assert "stopped True saw [1, 2]" in text, text
    assert "queued cell ran after the loop" in notebook.output_text(notebook.output(queued))
    assert errors(notebook) == []


def test_a_bridged_ipywidget_works_both_ways_and_while_a_cell_waits(notebook):
    """Also the twin of test_waits_in_a_running_cell_get_the_pages_events (cellwire's retired
    IntSlider and Button): no subshell, wait_for and wait_click in a running cell, the click of a
    button the waiting cell displayed itself, eval_js from a cell, nothing on the kernel's stderr."""
    first = notebook.run("import cellwire, ipykernel\nprint(ipykernel.__version__, cellwire.get_link().subshell_id)")
    assert notebook.output_text(first).startswith(f"{notebook.server.ipykernel} None")
    view = slider_both_ways(notebook)
    # a waiting cell (no subshell: the shell pump) still gets the page's change
    waiting = notebook.start("cellwire.wait_for(s, until=lambda v: v == 9, timeout=30)\nprint('seen', s.value)")
    view.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    notebook.wait_finished(waiting, timeout=40)
    assert "seen 9" in notebook.output_text(notebook.output(waiting))

    # an ipywidgets Button: a cell waiting for its click, then a loop it stops (no cw.poll(): testing
    # the flag fetches the click)
    cell = notebook.start(
        "go = w.Button(description='go')\n"
        "stop = w.Button(description='Stop')\n"
        "stopped = cellwire.clicked(stop)\n"
        "display(w.HBox([go, stop]))\n"
        "cellwire.wait_click(go, timeout=30)\n"
        "print('clicked go', flush=True)\n"
        "import time\n"
        "t0 = time.time()\n"
        "while not stopped and time.time() - t0 < 30:\n"
        "    time.sleep(0.001)\n"
        "print('stopped', stopped.count, 'after', round(time.time() - t0))"
    )
    buttons = bridged(notebook.output(cell))
    buttons.get_by_role("button", name="go").click()
    expect(notebook.output(cell)).to_contain_text("clicked go", timeout=20_000)
    time.sleep(0.5)
    assert not notebook.is_finished(cell)
    buttons.get_by_role("button", name="Stop").click()
    notebook.wait_finished(cell, timeout=20)
    stopped = re.search(r"stopped 1 after (\d+)", notebook.output_text(notebook.output(cell)))
    assert stopped and int(stopped.group(1)) < 20, notebook.output_text(notebook.output(cell))

    # Python -> JavaScript from a cell (its answer, too, comes in through the shell pump)
    out = notebook.run("print('connected', cellwire.eval_js(s, 'el.isConnected'))", timeout=30)
    assert "connected True" in notebook.output_text(out)
    # importing cellwire wrote nothing to the kernel's stderr, which ipykernel 6 shows in the notebook
    assert "[cellwire" not in notebook.output_text(first)
    assert errors(notebook) == []


def test_the_demo_runs_top_to_bottom(notebook):
    nb = nbformat.read(DEMO, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            out = run_interacting(notebook, cell.source)  # (clicks Stop, picks a size: no waiting it out)
            text = notebook.output_text(out)
            assert "Traceback" not in text or "errors are shown here" in text, text
            assert "WouldDeadlock" not in text, text
    live_outputs = notebook.page.locator('.cellwire-output[data-cellwire-state="live"]')
    assert live_outputs.count() >= 8
