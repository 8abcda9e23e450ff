"""``Channel``: the low-level two-way pipe between Python and the JavaScript of its outputs.

Everything richer (widgets, models) is built on the same pieces. A channel is shown by displaying
it; each output is a view that runs the channel's ES module::

    ch = Channel(esm='''
    export function render({ channel, el }) {
      channel.on("message", (data, buffers) => { el.textContent = JSON.stringify(data); });
      el.onclick = () => channel.send({ clicked: true });
    }''')
    ch.on_message(lambda msg: print(msg.data))
    ch                       # display it
    ch.send({"hello": 1})    # to every view, on every page
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import bundle
from .buffers import BufferLike
from .transport.kernel_link import get_link
from .log import logger
from .rpc import Calls
from .target import Module, Target, View
from .wait import check_can_block, wait_event


@dataclass
class Message:
    """A message from one view: JSON ``data``, binary ``buffers`` (memoryviews), and its ``view``."""

    data: Any
    buffers: list[memoryview] = field(default_factory=list)
    view: View | None = None

    def reply(self, data: Any = None, buffers: Sequence[BufferLike] | None = None) -> None:
        """Answer the view that sent this message (only that one)."""
        if self.view is None:
            raise RuntimeError("this message has no view to reply to")
        self.view.send(data, buffers)


MessageCallback = Callable[[Message], Any]


def read_source(source: str | os.PathLike[str]) -> str:
    """Source text given inline or as a path to a file (anywidget's convention for _esm/_css)."""
    if isinstance(source, os.PathLike) or (isinstance(source, str) and "\n" not in source
                                            and source.endswith((".js", ".mjs", ".css"))):
        return Path(source).read_text(encoding="utf-8")
    return source


class Channel(Calls, Target):
    """Send JSON and binary buffers to the JavaScript of this object's outputs, and receive theirs.

    Messages from views are handled on cellwire's own thread, also while a cell runs (docs/busy.md):
    ``on_message`` callbacks run there, and a cell can block on ``wait_message()``. Beyond
    messages, ``call``/``eval_js`` run JavaScript in a view and return its result, and functions
    registered with ``expose`` can be called from JavaScript (``await channel.invoke(...)``).

    Args:
        esm: the ES module (source text or a ``.js`` path) drawing each output; it exports
            ``render({channel, el})`` and may return a cleanup function.
        snapshot: HTML shown where the live view can't be (untrusted, reopened, exported notebooks).
    """

    def __init__(self, esm: str | os.PathLike[str] | None = None, *, snapshot: str | None = None):
        super().__init__()
        get_link()  # make sure the kernel answers pages before any output can ask
        self._module = Module(read_source(esm)) if esm is not None else None
        self._snapshot = snapshot
        self._callbacks: list[MessageCallback] = []
        self._callbacks_lock = threading.Lock()
        self._waiters: list[MessageCallback] = []

    def send(self, data: Any = None, buffers: Sequence[BufferLike] | None = None) -> None:
        """Send ``data`` (JSON) and ``buffers`` (bytes, memoryview, numpy arrays) to every view.

        Views receive them as ``channel.on("message", (data, buffers) => ...)``, buffers as DataViews.
        """
        if self.closed:
            raise RuntimeError("this channel is closed; create a new one")
        self._broadcast(data, buffers)

    def on_message(self, callback: MessageCallback, remove: bool = False) -> None:
        """Call ``callback(message)`` for each message from a view (see ``Message``)."""
        with self._callbacks_lock:
            if remove:
                self._callbacks.remove(callback)
            elif callback not in self._callbacks:
                self._callbacks.append(callback)

    def wait_message(self, timeout: float | None = None) -> Message:
        """Block until the next message from any view arrives and return it (usable in a running
        cell; interrupt the kernel to stop waiting). Raises TimeoutError after ``timeout`` s."""
        check_can_block("wait_message")
        box: list[Message] = []
        arrived = threading.Event()

        def catch(message: Message) -> None:
            if not box:
                box.append(message)
                arrived.set()

        with self._callbacks_lock:
            self._waiters.append(catch)
        try:
            if not wait_event(arrived, timeout):
                raise TimeoutError(f"no message from a view of {self!r} within {timeout} s")
            return box[0]
        finally:
            with self._callbacks_lock:
                self._waiters.remove(catch)

    def _on_message(self, view: View, data: Any, buffers: list[memoryview]) -> None:
        message = Message(data, buffers, view)
        with self._callbacks_lock:
            callbacks = list(self._callbacks)
            waiters = list(self._waiters)
        for waiter in waiters:
            waiter(message)
        if not callbacks and not waiters:
            logger.info("channel %s got a message but has no on_message callback", self.target_id)
        for callback in callbacks:
            callback(message)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        snapshot = self._snapshot if self._snapshot is not None else (
            '<span style="opacity:.7">cellwire channel (its live view needs the running kernel)</span>'
        )
        return bundle.bundle(self, snapshot, repr(self))

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"{len(self.views)} view(s)"
        return f"<cellwire.Channel {self.target_id[:8]} {state}>"
