// @ts-check
// The socket worker: the page's kernel WebSockets live here, off the main thread. Frames are read,
// decoded and filtered in this thread, so the kernel's broadcast traffic that is not cellwire's
// (other cells' output, other comms) never reaches the page's main thread at all. Buffers of the
// messages that are passed on move to the main thread without a copy (transferred).
//
// Main -> worker: {op: "open", id, url} | {op: "send", id, channel, msg} | {op: "comms", id, ids}
//                 | {op: "close", id}
// Worker -> main: {op: "ready"} | {op: "open", id, protocol} | {op: "message", id, msg}
//                 | {op: "close", id, code}

import { Wire, plainMessage } from "./wire.js";

/**
 * This worker's global scope, as far as it is used here. (The checker types every runtime module
 * with the DOM's globals, where `self` is a Window; this module alone runs in a worker.)
 * @typedef {object} WorkerScope
 * @property {(message: unknown, transfer?: Transferable[]) => void} postMessage
 * @property {((event: MessageEvent<ToWorker>) => void) | null} onmessage
 */

/**
 * What the main thread asks of this worker (see the top of this file).
 * @typedef {{op: "open", id: number, url: string}
 *   | {op: "send", id: number, channel: string, msg: KernelMessage}
 *   | {op: "comms", id: number, ids: string[]}
 *   | {op: "close", id: number}} ToWorker
 */
const scope = /** @type {WorkerScope} */ (/** @type {unknown} */ (self));

/** @type {Map<number, Wire>} socket id -> its Wire */
const wires = new Map();

/**
 * The buffers underlying a message's parts, each once, to be moved rather than copied.
 * @param {ReceivedMessage} msg
 * @returns {ArrayBuffer[]}
 */
function transferables(msg) {
  /** @type {Set<ArrayBuffer>} */
  const seen = new Set();
  for (const buffer of msg.buffers) seen.add(/** @type {ArrayBuffer} */ (buffer.buffer));
  return [...seen];
}

scope.onmessage = (/** @type {MessageEvent<ToWorker>} */ { data }) => {
  const id = data.id;
  if (data.op === "open") {
    wires.set(id, new Wire(data.url, {
      open: (protocol) => scope.postMessage({ op: "open", id, protocol }),
      message: (msg) => {
        const plain = plainMessage(msg);
        scope.postMessage({ op: "message", id, msg: plain }, transferables(plain));
      },
      close: (code) => {
        wires.delete(id);
        scope.postMessage({ op: "close", id, code });
      },
    }));
    return;
  }
  const wire = wires.get(id);
  if (!wire) return;
  if (data.op === "send") {
    try {
      wire.send(data.channel, data.msg);
    } catch (err) {
      console.warn("cellwire: could not send a message", err);
    }
  } else if (data.op === "comms") {
    wire.setComms(data.ids);
  } else if (data.op === "close") {
    wire.close();
  }
};

scope.postMessage({ op: "ready" });
