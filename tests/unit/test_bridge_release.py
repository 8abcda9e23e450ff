"""Which ipywidgets a released output takes with it (``cellwire.bridge.release``): the widget and
its parts that nothing else holds; never one a variable, another widget, another output or an
Output elsewhere holds."""

from __future__ import annotations

import gc

import ipywidgets as w
import pytest
from ipywidgets.widgets.widget import _instances

from cellwire.bridge.release import close_unheld


def never_shown(model_id: str) -> bool:
    return False


def release(make) -> tuple[str, list[str]]:
    """Make a widget held by no variable (``make()``), release it; (its id, the ids closed)."""
    model_id = make().model_id
    gc.collect()
    return model_id, close_unheld(model_id, never_shown)


@pytest.fixture(autouse=True)
def _closed_afterwards():
    """Each test sees only its own widgets, and closes them; other modules' (some with comms no
    manager knows, which cannot close) are set aside meanwhile."""
    others = dict(_instances)
    _instances.clear()
    yield
    w.Widget.close_all()
    _instances.update(others)


def test_an_unheld_widget_goes_with_its_layout_and_style_and_a_held_one_stays():
    model_id, closed = release(lambda: w.IntSlider(5))
    assert len(closed) == 3 and closed[0] == model_id
    assert all(i not in _instances for i in closed)
    kept = w.IntSlider(6)
    assert close_unheld(kept.model_id, never_shown) == []
    assert kept.comm is not None and kept.layout.comm is not None


def test_a_box_takes_its_unheld_children_and_leaves_a_held_child_whole():
    held = w.Text("held")
    model_id, closed = release(lambda: w.VBox([w.Label("gone"), held, w.HBox([w.Checkbox()])]))
    assert model_id in closed
    assert held.model_id not in closed and held.layout.model_id not in closed and held.comm is not None
    # box, its layout; the label and its layout and style; the inner box, its layout, the
    # checkbox and its layout and style
    assert len(closed) == 10


def test_another_output_a_container_elsewhere_or_a_link_keeps_a_widget():
    shown_id = w.IntSlider(1).model_id
    gc.collect()
    assert close_unheld(shown_id, lambda i: i == shown_id) == []  # another output still shows it
    outer = w.VBox([w.IntSlider(2)])
    assert close_unheld(outer.children[0].model_id, never_shown) == []  # a container holds it
    a = w.IntSlider()
    w.link((a, "value"), (w.IntSlider(), "value"))
    b_id = next(i for i, x in _instances.items() if isinstance(x, w.IntSlider) and x.value == 0 and x is not a)
    gc.collect()
    assert close_unheld(b_id, never_shown) == []  # the link holds it
    assert close_unheld(shown_id, never_shown) != []  # (once no output shows it, it goes)


def test_an_output_takes_the_widgets_it_shows_unless_an_output_elsewhere_shows_them_too():
    def output_showing_a_label():
        out = w.Output()
        out.append_display_data(w.Label("inside"))
        return out

    model_id, closed = release(output_showing_a_label)
    assert model_id in closed and len(closed) == 5  # the Output, its layout; the label, its layout, style
    shared = w.Label("shared")
    elsewhere = w.Output()
    for out in (elsewhere, w.Output()):
        out.append_display_data(shared)
    shared_id = shared.model_id
    del shared
    first = next(i for i, x in _instances.items() if x._model_name == "OutputModel" and x is not elsewhere)
    gc.collect()
    assert shared_id not in close_unheld(first, never_shown)
    assert shared_id in _instances
