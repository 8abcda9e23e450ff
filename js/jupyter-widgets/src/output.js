// ipywidgets' Output widget for pages without JupyterLab's output area. The kernel captures what a
// `with out:` block prints and displays into the model's `outputs` (cellwire's bridge does that
// kernel-side, since no front-end message hook exists here); this view renders those outputs:
// streams, errors, and of each display the mimetype JupyterLab's rendermime would pick (its default
// ranks, mime.js). Markdown is converted here with its raw HTML escaped and only safe links;
// LaTeX and JSON are shown as text; SVG as an image (its scripts never run).

import * as output from "@jupyter-widgets/output";
import { markdownToHtml } from "./markdown.js";
import { preferredMime } from "./mime.js";
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
  const mime = preferredMime(data);
  const box = document.createElement("div");
  box.className = "cellwire-jw-display";
  if (mime === undefined) return box;
  const value = data[mime];
  if (mime === "application/json") {
    box.appendChild(pre(JSON.stringify(value, null, 2), "cellwire-jw-text cellwire-jw-json"));
  } else if (mime === "text/html") {
    box.innerHTML = text(value);  // trusted as the code that displayed it, as in JupyterLab's Output widget
  } else if (mime === "text/markdown") {
    box.classList.add("cellwire-jw-markdown", "jp-RenderedHTMLCommon", "jp-RenderedMarkdown");  // Lab's styles
    box.innerHTML = markdownToHtml(text(value));
  } else if (mime === "text/latex") {
    box.appendChild(pre(text(value), "cellwire-jw-text cellwire-jw-latex"));
  } else if (mime.startsWith("image/")) {
    const img = document.createElement("img");
    img.src = mime === "image/svg+xml"
      ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text(value))}`
      : `data:${mime};base64,${text(value).replace(/\s/g, "")}`;
    const meta = (out.metadata || {})[mime] || {};
    if (meta.width) img.width = meta.width;
    if (meta.height) img.height = meta.height;
    box.appendChild(img);
  } else {
    box.appendChild(pre(text(value), "cellwire-jw-text"));
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
