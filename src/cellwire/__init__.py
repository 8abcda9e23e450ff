"""cellwire: JavaScript in a notebook output, wired straight to the Python kernel.

Importing cellwire inside an ipykernel registers the ``cellwire`` comm target; outputs then open
their own connection to the kernel from the page, with no front-end extension installed.
"""

from ._version import PROTOCOL, __version__
from .channel import Channel, Message
from .link import get_link
from .custom import AnyWidget, show, wrap
from .interact import interact, interact_manual, interactive
from .links import jsdlink, jslink, link
from .model import Model
from .widgets import *  # noqa: F403
from .widgets import __all__ as _widget_names

get_link()

__all__ = ["AnyWidget", "Channel", "Message", "Model", "PROTOCOL", "__version__", "interact", "interact_manual",
           "interactive", "jsdlink", "jslink", "link", "show", "wrap", *_widget_names]
