// @ts-check
// Views of Text, Textarea, Label, HTML and Markdown.

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function textInput(model, root) {
  const multi = model.get("_view_name") === "Textarea";
  const input = multi ? h("textarea") : h("input", { type: "text" });
  root.append(descriptionLabel(model, input), input);
  if (multi) root.style.alignItems = "flex-start";
  bind(model, "value", (value) => {
    if (input.value === value) return;
    const focused = document.activeElement === input;
    const [start, end] = [input.selectionStart, input.selectionEnd];
    input.value = value;
    if (focused) input.setSelectionRange(Math.min(start ?? 0, value.length), Math.min(end ?? 0, value.length));
  });
  bind(model, "placeholder", (p) => { input.placeholder = p || ""; });
  if (input instanceof HTMLTextAreaElement) bind(model, "rows", (rows) => { input.rows = rows || 3; });
  bindDisabled(model, input);
  input.addEventListener("input", () => {
    if (model.get("continuous_update") !== false) commit(model, "value", input.value);
  });
  input.addEventListener("change", () => commit(model, "value", input.value));
  input.addEventListener("keydown", (event) => {
    if (event instanceof KeyboardEvent && event.key === "Enter" && !multi) {
      commit(model, "value", input.value);
      model.send({ event: "submit" });
    }
  });
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function label(model, root) {
  const span = h("span", { class: "cw-text" });
  root.append(span);
  bind(model, "value", (value) => { span.textContent = value; });
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function html(model, root) {
  const div = h("div", { class: "cw-html" });
  const desc = h("span", { class: "cw-label" });
  root.append(desc, div);
  bind(model, "description", (d) => { desc.textContent = d || ""; desc.hidden = !d; });
  bind(model, "value", (value) => { div.innerHTML = value; });
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function markdown(model, root) {
  const div = h("div", { class: "cw-markdown" });
  root.append(div);
  root.style.display = "block";
  bind(model, "_html", (value) => { div.innerHTML = value; });
}

/** @param {RenderArgs} args */
export function render(args) {
  return renderView({ Text: textInput, Textarea: textInput, Label: label, HTML: html, Markdown: markdown }, args);
}
