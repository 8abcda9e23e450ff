"""Widget comms that reach cellwire pages as well as Jupyter front-ends.

ipywidgets asks ``comm.create_comm`` for a comm at every ``Widget.open()``. While the bridge is on,
that returns a ``BridgedComm`` for target ``jupyter.widget``: it publishes on iopub as ipykernel's
comm does (so JupyterLab with its widget manager, VS Code, Colab and Voilà render as today), and
the hub also carries each message to the cellwire pages that show widgets.

State updates are paced per widget (``scheduler.Pacer``): a burst of
changes sends a few merged updates (``coalesce``), the last value of each key always, on iopub and
to pages alike; any other message of the widget (``echo_update``, ``custom``, ``comm_close``) sends
what is pending first, so the order of its messages holds. Nothing goes on iopub where no host
manager can be listening (``_on_iopub``, docs/architecture.md).

A front-end without a widget manager refuses the iopub comm_open with comm_close (JupyterLab
without jupyterlab_widgets does): that stops the iopub copy of all the comm's messages. The widget
stays open for cellwire's pages, whose own close never reaches ipykernel.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import comm as comm_package

try:  # ipykernel >= 6.18: the comm package's plain comm, the one ipykernel itself creates
    from ipykernel.comm.comm import BaseComm as KernelComm
except ImportError:  # (older: only its traitlets Comm)
    from ipykernel.comm import Comm as KernelComm

from ..log import logger
from ..scheduler import FLUSH_INTERVAL, GLOBAL_INTERVAL, Pacer
from .coalesce import PendingUpdate, mergeable
from .display import host_has_manager

if TYPE_CHECKING:
    from .hub import WidgetHub

WIDGET_TARGET = "jupyter.widget"
CONTROL_TARGET = "jupyter.widget.control"

_pending_lock = threading.Lock()
#: Comms holding an update not sent yet (``flush_pending``).
_pending: set[BridgedComm] = set()


def flush_pending() -> None:
    """Send every widget's pending update now: before a widget closes (a container's update that
    drops it goes first), and before a page message's ``idle`` answer (what its handling changed
    arrives with it). Call it holding no comm's lock."""
    with _pending_lock:
        comms = list(_pending)
    for c in comms:
        with c._sync_lock:
            c._flush_update()


class BridgedComm(KernelComm):
    """A ``jupyter.widget`` comm published on iopub and carried to cellwire's pages. Built on the
    comm ipykernel creates itself, not on its deprecated traitlets ``Comm``: that one's two
    ``Configurable`` inits cost more than the rest of a widget's ``open`` (1,000 sliders: ~1 s)."""

    #: The hub, while the bridge is on; a class attribute because the base class's constructor
    #: already publishes ``comm_open``.
    bridge: WidgetHub | None = None
    #: A front-end refused this comm on iopub (it has no widget manager): stop publishing it there.
    iopub_refused = False
    #: Its ``comm_open`` went on iopub (``_on_iopub``).
    iopub_offered = True
    #: Some front-end of this kernel refused a widget comm: it has no widget manager (``WidgetHub.host_may_listen``).
    refusal_seen = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if KernelComm.__name__ == "Comm":  # (the traitlets one warns that it is deprecated)
            kwargs.setdefault("show_warning", False)
        else:  # ipywidgets sends changes only through a comm with a kernel; the plain comm sets
            # it when it first publishes on iopub, which a widget only cellwire shows never does
            from ipykernel.kernelbase import Kernel

            if Kernel.initialized():
                self.kernel = Kernel.instance()
        self._sync_lock = threading.RLock()  # held while a message is sent: they leave in order
        self._pending_update: PendingUpdate | None = None
        self._pacer = Pacer(
            self._flush_update,
            self._sync_lock,
            lambda: self._pending_update is not None,
            FLUSH_INTERVAL,
            GLOBAL_INTERVAL,
        )
        super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]

    def publish_msg(
        self, msg_type: str, data: Any = None, metadata: Any = None, buffers: Any = None, **keys: Any
    ) -> None:
        if msg_type == "comm_close":
            flush_pending()
        with self._sync_lock:
            if msg_type == "comm_msg" and not metadata and not keys and mergeable(data, buffers):
                if self._pending_update is not None and self._pending_update.resets(data):
                    self._flush_update()  # (an event trait's message and its None both go)
                if self._pending_update is None:
                    self._pending_update = PendingUpdate()
                    with _pending_lock:
                        _pending.add(self)
                self._pending_update.add(data, buffers)
                self._pacer.request()
                return
            self._flush_update()  # what is pending goes first
            self._deliver(msg_type, data, metadata, buffers, keys)

    def _flush_update(self) -> None:
        """Send the pending update, if any (holding ``_sync_lock``)."""
        update, self._pending_update = self._pending_update, None
        if update is None:
            return
        with _pending_lock:
            _pending.discard(self)
        self._pacer.flushed()
        data, buffers = update.message()
        self._deliver("comm_msg", data, None, buffers, {}, update=True)

    def _deliver(
        self, msg_type: str, data: Any, metadata: Any, buffers: Any, keys: dict[str, Any], update: bool = False
    ) -> None:
        bridge = type(self).bridge
        if self._on_iopub(msg_type, update):
            # (ipykernel < 6.18: its Comm predates the comm package and names it _publish_msg)
            publish = getattr(super(), "publish_msg", None) or super()._publish_msg  # type: ignore[misc]
            publish(msg_type, data=data, metadata=metadata, buffers=buffers, **keys)
        if bridge is not None:
            bridge.forward(self, msg_type, data, metadata, buffers, keys)

    def _on_iopub(self, msg_type: str, update: bool) -> bool:
        """Does this message go on iopub too? Only where a host's widget manager may read it
        (``WidgetHub.host_may_listen``): a widget opened while none can is not offered there at
        all (no refusal, no console error per widget in JupyterLab), until a manager connects; it
        restores every widget through ipywidgets' control comm, so it knows this one's id."""
        bridge = type(self).bridge
        if self.iopub_refused:
            return False
        if msg_type == "comm_open":
            self.iopub_offered = bridge is None or bridge.host_may_listen()
            return self.iopub_offered
        if not self.iopub_offered:
            return host_has_manager()
        return not update or bridge is None or bridge.host_may_listen()

    def _publish_msg(
        self, msg_type: str, data: Any = None, metadata: Any = None, buffers: Any = None, **keys: Any
    ) -> None:
        """What open, send and close call in ipykernel < 6.18."""
        self.publish_msg(msg_type, data, metadata, buffers, **keys)

    def handle_close(self, msg: dict[str, Any]) -> None:
        """A Jupyter front-end closed this comm. Without a widget manager it refuses every kernel
        comm this way: keep the widget alive for cellwire's pages, stop its iopub copy."""
        self.iopub_refused = True
        BridgedComm.refusal_seen = True
        self._closed = False
        try:
            # (before 6.18 the kernel's own comm manager, not the comm package's)
            manager = getattr(getattr(self, "kernel", None), "comm_manager", None) or comm_package.get_comm_manager()
            manager.register_comm(self)  # its messages still arrive
        except Exception:
            logger.debug("could not re-register refused comm %s", self.comm_id, exc_info=True)
        logger.debug("a front-end refused widget comm %s on iopub; it stays live for cellwire pages", self.comm_id)


