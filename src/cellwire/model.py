"""``Model``: traitlets tagged ``sync=True`` mirrored by a JavaScript model in every view.

The kernel holds the one true state. Each synced key carries a version that the kernel bumps on
every accepted change, so a page ignores anything older than what it has (a late echo never
overwrites a newer value). Rules, also in docs/widgets.md:

* **Concurrent edits** (two tabs): the kernel serializes; the last change to *arrive* wins, even if
  it was based on an older version. Every accepted change is broadcast to every page; the sending
  page gets it with ``ack`` = its sequence number.
* **Refused values** (a ``TraitError``, an unknown name): the sender gets the kernel's value and an
  ``errors`` entry, and its views snap back and show the message.
* **Bursts**: changes made in Python are flushed at most every ``flush_interval`` seconds per model
  (a loop setting ``progress.value`` 20,000 times sends a few hundred updates; the last value is
  exact). The browser keeps at most one update in flight per model, replacing queued values.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import traitlets
from traitlets import HasTraits

from .buffers import BufferLike, to_buffers
from .callbacks import CallbackList
from .log import logger
from .rpc import Calls
from .scheduler import FLUSH_INTERVAL, GLOBAL_INTERVAL, Pacer
from .serialize import MODEL_PREFIX, join_buffers, split_binary
from .target import Module, Target, View, find_target
from .transport.kernel_link import get_link
from .transport.protocol import ProtocolError, clip

CustomCallback = Callable[[Any, Any, list[memoryview]], Any]


class ModelError(ProtocolError):
    """A page's model message that cannot be acted on (answered to the page, never raised to users)."""

    def __init__(self, message: str):
        super().__init__("malformed", message)


def _default_to_json(value: Any, model: Model) -> Any:
    if isinstance(value, Model):
        return MODEL_PREFIX + value.target_id
    if isinstance(value, (list, tuple)):
        return [_default_to_json(v, model) for v in value]
    if isinstance(value, dict):
        return {k: _default_to_json(v, model) for k, v in value.items()}
    return value


def _default_from_json(value: Any, model: Model) -> Any:
    if isinstance(value, str) and value.startswith(MODEL_PREFIX):
        found = find_target(value[len(MODEL_PREFIX) :])
        return found if found is not None else value
    if isinstance(value, list):
        return [_default_from_json(v, model) for v in value]
    return value


