// @ts-check
// The socket worker: the page's kernel WebSockets live here, off the main thread. Frames are read,
// decoded and filtered in this thread, so the kernel's broadcast traffic that is not cellwire's
// (other cells' output, other comms) never reaches the page's main thread at all. Each buffer of a
// message that is passed on is sliced out of its frame here, into an ArrayBuffer of its own, and
// moved (transferred) to the main thread, which copies nothing.
//
// Main -> worker: {op: "open", id, url, framing} | {op: "send", id, channel, msg} | {op: "comms", id, ids}
//                 | {op: "close", id}
// Worker -> main: {op: "ready"} | {op: "open", id, protocol} | {op: "message", id, msg}
//                 | {op: "close", id, code}

import { Wire, transferableMessage } from "./wire.js";

/**
 * This worker's global scope, as far as it is used here. (The checker types every runtime module
 * with the DOM's globals, where `self` is a Window; this module alone runs in a worker.)
 * @typedef {object} WorkerScope
 * @property {(message: unknown, transfer?: Transferable[]) => void} postMessage
 * @property {((event: MessageEvent<ToWorker>) => void) | null} onmessage
 */

/**
 * What the main thread asks of this worker (see the top of this file).
 * @typedef {{op: "open", id: number, url: string, framing: "v1" | "legacy"}
 *   | {op: "send", id: number, channel: string, msg: KernelMessage}
 *   | {op: "comms", id: number, ids: string[]}
 *   | {op: "close", id: number}} ToWorker
 */
const scope = /** @type {WorkerScope} */ (/** @type {unknown} */ (self));

/** @type {Map<number, Wire>} socket id -> its Wire */
const wires = new Map();

scope.onmessage = (/** @type {MessageEvent<ToWorker>} */ { data }) => {
  const id = data.id;
  if (data.op === "open") {
    wires.set(id, new Wire(data.url, {
      open: (protocol) => scope.postMessage({ op: "open", id, protocol }),
      message: (msg) => {
        const { msg: plain, transfer } = transferableMessage(msg);
        scope.postMessage({ op: "message", id, msg: plain }, transfer);
      },
      close: (code) => {
        wires.delete(id);
        scope.postMessage({ op: "close", id, code });
      },
    }, data.framing));
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
