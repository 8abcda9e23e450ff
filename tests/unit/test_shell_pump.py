"""The shell pump (ipykernel 6, no subshells): cellwire's queued messages are handled, every other
message stays queued in its order, and can still be read by the kernel (no replayed signature)."""

from __future__ import annotations

import zmq
from jupyter_client.session import Session
from tornado.queues import Queue

from cellwire.transport.shell_pump import ShellPump


class FakeKernel:
    """What the pump uses of an ipykernel 6 kernel: its shell stream, queue, session, handlers."""

    def __init__(self) -> None:
        self.session = Session(key=b"secret")
        self.msg_queue: Queue = Queue()
        self.handled: list[tuple[str, dict]] = []
        self.shell_stream = self
        self.shell_handlers = {t: self._handler(t) for t in ("comm_open", "comm_msg", "comm_info_request")}

    def flush(self) -> None:  # the ZMQ stream: nothing more arrives in these tests
        pass

    def _handler(self, msg_type):
        async def handle(stream, idents, msg):
            self.handled.append((msg_type, msg["content"]))

        return handle

    def dispatch_shell(self, frames):  # the kernel's own dispatcher (only its name matters)
        raise AssertionError("not called by the pump")

    def queue(self, msg_type: str, content: dict) -> None:
        msg = self.session.msg(msg_type, content)
        frames = [zmq.Frame(part) for part in self.session.serialize(msg, ident=[b"page"])]
        self.msg_queue.put_nowait((0, self.dispatch_shell, (frames,)))  # as the ZMQ stream gives them


def test_only_cellwire_messages_are_handled_the_rest_keep_their_order():
    kernel = FakeKernel()
    kernel.queue("execute_request", {"code": "1"})
    kernel.queue("comm_info_request", {"target_name": "cellwire"})
    kernel.queue("comm_msg", {"comm_id": "theirs", "data": {}})
    kernel.queue("comm_open", {"comm_id": "c1", "target_name": "cellwire", "data": {"op": "hello"}})
    kernel.queue("comm_msg", {"comm_id": "ours", "data": {"op": "ping"}})
    kernel.queue("execute_request", {"code": "2"})
    pump = ShellPump.for_kernel(kernel, lambda comm_id: comm_id == "ours")
    assert pump is not None
    assert pump() == 3
    assert [t for t, _ in kernel.handled] == ["comm_info_request", "comm_open", "comm_msg"]
    left = []
    while kernel.msg_queue.qsize():
        _, _, (frames,) = kernel.msg_queue.get_nowait()
        _idents, rest = kernel.session.feed_identities(frames, copy=False)
        left.append(kernel.session.deserialize(rest, copy=False))  # raises on a replayed signature
    assert [(m["msg_type"], m["content"]) for m in left] == [
        ("execute_request", {"code": "1"}),
        ("comm_msg", {"comm_id": "theirs", "data": {}}),
        ("execute_request", {"code": "2"}),
    ]


def test_no_pump_for_a_kernel_without_a_shell_queue():
    assert ShellPump.for_kernel(object(), lambda _: True) is None
