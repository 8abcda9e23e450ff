"""Third-party ipywidgets libraries through the bridge, their front-ends served from the kernel's
environment (nbextension AMD bundles) with every request off this machine blocked: bqplot,
ipyleaflet, plotly's FigureWidget."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_bridge import LOCAL, bridged, errors
from widget_helpers import LAB_AND_NB7, live, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]


@pytest.fixture
def no_code_from_cdn(notebook):
    """Requests off this machine fail; none may be for code or styles (map tiles are data)."""
    blocked: list[tuple[str, str]] = []

    def handle(route):
        blocked.append((route.request.resource_type, route.request.url))
        route.abort()

    notebook.page.context.route(lambda url: not LOCAL.match(url) and not url.startswith(("blob:", "data:")), handle)
    yield blocked
    code = [url for kind, url in blocked if kind in ("script", "stylesheet", "fetch", "xhr", "font")]
    assert code == [], f"code or styles requested off this machine: {code}"


def test_bqplot_lines_redraw_when_numpy_data_changes(notebook, no_code_from_cdn):
    out = notebook.run(
        "import cellwire\nimport numpy as np\nimport bqplot.pyplot as plt\n"
        "fig = plt.figure(title='waves')\nline = plt.plot(np.arange(20), np.sin(np.arange(20) / 3))\n"
        "fig",
        timeout=90,
    )
    view = bridged(out)
    path = view.locator("path.line").first
    expect(path).to_have_attribute("d", re.compile(r"^M"), timeout=30_000)
    before = path.get_attribute("d")
    notebook.run("line.y = np.cos(np.arange(20) / 3)")
    expect(path).not_to_have_attribute("d", before)
    expect(view.locator("text", has_text="waves")).to_have_count(1)
    assert errors(notebook) == []


def leaflet_errors(notebook):
    """The console errors less the blocked map tiles (each logs a failed load)."""
    return [e for e in errors(notebook) if "Failed to load resource" not in e or "tile.openstreetmap.org" not in e]


def test_ipyleaflet_map_shows_its_zoom_control_and_a_marker_added_from_python(notebook, no_code_from_cdn):
    out = notebook.run(
        "import cellwire\nfrom ipyleaflet import Map, Marker\nm = Map(center=(52.2, 0.1), zoom=5)\nm", timeout=90
    )
    view = bridged(out)
    expect(view.locator(".leaflet-control-zoom-in")).to_be_visible(timeout=30_000)
    notebook.run("m.add(Marker(location=(52.2, 0.1)))")
    expect(view.locator(".leaflet-marker-icon")).to_have_count(1)
    view.locator(".leaflet-control-zoom-in").click()
    wait_kernel(notebook, "float(m.zoom)", "6.0")
    assert leaflet_errors(notebook) == []


def test_plotly_figurewidget_draws_bars_and_redraws_on_a_trace_update(notebook, no_code_from_cdn):
    out = notebook.run(
        "import cellwire\nimport plotly.graph_objects as go\n"
        "f = go.FigureWidget(data=[go.Bar(x=['a', 'b', 'c'], y=[1, 3, 2])])\nf",
        timeout=90,
    )
    view = bridged(out)
    bars = view.locator(".bars .point")
    expect(bars).to_have_count(3, timeout=30_000)
    notebook.run("f.data[0].y = [3, 1, 2, 5]\nf.data[0].x = ['a', 'b', 'c', 'd']")
    expect(bars).to_have_count(4)
    assert errors(notebook) == []


IPYEVENTS = (
    "import cellwire\nimport ipywidgets as w\nfrom ipyevents import Event\n"
    "label = w.Label('click me')\nseen = []\nev = Event(source=label, watched_events=['click'])\n"
    "def on_event(event):\n    seen.append(event['type'])\n    label.value = f\"{event['type']} {len(seen)}\"\n"
    "ev.on_dom_event(on_event)\nlabel"
)


def test_ipyevents_a_labextension_only_library_sends_dom_events_and_follows_python(notebook, no_code_from_cdn):
    # ipyevents ships only a JupyterLab extension (a module-federation container and its chunks).
    out = notebook.run(IPYEVENTS, timeout=90)
    view = bridged(out)
    label = view.locator(".widget-label")
    expect(label).to_have_text("click me")
    label.click()
    wait_kernel(notebook, "seen", "['click']", timeout=30)
    expect(label).to_have_text("click 1")  # page -> kernel -> page
    notebook.run("ev.watched_events = ['dblclick']")  # kernel -> ipyevents' model in the page
    label.dblclick()
    wait_kernel(notebook, "seen[-1]", "'dblclick'")
    assert notebook.kernel_eval("seen.count('click')") == "1"
    assert errors(notebook) == []


IPYMPL = (
    "import cellwire\nimport ipywidgets as w\n%matplotlib widget\nimport matplotlib.pyplot as plt\n"
    "with plt.ioff():\n    fig, ax = plt.subplots(figsize=(3, 2))\nline, = ax.plot([0, 1, 2], [0, 1, 0])\n"
    "w.HBox([fig.canvas, w.Label('beside')])"
)

CANVAS_PIXELS = "el => el.toDataURL()"


def test_ipympl_figure_is_drawn_its_toolbar_reaches_the_kernel_and_it_redraws(notebook, no_code_from_cdn):
    out = notebook.run(IPYMPL, timeout=90)
    view = bridged(out)
    expect(view.get_by_text("beside")).to_be_visible(timeout=30_000)  # the figure sits in an HBox
    canvas = view.locator(".jupyter-matplotlib-figure canvas").first
    expect(canvas).to_be_visible(timeout=30_000)
    view.locator(".jupyter-matplotlib-canvas-div").hover()  # the toolbar fades in
    view.locator(".jupyter-matplotlib-toolbar button[title^='Left button pans']").click()
    wait_kernel(notebook, "fig.canvas.toolbar._current_action", "'pan'", timeout=30)
    before = canvas.evaluate(CANVAS_PIXELS)
    notebook.run("line.set_ydata([1, 0, 1])\nfig.canvas.draw_idle()")
    notebook.page.wait_for_function(
        "([el, before]) => el.toDataURL() !== before", arg=[canvas.element_handle(), before], timeout=15_000
    )
    assert errors(notebook) == []


PYTHREEJS = (
    "import cellwire\nimport pythreejs as p3\n"
    "cube = p3.Mesh(p3.BoxGeometry(1, 1, 1), p3.MeshBasicMaterial(color='red'))\n"
    "camera = p3.PerspectiveCamera(position=[2, 2, 3], aspect=1)\n"
    "r = p3.Renderer(camera=camera, scene=p3.Scene(children=[cube, camera]),\n"
    "                controls=[p3.OrbitControls(controlling=camera)], width=200, height=200)\nr"
)


def test_pythreejs_its_extension_js_maps_three_the_scene_draws_and_orbits_reach_the_kernel(notebook, no_code_from_cdn):
    # pythreejs' bundle needs `three`, which only its extension.js's requirejs map places (a
    # sibling file of its nbextension folder).
    view = live(notebook.run(PYTHREEJS, timeout=90))
    canvas = view.locator("canvas").first
    expect(canvas).to_be_visible(timeout=30_000)
    expect(canvas).to_have_attribute("width", re.compile(r"^[1-9]"))
    notebook.run("r.width = 300")
    expect(canvas).to_have_css("width", "300px")
    box = canvas.bounding_box()
    assert box is not None
    mouse = notebook.page.mouse
    mouse.move(box["x"] + 100, box["y"] + 100)
    mouse.down()
    for step in range(1, 6):
        mouse.move(box["x"] + 100 + 20 * step, box["y"] + 100)
    mouse.up()
    wait_kernel(notebook, "camera.position != (2, 2, 3)", "True", timeout=30)
    assert errors(notebook) == []
