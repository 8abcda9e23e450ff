"""One background thread that runs delayed calls, and the pacing of bursts that uses it.

A widget changed 20,000 times in a tight loop sends at most one update per flush interval; the last
change of a burst is sent by a delayed call from here, so the final value always arrives even
though the main thread is still busy running the user's cell. ``Pacer`` is that rule, applied by
the bridged ipywidgets comms (``bridge.comms``).
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

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

#: Seconds between two flushes of one source of updates.
FLUSH_INTERVAL = 0.016
#: Seconds between any two flushes of all sources together: 2.5 ms keeps a loop over many widgets
#: under 400 messages/s, well below iopub's default limit of 1000/s.
GLOBAL_INTERVAL = 0.0025

_global_lock = threading.Lock()
_global_next = 0.0


def _take_global_slot(interval: float) -> None:
    global _global_next
    with _global_lock:
        _global_next = max(_global_next, time.monotonic()) + interval


class Pacer:
    """When one source of updates (a bridged widget's comm) may flush what changed: at most once
    per ``interval`` seconds, and all pacers together at most once per ``global_interval``.

    The owner calls ``request()`` after a change, holding ``lock``: ``flush()`` runs at once when
    both intervals allow it, else once on the scheduler thread when they do (under ``lock``, if
    ``wanted()`` still says there is something to flush). So a burst costs a few flushes and its
    last change always goes out. The owner calls ``flushed()`` from every flush, paced or not.
    """

    def __init__(
        self,
        flush: Callable[[], None],
        lock: Any,
        wanted: Callable[[], bool],
        interval: float,
        global_interval: float,
    ) -> None:
        self._flush = flush
        self._lock = lock
        self._wanted = wanted
        self.interval = interval
        self.global_interval = global_interval
        self._last = 0.0
        self._scheduled = False

    def flushed(self) -> None:
        self._last = time.monotonic()

    def request(self) -> None:
        if self._scheduled:
            return
        due = max(self._last + self.interval, _global_next)
        if time.monotonic() >= due:
            _take_global_slot(self.global_interval)
            self._flush()
        else:
            self._scheduled = True
            scheduler.call_at(due, self._deferred)

    def _deferred(self) -> None:
        with self._lock:
            self._scheduled = False
            if not self._wanted():
                return
            if time.monotonic() < _global_next:  # another source took this moment: come back later
                self._scheduled = True
                scheduler.call_at(_global_next, self._deferred)
                return
            _take_global_slot(self.global_interval)
            self._flush()
