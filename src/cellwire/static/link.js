// @ts-check
// The page side of the link to one kernel: a comm opened from the browser to target "cellwire",
// the handshake, routing of messages to the output views of this page, and the reconnect and
// restart rules. Everything else on the socket (other comms, other cells' output) is ignored.

import { fromBase64, toBase64 } from "./binary.js";
import { BEACON_PREFIX, CHUNK_BYTES, MAX_INLINE_BYTES, PROTOCOL, TEXT_CHUNK_BYTES } from "./constants.js";
import { KernelSocket } from "./transport.js";
/** A welcome sent the direct way arrives in milliseconds; after this long without one, the page
 * asks again for the iopub route (a server or gateway that does not forward such messages). */
const DIRECT_WELCOME_MS = 3000;
/** After this long without a welcome over iopub either, the page asks the kernel on control
 * (answered even while a cell runs) whether messages get through at all. */
const IOPUB_WELCOME_MS = 10000;
/** After a reconnect, how long the kernel may take to answer on control (it does so even while
 * a cell runs) before the page decides that messages do not get through. */
const RESUME_INSPECT_MS = 10000;
/** How often a connected link checks over REST that its kernel still exists. */
const WATCHDOG_MS = 10000;
/** Messages a view may queue while the connection is down; beyond that they are refused. */
const MAX_QUEUED = 1000;

/**
 * Tests set `globalThis.__cellwire_trace = []` to see every cellwire message both ways. (An own
 * property only: an element with that id, which an output can place, is `window.__cellwire_trace` too.)
 * @param {"in" | "out"} dir
 * @param {unknown} data
 * @param {number} nbuffers
 */
function traced(dir, data, nbuffers) {
  if (Object.hasOwn(globalThis, "__cellwire_trace")) globalThis.__cellwire_trace?.push({ dir, data, nbuffers });
}

/**
 * The kernel's answer to our hello.
 * @typedef {object} Welcome
 * @property {string} instance     the kernel process
 * @property {string} route        "direct" or "iopub"
 * @property {string | null} [subshell]
 */

/**
 * A cellwire message from the kernel, by its `op` (docs/protocol.md; the kernel checks what it sends).
 * @typedef {({op: "welcome"} & Welcome)
 *   | ({op: "attached", view: string} & AttachedMessage)
 *   | {op: "msg", target: string, view?: string, except?: string, data: any}
 *   | ({op: "call" | "reply", view: string} & CallMessage)
 *   | {op: "closed", target: string}
 *   | {op: "pong", id: number}
 *   | {op: "batch", messages: FromKernel[], buffers: number[]}
 *   | ErrorOp} FromKernel
 */

/** @typedef {{op: "error", code: string, message: string, view?: string, fatal?: boolean}} ErrorOp */

/**
 * What a message from the kernel may carry on a text-only socket (protocol.md §6).
 * @typedef {{op?: string, b64buffers?: string[], download?: string | {id: string, chunks: number, sizes: number[]}}} TextOnlyParts
 */

/** @typedef {{resolve: (welcome: Welcome) => void, reject: (err: Error) => void, viaIopub: boolean}} HelloWaiter */

