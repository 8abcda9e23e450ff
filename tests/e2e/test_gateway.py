"""Remote kernels (issue 13): JupyterLab 4 and Notebook 7 with ``--gateway-url``, their kernels run by
a real ``jupyter kernelgateway`` from the kernel's env. jupyter_server then speaks only the legacy
framing on kernel sockets (it does not answer the v1 subprotocol), which cellwire falls back to.

One gateway for the file, one server per front-end on it."""

from __future__ import annotations

import pytest
from harness import JupyterServer, KernelGateway
from playwright.sync_api import expect
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
            servers[frontend] = JupyterServer(frontend, tmp_path_factory.mktemp(f"gw-{frontend}"),
                                              extra_args=gateway.server_args)
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
    their output's spec that the kernel is behind a gateway, never offer v1)."""
    return [e for e in notebook.unexpected_console_errors
            if not (FRONTEND_FALLBACK in e and "/static/" in e and "blob:" not in e)]


WIDGETS = """
import cellwire as cw
s = cw.IntSlider(10, description='level')
s
"""


def test_widgets_both_ways_and_after_a_reload(notebook):
    shown = notebook.page.locator(".cellwire-output > .cellwire-live")
    live(notebook.run(WIDGETS))
    assert notebook.kernel_eval("[(c['framing'], c['route']) for c in cw.connections()]") == "[('legacy', 'direct')]"
    notebook.kernel_eval("setattr(s, 'value', 42)")
    expect(shown.get_by_label("level")).to_have_value("42")
    shown.get_by_label("level").focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "43")
    notebook.save()
    notebook.reload()
    live(notebook.page.locator("body"))
    expect(shown.get_by_label("level")).to_have_value("43")
    shown.get_by_label("level").focus()
    notebook.page.keyboard.press("ArrowLeft")
    wait_kernel(notebook, "s.value", "42")
    notebook.kernel_eval("setattr(s, 'value', 7)")
    expect(shown.get_by_label("level")).to_have_value("7")
    assert console_errors(notebook) == []
