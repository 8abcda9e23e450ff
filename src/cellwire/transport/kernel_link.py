"""The kernel side of the link: the ``cellwire`` comm target, the beacon, and message dispatch.

Pages open one comm per (page, kernel) to target ``cellwire``; every message on it is checked by
``protocol`` and dispatched here. Errors are answered on the same comm (the page shows them) and
logged once; they never propagate into ipykernel, so a bad message cannot hurt the kernel.

Threads: with a subshell (ipykernel >= 7, see ``subshell``) every page message is dispatched on the
subshell's thread, concurrently with the cell running on the main thread; otherwise on the main
thread between cells. The link's tables are guarded by one lock; target hooks and user callbacks
run outside it, one message at a time (docs/busy.md).
"""

from __future__ import annotations

import contextlib
import inspect
import threading
from typing import Any

from .. import dispatching, rpc
from .._version import PROTOCOL, __version__
from ..buffers import to_buffers
from ..log import logger
from ..target import View, find_target, pin, release
from . import assets, identity
from .direct_route import Sender, direct_sender
from .page_connection import PageConnection, decode_text_buffers
from .protocol import BEACON_PREFIX, TARGET_NAME, ProtocolError, check_browser_message, clip, too_many
from .shell_pump import ShellPump
from .subshell import create_subshell, silence_status


