"""While the kernel is busy (issue 6): events during a running cell, blocking waits, interrupts,
and calls between Python and JavaScript, in a real browser against a real server."""

from __future__ import annotations

import json
import time

import pytest

pytestmark = pytest.mark.e2e

LAB = pytest.mark.parametrize("server_config", [("lab", "/")], indirect=True)

BUTTON_ESM = """
export function render({ channel, el }) {
  const button = document.createElement("button");
  button.className = "cw-test-button";
  button.textContent = "Stop";
  button.onclick = () => channel.send({ clicked_at: Date.now(), value: 42 });
  el.appendChild(button);
}
"""


def last_json(notebook, locator) -> dict:
    """The JSON object a cell printed on its last output line."""
    return json.loads(notebook.output_text(locator).splitlines()[-1])


STOP_CELL = f"""
import json, threading, time
import cellwire as cw
stop = cw.Channel(esm={BUTTON_ESM!r})
clicked = threading.Event()
info = {{}}
def on_stop(msg):
    info["clicked_at"] = msg.data["clicked_at"] / 1000
    clicked.set()
stop.on_message(on_stop)
display(stop)
start = time.time()
n = 0
while time.time() - start < 10 and not clicked.is_set():
    n += 1
end = time.time()
print(json.dumps({{"stopped": clicked.is_set(), "ran": end - start,
                  "latency": end - info.get("clicked_at", end), "n": n}}))
"""


def stop_latency(notebook) -> float:
    """Run a cell that shows a Stop button and then spins for up to 10 s in pure Python (holding
    the GIL between switches); click Stop while it runs. Seconds from the click to the loop's end
    (page and kernel share this machine's clock)."""
    cell = notebook.start(STOP_CELL)
    out = notebook.output(cell)
    out.locator("button.cw-test-button").click(timeout=20_000)
    notebook.wait_finished(cell, timeout=20)
    result = last_json(notebook, out)
    assert result["stopped"] and result["ran"] < 9.5, result
    return result["latency"]


def test_stop_button_stops_a_busy_loop_within_200_ms(notebook):
    """Every front-end and base_url. The first output on the page appears during the loop, so even
    the runtime loads while the kernel is busy. Three runs, judged by the median, because this
    machine is shared and one slow scheduling of a process says nothing about cellwire."""
    latencies = sorted(stop_latency(notebook) for _ in range(3))
    print("stop latencies (ms):", [round(x * 1000, 1) for x in latencies])
    assert all(x >= 0 for x in latencies), latencies
    assert latencies[1] < 0.2, latencies
    assert latencies[2] < 1.0, latencies


@LAB
def test_wait_for_blocks_and_continues_with_the_clicked_value(notebook):
    code = f"""
import traitlets
import cellwire as cw
class Picked(traitlets.HasTraits):
    value = traitlets.Any(None)
picked = Picked()
button = cw.Channel(esm={BUTTON_ESM!r})
button.on_message(lambda msg: setattr(picked, "value", msg.data["value"]))
display(button)
value = cw.wait_for(picked, "value", timeout=60)
print("continued with", value)
"""
    cell = notebook.start(code)
    out = notebook.output(cell)
    out.locator("button.cw-test-button").wait_for(timeout=20_000)
    time.sleep(0.5)
    assert not notebook.is_finished(cell), "the cell must be blocked until the click"
    out.locator("button.cw-test-button").click()
    notebook.wait_finished(cell, timeout=20)
    assert notebook.output_text(out).splitlines()[-1] == "continued with 42"


@LAB
def test_interrupt_during_wait_for_raises_keyboard_interrupt_cleanly(notebook):
    code = """
import traitlets
import cellwire as cw
class Picked(traitlets.HasTraits):
    value = traitlets.Any(None)
picked = Picked()
try:
    cw.wait_for(picked, "value")
finally:
    print("observers left:", sum(len(h) for by_type in picked._trait_notifiers.values() for h in by_type.values()))
"""
    cell = notebook.start(code)
    time.sleep(1.5)
    assert not notebook.is_finished(cell)
    started = time.monotonic()
    notebook.interrupt_kernel()
    notebook.wait_finished(cell, timeout=10)
    took = time.monotonic() - started
    text = notebook.output_text(notebook.output(cell))
    print("interrupt to finished (s):", round(took, 3))
    assert "observers left: 0" in text
    assert "KeyboardInterrupt" in text
    assert took < 3
    out = notebook.run("print('kernel still fine', picked.value)")
    assert notebook.output_text(out) == "kernel still fine None"


