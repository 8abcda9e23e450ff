// @ts-check
// The view of cellwire.dom.Element: HTML that Python sets, appends and removes, and DOM events
// sent back to Python, so a notebook user gets a live output without writing JavaScript.
// Listeners are delegated: one per (event, selector) on the output's element, in the capture
// phase so that events that don't bubble (focus, blur, mouseenter) are seen too.

/**
 * What Python's handler gets to know about a DOM event on `target`, a node inside `root`.
 * @param {Event} event
 * @param {Element} target
 * @param {HTMLElement} root
 * @returns {Record<string, any>}
 */
function describe(event, target, root) {
  const box = root.getBoundingClientRect();
  // HTML, SVG and MathML elements have a dataset; other nodes (text, XML) have none.
  const dataset = /** @type {Partial<HTMLOrSVGElement>} */ (target).dataset;
  /** @type {Record<string, any>} */
  const info = {
    type: event.type,
    target: {
      tag: target.tagName ? target.tagName.toLowerCase() : "",
      id: target.id || "",
      classes: target.classList ? [...target.classList] : [],
      dataset: dataset ? { ...dataset } : {},
      text: (target.textContent || "").slice(0, 200),
    },
  };
  if ("value" in target) info.target.value = target.value;
  if ("checked" in target) info.target.checked = target.checked;
  if (event instanceof MouseEvent) {
    info.x = event.clientX - box.left;
    info.y = event.clientY - box.top;
    info.button = event.button;
  }
  if (event instanceof KeyboardEvent) info.key = event.key;
  for (const mod of ["altKey", "ctrlKey", "metaKey", "shiftKey"]) if (mod in event) info[mod.slice(0, -3)] = Reflect.get(event, mod);
  return info;
}

/**
 * A change from Python to the nodes matching `selector` (none: the output's element).
 * @typedef {{op: "set" | "append", selector?: string, html: string}
 *   | {op: "text", selector?: string, text: string}
 *   | {op: "attr", selector?: string, name: string, value: string | null}
 *   | {op: "remove", selector?: string}} DomChange
 */

/**
 * Start listening to `event` on the nodes matching `selector` (sent to Python as `id`).
 * @typedef {{op: "listen", id: string, event: string, selector?: string, prevent_default?: boolean}} Listen
 */

/** @typedef {DomChange | Listen | {op: "unlisten", id: string}} DomOp */

/**
 * @param {{channel: ChannelHandle, el: HTMLElement}} args
 */
export function render({ channel, el }) {
  /** @type {Map<string, [string, (ev: Event) => void]>} id -> [event, handler] */
  const listeners = new Map();

  /** @param {string} [selector] @returns {Element[]} */
  function targets(selector) {
    return selector ? [...el.querySelectorAll(selector)] : [el];
  }

  /** @param {DomChange} op */
  function apply(op) {
    for (const node of targets(op.selector)) {
      if (op.op === "set") node.innerHTML = op.html;
      else if (op.op === "append") node.insertAdjacentHTML("beforeend", op.html);
      else if (op.op === "text") node.textContent = op.text;
      else if (op.op === "attr") op.value === null ? node.removeAttribute(op.name) : node.setAttribute(op.name, op.value);
      else if (op.op === "remove" && node !== el) node.remove();
    }
  }

  /** @param {Listen} op */
  function listen({ id, event, selector, prevent_default: preventDefault }) {
    /** @param {Event} ev */
    const handler = (ev) => {
      const start = ev.target instanceof Element ? ev.target : null;
      const target = selector ? start?.closest(selector) : el;
      if (!target || !el.contains(target)) return;
      if (preventDefault) ev.preventDefault();
      channel.send({ op: "event", id, event: describe(ev, target, el) });
    };
    el.addEventListener(event, handler, true);
    listeners.set(id, [event, handler]);
  }

  /** @param {string} id */
  function unlisten(id) {
    const entry = listeners.get(id);
    if (entry) el.removeEventListener(entry[0], entry[1], true);
    listeners.delete(id);
  }

  /** @param {DomOp} message */
  function receive(message) {
    if (message.op === "listen") listen(message);
    else if (message.op === "unlisten") unlisten(message.id);
    else apply(message);
  }

  /** @param {{ops: DomOp[]}} init */
  function reset(init) {
    for (const id of [...listeners.keys()]) unlisten(id);
    el.innerHTML = "";
    for (const message of init.ops) receive(message);
  }

  reset(channel.init);
  const offMessage = channel.on("message", receive);
  const offResync = channel.on("resync", reset);
  return () => {
    offMessage();
    offResync();
    for (const id of [...listeners.keys()]) unlisten(id);
  };
}
