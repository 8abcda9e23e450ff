"""The JavaScript the bridge serves over the link: ipywidgets' own front-end (vendored, built by
``scripts/build-widgets-bundle.sh``) and third-party widget front-ends from the kernel's environment.

Third-party ipywidgets libraries ship their front-end in one or both of two forms, read here from
the kernel's environment so it always matches the Python package installed here and needs no CDN:

* an AMD bundle as a classic-notebook extension, ``share/jupyter/nbextensions/<module>/index.js``
  (bqplot, jupyter-leaflet, anywidget, ...), which the page evaluates with a private ``define``;
* a JupyterLab extension, ``share/jupyter/labextensions/<package>/`` (``package.json`` naming a
  webpack module-federation container, ``static/remoteEntry.<hash>.js``, and its chunks), which the
  page loads as JupyterLab does (``static/federation.js``), asking for each chunk by file name.

The nbextension is used when both exist: it is one file (a labextension costs a round trip per
chunk), and it is the form the bridge's library tests cover.

An nbextension's ``extension.js`` (enabled, as the classic notebook loads it at startup, by
``nbconfig/notebook.d/*.json``) configures requirejs: ``map``/``paths`` naming sibling files of its
folder (pythreejs' ``three``) or the folder of a widget module spelled otherwise (``@bokeh/jupyter_bokeh``).
The kernel only reads those files; the page evaluates them with a ``require.config`` that records the
configuration and nothing else (``static/nbextensions.js``), then asks for the files it names.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..log import logger
from ..transport import assets

#: ipywidgets' front-end in ``static/vendor``.
VENDORED = "jupyter-widgets"

#: A widget module name as ipywidgets libraries spell them (``bqplot``, ``jupyter-leaflet``,
#: ``@scope/name``): no path tricks.
_MODULE_NAME = re.compile(r"^(@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*$", re.IGNORECASE)


class NoFrontEnd(LookupError):
    """No front-end for a widget module in the kernel's environment; the message says what to do."""


def vendored_bundle() -> dict[str, Any]:
    """ipywidgets' front-end: the ES module and its CSS, and their content hash (the page caches by it)."""
    return assets.vendor_bundle(VENDORED)


def nbextension_dirs() -> list[Path]:
    from jupyter_core.paths import jupyter_path

    return [Path(p) for p in jupyter_path("nbextensions")]


def find_nbextension(module: str) -> Path:
    """The AMD bundle of widget module ``module`` in the kernel's environment."""
    if not _MODULE_NAME.match(module) or ".." in module:
        raise NoFrontEnd(f"{module!r} is not a widget module name")
    searched = nbextension_dirs()
    for base in searched:
        candidate = base / module / "index.js"
        if candidate.is_file():
            return candidate
    raise NoFrontEnd(
        f"no front-end for widget module {module!r} in the kernel's environment (looked for "
        f"nbextensions/{module}/index.js and labextensions/{module}/package.json in "
        f"{', '.join(str(p.parent) for p in searched) or 'no directory'}): "
        f"install the Python package that provides {module!r} in the kernel's environment, then rerun the cell"
    )


def nbextension_source(module: str) -> str:
    return find_nbextension(module).read_text(encoding="utf-8")


#: widgetsnbextension's ``extension.js`` is the classic notebook's own widget manager, which the
#: bridge replaces; it configures nothing.
_NOT_A_CONFIG = frozenset({"jupyter-js-widgets"})
#: An ``extension.js`` larger than this is a bundle, not a requirejs configuration.
CONFIG_MAX_BYTES = 64 * 1024
#: A file of an nbextension folder as a requirejs path (or a webpack chunk URL) names it: plain
#: names, ``/``-separated; a module, or a chunk's script or stylesheet.
_NBEXTENSION_FILE = re.compile(r"^[\w][\w.-]*(/[\w][\w.-]*)*\.(js|css)$")


