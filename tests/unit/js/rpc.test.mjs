// rpc.js: expression-or-body evaluation, and calls both ways against a fake view and link (what
// goes on the wire, what callers see).
import assert from "node:assert/strict";
import test from "node:test";

import { ViewCalls, compile, describeError } from "../../../src/cellwire/static/rpc.js";

const bytesOf = (b) => Array.from(new Uint8Array(b.buffer || b, b.byteOffset || 0, b.byteLength));

function fakes() {
  const sent = [];
  const view = {
    id: "v1", liveEl: { textContent: "hello" }, channel: { id: "t" }, whenRendered: Promise.resolve(),
    runtime: { boot: { uuid: () => `id${sent.length}` } },
    link: { sendOp: (v, message, buffers) => sent.push({ message, buffers: buffers.map(bytesOf) }) },
  };
  return { sent, calls: new ViewCalls(view) };
}

test("code is an expression when it parses as one, else a function body", async () => {
  assert.equal(await compile("1 + 2;;")(), 3);
  assert.equal(await compile("const n = 2; return n * args.k")(null, null, { k: 4 }), 8);
  assert.equal(await compile("  el.textContent;  ")({ textContent: "hi" }), "hi");
});

test("what Python is told about a JavaScript error", () => {
  const described = describeError(new RangeError("too far"));
  assert.equal(described.name, "RangeError");
  assert.equal(described.message, "too far");
  assert.match(described.stack, /too far/);
  assert.deepEqual(describeError("plain"), { name: "Error", message: "plain", stack: "" });
});

test("Python calls an exposed function or evaluates code, and gets the result or the error", async () => {
  const { sent, calls } = fakes();
  calls.expose({ mul: (a, b) => a * b, size: (b) => b.byteLength, bytes: () => ({ data: new Uint8Array([1, 2]) }),
                 boom: () => { throw new RangeError("too far"); } });
  await calls.runCall({ id: "1", name: "mul", args: [6, 7] }, []);
  await calls.runCall({ id: "2", name: "bytes", args: [] }, []);
  await calls.runCall({ id: "3", name: "boom", args: [] }, []);
  await calls.runCall({ id: "4", name: "nope", args: [] }, []);
  await calls.runCall({ id: "5", code: "el.textContent + args.x", args: [{ x: "!" }] }, []);
  await calls.runCall({ id: "6", code: "const n = 2; return n * args.k", args: [{ k: 4 }] }, []);
  await calls.runCall({ id: "7", code: "document.body", args: [{}] }, []);
  await calls.runCall({ id: "9", code: "  el.textContent;  ", args: [{}] }, []);
  await calls.runCall({ id: "8", name: "size", args: [null], buffer_paths: [["args", 0]] }, [new DataView(new ArrayBuffer(5))]);
  const replies = Object.fromEntries(sent.map((m) => [m.message.id, m]));
  assert.deepEqual(replies["1"].message, { op: "reply", view: "v1", id: "1", value: 42 });
  assert.deepEqual(replies["2"].message.buffer_paths, [["value", "data"]]);
  assert.deepEqual(replies["2"].buffers, [[1, 2]]);
  assert.equal(replies["3"].message.error.name, "RangeError");
  assert.equal(replies["3"].message.error.message, "too far");
  assert.match(replies["3"].message.error.stack, /boom/);
  assert.match(replies["4"].message.error.message, /\(exposed: mul, size, bytes, boom\)/);
  assert.equal(replies["5"].message.value, "hello!");
  assert.equal(replies["6"].message.value, 8);
  assert.equal(replies["7"].message.error.name, "ReferenceError"); // no document in Node
  assert.equal(replies["8"].message.value, 5);
  assert.equal(replies["9"].message.value, "hello"); // a trailing ';' still reads as an expression
});

test("a removed function is no longer callable", async () => {
  const { sent, calls } = fakes();
  const remove = calls.expose({ f: () => 1 });
  remove();
  await calls.runCall({ id: "1", name: "f", args: [] }, []);
  assert.equal(sent[0].message.error.name, "ReferenceError");
  assert.throws(() => calls.expose({ g: 5 }), /expose: g is not a function/);
});

test("invoke sends a call and settles with the reply, the timeout or the view's end", async () => {
  const { sent, calls } = fakes();
  const ok = calls.invoke("add", [1, new Uint8Array([9])], { kwargs: { k: 1 } });
  const bad = calls.invoke("fail").catch((err) => ({ message: err.message, type: err.pythonType, name: err.name, tb: err.pythonTraceback }));
  const slow = calls.invoke("slow", [], { timeout: 20 }).catch((err) => err.message);
  const gone = calls.invoke("gone").catch((err) => err.message);
  const [first, second] = sent.map((s) => s.message);
  assert.deepEqual(first, { op: "call", view: "v1", id: first.id, name: "add", args: [1, null], kwargs: { k: 1 }, buffer_paths: [["args", 1]] });
  assert.deepEqual(sent[0].buffers, [[9]]);
  calls.receiveReply({ op: "reply", id: first.id, value: { got: null }, buffer_paths: [["value", "got"]] }, [new DataView(new Uint8Array([3]).buffer)]);
  calls.receiveReply({ op: "reply", id: second.id, error: { name: "ValueError", message: "no", stack: "Traceback" } }, []);
  assert.equal((await ok).got.getUint8(0), 3);
  assert.deepEqual(await bad, { message: "ValueError: no", type: "ValueError", name: "PythonError", tb: "Traceback" });
  assert.match(await slow, /no answer from Python within 20 ms/);
  calls.fail("the kernel restarted");
  assert.equal(await gone, "no answer from Python: the kernel restarted");
  assert.equal(calls.pending.size, 0);
});

test("an aborted invoke rejects with the signal's reason and forgets the call", async () => {
  const { calls } = fakes();
  const controller = new AbortController();
  const call = calls.invoke("wait", [], { signal: controller.signal });
  controller.abort(new Error("user gave up"));
  await assert.rejects(call, /user gave up/);
  assert.equal(calls.pending.size, 0);
  await assert.rejects(calls.invoke("late", [], { signal: controller.signal }), /user gave up/);
});
