"""Scenario 7: hostile and broken input. A seeded fuzz (raw WebSocket client and JavaScript in
the page) leaves the kernel and the other widgets working, with a log line per bad message; and
widget strings are text, never markup (except the HTML widget's value)."""

from __future__ import annotations

import json
import re
import struct
import time
import uuid

import pytest
from fuzz_messages import Fuzzer
from harness import pack_v1
from playwright.sync_api import expect
from widget_helpers import ALL_FRONTENDS, LAB_AND_NB7, live, wait_kernel

pytestmark = pytest.mark.e2e

TWO_SLIDERS = """
import comm, cellwire as cw
victim = cw.IntSlider(5, description='victim')        # the fuzz's messages go to this one
bystander = cw.IntSlider(1, description='bystander')  # this one must keep working
display(victim, bystander)
"""
LOG_LINE = re.compile(r"^\[cellwire (WARNING|INFO)\] ", re.M)


def bystander_still_works(notebook) -> None:
    shown = notebook.page.locator(".cellwire-output > .cellwire-live")
    shown.get_by_label("bystander").focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "bystander.value", "2")
    notebook.kernel_eval("setattr(bystander, 'value', 50)")
    expect(shown.get_by_label("bystander")).to_have_value("50")
    assert notebook.kernel_eval("victim.value") == "5"  # every change the fuzz tried was refused
    out = notebook.run("print('other output', 6 * 7)")  # and the notebook's own output arrives
    assert notebook.output_text(out) == "other output 42"


def new_log(notebook, start: int) -> str:
    return notebook.server.log_text()[start:]


def comm_reply(client, comm_id: str, op: str, timeout: float = 20) -> dict:
    """The kernel's next ``op`` message on the comm (the error answers before it are skipped)."""
    msg = client.wait_for(
        lambda m: (
            m["header"]["msg_type"] == "comm_msg"
            and m["content"]["comm_id"] == comm_id
            and m["content"]["data"].get("op") == op
        ),
        timeout,
    )
    return msg["content"]["data"]


@pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)
def test_fuzz_from_a_raw_websocket_client(notebook):
    live(notebook.run(TWO_SLIDERS), 1)
    # the beacon and the page's connection; the loader's runtime request was closed
    assert notebook.kernel_eval("len(comm.get_comm_manager().comms)") == "2"
    victim = notebook.kernel_eval("victim.target_id").strip("'")
    log_start = len(notebook.server.log_text())
    hellos, messages = 200, 10_000
    started = time.monotonic()
    with notebook.kernel_client() as client:
        fuzz = Fuzzer(seed=20240607, instance="", view="fuzz-view")
        for i in range(hellos):  # connections the kernel must refuse (and forget)
            client.send(
                "shell", "comm_open", {"comm_id": f"fuzz-hello-{i}", "target_name": "cellwire", "data": fuzz.hello(i)}
            )
        comm_id = uuid.uuid4().hex
        client.send(
            "shell",
            "comm_open",
            {
                "comm_id": comm_id,
                "target_name": "cellwire",
                "data": {"op": "hello", "protocol": 1, "page": "fuzz", "runtime": "fuzz"},
            },
        )
        welcome = comm_reply(client, comm_id, "welcome")
        fuzz.instance = welcome["instance"]
        client.send(
            "shell",
            "comm_msg",
            {
                "comm_id": comm_id,
                "data": {"op": "attach", "view": "fuzz-view", "target": victim, "instance": welcome["instance"]},
            },
        )
        assert comm_reply(client, comm_id, "attached")["view"] == "fuzz-view"
        for i in range(messages):
            data, buffers = fuzz.message(i)
            client.send("shell", "comm_msg", {"comm_id": comm_id, "data": data}, buffers=buffers)
        client.send("shell", "comm_msg", {"comm_id": comm_id, "data": {"op": "ping", "id": "done"}})
        assert comm_reply(client, comm_id, "pong", timeout=60) == {"op": "pong", "id": "done"}
        elapsed = time.monotonic() - started
        client.send("shell", "comm_close", {"comm_id": comm_id, "data": {}})
        client.request("kernel_info_request")  # (the close has arrived before the socket closes)
    print(f"\n{hellos + messages} bad messages handled in {elapsed:.1f} s")
    assert elapsed < 60
    log = new_log(notebook, log_start)
    assert len(LOG_LINE.findall(log)) >= hellos + messages  # a clear line for each
    assert "Traceback" not in log and "handler-error" not in log  # nothing escaped, no handler bug

    # frames that are not kernel messages at all (truncated, garbage): the server's and
    # ipykernel's business (ipykernel logs "Invalid Message"), but the kernel must survive them
    frame = pack_v1("shell", [b"{}", b"{}", b"{}", b"{}"])
    # (each starts with a small offset count: jupyter_server loops over a huge one before
    # checking it, which hangs the server, not the kernel)
    junk = [frame[:n] for n in (8, 20, len(frame) - 1)] + [struct.pack("<Q", 3) + b"\xff" * 40]
    junk += ["{not json", json.dumps({"channel": "shell"}), json.dumps({"header": 5, "channel": "shell"})]
    for chunk in junk:
        try:
            with notebook.kernel_client() as raw:
                raw.send_raw(chunk)
                time.sleep(0.05)
        except Exception:  # the server may refuse or close such a socket; that is fine
            pass

    bystander_still_works(notebook)
    assert "IOPub message rate exceeded" not in notebook.server.log_text()
    assert notebook.kernel_eval("len(comm.get_comm_manager().comms)") == "2"  # refused hellos forgotten


