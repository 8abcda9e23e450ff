// @ts-check
// JupyterLab extensions (labextensions) as widget front-ends, loaded the way JupyterLab loads them:
// a webpack module-federation container (`static/remoteEntry.<hash>.js` of the package in the
// kernel's environment) is initialised with a share scope that provides the manager's own packages
// (@jupyter-widgets/base, controls, output, @lumino/*), its `./extension` module's plugins are
// activated against a widget registry that records `registerWidget`, and the widget module is
// what they registered. Prepended to ipywidgets-view.js (a view module imports nothing).
//
// The page has no URL for the package's files (the server does not serve the kernel's environment),
// so the container's script loading is redirected: it runs with a private `document` whose script
// and stylesheet elements ask the kernel for the file by name and evaluate it. Assets a chunk names
// (`publicPath + "x.png"`) come with it and become blob: URLs.

/** The registry's token name in @jupyter-widgets/base (`IJupyterWidgetRegistry`). */
const WIDGET_REGISTRY_TOKEN = "jupyter.extensions.jupyterWidgetRegistry";
/** The made-up origin of a container's publicPath: only its file names are used. */
const FEDERATED_BASE = "https://cellwire.invalid/labextensions/";
const ASSET_TYPES = /** @type {Record<string, string>} */ ({
  png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", svg: "image/svg+xml",
  webp: "image/webp", woff: "font/woff", woff2: "font/woff2", ttf: "font/ttf", otf: "font/otf",
  eot: "application/vnd.ms-fontobject", wasm: "application/wasm", css: "text/css",
});

/**
 * webpack's share scope (`{[package]: {[version]: {get, from, eager, loaded}}}`) holding `shared`.
 * @param {Record<string, {version: string, module: any}>} shared
 * @returns {Record<string, Record<string, any>>}
 */
function federationScope(shared) {
  /** @type {Record<string, Record<string, any>>} */
  const scope = {};
  for (const [name, { version, module }] of Object.entries(shared)) {
    const exports = { __esModule: true, ...module };
    scope[name] = { [version]: { get: () => Promise.resolve(() => exports), from: "cellwire", eager: false, loaded: 1 } };
  }
  return scope;
}

/**
 * Replace each `publicPath + "name"` a chunk's text builds for one of `urls`' names by that URL.
 * @param {string} source @param {Record<string, string>} urls
 */
