// @ts-check
// A cellwire object's view inside a host's own widget manager (JupyterLab with jupyterlab_widgets,
// VS Code, Colab): the `_esm` of its host widget (cellwire/host_widget.py), run by anywidget's
// front-end as `render({model, el})`. There is no cellwire runtime and no cellwire socket here:
// the view speaks cellwire's page protocol (attach, msg, call, reply, detach) in the widget's
// custom messages, and hands the object's own module the same `channel` a cellwire page does
// (the runtime's ChannelHandle and ViewCalls, linked from the sources in the widget's state).
// Not part of the runtime: nothing imports it.

/**
 * What the host widget's `_cellwire` state holds.
 * @typedef {object} HostSpec
 * @property {string} target     the Python object's id
 * @property {string} instance   the kernel process that made it
 * @property {{hash: string, source: string} | null} module  the object's ES module
 * @property {{hash: string, modules: {name: string, source: string}[]}} runtime  view.js and its imports
 */

/** @type {Map<string, Promise<Record<string, any>>>} runtime hash -> its modules' namespaces, by name */
const linked = new Map();
/** @type {Map<string, Promise<Record<string, unknown>>>} module hash -> the imported object module */
const imported = new Map();

/**
 * Import modules given as sources, each `"./name.js"` import pointing at the blob of that module
 * (the modules come imports first).
 * @param {{hash: string, modules: {name: string, source: string}[]}} runtime
 */
function link(runtime) {
  let done = linked.get(runtime.hash);
  if (!done) {
    /** @type {Record<string, string>} */
    const urls = {};
    for (const m of runtime.modules) {
      const source = m.source.replace(/(["'])\.\/([\w-]+\.js)\1/g, (all, _q, name) => (urls[name] ? JSON.stringify(urls[name]) : all));
      urls[m.name] = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    }
    done = Promise.all(runtime.modules.map(async (m) => [m.name, await import(urls[m.name])])).then(Object.fromEntries);
    linked.set(runtime.hash, done);
  }
  return done;
}

/** @param {{hash: string, source: string}} module */
function importObjectModule(module) {
  let done = imported.get(module.hash);
  if (!done) {
    done = import(URL.createObjectURL(new Blob([module.source], { type: "text/javascript" })));
    imported.set(module.hash, done);
  }
  return done;
}

/** A random id (crypto.randomUUID needs a secure context; a host page may not be one). */
function uuid() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * @param {unknown} err
 * @returns {string}
 */
function errorMessage(err) {
  return err instanceof Error ? err.message : String(err);
}

/**
 * anywidget's render: attach to the Python object through the widget's comm, then run its module.
 * @param {{model: any, el: HTMLElement}} args
 */
async function render({ model, el }) {
  /** @type {HostSpec} */
  const spec = model.get("_cellwire");
  const liveEl = document.createElement("div");
  liveEl.className = "cellwire-live";
  const statusEl = document.createElement("div");
  statusEl.className = "cellwire-status";
  statusEl.hidden = true;
  el.append(liveEl, statusEl);
  el.dataset.cellwireState = "connecting";
  /** @type {string | null} why this view can send nothing any more */
  let ended = null;
  /** @type {(message: string, err?: unknown) => void} */
  const showError = (message, err) => {
    statusEl.textContent = `cellwire: ${message}`;
    statusEl.hidden = false;
    if (err) console.error(`cellwire: ${message}`, err);
  };

  const modules = await link(spec.runtime);
  const { ChannelEvents, ChannelHandle } = modules["view.js"];
  const { ViewCalls } = modules["rpc.js"];
  const { resolveExports } = modules["module-exports.js"];
  /** @type {{resolve: () => void, reject: (err: unknown) => void}} */
  let done = { resolve: () => {}, reject: () => {} };
  /** @type {Promise<void>} */
  const whenRendered = new Promise((resolve, reject) => { done = { resolve, reject }; });
  whenRendered.catch(() => {});
  // What ChannelHandle and ViewCalls use of a cellwire OutputView, carried by the host's comm.
  /** @type {any} */
  const view = {
    id: uuid(),
    targetId: spec.target,
    state: "connecting",
    liveEl,
    whenRendered,
    runtime: { boot: { uuid } },
    endedReason: () => ended,
    link: {
      /** @param {any} v @param {unknown} data @param {Binary[]} [buffers] */
      send(v, data, buffers = []) {
        this.sendOp(v, { op: "msg", view: v.id, data }, buffers);
      },
      /** @param {any} _v @param {Record<string, unknown>} message @param {Binary[]} [buffers] */
      sendOp(_v, message, buffers = []) {
        if (ended) throw new Error(`not delivered: ${ended}`);
        model.send(message, undefined, buffers);
      },
    },
  };
  const events = new ChannelEvents(showError);
  view.channel = new ChannelHandle(view, events);
  view.calls = new ViewCalls(view);
  /** @type {(() => unknown) | null} */
  let cleanup = null;

  /** @param {any} init @param {DataView[]} buffers */
  const attached = async (init, buffers) => {
    view.channel.init = init;
    view.channel.initBuffers = buffers;
    view.state = el.dataset.cellwireState = "live";
    events.emit("status", "live");
    try {
      if (!spec.module) throw new Error("its JavaScript module exports no render({channel, el}) function");
      const { render: renderObject } = await resolveExports(await importObjectModule(spec.module));
      if (!renderObject) throw new Error("its JavaScript module exports no render({channel, el}) function");
      const result = await renderObject({ channel: view.channel, el: liveEl });
      if (typeof result === "function") cleanup = /** @type {() => unknown} */ (result);
      done.resolve();
    } catch (err) {
      done.reject(err);
      showError(`the view's JavaScript failed: ${errorMessage(err)}`, err);
    }
  };

  /** @param {any} msg @param {DataView[]} buffers */
  const receive = (msg, buffers = []) => {
    if (!msg || typeof msg !== "object") return;
    if (msg.view !== undefined && msg.view !== view.id) return; // another view's
    if (msg.target !== undefined && msg.target !== spec.target) return;
    if (msg.op === "attached") attached(msg.init, buffers);
    else if (msg.op === "msg" && msg.except !== view.id) events.emit("message", msg.data, buffers);
    else if (msg.op === "call") view.calls.runCall(msg, buffers);
    else if (msg.op === "reply") view.calls.receiveReply(msg, buffers);
    else if (msg.op === "error") showError(String(msg.message));
    else if (msg.op === "closed") {
      ended = "closed in the kernel";
      view.state = el.dataset.cellwireState = "target-closed";
      view.calls.fail("the object was closed in the kernel");
      showError(ended);
      events.emit("close");
    }
  };
  const detach = () => {
    if (!ended) {
      try { model.send({ op: "detach", view: view.id }); } catch (err) { /* the comm is gone: nothing to tell */ }
    }
  };
  model.on("msg:custom", receive);
  // A closed or reloaded page runs no cleanup: say goodbye while it goes (best effort).
  window.addEventListener("pagehide", detach);
  model.send({ op: "attach", view: view.id, target: spec.target, instance: spec.instance });

  return () => {
    model.off("msg:custom", receive);
    window.removeEventListener("pagehide", detach);
    view.calls.fail("the output was removed from the page");
    if (cleanup) {
      try { cleanup(); } catch (err) { console.error("cellwire: a view's cleanup failed", err); }
    }
    detach();
    ended = "the output was removed from the page";
  };
}

export default { render };
