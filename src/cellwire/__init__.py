"""cellwire: JavaScript in a notebook output, wired straight to the Python kernel.

Importing cellwire inside an ipykernel registers the ``cellwire`` comm target; outputs then open
their own connection to the kernel from the page, with no front-end extension installed. Widgets
are ipywidgets' and anywidget's: cellwire makes them live (``bridge/``) and adds what no host gives
(waits, calls, ``Channel``, ``Element``, ``eval_js``, busy-cell delivery, snapshots).

The package in layers, each knowing only the ones below it:
``transport/`` (the kernel link: page connections, the protocol, the subshell), then targets
(``target``, ``channel``, ``rpc``, ``wait``, ``clicks``, ``bundle``, ``dom``, ``host_widget``), then
``bridge/`` (ipywidgets carried by cellwire's engine). The names of cellwire's retired widget
toolkit raise an AttributeError naming the replacement (``retired``).
"""

from . import bridge as _bridge
from . import dom
from ._version import PROTOCOL, __version__
from .bridge.widget_calls import eval_js
from .channel import Channel, Message
from .clicks import Clicked, clicked, wait_click
from .dom import DOMEvent, Element
from .png import encode_png
from .retired import retired_error as _retired_error
from .rpc import CallError, CallTimeout, JSError, NoViewError, ViewGoneError
from .startup import when_kernel_runs
from .transport.kernel_link import connections, get_link
from .wait import WouldDeadlock, changes, poll, wait_for


def _start() -> None:
    get_link()
    _bridge.enable_from_environment()


when_kernel_runs(_start)


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext cellwire``, and kernels of an environment where ``python -m cellwire enable`` ran:
    the same as ``import cellwire`` (the link and the ipywidgets bridge)."""
    when_kernel_runs(_start)


def __getattr__(name: str) -> object:
    """A retired widget name (``cw.IntSlider``) fails with what to use instead."""
    error = _retired_error(name)
    if error is not None:
        raise error
    raise AttributeError(f"module 'cellwire' has no attribute {name!r}")


__all__ = [
    "PROTOCOL",
    "CallError",
    "CallTimeout",
    "Channel",
    "Clicked",
    "DOMEvent",
    "Element",
    "JSError",
    "Message",
    "NoViewError",
    "ViewGoneError",
    "WouldDeadlock",
    "__version__",
    "changes",
    "clicked",
    "connections",
    "dom",
    "encode_png",
    "eval_js",
    "load_ipython_extension",
    "poll",
    "wait_click",
    "wait_for",
]
