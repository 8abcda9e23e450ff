"""Button clicks for any button with on_click (ipywidgets.Button here), without a kernel:
wait_click, clicked (a Stop flag that lets page events in on ipykernel 6), and which displays
show an ipywidget for eval_js."""

from __future__ import annotations

import itertools
import threading
import time

import ipywidgets
import pytest
from fakes import later

from cellwire import dispatching
from cellwire.bridge.widget_calls import _containers
from cellwire.clicks import POLL_EVERY, clicked, wait_click
from cellwire.wait import WouldDeadlock


@pytest.fixture(autouse=True)
def no_kernel(monkeypatch):
    """As outside a kernel, whatever an earlier test set: waits block, nothing is pumped."""
    monkeypatch.setattr(dispatching, "_receives_while_busy", None)
    monkeypatch.setattr(dispatching, "_pump", None)


def test_wait_click_returns_the_button_at_the_next_click_and_unregisters():
    button = ipywidgets.Button(description="Go")
    later(0.05, button.click)
    assert wait_click(button, timeout=5) is button
    assert button._click_handlers.callbacks == []


def test_wait_click_times_out_naming_the_button():
    button = ipywidgets.Button(description="Go")
    with pytest.raises(TimeoutError, match=r"'Go' was not clicked within 0\.05 s"):
        wait_click(button, timeout=0.05)
    assert button._click_handlers.callbacks == []


def test_clicked_is_a_stop_flag_with_a_count():
    stop = ipywidgets.Button(description="Stop")
    stopped = clicked(stop)
    assert not stopped and stopped.count == 0
    later(0.05, stop.click)
    assert stopped.wait(timeout=5) == 1
    assert stopped and int(stopped) == 1
    stopped.reset()
    assert not stopped
    stopped.close()
    stop.click()
    assert stopped.count == 0 and stop._click_handlers.callbacks == []


def test_testing_clicked_fetches_page_events_without_a_subshell(monkeypatch):
    """ipykernel 6: nothing delivers the click while the loop runs unless the loop fetches it."""
    stop = ipywidgets.Button(description="Stop")
    stopped = clicked(stop)
    pumps = []

    def pump() -> int:  # the shell pump: here the queued click is in the third batch
        pumps.append(time.monotonic())
        if len(pumps) == 3:
            stop.click()
        return 1

    monkeypatch.setattr(dispatching, "_receives_while_busy", False)
    monkeypatch.setattr(dispatching, "_pump", pump)
    assert threading.current_thread() is threading.main_thread()
    start = time.monotonic()
    spins = 0
    while not stopped:
        spins += 1
        assert time.monotonic() - start < 5
    assert len(pumps) == 3 and spins > len(pumps)  # throttled: not once per test of the flag
    assert min(b - a for a, b in itertools.pairwise(pumps)) >= POLL_EVERY * 0.9


def test_bad_arguments_say_what_to_do():
    with pytest.raises(TypeError, match=r"needs a button .* cw\.wait_for\(widget, 'value'\)"):
        wait_click(ipywidgets.IntSlider())
    with pytest.raises(TypeError, match="needs a button"):
        clicked(object())


def test_waiting_for_a_click_without_subshell_or_pump_is_refused(monkeypatch):
    monkeypatch.setattr(dispatching, "_receives_while_busy", False)
    monkeypatch.setattr(dispatching, "_pump", None)
    with pytest.raises(WouldDeadlock, match="no subshells"):
        wait_click(ipywidgets.Button(), timeout=1)


def test_a_widget_is_shown_by_the_boxes_holding_it():
    ok = ipywidgets.Button()
    inner = ipywidgets.HBox([ok])
    outer = ipywidgets.VBox([ipywidgets.Label("x"), inner])
    other = ipywidgets.VBox([ipywidgets.Button()])
    assert _containers(ok) == {ok.model_id, inner.model_id, outer.model_id}
    assert _containers(outer) == {outer.model_id}
    assert other.model_id not in _containers(ok)
