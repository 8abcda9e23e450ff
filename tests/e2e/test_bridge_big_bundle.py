"""A widget library whose front-end bundle is 50 MB (issue #18, bad input): it comes from the
kernel's environment through the tunnel like any other, draws, and the page, the kernel and the
widgets beside it carry on."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_bridge import offline  # noqa: F401 (a fixture)
from test_bridge_federated import HEAD, fake_widget
from widget_helpers import LAB_AND_NB7, live, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7[:1], indirect=True)]

MIB = 1024 * 1024


def test_a_50_mb_nbextension_bundle_loads_and_the_other_widgets_carry_on(notebook, offline, tmp_path):  # noqa: F811
    folder = tmp_path / "data" / "nbextensions" / "cw-huge"
    folder.mkdir(parents=True)
    padding = "/*" + "x" * (50 * MIB) + "*/\n"  # (a bundle of that size, as some libraries ship)
    (folder / "index.js").write_text(
        padding + "define(['@jupyter-widgets/base'], function (b) {\n"
        "  class HugeView extends b.DOMWidgetView { render() { this.el.textContent = 'huge is live'; } }\n"
        "  return { ViewsModel: b.DOMWidgetModel, View: HugeView };\n});\n"
    )
    cell = (
        f"import os\nos.environ['JUPYTER_PATH'] = {str(tmp_path / 'data')!r}\n"
        + HEAD
        + fake_widget("Huge", "cw-huge")
        + "s = w.IntSlider(value=1)\nw.VBox([Huge(), s])"
    )
    log_start = len(notebook.server.log_text())  # (the server is shared: earlier tests' lines are theirs)
    view = live(notebook.run(cell, timeout=60))
    expect(view.get_by_text("huge is live")).to_be_visible(timeout=60_000)
    view.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "2")
    assert "Traceback" not in notebook.server.log_text()[log_start:]
