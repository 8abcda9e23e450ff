// @ts-check
// One connection to one kernel's channels, with its own random session_id (reusing the front-end's
// would make the server close the front-end's socket). It reconnects with backoff and says what
// state it is in. The WebSocket itself is a `Wire`: in the page's socket worker where the browser
// allows one, else on the main thread (`Sockets` decides, once per page).

import { Wire } from "./wire.js";

const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000, 10000];
/** Reconnect attempts in a row (about 75 s with the backoff above) before a socket gives up and
 * says why: never a silent "reconnecting…" forever. */
const MAX_ATTEMPTS = 12;
/** Sockets refused in a row while the server answers REST requests and has the kernel, before
 * the socket gives up (about 2 s): no restart of the server explains that, a proxy does. */
const REFUSED_WHILE_UP = 4;
/** How long a new socket worker may take to say it is ready before the main thread is used. */
const WORKER_START_MS = 3000;

/** Kernels whose server does not answer the v1 subprotocol (jupyter_server in front of a kernel
 * gateway speaks only the legacy framing): remembered for the page's session, so later sockets
 * (and a reload) open with the framing that works at once. */
const legacyKernels = {
  /** @type {Set<string>} */
  mem: new Set(),
  /** @param {string} kernelId */
  key: (kernelId) => `cellwire.framing.${kernelId}`,
  /** @param {string} kernelId */
  has(kernelId) {
    try { return sessionStorage.getItem(this.key(kernelId)) === "legacy"; } catch (err) { return this.mem.has(kernelId); }
  },
  /** @param {string} kernelId */
  add(kernelId) {
    this.mem.add(kernelId);
    try { sessionStorage.setItem(this.key(kernelId), "legacy"); } catch (err) { /* storage blocked */ }
  },
};

/**
 * An output's spec says its kernel runs behind a kernel gateway: open its sockets legacy-framed.
 * @param {string} kernelId
 */
export function preferLegacyFraming(kernelId) {
  if (!legacyKernels.has(kernelId)) legacyKernels.add(kernelId);
}

/**
 * What a socket's owner (the link) hears: every message of ours, and each change of state.
 * @typedef {object} SocketHandlers
 * @property {(msg: ReceivedMessage) => void} onMessage
 * @property {(state: string, detail?: string) => void} onState
 */

/**
 * A WebSocket speaking kernel messages, on this thread (`Wire`) or in the socket worker.
 * @typedef {object} WireLike
 * @property {(channel: string, msg: KernelMessage) => void} send
 * @property {(ids: string[]) => void} setComms
 * @property {() => void} close
 * @property {boolean} isOpen
 */

/** @typedef {(url: string, framing: "v1" | "legacy", events: WireEvents) => WireLike} WireOpener */

/**
 * Options of a sent message.
 * @typedef {object} SendOptions
 * @property {Binary[]} [buffers]
 * @property {Record<string, unknown>} [metadata]
 * @property {string} [subshellId]  the kernel subshell that should handle it
 */

/** Why a socket would not open, when the server says. @typedef {{state: string, message: string}} SocketProblem */

export class KernelSocket {
  /**
   * States: "connecting", "open", "reconnecting", "gone" (kernel deleted), "forbidden",
   * "failed" (gave up: MAX_ATTEMPTS tries, or refused while the server answers), "closed".
   * @param {CellwireBoot} boot  the loader's helpers (page config, REST requests, ids)
   * @param {string} kernelId    the kernel to connect to
   * @param {SocketHandlers} handlers
   * @param {Sockets} sockets    the page's `Sockets` (where WebSockets are opened)
   */
  constructor(boot, kernelId, handlers, sockets) {
    this.boot = boot;
    this.kernelId = kernelId;
    this.handlers = handlers;
    this.sockets = sockets;
    this.sessionId = boot.uuid();
    this.state = "connecting";
    /** @type {string | null} "v1" or "legacy", once open */
    this.protocol = null;
    /** @type {WireLike | null} */
    this.wire = null;
    /** @type {string[]} */
    this._comms = [];
    this._attempt = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this._timer = undefined;
    this._serverUp = false; // did the last REST check find the server and the kernel
    this._refusedWhileUp = 0; // sockets refused in a row while the server was up
  }

