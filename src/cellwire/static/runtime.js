// @ts-check
// The page's cellwire runtime: one per page (a versioned global, `globalThis.__cellwire`), shared by
// every cellwire output of every notebook on the page. It keeps one link per kernel, mounts output
// elements as views, and notices outputs leaving the page (cleared, cell deleted, notebook closed).
//
// An output element merely detached (a windowed notebook, a cell being moved) may come back; one
// that was garbage collected never will: then the kernel hears that the output is gone for good
// (`release`) and stops keeping its object alive for it (docs/widgets.md, "Lifetime"). The
// front-ends keep a deleted cell's elements (for undo), so an element detached for
// RELEASE_DETACHED_AFTER_MS counts as gone too; if it comes back, attaching it pins it again.

import { KernelLink } from "./link.js";
import { Sockets, preferLegacyFraming } from "./transport.js";
import { OutputView } from "./view.js";

/** An element gone from the document this long is detached from its kernel object. */
const DETACH_AFTER_MS = 5000;
/** A link with no views this long closes its socket (so it never outlives the page's outputs). */
const CLOSE_IDLE_LINK_AFTER_MS = 10000;
/** An output element detached this long is released (see above). */
const RELEASE_DETACHED_AFTER_MS = 5 * 60 * 1000;

const STYLE = `
.cellwire-status { font: 12px var(--jp-ui-font-family, sans-serif); color: var(--jp-ui-font-color2, #666); margin-top: 2px; }
.cellwire-degraded > .cellwire-live { opacity: .6; }
`;

/** The longest a preloaded bundle waits for a first socket to open before it is imported anyway. */
const PRELOAD_WAIT_MS = 1000;

/** Links in these states gave up: the next output asks afresh. */
const GAVE_UP = ["gone", "forbidden", "failed", "closed"];

/**
 * An output whose element left the page long enough to be detached from its kernel object.
 * @typedef {object} Suspended
 * @property {WeakRef<HTMLElement>} ref
 * @property {OutputSpec} spec
 * @property {string | undefined} kernelId
 * @property {number} since
 * @property {boolean} [released]  the kernel has been told it is gone for good
 */

/**
 * The loader calls this with its helpers (`boot`) and the cellwire version of the runtime.
 * @param {CellwireBoot} boot
 * @param {string} version
 */
export function createRuntime(boot, version) {
  return new Runtime(boot, version);
}

export class Runtime {
  /**
   * @param {CellwireBoot} boot
   * @param {string} version
   */
  constructor(boot, version) {
    this.boot = boot;
    this.version = version;
    this.pageId = boot.uuid();
    /** @type {Map<string, KernelLink>} kernel id -> its link */
    this.links = new Map();
    this.sockets = new Sockets(); // where the links' WebSockets run (a worker, or this thread)
    /** @type {Set<OutputView>} */
    this.views = new Set();
    /** @type {Set<Suspended>} */
    this._suspended = new Set();
    this.releaseDetachedAfterMs = RELEASE_DETACHED_AFTER_MS; // (tests shorten it)
    /** @type {Map<string, number>} kernel id -> time it ran out of views */
    this._idleSince = new Map();
    /** @type {Map<string, Promise<Record<string, unknown>>>} hash -> the imported module */
    this._modules = new Map();
    /** @type {Map<string, {loading: Promise<Record<string, any>>, canFetch: boolean}>} hash -> vendored bundle */
    this._vendor = new Map();
    /** @type {Promise<string> | undefined} */
    this._serverPath = undefined;
    // Preloaded bundles are imported once a link's socket is open: compiling them on this thread
    // earlier would hold up the socket's start; later, it overlaps the handshake's round trips.
    /** @type {() => void} */
    this.socketOpened = () => {};
    /** @type {Promise<void>} */
    this._socketOpen = new Promise((resolve) => {
      this.socketOpened = () => resolve();
      setTimeout(resolve, PRELOAD_WAIT_MS);
    });
    this._sweeper = setInterval(() => this._sweep(), 1000);
    // Say goodbye when the page goes (reload, tab closed): the kernel then drops this page's views
    // at once instead of keeping them (and sending calls to them). The socket is left for the
    // browser to close: jupyter_server drops a message still in flight when its socket closes.
    this._onPageHide = () => { for (const link of this.links.values()) link.goodbye(); };
    addEventListener("pagehide", this._onPageHide);
    if (!document.getElementById("cellwire-style")) {
      const style = document.createElement("style");
      style.id = "cellwire-style";
      style.textContent = STYLE;
      document.head.appendChild(style);
    }
  }

