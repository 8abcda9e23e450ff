"""Saved notebooks show the ipywidgets' last values (through cellwire's bridge): reopened untrusted,
reopened without a kernel, and converted by nbconvert. On a trusted page with the kernel alive the
live view replaces them. (The ipywidgets twins of the retired toolkit's tests of the same names.)"""

from __future__ import annotations

import json
import subprocess

import pytest
from harness import NotebookPage
from playwright.sync_api import expect
from test_bridge import bridged
from widget_helpers import ALL_FRONTENDS, LAB_AND_NB7, live, wait_kernel

pytestmark = pytest.mark.e2e
CODE = (
    "import cellwire as cw\nimport ipywidgets as widgets\n"
    "s = widgets.IntSlider(10, max=100, description='speed')\n"
    "lab = widgets.Label('plain <b>text</b> & more')\n"
    "t = widgets.Text('typed', description='name')\n"
    "widgets.VBox([s, lab, t])"
)


def reopen(notebook: NotebookPage, browser) -> NotebookPage:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = NotebookPage(context.new_page(), notebook.server)
    page.path = notebook.path
    page.page.goto(f"{notebook.server.notebook_url(notebook.path)}?token={notebook.server.token}")
    page.page.wait_for_function("path => window.cwt && window.cwt.kernelId && true", arg=notebook.path)
    page.page.locator(".cellwire-output").first.wait_for(state="attached")
    return page


@pytest.mark.parametrize("server_config", ALL_FRONTENDS, indirect=True)
def test_untrusted_reopened_notebook_and_nbconvert_show_the_last_values(notebook, browser):
    view = bridged(notebook.run(CODE, timeout=60))
    view.locator(".noUi-handle").focus()
    notebook.page.keyboard.press("ArrowRight")
    notebook.page.keyboard.press("ArrowRight")
    view.get_by_label("name").fill("typed in the browser")
    wait_kernel(notebook, "(s.value, t.value)", "(12, 'typed in the browser')")
    notebook.run("s.value += 1")  # the next executed cell refreshes the saved snapshots
    expect(view.locator(".widget-readout")).to_have_text("13")  # the live view survived the refresh
    expect(view.get_by_label("name")).to_have_value("typed in the browser")
    notebook.save()
    notebook.shutdown_kernel()

    # make the file untrusted: edited outside Jupyter, so its signature no longer matches
    path = notebook.server.root_dir / notebook.path
    nb = json.loads(path.read_text())
    saved_html = "".join(nb["cells"][-2]["outputs"][0]["data"]["text/html"])
    assert "typed in the browser" in saved_html and "<code>13</code>" in saved_html
    assert "plain &lt;b&gt;text&lt;/b&gt; &amp; more" in saved_html
    for cell in nb["cells"]:
        cell["metadata"].pop("trusted", None)
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "edited elsewhere", "id": "edited"})
    path.write_text(json.dumps(nb))

    other = reopen(notebook, browser)
    try:
        snapshot = other.page.locator(".cellwire-snapshot").first
        expect(snapshot).to_be_visible()
        expect(snapshot).to_contain_text("speed")
        expect(snapshot).to_contain_text("13")
        expect(snapshot).to_contain_text("plain <b>text</b> & more")  # text stays text
        expect(snapshot.locator("input[value='typed in the browser']")).to_have_count(1)
        assert other.page.locator(".cellwire-live").count() == 0  # no script ran:
        assert other.page.evaluate("typeof window.__cellwire_boot") == "undefined"  # not even the loader
    finally:
        other.page.context.close()

    html = subprocess.run(
        [str(notebook.server.venv / "bin" / "jupyter"), "nbconvert", "--to", "html", "--stdout", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "<code>13</code>" in html and "typed in the browser" in html and "plain &lt;b&gt;text" in html


@pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)
def test_trusted_notebook_without_its_kernel_keeps_the_snapshot_and_says_why(notebook, browser):
    bridged(notebook.run(CODE, timeout=60))
    notebook.save()
    notebook.shutdown_kernel()
    other = reopen(notebook, browser)
    try:
        output = other.page.locator(".cellwire-output").first
        expect(output.locator(".cellwire-status")).to_contain_text("not running", timeout=45_000)
        expect(output.locator(".cellwire-snapshot")).to_contain_text("speed")
        expect(output.locator(".cellwire-snapshot")).to_be_visible()
    finally:
        other.page.context.close()


SECRET = "sk-live-42424242"  # (made in the kernel: the cell's source would be saved)
SECRETS = """
import cellwire as cw, ipywidgets as w, anywidget, traitlets
key = 'sk-live-' + '42' * 4
class Service(w.TagsInput):                    # an ipywidget whose snapshot is a table of its traits
    api_key = traitlets.Unicode('').tag(sync=True)
    region = traitlets.Unicode('').tag(sync=True)
class Vault(anywidget.AnyWidget):
    _esm = "export function render({model, el}) { el.textContent = 'vault in ' + model.get('region'); }"
    client_secret = traitlets.Unicode('').tag(sync=True)
    region = traitlets.Unicode('').tag(sync=True)
pw = w.Password(description='password')
service = Service(api_key=key, region='eu-west')
display(w.VBox([pw, service]), Vault(client_secret=key, region='eu-west'))
"""


@pytest.mark.parametrize("server_config", LAB_AND_NB7[:1], indirect=True)
def test_saved_snapshots_hold_no_password_or_secret_named_trait(notebook):
    out = notebook.run(SECRETS, timeout=60)
    view = bridged(out)
    expect(live(out, 1)).to_contain_text("vault in eu-west")
    view.locator("input[type=password]").fill("hunter2-typed")
    wait_kernel(notebook, "pw.value", "'hunter2-typed'")
    notebook.run("service.region = 'us-east'")  # the next cell refreshes the changed snapshot
    notebook.save()
    saved = (notebook.server.root_dir / notebook.path).read_text()
    assert "us-east" in saved and "eu-west" in saved and "Service(" in saved  # the snapshots were saved
    assert SECRET not in saved and "hunter2-typed" not in saved
    assert "•" * len("hunter2-typed") not in saved  # (not even the password's length)