CALC_ESM = """
export function render({ channel, el }) {
  el.textContent = "calculator";
  channel.expose({
    mul: (a, b) => a * b,
    later: async (x) => { await new Promise((r) => setTimeout(r, 50)); return { x, bytes: new Uint8Array([1, 2, 3]) }; },
    boom: () => { throw new TypeError("bad thing in JS"); },
  });
}
"""


@LAB
def test_python_calls_javascript_while_its_cell_runs(notebook):
    """Display, then call into the view from the same cell: the view attaches and answers while
    the cell is still running. Values, binary results, JS errors and eval_js."""
    code = f"""
import cellwire as cw
calc = cw.Channel(esm={CALC_ESM!r})
display(calc)
print("mul", calc.call("mul", 6, 7))
res = calc.call("later", "x")
print("later", res["x"], bytes(res["bytes"]).hex())
try:
    calc.call("boom")
except cw.JSError as err:
    print("JSError", err.name, "|", err.js_message, "|", "boom" in err.stack)
try:
    calc.call("missing")
except cw.JSError as err:
    print("missing", err.name)
print("eval", calc.eval_js("el.textContent + ' ' + (args.n * 2)", {{"n": 21}}))
print("body", calc.eval_js("const r = el.getBoundingClientRect(); return r.width > 0"))
try:
    cw.Channel().call("x", timeout=0.3)
except cw.NoViewError as err:
    print("noview", "Display it" in str(err))
"""
    out = notebook.run(code, timeout=60)
    lines = notebook.output_text(out).splitlines()
    assert "mul 42" in lines
    assert "later x 010203" in lines
    assert "JSError TypeError | bad thing in JS | True" in lines
    assert "missing ReferenceError" in lines
    assert "eval calculator 42" in lines
    assert "body True" in lines
    assert "noview True" in lines


INVOKE_ESM = """
export function render({ channel, el }) {
  el.textContent = "invoker";
}
"""


@LAB
def test_javascript_invokes_python_with_values_and_errors(notebook):
    out = notebook.run(f"""
import cellwire as cw
ch = cw.Channel(esm={INVOKE_ESM!r})
@ch.expose
def add(a, b):
    return a + b
@ch.expose("echo_bytes")
def echo(data, *, times=1):
    return {{"n": len(data), "data": bytes(data) * times}}
@ch.expose
def fail(message):
    raise ValueError(message)
ch
""")
    el = out.locator(".cellwire-output")
    el.locator(".cellwire-live").wait_for(timeout=20_000)
    result = el.evaluate("""async (el) => {
        const ch = el.__cellwire.channel;
        const sum = await ch.invoke("add", [2, 3]);
        const echoed = await ch.invoke("echo_bytes", [new Uint8Array([7, 8])], { kwargs: { times: 2 } });
        let error = null;
        try { await ch.invoke("fail", ["no good"]); } catch (err) { error = { message: err.message, type: err.pythonType, tb: err.pythonTraceback.includes("ValueError") }; }
        let missing = null;
        try { await ch.invoke("nope"); } catch (err) { missing = err.message; }
        return { sum, n: echoed.n, bytes: Array.from(new Uint8Array(echoed.data.buffer, echoed.data.byteOffset, echoed.data.byteLength)), error, missing };
    }""")
    assert result["sum"] == 5
    assert result["n"] == 2 and result["bytes"] == [7, 8, 7, 8]
    assert result["error"] == {"message": "ValueError: no good", "type": "ValueError", "tb": True}
    assert "no Python function 'nope'" in result["missing"]


