"""``Widget``: a displayable ``Model`` with a static snapshot, and the module loader for the toolkit.

A widget's output is its snapshot (escaped HTML of its current values) plus the loader; the live
view replaces the snapshot on a trusted page with the kernel running. Each display gets a
``display_id``, so the kernel can refresh saved snapshots after the state changed (``snapshot``).
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

from traitlets import Dict, Unicode

from .. import bundle
from ..model import Model
from ..target import Module
from ..transport.assets import read_static
from . import snapshots

MODEL_MIME = "application/vnd.cellwire.model+json"
#: Modules of ``cellwire.widgets`` that build on the standard widgets and define no views of their own.
_NOT_FAMILIES = frozenset({"cellwire.widgets.interact", "cellwire.widgets.custom"})


@functools.cache
def family_module(family: str) -> Module:
    """The ES module of one widget family: shared helpers followed by the family's views."""
    return Module(read_static("widgets/_common.js") + "\n" + read_static(f"widgets/{family}.js"))


class Widget(Model):
    """Base of the standard widgets: a model with a view, a snapshot, ``layout`` and ``tooltip``."""

    _family: str = ""
    #: A standard widget's views edit nothing unless its class says which keys (``Model``).
    _page_writable: frozenset[str] | None = frozenset()
    _view_name = Unicode("").tag(sync=True)
    #: CSS properties for the widget's outer element, e.g. ``{"width": "300px"}``.
    layout = Dict().tag(sync=True)
    tooltip = Unicode(None, allow_none=True).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        if self._family and type(self)._module is None:
            type(self)._module = family_module(self._family)
        kwargs.setdefault("_view_name", self._default_view_name())
        super().__init__(**kwargs)
        self._displays: list[tuple[str, str]] = []  # (display_id, element_id)
        self._snapshot_mark: int | None = None

    @classmethod
    def _default_view_name(cls) -> str:
        """The standard widget this class is or derives from: its view's name in its family module."""
        for klass in cls.__mro__:
            if klass.__module__.startswith("cellwire.widgets.") and klass.__module__ not in _NOT_FAMILIES:
                return klass.__name__
        return cls.__name__

    # -- how it looks without the kernel --------------------------------------------------------
    def _snapshot_html(self) -> str:
        """Static HTML of the current values; subclasses override. Escape every text (``esc``)."""
        return f'<span class="cw-snap">{esc(repr(self))}</span>'

    def _snapshot_block(self) -> str:
        return f'<div class="cw-snap-widget" style="{SNAP_STYLE}">{self._snapshot_html()}</div>'

    def _repr_keys(self) -> list[str]:
        return ["value", "description"]

    def __repr__(self) -> str:
        parts = []
        for key in self._repr_keys():
            if self.has_trait(key):
                value = getattr(self, key)
                if value not in ("", None) or key == "value":
                    parts.append(f"{key}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    # -- display --------------------------------------------------------------------------------
    def _bundle(self, element_id: str | None = None) -> dict[str, Any]:
        """A display's mimebundle: a new (pinned) one, or a refresh of output ``element_id``."""
        element_id = element_id or bundle.new_display(self)
        data: dict[str, Any] = bundle.bundle(self, self._snapshot_block(), repr(self), element_id)
        data[MODEL_MIME] = {"id": self.target_id, "version": 1, "el": element_id}
        return data

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return self._bundle()

    def _ipython_display_(self) -> None:
        """Display with a ``display_id`` so the saved snapshot can be refreshed later."""
        from IPython.display import publish_display_data

        display_id = "cellwire-" + uuid.uuid4().hex
        data = self._bundle()
        self._displays.append((display_id, data[MODEL_MIME]["el"]))
        publish_display_data(data, transient={"display_id": display_id})
        self._snapshot_mark = self._state_mark()
        snapshots.track(self)

    def _on_release(self, element_id: str) -> None:
        """That output is gone: stop refreshing its snapshot. (In place: a display may be
        appended on the main thread meanwhile; ``list.remove`` and ``append`` are atomic.)"""
        for display in [d for d in self._displays if d[1] == element_id]:
            self._displays.remove(display)

    def _state_mark(self) -> int:
        """Changes whenever any synced value (of this widget or its children) changed."""
        return sum(self._versions.values())


SNAP_STYLE = (
    "font-family:var(--jp-ui-font-family,sans-serif);font-size:13px;color:var(--jp-ui-font-color1,#222);margin:2px 0"
)


def esc(value: Any) -> str:
    return bundle.escape(value)


def labelled(description: str, inner: str) -> str:
    """A snapshot row: the description (escaped) then the control's static form."""
    label = (
        f'<span style="display:inline-block;min-width:6em;margin-right:6px">{esc(description)}</span>'
        if description
        else ""
    )
    return f'<span style="display:inline-flex;align-items:center;gap:4px">{label}{inner}</span>'
