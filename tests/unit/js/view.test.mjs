// view.js's ChannelHandle, what a channel view's render gets: it works through its view, and
// hands out no handle on it.
import assert from "node:assert/strict";
import test from "node:test";

import { ChannelHandle } from "../../../src/cellwire/static/view.js";

function fakes() {
  const sent = [];
  const listening = [];
  const view = {
    targetId: "t1", state: "live",
    link: { send: (v, data, buffers) => sent.push({ from: v, data, n: buffers.length }) },
    calls: { invoke: (...args) => ["invoke", ...args], expose: (fns) => ["expose", Object.keys(fns)] },
  };
  const events = { on: (e, cb) => listening.push([e, cb]), off: (e, cb) => listening.splice(listening.findIndex((l) => l[1] === cb), 1) };
  return { sent, listening, view, channel: new ChannelHandle(view, events) };
}

test("the channel sends, invokes and exposes through its view", () => {
  const { sent, view, channel } = fakes();
  channel.send({ a: 1 }, [new ArrayBuffer(1)]);
  channel.send(undefined);
  assert.deepEqual(sent, [{ from: view, data: { a: 1 }, n: 1 }, { from: view, data: null, n: 0 }]);
  assert.deepEqual(channel.invoke("f", [1], { timeout: 5 }), ["invoke", "f", [1], { timeout: 5 }]);
  assert.deepEqual(channel.expose({ g() {} }), ["expose", ["g"]]);
  assert.equal(channel.id, "t1");
  assert.equal(channel.status, "live");
});

test("on returns the function that stops listening", () => {
  const { listening, channel } = fakes();
  const stop = channel.on("message", () => {});
  assert.equal(listening.length, 1);
  stop();
  assert.equal(listening.length, 0);
});

test("a view's module cannot reach the OutputView through its channel", () => {
  const { view, channel } = fakes();
  const reachable = new Set();
  for (let o = channel; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Reflect.ownKeys(o)) {
      const descriptor = Object.getOwnPropertyDescriptor(o, key);
      if (descriptor && "value" in descriptor) reachable.add(descriptor.value);
      else if (descriptor?.get) reachable.add(descriptor.get.call(channel));
    }
  }
  assert.ok(!reachable.has(view) && !reachable.has(view.link) && !reachable.has(view.calls));
});

test("not connected: sending says so", () => {
  const { view, channel } = fakes();
  view.link = null;
  assert.throws(() => channel.send({}), /not delivered: this view is not connected to a kernel/);
});
