// Widgets shown inside an Output widget (`with out: display(w)`, `out.append_display_data(w)`,
// `interact` with a function displaying a widget): the captured output carries the widget-view
// mimetype, and here it becomes a live view of that model through the manager, as JupyterLab's
// output area renders it. The output's own rendering (the saved snapshot) stays when the page does
// not know the model. An Output's nested views are removed when its outputs are redrawn without
// them (clear_output) and when the Output's view goes; a widget still shown keeps its view.

import { MessageLoop } from "@lumino/messaging";
import { Widget } from "@lumino/widgets";

export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";

/** Per Output view: {modelId, host, view (once made), removed} of each nested widget. */
const nestedOf = new WeakMap();

/** The model id an nbformat output shows as a widget view, or null. */
export function widgetModelId(out) {
  if (!out || (out.output_type !== "display_data" && out.output_type !== "execute_result")) return null;
  const spec = (out.data || {})[WIDGET_VIEW_MIME];
  const id = typeof spec === "string" ? safeParse(spec)?.model_id : spec?.model_id;
  return typeof id === "string" && id ? id : null;
}

function safeParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function removeEntry(entry) {
  entry.removed = true;
  const view = entry.view;
  entry.view = null;
  if (!view) return;
  try {
    if (view.luminoWidget.isAttached) Widget.detach(view.luminoWidget);
  } finally {
    view.remove();
  }
}

/** Attach a made view into its host once the host is in the document (lumino requires it). */
function attachIfConnected(entry) {
  if (!entry.view || entry.removed || entry.view.luminoWidget.isAttached || !entry.host.isConnected) return;
  entry.host.replaceChildren();
  Widget.attach(entry.view.luminoWidget, entry.host);
}

function stateOf(parentView) {
  let state = nestedOf.get(parentView);
  if (!state) {
    state = { entries: [] };
    nestedOf.set(parentView, state);
    // The Output's view may not be in the document yet when a nested view is ready: attach those
    // when it is. And its nested views go with it.
    const hook = (_handler, msg) => {
      if (msg.type === "after-attach") for (const entry of state.entries) attachIfConnected(entry);
      return true;
    };
    MessageLoop.installMessageHook(parentView.luminoWidget, hook);
    parentView.once("remove", () => {
      MessageLoop.removeMessageHook(parentView.luminoWidget, hook);
      for (const entry of state.entries) removeEntry(entry);
      state.entries = [];
    });
  }
  return state;
}

function makeView(parentView, entry) {
  const manager = parentView.model.widget_manager;
  manager.get_model(entry.modelId)
    .then((model) => (entry.removed ? null : manager.create_view(model, { parent: parentView })))
    .then((view) => {
      if (!view) return;
      if (entry.removed) {
        view.remove();
        return;
      }
      entry.view = view;
      attachIfConnected(entry);
    })
    .catch((err) => console.debug(`cellwire: widget ${entry.modelId} in an Output stays a snapshot`, err));
}

/**
 * Call before `parentView` shows `nodes`, the rendering of `outputs` (index for index): each node
 * of a widget-view output becomes the host of a live view of that widget. A widget that already
 * has a view here keeps it (its host replaces the new node); views no longer shown are removed.
 * Returns the nodes to show.
 */
export function withNestedViews(parentView, outputs, nodes) {
  const state = stateOf(parentView);
  const old = state.entries;
  const entries = [];
  const shown = nodes.map((node, i) => {
    const modelId = widgetModelId(outputs[i]);
    if (!modelId) return node;
    const kept = old.findIndex((e) => e.modelId === modelId && !e.removed);
    if (kept >= 0) {
      const [entry] = old.splice(kept, 1);
      entries.push(entry);
      return entry.host;
    }
    const entry = { modelId, host: node, view: null, removed: false };
    entries.push(entry);
    makeView(parentView, entry);
    return node;
  });
  for (const entry of old) removeEntry(entry);
  state.entries = entries;
  return shown;
}
