"""Model state on the wire: JSON with binary values lifted out as buffers, and model references.

Binary values (bytes, bytearray, memoryview, numpy arrays) anywhere in a state dict travel as
message buffers, never base64: ``split_binary`` replaces each by ``None`` and records its path
(``["value"]``, ``["points", 2, "data"]``); ``join_buffers`` puts them back. Models inside a state
are written as ``"IPY_MODEL_<id>"``, the convention Jupyter widget front-ends already know.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .buffers import to_buffer

MODEL_PREFIX = "IPY_MODEL_"
Path = list[Any]


def is_binary(value: Any) -> bool:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return True
    return type(value).__module__ == "numpy" and type(value).__name__ == "ndarray"


def split_binary(value: Any) -> tuple[Any, list[Path], list[memoryview]]:
    """``value`` with each binary part replaced by None, the paths of those parts from the root,
    and the parts as flat byte views."""
    paths: list[Path] = []
    buffers: list[memoryview] = []

    def walk(node: Any, path: Path) -> Any:
        if is_binary(node):
            paths.append(path)
            buffers.append(to_buffer(node))
            return None
        if isinstance(node, dict):
            return {k: walk(v, path + [k]) for k, v in node.items()}
        if isinstance(node, (list, tuple)):
            return [walk(v, path + [i]) for i, v in enumerate(node)]
        return node

    return walk(value, []), paths, buffers


def join_binary(value: Any, paths: Sequence[Sequence[Any]], buffers: Sequence[Any]) -> Any:
    """Put ``buffers`` back at ``paths`` inside ``value`` (in place; an empty path replaces the
    root); ValueError on a bad path."""
    if len(paths) != len(buffers):
        raise ValueError(f"{len(paths)} buffer paths but {len(buffers)} buffers")
    for path, buf in zip(paths, buffers, strict=False):
        if not path:
            value = buf
            continue
        node = value
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = buf
        except (KeyError, IndexError, TypeError):
            raise ValueError(f"buffer path {list(path)!r} does not exist in the message") from None
    return value


def join_buffers(
    state: dict[str, Any], paths: Sequence[Sequence[Any]], buffers: Sequence[memoryview]
) -> dict[str, Any]:
    """Put received buffers (as ``bytes``) back at their paths; raises ValueError on a bad path."""
    if any(not path for path in paths):
        raise ValueError("an empty buffer path")
    joined: dict[str, Any] = join_binary(state, paths, [bytes(buf) for buf in buffers])
    return joined
