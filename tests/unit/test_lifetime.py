"""What keeps kernel objects alive: references, attached views and output pins (a Channel's, and
each display of an ipywidget: the bridge's ``WidgetDisplay``); and bad pages' floods of errors
(answers are rate-limited, every one is logged)."""

import gc
import logging
import weakref

import ipywidgets
from fakes import Page, make_link
from test_bridge_kernel import hub  # noqa: F401 (a fixture)

import cellwire as cw
from cellwire import target
from cellwire.bridge import snapshots
from cellwire.bridge.display import WidgetDisplay


def displayed(channel) -> str:
    """Display ``channel`` (its mimebundle, as IPython would ask for it); the output's element id."""
    html = channel._repr_mimebundle_()["text/html"]
    return html.split('id="', 1)[1].split('"', 1)[0]


def collected(ref: weakref.ref) -> bool:
    gc.collect()
    return ref() is None


def test_an_object_nothing_shows_or_references_is_freed():
    ref = weakref.ref(cw.Channel())
    assert collected(ref)
    assert all(t is not None for t in target._registry.values())


def test_a_display_pins_its_object_until_a_page_releases_that_output():
    channel = cw.Channel()
    first, second = displayed(channel), displayed(channel)
    ref, target_id = weakref.ref(channel), channel.target_id
    del channel
    assert not collected(ref) and target.find_target(target_id) is ref()
    assert target.release([first, "unknown-element"]) == 1
    assert not collected(ref)  # still shown by the second output
    assert target.release([second]) == 1
    assert collected(ref) and target.find_target(target_id) is None


def test_each_display_of_an_ipywidget_is_pinned_until_a_page_releases_it(hub):  # noqa: F811
    """Was the same test on cellwire's own IntSlider: each ``display(slider)`` is a target of its own."""
    slider = ipywidgets.IntSlider(2)
    first, second = WidgetDisplay(slider, hub), WidgetDisplay(slider, hub)
    refs = [weakref.ref(first), weakref.ref(second)]
    elements = [first.element_id, second.element_id]
    del first, second
    assert not collected(refs[0]) and not collected(refs[1])
    assert target.release([elements[0], "unknown-element"]) == 1
    assert collected(refs[0]) and not collected(refs[1])
    assert target.release([elements[1]]) == 1
    assert collected(refs[1])


def test_attached_views_keep_an_ipywidgets_display_alive_and_the_release_op_unpins(hub):  # noqa: F811
    link = make_link()
    page = Page(link, "c1")
    display = WidgetDisplay(ipywidgets.IntSlider(3), hub)
    el = display.element_id
    page.attach(display)
    ref = weakref.ref(display)
    del display
    page.comm.deliver({"op": "release", "outputs": [el]})
    assert not collected(ref)  # the attached view still shows it
    page.comm.deliver({"op": "detach", "view": "v1"})
    assert collected(ref)


def test_a_released_or_closed_display_is_no_longer_refreshed_nor_pinned(hub):  # noqa: F811
    slider = ipywidgets.IntSlider(4)
    display = WidgetDisplay(slider, hub)
    snapshots.track(display)
    ref = weakref.ref(display)
    gc.collect()
    tracked = len(snapshots._tracked)
    target.release([display.element_id])
    del display
    assert collected(ref) and len(snapshots._tracked) == tracked - 1  # nothing left to refresh
    other = WidgetDisplay(slider, hub)
    ref = weakref.ref(other)
    other.close()
    del other
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


def test_attaching_an_output_pins_it_again(hub):  # noqa: F811
    from cellwire.transport import identity

    page = Page(make_link(), "c1")
    display = WidgetDisplay(ipywidgets.IntSlider(6), hub)
    el = display.element_id
    target.release([el])
    page.comm.deliver(
        {"op": "attach", "view": "v1", "target": display.target_id, "instance": identity.INSTANCE_ID, "output": el}
    )
    assert page.comm.last["op"] == "attached" and target._pins[el] is display
