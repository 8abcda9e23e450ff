// cellwire's ipywidgets manager: ipywidgets' own ManagerBase, controls and output models, with comms
// that travel through a cellwire tunnel (docs/protocol.md, "The ipywidgets bridge") instead of a
// Jupyter front-end's kernel connection. Built into one ES module by scripts/build-widgets-bundle.sh.
//
// The tunnel the page glue passes in: send(data, buffers) to the kernel, request(data, buffers)
// resolving with the kernel's answer {data, buffers}, report(message) for the kernel's log. The
// glue hands every kernel message to `receive(data, buffers)`.

import * as base from "@jupyter-widgets/base";
import { ManagerBase } from "@jupyter-widgets/base-manager";
import * as controls from "@jupyter-widgets/controls";
import * as output from "@jupyter-widgets/output";
import * as luminoAlgorithm from "@lumino/algorithm";
import * as luminoCollections from "@lumino/collections";
import * as luminoCommands from "@lumino/commands";
import * as luminoCoreutils from "@lumino/coreutils";
import * as luminoDisposable from "@lumino/disposable";
import * as luminoDomutils from "@lumino/domutils";
import * as luminoDragdrop from "@lumino/dragdrop";
import * as luminoKeyboard from "@lumino/keyboard";
import * as luminoMessaging from "@lumino/messaging";
import * as luminoProperties from "@lumino/properties";
import * as luminoSignaling from "@lumino/signaling";
import * as luminoVirtualdom from "@lumino/virtualdom";
import * as luminoWidgets from "@lumino/widgets";
import { OutputModel, OutputView } from "./output.js";

export const VERSIONS = { base: base.JUPYTER_WIDGETS_VERSION, controls: controls.JUPYTER_CONTROLS_VERSION };

/** Buffers as JupyterLab hands them to widget code: each a DataView owning its ArrayBuffer. */
function ownBuffers(buffers) {
  return (buffers || []).map((b) => {
    if (b instanceof ArrayBuffer) return new DataView(b);
    const view = b instanceof DataView ? b : new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) return view;
    return new DataView(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
  });
}

/** Typeset LaTeX in `el` with the page's MathJax (3 or 2), if it has one. */
function typesetMath(el) {
  const mathjax = globalThis.MathJax;
  try {
    if (mathjax?.typesetPromise) mathjax.typesetPromise([el]).catch(() => {});
    else if (mathjax?.Hub?.Queue) mathjax.Hub.Queue(["Typeset", mathjax.Hub, el]);
  } catch (err) {
    console.debug("cellwire: MathJax could not typeset a widget description", err);
  }
}

/** Show why a widget failed in its view's element (once), and tell the kernel's log (once per
 * message and page): no failure between a comm and a view leaves an output blank. */
function explain(manager, el, what, error) {
  const message = `${what || "this widget failed"}: ${error?.message || error}`;
  if (!el.querySelector(":scope > .cellwire-jw-problem")) {
    const reason = document.createElement("div");
    reason.className = "cellwire-jw-problem";
    reason.textContent = `cellwire: ${message}`;
    el.prepend(reason);
  }
  manager?._tunnel?.report?.(message);
}

/** ipywidgets' error view, with its reason shown as text (not only after a click): a missing
 * front-end says which package to install. */
class PlainErrorView extends base.ErrorWidgetView {
  render() {
    super.render();
    explain(this.model.widget_manager, this.el, this.model.get("msg"), this.model.get("error"));
  }
}

/** The modules of the manager itself (not guarded: their failures are ipywidgets' own). */
const OWN_MODULES = new Set(["@jupyter-widgets/base", "@jupyter-widgets/controls", "@jupyter-widgets/output"]);
// How long a view built for an output no longer in the page waits for it to come back.
const ATTACH_WAIT_MS = 10_000;
const ATTACH_POLL_MS = 100;

/** A library's class -> the same class with its failures shown (loadViewClass, loadModelClass). */
const guarded = new WeakMap();
function guard(cls, subclass) {
  if (!guarded.has(cls)) guarded.set(cls, subclass(cls));
  return guarded.get(cls);
}

/** Where a widget's view lives, and what module it is from, for a failure's message. */
function describe(model) {
  const module = model.get("_view_module") || model.module;
  return `widget ${model.get("_view_name") || model.name} from package '${module}'`;
}

/** What to do about a class its module lacks: for ipywidgets' own modules, the versions the
 * kernel expects and this page bundles say whether the kernel's ipywidgets or the class name is off. */
