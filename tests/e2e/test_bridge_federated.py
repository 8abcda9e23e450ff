"""Failures between a comm and a view never leave a blank output: JupyterLab extensions (module
federation containers) that throw in ``init`` or in a plugin's ``activate``, that need a package
of a newer version than the manager's or a JupyterLab service, and views whose ``render`` rejects
or that throw on a later update. Each says so once in its widget's output, naming the package,
and once in the kernel's log; the other widgets carry on."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect
from test_bridge import offline  # noqa: F401 (a fixture)
from widget_helpers import LAB_AND_NB7, live, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]

# Hand-written containers with webpack's interface (init(shareScope), get(module) -> factory),
# reading @jupyter-widgets/base from the share scope as a webpack build would.
BASE = """const base = async (scope) => {
  const versions = scope["@jupyter-widgets/base"];
  return (await versions[Object.keys(versions)[0]].get())();
};"""
CONTAINERS = {
    "cw-fed-init": "init() { throw new Error('init failed on purpose'); }, get() {}",
    "cw-fed-activate": """init(s) { this.scope = s; }, async get() {
      const b = await base(this.scope);
      return () => ({ default: { id: 'cw-fed-activate:plugin', requires: [b.IJupyterWidgetRegistry],
        activate() { throw new Error('activate failed on purpose'); } } });
    }""",
    "cw-fed-conflict": """init(s) { this.scope = s; }, async get() {
      const version = Object.keys(this.scope['@jupyter-widgets/base'])[0];
      throw new Error(`Unsatisfied version ${version} from cellwire of shared module @jupyter-widgets/base (required ^99.0.0)`);
    }""",
    "cw-fed-service": """init(s) { this.scope = s; }, async get() {
      const b = await base(this.scope);
      return () => ({ default: { id: 'cw-fed-service:plugin', activate() {},
        requires: [b.IJupyterWidgetRegistry, { name: '@jupyterlab/application:ILabShell' }] } });
    }""",
    "cw-fed-views": """init(s) { this.scope = s; }, async get() {
      const b = await base(this.scope);
      class RejectsView extends b.DOMWidgetView { render() { return Promise.reject(new Error('render failed on purpose')); } }
      class LaterView extends b.DOMWidgetView {
        render() {
          this.el.textContent = 'later is live';
          this.listenTo(this.model, 'change:value', () => { throw new Error('update failed on purpose'); });
        }
      }
      const exports = { ViewsModel: b.DOMWidgetModel, RejectsView, LaterView };
      return () => ({ default: { id: 'cw-fed-views:plugin', requires: [b.IJupyterWidgetRegistry],
        activate(app, registry) { registry.registerWidget({ name: 'cw-fed-views', version: '1.0.0', exports }); } } });
    }""",
}


def install_labextensions(folder) -> str:
    """Fake JupyterLab extensions in a data directory only the kernel looks in (not the server's
    JUPYTER_PATH: JupyterLab itself would load them on the next page load). The cell to run first."""
    for name, body in CONTAINERS.items():
        static = folder / "labextensions" / name / "static"
        static.mkdir(parents=True, exist_ok=True)
        meta = {
            "name": name,
            "version": "1.0.0",
            "jupyterlab": {"_build": {"load": "static/remoteEntry.js", "extension": "./extension"}},
        }
        (static.parent / "package.json").write_text(json.dumps(meta))
        (static / "remoteEntry.js").write_text(
            f"var _JUPYTERLAB = {{ {json.dumps(name)}: (() => {{ {BASE}\nreturn {{ {body} }}; }})() }};\n"
        )
    return f"import os\nos.environ['JUPYTER_PATH'] = os.pathsep.join([{str(folder)!r}, os.environ.get('JUPYTER_PATH', '')])\n"


def fake_widget(name: str, module: str, view: str = "View") -> str:
    return (
        f"class {name}(w.DOMWidget):\n    _model_module = Unicode('{module}').tag(sync=True)\n"
        f"    _view_module = Unicode('{module}').tag(sync=True)\n"
        f"    _model_name = Unicode('ViewsModel').tag(sync=True)\n    _view_name = Unicode('{view}').tag(sync=True)\n"
        "    value = Integer(0).tag(sync=True)\n"
    )


HEAD = "import cellwire\nimport ipywidgets as w\nfrom traitlets import Integer, Unicode\n"


def test_bad_labextensions_each_say_which_package_once_and_others_carry_on(notebook, offline, tmp_path):  # noqa: F811
    cell = (
        install_labextensions(tmp_path)
        + HEAD
        + "".join(fake_widget(f"W{i}", m) for i, m in enumerate(CONTAINERS) if m != "cw-fed-views")
    )
    cell += "s = w.IntSlider(value=1)\nw.VBox([W0(), W1(), W2(), W3(), s])"
    out = notebook.run(cell, timeout=60)
    view = live(out)
    problems = view.locator(".cellwire-jw-problem")
    expect(problems).to_have_count(4, timeout=30_000)
    expected = {
        "cw-fed-init": "in init (the share scope): init failed on purpose",
        "cw-fed-activate": "while activating its plugin cw-fed-activate:plugin: activate failed on purpose",
        "cw-fed-conflict": "Unsatisfied version 6.0.12",
        "cw-fed-service": "needs the JupyterLab service @jupyterlab/application:ILabShell",
    }
    for package, words in expected.items():
        expect(problems.filter(has_text=f"'{package}'")).to_contain_text(words)
    view.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "2")
    log = notebook.server.log_text()
    for package in expected:
        assert len(re.findall(rf"page \S+: .*JupyterLab extension of '{package}'", log)) == 1, package


def test_a_view_whose_render_rejects_or_that_throws_later_says_so_and_others_carry_on(notebook, offline, tmp_path):  # noqa: F811
    cell = (
        install_labextensions(tmp_path)
        + HEAD
        + fake_widget("Rejects", "cw-fed-views", "RejectsView")
        + fake_widget("Later", "cw-fed-views", "LaterView")
    )
    cell += "later = Later()\ns = w.IntSlider(value=1)\nw.VBox([Rejects(), later, s])"
    view = live(notebook.run(cell, timeout=60))
    expect(view.locator(".cellwire-jw-problem")).to_have_count(1, timeout=30_000)
    expect(view.locator(".cellwire-jw-problem")).to_contain_text("'cw-fed-views'")
    expect(view.locator(".cellwire-jw-problem")).to_contain_text("render failed on purpose")
    expect(view.get_by_text("later is live")).to_be_visible()
    notebook.run("later.value = 1")
    expect(view.locator(".cellwire-jw-problem")).to_have_count(2)
    expect(view.locator(".cellwire-jw-problem").nth(1)).to_contain_text(
        "widget LaterView from package 'cw-fed-views' failed while updating: update failed on purpose"
    )
    view.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "2")
    log = notebook.server.log_text()
    assert len(re.findall(r"page \S+: .*render failed on purpose", log)) == 1
    assert len(re.findall(r"page \S+: .*update failed on purpose", log)) == 1


def test_an_extension_js_doing_more_than_config_is_refused_naming_it(notebook, offline, tmp_path):  # noqa: F811
    # A fake nbextension, enabled as the classic notebook enables them, whose extension.js touches
    # the page: its widget says so; the slider beside it lives on.
    folder = tmp_path / "data" / "nbextensions" / "cw-touchy"
    folder.mkdir(parents=True)
    (folder / "extension.js").write_text("define(function () { document.title = 'mine'; });")
    (folder / "index.js").write_text("define([], function () { return {}; });")
    notebook_d = tmp_path / "config" / "nbconfig" / "notebook.d"
    notebook_d.mkdir(parents=True)
    (notebook_d / "cw-touchy.json").write_text(json.dumps({"load_extensions": {"cw-touchy/extension": True}}))
    cell = (
        f"import os\nos.environ['JUPYTER_PATH'] = {str(tmp_path / 'data')!r}\n"
        f"os.environ['JUPYTER_CONFIG_PATH'] = {str(tmp_path / 'config')!r}\n"
        + HEAD
        + fake_widget("Touchy", "cw-touchy")
        + "s = w.IntSlider(value=1)\nw.VBox([Touchy(), s])"
    )
    view = live(notebook.run(cell, timeout=60))
    problem = view.locator(".cellwire-jw-problem")
    expect(problem).to_have_count(1, timeout=30_000)
    expect(problem).to_contain_text(
        "the nbextension 'cw-touchy' (nbextensions/cw-touchy/extension.js in the kernel's environment) "
        "does something other than configure requirejs (it uses document.title)"
    )
    assert notebook.page.title() != "mine"
    view.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "2")
    assert len(re.findall(r"page \S+: .*the nbextension 'cw-touchy'", notebook.server.log_text())) == 1
