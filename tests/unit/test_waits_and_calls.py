"""Busy-kernel logic without a kernel: waits across threads, interrupts, calls both ways over fake comms."""

from __future__ import annotations

import _thread
import importlib
import threading
import time

import pytest
import traitlets

from cellwire import Channel, rpc, serialize, wait
from cellwire.transport import identity
from cellwire.transport.kernel_link import KernelLink
from cellwire.wait import Changes, WouldDeadlock, changes, wait_for
from cellwire.transport.protocol import check_browser_message

from fakes import FakeComm
from test_link_dispatch import hello

# ``cellwire.link`` the attribute is the traitlets-style link() function; the module is this one.
link_module = importlib.import_module("cellwire.transport.kernel_link")


class Picked(traitlets.HasTraits):
    value = traitlets.Any(None)
    closed = False


def later(delay: float, fn) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(delay), fn()), daemon=True)
    thread.start()
    return thread


def observers(obj: traitlets.HasTraits) -> int:
    return sum(len(h) for by_type in obj._trait_notifiers.values() for h in by_type.values())


@pytest.fixture
def link(monkeypatch):
    """A link that behaves as if it had a subshell (events arrive on other threads)."""
    link = KernelLink(kernel=object(), comm_manager=None)
    link.kernel_id = "k-1"
    link.subshell_id = "sub-1"
    monkeypatch.setattr(link_module, "_link", link)
    return link


def open_page(link, comm_id="c1"):
    comm = FakeComm(comm_id)
    link._on_open(comm, hello())
    return comm


def attach(comm, target, view="v1"):
    comm.deliver({"op": "attach", "view": view, "target": target.target_id, "instance": identity.INSTANCE_ID})


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
    with pytest.raises(TimeoutError, match="Picked.value did not change within 0.2 s"):
        wait_for(picked, "value", timeout=0.2)
    assert 0.19 < time.monotonic() - start < 1
    assert observers(picked) == 0


def test_wait_for_is_interrupted_promptly_like_a_kernel_interrupt(link):
    picked = Picked()
    later(0.2, _thread.interrupt_main)  # what SIGINT from the kernel's interrupt does
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        wait_for(picked, "value")
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
    for value in changes(picked, "value", timeout=2):
        break
    assert value == 1 and observers(picked) == 0


def test_changes_ends_when_the_object_closes(link):
    picked = Picked()
    later(0.1, lambda: setattr(picked, "closed", True))
    assert list(Changes(picked, "value", None)) == []


def test_bad_arguments_say_what_to_do(link):
    with pytest.raises(AttributeError, match="no trait 'valu'; known: value"):
        wait_for(Picked(), "valu")
    with pytest.raises(TypeError, match="channel.wait_message"):
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
    thread.join()
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
    assert ch._waiters == []


# -- Python -> JS calls ---------------------------------------------------------------------------
def answer_calls(comm, respond):
    """Answer every kernel 'call' sent on ``comm`` from another thread, as a page would."""
    stop = threading.Event()

    def run():
        answered = set()
        while not stop.is_set():
            for data, buffers in list(comm.sent):
                if data.get("op") == "call" and data["id"] not in answered:
                    answered.add(data["id"])
                    reply, reply_buffers = respond(data, buffers)
                    comm.deliver({"op": "reply", "view": data["view"], "id": data["id"], **reply}, reply_buffers)
            time.sleep(0.005)
    threading.Thread(target=run, daemon=True).start()
    return stop


def test_call_sends_args_with_buffers_and_returns_the_value(link):
    ch = Channel()
    comm = open_page(link)
    attach(comm, ch)
    stop = answer_calls(comm, lambda data, bufs: (
        {"value": {"sum": data["args"][0] + data["args"][1], "echo": None}, "buffer_paths": [["value", "echo"]]},
        [bufs[0]]))
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
    with pytest.raises(rpc.CallTimeout, match="no answer from the view within 0.1 s"):
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

    comm.deliver({"op": "call", "view": "v1", "id": "b", "name": "blob", "args": [None], "buffer_paths": [["args", 0]]}, [b"xy"])
    data, buffers = comm.sent[-1]
    assert data == {"op": "reply", "view": "v1", "id": "b", "value": {"data": None, "n": 2},
                    "buffer_paths": [["value", "data"]]}
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


