"""``Output``: a widget that shows what Python code printed, displayed or raised.

``with out:`` (or ``@out.capture()``) sends prints (stdout/stderr), rich displays (HTML, images,
JSON, other widgets) and errors into ``out.outputs``, which its view renders itself: no reliance on
the notebook front-end's output area, so it works in any front-end the runtime runs in. An error
inside the block is shown in the widget and not raised further (as in ipywidgets).
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from traitlets import Int, List, observe

from ..target import find_target, release
from .base import MODEL_MIME, Widget, esc

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
F = TypeVar("F", bound=Callable[..., Any])
RICH_MIMES = (
    "application/vnd.cellwire.model+json",
    "text/html",
    "image/png",
    "image/jpeg",
    "image/svg+xml",
    "text/markdown",
    "application/json",
    "text/latex",
    "text/plain",
)


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


class _Stream:
    """Stands in for sys.stdout / sys.stderr inside ``with out:``."""

    def __init__(self, out: Output, name: str, original: Any):
        self._out, self.name, self._original = out, name, original
        self.encoding = getattr(original, "encoding", "utf-8")

    def write(self, text: str) -> int:
        if threading.current_thread() is not self._out._owner:
            return int(self._original.write(text))  # other threads' prints are not ours
        self._out.append_stdout(text) if self.name == "stdout" else self._out.append_stderr(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)


class Output(Widget):
    """Shows captured output. Use ``with out:`` or ``@out.capture()``; ``clear_output()`` empties it."""

    _family = "output"
    outputs: List[dict[str, Any]] = List().tag(sync=True)
    #: Keep at most this many output items (oldest dropped); 0 means no limit.
    max_outputs = Int(0).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        self._held: list[Widget] = []  # the widgets shown inside (see _hold_widgets)
        super().__init__(**kwargs)
        self._depth = 0
        self._owner: threading.Thread | None = None
        self._saved: list[tuple[Any, Any, Any]] = []
        self._lock = threading.RLock()

    @observe("outputs")
    def _hold_widgets(self, change: dict[str, Any]) -> None:
        """Widgets shown inside are kept alive by this Output, as a container keeps its children,
        not by a pin: their outputs live in this widget's state, never as elements of a page."""
        shown = [item["data"] for item in change["new"] if isinstance(item.get("data"), dict)]
        self._held = [widget for data in shown if (widget := _model_of(data)) is not None]
        release(data[MODEL_MIME].get("el") for data in shown if isinstance(data.get(MODEL_MIME), dict))

    # -- adding outputs -------------------------------------------------------------------------
    def _append(self, item: dict[str, Any]) -> None:
        with self._lock:
            outputs = list(self.outputs)
            last = outputs[-1] if outputs else None
            if (
                item["output_type"] == "stream"
                and last
                and last["output_type"] == "stream"
                and last["name"] == item["name"]
            ):
                outputs[-1] = {**last, "text": last["text"] + item["text"]}
            else:
                outputs.append(item)
            if self.max_outputs and len(outputs) > self.max_outputs:
                outputs = outputs[-self.max_outputs :]
            self.outputs = outputs

    def append_stdout(self, text: str) -> None:
        self._append({"output_type": "stream", "name": "stdout", "text": strip_ansi(text)})

    def append_stderr(self, text: str) -> None:
        self._append({"output_type": "stream", "name": "stderr", "text": strip_ansi(text)})

    def append_display_data(self, obj: Any) -> None:
        """Add the rich display of ``obj`` (what ``display(obj)`` would show)."""
        if isinstance(obj, Widget):
            self._append({"output_type": "display_data", "data": obj._bundle()})
            return
        pub = _display_pub()
        if pub is not None and hasattr(pub, "register_hook"):
            # Displayed, and captured: an object that displays itself (an ipywidget while the
            # bridge is on) gives a formatter nothing, and would show up in the cell instead.
            from IPython.display import display

            pub.register_hook(self._display_hook)
            try:
                display(obj)
            finally:
                pub.unregister_hook(self._display_hook)
            return
        from IPython.core.interactiveshell import InteractiveShell

        formatter = InteractiveShell.instance().display_formatter if InteractiveShell.initialized() else None
        if formatter is not None:
            data, _ = formatter.format(obj)
        else:
            data = {"text/plain": repr(obj)}
        self._append({"output_type": "display_data", "data": _keep_known(data)})

    def append_error(self, etype: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        lines = traceback.format_exception(etype, value, tb)
        self._append(
            {
                "output_type": "error",
                "ename": etype.__name__,
                "evalue": strip_ansi(str(value)),
                "traceback": [strip_ansi(line.rstrip("\n")) for line in lines],
            }
        )

    def clear_output(self, wait: bool = False) -> None:
        """Remove everything shown (``wait`` is accepted for ipywidgets compatibility)."""
        self.outputs = []

    # -- capturing ------------------------------------------------------------------------------
    def __enter__(self) -> Output:
        with self._lock:
            self._depth += 1
            if self._depth > 1:
                return self
            self._owner = threading.current_thread()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        hook = self._display_hook
        pub = _display_pub()
        self._saved.append((sys.stdout, sys.stderr, pub))
        sys.stdout = _Stream(self, "stdout", sys.stdout)
        sys.stderr = _Stream(self, "stderr", sys.stderr)
        if pub is not None and hasattr(pub, "register_hook"):
            pub.register_hook(hook)
        return self

    def __exit__(self, etype: Any, value: Any, tb: Any) -> bool:
        if etype is not None and self._depth == 1:
            self.append_error(etype, value, tb)
        with self._lock:
            self._depth -= 1
            if self._depth > 0:
                return False
            self._owner = None
        stdout, stderr, pub = self._saved.pop()
        sys.stdout, sys.stderr = stdout, stderr
        if pub is not None and hasattr(pub, "unregister_hook"):
            pub.unregister_hook(self._display_hook)
        # An error is shown in the widget and stops here, like ipywidgets' Output.
        return etype is not None and not issubclass(etype, (KeyboardInterrupt, SystemExit))

    def capture(self, clear_output: bool = False) -> Callable[[F], F]:
        """Decorator: run the function inside ``with self:`` (optionally clearing first)."""

        def decorator(func: F) -> F:
            @functools.wraps(func)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                if clear_output:
                    self.clear_output()
                with self:
                    return func(*args, **kwargs)

            return wrapper  # type: ignore[return-value]

        return decorator

    def _display_hook(self, msg: dict[str, Any]) -> dict[str, Any] | None:
        msg_type = msg.get("header", {}).get("msg_type") or msg.get("msg_type")
        if msg_type not in ("display_data", "execute_result"):
            return msg  # clear_output / update_display_data: let the front-end have them
        self._append({"output_type": "display_data", "data": _keep_known(msg["content"].get("data", {}))})
        return None

    def __repr__(self) -> str:
        return f"Output({len(self.outputs)} outputs)"

    def _snapshot_html(self) -> str:
        parts = []
        for item in self.outputs:
            kind = item["output_type"]
            if kind == "stream":
                color = "color:var(--jp-error-color1,#c00);" if item["name"] == "stderr" else ""
                parts.append(f'<pre style="margin:0;{color}">{esc(item["text"])}</pre>')
            elif kind == "error":
                parts.append(
                    f'<pre style="margin:0;color:var(--jp-error-color1,#c00)">'
                    f"{esc(chr(10).join(item['traceback']))}</pre>"
                )
            else:
                data = item.get("data", {})
                model = _model_of(data)
                if model is not None:
                    parts.append(model._snapshot_block())
                elif "text/html" in data:
                    parts.append(f"<div>{_unwrap_snapshot(data['text/html'])}</div>")
                elif "image/png" in data:
                    parts.append(f'<img src="data:image/png;base64,{esc(data["image/png"])}">')
                elif "text/plain" in data:
                    parts.append(f'<pre style="margin:0">{esc(data["text/plain"])}</pre>')
        return "<div>" + "".join(parts) + "</div>"


def _model_of(data: dict[str, Any]) -> Widget | None:
    ref = data.get(MODEL_MIME)
    found = find_target(str(ref.get("id", ""))) if isinstance(ref, dict) else None
    return found if isinstance(found, Widget) else None


def _unwrap_snapshot(markup: str) -> str:
    """A nested cellwire output's snapshot without its loader script."""
    return re.sub(r"<script>.*?</script>", "", markup, flags=re.S)


def _keep_known(data: dict[str, Any]) -> dict[str, Any]:
    known = {k: v for k, v in data.items() if k in RICH_MIMES}
    return known or {"text/plain": str(next(iter(data.values()), ""))}


def _display_pub() -> Any:
    try:
        from IPython.core.interactiveshell import InteractiveShell

        return InteractiveShell.instance().display_pub if InteractiveShell.initialized() else None
    except Exception:
        return None
