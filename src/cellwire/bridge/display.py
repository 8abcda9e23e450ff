"""Displaying an ipywidget through cellwire: ipywidgets' own bundle plus cellwire's ``text/html``
(snapshot + loader), published with a ``display_id`` so the saved snapshot can be refreshed.

ipywidgets' ``_repr_mimebundle_`` returns ``text/plain`` and
``application/vnd.jupyter.widget-view+json`` only. While the bridge is on, ``display_widget`` is
IPython's display printer for ``ipywidgets.Widget`` (``ipython_display_formatter``, the per-type
form of ``_ipython_display_``; IPython ignores what it returns and displays nothing else): it asks
IPython's formatters for that bundle, adds the ``text/html`` and publishes ``display_data`` with a
``display_id``, for ``display(w)`` and a last expression alike (an ``execute_result`` cannot be
updated: front-ends track display ids of ``display_data`` only). A front-end with a widget manager
picks the widget-view mimetype and never runs the loader; one without it falls back to ``text/html``.
Voilà is the exception (``identity.started_by_voila``): its manager cannot draw ipywidgets 8 without
jupyterlab_widgets in its server env, so there the displays leave the widget-view mimetype out.

After each cell, ``snapshots`` refreshes the snapshot of every display whose widget changed,
but only once cellwire rendered that display and while no host's own
widget manager is connected: there, a refreshed output would make the host render its view again.
"""

from __future__ import annotations

import functools
import threading
import uuid
import weakref
from typing import TYPE_CHECKING, Any

from ..bundle import MIME_HTML, MIME_TEXT, bundle, new_display, new_element_id
from ..host_widget import WIDGET_VIEW
from ..log import logger
from ..target import Module, Target, _pins, _registry_lock
from ..transport import identity
from ..transport.assets import read_static
from . import capture, frontends, release, snapshots
from .static_html import plain_text, snapshot_html

if TYPE_CHECKING:
    from ..target import View
    from .hub import WidgetHub

VIEW_MODULE = "ipywidgets-view.js"
#: JupyterLab extensions as widget front-ends: prepended to the view module, which imports nothing.
FEDERATION = "federation.js"
#: nbextensions' requirejs configuration (extension.js): prepended too.
NBEXTENSIONS = "nbextensions.js"
_local = threading.local()
#: Every live display, oldest first (for calls into a widget's views: ``widget_calls``).
_all_displays: weakref.WeakValueDictionary[str, WidgetDisplay] = weakref.WeakValueDictionary()


@functools.cache
def view_module() -> Module:
    return Module("\n".join(read_static(name) for name in (FEDERATION, NBEXTENSIONS, VIEW_MODULE)))


def host_has_manager() -> bool:
    """Has a Jupyter front-end's own widget manager connected to this kernel? JupyterLab with
    jupyterlab_widgets (VS Code, Voilà) opens ipywidgets' ``jupyter.widget.control`` comm through
    ipykernel when it connects; cellwire's pages open theirs through the tunnel (``hub``), which
    leaves ``Widget._control_comm`` alone. (A manager that connected before ipywidgets was imported
    found no control target and is not seen: the rendered-by-cellwire rule covers it.)"""
    from ipywidgets import Widget

    # (Voilà's manager draws ipywidgets 8 only with jupyterlab_widgets in its server env, and is
    # given no widget-view output here: ``ipywidgets_bundle``; no host manager to serve)
    return getattr(Widget, "_control_comm", None) is not None and not identity.started_by_voila()


