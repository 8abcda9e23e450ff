"""What keeps kernel objects alive: references, attached views and output pins; and bad pages'
floods of errors (answers are rate-limited, every one is logged)."""

import gc
import logging
import weakref

from fakes import Page, make_link

import cellwire as cw
from cellwire import target
from cellwire.widgets.base import MODEL_MIME


def displayed(widget) -> str:
    """Display ``widget`` (its mimebundle, as IPython would ask for it); the output's element id."""
    return widget._repr_mimebundle_()[MODEL_MIME]["el"]


def collected(ref: weakref.ref) -> bool:
    gc.collect()
    return ref() is None


def test_an_object_nothing_shows_or_references_is_freed():
    ref = weakref.ref(cw.IntSlider(1))
    assert collected(ref)
    assert all(t is not None for t in target._registry.values())


def test_a_display_pins_its_object_until_a_page_releases_that_output():
    slider = cw.IntSlider(2)
    first, second = displayed(slider), displayed(slider)
    ref, target_id = weakref.ref(slider), slider.target_id
    del slider
    assert not collected(ref) and target.find_target(target_id) is ref()
    assert target.release([first, "unknown-element"]) == 1
    assert not collected(ref)  # still shown by the second output
    assert target.release([second]) == 1
    assert collected(ref) and target.find_target(target_id) is None


def test_attached_views_keep_an_object_alive_and_the_release_op_unpins():
    link = make_link()
    page = Page(link, "c1")
    slider = cw.IntSlider(3)
    el = displayed(slider)
    page.attach(slider)
    ref = weakref.ref(slider)
    del slider
    page.comm.deliver({"op": "release", "outputs": [el]})
    assert not collected(ref)  # the attached view still shows it
    page.comm.deliver({"op": "detach", "view": "v1"})
    assert collected(ref)


def test_release_stops_refreshing_that_outputs_snapshot_and_close_drops_pins():
    slider = cw.IntSlider(4)
    slider._displays = [("d1", displayed(slider)), ("d2", displayed(slider))]
    target.release([slider._displays[0][1]])
    assert [d for d, _ in slider._displays] == ["d2"]
    label = cw.Label("x")
    displayed(label)
    ref = weakref.ref(label)
    label.close()
    del label
    assert collected(ref)


def test_an_output_widget_keeps_the_widgets_shown_inside_it():
    out = cw.Output()
    inner = cw.IntSlider(5)
    out.append_display_data(inner)
    ref = weakref.ref(inner)
    del inner
    el = out.outputs[0]["data"][MODEL_MIME]["el"]
    assert el not in target._pins  # the Output holds it, not its own (never shown) element
    assert not collected(ref)
    out.clear_output()
    assert collected(ref)


def test_error_answers_are_rate_limited_and_every_error_is_logged(monkeypatch):
    link = make_link()
    page = Page(link, "c1")
    now = [1000.0]
    monkeypatch.setattr("cellwire.transport.page_connection.time.monotonic", lambda: now[0])
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    cw.log.logger.addHandler(handler)
    before = len(page.comm.sent)
    try:
        for i in range(100):
            page.comm.deliver({"op": f"bad-{i}"})
    finally:
        cw.log.logger.removeHandler(handler)
    errors = [d for d, _ in page.comm.sent[before:] if d["op"] == "error"]
    assert len(errors) == 20
    assert len([line for line in lines if "unknown cellwire op 'bad-" in line]) == 100
    now[0] += 1.5
    page.comm.deliver({"op": "bad-again"})
    assert "80 earlier errors were only written to the server log" in page.comm.last["message"]


def test_oversized_values_make_short_error_messages():
    link = make_link()
    page = Page(link, "c1")
    page.comm.deliver({"op": "x" * 1_000_000})
    assert len(page.comm.last["message"]) < 500
    page.comm.deliver({"op": "msg", "view": "v" * 1_000_000})
    assert len(page.comm.last["message"]) < 500 and "view" not in page.comm.last


def test_a_refused_hello_forgets_its_comm():
    from fakes import FakeComm

    class Manager:
        def __init__(self):
            self.unregistered = []

        def unregister_comm(self, comm):
            self.unregistered.append(comm.comm_id)

    link = make_link()
    link.comm_manager = Manager()
    comm = FakeComm("refused")
    link._on_open(
        comm, {"content": {"data": {"op": "hello", "protocol": 99, "page": "p", "runtime": "x"}}, "header": {}}
    )
    assert comm.last["fatal"] and link.comm_manager.unregistered == ["refused"]


def test_attaching_an_output_pins_it_again():
    from cellwire.transport import identity

    page = Page(make_link(), "c1")
    slider = cw.IntSlider(6)
    el = displayed(slider)
    target.release([el])
    page.comm.deliver(
        {"op": "attach", "view": "v1", "target": slider.target_id, "instance": identity.INSTANCE_ID, "output": el}
    )
    assert page.comm.last["op"] == "attached" and target._pins[el] is slider
