"""Widgets shown inside an ``ipywidgets.Output`` through the bridge are live views of their models
(as JupyterLab's manager renders an Output's widget-view output), not the saved snapshot: in a
JupyterLab / Notebook 7 whose server env has no widget extension."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, expect
from widget_helpers import LAB_AND_NB7, live, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]

# The host, without a widget manager, refuses kernel-opened widget comms in the console (as without cellwire).
NO_WIDGET_MANAGER = re.compile(r"Exception opening new comm|No such comm target|jupyter\.widget")


def errors(notebook):
    return [e for e in notebook.unexpected_console_errors if not NO_WIDGET_MANAGER.search(e)]


def drag_to_end(notebook, slider: Locator) -> None:
    """Drag the slider's handle past the right end of its track, with the mouse."""
    handle = slider.locator(".noUi-handle").first
    track = slider.locator(".noUi-target").first.bounding_box()
    box = handle.bounding_box()
    assert box is not None and track is not None
    notebook.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    notebook.page.mouse.down()
    notebook.page.mouse.move(track["x"] + track["width"] + 40, box["y"] + box["height"] / 2, steps=8)
    notebook.page.mouse.up()


def test_a_slider_inside_an_output_is_live_and_goes_when_cleared(module_notebook):
    notebook = module_notebook
    view = live(
        notebook.run(
            "import cellwire\nimport ipywidgets as w\nout = w.Output()\ns = w.IntSlider(value=3, max=10)\n"
            "with out:\n    display(s)\nout",
            timeout=60,
        )
    )
    inner = view.locator(".widget-output .widget-slider")
    expect(inner.locator(".widget-readout")).to_have_text("3", timeout=30_000)  # a view, not the snapshot
    # the captured output keeps ipywidgets' widget-view mimetype (what a manager makes the view of)
    wait_kernel(
        notebook, "out.outputs[0]['data']['application/vnd.jupyter.widget-view+json']['model_id'] == s.model_id", "True"
    )
    notebook.run("s.value = 7")
    expect(inner.locator(".widget-readout")).to_have_text("7")
    drag_to_end(notebook, inner)
    wait_kernel(notebook, "s.value", "10")
    # append_display_data shows a widget live too (what the bridge's capture stores: its view)
    notebook.run("t = w.IntSlider(value=1)\nout.append_display_data(t)")
    expect(inner).to_have_count(2)
    notebook.run("t.value = 2")
    expect(inner.nth(1).locator(".widget-readout")).to_have_text("2")
    expect(inner.nth(0).locator(".widget-readout")).to_have_text("10")
    inner.nth(0).evaluate("el => { el.dataset.mark = 'kept' }")
    notebook.run("with out:\n    print('after')")
    expect(view.locator(".widget-output")).to_contain_text("after")
    expect(inner.nth(0)).to_have_attribute("data-mark", "kept")  # a print does not redraw the views
    first_readout = inner.nth(0).locator(".widget-readout").element_handle()
    notebook.run("out.clear_output()")
    expect(view.locator(".widget-output .lm-Widget")).to_have_count(0)
    expect(view.locator(".widget-output")).to_be_empty()
    # the cleared views were removed, not just taken out of the page: they follow the model no more
    notebook.run("s.value = 4\nwith out:\n    display(s)")
    expect(inner.locator(".widget-readout")).to_have_text("4")  # (a new view; the update has arrived)
    assert first_readout.text_content() == "10"
    notebook.run("out.clear_output()")
    # a widget the page cannot get (closed, or from another kernel) keeps the output's own rendering
    notebook.run(
        "out.outputs = ({'output_type': 'display_data', 'metadata': {}, 'data': {'text/plain': 'no such widget', "
        "'application/vnd.jupyter.widget-view+json': {'version_major': 2, 'version_minor': 0, 'model_id': 'gone'}}},)"
    )
    expect(view.locator(".widget-output")).to_contain_text("no such widget")
    assert errors(notebook) == []


def test_interact_with_a_function_that_displays_a_widget(module_notebook):
    notebook = module_notebook
    view = live(
        notebook.run(
            "import cellwire\nimport ipywidgets as w\nmade = []\n"
            "def show(n=2):\n    made.append(w.IntSlider(value=n, description='inner'))\n    display(made[-1])\n"
            "w.interact(show, n=(0, 5))",
            timeout=60,
        )
    )
    inner = view.locator(".widget-output .widget-slider")
    expect(inner.locator(".widget-readout")).to_have_text("2", timeout=30_000)
    view.locator(".widget-interact > .widget-slider .noUi-handle").first.focus()  # the control
    notebook.page.keyboard.press("ArrowRight")
    expect(inner.locator(".widget-readout")).to_have_text("3")  # the function ran again, its new slider live
    wait_kernel(notebook, "[m.value for m in made]", "[2, 3]")
    expect(inner).to_have_count(1)
    notebook.run("made[-1].value = 1")
    expect(inner.locator(".widget-readout")).to_have_text("1")
    drag_to_end(notebook, inner)
    wait_kernel(notebook, "made[-1].value", "100")
    assert errors(notebook) == []
