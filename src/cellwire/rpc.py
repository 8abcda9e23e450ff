"""Calls between Python and the JavaScript of an object's views, both ways, with results and errors.

* Python → JS: ``obj.call("name", *args)`` runs a function the view registered in its ``render``
  with ``channel.expose({name})``; ``obj.eval_js("el.offsetWidth")`` evaluates JavaScript in the
  view (``el``, ``channel`` and ``args`` in scope). Both return the result, or raise ``JSError``
  carrying the JavaScript message and stack.
* JS → Python: ``await channel.invoke("name", [args])`` runs a function registered with
  ``@obj.expose``; a Python exception rejects the promise with an Error carrying its message.

On the wire these are the ``call`` and ``reply`` ops (docs/protocol.md, "Calls"). Binary values
anywhere in arguments or results (bytes, memoryview, numpy arrays; ArrayBuffer, typed arrays,
DataView) travel as message buffers, never as base64: ``buffer_paths`` says where each one goes.

A call from Python blocks the calling thread until the reply arrives, which is handled on
cellwire's subshell thread; so it works inside a running cell, is interruptible, and refuses to
run where it could never return (``wait.check_can_block``).
"""

from __future__ import annotations

import json
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from .log import logger
from .serialize import join_binary, split_binary
from .transport import identity
from .wait import check_can_block, wait_event

if TYPE_CHECKING:
    from .target import Target, View
    from .transport.page_connection import PageConnection

F = TypeVar("F", bound=Callable[..., Any])

#: Seconds a Python → JS call waits for its answer unless told otherwise.
DEFAULT_TIMEOUT = 10.0

#: Does a page's failed call (JS → Python) get the exception's message and traceback? None: yes,
#: except in a kernel Voilà started. Voilà hides errors from its viewers unless run with
#: ``show_tracebacks=True``, and does not tell its kernels that setting; an app that wants them
#: sent sets ``cellwire.rpc.show_tracebacks = True``.
show_tracebacks: bool | None = None


def tracebacks_shown() -> bool:
    return show_tracebacks if show_tracebacks is not None else not identity.started_by_voila()


class CallError(RuntimeError):
    """A call between Python and a view did not produce a result."""


class JSError(CallError):
    """The JavaScript side threw; ``name``, ``js_message`` and ``stack`` are what it reported."""

    def __init__(self, name: str, message: str, stack: str = "", view: View | None = None):
        self.name, self.js_message, self.stack, self.view = name, message, stack, view
        text = f"{name}: {message}"
        if stack and stack.strip() != text:
            text += "\nJavaScript stack:\n" + stack
        super().__init__(text)


class NoViewError(CallError):
    """Nothing shows the object on an open page, so there is no JavaScript to call."""


class ViewGoneError(CallError):
    """The view went away (output cleared, page closed, object closed) before it answered."""


class CallTimeout(CallError, TimeoutError):
    """No answer in time."""


# -- binary values inside JSON ------------------------------------------------------------------
def _encode(data: dict[str, Any]) -> tuple[dict[str, Any], list[memoryview]]:
    """A call/reply message ready to send: binary parts lifted out, the rest checked to be JSON."""
    plain, paths, buffers = split_binary(data)
    if paths:
        plain["buffer_paths"] = paths
    json.dumps(plain, allow_nan=False)  # TypeError/ValueError here names the offending value
    return plain, buffers


# -- Python → JS --------------------------------------------------------------------------------
class _Pending:
    def __init__(self, view: View):
        self.view = view
        self.done = threading.Event()
        self.value: Any = None
        self.error: CallError | None = None

    def finish(self, value: Any = None, error: CallError | None = None) -> None:
        self.value, self.error = value, error
        self.done.set()


_pending: dict[str, _Pending] = {}
_pending_lock = threading.Lock()


def _start(view: View, fields: dict[str, Any]) -> tuple[str, _Pending]:
    call_id = uuid.uuid4().hex
    data, buffers = _encode({"op": "call", "view": view.id, "id": call_id, **fields})
    pending = _Pending(view)
    with _pending_lock:
        _pending[call_id] = pending
    view.connection.send(data, buffers)
    return call_id, pending


def on_reply(conn: PageConnection, data: dict[str, Any], buffers: list[memoryview]) -> None:
    """A page answered a call from Python (runs on the link's thread)."""
    with _pending_lock:
        pending = _pending.get(data["id"])
        if pending is not None and pending.view.connection is conn:
            del _pending[data["id"]]
        else:
            pending = None
    if pending is None:
        logger.info("a page answered call %s, which is no longer waiting (timed out?)", data["id"])
        return
    try:
        data = join_binary(data, data.get("buffer_paths") or [], buffers)
    except ValueError as err:
        pending.finish(error=CallError(f"the page's answer was malformed: {err}"))
        return
    error = data.get("error")
    if isinstance(error, dict):
        pending.finish(
            error=JSError(
                str(error.get("name") or "Error"),
                str(error.get("message", "")),
                str(error.get("stack") or ""),
                pending.view,
            )
        )
    else:
        pending.finish(data.get("value"))


def fail_calls(views: Sequence[View], reason: str) -> None:
    """The views are gone: their callers raise ViewGoneError at once instead of timing out."""
    gone = set(map(id, views))
    with _pending_lock:
        failed = [(k, p) for k, p in _pending.items() if id(p.view) in gone]
        for key, _ in failed:
            del _pending[key]
    for _, pending in failed:
        pending.finish(error=ViewGoneError(reason))


