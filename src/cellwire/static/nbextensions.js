// @ts-check
// nbextensions as the classic notebook ran them: each enabled package's `extension.js` configures
// requirejs (`map`/`paths`: a sibling module such as pythreejs' `three`, or the folder of a widget
// module spelled otherwise such as `@bokeh/jupyter_bokeh`), and every module has a `module.uri`
// under `nbextensions/<folder>/`. Here `extension.js` runs with a `require.config` that only records
// the configuration: anything else it touches is an error naming the package. Prepended to
// ipywidgets-view.js (a view module imports nothing).

/** The made-up origin of nbextension modules' `module.uri` (the page has no URL for the kernel's files). */
const NBEXTENSIONS_BASE = "https://cellwire.invalid/nbextensions/";
/** What an `extension.js` may use besides requirejs' configuration: the language's own objects. */
const CONFIG_GLOBALS = new Set(["Object", "Array", "Symbol", "JSON", "Math", "String", "Number", "Boolean",
  "Error", "TypeError", "undefined", "NaN", "Infinity", "console"]);

/**
 * The requirejs configurations package `pkg`'s `extension.js` makes (`require.config(...)`), run
 * with nothing else: a page's own requirejs, the DOM and the network are out of its reach.
 * @param {string} pkg @param {string} source @returns {any[]}
 */
