"""One background thread that runs delayed calls: the deferred flushes of busy models.

A model changed 20,000 times in a tight loop sends at most one update per flush interval; the last
change of a burst is sent by a delayed call from here, so the final value always arrives even
though the main thread is still busy running the user's cell.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable

from .log import logger


class Scheduler:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._counter = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def call_at(self, when: float, fn: Callable[[], None]) -> None:
        """Run ``fn()`` on the scheduler thread at ``time.monotonic() >= when``."""
        with self._cond:
            heapq.heappush(self._heap, (when, next(self._counter), fn))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="cellwire-scheduler", daemon=True)
                self._thread.start()
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(timeout)
                _, _, fn = heapq.heappop(self._heap)
            try:
                fn()
            except Exception:  # never let one failing call stop the thread
                logger.exception("a deferred cellwire call failed")


scheduler = Scheduler()
