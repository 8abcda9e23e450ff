"""Scenario 6: widgets updated in tight loops never trip the server's IOPub rate limit (which
would drop the notebook's own output), on the direct route and on the iopub fallback route."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from widget_helpers import LAB_AND_NB7, live, second_tab

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]

WIDGETS = """
import time, cellwire as cw
progress = cw.Progress(0, max=19999, description='progress')
many = [cw.IntSlider(0, max=200, description=f'm{i}') for i in range(100)]
display(progress, cw.VBox(many))
"""
LOOPS = """
for i in range(20000):            # one widget, 20,000 times, as fast as Python goes
    progress.value = i
for k in range(1, 201):           # 100 widgets, 200 times each, for about 2 s
    for w in many:
        w.value = k
    time.sleep(0.01)
for i in range(300):              # and output of the notebook's own, which must all arrive
    print('line', i)
"""


@pytest.mark.parametrize("route", ["direct", "iopub"])
def test_20000_updates_in_tight_loops_keep_under_the_iopub_limit_and_end_exact(notebook, route):
    if route == "iopub":  # before any output connects: every connection then stays on iopub
        notebook.run("from cellwire.transport.kernel_link import get_link\nget_link().direct_route = False")
    out = notebook.run(WIDGETS)
    live(out, 1)
    assert notebook.page.evaluate("[...window.__cellwire.links.values()][0].route") == route
    notebook.page.evaluate("window.__cellwire_trace = []")
    loop = notebook.run(LOOPS, timeout=60)

    text = notebook.output_text(loop)
    assert text.splitlines() == [f"line {i}" for i in range(300)], text[-500:]
    assert "IOPub message rate exceeded" not in notebook.server.log_text()
    bar = out.locator(".cellwire-live [role=progressbar]")
    expect(bar).to_have_attribute("aria-valuenow", "19999")
    for i in (0, 57, 99):
        expect(out.locator(".cellwire-live").get_by_label(f"m{i}", exact=True)).to_have_value("200")
    updates = notebook.page.evaluate("""window.__cellwire_trace.filter(
        (t) => t.dir === 'in' && t.data.op === 'msg' && t.data.data && t.data.data.method === 'update').length""")
    print(f"\n{route}: 40,000 changes reached the page as {updates} updates")
    assert updates < 2000


BRIDGED = """
import time, cellwire, ipywidgets as w
s = w.IntSlider(0, max=20000, description='bridged')
display(s)
deadline = time.monotonic() + 30  # once the page shows it
while not cellwire.bridge.get_hub().pages() and time.monotonic() < deadline:
    time.sleep(0.02)
start = time.perf_counter()
for i in range(1, 20001):         # a plain ipywidgets slider, 20,000 times at 10,000/s
    s.value = i
    while time.perf_counter() < start + i / 10000:
        pass
for i in range(300):
    print('line', i)
deadline = time.monotonic() + 30  # then a change from the page, while this cell still runs
while s.value == 20000 and time.monotonic() < deadline:
    time.sleep(0.02)
print('from the page:', s.value)
"""


def test_a_bridged_ipywidget_set_20000_times_at_10000_per_s_ends_exact_without_the_rate_limit(notebook, browser):
    """The loop runs in the cell that shows the slider: the front-end's refusal of the widget's
    comm on iopub waits behind that cell, so nothing but the bridge itself keeps iopub quiet."""
    notebook.page.evaluate("window.__cellwire_trace = []")
    cell = notebook.start(BRIDGED)
    out = notebook.output(cell)
    readout = live(out).locator(".widget-readout")
    expect(readout).to_have_text("20000", timeout=30_000)
    assert not notebook.is_finished(cell)
    live(out).locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowLeft")  # (over the subshell: the cell is busy)
    notebook.wait_finished(cell, timeout=30)  # the kernel's idle status arrived
    lines = notebook.output_text(out).splitlines()
    assert lines[-301:] == [*(f"line {i}" for i in range(300)), "from the page: 19999"], lines[-3:]
    assert "IOPub message rate exceeded" not in notebook.server.log_text()
    notebook.page.wait_for_function("path => cwt.ready(path)", arg=notebook.path, timeout=10_000)  # shows idle
    updates = notebook.page.evaluate("""window.__cellwire_trace.filter(
        (t) => t.dir === 'in' && t.data.op === 'msg' && t.data.data && t.data.data.op === 'comm_msg').length""")
    print(f"\nbridged: 20,000 changes reached the page as {updates} messages")
    assert updates < 2000
    other = second_tab(notebook, browser)
    try:
        expect(live(other.cell_output(-1)).locator(".widget-readout")).to_have_text("19999")
    finally:
        other.page.context.close()
    notebook.reload()
    expect(live(notebook.cell_output(-1)).locator(".widget-readout")).to_have_text("19999")
