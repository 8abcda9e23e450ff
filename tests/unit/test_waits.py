"""Blocking waits across threads without a kernel: wait_for, changes, wait_message, interrupts,
and the waits that are refused because they could never end."""

from __future__ import annotations

import _thread
import signal
import threading
import time

import pytest
import traitlets
from fakes import attach, later, open_page

from cellwire import Channel, wait
from cellwire.wait import Changes, WouldDeadlock, changes, wait_for

pytestmark = pytest.mark.subshell


class Picked(traitlets.HasTraits):
    value = traitlets.Any(None)
    closed = False


def observers(obj: traitlets.HasTraits) -> int:
    return sum(len(h) for by_type in obj._trait_notifiers.values() for h in by_type.values())


# -- waits ----------------------------------------------------------------------------------------
def test_wait_for_returns_the_value_set_on_another_thread(link):
    picked = Picked()
    later(0.1, lambda: setattr(picked, "value", 42))
    assert wait_for(picked, "value", timeout=5) == 42
    assert observers(picked) == 0


def test_wait_for_until_skips_values_and_accepts_a_current_one(link):
    picked = Picked(value=3)
    assert wait_for(picked, "value", until=lambda v: v == 3, timeout=0.01) == 3

    def feed():
        for v in (1, 2, 10):
            picked.value = v

    later(0.05, feed)
    assert wait_for(picked, "value", until=lambda v: v > 5, timeout=5) == 10


def test_wait_for_times_out_and_cleans_up(link):
    picked = Picked()
    start = time.monotonic()
    with pytest.raises(TimeoutError, match=r"Picked\.value did not change within 0\.2 s"):
        wait_for(picked, "value", timeout=0.2)
    assert 0.19 < time.monotonic() - start < 1
    assert observers(picked) == 0


@pytest.fixture
def sigint_raises():
    """SIGINT raising KeyboardInterrupt, as in a kernel running a cell (ipykernel installs the same
    handler), even when the test process started with SIGINT ignored (a background job of a
    non-interactive shell): there ``_thread.interrupt_main`` would do nothing."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_wait_for_is_interrupted_promptly_like_a_kernel_interrupt(link, sigint_raises):
    picked = Picked()
    later(0.2, _thread.interrupt_main)  # what SIGINT from the kernel's interrupt does
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        wait_for(picked, "value", timeout=5)  # no interrupt: TimeoutError, not a hung test
    assert time.monotonic() - start < 0.2 + 2 * wait.SLICE + 0.1
    assert observers(picked) == 0


def test_changes_keeps_changes_made_before_iterating_and_in_between(link):
    picked = Picked()
    values = changes(picked, "value", timeout=2)
    picked.value = 1  # before the first next(): not lost
    picked.value = 2
    assert next(values) == 1
    later(0.05, lambda: setattr(picked, "value", 3))
    assert [next(values), next(values)] == [2, 3]
    values.close()
    assert observers(picked) == 0


def test_breaking_out_of_changes_stops_observing(link):
    picked = Picked()
    later(0.05, lambda: setattr(picked, "value", 1))
    for value in changes(picked, "value", timeout=2):  # noqa: B007 (the value it broke out with)
        break
    assert value == 1 and observers(picked) == 0


def test_changes_ends_when_the_object_closes(link):
    picked = Picked()
    later(0.1, lambda: setattr(picked, "closed", True))
    assert list(Changes(picked, "value", None)) == []


def test_bad_arguments_say_what_to_do(link):
    with pytest.raises(AttributeError, match="no trait 'valu'; known: value"):
        wait_for(Picked(), "valu")
    with pytest.raises(TypeError, match=r"channel\.wait_message"):
        wait_for(Channel(), "value")


def test_waiting_in_a_callback_or_without_subshell_is_refused(link):
    picked = Picked()
    ch = Channel()
    errors = []

    def callback(message):
        try:
            wait_for(picked, "value", timeout=1)
        except WouldDeadlock as err:
            errors.append(str(err))

    ch.on_message(callback)
    comm = open_page(link)
    attach(comm, ch)
    comm.deliver({"op": "msg", "view": "v1", "data": 1})
    assert errors and "inside a cellwire callback" in errors[0]

    link.subshell_id = None
    with pytest.raises(WouldDeadlock, match="no subshells"):
        wait_for(picked, "value", timeout=1)
    # other threads may still wait: the main shell delivers the event between cells
    result = []
    thread = threading.Thread(target=lambda: result.append(wait_for(picked, "value", timeout=2)))
    thread.start()
    time.sleep(0.05)
    picked.value = 5
    thread.join(timeout=5)
    assert result == [5]


def test_channel_wait_message(link):
    ch = Channel()
    comm = open_page(link)
    attach(comm, ch)
    later(0.05, lambda: comm.deliver({"op": "msg", "view": "v1", "data": {"n": 1}}, [b"x"]))
    message = ch.wait_message(timeout=5)
    assert message.data == {"n": 1} and bytes(message.buffers[0]) == b"x"
    with pytest.raises(TimeoutError):
        ch.wait_message(timeout=0.1)
    assert not ch._waiters  # the waiter unregistered itself
