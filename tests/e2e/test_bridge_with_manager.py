"""The bridge stays out of the way of a real widget manager: in a JupyterLab whose server env has
jupyterlab_widgets (`.venv-bench-server`), ipywidgets render through JupyterLab's own manager,
with no cellwire view, no new console errors, both directions working, and a burst's last value
shown."""

from __future__ import annotations

import pytest
from harness import JupyterServer
from harness.server import server_venv
from playwright.sync_api import expect
from widget_helpers import wait_kernel

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def lab_with_widgets(tmp_path_factory):
    venv = server_venv("bench-server")
    assert (venv / "share/jupyter/labextensions/@jupyter-widgets/jupyterlab-manager").exists()
    server = JupyterServer("lab", tmp_path_factory.mktemp("jupyter-lab-widgets"), venv=venv)
    yield server
    server.stop()


def test_jupyterlabs_own_manager_renders_and_cellwire_stays_out(notebook_factory, lab_with_widgets):
    notebook = notebook_factory(lab_with_widgets)
    out = notebook.run(
        "import cellwire\nimport ipywidgets as w\ns = w.IntSlider(value=3, description='n')\n"
        "o = w.Output()\nb = w.Button(description='go')\n"
        "b.on_click(lambda _: o.append_stdout('clicked\\n'))\n"
        "def shout(_):\n    with o:\n        print('captured')\n"
        "b.on_click(shout)\nw.VBox([s, b, o])",
        timeout=60,
    )
    readout = out.locator(".widget-readout")
    expect(readout).to_have_text("3", timeout=30_000)
    assert out.locator(".cellwire-output").count() == 0  # JupyterLab picked the widget-view mimetype
    out.locator(".widget-slider").evaluate("el => { el.__kept = true; }")  # (a re-render would lose it)
    # a burst, paced by the bridge on iopub too: the last value arrives, no rate limit, the cell ends
    notebook.run("s.max = 20000\nfor i in range(20001):\n    s.value = i", timeout=60)
    expect(readout).to_have_text("20000")
    assert "IOPub message rate exceeded" not in lab_with_widgets.log_text()
    notebook.run("s.value = 7")
    expect(readout).to_have_text("7")
    out.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "8")
    out.get_by_role("button", name="go").click()
    expect(out.locator(".widget-output")).to_contain_text("clicked")
    expect(out.locator(".widget-output")).to_contain_text("captured")
    notebook.run("print('another cell')")  # cellwire refreshes no output it does not render
    assert out.locator(".widget-slider").evaluate("el => el.__kept === true")
    assert notebook.page.evaluate("globalThis.__cellwire === undefined")  # no cellwire runtime loaded
    assert notebook.unexpected_console_errors == []
