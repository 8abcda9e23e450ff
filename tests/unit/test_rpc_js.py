"""rpc.js in Node: binary values in JSON, expression-or-body evaluation, and both call directions
against a fake link (what goes on the wire, what callers see)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

RPC = Path(__file__).resolve().parents[2] / "src" / "cellwire" / "static" / "rpc.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (.ci/run installs it)")

FAKES = """
const sent = [];
const view = {
  id: "v1", liveEl: { textContent: "hello" }, channel: { id: "t" }, whenRendered: Promise.resolve(),
  runtime: { boot: { uuid: () => "id" + sent.length } },
  link: { sendOp: (v, message, buffers) => sent.push({ message, buffers: buffers.map((b) => Array.from(new Uint8Array(b.buffer || b, b.byteOffset || 0, b.byteLength))) }) },
};
const calls = new r.ViewCalls(view);
"""


def run_node(script: str):
    code = f"import * as r from {json.dumps(RPC.as_uri())};\n{FAKES}\n{script}"
    out = subprocess.run([NODE, "--input-type=module", "-e", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_split_and_join_binary():
    out = run_node("""
      const { value, paths, buffers } = r.splitBinary({ a: [1, new Uint8Array([5])], b: { c: new ArrayBuffer(2) }, d: "x" });
      const joined = r.joinBinary(JSON.parse(JSON.stringify(value)), paths, buffers.map((b) => new DataView(b.buffer || b)));
      console.log(JSON.stringify({ value, paths, kinds: [joined.a[1].constructor.name, joined.b.c.constructor.name] }));""")
    assert out["value"] == {"a": [1, None], "b": {"c": None}, "d": "x"}
    assert out["paths"] == [["a", 1], ["b", "c"]]
    assert out["kinds"] == ["DataView", "DataView"]


def test_python_calls_an_exposed_function_and_eval_code():
    out = run_node("""
      calls.expose({ mul: (a, b) => a * b, size: (b) => b.byteLength, bytes: () => ({ data: new Uint8Array([1, 2]) }),
                     boom: () => { throw new RangeError("too far"); } });
      await calls._call({ id: "1", name: "mul", args: [6, 7] }, []);
      await calls._call({ id: "2", name: "bytes", args: [] }, []);
      await calls._call({ id: "3", name: "boom", args: [] }, []);
      await calls._call({ id: "4", name: "nope", args: [] }, []);
      await calls._call({ id: "5", code: "el.textContent + args.x", args: [{ x: "!" }] }, []);
      await calls._call({ id: "6", code: "const n = 2; return n * args.k", args: [{ k: 4 }] }, []);
      await calls._call({ id: "7", code: "document.body", args: [{}] }, []);
      await calls._call({ id: "9", code: "  el.textContent;  ", args: [{}] }, []);
      await calls._call({ id: "8", name: "size", args: [null], buffer_paths: [["args", 0]] }, [new DataView(new ArrayBuffer(5))]);
      console.log(JSON.stringify(sent));""")
    replies = {m["message"]["id"]: m for m in out}
    assert replies["1"]["message"] == {"op": "reply", "view": "v1", "id": "1", "value": 42}
    assert replies["2"]["message"]["buffer_paths"] == [["value", "data"]] and replies["2"]["buffers"] == [[1, 2]]
    assert replies["3"]["message"]["error"]["name"] == "RangeError"
    assert (
        replies["3"]["message"]["error"]["message"] == "too far" and "boom" in replies["3"]["message"]["error"]["stack"]
    )
    assert replies["5"]["message"]["value"] == "hello!"
    assert replies["6"]["message"]["value"] == 8
    assert replies["7"]["message"]["error"]["name"] == "ReferenceError"  # no document in Node
    assert replies["8"]["message"]["value"] == 5
    assert replies["9"]["message"]["value"] == "hello"  # a trailing ';' still reads as an expression
    assert "(exposed: mul, size, bytes, boom)" in replies["4"]["message"]["error"]["message"]


def test_invoke_sends_a_call_and_settles_with_the_reply():
    out = run_node("""
      const ok = calls.invoke("add", [1, new Uint8Array([9])], { kwargs: { k: 1 } });
      const bad = calls.invoke("fail").catch((err) => ({ message: err.message, type: err.pythonType, name: err.name }));
      const slow = calls.invoke("slow", [], { timeout: 20 }).catch((err) => err.message);
      const gone = calls.invoke("gone").catch((err) => err.message);
      const [first, second] = sent.map((s) => s.message);
      calls._reply({ op: "reply", id: first.id, value: { got: null }, buffer_paths: [["value", "got"]] }, [new DataView(new Uint8Array([3]).buffer)]);
      calls._reply({ op: "reply", id: second.id, error: { name: "ValueError", message: "no", stack: "Traceback" } }, []);
      const okValue = await ok;
      const results = { first, second, ok: okValue.got.getUint8(0), bad: await bad, slow: await slow };
      calls.fail("the kernel restarted");
      results.gone = await gone;
      results.pending = calls.pending.size;
      console.log(JSON.stringify(results));""")
    assert out["first"] == {
        "op": "call",
        "view": "v1",
        "id": out["first"]["id"],
        "name": "add",
        "args": [1, None],
        "kwargs": {"k": 1},
        "buffer_paths": [["args", 1]],
    }
    assert out["ok"] == 3
    assert out["bad"] == {"message": "ValueError: no", "type": "ValueError", "name": "PythonError"}
    assert "no answer from Python within 20 ms" in out["slow"]
    assert out["gone"] == "no answer from Python: the kernel restarted" and out["pending"] == 0
