"""200 widgets on one page: all go live in reasonable time; time to an interactive widget; kernel memory.
Prints the numbers (the benchmark script compares them with ipywidgets)."""

from __future__ import annotations

import time

import pytest
from widget_helpers import IMPORT_BENCH, LAB_AND_NB7, live

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7[:1], indirect=True)]

LIVE_INPUTS = "document.querySelectorAll('.cellwire-live input[type=range]').length"


def test_time_to_interactive_and_200_widgets(notebook):
    notebook.run(f"import cellwire as cw\n{IMPORT_BENCH}\nm0 = bench.kernel_memory()")
    # warm: the runtime is on the page after the first output
    live(notebook.run("cw.IntSlider(1)"))

    start = time.perf_counter()
    notebook.page.evaluate("path => cwt.run(path, 'cw.IntSlider(2, description=\"tti\")', 'tti-cell')", notebook.path)
    notebook.page.wait_for_function("document.querySelectorAll('.cellwire-live input[type=range]').length >= 2")
    single = time.perf_counter() - start

    start = time.perf_counter()
    notebook.page.evaluate("path => cwt.run(path, 'box = bench.make_widgets(200)\\nbox', 'many-cell')", notebook.path)
    notebook.page.wait_for_function(f"{LIVE_INPUTS} >= 202", timeout=120_000)
    many = time.perf_counter() - start
    memory = int(notebook.kernel_eval("bench.kernel_memory() - m0"))
    print(
        f"\ncellwire: cell -> interactive slider {single * 1000:.0f} ms; 200 sliders live in "
        f"{many * 1000:.0f} ms; kernel memory +{memory / 2**20:.1f} MiB"
    )
    assert single < 10 and many < 60
