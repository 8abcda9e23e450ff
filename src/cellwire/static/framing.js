// @ts-check
// Kernel message framing on the WebSocket: the v1.kernel.websocket.jupyter.org binary format and
// the legacy JSON (+ binary with buffers) format. Pure functions; buffers are never copied on decode.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const V1_PROTOCOL = "v1.kernel.websocket.jupyter.org";

/**
 * A Jupyter kernel message as the runtime handles it. `channel` is set on received messages.
 * @typedef {object} KernelMessage
 * @property {string} [channel]
 * @property {{msg_id: string, msg_type: string, session?: string, subshell_id?: string} & Record<string, unknown>} header
 * @property {any} parent_header
 * @property {any} metadata
 * @property {any} content
 * @property {Array<ArrayBuffer | ArrayBufferView>} buffers
 */

/**
 * A decoded message: its channel is known and its buffers are views into the received frame.
 * @typedef {KernelMessage & {channel: string, buffers: DataView[]}} ReceivedMessage
 */

/**
 * @param {ArrayBuffer | ArrayBufferView} buffer
 * @returns {Uint8Array}
 */
function asBytes(buffer) {
  if (buffer instanceof Uint8Array) return buffer;
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  throw new TypeError("a buffer must be an ArrayBuffer, a typed array or a DataView");
}

/**
 * `parts` one after the other, after `headerBytes` bytes left for the caller's header.
 * @param {Uint8Array[]} parts
 * @param {number} headerBytes
 */
function concat(parts, headerBytes) {
  let total = headerBytes;
  for (const p of parts) total += p.byteLength;
  const out = new Uint8Array(total);
  let offset = headerBytes;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/**
 * v1 frame: u64 count, count u64 offsets, channel, header, parent, metadata, content, buffers.
 * @param {string} channel
 * @param {Partial<KernelMessage>} msg
 * @returns {ArrayBuffer}
 */
export function encodeV1(channel, msg) {
  const parts = [
    encoder.encode(channel),
    encoder.encode(JSON.stringify(msg.header)),
    encoder.encode(JSON.stringify(msg.parent_header || {})),
    encoder.encode(JSON.stringify(msg.metadata || {})),
    encoder.encode(JSON.stringify(msg.content || {})),
    ...(msg.buffers || []).map(asBytes),
  ];
  const count = parts.length + 1;
  const headerBytes = 8 * (count + 1);
  const out = concat(parts, headerBytes);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(count), true);
  let offset = headerBytes;
  view.setBigUint64(8, BigInt(offset), true);
  parts.forEach((p, i) => {
    offset += p.byteLength;
    view.setBigUint64(8 * (i + 2), BigInt(offset), true);
  });
  return out.buffer;
}

/**
 * Decode a v1 frame. JSON parts are parsed lazily: most iopub traffic is not ours.
 * @param {ArrayBuffer} buffer
 * @returns {ReceivedMessage}
 */
export function decodeV1(buffer) {
  const view = new DataView(buffer);
  const count = Number(view.getBigUint64(0, true));
  if (count < 6 || 8 * (count + 1) > buffer.byteLength) throw new Error("malformed v1 frame");
  /** @type {number[]} */
  const offsets = [];
  for (let i = 0; i < count; i++) offsets.push(Number(view.getBigUint64(8 * (i + 1), true)));
  /** @param {number} i */
  const slice = (i) => new Uint8Array(buffer, offsets[i], offsets[i + 1] - offsets[i]);
  /** @param {number} i */
  const json = (i) => JSON.parse(decoder.decode(slice(i)));
  const buffers = [];
  for (let i = 5; i < count - 1; i++) buffers.push(new DataView(buffer, offsets[i], offsets[i + 1] - offsets[i]));
  /** @type {unknown} parsed once, when first read */
  let content;
  return {
    channel: decoder.decode(slice(0)),
    header: json(1),
    get parent_header() { return json(2); },
    get metadata() { return json(3); },
    get content() { return content === undefined ? (content = json(4)) : content; },
    buffers,
  };
}

/**
 * Legacy format: a JSON text frame, or (with buffers) u32 BE count + offsets, JSON, buffers.
 * @param {string} channel
 * @param {Partial<KernelMessage>} msg
 * @returns {string | ArrayBuffer}
 */
export function encodeLegacy(channel, msg) {
  const { buffers = [], ...rest } = msg;
  const json = JSON.stringify({ ...rest, channel });
  if (!buffers.length) return json;
  const parts = [encoder.encode(json), ...buffers.map(asBytes)];
  const headerBytes = 4 * (parts.length + 1);
  const out = concat(parts, headerBytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, parts.length);
  let offset = headerBytes;
  parts.forEach((p, i) => {
    view.setUint32(4 * (i + 1), offset);
    offset += p.byteLength;
  });
  return out.buffer;
}

/**
 * @param {string | ArrayBuffer} data  a text or a binary frame
 * @returns {ReceivedMessage}
 */
export function decodeLegacy(data) {
  if (typeof data === "string") {
    const msg = JSON.parse(data);
    return { ...msg, buffers: [] };
  }
  const view = new DataView(data);
  const count = view.getUint32(0);
  /** @type {number[]} */
  const offsets = [];
  for (let i = 0; i < count; i++) offsets.push(view.getUint32(4 * (i + 1)));
  offsets.push(data.byteLength);
  const msg = JSON.parse(decoder.decode(new Uint8Array(data, offsets[0], offsets[1] - offsets[0])));
  msg.buffers = [];
  for (let i = 1; i < count; i++) msg.buffers.push(new DataView(data, offsets[i], offsets[i + 1] - offsets[i]));
  return msg;
}
