"""Scenarios 1-4 of docs/reliability.md on plain ipywidgets (bridged): a page reload, two tabs
editing one value, a kernel restart, and the network dropping between the browser and the server.

These are the twins of the same tests on cellwire's retired toolkit, merged with the bridge's own
reload, two-tab and restart tests (formerly in test_bridge_lifecycle.py), whose promises they keep:
after a reload neither the runtime nor ipywidgets' manager is fetched again; an edit in either tab
reaches the other; the rerun cell's widget works both ways."""

from __future__ import annotations

import itertools
import re
import time

import pytest
from harness import CuttableProxy
from playwright.sync_api import Locator, expect
from test_bridge import NO_WIDGET_MANAGER, offline  # noqa: F401 (a fixture)
from test_bridge_nbclassic import NBCLASSIC_NO_MANAGER
from widget_helpers import ALL_FRONTENDS, LAB_AND_NB7, live, second_tab, wait_kernel

pytestmark = pytest.mark.e2e

#: ipywidgets' registry, in the kernel (the widgets no variable holds are found there)
INSTANCES = "__import__('ipywidgets.widgets.widget', fromlist=['_instances'])._instances"

WIDGETS = """
import cellwire as cw
import ipywidgets as w
held = w.IntSlider(10, description='held')
note = w.Text('start', description='note')
box = w.VBox([w.Checkbox(False, description='inner'), w.Dropdown(options=['a', 'b', 'c'], description='pick')])
display(held, note, box)
display(w.IntSlider(5, description='anonymous'))   # no variable holds this one
"""


#: nbclassic logs an error for each message of a comm it does not know (a widget comm it refused)
NBCLASSIC_UNKNOWN_COMM = re.compile(r"Comm promise not found for comm id")


def errors(notebook) -> list[str]:
    """Console errors, less the host's own refusals of widget comms (it has no widget manager)."""
    return [
        e
        for e in notebook.unexpected_console_errors
        if not any(p.search(e) for p in (NO_WIDGET_MANAGER, NBCLASSIC_NO_MANAGER, NBCLASSIC_UNKNOWN_COMM))
    ]


def labelled(root: Locator, kind: str, label: str) -> Locator:
    """The ipywidget of class ``widget-<kind>`` whose description is ``label``."""
    return root.locator(f".widget-{kind}").filter(has=root.page.locator(".widget-label", has_text=re.compile(label)))


def slider(root: Locator, label: str) -> Locator:
    return labelled(root, "slider", label)


def nudge(root: Locator, label: str, key: str) -> None:
    """Press ``key`` on the slider labelled ``label``."""
    slider(root, label).locator(".noUi-handle").focus()
    root.page.keyboard.press(key)


def views(notebook) -> Locator:
    """The live views of the notebook's widget cell, once all four show their widget."""
    body = notebook.page.locator("body")
    for i in range(4):
        live(body, i).locator(".lm-Widget").first.wait_for()
    return body.locator(".cellwire-output > .cellwire-live")


