// @ts-check
// The page's twin of a Python `cellwire.Model`: one per (kernel link, model) on a page, shared by
// every output showing that model. Its API is anywidget's (get / set / save_changes / on / off /
// send), so anywidget front-end modules run unchanged. Rules (docs/widgets.md):
//  * each key has the kernel's version; anything older than what the page has is ignored;
//  * a key set here stays as set until the kernel acknowledges it (no flicker back from an echo);
//  * at most one update is in flight per model; newer values replace queued ones.

import { joinBinary, isBinary, ownBuffer, splitBinary } from "./binary.js";
import { modelIdOf } from "./constants.js";
import { resolveExports } from "./module-exports.js";

/** An update not acknowledged after this long is considered lost and the queue moves on. */
const ACK_TIMEOUT_MS = 10000;

/**
 * Deep equality of JSON-like values; binary values are never equal (they are compared by identity).
 * @param {unknown} a
 * @param {unknown} b
 * @returns {boolean}
 */
function equal(a, b) {
  if (a === b) return true;
  if (isBinary(a) || isBinary(b)) return false;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  const ra = /** @type {Record<string, unknown>} */ (a);
  const rb = /** @type {Record<string, unknown>} */ (b);
  return ka.every((k) => equal(ra[k], rb[k]));
}

/**
 * What the kernel sends about a model when a view attaches (its `init`).
 * @typedef {object} ModelInit
 * @property {string} [name]
 * @property {Record<string, unknown>} state
 * @property {Record<string, number>} [versions]
 * @property {BufferPath[]} [buffer_paths]
 */

/**
 * A model message from the kernel: an update (values, their versions, maybe the ack of our update
 * and the refusals), or a custom message.
 * @typedef {object} ModelMessage
 * @property {string} [method]
 * @property {Record<string, unknown>} [state]
 * @property {Record<string, number>} [versions]
 * @property {BufferPath[]} [buffer_paths]
 * @property {number} [ack]
 * @property {Record<string, string>} [errors]
 * @property {unknown} [content]
 */

/** @typedef {(...args: any[]) => unknown} Listener */

export class Model {
  /** The link this model's messages go through (not for widgets: they get no handle on it). */
  #link;
  /** @type {Set<OutputView>} the outputs showing this model on this page */
  #views = new Set();

  /**
   * @param {KernelLink} link
   * @param {string} targetId
   * @param {ModelInit} init
   * @param {DataView[]} buffers
   */
  constructor(link, targetId, init, buffers) {
    this.#link = link;
    this.id = targetId;
    this.name = init.name;
    /** @type {Record<string, unknown>} */
    this._state = joinBinary(init.state, init.buffer_paths, buffers.map(ownBuffer));
    /** @type {Record<string, number>} */
    this._versions = { ...init.versions };
    /** @type {Map<string, Array<{callback: Listener, context: unknown}>>} */
    this._listeners = new Map();
    /** @type {Set<string>} keys set locally, not yet saved */
    this._unsaved = new Set();
    /** @type {Set<string>} keys saved, waiting for the in-flight update to be acknowledged */
    this._outbox = new Set();
    /** @type {Map<string, number>} key -> seq of the update carrying its latest local value (Infinity: queued) */
    this._pending = new Map();
    this._seq = 0;
    /** @type {number | null} */
    this._inflight = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this._inflightTimer = undefined;
    /** @type {Promise<WidgetExports> | null} the front-end module's */
    this._widget = null;
    /** @type {(() => unknown) | null} what `initialize` returned */
    this._cleanup = null;
    this.closed = false;
    this.widget_manager = {
      /** @param {unknown} ref */
      get_model: (ref) => this.#link.modelFor(modelIdOf(ref)),
    };
  }

  // -- anywidget's model API -------------------------------------------------------------------
  /** @param {string} key */
  get(key) {
    return this._state[key];
  }

  /**
   * Change keys locally (`set("x", 1)` or `set({x: 1, y: 2})`); `save_changes()` sends them.
   * @param {string | Record<string, unknown>} key
   * @param {unknown} [value]
   */
  set(key, value) {
    const changes = typeof key === "object" && key !== null ? key : { [key]: value };
    /** @type {string[]} */
    const changed = [];
    for (const [k, v] of Object.entries(changes)) {
      // Identity, not deep equality: front-ends often mutate the array they got from get() and
      // set a fresh copy; a deep comparison would call that "no change" and never send it.
      if (!Object.is(this._state[k], v) || !(k in this._state)) {
        this._state[k] = v;
        this._unsaved.add(k);
        changed.push(k);
      }
    }
    this._emitChanges(changed, { local: true });
  }

  save_changes() {
    if (this.closed) return;
    for (const key of this._unsaved) {
      this._outbox.add(key);
      this._pending.set(key, Infinity);
    }
    this._unsaved.clear();
    if (this._inflight === null) this._sendOutbox();
  }