def enabled_nbextensions() -> list[str]:
    """The folders whose ``extension.js`` the classic notebook loads at startup: ``load_extensions``
    of ``nbconfig/notebook.d/*.json`` and ``nbconfig/notebook.json``, the user's config winning."""
    import json

    from jupyter_core.paths import jupyter_config_path

    enabled: dict[str, bool] = {}
    for base in reversed(jupyter_config_path()):  # (the most specific comes first)
        nbconfig = Path(base) / "nbconfig"
        for file in [*sorted((nbconfig / "notebook.d").glob("*.json")), nbconfig / "notebook.json"]:
            try:
                loads = json.loads(file.read_text(encoding="utf-8")).get("load_extensions")
            except (OSError, ValueError, AttributeError):
                continue
            if isinstance(loads, dict):
                enabled.update({str(key): bool(on) for key, on in loads.items()})
    folders = [key.removesuffix("/extension") for key, on in enabled.items() if on and key.endswith("/extension")]
    return [f for f in folders if _MODULE_NAME.match(f) and ".." not in f and f not in _NOT_A_CONFIG]


def nbextension_configs() -> dict[str, str]:
    """``extension.js`` of every enabled nbextension in the kernel's environment, by folder (read
    here, never run: the page evaluates them for their requirejs configuration only)."""
    configs: dict[str, str] = {}
    for folder in enabled_nbextensions():
        for base in nbextension_dirs():
            path = base / folder / "extension.js"
            if not path.is_file():
                continue
            if path.stat().st_size > CONFIG_MAX_BYTES:
                logger.warning("ipywidgets bridge: %s is larger than a requirejs configuration; not used", path)
            else:
                configs[folder] = path.read_text(encoding="utf-8")
            break
    return configs


def nbextension_file(folder: str, file: str) -> tuple[dict[str, Any], list[bytes]]:
    """A file of nbextension ``folder`` that a requirejs configuration names, or a chunk its bundle
    asks for by URL, with the assets its text names: ``({"source", "assets"}, [bytes per asset])``."""
    if not _MODULE_NAME.match(folder) or ".." in folder or not _NBEXTENSION_FILE.match(file):
        raise NoFrontEnd(f"nbextensions/{folder}/{file} is not a file of an nbextension")
    for base in nbextension_dirs():
        path = base / folder / file
        if path.is_file():
            return with_assets(path)
    raise NoFrontEnd(
        f"no file nbextensions/{folder}/{file} in the kernel's environment (its front-end asks for it): "
        f"reinstall the Python package that provides nbextensions/{folder}, then rerun the cell"
    )


def labextension_dirs() -> list[Path]:
    from jupyter_core.paths import jupyter_path

    return [Path(p) for p in jupyter_path("labextensions")]


#: A file of a labextension's ``static/`` folder, as its container asks for it: a plain name.
_STATIC_FILE = re.compile(r"^[\w][\w.-]*$")
#: Where webpack's output names an asset (``n.p+"3f2a.png"``: publicPath + file): chunks get those
#: files with them, since the page has no URL to fetch them from.
_ASSET_REF = re.compile(r"""[\w$]\.p\s*\+\s*["']([\w][\w.-]*)["']""")
#: ... and where a stylesheet does (``url(3f2a.woff2)``, relative to the stylesheet).
_CSS_ASSET_REF = re.compile(r"""url\(\s*["']?([\w][\w.-]*)["']?\s*\)""")
#: What the bridge itself provides to a labextension's share scope (the manager's own packages).
PROVIDED = ("@jupyter-widgets/base", "@jupyter-widgets/controls", "@jupyter-widgets/output")
#: Packages only JupyterLab's application provides (a labextension expects them shared, never
#: bundles them), with what each is: no labextension of the kernel's environment can stand in
#: for them in a page (jupyterlab_widgets' own manager needs JupyterLab's settings, output areas...).
JUPYTERLAB_SERVICES = {
    "@jupyter-widgets/jupyterlab-manager": "JupyterLab's widget manager",
    "@jupyterlab/application": "JupyterLab's application and its shell",
    "@jupyterlab/notebook": "JupyterLab's notebook panels",
}


def jupyterlab_service(package: str) -> str | None:
    """What JupyterLab service ``package`` is, if only JupyterLab's application provides it."""
    if package in JUPYTERLAB_SERVICES:
        return JUPYTERLAB_SERVICES[package]
    if package.startswith(("@jupyterlab/", "@jupyter-notebook/")):
        return f"JupyterLab's {package}"
    return None


