"""Seeded hostile input for the fuzz tests: cellwire messages the kernel must refuse, each one.

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
    ``view`` shows a model (an IntSlider) in kernel process ``instance``."""

    def __init__(self, seed: int, instance: str, view: str):
        self.rng = random.Random(seed)
        self.instance, self.view = instance, view

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
        """A message to the real slider that its model must refuse."""
        data = self.rng.choice(
            [
                lambda: self.not_a(dict),
                lambda: {"method": self.not_a(str)},
                lambda: {"method": "update", "seq": self.not_a(int), "state": {"value": 1}},
                lambda: {"method": "update", "seq": i, "state": self.not_a(dict)},
                lambda: {"method": "update", "seq": i, "state": {"value": self.rng.choice(["7", None, [1], {}, 1.5])}},
                lambda: {"method": "update", "seq": i, "state": {f"no_such_{i}": self.junk()}},
                lambda: {"method": "update", "seq": i, "state": {"value": None}, "buffer_paths": [["nowhere", 3]]},
            ]
        )()
        buffers = [b"\x00" * self.rng.randrange(3)] if isinstance(data, dict) and "buffer_paths" in data else []
        return {"op": "msg", "view": self.view, "data": data}, buffers

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
                    "data": {"method": "update", "seq": i, "state": {"value": "9" * 2_000_000}},
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