  /**
   * Custom message to the Python object (`on_msg` there); `callbacks` is accepted and unused.
   * @param {unknown} content
   * @param {unknown} [callbacks]
   * @param {Binary[]} [buffers]
   */
  send(content, callbacks, buffers = []) {
    this._deliver({ method: "custom", content }, buffers);
  }

  /**
   * @param {string} event  "change:<key>", "change" or "msg:custom"
   * @param {Listener} callback
   * @param {unknown} [context]  `this` for the callback
   */
  on(event, callback, context) {
    let list = this._listeners.get(event);
    if (!list) this._listeners.set(event, (list = []));
    list.push({ callback, context });
  }

  /**
   * Stop listening: to `event` with `callback`, to `event` at all, or (no event) with `callback`
   * or at all.
   * @param {string | null} [event]
   * @param {Listener} [callback]
   */
  off(event, callback) {
    if (event === undefined || event === null) {
      if (callback === undefined) this._listeners.clear();
      else for (const list of this._listeners.values()) this._removeFrom(list, callback);
      return;
    }
    if (callback === undefined) this._listeners.delete(event);
    else this._removeFrom(this._listeners.get(event) || [], callback);
  }

  /**
   * @param {Array<{callback: Listener}>} list
   * @param {Listener} callback
   */
  _removeFrom(list, callback) {
    for (let i = list.length - 1; i >= 0; i--) if (list[i].callback === callback) list.splice(i, 1);
  }

  /**
   * @param {string} event
   * @param {...unknown} args
   */
  _trigger(event, ...args) {
    for (const { callback, context } of [...(this._listeners.get(event) || [])]) {
      try {
        callback.apply(context, args);
      } catch (err) {
        this._problem(`a '${event}' handler failed: ${errorMessage(err)}`, err);
      }
    }
  }

  /**
   * @param {string[]} keys
   * @param {{local?: boolean, remote?: boolean}} options
   */
  _emitChanges(keys, options) {
    for (const key of keys) this._trigger(`change:${key}`, this, this._state[key], options);
    if (keys.length) this._trigger("change", this, options);
    if (keys.length) this._followLinks(keys);
  }

  /**
   * jslink: copy changed values into linked models on this page, with no kernel round trip.
   * @param {string[]} keys
   */
  _followLinks(keys) {
    const links = /** @type {Array<[string, string, string]> | undefined} */ (this._state._jslinks);
    for (const [key, ref, otherKey] of links || []) {
      if (!keys.includes(key)) continue;
      const other = this.#link.models.get(modelIdOf(ref));
      if (!other || other.closed || equal(other.get(otherKey), this._state[key])) continue;
      other.set(otherKey, this._state[key]);
      other.save_changes();
    }
  }

  // -- the outputs showing it (for cellwire's views and link) ----------------------------------
  /** @param {OutputView} view */
  addView(view) {
    this.#views.add(view);
  }

  /** @param {OutputView} view */
  removeView(view) {
    this.#views.delete(view);
  }

  /** Is this model shown by an output of this page? (It goes away with its last one.) */
  get hasViews() {
    return this.#views.size > 0;
  }

  /** The output this page's messages for this model are sent from: one on this model's link. */
  #sender() {
    return [...this.#views].find((v) => v.link === this.#link);
  }

  // -- to the kernel ---------------------------------------------------------------------------
  _sendOutbox() {
    if (!this._outbox.size) return;
    const seq = ++this._seq;
    /** @type {Record<string, unknown>} */
    const state = {};
    for (const key of this._outbox) {
      state[key] = this._state[key];
      this._pending.set(key, seq);
    }
    this._outbox.clear();
    const { value: json, paths, buffers } = splitBinary(state);
    this._inflight = seq;
    clearTimeout(this._inflightTimer);
    this._inflightTimer = setTimeout(() => this._acked(seq), ACK_TIMEOUT_MS);
    this._deliver({ method: "update", seq, state: json, buffer_paths: paths }, buffers);
  }

  /** @param {number} seq */
  _acked(seq) {
    if (this._inflight !== seq) return;
    this._inflight = null;
    clearTimeout(this._inflightTimer);
    this._sendOutbox();
  }

  /**
   * @param {Record<string, unknown>} data
   * @param {Binary[]} buffers
   */
  _deliver(data, buffers) {
    const view = this.#sender();
    try {
      if (!view) throw new Error("not delivered: no output of this widget is connected");
      this.#link.send(view, data, buffers);
    } catch (err) {
      this._inflight = null;
      this._problem(errorMessage(err));
    }
  }

  // -- from the kernel (cellwire's link calls these) -------------------------------------------
  /**
   * A message from the kernel for this model.
   * @param {ModelMessage} data
   * @param {DataView[]} buffers
   */
  receive(data, buffers) {
    if (data && data.method === "update") this._update(data, buffers);
    else if (data && data.method === "custom") this._trigger("msg:custom", data.content, buffers.map(ownBuffer));
    else console.warn("cellwire: unknown model message", data);
  }