@LAB
def test_javascript_invokes_python_while_a_cell_runs(notebook):
    out = notebook.run(f"""
import cellwire as cw
ch = cw.Channel(esm={INVOKE_ESM!r})
ch.expose(lambda: "answered", name="ping")
ch
""")
    el = out.locator(".cellwire-output")
    el.locator(".cellwire-live").wait_for(timeout=20_000)
    cell = notebook.start("import time\ntime.sleep(6)")
    time.sleep(0.5)
    took = el.evaluate("""async (el) => {
        const start = performance.now();
        const value = await el.__cellwire.channel.invoke("ping");
        return [value, performance.now() - start];
    }""")
    assert took[0] == "answered"
    assert took[1] < 1000, took
    assert not notebook.is_finished(cell)
    notebook.wait_finished(cell, timeout=20)


@LAB
def test_dom_element_driven_from_python_with_events_back(notebook):
    out = notebook.run("""
import cellwire as cw
box = cw.Element("<button class='go'>Go</button> <span class='n'>0</span> <input class='name'>")
clicks, names = [], []
def on_click(event):
    clicks.append(event.target["tag"])
    box.set_text(len(clicks), selector=".n")
box.on("click", on_click, selector=".go")
box.on("input", lambda event: names.append(event.value), selector=".name")
box
""")
    live = out.locator(".cellwire-live")
    live.locator("button.go").click(timeout=20_000)
    live.locator("button.go").click()
    live.locator("span.n", has_text="2").wait_for(timeout=5_000)
    live.locator("input.name").press_sequentially("ab")
    notebook.page.wait_for_function("el => el.querySelector('input.name').value === 'ab'", arg=live.element_handle())
    deadline = time.monotonic() + 5
    while notebook.kernel_eval("names") != "['a', 'ab']" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert notebook.kernel_eval("names") == "['a', 'ab']"
    assert notebook.kernel_eval("clicks") == "['button', 'button']"

    notebook.run("box.append(\"<p class='more'>more</p>\"); box.set_attr('disabled', '', selector='.go')")
    live.locator("p.more").wait_for(timeout=5_000)
    assert live.locator("button.go").is_disabled()

    # A second output of the same element shows the same content and listens too.
    second = notebook.run("box").locator(".cellwire-live")
    second.locator("p.more").wait_for(timeout=20_000)
    assert second.locator("span.n").inner_text() == "2"
    notebook.run("box.set_attr('disabled', None, selector='.go')")
    second.locator("button.go:not([disabled])").click(timeout=5_000)
    live.locator("span.n", has_text="3").wait_for(timeout=5_000)


@LAB
def test_without_subshells_events_wait_for_the_cell_and_waits_refuse_clearly(notebook):
    """A kernel without subshells (simulated: cellwire's subshell switched off before any output):
    the page uses the main shell, a click during a running cell is handled after it, and
    wait_for says why it cannot work instead of hanging."""
    notebook.run(
        "import cellwire as cw\nfrom cellwire.transport.kernel_link import get_link\nget_link().subshell_id = None"
    )
    button_out = notebook.run(f"""
import time, traitlets
clicked_at = []
button = cw.Channel(esm={BUTTON_ESM!r})
button.on_message(lambda msg: clicked_at.append(time.time()))
button
""")
    button_out.locator("button.cw-test-button").wait_for(timeout=20_000)
    cell = notebook.start("""
class Picked(traitlets.HasTraits):
    value = traitlets.Any(None)
try:
    cw.wait_for(Picked(), "value")
except cw.WouldDeadlock as err:
    print("refused:", "no subshells" in str(err))
time.sleep(3)
ended_at = time.time()
""")
    time.sleep(0.5)
    button_out.locator("button.cw-test-button").click()
    assert not notebook.is_finished(cell)
    out = notebook.output(cell)
    notebook.wait_finished(cell, timeout=20)
    assert "refused: True" in notebook.output_text(out)
    deadline = time.monotonic() + 5
    while notebook.kernel_eval("len(clicked_at)") != "1" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert notebook.kernel_eval("clicked_at[0] >= ended_at") == "True"
    button_out.locator("button.cw-test-button").click()
    deadline = time.monotonic() + 5
    while notebook.kernel_eval("len(clicked_at)") != "2" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert notebook.kernel_eval("len(clicked_at)") == "2"


