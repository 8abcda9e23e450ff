"""Displaying an ipywidget through cellwire: the ``text/html`` that IPython adds beside ipywidgets'
own widget-view mimetype.

ipywidgets' ``_repr_mimebundle_`` returns ``text/plain`` and
``application/vnd.jupyter.widget-view+json`` only; IPython then asks the formatters registered by
type for the other mimetypes, so a ``text/html`` formatter for ``ipywidgets.Widget`` adds cellwire's
bundle (snapshot + loader) without touching ipywidgets. A front-end with a widget manager picks the
widget-view mimetype and never runs the loader; one without it falls back to ``text/html``.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from ..bundle import MIME_HTML, bundle
from ..target import Module, Target
from ..transport import identity
from ..transport.assets import read_static
from . import frontends
from .static_html import snapshot_html

if TYPE_CHECKING:
    from ..target import View
    from .hub import WidgetHub

VIEW_MODULE = "ipywidgets-view.js"


@functools.cache
def view_module() -> Module:
    return Module(read_static(VIEW_MODULE))


class WidgetDisplay(Target):
    """One display of an ipywidget; its views carry the hub's tunnel to their pages."""

    _preload = (frontends.VENDORED,)

    def __init__(self, model_id: str, hub: WidgetHub):
        self.model_id = model_id
        self._hub = hub
        self._module = view_module()
        super().__init__()

    def _on_attach(self, view: View) -> tuple[Any, list[Any]]:
        self._hub.add_view(view)
        vendored = frontends.vendored_bundle()
        return {
            "kind": "ipywidget",
            "model_id": self.model_id,
            "hub": identity.INSTANCE_ID,
            "bundle": {"hash": vendored["hash"], "size": vendored["size"]},
        }, []

    def _on_message(self, view: View, data: Any, buffers: list[memoryview]) -> None:
        self._hub.on_page_message(view, data, buffers)

    def _on_detach(self, view: View) -> None:
        self._hub.remove_view(view)


def widget_html(widget: Any, hub: WidgetHub) -> str | None:
    """cellwire's ``text/html`` for one display of ``widget`` (None: a widget with no view)."""
    if getattr(widget, "_view_name", None) is None or getattr(widget, "comm", None) is None:
        return None
    target = WidgetDisplay(widget.model_id, hub)
    return bundle(target, snapshot_html(widget), "")[MIME_HTML]
