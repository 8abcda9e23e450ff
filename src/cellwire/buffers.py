"""Turning Python values into binary message buffers and back, without copies where possible."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

BufferLike = bytes | bytearray | memoryview | Any  # Any: objects with the buffer protocol (numpy)


def to_buffer(value: BufferLike) -> memoryview:
    """A flat byte view of ``value`` (bytes, bytearray, memoryview, numpy array, any buffer).

    Non-contiguous numpy arrays are copied into C order; everything else is shared, not copied.
    """
    if isinstance(value, memoryview):
        view = value
    else:
        try:
            view = memoryview(value)
        except TypeError:
            raise TypeError(
                f"cannot send {type(value).__name__} as a binary buffer: pass bytes, bytearray, "
                "memoryview or a numpy array"
            ) from None
    if not view.c_contiguous:
        import numpy as np  # only non-contiguous arrays get here

        view = memoryview(np.ascontiguousarray(value))  # type: ignore[arg-type]  # numpy arrays are buffers
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view


def to_buffers(values: Iterable[BufferLike] | None) -> list[memoryview]:
    """``to_buffer`` over a list; None means no buffers."""
    return [to_buffer(v) for v in values or ()]


def split_by_sizes(blob: memoryview, sizes: Sequence[int]) -> list[memoryview]:
    """Cut one reassembled upload back into the buffers it was made of."""
    if sum(sizes) != len(blob):
        raise ValueError(f"upload sizes add up to {sum(sizes)} bytes but {len(blob)} arrived")
    out, start = [], 0
    for size in sizes:
        out.append(blob[start : start + size])
        start += size
    return out
