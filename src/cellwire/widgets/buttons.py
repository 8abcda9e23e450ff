"""Button, ToggleButton and Checkbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from traitlets import Bool, CaselessStrEnum, Unicode

from ..callbacks import CallbackList
from ..wait import wait_once
from .base import Widget, esc

BUTTON_STYLES = ("", "primary", "success", "info", "warning", "danger")


class Button(Widget):
    """A push button; ``on_click(callback)`` runs ``callback(button)`` on each click."""

    _family = "buttons"
    description = Unicode("").tag(sync=True)
    disabled = Bool(False).tag(sync=True)
    button_style = CaselessStrEnum(BUTTON_STYLES, default_value="").tag(sync=True)
    icon = Unicode("").tag(sync=True)

    def __init__(self, description: str = "", **kwargs: Any) -> None:
        super().__init__(description=description, **kwargs)
        self._click_handlers = CallbackList("Button.on_click")
        self.on_msg(self._on_custom)
        #: Clicks received so far (handy in tests and for ``wait_for``-style code).
        self.clicks = 0

    def on_click(self, callback: Callable[[Button], Any], remove: bool = False) -> None:
        """Register (or with ``remove=True`` unregister) ``callback(button)`` for clicks."""
        self._click_handlers.register(callback, remove)

    def wait_click(self, timeout: float | None = None) -> int:
        """Block until the button is clicked; returns ``clicks`` (the number of clicks so far).

        Usable inside a running cell: clicks arrive on cellwire's thread meanwhile (docs/busy.md).
        Interrupt the kernel to stop waiting; TimeoutError after ``timeout`` seconds.
        """

        def subscribe(catch: Callable[[Button], Any]) -> Callable[[], None]:
            self.on_click(catch)
            return lambda: self.on_click(catch, remove=True)

        wait_once(
            "wait_click", subscribe, timeout, f"{self.description or 'the button'!r} was not clicked within {timeout} s"
        )
        return self.clicks

    def click(self) -> None:
        """Click from Python: runs the handlers as a click in the browser would."""
        self.clicks += 1
        self._click_handlers(self)

    def _on_custom(self, _model: Any, content: Any, _buffers: list[memoryview]) -> None:
        if isinstance(content, dict) and content.get("event") == "click" and not self.disabled:
            self.click()

    def _repr_keys(self) -> list[str]:
        return ["description"]

    def _snapshot_html(self) -> str:
        disabled = " disabled" if self.disabled else ""
        return f"<button{disabled}>{esc(self.icon + ' ' if self.icon else '')}{esc(self.description)}</button>"


class ToggleButton(Widget):
    """A button that stays pressed: ``value`` is True while it is down."""

    _page_writable = frozenset({"value"})

    _family = "buttons"
    value = Bool(False).tag(sync=True)
    description = Unicode("").tag(sync=True)
    disabled = Bool(False).tag(sync=True)
    button_style = CaselessStrEnum(BUTTON_STYLES, default_value="").tag(sync=True)
    icon = Unicode("").tag(sync=True)

    def __init__(self, value: bool = False, **kwargs: Any) -> None:
        super().__init__(value=value, **kwargs)

    def _snapshot_html(self) -> str:
        pressed = "true" if self.value else "false"
        style = "background:#bbb" if self.value else ""
        return f'<button aria-pressed="{pressed}" style="{style}">{esc(self.description)}</button>'


class Checkbox(Widget):
    """A labelled check box."""

    _page_writable = frozenset({"value"})

    _family = "buttons"
    value = Bool(False).tag(sync=True)
    description = Unicode("").tag(sync=True)
    disabled = Bool(False).tag(sync=True)
    indent = Bool(True).tag(sync=True)

    def __init__(self, value: bool = False, **kwargs: Any) -> None:
        super().__init__(value=value, **kwargs)

    def _snapshot_html(self) -> str:
        checked = " checked" if self.value else ""
        return f'<label><input type="checkbox" disabled{checked}> {esc(self.description)}</label>'
