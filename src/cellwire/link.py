"""The kernel side of the link: the ``cellwire`` comm target, the beacon, and message dispatch.

Pages open one comm per (page, kernel) to target ``cellwire``; every message on it is checked by
``wire`` and dispatched here. Errors are answered on the same comm (the page shows them) and
logged once; they never propagate into ipykernel, so a bad message cannot hurt the kernel.
"""

from __future__ import annotations

import traceback
from typing import Any

from . import assets, identity
from ._version import PROTOCOL, __version__
from .buffers import to_buffers
from .connection import PageConnection
from .delivery import Sender, direct_sender
from .log import logger
from .target import View, find_target
from .wire import BEACON_PREFIX, TARGET_NAME, ProtocolError, check_browser_message


class KernelLink:
    """Owns the page connections of this kernel process."""

    #: Largest message a page may upload (reassembled from chunks); protects kernel memory.
    max_upload_bytes: int = 2 * 1024**3

    def __init__(self, kernel: Any, comm_manager: Any):
        self.kernel = kernel
        self.comm_manager = comm_manager
        self.kernel_id = identity.current_kernel_id()
        self.connections: dict[str, PageConnection] = {}
        self.views: dict[tuple[str, str], View] = {}
        self._direct: Sender | None = direct_sender(kernel)

    def install(self) -> None:
        """Register the comm target and the beacon that ``comm_info_request`` reveals."""
        self.comm_manager.register_target(TARGET_NAME, self._on_open)
        from ipykernel.comm import Comm

        # primary=False: registered in the kernel only, nothing is sent to any front-end.
        beacon = Comm(comm_id=BEACON_PREFIX + identity.INSTANCE_ID, primary=False,
                      target_name=TARGET_NAME, show_warning=False)
        self.comm_manager.register_comm(beacon)

    # -- comm callbacks -------------------------------------------------------------------------
    def _on_open(self, comm: Any, msg: dict[str, Any]) -> None:
        data = msg["content"].get("data")
        try:
            hello = check_browser_message(data, 0)
            if hello["op"] != "hello":
                raise ProtocolError("malformed", "the first message on a cellwire comm must be 'hello'")
            claimed = hello.get("kernel_id")
            if claimed and self.kernel_id and claimed != self.kernel_id:
                raise ProtocolError(
                    "wrong-kernel", f"page expected kernel {claimed}, this is kernel {self.kernel_id}"
                )
        except ProtocolError as err:
            self._refuse(comm, err)
            return
        if hello.get("purpose") == "runtime":
            comm.send({"op": "runtime", "version": __version__, **assets.runtime_payload()})
            return
        session = msg["header"].get("session", "")
        conn = PageConnection(comm, hello, session.encode(), self._direct, lambda: self.max_upload_bytes)
        old = self.connections.pop(hello.get("replaces", ""), None)
        if old is not None:
            self._drop(old)
        self.connections[conn.id] = conn
        comm.on_msg(lambda m, conn=conn: self._on_msg(conn, m))
        comm.on_close(lambda m, conn=conn: self._drop(conn))
        comm.send({
            "op": "welcome", "protocol": PROTOCOL, "version": __version__,
            "kernel_id": self.kernel_id, "instance": identity.INSTANCE_ID,
            "direct": conn.can_go_direct,
        })
        conn.probe_direct()

    def _on_msg(self, conn: PageConnection, msg: dict[str, Any]) -> None:
        data = msg["content"].get("data")
        buffers = [memoryview(b) for b in msg.get("buffers") or ()]
        try:
            self._dispatch(conn, check_browser_message(data, len(buffers)), buffers)
        except ProtocolError as err:
            self._report(conn, err.code, str(err), data)
        except Exception as err:  # a bug in a handler or user callback: report, keep serving
            self._report(conn, "handler-error", f"{type(err).__name__}: {err}", data,
                         detail=traceback.format_exc())

    def _dispatch(self, conn: PageConnection, data: dict[str, Any], buffers: list[memoryview]) -> None:
        op = data["op"]
        if op == "msg":
            view = self._view(conn, data["view"])
            if "upload" in data:
                buffers = conn.uploads.complete(data["upload"])
            view.target._on_message(view, data.get("data"), buffers)
        elif op == "chunk":
            conn.uploads.add_chunk(data["upload"], data["index"], buffers[0])
        elif op == "attach":
            self._attach(conn, data)
        elif op == "detach":
            view = self.views.pop((conn.id, data["view"]), None)
            if view is not None:
                view.target._remove_view(conn.id, view.id)
                view.target._on_detach(view)
        elif op == "ping":
            conn.send({"op": "pong", "id": data["id"]})
        elif op == "direct-ok":
            conn.go_direct()
        elif op == "hello":
            raise ProtocolError("malformed", "'hello' is only valid as the comm_open message")

    # -- views ----------------------------------------------------------------------------------
    def _attach(self, conn: PageConnection, data: dict[str, Any]) -> None:
        view_id = data["view"]
        if data["instance"] != identity.INSTANCE_ID:
            raise ProtocolError(
                "stale-output",
                "this output was made by an earlier run of the kernel; run the cell again",
            )
        target = find_target(data["target"])
        if target is None or target.closed:
            raise ProtocolError("unknown-target", f"no live object {data['target']!r} in this kernel "
                                "(it was closed or deleted); run the cell again")
        view = View(conn, view_id, target)
        init, init_buffers = target._on_attach(view)
        module = target._module
        reply: dict[str, Any] = {"op": "attached", "view": view_id, "target": target.target_id, "init": init}
        if module is not None:
            reply["module"] = {"hash": module.hash}
            if module.hash not in conn.sent_modules:
                reply["module"]["source"] = module.source
                conn.sent_modules.add(module.hash)
        self.views[(conn.id, view_id)] = view
        target._add_view(view)
        conn.send(reply, to_buffers(init_buffers))

    def _view(self, conn: PageConnection, view_id: str) -> View:
        view = self.views.get((conn.id, view_id))
        if view is None:
            raise ProtocolError("unknown-view", f"view {view_id!r} is not attached on this page")
        return view

    # -- errors and cleanup ---------------------------------------------------------------------
    def _refuse(self, comm: Any, err: ProtocolError) -> None:
        logger.warning("refused a page connection: %s (%s)", err, err.code)
        comm.send({"op": "error", "code": err.code, "message": str(err), "fatal": True})

    def _report(self, conn: PageConnection, code: str, message: str, data: Any, detail: str = "") -> None:
        ref = data.get("view") if isinstance(data, dict) else None
        logger.warning("page %s: %s (%s)%s", conn.page, message, code, "\n" + detail if detail else "")
        reply = {"op": "error", "code": code, "message": message}
        if isinstance(ref, str):
            reply["view"] = ref
        conn.send(reply)

    def _drop(self, conn: PageConnection) -> None:
        """The page closed its comm (or replaced it after a reconnect): release its views."""
        conn.close()
        self.connections.pop(conn.id, None)
        for key in [k for k in self.views if k[0] == conn.id]:
            view = self.views.pop(key)
            view.target._remove_view(conn.id, view.id)
            view.target._on_detach(view)


_link: KernelLink | None = None


def get_link() -> KernelLink | None:
    """The installed link, installing it on first use inside an ipykernel; None elsewhere."""
    global _link
    if _link is None:
        kernel = _current_kernel()
        if kernel is None:
            return None
        import comm

        link = KernelLink(kernel, comm.get_comm_manager())
        link.install()
        _link = link
    return _link


def _current_kernel() -> Any:
    try:
        from ipykernel.kernelbase import Kernel

        return Kernel.instance() if Kernel.initialized() else None
    except Exception:
        return None
