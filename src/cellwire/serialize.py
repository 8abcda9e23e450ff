"""Binary values on the wire: JSON with binary values lifted out as buffers (calls both ways).

Binary values (bytes, bytearray, memoryview, numpy arrays) anywhere in a call's arguments or
result travel as message buffers, never base64: ``split_binary`` replaces each by ``None`` and
records its path (``["args", 0]``, ``["value", "points", 2]``); ``join_binary`` puts them back.
This is the convention of Jupyter widgets' ``buffer_paths``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .buffers import to_buffer

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
