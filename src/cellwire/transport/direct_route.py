"""The direct route's sender: a comm message addressed to one page's WebSocket through the kernel's
shell socket (``page_connection``), sent from the shell stream's own loop, in order, from any thread.

What a burst costs is per message, not per byte: each message is a signed, separately framed
kernel message the server relays and the page's socket worker hands over on its own. So messages
that wait together in the outbox go as one ``batch`` per page (docs/protocol.md, §4): 3,000 widgets
opened in one cell become a few hundred messages. A message arriving while the loop is idle still
leaves at once (a round trip's answer waits for nothing); only while a burst lasts (the last
wake-up found more than one message waiting) is the next wake-up put off by ``BATCH_SECONDS``, so
the burst's next messages gather.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from typing import Any

from ..log import logger

#: ``send(identity, comm_id, data, buffers)``: one cellwire message to the page whose socket has
#: that ZMQ identity, on its comm ``comm_id``.
Sender = Callable[[bytes, str, dict[str, Any], Sequence[memoryview]], None]

#: How long a burst's next wake-up waits for more messages to gather.
BATCH_SECONDS = 0.004
#: A message of more bytes than this (its JSON and buffers) goes alone: its bytes, not its count,
#: are its cost. A batch holds at most ``BATCH_MAX_BYTES`` and ``BATCH_MAX_MESSAGES`` messages:
#: one frame must not hold the page up for long, nor come near the 10 MiB that a kernel gateway's
#: relay drops.
BATCH_MAX_MESSAGE_BYTES = 64 * 1024
BATCH_MAX_BYTES = 1024**2
BATCH_MAX_MESSAGES = 500

#: One queued message: identity, comm id, its ``data`` packed as JSON, its buffers, its size in bytes.
_Queued = tuple[bytes, str, bytes, Sequence[memoryview], int]


def direct_sender(kernel: Any) -> Sender | None:
    """A thread-safe sender for ``comm_msg`` via shell, or None (no shell thread to send from, or a
    session that does not pack JSON, which the page's batches are written in)."""
    thread = getattr(kernel, "shell_channel_thread", None)
    stream = getattr(kernel, "shell_stream", None)
    session = getattr(kernel, "session", None)
    if thread is None or stream is None or session is None or getattr(session, "packer", "json") != "json":
        return None
    loop = thread.io_loop
    # The stream must be the only user of the ROUTER socket: messages are sent from its own loop.
    outbox: list[_Queued] = []
    lock = threading.Lock()
    burst = False  # the last wake-up found more than one message

    def flush() -> None:
        nonlocal burst
        with lock:
            queued = outbox[:]
            outbox.clear()
            burst = len(queued) > 1
        for identity, comm_id, data, buffers in _batches(queued):
            try:
                content = b'{"comm_id":' + json.dumps(comm_id).encode() + b',"data":' + data + b"}"
                parts = session.serialize(session.msg("comm_msg", content=content), ident=[identity])
                parts.extend(buffers)
                stream.send_multipart(parts, copy=False)
            except Exception:  # (one message that fails to go must not hold back the rest)
                logger.exception("sending a message to a page failed")

    def send(identity: bytes, comm_id: str, data: dict[str, Any], buffers: Sequence[memoryview]) -> None:
        packed = session.pack(data)  # (here: a value JSON cannot hold fails in the caller's thread)
        with lock:
            outbox.append((identity, comm_id, packed, buffers, len(packed) + sum(b.nbytes for b in buffers)))
            wake, later = len(outbox) == 1, burst
        if wake and later:
            loop.add_callback(loop.call_later, BATCH_SECONDS, flush)
        elif wake:
            loop.add_callback(flush)

    return send


def _batches(queued: list[_Queued]) -> list[tuple[bytes, str, bytes, list[memoryview]]]:
    """The queued messages as the messages to send, in order: each run of small ones to the same
    page comm joined into one ``batch``."""
    out: list[tuple[bytes, str, bytes, list[memoryview]]] = []
    run: list[_Queued] = []
    run_bytes = 0

    def close_run() -> None:
        nonlocal run_bytes
        if len(run) == 1:
            identity, comm_id, data, buffers, _ = run[0]
            out.append((identity, comm_id, data, list(buffers)))
        elif run:
            counts = ",".join(str(len(q[3])) for q in run).encode()
            data = b'{"op":"batch","messages":[' + b",".join(q[2] for q in run) + b'],"buffers":[' + counts + b"]}"
            out.append((run[0][0], run[0][1], data, [b for q in run for b in q[3]]))
        run.clear()
        run_bytes = 0

    for entry in queued:
        identity, comm_id, _, _, nbytes = entry
        small = nbytes <= BATCH_MAX_MESSAGE_BYTES
        joins = (
            small
            and bool(run)
            and run[0][0] == identity
            and run[0][1] == comm_id
            and len(run) < BATCH_MAX_MESSAGES
            and run_bytes + nbytes <= BATCH_MAX_BYTES
        )
        if not joins:
            close_run()
        run.append(entry)
        run_bytes += nbytes
        if not small:
            close_run()
    close_run()
    return out
