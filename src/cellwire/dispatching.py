"""Two facts about the thread that asks: is it handling a page message right now, and can page
messages arrive while it blocks?

Blocking waits (``wait``) and calls (``rpc``) ask these before they block; the kernel link sets
them. Kept apart from both, importing nothing of cellwire, so neither side imports the other.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_local = threading.local()
#: None until a kernel link is installed (outside a kernel nothing is dispatched anywhere).
_receives_while_busy: bool | None = None


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
