"""Keeping saved outputs' snapshots current.

A widget's output holds a static HTML snapshot of its values, so a notebook reopened without a
kernel (untrusted, nbconvert, GitHub) shows them. After each executed cell, every displayed widget
whose state changed since its snapshot gets ``update_display_data`` with a fresh snapshot; the
page moves the live view into the refreshed output (same element id), so nothing re-renders.
Changes made in the browser are therefore saved once the next cell has run (or ``refresh()``).

Tracked are the bridge's displays of ipywidgets (``display.WidgetDisplay``, a ``Snapshotted``).
"""

from __future__ import annotations

import weakref
from typing import Any, Protocol

from ..log import logger


class Snapshotted(Protocol):
    """What this module needs of a displayed object."""

    _snapshot_mark: Any

    @property
    def closed(self) -> bool: ...

    @property
    def _displays(self) -> list[tuple[str, str]]:
        """(display_id, element_id) of each output to keep current."""

    def _state_mark(self) -> object:
        """Changes whenever the snapshot would."""

    def _bundle(self, element_id: str | None = None) -> dict[str, Any]:
        """A fresh mimebundle for output ``element_id``."""


_tracked: weakref.WeakSet[Snapshotted] = weakref.WeakSet()
_hooked = False


def track(widget: Snapshotted) -> None:
    """Refresh this widget's displays after cells that changed it."""
    global _hooked
    _tracked.add(widget)
    if not _hooked:
        try:
            from IPython import get_ipython

            shell = get_ipython()
        except Exception:
            shell = None
        if shell is not None:
            shell.events.register("post_run_cell", lambda *_: refresh())
            _hooked = True


def refresh(force: bool = False) -> int:
    """Send fresh snapshots for changed widgets now; returns how many displays were updated."""
    from IPython.display import publish_display_data

    count = 0
    for widget in list(_tracked):
        if widget.closed or not widget._displays:
            continue
        mark = widget._state_mark()
        if not force and mark == widget._snapshot_mark:
            continue
        widget._snapshot_mark = mark
        try:
            for display_id, element_id in widget._displays:
                publish_display_data(widget._bundle(element_id), transient={"display_id": display_id}, update=True)
                count += 1
        except Exception:
            logger.exception("could not refresh the snapshot of %r", widget)
    return count
