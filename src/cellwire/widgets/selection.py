"""Dropdown, RadioButtons, ToggleButtons and SelectMultiple: choosing among ``options``.

``options`` is a list of labels, of ``(label, value)`` pairs, or a dict ``{label: value}``. Only
the labels and the selected index travel to the browser, so values may be any Python object;
``value``, ``label`` and ``index`` stay consistent in the kernel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from traitlets import Any as AnyTrait
from traitlets import Bool, Int, List, TraitError, Tuple, Unicode, observe, validate

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


class _Selection(Widget):
    """What single and multiple selection share: ``options`` as (label, value) pairs, and
    ``index``, ``label`` and ``value`` kept consistent whichever of them is set."""

    _page_writable = frozenset({"index"})

    options = AnyTrait(())
    _options_labels = List(Unicode()).tag(sync=True)
    description = Unicode("").tag(sync=True)
    disabled = Bool(False).tag(sync=True)

    def __init__(self, options: Iterable[Any] | Mapping[str, Any], value: Any, nothing: Any, **kwargs: Any) -> None:
        self._pairs: list[tuple[str, Any]] = []
        self._syncing = False
        index, label = kwargs.pop("index", nothing), kwargs.pop("label", nothing)
        super().__init__(**kwargs)
        self.options = options
        for name, given in (("value", value), ("label", label), ("index", index)):
            if given is not None and given != nothing:  # the first one given wins
                setattr(self, name, given)
                break

    # -- lookups, each with the error a user sees ------------------------------------------------
    def _check_index(self, index: Any) -> None:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(self._pairs):
            raise TraitError(f"index {index!r} is out of range: there are {len(self._pairs)} options")

    def _index_of_value(self, value: Any) -> int:
        for i, (_, v) in enumerate(self._pairs):
            if v is value or v == value:
                return i
        raise TraitError(f"{value!r} is not one of the options {[v for _, v in self._pairs]!r}")

    def _index_of_label(self, label: Any) -> int:
        labels = [lab for lab, _ in self._pairs]
        if label not in labels:
            raise TraitError(f"{label!r} is not one of the labels {labels!r}")
        return labels.index(label)

    # -- for subclasses --------------------------------------------------------------------------
    def _reselect_after_new_options(self) -> None:
        """The options were replaced: select what still can be."""

    def _select_from(self, name: str, new: Any) -> None:
        """``name`` (index, label or value) became ``new``: set the other two to match."""

    @observe("options")
    def _new_options(self, change: dict[str, Any]) -> None:
        self._pairs = _pairs(change["new"])
        self._options_labels = [label for label, _ in self._pairs]
        self._reselect_after_new_options()

    @observe("index", "value", "label")
    def _keep_consistent(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            self._select_from(change["name"], change["new"])
        finally:
            self._syncing = False

    def _repr_keys(self) -> list[str]:
        return ["value", "options", "description"]


class _Single(_Selection):
    value = AnyTrait(None, allow_none=True)
    label = Unicode(None, allow_none=True)
    index = Int(None, allow_none=True).tag(sync=True)

    def __init__(self, options: Iterable[Any] | Mapping[str, Any] = (), value: Any = None, **kwargs: Any) -> None:
        super().__init__(options, value, None, **kwargs)

    def _reselect_after_new_options(self) -> None:
        keep = self.index if self.index is not None and self.index < len(self._pairs) else (0 if self._pairs else None)
        self.index = None
        self.index = keep

    @validate("index")
    def _valid_index(self, proposal: dict[str, Any]) -> Any:
        if proposal["value"] is not None:
            self._check_index(proposal["value"])
        return proposal["value"]

    @validate("value")
    def _valid_value(self, proposal: dict[str, Any]) -> Any:
        if proposal["value"] is not None:
            self._index_of_value(proposal["value"])
        return proposal["value"]

    @validate("label")
    def _valid_label(self, proposal: dict[str, Any]) -> Any:
        if proposal["value"] is not None:
            self._index_of_label(proposal["value"])
        return proposal["value"]

    def _select_from(self, name: str, new: Any) -> None:
        if new is None:
            index = None
        elif name == "index":
            index = new
        else:
            index = self._index_of_label(new) if name == "label" else self._index_of_value(new)
        self.index = index
        self.label = None if index is None else self._pairs[index][0]
        self.value = None if index is None else self._pairs[index][1]

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
            f"{esc(label)}</label>"
            for i, (label, _) in enumerate(self._pairs)
        )
        return labelled(self.description, f"<span>{items}</span>")


class ToggleButtons(_Single):
    """Choose one option from a row of buttons."""

    _family = "selection"

    def _snapshot_html(self) -> str:
        items = "".join(
            f'<button aria-pressed="{"true" if i == self.index else "false"}"'
            f"{' style=background:#bbb' if i == self.index else ''}>{esc(label)}</button>"
            for i, (label, _) in enumerate(self._pairs)
        )
        return labelled(self.description, items)


class SelectMultiple(_Selection):
    """Choose several options from a list (Ctrl/Shift-click, or Space with the keyboard)."""

    _family = "selection"
    value = Tuple()
    label = Tuple()
    index = Tuple().tag(sync=True)
    rows = Int(5).tag(sync=True)

    def __init__(
        self, options: Iterable[Any] | Mapping[str, Any] = (), value: Iterable[Any] = (), **kwargs: Any
    ) -> None:
        super().__init__(options, tuple(value), (), **kwargs)

    def _reselect_after_new_options(self) -> None:
        self.index = ()

    @validate("index")
    def _valid_index(self, proposal: dict[str, Any]) -> Any:
        for i in proposal["value"]:
            self._check_index(i)
        return tuple(proposal["value"])

    @validate("value")
    def _valid_value(self, proposal: dict[str, Any]) -> Any:
        for value in proposal["value"]:
            self._index_of_value(value)
        return tuple(proposal["value"])

    def _select_from(self, name: str, new: Any) -> None:
        find = {"index": lambda i: i, "label": self._index_of_label, "value": self._index_of_value}[name]
        index = tuple(find(x) for x in new)
        self.index = index
        self.label = tuple(self._pairs[i][0] for i in index)
        self.value = tuple(self._pairs[i][1] for i in index)

    def _snapshot_html(self) -> str:
        items = "".join(
            f"<option{' selected' if i in self.index else ''}>{esc(label)}</option>"
            for i, (label, _) in enumerate(self._pairs)
        )
        return labelled(
            self.description,
            f'<select multiple disabled size="{min(self.rows, max(len(self._pairs), 1))}">{items}</select>',
        )


Select = Dropdown
