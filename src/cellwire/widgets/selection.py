"""Dropdown, RadioButtons, ToggleButtons and SelectMultiple: choosing among ``options``.

``options`` is a list of labels, of ``(label, value)`` pairs, or a dict ``{label: value}``. Only
the labels and the selected index travel to the browser, so values may be any Python object;
``value``, ``label`` and ``index`` stay consistent in the kernel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from traitlets import Any as AnyTrait
from traitlets import Bool, Int, List, Tuple, TraitError, Unicode, observe, validate

from .base import Widget, esc, labelled


def _pairs(options: Any) -> list[tuple[str, Any]]:
    if isinstance(options, Mapping):
        return [(str(k), v) for k, v in options.items()]
    pairs = []
    for option in options:
        if isinstance(option, tuple) and len(option) == 2:
            pairs.append((str(option[0]), option[1]))
        else:
            pairs.append((str(option), option))
    return pairs


class _Single(Widget):
    options = AnyTrait(())
    value = AnyTrait(None, allow_none=True)
    label = Unicode(None, allow_none=True)
    index = Int(None, allow_none=True).tag(sync=True)
    _options_labels = List(Unicode()).tag(sync=True)
    description = Unicode("").tag(sync=True)
    disabled = Bool(False).tag(sync=True)

    def __init__(self, options: Iterable[Any] | Mapping[str, Any] = (), value: Any = None, **kwargs: Any) -> None:
        self._pairs: list[tuple[str, Any]] = []
        self._syncing = False
        index, label = kwargs.pop("index", None), kwargs.pop("label", None)
        super().__init__(**kwargs)
        self.options = options
        if value is not None:
            self.value = value
        elif label is not None:
            self.label = label
        elif index is not None:
            self.index = index

    @observe("options")
    def _new_options(self, change: dict[str, Any]) -> None:
        self._pairs = _pairs(change["new"])
        self._options_labels = [label for label, _ in self._pairs]
        keep = self.index if self.index is not None and self.index < len(self._pairs) else (0 if self._pairs else None)
        self.index = None
        self.index = keep

    @validate("index")
    def _valid_index(self, proposal: dict[str, Any]) -> Any:
        index = proposal["value"]
        if index is not None and not 0 <= index < len(self._pairs):
            raise TraitError(f"index {index} is out of range: there are {len(self._pairs)} options")
        return index

    @validate("value")
    def _valid_value(self, proposal: dict[str, Any]) -> Any:
        value = proposal["value"]
        if value is not None and not any(value is v or value == v for _, v in self._pairs):
            raise TraitError(f"{value!r} is not one of the options {[v for _, v in self._pairs]!r}")
        return value

    @validate("label")
    def _valid_label(self, proposal: dict[str, Any]) -> Any:
        label = proposal["value"]
        if label is not None and label not in [l for l, _ in self._pairs]:
            raise TraitError(f"{label!r} is not one of the labels {[l for l, _ in self._pairs]!r}")
        return label

    @observe("index", "value", "label")
    def _keep_consistent(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            name, new = change["name"], change["new"]
            if name == "index":
                index = new
            elif name == "label":
                index = None if new is None else [l for l, _ in self._pairs].index(new)
            else:
                index = None if new is None else next(i for i, (_, v) in enumerate(self._pairs) if v is new or v == new)
            self.index = index
            self.label = None if index is None else self._pairs[index][0]
            self.value = None if index is None else self._pairs[index][1]
        finally:
            self._syncing = False

    def _repr_keys(self) -> list[str]:
        return ["value", "options", "description"]

    def _snapshot_html(self) -> str:
        return labelled(self.description, f"<select disabled><option>{esc(self.label or '')}</option></select>")


class Dropdown(_Single):
    """Choose one option from a drop-down list."""

    _family = "selection"


class RadioButtons(_Single):
    """Choose one option from radio buttons (arrow keys move the choice)."""

    _family = "selection"

    def _snapshot_html(self) -> str:
        items = "".join(
            f'<label style="display:block"><input type="radio" disabled{" checked" if i == self.index else ""}> '
            f"{esc(label)}</label>" for i, (label, _) in enumerate(self._pairs))
        return labelled(self.description, f"<span>{items}</span>")


class ToggleButtons(_Single):
    """Choose one option from a row of buttons."""

    _family = "selection"

    def _snapshot_html(self) -> str:
        items = "".join(f'<button aria-pressed="{"true" if i == self.index else "false"}"'
                        f'{" style=background:#bbb" if i == self.index else ""}>{esc(label)}</button>'
                        for i, (label, _) in enumerate(self._pairs))
        return labelled(self.description, items)


class SelectMultiple(Widget):
    """Choose several options from a list (Ctrl/Shift-click, or Space with the keyboard)."""

    _family = "selection"
    options = AnyTrait(())
    value = Tuple()
    label = Tuple()
    index = Tuple().tag(sync=True)
    rows = Int(5).tag(sync=True)
    _options_labels = List(Unicode()).tag(sync=True)
    description = Unicode("").tag(sync=True)
    disabled = Bool(False).tag(sync=True)

    def __init__(self, options: Iterable[Any] | Mapping[str, Any] = (), value: Iterable[Any] = (),
                 **kwargs: Any) -> None:
        self._pairs: list[tuple[str, Any]] = []
        self._syncing = False
        index, label = kwargs.pop("index", ()), kwargs.pop("label", ())
        super().__init__(**kwargs)
        self.options = options
        if value:
            self.value = tuple(value)
        elif label:
            self.label = tuple(label)
        elif index:
            self.index = tuple(index)

    @observe("options")
    def _new_options(self, change: dict[str, Any]) -> None:
        self._pairs = _pairs(change["new"])
        self._options_labels = [label for label, _ in self._pairs]
        self.index = ()

    @validate("index")
    def _valid_index(self, proposal: dict[str, Any]) -> Any:
        index = tuple(proposal["value"])
        for i in index:
            if not isinstance(i, int) or not 0 <= i < len(self._pairs):
                raise TraitError(f"index {i!r} is out of range: there are {len(self._pairs)} options")
        return index

    @validate("value")
    def _valid_value(self, proposal: dict[str, Any]) -> Any:
        values = [v for _, v in self._pairs]
        for value in proposal["value"]:
            if not any(value is v or value == v for v in values):
                raise TraitError(f"{value!r} is not one of the options {values!r}")
        return tuple(proposal["value"])

    @observe("index", "value", "label")
    def _keep_consistent(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            name, new = change["name"], change["new"]
            if name == "index":
                index = tuple(new)
            elif name == "label":
                labels = [l for l, _ in self._pairs]
                index = tuple(labels.index(l) for l in new)
            else:
                index = tuple(next(i for i, (_, v) in enumerate(self._pairs) if v is x or v == x) for x in new)
            self.index = index
            self.label = tuple(self._pairs[i][0] for i in index)
            self.value = tuple(self._pairs[i][1] for i in index)
        finally:
            self._syncing = False

    def _repr_keys(self) -> list[str]:
        return ["value", "options", "description"]

    def _snapshot_html(self) -> str:
        items = "".join(f'<option{" selected" if i in self.index else ""}>{esc(label)}</option>'
                        for i, (label, _) in enumerate(self._pairs))
        return labelled(self.description, f'<select multiple disabled size="{min(self.rows, max(len(self._pairs), 1))}">'
                                          f"{items}</select>")


Select = Dropdown
