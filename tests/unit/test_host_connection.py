"""A host's widget comm as a page connection (``host_connection``, ``host_widget``): cellwire's page
protocol in the widget's custom messages, routed like a page's, without a kernel or a browser."""

from __future__ import annotations

import sys
import types
from types import SimpleNamespace

import pytest
from fakes import open_page

from cellwire import Channel, host_widget
from cellwire.host_widget import HOST_WIDGET_ID, WIDGET_VIEW, for_hosts_only
from cellwire.transport import identity
from cellwire.transport.host_connection import HostConnection


class Host:
    """A host's widget manager, as the kernel sees it: a connection whose sends are custom messages."""

    def __init__(self, link, target, comm_id: str = "host-1"):
        self.sent: list[tuple[dict, list[bytes]]] = []
        module = target._module
        send = lambda data, buffers: self.sent.append((data, [bytes(b) for b in buffers]))  # noqa: E731
        self.conn = HostConnection(comm_id, send, [module.hash] if module else [], lambda: 2**30)
        self.comm = SimpleNamespace(comm_id=comm_id)
        link.add_connection(self.conn, self.comm)
        self.link = link

    def deliver(self, data, buffers=()) -> None:
        self.link.handle(self.conn, data, [memoryview(b) for b in buffers])

    @property
    def last(self) -> dict:
        return self.sent[-1][0]


def test_a_host_view_attaches_messages_and_gets_replies_through_the_host(link):
    ch = Channel(esm="export function render() {}")
    got = []
    ch.on_message(lambda m: (got.append((m.data, [bytes(b) for b in m.buffers])), m.reply({"pong": 1}, [b"r"])))
    host = Host(link, ch)
    host.deliver({"op": "attach", "view": "hv", "target": ch.target_id, "instance": identity.INSTANCE_ID})
    assert host.last["op"] == "attached" and host.last["view"] == "hv"
    assert "source" not in host.last["module"]  # the host view has it in the widget's state
    host.deliver({"op": "msg", "view": "hv", "data": {"ping": 1}}, [b"up"])
    assert got == [({"ping": 1}, [b"up"])]
    assert host.sent[-1] == ({"op": "msg", "target": ch.target_id, "view": "hv", "data": {"pong": 1}}, [b"r"])
    assert host.conn.route == "host" and [c["route"] for c in link.describe()] == ["host"]


def test_a_send_reaches_host_and_page_views_once_each_and_close_tells_both(link):
    ch = Channel(esm="export function render() {}")
    page = open_page(link)
    page.deliver({"op": "attach", "view": "pv", "target": ch.target_id, "instance": identity.INSTANCE_ID})
    host = Host(link, ch)
    for view in ("h1", "h2"):  # two host views (two outputs, or two host pages): one comm
        host.deliver({"op": "attach", "view": view, "target": ch.target_id, "instance": identity.INSTANCE_ID})
    ch.send({"all": 1}, [b"z"])
    assert [m for m in host.sent if m[0].get("data") == {"all": 1}] == [
        ({"op": "msg", "target": ch.target_id, "data": {"all": 1}}, [b"z"])
    ]
    assert page.sent[-1][0] == {"op": "msg", "target": ch.target_id, "data": {"all": 1}}
    ch.close()
    assert host.last == {"op": "closed", "target": ch.target_id} and page.last["op"] == "closed"


def test_a_host_connection_with_nothing_attached_sends_nothing(link):
    ch = Channel(esm="export function render() {}")
    host = Host(link, ch)
    ch.send({"x": 1})  # a host without a manager (JupyterLab without the extension) never attaches
    assert host.sent == []


def test_bad_host_messages_are_answered_on_the_host_and_the_link_lives_on(link):
    ch = Channel(esm="export function render() {}")
    host = Host(link, ch)
    host.deliver("not a dict")
    assert host.last["op"] == "error" and host.last["code"] == "malformed"
    host.deliver({"op": "msg", "view": "ghost", "data": 1})
    assert host.last["code"] == "unknown-view" and host.last["view"] == "ghost"
    host.deliver({"op": "attach", "view": "v", "target": ch.target_id, "instance": identity.INSTANCE_ID})
    assert host.last["op"] == "attached"


