"""Issue #17's bad input, kernel side: a tunnelled widget message ipywidgets cannot apply is refused
by the hub (ipywidgets would print a traceback into no output), and a page sending for a closed widget is told once."""

from __future__ import annotations

import ipywidgets
import pytest
from test_bridge_kernel import hub, subscribed  # noqa: F401 (a fixture)

from cellwire.bridge import page_writes
from cellwire.transport.protocol import ProtocolError


@pytest.mark.parametrize(
    ("data", "buffers", "said"),
    [
        (None, 0, "needs a 'method'"),
        ({"method": 5}, 0, "needs a 'method'"),
        ({"method": "update", "state": [1]}, 0, "'state' must be an object"),
        ({"method": "update", "state": {"value": 1}, "buffer_paths": [["value"]]}, 0, "'buffer_paths'"),
        ({"method": "update", "state": {"value": 1}, "buffer_paths": [["nowhere", 3]]}, 1, "'buffer_paths'"),
        ({"method": "update", "state": {"value": 1}, "buffer_paths": "value"}, 1, "'buffer_paths'"),
        ({"method": "update", "state": {"value": "seven"}}, 0, r"IntSliderModel \w+ refused value='seven'"),
        ({"method": "update", "state": {"value": None}}, 0, "refused value=None"),
        ({"method": "update", "state": {"value": [1], "_view_count": 2}}, 0, r"refused value=\[1\]"),
        ({"method": "update", "state": {"description": "x"}}, 0, "may not change 'description'"),
    ],
)
def test_a_widget_message_ipywidgets_cannot_apply_is_refused(data, buffers, said):
    slider = ipywidgets.IntSlider(5)
    with pytest.raises(ProtocolError, match=said):
        page_writes.check_message(slider, data, buffers)
    assert slider.value == 5


def test_what_ipywidgets_applies_passes():
    slider, picker = ipywidgets.IntSlider(5), ipywidgets.Dropdown(options=["a", "b"])
    for data in (
        {"method": "update", "state": {"value": 7}},
        {"method": "update", "state": {"value": "7"}},  # (a CInt: ipywidgets casts it)
        {"method": "update", "state": {"value": 500}},  # (clamped to max by ipywidgets)
        {"method": "request_state"},
        {"method": "custom", "content": {"anything": 1}},
    ):
        page_writes.check_message(slider, data, 0)
    page_writes.check_message(picker, {"method": "update", "state": {"index": 1}}, 0)
    with pytest.raises(ProtocolError, match="refused index=7"):  # (its cross-check: out of range)
        page_writes.check_message(picker, {"method": "update", "state": {"index": 7}}, 0)
    upload = ipywidgets.FileUpload()
    state = {"value": [{"name": "a", "type": "", "size": 1, "last_modified": 0, "content": None}]}
    page_writes.check_message(
        upload, {"method": "update", "state": state, "buffer_paths": [["value", 0, "content"]]}, 1
    )
    page_writes.check_message(None, "anything", 3)  # (not a widget: a library's own comm)


def test_a_page_is_told_once_about_a_closed_widget(hub):  # noqa: F811
    view = subscribed(hub)
    slider = ipywidgets.IntSlider(1)
    model_id = slider.model_id
    slider.close()
    message = {"op": "comm_msg", "comm_id": model_id, "msg_id": "m", "data": {"method": "update", "state": {}}}
    with pytest.raises(ProtocolError, match=r"it was closed \(widget.close\(\)\)"):
        hub.on_page_message(view, message, [])
    for _ in range(3):  # the burst that follows: dropped quietly, each still answered
        hub.on_page_message(view, message, [])
    assert view.sent[-1][0] == {"op": "idle", "parent": "m"}
    with pytest.raises(ProtocolError, match="it was closed"):  # another page is told too
        hub.on_page_message(subscribed(hub, "b"), message, [])
