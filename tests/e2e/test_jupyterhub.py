"""A real JupyterHub (issue 13): hub + configurable-http-proxy + a local-process spawner + the dummy
authenticator; the single-user server from an env without cellwire, the kernel from the project
venv. The browser logs in through the hub's form; widgets live both ways, after a reload too, and
the saved notebook holds no credential. Over HTTP and over HTTPS (self-signed, ``wss://``)."""

from __future__ import annotations

import uuid

import pytest
from harness import NotebookPage
from harness.hub import PASSWORD, JupyterHub
from harness.notebook import empty_notebook
from playwright.sync_api import expect
from test_bridge import NO_WIDGET_MANAGER
from widget_helpers import live, wait_kernel

pytestmark = pytest.mark.e2e

WIDGETS = """
import cellwire as cw
import ipywidgets as w
s = w.IntSlider(10, description='level')
s
"""


@pytest.fixture(scope="module", params=[False, True], ids=["http", "https"])
def hub(request, tmp_path_factory):
    hub = JupyterHub(tmp_path_factory.mktemp("hub"), https=request.param)
    yield hub
    hub.stop()


def log_in(browser, hub: JupyterHub, name: str):
    """A browser context logged in as ``name`` through the hub's login form, its server started."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, ignore_https_errors=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(hub.url + "hub/login")
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill(PASSWORD)
    page.locator("#login_submit").click()
    page.wait_for_url(f"**/user/{name}/lab**", timeout=120_000)
    return page


def test_log_in_run_widgets_both_ways_reload_and_save_no_credential(browser, hub):
    """An ipywidgets slider (bridged) under /user/alice/. (The twin of the same test on cellwire's
    retired IntSlider.)"""
    user = hub.user("alice")
    page = log_in(browser, hub, user.name)
    try:
        name = f"hub-{uuid.uuid4().hex[:6]}.ipynb"
        notebook = NotebookPage(page, user)
        notebook.path = name
        user.api("PUT", f"api/contents/{name}", {"type": "notebook", "format": "json", "content": empty_notebook()})
        page.goto(user.notebook_url(name))
        notebook.wait_ready(90)
        notebook._output_selector = page.evaluate("cwt.outputSelector")

        shown = page.locator(".cellwire-output > .cellwire-live")
        live(notebook.run(WIDGETS, timeout=60))
        scheme = "wss" if hub.https else "ws"
        assert page.evaluate("[...window.__cellwire.links.values()][0].socket.boot.pageConfig().wsUrl").startswith(
            f"{scheme}://127.0.0.1:{hub.port}/user/alice/"
        )
        notebook.kernel_eval("setattr(s, 'value', 42)")
        readout = shown.locator(".widget-readout")
        expect(readout).to_have_text("42")
        shown.locator(".noUi-handle").focus()
        page.keyboard.press("ArrowRight")
        wait_kernel(notebook, "s.value", "43")
        notebook.save()
        notebook.reload()
        live(page.locator("body"))
        expect(readout).to_have_text("43")
        shown.locator(".noUi-handle").focus()
        page.keyboard.press("ArrowLeft")
        wait_kernel(notebook, "s.value", "42")
        notebook.save()

        files = [p for p in user.root_dir.rglob("*.ipynb") if p.is_file()]
        saved = "\n".join(p.read_text(errors="replace") for p in files)
        assert "cellwire-snapshot" in saved
        secrets = [hub.token] + [c["value"] for c in page.context.cookies() if len(c["value"]) > 8]
        assert len(secrets) >= 2
        for secret in secrets:
            assert secret not in saved
        assert [e for e in notebook.unexpected_console_errors if not NO_WIDGET_MANAGER.search(e)] == []
    finally:
        page.context.close()