class KernelLink:
    """Owns the page connections of this kernel process."""

    #: Largest message a page may upload (reassembled from chunks); protects kernel memory.
    max_upload_bytes: int = 2 * 1024**3
    #: Offer pages the direct route (protocol.md §3). Set False before outputs connect to keep
    #: every connection on iopub: a debugging switch, and how the tests exercise that route.
    direct_route: bool = True

    def __init__(self, kernel: Any, comm_manager: Any):
        self.kernel = kernel
        self.comm_manager = comm_manager
        self.kernel_id = identity.current_kernel_id()
        self.connections: dict[str, PageConnection] = {}
        self.views: dict[tuple[str, str], View] = {}
        self._direct: Sender | None = direct_sender(kernel)
        self._subshell_id: str | None = None
        self._lock = threading.RLock()

    def install(self) -> None:
        """Create cellwire's subshell, then register the comm target and the beacon that
        ``comm_info_request`` reveals (a page that sees the beacon may rely on the subshell)."""
        self.subshell_id = create_subshell(self.kernel)
        if self.subshell_id is not None:
            silence_status(self.kernel, self.subshell_id)
        else:  # ipykernel 6: a waiting cell handles cellwire's queued messages itself
            dispatching.set_pump(ShellPump.for_kernel(self.kernel, self._is_page_comm))
            # (debug, not info: on ipykernel 6 the kernel's stderr is shown in the notebook; a wait
            # that cannot work says so itself, see wait.check_can_block)
            logger.debug(
                "this kernel has no subshells (ipykernel %s): page events reach a running cell only "
                "while it waits (wait_for, wait_click, cw.poll())",
                _ipykernel_version(),
            )
        self.comm_manager.register_target(TARGET_NAME, self._on_open)
        from ipykernel.comm import Comm

        # primary=False: registered in the kernel only, nothing is sent to any front-end.
        options = {"show_warning": False} if "show_warning" in inspect.signature(Comm.__init__).parameters else {}
        beacon = Comm(comm_id=BEACON_PREFIX + identity.INSTANCE_ID, primary=False, target_name=TARGET_NAME, **options)
        self.comm_manager.register_comm(beacon)

    def _is_page_comm(self, comm_id: str) -> bool:
        with self._lock:
            return comm_id in self.connections

    @property
    def subshell_id(self) -> str | None:
        """cellwire's subshell in this kernel process, or None (messages then use the main shell)."""
        return self._subshell_id

    @subshell_id.setter
    def subshell_id(self, value: str | None) -> None:
        self._subshell_id = value
        dispatching.set_receives_while_busy(value is not None)

    # -- comm callbacks -------------------------------------------------------------------------
    def _on_open(self, comm: Any, msg: dict[str, Any]) -> None:
        with dispatching.dispatching():
            self._open(comm, msg)

    def _open(self, comm: Any, msg: dict[str, Any]) -> None:
        data = msg["content"].get("data")
        try:
            hello = check_browser_message(data, 0)
            if hello["op"] != "hello":
                raise ProtocolError("malformed", "the first message on a cellwire comm must be 'hello'")
            claimed = hello.get("kernel_id")
            if claimed and self.kernel_id and claimed != self.kernel_id:
                raise ProtocolError("wrong-kernel", f"page expected kernel {claimed}, this is kernel {self.kernel_id}")
        except ProtocolError as err:
            self._refuse(comm, err)
            return
        session = msg["header"].get("session", "").encode()
        # The direct route, unless this kernel cannot address the page's socket or the page asked
        # for iopub (its first hello's answer never arrived the direct way).
        direct = self._direct if self.direct_route and hello.get("route") != "iopub" else None
        if hello.get("purpose") == "runtime":
            runtime = {"op": "runtime", "version": __version__, **assets.runtime_payload()}
            # Bundles the output's view will import come along, so the page imports them while it connects.
            found = (assets.vendor_bundle_by_hash(h) for h in hello.get("preload") or () if isinstance(h, str))
            preload = [b for b in found if b is not None]
            runtime["vendor"] = [{k: b[k] for k in ("hash", "js", "css")} for b in preload]
            assets.times_sent.update(["runtime", *(b["name"] for b in preload)])
            if direct is not None:
                direct(session, comm.comm_id, runtime, ())
            else:
                comm.send(runtime)
            return
        conn = PageConnection(comm, hello, session, direct, lambda: self.max_upload_bytes)
        with self._lock:
            old = self.connections.pop(hello.get("replaces", ""), None)
            self.connections[conn.id] = conn
        if old is not None:  # its views' hooks run outside the lock, as every target hook does
            self._drop(old)
        comm.on_msg(lambda m, conn=conn: self._on_msg(conn, m))
        comm.on_close(lambda m, conn=conn: self._drop(conn))
        if self.subshell_id is not None:
            # ipykernel's routing hook: this comm's messages go to our subshell even if a page
            # sent one without the subshell_id header.
            comm._reply_subshell_for = lambda _data, _requested: self.subshell_id
        conn.send(
            {
                "op": "welcome",
                "protocol": PROTOCOL,
                "version": __version__,
                "kernel_id": self.kernel_id,
                "instance": identity.INSTANCE_ID,
                "route": conn.route,
                "subshell": self.subshell_id,
            }
        )

    def _on_msg(self, conn: PageConnection, msg: dict[str, Any]) -> None:
        self.handle(conn, msg["content"].get("data"), [memoryview(b) for b in msg.get("buffers") or ()])

    def handle(self, conn: PageConnection, data: Any, buffers: list[memoryview]) -> None:
        """One page message on ``conn``: checked, dispatched, any failure answered (never raised)."""
        with dispatching.dispatching():
            try:
                buffers = decode_text_buffers(data, buffers)
                self._dispatch(conn, check_browser_message(data, len(buffers)), buffers)
            except ProtocolError as err:
                self._report(conn, err.code, str(err), data)
            except Exception as err:  # a bug in a handler or user callback: report, keep serving
                # (under Voilà the page gets no error text, as for a failed call: rpc.show_tracebacks)
                shown = f"{type(err).__name__}: {err}"
                if not rpc.tracebacks_shown():
                    shown = (
                        f"a handler of this message failed ({type(err).__name__}); its error is in the kernel's log "
                        "(not sent to pages under Voilà: set cellwire.rpc.show_tracebacks = True to send it)"
                    )
                self._report(conn, "handler-error", shown, data, traceback=True)

    def _dispatch(self, conn: PageConnection, data: dict[str, Any], buffers: list[memoryview]) -> None:
        op = data["op"]
        if op in ("msg", "call", "reply") and "upload" in data:
            buffers = conn.uploads.complete(data["upload"])
        if op == "msg":
            view = self._view(conn, data["view"])
            view.target._on_message(view, data.get("data"), buffers)
        elif op == "call":
            rpc.on_call(self._view(conn, data["view"]), data, buffers)
        elif op == "reply":
            rpc.on_reply(conn, data, buffers)
        elif op == "chunk":
            conn.uploads.add_chunk(data["upload"], data["index"], buffers[0])
        elif op == "attach":
            self._attach(conn, data)
        elif op == "detach":
            with self._lock:
                gone = self.views.pop((conn.id, data["view"]), None)
                conn.view_ids.discard(data["view"])
            if gone is not None:
                self._detached(gone, "the output was removed from the page")
        elif op == "ping":
            conn.send({"op": "pong", "id": data["id"]})
        elif op == "release":
            conn.pinned.difference_update(data["outputs"])
            released = release(data["outputs"])
            logger.debug("page %s released %d of %d outputs", conn.page, released, len(data["outputs"]))
        elif op == "hello":
            raise ProtocolError("malformed", "'hello' is only valid as the comm_open message")

    # -- connections carried by something else (a host's widget comm: ``host_connection``) -------
    def add_connection(self, conn: PageConnection, comm: Any = None) -> None:
        """Serve ``conn`` like a page's comm; ``comm``, the kernel comm carrying it, then has its
        messages handled on cellwire's subshell (or by a waiting cell without one) as a page's are."""
        with self._lock:
            self.connections[conn.id] = conn
        if comm is not None and self.subshell_id is not None:
            comm._reply_subshell_for = lambda _data, _requested: self.subshell_id

    def drop(self, conn: PageConnection) -> None:
        """``conn`` is gone (its carrier closed): its views detach."""
        self._drop(conn)

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
            raise ProtocolError(
                "unknown-target",
                f"no live object {data['target']!r} in this kernel (it was "
                "closed, or every output showing it was cleared); run the cell again",
            )
        if view_id not in conn.view_ids and len(conn.view_ids) >= conn.max_views:
            raise too_many("this page's views (attached outputs)", len(conn.view_ids) + 1, conn.max_views)
        output = data.get("output")
        if output is not None and output not in conn.pinned and len(conn.pinned) >= conn.max_pins:
            raise too_many("this page's pinned outputs", len(conn.pinned) + 1, conn.max_pins)
        if output is not None:  # the page shows that output: it pins the target again if released
            pin(output, target)
            conn.pinned.add(output)
        view = View(conn, view_id, target)
        init, init_buffers = target._on_attach(view)
        module = target._module
        reply: dict[str, Any] = {"op": "attached", "view": view_id, "target": target.target_id, "init": init}
        if module is not None:
            reply["module"] = {"hash": module.hash}
            if module.hash not in conn.sent_modules:
                reply["module"]["source"] = module.source
                conn.sent_modules.add(module.hash)
        with self._lock:
            self.views[(conn.id, view_id)] = view
            conn.view_ids.add(view_id)
        target._add_view(view)
        conn.send(reply, to_buffers(init_buffers))

    def _view(self, conn: PageConnection, view_id: str) -> View:
        with self._lock:
            view = self.views.get((conn.id, view_id))
        if view is None:
            raise ProtocolError("unknown-view", f"view {view_id!r} is not attached on this page")
        return view

    # -- errors and cleanup ---------------------------------------------------------------------
    def _refuse(self, comm: Any, err: ProtocolError) -> None:
        """Answer a refused ``hello`` and forget its comm (nothing is sent: the page stops using it)."""
        message = clip(str(err))
        logger.warning("refused a page connection: %s (%s)", message, err.code)
        comm.send({"op": "error", "code": err.code, "message": message, "fatal": True})
        with contextlib.suppress(Exception):  # not registered (a test's fake comm manager)
            self.comm_manager.unregister_comm(comm)

    def _report(self, conn: PageConnection, code: str, message: str, data: Any, traceback: bool = False) -> None:
        ref = data.get("view") if isinstance(data, dict) else None
        message = clip(message)
        logger.warning("page %s: %s (%s)", conn.page, message, code, exc_info=traceback)
        reply = {"op": "error", "code": code, "message": message}
        if isinstance(ref, str) and len(ref) <= 100:
            reply["view"] = ref
        conn.report(reply)

    def _drop(self, conn: PageConnection) -> None:
        """The page closed its comm (or replaced it after a reconnect): release its views."""
        conn.close()
        with self._lock:
            self.connections.pop(conn.id, None)
            views = [self.views.pop(k) for k in [k for k in self.views if k[0] == conn.id]]
        for view in views:
            self._detached(view, "the page closed its connection")

    def _detached(self, view: View, reason: str) -> None:
        view.target._remove_view(view.connection.id, view.id)
        rpc.fail_calls([view], reason)
        view.target._on_detach(view)

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            conns = list(self.connections.values())
            counts = {conn.id: sum(1 for key in self.views if key[0] == conn.id) for conn in conns}
        return [
            {
                "page": conn.page,
                "route": conn.route,
                "socket": conn.transport.get("socket", "unknown"),
                "server": conn.transport.get("server", "unknown"),
                "framing": conn.transport.get("framing", "unknown"),
                "views": counts[conn.id],
            }
            for conn in conns
        ]


