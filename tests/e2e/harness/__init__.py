"""End-to-end harness: a real Jupyter server, headless Chromium and a notebook driver."""

from .browser import ConsoleLog, launch_chromium
from .kernel_client import KernelClient, Reply, pack_v1, unpack_v1
from .notebook import NotebookPage
from .proxy import CuttableProxy
from .server import FRONTENDS, JupyterServer

__all__ = [
    "FRONTENDS",
    "ConsoleLog",
    "CuttableProxy",
    "JupyterServer",
    "KernelClient",
    "NotebookPage",
    "Reply",
    "launch_chromium",
    "pack_v1",
    "unpack_v1",
]