export class KernelLink {
  /**
   * @param {Runtime} runtime
   * @param {string} kernelId
   * @param {string | null} [subshellId]  the kernel's cellwire subshell, from the first output's spec (null: main shell)
   */
  constructor(runtime, kernelId, subshellId = null) {
    this.runtime = runtime;
    this.kernelId = kernelId;
    // Every cellwire shell message carries it, so the kernel handles them while a cell runs.
    this.subshellId = subshellId;
    /** @type {Map<string, OutputView>} view id -> view */
    this.views = new Map();
    this.state = "connecting"; // connecting | live | reconnecting | restarted | gone | forbidden | failed | closed
    this.detail = "";
    /** @type {string | null} */
    this.commId = null;
    /** @type {Welcome | null} */
    this.welcome = null;
    /** @type {string | null} "direct" | "iopub", as the welcome says */
    this.route = null;
    /** @type {Array<[OutputView, Record<string, unknown>, Binary[]]>} view messages waiting for the link to be live */
    this._queue = [];
    /** @type {Array<[FromKernel, DataView[]]>} messages of our comm not handled yet (`_receive`) */
    this._waiting = [];
    // (a message to a port is a task of its own, run at once: no timer's clamping)
    this._nextTask = new MessageChannel();
    this._nextTask.port1.onmessage = () => this._handleWaiting();
    /** @type {Set<string>} ids of outputs gone for good, to tell the kernel once live */
    this._released = new Set();
    /** @type {Map<string, (content: any) => void>} msg_id -> resolve, for shell and control replies */
    this._requests = new Map();
    /** @type {string | null} */
    this._helloMsgId = null;
    /** @type {Map<number, () => void>} */
    this._pings = new Map();
    this._pingId = 0;
    /** @type {HelloWaiter | null} */
    this._helloWaiter = null;
    /** @type {Promise<unknown> | null} */
    this._probing = null;
    this._probeAgain = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this._helloTimer = undefined;
    /** @type {{commId: string | null, views: Set<string>} | null} views attached along with the hello of that comm */
    this._attachSent = null;
    this.socket = new KernelSocket(runtime.boot, kernelId, {
      onMessage: (msg) => this._onMessage(msg),
      onState: (state, detail) => this._onSocketState(state, detail),
    }, runtime.sockets);
    // jupyter_server keeps a kernel's sockets open after the kernel is deleted: ask now and then.
    this._watchdog = setInterval(() => this._checkKernel(), WATCHDOG_MS);
    /** @type {{socket: string | null, server: string, framing: string | null} | null} which path this link is on: {socket: "worker" | "main", server: "accelerated" | "stock", framing: "v1" | "legacy"} */
    this.transport = null;
    this._started = false; // has the first hello gone out (else a later open must send it)
    /** @type {Map<string, DataView[]>} pieces of kernel messages sent in chunks, by download id */
    this._downloads = new Map();
    runtime.serverPath(kernelId); // (asked while the socket opens: the hello says it)
    this.ready = this.socket.connect().then(() => this._start());
    this.ready.catch((err) => this._setState(this.state === "connecting" ? "failed" : this.state, err.message));
  }

  /** The first hello, once a socket is open (the first one, or a reconnect after it failed). */
  async _start() {
    this._started = true;
    this.runtime.boot.mark?.("link-open");
    const server = await this.runtime.serverPath(this.kernelId);
    const transport = { socket: this.runtime.sockets.where, server, framing: this.socket.protocol };
    this.transport = transport;
    console.debug(`cellwire: kernel ${this.kernelId}: server ${server}, ${transport.framing} framing, socket in the ${transport.socket === "worker" ? "worker" : "main thread"}`);
    const welcome = this._hello();
    // Preloaded bundles compile on this thread now, while the kernel answers the hello and the
    // attaches sent with it (compiling earlier would hold up the socket's start and the hello).
    this.runtime.socketOpened();
    return welcome;
  }

  // -- handshake -------------------------------------------------------------------------------
  /**
   * Open our comm. The kernel answers the direct way when it can; `viaIopub` asks for iopub.
   * @param {boolean} [viaIopub]
   * @returns {Promise<Welcome>}
   */
  _hello(viaIopub = false) {
    const previous = this.commId;
    this._setComm(this.runtime.boot.uuid());
    this.route = null;
    /** @type {Record<string, unknown>} */
    const data = {
      op: "hello", protocol: PROTOCOL, page: this.runtime.pageId,
      runtime: this.runtime.version, kernel_id: this.kernelId, transport: this.transport,
    };
    if (previous) data.replaces = previous;
    if (viaIopub) data.route = "iopub";
    clearTimeout(this._helloTimer);
    return new Promise((resolve, reject) => {
      this._helloWaiter = { resolve, reject, viaIopub };
      traced("out", data, 0);
      this._helloMsgId = this.socket.send("shell", "comm_open", { comm_id: this.commId, target_name: "cellwire", data }, this._subshell());
      this._helloTimer = viaIopub ? setTimeout(() => this._noWelcome(), IOPUB_WELCOME_MS)
        : setTimeout(() => this._helloAgainViaIopub(), DIRECT_WELCOME_MS);
      this._attachWithHello();
    });
  }

