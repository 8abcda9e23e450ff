// @ts-check
// Helpers shared by the standard widget views. This file is prepended to each family's module
// (sliders.js, text.js, ...), so every family is one self-contained ES module that only uses the
// public contract: render({model, el, cellwire}). (To the type checker it is a script, whose
// declarations every family module sees.)

/**
 * The model as the views use it: anywidget's API. Synced values are `any` here on purpose: each key
 * holds what the Python widget class declares (widgets/*.py), validated by its traits there.
 * @typedef {object} WidgetModel
 * @property {(key: string) => any} get
 * @property {(key: string | Record<string, unknown>, value?: unknown) => void} set
 * @property {() => void} save_changes
 * @property {(content: unknown, callbacks?: unknown, buffers?: ArrayBuffer[]) => void} send
 * @property {(event: string, callback: (...args: any[]) => void) => void} on
 * @property {(event?: string | null, callback?: (...args: any[]) => void) => void} off
 */

/**
 * What cellwire adds to render's arguments (view.js): containers show their children with `display`.
 * @typedef {object} CellwireHelpers
 * @property {(ref: string, el: HTMLElement) => {dispose(): void}} display
 */

/** @typedef {{model: WidgetModel, el: HTMLElement, cellwire: CellwireHelpers}} RenderArgs */

/**
 * One view of a family: draws into `root`; may return a cleanup.
 * @typedef {(model: WidgetModel, root: HTMLElement, cellwire: CellwireHelpers) => (void | (() => void))} WidgetView
 */