class PageComm(comm_package.base_comm.BaseComm):
    """A comm a cellwire page opened through the tunnel (e.g. to a library's own comm target);
    its messages go back to that page only."""

    def __init__(self, send: Callable[[str, Any, Any, Any], None], **kwargs: Any) -> None:
        self._send_to_page = send
        super().__init__(primary=False, **kwargs)

    def publish_msg(
        self, msg_type: str, data: Any = None, metadata: Any = None, buffers: Any = None, **keys: Any
    ) -> None:
        self._send_to_page(msg_type, data, metadata, buffers)


_original_create_comm: Callable[..., Any] | None = None


def install_hook(hub: WidgetHub) -> None:
    """Replace ``comm.create_comm`` (idempotent); widget comms created from now on are bridged."""
    global _original_create_comm, _shim_original
    BridgedComm.bridge = hub
    if _original_create_comm is not None:
        return
    _original_create_comm = comm_package.create_comm
    comm_package.create_comm = _bridging(comm_package.create_comm)
    shim = _ipywidgets_shim()
    if shim is not None:
        _shim_original = shim.create_comm
        shim.create_comm = _bridging(shim.create_comm)


def _bridging(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_comm(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("target_name") == WIDGET_TARGET and BridgedComm.bridge is not None:
            from . import capture

            capture.install()  # ipywidgets is imported by now
            return BridgedComm(*args, **kwargs)
        return original(*args, **kwargs)

    create_comm.__doc__ = "cellwire's bridge: widget comms also reach cellwire pages (see cellwire.bridge)."
    return create_comm


#: ipywidgets' own ``create_comm`` while the hook replaces it (ipykernel < 6.18 only).
_shim_original: Callable[..., Any] | None = None


def _ipywidgets_shim() -> Any:
    """ipywidgets' ``comm`` module when it bypasses the comm package: with ipykernel < 6.18 its
    ``create_comm`` makes ipykernel's own Comm, so the hook must replace that one too."""
    import importlib.util

    from ipykernel import version_info  # type: ignore[attr-defined]

    if version_info >= (6, 18) or importlib.util.find_spec("ipywidgets") is None:
        return None
    import ipywidgets.comm

    return ipywidgets.comm


def uninstall_hook() -> None:
    """Put ipykernel's ``create_comm`` back; widgets already open publish on iopub only."""
    global _original_create_comm, _shim_original
    if _original_create_comm is not None:
        comm_package.create_comm = _original_create_comm
        _original_create_comm = None
    if _shim_original is not None:
        _ipywidgets_shim().create_comm = _shim_original
        _shim_original = None
    BridgedComm.bridge = None
