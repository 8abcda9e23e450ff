"""The ipywidgets bridge in nbclassic (no widgetsnbextension in the server env): it falls back to
cellwire's text/html, which goes live."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_bridge import bridged, errors, offline  # noqa: F401 (a fixture)
from widget_helpers import ALL_FRONTENDS, wait_kernel

NBCLASSIC_NO_MANAGER = re.compile(r"Could not open comm|Couldn't process kernel message")

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", ALL_FRONTENDS[2:], indirect=True)]


def test_int_slider_both_ways_in_nbclassic(notebook, offline):  # noqa: F811
    out = notebook.run(
        "import cellwire\nimport ipywidgets as w\ns = w.IntSlider(value=3, description='n')\ns", timeout=60
    )
    view = bridged(out)
    readout = view.locator(".widget-readout")
    expect(readout).to_have_text("3")
    notebook.run("s.value = 7")
    expect(readout).to_have_text("7")
    view.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "8")
    # nbclassic without widgetsnbextension refuses each widget comm, noisily (as without cellwire)
    assert [e for e in errors(notebook) if not NBCLASSIC_NO_MANAGER.search(e)] == []
