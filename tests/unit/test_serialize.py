"""Binary values inside JSON: lifted out as buffers with paths, and put back."""

from __future__ import annotations

import pytest

from cellwire import serialize


def test_split_and_join_binary_round_trip():
    import numpy as np

    value = {"a": [1, b"xy", {"b": np.arange(3, dtype="uint8")}], "c": memoryview(b"z")}
    plain, paths, buffers = serialize.split_binary(value)
    assert plain == {"a": [1, None, {"b": None}], "c": None}
    assert paths == [["a", 1], ["a", 2, "b"], ["c"]]
    back = serialize.join_binary(plain, paths, buffers)
    assert bytes(back["a"][1]) == b"xy" and bytes(back["a"][2]["b"]) == b"\x00\x01\x02"
    assert bytes(serialize.join_binary(None, [[]], [memoryview(b"r")])) == b"r"
    with pytest.raises(ValueError, match="does not exist"):
        serialize.join_binary({}, [["x", 1]], [memoryview(b"")])
