"""cellwire: JavaScript in a notebook output, wired straight to the Python kernel.

Importing cellwire inside an ipykernel registers the ``cellwire`` comm target; outputs then open
their own connection to the kernel from the page, with no front-end extension installed.
"""

from ._version import PROTOCOL, __version__
from .channel import Channel, Message
from .link import get_link
from .rpc import CallError, CallTimeout, JSError, NoViewError, ViewGoneError
from .wait import WouldDeadlock, changes, wait_for

get_link()

__all__ = [
    "CallError", "CallTimeout", "Channel", "JSError", "Message", "NoViewError", "PROTOCOL",
    "ViewGoneError", "WouldDeadlock", "__version__", "changes", "wait_for",
]
