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
