"""One browser page's connection to this kernel: the comm its runtime opened, and how to reach it.

The direct route: a comm message addressed to one page's WebSocket through the kernel's shell socket.
Comm messages from the kernel normally go out on iopub, which jupyter_server broadcasts to every
socket of the kernel: JupyterLab's own connection receives (and parses) all of cellwire's traffic,
it counts against the iopub rate limit, and nbclassic logs a console error per unknown comm id.
jupyter_server gives each WebSocket its own shell socket whose ZMQ identity is the socket's
``session_id``, so a message the kernel's shell ROUTER addresses to that identity reaches exactly
one page. ipykernel >= 7 runs that ROUTER on its own thread, which lets any thread hand it a message.
A page that receives nothing over it (a server or gateway that does not forward such messages)
asks again for the iopub route (``hello.route``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from ..buffers import split_by_sizes
from .protocol import ProtocolError, clip

#: Where the upload limit is set: the class attribute read at every chunk (``KernelLink``).
MAX_UPLOAD_SETTING = "cellwire.transport.kernel_link.KernelLink.max_upload_bytes"

Sender = Callable[[bytes, dict[str, Any], Sequence[memoryview]], None]


def direct_sender(kernel: Any) -> Sender | None:
    """A thread-safe ``send(identity, content, buffers)`` for ``comm_msg`` via shell, or None."""
    thread = getattr(kernel, "shell_channel_thread", None)
    stream = getattr(kernel, "shell_stream", None)
    session = getattr(kernel, "session", None)
    if thread is None or stream is None or session is None:
        return None
    loop = thread.io_loop

    def send(identity: bytes, content: dict[str, Any], buffers: Sequence[memoryview]) -> None:
        msg = session.msg("comm_msg", content=content)
        parts = session.serialize(msg, ident=[identity])
        parts.extend(buffers)
        # The stream must be the only user of the ROUTER socket: send from its own loop.
        loop.add_callback(stream.send_multipart, parts, copy=False)

    return send


class Uploads:
    """Reassembles messages the page split into chunks to stay under the 10 MiB frame limit."""

    def __init__(self, max_bytes: Callable[[], int]):
        self.max_bytes = max_bytes  # read at each chunk, so a changed limit applies at once
        self._parts: dict[str, list[memoryview]] = {}
        self._sizes: dict[str, int] = {}

    def add_chunk(self, upload_id: str, index: int, chunk: memoryview) -> None:
        parts = self._parts.setdefault(upload_id, [])
        if index != len(parts):
            self.discard(upload_id)
            raise ProtocolError("bad-upload", f"upload {upload_id!r}: chunk {index} arrived, expected {len(parts)}")
        size = self._sizes.get(upload_id, 0) + len(chunk)
        limit = self.max_bytes()
        if size > limit:
            self.discard(upload_id)
            raise ProtocolError(
                "too-large",
                f"upload {upload_id!r} exceeds {MAX_UPLOAD_SETTING}={limit}; "
                f"raise it in the kernel if this is intended ({MAX_UPLOAD_SETTING} = 4 * 1024**3)",
            )
        self._sizes[upload_id] = size
        parts.append(chunk)

    def complete(self, upload: dict[str, Any]) -> list[memoryview]:
        upload_id = upload["id"]
        parts = self._parts.pop(upload_id, [])
        self._sizes.pop(upload_id, None)
        if len(parts) != upload["chunks"]:
            raise ProtocolError(
                "bad-upload", f"upload {upload_id!r} announced {upload['chunks']} chunks, {len(parts)} arrived"
            )
        blob = memoryview(b"".join(parts)) if len(parts) != 1 else parts[0]
        try:
            return split_by_sizes(blob, upload["sizes"])
        except ValueError as err:
            raise ProtocolError("bad-upload", f"upload {upload_id!r}: {err}") from None

    def discard(self, upload_id: str) -> None:
        self._parts.pop(upload_id, None)
        self._sizes.pop(upload_id, None)

    def clear(self) -> None:
        self._parts.clear()
        self._sizes.clear()


class PageConnection:
    """A page runtime's comm, and the route its messages take: ``direct`` (to this page's socket
    alone) when the link gives a ``direct`` sender, else ``iopub``. The route never changes
    afterwards, so messages cannot overtake each other."""

    #: Error answers per second to one page; more are only logged. A flood of bad messages would
    #: otherwise flood iopub (on the iopub route) and trip the server's rate limit, which
    #: drops the notebook's own output.
    max_errors_per_second = 20

    def __init__(
        self,
        comm: Any,
        hello: dict[str, Any],
        identity: bytes,
        direct: Sender | None,
        max_upload_bytes: Callable[[], int],
    ):
        self.comm = comm
        self.id: str = comm.comm_id
        self.page: str = clip(hello["page"], 100)
        #: Where the page's socket runs and which server path it is on, as the page reported it.
        self.transport: dict[str, Any] = hello.get("transport") or {}
        self.identity = identity
        self.uploads = Uploads(max_upload_bytes)
        self.sent_modules: set[str] = set()
        self.closed = False
        self._direct = direct
        self._lock = threading.Lock()
        self._error_window = 0.0  # when the current second of error answers began
        self._errors_sent = 0
        self._errors_unsent = 0

    @property
    def route(self) -> str:
        return "direct" if self._direct is not None else "iopub"

    def send(self, data: dict[str, Any], buffers: Sequence[memoryview] = ()) -> None:
        """Send one cellwire message to this page (safe from any thread)."""
        if self.closed:
            return
        with self._lock:
            if self._direct is not None:
                self._direct(self.identity, {"comm_id": self.id, "data": data}, buffers)
            else:
                self.comm.send(data, buffers=list(buffers))

    def report(self, error: dict[str, Any]) -> None:
        """Send an ``error`` answer unless this page had ``max_errors_per_second`` already; the
        next one sent says how many were only logged."""
        now = time.monotonic()
        if now - self._error_window >= 1:
            self._error_window, self._errors_sent = now, 0
        if self._errors_sent >= self.max_errors_per_second:
            self._errors_unsent += 1
            return
        self._errors_sent += 1
        if self._errors_unsent:
            error = {
                **error,
                "message": f"{error['message']} ({self._errors_unsent} earlier errors "
                "were only written to the server log)",
            }
            self._errors_unsent = 0
        self.send(error)

    def close(self) -> None:
        self.closed = True
        self.uploads.clear()
