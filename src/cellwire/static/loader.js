// @ts-check
// cellwire loader: inlined into every cellwire output as a classic <script>. It locates the output's
// element, then hands it to the page's runtime, first loading that runtime from the kernel when the
// page has none (or an older one). Credentials are read from the page here, at run time: nothing
// secret is ever part of an output. Kept small and dependency-free; the runtime does the rest.
// Its JSDoc types are for the checker only: transport/assets.py drops every comment before inlining it.
(function (spec, script) {
  "use strict";
  var BOOT_API = 2;
  var g = globalThis;
  var existing = own("__cellwire_boot");
  if (!existing || !(existing.api >= BOOT_API)) existing = g.__cellwire_boot = makeBoot();
  existing.mount(spec, script);

  // A global of cellwire's is an own property of the global object: an element with that id (which
  // an output or a Markdown cell can place) is `window.<id>` too, through the prototype chain.
  /** @param {string} name */
  function own(name) {
    return Object.prototype.hasOwnProperty.call(g, name) ? /** @type {any} */ (g)[name] : undefined;
  }

  /**
   * A kernel message as this loader sends and reads it (legacy JSON frames).
   * @typedef {{channel?: string, header: Record<string, any>, parent_header: Record<string, any>,
   *   metadata: Record<string, any>, content: any, buffers: never[]}} LoaderMessage
   */
  /** @typedef {(channel: string, msgType: string, content: unknown, subshell?: string | null) => string} Send */
  /**
   * The runtime as the kernel sends it (and Cache Storage keeps it, without `vendor`).
   * @typedef {{op: "runtime", hash?: string, entry: string, modules: Array<{name: string, source: string}>,
   *   vendor?: VendorBundle[]}} RuntimePayload
   */

  /** @returns {CellwireBoot} */
  function makeBoot() {
    /** @type {Record<string, Promise<Runtime>>} version -> the runtime it loads */
    var runtimeLoads = {};

    // Where the server is and how to authenticate. Only what the server wrote counts: its
    // <script type="application/json" id="jupyter-config-data"> (JupyterLab, Notebook 7, Voilà; the
    // first in the document, before any output), else the body's data attributes (nbclassic, which
    // has no such script). A <div> with that id, which a Markdown cell or an output can place, is
    // not it. The base URL must be on this page's origin (requests carry the token and the XSRF
    // cookie's value); a WebSocket host other than the page's is followed only when the server's
    // own config names it (a script in <head> or directly in <body>, or nbclassic's data-ws-url).
    function pageConfig() {
      var node = configScript();
      /** @type {{baseUrl?: unknown, wsUrl?: unknown, token?: unknown}} */
      var cfg = {};
      if (node) {
        try { cfg = JSON.parse(node.textContent || "{}") || {}; } catch (e) { cfg = {}; }
      }
      var serversOwn = !!node && (node.parentNode === document.head || node.parentNode === document.body);
      var body = document.body ? document.body.dataset : {};
      var baseUrl = onThisOrigin(cfg.baseUrl) || onThisOrigin(decoded(body.baseUrl)) || "/";
      var wsUrl = webSocketBase(cfg.wsUrl, serversOwn, "") || webSocketBase(decoded(body.wsUrl), true, baseUrl) ||
        (location.protocol === "https:" ? "wss://" : "ws://") + location.host + baseUrl;
      return { baseUrl: baseUrl, wsUrl: wsUrl, token: typeof cfg.token === "string" ? cfg.token : "" };
    }

    function configScript() { return document.querySelector('script[type="application/json"]#jupyter-config-data'); }

    /** @param {string | undefined} value  a body data attribute (nbclassic URL-encodes them) */
    function decoded(value) {
      try { return value ? decodeURIComponent(value) : ""; } catch (e) { return ""; }
    }

    /**
     * The path of `url` (ending in "/") if it is on this page's origin, else "".
     * @param {unknown} url
     */
    function onThisOrigin(url) {
      if (typeof url !== "string" || !url) return "";
      try {
        var u = new URL(url, location.href);
        if (u.origin !== location.origin) return "";
        return u.pathname.charAt(u.pathname.length - 1) === "/" ? u.pathname : u.pathname + "/";
      } catch (e) { return ""; }
    }

    /**
     * `url` as the base of kernel socket URLs (ending in "/"), or "" if it is not a ws(s) URL, or
     * names another host than the page's where `anyHost` is false. `path`: nbclassic's data-ws-url
     * is an origin, to which its sockets add the base URL (JupyterLab's wsUrl is used as it is).
     * @param {unknown} url
     * @param {boolean} anyHost
     * @param {string} path
     */
    function webSocketBase(url, anyHost, path) {
      if (typeof url !== "string" || !url) return "";
      try {
        var u = path ? new URL(path, url) : new URL(url);
        if (u.protocol !== "ws:" && u.protocol !== "wss:") return "";
        if (!anyHost && u.host !== location.host) return "";
        return u.href.charAt(u.href.length - 1) === "/" ? u.href : u.href + "/";
      } catch (e) { return ""; }
    }

    /** @param {string} path  relative to the base URL: always this page's origin (pageConfig) */
    function api(path) {
      var cfg = pageConfig();
      /** @type {Record<string, string>} */
      var headers = {};
      if (cfg.token) headers.Authorization = "token " + cfg.token;
      return fetch(cfg.baseUrl + path, { headers: headers, credentials: "same-origin" });
    }

    // A kernel's channels URL. The token goes into it only for a socket on another host than the
    // page's (JupyterLab's rule): the page's own host has the login cookie, and a URL ends up in
    // proxy logs and in the browser's message about a failed socket.
    /**
     * @param {string} kernelId
     * @param {string} session
     */
    function channelsUrl(kernelId, session) {
      var cfg = pageConfig();
      var url = cfg.wsUrl + "api/kernels/" + encodeURIComponent(kernelId) + "/channels?session_id=" + session;
      if (cfg.token && new URL(cfg.wsUrl).hostname !== location.hostname) url += "&token=" + encodeURIComponent(cfg.token);
      return url;
    }

    // Start-up steps, once per page each (`cellwire:start:<step>`): where a first output's time goes.
    /** @type {Record<string, boolean>} */
    var marked = {};
    /** @param {string} step */
    function mark(step) {
      if (marked[step] || !g.performance || !performance.mark) return;
      marked[step] = true;
      performance.mark("cellwire:start:" + step);
    }

    function uuid() {
      return g.crypto && crypto.randomUUID ? crypto.randomUUID()
        : Date.now().toString(16) + Math.random().toString(16).slice(2);
    }

    // What the kernel sends once per browser (the runtime, vendored bundles) is kept in Cache Storage
    // under its content hash, one entry per kind and base URL. Cache Storage is shared by the whole
    // origin (every user server of a JupyterHub without subdomains): an entry is run only if its
    // SHA-256 is the hash the output names. Without crypto.subtle (or Cache Storage: an insecure
    // context, a private window) nothing is cached.
    var CACHE = "cellwire";
    /** @param {string} kind @param {string} hash */
    function cacheKey(kind, hash) {
      return new URL(pageConfig().baseUrl + "__cellwire__/" + kind + "/" + hash, location.origin).href;
    }
    function canCache() { return !!(g.caches && g.crypto && crypto.subtle); }

    // An entry is kept as the text transport/assets.py hashes: the runtime's entry name, then each
    // module's name and source; a bundle's js and css; joined by NUL. So the bytes read are the
    // bytes hashed, with no JSON to parse first.
    /**
     * @param {string} kind
     * @param {any} body  a runtime payload, or a bundle ({js, css})
     * @returns {string[]}
     */
    function contentParts(kind, body) {
      if (kind !== "runtime") return [body.js, body.css];
      var parts = [body.entry];
      body.modules.forEach(function (/** @type {{name: string, source: string}} */ m) { parts.push(m.name, m.source); });
      return parts;
    }

    /**
     * The inverse of contentParts, or null when the parts have not that shape.
     * @param {string} kind
     * @param {string[]} parts
     * @param {string} hash
     * @returns {any}
     */
    function fromParts(kind, parts, hash) {
      if (kind !== "runtime") return parts.length === 2 ? { js: parts[0], css: parts[1], hash: hash } : null;
      if (parts.length < 3 || parts.length % 2 === 0) return null;
      var modules = [];
      for (var i = 1; i < parts.length; i += 2) modules.push({ name: parts[i], source: parts[i + 1] });
      return { op: "runtime", entry: parts[0], modules: modules, hash: hash };
    }

    /**
     * @param {string} kind
     * @param {string | undefined} hash
     * @returns {Promise<any>} what was stored under `hash` if its SHA-256 is `hash`, else null
     */
    function cached(kind, hash) {
      if (!hash || !canCache()) return Promise.resolve(null);
      var key = cacheKey(kind, hash);
      // One read per entry at a time: the loader starts the bundles' reads at mount, with the
      // runtime's, and the runtime's own read of a bundle then gets the same answer.
      if (!reads[key]) {
        reads[key] = readCached(kind, hash, key);
        var forget = function () { delete reads[key]; };
        // (a hit is kept a while for the runtime to pick up; a miss is asked again after a store)
        reads[key].then(function (body) { if (body) setTimeout(forget, 10000); else forget(); }, forget);
      }
      return reads[key];
    }
    /** @type {Record<string, Promise<any>>} cache key -> its read under way */
    var reads = {};

    /**
     * @param {string} kind
     * @param {string} hash
     * @param {string} key
     * @returns {Promise<any>}
     */
    function readCached(kind, hash, key) {
      // (as few steps as there can be: after a reload each waits for JupyterLab's busy main thread)
      return caches.match(key, { cacheName: CACHE }).then(function (hit) { return hit ? hit.arrayBuffer() : null; }).then(function (bytes) {
        if (!bytes) return null;
        return crypto.subtle.digest("SHA-256", bytes).then(function (digest) {
          var actual = Array.from(new Uint8Array(digest), function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
          var body = actual === hash ? fromParts(kind, new TextDecoder().decode(bytes).split("\0"), hash) : null;
          if (body) return body;
          console.warn("cellwire: the browser's cached " + kind + " " + hash + " is not what that hash names: " +
                       "discarded (it is fetched from the kernel again)");
          return caches.open(CACHE).then(function (cache) { return cache.delete(key); }).then(function () { return null; });
        });
      }).catch(function () { return null; });
    }

    /**
     * Keep `body` under `hash`, dropping what was stored for other hashes of that kind.
     * @param {string} kind
     * @param {string} hash
     * @param {unknown} body
     * @returns {Promise<void>}
     */
    function store(kind, hash, body) {
      if (!canCache()) return Promise.resolve();
      var key = cacheKey(kind, hash);
      return caches.open(CACHE).then(function (cache) {
        return cache.keys().then(function (requests) {
          var stale = requests.filter(function (r) { return r.url !== key && r.url.indexOf(cacheKey(kind, "")) === 0; });
          return Promise.all(stale.map(function (r) { return cache.delete(r); }));
        }).then(function () {
          var text = contentParts(kind, body).join("\0");
          return cache.put(key, new Response(text, { headers: { "Content-Type": "text/plain; charset=utf-8" } }));
        });
      }).catch(function (err) { console.debug("cellwire: could not cache", kind, err); });
    }

    // `subshell`: the kernel's cellwire subshell (from the spec), so a busy kernel still answers.
    /**
     * @param {string} session
     * @param {string} msgType
     * @param {unknown} content
     * @param {string | null} [subshell]
     * @returns {LoaderMessage}
     */
    function kernelMessage(session, msgType, content, subshell) {
      /** @type {Record<string, string>} */
      var header = { msg_id: uuid(), username: "", session: session, msg_type: msgType,
                     version: "5.3", date: new Date().toISOString() };
      if (subshell) header.subshell_id = subshell;
      return { header: header, parent_header: {}, metadata: {}, content: content, buffers: [] };
    }

    // A short-lived socket in the legacy JSON format (no framing code needed here), used only to
    // probe kernels and fetch the runtime. `onMessage(msg, send)` returns the result when done
    // (undefined: go on; an Error: fail).
    /**
     * @template T
     * @param {string} kernelId
     * @param {number} timeoutMs
     * @param {(send: Send) => void} start
     * @param {(msg: LoaderMessage, send: Send) => T | Error | undefined} onMessage
     * @returns {Promise<T>}
     */
    function withSocket(kernelId, timeoutMs, start, onMessage) {
      return new Promise(function (resolve, reject) {
        var session = uuid();
        var opened = false;
        var ws = new WebSocket(channelsUrl(kernelId, session));
        var where = pageConfig().wsUrl + "api/kernels/" + kernelId + "/channels";
        var timer = setTimeout(function () {
          finish(new Error("kernel " + kernelId + " did not answer in " + timeoutMs / 1000 + " s through " + where +
                           " (a proxy or gateway that drops kernel messages?): reload the page to try again"));
        }, timeoutMs);
        /**
         * @param {Error | null} err
         * @param {T} [value]
         */
        function finish(err, value) {
          clearTimeout(timer);
          // (closing at once would make the server drop a comm_close just sent)
          setTimeout(function () { try { ws.close(); } catch (e) { /* already closed */ } }, 500);
          // (never opened: the server refused it, e.g. 404 for a kernel it does not have)
          if (err && !opened) /** @type {any} */ (err).unopened = true;
          if (err) reject(err); else resolve(/** @type {T} */ (value));
        }
        /** @type {Send} */
        function send(channel, msgType, content, subshell) {
          var msg = kernelMessage(session, msgType, content, subshell);
          msg.channel = channel;
          ws.send(JSON.stringify(msg));
          return msg.header.msg_id;
        }
        ws.onopen = function () { opened = true; mark("loader-socket"); start(send); };
        ws.onerror = function () {
          finish(new Error("could not open the kernel's WebSocket at " + where + ": the server is down, or a proxy " +
                           "in front of it does not pass WebSockets (it must forward the Upgrade and Connection " +
                           "headers). Reload the page to try again"));
        };
        ws.onclose = function () { finish(new Error("socket to kernel " + kernelId + " closed")); };
        ws.onmessage = function (event) {
          if (typeof event.data !== "string") return;
          /** @type {LoaderMessage} */
          var msg;
          try { msg = JSON.parse(event.data); } catch (e) { return; }
          var result = onMessage(msg, send);
          if (result instanceof Error) finish(result);
          else if (result !== undefined) finish(null, result);
        };
      });
    }

    // Does kernel `id` hold the beacon of kernel process `instance`? (comm_info_request has no
    // side effects, unlike opening a comm on a kernel that lacks the target.)
    /**
     * @param {string} id
     * @param {string} instance
     * @param {number} timeoutMs
     * @returns {Promise<boolean>}
     */
    function probe(id, instance, timeoutMs) {
      // The prefix is constants.js's BEACON_PREFIX (a classic script cannot import it).
      var want = "cellwire-beacon-" + instance;
      /** @type {string} */
      var request;
      return withSocket(id, timeoutMs, function (send) {
        request = send("shell", "comm_info_request", { target_name: "cellwire" });
      }, function (msg) {
        if (msg.header.msg_type === "comm_info_reply" && msg.parent_header.msg_id === request) {
          return !!(msg.content.comms && msg.content.comms[want]);
        }
      }).catch(function () { return false; });
    }

    // The id of the running kernel that made this output, checked over REST; otherwise every
    // kernel of the server is probed for the beacon. (Asked only when a socket to the id the output
    // names would not open, or the output names none: the socket's handshake is the check.)
    /**
     * @param {OutputSpec} spec
     * @returns {Promise<string>}
     */
    function findKernel(spec) {
      if (!spec.kernel_id) return searchKernels(spec);
      var known = spec.kernel_id;
      // (asked once for a page's first outputs: the loader and the runtime's first link both ask)
      var check = checks[known];
      if (!check) {
        check = checks[known] = api("api/kernels/" + known).then(function (r) {
          if (r.ok) return true;
          if (r.status === 403) throw new Error("the server refused access to its kernels (403): log in again");
          return false;
        });
        var forget = function () { setTimeout(function () { delete checks[known]; }, 2000); };
        check.then(forget, forget);
      }
      return check.then(function (exists) { return exists ? known : searchKernels(spec); });
    }
    /** @type {Record<string, Promise<boolean>>} kernel id -> does the server have it (a recent answer) */
    var checks = {};

    // One search per kernel process at a time, however many of its outputs ask.
    /** @type {Record<string, Promise<string>>} instance -> its search */
    var searches = {};
    /**
     * @param {OutputSpec} spec
     * @returns {Promise<string>}
     */
    function searchKernels(spec) {
      if (!searches[spec.instance]) {
        searches[spec.instance] = doSearch(spec);
        searches[spec.instance].then(forget, forget);
      }
      function forget() { setTimeout(function () { delete searches[spec.instance]; }, 5000); }
      return searches[spec.instance];
    }

    /**
     * @param {OutputSpec} spec
     * @returns {Promise<string>}
     */
    function doSearch(spec) {
      return api("api/kernels").then(function (r) {
        if (!r.ok) throw new Error("could not list kernels (HTTP " + r.status + ")");
        return r.json();
      }).then(function (/** @type {Array<{id: string}>} */ kernels) {
        // nbclassic says which kernel its notebook runs: that one is probed first.
        var jupyter = /** @type {{Jupyter?: {notebook?: {kernel?: {id?: string}}}}} */ (g).Jupyter;
        var hint = jupyter && jupyter.notebook && jupyter.notebook.kernel && jupyter.notebook.kernel.id;
        var ids = kernels.map(function (k) { return k.id; });
        ids.sort(function (a, b) { return Number(b === hint) - Number(a === hint); });
        return Promise.all(ids.map(function (id) { return probe(id, spec.instance, 15000); }))
          .then(function (found) {
            var i = found.indexOf(true);
            if (i < 0) throw Object.assign(new Error("the kernel that made this output is not running: run the cell again"), { code: "no-kernel" });
            return ids[i];
          });
      });
    }

    /**
     * @param {string} a
     * @param {string} b
     * @returns {number} <0, 0 or >0 as a is older than, as old as or newer than b
     */
    function compareVersions(a, b) {
      var pa = String(a).split(/[.+-]/), pb = String(b).split(/[.+-]/);
      for (var i = 0; i < Math.max(pa.length, pb.length); i++) {
        var x = parseInt(pa[i] || "0", 10), y = parseInt(pb[i] || "0", 10);
        if (isNaN(x) || isNaN(y)) { if ((pa[i] || "") !== (pb[i] || "")) return (pa[i] || "") < (pb[i] || "") ? -1 : 1; }
        else if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    }

    // Fetch the runtime's ES modules from the kernel (with the bundles `spec.preload` names) and
    // start it. The kernel answers the direct way (to this socket alone) when it can; a server or gateway that does not forward
    // that leaves us without an answer, so after 3 s we ask again for iopub.
    /**
     * @param {string} kernelId
     * @param {OutputSpec} spec
     * @returns {Promise<Runtime>}
     */
    function fetchRuntime(kernelId, spec) {
      /** @type {string[]} */
      var comms = [];
      var subshell = spec.subshell;
      /** @type {ReturnType<typeof setTimeout> | undefined} */
      var retry;
      /**
       * @param {Send} send
       * @param {boolean} viaIopub
       */
      function hello(send, viaIopub) {
        var commId = uuid();
        /** @type {Record<string, unknown>} */
        var data = { op: "hello", protocol: spec.protocol, page: uuid(), runtime: "loader", purpose: "runtime", kernel_id: kernelId };
        if (spec.preload && spec.preload.length) data.preload = spec.preload;
        if (viaIopub) data.route = "iopub";
        comms.push(commId);
        send("shell", "comm_open", { comm_id: commId, target_name: "cellwire", data: data }, subshell);
        clearTimeout(retry);
        if (!viaIopub) retry = setTimeout(function () { try { hello(send, true); } catch (e) { /* socket gone */ } }, 3000);
      }
      return withSocket(kernelId, 30000, function (send) { hello(send, false); }, function (msg, send) {
        // The subshell is gone (the kernel restarted since this output was made): use the main shell.
        if (subshell && msg.content && msg.content.ename === "UnknownSubshellError") {
          subshell = null;
          hello(send, false);
          return undefined;
        }
        if (msg.header.msg_type !== "comm_msg" || comms.indexOf(msg.content.comm_id) < 0) return;
        clearTimeout(retry);
        comms.forEach(function (id) { send("shell", "comm_close", { comm_id: id, data: {} }, subshell); });
        var data = msg.content.data || {};
        return data.op === "runtime" ? /** @type {RuntimePayload} */ (data) : new Error(data.message || "the kernel sent no runtime");
      }).then(function (payload) {
        mark("runtime-received");
        var vendor = payload.vendor || [];
        delete payload.vendor;
        if (payload.hash) store("runtime", payload.hash, payload);
        return startRuntime(payload, spec).then(function (runtime) {
          // Bundles sent along (spec.preload): imported while the runtime connects.
          if (runtime.preloadVendor) vendor.forEach(function (body) { runtime.preloadVendor(body); });
          return runtime;
        });
      });
    }

    // The runtime from the kernel the output names, straight over a socket: the handshake answers
    // whether the server has that kernel. Only a socket that would not open costs a REST check
    // (and, for a kernel the server does not have, the search by beacon), whose answer says why.
    /**
     * @param {OutputSpec} spec
     * @returns {Promise<Runtime>}
     */
    function fetchFromKernel(spec) {
      var viaSearch = function () {
        return findKernel(spec).then(function (id) { mark("kernel-found"); return fetchRuntime(id, spec); });
      };
      if (!spec.kernel_id) return viaSearch();
      return fetchRuntime(spec.kernel_id, spec).catch(function (err) {
        if (err && err.unopened) return viaSearch();
        throw err;
      });
    }

    // Import the runtime's modules through blob: URLs, rewriting each `"./name.js"` import to the
    // blob of that module, and make it the page's runtime unless a newer one is there.
    /**
     * @param {RuntimePayload} payload
     * @param {OutputSpec} spec
     * @returns {Promise<Runtime>}
     */
    function startRuntime(payload, spec) {
      /** @type {Record<string, string>} module name -> its blob: URL */
      var urls = {};
      payload.modules.forEach(function (m) {
        var source = m.source.replace(/(["'])\.\/([\w-]+\.js)\1/g, function (/** @type {string} */ all, /** @type {string} */ q, /** @type {string} */ name) {
          return urls[name] ? q + urls[name] + q : all;
        });
        urls[m.name] = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      });
      return import(urls[payload.entry]).then(function (/** @type {{createRuntime(boot: CellwireBoot, version: string): Runtime}} */ mod) {
        mark("runtime-imported");
        var runtime = mod.createRuntime(boot, spec.v);
        var old = own("__cellwire");
        if (!old || compareVersions(old.version, runtime.version) < 0) {
          g.__cellwire = runtime;
          if (old) runtime.adopt(old);
          return runtime;
        }
        return old;
      });
    }

    /**
     * @param {OutputSpec} spec
     * @returns {Promise<Runtime>}
     */
    function runtimeFor(spec) {
      var current = own("__cellwire");
      var version = spec.v;
      if (current && compareVersions(current.version, version) >= 0) return Promise.resolve(current);
      if (!runtimeLoads[version]) {
        // This browser keeps the runtime by content hash: a reload or another tab needs no socket for it.
        runtimeLoads[version] = cached("runtime", spec.rt).then(function (/** @type {RuntimePayload | null} */ payload) {
          if (payload && payload.modules) { mark("runtime-cached"); return startRuntime(payload, spec); }
          return fetchFromKernel(spec);
        });
        runtimeLoads[version].catch(function () { delete runtimeLoads[version]; });
      }
      return runtimeLoads[version];
    }

    // The output's element: next to this script when the browser says which script runs (JupyterLab,
    // which may also show one output twice), else by id (classic front-ends run a copy elsewhere).
    /**
     * @param {OutputSpec} spec
     * @param {HTMLOrSVGScriptElement | null} script
     * @returns {HTMLElement | null}
     */
    function locate(spec, script) {
      var prev = script && script.previousElementSibling;
      if (prev instanceof HTMLElement && prev.id === spec.el && !prev.__cellwire) return prev;
      var all = document.querySelectorAll('[id="' + spec.el + '"]');
      for (var i = 0; i < all.length; i++) {
        var node = all[i];
        if (node instanceof HTMLElement && !node.__cellwire) return node;
      }
      return null;
    }

    /**
     * @param {HTMLElement} el
     * @param {unknown} err
     */
    function showProblem(el, err) {
      /** @type {HTMLElement | null} */
      var status = el.querySelector(".cellwire-status");
      if (!status) {
        status = document.createElement("div");
        status.className = "cellwire-status";
        status.style.cssText = "font:12px sans-serif;opacity:.75;margin-top:2px";
        el.appendChild(status);
      }
      status.textContent = "cellwire: " + (err instanceof Error && err.message ? err.message : String(err));
      status.setAttribute("role", "status");
    }

    // A page served by Jupyter says where its server is; an exported HTML file (nbconvert),
    // nbviewer or an editor's preview does not: there the snapshot is all there is, quietly.
    function isJupyterPage() {
      return !!(configScript() ||
                (document.body && document.body.dataset && document.body.dataset.baseUrl));
    }

    /**
     * @param {OutputSpec} spec
     * @param {HTMLOrSVGScriptElement | null} script
     * @param {number} [attempt]
     */
    function mount(spec, script, attempt) {
      if (!isJupyterPage()) return;
      var el = locate(spec, script);
      if (!el) {
        // Not in the document yet (rendered off-screen first): try again shortly.
        if ((attempt || 0) < 100) setTimeout(function () { mount(spec, script, (attempt || 0) + 1); }, 50);
        return;
      }
      mark("loader");
      el.__cellwire = "loading";
      // Bundles the output's view will import are read from the browser's cache now, beside the
      // runtime (the runtime picks the reads up: see `cached`).
      if (!own("__cellwire")) (spec.preload || []).forEach(function (hash) { cached("vendor", hash); });
      var found = el;
      runtimeFor(spec).then(function (runtime) { runtime.mount(found, spec); }, function (err) {
        found.__cellwire = "failed";
        if (err && err.code !== "no-kernel") console.warn("cellwire:", err);
        showProblem(found, err);
      });
    }

    /** @type {CellwireBoot} */
    var boot = {
      api: BOOT_API, pageConfig: pageConfig, api_request: api, channelsUrl: channelsUrl, uuid: uuid,
      findKernel: findKernel, probe: probe, compareVersions: compareVersions, mark: mark,
      cached: cached, store: store,
      showProblem: showProblem, mount: mount,
    };
    return boot;
  }
})(__CELLWIRE_SPEC__, document.currentScript);
