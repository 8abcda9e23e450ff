"""The names of cellwire's retired widget toolkit and what each one is now (docs/migration.md).

cellwire no longer has widgets of its own: users write ipywidgets and anywidget code, and cellwire
makes it live. A retired name stays importable only as an AttributeError that says what to use.
"""

from __future__ import annotations

_SAME_IN_IPYWIDGETS = [
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

_ANY_WIDGET = "anywidget.AnyWidget (traits .tag(sync=True), _esm/_css) or ipywidgets.DOMWidget"

#: retired name -> what to use instead
REPLACEMENTS: dict[str, str] = {
    **{name: f"ipywidgets.{name}" for name in _SAME_IN_IPYWIDGETS},
    "Image": "ipywidgets.Image (a numpy array: ipywidgets.Image(value=cw.encode_png(array)))",
    "Select": "ipywidgets.Dropdown (ipywidgets.Select is a list box)",
    "Progress": "ipywidgets.FloatProgress or ipywidgets.IntProgress",
    "Grid": (
        'ipywidgets.GridBox(children, layout=ipywidgets.Layout(grid_template_columns=f"repeat({n_columns}, auto)"))'
    ),
    "Markdown": "IPython.display.Markdown shown in an ipywidgets.Output (or ipywidgets.HTML)",
    "Widget": _ANY_WIDGET,
    "Model": _ANY_WIDGET,
    "AnyWidget": _ANY_WIDGET,
    "show": "display(widget)",
    "wrap": "the widget itself",
}


def retired_error(name: str) -> AttributeError | None:
    """The error for ``cellwire.<name>`` if ``name`` was retired, else None."""
    replacement = REPLACEMENTS.get(name)
    if replacement is None:
        return None
    return AttributeError(
        f"cellwire.{name} was retired: use {replacement} (cellwire makes it live); see docs/migration.md"
    )