def find_labextension(package: str) -> tuple[Path, dict[str, Any]]:
    """The folder and ``package.json`` of labextension ``package`` in the kernel's environment."""
    import json

    if not _MODULE_NAME.match(package) or ".." in package:
        raise NoFrontEnd(f"{package!r} is not a widget module name")
    for base in labextension_dirs():
        folder = base / package
        try:
            meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict) and isinstance(meta.get("jupyterlab", {}).get("_build", {}).get("load"), str):
            return folder, meta
    raise NoFrontEnd(f"no labextension {package!r}")


def federated_entry(package: str) -> dict[str, Any]:
    """What the page needs to start labextension ``package``: its container's script (the
    ``remoteEntry``), the modules to load from it, and the shared packages it expects others to
    provide (``bundled: false``), which the page looks for as labextensions too."""
    folder, meta = find_labextension(package)
    build = meta["jupyterlab"]["_build"]
    entry = (folder / build["load"]).resolve()
    if entry.parent != (folder / "static").resolve() or not _STATIC_FILE.match(entry.name):
        raise NoFrontEnd(f"the labextension {package!r} names a container outside its static folder")
    shared = meta["jupyterlab"].get("sharedPackages") or {}
    needs = [name for name, how in shared.items() if isinstance(how, dict) and how.get("bundled") is False]
    return {
        "format": "federated",
        "package": meta.get("name", package),
        "version": str(meta.get("version", "")),
        "file": entry.name,
        "entry": entry.read_text(encoding="utf-8"),
        "extension": build.get("extension"),
        "style": build.get("style"),
        "needs": [
            name
            for name in needs
            if name not in PROVIDED and not name.startswith("@lumino/") and not jupyterlab_service(name)
        ],
    }


def jupyterlab_only_needs(module: str) -> list[str]:
    """The packages only JupyterLab's application provides that widget module ``module``'s front-end
    expects shared (its labextension's ``sharedPackages``, not bundled): [] when an nbextension is
    its front-end, or when it needs none. Read, never run: a page would fail to load it."""
    try:
        find_nbextension(module)
        return []
    except NoFrontEnd:
        pass
    try:
        _, meta = find_labextension(module)
    except NoFrontEnd:
        return []
    shared = meta["jupyterlab"].get("sharedPackages") or {}
    return [
        name
        for name, how in shared.items()
        if isinstance(how, dict) and how.get("bundled") is False and jupyterlab_service(name)
    ]


def federated_file(package: str, file: str) -> tuple[dict[str, Any], list[bytes]]:
    """A chunk (or CSS file) of labextension ``package``, with the assets its text names (images,
    fonts) as buffers: ``({"source", "assets": [names]}, [bytes per name])``."""
    folder, _ = find_labextension(package)
    static = folder / "static"
    path = static / file
    if not _STATIC_FILE.match(file) or not path.is_file():
        raise NoFrontEnd(f"the labextension {package!r} has no file static/{file} in the kernel's environment")
    return with_assets(path)


def with_assets(path: Path) -> tuple[dict[str, Any], list[bytes]]:
    """A chunk or stylesheet and the files next to it that its text names (images, fonts): the page
    has no URL to fetch them from, so they travel with it as buffers."""
    source = path.read_text(encoding="utf-8")
    refs = (_CSS_ASSET_REF if path.suffix == ".css" else _ASSET_REF).findall(source)
    assets = sorted({name for name in refs if not name.endswith(".js") and (path.parent / name).is_file()})
    return {"source": source, "assets": assets}, [(path.parent / name).read_bytes() for name in assets]


def module_reply(name: str, file: str | None = None, nbextension: bool = False) -> tuple[dict[str, Any], list[bytes]]:
    """The ``module`` op's answer: widget module ``name``'s nbextension, else its labextension (or
    with ``file``, one file of that labextension; with ``nbextension`` too, a file of nbextension
    folder ``name``)."""
    if file is not None:
        body, buffers = nbextension_file(name, file) if nbextension else federated_file(name, file)
        return {"name": name, "file": file, **body}, buffers
    try:
        return {"name": name, "source": nbextension_source(name)}, []
    except NoFrontEnd as no_nbextension:
        try:
            return {"name": name, **federated_entry(name)}, []
        except NoFrontEnd as no_labextension:
            logger.debug("widget module %s: %s", name, no_labextension)
        raise no_nbextension from None
