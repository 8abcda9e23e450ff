"""The ipywidgets bridge: plain ipywidgets code, after ``import cellwire``, live in a JupyterLab /
Notebook 7 whose server env has no widget extension and with every CDN request blocked."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect
from widget_helpers import LAB_AND_NB7, live, second_tab, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]

# Without a widget manager the front-end refuses every kernel-opened widget comm, and says so in
# the console; that is the host, as without cellwire.
NO_WIDGET_MANAGER = re.compile(r"Exception opening new comm|No such comm target|jupyter\.widget")
LOCAL = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/")


@pytest.fixture
def offline(notebook):
    """Every request that leaves this machine fails (and is remembered)."""
    blocked: list[str] = []

    def handle(route):
        blocked.append(route.request.url)
        route.abort()

    notebook.page.context.route(lambda url: not LOCAL.match(url) and not url.startswith(("blob:", "data:")), handle)
    yield blocked
    assert blocked == [], f"requests left the machine: {blocked}"


def errors(notebook):
    return [e for e in notebook.unexpected_console_errors if not NO_WIDGET_MANAGER.search(e)]


def bridged(output):
    """The live ipywidget inside a cellwire output (ipywidgets' own DOM)."""
    view = live(output)
    view.locator(".lm-Widget").first.wait_for(timeout=30_000)
    return view


SLIDER = "import cellwire\nimport ipywidgets as w\ns = w.IntSlider(value=3, max=10, description='n')\ns"


def slider_both_ways(notebook, source=SLIDER):
    """Show an ipywidgets IntSlider ``s`` (3) with ``source``, set it from Python (7), move it by
    keyboard (8); its view."""
    view = bridged(notebook.run(source, timeout=60))
    readout = view.locator(".widget-readout")
    expect(readout).to_have_text("3")
    notebook.run("s.value = 7")
    expect(readout).to_have_text("7")
    view.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "8")
    return view


def test_int_slider_both_ways(notebook, offline):
    view = slider_both_ways(notebook)
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "9")
    expect(view.locator(".widget-readout")).to_have_text("9")
    assert errors(notebook) == []


def test_text_and_dropdown_both_ways(notebook, offline):
    out = notebook.run(
        "import cellwire\nimport ipywidgets as w\n"
        "t = w.Text(value='hi', description='t')\nd = w.Dropdown(options=['a', 'b', 'c'], value='a')\n"
        "w.HBox([t, d])",
        timeout=60,
    )
    view = bridged(out)
    box = view.locator(".widget-hbox")
    text = box.locator("input[type=text]")
    select = box.locator("select")
    expect(text).to_have_value("hi")
    expect(select).to_have_value("a")
    notebook.run("t.value = 'from kernel'; d.value = 'c'")
    expect(text).to_have_value("from kernel")
    expect(select).to_have_value("c")
    text.fill("typed")
    text.press("Enter")
    wait_kernel(notebook, "t.value", "'typed'")
    select.select_option("b")
    wait_kernel(notebook, "d.value", "'b'")
    assert errors(notebook) == []


def test_button_prints_into_an_output(notebook, offline):
    out = notebook.run(
        "import cellwire\nimport ipywidgets as w\nout = w.Output()\nb = w.Button(description='go')\n"
        "def clicked(_):\n    with out:\n        print('clicked', len(out.outputs))\n"
        "b.on_click(clicked)\nw.VBox([b, out])",
        timeout=60,
    )
    view = bridged(out)
    view.locator("button", has_text="go").click()
    expect(view.locator(".widget-output")).to_contain_text("clicked 0")
    wait_kernel(notebook, "out.outputs[0]['text']", "'clicked 0\\n'")
    notebook.run("with out:\n    raise ValueError('shown in the Output')")
    expect(view.locator(".widget-output")).to_contain_text("ValueError")
    appended = notebook.run("out.append_display_data(w.Label('appended'))")  # a widget displays itself
    expect(view.locator(".widget-output")).to_contain_text("appended")  # ... into the Output all the same
    assert appended.locator(".cellwire-output").count() == 0
    assert errors(notebook) == []


def test_vbox_gets_a_child_added_from_python_and_a_closed_widget_disappears(notebook, offline):
    out = notebook.run("import cellwire\nimport ipywidgets as w\nbox = w.VBox([w.Label('one')])\nbox", timeout=60)
    view = bridged(out)
    expect(view.locator(".widget-label")).to_have_text(["one"])
    notebook.run("two = w.IntSlider(value=5)\nbox.children = box.children + (w.Label('two'), two)")
    expect(view.locator(".widget-label", has_text="two")).to_have_count(1)
    expect(view.locator(".widget-readout")).to_have_text("5")
    notebook.run("two.close()")
    expect(view.locator(".widget-readout")).to_have_count(0)
    refusals = len(notebook.console_errors)
    # widgets made while a cellwire page shows widgets are not offered to the host on iopub: the
    # front-end refuses none of them (a console error and a shell round trip each)
    many = bridged(notebook.run("w.VBox([w.IntSlider(value=i) for i in range(100)])", timeout=60))
    expect(many.locator(".widget-readout")).to_have_count(100)
    expect(many.locator(".widget-readout").last).to_have_text("99")
    notebook.run("print('settled')")  # (a refusal would have been sent by now)
    assert notebook.console_errors[refusals:] == []
    # Nor once every output is cleared and no page shows a widget: the front-end refused one
    # already (the first box, before its page subscribed), so it has no manager.
    notebook.clear_all_outputs()
    wait_kernel(notebook, "cellwire.bridge.get_hub().pages()", "0", timeout=30)
    again = bridged(notebook.run("more = [w.IntSlider(value=i) for i in range(50)]\nw.VBox(more)", timeout=60))
    expect(again.locator(".widget-readout")).to_have_count(50)
    assert notebook.kernel_eval("sum(s.comm.iopub_offered for s in more)") == "0"
    notebook.run("print('settled')")
    assert notebook.console_errors[refusals:] == []
    assert errors(notebook) == []


