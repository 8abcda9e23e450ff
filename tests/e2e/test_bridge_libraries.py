"""Third-party ipywidgets libraries through the bridge, their front-ends served from the kernel's
environment (nbextension AMD bundles, JupyterLab extensions) with every request off this machine
blocked: bqplot, ipyleaflet, plotly's FigureWidget, ipyevents, ipympl, pythreejs, and bundles that
load webpack chunks by URL (ipyaggrid, ipyvolume through jupyter-vue) or whose JupyterLab plugin also
extends the notebook (jupyter_bokeh)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect
from test_bridge import LOCAL, bridged, errors
from widget_helpers import LAB_AND_NB7, live, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]


@contextmanager
def code_from_cdn_refused(notebook) -> Iterator[list[tuple[str, str]]]:
    """Requests off this machine fail; none may be for code or styles (map tiles are data)."""
    blocked: list[tuple[str, str]] = []

    def off_machine(url):
        return not LOCAL.match(url) and not url.startswith(("blob:", "data:"))

    def handle(route):
        blocked.append((route.request.resource_type, route.request.url))
        route.abort()

    notebook.page.context.route(off_machine, handle)
    yield blocked
    notebook.page.context.unroute(off_machine, handle)
    code = [url for kind, url in blocked if kind in ("script", "stylesheet", "fetch", "xhr", "font")]
    assert code == [], f"code or styles requested off this machine: {code}"


@pytest.fixture
def no_code_from_cdn(notebook):
    with code_from_cdn_refused(notebook) as blocked:
        yield blocked


@pytest.fixture
def shared_notebook_offline(module_notebook):
    """The module's shared notebook, with requests off this machine refused as above."""
    with code_from_cdn_refused(module_notebook):
        yield module_notebook


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


#: ipyvolume 0.6.3's own container.vue calls Vue 2's `this.$set`, which ipyvue 3 (Vue 3) lacks: the
#: library's error in every front-end, after its figure and controls drew.
IPYVOLUME_VUE2 = "pageerror: this.$set is not a function"


def errors_but_the_libraries_own(notebook):
    """The console errors less what these libraries print in every front-end: AG Grid's licence
    banner (console.error lines of asterisks from ipyaggrid's grid) and ipyvolume's Vue 2 call."""
    return [e for e in errors(notebook) if not (e.startswith("error: *") and "ipyaggrid/" in e) and e != IPYVOLUME_VUE2]


def test_ipyaggrid_its_bundle_loads_a_webpack_chunk_by_url_from_the_kernel(shared_notebook_offline):
    # ipyaggrid's bundle builds its chunk's URL from the classic notebook's data-base-url
    # ("null" + "nbextensions/ipyaggrid/906.index.js" in JupyterLab) and adds a <script> for it.
    notebook = shared_notebook_offline
    out = notebook.run(
        "import cellwire\nfrom ipyaggrid import Grid\n"
        "g = Grid(grid_data=[{'a': 17, 'b': 'x'}, {'a': 23, 'b': 'y'}],\n"
        "         grid_options={'columnDefs': [{'field': 'a'}, {'field': 'b'}]})\ng",
        timeout=90,
    )
    view = live(out)
    expect(view.locator(".ag-cell", has_text="23")).to_be_visible(timeout=30_000)
    expect(view.locator(".ag-cell", has_text="y")).to_be_visible()
    assert errors_but_the_libraries_own(notebook) == []