@LAB
def test_after_a_kernel_restart_the_page_uses_the_new_kernels_subshell(notebook):
    out = notebook.run(f"import cellwire as cw\ncw.Channel(esm={BUTTON_ESM!r})")
    out.locator("button.cw-test-button").wait_for(timeout=20_000)
    notebook.restart_kernel()
    assert stop_latency(notebook) < 1.0


@LAB
def test_a_cell_waits_for_a_click_on_an_element_and_gets_its_position(notebook):
    cell = notebook.start("""
import cellwire as cw
area = cw.Element("<div class='area' style='width:200px;height:100px;background:#ddd'></div>")
display(area)
event = area.wait("click", ".area", timeout=60)
print("picked", round(event.x), round(event.y), event.target["classes"])
""")
    out = notebook.output(cell)
    out.locator(".cellwire-live .area").click(position={"x": 30, "y": 40}, timeout=20_000)
    notebook.wait_finished(cell, timeout=20)
    assert notebook.output_text(out).splitlines()[-1] == "picked 30 40 ['area']"


@LAB
def test_events_during_a_cell_keep_the_kernel_shown_busy(notebook):
    """cellwire's subshell publishes no busy/idle: an event during a cell must not make Lab's
    indicator, or the server's execution_state (which idle-culling trusts), say idle."""
    cell = notebook.start(f"""
import time
import cellwire as cw
button = cw.Channel(esm={BUTTON_ESM!r})
button.on_message(lambda msg: None)
display(button)
time.sleep(6)
""")
    out = notebook.output(cell)
    for _ in range(3):
        out.locator("button.cw-test-button").click(timeout=20_000)
    time.sleep(0.5)
    lab_status = notebook.page.evaluate(
        """path => {
        for (const w of window.jupyterapp.shell.widgets('main'))
            if (w.context && w.context.path === path) return w.sessionContext.session.kernel.status;
    }""",
        notebook.path,
    )
    server_state = notebook.server.api("GET", f"api/kernels/{notebook.kernel_id}")["execution_state"]
    assert not notebook.is_finished(cell)
    assert (lab_status, server_state) == ("busy", "busy")
    notebook.wait_finished(cell, timeout=20)


@LAB
def test_a_reloaded_page_reaches_the_running_cell(notebook):
    """The saved output's spec names the subshell: after a reload, the page loads the runtime and
    connects while the cell that made the output is still running, and its click stops it."""
    cell = notebook.start(f"""
import threading, time
import cellwire as cw
clicked = threading.Event()
stop = cw.Channel(esm={BUTTON_ESM!r})
stop.on_message(lambda msg: clicked.set())
display(stop)
start = time.time()
while time.time() - start < 60 and not clicked.is_set():
    time.sleep(0.01)
ran = time.time() - start
""")
    notebook.output(cell).locator("button.cw-test-button").wait_for(timeout=20_000)
    notebook.save()
    started = time.monotonic()
    notebook.page.reload()
    notebook.page.locator(".cellwire-live button.cw-test-button").click(timeout=30_000)
    deadline = time.monotonic() + 10
    while notebook.kernel_eval("clicked.is_set()") != "True" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert float(notebook.kernel_eval("ran")) < time.monotonic() - started + 5


@LAB
def test_python_calls_reach_the_reloaded_page_not_the_old_one(notebook):
    """The old page says goodbye on pagehide, but the server may drop that message with the
    closing socket; either way the newest view answers, without waiting for the old one."""
    out = notebook.run(f"import cellwire as cw\ncalc = cw.Channel(esm={CALC_ESM!r})\ncalc")
    out.locator(".cellwire-live").wait_for(timeout=20_000)
    notebook.save()
    notebook.reload()
    notebook.cell_output(-1).locator(".cellwire-live").wait_for(timeout=30_000)
    started = time.monotonic()
    assert notebook.kernel_eval("calc.call('mul', 2, 3, timeout=5)") == "6"
    assert time.monotonic() - started < 2
