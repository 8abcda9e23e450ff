"""The foundation, end to end: a page's JavaScript and the kernel talk both ways through the
server's kernel WebSocket, with no front-end extension, in every front-end and under a hub prefix."""

from __future__ import annotations

import json
import uuid
from importlib import resources

import jsonschema
import pytest
from widget_helpers import live, wait_kernel, wait_kernel_connections

ECHO_CHANNEL = r'''
import cellwire, numpy as np, hashlib
ECHO = """
export function render({ channel, el }) {
  el.innerHTML = '<span class="state">ready</span>';
  channel.on("message", (data, buffers) => {
    if (data.cmd === "echo") channel.send({ echo: data.payload }, buffers);
    if (data.cmd === "check-down") {
      const b = new Uint8Array(buffers[0].buffer, buffers[0].byteOffset, buffers[0].byteLength);
      let sum = 0;
      for (let i = 0; i < b.length; i++) sum = (sum + b[i] * (i % 7 + 1)) % 1000000007;
      el.querySelector(".state").textContent = "down " + b.length + " " + sum;
      channel.send({ downSum: sum, length: b.length });
    }
    if (data.cmd === "send-up") {
      const b = new Uint8Array(data.n);
      for (let i = 0; i < b.length; i++) b[i] = (i * 31) % 251;
      channel.send({ up: true }, [b]);
    }
  });
}
"""
got = []
ch = cellwire.Channel(esm=ECHO)
ch.on_message(lambda m: got.append((m.data, [bytes(b) for b in m.buffers])))
ch
'''


# Same checksum as the JS above.
def weighted_sum(data: bytes) -> int:
    import numpy as np

    arr = np.frombuffer(data, dtype=np.uint8).astype(np.int64)
    weights = np.arange(len(arr), dtype=np.int64) % 7 + 1
    return int((arr * weights).sum() % 1000000007)


def schema(name: str) -> dict:
    return json.loads(resources.files("cellwire").joinpath(f"schema/{name}").read_text())


@pytest.mark.e2e
def test_json_and_50mb_buffers_round_trip_both_ways(notebook):
    notebook.page.evaluate("window.__cellwire_trace = []")
    out = notebook.run(ECHO_CHANNEL)
    live(out)

    notebook.run("ch.send({'cmd': 'echo', 'payload': {'text': 'héllo', 'n': [1, 2.5, None]}}, [b'\\x00\\x01'])")
    wait_kernel(notebook, "len(got)", "1")
    assert notebook.kernel_eval("got[0]") == "({'echo': {'text': 'héllo', 'n': [1, 2.5, None]}}, [b'\\x00\\x01'])"

    # 50 MB kernel -> browser, checked byte by byte (a weighted checksum) in the page
    notebook.run("down = (np.arange(50 * 2**20) * 13 % 256).astype(np.uint8); ch.send({'cmd': 'check-down'}, [down])")
    wait_kernel(notebook, "len(got)", "2", timeout=60)
    expected = weighted_sum((__import__("numpy").arange(50 * 2**20) * 13 % 256).astype("uint8").tobytes())
    assert notebook.kernel_eval("got[1][0]") == repr({"downSum": expected, "length": 50 * 2**20})

    # 50 MB browser -> kernel: more than the server's 10 MiB frame limit, so it goes in chunks
    notebook.run("ch.send({'cmd': 'send-up', 'n': 50 * 2**20})")
    wait_kernel(notebook, "len(got)", "3", timeout=60)
    assert (
        notebook.kernel_eval(
            "got[2][0], len(got[2][1]), bool((np.frombuffer(got[2][1][0], np.uint8) == np.arange(50 * 2**20) * 31 % 251).all())"
        )
        == "({'up': True}, 1, True)"
    )

    # every cellwire message that crossed, both ways, matches the published schema
    trace = notebook.page.evaluate("window.__cellwire_trace")
    assert {t["data"]["op"] for t in trace} >= {"hello", "welcome", "attach", "attached", "msg", "chunk"}
    to_kernel, to_page = schema("browser-to-kernel.json"), schema("kernel-to-browser.json")
    for entry in trace:
        jsonschema.validate(entry["data"], to_kernel if entry["dir"] == "out" else to_page)


@pytest.mark.e2e
def test_outputs_of_one_kernel_share_one_socket(notebook):
    notebook.page.evaluate("window.__cellwire_trace = []")
    first = notebook.run(ECHO_CHANNEL)
    second = notebook.run("ch2 = cellwire.Channel(esm=ECHO); display(ch, ch2)")
    live(first)
    live(second, nth=0)
    live(second, nth=1)
    assert notebook.page.evaluate("window.__cellwire.links.size") == 1
    assert notebook.page.evaluate("window.__cellwire.views.size") == 3
    # the server sees the front-end's own socket and cellwire's one (the loader's short-lived
    # socket that fetched the runtime is closed, half a second after its last message)
    wait_kernel_connections(notebook, 2)
    # a message to `ch` reaches both of its views
    notebook.run("ch.send({'cmd': 'echo', 'payload': 'both'})")
    wait_kernel(notebook, "len(got)", "2")
    assert notebook.kernel_eval("sorted(v.id != '' for v in ch.views)") == "[True, True]"