  /** Where this socket connects, for messages (no token). */
  get where() {
    return `${this.boot.pageConfig().wsUrl}api/kernels/${this.kernelId}/channels`;
  }

  /**
   * Open the socket; resolves once it is open (or rejects if the server refuses it). A server
   * that fails a socket offering the v1 subprotocol is tried again at once without it.
   * @param {"v1" | "legacy"} [framing]
   * @returns {Promise<void>}
   */
  async connect(framing = legacyKernels.has(this.kernelId) ? "legacy" : "v1") {
    const url = this.boot.channelsUrl(this.kernelId, this.sessionId); // (the token only for another host)
    const open = await this.sockets.opener();
    return new Promise((resolve, reject) => {
      let opened = false;
      const wire = open(url, framing, {
        open: (protocol) => {
          if (this.wire !== wire) return;
          opened = true;
          this._attempt = 0;
          this._refusedWhileUp = 0;
          this.protocol = protocol;
          if (framing === "legacy" && !legacyKernels.has(this.kernelId)) {
            console.info(`cellwire: ${this.where} does not answer the v1 subprotocol (a kernel gateway?): using the legacy framing`);
            legacyKernels.add(this.kernelId);
          }
          this._setState("open");
          resolve();
        },
        message: (msg) => { if (this.wire === wire) this.handlers.onMessage(msg); },
        close: (code) => {
          if (this.wire !== wire) return;
          this.wire = null;
          if (this.state === "closed") return;
          if (opened) {
            this._scheduleReconnect(`connection lost (code ${code})`);
            return;
          }
          this.diagnose().then((problem) => {
            if (problem) {
              this._setState(problem.state, problem.message);
              reject(new Error(problem.message));
              return;
            }
            // The server is there and has the kernel, yet failed a socket offering v1: try at once
            // without it (a server that is down is not probed twice per attempt).
            if (framing === "v1" && this._serverUp) {
              this.connect("legacy").then(resolve, reject);
              return;
            }
            // The server answers over HTTP and has the kernel, yet refuses its socket, again and
            // again: something in between (a proxy, a gateway) does not pass kernel WebSockets.
            this._refusedWhileUp = this._serverUp ? this._refusedWhileUp + 1 : 0;
            if (this._refusedWhileUp >= REFUSED_WHILE_UP) {
              this._giveUp(`the server answers, but its kernel WebSocket was refused ${this._refusedWhileUp} times (code ${code})`);
            } else {
              this._scheduleReconnect(`could not connect (code ${code})`);
            }
            reject(new Error(`could not connect to kernel ${this.kernelId}`));
          });
        },
      });
      this.wire = wire;
      wire.setComms(this._comms);
    });
  }

  /**
   * Why a socket would not open: the kernel is gone, access is refused, or (null) try again.
   * @returns {Promise<SocketProblem | null>}
   */
  async diagnose() {
    this._serverUp = false;
    try {
      const response = await this.boot.api_request(`api/kernels/${this.kernelId}`);
      this._serverUp = response.ok;
      if (response.status === 404 && await this._adopt()) {
        this._serverUp = true;
        return null;
      }
      if (response.status === 404) return { state: "gone", message: "the kernel is no longer running" };
      if (response.status === 403 || response.status === 401) {
        return { state: "forbidden", message: "the server refused access to the kernel: log in again" };
      }
    } catch (err) {
      // The server itself is unreachable: keep trying.
    }
    return null;
  }

