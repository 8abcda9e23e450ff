"""cellwire's subshell: where page messages are handled while a cell runs."""

from __future__ import annotations

import threading


def test_status_is_silenced_only_on_cellwire_subshell_thread():
    from cellwire.transport.subshell import create_subshell, silence_status

    class FakeKernel:
        def __init__(self):
            self.published = []

        def _publish_status(self, status, channel, parent=None):
            self.published.append((status, threading.current_thread().name))

    kernel = FakeKernel()
    assert create_subshell(kernel) is None  # no shell channel thread: no subshell
    assert silence_status(kernel, "abc")
    kernel._publish_status("busy", "shell")
    thread = threading.Thread(target=kernel._publish_status, args=("idle", "shell"), name="subshell-abc")
    thread.start()
    thread.join(timeout=5)
    other = threading.Thread(target=kernel._publish_status, args=("idle", "shell"), name="subshell-other")
    other.start()
    other.join(timeout=5)
    assert kernel.published == [("busy", "MainThread"), ("idle", "subshell-other")]


def test_status_is_silenced_for_subshell_management_requests():
    """JupyterLab asks for a subshell when a widget comm first opens, often while a cell runs:
    ipykernel's idle after that control request would show the running cell's kernel idle."""
    from cellwire.transport.subshell import silence_status

    class FakeKernel:
        def __init__(self):
            self.published = []
            self.parents = {}

        def get_parent(self, channel):
            return self.parents.get(channel, {})

        def _publish_status(self, status, channel, parent=None):
            self.published.append((status, channel))

    kernel = FakeKernel()
    silence_status(kernel, "abc")
    kernel.parents["control"] = {"header": {"msg_type": "create_subshell_request"}}
    kernel._publish_status("busy", "control")
    kernel._publish_status("idle", "control")
    kernel.parents["control"] = {"header": {"msg_type": "interrupt_request"}}
    kernel._publish_status("idle", "control")
    kernel._publish_status("idle", "shell", {"header": {"msg_type": "create_subshell_request"}})
    assert kernel.published == [("idle", "control"), ("idle", "shell")]
