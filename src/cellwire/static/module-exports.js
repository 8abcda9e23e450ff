// @ts-check
// What a target's ES module exports, resolved to its {render, initialize} by one rule, anywidget's:
//   export function render(...)          named exports (render, and initialize if any), or
//   export default { render, initialize }  an object, or
//   export default () => ({ render })    a function, sync or async, that returns one.
// A default-exported function is therefore a factory, never `render` itself.

/**
 * @typedef {object} WidgetExports
 * @property {((args: any) => unknown) | undefined} render      draws the view; may return a cleanup
 * @property {((args: any) => unknown) | undefined} initialize  anywidget's once-per-model hook (a Channel's view does not call it)
 */

const HOW = "export default { render }, a function returning it, or export function render";

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isObject(value) {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

/**
 * The module's render and initialize (either may be missing; the caller says which it needs).
 * @param {Record<string, unknown>} module  the imported module namespace
 * @returns {Promise<WidgetExports>}
 */
export async function resolveExports(module) {
  if (typeof module.render === "function" || typeof module.initialize === "function") {
    return pick(module);
  }
  const def = module.default;
  if (def === undefined || def === null) throw new Error(`its module has no default export and no render (${HOW})`);
  let widget = def;
  if (typeof def === "function") {
    try {
      widget = await def();
    } catch (err) {
      // Most likely `export default function render({...})`: say what the rule is.
      if (def.length === 0) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`its default export takes arguments as render does, but a default-exported function is called with none and must return {render, initialize} (${HOW}): ${message}`);
    }
  }
  if (!isObject(widget)) {
    throw new Error(`its default export ${typeof def === "function" ? "returned" : "is"} ${String(widget)}, not {render, initialize} (${HOW})`);
  }
  return pick(widget);
}

/**
 * @param {Record<string, unknown>} source
 * @returns {WidgetExports}
 */
function pick(source) {
  const { render, initialize } = source;
  return {
    render: typeof render === "function" ? /** @type {(args: any) => unknown} */ (render) : undefined,
    initialize: typeof initialize === "function" ? /** @type {(args: any) => unknown} */ (initialize) : undefined,
  };
}
