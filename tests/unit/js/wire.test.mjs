// wire.js: what the socket worker hands to the main thread. Each buffer must own its ArrayBuffer
// (issue #12: widget code does `new Uint8ClampedArray(model.get("data").buffer)`), sliced out of
// the frame in the worker, so that the main thread copies nothing.
import assert from "node:assert/strict";
import test from "node:test";

import { ownBuffer } from "../../../src/cellwire/static/binary.js";
import { decodeLegacy, decodeV1, encodeLegacy, encodeV1 } from "../../../src/cellwire/static/framing.js";
import { transferableMessage } from "../../../src/cellwire/static/wire.js";

const MSG = {
  header: { msg_id: "m", msg_type: "comm_msg", session: "s" }, parent_header: { p: 1 },
  metadata: {}, content: { comm_id: "c", data: { op: "msg" } },
};
const BYTES = [[1, 2, 3], [], [4, 5]];

/** A received message with `BYTES` as its buffers, decoded from a frame of each framing. */
const received = {
  v1: () => decodeV1(encodeV1("shell", { ...MSG, buffers: BYTES.map((b) => new Uint8Array(b)) })),
  legacy: () => decodeLegacy(encodeLegacy("shell", { ...MSG, buffers: BYTES.map((b) => new Uint8Array(b)) })),
};

for (const [framing, decode] of Object.entries(received)) {
  test(`${framing}: each buffer owns an ArrayBuffer of exactly its bytes, and only those move`, () => {
    const msg = decode();
    const frame = msg.buffers[0].buffer;
    assert.ok(msg.buffers[0].byteOffset > 0, "decoded buffers are views into the frame");
    const { msg: plain, transfer } = transferableMessage(msg);
    assert.deepEqual(plain.buffers.map((b) => [...new Uint8Array(b.buffer)]), BYTES);
    for (const b of plain.buffers) {
      assert.ok(b instanceof DataView);
      assert.equal(b.byteOffset, 0);
      assert.equal(b.buffer.byteLength, b.byteLength);
    }
    assert.deepEqual(transfer, plain.buffers.map((b) => b.buffer));
    assert.ok(!transfer.includes(frame), "the frame itself is not transferred");
    // Posting it as the worker does moves exactly those buffers: the frame stays usable here.
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(plain, transfer);
    port1.close();
    port2.close();
    assert.ok(transfer.every((b) => b.byteLength === 0), "the buffers were moved, not copied");
    assert.equal(frame.byteLength > 0, true);
  });
}

test("the message crosses as a plain object: every part parsed, nothing lazy", () => {
  const { msg } = transferableMessage(received.v1());
  assert.deepEqual(Object.getOwnPropertyNames(msg).sort(), ["buffers", "channel", "content", "header", "metadata", "parent_header"]);
  for (const key of Object.keys(msg)) assert.ok("value" in Object.getOwnPropertyDescriptor(msg, key), `${key} is a getter`);
  assert.deepEqual(structuredClone({ ...msg, buffers: [] }), { channel: "shell", ...MSG, buffers: [] });
});

test("a message without buffers transfers nothing", () => {
  const { msg, transfer } = transferableMessage(decodeLegacy(encodeLegacy("iopub", MSG)));
  assert.deepEqual(msg.buffers, []);
  assert.deepEqual(transfer, []);
});

test("ownBuffer (the main-thread guard) copies nothing when a buffer already owns its bytes", () => {
  const owned = new DataView(new Uint8Array([1, 2]).buffer);
  assert.equal(ownBuffer(owned), owned);
  const bytes = new Uint8Array([3, 4]);
  assert.equal(ownBuffer(bytes).buffer, bytes.buffer);
  const raw = new ArrayBuffer(3);
  assert.equal(ownBuffer(raw).buffer, raw);
  const frame = new Uint8Array([9, 1, 2, 9]).buffer;
  const part = ownBuffer(new DataView(frame, 1, 2));
  assert.notEqual(part.buffer, frame);
  assert.deepEqual([...new Uint8Array(part.buffer)], [1, 2]);
});
