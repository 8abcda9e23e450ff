// One output element on the page, showing one kernel-side target. It keeps the static snapshot
// until the live view has rendered, runs the target's ES module (`render({channel, el})`), and
// shows the link's state in a status line so nothing ever fails silently.

import { ViewCalls } from "./rpc.js";

const STATUS_TEXT = {
  connecting: "connecting to the kernel…",
  reconnecting: "connection lost, reconnecting…",
  restarted: "the kernel restarted: run the cell again",
  gone: "the kernel is no longer running",
  forbidden: "the server refused access: log in again",
  failed: "could not connect to the kernel",
  closed: "disconnected",
};

/** The JavaScript twin of the Python `cellwire.Channel`, handed to a view's `render`. */
export class ChannelHandle {
  constructor(view) {
    this._view = view;
    this._listeners = new Map();
    this.init = undefined;
    this.initBuffers = [];
  }

  /** The id of the Python object this view shows. */
  get id() {
    return this._view.targetId;
  }

  /** "live", "connecting", "reconnecting", "restarted", "gone", "closed", ... */
  get status() {
    return this._view.state;
  }

  /** Send JSON data (and ArrayBuffers / typed arrays / DataViews) to the Python object. */
  send(data, buffers = []) {
    const link = this._view.link;
    if (!link) throw new Error("not delivered: this view is not connected to a kernel");
    link.send(this._view, data === undefined ? null : data, buffers);
  }

  /** Call a Python function exposed with `@obj.expose`; resolves with its return value, rejects
   * with an Error carrying the Python exception's message. `args` is an array of positional
   * arguments; options: `kwargs`, `timeout` (ms, default none), `signal` (an AbortSignal). */
  invoke(name, args = [], options = {}) {
    return this._view.calls.invoke(name, args, options);
  }

  /** Make functions callable from Python (`obj.call("name", ...)`). Returns a function removing them. */
  expose(functions) {
    return this._view.calls.expose(functions);
  }

  /** Listen to "message" (data, buffers), "status" (state, detail), "resync" (init, buffers),
   * "close" (). Returns a function that stops listening. */
  on(event, callback) {
    if (!this._listeners.has(event)) this._listeners.set(event, new Set());
    this._listeners.get(event).add(callback);
    return () => this.off(event, callback);
  }

  off(event, callback) {
    this._listeners.get(event)?.delete(callback);
  }

  _emit(event, ...args) {
    for (const callback of this._listeners.get(event) || []) {
      try {
        callback(...args);
      } catch (err) {
        this._view._showError(`a '${event}' handler failed: ${err.message}`, err);
      }
    }
  }
}

