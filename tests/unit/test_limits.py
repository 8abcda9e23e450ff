"""Issue 19, items 2 and 7: what one page may make the kernel hold or do is bounded, each refusal is
one clear error to that page and one log line, and the other pages go on; and the small ones
(deep nesting, non-ASCII ids, forged log lines, tracebacks under Voilà, stderr on import)."""

from __future__ import annotations

import contextlib
import logging
import time

import pytest
from fakes import FakeComm, Page, hello, open_page

import cellwire as cw
from cellwire import log, rpc
from cellwire.target import _pins
from cellwire.transport import identity, protocol
from cellwire.transport.page_connection import PageConnection, Uploads
from cellwire.transport.protocol import ProtocolError


def errors(comm: FakeComm) -> list[dict]:
    return [d for d, _ in comm.sent if d.get("op") == "error"]


def test_a_page_may_hold_four_unfinished_uploads_and_no_more_bytes_than_the_upload_limit(link, monkeypatch):
    comm = open_page(link)
    for i in range(Uploads.max_in_flight):
        comm.deliver({"op": "chunk", "upload": f"u{i}", "index": 0}, [b"x" * 10])
    assert errors(comm) == []
    comm.deliver({"op": "chunk", "upload": "one-more", "index": 0}, [b"x"])
    assert errors(comm)[-1]["code"] == "limit" and "4 unfinished uploads" in errors(comm)[-1]["message"]
    # the bytes of every unfinished upload count together
    monkeypatch.setattr(type(link), "max_upload_bytes", 45)
    comm.deliver({"op": "chunk", "upload": "u0", "index": 1}, [b"x" * 6])
    assert errors(comm)[-1]["code"] == "too-large" and "together exceed" in errors(comm)[-1]["message"]
    conn = link.connections[comm.comm_id]
    assert conn.uploads.in_flight() == (3, 30)  # the upload that went over was dropped
    # a finished upload frees its place
    comm.deliver({"op": "msg", "view": "nope", "upload": {"id": "u1", "chunks": 1, "sizes": [10]}})
    assert conn.uploads.in_flight() == (2, 20)


def test_an_unfinished_upload_expires_and_the_page_is_told(link, monkeypatch):
    monkeypatch.setattr(Uploads, "idle_seconds", 0.2)
    comm = open_page(link)
    comm.deliver({"op": "chunk", "upload": "stalled", "index": 0}, [b"x" * 1000])
    conn = link.connections[comm.comm_id]
    assert conn.uploads.in_flight() == (1, 1000)
    deadline = time.monotonic() + 5
    while conn.uploads.in_flight() != (0, 0) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert conn.uploads.in_flight() == (0, 0)  # nothing else arrived: the scheduler dropped it
    assert errors(comm)[-1]["code"] == "upload-expired" and "send the message again" in errors(comm)[-1]["message"]


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ({"op": "msg", "view": "v", "upload": {"id": "u", "chunks": 1, "sizes": [0] * 2_000_000}}, "upload.sizes"),
        ({"op": "release", "outputs": ["x"] * 20_000}, "outputs"),
        ({"op": "msg", "view": "v", "buffer_paths": [["a"]] * (10_001)}, "buffer_paths"),
    ],
)
def test_long_lists_are_refused_before_any_work(link, message, field):
    comm = open_page(link)
    started = time.perf_counter()
    comm.deliver(message)
    assert time.perf_counter() - started < 0.5  # (2 M upload sizes took 7.8 s and 383 MiB)
    error = errors(comm)[-1]
    assert error["code"] == "limit" and field in error["message"] and "more than the kernel accepts" in error["message"]


def test_a_hello_preloading_too_many_bundles_is_refused(link):
    comm = FakeComm("runtime")
    link._on_open(comm, hello(purpose="runtime", preload=["h"] * 100_000))
    assert comm.last["code"] == "limit" and comm.last["fatal"]
    assert len(errors(comm)) == 1
    comm = FakeComm("runtime-2")
    link._on_open(comm, hello(purpose="runtime", preload=["h"] * protocol.MAX_PRELOAD))
    assert comm.last["op"] == "runtime"


