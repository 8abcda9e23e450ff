"""The ipywidgets bridge: plain ipywidgets code, after ``import cellwire``, live in a JupyterLab /
Notebook 7 whose server env has no widget extension and with every CDN request blocked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from widget_helpers import LAB_AND_NB7, live, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]

# Without a widget manager the front-end refuses every kernel-opened widget comm, and says so in
# the console; that is the host, as without cellwire.
NO_WIDGET_MANAGER = re.compile(r"Exception opening new comm|No such comm target|jupyter\.widget")
LOCAL = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/")


@pytest.fixture
def offline(notebook):
    """Every request that leaves this machine fails (and is remembered)."""
    blocked: list[str] = []

    def handle(route):
        blocked.append(route.request.url)
        route.abort()

    notebook.page.context.route(lambda url: not LOCAL.match(url) and not url.startswith(("blob:", "data:")), handle)
    yield blocked
    assert blocked == [], f"requests left the machine: {blocked}"


def errors(notebook):
    return [e for e in notebook.unexpected_console_errors if not NO_WIDGET_MANAGER.search(e)]


def bridged(output):
    """The live ipywidget inside a cellwire output (ipywidgets' own DOM)."""
    view = live(output)
    view.locator(".jupyter-widgets").first.wait_for(timeout=30_000)
    return view


def test_int_slider_both_ways(notebook, offline):
    out = notebook.run("import cellwire\nimport ipywidgets as w\ns = w.IntSlider(value=3, max=10, description='n')\ns",
                       timeout=60)
    view = bridged(out)
    readout = view.locator(".widget-readout")
    expect(readout).to_have_text("3")
    notebook.run("s.value = 7")
    expect(readout).to_have_text("7")
    view.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "9")
    expect(readout).to_have_text("9")
    assert errors(notebook) == []
