"""model.js (the page's model) in Node, against a fake link: echoes, acks, coalescing, jslink."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

MODEL = Path(__file__).resolve().parents[2] / "src" / "cellwire" / "static" / "model.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (.ci/run installs it)")

PRELUDE = """
import { Model } from %s;
const sent = [];
const link = { models: new Map(), send: (view, data, buffers) => sent.push({ data, n: buffers.length }) };
const view = { link, _showError: (m) => errors.push(m), _modelOk() {} };
const errors = [];
function make(id, state) {
  const versions = Object.fromEntries(Object.keys(state).map((k) => [k, 0]));
  const m = new Model(link, id, { name: "T", state, versions, buffer_paths: [] }, []);
  m.views.add(view);
  link.models.set(id, m);
  return m;
}
const out = {};
"""


def run(script: str) -> dict:
    code = PRELUDE % json.dumps(MODEL.as_uri()) + script + "\nconsole.log(JSON.stringify(out));"
    res = subprocess.run([NODE, "--input-type=module", "-e", code], capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_one_update_in_flight_and_queued_values_are_replaced():
    out = run("""
const m = make("a", { x: 0 });
for (let i = 1; i <= 50; i++) { m.set("x", i); m.save_changes(); }
out.first = sent.map((s) => s.data);
m._receive({ method: "update", state: { x: 1 }, versions: { x: 1 }, ack: 1 }, []);
out.second = sent.map((s) => s.data);
out.x = m.get("x");
""")
    assert out["first"] == [{"method": "update", "seq": 1, "state": {"x": 1}, "buffer_paths": []}]
    assert out["second"][-1]["state"] == {"x": 50} and len(out["second"]) == 2
    assert out["x"] == 50  # the echo of 1 did not overwrite the newer local 50


def test_late_echo_never_overwrites_a_newer_value():
    out = run("""
const m = make("a", { x: 0 });
const changes = [];
m.on("change:x", (model, v) => changes.push(v));
m._receive({ method: "update", state: { x: 5 }, versions: { x: 5 } }, []);
m._receive({ method: "update", state: { x: 3 }, versions: { x: 3 } }, []);
out.x = m.get("x"); out.changes = changes;
""")
    assert out == {"x": 5, "changes": [5]}


def test_refused_value_snaps_back_and_shows_the_message():
    out = run("""
const m = make("a", { x: 5 });
m.set("x", "bad"); m.save_changes();
m._receive({ method: "update", state: { x: 5 }, versions: { x: 0 }, ack: 1, errors: { x: "x: expected an int" } }, []);
out.x = m.get("x"); out.errors = errors;
""")
    assert out == {"x": 5, "errors": ["x: expected an int"]}


def test_another_tabs_change_while_ours_is_pending_does_not_flicker():
    out = run("""
const m = make("a", { x: 0 });
const seen = [];
m.on("change:x", (model, v) => seen.push(v));
m.set("x", 1); m.save_changes();                       // ours, seq 1 in flight
m._receive({ method: "update", state: { x: 2 }, versions: { x: 1 } }, []);   // other tab's, arrived first
m._receive({ method: "update", state: { x: 1 }, versions: { x: 2 }, ack: 1 }, []);  // ours wins at the kernel
out.x = m.get("x"); out.seen = seen;
""")
    assert out == {"x": 1, "seen": [1]}


def test_binary_values_go_as_buffers_and_custom_messages():
    out = run("""
const m = make("a", { data: null });
m.set("data", new Uint8Array([1, 2, 3])); m.save_changes();
m.send({ hi: 1 }, undefined, [new ArrayBuffer(2)]);
out.sent = sent;
const got = [];
m.on("msg:custom", (content, buffers) => got.push([content, buffers.length]));
m._receive({ method: "custom", content: { yo: 1 } }, [new DataView(new ArrayBuffer(1))]);
out.got = got;
""")
    assert out["sent"][0] == {"data": {"method": "update", "seq": 1, "state": {"data": None},
                                       "buffer_paths": [["data"]]}, "n": 1}
    assert out["sent"][1] == {"data": {"method": "custom", "content": {"hi": 1}}, "n": 1}
    assert out["got"] == [[{"yo": 1}, 1]]


def test_jslink_copies_on_the_page():
    out = run("""
const a = make("a", { v: 1, _jslinks: [["v", "IPY_MODEL_b", "w"]] });
const b = make("b", { w: 1 });
a.set("v", 9); a.save_changes();
out.w = b.get("w"); out.sentTo = sent.map((s) => Object.keys(s.data.state)[0]);
""")
    assert out == {"w": 9, "sentTo": ["w", "v"]}


def test_a_value_lost_with_the_socket_is_resent_on_resync_even_after_the_ack_timeout():
    out = run("""
const m = make("a", { x: 0 });
m.set("x", 7); m.save_changes();                       // seq 1, lost with the old socket
m._acked(1);                                            // the 10 s ack timeout passed meanwhile
const before = sent.length;
m._resync({ state: { x: 0 }, versions: { x: 0 }, buffer_paths: [] }, []);   // re-attached
out.resent = sent.slice(before).map((s) => s.data.state);
out.x = m.get("x");
m._receive({ method: "update", state: { x: 7 }, versions: { x: 1 }, ack: 2 }, []);
m._receive({ method: "update", state: { x: 8 }, versions: { x: 2 } }, []);  // another tab, later
out.after = m.get("x");
""")
    assert out == {"resent": [{"x": 7}], "x": 7, "after": 8}


def test_received_buffers_each_own_their_array_buffer():
    # (issue #12: anywidget code does `new Uint8ClampedArray(model.get("data").buffer)`)
    out = run("""
const frame = new Uint8Array([9, 9, 1, 2, 3, 9, 4, 5]).buffer;
const m = new Model(link, "b", { name: "T", state: { data: null, other: null }, versions: { data: 0, other: 0 },
  buffer_paths: [["data"], ["other"]] }, [new DataView(frame, 2, 3), new DataView(frame, 6, 2)]);
const data = m.get("data");
out.data = [data.byteOffset, data.buffer.byteLength, [...new Uint8Array(data.buffer)]];
out.other = [...new Uint8Array(m.get("other").buffer)];
let custom = null;
m.on("msg:custom", (content, buffers) => { custom = [...new Uint8Array(buffers[0].buffer)]; });
m._receive({ method: "custom", content: {} }, [new DataView(frame, 0, 2)]);
out.custom = custom;
""")
    assert out == {"data": [0, 3, [1, 2, 3]], "other": [4, 5], "custom": [9, 9]}
