// @ts-check
// Views of Dropdown, RadioButtons, ToggleButtons and SelectMultiple. Only labels and indices
// travel: the kernel maps the index back to the option's Python value.

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function dropdown(model, root) {
  const select = h("select");
  root.append(descriptionLabel(model, select), select);
  bind(model, "_options_labels", (/** @type {string[]} */ labels) => {
    select.replaceChildren(...labels.map((text, i) => h("option", { value: i, text })));
    select.selectedIndex = model.get("index") ?? -1;
  });
  bind(model, "index", (index) => { select.selectedIndex = index === null ? -1 : index; });
  bindDisabled(model, select);
  select.addEventListener("change", () => commit(model, "index", select.selectedIndex));
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function radioButtons(model, root) {
  const group = h("div", { class: "cw-radio", role: "radiogroup" });
  const name = cwId("cw-radio");
  const desc = h("span", { class: "cw-label", id: cwId("cw-desc") });
  group.setAttribute("aria-labelledby", desc.id);
  root.style.alignItems = "flex-start";
  root.append(desc, group);
  bind(model, "description", (d) => { desc.textContent = d || ""; desc.hidden = !d; });
  /** @type {HTMLInputElement[]} */
  let inputs = [];
  bind(model, ["_options_labels", "disabled"], (/** @type {string[]} */ labels, disabled) => {
    inputs = labels.map((text, i) => {
      const input = h("input", { type: "radio", name, value: i, id: `${name}-${i}` });
      input.disabled = !!disabled;
      input.addEventListener("change", () => { if (input.checked) commit(model, "index", i); });
      return input;
    });
    group.replaceChildren(...inputs.map((input, i) => h("label", { for: input.id }, input, ` ${labels[i]}`)));
    inputs.forEach((input, i) => { input.checked = i === model.get("index"); });
  });
  bind(model, "index", (index) => inputs.forEach((input, i) => { input.checked = i === index; }));
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function toggleButtons(model, root) {
  const group = h("div", { class: "cw-box", role: "group" });
  const desc = h("span", { class: "cw-label" });
  root.append(desc, group);
  bind(model, "description", (d) => { desc.textContent = d || ""; desc.hidden = !d; group.setAttribute("aria-label", d || ""); });
  bind(model, ["_options_labels", "disabled"], (/** @type {string[]} */ labels, disabled) => {
    group.replaceChildren(...labels.map((text, i) => {
      const b = h("button", { class: "cw-button", type: "button", text });
      b.disabled = !!disabled;
      b.addEventListener("click", () => commit(model, "index", i));
      return b;
    }));
  });
  bind(model, ["index", "_options_labels"], (index) => {
    [...group.children].forEach((b, i) => b.setAttribute("aria-pressed", i === index ? "true" : "false"));
  });
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function selectMultiple(model, root) {
  const select = h("select", { multiple: true });
  root.style.alignItems = "flex-start";
  root.append(descriptionLabel(model, select), select);
  bind(model, ["_options_labels", "rows"], (/** @type {string[]} */ labels, rows) => {
    select.replaceChildren(...labels.map((text, i) => h("option", { value: i, text })));
    select.size = rows || 5;
  });
  bind(model, ["index", "_options_labels"], (index) => {
    const chosen = new Set(index);
    [...select.options].forEach((option, i) => { option.selected = chosen.has(i); });
  });
  bindDisabled(model, select);
  select.addEventListener("change", () => {
    commit(model, "index", [...select.selectedOptions].map((o) => Number(o.value)));
  });
}

/** @param {RenderArgs} args */
export function render(args) {
  return renderView({
    Dropdown: dropdown, RadioButtons: radioButtons, ToggleButtons: toggleButtons, SelectMultiple: selectMultiple,
  }, args);
}