  /** A link's first hello (no kernel process known yet) takes its views' attaches along, so the
   * kernel answers welcome and attached in one go (a round trip less before a first output
   * renders). The kernel checks each output's process itself (a stale one gets "stale-output",
   * which sends the view looking for its kernel, as after a welcome). */
  _attachWithHello() {
    if (this.welcome) return;
    this._attachSent = { commId: this.commId, views: new Set(this.views.keys()) };
    for (const view of this.views.values()) this._sendAttach(view);
  }

  /** No welcome either way: a kernel busy on its main shell (no subshell) answers on control, and
   * connects when the cell ends; no answer at all means the messages do not get through. */
  async _noWelcome() {
    const waiter = this._helloWaiter;
    if (!waiter || !this.socket.isOpen) return;
    try {
      await this.request("kernel_info_request", {}, 5000, "control");
      if (this._helloWaiter !== waiter) return;
      this._setState("connecting", "the kernel is busy and has no subshell: the output connects when the running cell ends");
    } catch (err) {
      if (this._helloWaiter !== waiter) return;
      this._helloWaiter = null;
      waiter.reject(new Error(this._messagesLost()));
    }
  }

  /** Give up on a socket that opened but brings nothing back; the message says so. */
  _messagesLost() {
    const message = `the socket to ${this.socket.where} opened, but no message from the kernel came back: `
      + "the server, or a proxy or gateway in front of it, drops kernel messages. Reload the page to try again.";
    this._setState("failed", message);
    return message;
  }

  _helloAgainViaIopub() {
    const waiter = this._helloWaiter;
    if (!waiter || !this.socket.isOpen) return;
    console.info("cellwire: no answer over the direct route; asking the kernel to use iopub");
    this._hello(true).then(waiter.resolve, waiter.reject);
  }

  /**
   * Our comm on this kernel: the socket passes on iopub messages of this comm only.
   * @param {string | null} id
   */
  _setComm(id) {
    this.commId = id;
    this.socket.setComms([id]);
  }

  /**
   * Header option for shell messages: our subshell, when the kernel has one.
   * @returns {{subshellId?: string}}
   */
  _subshell() {
    return this.subshellId ? { subshellId: this.subshellId } : {};
  }

  /**
   * The kernel says our subshell does not exist (a stale id): fall back to the main shell.
   * @param {string} parentId  the message it answered
   */
  _subshellUnknown(parentId) {
    this.subshellId = null;
    if (parentId === this._helloMsgId && this._helloWaiter) {
      const waiter = this._helloWaiter;
      this._hello(waiter.viaIopub).then(waiter.resolve, waiter.reject);
    }
  }

  /** @param {Welcome} data */
  _onWelcome(data) {
    this.runtime.boot.mark?.("welcome");
    clearTimeout(this._helloTimer);
    this.welcome = data;
    this.route = data.route;
    if ("subshell" in data) this.subshellId = data.subshell || null;
    this._setState("live");
    if (this._helloWaiter) this._helloWaiter.resolve(data);
    this._helloWaiter = null;
    const sent = this._attachSent?.commId === this.commId ? this._attachSent.views : new Set();
    this._attachSent = null;
    for (const view of this.views.values()) if (!sent.has(view.id)) this._sendAttachIfCurrent(view);
    this._flushQueue();
  }

  /**
   * Ask the kernel (over shell, or `channel`); resolves with the reply's content.
   * @param {string} msgType
   * @param {unknown} content
   * @param {number} [timeoutMs]
   * @param {string} [channel]
   * @returns {Promise<any>}
   */
  request(msgType, content, timeoutMs = 10000, channel = "shell") {
    return new Promise((resolve, reject) => {
      const id = this.socket.send(channel, msgType, content);
      const timer = setTimeout(() => {
        this._requests.delete(id);
        reject(new Error(`${msgType} got no reply in ${timeoutMs} ms`));
      }, timeoutMs);
      this._requests.set(id, (reply) => { clearTimeout(timer); resolve(reply); });
    });
  }

