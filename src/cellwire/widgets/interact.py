"""``interact`` and ``interactive``: controls built from a function's arguments, re-running it.

Each argument becomes a control, from the value given to ``interact`` or else from the parameter's
default or type hint:

=====================================  ==========================================
``5`` / ``int`` hint                   IntSlider (``-5..15`` around a default)
``0.5`` / ``float`` hint               FloatSlider
``(0, 10)`` / ``(0, 10, 2)``           IntSlider (FloatSlider if any float)
``True`` / ``bool`` hint               Checkbox
``"text"`` / ``str`` hint              Text
``["a", "b"]``, ``[("A", 1), ...]``    Dropdown (labels, or ``(label, value)`` pairs)
``{"A": 1, "B": 2}``                   Dropdown of the dict's values
``Literal["a", "b"]`` / an Enum        Dropdown
a cellwire widget                      that widget
``fixed(value)``                       no control: always ``value``
=====================================  ==========================================

The function's prints, displays and errors go into an ``Output`` below the controls, and a
returned value (not None) is displayed there too.
"""

from __future__ import annotations

import contextlib
import enum
import inspect
import typing
from collections.abc import Callable, Mapping
from typing import Any

from .base import Widget
from .buttons import Button, Checkbox
from .layout import VBox
from .numbers import FloatSlider, IntSlider
from .output import Output
from .selection import Dropdown
from .text import Text

_EMPTY = inspect.Parameter.empty


class fixed:  # noqa: N801 (ipywidgets' name)
    """An argument value passed as is, with no control."""

    def __init__(self, value: Any):
        self.value = value


def _slider_range(value: float) -> tuple[float, float]:
    if value > 0:
        return -value, 3 * value
    if value < 0:
        return 3 * value, -value
    return (0, 10) if isinstance(value, int) else (0.0, 1.0)


