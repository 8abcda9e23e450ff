"""The ipywidgets bridge's kernel logic without a kernel: the create_comm hook, the hub's routing
(one carrier per page), the msg_id every answer carries and the idle each handled message gets,
the control comm's states, and Output capture."""

from __future__ import annotations

import comm
import ipywidgets
import pytest

from cellwire.bridge import capture, comms
from cellwire.bridge.hub import WidgetHub, _Answer, widget_states
from cellwire.transport.protocol import ProtocolError


class Conn:
    def __init__(self, conn_id):
        self.id = conn_id
        self.page = f"page-{conn_id}"


class FakeView:
    def __init__(self, conn):
        self.connection = conn
        self.sent = []

    def send(self, data, buffers=()):
        self.sent.append((data, [bytes(b) for b in buffers]))

    def ops(self):
        return [d["op"] for d, _ in self.sent]


class FakeManager:
    def __init__(self):
        self.comms = {}
        self.targets = {}

    def register_comm(self, c):
        self.comms[c.comm_id] = c


@pytest.fixture
def hub(monkeypatch):
    # A held answer goes out alone after HOLD_SECONDS; a loaded machine must not make that happen
    # in tests that check it is merged with `idle` (the long-callback test sets it back).
    monkeypatch.setattr(_Answer, "HOLD_SECONDS", 30.0)
    monkeypatch.setattr(comms.BridgedComm, "refusal_seen", False)  # (a kernel's life, not the test run's)
    hub = WidgetHub(FakeManager())
    comms.install_hook(hub)
    yield hub
    comms.flush_pending()
    comms.uninstall_hook()


def subscribed(hub, conn_id="a"):
    view = FakeView(Conn(conn_id))
    hub.add_view(view)
    hub.on_page_message(view, {"op": "subscribe", "id": "1"}, [])
    view.sent.clear()
    return view


def test_the_hook_bridges_widget_comms_only_and_uninstalls(hub):
    widget_comm = comm.create_comm(target_name="jupyter.widget", data={"state": {}})
    other = comm.create_comm(target_name="something.else")
    assert isinstance(widget_comm, comms.BridgedComm)
    assert not isinstance(other, comms.BridgedComm)
    comms.uninstall_hook()
    assert not isinstance(comm.create_comm(target_name="jupyter.widget"), comms.BridgedComm)


def test_each_subscribed_page_gets_each_message_once_through_its_oldest_ready_view(hub):
    a1 = subscribed(hub, "a")
    a2 = FakeView(a1.connection)
    hub.add_view(a2)
    hub.on_page_message(a2, {"op": "subscribe", "id": "2"}, [])
    b = subscribed(hub, "b")
    unsubscribed = FakeView(Conn("c"))
    hub.add_view(unsubscribed)
    c = comm.create_comm(target_name="jupyter.widget", data={"state": {"value": 1}}, buffers=[b"xy"])
    assert a1.ops() == ["comm_open"] and b.ops() == ["comm_open"]
    assert [op for op in a2.ops() if op != "reply"] == [] and unsubscribed.sent == []
    assert a1.sent[0][0]["target_name"] == "jupyter.widget" and a1.sent[0][1] == [b"xy"]
    hub.remove_view(a1)  # the next ready view of that page carries on
    c.send({"method": "update", "state": {"value": 2}})
    comms.flush_pending()  # (paced: it may wait for its moment)
    assert a2.sent[-1][0]["data"]["state"] == {"value": 2}


