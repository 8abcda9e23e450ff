// @ts-check
// Calls between a view and its Python object, both ways (the `call` and `reply` ops).
//   JS -> Python: `await channel.invoke("name", [args], {kwargs})` runs a function the Python object
//                 exposed with `@obj.expose`; a Python exception rejects with its message.
//   Python -> JS: `obj.call("name", ...)` runs a function this view registered with
//                 `channel.expose({name})`; `obj.eval_js(code)` evaluates code with `el`, `channel`
//                 and `args` in scope. What the function returns (or throws) goes back to Python.
// Binary values anywhere in arguments and results (ArrayBuffer, typed arrays, DataView) travel as
// message buffers; `buffer_paths` says where each one belongs.

import { joinBinary, splitBinary } from "./binary.js";

/** @type {new (...args: string[]) => (...args: unknown[]) => Promise<unknown>} */
const AsyncFunction = /** @type {any} */ (async () => {}).constructor;

/**
 * Options of `invoke`: keyword arguments, a timeout in ms (default none), an AbortSignal.
 * @typedef {{kwargs?: Record<string, unknown>, timeout?: number, signal?: AbortSignal}} InvokeOptions
 */

/**
 * A `call` (from Python: run an exposed function by `name`, or evaluate `code`) or a `reply` (to
 * one of our invocations: `value` or `error`), as the link hands it over.
 * @typedef {object} CallMessage
 * @property {string} id
 * @property {string} [name]
 * @property {string} [code]
 * @property {unknown[]} [args]
 * @property {unknown} [value]
 * @property {{name: string, message: string, stack?: string}} [error]
 * @property {BufferPath[]} [buffer_paths]
 */

/** An Error from Python, with the exception's type and traceback. */
class PythonError extends Error {
  /**
   * @param {{name: string, message: string, stack?: string}} error
   */
  constructor(error) {
    super(`${error.name}: ${error.message}`);
    this.name = "PythonError";
    this.pythonType = error.name;
    this.pythonTraceback = error.stack || "";
  }
}

/**
 * What Python gets to know about something thrown in JavaScript.
 * @param {unknown} err
 * @returns {{name: string, message: string, stack: string}}
 */
export function describeError(err) {
  if (err instanceof Error) return { name: err.name || "Error", message: err.message, stack: err.stack || "" };
  return { name: "Error", message: String(err), stack: "" };
}

/**
 * `code` as an expression (`el.offsetWidth`) if it parses as one, else as a function body.
 * @param {string} code
 * @returns {(el: HTMLElement, channel: ChannelHandle, args: unknown) => Promise<unknown>}
 */
export function compile(code) {
  try {
    const expression = code.trim().replace(/;+$/, "");
    return new AsyncFunction("el", "channel", "args", `return (${expression}\n);`);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  return new AsyncFunction("el", "channel", "args", code);
}

/**
 * @typedef {object} PendingCall
 * @property {(value: unknown) => void} resolve
 * @property {(reason: unknown) => void} reject
 * @property {ReturnType<typeof setTimeout> | undefined} timer
 */

/** One view's calls: its exposed functions, and its invocations of Python waiting for replies. */
export class ViewCalls {
  /** @param {OutputView} view */
  constructor(view) {
    this.view = view;
    /** @type {Map<string, (...args: any[]) => unknown>} */
    this.exposed = new Map();
    /** @type {Map<string, PendingCall>} call id -> its settling functions */
    this.pending = new Map();
  }

  /**
   * Make functions callable from Python by name; returns a function that removes them.
   * @param {Record<string, (...args: any[]) => unknown>} functions
   * @returns {() => void}
   */
  expose(functions) {
    for (const [name, fn] of Object.entries(functions)) {
      if (typeof fn !== "function") throw new TypeError(`expose: ${name} is not a function`);
      this.exposed.set(name, fn);
    }
    return () => { for (const name of Object.keys(functions)) this.exposed.delete(name); };
  }

  /**
   * Call a Python function exposed on the view's object; resolves with its return value.
   * @param {string} name
   * @param {unknown[] | unknown} [args]  positional arguments (one non-array value: the only one)
   * @param {InvokeOptions} [options]
   * @returns {Promise<unknown>}
   */
  invoke(name, args = [], { kwargs, timeout, signal } = {}) {
    const link = this.view.link;
    if (!link) return Promise.reject(new Error("not delivered: this view is not connected to a kernel"));
    if (!Array.isArray(args)) args = [args];
    const id = this.view.runtime.boot.uuid();
    /** @type {Record<string, unknown>} */
    const fields = { id, name, args };
    if (kwargs) fields.kwargs = kwargs;
    const { value, paths, buffers } = splitBinary(fields);
    if (paths.length) value.buffer_paths = paths;
    return new Promise((resolve, reject) => {
      /** @type {PendingCall} */
      const entry = { resolve, reject, timer: undefined };
      /** @param {unknown} err */
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

  /**
   * The kernel's reply to one of our invocations.
   * @param {CallMessage} data
   * @param {DataView[]} buffers
   */
  receiveReply(data, buffers) {
    const entry = this.pending.get(data.id);
    if (!entry) return;
    this.pending.delete(data.id);
    clearTimeout(entry.timer);
    if (data.error) {
      entry.reject(new PythonError(data.error));
      return;
    }
    try {
      entry.resolve(joinBinary({ value: data.value ?? null }, data.buffer_paths, buffers).value);
    } catch (err) {
      entry.reject(err);
    }
  }

  /**
   * A call from Python: run the exposed function or the code, send back the result or error.
   * @param {CallMessage} data
   * @param {DataView[]} buffers
   */
  async runCall(data, buffers) {
    /** @type {Record<string, unknown>} */
    const reply = { op: "reply", view: this.view.id, id: data.id };
    /** @type {Binary[]} */
    let out = [];
    try {
      await this.view.whenRendered;
      /** @type {unknown[]} */
      const args = joinBinary({ args: data.args }, data.buffer_paths, buffers).args;
      let result;
      if (data.code !== undefined) {
        result = await compile(data.code)(this.view.liveEl, this.view.channel, args[0] ?? {});
      } else {
        const fn = data.name === undefined ? undefined : this.exposed.get(data.name);
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

  /**
   * The view or its connection went away: every invocation waiting for Python fails.
   * @param {string} reason
   */
  fail(reason) {
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(new Error(`no answer from Python: ${reason}`));
      this.pending.delete(id);
    }
  }
}
