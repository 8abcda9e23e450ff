// model.js (the page's model) against a fake link: echoes, acks, coalescing, jslink, the resync.
import assert from "node:assert/strict";
import test from "node:test";

import { Model } from "../../../src/cellwire/static/model.js";

/** A link and one connected view, recording what the model sends and the errors it shows. Each
 * model is disposed after the test `t` (which clears its ack timer: nothing keeps Node waiting). */
function fakes(t) {
  const sent = [];
  const errors = [];
  const link = { models: new Map(), send: (view, data, buffers) => sent.push({ data, n: buffers.length }) };
  const view = { link, showError: (message) => errors.push(message), modelAccepted() {} };
  function make(id, state) {
    const versions = Object.fromEntries(Object.keys(state).map((k) => [k, 0]));
    const model = new Model(link, id, { name: "T", state, versions, buffer_paths: [] }, []);
    model.addView(view);
    link.models.set(id, model);
    t.after(() => model.dispose());
    return model;
  }
  return { sent, errors, make };
}

test("one update in flight, and queued values are replaced by newer ones", (t) => {
  const { sent, make } = fakes(t);
  const m = make("a", { x: 0 });
  for (let i = 1; i <= 50; i++) { m.set("x", i); m.save_changes(); }
  assert.deepEqual(sent.map((s) => s.data), [{ method: "update", seq: 1, state: { x: 1 }, buffer_paths: [] }]);
  m.receive({ method: "update", state: { x: 1 }, versions: { x: 1 }, ack: 1 }, []);
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[1].data.state, { x: 50 });
  assert.equal(m.get("x"), 50); // the echo of 1 did not overwrite the newer local 50
});

test("a late echo never overwrites a newer value", (t) => {
  const { make } = fakes(t);
  const m = make("a", { x: 0 });
  const changes = [];
  m.on("change:x", (model, v) => changes.push(v));
  m.receive({ method: "update", state: { x: 5 }, versions: { x: 5 } }, []);
  m.receive({ method: "update", state: { x: 3 }, versions: { x: 3 } }, []);
  assert.equal(m.get("x"), 5);
  assert.deepEqual(changes, [5]);
});

test("a refused value snaps back and the view shows the kernel's message", (t) => {
  const { errors, make } = fakes(t);
  const m = make("a", { x: 5 });
  m.set("x", "bad"); m.save_changes();
  m.receive({ method: "update", state: { x: 5 }, versions: { x: 0 }, ack: 1, errors: { x: "x: expected an int" } }, []);
  assert.equal(m.get("x"), 5);
  assert.deepEqual(errors, ["x: expected an int"]);
});

test("another tab's change while ours is pending does not flicker", (t) => {
  const { make } = fakes(t);
  const m = make("a", { x: 0 });
  const seen = [];
  m.on("change:x", (model, v) => seen.push(v));
  m.set("x", 1); m.save_changes(); // ours, seq 1 in flight
  m.receive({ method: "update", state: { x: 2 }, versions: { x: 1 } }, []); // the other tab's, arrived first
  m.receive({ method: "update", state: { x: 1 }, versions: { x: 2 }, ack: 1 }, []); // ours wins at the kernel
  assert.equal(m.get("x"), 1);
  assert.deepEqual(seen, [1]);
});

test("binary values go as buffers, and custom messages both ways", (t) => {
  const { sent, make } = fakes(t);
  const m = make("a", { data: null });
  m.set("data", new Uint8Array([1, 2, 3])); m.save_changes();
  m.send({ hi: 1 }, undefined, [new ArrayBuffer(2)]);
  assert.deepEqual(sent[0], { data: { method: "update", seq: 1, state: { data: null }, buffer_paths: [["data"]] }, n: 1 });
  assert.deepEqual(sent[1], { data: { method: "custom", content: { hi: 1 } }, n: 1 });
  const got = [];
  m.on("msg:custom", (content, buffers) => got.push([content, buffers.length]));
  m.receive({ method: "custom", content: { yo: 1 } }, [new DataView(new ArrayBuffer(1))]);
  assert.deepEqual(got, [[{ yo: 1 }, 1]]);
});

test("a received binary value lands at its path", (t) => {
  const { make } = fakes(t);
  const m = make("a", { image: null, other: 1 });
  const buffer = new DataView(new Uint8Array([7]).buffer);
  m.receive({ method: "update", state: { image: null }, versions: { image: 1 }, buffer_paths: [["image"]] }, [buffer]);
  assert.equal(m.get("image"), buffer);
});

