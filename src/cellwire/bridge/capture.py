"""Output capture for ipywidgets' ``Output`` done in the kernel.

With JupyterLab's widget extension, ``with out:`` only sets ``out.msg_id``; the front-end then
moves every output of that message into the widget (a message hook on the output area). cellwire's
pages have no such hook, so while the bridge is on, ``with out:`` (and ``interact``, which uses it)
captures in the kernel: prints, displays, ``clear_output`` and the block's exception go straight
into ``out.outputs``, which every front-end renders (JupyterLab's manager too). Capture is per
thread, so a callback filling an Output on cellwire's subshell leaves the running cell's prints alone.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

from ..log import logger

_local = threading.local()
_installed: dict[str, Any] = {}
#: Called with an Output before this thread writes into it (``with out:``, ``append_display_data``):
#: set by the bridge (``stand_ins``; a hook, since that module displays, which imports this one).
before_write: Callable[[Any], None] | None = None


def _stack() -> list[Any]:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def current() -> Any:
    """The Output capturing on this thread, or None."""
    stack = _stack()
    return stack[-1] if stack else None


def append(out: Any, output: dict[str, Any]) -> None:
    """Add one nbformat output to ``out`` (a pending ``clear_output(wait=True)`` applies first);
    consecutive text of the same stream joins the previous output."""
    outputs = list(out.outputs)
    if getattr(out, "_cellwire_clear_pending", False):
        outputs = []
        out._cellwire_clear_pending = False
    last = outputs[-1] if outputs else None
    if (
        output.get("output_type") == "stream"
        and last is not None
        and last.get("output_type") == "stream"
        and last.get("name") == output.get("name")
    ):
        outputs[-1] = {**last, "text": last["text"] + output["text"]}
    else:
        outputs.append(output)
    out.outputs = tuple(outputs)


def clear(out: Any, wait: bool = False) -> None:
    if wait:
        out._cellwire_clear_pending = True
    else:
        out._cellwire_clear_pending = False
        out.outputs = ()


class _Stream:
    """Stands in for sys.stdout/sys.stderr: text written while this thread captures goes to the
    Output; everything else (other threads, no capture) to the real stream."""

    def __init__(self, real: Any, name: str):
        self._cellwire_real = real
        self._cellwire_name = name

    def write(self, text: str) -> int:
        out = current()
        if out is None:
            return int(self._cellwire_real.write(text))
        if text:
            append(out, {"output_type": "stream", "name": self._cellwire_name, "text": text})
        return len(text)

    def flush(self) -> None:
        if current() is None:
            self._cellwire_real.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cellwire_real, name)


def _wrap_streams() -> None:
    """Make sure the streams capture (something may have replaced them since ``install``)."""
    if not isinstance(sys.stdout, _Stream):
        sys.stdout = _Stream(sys.stdout, "stdout")
    if not isinstance(sys.stderr, _Stream):
        sys.stderr = _Stream(sys.stderr, "stderr")


def _before_write(out: Any) -> None:
    if before_write is not None:
        try:
            before_write(out)
        except Exception:  # (the user's block still runs, captured as usual)
            logger.exception("ipywidgets bridge: before capturing into %s", type(out).__name__)


def _enter(self: Any) -> Any:
    _before_write(self)
    self._flush()
    _wrap_streams()
    _stack().append(self)
    return self


def _exit(self: Any, etype: Any, evalue: Any, tb: Any) -> bool | None:
    stack = _stack()
    if stack and stack[-1] is self:
        stack.pop()
    if etype is None:
        return None
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return None
    try:
        traceback = shell.InteractiveTB.structured_traceback(etype, evalue, tb, tb_offset=0)
    except Exception:  # a traceback formatter failing must not hide the error itself
        traceback = [f"{etype.__name__}: {evalue}"]
    append(self, {"output_type": "error", "ename": etype.__name__, "evalue": str(evalue), "traceback": traceback})
    return True  # shown in the Output, as ipywidgets does


def _append_display_data(self: Any, display_object: Any) -> None:
    """ipywidgets formats the object and appends what it gets; a widget, though, displays itself
    while the bridge is on (``display``: IPython's format then returns nothing). So display it
    with this Output capturing, which appends the same output for any object."""
    from IPython.display import display

    _before_write(self)
    _stack().append(self)
    try:
        display(display_object)
    finally:
        _stack().pop()


def install() -> None:
    """Capture ``with out:`` in the kernel (idempotent)."""
    if _installed:
        return
    from IPython import get_ipython
    from ipywidgets import Output

    shell = get_ipython()
    _installed["enter"], _installed["exit"] = Output.__enter__, Output.__exit__
    Output.__enter__, Output.__exit__ = _enter, _exit
    _installed["stdout"], _installed["stderr"] = sys.stdout, sys.stderr
    _wrap_streams()
    if shell is not None:
        pub = shell.display_pub
        publish, clear_output = pub.publish, pub.clear_output
        _installed["pub"] = (pub, publish, clear_output)

        def captured_publish(data: Any, metadata: Any = None, *args: Any, **kwargs: Any) -> Any:
            out = current()
            if out is None or kwargs.get("update"):
                return publish(data, metadata, *args, **kwargs)
            append(out, {"output_type": "display_data", "data": data, "metadata": metadata or {}})
            return None

        def captured_clear(wait: bool = False) -> Any:
            out = current()
            if out is None:
                return clear_output(wait)
            clear(out, wait)
            return None

        pub.publish, pub.clear_output = captured_publish, captured_clear
        _installed["append_display_data"] = Output.append_display_data
        Output.append_display_data = _append_display_data


def uninstall() -> None:
    if not _installed:
        return
    from ipywidgets import Output

    Output.__enter__, Output.__exit__ = _installed["enter"], _installed["exit"]
    if isinstance(sys.stdout, _Stream):
        sys.stdout = sys.stdout._cellwire_real
    if isinstance(sys.stderr, _Stream):
        sys.stderr = sys.stderr._cellwire_real
    if "pub" in _installed:
        pub, publish, clear_output = _installed["pub"]
        pub.publish, pub.clear_output = publish, clear_output
        Output.append_display_data = _installed["append_display_data"]
    _installed.clear()
