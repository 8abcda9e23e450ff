"""A side client for a kernel's ``/api/kernels/<id>/channels`` WebSocket.

It speaks the same wire protocols as the browser (the ``v1.kernel.websocket.jupyter.org``
binary framing, or the legacy JSON one), so tests can check what cellwire's own JavaScript
client must produce and read kernel state without touching the notebook UI.
"""

from __future__ import annotations

import itertools
import json
import struct
import time
import uuid
from collections import deque
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone

from websockets.sync.client import connect

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
PROTOCOLS = {"v1": V1_PROTOCOL, "legacy": None}


def pack_v1(channel: str, parts: list[bytes]) -> bytes:
    """Frame ``[channel, *parts]`` the v1 way: uint64 LE offset count, the offsets, then the parts.

    offsets[0] is where the channel name starts, offsets[i + 1] where part i ends.
    """
    chunks = [channel.encode(), *parts]
    offsets = [8 * (len(chunks) + 2)]
    for chunk in chunks:
        offsets.append(offsets[-1] + len(chunk))
    return struct.pack(f"<{len(offsets) + 1}Q", len(offsets), *offsets) + b"".join(chunks)


def unpack_v1(frame: bytes) -> tuple[str, list[bytes]]:
    """Inverse of :func:`pack_v1`: the channel name and the parts after it."""
    (count,) = struct.unpack_from("<Q", frame)
    offsets = struct.unpack_from(f"<{count}Q", frame, 8)
    chunks = [frame[a:b] for a, b in itertools.pairwise(offsets)]
    return chunks[0].decode(), chunks[1:]


def pack_legacy_binary(msg: dict, buffers: list[bytes]) -> bytes:
    """Legacy framing for a message with buffers: uint32 BE count, uint32 BE offsets, JSON, buffers."""
    chunks = [json.dumps(msg).encode(), *buffers]
    offsets = [4 * (len(chunks) + 1)]
    for chunk in chunks[:-1]:
        offsets.append(offsets[-1] + len(chunk))
    return struct.pack(f">{len(chunks) + 1}I", len(chunks), *offsets) + b"".join(chunks)


def unpack_legacy_binary(frame: bytes) -> dict:
    """Inverse of :func:`pack_legacy_binary`: the message dict with its ``buffers``."""
    (count,) = struct.unpack_from(">I", frame)
    offsets = [*struct.unpack_from(f">{count}I", frame, 4), len(frame)]
    chunks = [frame[a:b] for a, b in itertools.pairwise(offsets)]
    msg = json.loads(chunks[0])
    msg["buffers"] = chunks[1:]
    return msg


@dataclass
class Reply:
    """The reply to a request plus the iopub messages it caused, up to its ``idle`` status."""

    reply: dict
    iopub: list[dict] = field(default_factory=list)

    @property
    def content(self) -> dict:
        return self.reply["content"]

    def iopub_of_type(self, msg_type: str) -> list[dict]:
        return [m for m in self.iopub if m["header"]["msg_type"] == msg_type]


