"""Custom ES-module widgets through cellwire's bridge: ``anywidget.AnyWidget`` subclasses, and a real
anywidget package from PyPI (drawdata), each shown by a plain ``display`` in a server with no widget
extension, their own ``_esm`` unchanged. (The ipywidgets twins of the retired toolkit's tests; its
wigglystuff test is merged into test_bridge's anywidget test, which shows Slider2D plainly. Not
kept: drawing in drawdata by mouse, whose d3 drag never ends in the bridged view, so nothing reaches
the kernel; and the broken module's message, which anywidget only logs to the console.)"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_bridge import NO_WIDGET_MANAGER, bridged
from widget_helpers import LAB_AND_NB7, live, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]

# drawdata's own module sets height="auto" on an <svg> (any host logs it)
SVG_AUTO = re.compile(r'<svg> attribute height: Expected length, "auto"')


def errors(notebook, *expected: str):
    return [
        e
        for e in notebook.unexpected_console_errors
        if not NO_WIDGET_MANAGER.search(e) and not SVG_AUTO.search(e) and not any(x in e for x in expected)
    ]


def test_drawdata_scatter_widget_draws_points_into_the_kernel(module_notebook):
    notebook = module_notebook
    out = notebook.run(
        "import cellwire as cw\nfrom drawdata import ScatterWidget\nsw = ScatterWidget(width=500, height=300)\nsw",
        timeout=60,
    )
    view = bridged(out)
    expect(view.locator("svg").first).to_be_visible()
    notebook.run("sw.data = [{'x': 100, 'y': 100, 'color': '#1f77b4', 'label': 'a', 'batch': 0}]")
    expect(view.locator("circle.drawn")).to_have_count(1)  # kernel -> page: it redraws from data
    view.locator("button").last.click()  # its undo button: page -> kernel
    expect(view.locator("circle.drawn")).to_have_count(0)
    wait_kernel(notebook, "sw.data", "[]")
    assert out.locator(".cellwire-output").count() == 1  # a plain display shows it once
    assert errors(notebook) == []


ESM = r"""
export default {
  initialize({ model }) { model.set("inits", model.get("inits") + 1); model.save_changes(); },
  render({ model, el }) {
    const b = document.createElement("button");
    b.className = "cw-counter";
    b.textContent = `count ${model.get("count")}`;
    b.onclick = () => { model.set("count", model.get("count") + 1); model.save_changes(); };
    model.on("change:count", () => { b.textContent = `count ${model.get("count")}`; });
    model.on("msg:custom", (content, buffers) => {
      const bytes = new Uint8Array(buffers[0].buffer, buffers[0].byteOffset, buffers[0].byteLength);
      // (each buffer owns its ArrayBuffer, as in JupyterLab: issue #12)
      const owned = buffers[0].byteOffset === 0 && buffers[0].buffer.byteLength === bytes.length;
      model.send({ echo: content.n, sum: bytes.reduce((a, v) => a + v, 0), owned }, undefined, [bytes.slice(0, 2)]);
    });
    el.appendChild(b);
  },
};
"""


def test_native_anywidget_with_custom_messages_and_a_broken_module(module_notebook):
    notebook = module_notebook
    code = (
        "import cellwire as cw, anywidget, traitlets\nimport ipywidgets as widgets\n"
        f"class Counter(anywidget.AnyWidget):\n    _esm = {ESM!r}\n"
        "    _css = '.cw-counter { color: rgb(255, 0, 0); }'\n"
        "    count = traitlets.Int(0).tag(sync=True)\n    inits = traitlets.Int(0).tag(sync=True)\n"
        "got = []\nc = Counter()\n"
        "c.on_msg(lambda w, content, buffers: got.append((content, [bytes(b) for b in buffers])))\n"
        "class Broken(anywidget.AnyWidget):\n    _esm = 'export function render() { throw new Error(\"kaboom\"); }'\n"
        "widgets.VBox([Broken(), c])"
    )
    out = notebook.run(code, timeout=60)
    view = live(out)
    button = view.get_by_role("button", name=re.compile(r"^count \d+$"))
    expect(button).to_have_text("count 0")  # the other widget works...
    expect(out.locator(".cellwire-live")).to_have_count(1)  # ...beside the broken one, in one output
    expect(button).to_have_css("color", "rgb(255, 0, 0)")  # (its _css applies)
    button.click()
    button.click()
    wait_kernel(notebook, "c.count", "2")
    assert notebook.kernel_eval("c.inits") == "1"
    notebook.run("c.send({'n': 5}, [bytes([1, 2, 3])])")
    wait_kernel(notebook, "got", "[({'echo': 5, 'sum': 6, 'owned': True}, [b'\\x01\\x02'])]")
    notebook.run("c.count = 10")
    expect(view.get_by_role("button", name="count 10")).to_be_visible()
    assert errors(notebook, "kaboom") == []


# Counts the custom messages that arrive and those whose `n` differs from the model's `n` then.
ORDER_ESM = """
export default { render({ model, el }) {
  let seen = 0, stale = 0;
  el.textContent = "ready";
  model.on("msg:custom", (msg) => {
    seen += 1;
    if (model.get("n") !== msg.n) stale += 1;
    el.textContent = `seen ${seen} stale ${stale}`;
  });
} };
"""


def test_a_custom_message_sees_the_state_sent_before_it_in_one_burst(module_notebook):
    """A burst reaches the page in batches (protocol.md §4); ipywidgets applies a state update after
    a promise but fires a custom message at once, so each custom message must still see the update
    the kernel sent before it (ipympl's ``resize`` reads its ``_size``)."""
    notebook = module_notebook
    out = notebook.run(
        "import cellwire as cw, anywidget, traitlets\n"
        f"class Ordered(anywidget.AnyWidget):\n    _esm = {ORDER_ESM!r}\n"
        "    n = traitlets.Int(0).tag(sync=True)\n"
        "o = Ordered()\no",
        timeout=60,
    )
    view = live(out)
    expect(view.get_by_text("ready")).to_be_visible()
    notebook.run("for i in range(1, 301):\n    o.n = i\n    o.send({'n': i})")
    expect(view.get_by_text(re.compile(r"^seen \d+ stale \d+$"))).to_have_text("seen 300 stale 0", timeout=20_000)