@pytest.mark.e2e
def test_saved_notebook_holds_no_credential(notebook):
    """In every front-end (and under a hub prefix): a channel, ipywidgets (a container, an Output
    holding a widget), their snapshots refreshed after a change, saved; no file the server wrote
    (the notebook, its checkpoint) holds the token, the login cookie or the XSRF cookie. (The
    widgets were cellwire's retired toolkit's; the promise is the same on ipywidgets.)"""
    live(notebook.run(ECHO_CHANNEL))
    live(
        notebook.run(
            "import cellwire as cw\nimport ipywidgets as w\nout = w.Output()\nwith out:\n    display(w.Text('inner'))\n"
            "s = w.IntSlider(3)\nw.VBox([s, out])"
        )
    )
    notebook.run("s.value = 4")  # refreshes the saved snapshots (update_display_data)
    notebook.save()
    files = [p for p in notebook.server.root_dir.rglob("*") if p.is_file()]
    saved = "\n".join(p.read_text(errors="replace") for p in files)
    assert saved.count("cellwire-snapshot") >= 2 and "<code>4</code>" in saved  # the outputs were saved...
    assert any(".ipynb_checkpoints" in str(p) for p in files)
    secrets = [notebook.server.token] + [c["value"] for c in notebook.page.context.cookies() if len(c["value"]) > 8]
    assert len(secrets) >= 2
    for secret in secrets:  # ...without the token, the login cookie or the XSRF cookie
        assert secret not in saved


@pytest.mark.e2e
@pytest.mark.parametrize(
    "server_config", [("lab", "/"), ("notebook", "/"), ("nbclassic", "/user/alice/")], indirect=True
)
def test_origin_checks_stay_on(notebook):
    """The server runs with default security and cellwire works; a page of another origin holding
    the user's login cookie is refused. (Token-authenticated sockets skip the origin check by
    design in jupyter_server: a token cannot be forged by another site.)"""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    command = " ".join(notebook.server.process.args)
    assert "allow_origin" not in command and "disable_check_xsrf" not in command
    live(notebook.run(ECHO_CHANNEL))
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in notebook.page.context.cookies())
    url = f"ws://127.0.0.1:{notebook.server.port}{notebook.server.base_url}api/kernels/{notebook.kernel_id}/channels"
    with (
        pytest.raises(InvalidStatus) as refused,
        connect(url, origin="http://evil.example", additional_headers={"Cookie": cookie}, proxy=None),
    ):
        pass
    assert refused.value.response.status_code == 403
    with connect(
        url, origin=f"http://127.0.0.1:{notebook.server.port}", additional_headers={"Cookie": cookie}, proxy=None
    ) as same_origin:
        assert same_origin.protocol is not None


# -- bad input ----------------------------------------------------------------------------------


