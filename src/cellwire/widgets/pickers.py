"""ColorPicker and DatePicker: a value picked with the browser's own input."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from traitlets import Bool, Instance, TraitError, Unicode, validate

from .base import Widget, esc, labelled

_COLOR = re.compile(r"#[0-9a-fA-F]{6}$|#[0-9a-fA-F]{3}$")


class ColorPicker(Widget):
    """A color as ``"#rrggbb"`` (short ``#rgb`` is expanded)."""

    _page_writable = frozenset({"value"})

    _family = "media"
    value = Unicode("#000000").tag(sync=True)
    description = Unicode("").tag(sync=True)
    disabled = Bool(False).tag(sync=True)
    concise = Bool(False).tag(sync=True)

    def __init__(self, value: str = "#000000", **kwargs: Any) -> None:
        super().__init__(value=value, **kwargs)

    @validate("value")
    def _valid_value(self, proposal: dict[str, Any]) -> str:
        value = proposal["value"]
        if not _COLOR.match(value):
            raise TraitError(f"{value!r} is not a color: use '#rrggbb'")
        if len(value) == 4:
            value = "#" + "".join(c * 2 for c in value[1:])
        return str(value).lower()

    def _snapshot_html(self) -> str:
        swatch = (
            f'<span style="display:inline-block;width:1.2em;height:1.2em;vertical-align:middle;'
            f'border:1px solid #888;background:{esc(self.value)}"></span>'
        )
        return labelled(self.description, f"{swatch} <code>{esc(self.value)}</code>")


def _date_to_json(value: dt.date | None, _widget: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _date_from_json(value: Any, _widget: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise TraitError(f"a date must be 'YYYY-MM-DD', got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise TraitError(f"{value!r} is not a date: use 'YYYY-MM-DD'") from None


class DatePicker(Widget):
    """A ``datetime.date`` (or None), picked with the browser's date input."""

    _page_writable = frozenset({"value"})

    _family = "media"
    value = Instance(dt.date, allow_none=True).tag(sync=True, to_json=_date_to_json, from_json=_date_from_json)
    description = Unicode("").tag(sync=True)
    disabled = Bool(False).tag(sync=True)

    def __init__(self, value: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(value=value, **kwargs)

    def _snapshot_html(self) -> str:
        shown = self.value.isoformat() if self.value else ""
        return labelled(self.description, f'<input type="date" disabled value="{esc(shown)}">')
