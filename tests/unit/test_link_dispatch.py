"""The kernel side of the link, driven with fake comms (no kernel, no browser)."""

import pytest
from fakes import FakeComm, hello, open_page

from cellwire import Channel
from cellwire._version import PROTOCOL
from cellwire.transport import assets, identity


def test_hello_is_welcomed_with_kernel_identity(link):
    comm = open_page(link)
    welcome = comm.last
    assert welcome["op"] == "welcome" and welcome["protocol"] == PROTOCOL
    assert welcome["kernel_id"] == "k-1" and welcome["instance"] == identity.INSTANCE_ID
    assert welcome["route"] == "iopub"  # no ipykernel 7 shell thread on a fake kernel
    assert link.connections["c1"].page == "p1"


def test_wrong_kernel_and_bad_hello_are_refused(link):
    comm = FakeComm()
    link._on_open(comm, hello(kernel_id="someone-else"))
    assert comm.last["op"] == "error" and comm.last["code"] == "wrong-kernel" and comm.last["fatal"]
    comm = FakeComm()
    link._on_open(comm, {"content": {"data": {"op": "attach"}}, "header": {}})
    assert comm.last["code"] == "malformed"
    assert link.connections == {}


def test_runtime_request_gets_the_modules(link):
    comm = FakeComm()
    link._on_open(comm, hello(purpose="runtime"))
    assert comm.last["op"] == "runtime" and comm.last["entry"] == "runtime.js"
    assert comm.last["hash"] == assets.runtime_hash() and comm.last["vendor"] == []
    assert "c1" not in link.connections


def test_runtime_request_brings_the_bundles_it_preloads_and_ignores_unknown_ones(link):
    vendored = assets.vendor_bundle("jupyter-widgets")
    comm = FakeComm()
    link._on_open(comm, hello(purpose="runtime", preload=[vendored["hash"], "f" * 16]))
    assert [b["hash"] for b in comm.last["vendor"]] == [vendored["hash"]]
    assert comm.last["vendor"][0]["js"] == vendored["js"]


def test_attach_message_reply_and_broadcast(link):
    comm = open_page(link)
    ch = Channel(esm="export function render() {}")
    got = []
    ch.on_message(lambda m: (got.append((m.data, [bytes(b) for b in m.buffers])), m.reply({"ok": 1}, [b"r"])))
    comm.deliver({"op": "attach", "view": "v1", "target": ch.target_id, "instance": identity.INSTANCE_ID})
    attached = comm.last
    assert attached["op"] == "attached" and attached["view"] == "v1"
    assert attached["module"]["source"] == "export function render() {}"
    assert len(ch.views) == 1

    comm.deliver({"op": "msg", "view": "v1", "data": {"n": 1}}, [b"xy"])
    assert got == [({"n": 1}, [b"xy"])]
    assert comm.sent[-1] == ({"op": "msg", "target": ch.target_id, "view": "v1", "data": {"ok": 1}}, [b"r"])

    ch.send({"all": True}, [b"z"])
    assert comm.sent[-1] == ({"op": "msg", "target": ch.target_id, "data": {"all": True}}, [b"z"])

    # a second view on the same page: the module source is not sent again
    comm.deliver({"op": "attach", "view": "v2", "target": ch.target_id, "instance": identity.INSTANCE_ID})
    assert "source" not in comm.last["module"]
    ch.send({"again": 1})
    assert sum(1 for data, _ in comm.sent if data.get("data") == {"again": 1}) == 1  # one per page


def test_unknown_target_stale_output_and_unknown_view_are_reported(link):
    comm = open_page(link)
    comm.deliver({"op": "attach", "view": "v", "target": "nope", "instance": identity.INSTANCE_ID})
    assert comm.last["code"] == "unknown-target" and comm.last["view"] == "v"
    ch = Channel()
    comm.deliver({"op": "attach", "view": "v", "target": ch.target_id, "instance": "old-process"})
    assert comm.last["code"] == "stale-output" and "run the cell again" in comm.last["message"]
    comm.deliver({"op": "msg", "view": "ghost", "data": 1})
    assert comm.last["code"] == "unknown-view"
    comm.deliver("not even a dict")
    assert comm.last["code"] == "malformed"


def test_a_failing_callback_is_reported_and_the_link_keeps_working(link):
    comm = open_page(link)
    ch = Channel()
    ch.on_message(lambda m: 1 / 0)
    comm.deliver({"op": "attach", "view": "v", "target": ch.target_id, "instance": identity.INSTANCE_ID})
    comm.deliver({"op": "msg", "view": "v", "data": None})
    assert comm.last["code"] == "handler-error" and "ZeroDivisionError" in comm.last["message"]
    comm.deliver({"op": "ping", "id": 7})
    assert comm.last == {"op": "pong", "id": 7}


def test_chunked_upload_reaches_the_callback_whole(link):
    comm = open_page(link)
    ch = Channel()
    got = []
    ch.on_message(lambda m: got.append([bytes(b) for b in m.buffers]))
    comm.deliver({"op": "attach", "view": "v", "target": ch.target_id, "instance": identity.INSTANCE_ID})
    comm.deliver({"op": "chunk", "upload": "u", "index": 0}, [b"abc"])
    comm.deliver({"op": "chunk", "upload": "u", "index": 1}, [b"def"])
    comm.deliver({"op": "msg", "view": "v", "data": {}, "upload": {"id": "u", "chunks": 2, "sizes": [4, 2]}})
    assert got == [[b"abcd", b"ef"]]


def test_closing_the_page_releases_views_and_closing_a_channel_tells_pages(link):
    comm = open_page(link)
    ch = Channel()
    comm.deliver({"op": "attach", "view": "v", "target": ch.target_id, "instance": identity.INSTANCE_ID})
    comm.close_cb({})
    assert ch.views == [] and link.connections == {} and link.views == {}

    comm = open_page(link, "c2")
    comm.deliver({"op": "attach", "view": "v", "target": ch.target_id, "instance": identity.INSTANCE_ID})
    ch.close()
    assert comm.last == {"op": "closed", "target": ch.target_id}
    with pytest.raises(RuntimeError, match="closed"):
        ch.send(1)


def test_reconnected_page_replaces_its_old_connection(link):
    comm = open_page(link, "old")
    ch = Channel()
    comm.deliver({"op": "attach", "view": "v", "target": ch.target_id, "instance": identity.INSTANCE_ID})
    new = FakeComm("new")
    link._on_open(new, hello(replaces="old"))
    assert list(link.connections) == ["new"] and ch.views == []


def test_hooks_run_outside_the_links_lock_when_a_page_replaces_its_connection(link):
    """A reconnecting page replaces its old comm; the old views' ``_on_detach`` hooks must be free
    to use the link from another thread (docs/architecture.md: hooks run outside the link's lock)."""
    import threading

    from fakes import attach

    seen: list[bool] = []

    class Watching(Channel):
        def _on_detach(self, view):
            done = threading.Event()
            threading.Thread(target=lambda: (link.describe(), done.set()), daemon=True).start()
            seen.append(done.wait(2))

    target = Watching()
    old = open_page(link, "old")
    attach(old, target)
    link._on_open(FakeComm("new"), hello(replaces="old"))
    assert seen == [True]