def test_a_handled_page_message_carries_its_msg_id_on_the_echo_and_ends_with_idle(hub):
    view = subscribed(hub)
    c = comm.create_comm(target_name="jupyter.widget", data={"state": {}})
    hub.comm_manager.comms[c.comm_id] = c
    c.on_msg(lambda msg: c.send({"method": "echo_update", "state": msg["content"]["data"]["state"]}))
    view.sent.clear()
    hub.on_page_message(
        view,
        {"op": "comm_msg", "comm_id": c.comm_id, "msg_id": "m1", "data": {"method": "update", "state": {"value": 3}}},
        [],
    )
    [(echo, _)] = view.sent  # one frame: the echo carries the idle
    assert echo["op"] == "comm_msg" and echo["parent"] == "m1" and echo["data"]["method"] == "echo_update"
    assert echo["idle"] == "m1"
    hub.on_page_message(
        view,
        {"op": "comm_msg", "comm_id": c.comm_id, "msg_id": "m0", "data": {"method": "update", "state": {"value": 5}}},
        [],
    )
    assert view.sent[-1][0]["op"] == "comm_msg" and view.sent[-1][0]["idle"] == "m0"
    c.on_msg(lambda msg: None)  # nothing sent back: idle alone
    hub.on_page_message(view, {"op": "comm_msg", "comm_id": c.comm_id, "msg_id": "m9", "data": {}}, [])
    assert view.sent[-1][0] == {"op": "idle", "parent": "m9"}
    c.send({"method": "update", "state": {"value": 4}})  # from the kernel itself: no parent
    comms.flush_pending()  # (paced: it may wait for its moment)
    assert "parent" not in view.sent[-1][0]


def test_an_unknown_model_is_a_clear_error_and_still_answers_idle(hub):
    view = subscribed(hub)
    with pytest.raises(ProtocolError, match="no widget nope"):
        hub.on_page_message(view, {"op": "comm_msg", "comm_id": "nope", "msg_id": "m2", "data": {}}, [])
    assert view.sent[-1][0] == {"op": "idle", "parent": "m2"}
    with pytest.raises(ProtocolError):
        hub.on_page_message(view, {"no": "op"}, [])


def test_a_front_end_refusing_the_comm_on_iopub_does_not_close_the_widget(hub):
    view = subscribed(hub)
    slider = ipywidgets.IntSlider(value=1)
    bridged = slider.comm
    assert isinstance(bridged, comms.BridgedComm)
    bridged.handle_close({"content": {"comm_id": bridged.comm_id, "data": {}}})  # as JupyterLab does
    assert bridged.iopub_refused and not bridged._closed
    bridged.send({"method": "update", "state": {"value": 5}})  # (what a change sends, in a kernel)
    comms.flush_pending()  # (paced: it may wait for its moment)
    assert view.sent[-1][0]["data"]["state"] == {"value": 5}


def test_after_a_refusal_no_widget_is_offered_on_iopub_even_with_no_page_subscribed(hub, monkeypatch):
    monkeypatch.setattr(ipywidgets.Widget, "_control_comm", None)
    assert hub.host_may_listen()  # no page, no refusal: a host with a manager may be drawing
    first = ipywidgets.IntSlider()
    assert first.comm.iopub_offered
    first.comm.handle_close({"content": {"comm_id": first.comm.comm_id, "data": {}}})  # JupyterLab's refusal
    assert not hub.host_may_listen()  # (all outputs cleared: no page subscribed, still no manager)
    assert not ipywidgets.IntSlider().comm.iopub_offered  # not refused one by one again
    monkeypatch.setattr(ipywidgets.Widget, "_control_comm", object())  # a manager connects after all
    assert hub.host_may_listen() and ipywidgets.IntSlider().comm.iopub_offered


def test_a_box_holding_a_closed_widget_is_left_out_of_the_states_not_every_other_widget(hub, caplog):
    closed = ipywidgets.IntSlider()
    box = ipywidgets.VBox([closed])
    other = ipywidgets.IntSlider(value=7)
    comm.get_comm_manager().register_comm(closed.comm)  # (as a kernel does; close unregisters it)
    closed.close()  # still in box.children: ipywidgets cannot name it in the box's state
    states, _, _ = widget_states()
    assert states[other.model_id]["state"]["value"] == 7
    assert box.model_id not in states
    widget_states()
    told = [r.getMessage() for r in caplog.records if box.model_id in r.getMessage()]
    assert len(told) == 1 and "a widget it holds was closed" in told[0], told