def test_views_and_pins_of_one_page_are_bounded_and_other_pages_go_on(link, monkeypatch):
    monkeypatch.setattr(PageConnection, "max_views", 5)
    monkeypatch.setattr(PageConnection, "max_pins", 3)
    channel = cw.Channel()
    got: list[object] = []
    channel.on_message(lambda message: got.append(message.data))
    greedy, other = Page(link, "greedy"), Page(link, "other")
    for i in range(4):
        greedy.comm.deliver(
            {"op": "attach", "view": f"v{i}", "target": channel.target_id, "instance": identity.INSTANCE_ID,
             "output": f"cellwire-pin-{i}"}
        )  # fmt: skip
    assert errors(greedy.comm)[-1]["code"] == "limit" and "pinned outputs" in errors(greedy.comm)[-1]["message"]
    assert sum(1 for el in _pins if el.startswith("cellwire-pin-")) == 3
    greedy.comm.deliver({"op": "release", "outputs": ["cellwire-pin-0"]})  # a released pin frees a place
    greedy.attach(channel, "v3")
    for i in range(4, 7):
        greedy.attach(channel, f"v{i}")
    assert "views (attached outputs)" in errors(greedy.comm)[-1]["message"]
    assert len(link.connections[greedy.comm.comm_id].view_ids) == 5
    greedy.comm.deliver({"op": "detach", "view": "v0"})
    assert greedy.attach(channel, "v9")["op"] == "attached"
    assert other.attach(channel)["op"] == "attached"  # the other page is not limited by the first
    other.comm.deliver({"op": "msg", "view": "v1", "data": 7})
    assert got == [7]
    for el in [el for el in _pins if el.startswith("cellwire-pin-")]:
        del _pins[el]


def test_comms_one_page_opens_through_the_bridge_are_bounded_and_other_pages_go_on(monkeypatch):
    """Each comm a page opens through the ipywidgets bridge is kept until its last widget view
    goes (20,000 control comms kept 20 MiB): past the limit that comm_open is refused."""
    from cellwire.bridge.hub import WidgetHub

    class Conn:
        def __init__(self, conn_id: str) -> None:
            self.id = self.page = conn_id

    class View:
        def __init__(self, conn_id: str) -> None:
            self.connection, self.sent = Conn(conn_id), []

        def send(self, data, buffers=()):
            self.sent.append(data)

    def open_control(view: View, n: int) -> None:
        message = {"op": "comm_open", "comm_id": f"c{n}", "target_name": "jupyter.widget.control", "msg_id": f"m{n}"}
        hub.on_page_message(view, message, [])

    monkeypatch.setattr(WidgetHub, "max_page_comms", 3, raising=False)  # (a hub without it fails below)
    hub = WidgetHub(comm_manager=type("Manager", (), {"targets": {}, "comms": {}})())
    greedy, other = View("greedy"), View("other")
    for view in (greedy, other):
        hub.add_view(view)
    for n in range(3):
        open_control(greedy, n)
    with pytest.raises(
        ProtocolError, match=r"this page's comms .* has 4 entries, more than the kernel accepts \(3\)"
    ) as err:
        open_control(greedy, 3)
    assert err.value.code == "limit"
    assert greedy.sent[-1] == {"op": "idle", "parent": "m3"}  # (its manager counts the message as handled)
    hub.on_page_message(greedy, {"op": "comm_close", "comm_id": "c0", "msg_id": "close"}, [])
    open_control(greedy, 3)  # a closed comm frees its place
    open_control(other, 0)  # another page is not limited by the first
    hub.on_page_message(
        other, {"op": "comm_msg", "comm_id": "c0", "msg_id": "ask", "data": {"method": "request_states"}}, []
    )
    assert any(d.get("data", {}).get("method") == "update_states" for d in other.sent)


def deeply_nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def test_a_hello_nested_deeply_is_refused_with_an_error(link):
    def deep_stack(frames: int) -> None:  # the kernel calls _on_open from deep in its own stack
        if frames:
            return deep_stack(frames - 1)
        link._on_open(
            comm, {"content": {"data": {**hello()["content"]["data"], "op": deeply_nested(970)}}, "header": {}}
        )

    comm = FakeComm("deep")
    deep_stack(60)
    assert comm.last["code"] == "unknown-op" and comm.last["fatal"]
    assert len(comm.last["message"]) < 200


def test_a_non_ascii_bridge_comm_id_is_a_clear_error():
    from cellwire.bridge.hub import WidgetHub

    class Conn:
        id, page = "c", "p"

    class View:
        connection = Conn()

        def send(self, data, buffers=()):
            pass

    hub = WidgetHub(comm_manager=None)
    for op in ("comm_open", "comm_msg", "comm_close"):
        with pytest.raises(ProtocolError, match="printable ASCII"):
            hub.on_page_message(View(), {"op": op, "comm_id": "caf\u00e9", "target_name": "x", "msg_id": "m"}, [])


