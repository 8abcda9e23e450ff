"""When cellwire starts in a kernel: at once, or, when the kernel is itself still starting, as soon
as it runs.

A kernel whose IPython configuration loads cellwire as an extension (``python -m cellwire
enable``) imports it from ``IPKernelApp.initialize``, before ``Kernel.start`` has wired its shell
channel: a subshell asked for then cannot be made (ipykernel 7: the subshell manager has no
receiver yet), and cellwire would run without one. So its start waits for the kernel's event
loop, whose first turn comes after ``Kernel.start`` and before any message is handled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def when_kernel_runs(start: Callable[[], object]) -> None:
    """Call ``start`` now, or on the event loop's first turn if the kernel has not started yet."""
    kernel = _kernel()
    if kernel is None or getattr(kernel, "io_loop", None) is not None:  # no kernel, or one that runs
        start()
        return
    from tornado.ioloop import IOLoop

    IOLoop.current().add_callback(start)


def _kernel() -> Any:
    try:
        from ipykernel.kernelbase import Kernel
    except ImportError:
        return None
    return Kernel.instance() if Kernel.initialized() else None
