"""Outputs that only JupyterLab can draw, shown in the cell instead of nowhere.

A library may subclass ipywidgets' ``Output`` with a front-end that puts it in JupyterLab's own
window rather than in an output: sidecar's ``Sidecar`` opens a panel in JupyterLab's shell, and
its users never display it. Such a front-end is a JupyterLab extension that expects packages only
JupyterLab's application provides (``frontends.jupyterlab_only_needs``), so it cannot run in a
cell's output, and what the user writes into the Output would be seen nowhere. So the first time
such an Output is written to (``with out:``, ``append_display_data``) while no output shows it,
the cell shows a stand-in: a note naming the package, what it needs and what to do, above a plain
ipywidgets ``Output`` that mirrors its outputs (widgets in it are live). A host with its own widget
manager gets the widget itself in that output instead (``display``'s ``for_managers``), so
JupyterLab with the extension draws it as it would without cellwire (sidecar hides a second view).
"""

from __future__ import annotations

import functools
import html
from typing import Any

from ..log import logger
from . import frontends
from .display import display_widget, displays_of, host_has_manager

#: ipywidgets' own Output front-end: drawn in any output, needs no stand-in.
OUTPUT_MODULE = "@jupyter-widgets/output"
#: Outputs given a stand-in (model ids): once each.
_shown: set[str] = set()


@functools.cache
def _jupyterlab_only_needs(module: str) -> list[str]:
    """``frontends.jupyterlab_only_needs``, read from disk once per module and kernel: a loop of
    ``with out:`` must not read package.json files each time."""
    return frontends.jupyterlab_only_needs(module)


def note(out: Any, needs: list[str]) -> str:
    """Why ``out`` is not drawn as its library draws it, and what to do (plain text)."""
    cls = type(out)
    library = cls.__module__.split(".")[0]
    services = ", ".join(f"{frontends.jupyterlab_service(p)} ({p})" for p in needs)
    return (
        f"cellwire: this {library}.{cls.__name__} is not drawn here. Its front-end, the JupyterLab extension "
        f"'{out._view_module}' in the kernel's environment, needs {services}, which only JupyterLab's "
        "application has: it shows the widget in JupyterLab's shell, outside the notebook's outputs. "
        "Its contents are shown below instead, as an ipywidgets Output. To see it as its library draws "
        f"it, use JupyterLab with jupyterlab_widgets and {library} installed in the server's environment."
    )


def show_if_needed(out: Any, hub: Any) -> None:
    """Before a write into Output ``out``: show its stand-in in the cell if it needs one (above)."""
    model_id = getattr(out, "model_id", None)
    if model_id is None or model_id in _shown or out.comm is None or out._view_module == OUTPUT_MODULE:
        return
    if displays_of({model_id}) or host_has_manager():  # (a host's own manager draws it as its library does)
        return
    needs = _jupyterlab_only_needs(out._view_module)
    if not needs:
        return
    import ipywidgets

    _shown.add(model_id)
    mirror = ipywidgets.Output(outputs=out.outputs)
    ipywidgets.dlink((out, "outputs"), (mirror, "outputs"))  # (held by out's observers)
    message = ipywidgets.HTML(html.escape(note(out, needs), quote=False))  # (its saved snapshot shows it as text)
    message.add_class("cellwire-jw-problem")
    logger.debug(
        "ipywidgets bridge: %s %s shown in the cell as an Output (its front-end needs %s)",
        type(out).__name__,
        model_id,
        needs,
    )
    display_widget(ipywidgets.VBox([message, mirror]), hub, for_managers=out)
