// The page's twin of a Python `cellwire.Model`: one per (kernel link, model) on a page, shared by
// every output showing that model. Its API is anywidget's (get / set / save_changes / on / off /
// send), so anywidget front-end modules run unchanged. Rules (docs/widgets.md):
//  * each key has the kernel's version; anything older than what the page has is ignored;
//  * a key set here stays as set until the kernel acknowledges it (no flicker back from an echo);
//  * at most one update is in flight per model; newer values replace queued ones.

const MODEL_PREFIX = "IPY_MODEL_";
/** An update not acknowledged after this long is considered lost and the queue moves on. */
const ACK_TIMEOUT_MS = 10000;

function isBinary(value) {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/** Lift binary values out of a state object: [jsonState, paths, buffers]. */
export function splitBuffers(state) {
  const paths = [];
  const buffers = [];
  function walk(value, path) {
    if (isBinary(value)) {
      paths.push(path);
      buffers.push(value);
      return null;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
      const out = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, [...path, k]);
      return out;
    }
    return value;
  }
  const out = {};
  for (const [k, v] of Object.entries(state)) out[k] = walk(v, [k]);
  return [out, paths, buffers];
}

/** A buffer as JupyterLab and anywidget hand it to widget code: a DataView whose `.buffer` holds
 * exactly its bytes (byteOffset 0), so `new Uint8Array(view.buffer)` is right. Received buffers
 * are views into one frame; those are copied out (only those). */
export function ownBuffer(buffer) {
  if (buffer instanceof ArrayBuffer) return new DataView(buffer);
  if (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength) {
    return buffer instanceof DataView ? buffer : new DataView(buffer.buffer);
  }
  return new DataView(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
}

/** Put received buffers back at their paths (each owning its ArrayBuffer, see ownBuffer). */
export function joinBuffers(state, paths = [], buffers = []) {
  paths.forEach((path, i) => {
    let node = state;
    for (const key of path.slice(0, -1)) node = node[key];
    node[path[path.length - 1]] = ownBuffer(buffers[i]);
  });
  return state;
}

function equal(a, b) {
  if (a === b) return true;
  if (isBinary(a) || isBinary(b)) return false;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => equal(a[k], b[k]));
}

export class Model {
  constructor(link, targetId, init, buffers) {
    this._link = link;
    this.id = targetId;
    this.name = init.name;
    this.views = new Set(); // OutputViews showing this model on this page
    this._state = joinBuffers(init.state, init.buffer_paths, buffers);
    this._versions = { ...init.versions };
    this._listeners = new Map(); // event -> [{callback, context}]
    this._unsaved = new Set(); // keys set locally, not yet saved
    this._outbox = new Set(); // keys saved, waiting for the in-flight update to be acknowledged
    this._pending = new Map(); // key -> seq of the update carrying its latest local value (Infinity: queued)
    this._seq = 0;
    this._inflight = null;
    this._inflightTimer = null;
    this._widget = null; // Promise<{render, initialize}> of the front-end module
    this._cleanup = null;
    this.closed = false;
    this.widget_manager = {
      get_model: (ref) => this._link.modelFor(String(ref).replace(MODEL_PREFIX, "")),
    };
  }

  // -- anywidget's model API -------------------------------------------------------------------
  get(key) {
    return this._state[key];
  }