const CW_STYLE_ID = "cellwire-widgets-style-1";
const CW_CSS = `
.cw-widget { box-sizing: border-box; display: flex; align-items: center; gap: 8px; margin: 3px 0;
  font-family: var(--jp-ui-font-family, system-ui, -apple-system, sans-serif);
  font-size: var(--jp-ui-font-size1, 13px); color: var(--jp-ui-font-color1, rgba(0,0,0,.87)); }
.cw-widget * { box-sizing: border-box; }
body[data-jp-theme-light="false"] .cw-widget { color-scheme: dark; }
.cw-widget select[multiple] { min-width: 8em; }
.cw-label { min-width: 8em; max-width: 16em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
  color: var(--jp-ui-font-color1, rgba(0,0,0,.87)); }
.cw-widget input[type=text], .cw-widget input[type=number], .cw-widget input[type=date], .cw-widget textarea,
.cw-widget select { font: inherit; color: var(--jp-ui-font-color1, #222);
  background: var(--jp-input-background, var(--jp-layout-color1, #fff));
  border: 1px solid var(--jp-border-color1, #9e9e9e); border-radius: 2px; padding: 3px 6px; }
.cw-widget input[type=text] { min-width: 14em; }
.cw-widget input[type=range] { width: 14em; accent-color: var(--jp-brand-color1, #1976d2); }
.cw-widget input[type=checkbox], .cw-widget input[type=radio] { accent-color: var(--jp-brand-color1, #1976d2); }
.cw-widget :focus-visible { outline: 2px solid var(--jp-brand-color1, #1976d2); outline-offset: 1px; }
.cw-readout { min-width: 3em; font-variant-numeric: tabular-nums; color: var(--jp-ui-font-color1, #222); }
.cw-button { font: inherit; cursor: pointer; padding: 4px 12px; border-radius: 2px; min-height: 28px;
  color: var(--jp-ui-font-color1, #222); background: var(--jp-layout-color2, #eee);
  border: 1px solid var(--jp-border-color1, #9e9e9e); }
.cw-button:hover:not(:disabled) { background: var(--jp-layout-color3, #ddd); }
.cw-button:disabled { opacity: .55; cursor: default; }
.cw-button[aria-pressed=true] { background: var(--jp-layout-color4, #bdbdbd); box-shadow: inset 0 1px 3px rgba(0,0,0,.35); }
.cw-button[data-style=primary] { background: var(--jp-brand-color1, #1976d2); border-color: var(--jp-brand-color1, #1976d2); color: #fff; }
.cw-button[data-style=success] { background: var(--jp-success-color1, #388e3c); border-color: transparent; color: #fff; }
.cw-button[data-style=info] { background: var(--jp-info-color1, #0288d1); border-color: transparent; color: #fff; }
.cw-button[data-style=warning] { background: var(--jp-warn-color1, #f57c00); border-color: transparent; color: #fff; }
.cw-button[data-style=danger] { background: var(--jp-error-color1, #d32f2f); border-color: transparent; color: #fff; }
.cw-bar { position: relative; width: 14em; height: 16px; border-radius: 2px; overflow: hidden;
  background: var(--jp-layout-color3, #e0e0e0); }
.cw-bar > div { height: 100%; background: var(--jp-brand-color1, #1976d2); transition: width .1s linear; }
.cw-bar[data-style=success] > div { background: var(--jp-success-color1, #388e3c); }
.cw-bar[data-style=info] > div { background: var(--jp-info-color1, #0288d1); }
.cw-bar[data-style=warning] > div { background: var(--jp-warn-color1, #f57c00); }
.cw-bar[data-style=danger] > div { background: var(--jp-error-color1, #d32f2f); }
.cw-box { display: flex; gap: 6px; }
.cw-tabs [role=tablist] { display: flex; gap: 2px; border-bottom: 1px solid var(--jp-border-color1, #9e9e9e); }
.cw-tabs [role=tab] { font: inherit; cursor: pointer; padding: 4px 12px; border: 1px solid transparent; border-bottom: none;
  background: transparent; color: var(--jp-ui-font-color2, #555); }
.cw-tabs [role=tab][aria-selected=true] { color: var(--jp-ui-font-color0, #000); background: var(--jp-layout-color1, #fff);
  border-color: var(--jp-border-color1, #9e9e9e); border-top: 2px solid var(--jp-brand-color1, #1976d2); margin-bottom: -1px; }
.cw-panel { padding: 6px 2px; }
.cw-accordion > .cw-section { border: 1px solid var(--jp-border-color2, #ccc); margin-bottom: -1px; }
.cw-accordion .cw-section > button { display: block; width: 100%; text-align: left; font: inherit; cursor: pointer;
  padding: 5px 8px; border: none; background: var(--jp-layout-color2, #eee); color: var(--jp-ui-font-color1, #222); }
.cw-accordion .cw-section > button::before { content: "▸ "; }
.cw-accordion .cw-section > button[aria-expanded=true]::before { content: "▾ "; }
.cw-output pre { margin: 0; white-space: pre-wrap; font-family: var(--jp-code-font-family, monospace);
  font-size: var(--jp-code-font-size, 13px); color: var(--jp-content-font-color1, #222); }
.cw-output pre.cw-stderr, .cw-output pre.cw-error { color: var(--jp-error-color1, #d32f2f); }
.cw-output pre.cw-stderr { background: var(--jp-rendermime-error-background, transparent); }
.cw-html, .cw-markdown { color: var(--jp-content-font-color1, #222); }
.cw-radio { display: flex; flex-direction: column; gap: 2px; border: none; margin: 0; padding: 0; }
`;

