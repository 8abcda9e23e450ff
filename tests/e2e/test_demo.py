"""examples/demo.ipynb (ipywidgets and anywidget code with cellwire's additions) runs top to bottom
in a real front-end, every output goes live, no cell fails, and its interactive sections do their
thing while their cells run: the ipywidgets Stop button ends the loop, ``cw.wait_for`` gets the
menu's choice, ``cw.eval_js`` measures an ipywidget, the Channel answers, the anywidget counter
counts both ways, the progress bar over 200,001 fast updates ends exact."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect
from test_bridge import bridged
from widget_helpers import LAB_AND_NB7, live, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7[:1], indirect=True)]

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.ipynb"
STOP_LOOP = "stopped = cw.clicked(stop)"
WAIT_FOR = "cw.wait_for(size"


def run_interacting(notebook, source):
    """Run one demo cell; for the ones that wait for the user, be the user while they run (and
    check that the cell saw it)."""
    if STOP_LOOP in source:
        cell = notebook.start(source)
        view = bridged(notebook.output(cell))
        notebook.page.wait_for_timeout(500)
        assert not notebook.is_finished(cell)  # the loop runs
        view.get_by_role("button", name="Stop").click()
        notebook.wait_finished(cell, timeout=20)
        text = notebook.output_text(notebook.output(cell))
        assert re.search(r"stopped by the button after \d+ steps", text), text
        return notebook.output(cell)
    if WAIT_FOR in source:
        cell = notebook.start(source)
        bridged(notebook.output(cell)).locator("select").select_option("large")
        notebook.wait_finished(cell, timeout=20)
        assert "you picked large" in notebook.output_text(notebook.output(cell))
        return notebook.output(cell)
    return notebook.run(source, timeout=120)


def test_demo_notebook_runs_and_every_output_goes_live(notebook):
    nb = nbformat.read(DEMO, as_version=4)
    sources = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    outputs = [run_interacting(notebook, source) for source in sources]
    texts = [notebook.output_text(out) for out in outputs]
    for text in texts:
        assert "Traceback" not in text or "errors are shown here" in text, text

    def output_of(marker):
        return next(out for source, out in zip(sources, outputs, strict=True) if marker in source)

    def text_of(marker):
        return notebook.output_text(output_of(marker))

    width = re.search(r"the size menu is (\d+) px wide", text_of("cw.eval_js(size"))
    assert width and int(width.group(1)) > 0, text_of("cw.eval_js(size")
    ping = live(output_of("ch = cw.Channel(")).locator("button.ping")
    ping.click()
    expect(ping).to_have_text("kernel says pong")
    counter = live(output_of("class Counter(anywidget.AnyWidget)")).locator("button.counter")
    counter.click()
    expect(counter).to_have_text("clicked 1 times")
    wait_kernel(notebook, "counter.count", "1")

    page = notebook.page
    outputs_ = page.locator(".cellwire-output:not(.cellwire-snapshot *)")
    not_live = page.locator('.cellwire-output:not(.cellwire-snapshot *):not([data-cellwire-state="live"])')
    expect(not_live, "every output goes live").to_have_count(0)
    assert outputs_.count() >= 8
    assert "pip install wigglystuff" not in text_of("from wigglystuff")  # the PyPI anywidget ran
    assert "rate exceeded" not in text_of("bar = widgets.IntProgress")
    assert notebook.kernel_eval("bar.value") == "200000"
    assert notebook.unexpected_console_errors == [] or all(
        "opening new comm" in e for e in notebook.unexpected_console_errors
    )
