"""interact, Output, a progress bar over a Python loop, and an image updated from numpy."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from widget_helpers import LAB_AND_NB7, live, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]


def test_interact_with_ints_floats_bools_strings_lists_and_dicts(notebook):
    out = notebook.run(
        "import cellwire as cw\n"
        "calls = []\n"
        "@cw.interact(n=5, x=0.5, flag=True, word='hi', pick=['red', 'green'], size={'small': 1, 'big': 10})\n"
        "def show(n, x, flag, word, pick, size):\n"
        "    calls.append((n, x, flag, word, pick, size))\n"
        "    print(f'n={n} x={x:.2f} flag={flag} word={word} pick={pick} size={size}')\n"
        "    return n * size\n"
    )
    view = live(out)
    printed = view.locator(".cw-output pre").first
    expect(printed).to_have_text("n=5 x=0.50 flag=True word=hi pick=red size=1")
    expect(view.locator(".cw-output")).to_contain_text("5")  # the returned value is displayed

    view.get_by_label("n", exact=True).focus()
    notebook.page.keyboard.press("ArrowRight")
    expect(printed).to_contain_text("n=6 ")
    view.get_by_label("x", exact=True).focus()
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
    view.get_by_label("size").select_option("big")
    expect(printed).to_have_text("n=6 x=1.50 flag=False word=bye pick=green size=10")
    expect(view.locator(".cw-output")).to_contain_text("60")
    assert notebook.kernel_eval("calls[-1]") == "(6, 1.5, False, 'bye', 'green', 10)"


def test_interact_shows_errors_and_type_hints_make_controls(notebook):
    out = notebook.run(
        "import cellwire as cw\nfrom typing import Literal\n"
        "def f(k: int, mode: Literal['a', 'b'] = 'b'):\n"
        "    if k > 0: raise ValueError(f'k too big: {k}')\n"
        "    print('mode', mode)\n"
        "w = cw.interactive(f)\nw"
    )
    view = live(out)
    expect(view.locator(".cw-output")).to_contain_text("mode b")
    view.get_by_label("k", exact=True).focus()
    notebook.page.keyboard.press("ArrowRight")
    expect(view.locator("pre.cw-error")).to_contain_text("ValueError: k too big: 1")
    assert notebook.kernel_eval("w.kwargs") == "{'k': 1, 'mode': 'b'}"


def test_output_captures_prints_displays_errors_and_widgets(notebook):
    out = notebook.run("import cellwire as cw\nfrom IPython.display import display, HTML\nout = cw.Output()\nout")
    view = live(out)
    notebook.run(
        "with out:\n"
        "    print('\\x1b[31mred\\x1b[0m text')\n"
        "    display(HTML('<b class=\"cap\">rich</b>'))\n"
        "    display(cw.IntSlider(3, description='inner'))\n"
        "    1 / 0\n"
        "print('after, in the cell')"
    )
    expect(view.locator("pre.cw-stdout")).to_have_text("red text\n")
    expect(view.locator("b.cap")).to_have_text("rich")
    expect(view.get_by_label("inner")).to_have_value("3")
    expect(view.locator("pre.cw-error")).to_contain_text("ZeroDivisionError")
    notebook.run("out.clear_output()")
    expect(view.locator("pre")).to_have_count(0)


def test_progress_bar_over_a_fast_loop_and_numpy_image(notebook):
    out = notebook.run(
        "import cellwire as cw, numpy as np, time\nbar = cw.Progress(max=20000, description='work')\nbar"
    )
    bar = live(out).get_by_role("progressbar")
    notebook.page.evaluate("window.__cellwire_trace = []")
    notebook.run("for i in range(20001):\n    bar.value = i\n", timeout=60)
    expect(bar).to_have_attribute("aria-valuenow", "20000")
    updates = notebook.page.evaluate(
        "window.__cellwire_trace.filter(t => t.dir === 'in' && t.data.data && t.data.data.method === 'update').length"
    )
    assert updates < 500, f"{updates} updates for 20,000 changes: bursts are not coalesced"

    out = notebook.run("img = cw.Image(np.zeros((20, 30, 3), dtype=np.uint8), width='90')\nimg")
    image = live(out).locator("img")
    expect(image).to_have_js_property("naturalWidth", 30)
    notebook.run("img.value = np.full((40, 10, 3), 255, dtype=np.uint8)")
    expect(image).to_have_js_property("naturalWidth", 10)
    expect(image).to_have_js_property("naturalHeight", 40)
    wait_kernel(notebook, "img.format", "'png'")