def test_the_control_comm_answers_every_widget_state_to_the_page_that_asked(hub):
    view = subscribed(hub)
    slider = ipywidgets.IntSlider(value=6)
    hub.on_page_message(
        view,
        {
            "op": "comm_open",
            "comm_id": "ctl",
            "target_name": "jupyter.widget.control",
            "msg_id": "o1",
            "data": {},
            "metadata": {"version": "1.0.0"},
        },
        [],
    )
    hub.on_page_message(
        view, {"op": "comm_msg", "comm_id": "ctl", "msg_id": "r1", "data": {"method": "request_states"}}, []
    )
    answer = next(d for d, _ in view.sent if d.get("comm_id") == "ctl" and d["op"] == "comm_msg")
    assert answer["data"]["method"] == "update_states" and answer["parent"] == "r1"
    assert answer["data"]["states"][slider.model_id]["state"]["value"] == 6
    assert answer["idle"] == "r1"
    hub.on_page_message(view, {"op": "subscribe", "id": "s", "states": True}, [])
    assert view.sent[-1][0]["states"][slider.model_id]["state"]["value"] == 6  # the same, in one request


def test_a_long_callback_sends_what_it_holds_without_waiting_for_its_end(hub, monkeypatch):
    import time

    monkeypatch.setattr(_Answer, "HOLD_SECONDS", 0.02)
    view = subscribed(hub)
    c = comm.create_comm(target_name="jupyter.widget", data={"state": {}})
    hub.comm_manager.comms[c.comm_id] = c

    def slow(msg):
        c.send({"method": "update", "state": {"outputs": ["started"]}})
        time.sleep(0.3)

    c.on_msg(slow)
    view.sent.clear()
    hub.on_page_message(view, {"op": "comm_msg", "comm_id": c.comm_id, "msg_id": "long", "data": {}}, [])
    (progress, _), (idle, _) = view.sent
    assert progress["data"]["state"] == {"outputs": ["started"]} and "idle" not in progress
    assert idle == {"op": "idle", "parent": "long"}


def test_widget_states_carry_binary_values_as_buffers_with_paths():
    from cellwire.bridge.hub import widget_states

    image = ipywidgets.Image(value=b"\x89PNG-bytes")
    states, paths, buffers = widget_states()
    index = paths.index([image.model_id, "state", "value"])  # (relative to the entry, as ipywidgets)
    assert bytes(buffers[index]) == b"\x89PNG-bytes"
    assert "value" not in states[image.model_id]["state"]


def test_output_captures_prints_and_errors_in_the_kernel(hub):
    capture.install()
    try:
        out = ipywidgets.Output()
        with out:
            print("one")
            print("two")
        assert out.outputs == ({"output_type": "stream", "name": "stdout", "text": "one\ntwo\n"},)
        with out:
            raise ValueError("boom")  # shown in the Output (needs IPython for the traceback)
    except ValueError:
        pass  # outside IPython the exception propagates, as ipywidgets does
    finally:
        capture.uninstall()
    assert capture.current() is None


def test_tunnel_messages_follow_the_json_schema(hub):
    import json
    from importlib import resources

    import jsonschema

    schema = json.loads(resources.files("cellwire").joinpath("schema/ipywidgets-bridge.json").read_text())

    def check(instance, side):
        jsonschema.validate(instance, {"$defs": schema["$defs"], "$ref": f"#/$defs/{side}"})

    view = FakeView(Conn("s"))
    hub.add_view(view)
    page_msgs = [
        {"op": "subscribe", "id": "1"},
        {"op": "comm_info", "id": "2"},
        {"op": "module", "id": "3", "name": "no-such-widget-module"},
        {
            "op": "comm_open",
            "comm_id": "ctl",
            "target_name": "jupyter.widget.control",
            "msg_id": "o",
            "data": {},
            "metadata": {"version": "1.0.0"},
        },
        {"op": "comm_msg", "comm_id": "ctl", "msg_id": "r", "data": {"method": "request_states"}},
        {"op": "comm_close", "comm_id": "ctl", "msg_id": "c"},
        {"op": "report", "message": "the front-end of widget module 'x' failed while loading: boom"},
    ]
    slider = ipywidgets.IntSlider()
    for msg in page_msgs:
        check(msg, "page")
        hub.on_page_message(view, msg, [])
    slider.comm.send({"method": "update", "state": {"value": 2}})
    slider.close()
    assert {d["op"] for d, _ in view.sent} >= {"reply", "comm_msg", "idle", "comm_close"}
    for data, _ in view.sent:
        check(data, "kernel")
    reply = next(d for d, _ in view.sent if d.get("id") == "3")
    assert "install the Python package that provides 'no-such-widget-module'" in reply["error"]


