import numpy as np
import pytest

from cellwire.buffers import split_by_sizes, to_buffer, to_buffers
from cellwire.transport.page_connection import Uploads
from cellwire.transport.protocol import ProtocolError


def test_bytes_and_arrays_become_flat_byte_views_without_copies():
    data = bytearray(b"abc")
    view = to_buffer(data)
    data[0] = ord("z")
    assert bytes(view) == b"zbc"
    arr = np.arange(6, dtype=np.float64).reshape(2, 3)
    view = to_buffer(arr)
    assert view.format == "B" and view.ndim == 1 and len(view) == 48
    assert np.shares_memory(np.frombuffer(view, dtype=np.float64), arr)


def test_non_contiguous_arrays_are_sent_in_c_order():
    arr = np.arange(12, dtype=np.int32).reshape(3, 4)[:, ::2]
    assert np.array_equal(np.frombuffer(to_buffer(arr), dtype=np.int32), arr.ravel())


def test_non_buffers_are_refused_with_advice():
    with pytest.raises(TypeError, match="pass bytes, bytearray, memoryview or a numpy array"):
        to_buffer("text")
    assert to_buffers(None) == []


def test_split_by_sizes():
    parts = split_by_sizes(memoryview(b"aabbbc"), [2, 3, 0, 1])
    assert [bytes(p) for p in parts] == [b"aa", b"bbb", b"", b"c"]
    with pytest.raises(ValueError, match="add up to 3 bytes but 6 arrived"):
        split_by_sizes(memoryview(b"aabbbc"), [1, 2])


def test_uploads_reassemble_in_order():
    uploads = Uploads(max_bytes=lambda: 100)
    uploads.add_chunk("u", 0, memoryview(b"hello "))
    uploads.add_chunk("u", 1, memoryview(b"world!"))
    out = uploads.complete({"id": "u", "chunks": 2, "sizes": [5, 7]})
    assert [bytes(p) for p in out] == [b"hello", b" world!"]


def test_uploads_refuse_gaps_excess_and_miscounts():
    uploads = Uploads(max_bytes=lambda: 10)
    with pytest.raises(ProtocolError, match="chunk 1 arrived, expected 0"):
        uploads.add_chunk("u", 1, memoryview(b"x"))
    uploads.add_chunk("v", 0, memoryview(b"123456"))
    with pytest.raises(ProtocolError, match="max_upload_bytes=10") as info:
        uploads.add_chunk("v", 1, memoryview(b"123456"))
    assert info.value.code == "too-large"
    uploads.add_chunk("w", 0, memoryview(b"12"))
    with pytest.raises(ProtocolError, match="announced 2 chunks, 1 arrived"):
        uploads.complete({"id": "w", "chunks": 2, "sizes": [2]})
    uploads.add_chunk("x", 0, memoryview(b"12"))
    with pytest.raises(ProtocolError, match="add up to 3"):
        uploads.complete({"id": "x", "chunks": 1, "sizes": [3]})


def test_the_upload_limit_error_names_the_setting_that_raises_it(link, monkeypatch):
    """The message tells users what to set; setting exactly that must let the upload through."""
    import importlib

    from fakes import open_page

    comm = open_page(link)
    monkeypatch.setattr(type(link), "max_upload_bytes", 4)
    comm.deliver({"op": "chunk", "upload": "u1", "index": 0}, [b"12345"])
    error = comm.last
    assert error["code"] == "too-large"
    setting = error["message"].split(" exceeds ")[1].split("=")[0]
    module_name, owner, attr = setting.rsplit(".", 2)
    monkeypatch.setattr(getattr(importlib.import_module(module_name), owner), attr, 10)
    comm.deliver({"op": "chunk", "upload": "u2", "index": 0}, [b"12345"])
    assert comm.last is error  # accepted: nothing new was answered
