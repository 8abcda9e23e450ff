"""Static HTML of an ipywidget's state, saved in its output: what a reader of the notebook sees
without a kernel (untrusted, nbconvert, GitHub). Plain markup, no script, no credential."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..bundle import escape, state_table
from ..redact import is_secret_name

_MAX_DEPTH = 6
_MAX_CHILDREN = 50
#: ipywidgets cuts a widget's ``text/plain`` after this many characters (``_repr_mimebundle_``).
_MAX_PLAIN = 110
_STYLE = "font:13px sans-serif;margin:2px 0"


def _label(widget: Any) -> str:
    description = getattr(widget, "description", "") or ""
    return f'<span style="opacity:.8;margin-right:.5em">{escape(description)}</span>' if description else ""


#: Traits of ipywidgets that say nothing a reader of a saved notebook wants.
_NOT_SHOWN = frozenset({"style", "comm", "keys", "log"})


def _value_text(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 200 else text[:197] + "…"


def snapshot_html(widget: Any, depth: int = 0) -> str:
    """A readable rendering of ``widget`` and its children."""
    try:
        return _render(widget, depth)
    except Exception as err:  # a widget's odd state must never break display
        return f'<div style="{_STYLE}"><b>{escape(type(widget).__name__)}</b> ({escape(type(err).__name__)})</div>'


def _render(widget: Any, depth: int) -> str:
    name = getattr(widget, "_model_name", "") or type(widget).__name__
    children = getattr(widget, "children", None)
    if (isinstance(children, (list, tuple)) and name.endswith("BoxModel")) or name in (
        "TabModel",
        "AccordionModel",
        "StackModel",
    ):
        if depth >= _MAX_DEPTH:
            return f"<div>{escape(type(widget).__name__)} …</div>"
        direction = "row" if name in ("HBoxModel", "GridBoxModel") else "column"
        parts = [snapshot_html(child, depth + 1) for child in list(children or ())[:_MAX_CHILDREN]]
        titles = getattr(widget, "titles", None) or ()
        if titles and name in ("TabModel", "AccordionModel"):
            parts = [f"<div><b>{escape(t)}</b>{p}</div>" for t, p in zip(titles, parts, strict=False)]
        return f'<div style="display:flex;flex-direction:{direction};gap:4px">{"".join(parts)}</div>'
    if name == "OutputModel":
        return _outputs(getattr(widget, "outputs", ()) or ())
    value = getattr(widget, "value", None)
    label = _label(widget)
    if name in ("IntSliderModel", "FloatSliderModel", "FloatLogSliderModel", "IntProgressModel", "FloatProgressModel"):
        lo, hi = getattr(widget, "min", 0), getattr(widget, "max", 100)
        return (
            f'<div style="{_STYLE}">{label}<input type="range" disabled min="{escape(lo)}" max="{escape(hi)}" '
            f'value="{escape(value)}" style="vertical-align:middle"> <code>{escape(_value_text(value))}</code></div>'
        )
    if name in ("IntRangeSliderModel", "FloatRangeSliderModel"):
        return f'<div style="{_STYLE}">{label}<code>{escape(_value_text(tuple(value or ())))}</code></div>'
    if name == "PasswordModel":  # never saved, nor its length
        return f'<div style="{_STYLE}">{label}<input type="password" disabled placeholder="(not saved)"></div>'
    if name in (
        "TextModel",
        "IntTextModel",
        "FloatTextModel",
        "BoundedIntTextModel",
        "BoundedFloatTextModel",
        "ComboboxModel",
    ):
        return f'<div style="{_STYLE}">{label}<input type="text" disabled value="{escape(value)}"></div>'
    if name == "TextareaModel":
        return f'<div style="{_STYLE}">{label}<textarea disabled>{escape(value)}</textarea></div>'
    if name in ("CheckboxModel", "ToggleButtonModel"):
        checked = " checked" if value else ""
        return f'<div style="{_STYLE}"><input type="checkbox" disabled{checked}> {escape(getattr(widget, "description", ""))}</div>'
    if name == "ButtonModel":
        return f'<div style="{_STYLE}"><button disabled>{escape(getattr(widget, "description", "") or "Button")}</button></div>'
    if name in ("HTMLModel", "HTMLMathModel", "LabelModel"):
        return f'<div style="{_STYLE}">{label}{escape(value)}</div>'
    if name in ("DropdownModel", "RadioButtonsModel", "SelectModel", "ToggleButtonsModel", "SelectionSliderModel"):
        label_value = getattr(widget, "label", None)
        return (
            f'<div style="{_STYLE}">{label}<select disabled><option>{escape(label_value if label_value is not None else "")}'
            "</option></select></div>"
        )
    if value is not None and isinstance(value, (bool, int, float, str)):
        return f'<div style="{_STYLE}">{label}<code>{escape(_value_text(value))}</code></div>'
    return _scalars(widget)


def _outputs(outputs: Any) -> str:
    parts = []
    for out in list(outputs)[:_MAX_CHILDREN]:
        kind = out.get("output_type")
        if kind == "stream":
            parts.append(f'<pre style="margin:0">{escape(out.get("text", ""))}</pre>')
        elif kind == "error":
            parts.append(f'<pre style="margin:0">{escape(out.get("ename", ""))}: {escape(out.get("evalue", ""))}</pre>')
        else:
            data = out.get("data") or {}
            if "image/png" in data:
                png = "".join(data["image/png"]) if isinstance(data["image/png"], list) else str(data["image/png"])
                parts.append(f'<img src="data:image/png;base64,{escape(png.strip())}">')
            elif "text/plain" in data:
                parts.append(f'<pre style="margin:0">{escape(data["text/plain"])}</pre>')
    return f"<div>{''.join(parts)}</div>"


def plain_text(widget: Any) -> str | None:
    """ipywidgets' ``repr`` of ``widget`` (its children's included) without the traits whose
    names say they are secrets: the saved ``text/plain``, refreshed like the snapshot, cut after
    ``_MAX_PLAIN`` characters as ipywidgets cuts its own (so a box of 1,000 sliders is not
    written out whole: that took ~0.1 s of its display). None when this ipywidgets has no
    ``_repr_keys`` (then its own repr stands)."""
    try:
        text = ""
        for piece in _plain(widget, 0):
            text += piece
            if len(text) > _MAX_PLAIN:
                return text[:_MAX_PLAIN] + "…"
        return text
    except Exception:
        return None


def _plain(value: Any, depth: int) -> Iterator[str]:
    """The pieces of ``value``'s plain text, in order (made only as far as they are read)."""
    if hasattr(value, "_repr_keys") and hasattr(value, "comm"):  # a widget
        if depth > _MAX_DEPTH:
            yield f"{type(value).__name__}(…)"
            return
        yield f"{type(value).__name__}("
        keys = [key for key in value._repr_keys() if not is_secret_name(key)]
        for i, key in enumerate(keys):
            yield f"{', ' if i else ''}{key}="
            yield from _plain(getattr(value, key), depth + 1)
        yield ")"
        return
    if isinstance(value, (list, tuple)) and any(hasattr(v, "_repr_keys") for v in value):
        yield "[" if isinstance(value, list) else "("
        for i, item in enumerate(value):
            if i:
                yield ", "
            yield from _plain(item, depth + 1)
        yield "]" if isinstance(value, list) else ("," if len(value) == 1 else "") + ")"
        return
    yield repr(value)


def _scalars(widget: Any) -> str:
    try:
        state = widget.get_state()
    except Exception:
        state = {}
    return state_table(type(widget).__name__, state, skip=_NOT_SHOWN, show=_value_text)
