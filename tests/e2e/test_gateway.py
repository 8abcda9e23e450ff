"""Remote kernels (issue 13): JupyterLab 4 and Notebook 7 with ``--gateway-url``, their kernels run by
a real ``jupyter kernelgateway`` from the kernel's env. jupyter_server then speaks only the legacy
framing on kernel sockets (it does not answer the v1 subprotocol), which cellwire falls back to.

One gateway for the file, one server per front-end on it."""

from __future__ import annotations

import time

import numpy as np
import pytest
from harness import CuttableProxy, JupyterServer, KernelClient, KernelGateway
from playwright.sync_api import expect
from test_bridge import NO_WIDGET_MANAGER
from test_busy import stop_latency
from test_link import ECHO_CHANNEL, weighted_sum
from widget_helpers import live, wait_kernel

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    gateway = KernelGateway(tmp_path_factory.mktemp("gateway"))
    yield gateway
    gateway.stop()


@pytest.fixture(scope="module")
def gateway_servers(gateway, tmp_path_factory):
    """``get(frontend) -> JupyterServer`` using the gateway; one per front-end for the file."""
    servers: dict[str, JupyterServer] = {}

    def get(frontend: str) -> JupyterServer:
        if frontend not in servers:
            servers[frontend] = JupyterServer(
                frontend, tmp_path_factory.mktemp(f"gw-{frontend}"), extra_args=gateway.server_args
            )
        return servers[frontend]

    yield get
    for server in servers.values():
        server.stop()


@pytest.fixture(params=["lab", "notebook"])
def server(request, gateway_servers) -> JupyterServer:
    return gateway_servers(request.param)


# Lab and Notebook 7 offer v1 first on each socket they open, and the browser logs the failed handshake.
FRONTEND_FALLBACK = "failed: Error during WebSocket handshake: Sent non-empty 'Sec-WebSocket-Protocol' header"


def console_errors(notebook) -> list[str]:
    """Console errors, less the front-end's own handshake fallback (cellwire's sockets, told by
    their output's spec that the kernel is behind a gateway, never offer v1) and its refusals of
    widget comms (it has no widget manager)."""
    return [
        e
        for e in notebook.unexpected_console_errors
        if not (FRONTEND_FALLBACK in e and "/static/" in e and "blob:" not in e) and not NO_WIDGET_MANAGER.search(e)
    ]


WIDGETS = """
import cellwire as cw
import ipywidgets as w
s = w.IntSlider(10, description='level')
s
"""


def readout(root):
    """The value the ipywidgets slider shows."""
    return root.locator(".widget-readout")


def nudge(notebook, key: str) -> None:
    notebook.page.locator(".cellwire-output > .cellwire-live .noUi-handle").first.focus()
    notebook.page.keyboard.press(key)


# Types a value into the slider's readout and presses Enter there, without the keyboard.
TYPE_INTO_READOUT = """(el, value) => {
    el.textContent = value;
    const enter = new KeyboardEvent('keydown', {bubbles: true});
    Object.defineProperty(enter, 'keyCode', {get: () => 13});
    el.dispatchEvent(enter);
}"""


def test_widgets_both_ways_and_after_a_reload(notebook):
    """An ipywidgets slider (bridged) through a gateway's kernel, legacy-framed. (The twin of the
    same test on cellwire's retired IntSlider.)"""
    shown = notebook.page.locator(".cellwire-output > .cellwire-live")
    live(notebook.run(WIDGETS, timeout=60))
    assert notebook.kernel_eval("[(c['framing'], c['route']) for c in cw.connections()]") == "[('legacy', 'direct')]"
    notebook.kernel_eval("setattr(s, 'value', 42)")
    expect(readout(shown)).to_have_text("42")
    nudge(notebook, "ArrowRight")
    wait_kernel(notebook, "s.value", "43")
    notebook.save()
    notebook.reload()
    live(notebook.page.locator("body"))
    expect(readout(shown)).to_have_text("43")
    nudge(notebook, "ArrowLeft")
    wait_kernel(notebook, "s.value", "42")
    notebook.kernel_eval("setattr(s, 'value', 7)")
    expect(readout(shown)).to_have_text("7")
    assert console_errors(notebook) == []


@pytest.mark.parametrize("server", ["lab"], indirect=True)
def test_stop_button_and_50_mb_both_ways(notebook):
    """A Stop button stops a busy cell (the kernel's subshell works through the gateway), and
    50 MB cross each way (uploads in chunks, legacy-framed). (In Lab only: the front-end makes no
    difference below cellwire's socket, and test_widgets_both_ways_and_after_a_reload runs in both.)"""
    latency = stop_latency(notebook)
    assert 0 <= latency < 1.0, latency
    live(notebook.run(ECHO_CHANNEL))
    notebook.run("down = (np.arange(50 * 2**20) * 13 % 256).astype(np.uint8); ch.send({'cmd': 'check-down'}, [down])")
    wait_kernel(notebook, "len(got)", "1", timeout=60)
    expected = weighted_sum((np.arange(50 * 2**20) * 13 % 256).astype("uint8").tobytes())
    assert notebook.kernel_eval("got[0][0]") == repr({"downSum": expected, "length": 50 * 2**20})
    notebook.run("ch.send({'cmd': 'send-up', 'n': 50 * 2**20})")
    wait_kernel(notebook, "len(got)", "2", timeout=60)
    assert (
        notebook.kernel_eval(
            "len(got[1][1]), bool((np.frombuffer(got[1][1][0], np.uint8) == np.arange(50 * 2**20) * 31 % 251).all())"
        )
        == "(1, True)"
    )