  /**
   * @param {ModelMessage} data
   * @param {DataView[]} buffers
   */
  _update(data, buffers) {
    /** @type {Record<string, unknown>} */
    const state = joinBinary(data.state || {}, data.buffer_paths, buffers.map(ownBuffer));
    const versions = data.versions || {};
    const ack = data.ack;
    /** @type {string[]} */
    const changed = [];
    for (const [key, value] of Object.entries(state)) {
      const version = versions[key] ?? 0;
      const known = this._versions[key] ?? -1;
      let justAcked = false;
      const pending = this._pending.get(key);
      if (ack !== undefined && pending !== undefined && pending <= ack) {
        this._pending.delete(key);
        justAcked = true;
      }
      if (version < known || (version === known && !justAcked)) continue; // a late echo
      this._versions[key] = version;
      if (this._pending.has(key)) continue; // a newer local value is on its way; it wins
      if (!equal(this._state[key], value)) {
        this._state[key] = value;
        changed.push(key);
      }
    }
    this._emitChanges(changed, { remote: true });
    if (data.errors) {
      for (const message of Object.values(data.errors)) this._problem(message);
    } else if (ack !== undefined) {
      for (const view of this.#views) view.modelAccepted();
    }
    if (ack !== undefined) this._acked(ack);
  }

  /**
   * A view re-attached (reconnect): take the kernel's state, then resend every value of ours
   * not acknowledged yet (it may have been lost with the old socket; resending is harmless).
   * @param {ModelInit} init
   * @param {DataView[]} buffers
   */
  resync(init, buffers) {
    this._update({ state: init.state, versions: init.versions, buffer_paths: init.buffer_paths }, buffers);
    for (const [key, seq] of this._pending) if (seq !== Infinity) this._outbox.add(key);
    if (this._outbox.size) {
      this._inflight = null;
      this._sendOutbox();
    }
  }

  /**
   * @param {string} message
   * @param {unknown} [err]
   */
  _problem(message, err) {
    if (err) console.error(`cellwire: ${message}`, err);
    for (const view of this.#views) view.showError(message);
    if (!this.#views.size) console.warn(`cellwire: ${message}`);
  }

  /** The model went away (closed in the kernel, or its last view left): run the module's cleanup. */
  dispose() {
    this.closed = true;
    clearTimeout(this._inflightTimer);
    if (this._cleanup) {
      try { this._cleanup(); } catch (err) { console.error("cellwire: a widget's cleanup failed", err); }
      this._cleanup = null;
    }
    this._listeners.clear();
  }

  // -- the front-end module --------------------------------------------------------------------
  /**
   * The module's {render, initialize}; `initialize` runs once per model per page.
   * @param {Record<string, unknown>} module
   * @returns {Promise<WidgetExports>}
   */
  widget(module) {
    if (!this._widget) {
      this._widget = (async () => {
        const widget = await resolveExports(module);
        if (widget.initialize) {
          const cleanup = await widget.initialize({ model: this, experimental: this.experimental });
          if (typeof cleanup === "function") this._cleanup = /** @type {() => unknown} */ (cleanup);
        }
        return widget;
      })();
    }
    return this._widget;
  }

  /**
   * Call a Python function exposed with `@widget.expose`: resolves with its return value, rejects
   * with the Python exception's message (docs/busy.md). Sent from one of this page's views.
   * @param {string} name
   * @param {unknown[]} [args]
   * @param {InvokeOptions} [options]
   * @returns {Promise<unknown>}
   */
  invoke(name, args = [], options = {}) {
    const view = this.#sender();
    if (!view) return Promise.reject(new Error("not delivered: no output of this widget is connected"));
    return view.calls.invoke(name, args, options);
  }

  /** anywidget's `experimental.invoke(name, msg, {buffers, signal})`: a request/response over
   * custom messages. */
  get experimental() {
    return {
      /**
       * @param {string} name
       * @param {unknown} msg
       * @param {{buffers?: Binary[], signal?: AbortSignal}} [options]
       * @returns {Promise<[unknown, DataView[]]>}
       */
      invoke: (name, msg, options = {}) => new Promise((resolve, reject) => {
        const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
        /** @param {any} content @param {DataView[]} buffers */
        const handler = (content, buffers) => {
          if (!content || content.id !== id || content.kind !== "anywidget-command-response") return;
          this.off("msg:custom", handler);
          resolve([content.response, buffers]);
        };
        this.on("msg:custom", handler);
        const signal = options.signal;
        signal?.addEventListener("abort", () => {
          this.off("msg:custom", handler);
          reject(signal.reason ?? new Error("aborted"));
        });
        this.send({ id, kind: "anywidget-command", name, msg }, undefined, options.buffers || []);
      }),
    };
  }
}

/**
 * @param {unknown} err
 * @returns {string}
 */
function errorMessage(err) {
  return err instanceof Error ? err.message : String(err);
}
