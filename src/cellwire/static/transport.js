// One WebSocket to one kernel's channels, with its own random session_id (reusing the front-end's
// would make the server close the front-end's socket). Speaks the v1 binary subprotocol when the
// server offers it, else the legacy format; reconnects with backoff and says what state it is in.

import { V1_PROTOCOL, decodeLegacy, decodeV1, encodeLegacy, encodeV1 } from "./framing.js";

const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000, 10000];

export class KernelSocket {
  /**
   * @param boot      the loader's helpers (page config, REST requests, ids)
   * @param kernelId  the kernel to connect to
   * @param handlers  { onMessage(msg), onState(state, detail) }
   * States: "connecting", "open", "reconnecting", "gone" (kernel deleted), "forbidden", "closed".
   */
  constructor(boot, kernelId, handlers) {
    this.boot = boot;
    this.kernelId = kernelId;
    this.handlers = handlers;
    this.sessionId = boot.uuid();
    this.state = "connecting";
    this.protocol = null;
    this.ws = null;
    this._attempt = 0;
    this._timer = null;
  }

  /** Open the socket; resolves once it is open (or rejects if the server refuses it). */
  connect() {
    return new Promise((resolve, reject) => {
      const cfg = this.boot.pageConfig();
      let url = `${cfg.wsUrl}api/kernels/${encodeURIComponent(this.kernelId)}/channels?session_id=${this.sessionId}`;
      if (cfg.token) url += `&token=${encodeURIComponent(cfg.token)}`;
      const ws = new WebSocket(url, [V1_PROTOCOL]);
      ws.binaryType = "arraybuffer";
      this.ws = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        this._attempt = 0;
        this.protocol = ws.protocol === V1_PROTOCOL ? "v1" : "legacy";
        this._setState("open");
        resolve();
      };
      ws.onmessage = (event) => this._receive(event.data);
      ws.onclose = (event) => {
        if (this.ws !== ws) return;
        this.ws = null;
        if (this.state === "closed") return;
        if (!opened) {
          this._diagnose().then((problem) => {
            if (problem) {
              this._setState(problem.state, problem.message);
              reject(new Error(problem.message));
            } else {
              this._scheduleReconnect(`could not connect (code ${event.code})`);
              reject(new Error(`could not connect to kernel ${this.kernelId}`));
            }
          });
        } else {
          this._scheduleReconnect(`connection lost (code ${event.code})`);
        }
      };
    });
  }

  /** Why a socket would not open: the kernel is gone, access is refused, or (null) try again. */
  async _diagnose() {
    try {
      const response = await this.boot.api_request(`api/kernels/${this.kernelId}`);
      if (response.status === 404) return { state: "gone", message: "the kernel is no longer running" };
      if (response.status === 403 || response.status === 401) {
        return { state: "forbidden", message: "the server refused access to the kernel: log in again" };
      }
    } catch (err) {
      // The server itself is unreachable: keep trying.
    }
    return null;
  }

  _scheduleReconnect(reason) {
    const delay = BACKOFF_MS[Math.min(this._attempt, BACKOFF_MS.length - 1)] * (0.8 + 0.4 * Math.random());
    this._attempt += 1;
    this._setState("reconnecting", reason);
    clearTimeout(this._timer);
    this._timer = setTimeout(() => {
      if (this.state === "reconnecting") this.connect().catch(() => {});
    }, delay);
  }

  _setState(state, detail) {
    this.state = state;
    this.handlers.onState(state, detail);
  }

  _receive(data) {
    let msg;
    try {
      msg = this.protocol === "v1" ? decodeV1(data) : decodeLegacy(data);
    } catch (err) {
      console.warn("cellwire: undecodable frame from the server", err);
      return;
    }
    this.handlers.onMessage(msg);
  }

  get isOpen() {
    return this.state === "open" && this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Send a kernel message; returns its msg_id. Throws when the socket is not open. */
  send(channel, msgType, content, { buffers = [], metadata = {}, subshellId } = {}) {
    if (!this.isOpen) throw new Error("the connection to the kernel is not open");
    const header = {
      msg_id: this.boot.uuid(), username: "", session: this.sessionId, msg_type: msgType,
      version: "5.3", date: new Date().toISOString(),
    };
    if (subshellId) header.subshell_id = subshellId;
    const msg = { header, parent_header: {}, metadata, content, buffers };
    this.ws.send(this.protocol === "v1" ? encodeV1(channel, msg) : encodeLegacy(channel, msg));
    return header.msg_id;
  }

  /** Bytes queued in the browser but not yet sent (for flow control of large uploads). */
  get bufferedAmount() {
    return this.ws ? this.ws.bufferedAmount : 0;
  }

  close() {
    this._setState("closed");
    clearTimeout(this._timer);
    if (this.ws) this.ws.close();
    this.ws = null;
  }
}