HIDE_GATEWAY = """
import os
for name in ("KERNEL_GATEWAY", "KERNEL_LAUNCH_TIMEOUT"):
    os.environ.pop(name, None)   # this kernel's outputs no longer say it is behind a gateway
"""


@pytest.mark.parametrize("server", ["lab"], indirect=True)
def test_without_the_hint_the_page_falls_back_to_legacy_once(notebook):
    notebook.run(HIDE_GATEWAY)
    shown = notebook.page.locator(".cellwire-output > .cellwire-live")
    live(notebook.run(WIDGETS, timeout=60))
    readout(shown).wait_for()
    # (the output's spec names no framing)
    assert notebook.page.locator(".cellwire-output").first.evaluate("el => 'framing' in el.__cellwire.spec") is False
    nudge(notebook, "ArrowRight")
    wait_kernel(notebook, "s.value", "11")
    notebook.save()
    notebook.reload()
    live(notebook.page.locator("body"))
    notebook.kernel_eval("setattr(s, 'value', 5)")
    expect(readout(shown)).to_have_text("5")
    fallbacks = [m for m in notebook.console_messages if "does not answer the v1 subprotocol" in m]
    assert len(fallbacks) == 1, fallbacks  # remembered across the reload


@pytest.mark.parametrize("server", ["lab"], indirect=True)
def test_a_proxy_that_refuses_or_mutes_kernel_sockets_gets_one_clear_message(notebook_factory, server):
    """Bad input: a proxy in front of the server that stops passing kernel WebSockets, then one
    that passes the handshake and drops every frame: each output says what failed, where, and
    what to do, after a bounded number of tries; never "reconnecting…" for good."""
    proxy = CuttableProxy(server.port)
    try:
        notebook = notebook_factory(server, port=proxy.port)
        out = notebook.run(WIDGETS, timeout=60)
        readout(live(out)).wait_for()
        status = out.locator(".cellwire-status")

        # (only cellwire's socket is dropped: the front-end's stays connected, so cells still run)
        proxy.refuse_websockets = True
        notebook.page.evaluate("[...window.__cellwire.links.values()][0].socket.wire.close()")
        expect(status).to_contain_text(
            f"could not open the kernel's WebSocket at ws://127.0.0.1:{proxy.port}/api/kernels/", timeout=20_000
        )
        expect(status).to_contain_text("refused 4 times")
        expect(status).to_contain_text("Reload the page")
        tries = len(proxy.attempts("/channels"))
        assert 4 <= tries <= 8, tries  # (each try: v1 skipped, the spec says legacy; bounded)
        time.sleep(3)
        assert len(proxy.attempts("/channels")) == tries  # it stopped trying
        assert notebook.page.evaluate("[...window.__cellwire.links.values()].map(l => l.state)") == ["failed"]

        proxy.refuse_websockets = False
        proxy.mute_websockets = True
        second = notebook.run("display(w.IntSlider(1, description='second'))", timeout=60)
        expect(second.locator(".cellwire-status")).to_contain_text(
            "opened, but no message from the kernel came back", timeout=30_000
        )
        expect(second.locator(".cellwire-status")).to_contain_text("drops kernel messages")
    finally:
        proxy.close()


@pytest.mark.parametrize("server", ["lab"], indirect=True)
def test_a_server_restart_reconnects_the_page_without_a_reload(notebook, gateway):
    """The Jupyter server dies and comes back on the same port while the page stays open; the
    kernel lives on in the gateway. The page reconnects by itself and its widgets are live again,
    with what the kernel holds (a value changed while the server was down)."""
    shown = notebook.page.locator(".cellwire-output > .cellwire-live")
    out = notebook.run(WIDGETS, timeout=60)
    readout(live(out)).wait_for()
    kernel_id = notebook.kernel_id
    notebook.server.kill()
    with KernelClient(f"ws://127.0.0.1:{gateway.port}/api/kernels/{kernel_id}/channels", "", "v1") as client:
        client.eval("setattr(s, 'value', 77)")  # (through the gateway: the page cannot hear this)
    time.sleep(1)
    notebook.server.start_again()
    expect(readout(shown)).to_have_text("77", timeout=30_000)
    assert out.locator(".cellwire-output").get_attribute("data-cellwire-state") == "live"
    # (the front-end itself has lost the kernel: the restarted server forgot its session, and Lab
    # may put up a kernel dialog that takes the focus; so the value is typed without the keyboard)
    readout(shown).evaluate(TYPE_INTO_READOUT, "78")
    with notebook.server.kernel_client(kernel_id) as client:
        deadline = time.monotonic() + 15
        while (value := client.eval("s.value")) != "78" and time.monotonic() < deadline:
            time.sleep(0.2)
    assert value == "78"
