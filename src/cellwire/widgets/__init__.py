"""The standard widgets. Each is a ``Model`` whose view is an ES module in ``static/widgets/``,
written with the same ``render({model, el})`` contract as third-party (anywidget) modules."""

from .base import Widget
from .buttons import Button, Checkbox, ToggleButton
from .layout import Accordion, Box, Grid, GridBox, HBox, Tab, VBox
from .media import Image, encode_png
from .numbers import (
    FloatProgress,
    FloatRangeSlider,
    FloatSlider,
    IntProgress,
    IntRangeSlider,
    IntSlider,
    Play,
    Progress,
)
from .output import Output
from .pickers import ColorPicker, DatePicker
from .selection import Dropdown, RadioButtons, Select, SelectMultiple, ToggleButtons
from .text import HTML, Label, Markdown, Text, Textarea

__all__ = [
    "HTML",
    "Accordion",
    "Box",
    "Button",
    "Checkbox",
    "ColorPicker",
    "DatePicker",
    "Dropdown",
    "FloatProgress",
    "FloatRangeSlider",
    "FloatSlider",
    "Grid",
    "GridBox",
    "HBox",
    "Image",
    "IntProgress",
    "IntRangeSlider",
    "IntSlider",
    "Label",
    "Markdown",
    "Output",
    "Play",
    "Progress",
    "RadioButtons",
    "Select",
    "SelectMultiple",
    "Tab",
    "Text",
    "Textarea",
    "ToggleButton",
    "ToggleButtons",
    "VBox",
    "Widget",
    "encode_png",
]