function cwStyle() {
  if (document.getElementById(CW_STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = CW_STYLE_ID;
  style.textContent = CW_CSS;
  document.head.appendChild(style);
}

let cwCounter = 0;
/** A page-unique element id. @param {string} [prefix] */
function cwId(prefix = "cw") {
  cwCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${cwCounter}`;
}

/**
 * Create an element: h("button", {class: "x", onclick: f}, "text", child).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [attrs]  `on<event>` values are listeners; false/null/undefined skip the attribute
 * @param {...(Node | string)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else if (key === "class") node.className = String(value);
    else if (key === "text") node.textContent = String(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) node.append(child);
  return node;
}

/** @type {Array<() => void> | null} the cleanups of the view being rendered */
let cwScope = null;

/**
 * Call fn(...values) now and whenever one of `keys` changes; undone when the view goes away.
 * @param {WidgetModel} model
 * @param {string | string[]} keys
 * @param {(...values: any[]) => void} fn
 * @returns {() => void} undoes it now
 */
function bind(model, keys, fn) {
  const list = Array.isArray(keys) ? keys : [keys];
  const call = () => fn(...list.map((k) => model.get(k)));
  for (const key of list) model.on(`change:${key}`, call);
  call();
  const off = () => { for (const key of list) model.off(`change:${key}`, call); };
  if (cwScope) cwScope.push(off);
  return off;
}

/**
 * The family's render: picks the view by `_view_name`, and undoes its bindings on cleanup.
 * @param {Record<string, WidgetView>} views
 * @param {RenderArgs} args
 * @returns {() => void}
 */
function renderView(views, { model, el, cellwire }) {
  const name = model.get("_view_name");
  const view = views[name];
  if (!view) throw new Error(`this module has no view named ${JSON.stringify(name)}`);
  /** @type {Array<() => void>} */
  const scope = [];
  const previous = cwScope;
  cwScope = scope;
  try {
    const { root } = widgetRoot(model, el);
    const cleanup = view(model, root, cellwire);
    if (typeof cleanup === "function") scope.push(cleanup);
  } finally {
    cwScope = previous;
  }
  return () => { for (const off of scope.splice(0)) off(); };
}

/**
 * The widget's outer element: theme styles, `layout` CSS, `tooltip`.
 * @param {WidgetModel} model
 * @param {HTMLElement} el
 * @param {string} [className]
 */
function widgetRoot(model, el, className = "") {
  cwStyle();
  const root = h("div", { class: `cw-widget ${className}`.trim() });
  el.appendChild(root);
  bind(model, ["layout", "tooltip"], (/** @type {Record<string, string> | null} */ layout, /** @type {string | null} */ tooltip) => {
    for (const [prop, value] of Object.entries(layout || {})) {
      root.style.setProperty(prop.replace(/_/g, "-").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), value);
    }
    if (tooltip) root.title = tooltip;
    else root.removeAttribute("title");
  });
  return { root };
}

/**
 * A <label> for `control` showing the model's description (hidden when empty).
 * @param {WidgetModel} model
 * @param {HTMLElement} control
 */
function descriptionLabel(model, control) {
  if (!control.id) control.id = cwId("cw-input");
  const label = h("label", { class: "cw-label", for: control.id });
  bind(model, "description", (/** @type {string} */ text) => {
    label.textContent = text || "";
    label.hidden = !text;
    if (text) control.setAttribute("aria-label", text);
  });
  return label;
}

/**
 * Set a value from the user and send it to the kernel.
 * @param {WidgetModel} model
 * @param {string} key
 * @param {unknown} value
 */
function commit(model, key, value) {
  model.set(key, value);
  model.save_changes();
}

/**
 * Bind `disabled` to controls.
 * @param {WidgetModel} model
 * @param {...(HTMLInputElement | HTMLButtonElement | HTMLSelectElement | HTMLTextAreaElement)} controls
 */
function bindDisabled(model, ...controls) {
  if (model.get("disabled") === undefined) return;
  bind(model, "disabled", (disabled) => { for (const c of controls) c.disabled = !!disabled; });
}

/**
 * A number as Python's format spec `spec` would write it (".2f", ".1e", ".0%"; else as is).
 * @param {unknown} value
 * @param {string} [spec]
 */
function formatNumber(value, spec) {
  if (typeof value !== "number") return String(value);
  const m = /^\.?(\d+)([fe%])?$/.exec(spec || "");
  if (!m) return String(value);
  const digits = Number(m[1]);
  if (m[2] === "e") return value.toExponential(digits);
  if (m[2] === "%") return `${(value * 100).toFixed(digits)}%`;
  return value.toFixed(digits);
}