function pointAssetsAt(source, urls) {
  return source.replace(/[\w$]+\.p\s*\+\s*(["'])([\w][\w.-]*)\1/g, (whole, _q, name) => (name in urls ? JSON.stringify(urls[name]) : whole));
}

/**
 * The same for a stylesheet's `url(name)` (relative to the stylesheet, which has no URL here).
 * @param {string} source @param {Record<string, string>} urls
 */
function pointCssAssetsAt(source, urls) {
  return source.replace(/url\(\s*(["']?)([\w][\w.-]*)\1\s*\)/g, (whole, _q, name) => (name in urls ? `url(${JSON.stringify(urls[name])})` : whole));
}

/**
 * A fetched chunk's or stylesheet's text (the kernel's answer: `{source, assets: [names]}` and a
 * buffer per asset), each asset it names a blob: URL.
 * @param {any} el @param {{source: string, assets?: string[]}} data @param {DataView[]} buffers
 */
function withAssets(el, data, buffers) {
  /** @type {Record<string, string>} */
  const urls = {};
  (data.assets || []).forEach((name, i) => {
    const type = ASSET_TYPES[name.replace(/^.*\./, "").toLowerCase()] || "application/octet-stream";
    urls[name] = URL.createObjectURL(new Blob([/** @type {BlobPart} */ (/** @type {unknown} */ (buffers[i]))], { type }));
  });
  return el.tagName === "LINK" ? pointCssAssetsAt(data.source, urls) : pointAssetsAt(data.source, urls);
}

/** The file a container asks for, from its URL. @param {string} url */
function federatedFileName(url) {
  return url.replace(/[?#].*$/, "").replace(/^.*\//, "");
}

/**
 * The URL a script or stylesheet element would have the browser fetch, or null: none, or a blob:/data:
 * URL (those load as usual: a bundle's own module shims make them).
 * @param {any} el @returns {string|null}
 */
function fetchedUrl(el) {
  const url = el instanceof HTMLScriptElement ? el.getAttribute("src")
    : el instanceof HTMLLinkElement && /stylesheet/i.test(el.rel) ? el.getAttribute("href") : null;
  return url && !/^(blob|data):/i.test(url) ? url : null;
}

/**
 * A `document` for a bundle's own code (a container's script, an nbextension's AMD bundle): a script
 * or stylesheet element it adds to the head or body is loaded by `load(element)` instead of the
 * network; everything else is the page's document. Script and link elements already in the page are
 * not shown to it (webpack would wait on the page's own script of the same chunk name).
 * @param {(el: any) => void} load
 */
function privateDocument(load) {
  /** @param {any} parent */
  const routed = (parent) => new Proxy(parent, {
    get(target, prop) {
      if (prop === "appendChild" || prop === "insertBefore") {
        return (/** @type {any} */ el, /** @type {any} */ before) => (fetchedUrl(el) ? (load(el), el) : target[prop](el, before));
      }
      if (prop === "append") return (/** @type {any[]} */ ...els) => els.forEach((el) => (fetchedUrl(el) ? load(el) : target.append(el)));
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return new Proxy(document, {
    get(target, prop) {
      if (prop === "head" || prop === "body") return target[prop] && routed(target[prop]);
      if (prop === "getElementsByTagName") {
        return (/** @type {string} */ tag) => (/^(script|link)$/i.test(tag) ? [] : target.getElementsByTagName(tag));
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Run a fetched chunk in the page (a script element's text), or add it as a style (a stylesheet's),
 * then call the element's `onload` as the browser would.
 * @param {any} el @param {string} source @param {string} sourceUrl where devtools show it
 */
function runFetched(el, source, sourceUrl) {
  if (el.tagName === "LINK") {
    const style = document.createElement("style");
    style.dataset.cellwireSource = sourceUrl;
    style.textContent = source;
    document.head.appendChild(style);
  } else {
    // eslint-disable-next-line no-new-func
    new Function(`${source}\n//# sourceURL=${sourceUrl}`)();
  }
  el.onload?.({ type: "load", target: el });
}

/**
 * The JupyterLab application a plugin is activated with: nothing but the document registry's
 * `addWidgetExtension`, which is skipped (it extends the host's notebook panels, such as
 * jupyter_bokeh's renderers for its own output MIME types; a widget output has no panel to extend,
 * and the host renders those outputs or not as it would without cellwire). Anything else is an
 * error naming the member.
 * @param {string} pkg
 */
function applicationOf(pkg) {
  /** @param {string} path @returns {any} */
  const refusing = (path) => new Proxy({}, {
    get(_, prop) {
      if (prop === "then") return undefined;
      if (path === "app" && prop === "docRegistry") return refusing("app.docRegistry");
      if (path === "app.docRegistry" && prop === "addWidgetExtension") {
        return (/** @type {string} */ widget) => {
          console.debug(`cellwire: '${pkg}' extends JupyterLab's ${widget} panels; skipped (a widget output has none)`);
          return { isDisposed: false, dispose() { this.isDisposed = true; } };
        };
      }
      throw new Error(`it uses JupyterLab's application (${path}.${String(prop)}), which cellwire does not provide`);
    },
  });
  return refusing("app");
}

/** An error naming the labextension and the step that failed.
 * @param {string} pkg @param {string} step @param {unknown} err */
function federatedError(pkg, step, err) {
  const reason = err instanceof Error ? err.message : String(err);
  const missing = /Shared module (\S+) doesn't exist in shared scope/.exec(reason);
  const hint = missing
    ? `: it needs the package ${missing[1]}, which JupyterLab provides and cellwire does not (use it in JupyterLab with its extension installed in the server's environment)`
    : `: ${reason}`;
  return new Error(`the JupyterLab extension of '${pkg}' (labextensions/${pkg} in the kernel's environment) failed ${step}${hint}`);
}

/**
 * Labextensions of one kernel's environment on this page: one container per package, initialised
 * once with one share scope; the widget modules their plugins registered.
 */
class Federation {
  /**
   * @param {Record<string, {version: string, module: any}>} shared what the manager provides
   * @param {(name: string, file?: string) => Promise<{data: any, buffers: DataView[]}>} fetch the
   *   kernel's `module` op: a package's entry, or one of its files
   */
  constructor(shared, fetch) {
    this.scope = federationScope(shared);
    this.fetch = fetch;
    /** @type {Map<string, Promise<any>>} package -> its initialised container */
    this.containers = new Map();
    /** @type {Map<string, {name: string, version: string, exports: any, package: string}>} */
    this.registered = new Map();
    /** @type {Map<string, Error>} file URL -> why it failed (webpack only says "Loading chunk failed") */
    this.failedFiles = new Map();
    /** @type {Map<string, Error>} package -> why its modules failed to run: webpack keeps a module
     * that threw half-made, so running it again fails with nonsense ("Cannot access 'o' before
     * initialization"); it fails the same way instead */
    this.broken = new Map();
  }

  /**
   * The exports of widget module `name`, from the labextension `entry` (the kernel's answer to
   * `module`) or one already activated.
   * @param {string} name @param {any} entry
   */
  async widgetModule(name, entry) {
    if (!this.registered.has(name)) {
      const pkg = entry.package;
      const broken = this.broken.get(pkg);
      if (broken) throw broken;
      const container = await this.container(pkg, entry);
      try {
        for (const module of [entry.style, entry.extension].filter(Boolean)) {
          /** @type {any} */
          let exported;
          try {
            exported = (await container.get(module))();
          } catch (err) {
            throw federatedError(pkg, `while loading its module ${module}`, this.failedFiles.get(/** @type {any} */ (err)?.request) || err);
          }
          if (module === entry.extension) await this.activate(pkg, exported);
        }
      } catch (err) {
        this.broken.set(pkg, /** @type {Error} */ (err));
        throw err;
      }
    }
    const registered = this.registered.get(name);
    if (!registered) {
      const names = [...this.registered.values()].filter((r) => r.package === entry.package).map((r) => `'${r.name}'`);
      throw new Error(`the JupyterLab extension of '${entry.package}' registered ${names.join(", ") || "no widget module"}, not '${name}'`);
    }
    try {
      return typeof registered.exports === "function" ? await registered.exports() : registered.exports;
    } catch (err) {
      throw federatedError(registered.package, `while loading widget module '${name}'`, err);
    }
  }

  /**
   * Package `pkg`'s container, evaluated and initialised with the share scope (after the
   * labextensions providing the shared packages it needs and we lack).
   * @param {string} pkg @param {any} [entry]
   */
  container(pkg, entry) {
    let loading = this.containers.get(pkg);
    if (!loading) {
      loading = (async () => {
        const info = entry || (await this.fetch(pkg)).data;
        if (info.error) throw new Error(info.error);
        if (info.format !== "federated") throw new Error(`'${pkg}' is not a JupyterLab extension`);
        for (const need of info.needs || []) {
          if (this.scope[need]) continue;
          await this.container(need).catch((err) => console.debug(`cellwire: no provider of ${need} for ${pkg}`, err));
        }
        /** @type {any} */
        let container;
        try {
          container = this.evaluate(pkg, info.file, info.entry);
        } catch (err) {
          throw federatedError(pkg, "while loading its container", err);
        }
        try {
          await container.init(this.scope);
        } catch (err) {
          throw federatedError(pkg, "in init (the share scope)", err);
        }
        return container;
      })();
      this.containers.set(pkg, loading);
      loading.catch(() => this.containers.delete(pkg));
    }
    return loading;
  }

  /**
   * Run a container's script (webpack's `var _JUPYTERLAB` library) with the private document, its
   * publicPath pointing at the package's (made-up) static folder.
   * @param {string} pkg @param {string} file @param {string} source
   */
  evaluate(pkg, file, source) {
    const base = `${FEDERATED_BASE}${pkg}/static/`;
    const script = { tagName: "SCRIPT", src: base + file };
    const privateDoc = privateDocument((el) => this.loadFile(pkg, el));
    // webpack's automatic publicPath reads `document.currentScript` of the global document.
    Object.defineProperty(document, "currentScript", { configurable: true, get: () => script });
    /** @type {any} */
    let containers;
    try {
      // eslint-disable-next-line no-new-func
      containers = new Function("document", `${source}\n;return typeof _JUPYTERLAB === "undefined" ? undefined : _JUPYTERLAB;\n//# sourceURL=cellwire-labextension/${pkg}/${file}`)(privateDoc);
    } finally {
      delete (/** @type {any} */ (document)).currentScript;
    }
    const container = containers && (containers[pkg] || Object.values(containers)[0]);
    if (!container || typeof container.init !== "function" || typeof container.get !== "function") {
      throw new Error("its script defines no module-federation container (_JUPYTERLAB)");
    }
    return container;
  }

  /**
   * A script or stylesheet element the container added: the file from the kernel, evaluated (or
   * added as a style), then the element's onload/onerror as the browser would call them.
   * @param {string} pkg @param {any} el
   */
  async loadFile(pkg, el) {
    const url = el.src || el.href;
    const name = federatedFileName(url);
    try {
      const { data, buffers } = await this.fetch(pkg, name);
      if (data.error) throw new Error(data.error);
      runFetched(el, withAssets(el, data, buffers), `cellwire-labextension/${pkg}/${name}`);
    } catch (err) {
      this.failedFiles.set(url, err instanceof Error ? err : new Error(String(err)));
      el.onerror?.({ type: "error", target: el });
    }
  }

  /**
   * Activate the plugins of `pkg`'s extension module that use the widget registry, recording what
   * they register. A plugin that requires another JupyterLab service cannot run here: say which.
   * @param {string} pkg @param {any} exported
   */
  async activate(pkg, exported) {
    // An ES module's default export, or a CommonJS module's exports: a plugin or a list of them.
    const fallback = exported && exported.default;
    const value = fallback && (Array.isArray(fallback) || typeof fallback.activate === "function") ? fallback : exported;
    const plugins = (Array.isArray(value) ? value : [value]).filter((p) => p && typeof p.activate === "function");
    const registry = {
      /** @param {any} data */
      registerWidget: (data) => this.registered.set(data.name, { ...data, package: pkg }),
    };
    const isRegistry = (/** @type {any} */ token) => token && token.name === WIDGET_REGISTRY_TOKEN;
    const app = applicationOf(pkg);
    for (const plugin of plugins) {
      const requires = plugin.requires || [];
      const optional = plugin.optional || [];
      if (![...requires, ...optional].some(isRegistry)) continue;
      const missing = requires.filter((/** @type {any} */ t) => !isRegistry(t)).map((/** @type {any} */ t) => (t && t.name) || String(t));
      if (missing.length) {
        throw new Error(`the JupyterLab extension of '${pkg}' (plugin ${plugin.id}) needs the JupyterLab service ` +
          `${missing.join(", ")}, which cellwire cannot provide: use it in JupyterLab with its extension installed in the server's environment`);
      }
      try {
        await plugin.activate(app, ...requires.map(() => registry), ...optional.map((/** @type {any} */ t) => (isRegistry(t) ? registry : null)));
      } catch (err) {
        throw federatedError(pkg, `while activating its plugin ${plugin.id}`, err);
      }
    }
  }
}
