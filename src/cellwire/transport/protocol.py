"""The cellwire messages carried inside comm ``data``: their names and a strict check of what arrives.

Every browser message is checked here before anything acts on it, so a malformed one produces one
clear ``ProtocolError`` (sent back to the page and logged) instead of a traceback deep in a handler.
The same shapes are written as JSON Schema in ``schema/`` and in ``docs/protocol.md``.
"""

from __future__ import annotations

import reprlib
from typing import Any

from .._version import PROTOCOL

TARGET_NAME = "cellwire"
#: comm id prefix of the never-sent comm that ``comm_info_request`` reveals, to find/verify a kernel.
BEACON_PREFIX = "cellwire-beacon-"

_STR, _INT, _BOOL, _ANY = str, int, bool, object

# op -> {field: (type, required)}
BROWSER_OPS: dict[str, dict[str, tuple[type, bool]]] = {
    "hello": {
        "protocol": (_INT, True),
        "page": (_STR, True),
        "runtime": (_STR, True),
        "purpose": (_STR, False),
        "kernel_id": (_STR, False),
        "replaces": (_STR, False),
        "transport": (dict, False),
        "route": (_STR, False),
        "preload": (list, False),
    },
    "attach": {"view": (_STR, True), "target": (_STR, True), "instance": (_STR, True), "output": (_STR, False)},
    "detach": {"view": (_STR, True)},
    "msg": {"view": (_STR, True), "data": (_ANY, False), "upload": (dict, False)},
    "chunk": {"upload": (_STR, True), "index": (_INT, True)},
    "call": {
        "view": (_STR, True),
        "id": (_STR, True),
        "name": (_STR, True),
        "args": (list, False),
        "kwargs": (dict, False),
        "buffer_paths": (list, False),
        "upload": (dict, False),
    },
    "reply": {
        "view": (_STR, True),
        "id": (_STR, True),
        "value": (_ANY, False),
        "error": (dict, False),
        "buffer_paths": (list, False),
        "upload": (dict, False),
    },
    "ping": {"id": (_ANY, True)},
    "release": {"outputs": (list, True)},
}


#: The longest lists a page may send (docs/reliability.md, "Limits"): the kernel's work for one
#: message stays small however it was made. Far above what the runtime sends (a few entries).
MAX_PRELOAD = 32
MAX_BUFFERS = 10_000
MAX_RELEASE = 10_000
MAX_PATH_DEPTH = 64


class ProtocolError(ValueError):
    """A browser message that cellwire cannot act on; ``code`` is stable, the text says what to fix."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def check_browser_message(data: Any, nbuffers: int) -> dict[str, Any]:
    """Return ``data`` if it is a well-formed browser message, else raise ProtocolError."""
    if not isinstance(data, dict):
        raise ProtocolError("malformed", f"a cellwire message must be a JSON object, got {_kind(data)}")
    op = data.get("op")
    if not isinstance(op, str) or op not in BROWSER_OPS:
        raise ProtocolError("unknown-op", f"unknown cellwire op {short(op)}; known: {sorted(BROWSER_OPS)}")
    for field, (kind, required) in BROWSER_OPS[op].items():
        if field not in data:
            if required:
                raise ProtocolError("malformed", f"{op!r} message is missing {field!r}")
            continue
        value = data[field]
        if kind is not _ANY and (not isinstance(value, kind) or (kind is _INT and isinstance(value, bool))):
            raise ProtocolError("malformed", f"{op!r} field {field!r} must be {kind.__name__}, got {_kind(value)}")
    _check_lengths(op, data)
    if op == "release" and not all(isinstance(el, str) for el in data["outputs"]):
        raise ProtocolError("malformed", "'release' needs 'outputs': a list of element ids (strings)")
    if op == "hello" and data.get("route", "direct") not in ("direct", "iopub"):
        raise ProtocolError("malformed", f"'hello' field 'route' must be 'direct' or 'iopub', got {data['route']!r}")
    if op == "chunk" and nbuffers != 1:
        raise ProtocolError("malformed", f"a 'chunk' carries exactly one buffer, got {nbuffers}")
    if op == "hello" and data["protocol"] != PROTOCOL:
        raise ProtocolError(
            "protocol-mismatch",
            f"page speaks cellwire protocol {data['protocol']}, kernel speaks {PROTOCOL}; "
            "reload the page so it loads the kernel's runtime",
        )
    uploaded = op != "chunk" and "upload" in data  # a chunk's 'upload' is only the upload's id
    if uploaded:
        _check_upload(data["upload"], nbuffers)
    if "buffer_paths" in data:
        _check_buffer_paths(data["buffer_paths"], nbuffers, uploaded)
    return data


def _check_lengths(op: str, data: dict[str, Any]) -> None:
    lists = (
        ("preload", MAX_PRELOAD),
        ("outputs", MAX_RELEASE),
        ("buffer_paths", MAX_BUFFERS),
    )
    for field, limit in lists:
        value = data.get(field)
        if isinstance(value, list) and len(value) > limit:
            raise too_many(f"{op!r} field {field!r}", len(value), limit)
    upload = data.get("upload") if op != "chunk" else None
    sizes = upload.get("sizes") if isinstance(upload, dict) else None
    if isinstance(sizes, list) and len(sizes) > MAX_BUFFERS:
        raise too_many(f"{op!r} field 'upload.sizes'", len(sizes), MAX_BUFFERS)


def too_many(what: str, count: int, limit: int) -> ProtocolError:
    """The error of a page that went past one of the kernel's limits."""
    return ProtocolError("limit", f"{what} has {count} entries, more than the kernel accepts ({limit}); refused")


def _check_upload(upload: dict[str, Any], nbuffers: int) -> None:
    sizes, chunks = upload.get("sizes"), upload.get("chunks")
    if not isinstance(upload.get("id"), str) or not isinstance(chunks, int) or chunks < 1:
        raise ProtocolError("malformed", "'upload' needs a string 'id' and a positive int 'chunks'")
    if not isinstance(sizes, list) or not all(isinstance(s, int) and s >= 0 for s in sizes):
        raise ProtocolError("malformed", "'upload.sizes' must be a list of non-negative ints")
    if nbuffers:
        raise ProtocolError("malformed", "a message completing an upload carries no buffers itself")


def _check_buffer_paths(paths: list[Any], nbuffers: int, uploaded: bool) -> None:
    if not all(
        isinstance(p, list) and len(p) <= MAX_PATH_DEPTH and all(isinstance(k, (str, int)) for k in p) for p in paths
    ):
        raise ProtocolError(
            "malformed", f"'buffer_paths' must be a list of paths (lists of at most {MAX_PATH_DEPTH} keys and indices)"
        )
    if not uploaded and len(paths) != nbuffers:
        raise ProtocolError("malformed", f"{len(paths)} buffer paths but {nbuffers} buffers")


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def clip(text: str, limit: int = 400) -> str:
    """``text`` cut short: a page's oversized value must not make an oversized error or log line."""
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


_repr = reprlib.Repr()  # (keyword arguments only from Python 3.12)
_repr.maxlevel, _repr.maxstring, _repr.maxother = 3, 60, 60


def short(value: Any) -> str:
    """A page's value for an error message: short, and bounded in depth (a value nested 1,000
    deep must not raise RecursionError while the error is written)."""
    return clip(_repr.repr(value), 60)
