// @ts-check
// Views of Image, ColorPicker and DatePicker.

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function image(model, root) {
  const img = h("img");
  root.append(img);
  /** @type {string | null} */
  let url = null;
  bind(model, ["value", "format", "width", "height", "alt"], (value, format, width, height, alt) => {
    if (url) URL.revokeObjectURL(url);
    const type = format.includes("/") ? format : `image/${format}`;
    url = value && value.byteLength ? URL.createObjectURL(new Blob([value], { type })) : null;
    if (url) img.src = url; else img.removeAttribute("src");
    img.alt = alt || "";
    img.style.width = width ? (/^\d+$/.test(width) ? `${width}px` : width) : "";
    img.style.height = height ? (/^\d+$/.test(height) ? `${height}px` : height) : "";
  });
  return () => { if (url) URL.revokeObjectURL(url); };
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function colorPicker(model, root) {
  const input = h("input", { type: "color" });
  const text = h("input", { type: "text", size: 8, "aria-label": "color value" });
  text.style.minWidth = "6em";
  text.style.width = "6em";
  root.append(descriptionLabel(model, input), input, text);
  bind(model, ["value", "concise"], (value, concise) => {
    input.value = value;
    if (document.activeElement !== text) text.value = value;
    text.hidden = !!concise;
  });
  bindDisabled(model, input, text);
  input.addEventListener("input", () => commit(model, "value", input.value));
  text.addEventListener("change", () => commit(model, "value", text.value.trim()));
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function datePicker(model, root) {
  const input = h("input", { type: "date" });
  root.append(descriptionLabel(model, input), input);
  bind(model, "value", (value) => { input.value = value || ""; });
  bindDisabled(model, input);
  input.addEventListener("change", () => commit(model, "value", input.value || null));
}

/** @param {RenderArgs} args */
export function render(args) {
  return renderView({ Image: image, ColorPicker: colorPicker, DatePicker: datePicker }, args);
}