class KernelClient:
    """Blocking client for one kernel; every received message is a dict with
    ``channel, header, parent_header, metadata, content, buffers``.

    Messages that a ``wait_for`` skipped are kept, in order, for later ``recv``/``wait_for``.
    """

    def __init__(
        self, ws_url: str, token: str, protocol: str = "v1", *, origin: str | None = None, timeout: float = 30
    ):
        if protocol not in PROTOCOLS:
            raise ValueError(f"protocol must be one of {list(PROTOCOLS)}")
        self.session_id = uuid.uuid4().hex
        self.timeout = timeout
        offered = PROTOCOLS[protocol]
        self._exit_stack = ExitStack()
        # Entered as a context manager: websockets >= 17 warns about bare connect() otherwise.
        self._ws = self._exit_stack.enter_context(
            connect(
                f"{ws_url}?session_id={self.session_id}",
                subprotocols=[offered] if offered else None,
                additional_headers={"Authorization": f"token {token}"},
                origin=origin,
                proxy=None,
                max_size=None,
                open_timeout=timeout,
            )
        )
        self._pending: deque[dict] = deque()

    @property
    def subprotocol(self) -> str | None:
        """The subprotocol the server chose (None means legacy JSON)."""
        return self._ws.subprotocol

    def close(self) -> None:
        self._exit_stack.close()

    def __enter__(self) -> KernelClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- sending ---------------------------------------------------------------------------

    def send_raw(self, frame: bytes | str) -> None:
        """Send one WebSocket frame as is (bytes go binary, str goes text)."""
        self._ws.send(frame)

    def new_message(
        self, msg_type: str, content: dict | None = None, *, metadata: dict | None = None, parent: dict | None = None
    ) -> dict:
        return {
            "header": {
                "msg_id": uuid.uuid4().hex,
                "msg_type": msg_type,
                "session": self.session_id,
                "username": "cellwire-test",
                "date": datetime.now(timezone.utc).isoformat(),
                "version": "5.3",
            },
            "parent_header": (parent or {}).get("header", {}),
            "metadata": metadata or {},
            "content": content or {},
        }

    def send(
        self,
        channel: str,
        msg_type: str,
        content: dict | None = None,
        *,
        metadata: dict | None = None,
        buffers: list[bytes] = (),
        parent: dict | None = None,
    ) -> dict:
        """Build a kernel message, send it on ``channel`` and return it."""
        msg = self.new_message(msg_type, content, metadata=metadata, parent=parent)
        if self.subprotocol == V1_PROTOCOL:
            parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
            self.send_raw(pack_v1(channel, parts + [bytes(b) for b in buffers]))
        elif buffers:
            self.send_raw(pack_legacy_binary({**msg, "channel": channel}, [bytes(b) for b in buffers]))
        else:
            self.send_raw(json.dumps({**msg, "channel": channel}))
        return msg

    # -- receiving -------------------------------------------------------------------------

    def _decode(self, frame: bytes | str) -> dict:
        if isinstance(frame, str):
            return {**json.loads(frame), "buffers": []}
        if self.subprotocol != V1_PROTOCOL:
            return unpack_legacy_binary(frame)
        channel, parts = unpack_v1(frame)
        header, parent, metadata, content = (json.loads(p) for p in parts[:4])
        return {
            "channel": channel,
            "header": header,
            "parent_header": parent,
            "metadata": metadata,
            "content": content,
            "buffers": parts[4:],
        }

    def wait_for(self, predicate: Callable[[dict], bool], timeout: float | None = None) -> dict:
        """Return the first message (kept or new) matching ``predicate``; raise TimeoutError."""
        for i, msg in enumerate(self._pending):
            if predicate(msg):
                del self._pending[i]
                return msg
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no matching kernel message; {len(self._pending)} others kept")
            msg = self._decode(self._ws.recv(timeout=remaining))
            if predicate(msg):
                return msg
            self._pending.append(msg)

    def recv(self, timeout: float | None = None) -> dict:
        """The next message, in arrival order."""
        return self.wait_for(lambda msg: True, timeout)

    def request(
        self,
        msg_type: str,
        content: dict | None = None,
        *,
        channel: str = "shell",
        timeout: float | None = None,
        **kwargs,
    ) -> Reply:
        """Send a request and collect its reply and its iopub messages up to ``idle``."""
        msg_id = self.send(channel, msg_type, content, **kwargs)["header"]["msg_id"]

        def child_of(chan: str) -> Callable[[dict], bool]:
            return lambda m: m["channel"] == chan and m["parent_header"].get("msg_id") == msg_id

        result = Reply(self.wait_for(child_of(channel), timeout))
        while not result.iopub or result.iopub[-1]["content"].get("execution_state") != "idle":
            result.iopub.append(self.wait_for(child_of("iopub"), timeout))
        return result

    def execute(
        self, code: str, *, silent: bool = False, user_expressions: dict | None = None, timeout: float | None = None
    ) -> Reply:
        content = {
            "code": code,
            "silent": silent,
            "store_history": False,
            "user_expressions": user_expressions or {},
            "allow_stdin": False,
            "stop_on_error": True,
        }
        return self.request("execute_request", content, timeout=timeout)

    def eval(self, expr: str, timeout: float | None = None) -> str:
        """``repr`` of ``expr`` evaluated in the kernel, quietly (silent, no history, no output)."""
        reply = self.execute("", silent=True, user_expressions={"r": expr}, timeout=timeout)
        result = reply.content["user_expressions"]["r"]
        if result["status"] != "ok":
            raise RuntimeError(f"{expr!r} raised {result['ename']}: {result['evalue']}")
        return result["data"]["text/plain"]
