"""Containers: VBox, HBox, Grid, Tab and Accordion. Children are other widgets, shown live inside
the container (each is its own model: it can also be displayed elsewhere and stays in sync)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from traitlets import Instance, Int, List, TraitError, Unicode, validate

from .base import Widget, esc
from .custom import wrap


class Children(List):  # type: ignore[type-arg]
    """A list of widgets; anywidget instances (from any package) are wrapped (``cellwire.wrap``)."""

    def __init__(self) -> None:
        super().__init__(Instance(Widget))

    def validate(self, obj: Any, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            value = [v if isinstance(v, Widget) or not hasattr(v, "_esm") else wrap(v) for v in value]
        return super().validate(obj, value)


class Box(Widget):
    """Lays out ``children`` in a flex box; VBox and HBox fix the direction."""

    _family = "layout"
    children = Children().tag(sync=True)
    gap = Unicode("6px").tag(sync=True)

    def __init__(self, children: Iterable[Widget] = (), **kwargs: Any) -> None:
        super().__init__(children=list(children), **kwargs)

    def _state_mark(self) -> int:
        children: list[Widget] = self.children
        return super()._state_mark() + sum(child._state_mark() for child in children)

    def _repr_keys(self) -> list[str]:
        return ["children"]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.children)} children)"

    def _direction(self) -> str:
        return "row"

    def _snapshot_html(self) -> str:
        inner = "".join(child._snapshot_block() for child in self.children)
        return f'<div style="display:flex;flex-direction:{self._direction()};gap:6px;flex-wrap:wrap">{inner}</div>'


class HBox(Box):
    """Children side by side."""


class VBox(Box):
    """Children one above the other."""

    def _direction(self) -> str:
        return "column"


class Grid(Box):
    """Children in a grid of ``n_columns`` columns (or a CSS ``template`` for the columns)."""

    n_columns = Int(2).tag(sync=True)
    template = Unicode("").tag(sync=True)

    def _snapshot_html(self) -> str:
        cols = self.template or f"repeat({self.n_columns}, auto)"
        inner = "".join(child._snapshot_block() for child in self.children)
        return f'<div style="display:grid;grid-template-columns:{esc(cols)};gap:6px">{inner}</div>'


GridBox = Grid


class _Titled(Box):
    _page_writable = frozenset({"selected_index"})
    titles = List(Unicode()).tag(sync=True)
    selected_index = Int(0, allow_none=True).tag(sync=True)

    def __init__(self, children: Iterable[Widget] = (), titles: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(children=children, titles=list(titles), **kwargs)

    @validate("selected_index")
    def _valid_index(self, proposal: dict[str, Any]) -> Any:
        index = proposal["value"]
        if index is not None and not 0 <= index < max(len(self.children), 1):
            raise TraitError(f"selected_index {index} is out of range: there are {len(self.children)} children")
        return index

    def title(self, i: int) -> str:
        return self.titles[i] if i < len(self.titles) and self.titles[i] else f"{i + 1}"

    def set_title(self, index: int, title: str) -> None:
        """Set the title of child ``index`` (ipywidgets' API)."""
        titles = list(self.titles) + [""] * (len(self.children) - len(self.titles))
        titles[index] = title
        self.titles = titles


class Tab(_Titled):
    """Children as tabs; ``selected_index`` is the one shown."""

    def _snapshot_html(self) -> str:
        heads = " | ".join(
            f"<b>{esc(self.title(i))}</b>" if i == self.selected_index else esc(self.title(i))
            for i in range(len(self.children))
        )
        body = ""
        if self.selected_index is not None and self.selected_index < len(self.children):
            body = self.children[self.selected_index]._snapshot_block()
        return f'<div><div>{heads}</div><div style="border-top:1px solid #999;padding-top:4px">{body}</div></div>'


class Accordion(_Titled):
    """Children in collapsible sections; ``selected_index`` is the open one (None: all closed)."""

    def _snapshot_html(self) -> str:
        parts = []
        for i, child in enumerate(self.children):
            is_open = " open" if i == self.selected_index else ""
            parts.append(
                f"<details{is_open}><summary>{esc(self.title(i))}</summary>{child._snapshot_block()}</details>"
            )
        return "<div>" + "".join(parts) + "</div>"