def test_link_and_jslink(notebook, offline):
    out = notebook.run(
        "import cellwire\nimport ipywidgets as w\na, b = w.IntSlider(value=1), w.IntSlider(value=1)\n"
        "c, d = w.IntText(value=1), w.IntText(value=1)\nw.link((a, 'value'), (b, 'value'))\n"
        "w.jslink((c, 'value'), (d, 'value'))\nw.VBox([a, b, c, d])",
        timeout=60,
    )
    view = bridged(out)
    notebook.run("a.value = 4")
    expect(view.locator(".widget-readout")).to_have_text(["4", "4"])
    first = view.locator(".widget-inline-hbox input").nth(0)
    first.fill("8")
    first.press("Enter")
    expect(view.locator(".widget-inline-hbox input").nth(1)).to_have_value("8")  # jslink: in the page
    wait_kernel(notebook, "(c.value, d.value)", "(8, 8)")
    assert errors(notebook) == []


def test_interact_redraws_a_matplotlib_figure(notebook, offline):
    out = notebook.run(
        "import cellwire\n%matplotlib inline\nimport matplotlib.pyplot as plt\n"
        "from ipywidgets import interact\n"
        "@interact(n=(1, 10))\ndef plot(n=3):\n    plt.figure(figsize=(2, 2))\n"
        "    plt.plot(range(n))\n    plt.title(f'n={n}')\n    plt.show()",
        timeout=60,
    )
    view = bridged(out)
    expect(view.locator(".widget-readout")).to_have_text("3")
    image = view.locator(".widget-output img")
    expect(image).to_have_count(1)
    first = image.get_attribute("src")
    view.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    expect(view.locator(".widget-readout")).to_have_text("4")
    expect(image).to_have_count(1)
    expect(image).not_to_have_attribute("src", first)
    assert errors(notebook) == []


def test_anywidget_displayed_plainly_and_inside_a_container(notebook, offline, browser):
    """(Also the retired toolkit's test_custom wigglystuff test: a second tab shows the value.)"""
    out = notebook.run(
        "import cellwire\nimport ipywidgets as w\nfrom wigglystuff import Slider2D\n"
        "s2 = Slider2D(x=0.1, y=0.2, width=200, height=200)\ns2",
        timeout=60,
    )
    view = bridged(out)
    readout = view.locator("#sliderValues")
    expect(readout).to_have_text("X: 0.10, Y: 0.20")
    notebook.run("s2.x = -0.5")
    expect(readout).to_have_text("X: -0.50, Y: 0.20")
    out2 = notebook.run("s3 = Slider2D(x=0.3, y=0.3, width=200, height=200)\nw.VBox([w.Label('inside'), s3])")
    view2 = bridged(out2)
    expect(view2.locator(".widget-label")).to_have_text("inside")
    expect(view2.locator("#sliderValues")).to_have_text("X: 0.30, Y: 0.30")
    box = view2.locator("canvas").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    notebook.page.mouse.move(cx, cy)
    notebook.page.mouse.down()
    notebook.page.mouse.move(cx + 40, cy - 40, steps=8)
    notebook.page.mouse.up()
    wait_kernel(notebook, "s3.x > 0.3 and s3.y > 0.3", "True")
    other = second_tab(notebook, browser)
    try:
        x = float(notebook.kernel_eval("s3.x"))
        expect(bridged(other.page.locator("body")).locator("#sliderValues")).to_contain_text("X: -0.50")
        expect(other.page.locator("#sliderValues").nth(1)).to_contain_text(f"X: {x:.2f}")
    finally:
        other.page.context.close()
    assert errors(notebook) == []


def test_saved_snapshots_show_the_last_values_from_the_page_and_from_python(notebook, offline):
    out = notebook.run(
        "import cellwire\nimport ipywidgets as w\ns = w.IntSlider(value=3, max=10, description='n')\ns", timeout=60
    )
    view = bridged(out)
    view.locator(".widget-slider").evaluate("el => { el.__kept = true; }")  # (a re-render would lose it)
    view.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "5")
    box_view = bridged(notebook.run("t = w.IntText(value=1)\nbox = w.VBox([w.Label('inside'), t])\nbox"))
    notebook.run("t.value = 42")
    expect(box_view.locator("input")).to_have_value("42")
    notebook.run("print('another cell')")
    expect(view.locator(".widget-readout")).to_have_text("5")  # the live views were moved, not re-rendered
    assert view.locator(".widget-slider").evaluate("el => el.__kept === true")
    view.locator(".noUi-handle").first.focus()  # and still work
    notebook.page.keyboard.press("ArrowLeft")
    wait_kernel(notebook, "s.value", "4")
    notebook.run("s.value = 6")  # (the kernel's last word, saved once this cell has run)
    notebook.save()
    saved = (notebook.server.root_dir / notebook.path).read_text()
    assert notebook.server.token not in saved
    slider_out, box_out = (
        c["outputs"][0] for c in json.loads(saved)["cells"] if "".join(c["source"]).endswith(("s", "box"))
    )
    slider_html, box_html = ("".join(o["data"]["text/html"]) for o in (slider_out, box_out))
    assert 'value="6"' in slider_html and "<code>6</code>" in slider_html
    assert 'value="42"' in box_html and "inside" in box_html
    assert slider_out["output_type"] == "display_data"  # (a last expression too: updatable)
    assert errors(notebook) == []
