// @ts-check
// Binary values inside JSON-like data: ArrayBuffers, typed arrays and DataViews cannot travel in a
// message's JSON, so they go as the message's buffers, and `buffer_paths` says where each belongs
// (the convention of Jupyter widgets, used by calls both ways).

/** @typedef {ArrayBuffer | ArrayBufferView} Binary */
/** @typedef {Array<string | number>} BufferPath */

/**
 * Is `value` binary (sent as a buffer rather than as JSON)?
 * @param {unknown} value
 * @returns {value is Binary}
 */
export function isBinary(value) {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/**
 * `value` with its binary parts replaced by null, the paths where they were, and the parts
 * themselves. Only arrays and plain objects are walked (class instances are left as they are).
 * @param {unknown} value
 * @returns {{value: any, paths: BufferPath[], buffers: Binary[]}}
 */
export function splitBinary(value) {
  /** @type {BufferPath[]} */
  const paths = [];
  /** @type {Binary[]} */
  const buffers = [];
  /** @param {unknown} node @param {BufferPath} path @returns {unknown} */
  function walk(node, path) {
    if (isBinary(node)) {
      paths.push(path);
      buffers.push(node);
      return null;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node && typeof node === "object" && Object.getPrototypeOf(node) === Object.prototype) {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return node;
  }
  return { value: walk(value, []), paths, buffers };
}

/**
 * Put `buffers` back at `paths` inside `value` (changed in place; an empty path replaces `value`
 * itself), and return it.
 * @param {any} value
 * @param {BufferPath[]} [paths]
 * @param {unknown[]} [buffers]
 * @returns {any}
 */
export function joinBinary(value, paths = [], buffers = []) {
  if (paths.length !== buffers.length) throw new Error(`${paths.length} buffer paths but ${buffers.length} buffers`);
  paths.forEach((path, i) => {
    if (path.length === 0) {
      value = buffers[i];
      return;
    }
    let node = value;
    for (const key of path.slice(0, -1)) node = node[key];
    node[path[path.length - 1]] = buffers[i];
  });
  return value;
}

/**
 * Bytes as base64 text: buffers inside JSON, where only text frames get through (behind a kernel
 * gateway, see `KernelLink.textOnly`).
 * @param {Binary} buffer
 * @returns {string}
 */
export function toBase64(buffer) {
  const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer)
    : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const native = /** @type {{toBase64?: () => string}} */ (/** @type {unknown} */ (bytes));
  if (native.toBase64) return native.toBase64();
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/**
 * The inverse of `toBase64`.
 * @param {string} text
 * @returns {DataView}
 */
export function fromBase64(text) {
  const native = /** @type {{fromBase64?: (text: string) => Uint8Array}} */ (/** @type {unknown} */ (Uint8Array));
  if (native.fromBase64) {
    const bytes = native.fromBase64(text);
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return new DataView(bytes.buffer);
}

/**
 * A buffer as JupyterLab and anywidget hand it to widget code: a DataView whose `.buffer` holds
 * exactly its bytes (byteOffset 0), so `new Uint8Array(view.buffer)` is right. A buffer that already
 * owns its ArrayBuffer is returned as it is, without a copy: the socket worker hands over only such
 * buffers (`transferableMessage`, sliced off the main thread), so this copies only on the page's
 * main-thread socket, where decoded buffers are views into the received frame.
 * @param {Binary} buffer
 * @returns {DataView}
 */
export function ownBuffer(buffer) {
  if (buffer instanceof ArrayBuffer) return new DataView(buffer);
  const whole = buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength;
  if (whole && buffer.buffer instanceof ArrayBuffer) {
    return buffer instanceof DataView ? buffer : new DataView(buffer.buffer);
  }
  return new DataView(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
}
