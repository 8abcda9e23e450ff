"""The model layer end to end: a slider and a button, two views, a second tab, refused values."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from widget_helpers import LAB_AND_NB7, live, second_tab, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]


def test_slider_drag_keys_second_view_and_second_tab(notebook, browser):
    out = notebook.run("import cellwire as cw\ns = cw.IntSlider(10, min=0, max=100, description='speed')\ns")
    view = live(out)
    slider = view.locator("input[type=range]")
    expect(view.locator("output")).to_have_text("10")
    expect(view.locator("label")).to_have_text("speed")

    # keyboard
    slider.focus()
    for _ in range(3):
        notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "13")

    # a second view of the same model, in another cell
    out2 = notebook.run("s")
    view2 = live(out2)
    expect(view2.locator("output")).to_have_text("13")

    # drag the first view's slider to its right end
    box = slider.bounding_box()
    notebook.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    notebook.page.mouse.down()
    for i in range(1, 21):
        notebook.page.mouse.move(box["x"] + box["width"] / 2 + i * box["width"] / 20, box["y"] + box["height"] / 2)
    notebook.page.mouse.up()
    wait_kernel(notebook, "s.value", "100")
    expect(view2.locator("output")).to_have_text("100")

    # Python sets it: both views follow
    notebook.run("s.value = 42")
    expect(view.locator("output")).to_have_text("42")
    expect(view2.locator("output")).to_have_text("42")

    # a second tab on the same kernel shows the model live and edits it
    other = second_tab(notebook, browser)
    try:
        other_view = live(other.page.locator("body"))
        expect(other_view.locator("output")).to_have_text("42")
        other_view.locator("input[type=range]").focus()
        other.page.keyboard.press("Home")
        wait_kernel(notebook, "s.value", "0")
        expect(view.locator("output")).to_have_text("0")
        expect(view2.locator("output")).to_have_text("0")
    finally:
        other.page.context.close()
    assert notebook.unexpected_console_errors == []


def test_button_clicks_reach_the_kernel(notebook):
    out = notebook.run(
        "import cellwire as cw\nb = cw.Button('Go', button_style='primary')\nhits = []\n"
        "b.on_click(lambda btn: hits.append(btn.description))\nb"
    )
    button = live(out).get_by_role("button", name="Go")
    button.click()
    button.click()
    wait_kernel(notebook, "hits", "['Go', 'Go']")
    button.focus()
    notebook.page.keyboard.press("Enter")
    notebook.page.keyboard.press("Space")
    wait_kernel(notebook, "len(hits)", "4")
    notebook.run("b.disabled = True")
    expect(button).to_be_disabled()


def test_wrong_type_from_the_page_snaps_back_with_a_message(notebook):
    out = notebook.run("import cellwire as cw\ns = cw.IntSlider(5, max=10)\ns")
    view = live(out)
    # a view sets a string (what a buggy custom front-end could do)
    notebook.page.evaluate("""() => {
        const el = document.querySelector('.cellwire-output');
        const model = el.__cellwire.model;
        model.set('value', 'seven'); model.save_changes();
    }""")
    status = out.locator(".cellwire-status")
    expect(status).to_contain_text("value")
    expect(view.locator("output")).to_have_text("5")
    assert notebook.kernel_eval("s.value") == "5"
    # unknown names are reported too
    notebook.page.evaluate("""() => {
        const model = document.querySelector('.cellwire-output').__cellwire.model;
        model.set('no_such_trait', 1); model.save_changes();
    }""")
    expect(status).to_contain_text("no synced trait 'no_such_trait'")


def test_jslink_acts_in_the_page_while_the_kernel_is_busy(notebook):
    out = notebook.run(
        "import cellwire as cw\na = cw.IntSlider(1, description='a')\n"
        "b = cw.IntSlider(1, description='b')\ncw.jslink((a, 'value'), (b, 'value'))\n"
        "k1 = cw.IntSlider(1, description='k1')\nk2 = cw.IntSlider(1, description='k2')\n"
        "cw.link((k1, 'value'), (k2, 'value'))\ncw.VBox([a, b, k1, k2])"
    )
    view = live(out)
    # the kernel is busy for a while: only a browser-side link can act now
    notebook.page.evaluate("path => cwt.run(path, 'import time; time.sleep(4)', 'busy-cell')", notebook.path)
    notebook.page.wait_for_timeout(300)
    view.get_by_label("a", exact=True).focus()
    notebook.page.keyboard.press("End")
    expect(view.get_by_label("b", exact=True)).to_have_value("100", timeout=2000)
    view.get_by_label("k1").focus()
    notebook.page.keyboard.press("End")
    # a kernel-side link acts too: cellwire's subshell handles the change while the cell runs
    expect(view.get_by_label("k2")).to_have_value("100", timeout=2000)
    assert not notebook.is_finished("busy-cell")
    wait_kernel(notebook, "(a.value, b.value, k1.value, k2.value)", "(100, 100, 100, 100)")


def test_fast_drag_while_the_kernel_is_busy_sends_the_latest_value_not_a_queue(notebook):
    """On a kernel that cannot answer during a cell (no subshell: simulated by switching cellwire's
    off before any output), a drag sends its latest value, not a queue of every step."""
    notebook.run("from cellwire.transport.kernel_link import get_link\nget_link().subshell_id = None")
    out = notebook.run(
        "import cellwire as cw\nseen = []\ns = cw.IntSlider(0, max=100, description='fast')\n"
        "s.observe(lambda c: seen.append(c['new']), names='value')\ns"
    )
    view = live(out)
    notebook.page.evaluate("window.__cellwire_trace = []")
    notebook.page.evaluate("path => cwt.run(path, 'import time; time.sleep(3)', 'busy-cell')", notebook.path)
    notebook.page.wait_for_timeout(300)
    view.get_by_label("fast").focus()
    for _ in range(60):
        notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "60", timeout=30)
    sent = notebook.page.evaluate("""window.__cellwire_trace.filter(
        (t) => t.dir === 'out' && t.data.data && t.data.data.method === 'update').length""")
    assert sent <= 3, f"{sent} updates sent for 60 key presses during a busy cell"
    assert notebook.kernel_eval("seen[-1], len(seen) <= 3") == "(60, True)"
    expect(view.get_by_label("fast")).to_have_value("60")
