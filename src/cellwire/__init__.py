"""cellwire: JavaScript in a notebook output, wired straight to the Python kernel.

Importing cellwire inside an ipykernel registers the ``cellwire`` comm target; outputs then open
their own connection to the kernel from the page, with no front-end extension installed.
"""

from ._version import PROTOCOL, __version__
from . import dom
from .channel import Channel, Message
from .dom import DOMEvent, Element
from .link import connections, get_link
from .rpc import CallError, CallTimeout, JSError, NoViewError, ViewGoneError
from .custom import AnyWidget, show, wrap
from .interact import interact, interact_manual, interactive
from .links import jsdlink, jslink, link
from .model import Model
from .wait import WouldDeadlock, changes, wait_for
from .widgets import *  # noqa: F403
from .widgets import __all__ as _widget_names

get_link()

__all__ = ["AnyWidget", "CallError", "CallTimeout", "Channel", "DOMEvent", "Element", "JSError", "Message",
           "Model", "NoViewError", "PROTOCOL", "ViewGoneError", "WouldDeadlock", "__version__", "changes", "connections", "dom",
           "interact", "interact_manual", "interactive", "jsdlink", "jslink", "link", "show", "wait_for", "wrap",
           *_widget_names]
