"""The direct route's sender: messages sent from any thread go out from the shell stream's own loop,
in order, and a burst costs one wake-up of that loop, not one per message (3,000 widgets opened in
one cell spent half its time waking the loop)."""

from __future__ import annotations

from types import SimpleNamespace

from cellwire.transport.page_connection import direct_sender


class FakeLoop:
    def __init__(self):
        self.callbacks = []

    def add_callback(self, fn, *args, **kwargs):
        self.callbacks.append((fn, args, kwargs))

    def run(self):
        while self.callbacks:
            fn, args, kwargs = self.callbacks.pop(0)
            fn(*args, **kwargs)


def fake_kernel():
    loop, sent = FakeLoop(), []
    session = SimpleNamespace(
        msg=lambda msg_type, content: {"msg_type": msg_type, "content": content},
        serialize=lambda msg, ident: [*ident, msg["content"]["n"]],
    )
    stream = SimpleNamespace(send_multipart=lambda parts, copy: sent.append(parts))
    kernel = SimpleNamespace(shell_channel_thread=SimpleNamespace(io_loop=loop), shell_stream=stream, session=session)
    return kernel, loop, sent


def test_a_burst_is_sent_in_order_after_one_wake_up():
    kernel, loop, sent = fake_kernel()
    send = direct_sender(kernel)
    for n in range(1000):
        send(b"page", {"n": n}, [memoryview(b"x")] if n == 3 else [])
    assert len(loop.callbacks) == 1 and sent == []  # (nothing leaves from the caller's thread)
    loop.run()
    assert [parts[1] for parts in sent] == list(range(1000))
    assert sent[3][2] == memoryview(b"x")


def test_messages_sent_after_a_flush_wake_the_loop_again():
    kernel, loop, sent = fake_kernel()
    send = direct_sender(kernel)
    send(b"page", {"n": 1}, [])
    loop.run()
    send(b"page", {"n": 2}, [])
    assert len(loop.callbacks) == 1
    loop.run()
    assert [parts[1] for parts in sent] == [1, 2]
