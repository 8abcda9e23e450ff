"""The JSON Schemas in src/cellwire/schema/ describe what really travels."""

from __future__ import annotations

import pytest
from fakes import answer_calls, attach, open_page

from cellwire import Channel
from cellwire.transport.protocol import check_browser_message

pytestmark = pytest.mark.subshell  # Channel.call blocks, so the answer must come on another thread


def test_new_messages_match_the_json_schemas(link):
    import json
    from importlib import resources

    import jsonschema

    def schema(name):
        return json.loads(resources.files("cellwire").joinpath(f"schema/{name}.json").read_text())

    to_page, to_kernel = schema("kernel-to-browser"), schema("browser-to-kernel")
    ch = Channel()
    ch.expose(lambda x: x, name="echo")
    comm = open_page(link)
    attach(comm, ch)
    comm.deliver(
        {"op": "call", "view": "v1", "id": "a", "name": "echo", "args": [None], "buffer_paths": [["args", 0]]}, [b"x"]
    )
    comm.deliver({"op": "call", "view": "v1", "id": "b", "name": "nope"})
    stop = answer_calls(comm, lambda data, bufs: ({"value": 1}, []))
    try:
        ch.call("f", b"bin", timeout=5)
        ch.eval_js("1", timeout=5)
    finally:
        stop.set()
    sent = [data for data, _ in comm.sent]
    assert {"welcome", "attached", "reply", "call"} <= {m["op"] for m in sent}
    assert sent[0]["subshell"] == "sub-1"
    for message in sent:
        jsonschema.validate(message, to_page)
    for sample in [
        {
            "op": "call",
            "view": "v",
            "id": "1",
            "name": "f",
            "args": [None],
            "kwargs": {},
            "buffer_paths": [["args", 0]],
        },
        {"op": "reply", "view": "v", "id": "1", "value": {"a": None}, "buffer_paths": [["value", "a"]]},
        {"op": "reply", "view": "v", "id": "1", "error": {"name": "TypeError", "message": "m", "stack": ""}},
    ]:
        jsonschema.validate(sample, to_kernel)
        check_browser_message(sample, len(sample.get("buffer_paths", [])))
