"""The direct route: a comm message addressed to one page's WebSocket through the kernel's shell socket.

Comm messages from the kernel normally go out on iopub, which jupyter_server broadcasts to every
socket of the kernel: JupyterLab's own connection receives (and parses) all of cellwire's traffic,
it counts against the iopub rate limit, and nbclassic logs a console error per unknown comm id.
jupyter_server gives each WebSocket its own shell socket whose ZMQ identity is the socket's
``session_id``, so a message the kernel's shell ROUTER addresses to that identity reaches exactly
one page. ipykernel >= 7 runs that ROUTER on its own thread, which lets any thread hand it a message.
A page that receives nothing over it (a server or gateway that does not forward such messages)
asks again for the iopub route (see ``connection``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

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
