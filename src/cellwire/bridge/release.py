"""Closing a displayed ipywidget once its outputs are gone for good and nothing else holds it.

ipywidgets keeps every widget in its registry until ``close()``, so ``display(w.IntSlider())``
would live as long as the kernel. cellwire's pins (``target.py``) say when an output is gone for
good (cleared, its cell deleted, its notebook closed; a reload releases nothing). Then the widget
is closed if the only references left are ipywidgets' own (its registry, its comm's callbacks),
and so are its layout, style, children and the widgets its Output shows that nothing else holds:
no variable, no other widget (a container, a link), no other output that is still shown.

Counting references (``sys.getrefcount``) instead of searching for referrers keeps a release of
1,000 outputs cheap: a search walks the whole heap for each widget.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from ..host_widget import WIDGET_VIEW
from ..log import logger


def _own_references(widget: Any) -> int:
    """References ipywidgets itself holds to ``widget``: its registry, its comm's callbacks."""
    from ipywidgets.widgets.widget import _instances

    count = 1 if _instances.get(widget.model_id) is widget else 0
    for name in ("_msg_callback", "_close_callback"):
        if getattr(getattr(widget.comm, name, None), "__self__", None) is widget:
            count += 1
    return count


def _shown_ids(outputs: Any) -> Iterator[str]:
    """Model ids of the widgets an Output's ``outputs`` show (held by id, not by reference)."""
    for output in outputs or ():
        view = (output.get("data") or {}).get(WIDGET_VIEW) if isinstance(output, dict) else None
        if isinstance(view, dict) and isinstance(view.get("model_id"), str):
            yield view["model_id"]


def _parts(widget: Any) -> tuple[Counter[str], set[str]]:
    """The widgets ``widget`` holds (its trait values: layout, style, children) with how many
    references it holds to each, and the ids of those its ``outputs`` show (an Output)."""
    from ipywidgets import Widget

    held: Counter[str] = Counter()
    for value in widget._trait_values.values():
        if isinstance(value, Widget) and value.comm is not None:
            held[value.model_id] += 1
        # (a tuple someone else holds too keeps its items alive: they are not counted as parts)
        elif isinstance(value, (tuple, list)) and sys.getrefcount(value) <= 3:
            for item in value:
                if isinstance(item, Widget) and item.comm is not None:
                    held[item.model_id] += 1
    return held, set(_shown_ids(getattr(widget, "outputs", None)))


def _unheld(model_id: str, from_parts: int) -> bool:
    from ipywidgets.widgets.widget import _instances

    widget = _instances.get(model_id)
    if widget is None or widget.comm is None:
        return False
    # (less this frame's `widget` and getrefcount's argument)
    return sys.getrefcount(widget) - 2 - _own_references(widget) - from_parts <= 0


def _shown_by_outputs(excluded: set[str]) -> set[str]:
    """Model ids shown by the open Output widgets not in ``excluded``."""
    from ipywidgets.widgets.widget import _instances

    shown: set[str] = set()
    for model_id, widget in list(_instances.items()):
        if model_id not in excluded and getattr(widget, "_model_name", "") == "OutputModel":
            shown.update(_shown_ids(widget.outputs))
    return shown


def close_unheld(model_id: str, still_shown: Callable[[str], bool]) -> list[str]:
    """Close the widget ``model_id`` and its parts if nothing but the outputs just released held
    them (``still_shown(id)``: another output of it is pinned); returns the ids closed."""
    from ipywidgets.widgets.widget import _instances

    if still_shown(model_id) or not _unheld(model_id, 0):
        return []
    closing = [model_id]
    from_parts: Counter[str] = Counter()
    index = 0
    while index < len(closing):
        held, shown = _parts(_instances[closing[index]])
        from_parts.update(held)
        index += 1
        for part in [*held, *shown]:
            if part not in closing and not still_shown(part) and _unheld(part, from_parts[part]):
                closing.append(part)
    members = set(closing)
    elsewhere = _shown_by_outputs(members)
    # (an Output elsewhere showing a part keeps it, and what it holds, alive: kept whole)
    if elsewhere & members:
        closing = [model_id] if model_id not in elsewhere else []
    for part in closing:
        widget = _instances.get(part)
        if widget is not None:
            try:
                widget.close()
            except Exception:
                logger.exception("cellwire: closing released widget %s failed", part)
    logger.debug("released widget %s: closed %d widgets", model_id, len(closing))
    return closing
