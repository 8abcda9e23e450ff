"""Issue #17's bad input on bridged ipywidgets: a widget whose model class no front-end provides, a
burst from a closed widget, a malformed tunnelled message. Each gives one clear message in that
output and one kernel-log line; the kernel and the other widgets live on."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_bridge import NO_WIDGET_MANAGER, bridged
from widget_helpers import LAB_AND_NB7, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]

SETUP = """
import cellwire as cw
import ipywidgets as w
from traitlets import Unicode

def unknown(module, name, version='2.0.0'):
    class Unknown(w.DOMWidget):
        _model_module = Unicode(module).tag(sync=True)
        _model_module_version = Unicode(version).tag(sync=True)
        _view_module = Unicode(module).tag(sync=True)
        _model_name = Unicode(name + 'Model').tag(sync=True)
        _view_name = Unicode(name + 'View').tag(sync=True)
    return Unknown()
"""
SEND = """([model, messages]) => {
    const view = [...window.__cellwire.views].find((v) => v.channel?.init?.model_id === model);
    for (const data of messages) view.channel.send(data, []);
}"""


class Watch:
    """The kernel log and console errors from now on."""

    def __init__(self, notebook):
        self.notebook = notebook
        self.log_start = len(notebook.server.log_text())
        self.console_start = len(notebook.unexpected_console_errors)

    def log_lines(self, pattern: str) -> list[str]:
        log = self.notebook.server.log_text()[self.log_start :]
        assert "Traceback" not in log
        return [line for line in log.splitlines() if re.search(pattern, line)]

    def console_errors(self) -> list[str]:
        return [
            e for e in self.notebook.unexpected_console_errors[self.console_start :] if not NO_WIDGET_MANAGER.search(e)
        ]


def slider_lives_on(notebook, view, name: str, start: int) -> None:
    """The IntSlider ``name`` shown in ``view`` follows the keyboard and Python."""
    view.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, f"{name}.value", str(start + 1))
    notebook.kernel_eval(f"setattr({name}, 'value', {start + 10})")
    expect(view.locator(".widget-readout")).to_have_text(str(start + 10))


@pytest.mark.parametrize(
    ("module", "version", "said"),
    [
        pytest.param(
            "no-such-widget-lib", "2.0.0", ["'no-such-widget-lib'", "install the Python package"], id="module"
        ),
        pytest.param(
            "@jupyter-widgets/controls",
            "2.0.0",
            ["@jupyter-widgets/controls", "no class GhostModel", "check the widget's _model_name/_view_name"],
            id="class",
        ),
        pytest.param(  # (an older ipywidgets in the kernel: its module version says what to install)
            "@jupyter-widgets/controls",
            "1.5.0",
            [
                "no class GhostModel",
                "expects version 1.5.0",
                "cellwire bundles 2.0.0",
                "pip install -U 'ipywidgets>=8,<9'",
            ],
            id="version",
        ),
    ],
)
def test_a_widget_whose_model_class_is_unknown_is_said_once_and_others_live_on(module_notebook, module, version, said):
    """Its message says what to do next: install the package, check the class name, or match
    ipywidgets' version to the front-end cellwire bundles."""
    notebook = module_notebook
    notebook.run(SETUP)
    watch = Watch(notebook)
    out = notebook.run(f"b = w.IntSlider(1)\nw.VBox([unknown({module!r}, 'Ghost', {version!r}), b])", timeout=60)
    view = bridged(out)
    problem = view.locator(".cellwire-jw-problem")
    expect(problem).to_have_count(1)  # one message in that output
    for words in said:
        expect(problem).to_contain_text(words)
    expect(out.locator(".cellwire-status")).to_be_hidden()  # (not a second one)
    slider_lives_on(notebook, view, "b", 1)
    assert len(watch.log_lines(r"GhostModel|'no-such-widget-lib'")) == 1  # one kernel-log line
    assert [e for e in watch.console_errors() if "Ghost" not in e and "no-such-widget-lib" not in e] == []


