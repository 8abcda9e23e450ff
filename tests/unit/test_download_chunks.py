"""Kernel -> page messages behind a kernel gateway: buffers over the chunk size go in pieces first."""

from cellwire.transport.page_connection import PageConnection


class FakeComm:
    comm_id = "c1"

    def __init__(self):
        self.sent = []

    def send(self, data, buffers=()):
        self.sent.append((data, [bytes(b) for b in buffers]))


def connection(chunk_bytes):
    comm = FakeComm()
    conn = PageConnection(comm, {"page": "p"}, b"id", None, lambda: 2**30)
    conn.download_chunk_bytes = chunk_bytes
    return conn, comm


def test_large_buffers_go_in_chunks_then_the_message_names_them():
    conn, comm = connection(4)
    conn.send({"op": "msg", "view": "v", "data": {}}, [memoryview(b"abcdefghij"), memoryview(b"xy")])
    chunks, (final, final_buffers) = comm.sent[:-1], comm.sent[-1]
    assert [c[0]["index"] for c in chunks] == [0, 1, 2, 3]
    assert b"".join(c[1][0] for c in chunks) == b"abcdefghijxy"
    assert final["download"] == {"id": chunks[0][0]["download"], "chunks": 4, "sizes": [10, 2]}
    assert final["op"] == "msg" and final_buffers == []


def test_small_messages_and_kernels_not_behind_a_gateway_send_as_is():
    conn, comm = connection(4)
    conn.send({"op": "pong", "id": 1}, [memoryview(b"abc")])
    conn2, comm2 = connection(None)
    conn2.send({"op": "pong", "id": 1}, [memoryview(b"abcdefghij")])
    assert comm.sent == [({"op": "pong", "id": 1}, [b"abc"])]
    assert comm2.sent == [({"op": "pong", "id": 1}, [b"abcdefghij"])]
