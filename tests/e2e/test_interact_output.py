"""ipywidgets' interact, Output, a progress bar over a Python loop, and an Image updated from numpy,
through cellwire's bridge. (The ipywidgets twins of the retired toolkit's tests of the same names;
one notebook per configuration.)"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_bridge import bridged, errors
from test_widgets import handle
from widget_helpers import LAB_AND_NB7, live, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]


def test_interact_with_ints_floats_bools_strings_lists_and_dicts(module_notebook):
    notebook = module_notebook
    out = notebook.run(
        "import cellwire as cw\nfrom ipywidgets import interact\n"
        "calls = []\n"
        "@interact(n=5, x=0.5, flag=True, word='hi', pick=['red', 'green'], size={'small': 1, 'big': 10})\n"
        "def show(n, x, flag, word, pick, size):\n"
        "    calls.append((n, x, flag, word, pick, size))\n"
        "    print(f'n={n} x={x:.2f} flag={flag} word={word} pick={pick} size={size}')\n"
        "    return n * size\n",
        timeout=60,
    )
    view = bridged(out)
    shown = view.locator(".widget-output")
    printed = shown.locator("pre.cellwire-jw-stream").first
    expect(printed).to_have_text("n=5 x=0.50 flag=True word=hi pick=red size=1")
    expect(shown.locator(".cellwire-jw-text")).to_have_text("5")  # the returned value is displayed

    handle(view, "n").focus()
    notebook.page.keyboard.press("ArrowRight")
    expect(printed).to_contain_text("n=6 ")
    handle(view, "x").focus()
    notebook.page.keyboard.press("End")
    expect(printed).to_contain_text("x=1.50")
    view.get_by_label("flag").click()
    expect(printed).to_contain_text("flag=False")
    word = view.get_by_label("word")
    word.fill("bye")
    word.press("Enter")
    expect(printed).to_contain_text("word=bye")
    view.get_by_label("pick").select_option("green")
    expect(printed).to_contain_text("pick=green")
    view.get_by_label("size").select_option(label="big")
    expect(printed).to_have_text("n=6 x=1.50 flag=False word=bye pick=green size=10")
    expect(shown.locator(".cellwire-jw-text")).to_have_text("60")
    assert notebook.kernel_eval("calls[-1]") == "(6, 1.5, False, 'bye', 'green', 10)"
    assert errors(notebook) == []


def test_interact_shows_errors_in_its_output(module_notebook):
    """(The retired toolkit also made controls from type hints; ipywidgets' interact does not.)"""
    notebook = module_notebook
    out = notebook.run(
        "import ipywidgets as widgets\n"
        "def f(k=0, mode='b'):\n"
        "    if k > 0: raise ValueError(f'k too big: {k}')\n"
        "    print('mode', mode)\n"
        "w = widgets.interactive(f, k=(0, 5), mode=['a', 'b'])\nw",
        timeout=60,
    )
    view = bridged(out)
    expect(view.locator(".widget-output")).to_contain_text("mode b")
    handle(view, "k").focus()
    notebook.page.keyboard.press("ArrowRight")
    expect(view.locator("pre.cellwire-jw-error")).to_contain_text("ValueError: k too big: 1")
    assert notebook.kernel_eval("w.kwargs") == "{'k': 1, 'mode': 'b'}"
    handle(view, "k").focus()
    notebook.page.keyboard.press("ArrowLeft")  # and it carries on
    expect(view.locator(".widget-output")).to_contain_text("mode b")
    expect(view.locator("pre.cellwire-jw-error")).to_have_count(0)
    assert errors(notebook) == []


def test_output_captures_prints_displays_errors_and_widgets(module_notebook):
    notebook = module_notebook
    out = notebook.run(
        "import cellwire as cw\nimport ipywidgets as widgets\nfrom IPython.display import display, HTML\n"
        "out = widgets.Output()\nout",
        timeout=60,
    )
    view = live(out)  # (an empty Output has no size)
    cell = notebook.run(
        "with out:\n"
        "    print('\\x1b[31mred\\x1b[0m text')\n"
        "    display(HTML('<b class=\"cap\">rich</b>'))\n"
        "    inner = widgets.IntSlider(3, description='inner')\n"
        "    display(inner)\n"
        "    1 / 0\n"
        "print('after, in the cell')"
    )
    assert notebook.output_text(cell).strip() == "after, in the cell"
    expect(view.locator("pre.cellwire-jw-stream")).to_have_text("red text\n")
    expect(view.locator("b.cap")).to_have_text("rich")
    inner = view.locator(".widget-slider")  # the widget inside is live
    expect(inner.locator(".widget-readout")).to_have_text("3")
    notebook.run("inner.value = 4")
    expect(inner.locator(".widget-readout")).to_have_text("4")
    inner.locator(".noUi-handle").focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "inner.value", "5")
    expect(view.locator("pre.cellwire-jw-error")).to_contain_text("ZeroDivisionError")
    notebook.run("out.clear_output()")
    expect(view.locator("pre")).to_have_count(0)
    expect(view.locator(".widget-slider")).to_have_count(0)
    assert errors(notebook) == []


def test_progress_bar_over_a_fast_loop_and_numpy_image(module_notebook):
    """(That a burst's messages reach the page merged: test_iopub_rate.)"""
    notebook = module_notebook
    out = notebook.run(
        "import cellwire as cw, numpy as np\nimport ipywidgets as widgets\n"
        "bar = widgets.FloatProgress(0, max=20000, description='work')\nbar",
        timeout=60,
    )
    bar = bridged(out).locator(".progress-bar")
    notebook.run("for i in range(20001):\n    bar.value = i\n", timeout=60)
    expect(bar).to_have_attribute("style", re.compile(r"width: 100%"))

    out = notebook.run(
        "img = widgets.Image(value=cw.encode_png(np.zeros((20, 30, 3), dtype=np.uint8)), width='90')\nimg"
    )
    image = bridged(out).locator("img")
    expect(image).to_have_js_property("naturalWidth", 30)
    notebook.run("img.value = cw.encode_png(np.full((40, 10, 3), 255, dtype=np.uint8))")
    expect(image).to_have_js_property("naturalWidth", 10)
    expect(image).to_have_js_property("naturalHeight", 40)
    wait_kernel(notebook, "img.format", "'png'")
    assert errors(notebook) == []