PAGE_FUZZ = """([seed, n]) => {
    // a seeded generator of bad messages, sent on the page's own connection, past every check
    let state = seed;
    const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = (items) => items[Math.floor(random() * items.length)];
    const link = [...window.__cellwire.links.values()][0];
    const victim = [...window.__cellwire.views].find((v) => v.model && v.model.get('description') === 'victim');
    const junk = () => pick([null, true, 7, -1.5, '', 'x'.repeat(5000), [1, [2]], { a: { b: null } }, '<img src=x>']);
    const makers = [
        (i) => junk(),
        (i) => ({ op: `nope-${i}` }),
        (i) => ({ op: pick([1, null, [], {}]) }),
        (i) => ({ op: 'attach', view: i, target: 't', instance: 'i' }),
        (i) => ({ op: 'attach', view: `v${i}`, target: `t${i}`, instance: 'an-older-kernel' }),
        (i) => ({ op: 'msg', view: `ghost-${i}`, data: junk() }),
        (i) => ({ op: 'msg', view: victim.id, data: { method: 'update', seq: i, state: { value: pick(['7', null, [], 1.5]) } } }),
        (i) => ({ op: 'msg', view: victim.id, data: { method: 'update', seq: 'one', state: {} } }),
        (i) => ({ op: 'msg', view: victim.id, data: { method: pick(['', 'Update', 5]) } }),
        (i) => ({ op: 'msg', view: victim.id, data: { method: 'update', seq: i, state: { [`nothing_${i}`]: 1 } } }),
        (i) => ({ op: 'call', view: victim.id, id: `c${i}`, name: `missing_${i}` }),
        (i) => ({ op: 'chunk', upload: `u${i}`, index: i + 1 }),
        (i) => ({ op: 'release', outputs: [i] }),
        (i) => ({ op: 'hello', protocol: 1, page: 'p', runtime: 'r' }),
    ];
    for (let i = 0; i < n; i++) {
        const data = pick(makers)(i);
        link._commMsg(data, data && data.op === 'chunk' ? [new Uint8Array(3)] : []);
    }
    // and the public API, misused
    for (let i = 0; i < 50; i++) {
        victim.model.set('value', pick(['seven', null, { x: 1 }]));
        victim.model.save_changes();
    }
    return n + 50;
}"""


@pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)
def test_fuzz_from_javascript_in_the_page(notebook):
    live(notebook.run(TWO_SLIDERS), 1)
    log_start = len(notebook.server.log_text())
    sent = notebook.page.evaluate(PAGE_FUZZ, [42, 3000])
    notebook.page.evaluate("() => new Promise((done) => setTimeout(done, 0))")
    assert notebook.page.evaluate("[...window.__cellwire.links.values()][0].ping()") < 30_000
    victim_status = notebook.page.locator(".cellwire-output").first.locator(".cellwire-status")
    expect(victim_status).to_be_visible()  # the victim says its messages were refused
    bystander_still_works(notebook)
    # (every bad message is logged; the 50 misuses of the API go one at a time, with acks)
    wait_log = time.monotonic() + 20
    while len(LOG_LINE.findall(new_log(notebook, log_start))) < sent - 49 and time.monotonic() < wait_log:
        time.sleep(0.5)
    log = new_log(notebook, log_start)
    assert len(LOG_LINE.findall(log)) >= sent - 49
    assert "Traceback" not in log and "handler-error" not in log
    assert not [e for e in notebook.unexpected_console_errors if e.startswith("pageerror")]


PAYLOAD = '<img src=x onerror="window.__pwned = (window.__pwned || 0) + 1"><script>window.__pwned = 99</script>'
INJECTION = f"""
import cellwire as cw
P = {PAYLOAD!r}
label = cw.Label(P, tooltip=P)
widgets = [
    label, cw.Text(P, description=P, placeholder=P), cw.Textarea(P, description=P),
    cw.Dropdown(options=[P, 'b'], description=P), cw.RadioButtons(options=[P, 'b'], description=P),
    cw.ToggleButtons(options=[P, 'b'], description=P), cw.SelectMultiple(options=[P, 'b'], description=P),
    cw.Button(description=P, icon=P), cw.ToggleButton(description=P), cw.Checkbox(description=P),
    cw.IntSlider(description=P), cw.IntRangeSlider(description=P), cw.Progress(description=P),
    cw.Play(description=P), cw.ColorPicker(description=P), cw.DatePicker(description=P),
    cw.Image(alt=P), cw.Markdown(P + '\\n\\n[click](javascript:window.__pwned=1) and *' + P + '*'),
    cw.Tab([cw.Label('in a tab')], titles=[P]), cw.Accordion([cw.Label('in a section')], titles=[P]),
]
out = cw.Output()
with out:
    print(P)
html = cw.HTML('<b class="really-bold">markup</b>')   # the one widget that renders HTML, by design
cw.VBox([*widgets, out, html])
"""


@pytest.mark.parametrize("server_config", ALL_FRONTENDS, indirect=True)
def test_widget_strings_are_shown_as_text_never_run_as_markup(notebook):
    view = live(notebook.run(INJECTION))
    expect(view.locator("b.really-bold")).to_have_text("markup")  # HTML widget: markup, as documented
    expect(view.get_by_text(PAYLOAD, exact=True).first).to_be_visible()  # the Label shows the text
    notebook.run("label.value = P + ' again'; widgets[1].description = 'new ' + P")  # updates too
    expect(view.get_by_text(PAYLOAD + " again", exact=True)).to_be_visible()
    notebook.page.wait_for_timeout(1000)  # (an <img onerror> would have fired by now)
    assert notebook.page.evaluate("window.__pwned") is None
    assert view.locator("img[src='x'], script, a[href^='javascript']").count() == 0
    notebook.save()
    saved = json.loads((notebook.server.root_dir / notebook.path).read_text())
    html = "".join(
        "".join(output["data"]["text/html"])
        for cell in saved["cells"]
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    )
    assert "<img src=x" not in html and "window.__pwned = 99</script>" not in html
    assert "&lt;img src=x onerror=" in html  # the snapshots hold it as text