@pytest.mark.parametrize("server_config", ALL_FRONTENDS, indirect=True)
def test_a_reloaded_page_shows_every_widget_live_with_its_current_values(notebook, offline):  # noqa: F811
    live(notebook.run(WIDGETS, timeout=60), 3)
    page = notebook.page
    shown = views(notebook)
    runtimes_sent = notebook.kernel_eval("cw.transport.assets.times_sent['runtime']")
    # changed in the kernel (silently: no cell runs, so the saved snapshots keep the old values)
    notebook.kernel_eval("setattr(held, 'value', 42)")
    # changed in the page
    shown.locator(".widget-text input").fill("typed")
    shown.locator(".widget-checkbox input").check()
    shown.locator(".widget-dropdown select").select_option("c")
    nudge(shown, "anonymous", "ArrowRight")
    nudge(shown, "anonymous", "ArrowRight")
    wait_kernel(
        notebook, "(held.value, note.value, box.children[0].value, box.children[1].value)", "(42, 'typed', True, 'c')"
    )
    expect(slider(shown, "held").locator(".widget-readout")).to_have_text("42")
    notebook.save()
    notebook.reload()

    views(notebook)
    expect(slider(shown, "held").locator(".widget-readout")).to_have_text("42")
    expect(shown.locator(".widget-text input")).to_have_value("typed")
    expect(shown.locator(".widget-checkbox input")).to_be_checked()
    expect(shown.locator(".widget-dropdown select")).to_have_value("c")
    expect(slider(shown, "anonymous").locator(".widget-readout")).to_have_text("7")
    # the saved snapshot had the old value: what shows is the kernel's, live
    assert "42" not in page.locator(".cellwire-snapshot").first.inner_html()
    # both ways, after the reload
    nudge(shown, "anonymous", "ArrowLeft")
    wait_kernel(
        notebook,
        f"sorted(x.value for x in list({INSTANCES}.values()) if getattr(x, 'description', '') == 'anonymous')",
        "[6]",
    )
    notebook.kernel_eval("setattr(held, 'value', 1)")
    expect(slider(shown, "held").locator(".widget-readout")).to_have_text("1")
    # neither the runtime nor ipywidgets' manager was sent again (the browser's Cache Storage)
    assert notebook.kernel_eval("cw.bridge.get_hub().bundles_sent") == "1"
    assert notebook.kernel_eval("cw.transport.assets.times_sent['runtime']") == runtimes_sent
    assert errors(notebook) == []  # (before and after the reload)


BURST = """([seed, values]) => {
    // the values, each typed at a random moment of the next 1.5 s (seeded: the test is repeatable)
    let state = seed;
    const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const input = document.querySelector('.cellwire-live .widget-text input');
    for (const value of values) setTimeout(() => {
        input.value = String(value);
        input.dispatchEvent(new Event('change', {bubbles: true}));
    }, random() * 1500);
}"""
SHOWN = "document.querySelector('.cellwire-live .widget-text input').value"


@pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)
def test_two_tabs_editing_one_value_at_once_end_with_the_last_value_to_reach_the_kernel(notebook, browser, offline):  # noqa: F811
    out = notebook.run(
        "import cellwire as cw, time\nimport ipywidgets as w\narrivals = []\n"
        "shared = w.IntText(0, description='shared')\n"
        "def slow(change):   # a slow observer: edits queue up at the kernel\n"
        "    arrivals.append(change['new'])\n"
        "    time.sleep(0.03)\n"
        "shared.observe(slow, names='value')\nshared",
        timeout=60,
    )
    mine = live(out).locator(".widget-text input")
    other = second_tab(notebook, browser)
    try:
        theirs = live(other.page.locator("body")).locator(".widget-text input")
        # an edit in either tab reaches the other, and one from the kernel reaches both
        theirs.fill("1000")
        theirs.press("Enter")
        expect(mine).to_have_value("1000")
        mine.fill("0")
        mine.press("Enter")
        expect(theirs).to_have_value("0")
        notebook.kernel_eval("setattr(shared, 'value', 9)")
        expect(mine).to_have_value("9")
        expect(theirs).to_have_value("9")

        # both tabs edit at once: odd values in one, even values in the other
        notebook.kernel_eval("arrivals.clear()")
        notebook.page.evaluate(BURST, [1, list(range(1, 80, 2))])
        other.page.evaluate(BURST, [2, list(range(2, 80, 2))])
        time.sleep(2)
        deadline = time.monotonic() + 20
        while True:
            final = notebook.kernel_eval("(shared.value, arrivals[-1] if arrivals else None, len(arrivals))")
            value, last, _count = eval(final)
            shown = [page.evaluate(SHOWN) for page in (notebook.page, other.page)]
            if shown == [str(value), str(value)] or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert value == last, final  # the last change to arrive won
        assert shown == [str(value), str(value)], (shown, final)
        arrived = eval(notebook.kernel_eval("arrivals"))
        assert {v % 2 for v in arrived} == {0, 1}, arrived  # the edits of both tabs interleaved
    finally:
        other.page.context.close()
    assert errors(notebook) == []


RESTART_CELL = (
    "import cellwire as cw\nimport ipywidgets as w\nlevel = w.IntSlider(3, description='level')\n"
    "display(level, w.VBox([w.Label('inside a box')]))"
)


