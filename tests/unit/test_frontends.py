"""Widget front-ends read from the kernel's environment (bridge/frontends.py): a JupyterLab
extension's container and its files, and what a page may not ask for."""

from __future__ import annotations

import json

import pytest

from cellwire.bridge import frontends


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A Jupyter data directory searched first, with one labextension, 'lab-only'."""
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    static = tmp_path / "labextensions" / "lab-only" / "static"
    static.mkdir(parents=True)
    meta = {
        "name": "lab-only",
        "version": "2.0.4",
        "jupyterlab": {
            "_build": {"load": "static/remoteEntry.abc.js", "extension": "./extension"},
            "sharedPackages": {
                "@jupyter-widgets/base": {"bundled": False, "singleton": True},
                "@lumino/widgets": {"bundled": False},
                "other-lib": {"bundled": False},
                "d3": {"bundled": True},
            },
        },
    }
    (static.parent / "package.json").write_text(json.dumps(meta))
    (static / "remoteEntry.abc.js").write_text("var _JUPYTERLAB;")
    (static / "12.def.js").write_text('e.exports=n.p+"f00.png";x=n.p+"gone.png";y=n.p+"34.def.js"')
    (static / "f00.png").write_bytes(b"\x89PNG")
    (static / "34.def.js").write_text("")
    (static / "5.css").write_text("a{background:url(f00.png)} b{background:url('gone.png')}")
    return tmp_path


def test_a_labextension_is_the_front_end_when_there_is_no_nbextension(data_dir):
    body, buffers = frontends.module_reply("lab-only")
    assert buffers == []
    assert body["format"] == "federated" and body["package"] == "lab-only" and body["version"] == "2.0.4"
    assert body["file"] == "remoteEntry.abc.js" and body["entry"] == "var _JUPYTERLAB;"
    assert body["extension"] == "./extension" and body["style"] is None
    assert body["needs"] == ["other-lib"]  # what the manager provides, and what it bundles, are not needed


def test_an_nbextension_is_preferred_when_both_exist(data_dir):
    (data_dir / "nbextensions" / "lab-only").mkdir(parents=True)
    (data_dir / "nbextensions" / "lab-only" / "index.js").write_text("define([], {})")
    assert frontends.module_reply("lab-only") == ({"name": "lab-only", "source": "define([], {})"}, [])


def test_a_chunk_comes_with_the_assets_it_names(data_dir):
    body, buffers = frontends.module_reply("lab-only", "12.def.js")
    assert body["source"].startswith("e.exports=") and body["assets"] == ["f00.png"]
    assert buffers == [b"\x89PNG"]
    body, buffers = frontends.module_reply("lab-only", "5.css")  # a stylesheet's url(...) too
    assert body["assets"] == ["f00.png"] and buffers == [b"\x89PNG"]


@pytest.mark.parametrize("file", ["../package.json", "sub/x.js", "nope.js", ".hidden"])
def test_only_files_of_the_static_folder_are_served(data_dir, file):
    with pytest.raises(frontends.NoFrontEnd, match="no file static/"):
        frontends.module_reply("lab-only", file)


def test_a_missing_module_names_both_forms_and_the_package_to_install(data_dir):
    with pytest.raises(frontends.NoFrontEnd, match=r"nbextensions/nope/index\.js and labextensions/nope/package\.json"):
        frontends.module_reply("nope")


def test_enabled_nbextensions_configs_are_read_not_run_and_their_files_served(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "data"))
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(tmp_path / "config"))
    notebook_d = tmp_path / "config" / "nbconfig" / "notebook.d"
    notebook_d.mkdir(parents=True)
    for name, on in [("threeish", True), ("off", False), ("jupyter-js-widgets", True), ("huge", True)]:
        folder = tmp_path / "data" / "nbextensions" / name
        folder.mkdir(parents=True)
        (folder / "extension.js").write_text("x" * (frontends.CONFIG_MAX_BYTES + 1) if name == "huge" else f"// {name}")
        (notebook_d / f"{name}.json").write_text(json.dumps({"load_extensions": {f"{name}/extension": on}}))
    (tmp_path / "data" / "nbextensions" / "threeish" / "lib").mkdir()
    (tmp_path / "data" / "nbextensions" / "threeish" / "lib" / "three.js").write_text("define([], 3)")
    # the classic notebook's own widget manager, disabled ones and bundles are not configurations
    configs = frontends.nbextension_configs()  # (with those of this environment's packages)
    assert configs["threeish"] == "// threeish"
    assert not {"off", "jupyter-js-widgets", "huge"} & set(configs)
    reply, buffers = frontends.module_reply("threeish", "lib/three.js", nbextension=True)
    assert (reply["source"], buffers) == ("define([], 3)", [])
    # a webpack chunk its bundle asks for by URL, and a CSS chunk, with the assets their text names
    threeish = tmp_path / "data" / "nbextensions" / "threeish"
    (threeish / "7.index.js").write_text('(self.webpackChunk=self.webpackChunk||[]).push([[7],{}]);x=n.p+"f.woff2"')
    (threeish / "7.css").write_text("a{src:url(f.woff2)}")
    (threeish / "f.woff2").write_bytes(b"font")
    for chunk in ("7.index.js", "7.css"):
        reply, buffers = frontends.module_reply("threeish", chunk, nbextension=True)
        assert (reply["assets"], buffers) == (["f.woff2"], [b"font"])
    for name, file in [
        ("threeish", "../off/extension.js"),
        ("threeish", "lib/three"),
        ("threeish", "f.woff2"),
        ("..", "x.js"),
        ("threeish", "no.js"),
    ]:
        with pytest.raises(frontends.NoFrontEnd):
            frontends.nbextension_file(name, file)


def test_packages_only_jupyterlab_provides_are_named_not_looked_up_as_labextensions(data_dir):
    meta_file = data_dir / "labextensions" / "lab-only" / "package.json"
    meta = json.loads(meta_file.read_text())
    meta["jupyterlab"]["sharedPackages"].update(
        {
            "@jupyter-widgets/jupyterlab-manager": {"bundled": False, "singleton": True},
            "@jupyterlab/apputils": {"bundled": False},
            "@jupyterlab/ui-components": {"bundled": True},  # (its own copy: runs anywhere)
        }
    )
    meta_file.write_text(json.dumps(meta))
    assert frontends.module_reply("lab-only")[0]["needs"] == ["other-lib"]  # a page would find no provider
    assert frontends.jupyterlab_only_needs("lab-only") == [
        "@jupyter-widgets/jupyterlab-manager",
        "@jupyterlab/apputils",
    ]
    assert frontends.jupyterlab_service("@jupyter-widgets/jupyterlab-manager") == "JupyterLab's widget manager"
    assert frontends.jupyterlab_service("@jupyterlab/apputils") == "JupyterLab's @jupyterlab/apputils"
    assert frontends.jupyterlab_service("other-lib") is None
    assert frontends.jupyterlab_only_needs("nope") == []  # no front-end at all: the page says so
    (data_dir / "nbextensions" / "lab-only").mkdir(parents=True)
    (data_dir / "nbextensions" / "lab-only" / "index.js").write_text("define([], {})")
    assert frontends.jupyterlab_only_needs("lab-only") == []  # the nbextension is its front-end
