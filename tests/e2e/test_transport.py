"""Where the page's kernel sockets run and which server path they take: the socket worker (and its
main-thread fallback), the filtering of the kernel's broadcast traffic, and the optional server
accelerator (TCP_NODELAY), which pages detect and report."""

from __future__ import annotations

import ast
import json

import pytest
from harness import JupyterServer
from harness.server import server_venv
from test_link import ECHO_CHANNEL, weighted_sum
from widget_helpers import live, wait_kernel

pytestmark = pytest.mark.e2e

LAB = [pytest.param(("lab", "/"), id="lab")]
UP_AND_DOWN = 12 * 2**20  # over the 10 MiB frame limit upwards, so the upload goes in chunks


def round_trip_12mb(notebook) -> None:
    """12 MiB down to the page and up again, checked byte by byte on both sides."""
    notebook.run(
        f"down = (np.arange({UP_AND_DOWN}) * 13 % 256).astype(np.uint8); ch.send({{'cmd': 'check-down'}}, [down])"
    )
    wait_kernel(notebook, "len(got)", "1", timeout=60)
    expected = weighted_sum((__import__("numpy").arange(UP_AND_DOWN) * 13 % 256).astype("uint8").tobytes())
    assert notebook.kernel_eval("got[0][0]") == repr({"downSum": expected, "length": UP_AND_DOWN})
    notebook.run(f"ch.send({{'cmd': 'send-up', 'n': {UP_AND_DOWN}}})")
    wait_kernel(notebook, "len(got)", "2", timeout=60)
    assert (
        notebook.kernel_eval(
            f"bool((np.frombuffer(got[1][1][0], np.uint8) == np.arange({UP_AND_DOWN}) * 31 % 251).all())"
        )
        == "True"
    )


def connections(notebook) -> list[dict]:
    return ast.literal_eval(notebook.kernel_eval("cellwire.connections()"))


def test_sockets_run_in_a_worker_that_drops_other_traffic(notebook):
    live(notebook.run(ECHO_CHANNEL))
    assert notebook.page.evaluate("__cellwire.sockets.where") == "worker"
    [conn] = connections(notebook)
    assert (conn["socket"], conn["server"], conn["route"], conn["views"]) == ("worker", "stock", "direct", 1)
    round_trip_12mb(notebook)

    # Another cell's output (400 iopub messages broadcast to every socket of the kernel) never
    # reaches the page's main thread: only a handful of status messages do.
    notebook.page.evaluate("""() => {
        const link = [...__cellwire.links.values()][0];
        window.__seen = 0;
        const receive = link._onMessage.bind(link);
        link._onMessage = (msg) => { window.__seen++; receive(msg); };
    }""")
    out = notebook.run("import sys\nfor i in range(400):\n    print(i, flush=True)")
    assert notebook.output_text(out).endswith("399")
    seen = notebook.page.evaluate("window.__seen")
    assert seen <= 10, f"{seen} kernel messages reached the main thread"


@pytest.fixture(scope="module")
def server_without_workers(tmp_path_factory):
    """A server whose pages may not start workers (Content-Security-Policy worker-src 'none')."""
    headers = {"Content-Security-Policy": "frame-ancestors 'self'; worker-src 'none'"}
    server = JupyterServer(
        "lab",
        tmp_path_factory.mktemp("jupyter-csp"),
        extra_args=(f"--ServerApp.tornado_settings={json.dumps({'headers': headers})}",),
    )
    yield server
    server.stop()


def test_pages_that_forbid_workers_use_the_main_thread(notebook_factory, server_without_workers):
    notebook = notebook_factory(server_without_workers)
    live(notebook.run(ECHO_CHANNEL))
    assert notebook.page.evaluate("__cellwire.sockets.where") == "main"
    assert any("kernel sockets run on the main thread" in m for m in notebook.console_messages)
    [conn] = connections(notebook)
    assert (conn["socket"], conn["route"]) == ("main", "direct")
    round_trip_12mb(notebook)


@pytest.fixture(scope="module")
def accelerated_server(tmp_path_factory):
    """JupyterLab from an environment where cellwire is pip-installed: the wheel's config file
    enables the accelerator, nothing else is configured."""
    venv = server_venv("accel-server")
    assert (venv / "etc/jupyter/jupyter_server_config.d/cellwire_accelerator.json").exists()
    server = JupyterServer("lab", tmp_path_factory.mktemp("jupyter-accel"), venv=venv)
    yield server
    server.stop()


def test_the_accelerator_sets_tcp_nodelay_and_pages_say_so(notebook_factory, accelerated_server):
    notebook = notebook_factory(accelerated_server)
    assert "cellwire accelerator: TCP_NODELAY on" in accelerated_server.log_text()
    live(notebook.run(ECHO_CHANNEL))
    assert notebook.page.evaluate("[...__cellwire.links.values()][0].transport") == {
        "socket": "worker",
        "server": "accelerated",
    }
    [conn] = connections(notebook)
    assert (conn["server"], conn["route"]) == ("accelerated", "direct")
    # JupyterLab's socket, cellwire's and the side client's, each read back from the socket itself
    status = accelerated_server.api("GET", "cellwire/accelerator")
    assert status["tcp_nodelay"] is True and status["sockets"] >= 3
    round_trip_12mb(notebook)
    assert notebook.output_text(notebook.run("print('lab still works')")) == "lab still works"


@pytest.mark.parametrize("server_config", [("lab", "/"), ("nbclassic", "/")], indirect=True)
def test_when_direct_messages_never_arrive_pages_fall_back_to_iopub(notebook):
    """A server or gateway that does not forward the kernel's direct messages (simulated: the
    kernel drops them) costs a few seconds, once: the loader and the link then ask for iopub."""
    notebook.run(
        "import cellwire\nfrom cellwire.transport.kernel_link import get_link\nget_link()._direct = lambda *message: None"
    )
    live(notebook.run(ECHO_CHANNEL), timeout=30_000)
    assert notebook.page.evaluate("[...__cellwire.links.values()][0].route") == "iopub"
    [conn] = connections(notebook)
    assert conn["route"] == "iopub"
    notebook.run("ch.send({'cmd': 'echo', 'payload': 'via iopub'})")
    wait_kernel(notebook, "got[0][0]", repr({"echo": "via iopub"}))
