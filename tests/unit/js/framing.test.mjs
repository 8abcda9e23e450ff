// framing.js against an independent implementation of jupyter_server's two formats, written here
// from the server's description (little-endian u64 offsets for v1, big-endian u32 for legacy).
import assert from "node:assert/strict";
import test from "node:test";

import { decodeLegacy, decodeV1, encodeLegacy, encodeV1 } from "../../../src/cellwire/static/framing.js";

const MSG = {
  header: { msg_id: "m", msg_type: "comm_msg", session: "s" }, parent_header: { p: 1 },
  metadata: {}, content: { comm_id: "c", data: { "é": "ü", n: [1, 2] } },
};
const BYTES = [[0, 1, 2], [], Array.from({ length: 768 }, (_, i) => i % 256)];
const jsBuffers = () => [new Uint8Array(BYTES[0]), new ArrayBuffer(0), new DataView(Uint8Array.from(BYTES[2]).buffer)];
const PARTS = ["header", "parent_header", "metadata", "content"];

/** The server's v1 decoding: [channel, ...parts]. */
function serverDecodeV1(frame) {
  const n = Number(frame.readBigUInt64LE(0));
  const offsets = Array.from({ length: n }, (_, i) => Number(frame.readBigUInt64LE(8 * (i + 1))));
  const parts = Array.from({ length: n - 1 }, (_, i) => frame.subarray(offsets[i], offsets[i + 1]));
  return [parts[0].toString("utf8"), parts.slice(1)];
}

/** The server's v1 encoding of `msg` with `buffers` on `channel`. */
function serverEncodeV1(channel, msg, buffers) {
  const parts = [Buffer.from(channel), ...PARTS.map((k) => Buffer.from(JSON.stringify(msg[k]))), ...buffers.map((b) => Buffer.from(b))];
  const offsets = [8 * (parts.length + 2)];
  for (const p of parts) offsets.push(offsets[offsets.length - 1] + p.length);
  const head = Buffer.alloc(8 * (offsets.length + 1));
  head.writeBigUInt64LE(BigInt(offsets.length), 0);
  offsets.forEach((o, i) => head.writeBigUInt64LE(BigInt(o), 8 * (i + 1)));
  return Buffer.concat([head, ...parts]);
}

/** The server's legacy binary encoding (a message with buffers), on iopub. */
function serverEncodeLegacy(msg, buffers) {
  const parts = [Buffer.from(JSON.stringify({ ...msg, channel: "iopub" })), ...buffers.map((b) => Buffer.from(b))];
  const head = Buffer.alloc(4 * (parts.length + 1));
  head.writeUInt32BE(parts.length, 0);
  let offset = head.length;
  parts.forEach((p, i) => { head.writeUInt32BE(offset, 4 * (i + 1)); offset += p.length; });
  return Buffer.concat([head, ...parts]);
}

/** An ArrayBuffer holding exactly `buffer`'s bytes, as a WebSocket hands frames over. */
const arrayBufferOf = (buffer) => buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
const bytesOf = (view) => Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));

test("the page's v1 frames decode as the server decodes them", () => {
  const frame = encodeV1("shell", { ...MSG, buffers: jsBuffers() });
  const [channel, parts] = serverDecodeV1(Buffer.from(frame));
  assert.equal(channel, "shell");
  assert.deepEqual(parts.slice(0, 4).map((p) => JSON.parse(p.toString("utf8"))), PARTS.map((k) => MSG[k]));
  assert.deepEqual(parts.slice(4).map((p) => Array.from(p)), BYTES);
});

test("the server's v1 frames decode on the page without copying the buffers", () => {
  const frame = arrayBufferOf(serverEncodeV1("iopub", MSG, BYTES));
  const m = decodeV1(frame);
  assert.equal(m.channel, "iopub");
  assert.deepEqual(m.header, MSG.header);
  assert.deepEqual(m.parent_header, MSG.parent_header);
  assert.deepEqual(m.content, MSG.content);
  assert.ok(m.buffers.every((b) => b.buffer === frame));
  assert.deepEqual(m.buffers.map(bytesOf), BYTES);
});

test("the legacy format both ways", () => {
  const m = decodeLegacy(arrayBufferOf(serverEncodeLegacy(MSG, BYTES)));
  assert.deepEqual(m.content, MSG.content);
  assert.equal(m.channel, "iopub");
  assert.deepEqual(m.buffers.map(bytesOf), BYTES);

  assert.deepEqual(JSON.parse(encodeLegacy("shell", MSG)), { ...MSG, channel: "shell" });
  assert.deepEqual(decodeLegacy(JSON.stringify({ ...MSG, channel: "iopub" })).buffers, []);

  const raw = Buffer.from(encodeLegacy("shell", { ...MSG, buffers: jsBuffers() }));
  const n = raw.readUInt32BE(0);
  const offsets = [...Array.from({ length: n }, (_, i) => raw.readUInt32BE(4 * (i + 1))), raw.length];
  const parts = Array.from({ length: n }, (_, i) => raw.subarray(offsets[i], offsets[i + 1]));
  assert.deepEqual(JSON.parse(parts[0].toString("utf8")), { ...MSG, channel: "shell" });
  assert.deepEqual(parts.slice(1).map((p) => Array.from(p)), BYTES);
});

test("a malformed v1 frame is refused", () => {
  assert.throws(() => decodeV1(new ArrayBuffer(16)), /malformed v1 frame/);
});
