"""``cw.encode_png``: a numpy array as PNG bytes for ``ipywidgets.Image(value=...)``."""

from __future__ import annotations

import struct
import zlib

import ipywidgets
import numpy as np
import pytest

import cellwire as cw


def test_an_rgb_array_is_a_valid_png():
    data = cw.encode_png(np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, color = struct.unpack(">IIBB", data[16:26])
    assert (width, height, depth, color) == (3, 2, 8, 2)
    idat_len = struct.unpack(">I", data[33:37])[0]
    raw = zlib.decompress(data[41 : 41 + idat_len])
    assert raw == b"\x00" + bytes(range(9)) + b"\x00" + bytes(range(9, 18))


def test_gray_rgba_and_float_arrays_and_a_clear_error_for_other_shapes():
    assert struct.unpack(">IIBB", cw.encode_png(np.zeros((4, 5)))[16:26]) == (5, 4, 8, 0)
    assert struct.unpack(">IIBB", cw.encode_png(np.ones((1, 1, 4)))[16:26]) == (1, 1, 8, 6)
    with pytest.raises(ValueError, match="H×W, H×W×3 or H×W×4"):
        cw.encode_png(np.zeros((2, 2, 2)))


def test_it_is_what_an_ipywidgets_image_takes():
    image = ipywidgets.Image(value=cw.encode_png(np.zeros((2, 2, 3))), format="png")
    assert bytes(image.value).startswith(b"\x89PNG")
