"""cellwire's own widget toolkit is retired: each of its names fails with what to use instead."""

from __future__ import annotations

import pytest

import cellwire as cw

#: The shared mapping (issue #17 item 1): retired name -> a word its replacement must contain.
SAME_IN_IPYWIDGETS = [
    "IntSlider",
    "FloatSlider",
    "IntRangeSlider",
    "FloatRangeSlider",
    "Text",
    "Textarea",
    "Checkbox",
    "ToggleButton",
    "Button",
    "Dropdown",
    "RadioButtons",
    "ToggleButtons",
    "SelectMultiple",
    "ColorPicker",
    "DatePicker",
    "Play",
    "Label",
    "HTML",
    "Image",
    "IntProgress",
    "FloatProgress",
    "Box",
    "HBox",
    "VBox",
    "GridBox",
    "Tab",
    "Accordion",
    "Output",
    "interact",
    "interactive",
    "interact_manual",
    "fixed",
    "link",
    "dlink",
    "jslink",
    "jsdlink",
]
OTHERS = {
    "Select": "ipywidgets.Dropdown",
    "Progress": "ipywidgets.FloatProgress",
    "Grid": "ipywidgets.GridBox",
    "Markdown": "IPython.display.Markdown",
    "Widget": "anywidget.AnyWidget",
    "Model": "anywidget.AnyWidget",
    "AnyWidget": "anywidget.AnyWidget",
    "show": "display(",
    "wrap": "the widget itself",
}
RETIRED = {**{name: f"ipywidgets.{name}" for name in SAME_IN_IPYWIDGETS}, **OTHERS}


@pytest.mark.parametrize("name", sorted(RETIRED))
def test_a_retired_name_is_an_attribute_error_naming_its_replacement(name):
    with pytest.raises(AttributeError) as caught:
        getattr(cw, name)
    message = str(caught.value)
    assert message.startswith(f"cellwire.{name} was retired: use ")
    assert RETIRED[name] in message and "(cellwire makes it live); see docs/migration.md" in message
    assert not hasattr(cw, name) and name not in cw.__all__


def test_the_image_hint_names_encode_png_and_an_unknown_name_is_a_plain_attribute_error():
    with pytest.raises(AttributeError, match=r"ipywidgets.Image\(value=cw.encode_png\(array\)\)"):
        cw.Image  # noqa: B018
    with pytest.raises(AttributeError, match=r"^module 'cellwire' has no attribute 'Nope'$"):
        cw.Nope  # noqa: B018


def test_every_kept_name_is_there():
    for name in cw.__all__:
        assert getattr(cw, name) is not None, name