@pytest.fixture
def published(monkeypatch):
    """What ``publish_display_data`` would have sent: (data, transient, update) of each call."""
    import IPython.display

    sent = []
    monkeypatch.setattr(
        IPython.display,
        "publish_display_data",
        lambda data, metadata=None, *, transient=None, update=False, **_: sent.append((data, transient, update)),
    )
    return sent


def shown(hub, widget, monkeypatch):
    """A bridged display of ``widget`` as ``display_widget`` makes it (IPython's formatting aside)."""
    from cellwire.bridge import display, snapshots

    def own_bundle(w):  # (anywidget's is (data, metadata))
        found = w._repr_mimebundle_()
        return found if isinstance(found, tuple) else (found, {})

    monkeypatch.setattr(display, "ipywidgets_bundle", own_bundle)
    target = display.WidgetDisplay(widget, hub)
    target.mimebundle()
    snapshots.track(target)
    return target


def refreshed(published):
    """Refresh now: {display_id: (data, update)} of what was sent."""
    from cellwire.bridge import snapshots

    published.clear()
    snapshots.refresh()
    return {transient["display_id"]: (data, update) for data, transient, update in published}


def test_a_bridged_snapshot_is_refreshed_once_cellwire_rendered_it_and_shows_the_last_values(
    hub, published, monkeypatch
):
    slider = ipywidgets.IntSlider(value=3, description="n")
    target = shown(hub, slider, monkeypatch)
    slider.value = 5
    assert target.display_id not in refreshed(published)  # not rendered by cellwire (yet)
    target._on_attach(FakeView(Conn("a")))
    data, update = refreshed(published)[target.display_id]
    assert update and f'id="{target.element_id}"' in data["text/html"]  # same output element
    assert 'value="5"' in data["text/html"] and "<code>5</code>" in data["text/html"]
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == slider.model_id
    assert target.display_id not in refreshed(published)  # unchanged: nothing sent

    child = ipywidgets.IntText(value=1)
    box = shown(hub, ipywidgets.VBox([ipywidgets.Label("inside"), child]), monkeypatch)
    box._on_attach(FakeView(Conn("a")))
    child.value = 42  # a child's change refreshes its container
    data, _ = refreshed(published)[box.display_id]
    assert 'value="42"' in data["text/html"] and "inside" in data["text/html"]
    comm.get_comm_manager().register_comm(slider.comm)  # (as a kernel does; close unregisters it)
    slider.close()
    child.value = 43
    assert list(refreshed(published)) == [box.display_id]  # the closed one's output stays as it was


def test_no_bridged_snapshot_is_refreshed_while_a_hosts_own_widget_manager_is_connected(hub, published, monkeypatch):
    slider = ipywidgets.IntSlider(value=1)
    target = shown(hub, slider, monkeypatch)
    target._on_attach(FakeView(Conn("a")))
    monkeypatch.setattr(ipywidgets.Widget, "_control_comm", object())  # as ipykernel's comm_open sets it
    slider.value = 2
    assert target.display_id not in refreshed(published)  # a refresh would re-render the host's view
    monkeypatch.setattr(ipywidgets.Widget, "_control_comm", None)
    assert target.display_id in refreshed(published)


def test_the_display_printer_declines_what_ipython_should_format_as_usual(hub):
    from cellwire.bridge import display

    closed = ipywidgets.IntSlider()
    comm.get_comm_manager().register_comm(closed.comm)
    closed.close()
    for widget in (ipywidgets.Widget(), closed):  # no view; closed
        with pytest.raises(NotImplementedError):
            display.display_widget(widget, hub)


