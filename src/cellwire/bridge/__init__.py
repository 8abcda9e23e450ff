"""The ipywidgets bridge: existing ipywidgets code (and everything built on it: anywidget, bqplot,
ipyleaflet, plotly's FigureWidget) live in cellwire's pages, with no front-end extension.

``import cellwire`` (or ``%load_ext cellwire``) turns it on inside an ipykernel; nothing in the
user's widget code changes. Opt out with ``cellwire.bridge.disable()``, or set the environment
variable ``CELLWIRE_IPYWIDGETS=0`` before the import. Widgets created while it is on publish on
iopub wherever a front-end's widget manager may be listening (which then renders them itself) and
also reach cellwire's pages, their state updates paced (``comms``); ``with out:`` on an ipywidgets
Output captures in the kernel (``capture``).
docs/ipywidgets.md says what works and what falls back.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from ..log import logger

ENV_VAR = "CELLWIRE_IPYWIDGETS"
_WIDGET_TYPE = ("ipywidgets.widgets.widget", "Widget")
_hub: Any = None
_formatter: Any = None


def is_enabled() -> bool:
    return _hub is not None


def get_hub() -> Any:
    """The kernel's widget hub (None while the bridge is off)."""
    return _hub


def enable() -> bool:
    """Turn the bridge on (idempotent); False outside an ipykernel, where there is no page to reach."""
    global _hub, _formatter
    if _hub is not None:
        return True
    from ..transport.kernel_link import get_link

    link = get_link()
    if link is None:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    from . import capture, comms
    from .display import display_widget
    from .hub import WidgetHub

    hub_ = WidgetHub(link.comm_manager)
    comms.install_hook(hub_)
    capture.before_write = _show_stand_in
    _hub = hub_
    if shell is not None:

        def formatter(widget: Any) -> None:
            if _hub is None:
                raise NotImplementedError  # (IPython formats it as without the bridge)
            _install_capture()
            display_widget(widget, _hub)

        _formatter = formatter
        # By name: ipywidgets is imported only when the user's code imports it.
        shell.display_formatter.ipython_display_formatter.for_type_by_name(*_WIDGET_TYPE, formatter)
    if "ipywidgets" in __import__("sys").modules:
        _install_capture()
    return True


def _install_capture() -> None:
    try:
        from . import capture

        capture.install()
    except Exception:
        logger.exception("cellwire: could not install Output capture for ipywidgets")


def _show_stand_in(out: Any) -> None:
    """Before a write into an Output: one only JupyterLab can draw is shown in the cell (``stand_ins``)."""
    from . import stand_ins

    if _hub is not None:
        stand_ins.show_if_needed(out, _hub)


def disable() -> None:
    """Turn the bridge off: new widgets use ipykernel's comms again, displays show ipywidgets'
    own mimetypes only, ``with out:`` goes back to front-end capture."""
    global _hub, _formatter
    from . import capture, comms

    comms.uninstall_hook()
    capture.uninstall()
    capture.before_write = None
    if _formatter is not None:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            with contextlib.suppress(KeyError, ValueError):
                shell.display_formatter.ipython_display_formatter.pop(".".join(_WIDGET_TYPE))
    _hub = None
    _formatter = None


def enable_from_environment() -> None:
    """At ``import cellwire``: on, unless ``CELLWIRE_IPYWIDGETS=0``."""
    if os.environ.get(ENV_VAR, "1").strip().lower() in ("0", "false", "no", "off"):
        return
    try:
        enable()
    except Exception:
        logger.exception("cellwire: the ipywidgets bridge could not start; ipywidgets render as without cellwire")


__all__ = ["ENV_VAR", "disable", "enable", "get_hub", "is_enabled"]