  /** Change keys locally (`set("x", 1)` or `set({x: 1, y: 2})`); `save_changes()` sends them. */
  set(key, value) {
    const changes = typeof key === "object" && key !== null ? key : { [key]: value };
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

  /** Custom message to the Python object (`on_msg` there); `callbacks` is accepted and unused. */
  send(content, callbacks, buffers = []) {
    this._deliver({ method: "custom", content }, buffers);
  }

  on(event, callback, context) {
    if (!this._listeners.has(event)) this._listeners.set(event, []);
    this._listeners.get(event).push({ callback, context });
  }

  off(event, callback) {
    if (event === undefined || event === null) {
      if (callback === undefined) this._listeners.clear();
      else for (const list of this._listeners.values()) this._removeFrom(list, callback);
      return;
    }
    if (callback === undefined) this._listeners.delete(event);
    else this._removeFrom(this._listeners.get(event) || [], callback);
  }

  _removeFrom(list, callback) {
    for (let i = list.length - 1; i >= 0; i--) if (list[i].callback === callback) list.splice(i, 1);
  }

  _trigger(event, ...args) {
    for (const { callback, context } of [...(this._listeners.get(event) || [])]) {
      try {
        callback.apply(context, args);
      } catch (err) {
        this._problem(`a '${event}' handler failed: ${err.message}`, err);
      }
    }
  }

  _emitChanges(keys, options) {
    for (const key of keys) this._trigger(`change:${key}`, this, this._state[key], options);
    if (keys.length) this._trigger("change", this, options);
    if (keys.length) this._followLinks(keys);
  }

  /** jslink: copy changed values into linked models on this page, with no kernel round trip. */
  _followLinks(keys) {
    for (const [key, ref, otherKey] of this._state._jslinks || []) {
      if (!keys.includes(key)) continue;
      const other = this._link.models.get(String(ref).replace(MODEL_PREFIX, ""));
      if (!other || other.closed || equal(other.get(otherKey), this._state[key])) continue;
      other.set(otherKey, this._state[key]);
      other.save_changes();
    }
  }

  // -- to the kernel ---------------------------------------------------------------------------
  _sendOutbox() {
    if (!this._outbox.size) return;
    const seq = ++this._seq;
    const state = {};
    for (const key of this._outbox) {
      state[key] = this._state[key];
      this._pending.set(key, seq);
    }
    this._outbox.clear();
    const [json, paths, buffers] = splitBuffers(state);
    this._inflight = seq;
    clearTimeout(this._inflightTimer);
    this._inflightTimer = setTimeout(() => this._acked(seq), ACK_TIMEOUT_MS);
    this._deliver({ method: "update", seq, state: json, buffer_paths: paths }, buffers);
  }

  _acked(seq) {
    if (this._inflight !== seq) return;
    this._inflight = null;
    clearTimeout(this._inflightTimer);
    this._sendOutbox();
  }

  _deliver(data, buffers) {
    const view = [...this.views].find((v) => v.link === this._link);
    try {
      if (!view) throw new Error("not delivered: no output of this widget is connected");
      this._link.send(view, data, buffers);
    } catch (err) {
      this._inflight = null;
      this._problem(err.message);
    }
  }

  // -- from the kernel -------------------------------------------------------------------------
  _receive(data, buffers) {
    if (data && data.method === "update") this._update(data, buffers);
    else if (data && data.method === "custom") this._trigger("msg:custom", data.content, buffers.map(ownBuffer));
    else console.warn("cellwire: unknown model message", data);
  }

  _update(data, buffers) {
    const state = joinBuffers(data.state || {}, data.buffer_paths, buffers);
    const versions = data.versions || {};
    const ack = data.ack;
    const changed = [];
    for (const [key, value] of Object.entries(state)) {
      const version = versions[key] ?? 0;
      const known = this._versions[key] ?? -1;
      let justAcked = false;
      if (ack !== undefined && this._pending.has(key) && this._pending.get(key) <= ack) {
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
      for (const view of this.views) view._modelOk?.();
    }
    if (ack !== undefined) this._acked(ack);
  }

  /** A view re-attached (reconnect): take the kernel's state, then resend every value of ours
   * not acknowledged yet (it may have been lost with the old socket; resending is harmless). */
  _resync(init, buffers) {
    this._update({ state: init.state, versions: init.versions, buffer_paths: init.buffer_paths }, buffers);
    for (const [key, seq] of this._pending) if (seq !== Infinity) this._outbox.add(key);
    if (this._outbox.size) {
      this._inflight = null;
      this._sendOutbox();
    }
  }

  _problem(message, err) {
    if (err) console.error(`cellwire: ${message}`, err);
    for (const view of this.views) view._showError(message);
    if (!this.views.size) console.warn(`cellwire: ${message}`);
  }

  _close() {
    this.closed = true;
    clearTimeout(this._inflightTimer);
    if (this._cleanup) {
      try { this._cleanup(); } catch (err) { console.error("cellwire: a widget's cleanup failed", err); }
      this._cleanup = null;
    }
    this._listeners.clear();
  }

  // -- the front-end module --------------------------------------------------------------------
  /** The module's {render, initialize}; `initialize` runs once per model per page. */
  widget(module) {
    if (!this._widget) {
      this._widget = (async () => {
        let def = module.default;
        if (typeof def === "function") def = await def();
        const found = def && (def.render || def.initialize) ? def : module;
        const widget = { render: found.render, initialize: found.initialize };
        if (typeof widget.initialize === "function") {
          const cleanup = await widget.initialize({ model: this, experimental: this.experimental });
          if (typeof cleanup === "function") this._cleanup = cleanup;
        }
        return widget;
      })();
    }
    return this._widget;
  }

  /** Call a Python function exposed with `@widget.expose`: resolves with its return value, rejects
   * with the Python exception's message (docs/busy.md). Sent from one of this page's views. */
  invoke(name, args = [], options = {}) {
    const view = [...this.views].find((v) => v.link === this._link);
    if (!view) return Promise.reject(new Error("not delivered: no output of this widget is connected"));
    return view.calls.invoke(name, args, options);
  }

  /** anywidget's `experimental.invoke(name, msg, {buffers, signal})`: a request/response over
   * custom messages. */
  get experimental() {
    return {
      invoke: (name, msg, options = {}) => new Promise((resolve, reject) => {
        const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
        const handler = (content, buffers) => {
          if (!content || content.id !== id || content.kind !== "anywidget-command-response") return;
          this.off("msg:custom", handler);
          resolve([content.response, buffers]);
        };
        this.on("msg:custom", handler);
        options.signal?.addEventListener("abort", () => {
          this.off("msg:custom", handler);
          reject(options.signal.reason ?? new Error("aborted"));
        });
        this.send({ id, kind: "anywidget-command", name, msg }, undefined, options.buffers || []);
      }),
    };
  }
}
