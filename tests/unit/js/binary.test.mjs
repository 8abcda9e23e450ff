// binary.js: binary values out of JSON-like data and back, by path.
import assert from "node:assert/strict";
import test from "node:test";

import { isBinary, joinBinary, splitBinary } from "../../../src/cellwire/static/binary.js";

test("every kind of binary value is binary, nothing else is", () => {
  for (const value of [new ArrayBuffer(1), new Uint8Array(1), new Float64Array(1), new DataView(new ArrayBuffer(1))]) {
    assert.equal(isBinary(value), true);
  }
  for (const value of [null, undefined, 0, "x", [], {}, [new Uint8Array(1)], Buffer.from("x").toString()]) {
    assert.equal(isBinary(value), false);
  }
});

test("split lifts binary parts out of arrays and plain objects, with their paths", () => {
  const bytes = new Uint8Array([5]);
  const raw = new ArrayBuffer(2);
  const { value, paths, buffers } = splitBinary({ a: [1, bytes], b: { c: raw }, d: "x", e: null });
  assert.deepEqual(value, { a: [1, null], b: { c: null }, d: "x", e: null });
  assert.deepEqual(paths, [["a", 1], ["b", "c"]]);
  assert.equal(buffers[0], bytes); // the caller's buffers themselves, not copies
  assert.equal(buffers[1], raw);
});

test("split leaves the input alone and class instances unwalked", () => {
  class Point { constructor() { this.data = new Uint8Array(1); } }
  const input = { p: new Point(), list: [new Uint8Array(1)] };
  const { value, paths } = splitBinary(input);
  assert.ok(value.p instanceof Point);
  assert.deepEqual(paths, [["list", 0]]);
  assert.ok(input.list[0] instanceof Uint8Array);
});

test("a binary value at the top has the empty path, and join puts it back", () => {
  const bytes = new Uint8Array([1, 2]);
  const { value, paths, buffers } = splitBinary(bytes);
  assert.equal(value, null);
  assert.deepEqual(paths, [[]]);
  assert.equal(joinBinary(value, paths, buffers), bytes);
});

test("join puts received buffers back where split found the binary parts", () => {
  const { value, paths, buffers } = splitBinary({ a: [1, new Uint8Array([5])], b: { c: new ArrayBuffer(2) } });
  const received = buffers.map((b) => new DataView(b instanceof ArrayBuffer ? b : b.buffer));
  const joined = joinBinary(JSON.parse(JSON.stringify(value)), paths, received);
  assert.equal(joined.a[1], received[0]);
  assert.equal(joined.b.c, received[1]);
  assert.equal(joined.a[0], 1);
});

test("join refuses paths and buffers that do not pair up", () => {
  assert.throws(() => joinBinary({ a: null }, [["a"]], []), /1 buffer paths but 0 buffers/);
  assert.deepEqual(joinBinary({ a: 1 }), { a: 1 });
});