def test_an_unhashable_widget_is_displayed_and_its_snapshot_kept_current(hub, published, monkeypatch):
    """Replaces test_conformance's ``wrap`` test (cw.wrap is retired): a widget with ``__eq__`` and
    no ``__hash__`` (plotly's FigureWidget) is displayed through the bridge and refreshed."""
    import anywidget
    import traitlets

    class Unhashable(anywidget.AnyWidget):
        _esm = "export default { render() {} }"
        value = traitlets.Int(0).tag(sync=True)

        def __eq__(self, other: object) -> bool:
            return False

        __hash__ = None  # type: ignore[assignment]

    widget = Unhashable()
    target = shown(hub, widget, monkeypatch)
    target._on_attach(FakeView(Conn("a")))
    widget.value = 7
    data, _ = refreshed(published)[target.display_id]
    assert "<code>7</code>" in data["text/html"]


def test_bridged_snapshots_escape_text_and_show_values():
    """Was test_widgets_kernel's snapshot test on cellwire's own widgets."""
    from cellwire.bridge.static_html import plain_text, snapshot_html

    label = snapshot_html(ipywidgets.Label('<script>alert("x")</script>'))
    assert "<script>" not in label and "&lt;script&gt;" in label
    text = snapshot_html(ipywidgets.Text('say "hi" <b>', description="<i>d</i>"))
    assert 'value="say &quot;hi&quot; &lt;b&gt;"' in text and "&lt;i&gt;d&lt;/i&gt;" in text
    tab = ipywidgets.Tab([ipywidgets.Label("p1")], titles=["T<1>"])
    box = snapshot_html(ipywidgets.VBox([ipywidgets.Checkbox(True, description="ok"), tab]))
    assert "checked" in box and "T&lt;1&gt;" in box and "p1" in box
    assert plain_text(ipywidgets.IntSlider(3)).startswith("IntSlider(value=3")


