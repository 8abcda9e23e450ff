"""cellwire objects rendered by a host's own widget manager (JupyterLab with jupyterlab_widgets,
VS Code, Colab), talking through the host's comm instead of cellwire's socket.

Such a host ranks the widget-view mimetype above ``text/html``, so a display that carries both is
drawn by the host's manager there, and by cellwire's loader (its fast path, its own socket)
everywhere else. ``host_view(target)`` gives a target that widget-view entry: a ``HostWidget``, an
anywidget model (anywidget's front-end module names, ``_esm``) whose ES module,
``static/host-view.js``, runs the target's own module with the same ``channel`` a cellwire page
hands it, over ``model.send`` and ``msg:custom`` (``transport.host_connection``). The kernel routes
the widget's comm to cellwire's subshell like a page's, so callbacks and ``wait_message`` /
``wait_for`` work while a cell runs (with ipykernel 6, a waiting cell handles them itself).

Where no host manager exists (JupyterLab without the extension) nothing goes slower: the widget's
``comm_open`` is published once and refused, and nothing else is sent over it, since no view of
it ever attaches. By default the entry is added only where cellwire's socket cannot exist (VS
Code's local kernels, Colab: ``enabled``); ``CELLWIRE_HOST_WIDGETS=1`` adds it everywhere, ``0``
nowhere.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import weakref
from typing import TYPE_CHECKING, Any

import traitlets

from .log import logger
from .transport import assets, identity
from .transport.host_connection import HostConnection
from .transport.kernel_link import KernelLink, get_link

if TYPE_CHECKING:
    from .target import Target

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ENV_VAR = "CELLWIRE_HOST_WIDGETS"
#: The host view's module, and the runtime module it reuses (with its imports) for the ``channel``.
VIEW_MODULE = "host-view.js"
REUSED_MODULE = "view.js"
#: The host widget's ``_anywidget_id`` (anywidget's: the class's qualified name).
HOST_WIDGET_ID = f"{__name__}.HostWidget"

#: The host widgets' model ids (their comms' ids).
_model_ids: set[str] = set()
#: Each target's host widget, and the finalizer that closes it with the target (or at ``close_for``).
_widgets: weakref.WeakKeyDictionary[Target, tuple[Any, weakref.finalize[Any, Any]]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


#: Kernel environment variables that say the kernel was started by VS Code (its extension host's).
_VSCODE_VARS = ("VSCODE_PID", "VSCODE_CWD", "VSCODE_IPC_HOOK_CLI")


def enabled() -> bool:
    """Add the widget-view entry? ``CELLWIRE_HOST_WIDGETS=1`` always, ``0`` never; by default only
    in a host where cellwire's socket cannot exist (VS Code's local kernels, Colab). Elsewhere a
    host with a widget manager (JupyterLab with jupyterlab_widgets, Voilà) would rank the entry
    above the loader, and fail to draw it where its server environment lacks anywidget's front-end
    (a split environment, cellwire's main case); the loader path works there."""
    setting = os.environ.get(ENV_VAR, "auto").strip().lower()
    if setting in ("0", "false", "no", "off"):
        return False
    if setting in ("1", "true", "yes", "on"):
        return True
    return "google.colab" in sys.modules or any(name in os.environ for name in _VSCODE_VARS)


@functools.cache
def _esm() -> str:
    return assets.read_static(VIEW_MODULE)


def for_hosts_only(model_id: str, data: Any = None) -> bool:
    """Is ``model_id`` a host widget's (``data``: its comm's open message or state entry, which
    name its class before the id is known)? The ipywidgets bridge keeps those from cellwire's
    pages, which show the target itself."""
    if model_id in _model_ids:
        return True
    state = data.get("state") if isinstance(data, dict) else None
    return isinstance(state, dict) and state.get("_anywidget_id") == HOST_WIDGET_ID


def _anywidget_version() -> str:
    """The front-end version range anywidget's own models name: that of the anywidget installed
    here (the same install put its front-end where VS Code and JupyterLab load it), else any."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        major, minor, *_ = version("anywidget").split(".")
    except (PackageNotFoundError, ValueError):
        return "*"
    return f"~{major}.{minor}.*"


@functools.cache
def _widget_class() -> Any:
    """``HostWidget``, made on first use: ``import cellwire`` imports no ipywidgets. A plain
    ``Widget`` with anywidget's front-end names, not a ``DOMWidget``: no ``layout`` widget, so one
    comm per target (anywidget's view takes the missing layout as none)."""
    import ipywidgets

    version = _anywidget_version()

    class HostWidget(ipywidgets.Widget):  # type: ignore[misc]
        """The standard widget model showing one cellwire target in a host's manager. ``_cellwire``
        tells its view what to attach to and brings the modules it runs (the host has no cellwire)."""

        _model_name = traitlets.Unicode("AnyModel").tag(sync=True)
        _model_module = traitlets.Unicode("anywidget").tag(sync=True)
        _model_module_version = traitlets.Unicode(version).tag(sync=True)
        _view_name = traitlets.Unicode("AnyView").tag(sync=True)
        _view_module = traitlets.Unicode("anywidget").tag(sync=True)
        _view_module_version = traitlets.Unicode(version).tag(sync=True)
        _esm = traitlets.Unicode(_esm()).tag(sync=True)
        _anywidget_id = traitlets.Unicode(HOST_WIDGET_ID).tag(sync=True)
        _cellwire = traitlets.Dict().tag(sync=True)

    colab = sys.modules.get("google.colab.output")
    if colab is not None:  # Colab draws third-party widgets only with its custom manager on
        colab.enable_custom_widget_manager()
    return HostWidget


def host_view(target: Target) -> dict[str, Any] | None:
    """The widget-view mimebundle entry showing ``target`` in a host's widget manager (its widget
    made on first use); None outside a kernel, or turned off."""
    if not enabled():
        return None
    link = get_link()
    if link is None:
        return None
    with _lock:
        entry = _widgets.get(target)
        if entry is None:
            entry = _widgets[target] = _open(target, link)
    widget = entry[0]
    return {"model_id": widget.model_id, "version_major": 2, "version_minor": 1}


def _open(target: Target, link: KernelLink) -> tuple[Any, weakref.finalize[Any, Any]]:
    module = target._module
    state = {
        "target": target.target_id,
        "instance": identity.INSTANCE_ID,
        "module": {"hash": module.hash, "source": module.source} if module is not None else None,
        "runtime": assets.module_closure(REUSED_MODULE),
    }
    widget = _widget_class()(_cellwire=state)
    _model_ids.add(widget.model_id)
    conn = HostConnection(widget.model_id, widget.send, [module.hash] if module else [], lambda: link.max_upload_bytes)
    widget.on_msg(lambda _widget, content, buffers: link.handle(conn, content, [memoryview(b) for b in buffers]))
    link.add_connection(conn, widget.comm)
    logger.debug("target %s has host widget %s", target.target_id, widget.model_id)
    return widget, weakref.finalize(target, _close, widget, conn, link)


def _close(widget: Any, conn: HostConnection, link: KernelLink) -> None:
    model_id = widget.model_id
    link.drop(conn)
    try:
        widget.close()
    except Exception:
        logger.debug("closing host widget %s failed", model_id, exc_info=True)
    _model_ids.discard(model_id)  # (after its comm_close, which cellwire's pages need not see)


def close_for(target: Target) -> None:
    """``target`` was closed (its views are told): close its host widget, if it has one."""
    with _lock:
        entry = _widgets.pop(target, None)
    if entry is not None:
        entry[1]()  # (a finalizer runs once)
