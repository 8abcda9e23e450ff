"""Model state on the wire: JSON with binary values lifted out as buffers, and model references.

Binary values (bytes, bytearray, memoryview, numpy arrays) anywhere in a state dict travel as
message buffers, never base64: ``split_buffers`` replaces each by ``None`` and records its path
(``["value"]``, ``["points", 2, "data"]``); ``join_buffers`` puts them back. Models inside a state
are written as ``"IPY_MODEL_<id>"``, the convention Jupyter widget front-ends already know.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .buffers import to_buffer

MODEL_PREFIX = "IPY_MODEL_"
Path = list[Any]


def _is_binary(value: Any) -> bool:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return True
    return type(value).__module__ == "numpy" and type(value).__name__ == "ndarray"


def split_buffers(state: dict[str, Any]) -> tuple[dict[str, Any], list[Path], list[memoryview]]:
    """JSON-ready state, the paths of its binary values, and those values as flat byte views."""
    paths: list[Path] = []
    buffers: list[memoryview] = []

    def walk(value: Any, path: Path) -> Any:
        if _is_binary(value):
            paths.append(path)
            buffers.append(to_buffer(value))
            return None
        if isinstance(value, dict):
            return {k: walk(v, path + [k]) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(v, path + [i]) for i, v in enumerate(value)]
        return value

    return {k: walk(v, [k]) for k, v in state.items()}, paths, buffers


def join_buffers(state: dict[str, Any], paths: Sequence[Sequence[Any]], buffers: Sequence[memoryview]) -> dict[str, Any]:
    """Put received buffers (as ``bytes``) back at their paths; raises ValueError on a bad path."""
    if len(paths) != len(buffers):
        raise ValueError(f"{len(paths)} buffer paths but {len(buffers)} buffers")
    for path, buf in zip(paths, buffers):
        if not path:
            raise ValueError("an empty buffer path")
        node: Any = state
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = bytes(buf)
        except (KeyError, IndexError, TypeError):
            raise ValueError(f"buffer path {list(path)!r} does not exist in the state") from None
    return state