  /** Does this kernel (still) have cellwire loaded, and our comm open? Asked on the control
   * channel, which kernels answer even while a cell runs. Also picks the subshell for a new
   * hello: the one named by an output of the running kernel process (null: main shell).
   * @param {number} [timeoutMs]
   * @returns {Promise<{beacons: string[], hasCellwire: boolean, hasOurComm: boolean}>}
   */
  async _inspect(timeoutMs = 60000) {
    const reply = await this.request("comm_info_request", { target_name: "cellwire" }, timeoutMs, "control");
    const comms = Object.keys(reply.comms || {});
    const beacons = comms.filter((id) => id.startsWith(BEACON_PREFIX)).map((id) => id.slice(BEACON_PREFIX.length));
    if (!this.welcome || !beacons.includes(this.welcome.instance)) {  // a new kernel process
      const spec = [...this.views.values()].map((view) => view.spec).find((s) => beacons.includes(s.instance));
      this.subshellId = spec?.subshell || null;
    }
    return {
      beacons,
      hasCellwire: beacons.length > 0,
      hasOurComm: this.commId !== null && comms.includes(this.commId),
    };
  }

  // -- incoming --------------------------------------------------------------------------------
  /** @param {ReceivedMessage} msg */
  _onMessage(msg) {
    const type = msg.header.msg_type;
    if (msg.channel === "iopub") {
      if (type === "status") {
        const state = msg.content.execution_state;
        if ((state === "restarting" || state === "starting") && this.welcome) this._kernelRestarted();
        // (not after our own probes: that would probe forever while cellwire is not imported)
        else if (state === "idle" && this.state === "restarted" && msg.parent_header?.session !== this.socket.sessionId) this._probeAfterRestart();
        return;
      }
      // A restart requested over REST does not always reach this socket as a status message
      // (the new kernel's "starting" can precede the server's reconnection): its goodbye does.
      if (type === "shutdown_reply" && this.welcome) {
        this._kernelRestarted();
        return;
      }
      if ((type === "comm_msg" || type === "comm_close") && msg.content.comm_id === this.commId) {
        if (type === "comm_close") this._kernelClosedComm();
        else this._receive(msg.content.data || {}, msg.buffers);
      }
      return;
    }
    if (msg.channel === "shell" || msg.channel === "control") {
      if (type === "comm_msg" && msg.content.comm_id === this.commId) {
        this._receive(msg.content.data || {}, msg.buffers);
        return;
      }
      if (msg.content?.ename === "UnknownSubshellError" && msg.parent_header.subshell_id === this.subshellId) {
        this._subshellUnknown(msg.parent_header.msg_id);
      }
      const waiter = this._requests.get(msg.parent_header.msg_id);
      if (waiter) {
        this._requests.delete(msg.parent_header.msg_id);
        waiter(msg.content);
      }
    }
  }

  /**
   * @param {FromKernel} data
   * @param {DataView[]} buffers
   */
  _handle(data, buffers) {
    // A text-only socket's framing (see `textOnly`): buffers in base64, big ones in chunks first.
    const wrapped = /** @type {TextOnlyParts} */ (/** @type {unknown} */ (data));
    if (wrapped.b64buffers) {
      const { b64buffers, ...rest } = wrapped;
      data = /** @type {FromKernel} */ (/** @type {unknown} */ (rest));
      buffers = b64buffers.map(fromBase64);
    }
    traced("in", data, buffers.length);
    if (wrapped.op === "chunk" && typeof wrapped.download === "string") {
      return this._downloadChunk(wrapped.download, buffers);
    }
    if (wrapped.download && typeof wrapped.download === "object") {
      const whole = this._downloadComplete(wrapped.download);
      if (!whole) return;
      buffers = whole;
    }
    switch (data.op) {
      case "welcome":
        return this._onWelcome(data);
      case "attached":
        return this.views.get(data.view)?.attached(data, buffers);
      case "msg": {
        if (data.view) return this.views.get(data.view)?.receive(data.data, buffers);
        for (const view of this.views.values()) {
          if (view.targetId === data.target && view.id !== data.except) view.receive(data.data, buffers);
        }
        return;
      }
      case "call":
        return this.views.get(data.view)?.calls.runCall(data, buffers);
      case "reply":
        return this.views.get(data.view)?.calls.receiveReply(data, buffers);
      case "closed":
        for (const view of this.views.values()) if (view.targetId === data.target) view.targetClosed();
        return;
      case "pong": {
        const resolve = this._pings.get(data.id);
        this._pings.delete(data.id);
        return resolve && resolve();
      }
      case "error":
        return this._onError(data);
      default:
        console.warn(`cellwire: unknown message from the kernel (op ${JSON.stringify(/** @type {{op: unknown}} */ (data).op)}); is the page runtime older than the kernel's?`);
    }
  }

