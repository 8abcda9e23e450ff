"""Issue 19, item 7: a page changes only what a view of a bridged widget edits; item 3: saved
snapshots hold no secret. (The tests of cellwire's retired own widgets are folded in here.)"""

from __future__ import annotations

import anywidget
import ipywidgets
import pytest
import traitlets

from cellwire.bridge import page_writes
from cellwire.bridge.static_html import plain_text, snapshot_html
from cellwire.transport.protocol import ProtocolError


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
    tab = ipywidgets.Tab([ipywidgets.Label("a"), ipywidgets.Label("b")])
    page_writes.check_update(tab, {"method": "update", "state": {"selected_index": 1}})
    with pytest.raises(ProtocolError, match="'children' of TabModel"):
        page_writes.check_update(tab, {"method": "update", "state": {"children": []}})
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
    foreign = ForeignKeyed(api_key=secret, city="Lyon")  # an anywidget (was also cellwire's own AnyWidget)
    assert secret not in snapshot_html(foreign) and "Lyon" in snapshot_html(foreign)


class ForeignKeyed(anywidget.AnyWidget):
    _esm = "export function render() {}"
    api_key = traitlets.Unicode("").tag(sync=True)
    city = traitlets.Unicode("").tag(sync=True)
