"""Fixtures for end-to-end tests: Jupyter servers, headless Chromium, notebook pages.

``notebook`` runs each test against every entry of SERVER_CONFIGS. To narrow a test, override
the parameter: ``@pytest.mark.parametrize("server_config", [("lab", "/")], indirect=True)``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import ConsoleLog, JupyterServer, NotebookPage, launch_chromium
from playwright.sync_api import sync_playwright

SERVER_CONFIGS = [
    (frontend, base_url) for base_url in ("/", "/user/alice/") for frontend in ("lab", "notebook", "nbclassic")
]


def _config_id(config: tuple[str, str]) -> str:
    frontend, base_url = config
    return frontend if base_url == "/" else f"{frontend}-{base_url.strip('/').replace('/', '-')}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the item so fixtures know whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _failed(request) -> bool:
    return any(getattr(getattr(request.node, f"report_{when}", None), "failed", False) for when in ("setup", "call"))


def _slug(request) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)[:120]


def _save_artifacts(request, page, console: ConsoleLog, suffix: str = "", server: JupyterServer | None = None) -> None:
    """On failure: screenshot, console log and server log under test-artifacts/."""
    if not _failed(request) or page.is_closed():
        return
    out = Path(request.config.rootpath) / "test-artifacts"
    out.mkdir(exist_ok=True)
    stem = out / (_slug(request) + suffix)
    try:
        page.screenshot(path=f"{stem}.png", full_page=True)
    except Exception as error:  # a crashed page must not hide the test's own failure
        console.errors.append(f"screenshot failed: {error}")
    Path(f"{stem}.console.txt").write_text(f"url: {page.url}\n\n{console.dump()}\n\n{_cellwire_state(page)}\n")
    if server is not None:
        Path(f"{stem}.server.log").write_text(server.log_text())


def _cellwire_state(page) -> str:
    """The page runtime's links, views and message trace (tests may set ``__cellwire_trace``)."""
    try:
        return "cellwire: " + page.evaluate("""() => JSON.stringify({
            links: Array.from(window.__cellwire?.links?.values() || []).map(l => ({kernel: l.kernelId,
                state: l.state, detail: l.detail, route: l.route, comm: l.commId, views: l.views.size})),
            views: Array.from(window.__cellwire?.views || []).map(v => ({id: v.id, target: v.targetId,
                state: v.state, rendered: v.rendered, problem: v._problem})),
            trace: (window.__cellwire_trace || []).slice(-200).map(t => t.dir + " " + JSON.stringify(t.data).slice(0, 300)),
        }, null, 1)""")
    except Exception as error:  # the page may be gone
        return f"cellwire: state unavailable ({error})"


@pytest.fixture(scope="session")
def jupyter_server_factory(tmp_path_factory):
    """``get(frontend, base_url="/") -> JupyterServer``; one server per pair for the whole session."""
    servers: dict[tuple[str, str], JupyterServer] = {}

    def get(frontend: str, base_url: str = "/") -> JupyterServer:
        if (frontend, base_url) not in servers:
            workdir = tmp_path_factory.mktemp(f"jupyter-{frontend}")
            servers[frontend, base_url] = JupyterServer(frontend, workdir, base_url)
        return servers[frontend, base_url]

    yield get
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="module", params=SERVER_CONFIGS, ids=_config_id)
def server_config(request) -> tuple[str, str]:
    """(frontend, base_url) of the server the test runs against. (Module-scoped, so that a module
    can share one notebook per configuration: ``module_notebook``.)"""
    return request.param


@pytest.fixture
def server(jupyter_server_factory, server_config) -> JupyterServer:
    return jupyter_server_factory(*server_config)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def _new_context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    return context


@pytest.fixture
def page(browser, request):
    """A blank page in a fresh browser context (its console is kept for failure artifacts)."""
    context = _new_context(browser)
    page = context.new_page()
    console = ConsoleLog(page)
    yield page
    _save_artifacts(request, page, console)
    context.close()


@pytest.fixture
def notebook_factory(browser, request):
    """``open(server, name=None, port=None) -> NotebookPage``: a new notebook in its own browser
    context (reaching the server through ``port`` if given, e.g. a proxy).

    At teardown it saves failure artifacts, closes the page and shuts the kernel down.
    """
    opened: list[NotebookPage] = []

    def open_notebook(server: JupyterServer, name: str | None = None, port: int | None = None) -> NotebookPage:
        notebook = NotebookPage(_new_context(browser).new_page(), server)
        opened.append(notebook)
        return notebook.open(name or f"{_slug(request)}-{uuid.uuid4().hex[:6]}.ipynb", port=port)

    yield open_notebook
    for i, notebook in enumerate(opened):
        _save_artifacts(request, notebook.page, notebook.console, f"-{i}" if i else "", notebook.server)
        notebook.page.context.close()
        notebook.shutdown_kernel()


@pytest.fixture
def notebook(notebook_factory, server) -> NotebookPage:
    """An open, empty notebook with an idle kernel, for each server configuration."""
    return notebook_factory(server)


@pytest.fixture(scope="module")
def _module_notebook(browser, jupyter_server_factory, server_config, request):
    notebook = NotebookPage(_new_context(browser).new_page(), jupyter_server_factory(*server_config))
    notebook.open(f"{request.module.__name__}-{uuid.uuid4().hex[:6]}.ipynb")
    yield notebook
    notebook.page.context.close()
    notebook.shutdown_kernel()


@pytest.fixture
def module_notebook(_module_notebook, request) -> Iterator[NotebookPage]:
    """One notebook (page and kernel) for all of a module's tests that take it, per server
    configuration: for tests that need no fresh page or kernel, since opening a notebook costs
    seconds per test. Tests run in it one after the other, each after the cells of the earlier
    ones. A failing test saves its artifacts as with ``notebook``."""
    yield _module_notebook
    _save_artifacts(request, _module_notebook.page, _module_notebook.console, server=_module_notebook.server)
