"""The widget model layer end to end, on ipywidgets through cellwire's bridge: a slider and a
button, two views, a second tab, refused values, links in the page and in the kernel while a cell
runs, and a fast drag during a busy cell. (The ipywidgets twins of the retired toolkit's tests of
the same names; one notebook per configuration for all but the last, which changes its kernel.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_bridge import bridged, errors
from widget_helpers import LAB_AND_NB7, second_tab, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]


def test_slider_drag_keys_second_view_and_second_tab(module_notebook, browser):
    notebook = module_notebook
    view = bridged(
        notebook.run(
            "import cellwire as cw\nimport ipywidgets as widgets\n"
            "s = widgets.IntSlider(10, min=0, max=100, description='speed')\ns",
            timeout=60,
        )
    )
    readout = view.locator(".widget-readout")
    handle = view.locator(".noUi-handle")
    expect(readout).to_have_text("10")
    expect(view.locator(".widget-label")).to_have_text("speed")

    # keyboard
    handle.focus()
    for _ in range(3):
        notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "13")

    # a second view of the same model, in another cell
    view2 = bridged(notebook.run("s"))
    readout2 = view2.locator(".widget-readout")
    expect(readout2).to_have_text("13")

    # drag the first view's handle past its right end
    box = handle.bounding_box()
    track = view.locator(".noUi-target").bounding_box()
    y = box["y"] + box["height"] / 2
    notebook.page.mouse.move(box["x"] + box["width"] / 2, y)
    notebook.page.mouse.down()
    for i in range(1, 21):
        notebook.page.mouse.move(box["x"] + i * (track["x"] + track["width"] + 20 - box["x"]) / 20, y)
    notebook.page.mouse.up()
    wait_kernel(notebook, "s.value", "100")
    expect(readout2).to_have_text("100")

    # Python sets it: both views follow
    notebook.run("s.value = 42")
    expect(readout).to_have_text("42")
    expect(readout2).to_have_text("42")

    # a second tab on the same kernel shows the model live and edits it
    other = second_tab(notebook, browser)
    try:
        other_view = bridged(other.page.locator("body"))
        expect(other_view.locator(".widget-readout")).to_have_text("42")
        other_view.locator(".noUi-handle").focus()
        other.page.keyboard.press("Home")
        wait_kernel(notebook, "s.value", "0")
        expect(readout).to_have_text("0")
        expect(readout2).to_have_text("0")
    finally:
        other.page.context.close()
    assert errors(notebook) == []


def test_button_clicks_reach_the_kernel(module_notebook):
    notebook = module_notebook
    out = notebook.run(
        "import cellwire as cw\nimport ipywidgets as widgets\n"
        "b = widgets.Button(description='Go', button_style='primary')\nhits = []\n"
        "b.on_click(lambda btn: hits.append(btn.description))\nb",
        timeout=60,
    )
    button = bridged(out).get_by_role("button", name="Go")
    button.click()
    button.click()
    wait_kernel(notebook, "hits", "['Go', 'Go']")
    button.focus()
    notebook.page.keyboard.press("Enter")
    notebook.page.keyboard.press("Space")
    wait_kernel(notebook, "len(hits)", "4")
    notebook.run("b.disabled = True")
    expect(button).to_be_disabled()
    assert errors(notebook) == []


# A custom front-end with a bug: it sets a string where the kernel's trait holds an int.
BUGGY = """
export default { render({ model, el }) {
  const shown = document.createElement("output");
  const update = () => { shown.textContent = String(model.get("value")); };
  model.on("change:value", update);
  update();
  const wrong = document.createElement("button");
  wrong.textContent = "wrong";
  wrong.onclick = () => { model.set("value", "seven"); model.save_changes(); };
  el.append(wrong, shown);
} };
"""


def test_wrong_type_from_the_page_snaps_back_with_a_message(module_notebook):
    notebook = module_notebook
    out = notebook.run(
        "import cellwire as cw, anywidget, traitlets\n"
        f"class Buggy(anywidget.AnyWidget):\n    _esm = {BUGGY!r}\n    value = traitlets.Int(5).tag(sync=True)\n"
        "bug = Buggy()\nbug",
        timeout=60,
    )
    view = bridged(out)
    expect(view.locator("output")).to_have_text("5")
    log_start = len(notebook.server.log_text())
    view.get_by_role("button", name="wrong").click()
    status = out.locator(".cellwire-status")
    expect(status).to_contain_text("'value'")
    expect(status).to_contain_text("expected an int")
    expect(view.locator("output")).to_have_text("5")  # the page shows the kernel's value again
    assert notebook.kernel_eval("bug.value") == "5"
    assert notebook.server.log_text()[log_start:].count("expected an int") == 1  # one kernel-log line
    notebook.run("bug.value = 6")  # and the widget lives on
    expect(view.locator("output")).to_have_text("6")


def test_jslink_acts_in_the_page_while_the_kernel_is_busy(module_notebook):
    notebook = module_notebook
    out = notebook.run(
        "import cellwire as cw\nimport ipywidgets as widgets\n"
        "a = widgets.IntSlider(1, description='a')\nb = widgets.IntSlider(1, description='b')\n"
        "widgets.jslink((a, 'value'), (b, 'value'))\n"
        "k1 = widgets.IntSlider(1, description='k1')\nk2 = widgets.IntSlider(1, description='k2')\n"
        "widgets.link((k1, 'value'), (k2, 'value'))\nwidgets.VBox([a, b, k1, k2])",
        timeout=60,
    )
    view = bridged(out)
    readouts = view.locator(".widget-readout")
    expect(readouts).to_have_text(["1", "1", "1", "1"])
    # the kernel is busy for a while: only a browser-side link can act now
    notebook.page.evaluate("path => cwt.run(path, 'import time; time.sleep(4)', 'busy-cell')", notebook.path)
    notebook.page.wait_for_timeout(300)
    view.locator(".noUi-handle").nth(0).focus()
    notebook.page.keyboard.press("End")
    expect(readouts.nth(1)).to_have_text("100", timeout=2000)
    view.locator(".noUi-handle").nth(2).focus()
    notebook.page.keyboard.press("End")
    # a kernel-side link acts too: cellwire's subshell handles the change while the cell runs
    expect(readouts.nth(3)).to_have_text("100", timeout=2000)
    assert not notebook.is_finished("busy-cell")
    wait_kernel(notebook, "(a.value, b.value, k1.value, k2.value)", "(100, 100, 100, 100)")
    notebook.wait_finished("busy-cell", timeout=15)
    assert errors(notebook) == []


def test_fast_drag_while_the_kernel_is_busy_sends_the_latest_value_not_a_queue(notebook):
    """On a kernel that cannot answer during a cell (no subshell: simulated by switching cellwire's
    off before any output), a drag sends its latest value, not a queue of every step."""
    notebook.run("from cellwire.transport.kernel_link import get_link\nget_link().subshell_id = None")
    out = notebook.run(
        "import cellwire as cw\nimport ipywidgets as widgets\nseen = []\n"
        "s = widgets.IntSlider(0, max=100, description='fast')\n"
        "s.observe(lambda c: seen.append(c['new']), names='value')\ns",
        timeout=60,
    )
    view = bridged(out)
    notebook.page.evaluate("window.__cellwire_trace = []")
    # (long enough that the 60 presses fall inside it on a loaded machine too)
    notebook.page.evaluate("path => cwt.run(path, 'import time; time.sleep(6)', 'busy-cell')", notebook.path)
    notebook.page.wait_for_timeout(300)
    view.locator(".noUi-handle").focus()
    for _ in range(60):
        notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "60", timeout=30)
    sent = notebook.page.evaluate("""window.__cellwire_trace.filter((t) => t.dir === 'out' && t.data.op === 'msg'
        && t.data.data && t.data.data.op === 'comm_msg' && t.data.data.data.method === 'update').length""")
    assert sent <= 3, f"{sent} updates sent for 60 key presses during a busy cell"
    assert notebook.kernel_eval("seen[-1], len(seen) <= 3") == "(60, True)"
    expect(view.locator(".widget-readout")).to_have_text("60")
    assert errors(notebook) == []