class Model(Calls, Target, HasTraits):
    """A kernel object whose ``sync=True`` traits are mirrored in the browser.

    Subclasses set ``_module`` (the ES module with ``render({model, el})``) and declare traits with
    ``.tag(sync=True)``; optional ``to_json(value, model)``/``from_json(value, model)`` metadata
    converts values that JSON can't carry. Binary values (bytes, numpy arrays) travel as buffers.
    """

    #: Seconds between two updates of one model caused by Python-side changes.
    flush_interval: float = FLUSH_INTERVAL
    #: Seconds between any two Python-side updates of all models (and bridged ipywidgets) together.
    global_interval: float = GLOBAL_INTERVAL
    #: CSS injected once per page for this class (anywidget's ``_css``).
    _css_source: str | None = None
    #: Browser-side links (``jslink``): ``[key, "IPY_MODEL_<id>", other_key]`` entries.
    _jslinks: traitlets.List[list[str]] = traitlets.List().tag(sync=True)
    #: The synced keys a page may change: the ones its views edit (the standard widgets name
    #: theirs). None: any synced key but those that say what the view is, for models whose views
    #: may edit anything (custom widgets). A page never sends another key; one that does is
    #: refused, since every other page would show what it set (docs/widgets.md, "What a page may change").
    _page_writable: frozenset[str] | None = None
    _NEVER_PAGE_WRITABLE = frozenset({"_jslinks", "_view_name", "layout"})

    def __init__(self, **kwargs: Any) -> None:
        Target.__init__(self)
        get_link()
        self._sync_lock = threading.RLock()
        self._versions: dict[str, int] = {}
        self._dirty: set[str] = set()
        self._hold = 0
        self._pacer = Pacer(
            self._flush,
            self._sync_lock,
            lambda: not self._hold and bool(self._dirty),
            self.flush_interval,
            self.global_interval,
        )
        self._custom_callbacks = CallbackList(f"{type(self).__name__}.on_msg")
        #: Keys of this model that a ``jslink`` sets in the browser (which saves them here).
        self._jslinked: set[str] = set()
        unknown = sorted(set(kwargs) - set(self.trait_names()))
        if unknown:
            import difflib

            hints = [
                f"{name!r} (did you mean {close[0]!r}?)"
                if (close := difflib.get_close_matches(name, self.trait_names(), 1))
                else repr(name)
                for name in unknown
            ]
            raise TypeError(
                f"{type(self).__name__} has no trait {', '.join(hints)}; its synced traits are: {', '.join(self.keys)}"
            )
        HasTraits.__init__(self, **kwargs)
        self._versions = {key: 0 for key in self.keys}
        self._start_observing()

    def _start_observing(self) -> None:
        self.observe(self._on_sync_change, names=self.keys)

    # -- what is synced -------------------------------------------------------------------------
    @property
    def keys(self) -> list[str]:
        """Names of the synced traits."""
        return sorted(self.traits(sync=True))

    def _trait_to_json(self, key: str) -> Any:
        to_json = self.trait_metadata(key, "to_json") or _default_to_json
        return to_json(getattr(self, key), self)

    def _trait_from_json(self, key: str, value: Any) -> Any:
        from_json = self.trait_metadata(key, "from_json")
        if from_json is not None:
            return from_json(value, self)
        if isinstance(self.traits()[key], traitlets.Unicode):
            return value
        return _default_from_json(value, self)

    def get_state(self, keys: Sequence[str] | None = None) -> dict[str, Any]:
        """The JSON-side state of ``keys`` (default: all synced traits), binary values still in place."""
        return {key: self._trait_to_json(key) for key in (self.keys if keys is None else keys)}

    # -- views ----------------------------------------------------------------------------------
    def _on_attach(self, view: View) -> tuple[Any, Sequence[BufferLike]]:
        with self._sync_lock:
            state, paths, buffers = split_binary(self.get_state())
            init: dict[str, Any] = {
                "kind": "model",
                "name": type(self).__name__,
                "state": state,
                "versions": dict(self._versions),
                "buffer_paths": paths,
            }
        if self._css_source:
            css = Module(self._css_source)
            init["css"] = {"hash": css.hash}
            if "css:" + css.hash not in view.connection.sent_modules:
                init["css"]["source"] = css.source
                view.connection.sent_modules.add("css:" + css.hash)
        return init, buffers

    def _on_message(self, view: View, data: Any, buffers: list[memoryview]) -> None:
        method = data.get("method") if isinstance(data, dict) else None
        if method == "update":
            self._apply_update(view, data, buffers)
        elif method == "custom":
            self._handle_custom(data.get("content"), buffers)
        else:
            raise ModelError(f"unknown model message {method!r}; expected 'update' or 'custom'")

    # -- changes from views ---------------------------------------------------------------------
    def _apply_update(self, view: View, data: dict[str, Any], buffers: list[memoryview]) -> None:
        seq = data.get("seq")
        raw = data.get("state")
        if not isinstance(raw, dict) or not isinstance(seq, int) or isinstance(seq, bool):
            raise ModelError("a model 'update' needs an object 'state' and an integer 'seq'")
        try:
            state = join_buffers(raw, data.get("buffer_paths") or [], buffers)
        except ValueError as err:
            raise ModelError(str(err)) from None
        errors: dict[str, str] = {}
        sync_keys = set(self.keys)
        # Held (so the changes and the ack go out as one update) but not locked: observers may run
        # long (interact), and other threads must be able to flush other changes meanwhile.
        with self._sync_lock:
            self._hold += 1
        try:
            for key, value in state.items():
                if key not in sync_keys:
                    errors[key] = clip(
                        f"{type(self).__name__} has no synced trait {key!r}; known: {', '.join(sorted(sync_keys))}"
                    )
                    continue
                if not self._writable_by_page(key):
                    editable = ", ".join(sorted(k for k in sync_keys if self._writable_by_page(k))) or "none"
                    errors[key] = clip(f"{key}: a page may not change it (its views change: {editable})")
                    continue
                try:
                    self._apply_key(key, value)
                except traitlets.TraitError as err:
                    errors[key] = clip(f"{key}: {err}")
                except Exception as err:  # an observer raised; the value itself was accepted
                    errors[key] = clip(f"{key}: a callback failed: {type(err).__name__}: {err}")
                    logger.exception("an observer of %s.%s failed", type(self).__name__, key)
        finally:
            with self._sync_lock:
                self._hold -= 1
        for key in errors:
            logger.warning("refused a change from page %s: %s", view.connection.page, errors[key])
        echo = [k for k in state if k in sync_keys]
        self._flush(ack=(view, seq, echo, errors))

    def _writable_by_page(self, key: str) -> bool:
        if key in self._NEVER_PAGE_WRITABLE:
            return False
        return self._page_writable is None or key in self._page_writable or key in self._jslinked

    def _apply_key(self, key: str, value: Any) -> None:
        """Set one synced key from its JSON value (raises TraitError when refused)."""
        setattr(self, key, self._trait_from_json(key, value))

    # -- changes made in Python -----------------------------------------------------------------
    def _on_sync_change(self, change: dict[str, Any]) -> None:
        with self._sync_lock:
            key = change["name"]
            self._versions[key] = self._versions.get(key, 0) + 1
            if not self.views:
                return
            self._dirty.add(key)
            if self._hold:
                return
            self._pacer.request()

    @contextlib.contextmanager
    def hold_sync(self) -> Iterator[None]:
        """Send the changes made inside the block together, as one update."""
        with self._sync_lock:
            self._hold += 1
        try:
            yield
        finally:
            with self._sync_lock:
                self._hold -= 1
                if not self._hold and self._dirty:
                    self._pacer.request()

    def _flush(self, ack: tuple[View, int, list[str], dict[str, str]] | None = None) -> None:
        """Send the changed keys to every page (and the ack with the sender's keys to its page)."""
        with self._sync_lock:
            dirty = sorted(self._dirty)
            self._dirty.clear()
            self._pacer.flushed()
            ack_conn = ack[0].connection if ack else None
            connections = {view.connection for view in self.views}
            if ack_conn is not None:
                connections.add(ack_conn)
            for conn in connections:
                keys = dirty
                if ack is not None and conn is ack_conn:
                    keys = sorted(set(dirty) | set(ack[2]))
                if not keys and conn is not ack_conn:
                    continue
                state, paths, buffers = split_binary(self.get_state(keys))
                data: dict[str, Any] = {
                    "method": "update",
                    "state": state,
                    "buffer_paths": paths,
                    "versions": {k: self._versions.get(k, 0) for k in keys},
                }
                if ack is not None and conn is ack_conn:
                    data["ack"] = ack[1]
                    if ack[3]:
                        data["errors"] = ack[3]
                conn.send({"op": "msg", "target": self.target_id, "data": data}, to_buffers(buffers))

    # -- custom messages ------------------------------------------------------------------------
    def send(self, content: Any, buffers: Sequence[BufferLike] | None = None) -> None:
        """A custom message to every view: ``model.on("msg:custom", (content, buffers) => ...)``."""
        self._broadcast({"method": "custom", "content": content}, buffers)

    def on_msg(self, callback: CustomCallback, remove: bool = False) -> None:
        """Call ``callback(model, content, buffers)`` for each custom message from a view; with
        ``remove=True``, stop."""
        self._custom_callbacks.register(callback, remove)

    def _handle_custom(self, content: Any, buffers: list[memoryview]) -> None:
        if not self._custom_callbacks:
            logger.info("%s got a custom message but has no on_msg callback", type(self).__name__)
        self._custom_callbacks(self, content, buffers)