  /**
   * A message of our comm. A batch (protocol.md §4: a burst the kernel sent together) is taken
   * apart, and each of its messages is handled in a task of its own, as if it had come alone, and
   * before any message that came after it: ipywidgets applies a model's `update` only after a
   * promise (its `state_change`) while it fires a `custom` message at once, so a custom message
   * handled in the same task as the update before it would see the old state (ipympl's `resize`
   * before its `_size`). Between tasks the page runs its microtasks: the update is applied.
   * @param {FromKernel} data
   * @param {DataView[]} buffers
   */
  _receive(data, buffers) {
    const idle = this._waiting.length === 0;
    if (data.op !== "batch") this._waiting.push([data, buffers]);
    else {
      let at = 0;
      data.messages.forEach((message, i) => {
        const n = data.buffers[i] || 0;
        this._waiting.push([message, buffers.slice(at, at + n)]);
        at += n;
      });
    }
    if (idle) this._handleWaiting();
  }

  /** Handle the first waiting message now, and the next one (if any) in a task of its own. */
  _handleWaiting() {
    const next = this._waiting.shift();
    if (!next) return;
    try {
      this._handle(...next);
    } finally {
      if (this._waiting.length) this._nextTask.port2.postMessage(null);
    }
  }

  /**
   * A piece of a message the kernel split (behind a kernel gateway, which drops messages over 10 MiB).
   * @param {string} download
   * @param {DataView[]} buffers
   */
  _downloadChunk(download, buffers) {
    const parts = this._downloads.get(download) || [];
    parts.push(buffers[0]);
    this._downloads.set(download, parts);
  }

  /**
   * The buffers of a chunked message, cut back into the sizes the kernel sent (null: incomplete).
   * @param {{id: string, chunks: number, sizes: number[]}} download
   * @returns {DataView[] | null}
   */
  _downloadComplete({ id, chunks, sizes }) {
    const parts = this._downloads.get(id) || [];
    this._downloads.delete(id);
    if (parts.length !== chunks) {
      console.warn(`cellwire: a message from the kernel arrived with ${parts.length} of its ${chunks} pieces; dropped`);
      return null;
    }
    // Each buffer its own ArrayBuffer (as widget code expects: no ownBuffer copy later).
    const out = sizes.map((size) => new Uint8Array(size));
    let index = 0; // the buffer being filled
    let at = 0; // how much of it is
    for (const part of parts) {
      let bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
      while (bytes.length > 0) {
        while (index < out.length && at === out[index].length) { index += 1; at = 0; }
        if (index === out.length) break;
        const n = Math.min(bytes.length, out[index].length - at);
        out[index].set(bytes.subarray(0, n), at);
        at += n;
        bytes = bytes.subarray(n);
      }
    }
    return out.map((buffer) => new DataView(buffer.buffer));
  }

  /** @param {ErrorOp} data */
  _onError(data) {
    if (data.fatal) {
      this._setComm(null); // the kernel has forgotten it: nothing to close
      this._setState("failed", data.message);
      if (this._helloWaiter) this._helloWaiter.reject(new Error(data.message));
      this._helloWaiter = null;
      return;
    }
    const view = data.view && this.views.get(data.view);
    if (view) view.kernelError(data);
    else console.warn(`cellwire: the kernel reported: ${data.message} (${data.code})`);
  }

  // -- lifecycle -------------------------------------------------------------------------------
  /**
   * @param {string} state
   * @param {string} [detail]
   */
  _onSocketState(state, detail = "") {
    if (state === "open") {
      if (this.welcome) this._resume();
      else if (!this._started && this.state !== "connecting") this._start().catch((err) => this._setState("failed", err.message));
    } else if (state === "reconnecting") {
      if (this.state !== "restarted") this._setState("reconnecting", detail);
    } else if (state === "gone" || state === "forbidden" || state === "failed") {
      this._setState(state, detail);
      this._refuseQueue(detail);
    }
  }

