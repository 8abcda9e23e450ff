"""cellwire's optional server accelerator: TCP_NODELAY on the server's kernel WebSockets.

jupyter_server leaves Nagle's algorithm on for kernel WebSockets. When the server writes two small
messages in a row (a status, then a reply), the second waits until the browser acknowledges the
first, and browsers delay acknowledgements by up to 40 ms (more on some systems): every widget
round trip that causes more than one message pays that stall. With TCP_NODELAY each message leaves
at once. This helps every client of the server's kernel sockets (JupyterLab's own widgets too) and
changes nothing else: no security setting, no message, no route.

cellwire works without it. It is a jupyter_server extension, shipped in the cellwire wheel and
enabled by ``etc/jupyter/jupyter_server_config.d/cellwire_accelerator.json`` when cellwire is
installed in the *server's* environment; ``jupyter server extension disable cellwire_accelerator``
turns it off. Every response of the server then carries ``X-Cellwire-Accelerator: tcp-nodelay``,
which tells pages which path they are on without a request that fails on servers without it;
``GET <base_url>cellwire/accelerator`` counts the sockets it has sped up.
"""

from __future__ import annotations

import socket
from typing import Any

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

STATUS_PATH = "cellwire/accelerator"
HEADER = ("X-Cellwire-Accelerator", "tcp-nodelay")


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "cellwire_accelerator"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    settings = serverapp.web_app.settings
    base = settings.get("kernel_websocket_connection_class") or serverapp.kernel_websocket_connection_class
    stats = {"sockets": 0}
    settings["kernel_websocket_connection_class"] = with_nodelay(base, stats)
    route = url_path_join(serverapp.base_url, STATUS_PATH)
    serverapp.web_app.add_handlers(".*$", [(route, StatusHandler, {"stats": stats})])
    # jupyter_server adds settings["headers"] to every response (the documented tornado_settings way).
    settings.setdefault("headers", {})[HEADER[0]] = HEADER[1]
    serverapp.log.info("cellwire accelerator: TCP_NODELAY on for kernel WebSockets (%s)", base.__name__)


def with_nodelay(connection_class: type, stats: dict[str, int]) -> type:
    """A subclass of the server's kernel WebSocket connection class that sets TCP_NODELAY on the
    browser's socket as it connects. Subclassing (not replacing) keeps whatever class the server
    is configured with, a gateway's included."""

    class NoDelayConnection(connection_class):  # type: ignore[misc]
        def connect(self) -> Any:
            handler = self.websocket_handler
            handler.set_nodelay(True)
            if _nodelay_is_on(handler):
                stats["sockets"] += 1
            return super().connect()

    NoDelayConnection.__name__ = NoDelayConnection.__qualname__ = f"NoDelay{connection_class.__name__}"
    return NoDelayConnection


def _nodelay_is_on(handler: Any) -> bool:
    """Read the option back from the socket (a Unix-domain socket has no such option)."""
    try:
        sock = handler.ws_connection.stream.socket
        return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
    except (AttributeError, OSError):
        return False


class StatusHandler(APIHandler):  # type: ignore[misc]  # jupyter_server is untyped
    """``GET cellwire/accelerator``: is the accelerator on, and on how many sockets so far."""

    def initialize(self, stats: dict[str, int]) -> None:
        self.stats = stats

    @web.authenticated
    def get(self) -> None:
        self.finish({"tcp_nodelay": True, "sockets": self.stats["sockets"]})
