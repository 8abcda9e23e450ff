"""cellwire's own conformance with ipywidgets and anywidget (issue #12, item 7)."""

from __future__ import annotations

import anywidget
import traitlets

from cellwire.widgets.custom import wrap
from cellwire.widgets.interact import controls_for


class Unhashable(anywidget.AnyWidget):
    """Like plotly's FigureWidget: __eq__ defined, so no __hash__."""

    _esm = "export default { render() {} }"
    value = traitlets.Int(0).tag(sync=True)

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = None  # type: ignore[assignment]


def test_wrap_accepts_an_unhashable_widget_and_bridges_it_once():
    widget = Unhashable()
    assert wrap(widget) is wrap(widget)


def test_interact_over_a_tuple_starts_at_the_functions_default():
    def f(x=3, y=0.25, z=42):
        return x

    controls = controls_for(f, {"x": (1, 10), "y": (0.0, 1.0), "z": (1, 10)})
    assert controls["x"].value == 3 and controls["y"].value == 0.25
    assert 1 <= controls["z"].value <= 10  # a default outside the range is not forced in
