"""Bridged ipywidgets whose front-end is missing from the kernel env or throws, and malformed
tunnel messages: each is named once, and the other widgets carry on.

The reload (the manager's code from the browser's cache), second-tab and kernel-restart tests that
were here are merged into test_lifecycle.py's, which prove the same on ipywidgets (and more)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_bridge import bridged, errors, offline  # noqa: F401 (a fixture)
from widget_helpers import LAB_AND_NB7, live, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]

CELL = "import cellwire\nimport ipywidgets as w\ns = w.IntSlider(value=2, description='n')\ns"


def test_a_widget_whose_front_end_is_not_installed_says_which_package_and_others_carry_on(notebook, offline):  # noqa: F811
    out = notebook.run(
        "import cellwire\nimport ipywidgets as w\nfrom traitlets import Unicode\n"
        "class Missing(w.DOMWidget):\n    _model_module = Unicode('no-such-widget-lib').tag(sync=True)\n"
        "    _view_module = Unicode('no-such-widget-lib').tag(sync=True)\n"
        "    _model_name = Unicode('MissingModel').tag(sync=True)\n"
        "    _view_name = Unicode('MissingView').tag(sync=True)\n"
        "w.VBox([Missing(), w.IntSlider(value=4)])",
        timeout=60,
    )
    view = live(out)
    expect(view).to_contain_text("no-such-widget-lib")
    expect(view.locator(".widget-readout")).to_have_text("4")
    assert "no front-end for widget module 'no-such-widget-lib'" in notebook.server.log_text()  # kernel log


THROWS = "define('cw-throws', ['@jupyter-widgets/base'], function (base) { throw new Error('broken on purpose'); });\n"


def test_a_front_end_that_throws_while_loading_is_named_once_and_other_widgets_carry_on(notebook, offline):  # noqa: F811
    # A fake widget package in the kernel's environment: the server's JUPYTER_PATH, which the
    # kernel inherits, is one of the places jupyter_path("nbextensions") looks.
    package = notebook.server.log_path.parent / "jupyter-path" / "nbextensions" / "cw-throws"
    package.mkdir(parents=True, exist_ok=True)
    (package / "index.js").write_text(THROWS)
    out = notebook.run(
        "import cellwire\nimport ipywidgets as w\nfrom traitlets import Unicode\n"
        "class Throws(w.DOMWidget):\n    _model_module = Unicode('cw-throws').tag(sync=True)\n"
        "    _view_module = Unicode('cw-throws').tag(sync=True)\n"
        "    _model_name = Unicode('ThrowsModel').tag(sync=True)\n"
        "    _view_name = Unicode('ThrowsView').tag(sync=True)\n"
        "Throws()",
        timeout=60,
    )
    problem = live(out).locator(".cellwire-jw-problem")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("'cw-throws'")
    expect(problem).to_contain_text("broken on purpose")
    expect(out.locator(".cellwire-status")).to_be_hidden()  # one message, not two
    other = bridged(notebook.run("s = w.IntSlider(value=2)\ns"))
    other.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "3")
    notebook.run("s.value = 8")
    expect(other.locator(".widget-readout")).to_have_text("8")
    log = notebook.server.log_text()
    assert len(re.findall(r"widget module 'cw-throws'.*broken on purpose", log)) == 1  # kernel log, once
    assert [e for e in errors(notebook) if "cw-throws" not in e and "broken on purpose" not in e] == []


BAD_TUNNEL_MESSAGES = """model => {
    const view = [...window.__cellwire.views].find((v) => v.channel && v.channel.init && v.channel.init.model_id === model);
    view.channel.send({ op: 42 });
    view.channel.send({ op: "comm_msg", comm_id: "no-such-model", msg_id: "m1", data: { method: "update", state: {} } });
}"""


def test_a_malformed_tunnel_message_and_an_unknown_model_are_reported_once_and_others_carry_on(notebook, offline):  # noqa: F811
    victim = notebook.run(CELL, timeout=60)
    bridged(victim)
    other = bridged(notebook.run("t = w.IntSlider(value=1, description='t')\nt"))
    log_start = len(notebook.server.log_text())
    notebook.page.evaluate(BAD_TUNNEL_MESSAGES, notebook.kernel_eval("s.model_id").strip("'"))
    expect(victim.locator(".cellwire-status")).to_contain_text("no widget no-such-model")  # in its output
    log = notebook.server.log_text()[log_start:]
    assert log.count("an object with an 'op'") == 1 and log.count("no widget no-such-model") == 1  # kernel log
    assert "Traceback" not in log
    other.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "t.value", "2")
    notebook.run("t.value = 7; s.value = 9")
    expect(other.locator(".widget-readout")).to_have_text("7")
    expect(live(victim).locator(".widget-readout")).to_have_text("9")  # the victim too
    expect(other.locator(".cellwire-status")).to_be_hidden()
    assert errors(notebook) == []
