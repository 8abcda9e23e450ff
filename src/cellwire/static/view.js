// @ts-check
// One output element on the page, showing one kernel-side target. It keeps the static snapshot
// until the live view has rendered, runs the target's ES module (`render({channel, el})`), and
// shows the link's state in a status line so nothing ever fails silently.
//
// What a target's module gets is only what a view needs: a `ChannelHandle`, which does not hand
// out this OutputView (it keeps it in a `#` field).

import { resolveExports } from "./module-exports.js";
import { ViewCalls } from "./rpc.js";

/** @type {Record<string, string>} */
const STATUS_TEXT = {
  connecting: "connecting to the kernel…",
  reconnecting: "connection lost, reconnecting…",
  restarted: "the kernel restarted: run the cell again",
  gone: "the kernel is no longer running",
  forbidden: "the server refused access: log in again",
  failed: "could not connect to the kernel",
  closed: "disconnected",
};

/** Link states in which nothing this view is waiting for can arrive any more. */
const FINAL_LINK_STATES = ["restarted", "gone", "forbidden", "failed", "closed"];

/**
 * A channel view's listeners by event; a raising listener is reported and the others still run.
 */
export class ChannelEvents {
  /** @param {(message: string, err: unknown) => void} onError */
  constructor(onError) {
    this.onError = onError;
    /** @type {Map<string, Set<(...args: any[]) => unknown>>} */
    this.listeners = new Map();
  }

  /**
   * @param {string} event
   * @param {(...args: any[]) => unknown} callback
   */
  on(event, callback) {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(callback);
  }

  /**
   * @param {string} event
   * @param {(...args: any[]) => unknown} callback
   */
  off(event, callback) {
    this.listeners.get(event)?.delete(callback);
  }

  /**
   * @param {string} event
   * @param {...unknown} args
   */
  emit(event, ...args) {
    for (const callback of this.listeners.get(event) || []) {
      try {
        callback(...args);
      } catch (err) {
        this.onError(`a '${event}' handler failed: ${err instanceof Error ? err.message : String(err)}`, err);
      }
    }
  }
}

/** The JavaScript twin of the Python `cellwire.Channel`, handed to a view's `render`. */
export class ChannelHandle {
  /** @type {OutputView} */
  #view;
  /** @type {ChannelEvents} */
  #events;

  /**
   * @param {OutputView} view
   * @param {ChannelEvents} events  the view emits on it; this handle only subscribes
   */
  constructor(view, events) {
    this.#view = view;
    this.#events = events;
    /** @type {any} what the Python object's `_on_attach` sent (kept up to date on resync) */
    this.init = undefined;
    /** @type {DataView[]} */
    this.initBuffers = [];
  }

  /** The id of the Python object this view shows. */
  get id() {
    return this.#view.targetId;
  }

  /** "live", "connecting", "reconnecting", "restarted", "gone", "closed", ... */
  get status() {
    return this.#view.state;
  }

