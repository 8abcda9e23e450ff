"""Facts about the thread that asks: is it handling a page message right now, can page messages
arrive while it blocks, and must it fetch them itself (``pump``)?

Blocking waits (``wait``) and calls (``rpc``) ask these before they block; the kernel link sets
them. Kept apart from both, importing nothing of cellwire, so neither side imports the other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_local = threading.local()
#: None until a kernel link is installed (outside a kernel nothing is dispatched anywhere).
_receives_while_busy: bool | None = None
#: Without a subshell: handles the page messages waiting for the main thread (``shell_pump``).
_pump: Callable[[], int] | None = None


@contextmanager
def dispatching() -> Iterator[None]:
    """Mark this thread as handling a page message (callbacks run inside) for the ``with`` body."""
    outer = getattr(_local, "active", False)
    _local.active = True
    try:
        yield
    finally:
        _local.active = outer


def is_dispatch_thread() -> bool:
    """Is this thread handling a page message right now (i.e. running inside a callback)?"""
    return getattr(_local, "active", False)


def set_receives_while_busy(value: bool) -> None:
    """The kernel link says whether page messages are handled while a cell runs (a subshell)."""
    global _receives_while_busy
    _receives_while_busy = value


def receives_while_busy() -> bool | None:
    """True with a subshell, False without one, None outside a kernel (no link installed)."""
    return _receives_while_busy


def set_pump(pump: Callable[[], int] | None) -> None:
    """The kernel link's way to handle waiting page messages on the main thread, or None."""
    global _pump
    _pump = pump


def must_pump() -> bool:
    """Must this thread fetch page messages itself while it waits? (ipykernel 6's main thread:
    nothing else handles them until the cell ends.)"""
    return (
        _pump is not None
        and _receives_while_busy is False
        and threading.current_thread() is threading.main_thread()
        and not is_dispatch_thread()
    )


def pump() -> int:
    """Handle the page messages waiting for this thread, if it must (see ``must_pump``)."""
    return _pump() if _pump is not None and must_pump() else 0
