"""Kernel-side helpers for benchmarks/run.py (not part of the cellwire package): build N ipywidgets of
one kind and read the kernel's memory, so the bridged path and jupyterlab_widgets are measured alike.

In a kernel::

    import kernel_helpers as bench                     # benchmarks/ on sys.path
    box = bench.make_widgets(200)                      # an ipywidgets VBox of 200 IntSliders
    bench.kernel_memory()                              # RSS in bytes

Time to interactive, browser side: a slider is interactive once its handle is drawn,
``document.querySelectorAll('.widget-slider .noUi-handle').length`` (ipywidgets' own DOM, the same
through cellwire's bridge and through jupyterlab_widgets).
"""

from __future__ import annotations

import os
from typing import Any

KINDS = ("IntSlider", "FloatSlider", "Checkbox", "Text", "Dropdown", "Button", "Progress")


def make_widgets(n: int, kind: str = "IntSlider") -> Any:
    """An ipywidgets VBox of ``n`` widgets of ``kind`` (one of KINDS)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    import ipywidgets as mod

    cls = getattr(mod, "IntProgress" if kind == "Progress" else kind)
    make = {
        "IntSlider": lambda i: cls(value=i % 100, description=f"w{i}"),
        "FloatSlider": lambda i: cls(value=(i % 10) / 2, description=f"w{i}"),
        "Checkbox": lambda i: cls(value=bool(i % 2), description=f"w{i}"),
        "Text": lambda i: cls(value=f"text {i}", description=f"w{i}"),
        "Dropdown": lambda i: cls(options=["a", "b", "c"], description=f"w{i}"),
        "Button": lambda i: cls(description=f"w{i}"),
        "Progress": lambda i: cls(value=i % 100, max=100, description=f"w{i}"),
    }[kind]
    return mod.VBox([make(i) for i in range(n)])


def kernel_memory() -> int:
    """Resident memory of this process in bytes (Linux /proc; psutil elsewhere)."""
    try:
        with open(f"/proc/{os.getpid()}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import psutil

    return int(psutil.Process().memory_info().rss)
