"""examples/demo.ipynb runs top to bottom in a real front-end, every widget goes live, and no cell fails."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect
from widget_helpers import LAB_AND_NB7

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7[:1], indirect=True)]

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.ipynb"


def test_demo_notebook_runs_and_every_output_goes_live(notebook):
    nb = nbformat.read(DEMO, as_version=4)
    outputs = [notebook.run(cell.source, timeout=120) for cell in nb.cells if cell.cell_type == "code"]
    for out in outputs:
        text = notebook.output_text(out)
        assert "Traceback" not in text or "errors are shown here" in text, text
    page = notebook.page
    outputs_ = page.locator(".cellwire-output:not(.cellwire-snapshot *)")
    expect(page.locator('.cellwire-output[data-cellwire-state="live"]')).to_have_count(outputs_.count())
    assert outputs_.count() >= 8
    assert "pip install wigglystuff" not in notebook.output_text(outputs[-3])  # the PyPI anywidget ran
    assert notebook.kernel_eval("bar.value") == "200000.0"
    assert notebook.unexpected_console_errors == [] or all(
        "opening new comm" in e for e in notebook.unexpected_console_errors
    )
