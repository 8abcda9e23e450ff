"""The JavaScript the bridge serves over the link: ipywidgets' own front-end (vendored, built by
``scripts/build-widgets-bundle.sh``) and third-party widget front-ends from the kernel's environment.

Third-party ipywidgets libraries ship an AMD bundle as a classic-notebook extension,
``share/jupyter/nbextensions/<module>/index.js`` (bqplot, jupyter-leaflet, anywidget, ...). The page
evaluates it with a private ``define``, so it always matches the Python package installed here and
needs no CDN.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

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
        f"nbextensions/{module}/index.js in {', '.join(str(p) for p in searched) or 'no directory'}): "
        f"install the Python package that provides {module!r} in the kernel's environment, then rerun the cell"
    )


def nbextension_source(module: str) -> str:
    return find_nbextension(module).read_text(encoding="utf-8")