  /**
   * Show `spec.target` live in `el` (the output's container, holding its snapshot).
   * @param {HTMLElement} el
   * @param {OutputSpec} spec
   * @returns {OutputView}
   */
  mount(el, spec) {
    if (el.__cellwire instanceof OutputView) return el.__cellwire;
    for (const hash of spec.preload || []) this._preloadCached(hash);
    const moved = this._refreshed(el, spec);
    if (moved) {
      moved.moveTo(el);
      moved.missingSince = undefined;
      return moved;
    }
    const view = new OutputView(this, el, spec);
    this.views.add(view);
    this._linkFor(spec).then(
      (link) => {
        if (!this.views.has(view)) return;
        this._idleSince.delete(link.kernelId);
        view.connect(link);
      },
      (err) => view.linkState(err.code === "no-kernel" ? "gone" : "failed", err.message),
    );
    return view;
  }

  /**
   * The live view of an output the kernel refreshed (update_display_data with the same element
   * id): it is moved into the new element instead of rendering it again, keeping focus and state.
   * @param {HTMLElement} el
   * @param {OutputSpec} spec
   * @returns {OutputView | null}
   */
  _refreshed(el, spec) {
    if (!spec.el) return null;
    for (const view of this.views) {
      if (view.spec.el === spec.el && view.el !== el && !view.el.isConnected && view.rendered) return view;
    }
    return null;
  }

  /**
   * A vendored bundle's CSS, added to the page once.
   * @param {string} hash
   * @param {string} source
   */
  injectCss(hash, source) {
    if (document.querySelector(`style[data-cellwire-css="${hash}"]`)) return;
    const style = document.createElement("style");
    style.dataset.cellwireCss = hash;
    style.textContent = source;
    document.head.appendChild(style);
  }

  /**
   * The link to the kernel that made the output of `spec`: the one its spec names, connected at
   * once (its socket's handshake says whether the server has that kernel: `_searchIfGone`), else
   * found by the loader's search.
   * @param {OutputSpec} spec
   * @returns {Promise<KernelLink>}
   */
  async _linkFor(spec) {
    for (const [key, link] of this.links) {
      // A link that gave up (kernel gone, access refused) is asked afresh by the next output.
      if (GAVE_UP.includes(link.state)) this.links.delete(key);
    }
    const id = spec.kernel_id || await this.boot.findKernel(spec);
    if (spec.framing === "legacy") preferLegacyFraming(id);
    let link = this.links.get(id);
    if (!link) {
      link = new KernelLink(this, id, spec.subshell || null);
      this.links.set(id, link);
      const made = link;
      made.ready.catch(() => this._searchIfGone(made));
    }
    return link;
  }

  /**
   * A link whose kernel the server does not have (its socket never opened, and the server
   * answered 404): its outputs' kernel may run under another id (found by its beacon); else each
   * says it is not running.
   * @param {KernelLink} link
   */
  async _searchIfGone(link) {
    if (link.state !== "gone" || link.welcome) return;
    for (const view of [...this.views]) {
      if (view.link !== link) continue;
      let id;
      try {
        id = await this.boot.findKernel({ ...view.spec, kernel_id: null });
      } catch (err) {
        view.linkState("gone", err instanceof Error ? err.message : String(err));
        continue;
      }
      if (!this.views.has(view) || view.link !== link) continue;
      link.detach(view);
      view.connect(await this._linkFor({ ...view.spec, kernel_id: id }));
    }
  }