  /** Behind a kernel gateway the kernel outlives the Jupyter server, but a restarted server
   * knows only the kernels it started: ask it to connect to this one again (jupyter_server's
   * POST api/kernels with a kernel_id does that through the gateway; the gateway answers 404 if
   * the kernel is really gone). Never tried elsewhere: a server of its own would start a new,
   * empty kernel under the old id.
   * @returns {Promise<boolean>}
   */
  async _adopt() {
    if (!legacyKernels.has(this.kernelId)) return false;
    const cfg = this.boot.pageConfig(); // (its baseUrl is a path on this page's origin, where the XSRF value may go)
    /** @type {Record<string, string>} */
    const headers = { "Content-Type": "application/json" };
    if (cfg.token) headers.Authorization = `token ${cfg.token}`;
    const xsrf = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/);
    if (xsrf) headers["X-XSRFToken"] = decodeURIComponent(xsrf[1]);
    try {
      const response = await fetch(`${cfg.baseUrl}api/kernels`, {
        method: "POST", headers, credentials: "same-origin", body: JSON.stringify({ kernel_id: this.kernelId }),
      });
      const model = response.ok ? await response.json() : null;
      if (model?.id !== this.kernelId) return false;
      console.info(`cellwire: the server had forgotten kernel ${this.kernelId} (it restarted?); it reconnected to it through its kernel gateway`);
      return true;
    } catch (err) {
      return false;
    }
  }

  /** @param {string} reason */
  _scheduleReconnect(reason) {
    if (this._attempt >= MAX_ATTEMPTS) {
      this._giveUp(`${MAX_ATTEMPTS} tries failed (${reason})`);
      return;
    }
    const delay = BACKOFF_MS[Math.min(this._attempt, BACKOFF_MS.length - 1)] * (0.8 + 0.4 * Math.random());
    this._attempt += 1;
    this._setState("reconnecting", reason);
    clearTimeout(this._timer);
    this._timer = setTimeout(() => {
      if (this.state === "reconnecting") this.connect().catch(() => {});
    }, delay);
  }

  /** @param {string} what */
  _giveUp(what) {
    clearTimeout(this._timer);
    this._setState("failed", `could not open the kernel's WebSocket at ${this.where}: ${what}. The server is down, `
      + "or a proxy or gateway in front of it does not pass kernel WebSockets (a proxy must forward the "
      + "Upgrade and Connection headers). Reload the page to try again.");
  }

  /**
   * @param {string} state
   * @param {string} [detail]
   */
  _setState(state, detail) {
    this.state = state;
    this.handlers.onState(state, detail);
  }

  get isOpen() {
    return this.state === "open" && this.wire !== null && this.wire.isOpen;
  }

  /**
   * The comms whose iopub messages this socket passes on (everything else on iopub is dropped).
   * @param {Array<string | null>} ids  (null entries are ignored)
   */
  setComms(ids) {
    this._comms = ids.filter(/** @returns {id is string} */ (id) => Boolean(id));
    if (this.wire) this.wire.setComms(this._comms);
  }

  /**
   * Send a kernel message; returns its msg_id. Throws when the socket is not open.
   * @param {string} channel
   * @param {string} msgType
   * @param {unknown} content
   * @param {SendOptions} [options]
   * @returns {string}
   */
  send(channel, msgType, content, { buffers = [], metadata = {}, subshellId } = {}) {
    if (!this.isOpen || !this.wire) throw new Error("the connection to the kernel is not open");
    /** @type {KernelMessage["header"]} */
    const header = {
      msg_id: this.boot.uuid(), username: "", session: this.sessionId, msg_type: msgType,
      version: "5.3", date: new Date().toISOString(),
    };
    if (subshellId) header.subshell_id = subshellId;
    this.wire.send(channel, { header, parent_header: {}, metadata, content, buffers });
    return header.msg_id;
  }

  close() {
    this._setState("closed");
    clearTimeout(this._timer);
    if (this.wire) this.wire.close();
    this.wire = null;
  }
}

/** Where the page's kernel WebSockets run: one socket worker per page when the browser allows it
 * (a page whose Content-Security-Policy forbids blob: workers, or a browser without module
 * workers, falls back to the main thread), or `localStorage["cellwire.socket"] = "main"`. */
export class Sockets {
  constructor() {
    /** @type {"worker" | "main" | null} once decided */
    this.where = null;
    /** @type {Worker | null} */
    this._worker = null;
    /** @type {Map<number, WorkerWire>} socket id -> its handle */
    this._wires = new Map();
    this._nextId = 0;
    /** @type {Promise<void> | null} */
    this._deciding = null;
  }