# -- JS → Python --------------------------------------------------------------------------------
def on_call(view: View, data: dict[str, Any], buffers: list[memoryview]) -> None:
    """A page calls a Python function exposed on ``view.target`` (runs on the link's thread)."""
    reply: dict[str, Any] = {"op": "reply", "view": view.id, "id": data["id"]}
    try:
        data = join_binary(data, data.get("buffer_paths") or [], buffers)
        name = data.get("name")
        function = getattr(view.target, "_exposed", {}).get(name)
        if function is None:
            known = ", ".join(sorted(getattr(view.target, "_exposed", {}))) or "none"
            raise LookupError(
                f"no Python function {name!r} is exposed on this object (exposed: {known}); "
                "register it with @obj.expose"
            )
        value = function(*(data.get("args") or []), **(data.get("kwargs") or {}))
        message, out_buffers = _encode({**reply, "value": value})
    except Exception as err:
        shown = tracebacks_shown()
        logger.info(
            "a call from page %s failed: %s: %s", view.connection.page, type(err).__name__, err, exc_info=not shown
        )
        if shown:
            error = {"name": type(err).__name__, "message": str(err), "stack": traceback.format_exc()}
        else:
            error = {
                "name": "Error",
                "message": f"the Python function {str(data.get('name'))[:100]!r} failed; its error is in the "
                "kernel's log (not sent to pages under Voilà: set cellwire.rpc.show_tracebacks = True to send it)",
            }
        message, out_buffers = {**reply, "error": error}, []
    view.connection.send(message, out_buffers)


# -- the public side, mixed into Channel (and anything else a view renders) ---------------------
class Calls:
    """``expose``, ``call`` and ``eval_js`` for a ``Target`` subclass (mixed in before it)."""

    _exposed: dict[str, Callable[..., Any]]

    def _on_close(self, views: list[View]) -> None:
        """Calls still waiting on the closed object's views fail at once."""
        fail_calls(views, "the object was closed")
        super()._on_close(views)  # type: ignore[misc]

    def expose(self, function: F | str | None = None, *, name: str | None = None) -> Any:
        """Let the views call ``function`` with ``await channel.invoke(name, [args], {kwargs})``.

        Use as ``@obj.expose``, ``@obj.expose("name")`` or ``obj.expose(f, name="name")``. It runs
        on cellwire's thread, concurrently with a running cell (see docs/busy.md); its return value
        (JSON, with bytes/arrays anywhere) resolves the JavaScript promise, an exception rejects it.
        """
        if isinstance(function, str):
            return lambda f: self.expose(f, name=function)
        if function is None:
            return lambda f: self.expose(f, name=name)
        if not hasattr(self, "_exposed"):
            self._exposed = {}
        self._exposed[name or function.__name__] = function
        return function

    def call(
        self, name: str, *args: Any, timeout: float = DEFAULT_TIMEOUT, view: View | None = None, all_views: bool = False
    ) -> Any:
        """Call ``name(*args)``, a function the view registered with ``channel.expose({name})``.

        The most recently attached view answers (``view=`` picks one); with ``all_views=True``
        every view does, and a list comes back. Returns the (awaited) result. Raises
        ``JSError`` if it threw, ``NoViewError`` if nothing is displayed, ``CallTimeout``.
        """
        return self._call({"name": name, "args": list(args)}, f"call({name!r})", timeout, view, all_views)

    def eval_js(
        self,
        code: str,
        args: dict[str, Any] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        view: View | None = None,
        all_views: bool = False,
    ) -> Any:
        """Evaluate JavaScript in a view and return its (awaited) value.

        ``code`` is an expression (``"el.offsetWidth"``) or a function body with ``return``; ``el``
        (the view's element), ``channel`` and ``args`` are in scope.
        Errors as for ``call``.
        """
        return self._call({"code": code, "args": [args or {}]}, "eval_js", timeout, view, all_views)

    def _call(self, fields: dict[str, Any], what: str, timeout: float, view: View | None, all_views: bool) -> Any:
        target: Target = self  # type: ignore[assignment]
        check_can_block(what)
        deadline = time.monotonic() + timeout
        views = [view] if view is not None else target._wait_views(timeout)
        if not views:
            raise NoViewError(
                f"{what}: no view of this object on any open page within {timeout} s. Display it "
                "(and keep its output on a page open) first, or pass a longer timeout="
            )
        return call_views(views, fields, what, timeout, all_views, deadline)


def call_views(
    views: Sequence[View], fields: dict[str, Any], what: str, timeout: float, all_views: bool, deadline: float
) -> Any:
    """Send one call to the newest of ``views`` (or, with ``all_views``, to each) and wait for the
    answers until ``deadline`` (``time.monotonic()``); the value, or the list of values. Raises as
    ``Calls.call`` says (``timeout`` is what its message names)."""
    if not all_views:
        views = views[-1:]  # the newest: after a reload, the old page's views may linger
    started = [_start(v, fields) for v in views]
    results = []
    try:
        for _call_id, pending in started:
            if not wait_event(pending.done, max(0.0, deadline - time.monotonic())):
                raise CallTimeout(
                    f"{what}: no answer from the view within {timeout} s; its page may have been "
                    "closed, or be stuck in a long computation. Pass a longer timeout= if needed."
                )
            if pending.error is not None:
                raise pending.error
            results.append(pending.value)
    finally:
        with _pending_lock:
            for call_id, _ in started:
                _pending.pop(call_id, None)
    return results if all_views else results[0]
