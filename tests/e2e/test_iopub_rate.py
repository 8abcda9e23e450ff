"""Scenario 6: widgets updated in tight loops never trip the server's IOPub rate limit (which
would drop the notebook's own output), on the direct route and on the iopub fallback route."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from widget_helpers import LAB_AND_NB7, live

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
