// @ts-check
// View of Output: renders captured outputs itself (streams, errors, HTML, images, JSON, and other
// cellwire widgets live), so it does not depend on the notebook front-end's output area.

const MODEL_MIME = "application/vnd.cellwire.model+json";

/**
 * One captured output (nbformat's shape) as an element; a cellwire model in it is shown live.
 * @param {Record<string, any>} item
 * @param {CellwireHelpers} cellwire
 * @param {Array<{dispose(): void}>} nested  the live children made, to dispose with the view
 * @returns {HTMLElement}
 */
function renderItem(item, cellwire, nested) {
  if (item.output_type === "stream") {
    return h("pre", { class: item.name === "stderr" ? "cw-stderr" : "cw-stdout", text: item.text });
  }
  if (item.output_type === "error") {
    return h("pre", { class: "cw-error", text: (item.traceback || []).join("\n") || `${item.ename}: ${item.evalue}` });
  }
  const data = item.data || {};
  if (data[MODEL_MIME]) {
    const el = h("div");
    nested.push(cellwire.display(data[MODEL_MIME].id, el));
    return el;
  }
  if (data["text/html"] !== undefined) {
    const div = h("div", { class: "cw-html" });
    div.innerHTML = data["text/html"];
    return div;
  }
  for (const type of ["image/png", "image/jpeg"]) {
    if (data[type]) return h("img", { src: `data:${type};base64,${String(data[type]).replace(/\n/g, "")}` });
  }
  if (data["image/svg+xml"]) {
    // An image, as JupyterLab and ipywidgets' Output show it: markup would run its event handlers.
    const svg = Array.isArray(data["image/svg+xml"]) ? data["image/svg+xml"].join("") : String(data["image/svg+xml"]);
    return h("img", { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` });
  }
  if (data["application/json"] !== undefined) return h("pre", { text: JSON.stringify(data["application/json"], null, 2) });
  if (data["text/markdown"] !== undefined) return h("pre", { text: data["text/markdown"] });
  return h("pre", { text: data["text/plain"] ?? "" });
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 * @param {CellwireHelpers} cellwire
 */
function output(model, root, cellwire) {
  root.classList.add("cw-output");
  root.style.display = "block";
  /** @type {Array<{dispose(): void}>} */
  let nested = [];
  bind(model, "outputs", (/** @type {Array<Record<string, any>>} */ outputs) => {
    for (const child of nested) child.dispose();
    nested = [];
    root.replaceChildren(...outputs.map((item) => renderItem(item, cellwire, nested)));
  });
  return () => { for (const child of nested) child.dispose(); };
}

/** @param {RenderArgs} args */
export function render(args) {
  return renderView({ Output: output }, args);
}