function missingClassAdvice(moduleName, moduleVersion) {
  const bundled = { "@jupyter-widgets/base": base.JUPYTER_WIDGETS_VERSION,
    "@jupyter-widgets/controls": controls.JUPYTER_CONTROLS_VERSION,
    "@jupyter-widgets/output": output.OUTPUT_WIDGET_VERSION }[moduleName];
  if (bundled === undefined) {
    return `check the widget's _model_name/_view_name, or reinstall its Python package in the kernel's environment so its ` +
      "Python side and its front-end are the same release (pip install -U <package>)";
  }
  const npm = `${moduleName} ${SHARED_VERSIONS[moduleName] ?? ""}`.trim();
  if (String(moduleVersion || "").split(".")[0] !== bundled.split(".")[0]) {
    return `the kernel's ipywidgets expects version ${moduleVersion} of it, cellwire bundles ${bundled} (${npm}, ipywidgets 8): ` +
      "install ipywidgets 8 in the kernel's environment (pip install -U 'ipywidgets>=8,<9')";
  }
  return `cellwire bundles ${npm} (module version ${bundled}, ipywidgets 8): check the widget's _model_name/_view_name ` +
    "(a custom widget names its own _model_module), or, if the kernel's ipywidgets is newer than that, " +
    "upgrade cellwire or pin an older ipywidgets in the kernel's environment";
}

/** One comm in the page, `IClassicComm` as ipywidgets' models expect it, over the tunnel. */
class TunnelComm {
  constructor(manager, commId, targetName) {
    this.manager = manager;
    this.comm_id = commId;
    this.target_name = targetName;
    this._onMsg = null;
    this._onClose = null;
  }

  _send(op, data, callbacks, metadata, buffers) {
    const msgId = base.uuid();
    if (callbacks) this.manager._callbacks.set(msgId, callbacks);
    const message = { op, comm_id: this.comm_id, msg_id: msgId, data: data ?? {}, metadata: metadata ?? {} };
    if (op === "comm_open") message.target_name = this.target_name;
    this.manager._tunnel.send(message, buffers || []);
    return msgId;
  }

  open(data, callbacks, metadata, buffers) { return this._send("comm_open", data, callbacks, metadata, buffers); }
  send(data, callbacks, metadata, buffers) { return this._send("comm_msg", data, callbacks, metadata, buffers); }

  close(data, callbacks, metadata, buffers) {
    const id = this._send("comm_close", data, callbacks, metadata, buffers);
    this.manager._comms.delete(this.comm_id);
    return id;
  }

  on_msg(callback) { this._onMsg = callback; }
  on_close(callback) { this._onClose = callback; }

  /** A message from the kernel, shaped like a Jupyter message (what models read of it). */
  _deliver(kind, data, buffers, parent) {
    const msg = {
      header: { msg_id: base.uuid(), msg_type: kind },
      parent_header: parent ? { msg_id: parent } : {},
      metadata: {},
      content: { comm_id: this.comm_id, data: data ?? {} },
      buffers: ownBuffers(buffers),
    };
    const callback = kind === "comm_close" ? this._onClose : this._onMsg;
    if (!callback) return;
    // A model's handler (and the views' listeners it triggers) may throw now or reject later:
    // either way the widget's views say so, instead of going stale without a word.
    const failed = (err) => this.manager._failedLater(this.comm_id, err);
    try {
      const result = callback(msg);
      if (result && typeof result.catch === "function") result.catch(failed);
    } catch (err) {
      failed(err);
    }
  }
}

export class CellwireWidgetManager extends ManagerBase {
  /** `loadModule(name, version)`: a third-party widget module (from the kernel's environment). */
  constructor(tunnel, loadModule) {
    super();
    this._tunnel = tunnel;
    this._loadModule = loadModule;
    this._comms = new Map(); // comm id -> TunnelComm
    this._callbacks = new Map(); // msg id sent -> callbacks (iopub.status counts pending messages)
    this._loading = null;
    this._modules = new Map(); // module name -> Promise<module>
    // Descriptions with LaTeX: whatever MathJax the page has (JupyterLab 4 has MathJax 3, whose
    // global lacks the `Hub` that ipywidgets' fallback calls), or none.
    this._rendermime = { latexTypesetter: { typeset: typesetMath } };
  }

  /** Fetch every widget's state from the kernel (one request; JupyterLab's manager uses the
   * control comm, which costs three round trips). */
  loadAll() {
    if (!this._loading) {
      this._loading = this._tunnel.request({ op: "states" })
        .then(({ data, buffers }) => this.applyStates(data.states, data.buffer_paths, buffers))
        .finally(() => { this._loading = null; });
    }
    return this._loading;
  }

