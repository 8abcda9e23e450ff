// The view of cellwire.dom.Element: HTML that Python sets, appends and removes, and DOM events
// sent back to Python, so a notebook user gets a live output without writing JavaScript.
// Listeners are delegated: one per (event, selector) on the output's element, in the capture
// phase so that events that don't bubble (focus, blur, mouseenter) are seen too.

function describe(event, target, root) {
  const box = root.getBoundingClientRect();
  const info = {
    type: event.type,
    target: {
      tag: target.tagName ? target.tagName.toLowerCase() : "",
      id: target.id || "",
      classes: target.classList ? [...target.classList] : [],
      dataset: target.dataset ? { ...target.dataset } : {},
      text: (target.textContent || "").slice(0, 200),
    },
  };
  if ("value" in target) info.target.value = target.value;
  if ("checked" in target) info.target.checked = target.checked;
  if ("clientX" in event) {
    info.x = event.clientX - box.left;
    info.y = event.clientY - box.top;
    info.button = event.button;
  }
  if ("key" in event) info.key = event.key;
  for (const mod of ["altKey", "ctrlKey", "metaKey", "shiftKey"]) if (mod in event) info[mod.slice(0, -3)] = event[mod];
  return info;
}

export function render({ channel, el }) {
  const listeners = new Map(); // id -> [event, handler]

  function targets(selector) {
    return selector ? [...el.querySelectorAll(selector)] : [el];
  }

  function apply(op) {
    for (const node of targets(op.selector)) {
      if (op.op === "set") node.innerHTML = op.html;
      else if (op.op === "append") node.insertAdjacentHTML("beforeend", op.html);
      else if (op.op === "text") node.textContent = op.text;
      else if (op.op === "attr") op.value === null ? node.removeAttribute(op.name) : node.setAttribute(op.name, op.value);
      else if (op.op === "remove" && node !== el) node.remove();
    }
  }

  function listen({ id, event, selector, prevent_default: preventDefault }) {
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

  function unlisten(id) {
    const entry = listeners.get(id);
    if (entry) el.removeEventListener(entry[0], entry[1], true);
    listeners.delete(id);
  }

  function receive(message) {
    if (message.op === "listen") listen(message);
    else if (message.op === "unlisten") unlisten(message.id);
    else apply(message);
  }

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