test("jslink copies values on the page", (t) => {
  const { sent, make } = fakes(t);
  const a = make("a", { v: 1, _jslinks: [["v", "IPY_MODEL_b", "w"]] });
  const b = make("b", { w: 1 });
  a.set("v", 9); a.save_changes();
  assert.equal(b.get("w"), 9);
  assert.deepEqual(sent.map((s) => Object.keys(s.data.state)[0]), ["w", "v"]);
});

test("widget_manager.get_model takes a reference or an id", async (t) => {
  const { make } = fakes(t);
  const a = make("a", { v: 1 });
  const b = make("b", { w: 1 });
  const link = { modelFor: async (id) => ({ a, b })[id] };
  const m = new Model(link, "c", { state: {}, versions: {} }, []);
  assert.equal(await m.widget_manager.get_model("IPY_MODEL_b"), b);
  assert.equal(await m.widget_manager.get_model("a"), a);
});

test("a value lost with the socket is resent on resync, even after the ack timeout", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { sent, make } = fakes(t);
  const m = make("a", { x: 0 });
  m.set("x", 7); m.save_changes(); // seq 1, lost with the old socket
  t.mock.timers.tick(10000); // no ack: the queue moved on
  const before = sent.length;
  m.resync({ state: { x: 0 }, versions: { x: 0 }, buffer_paths: [] }, []); // re-attached
  assert.deepEqual(sent.slice(before).map((s) => s.data.state), [{ x: 7 }]);
  assert.equal(m.get("x"), 7);
  m.receive({ method: "update", state: { x: 7 }, versions: { x: 1 }, ack: 2 }, []);
  m.receive({ method: "update", state: { x: 8 }, versions: { x: 2 } }, []); // another tab, later
  assert.equal(m.get("x"), 8);
});

test("a model shown nowhere says why nothing was sent", (t) => {
  const warned = [];
  t.mock.method(console, "warn", (message) => warned.push(message));
  const link = { models: new Map(), send() { throw new Error("unreachable"); } };
  const m = new Model(link, "a", { state: { x: 0 }, versions: { x: 0 } }, []);
  t.after(() => m.dispose());
  m.set("x", 1); m.save_changes();
  assert.deepEqual(warned, ["cellwire: not delivered: no output of this widget is connected"]);
  assert.equal(m.hasViews, false);
});

test("the module's initialize runs once per model, and its cleanup when the model goes", async (t) => {
  const { make } = fakes(t);
  const m = make("a", { x: 0 });
  let initialized = 0;
  let cleaned = 0;
  const module = { default: { initialize: () => { initialized++; return () => { cleaned++; }; }, render() {} } };
  const [first, second] = await Promise.all([m.widget(module), m.widget(module)]);
  assert.equal(first, second);
  assert.equal(initialized, 1);
  m.dispose();
  assert.equal(cleaned, 1);
  assert.equal(m.closed, true);
});

test("a widget cannot reach cellwire's link or views through its model", (t) => {
  const { make } = fakes(t);
  const m = make("a", { x: 0 });
  const values = new Set();
  for (let o = m; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Reflect.ownKeys(o)) {
      const descriptor = Object.getOwnPropertyDescriptor(o, key);
      if (descriptor && "value" in descriptor) values.add(descriptor.value);
    }
  }
  for (const value of values) {
    assert.ok(!(value && typeof value === "object" && ("send" in value && "models" in value)), "the link is reachable");
    assert.ok(!(value && typeof value === "object" && "showError" in value), "a view is reachable");
  }
  assert.equal(m.hasViews, true);
});

test("received buffers each own their ArrayBuffer (byteOffset 0), as in JupyterLab", (t) => {
  // (issue #12: anywidget code does `new Uint8ClampedArray(model.get("data").buffer)`)
  const { make } = fakes(t);
  const m = make("b", { data: null });
  const frame = new Uint8Array([9, 9, 1, 2, 3, 9, 4, 5]).buffer;
  m.receive({ method: "update", state: { data: null, other: null }, buffer_paths: [["data"], ["other"]],
              versions: { data: 1, other: 1 } }, [new DataView(frame, 2, 3), new DataView(frame, 6, 2)]);
  const data = m.get("data");
  assert.equal(data.byteOffset, 0);
  assert.deepEqual([...new Uint8Array(data.buffer)], [1, 2, 3]);
  assert.deepEqual([...new Uint8Array(m.get("other").buffer)], [4, 5]);
  let custom = null;
  m.on("msg:custom", (content, buffers) => { custom = [...new Uint8Array(buffers[0].buffer)]; });
  m.receive({ method: "custom", content: {} }, [new DataView(frame, 0, 2)]);
  assert.deepEqual(custom, [9, 9]);
});