  /** Create (or update) the models of `states` ({model_id: {model_name, model_module,
   * model_module_version, state}}); `bufferPaths[i]` = [model_id, ...path in that entry]. */
  async applyStates(states, bufferPaths, buffers) {
    const own = ownBuffers(buffers);
    const groups = new Map();
    bufferPaths.forEach(([modelId, ...path], i) => {
      if (!groups.has(modelId)) groups.set(modelId, { paths: [], buffers: [] });
      groups.get(modelId).paths.push(path);
      groups.get(modelId).buffers.push(own[i]);
    });
    // Every new model is registered before the first await, so references between them resolve.
    const pending = Object.entries(states).map(([modelId, entry]) => {
      const group = groups.get(modelId);
      if (group) base.put_buffers(entry, group.paths, group.buffers);
      if (this.has_model(modelId)) return this._updateModel(modelId, entry.state);
      const comm = new TunnelComm(this, modelId, this.comm_target_name);
      this._comms.set(modelId, comm);
      return this.new_model({
        model_name: entry.model_name, model_module: entry.model_module,
        model_module_version: entry.model_module_version, model_id: modelId, comm,
      }, entry.state).catch((err) => console.error(`cellwire: widget ${modelId} could not be created`, err));
    });
    await Promise.all(pending);
  }

  async _updateModel(modelId, state) {
    const model = await super.get_model(modelId);
    model.set_state(await model.constructor._deserialize_state(state, this));
  }

  /** A view; one whose class failed to load is ipywidgets' error view, which then says why in
   * words and in the kernel's log. */
  async create_view(model, options) {
    try {
      const view = await super.create_view(model, options);
      if (view instanceof base.ErrorWidgetView && !(view instanceof PlainErrorView)) {
        explain(this, view.el, `${describe(model)}: ${view.model.get("msg")}`, view.model.get("error"));
      }
      return view;
    } catch (err) {
      this._tunnel.report?.(`${describe(model)}: no view: ${err?.message || err}`);
      throw err;
    }
  }

  /** A library's view class, its `render` guarded: one that throws or rejects shows why in its
   * element (ipywidgets' own fallback for that fails: its error model has no manager). */
  async loadViewClass(className, moduleName, moduleVersion) {
    const cls = await super.loadViewClass(className, moduleName, moduleVersion);
    if (OWN_MODULES.has(moduleName)) return cls;
    return guard(cls, (cls) => class extends cls {
      async render() {
        try {
          return await super.render();
        } catch (err) {
          explain(this.model.widget_manager, this.el, `${describe(this.model)} failed while rendering`, err);
        }
      }
    });
  }

  /** A library's model class, its `set` guarded: ipywidgets only logs what a listener (a view's
   * update) throws while the kernel's state is applied; here the model's views show it too. */
  async loadModelClass(className, moduleName, moduleVersion) {
    const cls = await super.loadModelClass(className, moduleName, moduleVersion);
    if (OWN_MODULES.has(moduleName)) return cls;
    return guard(cls, (cls) => class extends cls {
      set(...args) {
        try {
          return super.set(...args);
        } catch (err) {
          this.widget_manager?._failedLater(this, err);
          throw err;
        }
      }
    });
  }

  /** A model's update failed after its views were shown (a view's listener threw): `model` or its id. */
  async _failedLater(modelOrId, err) {
    const model = typeof modelOrId !== "string" ? modelOrId
      : this._models[modelOrId] && (await this._models[modelOrId].catch(() => null));
    const modelId = model?.model_id || modelOrId;
    const cause = err?.error_stack?.[err.error_stack.length - 1] || err;  // ipywidgets wraps it
    const what = model ? `${describe(model)} failed while updating` : `widget ${modelId} failed while updating`;
    const views = model ? await Promise.all(Object.values(model.views || {}).map((v) => v.catch(() => null))) : [];
    const shown = views.filter((v) => v && v.el && v.el.isConnected);
    if (!shown.length) this._tunnel.report?.(`${what}: ${cause?.message || cause}`);
    for (const view of shown) explain(this, view.el, what, cause);
  }

  /** A model this page does not know yet (a container's new child, a layout) is fetched first. */
  async get_model(modelId) {
    if (this._models[modelId] === undefined) await this.loadAll();
    return super.get_model(modelId);
  }

  async loadClass(className, moduleName, moduleVersion) {
    let module;
    if (moduleName === "@jupyter-widgets/base" && className === "ErrorWidgetView") return PlainErrorView;
    if (moduleName === "@jupyter-widgets/base") module = base;
    else if (moduleName === "@jupyter-widgets/controls") module = controls;
    else if (moduleName === "@jupyter-widgets/output") module = { ...output, OutputModel, OutputView };
    else {
      if (!this._modules.has(moduleName)) {
        const loading = this._loadModule(moduleName, moduleVersion);
        loading.catch(() => this._modules.delete(moduleName));
        this._modules.set(moduleName, loading);
      }
      module = await this._modules.get(moduleName);
    }
    const cls = module[className];
    if (!cls) throw new Error(`module ${moduleName}@${moduleVersion} has no class ${className}: ${missingClassAdvice(moduleName, moduleVersion)}`);
    return cls;
  }

