"""The direct route's sender: messages sent from any thread go out from the shell stream's own loop,
in order; a burst costs one wake-up of that loop, not one per message (3,000 widgets opened in one
cell spent half its time waking the loop), and goes as a few ``batch`` messages per page, not one
kernel message each."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from cellwire.transport import direct_route
from cellwire.transport.direct_route import direct_sender


class FakeLoop:
    def __init__(self):
        self.callbacks = []
        self.later = []

    def add_callback(self, fn, *args, **kwargs):
        self.callbacks.append((fn, args, kwargs))

    def call_later(self, delay, fn):
        self.later.append((delay, fn))

    def run(self):
        """Run what is due now (not what was put off with call_later)."""
        while self.callbacks:
            fn, args, kwargs = self.callbacks.pop(0)
            fn(*args, **kwargs)

    def run_later(self):
        self.run()
        while self.later:
            self.later.pop(0)[1]()
            self.run()


def fake_kernel():
    loop, sent = FakeLoop(), []
    session = SimpleNamespace(
        packer="json",
        pack=lambda obj: json.dumps(obj).encode(),
        msg=lambda msg_type, content: {"msg_type": msg_type, "content": content},
        serialize=lambda msg, ident: [*ident, msg["content"]],
    )
    stream = SimpleNamespace(send_multipart=lambda parts, copy: sent.append(parts))
    kernel = SimpleNamespace(shell_channel_thread=SimpleNamespace(io_loop=loop), shell_stream=stream, session=session)
    return kernel, loop, sent


def received(sent):
    """What the pages got, batches opened: (identity, comm id, data, buffers) per message."""
    out = []
    for identity, content, *buffers in sent:
        content = json.loads(content)
        data = content["data"]
        if data.get("op") != "batch":
            out.append((identity, content["comm_id"], data, buffers))
            continue
        at = 0
        for message, n in zip(data["messages"], data["buffers"], strict=True):
            out.append((identity, content["comm_id"], message, buffers[at : at + n]))
            at += n
        assert at == len(buffers)
    return out


def test_a_burst_goes_in_order_after_one_wake_up_in_few_messages():
    kernel, loop, sent = fake_kernel()
    send = direct_sender(kernel)
    for n in range(1000):
        send(b"page", "c1", {"n": n}, [memoryview(b"x")] if n == 3 else [])
    assert len(loop.callbacks) == 1 and sent == []  # (nothing leaves from the caller's thread)
    loop.run()
    got = received(sent)
    assert [data["n"] for _, _, data, _ in got] == list(range(1000))
    assert got[3][3] == [b"x"] and all(not bufs for _, _, _, bufs in got[4:])
    assert len(sent) == 1000 // direct_route.BATCH_MAX_MESSAGES


def test_a_lone_message_goes_at_once_and_alone():
    kernel, loop, sent = fake_kernel()
    send = direct_sender(kernel)
    send(b"page", "c1", {"n": 1}, [])
    loop.run()
    assert len(sent) == 1 and json.loads(sent[0][1]) == {"comm_id": "c1", "data": {"n": 1}}
    send(b"page", "c1", {"n": 2}, [])
    assert len(loop.callbacks) == 1 and not loop.later  # (a round trip's answer is not put off)
    loop.run()
    assert [data["n"] for _, _, data, _ in received(sent)] == [1, 2]


def test_while_a_burst_lasts_the_next_wake_up_waits_so_messages_gather():
    kernel, loop, sent = fake_kernel()
    send = direct_sender(kernel)
    send(b"page", "c1", {"n": 0}, [])
    send(b"page", "c1", {"n": 1}, [])
    loop.run()  # found two: a burst
    for n in range(2, 50):
        send(b"page", "c1", {"n": n}, [])
    assert len(loop.callbacks) == 1 and not loop.later
    loop.run()
    assert len(sent) == 1 and [d for d, _ in loop.later] == [direct_route.BATCH_SECONDS]
    loop.run_later()
    assert len(sent) == 2 and [data["n"] for _, _, data, _ in received(sent)] == list(range(50))


def test_pages_and_big_messages_are_never_joined():
    kernel, loop, sent = fake_kernel()
    send = direct_sender(kernel)
    big = memoryview(bytes(direct_route.BATCH_MAX_MESSAGE_BYTES + 1))
    order = [(b"p1", "c1", []), (b"p1", "c1", []), (b"p2", "c2", []), (b"p1", "c1", [big]), (b"p1", "c1", [])]
    for n, (identity, comm_id, buffers) in enumerate(order):
        send(identity, comm_id, {"n": n}, buffers)
    loop.run()
    assert [(ident, json.loads(content)["data"].get("op")) for ident, content, *_ in sent] == [
        (b"p1", "batch"),
        (b"p2", None),
        (b"p1", None),
        (b"p1", None),
    ]
    got = received(sent)
    assert [(ident, comm_id, data["n"]) for ident, comm_id, data, _ in got] == [
        (ident, comm_id, n) for n, (ident, comm_id, _) in enumerate(order)
    ]
    assert got[3][3] == [big]


def test_a_value_json_cannot_hold_fails_in_the_senders_thread():
    kernel, loop, _ = fake_kernel()
    send = direct_sender(kernel)
    with pytest.raises(TypeError):
        send(b"page", "c1", {"n": object()}, [])
    assert not loop.callbacks


def test_a_session_that_does_not_pack_json_gets_no_direct_route():
    kernel, _, _ = fake_kernel()
    kernel.session.packer = "pickle"
    assert direct_sender(kernel) is None


def test_a_batch_matches_the_published_schema():
    from importlib import resources

    import jsonschema

    schema = json.loads(resources.files("cellwire").joinpath("schema/kernel-to-browser.json").read_text())
    kernel, loop, sent = fake_kernel()
    send = direct_sender(kernel)
    send(b"page", "c1", {"op": "pong", "id": 1}, [])
    send(b"page", "c1", {"op": "msg", "target": "t", "view": "v", "data": {"x": 1}}, [memoryview(b"ab")])
    loop.run()
    (batch,) = [json.loads(content)["data"] for _, content, *_ in sent]
    assert batch["op"] == "batch" and batch["buffers"] == [0, 1]
    jsonschema.validate(batch, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**batch, "buffers": ["1"]}, schema)
