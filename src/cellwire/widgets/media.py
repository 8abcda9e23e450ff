"""Image: PNG/JPEG bytes or a numpy array, shown as an image."""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

from traitlets import TraitType, Unicode, observe

from .base import Widget, esc


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


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpeg"
    if data.startswith(b"GIF8"):
        return "gif"
    if data.lstrip()[:5] in (b"<svg ", b"<?xml"):
        return "svg+xml"
    return None


class ImageData(TraitType[bytes, Any]):
    """Image bytes; a numpy array is encoded to PNG, bytearray/memoryview copied to bytes."""

    default_value = b""
    info_text = "image bytes (PNG, JPEG, GIF, SVG) or a numpy array"

    def validate(self, obj: Any, value: Any) -> bytes:
        if type(value).__module__ == "numpy":
            return encode_png(value)
        if isinstance(value, (bytearray, memoryview)):
            return bytes(value)
        if isinstance(value, bytes):
            return value
        self.error(obj, value)


class Image(Widget):
    """An image from PNG/JPEG/GIF/SVG bytes or a numpy array (encoded to PNG in the kernel).
    The bytes travel as a binary buffer; set ``value`` again to update it."""

    _family = "media"
    value = ImageData().tag(sync=True)
    format = Unicode("png").tag(sync=True)
    width = Unicode("").tag(sync=True)
    height = Unicode("").tag(sync=True)
    alt = Unicode("").tag(sync=True)

    def __init__(self, value: Any = b"", **kwargs: Any) -> None:
        super().__init__(value=value, **kwargs)
        self._detect_format({"new": self.value})

    @observe("value")
    def _detect_format(self, change: dict[str, Any]) -> None:
        kind = _sniff(change["new"])
        if kind:
            self.format = kind

    @classmethod
    def from_file(cls, path: str, **kwargs: Any) -> Image:
        """An Image of a PNG/JPEG/GIF/SVG file."""
        with open(path, "rb") as f:
            return cls(f.read(), **kwargs)

    def __repr__(self) -> str:
        return f"Image(format={self.format!r}, {len(self.value)} bytes)"

    def _snapshot_html(self) -> str:
        if not self.value:
            return "<span>(empty image)</span>"
        mime = self.format if "/" in self.format else f"image/{self.format}"
        size = "".join(f' {k}="{esc(v)}"' for k, v in (("width", self.width), ("height", self.height)) if v)
        src = f"data:{esc(mime)};base64,{base64.b64encode(self.value).decode()}"
        return f'<img src="{src}" alt="{esc(self.alt)}"{size}>'