  /**
   * Resolves to `open(url, framing, events) -> wire`, in the worker or on the main thread.
   * @returns {Promise<WireOpener>}
   */
  opener() {
    if (!this._deciding) {
      this._deciding = this._startWorker().then(
        () => { this.where = "worker"; },
        (/** @type {Error | null} */ err) => {
          if (err) console.info(`cellwire: kernel sockets run on the main thread (${err.message})`);
          this.where = "main";
        },
      );
    }
    return this._deciding.then(() => {
      const worker = this._worker;
      return this.where === "worker" && worker
        ? (url, framing, events) => this._openInWorker(worker, url, framing, events)
        : (url, framing, events) => new Wire(url, events, framing);
    });
  }

  /**
   * Start the socket worker; rejects with why not (null: not wanted here).
   * @returns {Promise<void>}
   */
  _startWorker() {
    let preference = null;
    try { preference = localStorage.getItem("cellwire.socket"); } catch (err) { /* storage blocked */ }
    if (preference === "main" || typeof Worker === "undefined") return Promise.reject(null);
    return new Promise((resolve, reject) => {
      /** @type {Worker} */
      let worker;
      try {
        worker = new Worker("./socket-worker.js", { type: "module", name: "cellwire sockets" });
      } catch (err) {
        reject(err);
        return;
      }
      const timer = setTimeout(() => fail(new Error("the socket worker did not start")), WORKER_START_MS);
      /** @param {Error} err */
      const fail = (err) => {
        clearTimeout(timer);
        worker.terminate();
        reject(err);
      };
      worker.onerror = (event) => {
        event.preventDefault?.();
        fail(new Error(event.message || "the socket worker could not be loaded"));
      };
      worker.onmessage = ({ data }) => {
        if (data.op !== "ready") return;
        clearTimeout(timer);
        worker.onerror = (event) => console.warn("cellwire: socket worker error", event.message);
        worker.onmessage = ({ data: message }) => this._fromWorker(message);
        this._worker = worker;
        resolve();
      };
    });
  }

  /**
   * @param {Worker} worker
   * @param {string} url
   * @param {"v1" | "legacy"} framing
   * @param {WireEvents} events
   */
  _openInWorker(worker, url, framing, events) {
    const id = ++this._nextId;
    const wire = new WorkerWire(worker, id, events);
    this._wires.set(id, wire);
    worker.postMessage({ op: "open", id, url, framing });
    return wire;
  }

  /**
   * What the worker says about one of its sockets (socket-worker.js).
   * @param {{op: string, id: number, protocol?: string, msg?: ReceivedMessage, code?: number}} message
   */
  _fromWorker({ op, id, protocol, msg, code }) {
    const wire = this._wires.get(id);
    if (!wire) return;
    if (op === "open") {
      wire.isOpen = true;
      wire.events.open(protocol ?? "");
    } else if (op === "message" && msg) {
      wire.events.message(msg);
    } else if (op === "close") {
      wire.isOpen = false;
      this._wires.delete(id);
      wire.events.close(code ?? 0);
    }
  }
}

/** The main thread's handle on a `Wire` that lives in the socket worker. */
class WorkerWire {
  /**
   * @param {Worker} worker
   * @param {number} id
   * @param {WireEvents} events
   */
  constructor(worker, id, events) {
    this.worker = worker;
    this.id = id;
    this.events = events;
    this.isOpen = false;
  }

  /** Buffers belong to the caller, so each is copied once (exactly its bytes: posting a view
   * would clone its whole underlying buffer) and the copy is moved to the worker.
   * @param {string} channel
   * @param {KernelMessage} msg
   */
  send(channel, msg) {
    const buffers = msg.buffers.map((b) => (b instanceof ArrayBuffer ? b.slice(0)
      : new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice().buffer));
    this.worker.postMessage({ op: "send", id: this.id, channel, msg: { ...msg, buffers } }, buffers);
  }

  /** @param {string[]} ids */
  setComms(ids) {
    this.worker.postMessage({ op: "comms", id: this.id, ids });
  }

  close() {
    this.worker.postMessage({ op: "close", id: this.id });
  }
}
