"""Scenarios 1-4 of docs/reliability.md: a page reload, two tabs editing one value, a kernel
restart, and the network dropping between the browser and the server."""

from __future__ import annotations

import itertools
import time

import pytest
from harness import CuttableProxy
from playwright.sync_api import expect
from widget_helpers import ALL_FRONTENDS, LAB_AND_NB7, live, second_tab, wait_kernel

pytestmark = pytest.mark.e2e

WIDGETS = """
import cellwire as cw
held = cw.IntSlider(10, description='held')
note = cw.Text('start', description='note')
box = cw.VBox([cw.Checkbox(False, description='inner'), cw.Dropdown(options=['a', 'b', 'c'], description='pick')])
display(held, note, box)
display(cw.IntSlider(5, description='anonymous'))   # no variable holds this one
"""


def views(notebook):
    """The live views of the notebook's first cellwire cell, once all four are live."""
    body = notebook.page.locator("body")
    for i in range(4):
        live(body, i)
    return body.locator(".cellwire-live")


@pytest.mark.parametrize("server_config", ALL_FRONTENDS, indirect=True)
def test_a_reloaded_page_shows_every_widget_live_with_its_current_values(notebook):
    live(notebook.run(WIDGETS), 3)
    page = notebook.page
    shown = page.locator(".cellwire-output > .cellwire-live")  # (not the hidden snapshots)
    # changed in the kernel (silently: no cell runs, so the saved snapshots keep the old values)
    notebook.kernel_eval("setattr(held, 'value', 42)")
    # changed in the page
    shown.get_by_label("note").fill("typed")
    shown.get_by_label("inner").check()
    shown.get_by_label("pick").select_option("c")
    shown.get_by_label("anonymous").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    wait_kernel(
        notebook, "(held.value, note.value, box.children[0].value, box.children[1].value)", "(42, 'typed', True, 'c')"
    )
    expect(shown.get_by_label("held")).to_have_value("42")
    notebook.save()
    notebook.reload()

    views(notebook)
    expect(shown.get_by_label("held")).to_have_value("42")
    expect(shown.get_by_label("note")).to_have_value("typed")
    expect(shown.get_by_label("inner")).to_be_checked()
    expect(shown.get_by_label("pick")).to_have_value("2")
    expect(shown.get_by_label("anonymous")).to_have_value("7")
    # the saved snapshot had the old value: what shows is the kernel's, live
    assert "42" not in page.locator(".cellwire-snapshot").first.inner_html()
    # both ways, after the reload
    shown.get_by_label("anonymous").focus()
    page.keyboard.press("ArrowLeft")
    wait_kernel(
        notebook,
        "sorted(w.value for w in list(cw.target._registry.values()) if getattr(w, 'description', '') == 'anonymous')",
        "[6]",
    )
    notebook.kernel_eval("setattr(held, 'value', 1)")
    expect(shown.get_by_label("held")).to_have_value("1")
    assert notebook.unexpected_console_errors == []  # (before and after the reload)


BURST = """([seed, values]) => {
    // the values, each set at a random moment of the next 1.5 s (seeded: the test is repeatable)
    let state = seed;
    const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const model = document.querySelector('.cellwire-output').__cellwire.model;
    for (const value of values) setTimeout(() => { model.set('value', value); model.save_changes(); }, random() * 1500);
}"""


@pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)
def test_two_tabs_editing_one_value_at_once_end_with_the_last_value_to_reach_the_kernel(notebook, browser):
    out = notebook.run(
        "import cellwire as cw, time\narrivals = []\n"
        "shared = cw.IntSlider(0, max=1000, description='shared')\n"
        "def slow(change):   # a slow observer: edits queue up at the kernel\n"
        "    arrivals.append(change['new'])\n"
        "    time.sleep(0.03)\n"
        "shared.observe(slow, names='value')\nshared"
    )
    live(out)
    other = second_tab(notebook, browser)
    try:
        live(other.page.locator("body"))
        # an edit in either tab reaches the other
        other.page.get_by_label("shared").focus()
        other.page.keyboard.press("End")
        expect(notebook.page.get_by_label("shared")).to_have_value("1000")
        notebook.page.get_by_label("shared").focus()
        notebook.page.keyboard.press("Home")
        expect(other.page.get_by_label("shared")).to_have_value("0")

        # both tabs edit at once: odd values in one, even values in the other
        notebook.kernel_eval("arrivals.clear()")
        notebook.page.evaluate(BURST, [1, list(range(1, 80, 2))])
        other.page.evaluate(BURST, [2, list(range(2, 80, 2))])
        time.sleep(2)
        deadline = time.monotonic() + 20
        while True:
            final = notebook.kernel_eval("(shared.value, arrivals[-1] if arrivals else None, len(arrivals))")
            value, last, _count = eval(final)
            shown = [
                page.evaluate("document.querySelector('.cellwire-output').__cellwire.model.get('value')")
                for page in (notebook.page, other.page)
            ]
            if shown == [value, value] or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert value == last, final  # the last change to arrive won
        assert shown == [value, value], (shown, final)
        arrived = eval(notebook.kernel_eval("arrivals"))
        assert {v % 2 for v in arrived} == {0, 1}, arrived  # the edits of both tabs interleaved
        for page in (notebook.page, other.page):
            expect(page.get_by_label("shared")).to_have_value(str(value))
            expect(page.locator(".cellwire-live output")).to_have_text(str(value))
    finally:
        other.page.context.close()


