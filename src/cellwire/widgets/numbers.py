"""Sliders, progress bars and Play: numeric values with bounds.

Values are validated in the kernel: a value outside ``[min, max]`` is clamped (like ipywidgets),
a value of the wrong type is refused and the views snap back to the kernel's value.
"""

from __future__ import annotations

from typing import Any

from traitlets import Bool, CaselessStrEnum, Float, Int, TraitError, Tuple, Unicode, validate

from .base import Widget, esc, labelled


class _Bounded(Widget):
    description = Unicode("").tag(sync=True)
    disabled = Bool(False).tag(sync=True)
    # Each subclass declares these with its own types (Int or Float traits).
    value: Any
    min: Any
    max: Any

    def _clamp(self, value: Any) -> Any:
        if self.min > self.max:
            raise TraitError(f"min ({self.min}) is larger than max ({self.max})")
        return min(max(value, self.min), self.max)

    def _repr_keys(self) -> list[str]:
        return ["value", "min", "max", "step", "description"]


class _Slider(_Bounded):
    """What every slider has besides its value's type: orientation, readout, when to sync."""

    _page_writable = frozenset({"value"})

    _family = "sliders"
    orientation = CaselessStrEnum(("horizontal", "vertical"), default_value="horizontal").tag(sync=True)
    readout = Bool(True).tag(sync=True)
    #: False: the kernel gets the value only when the user lets go of the slider.
    continuous_update = Bool(True).tag(sync=True)

    def __init__(self, value: Any, min: Any, max: Any, step: Any, **kwargs: Any) -> None:
        super().__init__(min=min, max=max, step=step, value=value, **kwargs)


class _OneHandle(_Slider):
    @validate("value")
    def _valid_value(self, proposal: dict[str, Any]) -> Any:
        return self._clamp(proposal["value"])


class _TwoHandles(_Slider):
    @validate("value")
    def _valid_value(self, proposal: dict[str, Any]) -> Any:
        low, high = proposal["value"]
        if low > high:
            raise TraitError(f"the lower value {low} is above the upper value {high}")
        return (self._clamp(low), self._clamp(high))

    def _snapshot_html(self) -> str:
        low, high = self.value
        return labelled(self.description, f"<b>{esc(low)} – {esc(high)}</b>")


class IntSlider(_OneHandle):
    """An integer slider with a readout; drag it, or use the arrow keys."""

    value = Int(0).tag(sync=True)
    min = Int(0).tag(sync=True)
    max = Int(100).tag(sync=True)
    step = Int(1).tag(sync=True)

    def __init__(self, value: int = 0, min: int = 0, max: int = 100, step: int = 1, **kwargs: Any) -> None:
        super().__init__(value, min, max, step, **kwargs)

    def _snapshot_html(self) -> str:
        return labelled(
            self.description,
            f'<input type="range" disabled min="{self.min}" max="{self.max}" value="{self.value}">'
            f"<b>{esc(self.value)}</b>",
        )


class FloatSlider(_OneHandle):
    """A float slider; ``readout_format`` is a Python format spec such as ``".2f"``."""

    value = Float(0.0).tag(sync=True)
    min = Float(0.0).tag(sync=True)
    max = Float(10.0).tag(sync=True)
    step = Float(0.1).tag(sync=True)
    readout_format = Unicode(".2f").tag(sync=True)

    def __init__(
        self, value: float = 0.0, min: float = 0.0, max: float = 10.0, step: float = 0.1, **kwargs: Any
    ) -> None:
        super().__init__(value, min, max, step, **kwargs)

    def _snapshot_html(self) -> str:
        shown = format(self.value, self.readout_format)
        return labelled(
            self.description,
            f'<input type="range" disabled min="{self.min}" max="{self.max}" step="{self.step}" '
            f'value="{self.value}"><b>{esc(shown)}</b>',
        )


class IntRangeSlider(_TwoHandles):
    """A slider with two handles: ``value`` is ``(low, high)``."""

    value = Tuple(Int(), Int(), default_value=(25, 75)).tag(sync=True)
    min = Int(0).tag(sync=True)
    max = Int(100).tag(sync=True)
    step = Int(1).tag(sync=True)

    def __init__(
        self, value: tuple[int, int] = (25, 75), min: int = 0, max: int = 100, step: int = 1, **kwargs: Any
    ) -> None:
        super().__init__(tuple(value), min, max, step, **kwargs)


class FloatRangeSlider(_TwoHandles):
    """A float slider with two handles: ``value`` is ``(low, high)``."""

    value = Tuple(Float(), Float(), default_value=(2.5, 7.5)).tag(sync=True)
    min = Float(0.0).tag(sync=True)
    max = Float(10.0).tag(sync=True)
    step = Float(0.1).tag(sync=True)
    readout_format = Unicode(".2f").tag(sync=True)

    def __init__(
        self,
        value: tuple[float, float] = (2.5, 7.5),
        min: float = 0.0,
        max: float = 10.0,
        step: float = 0.1,
        **kwargs: Any,
    ) -> None:
        super().__init__(tuple(value), min, max, step, **kwargs)


class Progress(_Bounded):
    """A progress bar. ``Progress(max=n)`` then ``bar.value = i`` in a loop: updates are coalesced,
    so even a very fast loop costs a few messages per second, and the last value is exact."""

    _family = "sliders"
    value = Float(0.0).tag(sync=True)
    min = Float(0.0).tag(sync=True)
    max = Float(100.0).tag(sync=True)
    bar_style = CaselessStrEnum(("", "success", "info", "warning", "danger"), default_value="").tag(sync=True)
    orientation = CaselessStrEnum(("horizontal", "vertical"), default_value="horizontal").tag(sync=True)

    def __init__(self, value: float = 0.0, min: float = 0.0, max: float = 100.0, **kwargs: Any) -> None:
        super().__init__(min=min, max=max, value=value, **kwargs)

    @validate("value")
    def _valid_value(self, proposal: dict[str, Any]) -> Any:
        return self._clamp(proposal["value"])

    def _repr_keys(self) -> list[str]:
        return ["value", "max", "description"]

    def _snapshot_html(self) -> str:
        return labelled(
            self.description,
            f'<progress max="{self.max - self.min}" value="{self.value - self.min}">'
            f"</progress> {esc(round(self.value, 6))}/{esc(self.max)}",
        )


IntProgress = Progress
FloatProgress = Progress


class Play(_Bounded):
    """Counts ``value`` from ``min`` to ``max`` in the browser every ``interval`` ms while playing."""

    _page_writable = frozenset({"value", "playing", "repeat"})

    _family = "sliders"
    value = Int(0).tag(sync=True)
    min = Int(0).tag(sync=True)
    max = Int(100).tag(sync=True)
    step = Int(1).tag(sync=True)
    interval = Int(100).tag(sync=True)
    playing = Bool(False).tag(sync=True)
    repeat = Bool(False).tag(sync=True)

    def __init__(self, value: int = 0, min: int = 0, max: int = 100, **kwargs: Any) -> None:
        super().__init__(min=min, max=max, value=value, **kwargs)

    @validate("value")
    def _valid_value(self, proposal: dict[str, Any]) -> Any:
        return self._clamp(proposal["value"])

    def _snapshot_html(self) -> str:
        return labelled(self.description, f"<span>▶ {esc(self.value)} / {esc(self.max)}</span>")
