import pytest

from cellwire._version import PROTOCOL
from cellwire.transport.protocol import ProtocolError, check_browser_message

HELLO = {"op": "hello", "protocol": PROTOCOL, "page": "p", "runtime": "0.1.0"}


@pytest.mark.parametrize(
    "data",
    [
        HELLO,
        {**HELLO, "purpose": "runtime", "kernel_id": "k", "replaces": "c"},
        {"op": "attach", "view": "v", "target": "t", "instance": "i"},
        {"op": "detach", "view": "v"},
        {"op": "msg", "view": "v", "data": {"any": ["json"]}},
        {"op": "msg", "view": "v"},
        {"op": "ping", "id": 3},
    ],
)
def test_well_formed_messages_pass(data):
    assert check_browser_message(data, 0) is data


@pytest.mark.parametrize(
    "data,nbuf,code,words",
    [
        (None, 0, "malformed", "JSON object, got null"),
        ([1, 2], 0, "malformed", "got list"),
        ({"op": "frobnicate"}, 0, "unknown-op", "'frobnicate'"),
        ({}, 0, "unknown-op", "None"),
        ({"op": "attach", "view": "v"}, 0, "malformed", "missing 'target'"),
        ({"op": "attach", "view": 1, "target": "t", "instance": "i"}, 0, "malformed", "'view' must be str, got int"),
        ({**HELLO, "protocol": True}, 0, "malformed", "must be int, got bool"),
        ({**HELLO, "protocol": PROTOCOL + 1}, 0, "protocol-mismatch", "reload the page"),
        ({"op": "chunk", "upload": "u", "index": 0}, 0, "malformed", "exactly one buffer"),
        ({"op": "chunk", "upload": "u", "index": 0}, 2, "malformed", "exactly one buffer"),
        ({"op": "msg", "view": "v", "upload": {"id": "u", "chunks": 0, "sizes": []}}, 0, "malformed", "positive int"),
        ({"op": "msg", "view": "v", "upload": {"id": "u", "chunks": 1, "sizes": [-1]}}, 0, "malformed", "non-negative"),
        (
            {"op": "msg", "view": "v", "upload": {"id": "u", "chunks": 1, "sizes": [1]}},
            1,
            "malformed",
            "carries no buffers",
        ),
    ],
)
def test_bad_messages_raise_a_clear_error(data, nbuf, code, words):
    with pytest.raises(ProtocolError) as info:
        check_browser_message(data, nbuf)
    assert info.value.code == code
    assert words in str(info.value)


def test_schema_files_agree_with_the_kernel_checks():
    """Every op the kernel accepts is in the schema, and schema-valid samples pass the kernel's check."""
    import json
    from importlib import resources

    import jsonschema

    from cellwire.transport.protocol import BROWSER_OPS

    schema = json.loads(resources.files("cellwire").joinpath("schema/browser-to-kernel.json").read_text())
    assert set(schema["$defs"]) == set(BROWSER_OPS)
    for sample in [HELLO, {"op": "attach", "view": "v", "target": "t", "instance": "i"}, {"op": "ping", "id": 1}]:
        jsonschema.validate(sample, schema)
        check_browser_message(sample, 0)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"op": "attach", "view": "v"}, schema)
