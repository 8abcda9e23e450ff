// @ts-check
// The view module of a bridged ipywidget (cellwire.bridge): shows one ipywidgets model in one output,
// through a page-wide ipywidgets manager per kernel. The manager is ipywidgets' own JavaScript
// (static/vendor/jupyter-widgets.js, fetched from the kernel once and kept in the browser's Cache
// Storage under its content hash, so a reload does not fetch it again). Every output of that kernel
// on this page is a channel of the same tunnel: the kernel sends each message to one of them and
// reads from any (docs/protocol.md, "The ipywidgets bridge").

/** @type {Map<string, Tunnel>} kernel process (hub id) -> its tunnel on this page */
const tunnels = new Map();

/** Does the page define JupyterLab's theme variables (JupyterLab, Notebook 7)? Else the widgets
 * get ipywidgets' defaults (and Lumino's structural CSS) on their own element. */
function pageHasJupyterTheme() {
  return getComputedStyle(document.documentElement).getPropertyValue("--jp-layout-color1").trim() !== "";
}

/** ipywidgets' front-end, through the page runtime's vendored-bundle cache (this module's output
 * spec names it in `preload`, so the runtime may have started importing it already).
 * @param {Tunnel} tunnel @param {{hash: string, size: number}} info */
function loadBundle(tunnel, info) {
  const runtime = /** @type {Runtime} */ (globalThis.__cellwire);
  return runtime.vendor(info.hash, async () => {
    const { data } = await tunnel.request({ op: "bundle" });
    if (data.hash !== info.hash) throw new Error(`the kernel sent bundle ${data.hash}, not ${info.hash}: run the cell again`);
    return { js: data.js, css: data.css };
  });
}

/** Evaluate a widget library's AMD bundle (an nbextension) with a private `define`, so a page's own
 * requirejs, if any, is left alone, and `doc` as its `document` (a private one, through which the
 * chunks it adds by URL come from the kernel: nbextensions.js). Resolves with the module's exports.
 * @param {string} name @param {string} source @param {string} uri its `module.uri` (nbextensions.js)
 * @param {(dep: string) => any} resolveDep @param {Document} doc
 * @returns {Promise<any>} */
async function evaluateAmd(name, source, uri, resolveDep, doc) {
  /** @type {{name: string|null, deps: string[], factory: any}[]} */
  const defined = [];
  const define = (/** @type {any[]} */ ...args) => {
    const id = typeof args[0] === "string" ? args.shift() : null;
    const deps = Array.isArray(args[0]) ? args.shift() : [];
    defined.push({ name: id, deps, factory: args[0] });
  };
  define.amd = {};
  // eslint-disable-next-line no-new-func
  new Function("define", "document", `${source}\n//# sourceURL=${uri.replace(NBEXTENSIONS_BASE, "cellwire-nbextension/")}`)(define, doc);
  const entry = defined.find((d) => d.name === name) || defined.find((d) => !d.name) || defined[defined.length - 1];
  if (!entry) throw new Error(`the front-end of widget module '${name}' defined nothing`);
  const exports = {};
  const module = { exports, id: name, uri };
  const deps = await Promise.all(entry.deps.map((dep) => {
    if (dep === "exports") return exports;
    if (dep === "module") return module;
    if (dep === "require") return (/** @type {string} */ n) => { throw new Error(`'${name}' needs require('${n}'), which the bridge does not provide`); };
    return resolveDep(dep);
  }));
  const value = typeof entry.factory === "function" ? entry.factory(...deps) : entry.factory;
  return value !== undefined ? value : module.exports;
}

class Tunnel {
  /** @param {string} hubId */
  constructor(hubId) {
    this.hubId = hubId;
    /** @type {any[]} */
    this.channels = [];
    /** @type {Map<any, HTMLElement>} each channel's live element */
    this.outputs = new Map();
    /** @type {Promise<void>|null} states being fetched again after a reconnect */
    this.resyncing = null;
    /** @type {Map<string, {resolve: Function, reject: Function}>} */
    this.pending = new Map();
    this.nextId = 0;
    /** @type {Set<string>} problems already reported to the kernel */
    this.reported = new Set();
    this.manager = null;
    /** @type {any} ipywidgets' front-end module, once imported */
    this.bundle = null;
    /** @type {Promise<any>|null} */
    this.started = null;
    /** @type {Federation|null} */
    this.federation = null;
    /** @type {Promise<RequireConfig>|null} */
    this.requireConfigs = null;
    /** @type {Map<string, Promise<any>>} widget module name -> its exports */
    this._modules = new Map();
  }

  /** @param {any} channel @param {HTMLElement} el its live element */
  add(channel, el) {
    this.channels.push(channel);
    this.outputs.set(channel, el);
    const off = channel.on("message", (/** @type {any} */ data, /** @type {DataView[]} */ buffers) => this.receive(data, buffers));
    const offResync = channel.on("resync", () => this.resync(channel));
    return () => {
      off();
      offResync();
      this.outputs.delete(channel);
      this.channels = this.channels.filter((/** @type {any} */ c) => c !== channel);
    };
  }