def widget_for(abbrev: Any, name: str) -> Widget | fixed:
    """The control for one argument, from a value/abbreviation (see the module's table)."""
    if isinstance(abbrev, (Widget, fixed)):
        return abbrev
    if isinstance(abbrev, bool):
        return Checkbox(abbrev, description=name)
    if isinstance(abbrev, int):
        low, high = _slider_range(abbrev)
        return IntSlider(abbrev, min=int(low), max=int(high), description=name)
    if isinstance(abbrev, float):
        low, high = _slider_range(abbrev)
        step = (high - low) / 100 if high > low else 0.1
        return FloatSlider(abbrev, min=low, max=high, step=step, description=name)
    if isinstance(abbrev, str):
        return Text(abbrev, description=name, continuous_update=False)
    if (
        isinstance(abbrev, tuple)
        and 2 <= len(abbrev) <= 3
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in abbrev)
    ):
        low, high = abbrev[0], abbrev[1]
        if any(isinstance(v, float) for v in abbrev):
            step = abbrev[2] if len(abbrev) == 3 else (high - low) / 100
            return FloatSlider((low + high) / 2, min=float(low), max=float(high), step=float(step), description=name)
        step = abbrev[2] if len(abbrev) == 3 else 1
        return IntSlider((low + high) // 2, min=low, max=high, step=step, description=name)
    if isinstance(abbrev, (list, tuple, Mapping)):
        if not abbrev:
            raise ValueError(f"argument {name!r}: an empty list of choices")
        return Dropdown(abbrev, description=name)
    if isinstance(abbrev, type) and issubclass(abbrev, enum.Enum):
        return Dropdown({member.name: member for member in abbrev}, description=name)
    raise ValueError(
        f"argument {name!r}: cannot make a control from {abbrev!r}; pass a number, bool, str, "
        "(min, max) tuple, list or dict of choices, a widget, or fixed(value)"
    )


def _from_hint(hint: Any, name: str) -> Widget | None:
    if hint is int:
        return IntSlider(0, min=0, max=100, description=name)
    if hint is float:
        return FloatSlider(0.5, min=0.0, max=1.0, step=0.01, description=name)
    if hint is bool:
        return Checkbox(False, description=name)
    if hint is str:
        return Text("", description=name, continuous_update=False)
    if typing.get_origin(hint) is typing.Literal:
        return Dropdown(list(typing.get_args(hint)), description=name)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return Dropdown({member.name: member for member in hint}, description=name)
    return None


def controls_for(func: Callable[..., Any], kwargs: Mapping[str, Any]) -> dict[str, Widget | fixed]:
    """One control (or ``fixed``) per argument of ``func``, in signature order."""
    signature = inspect.signature(func)
    try:
        hints = typing.get_type_hints(func)
    except Exception:
        hints = {}
    controls: dict[str, Widget | fixed] = {}
    for name, param in signature.parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if name in kwargs:
            control = widget_for(kwargs[name], name)
            # As ipywidgets: interact(f, x=(1, 10)) over def f(x=3) starts at 3.
            if (
                param.default is not _EMPTY
                and control is not kwargs[name]
                and hasattr(control, "value")
                and not isinstance(param.default, (list, tuple, dict))
            ):
                with contextlib.suppress(Exception):
                    control.value = param.default
            controls[name] = control
        elif param.default is not _EMPTY:
            hinted = _from_hint(hints.get(name), name) if name in hints else None
            if hinted is not None and hasattr(hinted, "value") and not isinstance(param.default, (list, tuple, dict)):
                try:
                    hinted.value = param.default
                    controls[name] = hinted
                    continue
                except Exception:
                    pass
            controls[name] = widget_for(param.default, name)
        elif name in hints and (hinted := _from_hint(hints[name], name)) is not None:
            controls[name] = hinted
        else:
            raise ValueError(
                f"argument {name!r} of {func.__name__}() has no default, type hint or value: "
                f"pass one, e.g. interact({func.__name__}, {name}=10)"
            )
    for name in kwargs:
        if name not in controls:
            raise ValueError(f"{func.__name__}() has no argument {name!r}")
    return controls


class interactive(VBox):  # noqa: N801 (ipywidgets' name)
    """A VBox of controls for ``func``'s arguments and an ``Output`` showing its result.

    ``result`` is the last return value, ``kwargs`` the last arguments, ``out`` the Output.
    With ``manual=True`` the function runs only when the "Run" button is clicked.
    """

    def __init__(
        self, __func: Callable[..., Any], *, manual: bool = False, manual_name: str = "Run", **kwargs: Any
    ) -> None:
        self.func = __func
        self.controls = controls_for(__func, kwargs)
        self.out = Output()
        self.result: Any = None
        self.kwargs: dict[str, Any] = {}
        widgets = [c for c in self.controls.values() if isinstance(c, Widget)]
        self.manual_button = Button(manual_name, button_style="primary") if manual else None
        children = widgets + ([self.manual_button] if self.manual_button else []) + [self.out]
        super().__init__(children)
        if self.manual_button is not None:
            self.manual_button.on_click(lambda _b: self.update())
        else:
            for control in widgets:
                if control.has_trait("value"):
                    control.observe(lambda _change: self.update(), names="value")
            self.update()  # (with a Run button, nothing runs until it is clicked)

    def current_kwargs(self) -> dict[str, Any]:
        return {
            name: (c.value if isinstance(c, fixed) else getattr(c, "value", c)) for name, c in self.controls.items()
        }

    def update(self) -> Any:
        """Run the function with the controls' values, showing its output (errors included)."""
        self.kwargs = self.current_kwargs()
        self.out.clear_output()
        with self.out:
            self.result = self.func(**self.kwargs)
            if self.result is not None:
                from IPython.display import display

                display(self.result)
        return self.result

    def __repr__(self) -> str:
        return f"interactive({getattr(self.func, '__name__', 'function')}, {len(self.controls)} controls)"


def interact(__func: Callable[..., Any] | None = None, *, manual: bool = False, **kwargs: Any) -> Any:
    """Show controls for a function's arguments and re-run it on every change.

    ``interact(f, x=10)`` displays and returns ``f``; ``@interact(x=(0, 10))`` and ``@interact``
    work as decorators. See the module docstring for which control each value becomes.
    """

    def show(func: Callable[..., Any]) -> Callable[..., Any]:
        from IPython.display import display

        widget = interactive(func, manual=manual, **kwargs)
        display(widget)
        func.widget = widget  # type: ignore[attr-defined]
        return func

    if __func is not None:
        return show(__func)
    return show


def interact_manual(__func: Callable[..., Any] | None = None, **kwargs: Any) -> Any:
    """``interact`` with a Run button: the function runs only when it is clicked."""
    return interact(__func, manual=True, **kwargs)


__all__ = ["fixed", "interact", "interact_manual", "interactive", "widget_for"]
