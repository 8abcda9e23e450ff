"""cellwire: JavaScript in a notebook output, wired straight to the Python kernel.

Importing cellwire inside an ipykernel registers the ``cellwire`` comm target; outputs then open
their own connection to the kernel from the page, with no front-end extension installed.
"""

from ._version import PROTOCOL, __version__
from . import dom
from .channel import Channel, Message
from .dom import DOMEvent, Element
from .link import get_link
from .rpc import CallError, CallTimeout, JSError, NoViewError, ViewGoneError
from .wait import WouldDeadlock, changes, wait_for

get_link()

__all__ = [
    "CallError", "CallTimeout", "Channel", "DOMEvent", "Element", "JSError", "Message", "NoViewError", "PROTOCOL",
    "ViewGoneError", "WouldDeadlock", "__version__", "changes", "dom", "wait_for",
]
