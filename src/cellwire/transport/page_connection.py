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

import base64
import binascii
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from ..buffers import split_by_sizes
from ..log import logger
from ..scheduler import scheduler
from .direct_route import Sender
from .identity import started_by_gateway
from .protocol import ProtocolError, clip

#: Where the upload limit is set: the class attribute read at every chunk (``KernelLink``).
MAX_UPLOAD_SETTING = "cellwire.transport.kernel_link.KernelLink.max_upload_bytes"

#: Raw bytes per chunk for text-only pages: 6 MiB is 8 MiB of base64, under the 10 MiB frame limit.
TEXT_CHUNK_BYTES = 6 * 1024**2


def decode_text_buffers(data: Any, buffers: list[memoryview]) -> list[memoryview]:
    """The buffers of a message from a text-only page (``b64buffers`` in its data, removed), else
    ``buffers`` as they came."""
    if not isinstance(data, dict) or "b64buffers" not in data:
        return buffers
    encoded = data.pop("b64buffers")
    if not isinstance(encoded, list) or not all(isinstance(e, str) for e in encoded) or buffers:
        raise ProtocolError("malformed", "'b64buffers' must be a list of base64 strings, on a message without buffers")
    try:
        return [memoryview(base64.b64decode(e, validate=True)) for e in encoded]
    except binascii.Error as err:
        raise ProtocolError("malformed", f"'b64buffers' holds invalid base64: {err}") from None


class Uploads:
    """Reassembles messages the page split into chunks to stay under the 10 MiB frame limit.

    Bounded per page (docs/reliability.md, "Limits"): at most ``max_in_flight`` unfinished uploads
    together holding at most the upload limit, each dropped when no chunk came for ``idle_seconds``
    (a page that stops halfway must not keep kernel memory forever)."""

    #: Unfinished uploads one page may have at once; the runtime sends one message's chunks at a time.
    max_in_flight = 4
    #: Seconds an unfinished upload waits for its next chunk before it is dropped.
    idle_seconds = 60.0

    def __init__(self, max_bytes: Callable[[], int], on_expired: Callable[[str], None] | None = None):
        self.max_bytes = max_bytes  # read at each chunk, so a changed limit applies at once
        self.on_expired = on_expired
        self._parts: dict[str, list[memoryview]] = {}
        self._sizes: dict[str, int] = {}
        self._touched: dict[str, float] = {}
        self._lock = threading.Lock()  # (expiry runs on the scheduler's thread)
        self._timer_armed = False

    def add_chunk(self, upload_id: str, index: int, chunk: memoryview) -> None:
        self._expire()
        with self._lock:
            if upload_id not in self._parts and len(self._parts) >= self.max_in_flight:
                raise ProtocolError(
                    "limit",
                    f"upload {clip(upload_id, 60)!r} refused: this page already has {len(self._parts)} unfinished "
                    f"uploads, the most the kernel accepts ({self.max_in_flight})",
                )
            parts = self._parts.setdefault(upload_id, [])
            if index != len(parts):
                self._discard(upload_id)
                raise ProtocolError(
                    "bad-upload", f"upload {clip(upload_id, 60)!r}: chunk {index} arrived, expected {len(parts)}"
                )
            size = self._sizes.get(upload_id, 0) + len(chunk)
            in_flight = sum(self._sizes.values()) + len(chunk)
            limit = self.max_bytes()
            if in_flight > limit:
                self._discard(upload_id)
                what = (
                    f"upload {clip(upload_id, 60)!r} exceeds"
                    if size == in_flight
                    else "this page's unfinished uploads together exceed"
                )
                raise ProtocolError(
                    "too-large",
                    f"{what} {MAX_UPLOAD_SETTING}={limit}; "
                    f"raise it in the kernel if this is intended ({MAX_UPLOAD_SETTING} = 4 * 1024**3)",
                )
            self._sizes[upload_id] = size
            self._touched[upload_id] = time.monotonic()
            parts.append(chunk)
            arm = not self._timer_armed
            self._timer_armed = True
        if arm:
            scheduler.call_at(time.monotonic() + self.idle_seconds, self._on_timer)

    def complete(self, upload: dict[str, Any]) -> list[memoryview]:
        upload_id = upload["id"]
        with self._lock:
            parts = self._parts.get(upload_id, [])
            self._discard(upload_id)
        if len(parts) != upload["chunks"]:
            raise ProtocolError(
                "bad-upload",
                f"upload {clip(upload_id, 60)!r} announced {upload['chunks']} chunks, {len(parts)} arrived",
            )
        blob = memoryview(b"".join(parts)) if len(parts) != 1 else parts[0]
        try:
            return split_by_sizes(blob, upload["sizes"])
        except ValueError as err:
            raise ProtocolError("bad-upload", f"upload {clip(upload_id, 60)!r}: {err}") from None

    def discard(self, upload_id: str) -> None:
        with self._lock:
            self._discard(upload_id)

    def _discard(self, upload_id: str) -> None:
        self._parts.pop(upload_id, None)
        self._sizes.pop(upload_id, None)
        self._touched.pop(upload_id, None)

    def in_flight(self) -> tuple[int, int]:
        """(unfinished uploads, their bytes)."""
        with self._lock:
            return len(self._parts), sum(self._sizes.values())

    def _expire(self) -> list[str]:
        """Drop the uploads that waited ``idle_seconds`` for a chunk; tell ``on_expired`` of each."""
        cutoff = time.monotonic() - self.idle_seconds
        with self._lock:
            stale = [u for u, t in self._touched.items() if t <= cutoff]
            for upload_id in stale:
                self._discard(upload_id)
        for upload_id in stale:
            if self.on_expired is not None:
                self.on_expired(upload_id)
        return stale

    def _on_timer(self) -> None:
        self._expire()
        with self._lock:
            oldest = min(self._touched.values(), default=None)
            self._timer_armed = oldest is not None
        if oldest is not None:
            scheduler.call_at(oldest + self.idle_seconds, self._on_timer)

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()
            self._sizes.clear()
            self._touched.clear()


