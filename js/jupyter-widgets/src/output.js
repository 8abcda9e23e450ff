// ipywidgets' Output widget for pages without JupyterLab's output area. The kernel captures what a
// `with out:` block prints and displays into the model's `outputs` (cellwire's bridge does that
// kernel-side, since no front-end message hook exists here); this view renders those outputs:
// streams, errors, and the richest of text/html, image/png, image/jpeg, image/svg+xml, text/plain.

import * as output from "@jupyter-widgets/output";
import { withNestedViews } from "./nested-views.js";

// Strip ANSI colour codes (tracebacks are coloured).
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export class OutputModel extends output.OutputModel {
  defaults() {
    return { ...super.defaults(), msg_id: "", outputs: [] };
  }
}

function pre(text, className) {
  const el = document.createElement("pre");
  el.className = className;
  el.textContent = String(text ?? "").replace(ANSI, "");
  return el;
}

function text(value) {
  return Array.isArray(value) ? value.join("") : String(value ?? "");
}

/** One output (nbformat) as DOM. */
export function renderOutput(out) {
  const type = out.output_type;
  if (type === "stream") return pre(text(out.text), `cellwire-jw-stream cellwire-jw-${out.name || "stdout"}`);
  if (type === "error") {
    const lines = out.traceback && out.traceback.length ? out.traceback.join("\n") : `${out.ename}: ${out.evalue}`;
    return pre(lines, "cellwire-jw-error");
  }
  const data = out.data || {};
  const box = document.createElement("div");
  box.className = "cellwire-jw-display";
  if (data["text/html"] !== undefined) {
    box.innerHTML = text(data["text/html"]);
  } else if (data["image/png"] !== undefined || data["image/jpeg"] !== undefined) {
    const mime = data["image/png"] !== undefined ? "image/png" : "image/jpeg";
    const img = document.createElement("img");
    img.src = `data:${mime};base64,${text(data[mime]).replace(/\s/g, "")}`;
    const meta = (out.metadata || {})[mime] || {};
    if (meta.width) img.width = meta.width;
    if (meta.height) img.height = meta.height;
    box.appendChild(img);
  } else if (data["image/svg+xml"] !== undefined) {
    const img = document.createElement("img");
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text(data["image/svg+xml"]))}`;
    box.appendChild(img);
  } else if (data["text/plain"] !== undefined) {
    box.appendChild(pre(text(data["text/plain"]), "cellwire-jw-text"));
  }
  return box;
}

export class OutputView extends output.OutputView {
  render() {
    this.el.classList.add("jupyter-widgets", "jupyter-widget-output", "widget-output");
    this._draw();
    this.listenTo(this.model, "change:outputs", () => this._draw());
  }

  _draw() {
    const outputs = this.model.get("outputs") || [];
    this.el.replaceChildren(...withNestedViews(this, outputs, outputs.map(renderOutput)));  // widgets: live views
  }
}
