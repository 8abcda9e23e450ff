"""The widget libraries ``make compat`` measures: what to install, a sample cell, and what proves that
its view really drew (and, where cheap, that a Python-side update or a click went through)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Library:
    """One library's sample. Selectors are Playwright selectors, looked up in the cell's output (or
    in the whole page when ``where`` is ``"page"``: a library that draws outside the notebook)."""

    name: str  # the distribution, as pip installs it and importlib.metadata knows it
    code: str  # the sample cell; its last expression (or a display call) shows the widget
    drawn: str  # appears (visible) once the view drew
    update: str = ""  # Python run after it drew ...
    updated: str = ""  # ... whose effect must then appear
    click: str = ""  # clicked after it drew ...
    clicked: str = ""  # ... then this Python expression must become True in the kernel
    where: str = "output"
    why: str = ""  # the reason a side fails, when known (shown in the table only when one does)
    extra: tuple[str, ...] = ()  # what else the sample needs installed (numpy, pandas, ...)


LIBRARIES: tuple[Library, ...] = (
    Library(
        "ipywidgets",
        "import ipywidgets as w\ns = w.IntSlider(value=3, description='n')\ns",
        ".widget-slider",
        update="s.description = 'moved'",
        updated="label:has-text('moved')",
    ),
    Library(
        "anywidget",
        "import anywidget, traitlets\n\nclass Counter(anywidget.AnyWidget):\n"
        "    _esm = '''export default { render({ model, el }) {\n"
        "      const b = document.createElement('button');\n"
        "      const show = () => { b.textContent = 'count ' + model.get('value'); };\n"
        "      b.onclick = () => { model.set('value', model.get('value') + 1); model.save_changes(); };\n"
        "      model.on('change:value', show); show(); el.appendChild(b);\n"
        "    } }'''\n"
        "    value = traitlets.Int(0).tag(sync=True)\n\ncounter = Counter()\ncounter",
        "button:has-text('count 0')",
        click="button:has-text('count 0')",
        clicked="counter.value == 1",
    ),
    Library(
        "ipympl",
        "%matplotlib widget\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(3, 2))\n"
        "ax.plot([1, 3, 2])\nfig.canvas",
        ".jupyter-matplotlib-figure canvas",
        update="fig.canvas.manager.set_window_title('retitled')",
        updated=".jupyter-matplotlib :text('retitled')",
    ),
    Library(
        "bqplot",
        "import bqplot.pyplot as plt\nfig = plt.figure(title='waves')\nline = plt.plot([0, 1, 2], [1, 3, 2])\nfig",
        "path.line",
        update="fig.title = 'retitled'",
        updated="text:has-text('retitled')",
    ),
    Library(
        "ipyleaflet",
        "from ipyleaflet import Map, Marker\nm = Map(center=(52.2, 0.1), zoom=5)\nm",
        ".leaflet-control-zoom-in",
        update="m.add(Marker(location=(52.2, 0.1)))",
        updated=".leaflet-marker-icon",
        click=".leaflet-control-zoom-in",
        clicked="m.zoom == 6",
    ),
    Library(
        "plotly",
        "import plotly.graph_objects as go\nf = go.FigureWidget(data=[go.Bar(x=['a', 'b', 'c'], y=[1, 3, 2])])\nf",
        ".bars .point",
        update="f.data[0].y = [3, 1, 2, 5]\nf.data[0].x = ['a', 'b', 'c', 'd']",
        updated=".bars .point >> nth=3",
        extra=("pandas",),
    ),
    Library(
        "ipycanvas",
        "from ipycanvas import Canvas\nc = Canvas(width=200, height=100)\nc.fill_rect(10, 10, 50, 50)\nc",
        "canvas",
    ),
    Library(
        "ipyevents",
        "import ipywidgets as w\nfrom ipyevents import Event\nlabel = w.Label('click me')\nclicks = []\n"
        "e = Event(source=label, watched_events=['click'])\ne.on_dom_event(clicks.append)\nlabel",
        ".widget-label:has-text('click me')",
        click=".widget-label",
        clicked="len(clicks) > 0",
        why="labextension only: cellwire loads no federated bundle yet (issue #18, item 1)",
    ),
    Library(
        "ipydatagrid",
        "import pandas as pd\nfrom ipydatagrid import DataGrid\ng = DataGrid(pd.DataFrame({'a': [1, 2, 3]}))\ng",
        ".lm-DataGrid canvas",
        extra=("pandas",),
    ),
    Library(
        "ipyvuetify",
        "import ipyvuetify as v\nb = v.Btn(children=['press'])\nb",
        ".v-btn:has-text('press')",
        update="b.children = ['pressed']",
        updated=".v-btn:has-text('pressed')",
    ),
    Library("ipyvue", "import ipyvue\nh = ipyvue.Html(tag='h3', children=['vue text'])\nh", "h3:has-text('vue text')"),
    Library(
        "ipytree",
        "from ipytree import Tree, Node\nt = Tree()\nt.add_node(Node('root node'))\nt",
        ".jstree-anchor:has-text('root node')",
    ),
    Library(
        "ipycytoscape",
        "import ipycytoscape\ng = ipycytoscape.CytoscapeWidget()\ng.graph.add_graph_from_json({'nodes': "
        "[{'data': {'id': 'a'}}, {'data': {'id': 'b'}}], 'edges': [{'data': {'source': 'a', 'target': 'b'}}]})\ng",
        "canvas",
    ),
    Library(
        "pythreejs",
        "import pythreejs as p3\ncam = p3.PerspectiveCamera(position=[3, 3, 3])\n"
        "scene = p3.Scene(children=[p3.Mesh(p3.BoxGeometry(), p3.MeshBasicMaterial(color='red')), cam])\n"
        "p3.Renderer(camera=cam, scene=scene, width=200, height=150)",
        "canvas",
        why="its extension.js maps `three` to a sibling file with requirejs' config, which cellwire's loader does not honour yet (issue #18, item 2)",
    ),
    Library(
        "ipyvolume",
        "import numpy as np, ipyvolume as ipv\nx, y, z = np.random.rand(3, 30)\nipv.quickscatter(x, y, z, size=2)",
        "canvas",
        extra=("numpy", "ipython_genutils"),  # ipyvolume imports it without declaring it
    ),
    Library(
        "nglview",
        "import nglview\nv = nglview.show_file(nglview.datafiles.PDB)\nv",
        "canvas",
        why="JupyterLab: nglview 4.0's Python asks for widget module version 4.0, its labextension registers 3.1.5",
    ),
    Library(
        "ipysheet",
        "import ipysheet\ns = ipysheet.sheet(rows=3, columns=2)\nc = ipysheet.cell(0, 0, 'hello')\ns",
        "td:has-text('hello')",
        update="c.value = 'changed'",
        updated="td:has-text('changed')",
    ),
    Library(
        "ipyfilechooser",
        "from ipyfilechooser import FileChooser\nfc = FileChooser('.')\nfc",
        "button:has-text('Select')",
    ),
    Library(
        "ipyaggrid",
        "from ipyaggrid import Grid\ng = Grid(grid_data=[{'a': 1, 'b': 2}], grid_options={'columnDefs': "
        "[{'field': 'a'}, {'field': 'b'}]})\ng",
        ".ag-cell",
    ),
    Library(
        "jupyter-scatter",
        "import numpy as np, jscatter\ns = jscatter.Scatter(x=np.random.rand(50), y=np.random.rand(50))\ns.show()",
        "canvas",
        extra=("numpy",),
    ),
    Library(
        "wigglystuff",
        "from wigglystuff import Slider2D\ns2 = Slider2D(x=0.1, y=0.2, width=200, height=200)\ns2",
        "#sliderValues",
        update="s2.x = -0.5",
        updated="#sliderValues:has-text('X: -0.50')",
    ),
    Library("drawdata", "from drawdata import ScatterWidget\nsw = ScatterWidget(width=500, height=300)\nsw", "svg"),
    Library(
        "altair",
        "import altair as alt, pandas as pd\ndf = pd.DataFrame({'x': ['a', 'b'], 'y': [1, 3]})\n"
        "alt.JupyterChart(alt.Chart(df).mark_bar().encode(x='x', y='y'))",
        ".vega-embed",
        extra=("pandas", "anywidget"),
        why="JupyterChart's ESM imports vega-embed from esm.sh: it needs the network on every front-end",
    ),
    Library("ipyniivue", "from ipyniivue import NiiVue\nnv = NiiVue(height=200)\nnv", "canvas"),
    Library(
        "ipymolstar",
        "from ipymolstar import PDBeMolstar\n"
        "pdb = ('ATOM      1  N   ALA A   1      11.104   6.134  -6.504  1.00  0.00           N\\n'\n"
        "       'ATOM      2  CA  ALA A   1      11.639   6.071  -5.147  1.00  0.00           C\\nEND\\n')\n"
        "PDBeMolstar(custom_data={'data': pdb, 'format': 'pdb', 'binary': False}, height='300px')",
        "canvas",
        why="its ESM loads Mol* from cdn.jsdelivr.net: it needs the network on every front-end",
    ),
    Library(
        "k3d",
        "import k3d\nplot = k3d.plot(height=200)\nplot += k3d.points([[0, 0, 0], [1, 1, 1]], point_size=0.2)\nplot",
        "canvas",
    ),
    Library(
        "sidecar",
        "import ipywidgets as w\nfrom sidecar import Sidecar\nsc = Sidecar(title='sidecar tab')\n"
        "with sc:\n    display(w.Button(description='in sidecar'))",
        ".lm-TabBar-tabLabel:has-text('sidecar tab')",
        where="page",
        why="it opens a panel in JupyterLab's shell (a Lab plugin); a cell's output has no shell to add it to "
        "(cellwire shows its contents in the cell instead, under a note naming the package and what it needs)",
    ),
    Library(
        "itables",
        "import pandas as pd\nfrom itables.widget import ITable\nITable(pd.DataFrame({'a': [1, 2], 'b': ['x', 'y']}))",
        "td:has-text('x')",
        extra=("pandas",),
    ),
    Library(
        "ipyaladin",
        "from ipyaladin import Aladin\na = Aladin(height=300)\na",
        "canvas",
        why="its ESM imports Aladin Lite from esm.sh: it needs the network on every front-end",
    ),
    Library(
        "tqdm",
        "from tqdm.notebook import tqdm\nbar = tqdm(total=10, desc='work')\nbar.update(3)",
        ".widget-hprogress",
        update="bar.set_description('done')",
        updated=".widget-html-content:has-text('done:')",
    ),
    Library(
        "ipysigma",
        "import networkx as nx\nfrom ipysigma import Sigma\nSigma(nx.path_graph(4), height=300)",
        "canvas",
        extra=("networkx",),
    ),
    Library(
        "jupyter_bokeh",
        "from bokeh.io import output_notebook\nfrom bokeh.plotting import figure\nfrom bokeh.resources import INLINE\n"
        "from jupyter_bokeh import BokehModel\noutput_notebook(INLINE, hide_banner=True)  # BokehJS, not from a CDN\n"
        "p = figure(width=250, height=150)\np.line([1, 2, 3], [1, 3, 2])\nBokehModel(p)",
        "canvas",
    ),
)


def packages() -> list[str]:
    """Everything the samples need, for pip: the libraries and their extras, each once."""
    names = [lib.name for lib in LIBRARIES] + [extra for lib in LIBRARIES for extra in lib.extra]
    return list(dict.fromkeys(names))