export class OutputView {
  constructor(runtime, el, spec) {
    this.runtime = runtime;
    this.id = runtime.boot.uuid();
    this.el = el;
    this.spec = spec;
    this.targetId = spec.target;
    this.link = null;
    this.state = "connecting";
    this.channel = new ChannelHandle(this);
    this.calls = new ViewCalls(this);
    this.rendered = false;
    // Calls from Python wait for render() to have run (they may use what it exposes).
    this.whenRendered = new Promise((resolve, reject) => { this._renderDone = { resolve, reject }; });
    this.whenRendered.catch(() => {});
    this._cleanup = null;
    this._problem = null; // a sticky error shown in the status line
    this.snapshot = el.querySelector(":scope > .cellwire-snapshot");
    this.liveEl = document.createElement("div");
    this.liveEl.className = "cellwire-live";
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
      if (event.relatedTarget && !this.liveEl.contains(event.relatedTarget)) this._lastFocus = null;
    });
    this.statusEl = el.querySelector(":scope > .cellwire-status") || document.createElement("div");
    this.statusEl.className = "cellwire-status";
    this.statusEl.setAttribute("role", "status");
    el.appendChild(this.statusEl);
    el.__cellwire = this;
    this._render();
  }

  _linkState(state, detail) {
    if (["restarted", "gone", "forbidden", "failed", "closed"].includes(state)) this.calls.fail(STATUS_TEXT[state] || state);
    if (this.state === "stale" || this.state === "target-closed") return;
    this.state = state;
    this._render(detail);
    this.channel._emit("status", state, detail);
  }

  async _attached(data, buffers) {
    if (data.init && data.init.kind === "model") return this._attachedModel(data, buffers);
    this.channel.init = data.init;
    this.channel.initBuffers = buffers;
    this._problem = null;
    if (this.rendered) {
      this.channel._emit("resync", data.init, buffers);
      this._render();
      return;
    }
    try {
      const module = data.module ? await this.runtime.importModule(data.module.hash, data.module.source) : null;
      const render = module && (module.render || module.default?.render || (typeof module.default === "function" ? module.default : null));
      if (!render) throw new Error("its JavaScript module exports no render({channel, el}) function");
      this.el.insertBefore(this.liveEl, this.statusEl);
      this.rendered = true;
      if (this.snapshot) this.snapshot.hidden = true;
      const cleanup = await render({ channel: this.channel, el: this.liveEl });
      if (typeof cleanup === "function") this._cleanup = cleanup;
      this._renderDone.resolve();
    } catch (err) {
      this._renderDone.reject(err);
      this._showError(`the view's JavaScript failed: ${err.message}`, err);
    }
    this._render();
  }

  /** A synced model's view: `render({model, el, experimental, cellwire})`, anywidget's contract
   * plus `cellwire.display(childRef, el)` for containers. */
  async _attachedModel(data, buffers) {
    this._problem = null;
    const init = data.init;
    if (init.css) this.runtime.injectCss(init.css.hash, init.css.source);
    const model = this.link.modelFor(this.targetId, init, buffers);
    this.model = model;
    model.views.add(this);
    if (this.rendered) {
      this._render();
      return;
    }
    this.rendered = true;
    try {
      if (!data.module) throw new Error("this widget has no JavaScript module");
      const module = await this.runtime.importModule(data.module.hash, data.module.source);
      const widget = await model.widget(module);
      this.el.insertBefore(this.liveEl, this.statusEl);
      if (this.snapshot) this.snapshot.hidden = true;
      if (typeof widget.render === "function") {
        const cleanup = await widget.render({
          model, el: this.liveEl, experimental: model.experimental, cellwire: this._helpers(),
        });
        if (typeof cleanup === "function") this._cleanup = cleanup;
      }
      this._renderDone.resolve();
    } catch (err) {
      this._renderDone.reject(err);
      if (this.snapshot) this.snapshot.hidden = false;
      this._showError(`the widget's JavaScript failed: ${err.message}`, err);
    }
    this._render();
  }

  /** What cellwire adds to anywidget's render arguments. */
  _helpers() {
    return {
      /** Show the model `ref` ("IPY_MODEL_<id>" or an id) live inside `el`; returns {dispose()}. */
      display: (ref, el) => this.runtime.mountChild(el, this, String(ref).replace(/^IPY_MODEL_/, "")),
      view: this,
      /** Functions Python may call on this view (`widget.call("name", ...)`); returns a remover. */
      expose: (functions) => this.calls.expose(functions),
      /** Call a Python function exposed with `@widget.expose` (as `model.invoke`, from this view). */
      invoke: (name, args, options) => this.calls.invoke(name, args, options),
    };
  }

  /** The kernel accepted this page's change: clear a message left by an earlier refusal. */
  _modelOk() {
    if (this._problem && this._problemFromModel) {
      this._problem = null;
      this._render();
    }
  }

  _receive(data, buffers) {
    this.channel._emit("message", data, buffers);
  }

  _error(data) {
    if (data.code === "stale-output") {
      // Made by another kernel process: maybe one still running under another id (the id this
      // output carried was wrong or is unknown); else this output is stale.
      this.runtime.relocate(this).then((moved) => {
        if (!moved) this._stale(data.message);
      });
      return;
    }
    if (data.code === "unknown-target") return this._stale(data.message);
    this._showError(data.message);
  }

  _stale(message) {
    this.state = "stale";
    this._showError(message);
  }

  _targetClosed() {
    this.calls.fail("the object was closed in the kernel");
    this.state = "target-closed";
    this._problem = "closed in the kernel";
    this._render();
    this.channel._emit("close");
  }

  _showError(message, err) {
    this._problem = message;
    this._problemFromModel = !err;
    if (err) console.error(`cellwire: ${message}`, err);
    this._render();
  }

  /** Reflect the state in the DOM: data-cellwire-state for styling/tests, a status line for people. */
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

  /** Stop being live (element removed from the page); the DOM is left as it is. */
  dispose() {
    this.calls.fail("the output was removed from the page");
    if (this._cleanup) {
      try { this._cleanup(); } catch (err) { console.error("cellwire: a view's cleanup failed", err); }
      this._cleanup = null;
    }
    if (this.link) {
      if (this.model) this.link.releaseModel(this);
      this.link.detach(this);
    }
    this.model = null;
    this.link = null;
  }
}