  /** After a reconnect: the kernel may be the same process (keep the comm, re-sync views) or a
   * restarted one (old outputs are stale). */
  async _resume() {
    let found;
    try {
      found = await this._inspect(RESUME_INSPECT_MS);
    } catch (err) {
      if (this.state !== "closed" && this.socket.isOpen) this._messagesLost();
      return;
    }
    try {
      const { hasCellwire, hasOurComm } = found;
      if (hasOurComm) {
        this._setState("live");
        for (const view of this.views.values()) this._sendAttach(view);
        this._flushQueue();
      } else if (hasCellwire) {
        await this._hello();
      } else {
        this._kernelRestarted();
      }
    } catch (err) {
      this._setState("failed", err instanceof Error ? err.message : String(err));
    }
  }

  async _checkKernel() {
    if (!this.socket.isOpen || document.hidden) return;
    const problem = await this.socket.diagnose();
    if (problem && this.state !== "closed") {
      this.close();
      this._setState(problem.state, problem.message);
      this._refuseQueue(problem.message);
    }
  }

  _kernelRestarted() {
    if (this.state === "restarted") return;
    this.welcome = null;
    this._setComm(null);
    this.subshellId = null; // the new kernel process has its own, named by its outputs
    this._released.clear(); // the old process's pins went with it
    this._setState("restarted", "the kernel restarted: run the cell again");
    this._refuseQueue("the kernel restarted before it was delivered");
  }

  /** After a restart, open a new comm once a cell has imported cellwire again. */
  _probeAfterRestart() {
    if (!this.socket.isOpen) return;
    if (this._probing) {
      // An answer already on its way may predate the cell that imports cellwire: ask again after.
      this._probeAgain = true;
      return;
    }
    this._probeAgain = false;
    // A short timeout: a request that reached the kernel process being replaced is never answered.
    this._probing = this._inspect(3000)
      .then(({ hasCellwire }) => (hasCellwire && this.state === "restarted" ? this._hello() : null))
      .catch(() => {})
      .finally(() => {
        this._probing = null;
        if (this._probeAgain && this.state === "restarted") this._probeAfterRestart();
      });
  }

  _kernelClosedComm() {
    this._setComm(null);
    this.welcome = null;
    this._setState("failed", "the kernel closed the connection");
  }

  /**
   * @param {string} state
   * @param {string} [detail]
   */
  _setState(state, detail = "") {
    this.state = state;
    this.detail = detail;
    if (["gone", "forbidden", "failed"].includes(state)) this._released.clear(); // nobody to tell
    for (const view of this.views.values()) view.linkState(state, detail);
  }

  // -- views -----------------------------------------------------------------------------------
  /** @param {OutputView} view */
  attach(view) {
    this.views.set(view.id, view);
    view.linkState(this.state, this.detail);
    if (this.state === "live") this._sendAttachIfCurrent(view);
    else if (this.state === "restarted") this._probeAfterRestart();
  }

  /** An output of another kernel process than ours is either stale (an earlier process) or proof
   * of a restart this socket did not hear about (a newer one): the kernel's beacon tells which.
   * @param {OutputView} view
   */
  async _sendAttachIfCurrent(view) {
    if (!this.welcome || view.spec.instance === this.welcome.instance) {
      this._sendAttach(view);
      return;
    }
    /** @type {string[]} */
    let beacons = [];
    try {
      ({ beacons } = await this._inspect());
    } catch (err) { /* treat as stale */ }
    if (this.welcome && beacons.includes(view.spec.instance) && !beacons.includes(this.welcome.instance)) {
      this._kernelRestarted();
      this._probeAfterRestart();
    } else if (this.views.has(view.id)) {
      view.kernelError({ code: "stale-output", message: "this output was made by an earlier run of the kernel; run the cell again" });
    }
  }

  /** @param {OutputView} view */
  _sendAttach(view) {
    /** @type {Record<string, unknown>} */
    const attach = { op: "attach", view: view.id, target: view.targetId, instance: view.spec.instance };
    if (view.spec.el) attach.output = view.spec.el; // (pins the target again, if it was released)
    this._commMsg(attach, []);
  }

  /** @param {OutputView} view */
  detach(view) {
    if (!this.views.delete(view.id)) return;
    if (this.state === "live" && this.socket.isOpen) this._commMsg({ op: "detach", view: view.id }, []);
  }

  /**
   * Send a view's message, chunking large buffers; queued while reconnecting.
   * @param {OutputView} view
   * @param {unknown} data
   * @param {Binary[]} [buffers]
   */
  send(view, data, buffers = []) {
    this.sendOp(view, { op: "msg", view: view.id, data }, buffers);
  }

