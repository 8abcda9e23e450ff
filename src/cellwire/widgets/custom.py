"""Custom widgets from ES modules, with anywidget's front-end contract.

* ``cellwire.AnyWidget``: subclass it, set ``_esm`` (and ``_css``) to source text or a file path,
  declare ``sync=True`` traits. The module exports ``render({model, el})`` and/or
  ``initialize({model})`` (directly, as ``export default {render}``, or from a default function).
* ``cellwire.show(widget)``: shows a real ``anywidget.AnyWidget`` (e.g. from a PyPI package) live
  through cellwire, with its own ``_esm``/``_css`` unchanged and no widget extension in the server.
  Its traits are mirrored both ways and its custom messages pass through.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from typing import Any

from ..buffers import BufferLike
from ..bundle import state_table
from ..target import Module, read_source
from .base import Widget


class AnyWidget(Widget):
    """Base for custom widgets: ``_esm`` (ES module) and ``_css``, as text or a file path."""

    _page_writable = None  # its views may edit any synced trait

    _esm: str | os.PathLike[str] = ""
    _css: str | os.PathLike[str] | None = None

    def __init__(
        self, *, _esm: str | os.PathLike[str] | None = None, _css: str | os.PathLike[str] | None = None, **kwargs: Any
    ) -> None:
        esm = _esm if _esm is not None else type(self)._esm
        css = _css if _css is not None else type(self)._css
        if not esm:
            raise ValueError(f"{type(self).__name__} has no _esm: set it to the module's source or a .js path")
        self._module = Module(read_source(esm))
        self._css_source = read_source(css) if css else None
        super().__init__(**kwargs)

    @classmethod
    def _default_view_name(cls) -> str:
        return cls.__name__

    def _snapshot_html(self) -> str:
        return state_table(type(self).__name__, self.get_state())

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


# -- bridging a real anywidget (ipywidgets-based) instance ----------------------------------------

_EXCLUDED = {"_esm", "_css", "layout", "comm", "keys", "log"}
#: The attribute a foreign widget keeps its Bridge in (a dict keyed by the widget would need it
#: hashable, which plotly's FigureWidget is not: it defines __eq__).
_BRIDGE_ATTR = "_cellwire_bridge"


class Bridge(Widget):
    """Shows a foreign ipywidgets/anywidget instance live: its sync traits are this model's state."""

    _page_writable = None  # its views may edit any synced trait

    def __init__(self, widget: Any) -> None:
        esm = getattr(widget, "_esm", None)
        if not esm:
            raise TypeError(
                f"{type(widget).__name__} has no _esm: wrap() takes anywidget widgets; display an "
                "ipywidgets widget directly (import cellwire bridges it)"
            )
        self.widget = widget
        self._module = Module(read_source(esm))
        css = getattr(widget, "_css", None)
        self._css_source = read_source(css) if css else None
        super().__init__()
        self._mute_comm()

    @property
    def keys(self) -> list[str]:
        return sorted(k for k in self.widget.keys if k not in _EXCLUDED)

    def get_state(self, keys: Sequence[str] | None = None) -> dict[str, Any]:
        state: dict[str, Any] = self.widget.get_state(list(self.keys if keys is None else keys))
        return state

    def _start_observing(self) -> None:
        self.widget.observe(self._on_sync_change, names=self.keys)

    def _apply_key(self, key: str, value: Any) -> None:
        self.widget.set_state({key: value})

    def _handle_custom(self, content: Any, buffers: list[memoryview]) -> None:
        self.widget._handle_custom_msg(content, [bytes(b) for b in buffers])

    def _mute_comm(self) -> None:
        """Route the widget's own comm traffic here: custom messages go to our views; its state
        updates (which we send ourselves, versioned) and echoes are dropped instead of going to
        iopub, where no widget front-end would read them."""

        def intercept(msg: dict[str, Any], buffers: Sequence[BufferLike] | None = None) -> None:
            if msg.get("method") == "custom":
                self.send(msg.get("content"), buffers)

        self.widget._send = intercept

    def _snapshot_html(self) -> str:
        try:
            state = self.widget.get_state(self.keys)
        except Exception as err:  # a serializer failing must not break display
            state = {"error": str(err)}
        return state_table(type(self.widget).__name__, state)

    def __repr__(self) -> str:
        return f"cellwire.show({type(self.widget).__name__})"


def wrap(widget: Any) -> Widget:
    """The cellwire model of ``widget`` (created once): a cellwire widget as is, an anywidget bridged.
    Use it to put an anywidget inside ``VBox``/``HBox`` or to display it later."""
    if isinstance(widget, Widget):
        return widget
    bridge = getattr(widget, _BRIDGE_ATTR, None)
    if not isinstance(bridge, Bridge) or bridge.closed:
        bridge = Bridge(widget)
        # (a class with __slots__ cannot keep it: one bridge per call then)
        with contextlib.suppress(AttributeError, TypeError):
            setattr(widget, _BRIDGE_ATTR, bridge)
    return bridge


def show(widget: Any) -> None:
    """Display ``widget`` live with cellwire (an anywidget from any package, or a cellwire widget).
    Returns None, so ``cw.show(w)`` as a cell's last line displays it once; ``wrap(w)`` gives the model."""
    from IPython.display import display

    from .. import bridge

    if not isinstance(widget, Widget) and not getattr(widget, "_esm", None) and bridge.is_enabled():
        display(widget)  # an ipywidgets widget (a VBox, a slider): the bridge shows it
        return
    display(wrap(widget))


__all__ = ["AnyWidget", "Bridge", "show", "wrap"]
