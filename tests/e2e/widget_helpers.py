"""Helpers for widget e2e tests: live views, kernel values, second tabs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from harness import NotebookPage
from playwright.sync_api import Locator

#: Kernel code that imports the benchmark helpers (N widgets, kernel memory) as ``bench``.
IMPORT_BENCH = (
    f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parents[2] / 'benchmarks')!r}); "
    "import kernel_helpers as bench"
)

LAB_AND_NB7 = [pytest.param(("lab", "/"), id="lab"), pytest.param(("notebook", "/"), id="notebook")]
ALL_FRONTENDS = [*LAB_AND_NB7, pytest.param(("nbclassic", "/"), id="nbclassic")]


def live(output: Locator, nth: int = 0, timeout: float = 30_000) -> Locator:
    """The live view of the nth cellwire output in an output area, once it rendered and its
    output is connected (``data-cellwire-state="live"``)."""
    view = output.locator(".cellwire-output > .cellwire-live").nth(nth)
    view.wait_for(state="attached", timeout=timeout)  # (an empty Output has no size)
    output.locator(".cellwire-output").nth(nth).and_(output.locator('[data-cellwire-state="live"]')).wait_for(
        state="attached", timeout=timeout
    )
    return view


def wait_kernel(notebook: NotebookPage, expr: str, expected: str, timeout: float = 15) -> None:
    """Wait until ``repr(expr)`` in the kernel equals ``expected``."""
    deadline = time.monotonic() + timeout
    got = None
    while time.monotonic() < deadline:
        got = notebook.kernel_eval(expr)
        if got == expected:
            return
        time.sleep(0.2)
    raise AssertionError(f"kernel: {expr} = {got}, expected {expected}")


def wait_kernel_connections(notebook: NotebookPage, expected: int, timeout: float = 5) -> None:
    """Wait until the server counts ``expected`` WebSockets on the notebook's kernel."""
    deadline = time.monotonic() + timeout
    while True:
        count = notebook.server.api("GET", f"api/kernels/{notebook.kernel_id}")["connections"]
        if count == expected or time.monotonic() > deadline:
            assert count == expected, f"{count} connections to the kernel, expected {expected}"
            return
        time.sleep(0.2)


def second_tab(notebook: NotebookPage, browser) -> NotebookPage:
    """The same notebook (saved first) in another browser context: a second tab on the same kernel."""
    notebook.save()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    other = NotebookPage(context.new_page(), notebook.server)
    other.path = notebook.path
    other.page.goto(f"{notebook.server.notebook_url(notebook.path)}?token={notebook.server.token}")
    other.wait_ready()
    other._output_selector = other.page.evaluate("cwt.outputSelector")
    return other


def status_text(output: Locator) -> str:
    return output.locator(".cellwire-status").first.inner_text()
