"""DOM helpers: an output whose HTML Python controls, and DOM events back to Python, with no JavaScript.

    box = cw.Element("<button>Stop</button> <span class='n'>0</span>")
    box.on("click", lambda event: stop.set(), selector="button")
    box                                       # display it
    for i in range(1000):
        box.set_text(str(i), selector=".n")   # works while the cell runs

    point = image.wait("click")               # or block a running cell until the user clicks

Every change is sent to the views that show the element and remembered, so a view that attaches
later (another tab, a reloaded page) shows the same content. Event callbacks run on cellwire's
thread, also while a cell runs (docs/busy.md).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .bundle import escape
from .callbacks import CallbackList
from .channel import Channel, Message
from .target import Module, View
from .transport import assets
from .wait import wait_once

_MODULE: Module | None = None


def _module() -> Module:
    global _MODULE
    if _MODULE is None:
        _MODULE = Module(assets.read_static("dom.js"))
    return _MODULE


@dataclass
class DOMEvent:
    """A DOM event from a view. ``target`` describes the element that matched the listener's
    selector (``tag``, ``id``, ``classes``, ``dataset``, ``text``, and ``value``/``checked`` for
    form fields); mouse events have ``x``/``y`` relative to the output, key events ``key``."""

    type: str
    target: dict[str, Any]
    x: float | None = None
    y: float | None = None
    key: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    view: View | None = field(default=None, repr=False)

    @property
    def value(self) -> Any:
        """The target's ``value`` (inputs, selects, textareas), or None."""
        return self.target.get("value")


EventCallback = Callable[[DOMEvent], Any]


@dataclass
class Listener:
    """What ``Element.on`` returns; ``remove()`` stops this callback (``Element.off``)."""

    element: Element
    event: str
    selector: str | None
    prevent_default: bool
    callback: EventCallback

    def remove(self) -> None:
        self.element.off(self)


class _PageListener:
    """One listener on the page for an (event, selector, prevent_default), with the callbacks
    that Python registered for it."""

    def __init__(self, message: dict[str, Any]):
        self.id: str = message["id"]
        self.message = message  # the "listen" op a newly attached view must get
        self.callbacks = CallbackList(f"Element.on({message['event']!r})")