  /**
   * Send JSON data (and ArrayBuffers / typed arrays / DataViews) to the Python object.
   * @param {unknown} data
   * @param {Binary[]} [buffers]
   */
  send(data, buffers = []) {
    const link = this.#view.link;
    if (!link) throw new Error("not delivered: this view is not connected to a kernel");
    link.send(this.#view, data === undefined ? null : data, buffers);
  }

  /**
   * Call a Python function exposed with `@obj.expose`; resolves with its return value, rejects
   * with an Error carrying the Python exception's message. `args` is an array of positional
   * arguments; options: `kwargs`, `timeout` (ms, default none), `signal` (an AbortSignal).
   * @param {string} name
   * @param {unknown[]} [args]
   * @param {InvokeOptions} [options]
   */
  invoke(name, args = [], options = {}) {
    return this.#view.calls.invoke(name, args, options);
  }

  /**
   * Make functions callable from Python (`obj.call("name", ...)`). Returns a function removing them.
   * @param {Record<string, (...args: any[]) => unknown>} functions
   */
  expose(functions) {
    return this.#view.calls.expose(functions);
  }

  /**
   * Listen to "message" (data, buffers), "status" (state, detail), "resync" (init, buffers),
   * "close" (). Returns a function that stops listening.
   * @param {string} event
   * @param {(...args: any[]) => unknown} callback
   * @returns {() => void}
   */
  on(event, callback) {
    this.#events.on(event, callback);
    return () => this.off(event, callback);
  }

  /**
   * @param {string} event
   * @param {(...args: any[]) => unknown} callback
   */
  off(event, callback) {
    this.#events.off(event, callback);
  }
}

/**
 * The spec an output carries (written by the kernel into the loader script).
 * @typedef {object} OutputSpec
 * @property {string | null} target        the id of the Python object
 * @property {string | null} [el]          the output element's id (null for a container's child)
 * @property {string} instance             the kernel process that made the output
 * @property {string | null} [kernel_id]
 * @property {string | null} [subshell]
 * @property {"legacy"} [framing]          only behind a kernel gateway: open sockets without the v1 subprotocol
 * @property {string} v                    the cellwire version
 * @property {number} protocol
 * @property {string} [rt]                  the runtime's content hash (the browser may have it cached)
 * @property {string[]} [preload]           vendored bundles the view will import (their content hashes)
 */

/**
 * The kernel's `attached` answer: what the target sends a new view, and its module.
 * @typedef {object} AttachedMessage
 * @property {any} init
 * @property {{hash: string, source?: string}} [module]
 */

export class OutputView {
  /**
   * @param {Runtime} runtime
   * @param {HTMLElement} el  the output's container (holding its snapshot)
   * @param {OutputSpec} spec
   */
  constructor(runtime, el, spec) {
    this.runtime = runtime;
    this.id = runtime.boot.uuid();
    this.el = el;
    this.spec = spec;
    this.targetId = spec.target;
    /** @type {KernelLink | null} */
    this.link = null;
    this.state = "connecting";
    this._events = new ChannelEvents((message, err) => this.showError(message, err));
    this.channel = new ChannelHandle(this, this._events);
    this.calls = new ViewCalls(this);
    this.rendered = false;
    /** @type {number | undefined} since when the element has been off the page (the runtime's sweep) */
    this.missingSince = undefined;
    /** @type {{resolve: () => void, reject: (err: unknown) => void}} */
    let done = { resolve: () => {}, reject: () => {} };
    // Calls from Python wait for render() to have run (they may use what it exposes).
    /** @type {Promise<void>} */
    this.whenRendered = new Promise((resolve, reject) => { done = { resolve, reject }; });
    this._renderDone = done;
    this.whenRendered.catch(() => {});
    /** @type {(() => unknown) | null} what render returned */
    this._cleanup = null;
    this.disposed = false;
    /** @type {string | null} a sticky error shown in the status line */
    this._problem = null;
    /** @type {HTMLElement | null} */
    this.snapshot = el.querySelector(":scope > .cellwire-snapshot");
    this.liveEl = document.createElement("div");
    this.liveEl.className = "cellwire-live";
    /** @type {EventTarget | null} the element focused last inside the view, kept across moveTo */
    this._lastFocus = null;
    // Keys typed into a view belong to it: the notebook must not treat them as its shortcuts
    // (JupyterLab cancels arrow keys on a focused range input, for instance).
    // Lumino checks this attribute from the focused element upwards, in a capturing listener.
    this.liveEl.dataset.lmSuppressShortcuts = "true";
    this.liveEl.addEventListener("focusin", (event) => {
      if (event.target instanceof Element) event.target.setAttribute("data-lm-suppress-shortcuts", "true");
    });
    this.liveEl.addEventListener("keydown", (event) => event.stopPropagation());
    this.liveEl.addEventListener("focusin", (event) => { this._lastFocus = event.target; });
    this.liveEl.addEventListener("focusout", (event) => {
      if (event.relatedTarget instanceof Node && !this.liveEl.contains(event.relatedTarget)) this._lastFocus = null;
    });
    /** @type {HTMLElement} */
    this.statusEl = el.querySelector(":scope > .cellwire-status") || document.createElement("div");
    this.statusEl.className = "cellwire-status";
    this.statusEl.setAttribute("role", "status");
    el.appendChild(this.statusEl);
    el.__cellwire = this;
    this._render();
  }

  // -- what the runtime and the link tell a view -----------------------------------------------
  /**
   * Connect to `link` (the runtime decided which): the link then sends the attach.
   * @param {KernelLink} link
   */
  connect(link) {
    this.link = link;
    link.attach(this);
  }

  /**
   * The link's state changed (or the view just joined the link).
   * @param {string} state
   * @param {string} [detail]
   */
  linkState(state, detail) {
    if (FINAL_LINK_STATES.includes(state)) this.calls.fail(STATUS_TEXT[state] || state);
    if (this.state === "stale" || this.state === "target-closed") return;
    this.state = state;
    this._render(detail);
    this._events.emit("status", state, detail);
  }

  /**
   * The kernel attached this view: render it the first time, re-sync it after a reconnect.
   * @param {AttachedMessage} data
   * @param {DataView[]} buffers
   */
  async attached(data, buffers) {
    this.runtime.boot.mark?.("attached");
    this.channel.init = data.init;
    this.channel.initBuffers = buffers;
    this._problem = null;
    if (this.rendered) {
      this._events.emit("resync", data.init, buffers);
      this._render();
      return;
    }
    try {
      const module = data.module ? await this.runtime.importModule(data.module.hash, data.module.source) : null;
      const { render } = module ? await resolveExports(module) : { render: undefined };
      if (!render) throw new Error("its JavaScript module exports no render({channel, el}) function");
      this.el.insertBefore(this.liveEl, this.statusEl);
      this.rendered = true;
      if (this.snapshot) this.snapshot.hidden = true;
      const cleanup = await render({ channel: this.channel, el: this.liveEl });
      if (typeof cleanup === "function") {
        // (a render that ended after its output was disposed, e.g. cleared meanwhile, is undone now)
        if (this.disposed) cleanup();
        else this._cleanup = /** @type {() => unknown} */ (cleanup);
      }
      this._renderDone.resolve();
      this.runtime.boot.mark?.("rendered");
    } catch (err) {
      this._renderDone.reject(err);
      this.showError(`the view's JavaScript failed: ${errorMessage(err)}`, err);
    }
    this._render();
  }

