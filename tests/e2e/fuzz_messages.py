"""Seeded hostile input for the fuzz tests: cellwire messages the kernel must refuse, each one,
and messages of the ipywidgets tunnel (what a page sends for a bridged widget: the 'data' of a
cellwire 'msg' to the widget's output, schema/ipywidgets-bridge.json) that the hub must refuse.

Every message made here is invalid by construction (never one a kernel could accept), so each
must be answered or logged as an error, never acted on. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from typing import Any

TEXT = "ab<>&\"'\\\u0000é😀\n"
# op -> its fields and their JSON types (as the kernel checks them, cellwire/wire.py)
FIELDS = {
    "hello": {"protocol": int, "page": str, "runtime": str, "purpose": str, "kernel_id": str, "replaces": str},
    "attach": {"view": str, "target": str, "instance": str, "output": str},
    "detach": {"view": str},
    "msg": {"view": str, "upload": dict},
    "chunk": {"upload": str, "index": int},
    "call": {"view": str, "id": str, "name": str, "args": list, "kwargs": dict, "buffer_paths": list, "upload": dict},
    "reply": {"view": str, "id": str, "error": dict, "buffer_paths": list, "upload": dict},
    "release": {"outputs": list},
}
REQUIRED = {
    "hello": ["protocol", "page", "runtime"],
    "attach": ["view", "target", "instance"],
    "detach": ["view"],
    "msg": ["view"],
    "chunk": ["upload", "index"],
    "call": ["view", "id", "name"],
    "reply": ["view", "id"],
    "release": ["outputs"],
}


class Fuzzer:
    """``message(i)`` -> (data, buffers): the i-th bad message for a page whose real view
    ``view`` shows a bridged ipywidget (an IntSlider whose model id is ``widget``) in kernel
    process ``instance``; ``tunnel(i)``: the i-th bad tunnel message for that widget."""

    def __init__(self, seed: int, instance: str, view: str, widget: str):
        self.rng = random.Random(seed)
        self.instance, self.view, self.widget = instance, view, widget

    # -- random values ----------------------------------------------------------------------------
    def text(self, n: int | None = None) -> str:
        return "".join(self.rng.choice(TEXT) for _ in range(self.rng.randrange(12) if n is None else n))

    def junk(self, depth: int = 0) -> Any:
        kind = self.rng.randrange(8 if depth < 3 else 5)
        return [
            lambda: None,
            lambda: self.rng.random() < 0.5,
            lambda: self.rng.randint(-(2**63), 2**63),
            lambda: self.rng.uniform(-1e300, 1e300),
            self.text,
            lambda: [self.junk(depth + 1) for _ in range(self.rng.randrange(4))],
            lambda: {self.text(): self.junk(depth + 1) for _ in range(self.rng.randrange(4))},
            lambda: "x" * self.rng.choice([1000, 10_000]),
        ][kind]()

    def not_a(self, kind: type) -> Any:
        """A JSON value whose type is not ``kind`` (bool counts as neither int nor str)."""
        while True:
            value = self.junk()
            if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
                return value

    # -- bad messages -----------------------------------------------------------------------------
    def message(self, i: int) -> tuple[Any, list[bytes]]:
        if i % 500 == 499:
            return self.oversized(i)
        make = self.rng.choice(
            [
                self.not_an_object,
                self.unknown_op,
                self.missing_field,
                self.wrong_type,
                self.unknown_target,
                self.stale_instance,
                self.unknown_view,
                self.bad_model_update,
                self.bad_chunk,
                self.bad_release,
                self.unknown_function,
                self.deeply_nested,
            ]
        )
        return make(i)

    def not_an_object(self, i: int) -> tuple[Any, list[bytes]]:
        return self.rng.choice([None, i, self.text(), [self.junk() for _ in range(3)], True]), []

    def unknown_op(self, i: int) -> tuple[Any, list[bytes]]:
        op = self.rng.choice([f"nope-{i}-{self.text()}", self.not_a(str), "Hello", "attach "])
        return {"op": op, "view": self.view}, []

    def missing_field(self, i: int) -> tuple[Any, list[bytes]]:
        op = self.rng.choice(sorted(REQUIRED))
        data = {"op": op, **{f: self.valid(f, kind, i) for f, kind in FIELDS[op].items() if f in REQUIRED[op]}}
        del data[self.rng.choice(REQUIRED[op])]
        return data, []

    def wrong_type(self, i: int) -> tuple[Any, list[bytes]]:
        op = self.rng.choice(sorted(FIELDS))
        data = {"op": op, **{f: self.valid(f, kind, i) for f, kind in FIELDS[op].items() if f in REQUIRED[op]}}
        field = self.rng.choice(sorted(FIELDS[op]))
        data[field] = self.not_a(FIELDS[op][field])
        return data, []

    def valid(self, field: str, kind: type, i: int) -> Any:
        """A well-typed value that still names nothing real (so the message as a whole is refused)."""
        return {"protocol": 1, "view": f"ghost-{i}", "instance": self.instance}.get(field) or {
            str: f"fuzz-{i}",
            int: i,
            list: [],
            dict: {},
        }[kind]

    def unknown_target(self, i: int) -> tuple[Any, list[bytes]]:
        return {"op": "attach", "view": f"v-{i}", "target": f"no-such-target-{i}", "instance": self.instance}, []

    def stale_instance(self, i: int) -> tuple[Any, list[bytes]]:
        return {"op": "attach", "view": f"v-{i}", "target": self.text(), "instance": f"old-{i}"}, []

    def unknown_view(self, i: int) -> tuple[Any, list[bytes]]:
        op = self.rng.choice(["msg", "call"])
        data = {"op": op, "view": f"ghost-{i}", "data": self.junk()}
        if op == "call":
            data.update(id=str(i), name=self.text())
        return data, []

    def bad_model_update(self, i: int) -> tuple[Any, list[bytes]]:
        """A tunnel message to the real slider's output that the hub must refuse."""
        data, buffers = self.tunnel(i)
        return {"op": "msg", "view": self.view, "data": data}, buffers

    # -- bad tunnel messages ----------------------------------------------------------------------
    def tunnel(self, i: int) -> tuple[Any, list[bytes]]:
        """The i-th bad message of the ipywidgets tunnel: (data, buffers)."""
        return self.rng.choice(
            [
                lambda: (self.not_a(dict), []),
                lambda: ({"op": self.rng.choice([f"nope-{i}", "Comm_msg", self.not_a(str)])}, []),
                lambda: ({"op": "comm_msg", "comm_id": self.not_a(str), "msg_id": f"m{i}", "data": {}}, []),
                lambda: ({"op": "comm_msg", "comm_id": f"ghost-{i}", "msg_id": f"m{i}", "data": self.junk()}, []),
                lambda: (self.widget_message(i, self.bad_widget_data(i)), []),
                self.bad_buffers,
                lambda: (
                    {"op": "comm_open", "comm_id": f"c{i}", "target_name": f"no-target-{i}", "msg_id": f"m{i}"},
                    [],
                ),
                lambda: (
                    {"op": "comm_open", "comm_id": f"c{i}", "target_name": "jupyter.widget", "msg_id": f"m{i}"},
                    [],
                ),
                lambda: ({"op": self.rng.choice(["comm_open", "comm_close"]), "comm_id": "é" * 3}, []),
                lambda: ({"op": "report", "message": self.not_a(str)}, []),
                lambda: ({"op": "module", "name": self.rng.choice(["", "../../etc", "x" * 300, 5])}, []),
            ]
        )()

    def widget_message(self, i: int, data: Any) -> dict[str, Any]:
        return {"op": "comm_msg", "comm_id": self.widget, "msg_id": f"m{i}", "data": data}

    def bad_widget_data(self, i: int) -> Any:
        """The 'data' of a comm message to the real slider that ipywidgets cannot apply."""
        return self.rng.choice(
            [
                lambda: self.not_a(dict),
                lambda: {"method": self.rng.choice([self.not_a(str), "Update", "echo", ""])},
                lambda: {"method": "update", "state": self.not_a(dict)},
                # (an IntSlider's value is a CInt: "7", 1.5 and True would pass, as int() takes them)
                lambda: {"method": "update", "state": {"value": self.rng.choice(["seven", None, [1], {}, ""])}},
                lambda: {"method": "update", "state": {self.rng.choice(["description", "_model_name", "layout"]): "x"}},
            ]
        )()

    def bad_buffers(self) -> tuple[Any, list[bytes]]:
        """An update whose buffers do not fit its 'buffer_paths'."""
        paths, n = self.rng.choice([([["nowhere", 3]], 1), ([["value"]], 0), ([], 2), ("value", 1), ([[]], 1)])
        data = {"method": "update", "state": {"value": None}, "buffer_paths": paths}
        return self.widget_message(0, data), [b"\x00" * 3] * n

    def bad_chunk(self, i: int) -> tuple[Any, list[bytes]]:
        return self.rng.choice(
            [
                ({"op": "chunk", "upload": f"u{i}", "index": i + 1}, [b"part"]),  # not the next index
                ({"op": "chunk", "upload": f"u{i}", "index": 0}, []),  # no buffer
                ({"op": "chunk", "upload": f"u{i}", "index": 0}, [b"a", b"b"]),  # two
                ({"op": "msg", "view": self.view, "upload": {"id": f"never-{i}", "chunks": 3, "sizes": [1]}}, []),
                ({"op": "msg", "view": self.view, "upload": {"id": 5, "chunks": -1, "sizes": "many"}}, []),
            ]
        )

    def bad_release(self, i: int) -> tuple[Any, list[bytes]]:
        return {"op": "release", "outputs": [self.rng.choice([None, i, [], {}])]}, []

    def unknown_function(self, i: int) -> tuple[Any, list[bytes]]:
        return {"op": "call", "view": self.view, "id": f"c{i}", "name": f"no_function_{i}", "args": [self.junk()]}, []

    def oversized(self, i: int) -> tuple[Any, list[bytes]]:
        """2 MB in one message (under the server's 10 MiB frame limit)."""
        return self.rng.choice(
            [
                {"op": "x" * 2_000_000},
                {
                    "op": "msg",
                    "view": self.view,
                    "data": self.widget_message(i, {"method": "update", "state": {"value": "9" * 2_000_000}}),
                },
                {"op": "msg", "view": f"ghost-{i}", "data": "x" * 2_000_000},
            ]
        ), []

    def deeply_nested(self, i: int) -> tuple[Any, list[bytes]]:
        nested: Any = i
        for _ in range(200):
            nested = [nested]
        return self.rng.choice([nested, {"op": "msg", "view": self.view, "data": {"method": nested}}]), []

    def hello(self, i: int) -> Any:
        """A ``comm_open`` hello the kernel must refuse."""
        return self.rng.choice(
            [
                {"op": "hello", "protocol": 99, "page": "fuzz", "runtime": "x"},
                {"op": "hello", "protocol": 1, "page": "fuzz", "runtime": "x", "kernel_id": f"other-{i}"},
                {"op": "hello", "page": "fuzz"},
                {"op": "attach", "view": "v", "target": "t", "instance": "i"},
                self.not_a(dict),
            ]
        )