def open_raw_comm(client, data) -> tuple[str, dict]:
    """Open a cellwire comm from a raw client; returns its id and the kernel's first answer."""
    comm_id = uuid.uuid4().hex
    client.send("shell", "comm_open", {"comm_id": comm_id, "target_name": "cellwire", "data": data})
    reply = client.wait_for(
        lambda m: m["header"]["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id, timeout=20
    )
    return comm_id, reply["content"]["data"]


def comm_msg(client, comm_id, data, buffers=()) -> dict:
    client.send("shell", "comm_msg", {"comm_id": comm_id, "data": data}, buffers=list(buffers))
    reply = client.wait_for(
        lambda m: m["header"]["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id, timeout=20
    )
    return reply["content"]["data"]


@pytest.mark.e2e
@pytest.mark.parametrize("server_config", [("lab", "/"), ("nbclassic", "/")], indirect=True)
def test_malformed_messages_get_clear_errors_and_break_nothing(notebook):
    live(notebook.run(ECHO_CHANNEL))
    with notebook.kernel_client() as client:
        _, answer = open_raw_comm(client, {"op": "hello", "protocol": 99, "page": "p", "runtime": "x"})
        assert answer["code"] == "protocol-mismatch" and "reload the page" in answer["message"]
        _, answer = open_raw_comm(client, ["not", "an", "object"])
        assert answer["code"] == "malformed" and answer["fatal"]
        comm_id, welcome = open_raw_comm(client, {"op": "hello", "protocol": 1, "page": "raw", "runtime": "test"})
        assert welcome["op"] == "welcome"
        bad = [
            ({"op": "nonsense"}, "unknown-op"),
            ({"op": "attach", "view": 5}, "malformed"),
            ({"op": "attach", "view": "v", "target": "missing", "instance": welcome["instance"]}, "unknown-target"),
            ({"op": "attach", "view": "v", "target": "missing", "instance": "other"}, "stale-output"),
            ({"op": "msg", "view": "ghost"}, "unknown-view"),
            ({"op": "chunk", "upload": "u", "index": 3}, "malformed"),
            ({"op": "msg", "view": "v", "upload": {"id": "u", "chunks": 2, "sizes": "many"}}, "malformed"),
        ]
        for data, code in bad:
            assert comm_msg(client, comm_id, data)["code"] == code, data
        notebook.kernel_eval("setattr(cellwire.get_link(), 'max_upload_bytes', 100)")
        assert (
            comm_msg(client, comm_id, {"op": "chunk", "upload": "big", "index": 0}, [b"x" * 101])["code"] == "too-large"
        )
        # a raw frame that is not a kernel message at all
        client.send_raw(b"\x00" * 7)
    # the kernel and the live output still work
    notebook.run("ch.send({'cmd': 'echo', 'payload': 'still alive'})")
    wait_kernel(notebook, "got[-1][0]", "{'echo': 'still alive'}")
    assert "No such comm" not in notebook.server.log_text()


@pytest.mark.e2e
@pytest.mark.parametrize("server_config", [("lab", "/")], indirect=True)
def test_errors_in_callbacks_and_views_show_in_their_output_only(notebook):
    live(notebook.run(ECHO_CHANNEL))
    notebook.run("ch.on_message(lambda m: 1 / 0)")
    broken = notebook.run(
        "bad = cellwire.Channel(esm='export function render() { throw new Error(\"boom in render\"); }'); bad"
    )
    status = broken.locator(".cellwire-status")
    status.filter(has_text="the view's JavaScript failed: boom in render").wait_for()
    # a message whose Python callback raises: the sending view says so, the kernel goes on
    notebook.page.evaluate(
        """() => { for (const v of window.__cellwire.views) if (v.rendered && v.targetId !== null) v.channel.send({ from: 'page' }); }"""
    )
    notebook.page.locator(".cellwire-status", has_text="ZeroDivisionError").first.wait_for()
    # the kernel sent an op this page doesn't know: a warning, nothing else
    with notebook.page.expect_console_message(lambda m: "from-the-future" in m.text):
        notebook.run("next(iter(cellwire.get_link().connections.values())).send({'op': 'from-the-future'})")
    notebook.run("ch.send({'cmd': 'echo', 'payload': 'ok'})")
    wait_kernel(notebook, "[g for g in got if g[0] == {'echo': 'ok'}] != []", "True")


@pytest.mark.e2e
@pytest.mark.parametrize("server_config", [("lab", "/"), ("nbclassic", "/user/alice/")], indirect=True)
@pytest.mark.parametrize("hint", ["unknown", "nonexistent", "another-kernel"])
def test_wrong_or_unknown_kernel_id_falls_back_to_the_beacon(notebook, hint):
    other = None
    if hint == "another-kernel":
        other = notebook.server.api("POST", "api/kernels", {"name": "cellwire-test"})["id"]
        with notebook.server.kernel_client(other) as client:
            client.eval("__import__('cellwire').__version__")  # that kernel serves cellwire too
    fake = {"unknown": None, "nonexistent": str(uuid.uuid4()), "another-kernel": other}[hint]
    try:
        out = notebook.run(
            ECHO_CHANNEL.replace(
                "ch = cellwire.Channel",
                f"cellwire.bundle.identity.current_kernel_id = lambda: {fake!r}\nch = cellwire.Channel",
            )
        )
        live(out, timeout=45_000)
        links = notebook.page.evaluate("Array.from(window.__cellwire.links.keys())")
        assert notebook.kernel_id in links
        notebook.run("ch.send({'cmd': 'echo', 'payload': 'found'})")
        wait_kernel(notebook, "got[-1][0]", "{'echo': 'found'}")
    finally:
        if other:
            notebook.server.api("DELETE", f"api/kernels/{other}")


@pytest.mark.e2e
@pytest.mark.parametrize("server_config", [("lab", "/")], indirect=True)
def test_kernel_gone_and_access_refused_are_shown(notebook):
    out = notebook.run(ECHO_CHANNEL)
    live(out)
    element = out.locator(".cellwire-output").first
    page = notebook.page
    # 404: the kernel was shut down (the server leaves its sockets open): the output says so
    notebook.server.api("DELETE", f"api/kernels/{notebook.kernel_id}")
    element.locator(":scope[data-cellwire-state='gone']").wait_for(timeout=30_000)
    assert "no longer running" in element.locator(".cellwire-status").inner_text()
    # 403: credentials no longer accepted (cookie gone, token wrong): a newly mounted output says so
    page.context.clear_cookies()
    page.evaluate("""() => {
        const node = document.getElementById('jupyter-config-data');
        node.textContent = JSON.stringify({ ...JSON.parse(node.textContent), token: 'wrong' });
        const el = document.querySelector('.cellwire-output');
        const copy = el.cloneNode(false);
        document.body.appendChild(copy);
        window.__cellwire.mount(copy, el.__cellwire.spec);
    }""")
    status = page.locator("body > .cellwire-output .cellwire-status")
    status.filter(has_text="refused access").wait_for()
    assert "log in again" in status.inner_text()