def test_split_and_join_binary_round_trip():
    np = pytest.importorskip("numpy")
    value = {"a": [1, b"xy", {"b": np.arange(3, dtype="uint8")}], "c": memoryview(b"z")}
    plain, paths, buffers = serialize.split_binary(value)
    assert plain == {"a": [1, None, {"b": None}], "c": None}
    assert paths == [["a", 1], ["a", 2, "b"], ["c"]]
    back = serialize.join_binary(plain, paths, buffers)
    assert bytes(back["a"][1]) == b"xy" and bytes(back["a"][2]["b"]) == b"\x00\x01\x02"
    assert bytes(serialize.join_binary(None, [[]], [memoryview(b"r")])) == b"r"
    with pytest.raises(ValueError, match="does not exist"):
        serialize.join_binary({}, [["x", 1]], [memoryview(b"")])


def test_new_messages_match_the_json_schemas(link):
    import json
    from importlib import resources

    jsonschema = pytest.importorskip("jsonschema")

    def schema(name):
        return json.loads(resources.files("cellwire").joinpath(f"schema/{name}.json").read_text())

    to_page, to_kernel = schema("kernel-to-browser"), schema("browser-to-kernel")
    ch = Channel()
    ch.expose(lambda x: x, name="echo")
    comm = open_page(link)
    attach(comm, ch)
    comm.deliver({"op": "call", "view": "v1", "id": "a", "name": "echo", "args": [None], "buffer_paths": [["args", 0]]}, [b"x"])
    comm.deliver({"op": "call", "view": "v1", "id": "b", "name": "nope"})
    stop = answer_calls(comm, lambda data, bufs: ({"value": 1}, []))
    try:
        ch.call("f", b"bin", timeout=5)
        ch.eval_js("1", timeout=5)
    finally:
        stop.set()
    sent = [data for data, _ in comm.sent]
    assert {"welcome", "attached", "reply", "call"} <= {m["op"] for m in sent}
    assert sent[0]["subshell"] == "sub-1"
    for message in sent:
        jsonschema.validate(message, to_page)
    for sample in [
        {"op": "call", "view": "v", "id": "1", "name": "f", "args": [None], "kwargs": {}, "buffer_paths": [["args", 0]]},
        {"op": "reply", "view": "v", "id": "1", "value": {"a": None}, "buffer_paths": [["value", "a"]]},
        {"op": "reply", "view": "v", "id": "1", "error": {"name": "TypeError", "message": "m", "stack": ""}},
    ]:
        jsonschema.validate(sample, to_kernel)
        check_browser_message(sample, len(sample.get("buffer_paths", [])))


def test_status_is_silenced_only_on_cellwire_subshell_thread():
    from cellwire.transport.subshell import create_subshell, silence_status

    class FakeKernel:
        def __init__(self):
            self.published = []

        def _publish_status(self, status, channel, parent=None):
            self.published.append((status, threading.current_thread().name))

    kernel = FakeKernel()
    assert create_subshell(kernel) is None  # no shell channel thread: no subshell
    assert silence_status(kernel, "abc")
    kernel._publish_status("busy", "shell")
    thread = threading.Thread(target=kernel._publish_status, args=("idle", "shell"), name="subshell-abc")
    thread.start()
    thread.join()
    other = threading.Thread(target=kernel._publish_status, args=("idle", "shell"), name="subshell-other")
    other.start()
    other.join()
    assert kernel.published == [("busy", "MainThread"), ("idle", "subshell-other")]
