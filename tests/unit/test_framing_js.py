"""framing.js against an independent Python implementation of jupyter_server's two formats."""

import base64
import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

FRAMING = Path(__file__).resolve().parents[2] / "src" / "cellwire" / "static" / "framing.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (.ci/run installs it)")

MSG = {
    "header": {"msg_id": "m", "msg_type": "comm_msg", "session": "s"},
    "parent_header": {"p": 1},
    "metadata": {},
    "content": {"comm_id": "c", "data": {"é": "ü", "n": [1, 2]}},
}
BUFFERS = [b"\x00\x01\x02", b"", bytes(range(256)) * 3]


def run_node(script: str) -> dict:
    code = f"import * as f from {json.dumps(FRAMING.as_uri())};\n{script}"
    out = subprocess.run([NODE, "--input-type=module", "-e", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def v1_decode(frame: bytes):
    n = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(n)]
    parts = [frame[offsets[i] : offsets[i + 1]] for i in range(n - 1)]
    return parts[0].decode(), parts[1:]


def v1_encode(channel: str, msg: dict, buffers) -> bytes:
    parts = (
        [channel.encode()]
        + [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
        + list(buffers)
    )
    offsets = [8 * (len(parts) + 2)]
    for p in parts:
        offsets.append(offsets[-1] + len(p))
    return b"".join([len(offsets).to_bytes(8, "little")] + [o.to_bytes(8, "little") for o in offsets] + parts)


def legacy_binary_encode(msg: dict, buffers) -> bytes:
    parts = [json.dumps({**msg, "channel": "iopub"}).encode()] + list(buffers)
    offsets = [4 * (len(parts) + 1)]
    for p in parts[:-1]:
        offsets.append(offsets[-1] + len(p))
    return struct.pack("!" + "I" * (len(parts) + 1), len(parts), *offsets) + b"".join(parts)


JS_BUFFERS = "[new Uint8Array([0,1,2]), new ArrayBuffer(0), new DataView(Uint8Array.from({length: 768}, (_, i) => i % 256).buffer)]"


def test_js_v1_frames_decode_like_the_server_does():
    out = run_node(f"""
      const frame = f.encodeV1("shell", {{...{json.dumps(MSG)}, buffers: {JS_BUFFERS}}});
      console.log(JSON.stringify({{b64: Buffer.from(frame).toString("base64")}}));""")
    channel, parts = v1_decode(base64.b64decode(out["b64"]))
    assert channel == "shell"
    assert [json.loads(p) for p in parts[:4]] == [MSG[k] for k in ("header", "parent_header", "metadata", "content")]
    assert parts[4:] == BUFFERS


def test_server_v1_frames_decode_in_js_without_copying_buffers():
    frame = base64.b64encode(v1_encode("iopub", MSG, BUFFERS)).decode()
    out = run_node(f"""
      const buf = Buffer.from({json.dumps(frame)}, "base64");
      const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
      const m = f.decodeV1(ab);
      console.log(JSON.stringify({{channel: m.channel, header: m.header, parent: m.parent_header, content: m.content,
        sameBuffer: m.buffers.every(b => b.buffer === ab),
        buffers: m.buffers.map(b => Array.from(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)))}}));""")
    assert out["channel"] == "iopub" and out["header"] == MSG["header"] and out["content"] == MSG["content"]
    assert out["parent"] == MSG["parent_header"] and out["sameBuffer"]
    assert [bytes(b) for b in out["buffers"]] == BUFFERS


def test_legacy_format_both_ways():
    frame = base64.b64encode(legacy_binary_encode(MSG, BUFFERS)).decode()
    out = run_node(f"""
      const buf = Buffer.from({json.dumps(frame)}, "base64");
      const m = f.decodeLegacy(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      const text = f.encodeLegacy("shell", {json.dumps(MSG)});
      const bin = f.encodeLegacy("shell", {{...{json.dumps(MSG)}, buffers: {JS_BUFFERS}}});
      console.log(JSON.stringify({{content: m.content, channel: m.channel,
        buffers: m.buffers.map(b => Array.from(new Uint8Array(b.buffer, b.byteOffset, b.byteLength))),
        text, bin: Buffer.from(bin).toString("base64")}}));""")
    assert out["content"] == MSG["content"] and out["channel"] == "iopub"
    assert [bytes(b) for b in out["buffers"]] == BUFFERS
    assert json.loads(out["text"]) == {**MSG, "channel": "shell"}
    raw = base64.b64decode(out["bin"])
    n = struct.unpack("!I", raw[:4])[0]
    offsets = list(struct.unpack("!" + "I" * n, raw[4 : 4 * (n + 1)])) + [len(raw)]
    parts = [raw[offsets[i] : offsets[i + 1]] for i in range(n)]
    assert json.loads(parts[0]) == {**MSG, "channel": "shell"} and parts[1:] == BUFFERS


def test_malformed_v1_frame_is_refused():
    out = run_node("""
      let error = null;
      try { f.decodeV1(new ArrayBuffer(16)); } catch (e) { error = e.message; }
      console.log(JSON.stringify({error}));""")
    assert out["error"] == "malformed v1 frame"