  /** `channel` was attached again (a reconnect): the kernel forgot this page's subscription, and
   * widgets changed meanwhile. Subscribe again; the first channel back brings every state. */
  /** @param {any} channel */
  resync(channel) {
    if (!this.manager || !this.loaded) return;
    if (this.resyncing) {
      this.request({ op: "subscribe" }, [], channel).catch((err) => console.debug("cellwire: resubscribe failed", err));
      return;
    }
    this.resyncing = this.request({ op: "subscribe", states: true }, [], channel)
      .then(({ data, buffers }) => this.manager.applyStates(data.states, data.buffer_paths, buffers))
      .catch((err) => console.debug("cellwire: widget states after a reconnect failed", err))
      .finally(() => { this.resyncing = null; });
  }

  /** A connected channel of this kernel to send through: the output showing widget `modelId` if
   * there is one (the kernel answers a refused message in the output it came through), else any.
   * @param {string} [modelId] */
  _channel(modelId) {
    const live = this.channels.filter((/** @type {any} */ c) => c.status === "live");
    return live.find((/** @type {any} */ c) => c.init?.model_id === modelId) || live[0] || this.channels[0];
  }

  /** A widget's message to the kernel. One that cannot go (the kernel restarted, the output is
   * stale) is refused in the status line of the output that would have carried it: ipywidgets'
   * models send without waiting for an answer, so nobody else would tell the user.
   * @param {any} data @param {any[]} [buffers] */
  send(data, buffers = []) {
    const channel = this._channel(data?.comm_id);
    if (!channel) throw new Error("not delivered: no output of this kernel is connected");
    try {
      channel.send(data, buffers);
    } catch (err) {
      const output = this.outputs.get(channel)?.parentElement;
      const view = /** @type {any} */ (output)?.__cellwire;
      if (!view?.showError) throw err;
      view.showError(err instanceof Error ? err.message : String(err));
    }
  }

  /** Ask the kernel; resolves with {data, buffers} of its reply, rejects with its error. */
  /** @param {any} data @param {any[]} [buffers] @param {any} [channel]
   * @returns {Promise<{data: any, buffers: DataView[]}>} */
  request(data, buffers = [], channel = null) {
    const id = String(++this.nextId);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        (channel || this._channel()).send({ ...data, id }, buffers);
      } catch (err) {
        this.pending.delete(id);
        reject(err);
      }
    });
  }

  /** @param {any} data @param {DataView[]} buffers */
  receive(data, buffers) {
    if (data && data.op === "reply") {
      const waiter = this.pending.get(data.id);
      this.pending.delete(data.id);
      if (!waiter) return;
      if (data.error) waiter.reject(Object.assign(new Error(data.error), { fromKernel: true }));
      else waiter.resolve({ data, buffers });
      return;
    }
    if (!this.manager) return; // (the kernel sends comm traffic only after 'subscribe')
    this.manager.receive(data, buffers);
  }

  /** @param {any} init */
  start(init) {
    if (!this.started) {
      this.started = (async () => {
        this.bundle = await loadBundle(this, init.bundle);
        this.manager = this.bundle.createManager(
          { send: (/** @type {any} */ d, /** @type {any[]} */ b) => this.send(d, b),
            request: (/** @type {any} */ d, /** @type {any[]} */ b) => this.request(d, b),
            report: (/** @type {string} */ message) => this.report(message) },
          (/** @type {string} */ name, /** @type {string} */ version) => this.loadModule(name, version),
        );
      })();
      this.started.catch(() => { this.started = null; });
    }
    return this.started;
  }

  /** Subscribe `channel`'s page to the kernel's widget traffic, then load every widget's state. */
  /** @param {any} channel */
  async subscribe(channel) {
    if (this.loaded) {
      await this.request({ op: "subscribe" }, [], channel);
      await this.loaded;
      return;
    }
    // The page's first view: every widget's state comes with the answer.
    this.loaded = this.request({ op: "subscribe", states: true }, [], channel)
      .then(({ data, buffers }) => this.manager.applyStates(data.states, data.buffer_paths, buffers));
    this.loaded.catch(() => { this.loaded = null; });
    await this.loaded;
  }

  /** A third-party widget module, once per page: the manager's classes and the bundles that import
   * it (jupyter-vuetify imports jupyter-vue) share one copy (one `instanceof` identity).
   * @param {string} name @param {string} version @returns {Promise<any>} */
  loadModule(name, version) {
    let loading = this._modules.get(name);
    if (!loading) {
      loading = this._loadModule(name, version);
      this._modules.set(name, loading);
      loading.catch(() => this._modules.delete(name));
    }
    return loading;
  }

  /** A third-party widget module, from the nbextension or the JupyterLab extension its Python
   * package installed in the kernel's environment (federation.js). */
  /** @param {string} name @param {string} version @returns {Promise<any>} */
  async _loadModule(name, version) {
    const shared = this.bundle.sharedModules;
    if (this.federation?.registered.has(name)) return this.federation.widgetModule(name, null);
    const config = await this.requireConfig();
    const placed = config.resolve(name);
    const failure = config.failure(name);
    if (failure && !placed) throw failure;
    const { data } = await this.request(placed ? { op: "module", name: placed.folder, file: placed.file, nbextension: true } : { op: "module", name, version })
      .catch((/** @type {any} */ err) => {
        if (err.fromKernel) this.reported.add(err.message); // (the kernel logged it: its error view says it again)
        throw err;
      });
    const where = placed ? `nbextensions/${placed.folder}/${placed.file}` : `nbextensions/${name}/index.js`;
    if (data.format === "federated") {
      try {
        return await this.federationOf().widgetModule(name, data);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.report(message);
        throw new Error(message);
      }
    }
    try {
      return await evaluateAmd(name, data.source, NBEXTENSIONS_BASE + where.slice("nbextensions/".length), (/** @type {string} */ dep) => {
        if (shared[dep]) return shared[dep];
        return this.manager.loadClass ? this.loadModule(dep, "*") : Promise.reject(new Error(`unknown module ${dep}`));
      }, loadsChunksByUrl(data.source) ? this.chunkDocument() : document);
    } catch (err) {
      // The widget's output shows it (ipywidgets' error view); the kernel's log gets it too.
      const message = `the front-end of widget module '${name}' (${where} in the ` +
        `kernel's environment) failed while loading: ${err instanceof Error ? err.message : String(err)}`;
      this.report(message);
      throw new Error(message);
    }
  }

  /** The requirejs configuration of the kernel's enabled nbextensions (nbextensions.js), once per
   * page; each `extension.js` that does something else is told to the kernel's log once. */
  requireConfig() {
    if (!this.requireConfigs) {
      this.requireConfigs = this.request({ op: "module", configs: true }).then(({ data }) => {
        const config = RequireConfig.from(data.configs || {});
        for (const err of config.failed.values()) this.report(err.message);
        return config;
      });
      this.requireConfigs.catch(() => { this.requireConfigs = null; });
    }
    return this.requireConfigs;
  }

  /** The `document` of nbextension bundles: chunks they add by URL come from the kernel's nbextensions. */
  chunkDocument() {
    return privateDocument((el) => loadNbextensionChunk(el, (folder, file) =>
      this.request({ op: "module", name: folder, file, nbextension: true }), (message) => this.report(message)));
  }

  /** This kernel's JupyterLab extensions on this page, sharing the manager's packages. */
  federationOf() {
    if (!this.federation) {
      this.federation = new Federation(this.bundle.sharedPackages, (/** @type {string} */ name, /** @type {string|undefined} */ file) =>
        this.request(file ? { op: "module", name, file } : { op: "module", name }));
    }
    return this.federation;
  }

  /** Tell the kernel's log about a problem of this page (each one once). @param {string} message */
  report(message) {
    // Once: a widget's error view repeats the loading failure it shows, with more words around it.
    if ([...this.reported].some((known) => message.includes(known))) return;
    this.reported.add(message);
    try {
      this.send({ op: "report", message });
    } catch (err) {
      console.debug("cellwire: could not report to the kernel", err);
    }
  }
}

