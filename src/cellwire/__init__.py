"""cellwire: JavaScript in a notebook output, wired straight to the Python kernel.

Importing cellwire inside an ipykernel registers the ``cellwire`` comm target; outputs then open
their own connection to the kernel from the page, with no front-end extension installed.
"""

from ._version import PROTOCOL, __version__
from .channel import Channel, Message
from .link import get_link

get_link()

__all__ = ["Channel", "Message", "PROTOCOL", "__version__"]