@pytest.mark.parametrize("server_config", ALL_FRONTENDS, indirect=True)
def test_after_a_kernel_restart_widgets_say_so_and_work_again_once_the_cell_reruns(notebook, offline):  # noqa: F811
    old = notebook.run(RESTART_CELL, timeout=60)
    live(old, 1).locator(".widget-label").wait_for()
    notebook.restart_kernel()
    for element in old.locator(".cellwire-output").all():
        expect(element).to_have_attribute("data-cellwire-state", "restarted")
        expect(element.locator(":scope > .cellwire-status")).to_have_text(
            "cellwire: the kernel restarted: run the cell again"
        )
    # a change in an old output is refused where the user sees it
    nudge(old, "level", "ArrowRight")
    expect(old.locator(".cellwire-status").first).to_contain_text("not delivered")
    assert notebook.kernel_eval("'level' in globals()") == "False"

    new = notebook.run(RESTART_CELL, timeout=60)
    live(new, 1).locator(".widget-label").wait_for()
    expect(slider(new, "level").locator(".widget-readout")).to_have_text("3")
    nudge(new, "level", "ArrowRight")
    wait_kernel(notebook, "level.value", "4")
    notebook.run("level.value = 9")
    expect(slider(new, "level").locator(".widget-readout")).to_have_text("9")
    expect(old.locator(".cellwire-output").first).to_have_attribute("data-cellwire-state", "stale")
    expect(old.locator(".cellwire-status").first).to_contain_text("made by an earlier run of the kernel")
    assert errors(notebook) == []  # no storm: nothing per message or per view


CONNECTED = (
    "import cellwire as cw\nimport ipywidgets as w\nlevel = w.IntSlider(1, description='level')\n"
    "note = w.Text('', description='note')\ndisplay(level, note)"
)


@pytest.mark.parametrize("server_config", ALL_FRONTENDS, indirect=True)
def test_a_network_drop_reconnects_with_backoff_and_loses_no_update(notebook_factory, server):
    """The page reaches the server through a TCP proxy that the test cuts for 6 s: every socket
    of the page closes and nothing can connect, as when the network drops."""
    proxy = CuttableProxy(server.port)
    try:
        notebook = notebook_factory(server, port=proxy.port)
        out = notebook.run(CONNECTED, timeout=60)
        live(out, 1).locator(".widget-text input").wait_for()
        session = notebook.page.evaluate("[...window.__cellwire.links.values()][0].socket.sessionId")

        proxy.cut()
        cut_at = time.monotonic()
        for element in out.locator(".cellwire-output").all():
            expect(element.locator(".cellwire-status")).to_have_text("cellwire: connection lost, reconnecting…")
        notebook.kernel_eval("setattr(level, 'value', 77)")  # the kernel changes a value meanwhile
        out.locator(".widget-text input").fill("typed while offline")  # and so does the page
        time.sleep(max(0.0, 6 - (time.monotonic() - cut_at)))
        proxy.restore()

        expect(slider(out, "level").locator(".widget-readout")).to_have_text("77", timeout=20_000)
        wait_kernel(notebook, "note.value", "'typed while offline'")
        for element in out.locator(".cellwire-output").all():
            expect(element).to_have_attribute("data-cellwire-state", "live")
            expect(element.locator(".cellwire-status")).to_be_hidden()
        attempts = proxy.attempts(f"session_id={session}")
        gaps = [b - a for a, b in itertools.pairwise(attempts)]
        assert 3 <= len(attempts) <= 7, attempts  # backoff, not a storm
        assert all(later > 1.2 * earlier for earlier, later in itertools.pairwise(gaps)), gaps

        # the server goes away for good meanwhile (its kernels die with it): changes are refused
        proxy.cut()
        expect(out.locator(".cellwire-status").first).to_contain_text("reconnecting")
        notebook.server.api("DELETE", f"api/kernels/{notebook.kernel_id}")
        out.locator(".widget-text input").fill("typed while the kernel died")
        proxy.restore()
        for element in out.locator(".cellwire-output").all():
            expect(element).to_have_attribute("data-cellwire-state", "gone", timeout=30_000)
        # (refused in an output of the cell: ipywidgets' page-wide manager does not say which
        # output a change came from)
        expect(out.locator(".cellwire-status", has_text="not delivered")).to_have_count(1)
    finally:
        proxy.close()
