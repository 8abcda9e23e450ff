"""Blocking waits inside a running cell: ``wait_for``, ``changes``, and the rules that keep them safe.

A cell that blocks waiting for the page only ever wakes up if the page's message is handled on
*another* thread: cellwire's subshell (see ``subshell``). The waiting itself is done in short slices,
so the kernel's interrupt (SIGINT, which Python turns into KeyboardInterrupt on the main thread
between two bytecodes) stops a wait within a few tens of milliseconds, and every waiter unregisters
itself on the way out (``finally``), leaving nothing behind.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from . import dispatching

#: Longest uninterrupted sleep of a waiting thread; bounds how late an interrupt is noticed.
SLICE = 0.05
#: The same while the waiting thread fetches page messages itself (no subshell): bounds how late a
#: click is noticed.
PUMP_SLICE = 0.01


class WouldDeadlock(RuntimeError):
    """Waiting here can never end: the event waited for is handled by this very thread."""


def check_can_block(what: str) -> None:
    """Raise ``WouldDeadlock`` if waiting on this thread would stop the event from ever arriving.

    That is the case inside a callback (page messages are handled one at a time on the thread
    running it), and in a cell when the kernel has no subshell and no other way to handle them
    meanwhile (with ipykernel 6, the waiting cell handles them itself: ``next_slice``).
    """
    if dispatching.is_dispatch_thread():
        raise WouldDeadlock(
            f"{what} cannot wait inside a cellwire callback: page messages are handled one at a time "
            "on this thread, so the answer could never arrive. Wait in the cell instead, or react to "
            "the event with a callback."
        )
    if (
        dispatching.receives_while_busy() is False
        and threading.current_thread() is threading.main_thread()
        and not dispatching.must_pump()
    ):
        raise WouldDeadlock(
            f"{what} cannot wait inside a running cell on this kernel: it has no subshells and cellwire "
            "cannot read its queued messages, so page events are handled only after the cell ends. "
            "Upgrade ipykernel (pip install -U ipykernel, then restart the kernel), or use a "
            "callback (on_message / observe / on_click) instead of waiting."
        )


def next_slice() -> float:
    """Before a waiting thread blocks for a moment: handle the page messages waiting for it, if
    it must fetch them itself (no subshell); how long it may block before it looks again."""
    if dispatching.must_pump():
        dispatching.pump()
        return PUMP_SLICE
    return SLICE


def poll() -> int:
    """Let page events in during a long-running cell on a kernel without subshells (ipykernel 6):
    call it in the loop (``while not stop.clicks: step(); cw.poll()``). Returns how many page
    messages it handled. With subshells (ipykernel >= 7) events arrive by themselves and this
    returns 0 at once."""
    return dispatching.pump()


def wait_event(event: threading.Event, timeout: float | None) -> bool:
    """``event.wait(timeout)`` in short slices so KeyboardInterrupt is raised promptly."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while not event.is_set():
        step = next_slice()
        if event.is_set():
            break
        if deadline is None:
            event.wait(step)
            continue
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return event.is_set()
        event.wait(min(step, remaining))
    return True


def wait_once(
    what: str,
    subscribe: Callable[[Callable[[Any], None]], Callable[[], None]],
    timeout: float | None,
    timeout_message: str,
) -> Any:
    """Block until the callback handed to ``subscribe`` is first called; return its argument.

    ``subscribe(catch)`` registers ``catch`` (e.g. as an ``on_click`` callback) and returns the
    function that unregisters it, which runs however the wait ends (event, timeout, interrupt).
    The one helper behind ``wait_message``, ``wait_click`` and ``Element.wait``.
    """
    check_can_block(what)
    box: list[Any] = []
    arrived = threading.Event()

    def catch(value: Any = None) -> None:
        if not box:
            box.append(value)
            arrived.set()

    unsubscribe = subscribe(catch)
    try:
        if not wait_event(arrived, timeout):
            raise TimeoutError(timeout_message)
        return box[0]
    finally:
        unsubscribe()


def _describe(obj: Any, name: str) -> str:
    return f"{type(obj).__name__}.{name}"


def _check_trait(obj: Any, name: str) -> None:
    if not hasattr(obj, "observe") or not hasattr(obj, "has_trait"):
        raise TypeError(
            f"wait_for needs a widget or traitlets object, got {type(obj).__name__}; "
            "for a Channel use channel.wait_message()"
        )
    if not obj.has_trait(name):
        names = ", ".join(sorted(obj.trait_names(sync=True) or obj.trait_names()))
        hint = "; to wait for a click use cw.wait_click(button)" if callable(getattr(obj, "on_click", None)) else ""
        raise AttributeError(f"{type(obj).__name__} has no trait {name!r}; known: {names}{hint}")


def wait_for(
    obj: Any, name: str = "value", *, until: Callable[[Any], bool] | None = None, timeout: float | None = None
) -> Any:
    """Block until ``obj.<name>`` changes (or, with ``until``, satisfies ``until(value)``); return it.

    Meant for a running cell: ``choice = cw.wait_for(dropdown, "value")`` waits for the user.
    With ``until``, a value that already satisfies it returns at once. Interrupt the kernel to stop
    waiting (KeyboardInterrupt). Raises TimeoutError after ``timeout`` seconds.
    """
    _check_trait(obj, name)
    if until is not None and until(getattr(obj, name)):
        return getattr(obj, name)
    check_can_block("wait_for")
    with Changes(obj, name, timeout) as values:
        for value in values:
            if until is None or until(value):
                return value
    raise RuntimeError(f"{_describe(obj, name)} was closed while waiting for it")


def changes(obj: Any, name: str = "value", *, timeout: float | None = None) -> Changes:
    """Iterate over the new values of ``obj.<name>`` as they change, from this call on.

    ``for v in cw.changes(slider): ...`` follows a slider inside a running cell; ``break`` to stop.
    Changes that arrive while the loop body runs are kept, in order. ``timeout`` bounds the wait
    for each change (TimeoutError); the iteration ends when the widget is closed.
    """
    _check_trait(obj, name)
    check_can_block("changes")
    return Changes(obj, name, timeout)


class Changes(Iterator[Any]):
    """The iterator ``changes`` returns. It observes from creation until exhausted or ``close()``d
    (also as a context manager), so no change between creating it and iterating is lost."""

    def __init__(self, obj: Any, name: str, timeout: float | None):
        self.obj, self.name, self.timeout = obj, name, timeout
        items: queue.Queue[Any] = queue.Queue()
        self._items = items
        self._open = True
        # The observer must not reference this iterator: then a loop that breaks out of it drops
        # the last reference, and __del__ stops observing.
        self._on_change = lambda change: items.put(change["new"])
        obj.observe(self._on_change, names=name)

    def __next__(self) -> Any:
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        try:
            while self._open:
                try:
                    return self._items.get(timeout=next_slice())
                except queue.Empty:
                    pass
                if getattr(self.obj, "closed", False):
                    break
                if deadline is not None and time.monotonic() >= deadline:
                    raise TimeoutError(f"{_describe(self.obj, self.name)} did not change within {self.timeout} s")
        except BaseException:  # KeyboardInterrupt included: stop observing, then let it through
            self.close()
            raise
        self.close()
        raise StopIteration

    def close(self) -> None:
        if self._open:
            self._open = False
            self.obj.unobserve(self._on_change, names=self.name)

    def __enter__(self) -> Changes:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()
