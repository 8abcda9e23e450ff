// Calls between a view and its Python object, both ways (the `call` and `reply` ops).
//   JS -> Python: `await channel.invoke("name", [args], {kwargs})` runs a function the Python object
//                 exposed with `@obj.expose`; a Python exception rejects with its message.
//   Python -> JS: `obj.call("name", ...)` runs a function this view registered with
//                 `channel.expose({name})` (a widget's render: `cellwire.expose`); `obj.eval_js(code)`
//                 evaluates code with `el`, `channel`, `args` and (for widgets) `model` in scope. What the function returns (or throws) goes back to Python.
// Binary values anywhere in arguments and results (ArrayBuffer, typed arrays, DataView) travel as
// message buffers; `buffer_paths` says where each one belongs.

const AsyncFunction = (async () => {}).constructor;

function isBinary(value) {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/** `value` with binary parts replaced by null, their paths, and the parts themselves. */
export function splitBinary(value) {
  const paths = [];
  const buffers = [];
  function walk(node, path) {
    if (isBinary(node)) {
      paths.push(path);
      buffers.push(node);
      return null;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node && typeof node === "object" && Object.getPrototypeOf(node) === Object.prototype) {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return node;
  }
  return { value: walk(value, []), paths, buffers };
}

/** Put `buffers` (DataViews) back at `paths` inside `value`. */
export function joinBinary(value, paths = [], buffers = []) {
  if (paths.length !== buffers.length) throw new Error(`${paths.length} buffer paths but ${buffers.length} buffers`);
  paths.forEach((path, i) => {
    if (path.length === 0) {
      value = buffers[i];
      return;
    }
    let node = value;
    for (const key of path.slice(0, -1)) node = node[key];
    node[path[path.length - 1]] = buffers[i];
  });
  return value;
}

/** What Python gets to know about something thrown in JavaScript. */
export function describeError(err) {
  if (err instanceof Error) return { name: err.name || "Error", message: err.message, stack: err.stack || "" };
  return { name: "Error", message: String(err), stack: "" };
}

/** `code` as an expression (`el.offsetWidth`) if it parses as one, else as a function body. */
export function compile(code) {
  try {
    const expression = code.trim().replace(/;+$/, "");
    return new AsyncFunction("el", "channel", "args", "model", `return (${expression}\n);`);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  return new AsyncFunction("el", "channel", "args", "model", code);
}

/** One view's calls: its exposed functions, and its invocations of Python waiting for replies. */
export class ViewCalls {
  constructor(view) {
    this.view = view;
    this.exposed = new Map();
    this.pending = new Map(); // call id -> { resolve, reject, timer }
  }

  /** Make functions callable from Python by name; returns a function that removes them. */
  expose(functions) {
    for (const [name, fn] of Object.entries(functions)) {
      if (typeof fn !== "function") throw new TypeError(`expose: ${name} is not a function`);
      this.exposed.set(name, fn);
    }
    return () => { for (const name of Object.keys(functions)) this.exposed.delete(name); };
  }

  /** Call a Python function exposed on the view's object; resolves with its return value. */
  invoke(name, args = [], { kwargs, timeout, signal } = {}) {
    const link = this.view.link;
    if (!link) return Promise.reject(new Error("not delivered: this view is not connected to a kernel"));
    if (!Array.isArray(args)) args = [args];
    const id = this.view.runtime.boot.uuid();
    const fields = { id, name, args };
    if (kwargs) fields.kwargs = kwargs;
    const { value, paths, buffers } = splitBinary(fields);
    if (paths.length) value.buffer_paths = paths;
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject, timer: null };
      const stop = (err) => {
        this.pending.delete(id);
        clearTimeout(entry.timer);
        reject(err);
      };
      if (timeout) entry.timer = setTimeout(() => stop(new Error(`invoke("${name}"): no answer from Python within ${timeout} ms`)), timeout);
      if (signal) {
        if (signal.aborted) return reject(signal.reason ?? new Error("aborted"));
        signal.addEventListener("abort", () => stop(signal.reason ?? new Error("aborted")), { once: true });
      }
      this.pending.set(id, entry);
      try {
        link.sendOp(this.view, { op: "call", view: this.view.id, ...value }, buffers);
      } catch (err) {
        stop(err);
      }
    });
  }

  /** The kernel's reply to one of our invocations. */
  _reply(data, buffers) {
    const entry = this.pending.get(data.id);
    if (!entry) return;
    this.pending.delete(data.id);
    clearTimeout(entry.timer);
    if (data.error) {
      const err = new Error(`${data.error.name}: ${data.error.message}`);
      err.name = "PythonError";
      err.pythonType = data.error.name;
      err.pythonTraceback = data.error.stack || "";
      entry.reject(err);
      return;
    }
    try {
      entry.resolve(joinBinary({ value: data.value ?? null }, data.buffer_paths, buffers).value);
    } catch (err) {
      entry.reject(err);
    }
  }

  /** A call from Python: run the exposed function or the code, send back the result or error. */
  async _call(data, buffers) {
    const reply = { op: "reply", view: this.view.id, id: data.id };
    let out = [];
    try {
      await this.view.whenRendered;
      const args = joinBinary({ args: data.args }, data.buffer_paths, buffers).args;
      let result;
      if (data.code !== undefined) {
        result = await compile(data.code)(this.view.liveEl, this.view.channel, args[0] ?? {}, this.view.model);
      } else {
        const fn = this.exposed.get(data.name);
        if (!fn) {
          const known = [...this.exposed.keys()].join(", ") || "none";
          throw new ReferenceError(`this view exposes no function "${data.name}" (exposed: ${known}); register it in render with channel.expose({ ${data.name} })`);
        }
        result = await fn(...args);
      }
      const { value, paths, buffers: resultBuffers } = splitBinary(result === undefined ? null : result);
      JSON.stringify(value); // a result that can't travel fails here, as an error Python sees
      reply.value = value;
      if (paths.length) reply.buffer_paths = paths.map((p) => ["value", ...p]);
      out = resultBuffers;
    } catch (err) {
      delete reply.value;
      delete reply.buffer_paths;
      reply.error = describeError(err);
      out = [];
    }
    try {
      this.view.link?.sendOp(this.view, reply, out);
    } catch (err) {
      console.warn("cellwire: could not answer a call from Python", err);
    }
  }

  /** The view or its connection went away: every invocation waiting for Python fails. */
  fail(reason) {
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(new Error(`no answer from Python: ${reason}`));
      this.pending.delete(id);
    }
  }
}
