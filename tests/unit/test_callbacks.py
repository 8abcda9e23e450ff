"""One callback list everywhere: registering twice keeps one, ``remove=True`` unregisters, and a
callback that raises does not stop the others (its error still reaches the page and the log)."""

from __future__ import annotations

import logging

import ipywidgets
import pytest
from fakes import attach, open_page
from test_bridge_kernel import hub, subscribed  # noqa: F401 (a fixture)

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


def test_every_cellwire_callback_takes_remove(link):
    """Channel's and Element's (ipywidgets' own on_click/on_submit/observe are ipywidgets')."""
    seen: list[object] = []
    channel = cw.Channel()
    channel.on_message(seen.append)
    channel.on_message(seen.append, remove=True)
    element = cw.Element("<b>x</b>")
    listener = element.on("click", seen.append)
    element.on("click", seen.append, remove=True)
    comm = open_page(link)
    attach(comm, channel)
    comm.deliver({"op": "msg", "view": "v1", "data": {"n": 1}})
    assert seen == [] and listener.event == "click"


def test_a_raising_click_handler_of_a_bridged_button_still_lets_the_next_run_and_answers_idle(hub, caplog, capsys):  # noqa: F811
    """Was the same test on cellwire's own Button: a click from a page, through the bridge's hub."""
    view = subscribed(hub)
    button = ipywidgets.Button(description="go")
    hub.comm_manager.comms[button.model_id] = button.comm
    ran: list[str] = []
    button.on_click(lambda b: 1 / 0)
    button.on_click(lambda b: ran.append("second"))
    view.sent.clear()
    click = {"method": "custom", "content": {"event": "click"}}
    with caplog.at_level(logging.WARNING):
        hub.on_page_message(view, {"op": "comm_msg", "comm_id": button.model_id, "msg_id": "m1", "data": click}, [])
    assert ran == ["second"]
    # ipywidgets logs it, or has IPython show the traceback (in a kernel: in the cell) once a shell exists
    assert "ZeroDivisionError" in caplog.text + capsys.readouterr().out
    assert view.sent[-1][0] == {"op": "idle", "parent": "m1"}


def test_the_public_api_has_what_the_docs_name_and_the_wheel_no_bench_helpers():
    import importlib.util

    kept = ("Channel", "Element", "eval_js", "poll", "wait_for", "changes", "wait_click", "clicked", "encode_png")
    for name in kept:
        assert name in cw.__all__ and hasattr(cw, name), name
    for name in ("IntSlider", "interact", "jslink", "AnyWidget", "Model", "show"):  # retired (test_retired)
        assert name not in cw.__all__ and not hasattr(cw, name), name
    assert importlib.util.find_spec("cellwire.bench") is None
