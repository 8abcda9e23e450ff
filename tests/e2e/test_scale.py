"""200 ipywidgets sliders on one page, live through cellwire's bridge (the server has no widget
extension): all go live in reasonable time, and the last of them reaches the kernel; time to an
interactive widget; kernel memory. Prints the numbers (benchmarks/run.py compares them with
jupyterlab_widgets). Replaces the same test on 200 of cellwire's own sliders (retired)."""

from __future__ import annotations

import time

import pytest
from widget_helpers import IMPORT_BENCH, LAB_AND_NB7, wait_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7[:1], indirect=True)]

LIVE_SLIDERS = "document.querySelectorAll('.widget-slider .noUi-handle').length"


def test_time_to_interactive_and_200_widgets(notebook):
    notebook.run(f"import cellwire as cw\nimport ipywidgets as w\n{IMPORT_BENCH}\nm0 = bench.kernel_memory()")
    # warm: the runtime and ipywidgets' manager are on the page after the first widget
    notebook.run("w.IntSlider(1)").locator(".widget-slider .noUi-handle").wait_for(timeout=60_000)

    start = time.perf_counter()
    notebook.page.evaluate("path => cwt.run(path, 'w.IntSlider(2, description=\"tti\")', 'tti-cell')", notebook.path)
    notebook.page.wait_for_function(f"{LIVE_SLIDERS} >= 2")
    single = time.perf_counter() - start

    start = time.perf_counter()
    notebook.page.evaluate("path => cwt.run(path, 'box = bench.make_widgets(200)\\nbox', 'many-cell')", notebook.path)
    notebook.page.wait_for_function(f"{LIVE_SLIDERS} >= 202", timeout=120_000)
    many = time.perf_counter() - start
    memory = int(notebook.kernel_eval("bench.kernel_memory() - m0"))
    print(
        f"\nbridge: cell -> interactive slider {single * 1000:.0f} ms; 200 sliders live in "
        f"{many * 1000:.0f} ms; kernel memory +{memory / 2**20:.1f} MiB"
    )
    assert single < 10 and many < 60

    # The last slider of the 200 is live both ways: a key press on its handle reaches the kernel.
    notebook.page.locator(".widget-slider .noUi-handle").last.focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "box.children[-1].value", "100")
