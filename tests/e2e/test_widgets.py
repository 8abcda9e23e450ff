"""Every standard widget, driven like a person would (click, type, keys, drag), checked in the
kernel, in a second view of the same widgets, and in a second tab."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from widget_helpers import LAB_AND_NB7, live, second_tab, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]

SETUP = r"""
import datetime, cellwire as cw
w = dict(
    i=cw.IntSlider(5, max=10, description='islider'),
    f=cw.FloatSlider(1.0, min=0, max=2, step=0.5, description='fslider'),
    r=cw.IntRangeSlider((2, 6), max=10, description='range'),
    t=cw.Text('', description='text', placeholder='type here'),
    ta=cw.Textarea('', description='area'),
    cb=cw.Checkbox(False, description='check'),
    tb=cw.ToggleButton(False, description='toggle'),
    dd=cw.Dropdown(['a', 'b', ('C', 3)], description='drop'),
    rb=cw.RadioButtons(['x', 'y', 'z'], description='radio'),
    sm=cw.SelectMultiple(['p', 'q', 'r'], description='multi'),
    cp=cw.ColorPicker('#000000', description='color'),
    dp=cw.DatePicker(datetime.date(2024, 1, 2), description='date'),
    play=cw.Play(0, max=1000, interval=20, description='play'),
    btn=cw.Button('press'),
    lab=cw.Label('plain <b>text</b>'),
    html=cw.HTML('<i class="it">italic</i>'),
    md=cw.Markdown('**bold** and `code`'),
    pr=cw.Progress(0, max=10, description='progress'),
)
presses = []
w['btn'].on_click(lambda b: presses.append(1))
tab = cw.Tab([cw.Label('first page'), cw.Label('second page')], titles=['One', 'Two'])
acc = cw.Accordion([cw.Label('inside')], titles=['Section'], selected_index=None)
box = cw.VBox([cw.HBox(list(w.values())[:7]), cw.Grid(list(w.values())[7:], n_columns=3), tab, acc])
box
"""


def test_every_widget(notebook, browser):
    page = notebook.page
    v1 = live(notebook.run(SETUP, timeout=60))
    v2 = live(notebook.run("box"))

    def both(locate, check):
        check(locate(v1))
        check(locate(v2))

    # sliders: keys and a drag
    v1.get_by_label("islider").focus()
    page.keyboard.press("End")
    wait_kernel(notebook, "w['i'].value", "10")
    both(lambda v: v.get_by_label("islider"), lambda el: expect(el).to_have_value("10"))
    v1.get_by_label("fslider").focus()
    page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "w['f'].value", "1.5")
    expect(v2.get_by_text("1.50")).to_be_visible()
    low = v1.get_by_label("lower value")
    low.focus()
    page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "w['r'].value", "(3, 6)")
    box = v1.get_by_label("upper value").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] / 2, steps=5)
    page.mouse.move(box["x"] + box["width"] + 20, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    wait_kernel(notebook, "w['r'].value", "(3, 10)")
    expect(v2.get_by_label("upper value")).to_have_value("10")

    # text
    v1.get_by_label("text").press_sequentially("hello")
    wait_kernel(notebook, "w['t'].value", "'hello'")
    expect(v2.get_by_label("text")).to_have_value("hello")
    v1.get_by_label("area").press_sequentially("two\nlines")
    wait_kernel(notebook, "w['ta'].value", "'two\\nlines'")

    # booleans
    v1.get_by_label("check").click()
    wait_kernel(notebook, "w['cb'].value", "True")
    expect(v2.get_by_label("check")).to_be_checked()
    v1.get_by_role("button", name="toggle").click()
    wait_kernel(notebook, "w['tb'].value", "True")
    expect(v2.get_by_role("button", name="toggle")).to_have_attribute("aria-pressed", "true")

    # selection
    v1.get_by_label("drop").select_option("C")
    wait_kernel(notebook, "(w['dd'].value, w['dd'].label)", "(3, 'C')")
    expect(v2.get_by_label("drop")).to_have_value("2")
    v1.get_by_label("y", exact=True).check()
    wait_kernel(notebook, "w['rb'].value", "'y'")
    expect(v2.get_by_label("y", exact=True)).to_be_checked()
    page.keyboard.press("ArrowDown")  # radio group: arrow keys move the choice
    wait_kernel(notebook, "w['rb'].value", "'z'")
    v1.get_by_label("multi").select_option(["p", "r"])
    wait_kernel(notebook, "w['sm'].value", "('p', 'r')")

    # color and date
    color_text = v1.get_by_label("color value")
    color_text.fill("#FF8800")
    color_text.press("Enter")
    wait_kernel(notebook, "w['cp'].value", "'#ff8800'")
    expect(v2.get_by_label("color value")).to_have_value("#ff8800")
    v1.get_by_label("date").fill("2025-03-04")
    wait_kernel(notebook, "w['dp'].value", "datetime.date(2025, 3, 4)")
    expect(v2.get_by_label("date")).to_have_value("2025-03-04")

    # play runs in the browser and counts in the kernel
    v1.get_by_role("button", name="play").click()
    wait_kernel(notebook, "w['play'].value > 5", "True")
    v1.get_by_role("button", name="pause").click()
    wait_kernel(notebook, "w['play'].playing", "False")

    # button
    v2.get_by_role("button", name="press").click()
    wait_kernel(notebook, "len(presses)", "1")

    # output-only widgets follow Python
    notebook.run(
        "w['lab'].value = 'new <label>'; w['html'].value = '<b class=\"bb\">bold</b>'\n"
        "w['md'].value = '# Title'; w['pr'].value = 7"
    )
    both(lambda v: v.get_by_text("new <label>"), lambda el: expect(el).to_be_visible())
    both(lambda v: v.locator("b.bb"), lambda el: expect(el).to_have_text("bold"))
    both(lambda v: v.locator(".cw-markdown h1"), lambda el: expect(el).to_have_text("Title"))
    both(lambda v: v.get_by_role("progressbar"), lambda el: expect(el).to_have_attribute("aria-valuenow", "7"))

    # layouts
    v1.get_by_role("tab", name="Two").click()
    wait_kernel(notebook, "tab.selected_index", "1")
    expect(v2.get_by_text("second page")).to_be_visible()
    expect(v2.get_by_text("first page")).to_be_hidden()
    v1.get_by_role("tab", name="Two").press("ArrowLeft")
    wait_kernel(notebook, "tab.selected_index", "0")
    v1.get_by_role("button", name="Section").click()
    wait_kernel(notebook, "acc.selected_index", "0")
    expect(v2.get_by_text("inside")).to_be_visible()

    # a second tab shows the same values live, and its edits reach the first one
    other = second_tab(notebook, browser)
    try:
        v3 = live(other.page.locator("body"))
        expect(v3.get_by_label("islider")).to_have_value("10")
        expect(v3.get_by_label("text")).to_have_value("hello")
        expect(v3.get_by_label("check")).to_be_checked()
        expect(v3.get_by_label("drop")).to_have_value("2")
        v3.get_by_label("text").fill("from tab 2")
        wait_kernel(notebook, "w['t'].value", "'from tab 2'")
        expect(v1.get_by_label("text")).to_have_value("from tab 2")
        v3.get_by_label("check").click()
        wait_kernel(notebook, "w['cb'].value", "False")
        expect(v1.get_by_label("check")).not_to_be_checked()
    finally:
        other.page.context.close()
    assert notebook.unexpected_console_errors == []
