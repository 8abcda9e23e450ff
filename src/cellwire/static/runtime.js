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
import { Sockets } from "./transport.js";
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
    /** @type {Promise<string> | undefined} */
    this._serverPath = undefined;
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
   * Show model `targetId` inside `el`, a place in the parent view's widget (containers).
   * @param {HTMLElement} el
   * @param {OutputView} parent
   * @param {string} targetId
   * @returns {{dispose(): void}}
   */
  mountChild(el, parent, targetId) {
    const spec = { ...parent.spec, el: null, target: targetId };
    const view = new OutputView(this, el, spec);
    this.views.add(view);
    if (parent.link) view.connect(parent.link);
    return {
      dispose: () => {
        this.views.delete(view);
        view.dispose();
      },
    };
  }

  /**
   * A widget class's CSS, added to the page once.
   * @param {string} hash
   * @param {string} [source]  (left out when this page was sent it before)
   */
  injectCss(hash, source) {
    if (document.querySelector(`style[data-cellwire-css="${hash}"]`)) return;
    if (source === undefined) return;
    const style = document.createElement("style");
    style.dataset.cellwireCss = hash;
    style.textContent = source;
    document.head.appendChild(style);
  }

  /**
   * The link to the kernel that made the output of `spec` (found by the loader's search).
   * @param {OutputSpec} spec
   * @returns {Promise<KernelLink>}
   */
  async _linkFor(spec) {
    for (const [key, link] of this.links) {
      // A link that gave up (kernel gone, access refused) is asked afresh by the next output.
      if (GAVE_UP.includes(link.state)) this.links.delete(key);
    }
    let id = spec.kernel_id && this.links.has(spec.kernel_id) ? spec.kernel_id : null;
    if (!id) id = await this.boot.findKernel(spec);
    let link = this.links.get(id);
    if (!link) {
      link = new KernelLink(this, id, spec.subshell || null);
      this.links.set(id, link);
    }
    return link;
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
   * header), else "stock". Asked once per page.
   * @returns {Promise<string>}
   */
  serverPath() {
    if (!this._serverPath) {
      this._serverPath = this.boot.api_request("api/status")
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