def test_a_widget_displayed_inside_an_output_pins_nothing_and_goes_with_the_output(hub, published, monkeypatch):
    """``with out: display(w)``: the captured output is drawn by the Output's view (nested-views.js),
    never by cellwire's loader, so no page attaches to it or ever releases it. A pin there would
    stay for good, and keep the widget from being closed with the Output."""
    import gc

    from cellwire.bridge import display, release
    from cellwire.target import _pins

    monkeypatch.setattr(display, "ipywidgets_bundle", lambda widget: (widget._repr_mimebundle_(), {}))
    pins_before = set(_pins)
    out = ipywidgets.Output()
    capture.install()  # (no shell here: the display is published, and added to the Output below)
    try:
        with out:
            display.display_widget(ipywidgets.IntSlider(3), hub)
    finally:
        capture.uninstall()
    ((data, _, _),) = published
    capture.append(out, {"output_type": "display_data", "data": data, "metadata": {}})
    slider_id = data["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert set(_pins) == pins_before
    out_id = out.model_id
    del out  # (only ipywidgets holds it now, as after `display(w.Output())`)
    gc.collect()
    # the Output's own output is released: it goes with the slider it shows (and their layouts, style)
    assert slider_id in release.close_unheld(out_id, display._pinned)


def test_a_released_display_closes_its_widget_unless_something_else_holds_it(hub, published, monkeypatch):
    """A page reports two outputs gone for good (``target.release``): the widget no variable holds
    is closed (``WidgetDisplay._on_release``), the one a variable holds stays open."""
    import gc

    from ipywidgets.widgets.widget import _instances

    from cellwire import target
    from cellwire.bridge import display

    monkeypatch.setattr(display, "ipywidgets_bundle", lambda widget: (widget._repr_mimebundle_(), {}))
    pins_before = set(target._pins)
    display.display_widget(ipywidgets.IntSlider(1), hub)
    kept = ipywidgets.IntSlider(2)
    display.display_widget(kept, hub)
    shown = {t.model_id: el for el, t in target._pins.items() if el not in pins_before}
    (gone_id,) = set(shown) - {kept.model_id}
    gc.collect()
    assert target.release(shown.values()) == 2
    assert gone_id not in _instances
    assert kept.comm is not None and kept.model_id in _instances


def test_an_output_only_jupyterlab_draws_is_shown_in_the_cell_once_with_why(hub, published, monkeypatch, tmp_path):
    """sidecar's shape: an Output subclass whose JupyterLab extension needs JupyterLab's widget
    manager, never displayed. Written to, it shows a stand-in in the cell once (a host's manager
    gets the widget itself there); a plain Output does not, nor any while a host's manager is seen."""
    import json

    from traitlets import Unicode

    from cellwire.bridge import display, stand_ins

    folder = tmp_path / "labextensions" / "cw-panel"
    folder.mkdir(parents=True)
    shared = {"@jupyter-widgets/jupyterlab-manager": {"bundled": False}}
    meta = {"name": "cw-panel", "jupyterlab": {"_build": {"load": "static/e.js"}, "sharedPackages": shared}}
    (folder / "package.json").write_text(json.dumps(meta))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.setattr(display, "ipywidgets_bundle", lambda w: (w._repr_mimebundle_(), {}))
    monkeypatch.setattr(capture, "before_write", lambda out: stand_ins.show_if_needed(out, hub))

    class Panel(ipywidgets.Output):
        _view_module = Unicode("cw-panel").tag(sync=True)

    capture.install()
    try:
        panel, plain = Panel(), ipywidgets.Output()
        with plain:
            print("plain")
        assert published == []
        with panel:
            print("hi")
        with panel:
            print("again")
        managed = Panel()
        monkeypatch.setattr(ipywidgets.Widget, "_control_comm", object())  # a host's manager draws it
        with managed:
            print("managed")
    finally:
        capture.uninstall()
    assert panel.outputs == ({"output_type": "stream", "name": "stdout", "text": "hi\nagain\n"},)
    ((data, _, update),) = published
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == panel.model_id  # for a host's manager
    assert "needs JupyterLab&#x27;s widget manager (@jupyter-widgets/jupyterlab-manager)" in data["text/html"]
    assert "the JupyterLab extension &#x27;cw-panel&#x27;" in data["text/html"] and not update


def test_a_widget_never_offered_on_iopub_still_sends_its_changes(hub, monkeypatch):
    """ipywidgets sends a change only through a comm whose ``kernel`` is set; ipykernel's plain
    comm sets it when it first publishes on iopub, which a widget shown by a page never does."""
    from ipykernel.kernelbase import Kernel

    kernel = object()
    monkeypatch.setattr(Kernel, "initialized", classmethod(lambda cls: True))
    monkeypatch.setattr(Kernel, "instance", classmethod(lambda cls, *args, **kwargs: kernel))
    view = subscribed(hub)  # a page shows bridged widgets and no host manager listens: not on iopub
    text = ipywidgets.IntText(1)
    assert not text.comm.iopub_offered and text.comm.kernel is kernel
    text.value = 42
    comms.flush_pending()
    updates = [d["data"] for d, _ in view.sent if d["op"] == "comm_msg" and d["comm_id"] == text.model_id]
    assert updates and updates[-1]["state"] == {"value": 42}


def test_the_saved_text_plain_of_a_big_box_is_cut_as_ipywidgets_cuts_its_own():
    """A box of 1,000 sliders is not written out whole into the notebook (nor made whole: that
    took ~0.1 s of its display): cut after 110 characters, as ipywidgets' own ``text/plain``."""
    from cellwire.bridge.static_html import plain_text

    box = ipywidgets.VBox([ipywidgets.IntSlider(i, description=f"w{i}") for i in range(300)])
    text = plain_text(box)
    assert text == box._repr_mimebundle_()["text/plain"] and len(text) == 111 and text.endswith("…")
    assert plain_text(ipywidgets.HBox([ipywidgets.Label("x")])) == "HBox(children=(Label(value='x'),))"