def test_page_strings_cannot_forge_log_lines(link, caplog):
    forged = "p1\n[cellwire WARNING] all is well\x1b[2J"
    comm = FakeComm("forger")
    with caplog.at_level(logging.INFO, logger="cellwire"):
        link._on_open(comm, hello(page=forged))
        comm.deliver({"op": "detach-everything"})
    line = caplog.records[-1].getMessage()
    assert "\n" not in line and "\x1b" not in line
    assert "p1\\n[cellwire WARNING] all is well\\x1b[2J" in line
    assert log.escape_controls("a\u2028b\tc") == "a\\u2028b\\tc"


def test_a_failed_call_sends_no_traceback_under_voila(link, monkeypatch, caplog):
    page = Page(link, "voila-page")
    channel = cw.Channel(esm="export function render() {}")

    @channel.expose
    def boom():
        raise ValueError("the database password is hunter2")

    page.attach(channel)
    monkeypatch.setattr(rpc, "show_tracebacks", None)
    monkeypatch.setenv("VOILA_BASE_URL", "/")  # Voilà sets it in its kernels' environment
    with caplog.at_level(logging.INFO, logger="cellwire"):
        page.comm.deliver({"op": "call", "view": "v1", "id": "c1", "name": "boom"})
    error = page.comm.last["error"]
    assert "hunter2" not in str(error) and "stack" not in error
    assert "kernel's log" in error["message"] and "show_tracebacks" in error["message"]
    assert caplog.records[-1].exc_info is not None  # the kernel's log has it all
    monkeypatch.delenv("VOILA_BASE_URL")
    page.comm.deliver({"op": "call", "view": "v1", "id": "c2", "name": "boom"})
    assert "hunter2" in page.comm.last["error"]["message"] and "Traceback" in page.comm.last["error"]["stack"]


def test_a_failing_message_handler_sends_no_error_text_under_voila(link, monkeypatch, caplog):
    page = Page(link, "voila-page")
    channel = cw.Channel(esm="export function render() {}")

    def on_message(message):
        raise ValueError("the database password is hunter2")

    channel.on_message(on_message)
    page.attach(channel)
    monkeypatch.setattr(rpc, "show_tracebacks", None)
    monkeypatch.setenv("VOILA_BASE_URL", "/")
    with caplog.at_level(logging.INFO, logger="cellwire"):
        page.comm.deliver({"op": "msg", "view": "v1", "data": 1})
    error = errors(page.comm)[-1]
    assert error["code"] == "handler-error" and "hunter2" not in error["message"]
    assert "kernel's log" in error["message"] and "show_tracebacks" in error["message"]
    assert "hunter2" in caplog.text  # the kernel's log has it (and the traceback)
    monkeypatch.delenv("VOILA_BASE_URL")
    page.comm.deliver({"op": "msg", "view": "v1", "data": 2})
    assert "ValueError: the database password is hunter2" in errors(page.comm)[-1]["message"]


def test_the_link_logs_nothing_at_info_when_a_kernel_has_no_subshells(monkeypatch, caplog):
    """ipykernel 6 shows the kernel's stderr in the notebook: no line on import there."""
    from cellwire.transport import kernel_link

    monkeypatch.setattr(kernel_link.dispatching, "_receives_while_busy", None)  # (install sets it)
    link = kernel_link.KernelLink(kernel=object(), comm_manager=None)
    monkeypatch.setattr(kernel_link, "create_subshell", lambda kernel: None)
    monkeypatch.setattr(kernel_link.ShellPump, "for_kernel", classmethod(lambda cls, kernel, is_page: None))
    monkeypatch.setattr(kernel_link.dispatching, "set_pump", lambda pump: None)
    monkeypatch.setattr(link, "comm_manager", type("M", (), {"register_target": lambda *a: None})())
    # (the beacon needs a real kernel: what is logged comes before it)
    with caplog.at_level(logging.INFO, logger="cellwire"), contextlib.suppress(Exception):
        link.install()
    assert [r for r in caplog.records if r.levelno >= logging.INFO] == []


def test_log_lines_go_to_the_kernel_process_stderr_not_into_the_notebook(monkeypatch, tmp_path):
    """ipykernel points descriptor 2 at a pipe it shows in the notebook and keeps the original."""
    with open(tmp_path / "server.log", "w") as server_log:

        class NotebookStream:
            _original_stdstream_copy = server_log.fileno()

        monkeypatch.setattr("sys.stderr", NotebookStream())
        stream = log._process_stderr()
        stream.write("[cellwire WARNING] a line\n")
        stream.flush()
    assert (tmp_path / "server.log").read_text() == "[cellwire WARNING] a line\n"
