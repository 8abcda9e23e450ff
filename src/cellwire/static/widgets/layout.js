// @ts-check
// Views of Box/HBox/VBox, Grid, Tab and Accordion. Children are other models, shown live with
// `cellwire.display(ref, el)` (each child is a view of its own model, synced like any other).

/**
 * Mounted children, reused across re-renders while the same ref stays in `children`.
 * @param {CellwireHelpers} cellwire
 */
function childMounter(cellwire) {
  /** @type {Map<string, {el: HTMLElement, handle: {dispose(): void}}>} ref -> its element and view */
  const mounted = new Map();
  return {
    /** @param {string} ref */
    get(ref) {
      let entry = mounted.get(ref);
      if (!entry) {
        const el = h("div", { class: "cw-child" });
        entry = { el, handle: cellwire.display(ref, el) };
        mounted.set(ref, entry);
      }
      return entry.el;
    },
    /** @param {string[]} refs */
    keep(refs) {
      for (const [ref, entry] of mounted) {
        if (!refs.includes(ref)) {
          entry.handle.dispose();
          mounted.delete(ref);
        }
      }
    },
    disposeAll() { this.keep([]); },
  };
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 * @param {CellwireHelpers} cellwire
 */
function box(model, root, cellwire) {
  const kind = model.get("_view_name");
  const children = childMounter(cellwire);
  root.classList.add("cw-box");
  root.style.alignItems = "flex-start";
  root.style.flexWrap = kind === "HBox" || kind === "Box" ? "wrap" : "";
  root.style.flexDirection = kind === "VBox" ? "column" : "row";
  if (kind === "Grid") root.style.display = "grid";
  bind(model, ["children", "gap"], (/** @type {string[]} */ refs, gap) => {
    children.keep(refs);
    root.replaceChildren(...refs.map((ref) => children.get(ref)));
    root.style.gap = gap;
  });
  if (kind === "Grid") {
    bind(model, ["n_columns", "template"], (n, template) => {
      root.style.gridTemplateColumns = template || `repeat(${n}, auto)`;
    });
  }
  return () => children.disposeAll();
}

/**
 * @param {WidgetModel} model
 * @param {number} i
 */
function titleOf(model, i) {
  const titles = model.get("titles") || [];
  return titles[i] || String(i + 1);
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 * @param {CellwireHelpers} cellwire
 */
function tab(model, root, cellwire) {
  const children = childMounter(cellwire);
  const list = h("div", { role: "tablist" });
  const panels = h("div");
  root.classList.add("cw-tabs");
  root.style.display = "block";
  root.append(list, panels);
  const prefix = cwId("cw-tab");
  const select = (/** @type {number} */ i) => commit(model, "selected_index", i);
  bind(model, ["children", "titles", "selected_index"], (/** @type {string[]} */ refs, _titles, selected) => {
    children.keep(refs);
    const tabs = refs.map((ref, i) => {
      const on = i === selected;
      const t = h("button", {
        role: "tab", id: `${prefix}-${i}`, "aria-selected": on ? "true" : "false",
        "aria-controls": `${prefix}-panel-${i}`, tabindex: on ? "0" : "-1", type: "button", text: titleOf(model, i),
      });
      t.addEventListener("click", () => select(i));
      t.addEventListener("keydown", (event) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!step) return;
        const next = (i + step + refs.length) % refs.length;
        select(next);
        requestAnimationFrame(() => /** @type {HTMLElement | undefined} */ (list.children[next])?.focus());
      });
      return t;
    });
    list.replaceChildren(...tabs);
    panels.replaceChildren(...refs.map((ref, i) => {
      const panel = h("div", { role: "tabpanel", class: "cw-panel", id: `${prefix}-panel-${i}`, "aria-labelledby": `${prefix}-${i}` });
      panel.hidden = i !== selected;
      panel.append(children.get(ref));
      return panel;
    }));
  });
  return () => children.disposeAll();
}

/**
 * @param {WidgetModel} model
 * @param {HTMLElement} root
 * @param {CellwireHelpers} cellwire
 */
function accordion(model, root, cellwire) {
  const children = childMounter(cellwire);
  root.classList.add("cw-accordion");
  root.style.display = "block";
  const prefix = cwId("cw-acc");
  bind(model, ["children", "titles", "selected_index"], (/** @type {string[]} */ refs, _titles, selected) => {
    children.keep(refs);
    root.replaceChildren(...refs.map((ref, i) => {
      const open = i === selected;
      const head = h("button", { type: "button", "aria-expanded": open ? "true" : "false",
                                 "aria-controls": `${prefix}-${i}`, text: titleOf(model, i) });
      head.addEventListener("click", () => commit(model, "selected_index", open ? null : i));
      const body = h("div", { class: "cw-panel", id: `${prefix}-${i}`, role: "region" });
      body.hidden = !open;
      body.append(children.get(ref));
      return h("div", { class: "cw-section" }, head, body);
    }));
  });
  return () => children.disposeAll();
}

/** @param {RenderArgs} args */
export function render(args) {
  return renderView({ Box: box, HBox: box, VBox: box, Grid: box, Tab: tab, Accordion: accordion }, args);
}