def test_a_host_view_detaches_and_the_dropped_connection_detaches_the_rest(link):
    ch = Channel(esm="export function render() {}")
    host = Host(link, ch)
    for view in ("h1", "h2"):
        host.deliver({"op": "attach", "view": view, "target": ch.target_id, "instance": identity.INSTANCE_ID})
    host.deliver({"op": "detach", "view": "h1"})
    assert [v.id for v in ch.views] == ["h2"]
    link.drop(host.conn)
    assert ch.views == [] and host.conn.id not in link.connections


def test_the_host_comm_is_routed_like_a_page_comm(link):
    ch = Channel()
    host = Host(link, ch)
    assert link._is_page_comm("host-1")  # a waiting cell handles it without subshells (shell_pump)
    assert not hasattr(host.comm, "_reply_subshell_for")  # (this fake kernel has no subshell)
    link.subshell_id = "sub-1"
    other = Host(link, Channel(), "host-2")
    assert other.comm._reply_subshell_for({"any": "data"}, None) == "sub-1"  # ipykernel 7 routes it there


def test_host_widgets_are_known_by_id_or_by_their_open_state():
    assert for_hosts_only("unknown-id", {"state": {"_anywidget_id": HOST_WIDGET_ID}})
    assert not for_hosts_only("unknown-id", {"state": {"_anywidget_id": "someone.Else"}})
    assert not for_hosts_only("unknown-id", {"method": "custom"})
    assert not for_hosts_only("unknown-id")


@pytest.mark.subshell
def test_a_displayed_channel_carries_a_host_widget_that_serves_its_views(link, monkeypatch):
    monkeypatch.setenv("CELLWIRE_HOST_WIDGETS", "1")
    ch = Channel(esm="export function render() {}")
    bundle = ch._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain", WIDGET_VIEW}  # the loader stays for other hosts
    model_id = bundle[WIDGET_VIEW]["model_id"]
    assert ch._repr_mimebundle_()[WIDGET_VIEW]["model_id"] == model_id  # one widget per channel
    widget = host_widget._widgets[ch][0]
    assert widget.model_id == model_id
    assert (widget._model_module, widget._model_name, widget._view_name) == ("anywidget", "AnyModel", "AnyView")
    state = widget._cellwire
    assert state["target"] == ch.target_id and state["module"]["source"] == "export function render() {}"
    assert state["runtime"]["modules"][-1]["name"] == "view.js"
    assert for_hosts_only(model_id) and model_id in link.connections

    sent = []
    # (what ipywidgets puts on the widget's comm: custom messages)
    monkeypatch.setattr(widget, "_send", lambda msg, buffers=None: sent.append(msg["content"]))
    got = []
    ch.on_message(lambda m: got.append(m.data))
    widget._handle_custom_msg(
        {"op": "attach", "view": "v", "target": ch.target_id, "instance": identity.INSTANCE_ID}, []
    )
    widget._handle_custom_msg({"op": "msg", "view": "v", "data": 5}, [])
    assert sent[0]["op"] == "attached" and got == [5]

    ch.close()
    assert sent[-1] == {"op": "closed", "target": ch.target_id}
    assert widget.comm is None and model_id not in link.connections and not for_hosts_only(model_id)


def test_host_widgets_can_be_turned_off(link, monkeypatch):
    monkeypatch.setenv("CELLWIRE_HOST_WIDGETS", "0")
    monkeypatch.setenv("VSCODE_PID", "1")
    assert WIDGET_VIEW not in Channel()._repr_mimebundle_()


@pytest.mark.subshell
def test_host_widgets_only_where_cellwires_socket_cannot_exist_by_default(link, monkeypatch):
    """JupyterLab with a widget manager but without anywidget's front-end (a split environment)
    would rank the entry above the loader and fail to draw it: by default only VS Code and Colab."""
    monkeypatch.delenv("CELLWIRE_HOST_WIDGETS", raising=False)
    for name in ("VSCODE_PID", "VSCODE_CWD", "VSCODE_IPC_HOOK_CLI"):
        monkeypatch.delenv(name, raising=False)
    assert WIDGET_VIEW not in Channel()._repr_mimebundle_()
    monkeypatch.setenv("VSCODE_PID", "4242")
    assert WIDGET_VIEW in Channel()._repr_mimebundle_()
    monkeypatch.delenv("VSCODE_PID")
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert WIDGET_VIEW in Channel()._repr_mimebundle_()