class Element(Channel):
    """An HTML output driven from Python: set, append, remove, attributes, and event listeners.

    ``selector`` arguments are CSS selectors inside the element (all matches are changed); without
    one, the element itself. HTML is inserted as markup (scripts in it do not run); use
    ``set_text`` for untrusted text.
    """

    def __init__(self, html: str = "") -> None:
        super().__init__(snapshot=html)
        self._module = _module()
        self._html = html
        self._ops: list[dict[str, Any]] = []  # changes inside the element since the last root set_html
        self._state_lock = threading.Lock()  # guards the content and the listener tables
        self._page_listeners: dict[tuple[str, str | None, bool], _PageListener] = {}
        self._by_id: dict[str, _PageListener] = {}
        self.on_message(self._on_event)

    # -- content ----------------------------------------------------------------------------------
    def set_html(self, html: str, selector: str | None = None) -> None:
        """Replace the content (of the element, or of each match of ``selector``) with ``html``."""
        self._change({"op": "set", "html": str(html)}, selector)

    def append(self, html: str, selector: str | None = None) -> None:
        """Add ``html`` at the end of the element (or of each match of ``selector``)."""
        self._change({"op": "append", "html": str(html)}, selector)

    def set_text(self, text: Any, selector: str | None = None) -> None:
        """Replace the content with ``text``, shown as text (never interpreted as HTML)."""
        self._change({"op": "text", "text": str(text)}, selector)

    def set_attr(self, name: str, value: Any, selector: str | None = None) -> None:
        """Set attribute ``name`` (``value=None`` removes it), e.g. ``set_attr("disabled", "")``."""
        self._change({"op": "attr", "name": name, "value": None if value is None else str(value)}, selector)

    def remove(self, selector: str) -> None:
        """Remove the elements matching ``selector`` (the element itself stays)."""
        self._change({"op": "remove"}, selector)

    @property
    def html(self) -> str:
        """The element's HTML as last set from Python (changes made with a selector not included)."""
        return self._html

    def _change(self, op: dict[str, Any], selector: str | None) -> None:
        if selector is not None:
            op["selector"] = selector
        with self._state_lock:
            if selector is None and op["op"] in ("set", "text"):
                self._html = op["html"] if op["op"] == "set" else escape(op["text"])
                self._ops = []
            elif selector is None and op["op"] == "append" and not self._ops:
                self._html += op["html"]
            else:
                self._ops.append(op)
        self.send(op)

    # -- events -----------------------------------------------------------------------------------
    def on(
        self,
        event: str,
        callback: EventCallback,
        selector: str | None = None,
        *,
        prevent_default: bool = False,
        remove: bool = False,
    ) -> Listener:
        """Call ``callback(DOMEvent)`` for each ``event`` ("click", "input", "change", "keydown",
        ...) on the element, or on elements inside it matching ``selector`` (also ones added later).
        With ``remove=True``, stop calling it (as ``Element.off`` does)."""
        listener = Listener(self, event, selector, prevent_default, callback)
        if remove:
            self.off(listener)
            return listener
        key = (event, selector, prevent_default)
        with self._state_lock:
            page = self._page_listeners.get(key)
            added = page is None
            if page is None:
                page = _PageListener(
                    {
                        "op": "listen",
                        "id": uuid.uuid4().hex[:12],
                        "event": event,
                        "selector": selector,
                        "prevent_default": prevent_default,
                    }
                )
                self._page_listeners[key] = self._by_id[page.id] = page
            page.callbacks.register(callback)
        if added:
            self.send(page.message)
        return listener

    def wait(self, event: str, selector: str | None = None, *, timeout: float | None = None) -> DOMEvent:
        """Block until ``event`` happens (on ``selector`` inside the element) and return it.

        For "pick a point, then continue" inside a running cell: ``ev = img.wait("click")``.
        Interrupt the kernel to stop waiting; TimeoutError after ``timeout`` seconds.
        """

        def subscribe(catch: EventCallback) -> Callable[[], None]:
            return self.on(event, catch, selector).remove

        event_seen: DOMEvent = wait_once(
            "Element.wait", subscribe, timeout, f"no {event!r} event on {self!r} within {timeout} s"
        )
        return event_seen

    def off(self, listener: Listener) -> None:
        """Stop a callback registered with ``on`` (the page stops listening when none is left)."""
        key = (listener.event, listener.selector, listener.prevent_default)
        with self._state_lock:
            page = self._page_listeners.get(key)
            if page is None:
                return
            page.callbacks.register(listener.callback, remove=True)
            emptied = not page.callbacks
            if emptied:
                del self._page_listeners[key], self._by_id[page.id]
        if emptied:
            self.send({"op": "unlisten", "id": page.id})

    def _on_event(self, message: Message) -> None:
        data = message.data if isinstance(message.data, dict) else {}
        if data.get("op") != "event":
            return
        with self._state_lock:
            page = self._by_id.get(data.get("id", ""))
        if page is None:
            return  # removed meanwhile
        raw = data.get("event") or {}
        page.callbacks(
            DOMEvent(
                type=str(raw.get("type", page.message["event"])),
                target=raw.get("target") or {},
                x=raw.get("x"),
                y=raw.get("y"),
                key=raw.get("key"),
                raw=raw,
                view=message.view,
            )
        )

    # -- views ------------------------------------------------------------------------------------
    def _on_attach(self, view: View) -> tuple[Any, list[Any]]:
        with self._state_lock:
            ops = [
                {"op": "set", "html": self._html},
                *self._ops,
                *(page.message for page in self._page_listeners.values()),
            ]
        return {"ops": ops}, []

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        self._snapshot = self._html
        return super()._repr_mimebundle_(include, exclude)

    def __repr__(self) -> str:
        return f"<cellwire.Element {self.target_id[:8]} {len(self.views)} view(s)>"
