"""A kernel link driven by fake comms: pages without a browser."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from cellwire._version import PROTOCOL
from cellwire.transport import identity
from cellwire.transport.kernel_link import KernelLink


def hello(**extra: Any) -> dict[str, Any]:
    """The comm_open message of a page's runtime."""
    return {
        "content": {"data": {"op": "hello", "protocol": PROTOCOL, "page": "p1", "runtime": "0.1.0", **extra}},
        "header": {"session": "sess"},
    }


def open_page(link: KernelLink, comm_id: str = "c1") -> FakeComm:
    comm = FakeComm(comm_id)
    link._on_open(comm, hello())
    return comm


def attach(comm: FakeComm, target: Any, view: str = "v1") -> None:
    comm.deliver({"op": "attach", "view": view, "target": target.target_id, "instance": identity.INSTANCE_ID})


def later(delay: float, fn: Callable[[], Any]) -> threading.Thread:
    """Run ``fn`` on another thread after ``delay`` s (as a page message would arrive)."""
    thread = threading.Thread(target=lambda: (time.sleep(delay), fn()), daemon=True)
    thread.start()
    return thread


class FakeComm:
    def __init__(self, comm_id: str = "c1"):
        self.comm_id = comm_id
        self.sent: list[tuple[dict, list[bytes]]] = []
        self.msg_cb = self.close_cb = None

    def send(self, data, buffers=None):
        self.sent.append((data, [bytes(b) for b in buffers or []]))

    def on_msg(self, cb):
        self.msg_cb = cb

    def on_close(self, cb):
        self.close_cb = cb

    def deliver(self, data, buffers=()):
        self.msg_cb(
            {"content": {"comm_id": self.comm_id, "data": data}, "buffers": list(buffers), "header": {"session": "s"}}
        )

    @property
    def last(self):
        return self.sent[-1][0]

    def model_msgs(self, target_id=None):
        """The model-layer payloads (msg.data) sent to this page, with their buffers."""
        return [
            (d["data"], b)
            for d, b in self.sent
            if d.get("op") == "msg" and (target_id is None or d["target"] == target_id)
        ]


class Page:
    """One browser page: a comm plus helpers to attach views and send model updates."""

    def __init__(self, link: KernelLink, comm_id: str):
        self.comm = FakeComm(comm_id)
        link._on_open(
            self.comm,
            {
                "content": {"data": {"op": "hello", "protocol": PROTOCOL, "page": comm_id, "runtime": "0.1.0"}},
                "header": {"session": comm_id},
            },
        )
        self.seq = 0

    def attach(self, target, view="v1"):
        self.comm.deliver({"op": "attach", "view": view, "target": target.target_id, "instance": identity.INSTANCE_ID})
        return self.comm.last

    def update(self, state, view="v1", buffers=(), buffer_paths=()):
        self.seq += 1
        self.comm.deliver(
            {
                "op": "msg",
                "view": view,
                "data": {"method": "update", "seq": self.seq, "state": state, "buffer_paths": list(buffer_paths)},
            },
            buffers,
        )
        return self.seq

    def custom(self, content, view="v1", buffers=()):
        self.comm.deliver({"op": "msg", "view": view, "data": {"method": "custom", "content": content}}, buffers)


def make_link() -> KernelLink:
    link = KernelLink(kernel=object(), comm_manager=None)
    link.kernel_id = "k-1"
    return link


def settle(page: Page, quiet: float = 0.1, timeout: float = 3.0) -> None:
    """Wait until no message reached the page for ``quiet`` seconds (deferred flushes are done)."""
    deadline = time.monotonic() + timeout
    count, since = len(page.comm.sent), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.01)
        if len(page.comm.sent) != count:
            count, since = len(page.comm.sent), time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def answer_calls(comm, respond):
    """Answer every kernel 'call' sent on ``comm`` from another thread, as a page would."""
    stop = threading.Event()

    def run():
        answered = set()
        while not stop.is_set():
            for data, buffers in list(comm.sent):
                if data.get("op") == "call" and data["id"] not in answered:
                    answered.add(data["id"])
                    reply, reply_buffers = respond(data, buffers)
                    comm.deliver({"op": "reply", "view": data["view"], "id": data["id"], **reply}, reply_buffers)
            time.sleep(0.005)

    threading.Thread(target=run, daemon=True).start()
    return stop


def load_benchmark_script(module_name: str, file_name: str) -> Any:
    """A script of ``benchmarks/`` (not a package) imported as ``module_name``, for its pure parts."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / file_name
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