def test_a_burst_from_a_closed_widget_is_said_once_and_others_live_on(module_notebook):
    notebook = module_notebook
    notebook.run(SETUP)
    closed = notebook.run("victim = w.IntSlider(5, description='victim')\nvictim", timeout=60)
    bridged(closed)
    other = bridged(notebook.run("other = w.IntSlider(1, description='other')\nother"))
    model = notebook.kernel_eval("victim.model_id")[1:-1]
    watch = Watch(notebook)
    # a loop that closes the widget halfway, and goes on setting it
    loop = notebook.run("for i in range(20_000):\n    victim.value = i % 100\n    if i == 10_000: victim.close()")
    assert notebook.output_text(loop) == ""
    status = closed.locator(".cellwire-status")
    expect(status).to_contain_text("IntSlider")
    expect(status).to_contain_text("after its .close()")
    expect(closed.locator(".widget-slider")).to_have_count(0)  # (its view is gone, as ipywidgets does)
    assert len(watch.log_lines(r"after its \.close\(\)")) == 1
    # and a page that goes on sending for it (a second tab, a message in flight)
    updates = [
        {"op": "comm_msg", "comm_id": model, "msg_id": f"m{i}", "data": {"method": "update", "state": {"value": i}}}
        for i in range(500)
    ]
    notebook.page.evaluate(SEND, [model, updates])
    expect(status).to_contain_text(f"no widget {model} in this kernel: it was closed (widget.close())")
    notebook.kernel_eval("1")  # (the kernel handled them all)
    slider_lives_on(notebook, other, "other", 1)
    assert len(watch.log_lines(f"no widget {model}")) == 1
    assert watch.console_errors() == []


BAD_TUNNEL_MESSAGES = [
    ({"method": "update", "state": {"value": "seven"}}, "refused value='seven'"),
    ({"method": "update", "state": [5]}, "'state' must be an object"),
    ({"no_method": 1}, "needs a 'method'"),
    ({"method": "Update"}, "needs a 'method'"),
    ({"method": "update", "state": {"value": 9}, "buffer_paths": [["value"]]}, "'buffer_paths'"),
    ({"method": "update", "state": {"readout_format": "~~~"}}, "may not change 'readout_format'"),
]


def test_a_malformed_tunnelled_message_is_said_once_and_others_live_on(module_notebook):
    notebook = module_notebook
    notebook.run(SETUP)
    victim = notebook.run("s = w.IntSlider(5, description='s')\ns", timeout=60)
    view = bridged(victim)
    other = bridged(notebook.run("t = w.IntSlider(1, description='t')\nt"))
    model = notebook.kernel_eval("s.model_id")[1:-1]
    status = victim.locator(".cellwire-status")
    for data, said in BAD_TUNNEL_MESSAGES:
        watch = Watch(notebook)
        notebook.page.evaluate(SEND, [model, [{"op": "comm_msg", "comm_id": model, "msg_id": "m", "data": data}]])
        expect(status).to_contain_text(said)  # in its output
        assert len(watch.log_lines(re.escape(said))) == 1  # and one kernel-log line
        assert not watch.log_lines(r"Unknown front-end|ERROR")  # (not ipywidgets' own, nor a traceback)
    # a comm for a target the kernel lacks is refused, and does not make the output stale
    watch = Watch(notebook)
    notebook.page.evaluate(SEND, [model, [{"op": "comm_open", "comm_id": "c", "target_name": "none", "msg_id": "m"}]])
    expect(status).to_contain_text("no comm target 'none'")
    expect(victim.locator(".cellwire-output")).to_have_attribute("data-cellwire-state", "live")
    assert notebook.kernel_eval("s.value") == "5"
    slider_lives_on(notebook, other, "t", 1)
    slider_lives_on(notebook, view, "s", 5)  # the victim too
    assert watch.console_errors() == []
