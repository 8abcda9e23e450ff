"""Drive a notebook the same way in JupyterLab 4, Notebook 7 and nbclassic.

The front-end specifics live in ``js/jupyterapp.js`` (Lab, Notebook 7) and ``js/nbclassic.js``;
both install ``window.cwt`` with the same functions, so this class has no per-front-end branches.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .browser import ConsoleLog
from .kernel_client import KernelClient
from .server import KERNEL_NAME, JupyterServer

JS_DIR = Path(__file__).parent / "js"

# Errors each front-end logs on a plain notebook, with no cellwire involved.
KNOWN_CONSOLE_ERRORS = {
    "lab": [],
    # Notebook 7.6 core, while loading plugin settings.
    "notebook": [re.compile(r"^pageerror: Cannot read properties of undefined \(reading 'schema'\)$")],
    # nbclassic always tries the ipywidgets nbextension and tolerates its absence.
    "nbclassic": [re.compile(r"nbextensions/widgets/notebook/js/extension\.js")],
}


def empty_notebook() -> dict:
    return {
        "cells": [],
        "metadata": {
            "kernelspec": {"name": KERNEL_NAME, "display_name": "Python (cellwire-test)", "language": "python"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


class NotebookPage:
    """One notebook open in one browser page. Timeouts are in seconds."""

    def __init__(self, page: Page, server: JupyterServer):
        self.page = page
        self.server = server
        self.console = ConsoleLog(page)
        self.path: str | None = None
        driver = "nbclassic.js" if server.frontend == "nbclassic" else "jupyterapp.js"
        page.add_init_script(path=JS_DIR / driver)
        self._output_selector: str | None = None

    @property
    def url(self) -> str:
        return self.page.url

    @property
    def console_messages(self) -> list[str]:
        return self.console.messages

    @property
    def console_errors(self) -> list[str]:
        return self.console.errors

    @property
    def unexpected_console_errors(self) -> list[str]:
        """``console_errors`` less the ones this front-end logs without cellwire."""
        known = KNOWN_CONSOLE_ERRORS[self.server.frontend]
        return [e for e in self.console.errors if not any(p.search(e) for p in known)]

    def open(self, name: str, timeout: float = 90, port: int | None = None) -> NotebookPage:
        """Create ``name`` (a new, empty notebook using the cellwire-test kernel) and open it
        (through ``port``, e.g. a proxy's, instead of the server's own)."""
        self.server.api(
            "PUT", f"api/contents/{name}", {"type": "notebook", "format": "json", "content": empty_notebook()}
        )
        self.path = name
        # ?token= logs the browser in; the server answers with a login cookie.
        self.page.goto(f"{self.server.notebook_url(name, port)}?token={self.server.token}")
        try:
            self.wait_ready(timeout * 2 / 3)
        except PlaywrightTimeoutError:
            # The front-end's own kernel connection stalled (seen behind a kernel gateway on a
            # loaded machine, before any cellwire code ran): reload once, as a user would.
            self.page.reload()
            self.wait_ready(timeout)
        self._output_selector = self.page.evaluate("cwt.outputSelector")
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        """Wait until the notebook is loaded and its kernel connected and idle."""
        self.page.wait_for_function("path => window.cwt.ready(path)", arg=self.path, timeout=timeout * 1000)

    @property
    def kernel_id(self) -> str:
        return self.page.evaluate("path => cwt.kernelId(path)", self.path)

    def run(self, code: str, timeout: float = 30) -> Locator:
        """Append a code cell with ``code``, execute it, wait until it finished; its output area."""
        cell_id = self.start(code)
        self.wait_finished(cell_id, timeout)
        return self._output_of(cell_id)

    def start(self, code: str) -> str:
        """Like ``run`` but returns at once, while the cell runs: the cell's id for
        ``output``/``is_finished``/``wait_finished``."""
        cell_id = uuid.uuid4().hex
        self.page.evaluate("([path, code, id]) => cwt.run(path, code, id)", [self.path, code, cell_id])
        return cell_id

    def output(self, cell_id: str) -> Locator:
        return self._output_of(cell_id)

    def is_finished(self, cell_id: str) -> bool:
        return self.page.evaluate("id => cwt.finished(id)", cell_id)

    def wait_finished(self, cell_id: str, timeout: float = 30) -> None:
        self.page.wait_for_function("id => cwt.finished(id)", arg=cell_id, timeout=timeout * 1000)

    def interrupt_kernel(self) -> None:
        """Interrupt the kernel the way the front-ends' stop button does (the server's REST call)."""
        self.server.api("POST", f"api/kernels/{self.kernel_id}/interrupt")

    def cell_output(self, index: int) -> Locator:
        """Output area of the cell at ``index`` (negative counts from the end), e.g. after ``reload``."""
        cell_id = uuid.uuid4().hex
        self.page.evaluate("([path, index, id]) => cwt.tagCell(path, index, id)", [self.path, index, cell_id])
        return self._output_of(cell_id)

    def _output_of(self, cell_id: str) -> Locator:
        return self.page.locator(f'[data-cwt-id="{cell_id}"] {self._output_selector}')

    @staticmethod
    def output_text(locator: Locator) -> str:
        """Rendered text of an output area. Lab and Notebook 7 skip rendering off-screen cells
        (``content-visibility: auto``), where ``innerText`` is empty: scroll there, let it paint."""
        return locator.evaluate("""async (el) => {
            el.scrollIntoView({ block: 'nearest' });
            await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
            return el.innerText;
        }""").strip()

    def save(self) -> None:
        self.page.evaluate("path => cwt.save(path)", self.path)

    def reload(self, timeout: float = 90) -> None:
        """Reload the page; the notebook reconnects to the same kernel.

        Once the page had a click, leaving it with unsaved changes raises a beforeunload
        dialog, which Playwright would dismiss, silently cancelling the reload; accept it.
        """

        def leave(dialog) -> None:
            dialog.accept() if dialog.type == "beforeunload" else dialog.dismiss()

        self.page.on("dialog", leave)
        try:
            self.page.reload()
        finally:
            self.page.remove_listener("dialog", leave)
        self.wait_ready(timeout)

    def restart_kernel(self, timeout: float = 60) -> None:
        self.page.evaluate("path => cwt.restart(path)", self.path)
        self.wait_ready(timeout)

    def clear_all_outputs(self) -> None:
        self.page.evaluate("path => cwt.clearAllOutputs(path)", self.path)

    def delete_cell(self, index: int) -> None:
        """Delete the cell at ``index`` (negative counts from the end)."""
        self.page.evaluate("([path, index]) => cwt.deleteCell(path, index)", [self.path, index])

    def close_notebook(self) -> None:
        """Close the notebook's tab inside JupyterLab (the kernel keeps running). Lab only."""
        self.page.evaluate("path => cwt.closeNotebook(path)", self.path)

    def collect_garbage(self) -> None:
        """A full garbage collection in the page (Chromium's DevTools protocol)."""
        cdp = self.page.context.new_cdp_session(self.page)
        try:
            cdp.send("HeapProfiler.collectGarbage")
        finally:
            cdp.detach()

    def kernel_client(self, protocol: str | None = None, **kwargs) -> KernelClient:
        """A side WebSocket client on this notebook's kernel (see ``KernelClient``)."""
        return self.server.kernel_client(self.kernel_id, protocol, **kwargs)

    def kernel_eval(self, expr: str, timeout: float = 30) -> str:
        """``repr`` of ``expr`` in this notebook's kernel, without adding a cell to the UI."""
        with self.kernel_client() as client:
            return client.eval(expr, timeout=timeout)

    def shutdown_kernel(self) -> None:
        """Delete the notebook's session so its kernel does not outlive the test."""
        for session in self.server.api("GET", "api/sessions"):
            if session["path"] == self.path:
                self.server.api("DELETE", f"api/sessions/{session['id']}")
