"""Scenario 5: outputs gone for good free the kernel's objects; a reload frees nothing.

The page reports an output as gone when its element was garbage collected (docs/widgets.md,
"Lifetime"). Tests force that collection with the DevTools protocol instead of waiting for it.
The widgets are plain ipywidgets (bridged): a displayed widget no variable holds is closed with
its layout and style once its outputs are gone (``cellwire.bridge.release``). (These replace the
same tests on cellwire's retired IntSlider.)
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from widget_helpers import ALL_FRONTENDS, IMPORT_BENCH, LAB_AND_NB7, live, wait_kernel, wait_kernel_connections

pytestmark = pytest.mark.e2e

SETUP = f"""
import ctypes, gc
import cellwire as cw
import ipywidgets as w
from cellwire import target
from ipywidgets.widgets.widget import _instances
{IMPORT_BENCH}

def objects():
    '''(open ipywidgets, pinned outputs) after a full collection'''
    gc.collect()
    return len(_instances), len(target._pins)

def rss_mib():
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)  # hand freed heap back, so RSS shows what is in use
    return bench.kernel_memory() / 2**20
"""

LIVE_COUNT = "document.querySelectorAll('.cellwire-output[data-cellwire-state=\"live\"]').length"
NO_OUTPUT_LEFT = "document.querySelectorAll('.cellwire-output').length === 0"


def wait_objects(notebook, expected: str, timeout: float = 60, kernel_id: str | None = None) -> None:
    """Collect garbage in the page until the kernel's ``objects()`` is ``expected``."""
    deadline = time.monotonic() + timeout
    while True:
        notebook.collect_garbage()
        if kernel_id is None:
            got = notebook.kernel_eval("objects()")
        else:
            with notebook.server.kernel_client(kernel_id) as client:
                got = client.eval("objects()")
        if got == expected:
            return
        assert time.monotonic() < deadline, f"kernel objects {got}, expected {expected}; page: {page_state(notebook)}"
        time.sleep(1)


# What the page knows when a release does not come: outputs still in the DOM (the clear did not
# happen), views not yet detached, detached elements not collected, or a link that is not live.
PAGE_STATE = """() => {
  const cw = window.__cellwire;
  const suspended = [...cw._suspended];
  return {
    outputs_in_dom: document.querySelectorAll('.cellwire-output').length,
    views: cw.views.size,
    detached: suspended.length,
    detached_not_collected: suspended.filter((entry) => entry.ref.deref()).length,
    released: suspended.filter((entry) => entry.released).length,
    links: [...cw.links.values()].map((link) => link.state),
  };
}"""


def page_state(notebook) -> object:
    try:
        return notebook.page.evaluate(PAGE_STATE)
    except Exception as err:  # the diagnosis must not hide the failure it explains
        return f"unreadable ({err})"


def show_1000_sliders(notebook) -> float:
    """1,000 sliders, each its own output, all live; the kernel's RSS then (each slider is 3
    widgets: itself, its layout and its style). 50 outputs per cell:
    Lab and Notebook 7 render at most 50 outputs of a cell by default, and an output that is
    never rendered is never seen by a page (so never released)."""
    for _ in range(20):
        notebook.run("for i in range(50): display(w.IntSlider(i))", timeout=120)
    notebook.page.wait_for_function(f"{LIVE_COUNT} >= 1000", timeout=180_000)
    assert notebook.kernel_eval("objects()") == "(3000, 1000)"
    return float(notebook.kernel_eval("rss_mib()"))


def clear_all(notebook) -> float:
    """Clear every output, wait until the kernel freed everything; its RSS then."""
    notebook.clear_all_outputs()
    notebook.page.wait_for_function(NO_OUTPUT_LEFT, timeout=30_000)
    wait_objects(notebook, "(0, 0)", timeout=90)
    return float(notebook.kernel_eval("rss_mib()"))


@pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)
def test_cleared_outputs_free_kernel_memory_and_the_idle_socket_closes(notebook):
    notebook.run(SETUP)
    before = float(notebook.kernel_eval("rss_mib()"))
    first = show_1000_sliders(notebook)  # the warm-up round
    warm = clear_all(notebook)
    second = show_1000_sliders(notebook)
    after = clear_all(notebook)
    print(
        f"\nkernel RSS MiB: before {before:.1f}; 1,000 sliders {first:.1f}, cleared {warm:.1f}; "
        f"again {second:.1f}, cleared {after:.1f}"
    )
    cost = first - before  # what the first 1,000 sliders took (pools grow, and stay)
    assert cost > 4, cost
    # Flat: the second round reuses what the first one freed, and frees it again. Had the first
    # round's objects stayed, the second would have added about `cost` again.
    assert second - warm < cost / 3, (before, first, warm, second, after)
    assert after - warm < cost / 4, (before, first, warm, second, after)

    # No output of the kernel is left on the page: its socket closes (JupyterLab's own remains).
    notebook.page.wait_for_function("window.__cellwire.links.size === 0", timeout=30_000)
    wait_kernel_connections(notebook, 1)


