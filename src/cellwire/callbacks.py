"""``CallbackList``: the one way cellwire keeps user callbacks (``Channel.on_message`` and its
waiters, ``Element``'s DOM listeners).

Like ipywidgets' ``CallbackDispatcher``: registering twice keeps one entry, ``remove=True``
unregisters, and a callback that raises does not stop the others. Here the first error is raised
again once all have run, so the kernel link reports it once to the page that sent the event (its
status line) and to the kernel log; further errors of the same event are logged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from .log import logger


class CallbackList:
    """An ordered set of callbacks, safe to change from any thread while it is being called."""

    def __init__(self, what: str):
        self._what = what  # for log lines: "Button.on_click"
        self._callbacks: list[Callable[..., Any]] = []
        self._lock = threading.Lock()

    def register(self, callback: Callable[..., Any], remove: bool = False) -> None:
        """Add ``callback`` (once), or with ``remove=True`` take it out (if it is there)."""
        if not callable(callback):
            raise TypeError(f"{self._what} needs a callable, got {type(callback).__name__}")
        with self._lock:
            if remove:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)
            elif callback not in self._callbacks:
                self._callbacks.append(callback)

    def __call__(self, *args: Any) -> None:
        """Run every callback with ``args``; then raise the first error, if any raised."""
        with self._lock:
            callbacks = list(self._callbacks)
        first: Exception | None = None
        for callback in callbacks:
            try:
                callback(*args)
            except Exception as err:
                if first is None:
                    first = err
                else:
                    logger.exception("%s: callback %r raised too", self._what, callback)
        if first is not None:
            raise first

    def __len__(self) -> int:
        with self._lock:
            return len(self._callbacks)

    def __bool__(self) -> bool:
        return len(self) > 0