  /**
   * Move a view whose kernel answered that another process made it, to the kernel that did.
   * Resolves true when moved.
   * @param {OutputView} view
   * @returns {Promise<boolean>}
   */
  async relocate(view) {
    const from = view.link;
    let id;
    try {
      id = await this.boot.findKernel({ ...view.spec, kernel_id: null });
    } catch (err) {
      return false;
    }
    if (!from || id === from.kernelId || !this.views.has(view)) return false;
    from.detach(view);
    view.connect(await this._linkFor({ ...view.spec, kernel_id: id }));
    return true;
  }

  /**
   * Import an ES module sent by the kernel, once per page per content hash.
   * @param {string} hash
   * @param {string} [source]  (left out when this page was sent it before)
   * @returns {Promise<Record<string, unknown>>} the module's namespace
   */
  importModule(hash, source) {
    let loading = this._modules.get(hash);
    if (!loading) {
      if (source === undefined) return Promise.reject(new Error("the kernel did not send this view's module; reload the page"));
      const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      loading = /** @type {Promise<Record<string, unknown>>} */ (import(url));
      loading.catch(() => this._modules.delete(hash));
      this._modules.set(hash, loading);
    }
    return loading;
  }

  /**
   * A vendored bundle (one ES module and its CSS, such as ipywidgets' front-end), imported once per
   * page by content hash: from the browser's cache, else from `fetchBody` (the kernel), then cached.
   * @param {string} hash
   * @param {() => Promise<{js: string, css: string}>} fetchBody
   * @returns {Promise<Record<string, any>>} the module's namespace
   */
  vendor(hash, fetchBody) {
    const entry = this._vendor.get(hash);
    if (entry && entry.canFetch) return entry.loading;
    const fromCache = entry ? entry.loading : this._importVendor(hash, this._cachedVendor(hash));
    const loading = fromCache.catch(() => this._importVendor(hash, fetchBody().then((body) => {
      this.boot.store?.("vendor", hash, { ...body, hash });
      return body;
    })));
    this._setVendor(hash, loading, true);
    return loading;
  }

  /**
   * An output names a bundle its view will import: start on it if the browser has it cached.
   * @param {string} hash
   */
  _preloadCached(hash) {
    if (this._vendor.has(hash)) return;
    const body = this._cachedVendor(hash).then(async (found) => { await this._socketOpen; return found; });
    this._setVendor(hash, this._importVendor(hash, body), false);
  }

  /**
   * A vendored bundle the kernel sent along with this runtime: cached, and imported soon.
   * @param {VendorBundle} body
   */
  preloadVendor(body) {
    if (this._vendor.has(body.hash)) return;
    this.boot.store?.("vendor", body.hash, body);
    this._setVendor(body.hash, this._importVendor(body.hash, this._socketOpen.then(() => body)), true);
  }

  /** @param {string} hash */
  _cachedVendor(hash) {
    return /** @type {Promise<{js: string, css: string} | null>} */ (this.boot.cached?.("vendor", hash) ?? Promise.resolve(null));
  }

  /**
   * @param {string} hash
   * @param {Promise<Record<string, any>>} loading
   * @param {boolean} canFetch  (false: a cache lookup only, which a later `vendor()` may follow with a fetch)
   */
  _setVendor(hash, loading, canFetch) {
    this._vendor.set(hash, { loading, canFetch });
    loading.catch(() => { if (this._vendor.get(hash)?.loading === loading) this._vendor.delete(hash); });
  }

  /**
   * @param {string} hash
   * @param {Promise<{js: string, css: string} | null>} body
   * @returns {Promise<Record<string, any>>} the module's namespace (its CSS is added to the page)
   */
  async _importVendor(hash, body) {
    const found = await body;
    if (!found) throw new Error(`bundle ${hash} is not cached`);
    const module = await this.importModule(hash, found.js);
    this.injectCss(hash, found.css);
    return module;
  }

