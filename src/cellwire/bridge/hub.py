"""The kernel end of the ipywidgets tunnel: one hub per kernel process, between the bridged widget
comms and the cellwire pages that show ipywidgets (docs/protocol.md, "The ipywidgets bridge").

Each displayed widget is a ``WidgetDisplay`` target (``display``); its views are the hub's way to
each page. A page's manager is per (page, kernel), so the hub sends each comm message once per
page, through one of that page's ready views (the *carrier*: the oldest view that subscribed), and
reads page messages from any of them. Protocol 2.1.0 obligations kept here: the page's ``msg_id``
rides on every message its handling sends (``parent``: ``echo_update`` carries it) and each handled
message is answered with ``idle`` (the manager counts pending messages until then).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ipykernel.jsonutil import json_clean

from ..host_widget import for_hosts_only
from ..log import logger
from ..transport import assets
from ..transport.protocol import ProtocolError, clip, too_many
from . import frontends, page_writes
from .comms import CONTROL_TARGET, WIDGET_TARGET, BridgedComm, PageComm, flush_pending
from .display import host_has_manager, watch_after_close

if TYPE_CHECKING:
    from ..target import View


#: How many closed widgets the hub remembers, and unknown ones per page it has answered for.
MAX_REMEMBERED = 1000


def _str(data: dict[str, Any], key: str, op: str) -> str:
    value = data.get(key)
    # (printable ASCII: a comm's id becomes its ASCII-encoded topic)
    if not isinstance(value, str) or not value or len(value) > 200 or not (value.isascii() and value.isprintable()):
        raise ProtocolError("malformed", f"ipywidgets bridge: {op!r} needs a string {key!r} of printable ASCII")
    return value


def open_widgets() -> dict[str, Any]:
    """The open widgets by model id, read from their comms once (ipywidgets'
    ``Widget.get_manager_state`` fails whole if one closes meanwhile, on another thread)."""
    from ipywidgets.widgets.widget import _instances

    widgets: dict[str, Any] = {}
    for widget in list(_instances.values()):
        comm = widget.comm
        if comm is not None:
            widgets[comm.comm_id] = widget
    return widgets


_told_unreadable: set[str] = set()


def _unreadable(model_id: str, widget: Any, err: Exception) -> None:
    """One widget whose state cannot be read is left out of an answer, not the answer lost (every
    other widget of the page then stayed blank); the kernel log says so once per widget."""
    if model_id in _told_unreadable or len(_told_unreadable) >= MAX_REMEMBERED:
        return
    _told_unreadable.add(model_id)
    closed_child = isinstance(err, AttributeError) and "comm_id" in str(err)
    hint = " (a widget it holds was closed: take it out first)" if closed_child else ""
    logger.warning(
        "ipywidgets bridge: %s %s is not shown: its state cannot be read%s: %s: %s",
        type(widget).__name__,
        model_id,
        hint,
        type(err).__name__,
        err,
    )


def widget_states() -> tuple[dict[str, Any], list[list[Any]], list[bytes]]:
    """Every open widget's full state as the control comm's ``update_states`` carries it: states,
    buffer paths (``[model_id, *path]``) and the buffers."""
    states: dict[str, Any] = {}
    paths: list[list[Any]] = []
    buffers: list[bytes] = []
    for model_id, widget in open_widgets().items():
        try:
            entry = widget._get_embed_state(drop_defaults=False)
        except Exception as err:  # (a Box holding a closed child cannot name it: ipywidgets raises)
            _unreadable(model_id, widget, err)
            continue
        state = entry["state"]
        if for_hosts_only(model_id, entry):  # (cellwire's pages show its target themselves)
            continue
        for buf in entry.get("buffers") or ():
            paths.append([model_id, "state", *buf["path"]])
            buffers.append(base64.standard_b64decode(buf["data"]))
        states[model_id] = {
            "model_name": entry["model_name"],
            "model_module": entry["model_module"],
            "model_module_version": entry["model_module_version"],
            "state": state,
        }
    return states, paths, buffers


class _Answer:
    """What the handling of one page message sends back to that page: held one message at a time,
    so the last one carries ``idle`` (one frame, not two: on a server without TCP_NODELAY a second
    small frame right after the first waits ~40 ms for an ACK). A held message goes out on its own
    after ``HOLD_SECONDS``, so a long callback's progress still shows. While it is being built,
    everything for that page goes through it, from any thread (a cell's loop, a deferred flush),
    so nothing overtakes what it holds; sends happen under its lock, in order."""

    HOLD_SECONDS = 0.02

    def __init__(self, conn_id: str, msg_id: str):
        self.conn_id = conn_id
        self.msg_id = msg_id
        self._held: tuple[Any, dict[str, Any], Sequence[Any]] | None = None
        self._timer: threading.Timer | None = None
        self._finished = False
        self._lock = threading.Lock()

    def send(self, view: Any, message: dict[str, Any], buffers: Sequence[Any]) -> None:
        with self._lock:
            if self._finished:  # (a thread that found this answer just before it ended)
                view.send(message, buffers)
                return
            previous, self._held = self._held, (view, message, buffers)
            if previous is not None:
                previous[0].send(previous[1], previous[2])
            if self._timer is None:
                self._timer = threading.Timer(self.HOLD_SECONDS, self._flush)
                self._timer.daemon = True
                self._timer.start()

    def _flush(self) -> None:
        with self._lock:
            held, self._held, self._timer = self._held, None, None
            if held is not None:
                held[0].send(held[1], held[2])

    def finish(self, view: Any) -> None:
        with self._lock:
            self._finished = True
            held, self._held = self._held, None
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if held is not None:
                held[0].send({**held[1], "idle": self.msg_id}, held[2])
            else:
                view.send({"op": "idle", "parent": self.msg_id})


class WidgetHub:
    #: Comms one page may have open through the tunnel at once (its manager opens one control
    #: comm; a library's front-end may open a few): each is kept until the page's last widget
    #: view goes, so a page sending comm_open in a loop would otherwise grow the kernel for good.
    max_page_comms = 1000

    def __init__(self, comm_manager: Any):
        self.comm_manager = comm_manager
        self._lock = threading.RLock()
        self._views: dict[str, list[View]] = {}  # connection id -> widget views on that page
        self._ready: dict[str, list[View]] = {}  # connection id -> views that subscribed, oldest first
        self._page_comms: dict[str, dict[str, PageComm]] = {}  # connection id -> comm id -> comm it opened
        self._answers: dict[str, _Answer] = {}  # connection id -> the answer being built for it
        self._closed: dict[str, None] = {}  # widgets closed in the kernel (the latest, in order)
        self._refused: dict[str, set[str]] = {}  # connection id -> unknown widgets it was told of
        self._local = threading.local()

    @property
    def bundles_sent(self) -> int:
        """How many times a page was sent the manager's code (with the runtime, or asked for it
        later); a browser that has it cached is sent nothing."""
        return assets.times_sent[frontends.VENDORED]

    # -- views ----------------------------------------------------------------------------------
    def add_view(self, view: View) -> None:
        with self._lock:
            self._views.setdefault(view.connection.id, []).append(view)

    def remove_view(self, view: View) -> None:
        conn_id = view.connection.id
        with self._lock:
            for table in (self._views, self._ready):
                views = table.get(conn_id, [])
                if view in views:
                    views.remove(view)
                if not views:
                    table.pop(conn_id, None)
            gone = conn_id not in self._views
            if gone:
                self._refused.pop(conn_id, None)
            comms = list(self._page_comms.pop(conn_id, {}).values()) if gone else []
        for c in comms:  # the page's own comms end with its last widget view
            try:
                c.handle_close({"content": {"comm_id": c.comm_id, "data": {}}})
            except Exception:
                logger.exception("closing page comm %s failed", c.comm_id)

    def pages(self) -> int:
        with self._lock:
            return len(self._ready)

    def host_may_listen(self) -> bool:
        """May a Jupyter front-end's own widget manager be reading widget updates on iopub? Yes
        once one opened ipywidgets' control comm through ipykernel (JupyterLab or Notebook 7 with
        jupyterlab_widgets, Voilà, VS Code), and whenever no cellwire page shows bridged widgets:
        a host with a manager (Colab may open no control comm) renders the widget-view mimetype
        itself, so cellwire's loader never runs there. A page that subscribed proves that its host
        has no manager; while one is subscribed and no manager has shown itself, an update's iopub
        copy would only reach front-ends that drop it (docs/architecture.md). So does a refusal:
        once a front-end refused a widget comm, the next ones are not offered even while no page
        is subscribed (all outputs cleared), else it refuses each of them again, on shell, after
        the cell (300 sliders: 4.6 s more, and the next cell waited 6 s, in JupyterLab 4.6)."""
        return host_has_manager() or not (self.pages() or BridgedComm.refusal_seen)

    # -- kernel -> pages ------------------------------------------------------------------------
    def forward(self, comm: Any, msg_type: str, data: Any, metadata: Any, buffers: Any, keys: dict[str, Any]) -> None:
        """A bridged comm's message: to every subscribed page, once each."""
        if for_hosts_only(comm.comm_id, data):  # (cellwire's pages show its target themselves)
            return
        if msg_type == "comm_close":
            self._widget_closed(comm.comm_id)
        with self._lock:
            carriers = [views[0] for views in self._ready.values() if views]
        if not carriers:
            return
        message = self._message(msg_type, comm.comm_id, data, metadata)
        if msg_type == "comm_open":
            message["target_name"] = keys.get("target_name") or comm.target_name
        for view in carriers:
            self._send(view, message, buffers or ())

    def _widget_closed(self, comm_id: str) -> None:
        """Remember a widget closed in the kernel (a page's later messages for it are answered
        for what they are), and have its displays say it if the kernel still changes it."""
        with self._lock:
            self._closed[comm_id] = None
            while len(self._closed) > MAX_REMEMBERED:
                del self._closed[next(iter(self._closed))]
        watch_after_close(comm_id)

    def _send(self, view: View, message: dict[str, Any], buffers: Sequence[Any]) -> None:
        """Send to a page: through the answer being built for it, if any."""
        answer = self._answers.get(view.connection.id)
        if answer is not None:
            answer.send(view, message, buffers)
        else:
            view.send(message, buffers)

    def _message(self, msg_type: str, comm_id: str, data: Any, metadata: Any) -> dict[str, Any]:
        message: dict[str, Any] = {"op": msg_type, "comm_id": comm_id, "data": json_clean(data or {})}
        if metadata:
            message["metadata"] = json_clean(metadata)
        parent = getattr(self._local, "parent", None)
        if parent:
            message["parent"] = parent
        return message

    # -- pages -> kernel ------------------------------------------------------------------------
    def on_page_message(self, view: View, data: Any, buffers: list[memoryview]) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("op"), str):
            raise ProtocolError("malformed", "ipywidgets bridge: a message must be an object with an 'op'")
        op = data["op"]
        request = data.get("id")
        try:
            if op == "comm_msg":
                self._comm_msg(view, data, buffers)
            elif op == "comm_open":
                self._comm_open(view, data, buffers)
            elif op == "comm_close":
                self._comm_close(view, data)
            elif op == "subscribe":
                with self._lock:
                    ready = self._ready.setdefault(view.connection.id, [])
                    if view not in ready:
                        ready.append(view)
                # states: every widget's state comes with the answer (one round trip instead of
                # the control comm's three).
                if data.get("states"):
                    states, paths, bufs = widget_states()
                    self._reply(view, request, {"states": states, "buffer_paths": paths}, bufs)
                else:
                    self._reply(view, request, {})
            elif op == "states":
                states, paths, bufs = widget_states()
                self._reply(view, request, {"states": states, "buffer_paths": paths}, bufs)
            elif op == "bundle":
                bundle = frontends.vendored_bundle()
                assets.times_sent[frontends.VENDORED] += 1
                self._reply(view, request, {"hash": bundle["hash"], "js": bundle["js"], "css": bundle["css"]})
            elif op == "module" and data.get("configs") is True:
                self._reply(view, request, {"configs": frontends.nbextension_configs()})
            elif op == "module":
                name = _str(data, "name", op)
                file = _str(data, "file", op) if "file" in data else None
                try:
                    body, module_buffers = frontends.module_reply(name, file, data.get("nbextension") is True)
                    self._reply(view, request, body, module_buffers)
                except (frontends.NoFrontEnd, OSError, UnicodeDecodeError) as err:
                    logger.warning("ipywidgets bridge: %s", err)
                    self._reply(view, request, {"name": name, "error": str(err)})
            elif op == "report":
                message = data.get("message")
                if not isinstance(message, str):
                    raise ProtocolError("malformed", "ipywidgets bridge: 'report' needs a string 'message'")
                logger.warning("ipywidgets bridge: page %s: %s", view.connection.page, clip(message, 1000))
            elif op == "comm_info":
                comms = {
                    model_id: {"target_name": WIDGET_TARGET}
                    for model_id in open_widgets()
                    if not for_hosts_only(model_id)
                }
                self._reply(view, request, {"comms": comms})
            else:
                raise ProtocolError("unknown-op", f"ipywidgets bridge: unknown op {clip(repr(op), 60)}")
        except ProtocolError as err:
            if request is not None:
                self._reply(view, request, {"error": str(err)})
            raise

    def _reply(self, view: View, request: Any, body: dict[str, Any], buffers: Sequence[Any] = ()) -> None:
        if request is None:
            return
        view.send({"op": "reply", "id": request, **body}, buffers)

    def _start_answer(self, view: View, msg_id: Any) -> None:
        answer = _Answer(view.connection.id, msg_id) if isinstance(msg_id, str) else None
        self._local.answer = answer
        if answer is not None:
            with self._lock:
                self._answers[answer.conn_id] = answer

    def _idle(self, view: View, msg_id: Any) -> None:
        """The page message is handled: what its handling changed goes out (pending widget
        updates, paced or not), then what is held with ``idle`` (or ``idle`` alone)."""
        answer = getattr(self._local, "answer", None)
        self._local.answer = None
        if answer is None:
            return
        conn_id = answer.conn_id
        try:
            flush_pending()
        finally:
            answer.finish(view)
            with self._lock:
                if self._answers.get(conn_id) is answer:
                    del self._answers[conn_id]

    def _as_msg(self, view: View, data: dict[str, Any], buffers: list[memoryview], msg_type: str) -> dict[str, Any]:
        content = {"comm_id": data["comm_id"], "data": data.get("data") or {}}
        if "target_name" in data:
            content["target_name"] = data["target_name"]
        return {
            "header": {
                "msg_id": data.get("msg_id") or "",
                "msg_type": msg_type,
                "session": view.connection.page,
                "username": "",
            },
            "parent_header": {},
            "metadata": data.get("metadata") or {},
            "content": content,
            "buffers": list(buffers),
        }

    def _find_comm(self, view: View, comm_id: str) -> Any:
        with self._lock:
            page_comm = self._page_comms.get(view.connection.id, {}).get(comm_id)
        if page_comm is not None:
            return page_comm
        comms = getattr(self.comm_manager, "comms", {})
        return comms.get(comm_id)

    def _comm_msg(self, view: View, data: dict[str, Any], buffers: list[memoryview]) -> None:
        comm_id = _str(data, "comm_id", "comm_msg")
        msg_id = data.get("msg_id")
        self._start_answer(view, msg_id)
        try:
            comm = self._find_comm(view, comm_id)
            if comm is None:
                self._refuse_unknown(view, comm_id)
                return
            widget = page_writes.widget_of(comm_id)
            try:
                page_writes.check_message(widget, data.get("data"), len(buffers))
            except ProtocolError as err:
                if err.code == "bad-value":  # the page's model waits for this key's echo: send the kernel's
                    self._handle(lambda _: page_writes.echo_kernel_values(widget, data["data"]["state"]), msg_id, {})
                raise
            self._handle(comm.handle_msg, msg_id, self._as_msg(view, data, buffers, "comm_msg"))
        finally:
            self._idle(view, msg_id)

    def _refuse_unknown(self, view: View, comm_id: str) -> None:
        """Refuse a page's message for a widget this kernel does not have: said once per page and
        widget (a page may send a burst for a widget just closed), later ones are only dropped."""
        with self._lock:
            refused = self._refused.setdefault(view.connection.id, set())
            if comm_id in refused:
                logger.debug("page %s: another message for widget %s dropped", view.connection.page, comm_id)
                return
            if len(refused) < MAX_REMEMBERED:
                refused.add(comm_id)
            closed = comm_id in self._closed
        why = (
            ": it was closed (widget.close()), so what this page sends for it goes nowhere; "
            "run the cell again to show a new one"
            if closed
            else " (it was closed, or the kernel restarted): run the cell again"
        )
        raise ProtocolError("unknown-model", f"no widget {comm_id} in this kernel{why}")

    def _handle(self, handler: Any, msg_id: Any, msg: dict[str, Any]) -> None:
        """Run a comm handler with the page's msg_id as the parent of what it sends."""
        outer = getattr(self._local, "parent", None)
        self._local.parent = msg_id if isinstance(msg_id, str) else None
        try:
            handler(msg)
        finally:
            self._local.parent = outer

    def _comm_open(self, view: View, data: dict[str, Any], buffers: list[memoryview]) -> None:
        comm_id = _str(data, "comm_id", "comm_open")
        target = _str(data, "target_name", "comm_open")
        msg_id = data.get("msg_id")
        conn_id = view.connection.id
        self._start_answer(view, msg_id)
        try:
            with self._lock:
                opened = self._page_comms.get(conn_id, {})
                if comm_id not in opened and len(opened) >= self.max_page_comms:
                    raise too_many(
                        "this page's comms (opened through the bridge)", len(opened) + 1, self.max_page_comms
                    )

            def send(msg_type: str, d: Any, metadata: Any, bufs: Any, view: View = view) -> None:
                self._send(view, self._message(msg_type, comm_id, d, metadata), bufs or ())

            page_comm = PageComm(send, comm_id=comm_id, target_name=target)
            if target == CONTROL_TARGET:
                # Answered here, not by ipywidgets' class-wide control comm: that one would answer
                # whichever front-end opened a control comm last (JupyterLab's manager, another page).
                control_comm = page_comm

                def on_control(msg: dict[str, Any]) -> None:
                    self._control(control_comm, msg)

                page_comm.on_msg(on_control)
            else:
                handler = self.comm_manager.targets.get(target)
                if handler is None or target == WIDGET_TARGET:
                    # (not "unknown-target": to the page, that means the output's own object is gone)
                    raise ProtocolError("unknown-comm-target", f"no comm target {target!r} for pages in this kernel")
                self._handle(
                    lambda msg: handler(page_comm, msg), msg_id, self._as_msg(view, data, buffers, "comm_open")
                )
            with self._lock:
                self._page_comms.setdefault(conn_id, {})[comm_id] = page_comm
        finally:
            self._idle(view, msg_id)

    def _control(self, page_comm: PageComm, msg: dict[str, Any]) -> None:
        method = (msg["content"].get("data") or {}).get("method")
        if method != "request_states":
            raise ProtocolError("malformed", f"unknown widget control method {clip(repr(method), 60)}")
        states, paths, buffers = widget_states()
        page_comm.send({"method": "update_states", "states": states, "buffer_paths": paths}, buffers=buffers)

    def _comm_close(self, view: View, data: dict[str, Any]) -> None:
        comm_id = _str(data, "comm_id", "comm_close")
        self._start_answer(view, data.get("msg_id"))
        try:
            with self._lock:
                page_comm = self._page_comms.get(view.connection.id, {}).pop(comm_id, None)
            if page_comm is not None:
                page_comm.handle_close(self._as_msg(view, data, [], "comm_close"))
            else:
                # A page closing a widget's comm (its model was closed there) must not close the
                # widget for the kernel and every other page.
                logger.debug("page %s closed widget comm %s; kept open", view.connection.page, comm_id)
        finally:
            self._idle(view, data.get("msg_id"))
