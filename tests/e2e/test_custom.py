"""Custom ESM widgets: cellwire's AnyWidget base, and real anywidget packages from PyPI (wigglystuff,
drawdata) shown by ``cw.show`` in a server with no widget extension, their own ``_esm`` unchanged."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from widget_helpers import LAB_AND_NB7, live, second_tab, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]

# Without a widget manager in the page, the front-end refuses the ipywidgets comm that anywidget
# opens when a widget is created (and says so in the console). That is the host, not cellwire.
NO_WIDGET_MANAGER = re.compile(
    r"Exception opening new comm|No such comm target|jupyter\.widget"
    # drawdata's own module sets height="auto" on an <svg> (any host logs it)
    r'|<svg> attribute height: Expected length, "auto"'
)


def errors(notebook):
    return [e for e in notebook.unexpected_console_errors if not NO_WIDGET_MANAGER.search(e)]


def test_wigglystuff_slider2d_renders_and_syncs(notebook, browser):
    out = notebook.run(
        "import cellwire as cw\nfrom wigglystuff import Slider2D\n"
        "s2 = Slider2D(x=0.1, y=0.2, width=200, height=200)\ncw.show(s2)",
        timeout=60,
    )
    view = live(out)
    readout = view.locator("#sliderValues")
    expect(readout).to_have_text("X: 0.10, Y: 0.20")
    notebook.run("s2.x = -0.5")
    expect(readout).to_have_text("X: -0.50, Y: 0.20")
    box = view.locator("canvas").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    notebook.page.mouse.move(cx, cy)
    notebook.page.mouse.down()
    notebook.page.mouse.move(cx + 40, cy - 40, steps=8)
    notebook.page.mouse.up()
    wait_kernel(notebook, "s2.x > 0 and s2.y > 0", "True")
    other = second_tab(notebook, browser)
    try:
        x = float(notebook.kernel_eval("s2.x"))
        expect(live(other.page.locator("body")).locator("#sliderValues")).to_contain_text(f"X: {x:.2f}")
    finally:
        other.page.context.close()
    assert errors(notebook) == []


def test_drawdata_scatter_widget_draws_points_into_the_kernel(notebook):
    out = notebook.run(
        "import cellwire as cw\nfrom drawdata import ScatterWidget\n"
        "sw = ScatterWidget(width=500, height=300)\ncw.show(sw)",
        timeout=60,
    )
    view = live(out)
    expect(view.locator("svg").first).to_be_visible()
    boxes = [b for b in (svg.bounding_box() for svg in view.locator("svg").all()) if b]
    box = max(boxes, key=lambda b: b["width"] * b["height"])  # the drawing surface, not an icon
    assert box["width"] > 300
    page = notebook.page
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4, steps=15)
    page.mouse.up()
    wait_kernel(notebook, "len(sw.data) > 0", "True")
    assert "'x'" in notebook.kernel_eval("sw.data[0]")
    assert view.locator("circle.drawn").count() > 0
    notebook.run("sw.data = [{'x': 100, 'y': 100, 'color': '#1f77b4', 'label': 'a', 'batch': 0}]")
    expect(view.locator("circle.drawn")).to_have_count(1)  # kernel -> page: it redraws from data
    assert out.locator(".cellwire-output").count() == 1  # cw.show() displays once
    assert errors(notebook) == []


ESM = r"""
export default {
  initialize({ model }) { model.set("inits", model.get("inits") + 1); model.save_changes(); },
  render({ model, el }) {
    const b = document.createElement("button");
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


def test_native_anywidget_with_custom_messages_and_a_broken_module(notebook):
    code = (
        "import cellwire as cw, traitlets\n"
        f"class Counter(cw.AnyWidget):\n    _esm = {ESM!r}\n    _css = '.cw-counter {{ color: red; }}'\n"
        "    count = traitlets.Int(0).tag(sync=True)\n    inits = traitlets.Int(0).tag(sync=True)\n"
        "got = []\nc = Counter()\nc.on_msg(lambda w, content, buffers: got.append((content, [bytes(b) for b in buffers])))\n"
        "class Broken(cw.AnyWidget):\n    _esm = 'export function render() { throw new Error(\"kaboom\"); }'\n"
        "cw.VBox([Broken(), c])"
    )
    out = notebook.run(code)
    view = live(out)
    expect(out.get_by_text("kaboom")).to_be_visible()  # the broken module's error is shown...
    expect(view.get_by_role("button", name="count 0")).to_be_visible()  # ...and the other widget works
    button = view.get_by_role("button", name=re.compile(r"^count \d+$"))
    button.click()
    button.click()
    wait_kernel(notebook, "c.count", "2")
    assert notebook.kernel_eval("c.inits") == "1"
    notebook.run("c.send({'n': 5}, [bytes([1, 2, 3])])")
    wait_kernel(notebook, "got", "[({'echo': 5, 'sum': 6, 'owned': True}, [b'\\x01\\x02'])]")
    notebook.run("c.count = 10")
    expect(view.get_by_role("button", name="count 10")).to_be_visible()