  /** Detach views whose element left the page; re-attach ones that came back; release the outputs
   * whose element was collected; close idle links. */
  _sweep() {
    const now = Date.now();
    for (const view of this.views) {
      if (view.el.isConnected) {
        view.missingSince = undefined;
      } else if (view.missingSince === undefined) {
        view.missingSince = now;
      } else if (now - view.missingSince > DETACH_AFTER_MS) {
        this.views.delete(view);
        const kernelId = view.link?.kernelId;
        view.dispose();
        this._suspended.add({ ref: new WeakRef(view.el), spec: view.spec, kernelId, since: view.missingSince });
      }
    }
    for (const entry of this._suspended) {
      const el = entry.ref.deref();
      if (el?.isConnected) {
        this._suspended.delete(entry);
        this.mount(el, entry.spec);
        continue;
      }
      if (!el) this._suspended.delete(entry);
      if (!entry.released && (!el || now - entry.since > this.releaseDetachedAfterMs)) {
        entry.released = true;
        this._release(entry);
      }
    }
    for (const [id, link] of this.links) {
      if (!link.isEmpty) continue;
      const since = this._idleSince.get(id) ?? now;
      this._idleSince.set(id, since);
      if (now - since > CLOSE_IDLE_LINK_AFTER_MS) {
        link.close();
        this.links.delete(id);
        this._idleSince.delete(id);
      }
    }
  }

  /**
   * Tell the kernel that a detached output is gone for good, unless this page shows it
   * elsewhere; through a new link if the idle one was closed meanwhile.
   * @param {Suspended} entry
   */
  _release(entry) {
    const id = entry.spec.el;
    if (!id || !entry.kernelId || document.getElementById(id)) return;
    for (const view of this.views) if (view.spec.el === id) return;
    for (const other of this._suspended) if (other !== entry && other.spec.el === id && !other.released) return;
    let link = this.links.get(entry.kernelId);
    if (!link || GAVE_UP.includes(link.state)) {
      link = new KernelLink(this, entry.kernelId, entry.spec.subshell || null);
      this.links.set(entry.kernelId, link);
    }
    link.release([id]);
  }

  /** "accelerated" when the server runs cellwire's accelerator (it marks every response with a
   * header), else "stock". Asked once per page, about a kernel of the page: every host that runs
   * kernels answers that (Voilà has no api/status, and answers it 404).
   * @param {string} kernelId
   * @returns {Promise<string>}
   */
  serverPath(kernelId) {
    if (!this._serverPath) {
      this._serverPath = this.boot.api_request(`api/kernels/${encodeURIComponent(kernelId)}`)
        .then((response) => (response.headers.get("X-Cellwire-Accelerator") === "tcp-nodelay" ? "accelerated" : "stock"))
        .catch(() => "stock");
    }
    return this._serverPath;
  }

  /**
   * Round-trip time to a kernel in ms (to the first link's without `kernelId`).
   * @param {string} [kernelId]
   * @returns {Promise<number>}
   */
  ping(kernelId) {
    /** @type {KernelLink | undefined} */
    const link = (kernelId && this.links.get(kernelId)) || this.links.values().next().value;
    if (!link) return Promise.reject(new Error("no kernel connected"));
    return link.ready.then(() => link.ping());
  }

  /**
   * Stop everything; returns what was mounted so a newer runtime can take over.
   * @returns {Array<[HTMLElement, OutputSpec]>}
   */
  dispose() {
    clearInterval(this._sweeper);
    removeEventListener("pagehide", this._onPageHide);
    /** @type {Array<[HTMLElement, OutputSpec]>} */
    const mounted = [];
    for (const view of this.views) {
      view.dispose();
      mounted.push([view.el, view.spec]);
    }
    this.views.clear();
    for (const link of this.links.values()) link.close();
    this.links.clear();
    return mounted;
  }

  /**
   * Take over the outputs of an older runtime on this page (of an earlier cellwire version: only
   * its `dispose()` is relied on).
   * @param {{dispose(): Array<[HTMLElement, OutputSpec]>}} old
   */
  adopt(old) {
    for (const [el, spec] of old.dispose()) {
      el.querySelector(":scope > .cellwire-live")?.remove();
      const snapshot = /** @type {HTMLElement | null} */ (el.querySelector(":scope > .cellwire-snapshot"));
      if (snapshot) snapshot.hidden = false;
      this.mount(el, spec);
    }
  }
}