  /**
   * Send a view's cellwire message (`msg`, `call`, `reply`), chunking large buffers.
   * @param {OutputView} view
   * @param {Record<string, unknown>} message
   * @param {Binary[]} [buffers]
   */
  sendOp(view, message, buffers = []) {
    const ended = view.endedReason();
    if (ended) throw new Error(`not delivered: ${ended}`);
    if (this.state !== "live" || !this.socket.isOpen) {
      if (["reconnecting", "connecting"].includes(this.state) && this._queue.length < MAX_QUEUED) {
        this._queue.push([view, message, buffers]);
        return;
      }
      throw new Error(`not delivered: ${this.detail || "the kernel is not connected"}`);
    }
    const total = buffers.reduce((n, b) => n + b.byteLength, 0);
    const chunkBytes = this.textOnly ? TEXT_CHUNK_BYTES : CHUNK_BYTES;
    if (total <= (this.textOnly ? TEXT_CHUNK_BYTES : MAX_INLINE_BYTES)) {
      this._commMsg(message, buffers);
      return;
    }
    const id = this.runtime.boot.uuid();
    let index = 0;
    for (const buffer of buffers) {
      const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer)
        : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      for (let start = 0; start < bytes.byteLength; start += chunkBytes) {
        this._commMsg({ op: "chunk", upload: id, index: index++ }, [bytes.subarray(start, start + chunkBytes)]);
      }
    }
    const sizes = buffers.map((b) => b.byteLength);
    this._commMsg({ ...message, upload: { id, chunks: index, sizes } }, []);
  }

  /** Buffers go base64-encoded in the JSON on a legacy-framed socket: the server is then in front
   * of a kernel gateway, and jupyter_server's gateway relay passes text frames only. */
  get textOnly() {
    return this.socket.protocol === "legacy";
  }

  /**
   * @param {Record<string, unknown>} data
   * @param {Binary[]} buffers
   */
  _commMsg(data, buffers) {
    traced("out", data, buffers.length);
    if (this.textOnly && buffers.length) {
      data = { ...data, b64buffers: buffers.map(toBase64) };
      buffers = [];
    }
    this.socket.send("shell", "comm_msg", { comm_id: this.commId, data }, { buffers, ...this._subshell() });
  }

  _flushQueue() {
    for (const [view, message, buffers] of this._queue.splice(0)) {
      if (this.views.has(view.id)) this.sendOp(view, message, buffers);
    }
    this.release([]);
  }

  /** These outputs are gone for good: the kernel may free what only they kept alive. Sent at
   * once when live, else when the link is live again.
   * @param {string[]} outputs  their element ids
   */
  release(outputs) {
    for (const id of outputs) this._released.add(id);
    if (!this._released.size || this.state !== "live" || !this.socket.isOpen) return;
    this._commMsg({ op: "release", outputs: [...this._released] }, []);
    this._released.clear();
  }

  /** @param {string} reason */
  _refuseQueue(reason) {
    for (const [view] of this._queue.splice(0)) view.kernelError({ code: "not-delivered", message: `a message was not delivered: ${reason}` });
  }

  /**
   * Round trip page -> kernel -> page, in ms (used by benchmarks and health checks).
   * @returns {Promise<number>}
   */
  ping() {
    const id = ++this._pingId;
    const start = performance.now();
    return new Promise((resolve) => {
      this._pings.set(id, () => resolve(performance.now() - start));
      this._commMsg({ op: "ping", id }, []);
    });
  }

  get isEmpty() {
    return this.views.size === 0 && this._released.size === 0;
  }

  /** Close our comm (the kernel releases this page's views), keeping the socket. */
  goodbye() {
    if (this.commId && this.socket.isOpen) {
      try { this.socket.send("shell", "comm_close", { comm_id: this.commId, data: {} }, this._subshell()); } catch (err) { /* closing anyway */ }
    }
    this._setComm(null);
  }

  close() {
    this.goodbye();
    this.state = "closed";
    clearInterval(this._watchdog);
    // Give the comm_close a moment to leave: the server drops what is in flight on a closing socket.
    setTimeout(() => this.socket.close(), 500);
  }
}