class WidgetDisplay(Target):
    """One display of an ipywidget; its views carry the hub's tunnel to their pages. Tracked by
    ``snapshots`` (which reads ``closed``, ``_displays``, ``_state_mark``, ``_snapshot_mark``
    and ``_bundle``)."""

    _preload = (frontends.VENDORED,)

    def __init__(self, widget: Any, hub: WidgetHub, for_managers: Any = None):
        self.model_id: str = widget.model_id
        self._widget = weakref.ref(widget)
        # What a host's own widget manager shows in this output instead (``stand_ins``), if not the same.
        self._for_managers = weakref.ref(for_managers) if for_managers is not None else None
        self._hub = hub
        self._module = view_module()
        super().__init__()
        self.display_id = "cellwire-" + uuid.uuid4().hex
        # Inside an Output (`with out: display(w)`) the Output's view draws the captured output
        # (nested-views.js), never this display's loader: no page attaches to it or releases it,
        # so it pins nothing (a pin would stay for good); the Output's release takes what it shows.
        self.element_id = new_display(self) if capture.current() is None else new_element_id()
        self._rendered = False  # set once a cellwire page showed it
        self._snapshot_mark: object = None
        _all_displays[self.display_id] = self

    # -- snapshots ------------------------------------------------------------------------------
    @property
    def _displays(self) -> list[tuple[str, str]]:
        """The output to refresh: none until cellwire rendered it, none while a host's manager is
        connected, none once the widget is closed."""
        widget = self._widget()
        if not self._rendered or widget is None or widget.comm is None or host_has_manager():
            return []
        return [(self.display_id, self.element_id)]

    def _state_mark(self) -> object:
        """The snapshot itself: it shows every value a reader sees, children's included."""
        widget = self._widget()
        return snapshot_html(widget) if widget is not None else None

    def _bundle(self, element_id: str | None = None) -> dict[str, Any]:
        """The display's mimebundle, fresh (``element_id``: always this display's own)."""
        return self.mimebundle()[0]

    def mimebundle(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Data and metadata of this display now; its snapshot becomes the one to compare with."""
        widget = self._widget()
        if widget is None:
            return {}, {}
        for_managers = self._for_managers() if self._for_managers is not None else None
        data, metadata = ipywidgets_bundle(for_managers if for_managers is not None else widget)
        data[MIME_TEXT] = plain_text(widget) or data.get(MIME_TEXT, "")
        html = snapshot_html(widget)
        data[MIME_HTML] = bundle(self, html, "", self.element_id)[MIME_HTML]
        self._snapshot_mark = html
        return data, metadata

    # -- views ----------------------------------------------------------------------------------
    def _on_attach(self, view: View) -> tuple[Any, list[Any]]:
        self._rendered = True
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

    def _on_release(self, element_id: str) -> None:
        """This output is gone for good: the widget goes too, unless something else holds it."""
        release.close_unheld(self.model_id, _pinned)


def _pinned(model_id: str) -> bool:
    """Does an output not released yet show the widget ``model_id`` (``target.py``'s pins)?"""
    with _registry_lock:
        return any(isinstance(t, WidgetDisplay) and t.model_id == model_id for t in _pins.values())


def displays_of(model_ids: set[str]) -> list[WidgetDisplay]:
    """The live displays of any of these widgets, oldest first."""
    return [d for d in list(_all_displays.values()) if d.model_id in model_ids and not d.closed]


def watch_after_close(model_id: str) -> None:
    """Widget ``model_id`` was closed: ipywidgets drops every later change of it without a word, so
    a loop still setting it would seem to work. Its first change says so, once: in the outputs
    that showed it and in the kernel's log."""
    shown = displays_of({model_id})
    widget = next((w for w in (d._widget() for d in shown) if w is not None), None)
    if widget is None:
        return
    names = list(widget.keys)

    def changed(change: Any) -> None:
        widget.unobserve(changed, names=names)
        message = (
            f"{type(widget).__name__} {model_id} was changed ({change['name']!r}) after its .close(): "
            "a closed widget shows nothing, so this change and later ones go nowhere; display a new widget"
        )
        logger.warning("ipywidgets bridge: %s", message)
        for view in [view for d in shown for view in d.views]:
            view.connection.report({"op": "error", "code": "widget-closed", "message": message, "view": view.id})

    widget.observe(changed, names=names)


def ipywidgets_bundle(widget: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """What IPython would display for ``widget`` without the bridge (``text/html`` aside, which is
    cellwire's): its own ``_repr_mimebundle_`` and any other formatter registered for it."""
    from IPython import get_ipython

    shell = get_ipython()
    _local.formatting = True  # display_widget declines while IPython formats
    try:
        data, metadata = shell.display_formatter.format(widget, exclude={MIME_HTML})
    finally:
        _local.formatting = False
    # Voilà's manager would take a widget-view output for itself, and it draws ipywidgets 8 only with
    # jupyterlab_widgets in its server env: there cellwire draws them (in an Output, its view does).
    if identity.started_by_voila() and capture.current() is None:
        data.pop(WIDGET_VIEW, None)
        metadata.pop(WIDGET_VIEW, None)
    return dict(data), dict(metadata)


def display_widget(widget: Any, hub: WidgetHub, for_managers: Any = None) -> None:
    """IPython's display printer for ipywidgets while the bridge is on (see the module's doc);
    ``for_managers``: the widget a host's own manager shows there instead (``stand_ins``).

    Raising ``NotImplementedError`` is IPython's quiet way to decline: it then formats the object
    as usual (a widget with no view, a closed one, and the formatting done here).
    """
    from IPython.display import publish_display_data

    if getattr(_local, "formatting", False) or getattr(widget, "_view_name", None) is None or widget.comm is None:
        raise NotImplementedError
    display = WidgetDisplay(widget, hub, for_managers)
    data, metadata = display.mimebundle()
    publish_display_data(data, metadata, transient={"display_id": display.display_id})
    if capture.current() is None:  # (inside an Output, the snapshot lives in the Output's state)
        snapshots.track(display)
