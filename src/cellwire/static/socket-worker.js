// The socket worker: the page's kernel WebSockets live here, off the main thread. Frames are read,
// decoded and filtered in this thread, so the kernel's broadcast traffic that is not cellwire's
// (other cells' output, other comms) never reaches the page's main thread at all. Buffers of the
// messages that are passed on move to the main thread without a copy (transferred).
//
// Main -> worker: {op: "open", id, url, framing} | {op: "send", id, channel, msg} | {op: "comms", id, ids}
//                 | {op: "close", id}
// Worker -> main: {op: "ready"} | {op: "open", id, protocol} | {op: "message", id, msg}
//                 | {op: "close", id, code}

import { Wire, plainMessage } from "./wire.js";

const wires = new Map(); // socket id -> Wire

function transferables(msg) {
  const seen = new Set();
  for (const buffer of msg.buffers) seen.add(buffer.buffer);
  return [...seen];
}

self.onmessage = ({ data }) => {
  const { op, id } = data;
  if (op === "open") {
    wires.set(id, new Wire(data.url, {
      open: (protocol) => self.postMessage({ op: "open", id, protocol }),
      message: (msg) => {
        const plain = plainMessage(msg);
        self.postMessage({ op: "message", id, msg: plain }, transferables(plain));
      },
      close: (code) => {
        wires.delete(id);
        self.postMessage({ op: "close", id, code });
      },
    }, data.framing));
    return;
  }
  const wire = wires.get(id);
  if (!wire) return;
  if (op === "send") {
    try {
      wire.send(data.channel, data.msg);
    } catch (err) {
      console.warn("cellwire: could not send a message", err);
    }
  } else if (op === "comms") {
    wire.setComms(data.ids);
  } else if (op === "close") {
    wire.close();
  }
};

self.postMessage({ op: "ready" });
