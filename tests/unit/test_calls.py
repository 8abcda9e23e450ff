"""Calls both ways over fake comms: Python -> JavaScript (call, eval_js) and JavaScript -> Python."""

from __future__ import annotations

import time

import pytest
from fakes import answer_calls, attach, later, open_page

from cellwire import Channel, rpc

pytestmark = pytest.mark.subshell


# -- Python -> JS calls ---------------------------------------------------------------------------
def test_call_sends_args_with_buffers_and_returns_the_value(link):
    ch = Channel()
    comm = open_page(link)
    attach(comm, ch)
    stop = answer_calls(
        comm,
        lambda data, bufs: (
            {"value": {"sum": data["args"][0] + data["args"][1], "echo": None}, "buffer_paths": [["value", "echo"]]},
            [bufs[0]],
        ),
    )
    try:
        result = ch.call("add", 2, 3, b"\x01\x02", timeout=5)
    finally:
        stop.set()
    call = next(d for d, _ in comm.sent if d.get("op") == "call")
    assert call["name"] == "add" and call["args"] == [2, 3, None] and call["buffer_paths"] == [["args", 2]]
    assert result["sum"] == 5 and bytes(result["echo"]) == b"\x01\x02"
    assert rpc._pending == {}


def test_call_raises_the_js_error_and_eval_all_views_returns_a_list(link):
    ch = Channel()
    comm = open_page(link)
    attach(comm, ch, "v1")
    attach(comm, ch, "v2")

    def respond(data, bufs):
        if "code" in data:
            return {"value": data["view"]}, []
        return {"error": {"name": "TypeError", "message": "x is not a function", "stack": "TypeError: x\n at f"}}, []

    stop = answer_calls(comm, respond)
    try:
        with pytest.raises(rpc.JSError) as info:
            ch.call("f", timeout=5)
        assert info.value.name == "TypeError" and info.value.js_message == "x is not a function"
        assert "at f" in str(info.value)
        assert sorted(ch.eval_js("1", all_views=True, timeout=5)) == ["v1", "v2"]
    finally:
        stop.set()


def test_call_without_a_view_waits_then_says_what_to_do(link):
    ch = Channel()
    start = time.monotonic()
    with pytest.raises(rpc.NoViewError, match="Display it"):
        ch.call("f", timeout=0.2)
    assert time.monotonic() - start >= 0.19


def test_call_waits_for_a_view_that_attaches_meanwhile(link):
    ch = Channel()
    comm = open_page(link)
    stop = answer_calls(comm, lambda data, bufs: ({"value": "hi"}, []))
    later(0.1, lambda: attach(comm, ch))
    try:
        assert ch.call("f", timeout=5) == "hi"
    finally:
        stop.set()


def test_call_times_out_and_a_late_reply_is_ignored(link):
    ch = Channel()
    comm = open_page(link)
    attach(comm, ch)
    with pytest.raises(rpc.CallTimeout, match=r"no answer from the view within 0\.1 s"):
        ch.call("f", timeout=0.1)
    call = next(d for d, _ in comm.sent if d.get("op") == "call")
    comm.deliver({"op": "reply", "view": "v1", "id": call["id"], "value": 1})
    assert comm.last["op"] != "error"
    assert rpc._pending == {}


def test_a_view_going_away_fails_its_calls_at_once(link):
    ch = Channel()
    comm = open_page(link)
    attach(comm, ch)
    later(0.1, lambda: comm.deliver({"op": "detach", "view": "v1"}))
    start = time.monotonic()
    with pytest.raises(rpc.ViewGoneError, match="removed"):
        ch.call("f", timeout=5)
    assert time.monotonic() - start < 1


def test_unserializable_arguments_fail_before_sending(link):
    ch = Channel()
    comm = open_page(link)
    attach(comm, ch)
    with pytest.raises(TypeError):
        ch.call("f", object(), timeout=1)
    assert rpc._pending == {}


# -- JS -> Python calls ---------------------------------------------------------------------------
def test_page_invokes_exposed_python_functions(link):
    ch = Channel()

    @ch.expose
    def add(a, b, *, scale=1):
        return (a + b) * scale

    @ch.expose("blob")
    def make_blob(data):
        return {"data": bytes(data) * 2, "n": len(data)}

    ch.expose(lambda: 1 / 0, name="boom")
    comm = open_page(link)
    attach(comm, ch)

    comm.deliver({"op": "call", "view": "v1", "id": "a", "name": "add", "args": [1, 2], "kwargs": {"scale": 10}})
    assert comm.sent[-1] == ({"op": "reply", "view": "v1", "id": "a", "value": 30}, [])

    comm.deliver(
        {"op": "call", "view": "v1", "id": "b", "name": "blob", "args": [None], "buffer_paths": [["args", 0]]}, [b"xy"]
    )
    data, buffers = comm.sent[-1]
    assert data == {
        "op": "reply",
        "view": "v1",
        "id": "b",
        "value": {"data": None, "n": 2},
        "buffer_paths": [["value", "data"]],
    }
    assert buffers == [b"xyxy"]

    comm.deliver({"op": "call", "view": "v1", "id": "c", "name": "boom"})
    error = comm.last["error"]
    assert error["name"] == "ZeroDivisionError" and error["message"] == "division by zero"
    assert "Traceback" in error["stack"]

    comm.deliver({"op": "call", "view": "v1", "id": "d", "name": "nope"})
    assert comm.last["error"]["name"] == "LookupError" and "add, blob, boom" in comm.last["error"]["message"]

    ch.expose(lambda: object(), name="weird")
    comm.deliver({"op": "call", "view": "v1", "id": "e", "name": "weird"})
    assert comm.last["error"]["name"] == "TypeError"
