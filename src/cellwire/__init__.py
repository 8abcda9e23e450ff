"""cellwire: JavaScript in a notebook output, wired straight to the Python kernel.

Importing cellwire inside an ipykernel registers the ``cellwire`` comm target; outputs then open
their own connection to the kernel from the page, with no front-end extension installed.

The package in layers, each knowing only the ones below it:
``transport/`` (the kernel link: page connections, the protocol, the subshell), then targets and
models (``target``, ``channel``, ``model``, ``rpc``, ``wait``, ``clicks``, ``bundle``, ``dom``), then
``widgets/`` (the standard widgets, ``interact``, links, custom ES-module widgets).
"""

from . import bridge as _bridge
from . import dom
from ._version import PROTOCOL, __version__
from .bridge.widget_calls import eval_js
from .channel import Channel, Message
from .clicks import Clicked, clicked, wait_click
from .dom import DOMEvent, Element
from .model import Model
from .rpc import CallError, CallTimeout, JSError, NoViewError, ViewGoneError
from .startup import when_kernel_runs
from .transport.kernel_link import connections, get_link
from .wait import WouldDeadlock, changes, poll, wait_for
from .widgets import *  # noqa: F403
from .widgets import __all__ as _widget_names
from .widgets.custom import AnyWidget, show, wrap
from .widgets.interact import fixed, interact, interact_manual, interactive
from .widgets.linking import dlink, jsdlink, jslink, link


def _start() -> None:
    get_link()
    _bridge.enable_from_environment()


when_kernel_runs(_start)


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext cellwire``, and kernels of an environment where ``python -m cellwire enable`` ran:
    the same as ``import cellwire`` (the link and the ipywidgets bridge)."""
    when_kernel_runs(_start)


__all__ = [
    "PROTOCOL",
    "AnyWidget",
    "CallError",
    "CallTimeout",
    "Channel",
    "Clicked",
    "DOMEvent",
    "Element",
    "JSError",
    "Message",
    "Model",
    "NoViewError",
    "ViewGoneError",
    "WouldDeadlock",
    "__version__",
    "changes",
    "clicked",
    "connections",
    "dlink",
    "dom",
    "eval_js",
    "fixed",
    "interact",
    "interact_manual",
    "interactive",
    "jsdlink",
    "jslink",
    "link",
    "load_ipython_extension",
    "poll",
    "show",
    "wait_click",
    "wait_for",
    "wrap",
    *_widget_names,
]
