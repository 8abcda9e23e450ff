"""Scenario 7: hostile and broken input, on ipywidgets made live by cellwire's bridge. A seeded fuzz
(a raw WebSocket client, and the page's own connection) aimed at a bridged widget's tunnel leaves
the kernel and the other widgets working, with a log line per bad message; and widget strings are
text, never markup (except the HTML widget's value)."""

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
import ipywidgets as w
victim = w.IntSlider(5, description='victim')        # the fuzz's messages go to this one
bystander = w.IntSlider(1, description='bystander')  # this one must keep working
display(victim, bystander)
"""
#: The display (a cellwire target) showing the victim.
VICTIM_DISPLAY = "cw.bridge.display.displays_of({victim.model_id})[0].target_id"
LOG_LINE = re.compile(r"^\[cellwire (WARNING|INFO)\] ", re.M)
#: What escaped if ipywidgets, not the bridge, met a bad message (its traceback goes to no output).
ESCAPED = re.compile(r"Traceback|handler-error|Unknown front-end to back-end widget msg")


def show_sliders(notebook):
    """The two sliders, bridged; the output area holding both."""
    out = notebook.run(TWO_SLIDERS, timeout=60)
    for nth in (0, 1):
        live(out, nth).locator(".noUi-handle").first.wait_for(timeout=30_000)
    return out


def bystander_still_works(notebook, out) -> None:
    bystander = live(out, 1)
    bystander.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "bystander.value", "2")
    notebook.kernel_eval("setattr(bystander, 'value', 50)")
    expect(bystander.locator(".widget-readout")).to_have_text("50")
    assert notebook.kernel_eval("victim.value") == "5"  # every change the fuzz tried was refused
    notebook.kernel_eval("setattr(victim, 'value', 6)")
    expect(live(out, 0).locator(".widget-readout")).to_have_text("6")  # and the victim still shows Python's
    expect(out.locator(".cellwire-output").nth(1).locator(".cellwire-status")).to_be_hidden()
    shown = notebook.run("print('other output', 6 * 7)")  # and the notebook's own output arrives
    assert notebook.output_text(shown) == "other output 42"


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
    """Replaces the fuzz of a cellwire IntSlider's model: now the tunnel of a bridged ipywidget."""
    out = show_sliders(notebook)
    comms_before = notebook.kernel_eval("len(comm.get_comm_manager().comms)")
    victim = notebook.kernel_eval(VICTIM_DISPLAY).strip("'")
    log_start = len(notebook.server.log_text())
    hellos, messages = 200, 10_000
    started = time.monotonic()
    with notebook.kernel_client() as client:
        fuzz = Fuzzer(
            seed=20240607, instance="", view="fuzz-view", widget=notebook.kernel_eval("victim.model_id")[1:-1]
        )
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
        tracebacks = [m for m in client._pending if m["header"]["msg_type"] == "error"]
    print(f"\n{hellos + messages} bad messages handled in {elapsed:.1f} s")
    assert elapsed < 60
    assert tracebacks == []  # (ipywidgets prints what it cannot apply as a traceback on iopub)
    log = new_log(notebook, log_start)
    assert len(LOG_LINE.findall(log)) >= hellos + messages  # a clear line for each
    assert not ESCAPED.search(log)  # nothing escaped, no handler bug

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

    bystander_still_works(notebook, out)
    assert "IOPub message rate exceeded" not in notebook.server.log_text()
    assert notebook.kernel_eval("len(comm.get_comm_manager().comms)") == comms_before  # refused hellos forgotten


SEND_FROM_THE_PAGE = """([model, messages]) => {
    // on the page's own connection, through the victim output's channel: past every check of the page
    const view = [...window.__cellwire.views].find((v) => v.channel?.init?.model_id === model);
    for (const [data, buffers] of messages) view.channel.send(data, buffers.map((b) => new Uint8Array(b)));
    return messages.length;
}"""


@pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)
def test_fuzz_from_javascript_in_the_page(notebook):
    """Replaces the page fuzz of a cellwire IntSlider: bad tunnel messages for a bridged ipywidget."""
    out = show_sliders(notebook)
    model = notebook.kernel_eval("victim.model_id")[1:-1]
    fuzz = Fuzzer(seed=42, instance="", view="", widget=model)
    messages = [fuzz.tunnel(i) for i in range(3000)]
    log_start = len(notebook.server.log_text())
    sent = notebook.page.evaluate(SEND_FROM_THE_PAGE, [model, [[d, [list(b) for b in bufs]] for d, bufs in messages]])
    victim = out.locator(".cellwire-output").first
    expect(victim.locator(".cellwire-status")).to_be_visible()  # the victim says its messages were refused
    expect(victim).to_have_attribute("data-cellwire-state", "live")  # and is still live
    # every bad message is logged, once
    wait_log = time.monotonic() + 30
    while len(LOG_LINE.findall(new_log(notebook, log_start))) < sent and time.monotonic() < wait_log:
        time.sleep(0.5)
    log = new_log(notebook, log_start)
    assert len(LOG_LINE.findall(log)) == sent
    assert not ESCAPED.search(log)
    bystander_still_works(notebook, out)
    assert not [e for e in notebook.unexpected_console_errors if e.startswith("pageerror")]


PAYLOAD = '<img src=x onerror="window.__pwned = (window.__pwned || 0) + 1"><script>window.__pwned = 99</script>'
INJECTION = f"""
import datetime
import cellwire as cw
import ipywidgets as w
from IPython.display import Markdown, SVG, HTML as RichHTML, display
P = {PAYLOAD!r}
label = w.Label(P, tooltip=P)
widgets = [
    label, w.Text(P, description=P, placeholder=P, tooltip=P), w.Textarea(P, description=P, placeholder=P),
    w.Combobox(value=P, options=[P], description=P, placeholder=P), w.Password(description=P, placeholder=P),
    w.Dropdown(options=[P, 'b'], description=P), w.RadioButtons(options=[P, 'b'], description=P),
    w.ToggleButtons(options=[P, 'b'], description=P, tooltips=[P, P]), w.SelectMultiple(options=[P, 'b'], description=P),
    w.Select(options=[P, 'b'], description=P), w.SelectionSlider(options=[P, 'b'], description=P),
    w.Button(description=P, tooltip=P, icon=P), w.ToggleButton(description=P, tooltip=P), w.Checkbox(description=P),
    w.Valid(False, description=P, readout=P), w.IntSlider(description=P), w.FloatRangeSlider(description=P),
    w.IntProgress(description=P), w.FloatText(description=P), w.BoundedIntText(description=P),
    w.Play(description=P), w.ColorPicker(description=P), w.DatePicker(description=P), w.FileUpload(description=P),
    w.TagsInput(value=[P], allowed_tags=[P]),
    w.Tab([w.Label('in a tab')], titles=[P]), w.Accordion([w.Label('in a section')], titles=[P]),
]
out = w.Output()
with out:
    print(P)
    display(Markdown(P + '\\n\\n[click](javascript:window.__pwned=1) and *' + P + '*'))
    display(SVG('<svg xmlns="http://www.w3.org/2000/svg"><script>window.__pwned = 7</script>'
                '<text y="20" onclick="window.__pwned = 8">' + 'svg text' + '</text></svg>'))
html = w.HTML('<b class="really-bold">markup</b>')   # the one widget that renders HTML, by design
w.VBox([*widgets, out, html])
"""


@pytest.mark.parametrize("server_config", ALL_FRONTENDS, indirect=True)
def test_widget_strings_are_shown_as_text_never_run_as_markup(notebook):
    """Replaces the same test on cellwire's own widgets: every ipywidgets control, bridged."""
    view = live(notebook.run(INJECTION, timeout=60))
    expect(view.locator("b.really-bold")).to_have_text("markup")  # HTML widget: markup, as documented
    expect(view.locator(".widget-label").get_by_text(PAYLOAD, exact=True).first).to_be_visible()  # Label: text
    expect(view.locator(".widget-output").get_by_text(PAYLOAD).first).to_be_attached()  # Output: text
    expect(view.locator(".widget-output img[src^='data:image/svg+xml']")).to_have_count(1)  # an SVG: an image
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
