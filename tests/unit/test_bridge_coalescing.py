"""Bridged widgets' updates, paced and merged: the last value of each
key always arrives, other messages keep their order after them, a handled page message still
ends with its ``idle``, and nothing is left out on iopub but where no host manager can be
listening."""

from __future__ import annotations

import threading
import time

import comm
import ipykernel.comm.comm
import ipywidgets
import pytest
from test_bridge_kernel import Conn, FakeView, hub, subscribed  # noqa: F401 (a fixture)

from cellwire.bridge import comms
from cellwire.bridge.coalesce import PendingUpdate, mergeable


def settle(view, quiet=0.1, timeout=3.0):
    """Wait until nothing reached ``view`` for ``quiet`` seconds (deferred flushes are done)."""
    deadline = time.monotonic() + timeout
    count, since = len(view.sent), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.01)
        if len(view.sent) != count:
            count, since = len(view.sent), time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def comm_msgs(view, comm_id):
    return [(d, b) for d, b in view.sent if d.get("comm_id") == comm_id and d["op"] == "comm_msg"]


@pytest.fixture
def in_a_kernel(monkeypatch):
    """ipywidgets sends a change only through a comm that has a kernel."""
    monkeypatch.setattr(comms.BridgedComm, "kernel", object())


@pytest.fixture
def iopub(monkeypatch):
    """What the bridged comms publish on iopub: (msg_type, data) of each."""
    published = []

    def publish(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        published.append((msg_type, data))

    monkeypatch.setattr(ipykernel.comm.comm.BaseComm, "publish_msg", publish)
    return published


def test_updates_merge_key_by_key_with_their_buffers():
    pending = PendingUpdate()
    pending.add({"method": "update", "state": {"a": 1, "b": [1, None]}, "buffer_paths": [["b", 1]]}, [b"b1"])
    pending.add({"method": "update", "state": {"a": 2}, "buffer_paths": [["c"]]}, [b"c1"])  # c: binary, not in state
    pending.add({"method": "update", "state": {"c": "text now"}, "buffer_paths": []}, [])
    data, buffers = pending.message()
    assert data == {"method": "update", "state": {"a": 2, "b": [1, None], "c": "text now"}, "buffer_paths": [["b", 1]]}
    assert buffers == [b"b1"]
    pending.add({"method": "update", "state": {"b": [None, None]}, "buffer_paths": [["b", 0], ["b", 1]]}, [b"x", b"y"])
    data, buffers = pending.message()
    assert data["buffer_paths"] == [["b", 0], ["b", 1]] and buffers == [b"x", b"y"]


def test_only_plain_updates_merge():
    assert mergeable({"method": "update", "state": {"v": 1}, "buffer_paths": []}, None)
    assert mergeable({"method": "update", "state": {}, "buffer_paths": [["v"]]}, [b"x"])
    assert not mergeable({"method": "echo_update", "state": {"v": 1}, "buffer_paths": []}, None)
    assert not mergeable({"method": "custom", "content": {}}, None)
    assert not mergeable({"method": "update", "state": {"v": 1}, "other": 1}, None)
    assert not mergeable({"method": "update", "state": {}, "buffer_paths": [["v"]]}, [])  # a buffer missing
    assert not mergeable({"method": "update", "state": "nope"}, None)


def test_a_burst_of_20000_changes_sends_a_few_updates_and_the_last_value(hub, in_a_kernel):  # noqa: F811
    view = subscribed(hub)
    slider = ipywidgets.IntSlider(max=20000)
    view.sent.clear()
    start = time.monotonic()
    for i in range(1, 20001):
        slider.value = i
    elapsed = time.monotonic() - start
    settle(view)
    sent = [d["data"] for d, _ in comm_msgs(view, slider.model_id)]
    assert sent[-1]["state"] == {"value": 20000}
    assert {d["method"] for d in sent} == {"update"}
    assert len(sent) <= elapsed / comms.FLUSH_INTERVAL + 3 and len(sent) < 200, len(sent)


def test_many_widgets_in_a_loop_stay_under_the_iopub_rate_limit(hub, in_a_kernel):  # noqa: F811
    """Was test_model's test of cellwire's own models: all widgets together are paced too."""
    view = subscribed(hub)
    sliders = [ipywidgets.IntSlider(max=10**9) for _ in range(40)]
    view.sent.clear()
    start = time.monotonic()
    while time.monotonic() - start < 0.5:
        for slider in sliders:
            slider.value += 1
    settle(view, quiet=0.3)  # (a loaded machine's scheduler thread may pause between flushes)
    elapsed = time.monotonic() - start
    assert len(view.sent) / elapsed < 500, f"{len(view.sent)} messages in {elapsed:.2f} s"
    for slider in sliders:  # every widget still ends with its exact final value
        assert comm_msgs(view, slider.model_id)[-1][0]["data"]["state"] == {"value": slider.value}


def test_a_custom_message_an_echo_and_a_close_come_after_the_pending_updates(hub):  # noqa: F811
    view = subscribed(hub)
    c = comm.create_comm(target_name="jupyter.widget", data={"state": {}})
    box = comm.create_comm(target_name="jupyter.widget", data={"state": {}})
    for i in range(50):  # (some wait for their moment)
        c.send({"method": "update", "state": {"value": i}})
    c.send({"method": "custom", "content": {"n": 1}}, buffers=[b"raw"])
    methods = [(d["data"]["method"], d["data"].get("state")) for d, _ in comm_msgs(view, c.comm_id)]
    assert methods[-2:] == [("update", {"value": 49}), ("custom", None)]
    c.send({"method": "update", "state": {"value": 50}})
    c.send({"method": "echo_update", "state": {"value": 7}, "buffer_paths": []})
    methods = [(d["data"]["method"], d["data"].get("state")) for d, _ in comm_msgs(view, c.comm_id)]
    assert methods[-1] == ("echo_update", {"value": 7}) and ("update", {"value": 50}) in methods
    for _ in range(2):  # a container drops a child, then the child closes: in that order
        box.send({"method": "update", "state": {"children": []}})
    c.close()
    last = [(d["op"], d["comm_id"]) for d, _ in view.sent][-2:]
    assert last == [("comm_msg", box.comm_id), ("comm_close", c.comm_id)]


def test_changes_made_while_a_page_message_is_handled_end_with_its_idle(hub, in_a_kernel):  # noqa: F811
    view = subscribed(hub)
    slider = ipywidgets.IntSlider(max=5000)
    hub.comm_manager.comms[slider.model_id] = slider.comm
    progress = ipywidgets.IntProgress(max=5000)

    def on_value(change):  # a callback that loops: its own burst
        for i in range(5001):
            progress.value = i

    slider.observe(on_value, "value")
    view.sent.clear()
    msg = {"method": "update", "state": {"value": 3}, "buffer_paths": []}
    hub.on_page_message(view, {"op": "comm_msg", "comm_id": slider.model_id, "msg_id": "p1", "data": msg}, [])
    assert [d for d, _ in view.sent if d.get("idle")] == [view.sent[-1][0]]  # idle comes last...
    assert view.sent[-1][0]["idle"] == "p1"
    progress_msgs = comm_msgs(view, progress.model_id)
    assert progress_msgs[-1][0]["data"]["state"] == {"value": 5000}  # ...after the last value
    assert len(progress_msgs) < 500
    echo = comm_msgs(view, slider.model_id)[0][0]
    assert echo["data"]["method"] == "echo_update" and echo["parent"] == "p1"


def test_what_another_thread_sends_meanwhile_cannot_overtake_the_held_answer(hub):  # noqa: F811
    view = subscribed(hub)
    c = comm.create_comm(target_name="jupyter.widget", data={"state": {}})
    hub.comm_manager.comms[c.comm_id] = c

    def handle(msg):
        c.send({"method": "echo_update", "state": {"value": 1}, "buffer_paths": []})  # (held for the idle)
        other = threading.Thread(target=lambda: c.send({"method": "custom", "content": "from a cell"}))
        other.start()
        other.join()

    c.on_msg(handle)
    view.sent.clear()
    hub.on_page_message(view, {"op": "comm_msg", "comm_id": c.comm_id, "msg_id": "p2", "data": {}}, [])
    assert [d["data"]["method"] for d, _ in view.sent] == ["echo_update", "custom"]
    assert view.sent[-1][0]["idle"] == "p2"


def test_nothing_goes_on_iopub_only_while_no_host_manager_can_listen(hub, iopub, in_a_kernel, monkeypatch):  # noqa: F811
    slider = ipywidgets.IntSlider()  # no cellwire page shows widgets: a host's manager may be the one that does
    assert iopub[-1][0] == "comm_open"
    slider.value = 1
    comms.flush_pending()
    assert iopub[-1] == ("comm_msg", {"method": "update", "state": {"value": 1}, "buffer_paths": []})
    view = subscribed(hub)  # a page without a manager shows them (its host would have, else)
    iopub.clear()
    slider.value = 2
    slider.send({"n": 1})
    comms.flush_pending()
    assert [d["method"] for _, d in iopub] == ["custom"]  # offered there: only its updates are left out
    assert comm_msgs(view, slider.model_id)[-2][0]["data"]["state"] == {"value": 2}
    other = ipywidgets.IntSlider()  # not offered at all: no refusal to come, no console error
    other.value = 3
    other.send({"n": 2})
    comms.flush_pending()
    assert [d["method"] for _, d in iopub] == ["custom"] and comm_msgs(view, other.model_id)[-1][0]["data"][
        "content"
    ] == {"n": 2}
    monkeypatch.setattr(ipywidgets.Widget, "_control_comm", object())  # a host's manager connected (and
    iopub.clear()  # restored every widget through the control comm): everything goes there again
    other.value = 4
    slider.value = 5
    comms.flush_pending()
    assert sorted(d["state"]["value"] for _, d in iopub) == [4, 5]


def test_a_value_set_to_none_or_back_is_not_merged_away(hub):  # noqa: F811
    """plotly's FigureWidget sends each restyle as a trait set to a message and at once to None."""
    pending = PendingUpdate()
    pending.add({"method": "update", "state": {"msg": {"a": 1}, "n": 1}, "buffer_paths": []}, [])
    assert not pending.resets({"method": "update", "state": {"msg": {"b": 2}, "n": None}, "buffer_paths": [["n"]]})
    assert pending.resets({"method": "update", "state": {"msg": None}, "buffer_paths": []})
    view = subscribed(hub)
    c = comm.create_comm(target_name="jupyter.widget", data={"state": {}})
    for i in range(3):
        c.send({"method": "update", "state": {"_py2js_restyle": {"i": i}}, "buffer_paths": []})
        c.send({"method": "update", "state": {"_py2js_restyle": None}, "buffer_paths": []})
    comms.flush_pending()
    sent = [d["data"]["state"]["_py2js_restyle"] for d, _ in comm_msgs(view, c.comm_id)]
    assert sent == [{"i": 0}, None, {"i": 1}, None, {"i": 2}, None]