class PageConnection:
    """A page runtime's comm, and the route its messages take: ``direct`` (to this page's socket
    alone) when the link gives a ``direct`` sender, else ``iopub``. The route never changes
    afterwards, so messages cannot overtake each other."""

    #: Error answers per second to one page; more are only logged. A flood of bad messages would
    #: otherwise flood iopub (on the iopub route) and trip the server's rate limit, which
    #: drops the notebook's own output.
    max_errors_per_second = 20
    #: Outputs one page may show at once (views), and outputs its ``attach``es may pin.
    max_views = 10_000
    max_pins = 10_000
    #: Kernel -> page messages with more buffer bytes than this are sent in chunks of this size
    #: (None: never); set for text-only pages (see ``text_only``).
    download_chunk_bytes: int | None = None

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
        self.uploads = Uploads(max_upload_bytes, self._upload_expired)
        self.sent_modules: set[str] = set()
        #: The views this page has attached, and the outputs its attaches pinned (``max_views``, ``max_pins``).
        self.view_ids: set[str] = set()
        self.pinned: set[str] = set()
        self.closed = False
        #: Buffers travel base64-encoded in the JSON (``b64buffers``), in chunks under 10 MiB:
        #: jupyter_server's relay to a kernel gateway passes only text frames (it decodes every
        #: frame from the gateway as UTF-8) and drops messages over 10 MiB. A page on the legacy
        #: framing is behind such a server (a server of its own answers v1).
        self.text_only = started_by_gateway() or self.transport.get("framing") == "legacy"
        if self.text_only:
            self.download_chunk_bytes = TEXT_CHUNK_BYTES
        self._direct = direct
        self._lock = threading.Lock()
        self._error_window = 0.0  # when the current second of error answers began
        self._errors_sent = 0
        self._errors_unsent = 0

    @property
    def route(self) -> str:
        return "direct" if self._direct is not None else "iopub"

    def send(self, data: dict[str, Any], buffers: Sequence[memoryview] = ()) -> None:
        """Send one cellwire message to this page (safe from any thread). Behind a kernel gateway
        (``download_chunk_bytes`` set), buffers above that size go first in ``chunk`` messages."""
        if self.closed:
            return
        limit = self.download_chunk_bytes
        with self._lock:  # (held across the chunks: nothing may come between them)
            if limit is None or sum(len(b) for b in buffers) <= limit:
                self._send(data, buffers)
                return
            download = uuid.uuid4().hex
            index = 0
            for buffer in buffers:
                for start in range(0, max(len(buffer), 1), limit):
                    self._send({"op": "chunk", "download": download, "index": index}, [buffer[start : start + limit]])
                    index += 1
            self._send({**data, "download": {"id": download, "chunks": index, "sizes": [len(b) for b in buffers]}}, ())

    def _send(self, data: dict[str, Any], buffers: Sequence[memoryview]) -> None:
        if self.text_only and buffers:
            data, buffers = {**data, "b64buffers": [base64.b64encode(b).decode("ascii") for b in buffers]}, ()
        if self._direct is not None:
            self._direct(self.identity, self.id, data, buffers)
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

    def _upload_expired(self, upload_id: str) -> None:
        message = (
            f"upload {clip(upload_id, 60)!r} was dropped: no chunk of it arrived for "
            f"{self.uploads.idle_seconds:g} s; send the message again"
        )
        logger.warning("page %s: %s (upload-expired)", self.page, message)
        self.report({"op": "error", "code": "upload-expired", "message": message})

    def close(self) -> None:
        self.closed = True
        self.uploads.clear()
