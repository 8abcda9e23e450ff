"""Every standard ipywidget, driven like a person would (click, type, keys, drag), checked in the
kernel, in a second view of the same widgets, and in a second tab: through cellwire's bridge, in a
server env without any widget package. (The ipywidgets twin of the retired toolkit's
``test_every_widget``.)"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, expect
from test_bridge import errors
from widget_helpers import LAB_AND_NB7, live, second_tab, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]

SETUP = r"""
import datetime, cellwire as cw
import ipywidgets as widgets
w = dict(
    i=widgets.IntSlider(5, max=10, description='islider'),
    f=widgets.FloatSlider(1.0, min=0, max=2, step=0.5, description='fslider'),
    r=widgets.IntRangeSlider(value=(2, 6), max=10, description='range'),
    t=widgets.Text('', description='text', placeholder='type here'),
    ta=widgets.Textarea('', description='area'),
    cb=widgets.Checkbox(False, description='check'),
    tb=widgets.ToggleButton(False, description='toggle'),
    dd=widgets.Dropdown(options=[('a', 'a'), ('b', 'b'), ('C', 3)], description='drop'),
    rb=widgets.RadioButtons(options=['x', 'y', 'z'], description='radio'),
    sm=widgets.SelectMultiple(options=['p', 'q', 'r'], description='multi'),
    cp=widgets.ColorPicker(value='#000000', description='color'),
    dp=widgets.DatePicker(value=datetime.date(2024, 1, 2), description='date'),
    btn=widgets.Button(description='press'),
    lab=widgets.Label('plain <b>text</b>'),
    html=widgets.HTML('<i class="it">italic</i>'),
    pr=widgets.FloatProgress(0, max=10, description='progress'),
)
# (shown once: with two views, ipywidgets' own PlayView pauses what the other one starts)
play = widgets.Play(0, max=1000, interval=20, description='play')
presses = []
w['btn'].on_click(lambda b: presses.append(1))
tab = widgets.Tab([widgets.Label('first page'), widgets.Label('second page')], titles=['One', 'Two'])
acc = widgets.Accordion([widgets.Label('inside')], titles=['Section'], selected_index=None)
grid = widgets.GridBox(list(w.values())[7:], layout=widgets.Layout(grid_template_columns='repeat(3, auto)'))
sliders, rest = list(w.values())[:3], list(w.values())[3:7]  # (an HBox leaves a slider no width)
box = widgets.VBox([widgets.VBox(sliders), widgets.HBox(rest), grid, tab, acc])
box
"""


def slider(view: Locator, description: str) -> Locator:
    """The ipywidgets slider whose description is ``description`` (its label has no ``for``)."""
    return view.locator(f'.widget-slider:has(> .widget-label:text-is("{description}"))')


def handle(view: Locator, description: str, which: str = "lower") -> Locator:
    return slider(view, description).locator(f".noUi-handle-{which}")


def readout(view: Locator, description: str) -> Locator:
    return slider(view, description).locator(".widget-readout")


def test_every_widget(notebook, browser):
    page = notebook.page
    v1 = live(notebook.run(SETUP, timeout=60))
    v2 = live(notebook.run("box"))
    for view in (v1, v2):
        view.locator(".widget-vbox").first.wait_for()

    def both(locate, check):
        check(locate(v1))
        check(locate(v2))

    # sliders: keys and a drag
    handle(v1, "islider").focus()
    page.keyboard.press("End")
    wait_kernel(notebook, "w['i'].value", "10")
    both(lambda v: readout(v, "islider"), lambda el: expect(el).to_have_text("10"))
    handle(v1, "fslider").focus()
    page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "w['f'].value", "1.5")
    expect(readout(v2, "fslider")).to_have_text("1.50")
    handle(v1, "range").focus()
    page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "w['r'].value", "(3, 6)")
    box = handle(v1, "range", "upper").bounding_box()
    track = slider(v1, "range").locator(".noUi-target").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.9, y)  # (its right edge: the handles may overlap)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 1.5, y, steps=5)
    page.mouse.move(track["x"] + track["width"] + 20, y, steps=5)
    page.mouse.up()
    wait_kernel(notebook, "w['r'].value", "(3, 10)")
    expect(readout(v2, "range")).to_have_text("3 – 10")

    # text
    v1.get_by_label("text").press_sequentially("hello")
    wait_kernel(notebook, "w['t'].value", "'hello'")
    expect(v2.get_by_label("text")).to_have_value("hello")
    v1.get_by_label("area").press_sequentially("two\nlines")
    wait_kernel(notebook, "w['ta'].value", "'two\\nlines'")
    expect(v2.get_by_label("area")).to_have_value("two\nlines")

    # booleans
    v1.get_by_label("check").click()
    wait_kernel(notebook, "w['cb'].value", "True")
    expect(v2.get_by_label("check")).to_be_checked()
    v1.get_by_role("button", name="toggle").click()
    wait_kernel(notebook, "w['tb'].value", "True")
    expect(v2.get_by_role("button", name="toggle")).to_have_class(re.compile(r"\bmod-active\b"))

    # selection
    v1.get_by_label("drop").select_option(label="C")
    wait_kernel(notebook, "(w['dd'].value, w['dd'].label)", "(3, 'C')")
    expect(v2.get_by_label("drop").locator("option:checked")).to_have_text("C")
    v1.get_by_label("y", exact=True).check()
    wait_kernel(notebook, "w['rb'].value", "'y'")
    expect(v2.get_by_label("y", exact=True)).to_be_checked()
    v1.get_by_label("multi").select_option(["p", "r"])
    wait_kernel(notebook, "w['sm'].value", "('p', 'r')")
    expect(v2.get_by_label("multi").locator("option:checked")).to_have_text(["p", "r"])

    # color and date
    color_text = v1.get_by_label("color")
    color_text.fill("#ff8800")
    color_text.press("Enter")
    wait_kernel(notebook, "w['cp'].value", "'#ff8800'")
    expect(v2.get_by_label("color")).to_have_value("#ff8800")
    v1.get_by_label("date").fill("2025-03-04")
    wait_kernel(notebook, "w['dp'].value", "datetime.date(2025, 3, 4)")
    expect(v2.get_by_label("date")).to_have_value("2025-03-04")

    # play runs in the browser and counts in the kernel
    play = live(notebook.run("play")).locator(".widget-play button").first
    play.click()
    wait_kernel(notebook, "play.value > 5", "True")
    play.click()  # (the same button pauses)
    wait_kernel(notebook, "play.playing", "False")

    # button
    v2.get_by_role("button", name="press").click()
    wait_kernel(notebook, "len(presses)", "1")

    # output-only widgets follow Python
    notebook.run("w['lab'].value = 'new <label>'; w['html'].value = '<b class=\"bb\">bold</b>'; w['pr'].value = 7")
    both(lambda v: v.get_by_text("new <label>"), lambda el: expect(el).to_be_visible())
    both(lambda v: v.locator(".widget-html-content b.bb"), lambda el: expect(el).to_have_text("bold"))
    both(
        lambda v: v.locator(".widget-hprogress .progress-bar"),
        lambda el: expect(el).to_have_css("width", re.compile(r"^[1-9]")),
    )
    assert v1.locator(".widget-hprogress .progress-bar").evaluate("el => el.style.width") == "70%"

    # layouts
    v1.get_by_role("tab", name="Two").click()
    wait_kernel(notebook, "tab.selected_index", "1")
    expect(v2.get_by_text("second page")).to_be_visible()
    expect(v2.get_by_text("first page")).to_be_hidden()
    v1.get_by_text("Section").click()
    wait_kernel(notebook, "acc.selected_index", "0")
    expect(v2.get_by_text("inside")).to_be_visible()

    # a second tab shows the same values live, and its edits reach the first one
    other = second_tab(notebook, browser)
    try:
        v3 = live(other.page.locator("body"))
        expect(readout(v3, "islider")).to_have_text("10")
        expect(v3.get_by_label("text")).to_have_value("hello")
        expect(v3.get_by_label("check")).to_be_checked()
        expect(v3.get_by_label("drop").locator("option:checked")).to_have_text("C")
        v3.get_by_label("text").fill("from tab 2")
        wait_kernel(notebook, "w['t'].value", "'from tab 2'")
        expect(v1.get_by_label("text")).to_have_value("from tab 2")
        v3.get_by_label("check").click()
        wait_kernel(notebook, "w['cb'].value", "False")
        expect(v1.get_by_label("check")).not_to_be_checked()
    finally:
        other.page.context.close()
    assert errors(notebook) == []