_link: KernelLink | None = None


def connections() -> list[dict[str, Any]]:
    """The pages connected to this kernel now, each with the path its messages take: ``route``
    (``direct`` to that page alone, or the ``iopub`` broadcast), ``socket`` (in a ``worker`` or
    on the ``main`` thread), ``server`` (``accelerated`` by cellwire's server extension, or
    ``stock``), ``framing`` (``v1``, or ``legacy`` where the server does not answer the v1
    subprotocol, e.g. behind a kernel gateway) and ``views`` (outputs it shows). For finding out why widgets are slow or missing."""
    link = get_link()
    return link.describe() if link is not None else []


def get_link() -> KernelLink | None:
    """The installed link, installing it on first use inside an ipykernel; None elsewhere."""
    global _link
    if _link is None:
        kernel = _current_kernel()
        if kernel is None:
            return None
        import comm

        # ipykernel >= 6.18 routes comms through the `comm` package; before, the kernel has its own.
        link = KernelLink(kernel, getattr(kernel, "comm_manager", None) or comm.get_comm_manager())
        link.install()
        _link = link
    return _link


def _ipykernel_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ipykernel")
    except PackageNotFoundError:
        return "unknown"


def _current_kernel() -> Any:
    try:
        from ipykernel.kernelbase import Kernel

        return Kernel.instance() if Kernel.initialized() else None
    except Exception:
        return None