function requireConfigOf(pkg, source) {
  const where = `the nbextension '${pkg}' (nbextensions/${pkg}/extension.js in the kernel's environment)`;
  /** @param {string} what @returns {never} */
  const refuse = (what) => {
    throw new Error(`${where} does something other than configure requirejs (it uses ${what}), which cellwire does not ` +
      `run: its widgets need the classic notebook, or JupyterLab with the package's extension installed in the server's environment`);
  };
  /** @type {any[]} */
  const configs = [];
  const requirejs = Object.assign(() => refuse("require([...]) to load modules"), {
    config: (/** @type {any} */ config) => { if (config && typeof config === "object") configs.push(config); },
  });
  const fakeWindow = new Proxy({}, {
    set: (_, prop) => refuse(`window.${String(prop)}`),
    get: (_, prop) => (prop === "require" || prop === "requirejs" ? requirejs : prop === "document" ? fakeDocument
      : typeof prop === "symbol" ? undefined : refuse(`window.${prop}`)),
  });
  // The widget cookiecutter's extension.js sets webpack's publicPath from the notebook's base URL
  // (`document.querySelector("body").getAttribute("data-base-url") + "nbextensions/<pkg>"`).
  const body = { getAttribute: (/** @type {string} */ name) => (name === "data-base-url" ? NBEXTENSIONS_BASE.replace(/nbextensions\/$/, "") : null) };
  const fakeDocument = new Proxy({}, {
    set: (_, prop) => refuse(`document.${String(prop)}`),
    get: (_, prop) => (prop === "querySelector" ? (/** @type {string} */ sel) => (sel === "body" ? body : refuse(`document.querySelector("${sel}")`))
      : prop === "body" ? body : typeof prop === "symbol" ? undefined : refuse(`document.${prop}`)),
  });
  /** @type {{deps: string[], factory: any}[]} */
  const defined = [];
  const define = (/** @type {any[]} */ ...args) => {
    if (typeof args[0] === "string") args.shift();
    defined.push({ deps: Array.isArray(args[0]) ? args.shift() : [], factory: args[0] });
  };
  define.amd = {};
  /** @type {Record<string, any>} */
  const names = { define, require: requirejs, requirejs, document: fakeDocument, window: fakeWindow, self: fakeWindow, globalThis: fakeWindow };
  /** @type {Record<string, any>} the script's own top-level variables (which resolve through `scope` too) */
  const own = {};
  const scope = new Proxy({}, {
    has: (_, prop) => typeof prop === "string",
    set: (_, prop, value) => { own[String(prop)] = value; return true; },
    get: (_, prop) => {
      if (typeof prop !== "string") return undefined;
      if (prop in own) return own[prop];
      if (prop in names) return names[prop];
      if (CONFIG_GLOBALS.has(prop)) return /** @type {any} */ (globalThis)[prop];
      return refuse(`'${prop}'`);
    },
  });
  try {
    // eslint-disable-next-line no-new-func
    new Function("scope", `with (scope) {\n${source}\n}\n//# sourceURL=cellwire-nbextension/${pkg}/extension.js`)(scope);
    for (const { deps, factory } of defined) {
      const args = deps.map((dep) => (dep === "require" ? requirejs : dep === "exports" ? {} : dep === "module"
        ? { id: `${pkg}/extension`, uri: `${NBEXTENSIONS_BASE}${pkg}/extension.js`, exports: {} } : refuse(`the module '${dep}'`)));
      if (typeof factory === "function") factory(...args);
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(reason.startsWith(where) ? reason : `${where} failed while configuring requirejs: ${reason}`);
  }
  return configs;
}

/**
 * The longest key of `table` that is `name` or a `/`-prefix of it, replaced by its value (requirejs'
 * rule for `map` and `paths`).
 * @param {string} name @param {Record<string, string>} table
 */
function replacePrefix(name, table) {
  const key = Object.keys(table).filter((k) => name === k || name.startsWith(`${k}/`)).sort((a, b) => b.length - a.length)[0];
  return key === undefined ? name : table[key] + name.slice(key.length);
}

/**
 * Module names resolved as the classic notebook's requirejs resolved them, through the
 * configurations of the kernel's enabled nbextensions.
 */
class RequireConfig {
  constructor() {
    /** @type {Record<string, string>} `map["*"]` */
    this.map = {};
    /** @type {Record<string, string>} */
    this.paths = {};
    /** @type {Map<string, Error>} package -> why its extension.js was not used */
    this.failed = new Map();
  }

  /** @param {Record<string, string>} sources `extension.js` by nbextension folder */
  static from(sources) {
    const config = new RequireConfig();
    for (const [pkg, source] of Object.entries(sources)) {
      try {
        for (const c of requireConfigOf(pkg, source)) {
          Object.assign(config.map, (c.map && c.map["*"]) || {});
          Object.assign(config.paths, c.paths || {});
        }
      } catch (err) {
        config.failed.set(pkg, err instanceof Error ? err : new Error(String(err)));
      }
    }
    return config;
  }

  /**
   * The nbextension file module `name` is, by `map` then `paths` (`nbextensions/<folder>/<path>`),
   * or null when the configuration does not place it.
   * @param {string} name @returns {{folder: string, file: string} | null}
   */
  resolve(name) {
    const target = replacePrefix(replacePrefix(name, this.map), this.paths);
    const found = /^(?:\.\.\/|\/)?nbextensions\/((?:@[\w.-]+\/)?[\w.-]+)\/(.+?)(\.js)?$/.exec(target);
    return found ? { folder: found[1], file: `${found[2]}.js` } : null;
  }

  /** Why the `extension.js` of the package that is module `name`'s folder was not used, if it was not.
   * @param {string} name */
  failure(name) {
    return this.failed.get(name) || this.failed.get(name.split("/")[0]) || null;
  }
}

/** A module file's `module.uri`. @param {string} folder @param {string} file */
function nbextensionUri(folder, file) {
  return `${NBEXTENSIONS_BASE}${folder}/${file}`;
}

/**
 * Does an nbextension's bundle load webpack chunks by URL (webpack's JSONP chunk loader is in it)?
 * Only such a bundle gets the private `document` (federation.js): a proxy is not a `Node`, and a
 * bundle that hands `document` to the DOM (`MutationObserver.observe(document)`) would break on it.
 * @param {string} source
 */
function loadsChunksByUrl(source) {
  return source.includes("ChunkLoadError");
}

/**
 * The nbextension file a bundle's chunk URL names: `…nbextensions/<folder>/<file>`, whatever comes
 * before (cellwire's made-up `module.uri`, or the page's URL when the bundle builds its publicPath
 * from the classic notebook's `data-base-url`, which JupyterLab's page does not have).
 * @param {string} url @returns {{folder: string, file: string} | null}
 */
function nbextensionFileOf(url) {
  const found = /nbextensions\/((?:@[\w.-]+\/)?[\w.-]+)\/([\w][\w.-]*(?:\/[\w][\w.-]*)*\.(?:js|css))(?:[?#].*)?$/.exec(url);
  return found ? { folder: found[1], file: found[2] } : null;
}

/**
 * A script or stylesheet element an nbextension's bundle added (webpack loading a chunk by URL, see
 * `privateDocument`): the file from the kernel's nbextension folder, run, then its onload; or its
 * onerror, `report` told why (webpack's own error only says the chunk failed).
 * @param {any} el
 * @param {(folder: string, file: string) => Promise<{data: any, buffers: DataView[]}>} fetch the `module` op
 * @param {(message: string) => void} report
 */
async function loadNbextensionChunk(el, fetch, report) {
  const url = fetchedUrl(el) || "";
  const placed = nbextensionFileOf(url);
  try {
    if (!placed) throw new Error("that is not a file of an nbextension, and the page has no network for widget code");
    const { data, buffers } = await fetch(placed.folder, placed.file);
    if (data.error) throw new Error(data.error);
    runFetched(el, withAssets(el, data, buffers), `cellwire-nbextension/${placed.folder}/${placed.file}`);
  } catch (err) {
    report(`a widget front-end's bundle asked for ${url}${placed ? ` (nbextensions/${placed.folder}/${placed.file} in the kernel's environment)` : ""}, ` +
      `which did not load: ${err instanceof Error ? err.message : String(err)}`);
    el.onerror?.({ type: "error", target: el });
  }
}