/** @type {HTMLElement | null} */
let parkingLot = null;

/** A hidden element of the page where the views of outputs already gone are taken down. */
function parking() {
  if (!parkingLot || !parkingLot.isConnected) {
    parkingLot = document.createElement("div");
    parkingLot.hidden = true;
    document.body.appendChild(parkingLot);
  }
  return parkingLot;
}

/** @param {{channel: any, el: HTMLElement}} args */
export async function render({ channel, el }) {
  const init = channel.init;
  let tunnel = tunnels.get(init.hub);
  if (!tunnel) {
    tunnel = new Tunnel(init.hub);
    tunnels.set(init.hub, tunnel);
  }
  const remove = tunnel.add(channel, el);
  el.classList.add("cellwire-ipywidget");
  if (!pageHasJupyterTheme()) el.classList.add("cellwire-jw-defaults");
  /** @type {(() => void) | null} */
  let disposeView = null;
  let gone = false;
  const dispose = () => {
    gone = true;
    remove();
    if (disposeView) {
      // Lumino detaches only a widget in the document: an output already gone (cleared, its cell
      // deleted) would keep its views, and they the output, which could then never be collected
      // and released (runtime.js). So it is taken down in a hidden holder, and dropped there.
      const parked = !el.isConnected;
      if (parked) parking().appendChild(el);
      try {
        disposeView();
      } finally {
        if (parked) el.remove();
      }
    }
    disposeView = null;
  };
  const mark = (/** @type {string} */ step) => performance.mark(`cellwire:ipywidget:${step}`, { detail: init.model_id });
  try {
    mark("render");
    await tunnel.start(init);
    mark("manager");
    await tunnel.subscribe(channel);
    mark("states");
    const removeView = await tunnel.manager.display(init.model_id, el);
    mark("displayed");
    if (gone) removeView();
    else disposeView = removeView;
  } catch (err) {
    dispose();
    throw new Error(`ipywidget ${init.model_id}: ${err instanceof Error ? err.message : String(err)}`);
  }
  channel.on("close", dispose);
  return dispose;
}
