"""Page messages for a kernel without subshells (ipykernel 6), handled while a cell waits.

Without a subshell, ipykernel 6 handles shell messages one at a time on the main thread, so a
page's click arrives only after the running cell. A cell that waits (``wait_for``, ``wait_click``,
``cw.poll()`` in a loop) can do better, as jupyter-ui-poll does: take the messages waiting on the
shell socket, handle the ones that are cellwire's (its comms, and ``comm_info_request`` for its
target, which pages use to find the kernel) right here, and put every other message back in its
place in the kernel's queue, in order, for after the cell.

Handled here, a message does not go through ``dispatch_shell``: no busy/idle status is published
(the front-end would show the kernel idle while the cell runs) and the cell keeps its parent
header, so its output stays in its own output area.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from typing import Any

from ..log import logger
from .protocol import TARGET_NAME

_COMM_TYPES = ("comm_open", "comm_msg", "comm_close")


def _drive(result: Any) -> None:
    """Run a handler's coroutine to its end from synchronous code (ipykernel 6's handlers are
    coroutines that never suspend; one that does is closed, with a log line)."""
    if not inspect.iscoroutine(result):
        return
    try:
        result.send(None)
    except StopIteration:
        return
    result.close()
    logger.warning("a kernel handler suspended while a cell was waiting; its answer may be missing")


def _bytes(frame: Any) -> bytes:
    return frame.bytes if hasattr(frame, "bytes") else bytes(frame)


class ShellPump:
    """Handles cellwire's queued shell messages on the main thread of an ipykernel 6 kernel."""

    def __init__(self, kernel: Any, is_ours: Callable[[str], bool]):
        self.kernel = kernel
        self._is_our_comm = is_ours  # comm id -> is it a page connection of cellwire's?
        self._busy = False

    @classmethod
    def for_kernel(cls, kernel: Any, is_ours: Callable[[str], bool]) -> ShellPump | None:
        """A pump for ``kernel`` if its shell messages wait in a queue this thread may take from."""
        needed = ("shell_stream", "msg_queue", "session", "shell_handlers")
        if not all(getattr(kernel, name, None) is not None for name in needed):
            return None
        return cls(kernel, is_ours)

    def __call__(self) -> int:
        """Handle the cellwire messages waiting now; returns how many. Main thread only."""
        if self._busy or threading.current_thread() is not threading.main_thread():
            return 0  # (a callback that polls again handles nothing more: one message at a time)
        self._busy = True
        try:
            return self._pump()
        finally:
            self._busy = False

    def _pump(self) -> int:
        kernel = self.kernel
        kernel.shell_stream.flush()  # socket -> the kernel's queue (its on_recv callback)
        queue = kernel.msg_queue
        waiting: list[Any] = []
        while queue.qsize():  # (a tornado, asyncio or stdlib queue, depending on the version)
            waiting.append(queue.get_nowait())
        handled = 0
        kept: list[Any] = []
        for item in waiting:
            message = self._ours(item)
            if message is None:
                kept.append(item)
                continue
            handled += 1
            self._handle(*message)
        for item in kept:  # everything else, in its order, for after the cell
            queue.put_nowait(item)
        return handled

    def _ours(self, item: Any) -> tuple[list[bytes], dict[str, Any]] | None:
        """The (identities, message) of a queued shell message of cellwire's, else None.

        Others are only peeked at (header and content unpacked, the signature left alone):
        deserializing records the signature, and the kernel would refuse the message later as a
        replay."""
        try:
            _index, dispatch, args = item
            if getattr(dispatch, "__name__", "") != "dispatch_shell" or len(args) != 1:
                return None
            session = self.kernel.session
            idents, frames = session.feed_identities(list(args[0]), copy=False)
            header = session.unpack(_bytes(frames[1]))
            content = session.unpack(_bytes(frames[4]))
        except Exception:  # not a shell message we can read: leave it to the kernel
            return None
        msg_type = header.get("msg_type")
        if msg_type == "comm_open" or msg_type == "comm_info_request":
            ours = content.get("target_name") == TARGET_NAME
        elif msg_type in _COMM_TYPES:
            ours = self._is_our_comm(str(content.get("comm_id", "")))
        else:
            ours = False
        if not ours:
            return None
        try:
            return idents, session.deserialize(frames, content=True, copy=False)
        except Exception:
            logger.exception("a page message could not be read while a cell waits")
            return None

    def _handle(self, idents: list[bytes], msg: dict[str, Any]) -> None:
        handler = self.kernel.shell_handlers.get(msg["header"]["msg_type"])
        if handler is None:
            return
        try:
            _drive(handler(self.kernel.shell_stream, idents, msg))
        except Exception:
            logger.exception("handling a page message while a cell waits failed")
