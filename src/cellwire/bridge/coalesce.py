"""Merging a widget's state updates that are not sent yet (``comms.BridgedComm`` paces them).

ipywidgets sends every change of a synced trait as ``{"method": "update", "state": {...},
"buffer_paths": [...]}`` with its binary values as buffers. Consecutive updates of one widget merge
into one that holds the last value of each key: a key's buffers (its ``buffer_paths`` start with
the key; ipywidgets leaves a binary top-level value out of ``state``) go with it.
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

    def message(self) -> tuple[dict[str, Any], list[Any]]:
        """The one update to send: its data and buffers."""
        paths: list[list[Any]] = []
        buffers: list[Any] = []
        for entries in self._buffers.values():
            for path, buffer in entries:
                paths.append(path)
                buffers.append(buffer)
        return {"method": "update", "state": self._state, "buffer_paths": paths}, buffers