  /**
   * A message from the Python object to this view (`render`'s channel gets it).
   * @param {unknown} data
   * @param {DataView[]} buffers
   */
  receive(data, buffers) {
    this._events.emit("message", data, buffers);
  }

  /**
   * The kernel (or the link on its behalf) reports a problem with this view.
   * @param {{code?: string, message: string}} data
   */
  kernelError(data) {
    if (data.code === "stale-output") {
      // Made by another kernel process: maybe one still running under another id (the id this
      // output carried was wrong or is unknown); else this output is stale.
      this.runtime.relocate(this).then((moved) => {
        if (!moved) this._stale(data.message);
      });
      return;
    }
    if (data.code === "unknown-target") return this._stale(data.message);
    this.showError(data.message);
  }

  /** @param {string} message */
  _stale(message) {
    this.state = "stale";
    this.showError(message);
  }

  /** The Python object was closed. */
  targetClosed() {
    this.calls.fail("the object was closed in the kernel");
    this.state = "target-closed";
    this._problem = "closed in the kernel";
    this._render();
    this._events.emit("close");
  }

  /**
   * Why this view can send nothing any more (stale, or its object closed), or null if it can.
   * @returns {string | null}
   */
  endedReason() {
    if (this.state !== "stale" && this.state !== "target-closed") return null;
    return this._problem || "this output is no longer live";
  }

  /**
   * Show a problem in the status line until the next attach; `err` also goes to the console.
   * @param {string} message
   * @param {unknown} [err]
   */
  showError(message, err) {
    this._problem = message;
    if (err) console.error(`cellwire: ${message}`, err);
    this._render();
  }

  /**
   * Reflect the state in the DOM: data-cellwire-state for styling/tests, a status line for people.
   * @param {string} [detail]
   */
  _render(detail) {
    this.el.dataset.cellwireState = this.state;
    let text = this._problem || "";
    if (!text && this.state !== "live") {
      // Failures carry the reason (e.g. the server's answer); passing states speak for themselves.
      const failure = ["failed", "forbidden", "gone"].includes(this.state);
      text = ((failure || this.state === "connecting") && detail) || STATUS_TEXT[this.state] || detail || "";
    }
    this.statusEl.textContent = text ? `cellwire: ${text}` : "";
    this.statusEl.hidden = !text;
    this.el.classList.toggle("cellwire-degraded", this.state !== "live");
  }

  /**
   * Move the live view into `el` (the kernel refreshed the output: same element id, new element),
   * keeping its DOM, its state and the focus inside it.
   * @param {HTMLElement} el
   */
  moveTo(el) {
    const last = this._lastFocus;
    const focusable = last instanceof HTMLElement || last instanceof SVGElement ? last : null;
    const focused = focusable && this.liveEl.contains(focusable) ? focusable : null;
    const input = focused instanceof HTMLInputElement || focused instanceof HTMLTextAreaElement ? focused : null;
    const selection = input ? [input.selectionStart, input.selectionEnd] : null;
    const snapshot = /** @type {HTMLElement | null} */ (el.querySelector(":scope > .cellwire-snapshot"));
    if (snapshot) snapshot.hidden = true;
    el.querySelector(":scope > .cellwire-status")?.remove();
    el.append(this.liveEl, this.statusEl);
    this.el.__cellwire = undefined;
    this.el = el;
    this.snapshot = snapshot;
    el.__cellwire = this;
    this._render();
    if (focused && document.activeElement === document.body) {
      focused.focus({ preventScroll: true });
      try { if (input && selection) input.setSelectionRange(selection[0], selection[1]); } catch (err) { /* not a text input */ }
    }
  }

  /** Stop being live (element removed from the page); the DOM is left as it is, except that the
   * element is no longer marked as this view's. */
  dispose() {
    this.disposed = true;
    this.calls.fail("the output was removed from the page");
    if (this._cleanup) {
      try { this._cleanup(); } catch (err) { console.error("cellwire: a view's cleanup failed", err); }
      this._cleanup = null;
    }
    if (this.link) this.link.detach(this);
    this.link = null;
    this.el.__cellwire = undefined;
  }
}

/**
 * @param {unknown} err
 * @returns {string}
 */
function errorMessage(err) {
  return err instanceof Error ? err.message : String(err);
}
