"""A TCP proxy between the browser and the Jupyter server that a test can cut and restore.

Cutting closes every connection through it and refuses new ones (each attempt is recorded with
its HTTP request line), which is what a page sees when the network drops or the server goes
away: its sockets close, reconnects fail, REST calls fail. Only 127.0.0.1 is involved.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class CuttableProxy:
    """Forwards ``127.0.0.1:<port>`` to ``127.0.0.1:<upstream_port>`` byte for byte."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self.down = False
        #: (monotonic time, first request line) of each connection refused while cut
        self.refused: list[tuple[float, str]] = []
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            self.down = True
            sockets, self._open = list(self._open), set()
        for sock in sockets:
            _close(sock)

    def restore(self) -> None:
        self.down = False

    def attempts(self, fragment: str) -> list[float]:
        """When refused connections whose request line contains ``fragment`` were attempted."""
        return [t for t, line in self.refused if fragment in line]

    def close(self) -> None:
        self.cut()
        _close(self._listener)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.down:
                threading.Thread(target=self._refuse, args=(client,), daemon=True).start()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._open.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _refuse(self, client: socket.socket) -> None:
        client.settimeout(2)
        try:
            line = client.recv(4096).split(b"\r\n", 1)[0].decode(errors="replace")
        except OSError:
            line = ""
        self.refused.append((time.monotonic(), line))
        _close(client)

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(src)
                self._open.discard(dst)
            _close(src)
            _close(dst)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