@pytest.mark.parametrize("server_config", ALL_FRONTENDS, indirect=True)
def test_a_deleted_cell_releases_its_outputs_and_a_reload_releases_nothing(notebook):
    notebook.run(SETUP)
    live(notebook.run("display(w.IntSlider(1, description='deleted'))"))
    live(notebook.run("display(w.IntSlider(2, description='anonymous'))"))
    live(notebook.run("kept = w.IntSlider(3, description='kept')\ndisplay(kept)"))
    assert notebook.kernel_eval("objects()") == "(9, 3)"
    # The front-ends keep a deleted cell's elements (for undo): it is released after being
    # detached for a while (5 minutes; 3 s here), not when collected.
    notebook.page.evaluate("window.__cellwire.releaseDetachedAfterMs = 3000")
    notebook.delete_cell(-3)
    wait_objects(notebook, "(6, 2)")
    notebook.save()
    notebook.reload()
    notebook.collect_garbage()
    time.sleep(7)  # the old page's elements are gone with it; nothing is released for them
    assert notebook.kernel_eval("objects()") == "(6, 2)"
    view = live(notebook.page.locator("body"), 0)  # the widget no variable holds is live again
    expect(view.locator(".widget-readout")).to_have_text("2")
    view.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "sorted(x.value for x in list(_instances.values()) if isinstance(x, w.IntSlider))", "[3, 3]")


@pytest.mark.parametrize("server_config", LAB_AND_NB7[:1], indirect=True)
def test_closing_the_notebook_in_jupyterlab_releases_its_outputs(notebook):
    notebook.run(SETUP)
    live(notebook.run("display(w.IntSlider(1))"))
    live(notebook.run("kept = w.IntSlider(2)\ndisplay(kept, kept)"))
    assert notebook.kernel_eval("objects()") == "(6, 3)"
    kernel_id = notebook.kernel_id
    notebook.page.evaluate("window.__cellwire.releaseDetachedAfterMs = 3000")  # as for a deleted cell
    notebook.close_notebook()
    wait_objects(
        notebook, "(3, 0)", kernel_id=kernel_id
    )  # `kept` stays (and its layout and style): a variable holds it
    notebook.page.wait_for_function("window.__cellwire.links.size === 0", timeout=30_000)


@pytest.mark.parametrize("server_config", LAB_AND_NB7[:1], indirect=True)
def test_a_cleared_output_widget_takes_the_widgets_it_shows(notebook):
    """``with out: display(s)``: the Output's view draws the slider (nested-views.js), never
    cellwire's loader, so only the Output's own display pins anything. Once it is cleared, the
    Output and the slider it shows (no variable holds either) are closed and no pin is left.
    (The slider's display inside the Output used to pin it for good: ``(3, 1)`` stayed.)"""
    notebook.run(SETUP)
    view = live(notebook.run("o = w.Output()\nwith o:\n    display(w.IntSlider(5))\ndisplay(o)\ndel o"))
    expect(view.locator(".widget-output .widget-readout")).to_have_text("5", timeout=30_000)
    assert notebook.kernel_eval("objects()") == "(5, 1)"  # the Output, the slider, their layouts, its style
    notebook.clear_all_outputs()
    notebook.page.wait_for_function(NO_OUTPUT_LEFT, timeout=30_000)
    wait_objects(notebook, "(0, 0)", timeout=90)


@pytest.mark.parametrize("server_config", LAB_AND_NB7[:1], indirect=True)
def test_an_output_cleared_while_its_view_is_being_built_is_released_without_an_error(notebook):
    """ipywidgets' views of a big box take a while to build; the output is cleared meanwhile. The
    view then has no page to go into: no "Host is not attached" from Lumino, and the widgets are
    released as for any cleared output (CI saw all 1,000 sliders of a clear stay)."""
    notebook.run(SETUP)
    live(notebook.run("display(w.IntSlider(0))"))  # (the page's manager is ready: the next view is quick to start)
    notebook.page.evaluate(
        """path => new PerformanceObserver((list, observer) => {
          if (!list.getEntries().some((mark) => mark.name === 'cellwire:ipywidget:render')) return;
          observer.disconnect();
          window.cwt.clearAllOutputs(path);  // the box's view has started; its widgets are on the way
        }).observe({ entryTypes: ['mark'] })""",
        notebook.path,
    )
    notebook.run("display(w.VBox([w.IntSlider(i) for i in range(300)]))")
    notebook.page.wait_for_function(NO_OUTPUT_LEFT, timeout=30_000)
    wait_objects(notebook, "(0, 0)")
    assert [e for e in notebook.console_errors if "not attached" in e] == []