def test_ipyvolume_draws_with_its_vue_controls_whose_sfc_compiler_is_a_chunk_by_url(shared_notebook_offline):
    # ipyvolume's controls are jupyter-vuetify templates; jupyter-vue compiles them with its
    # `vue-sfc` chunk, which its bundle asks for under its module.uri. jupyter-vuetify's bundle
    # imports jupyter-vue: one copy on the page, or its TemplateModel fails `instanceof`.
    notebook = shared_notebook_offline
    out = notebook.run(
        "import cellwire\nimport numpy as np, ipyvolume as ipv\nx, y, z = np.random.rand(3, 30)\n"
        "fig = ipv.figure()\nscatter = ipv.scatter(x, y, z, size=2)\nipv.show()",
        timeout=90,
    )
    view = live(out)
    expect(view.locator("canvas").first).to_be_visible(timeout=60_000)
    expect(view.locator(".v-btn").first).to_be_visible(timeout=30_000)  # a vuetify template compiled
    assert errors_but_the_libraries_own(notebook) == []


def test_jupyter_bokeh_its_labextension_starts_and_the_plot_draws(shared_notebook_offline):
    # jupyter_bokeh's nbextension is not enabled (it ships no nbconfig), so its JupyterLab extension
    # is used; its plugin also extends JupyterLab's notebook panels (app.docRegistry), which a widget
    # output has none of: skipped, the widget registered.
    notebook = shared_notebook_offline
    out = notebook.run(
        "import cellwire\nfrom bokeh.io import output_notebook\nfrom bokeh.plotting import figure\n"
        "from bokeh.resources import INLINE\nfrom jupyter_bokeh import BokehModel\n"
        "output_notebook(INLINE, hide_banner=True)  # BokehJS, from the kernel's environment\n"
        "p = figure(width=250, height=150)\np.line([1, 2, 3], [1, 3, 2])\nBokehModel(p)",
        timeout=90,
    )
    view = live(out)
    expect(view.locator("canvas").first).to_be_visible(timeout=30_000)
    assert errors_but_the_libraries_own(notebook) == []


SIDECAR = (
    "import cellwire\nimport ipywidgets as w\nfrom sidecar import Sidecar\n"
    "sc = Sidecar(title='Sidecar Output')\ninner = w.IntSlider(3)\nwith sc:\n    display(inner)\n"
    "bystander = w.IntSlider(value=1)\nbystander"
)


def test_sidecar_is_not_a_silent_blank_its_contents_show_in_the_cell_with_why(shared_notebook_offline):
    # sidecar's front-end opens a panel in JupyterLab's shell (its extension needs JupyterLab's own
    # widget manager); the Sidecar is never displayed. Its cell says so, naming the package and the
    # service, and shows its contents live; the kernel's log says it once; a widget beside it works.
    notebook = shared_notebook_offline
    out = notebook.run(SIDECAR, timeout=90)
    stand_in, bystander = bridged(out), live(out, nth=1)
    note = stand_in.locator(".cellwire-jw-problem")
    expect(note).to_contain_text("the JupyterLab extension '@jupyter-widgets/jupyterlab-sidecar'")
    expect(note).to_contain_text("needs JupyterLab's widget manager (@jupyter-widgets/jupyterlab-manager)")
    expect(note).to_contain_text(
        "use JupyterLab with jupyterlab_widgets and sidecar installed in the server's environment"
    )
    stand_in.locator(".noUi-handle").focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "inner.value", "4")
    notebook.run("with sc:\n    print('written later')")
    expect(stand_in.get_by_text("written later")).to_be_visible()
    # Displayed anyway, a Sidecar's view says the same (not a second, garbled failure of its code).
    shown = live(notebook.run("Sidecar(title='shown')", timeout=60))
    expect(shown.locator(".cellwire-jw-problem")).to_contain_text(
        "'@jupyter-widgets/jupyterlab-sidecar' (labextensions/@jupyter-widgets/jupyterlab-sidecar in the kernel's "
        "environment) failed while loading its module ./extension: it needs the package @jupyter-widgets/jupyterlab-manager"
    )
    bystander.locator(".noUi-handle").focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "bystander.value", "2")
    log = notebook.server.log_text()
    assert len(re.findall(r"ipywidgets bridge: .*'@jupyter-widgets/jupyterlab-sidecar'", log)) == 1
