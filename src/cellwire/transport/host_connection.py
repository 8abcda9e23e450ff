"""A host's widget comm as a page connection: cellwire's messages carried by the host's own manager.

JupyterLab with jupyterlab_widgets, VS Code and Colab render widgets themselves and give an
output no socket of its own (VS Code and Colab give it no kernel API at all). There, a cellwire
object is also shown as a standard widget model (``host_widget``) whose front-end follows
anywidget's contract; its view speaks cellwire's page protocol (``attach``, ``msg``, ``call``,
``reply``, ``detach``; docs/protocol.md) in the widget's custom messages (``model.send``), and the
kernel answers the same way (``msg:custom``). One widget comm is one connection for every host page
showing it: the host broadcasts the kernel's messages to all of them, and each view keeps what is
addressed to it (``view``) or to all (none).

Nothing here is chunked or base64-encoded: the host's comm carries binary buffers itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .page_connection import PageConnection

#: ``send(content, buffers)`` of the widget carrying the connection (a custom message).
HostSend = Callable[[dict[str, Any], list[memoryview]], None]


class HostConnection(PageConnection):
    """The kernel end of one host-rendered widget's comm (``route`` "host")."""

    def __init__(self, comm_id: str, send: HostSend, modules: Sequence[str], max_upload_bytes: Callable[[], int]):
        hello = {"page": f"host:{comm_id[:8]}", "transport": {"socket": "host", "server": "host", "framing": "host"}}
        super().__init__(_NoComm(comm_id), hello, b"", None, max_upload_bytes)
        self._host_send = send
        self.text_only = False  # (a gateway's text-only relay is the host's business, not ours)
        self.download_chunk_bytes = None
        # Each host view has the object's module already (in the widget's state): never resend it.
        self.sent_modules.update(modules)

    @property
    def route(self) -> str:
        return "host"

    def _send(self, data: dict[str, Any], buffers: Sequence[memoryview]) -> None:
        self._host_send(data, list(buffers))


class _NoComm:
    """The comm slot of a ``PageConnection``: a host connection sends through its widget instead."""

    def __init__(self, comm_id: str):
        self.comm_id = comm_id

    def send(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a host connection sends through its widget")
