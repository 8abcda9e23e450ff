"""Issue 19, item 7: a page changes only what a view of the widget edits (cellwire's widgets and
bridged ipywidgets); item 3: saved snapshots hold no secret."""

from __future__ import annotations

import anywidget
import ipywidgets
import pytest
import traitlets
from fakes import Page

import cellwire as cw
from cellwire.bridge import page_writes
from cellwire.bridge.static_html import plain_text, snapshot_html
from cellwire.transport.protocol import ProtocolError


def test_a_page_may_change_what_a_view_edits_and_nothing_else(link):
    slider, label, tab = cw.FloatSlider(1.0), cw.HTML("<b>hi</b>"), cw.Tab([cw.Label("a"), cw.Label("b")])
    page = Page(link, "p")
    for i, widget in enumerate((slider, label, tab)):
        page.attach(widget, f"v{i}")
    page.update({"value": 2.5, "readout_format": "2000000000"}, view="v0")
    reply = page.comm.model_msgs(slider.target_id)[-1][0]
    assert slider.value == 2.5 and slider.readout_format == ".2f"
    assert "a page may not change it (its views change: value)" in reply["errors"]["readout_format"]
    assert reply["state"]["readout_format"] == ".2f"  # the page's view snaps back
    page.update({"value": "<img src=x onerror=alert(1)>"}, view="v1")
    assert label.value == "<b>hi</b>"
    page.update({"selected_index": 1, "_jslinks": [["x", "y", "z"]]}, view="v2")
    assert tab.selected_index == 1 and tab._jslinks == []


def test_a_jslinked_key_and_a_custom_widgets_keys_are_page_writable(link):
    source, target = cw.IntSlider(1), cw.IntSlider(1, max=10)
    cw.jslink((source, "value"), (target, "max"))  # the page sets target.max and saves it

    class Counter(cw.AnyWidget):
        _esm = "export function render() {}"
        count = traitlets.Int(0).tag(sync=True)

    counter = Counter()
    page = Page(link, "p")
    page.attach(target, "t")
    page.attach(counter, "c")
    page.update({"max": 50}, view="t")
    page.update({"count": 3}, view="c")
    assert target.max == 50 and counter.count == 3


def test_bridged_ipywidgets_accept_only_what_their_views_edit():
    slider = ipywidgets.FloatSlider(1.0)
    html = ipywidgets.HTML("<b>hi</b>")
    page_writes.check_update(slider, {"method": "update", "state": {"value": 2.0}})
    page_writes.check_update(html, {"method": "request_state"})
    with pytest.raises(ProtocolError, match=r"may not change 'readout_format' of FloatSliderModel .*value"):
        page_writes.check_update(slider, {"method": "update", "state": {"value": 2, "readout_format": "~~~"}})
    with pytest.raises(ProtocolError, match="'value' of HTMLModel"):
        page_writes.check_update(html, {"method": "update", "state": {"value": "<img onerror>"}})
    with pytest.raises(ProtocolError, match="'layout'"):
        page_writes.check_update(slider, {"method": "update", "state": {"layout": "IPY_MODEL_x"}})
    assert page_writes.widget_of(slider.comm.comm_id) is slider
    # another library's widget: any key (ipyleaflet's map sets its own 'style') but its code
    foreign = ForeignKeyed()
    page_writes.check_update(foreign, {"method": "update", "state": {"city": "Oslo", "style": {}}})
    with pytest.raises(ProtocolError, match=r"'_esm' of AnyModel .*no page changes which code renders a widget"):
        page_writes.check_update(foreign, {"method": "update", "state": {"_esm": "alert(1)"}})
    # a key a jslink sets in the page (and saves) is writable
    other = ipywidgets.IntSlider(1)
    ipywidgets.jsdlink((other, "value"), (slider, "max"))
    page_writes.check_update(slider, {"method": "update", "state": {"max": 40.0}})
    with pytest.raises(ProtocolError, match="'min'"):
        page_writes.check_update(slider, {"method": "update", "state": {"min": 3.0}})
    ipywidgets.jslink((slider, "min"), (other, "max"))  # both ways: its source is set too
    page_writes.check_update(slider, {"method": "update", "state": {"min": 3.0}})


def test_a_bridged_page_update_of_a_key_no_view_edits_is_refused_by_the_hub():
    from test_bridge_kernel import FakeManager, subscribed

    from cellwire.bridge import comms
    from cellwire.bridge.hub import WidgetHub

    hub = WidgetHub(FakeManager())
    comms.install_hook(hub)
    try:
        slider = ipywidgets.IntSlider(3)
        hub.comm_manager.comms[slider.comm.comm_id] = slider.comm
        view = subscribed(hub)
        update = {"method": "update", "state": {"readout_format": "2000000000"}, "buffer_paths": []}
        with pytest.raises(ProtocolError, match="readout_format"):
            hub.on_page_message(
                view, {"op": "comm_msg", "comm_id": slider.comm.comm_id, "msg_id": "m", "data": update}, []
            )
        assert slider.readout_format == "d"
        assert view.sent[-1][0]["op"] == "idle"  # the page's manager still hears the message was handled
        update["state"] = {"value": 7}
        hub.on_page_message(view, {"op": "comm_msg", "comm_id": slider.comm.comm_id, "msg_id": "n", "data": update}, [])
        assert slider.value == 7
    finally:
        comms.uninstall_hook()


class Keyed(ipywidgets.DOMWidget):
    _model_name = traitlets.Unicode("KeyedModel").tag(sync=True)
    api_key = traitlets.Unicode("").tag(sync=True)
    accessToken = traitlets.Unicode  # noqa: N815 (a JavaScript-style name)("").tag(sync=True)
    city = traitlets.Unicode("").tag(sync=True)


class CwKeyed(cw.AnyWidget):
    _esm = "export function render() {}"
    client_secret = traitlets.Unicode("").tag(sync=True)
    city = traitlets.Unicode("").tag(sync=True)


def test_snapshots_and_saved_text_hold_no_secret():
    secret = "sk-live-0123456789"
    keyed = Keyed(api_key=secret, accessToken=secret, city="Lyon")
    password = ipywidgets.Password(value=secret, description="password")
    both = ipywidgets.VBox([keyed, password])
    saved = snapshot_html(both) + str(plain_text(both))  # (ipywidgets' repr of a box has its children's)
    assert secret not in saved
    assert (
        "Lyon" in saved and "VBox(children=(Keyed(city='Lyon'), Password(description='password')))" in saved
    )  # what is not secret is still shown
    assert "•" not in snapshot_html(password)  # not even its length
    mine = CwKeyed(client_secret=secret, city="Lyon")
    assert secret not in mine._snapshot_html() and "Lyon" in mine._snapshot_html()
    foreign = ForeignKeyed(api_key=secret, city="Lyon")
    assert secret not in cw.wrap(foreign)._snapshot_html() and "Lyon" in cw.wrap(foreign)._snapshot_html()


class ForeignKeyed(anywidget.AnyWidget):
    _esm = "export function render() {}"
    api_key = traitlets.Unicode("").tag(sync=True)
    city = traitlets.Unicode("").tag(sync=True)
