"""Merging a widget's state updates that are not sent yet (``comms.BridgedComm`` paces them).

ipywidgets sends every change of a synced trait as ``{"method": "update", "state": {...},
"buffer_paths": [...]}`` with its binary values as buffers. Consecutive updates of one widget merge
into one that holds the last value of each key: a key's buffers (its ``buffer_paths`` start with
the key; ipywidgets leaves a binary top-level value out of ``state``) go with it.

Except a key set to None right after a value, or to a value right after None: some libraries use
a trait as an event, set to a message and at once back to None (plotly's ``FigureWidget`` sends
every restyle that way), and the page must see both. ``resets`` tells the caller to send what is
pending first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_UPDATE_KEYS = frozenset({"method", "state", "buffer_paths"})


def mergeable(data: Any, buffers: Sequence[Any] | None) -> bool:
    """Is this comm message's data a plain state update that can merge with others?"""
    if not isinstance(data, dict) or data.get("method") != "update" or not _UPDATE_KEYS.issuperset(data):
        return False
    paths = data.get("buffer_paths") or []
    return (
        isinstance(data.get("state"), dict)
        and isinstance(paths, list)
        and len(paths) == len(buffers or ())
        and all(isinstance(p, (list, tuple)) and p and isinstance(p[0], str) for p in paths)
    )


class PendingUpdate:
    """The merged updates of one widget since its last flush."""

    def __init__(self) -> None:
        self._state: dict[str, Any] = {}
        self._buffers: dict[str, list[tuple[list[Any], Any]]] = {}  # key -> (path, buffer) of its binaries

    def add(self, data: dict[str, Any], buffers: Sequence[Any] | None) -> None:
        """Merge one update (``mergeable``): its keys replace theirs, values and buffers alike."""
        state: dict[str, Any] = data["state"]
        paths: list[Any] = data.get("buffer_paths") or []
        for key in {*state, *(path[0] for path in paths)}:
            self._state.pop(key, None)
            self._buffers.pop(key, None)
        self._state.update(state)
        for path, buffer in zip(paths, buffers or (), strict=True):
            self._buffers.setdefault(path[0], []).append((list(path), buffer))

    def resets(self, data: dict[str, Any]) -> bool:
        """Would merging this update (``mergeable``) turn a pending key's value into None, or a
        pending None into a value?"""
        state: dict[str, Any] = data["state"]
        binary = {path[0] for path in data.get("buffer_paths") or []}
        for key in {*state, *binary}:
            if key in self._state:
                was_none = self._state[key] is None
            elif key in self._buffers:
                was_none = False
            else:
                continue
            if was_none != (key in state and state[key] is None and key not in binary):
                return True
        return False

    def message(self) -> tuple[dict[str, Any], list[Any]]:
        """The one update to send: its data and buffers."""
        paths: list[list[Any]] = []
        buffers: list[Any] = []
        for entries in self._buffers.values():
            for path, buffer in entries:
                paths.append(path)
                buffers.append(buffer)
        return {"method": "update", "state": self._state, "buffer_paths": paths}, buffers