  async _create_comm(targetName, modelId, data, metadata, buffers) {
    const comm = new TunnelComm(this, modelId || base.uuid(), targetName);
    this._comms.set(comm.comm_id, comm);
    if (data !== undefined || metadata !== undefined) comm.open(data, undefined, metadata, buffers);
    return comm;
  }

  async _get_comm_info() {
    const { data } = await this._tunnel.request({ op: "comm_info" });
    return data.comms || {};
  }

  /** A message of the tunnel from the kernel; one carrying `idle` also ends that page message. */
  receive(data, buffers) {
    this._receive(data, buffers);
    if (data.idle) this._idle(data.idle);
  }

  _idle(parent) {
    const callbacks = this._callbacks.get(parent);
    this._callbacks.delete(parent);
    const status = callbacks?.iopub?.status;
    if (status) status({ header: { msg_type: "status" }, parent_header: { msg_id: parent }, content: { execution_state: "idle" } });
  }

  _receive(data, buffers) {
    switch (data.op) {
      case "comm_open": {
        const comm = new TunnelComm(this, data.comm_id, data.target_name);
        this._comms.set(comm.comm_id, comm);
        const msg = {
          header: { msg_id: base.uuid(), msg_type: "comm_open" },
          parent_header: {},
          metadata: data.metadata || {},
          content: { comm_id: data.comm_id, target_name: data.target_name, data: data.data || {} },
          buffers: ownBuffers(buffers),
        };
        if (data.target_name === this.comm_target_name) {
          this.handle_comm_open(comm, msg).catch((err) => console.error("cellwire: a widget could not be created", err));
        }
        return;
      }
      case "comm_msg":
        this._comms.get(data.comm_id)?._deliver("comm_msg", data.data, buffers, data.parent);
        return;
      case "comm_close": {
        const comm = this._comms.get(data.comm_id);
        this._comms.delete(data.comm_id);
        comm?._deliver("comm_close", data.data, buffers, data.parent);
        return;
      }
      case "idle":
        return this._idle(data.parent);
      default:
        console.warn(`cellwire: unknown ipywidgets bridge message ${JSON.stringify(data.op)}`);
    }
  }

  /** Show model `modelId` inside `el`; resolves with a function removing the view. */
  async display(modelId, el) {
    const model = await this.get_model(modelId);
    const view = await this.create_view(model);
    // Lumino attaches only into the document ("Host is not attached"): an output cleared while
    // its view was being built (a box of 1,000 sliders takes a while) gets no view, and throws
    // nothing; one only moved meanwhile is back within a few frames.
    for (let waited = 0; !el.isConnected; waited += ATTACH_POLL_MS) {
      if (waited >= ATTACH_WAIT_MS) {
        view.remove();
        return () => {};
      }
      await new Promise((resolve) => setTimeout(resolve, ATTACH_POLL_MS));
    }
    luminoWidgets.Widget.attach(view.luminoWidget, el);
    return () => {
      try {
        if (view.luminoWidget.isAttached) luminoWidgets.Widget.detach(view.luminoWidget);
      } finally {
        view.remove();
      }
    };
  }
}

export function createManager(tunnel, loadModule) {
  return new CellwireWidgetManager(tunnel, loadModule);
}

/** The modules a third-party AMD bundle may `define` as dependencies. */
export const sharedModules = {
  "@jupyter-widgets/base": base,
  "@jupyter-widgets/controls": controls,
  "@jupyter-widgets/output": { ...output, OutputModel, OutputView },
};

/** What a JupyterLab extension's share scope gets from this bundle: {package: {version, module}}
 * (the versions are the pinned npm versions, set by build.mjs). */
const lumino = {
  algorithm: luminoAlgorithm, collections: luminoCollections, commands: luminoCommands, coreutils: luminoCoreutils,
  disposable: luminoDisposable, domutils: luminoDomutils, dragdrop: luminoDragdrop, keyboard: luminoKeyboard,
  messaging: luminoMessaging, properties: luminoProperties, signaling: luminoSignaling, virtualdom: luminoVirtualdom,
  widgets: luminoWidgets,
};
export const sharedPackages = Object.fromEntries([
  ...Object.entries(sharedModules),
  ...Object.entries(lumino).map(([name, module]) => [`@lumino/${name}`, module]),
].map(([name, module]) => [name, { version: SHARED_VERSIONS[name], module }]));
