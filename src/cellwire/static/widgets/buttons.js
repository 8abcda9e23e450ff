// @ts-check
// Views of Button, ToggleButton and Checkbox.

/**
 * @param {WidgetModel} model
 * @param {HTMLButtonElement} button
 */
function styledButton(model, button) {
  bind(model, ["description", "icon", "button_style"], (text, icon, style) => {
    button.textContent = `${icon ? `${icon} ` : ""}${text || ""}`;
    button.dataset.style = style || "";
  });
  bindDisabled(model, button);
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function button(model, root) {
  const node = h("button", { class: "cw-button", type: "button" });
  root.append(node);
  styledButton(model, node);
  node.addEventListener("click", () => model.send({ event: "click" }));
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function toggleButton(model, root) {
  const node = h("button", { class: "cw-button", type: "button" });
  root.append(node);
  styledButton(model, node);
  bind(model, "value", (value) => node.setAttribute("aria-pressed", value ? "true" : "false"));
  node.addEventListener("click", () => commit(model, "value", !model.get("value")));
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function checkbox(model, root) {
  const input = h("input", { type: "checkbox", id: cwId("cw-check") });
  const label = h("label", { for: input.id });
  root.append(input, label);
  bind(model, "description", (text) => { label.textContent = text || ""; });
  bind(model, "value", (value) => { input.checked = !!value; });
  bindDisabled(model, input);
  input.addEventListener("change", () => commit(model, "value", input.checked));
}

/** @param {RenderArgs} args */
export function render(args) {
  return renderView({ Button: button, ToggleButton: toggleButton, Checkbox: checkbox }, args);
}
