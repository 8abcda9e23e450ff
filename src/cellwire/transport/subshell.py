"""The kernel's own subshell: where cellwire's messages are handled while a cell runs.

A Jupyter kernel handles shell messages one at a time, so a comm message from a page waits until
the running cell has finished. ipykernel >= 7 has *subshells*: a shell message whose header carries
``subshell_id`` is handled on that subshell's own thread, even while the main shell runs a cell.

cellwire creates **one subshell per kernel process** (not one per page) when it is first imported,
and tells pages its id in every output's loader spec and in ``welcome``. Pages put it in the header
of every cellwire shell message, including the ``comm_open`` that starts a connection, so an output
displayed by a running cell connects and delivers events at once. One subshell per kernel instead
of one per page, because a page that is closed or reloaded cannot be relied on to delete its own:
per-page subshells would leave a thread behind each time.

Without subshells (ipykernel < 7, or creation failed), everything goes over the main shell, as with
any comm: events then arrive only after the running cell. ``receives_while_busy()`` says which.
"""

from __future__ import annotations

import threading
from typing import Any

from ..log import logger


def create_subshell(kernel: Any, timeout: float = 5.0) -> str | None:
    """Create a subshell in ``kernel`` (this process) and return its id, or None if it has none.

    The subshell manager must only be used from the shell channel thread, so creation is handed to
    that thread's loop; this function waits for the result. It is the same step that
    ``create_subshell_request`` on the control channel triggers.
    """
    thread = getattr(kernel, "shell_channel_thread", None)
    if thread is None or not getattr(kernel, "_supports_kernel_subshells", False):
        return None
    manager = getattr(thread, "manager", None)
    create = getattr(manager, "_create_subshell", None)
    if create is None:
        logger.info(
            "this ipykernel has subshells but no way to create one from inside; events will wait for running cells"
        )
        return None
    done = threading.Event()
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(create())
        except Exception as err:  # reported below, in the calling thread
            result.append(err)
        finally:
            done.set()

    thread.io_loop.add_callback(run)
    if not done.wait(timeout) or not result or isinstance(result[0], Exception):
        logger.warning(
            "could not create a subshell (%s); events will wait for running cells", result[0] if result else "timed out"
        )
        return None
    return str(result[0])


#: Control requests that manage subshells. JupyterLab sends ``create_subshell_request`` when the
#: first comm of a target opens (its ``commsOverSubshells`` setting), typically while the cell that
#: displayed a widget runs; the ``idle`` around it would show that cell's kernel idle, as above.
SUBSHELL_REQUESTS = frozenset({"create_subshell_request", "delete_subshell_request", "list_subshell_request"})


def _msg_type(message: Any) -> Any:
    header = message.get("header") if isinstance(message, dict) else None
    return header.get("msg_type") if isinstance(header, dict) else None


def silence_status(kernel: Any, subshell_id: str) -> bool:
    """Publish no busy/idle status for the messages handled on cellwire's subshell (nor for the
    control requests that manage subshells: ``SUBSHELL_REQUESTS``).

    A kernel announces ``busy`` and ``idle`` on iopub around every shell message, to every client.
    For cellwire's messages, handled while a cell runs, that ``idle`` is false: JupyterLab's status
    indicator and jupyter_server's kernel ``execution_state`` (which idle-culling trusts) would say
    idle while the cell is still running, and every click would flicker the indicator. No client
    waits for these statuses: cellwire's messages are comms, which have no reply to track.
    """
    publish = getattr(kernel, "_publish_status", None)
    if publish is None:
        return False
    name = f"subshell-{subshell_id}"  # ipykernel's name for the subshell's thread

    def publish_status(status: str, channel: str, parent: Any = None) -> None:
        if threading.current_thread().name == name:
            return
        if channel == "control" and _msg_type(parent or kernel.get_parent(channel)) in SUBSHELL_REQUESTS:
            return  # (see SUBSHELL_REQUESTS)
        publish(status, channel, parent)

    kernel._publish_status = publish_status
    return True