RESTART_CELL = (
    "import cellwire as cw\nlevel = cw.IntSlider(3, description='level')\n"
    "display(level, cw.VBox([cw.Label('inside a box')]))"
)


@pytest.mark.parametrize("server_config", ALL_FRONTENDS, indirect=True)
def test_after_a_kernel_restart_widgets_say_so_and_work_again_once_the_cell_reruns(notebook):
    old = notebook.run(RESTART_CELL)
    live(old, 1)
    notebook.restart_kernel()
    for element in old.locator(".cellwire-output").all():
        expect(element).to_have_attribute("data-cellwire-state", "restarted")
        expect(element.locator(":scope > .cellwire-status")).to_have_text(
            "cellwire: the kernel restarted: run the cell again"
        )
    # a change in an old output is refused where the user sees it
    old.get_by_label("level").focus()
    notebook.page.keyboard.press("ArrowRight")
    expect(old.locator(".cellwire-status").first).to_contain_text("not delivered")
    assert notebook.kernel_eval("'level' in globals()") == "False"

    new = notebook.run(RESTART_CELL)
    live(new, 1)
    new.get_by_label("level").focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "level.value", "4")
    notebook.run("level.value = 9")
    expect(new.get_by_label("level")).to_have_value("9")
    expect(old.locator(".cellwire-output").first).to_have_attribute("data-cellwire-state", "stale")
    expect(old.locator(".cellwire-status").first).to_contain_text("made by an earlier run of the kernel")
    assert notebook.unexpected_console_errors == []  # no storm: nothing per message or per view


CONNECTED = (
    "import cellwire as cw\nlevel = cw.IntSlider(1, description='level')\n"
    "note = cw.Text('', description='note')\ndisplay(level, note)"
)


def link_state(notebook) -> str:
    return notebook.page.evaluate("[...window.__cellwire.links.values()][0].state")


@pytest.mark.parametrize("server_config", ALL_FRONTENDS, indirect=True)
def test_a_network_drop_reconnects_with_backoff_and_loses_no_update(notebook_factory, server):
    """The page reaches the server through a TCP proxy that the test cuts for 6 s: every socket
    of the page closes and nothing can connect, as when the network drops."""
    proxy = CuttableProxy(server.port)
    try:
        notebook = notebook_factory(server, port=proxy.port)
        out = notebook.run(CONNECTED)
        live(out, 1)
        session = notebook.page.evaluate("[...window.__cellwire.links.values()][0].socket.sessionId")

        proxy.cut()
        cut_at = time.monotonic()
        for element in out.locator(".cellwire-output").all():
            expect(element.locator(".cellwire-status")).to_have_text("cellwire: connection lost, reconnecting…")
        notebook.kernel_eval("setattr(level, 'value', 77)")  # the kernel changes a value meanwhile
        out.get_by_label("note").fill("typed while offline")  # and so does the page
        time.sleep(max(0.0, 6 - (time.monotonic() - cut_at)))
        proxy.restore()

        expect(out.get_by_label("level")).to_have_value("77", timeout=20_000)
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
        out.get_by_label("note").fill("typed while the kernel died")
        proxy.restore()
        for element in out.locator(".cellwire-output").all():
            expect(element).to_have_attribute("data-cellwire-state", "gone", timeout=30_000)
        expect(out.locator(".cellwire-output").nth(1).locator(".cellwire-status")).to_contain_text("not delivered")
    finally:
        proxy.close()
