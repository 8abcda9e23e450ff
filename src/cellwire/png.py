"""``encode_png``: a numpy array as PNG bytes, for ``ipywidgets.Image(value=...)`` (no imaging library)."""

from __future__ import annotations

import struct
import zlib
from typing import Any


def encode_png(array: Any) -> bytes:
    """A numpy array (H×W gray, H×W×3 RGB or H×W×4 RGBA; uint8, or floats in [0, 1]) as PNG bytes."""
    import numpy as np

    a = np.asarray(array)
    if a.dtype != np.uint8:
        if np.issubdtype(a.dtype, np.floating):
            a = np.clip(np.nan_to_num(a) * 255 + 0.5, 0, 255)
        a = a.astype(np.uint8)
    if a.ndim == 2:
        color = 0
    elif a.ndim == 3 and a.shape[2] in (3, 4):
        color = 2 if a.shape[2] == 3 else 6
    else:
        raise ValueError(f"an image array must be H×W, H×W×3 or H×W×4, got shape {a.shape}")
    height, width = a.shape[:2]
    raw = np.concatenate([np.zeros((height, 1), np.uint8), a.reshape(height, -1)], axis=1).tobytes()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, color, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
