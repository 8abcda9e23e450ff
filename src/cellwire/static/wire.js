// @ts-check
// One WebSocket to a kernel's channels, speaking kernel messages: it frames them (the v1 binary
// subprotocol when the server offers it, else the legacy format) and keeps only what concerns
// cellwire. The kernel's iopub is broadcast to every socket, so this socket also receives every
// other cell's output and every other comm's traffic; dropping that here, as early as possible,
// means it costs the page nothing more. Runs in the socket worker, or on the main thread.

import { ownBuffer } from "./binary.js";
import { V1_PROTOCOL, decodeLegacy, decodeV1, encodeLegacy, encodeV1 } from "./framing.js";

const KEPT_IOPUB = new Set(["status", "shutdown_reply", "comm_msg", "comm_close"]);

/**
 * What a wire tells its owner: `open(protocol)` ("v1" or "legacy"), each message of ours, and
 * `close(code)` once, whether the socket opened or not.
 * @typedef {object} WireEvents
 * @property {(protocol: string) => void} open
 * @property {(msg: ReceivedMessage) => void} message
 * @property {(code: number) => void} close
 */

export class Wire {
  /**
   * @param {string} url  the channels URL (with session_id and, if any, token)
   * @param {WireEvents} events
   * @param {"v1" | "legacy"} [framing]  "v1": offer the v1 subprotocol (the server may still answer
   *   legacy); "legacy": offer none (a server that does not answer v1 fails a socket that offers it)
   */
  constructor(url, events, framing = "v1") {
    this.events = events;
    /** @type {Set<string>} the comms whose iopub messages are ours */
    this.commIds = new Set();
    /** @type {"v1" | "legacy" | null} */
    this.protocol = null;
    this.ws = new WebSocket(url, framing === "v1" ? [V1_PROTOCOL] : []);
    this.ws.binaryType = "arraybuffer";
    this.ws.onopen = () => {
      this.protocol = this.ws.protocol === V1_PROTOCOL ? "v1" : "legacy";
      events.open(this.protocol);
    };
    this.ws.onmessage = (event) => this._receive(event.data);
    this.ws.onclose = (event) => events.close(event.code);
  }

  /** @param {string | ArrayBuffer} data */
  _receive(data) {
    let msg;
    try {
      if (this.protocol !== "v1") msg = decodeLegacy(data);
      else if (typeof data === "string") throw new Error("a text frame on the v1 protocol");
      else msg = decodeV1(data);
    } catch (err) {
      console.warn("cellwire: undecodable frame from the server", err);
      return;
    }
    if (this.isOurs(msg)) this.events.message(msg);
  }

  /** Shell and control messages reach only this socket; from iopub only statuses, the kernel's
   * goodbye and our own comms' messages matter.
   * @param {KernelMessage} msg
   */
  isOurs(msg) {
    if (msg.channel !== "iopub") return true;
    const type = msg.header.msg_type;
    if (!KEPT_IOPUB.has(type)) return false;
    return (type !== "comm_msg" && type !== "comm_close") || this.commIds.has(msg.content.comm_id);
  }

  /**
   * The comm ids whose iopub messages this socket passes on (the link's current comm).
   * @param {string[]} ids
   */
  setComms(ids) {
    this.commIds = new Set(ids);
  }

  /**
   * @param {string} channel
   * @param {Partial<KernelMessage>} msg
   */
  send(channel, msg) {
    this.ws.send(this.protocol === "v1" ? encodeV1(channel, msg) : encodeLegacy(channel, msg));
  }

  get isOpen() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close() {
    this.ws.close();
  }
}

/**
 * A decoded message as it crosses to the main thread: a plain object (every part parsed), each
 * buffer a DataView over an ArrayBuffer of exactly its bytes, and the list of those ArrayBuffers
 * to transfer. Decoded buffers are views into the received frame; widget code expects each to own
 * its ArrayBuffer (`new Uint8Array(view.buffer)`, as in JupyterLab and anywidget), so they are
 * sliced out of the frame here, in the socket worker, and moved: the main thread copies nothing.
 * @param {ReceivedMessage} msg
 * @returns {{msg: ReceivedMessage, transfer: ArrayBuffer[]}}
 */
export function transferableMessage(msg) {
  const { channel, header, parent_header, metadata, content } = msg;
  const buffers = msg.buffers.map(ownBuffer);
  const transfer = buffers.map((view) => /** @type {ArrayBuffer} */ (view.buffer));
  return { msg: { channel, header, parent_header, metadata, content, buffers }, transfer };
}
