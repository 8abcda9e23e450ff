"""One callback list everywhere: registering twice keeps one, ``remove=True`` unregisters, and a
callback that raises does not stop the others (its error still reaches the page and the log)."""

from __future__ import annotations

import logging

import pytest
from fakes import attach, open_page

import cellwire as cw
from cellwire.callbacks import CallbackList


def test_a_raising_callback_does_not_stop_the_others_and_the_first_error_is_raised(caplog):
    calls: list[str] = []
    callbacks = CallbackList("Thing.on_event")

    def first(x):
        calls.append("first")
        raise ValueError("first broke")

    def second(x):
        calls.append("second")
        raise KeyError("second broke")

    callbacks.register(first)
    callbacks.register(second)
    callbacks.register(lambda x: calls.append(f"third {x}"))
    with caplog.at_level(logging.ERROR, logger="cellwire"), pytest.raises(ValueError, match="first broke"):
        callbacks(1)
    assert calls == ["first", "second", "third 1"]
    assert "second broke" in caplog.text  # the other errors are logged, not lost


def test_register_once_remove_and_a_clear_error_for_a_non_callable():
    callbacks = CallbackList("Thing.on_event")
    seen: list[int] = []
    callbacks.register(seen.append)
    callbacks.register(seen.append)
    callbacks(1)
    callbacks.register(seen.append, remove=True)
    callbacks.register(seen.append, remove=True)  # removing twice is harmless
    callbacks(2)
    assert seen == [1] and not callbacks
    with pytest.raises(TypeError, match="needs a callable"):
        callbacks.register("not a function")


def test_every_widget_callback_takes_remove(link):
    button, text = cw.Button("b"), cw.Text()
    clicks: list[object] = []
    button.on_click(clicks.append)
    button.on_click(clicks.append, remove=True)
    button.click()
    text.on_submit(clicks.append)
    text.on_submit(clicks.append, remove=True)
    channel = cw.Channel()
    channel.on_message(clicks.append)
    channel.on_message(clicks.append, remove=True)
    slider = cw.IntSlider()
    slider.on_msg(lambda *a: clicks.append(a))
    element = cw.Element("<b>x</b>")
    listener = element.on("click", clicks.append)
    element.on("click", clicks.append, remove=True)
    assert clicks == [] and listener.event == "click"


def test_a_raising_click_handler_still_lets_the_next_run_and_the_page_hears_of_it(link):
    comm = open_page(link)
    button = cw.Button("go")
    ran: list[str] = []
    button.on_click(lambda b: 1 / 0)
    button.on_click(lambda b: ran.append("second"))
    attach(comm, button)
    comm.deliver({"op": "msg", "view": "v1", "data": {"method": "custom", "content": {"event": "click"}}})
    assert ran == ["second"] and button.clicks == 1
    assert comm.last["op"] == "error" and "ZeroDivisionError" in comm.last["message"]


def test_the_public_api_has_what_the_docs_name_and_the_wheel_no_bench_helpers():
    import importlib.util

    for name in ("fixed", "interact", "interactive", "jslink", "dlink", "poll", "wait_for", "AnyWidget"):
        assert name in cw.__all__ and hasattr(cw, name), name
    assert importlib.util.find_spec("cellwire.bench") is None
