// @ts-check
// Views of IntSlider, FloatSlider, IntRangeSlider, FloatRangeSlider, Progress and Play.

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function slider(model, root) {
  const isFloat = model.get("_view_name").startsWith("Float");
  const input = h("input", { type: "range" });
  const readout = h("output", { class: "cw-readout", for: "" });
  readout.htmlFor = input.id = cwId("cw-range");
  root.append(descriptionLabel(model, input), input, readout);
  bind(model, ["min", "max", "step"], (min, max, step) => {
    input.min = min;
    input.max = max;
    input.step = step;
  });
  bind(model, ["value", "readout", "readout_format", "min", "max"], (value, show, fmt) => {
    if (Number(input.value) !== value) input.value = value;
    readout.textContent = isFloat ? formatNumber(value, fmt || ".2f") : String(value);
    readout.hidden = show === false;
    input.setAttribute("aria-valuetext", readout.textContent);
  });
  bind(model, "orientation", (o) => {
    input.style.writingMode = o === "vertical" ? "vertical-lr" : "";
    input.style.direction = o === "vertical" ? "rtl" : "";
  });
  bindDisabled(model, input);
  const read = () => (isFloat ? parseFloat(input.value) : parseInt(input.value, 10));
  input.addEventListener("input", () => {
    readout.textContent = isFloat ? formatNumber(read(), model.get("readout_format") || ".2f") : String(read());
    if (model.get("continuous_update") !== false) commit(model, "value", read());
  });
  input.addEventListener("change", () => commit(model, "value", read()));
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function rangeSlider(model, root) {
  const isFloat = model.get("_view_name").startsWith("Float");
  const low = h("input", { type: "range", "aria-label": "lower value" });
  const high = h("input", { type: "range", "aria-label": "upper value" });
  const readout = h("output", { class: "cw-readout" });
  const desc = h("span", { class: "cw-label" });
  bind(model, "description", (d) => {
    desc.textContent = d || "";
    desc.hidden = !d;
    low.setAttribute("aria-label", `${d ? `${d} ` : ""}lower value`);
    high.setAttribute("aria-label", `${d ? `${d} ` : ""}upper value`);
  });
  root.append(desc, low, high, readout);
  const fmt = (/** @type {number} */ v) => (isFloat ? formatNumber(v, model.get("readout_format") || ".2f") : String(v));
  bind(model, ["min", "max", "step"], (min, max, step) => {
    for (const input of [low, high]) Object.assign(input, { min, max, step });
  });
  bind(model, ["value", "readout"], (value, show) => {
    low.value = value[0];
    high.value = value[1];
    readout.textContent = `${fmt(value[0])} – ${fmt(value[1])}`;
    readout.hidden = show === false;
  });
  bindDisabled(model, low, high);
  const read = (/** @type {HTMLInputElement} */ input) => (isFloat ? parseFloat(input.value) : parseInt(input.value, 10));
  const send = (/** @type {HTMLInputElement} */ which) => {
    let a = read(low), b = read(high);
    if (a > b) {
      if (which === low) b = a; else a = b;
      low.value = String(a);
      high.value = String(b);
    }
    readout.textContent = `${fmt(a)} – ${fmt(b)}`;
    commit(model, "value", [a, b]);
  };
  for (const input of [low, high]) {
    input.addEventListener("input", () => { if (model.get("continuous_update") !== false) send(input); });
    input.addEventListener("change", () => send(input));
  }
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function progress(model, root) {
  const bar = h("div", { class: "cw-bar", role: "progressbar" });
  const fill = h("div");
  const readout = h("span", { class: "cw-readout" });
  bar.append(fill);
  root.append(descriptionLabel(model, bar), bar, readout);
  bind(model, ["value", "min", "max", "bar_style"], (value, min, max, style) => {
    const frac = max > min ? (value - min) / (max - min) : 0;
    fill.style.width = `${Math.max(0, Math.min(1, frac)) * 100}%`;
    bar.setAttribute("aria-valuenow", value);
    bar.setAttribute("aria-valuemin", min);
    bar.setAttribute("aria-valuemax", max);
    bar.dataset.style = style || "";
    readout.textContent = `${Math.round(frac * 100)}%`;
  });
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 */
function play(model, root) {
  const button = h("button", { class: "cw-button", type: "button" });
  const stop = h("button", { class: "cw-button", type: "button", "aria-label": "stop", title: "stop", text: "■" });
  const repeat = h("button", { class: "cw-button", type: "button", "aria-label": "repeat", title: "repeat", text: "↻" });
  const readout = h("output", { class: "cw-readout" });
  const desc = h("span", { class: "cw-label" });
  bind(model, "description", (d) => { desc.textContent = d || ""; desc.hidden = !d; });
  root.append(desc, button, stop, repeat, readout);
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let timer;
  const tick = () => {
    const value = model.get("value") + model.get("step");
    if (value > model.get("max")) {
      if (model.get("repeat")) commit(model, "value", model.get("min"));
      else commit(model, "playing", false);
      return;
    }
    commit(model, "value", value);
  };
  bind(model, ["playing", "interval"], (playing, interval) => {
    button.textContent = playing ? "❚❚" : "▶";
    button.setAttribute("aria-label", playing ? "pause" : "play");
    button.setAttribute("aria-pressed", playing ? "true" : "false");
    clearInterval(timer);
    timer = playing ? setInterval(tick, Math.max(10, interval)) : undefined;
  });
  bind(model, "repeat", (r) => repeat.setAttribute("aria-pressed", r ? "true" : "false"));
  bind(model, ["value", "max"], (value, max) => { readout.textContent = `${value} / ${max}`; });
  bindDisabled(model, button, stop, repeat);
  button.addEventListener("click", () => {
    if (!model.get("playing") && model.get("value") >= model.get("max")) model.set("value", model.get("min"));
    commit(model, "playing", !model.get("playing"));
  });
  stop.addEventListener("click", () => {
    model.set("playing", false);
    commit(model, "value", model.get("min"));
  });
  repeat.addEventListener("click", () => commit(model, "repeat", !model.get("repeat")));
  return () => clearInterval(timer);
}

/** @param {RenderArgs} args */
export function render(args) {
  return renderView({
    IntSlider: slider, FloatSlider: slider, IntRangeSlider: rangeSlider, FloatRangeSlider: rangeSlider,
    Progress: progress, Play: play,
  }, args);
}
