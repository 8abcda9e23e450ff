"""Targets (things an output can show live) and views (each place one is shown).

A target lives in the kernel and is addressed by id; every output element that displays it, on any
page or tab, is a view attached through that page's connection. Subclasses (``Channel``, the
bridge's ``WidgetDisplay``) override the ``_on_*`` hooks; everything about connections stays in ``link``.

What keeps a target alive (docs/widgets.md, "Lifetime"): the registry holds targets weakly, so a
target lives while Python code references it, a view is attached to it, or an output in a notebook
shows it. The last is a **pin**: each display makes an output element id (``bundle.py``) that pins
its target until a page reports that element gone for good (``release``: the output was cleared,
its cell deleted or its notebook closed). A reloaded or closed browser tab releases nothing: the
notebook still holds those outputs, and reopening it shows them live again.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
import uuid
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .buffers import BufferLike, to_buffers
from .wait import next_slice

if TYPE_CHECKING:
    from .transport.page_connection import PageConnection

_registry: weakref.WeakValueDictionary[str, Target] = weakref.WeakValueDictionary()
_pins: dict[str, Target] = {}  # output element id -> the target that output shows
_registry_lock = threading.Lock()


def find_target(target_id: str) -> Target | None:
    return _registry.get(target_id)


def pin(element_id: str, target: Target) -> None:
    """Output ``element_id`` shows ``target``: keep the target alive until the output is released."""
    with _registry_lock:
        _pins[element_id] = target


def release(element_ids: Iterable[str]) -> int:
    """The outputs are gone for good (a page saw their elements collected, or detached for
    long); returns how many pins were dropped. Unknown ids are ignored: another page may have
    released them already."""
    with _registry_lock:
        # (kept until the lock is released: a target freed here may run finalizers that lock)
        released = [(el, target) for el in element_ids if (target := _pins.pop(el, None)) is not None]
    for el, target in released:
        target._on_release(el)
    return len(released)


class View:
    """One output element showing a target on one page."""

    def __init__(self, connection: PageConnection, view_id: str, target: Target):
        self.connection = connection
        self.id = view_id
        self.target = target

    def send(self, data: Any = None, buffers: Sequence[BufferLike] | None = None) -> None:
        """Send to this view only."""
        self.connection.send(
            {"op": "msg", "target": self.target.target_id, "view": self.id, "data": data},
            to_buffers(buffers),
        )

    def __repr__(self) -> str:
        return f"<View {self.id} of {self.target.target_id} on page {self.connection.page}>"


_PATH_LIKE = re.compile(r"[^\s'\"`(){};=]+\.(?:js|mjs|css)")


def read_source(source: str | os.PathLike[str]) -> str:
    """An ES module's (or stylesheet's) text, given inline or as a file: a ``Path``, or a string
    that looks like a path (one word ending in ``.js``, ``.mjs`` or ``.css``), anywidget's
    convention for ``_esm``/``_css``. Such a path that names no file is an error, not source."""
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _PATH_LIKE.fullmatch(source.strip())):
        path = Path(source if isinstance(source, os.PathLike) else source.strip())
        if not path.is_file():
            raise FileNotFoundError(
                f"{str(path)!r} looks like a path to the module, but there is no such file "
                f"(relative paths start from {Path.cwd()}); pass the source text, or a path that exists"
            )
        return path.read_text(encoding="utf-8")
    return str(source)


class Module:
    """A front-end ES module's source, named by its content hash so pages cache it."""

    def __init__(self, source: str):
        self.source = source
        self.hash = hashlib.sha256(source.encode()).hexdigest()[:16]


class Target:
    """Base of everything cellwire displays live. Registered (weakly) on creation, until ``close()``."""

    #: The ES module whose ``render({..., el})`` draws a view; None for none.
    _module: Module | None = None
    #: Names of the vendored bundles (``transport.assets.vendor_bundle``) its module imports: a page
    #: that has none of this target's outputs yet starts on them while the output connects.
    _preload: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.target_id: str = uuid.uuid4().hex
        self._views: dict[tuple[str, str], View] = {}
        self._views_lock = threading.Lock()
        # Notified when a view attaches: a call made right after display() waits for the page.
        self._views_changed = threading.Condition(self._views_lock)
        self._closed = False
        with _registry_lock:
            _registry[self.target_id] = self

    # -- hooks for subclasses -------------------------------------------------------------------
    def _on_attach(self, view: View) -> tuple[Any, Sequence[BufferLike]]:
        """Initial data (and buffers) a newly attached view receives."""
        return None, ()

    def _on_message(self, view: View, data: Any, buffers: list[memoryview]) -> None:
        """A message from one view."""

    def _on_detach(self, view: View) -> None:
        """A view went away (output cleared, page closed)."""

    def _on_release(self, element_id: str) -> None:
        """Output ``element_id`` of this target is gone for good (see ``release``): the bridge's
        displays close their ipywidget then, unless something else holds it."""

    def _on_close(self, views: list[View]) -> None:
        """The target was closed while ``views`` were attached (they are told already)."""

    # -- used by the link -----------------------------------------------------------------------
    def _add_view(self, view: View) -> None:
        with self._views_lock:
            self._views[(view.connection.id, view.id)] = view
            self._views_changed.notify_all()

    def _remove_view(self, connection_id: str, view_id: str) -> View | None:
        with self._views_lock:
            return self._views.pop((connection_id, view_id), None)

    # -- for subclasses and users ---------------------------------------------------------------
    @property
    def views(self) -> list[View]:
        """The views attached right now (each output element on each page)."""
        with self._views_lock:
            return list(self._views.values())

    def _wait_views(self, timeout: float) -> list[View]:
        """The attached views, waiting up to ``timeout`` s for a first one to attach (an output
        displayed a moment ago connects a little later). Interruptible; [] if none came."""
        deadline = time.monotonic() + timeout
        while True:
            step = next_slice()  # (outside the lock: the page messages it may handle attach views)
            with self._views_lock:
                remaining = deadline - time.monotonic()
                if self._views or self._closed or remaining <= 0:
                    return list(self._views.values())
                self._views_changed.wait(min(step, remaining))

    @property
    def closed(self) -> bool:
        return self._closed

    def _broadcast(self, data: Any, buffers: Sequence[BufferLike] | None = None, exclude: View | None = None) -> None:
        """Send to every view: one message per page, which fans it out to its views."""
        bufs = to_buffers(buffers)
        connections = {view.connection for view in self.views}
        for conn in connections:
            msg = {"op": "msg", "target": self.target_id, "data": data}
            if exclude is not None and exclude.connection is conn:
                msg["except"] = exclude.id
            conn.send(msg, bufs)

    def close(self) -> None:
        """Stop serving views; open ones show that the object was closed."""
        if self._closed:
            return
        self._closed = True
        with _registry_lock:
            _registry.pop(self.target_id, None)
            for el in [el for el, target in _pins.items() if target is self]:
                del _pins[el]
        views = self.views
        for conn in {view.connection for view in views}:
            conn.send({"op": "closed", "target": self.target_id})
        with self._views_lock:
            self._views.clear()
        self._on_close(views)
