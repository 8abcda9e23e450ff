"""Button clicks inside a running cell, for any button with ``on_click`` (``ipywidgets.Button``
first): ``cw.wait_click(button)`` blocks until the next click; ``cw.clicked(button)`` counts clicks
and is true once there was one, so a Stop button ends a loop::

    stop = ipywidgets.Button(description="Stop")
    stopped = cw.clicked(stop)
    display(stop)
    while not stopped:
        step()

Clicks arrive while the cell runs on cellwire's subshell (ipykernel >= 7). Without one (ipykernel 6)
a waiting cell fetches them itself (``wait.next_slice``), and testing a ``Clicked`` does the same
(``cw.poll()``, at most every ``POLL_EVERY`` s), so that loop needs no ``cw.poll()`` of its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from .wait import poll, wait_once

#: Shortest time between two polls for page events when a ``Clicked`` is tested in a tight loop.
POLL_EVERY = 0.01


def _check_button(button: Any, what: str) -> None:
    if not callable(getattr(button, "on_click", None)):
        raise TypeError(
            f"{what} needs a button (an object with on_click, e.g. ipywidgets.Button), got "
            f"{type(button).__name__}; to wait for a value use cw.wait_for(widget, 'value')"
        )


def _describe(button: Any) -> str:
    return repr(getattr(button, "description", "") or "the button")


def wait_click(button: Any, timeout: float | None = None) -> Any:
    """Block until ``button`` is clicked (a click after this call); returns the button.

    Meant for a running cell: ``cw.wait_click(go, timeout=60)`` waits for the user. Interrupt the
    kernel to stop waiting; TimeoutError after ``timeout`` seconds; ``WouldDeadlock`` where the
    click could never arrive (inside a callback).
    """
    _check_button(button, "wait_click")

    def subscribe(catch: Callable[[Any], None]) -> Callable[[], None]:
        button.on_click(catch)
        return lambda: button.on_click(catch, remove=True)

    wait_once("wait_click", subscribe, timeout, f"{_describe(button)} was not clicked within {timeout} s")
    return button


class Clicked:
    """Counts ``button``'s clicks from its creation on; true once clicked (see the module's doc).

    ``count`` is the number of clicks, ``wait(timeout)`` blocks until the next one, ``reset()``
    starts over at 0 (one Stop button for several loops), ``close()`` stops counting.
    """

    def __init__(self, button: Any):
        _check_button(button, "clicked")
        self.button = button
        self.count = 0
        self._lock = threading.Lock()
        self._polled = 0.0
        button.on_click(self._count)

    def _count(self, _button: Any = None) -> None:
        with self._lock:
            self.count += 1

    def __bool__(self) -> bool:
        """True once clicked. Lets page events in first on a kernel without subshells."""
        now = time.monotonic()
        if now - self._polled >= POLL_EVERY:
            self._polled = now
            poll()
        return self.count > 0

    def __int__(self) -> int:
        return self.count

    def wait(self, timeout: float | None = None) -> int:
        """Block until the next click; returns ``count``. Raises as ``cw.wait_click`` does."""
        wait_click(self.button, timeout)
        return self.count

    def reset(self) -> None:
        with self._lock:
            self.count = 0

    def close(self) -> None:
        """Stop counting (unregister from the button)."""
        self.button.on_click(self._count, remove=True)

    def __repr__(self) -> str:
        return f"<Clicked {_describe(self.button)}: {self.count} click(s)>"


def clicked(button: Any) -> Clicked:
    """A ``Clicked`` for ``button``: true once it was clicked, from now on (``while not stopped:``)."""
    return Clicked(button)
