"""``Channel``: the low-level two-way pipe between Python and the JavaScript of its outputs.

``Element`` and the bridge's widget displays are built on the same pieces. A channel is shown by displaying
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import bundle
from .buffers import BufferLike
from .callbacks import CallbackList
from .host_widget import WIDGET_VIEW, close_for, host_view
from .log import logger
from .rpc import Calls
from .target import Module, Target, View, read_source
from .transport.kernel_link import get_link
from .wait import wait_once


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
        self._callbacks = CallbackList("Channel.on_message")
        self._waiters = CallbackList("Channel.wait_message")

    def send(self, data: Any = None, buffers: Sequence[BufferLike] | None = None) -> None:
        """Send ``data`` (JSON) and ``buffers`` (bytes, memoryview, numpy arrays) to every view.

        Views receive them as ``channel.on("message", (data, buffers) => ...)``, buffers as DataViews.
        """
        if self.closed:
            raise RuntimeError("this channel is closed; create a new one")
        self._broadcast(data, buffers)

    def on_message(self, callback: MessageCallback, remove: bool = False) -> None:
        """Call ``callback(message)`` for each message from a view (see ``Message``); with
        ``remove=True``, stop. A callback that raises does not stop the others; its error is shown
        in the sending output and the kernel log."""
        self._callbacks.register(callback, remove)

    def wait_message(self, timeout: float | None = None) -> Message:
        """Block until the next message from any view arrives and return it (usable in a running
        cell; interrupt the kernel to stop waiting). Raises TimeoutError after ``timeout`` s."""

        def subscribe(catch: MessageCallback) -> Callable[[], None]:
            self._waiters.register(catch)
            return lambda: self._waiters.register(catch, remove=True)

        message: Message = wait_once(
            "wait_message", subscribe, timeout, f"no message from a view of {self!r} within {timeout} s"
        )
        return message

    def _on_message(self, view: View, data: Any, buffers: list[memoryview]) -> None:
        message = Message(data, buffers, view)
        if not self._callbacks and not self._waiters:
            logger.info("channel %s got a message but has no on_message callback", self.target_id)
        self._waiters(message)
        self._callbacks(message)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        snapshot = (
            self._snapshot
            if self._snapshot is not None
            else ('<span style="opacity:.7">cellwire channel (its live view needs the running kernel)</span>')
        )
        data: dict[str, Any] = bundle.bundle(self, snapshot, repr(self))
        host = host_view(self)  # (a host with its own widget manager draws this one instead)
        if host is not None:
            data[WIDGET_VIEW] = host
        return data

    def close(self) -> None:
        """Stop serving views; open ones show that the channel was closed."""
        super().close()
        close_for(self)

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"{len(self.views)} view(s)"
        return f"<cellwire.Channel {self.target_id[:8]} {state}>"
