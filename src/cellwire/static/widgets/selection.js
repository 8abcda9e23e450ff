// Views of Dropdown, RadioButtons, ToggleButtons and SelectMultiple. Only labels and indices
// travel: the kernel maps the index back to the option's Python value.

function dropdown(model, root) {
  const select = h("select");
  root.append(descriptionLabel(model, select), select);
  bind(model, ["_options_labels", "index"], (labels, index) => {
    select.replaceChildren(...labels.map((text, i) => h("option", { value: i, text })));
    select.selectedIndex = index === null ? -1 : index;
  });
  bindDisabled(model, select);
  select.addEventListener("change", () => commit(model, "index", select.selectedIndex));
}

function radioButtons(model, root) {
  const group = h("div", { class: "cw-radio", role: "radiogroup" });
  const name = cwId("cw-radio");
  const desc = h("span", { class: "cw-label", id: cwId("cw-desc") });
  group.setAttribute("aria-labelledby", desc.id);
  root.style.alignItems = "flex-start";
  root.append(desc, group);
  bind(model, "description", (d) => { desc.textContent = d || ""; desc.hidden = !d; });
  bind(model, ["_options_labels", "index", "disabled"], (labels, index, disabled) => {
    group.replaceChildren(...labels.map((text, i) => {
      const input = h("input", { type: "radio", name, value: i, id: `${name}-${i}` });
      input.checked = i === index;
      input.disabled = !!disabled;
      input.addEventListener("change", () => { if (input.checked) commit(model, "index", i); });
      return h("label", { for: input.id }, input, ` ${text}`);
    }));
  });
}

function toggleButtons(model, root) {
  const group = h("div", { class: "cw-box", role: "group" });
  const desc = h("span", { class: "cw-label" });
  root.append(desc, group);
  bind(model, "description", (d) => { desc.textContent = d || ""; desc.hidden = !d; group.setAttribute("aria-label", d || ""); });
  bind(model, ["_options_labels", "index", "disabled"], (labels, index, disabled) => {
    group.replaceChildren(...labels.map((text, i) => {
      const b = h("button", { class: "cw-button", type: "button", "aria-pressed": i === index ? "true" : "false", text });
      b.disabled = !!disabled;
      b.addEventListener("click", () => commit(model, "index", i));
      return b;
    }));
  });
}

function selectMultiple(model, root) {
  const select = h("select", { multiple: true });
  root.style.alignItems = "flex-start";
  root.append(descriptionLabel(model, select), select);
  bind(model, ["_options_labels", "index", "rows"], (labels, index, rows) => {
    const chosen = new Set(index);
    select.replaceChildren(...labels.map((text, i) => {
      const option = h("option", { value: i, text });
      option.selected = chosen.has(i);
      return option;
    }));
    select.size = rows || 5;
  });
  bindDisabled(model, select);
  select.addEventListener("change", () => {
    commit(model, "index", [...select.selectedOptions].map((o) => Number(o.value)));
  });
}

export function render(args) {
  return renderView({
    Dropdown: dropdown, RadioButtons: radioButtons, ToggleButtons: toggleButtons, SelectMultiple: selectMultiple,
  }, args);
}
