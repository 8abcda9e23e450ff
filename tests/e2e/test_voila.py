"""Voilà (issue 13): a cellwire notebook served as an app by a real ``voila`` (from an env without
cellwire; the kernel from the project venv) comes alive, widgets both ways. Voilà forbids execute
requests from the page: cellwire needs only comms."""

from __future__ import annotations

import psutil
import pytest
from harness import ConsoleLog
from harness.voila import VoilaServer
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    server = VoilaServer(tmp_path_factory.mktemp("voila"))
    yield server
    server.stop()


# cellwire's own Channel (plain ipywidgets: IPYWIDGETS_APP below).
APP = '''
import cellwire as cw
ESM = """
export function render({ channel, el }) {
  el.innerHTML = '<label>level <input class="level" value="10"></label> <output class="echo"></output>';
  const input = el.querySelector('.level');
  input.addEventListener('input', () => channel.send({ level: Number(input.value) }));
  channel.on('message', (data) => { el.querySelector('.echo').textContent = data.echo; });
}
"""
app = cw.Channel(esm=ESM)
app.on_message(lambda m: app.send({'echo': f"kernel saw {m.data['level']}"}))
app
'''


def test_an_app_comes_alive_and_its_widgets_work_both_ways(voila, page):
    """(It showed cellwire's retired IntSlider and Text; now a Channel, see APP.)"""
    console = ConsoleLog(page)
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(voila.write_app("app.ipynb", APP))
    shown = page.locator(".cellwire-output > .cellwire-live")
    level = shown.get_by_label("level")
    level.wait_for(timeout=60_000)
    expect(page.locator(".cellwire-output").first).to_have_attribute("data-cellwire-state", "live")
    level.fill("11")
    # the kernel got the change (page -> kernel) and its answer came back (kernel -> page)
    expect(shown.locator(".echo")).to_have_text("kernel saw 11")
    assert failed == []
    assert [e for e in console.errors if "cellwire" in e] == []


IPYWIDGETS_APP = """
import cellwire as cw
import ipywidgets as w
level = w.IntSlider(3, description='level')
echo = w.Label('')
level.observe(lambda change: setattr(echo, 'value', f"kernel saw {change['new']}"), 'value')
out = w.Output()
with out:
    display(w.Button(description='inside'))
w.VBox([level, echo, out])
"""


def test_an_app_of_plain_ipywidgets_comes_alive(voila, page):
    """Voilà's own manager draws ipywidgets 8 only with jupyterlab_widgets in its server env (here,
    without: "Module @jupyter-widgets/controls, version ^2.0.0 is not registered"), and it would take
    every widget-view output for itself: cellwire shows them, both ways, an Output's widget too."""
    console = ConsoleLog(page)
    page.goto(voila.write_app("widgets.ipynb", IPYWIDGETS_APP))
    view = page.locator(".cellwire-output .widget-vbox")
    expect(view.locator(".widget-readout")).to_have_text("3", timeout=60_000)
    expect(view.get_by_role("button", name="inside")).to_be_visible()
    handle = view.locator(".noUi-handle, .ui-slider-handle").first
    handle.focus()
    handle.press("ArrowRight")
    expect(view.locator(".widget-readout")).to_have_text("4")
    expect(view.locator(".widget-label").last).to_have_text("kernel saw 4")  # page -> kernel -> page
    assert [e for e in console.errors if "cellwire" in e] == []


SIZES = """async (view) => {
    // an anonymous viewer's page, past the checks of its own runtime: an upload of two million buffers
    const link = [...window.__cellwire.links.values()][0];
    const level = [...window.__cellwire.views][view];
    link._commMsg({ op: 'msg', view: level.id, upload: { id: 'big', chunks: 1, sizes: new Array(2000000).fill(0) } }, []);
    await link.ping();
}"""
UPLOADS = """async (uploads) => {
    // and unfinished uploads of 1 MiB each, which the kernel used to keep for good
    const link = [...window.__cellwire.links.values()][0];
    for (let i = 0; i < uploads; i++) link._commMsg({ op: 'chunk', upload: `u${i}`, index: 0 }, [new Uint8Array(1 << 20)]);
    await link.ping();
}"""


def kernel_rss(voila: VoilaServer, kernel_id: str) -> int:
    for process in psutil.Process(voila.process.pid).children(recursive=True):
        if any(kernel_id in part for part in process.cmdline()):
            return process.memory_info().rss
    raise AssertionError(f"no process of kernel {kernel_id}")


def test_a_viewer_past_a_limit_gets_a_clear_error_and_the_kernel_and_other_viewers_go_on(voila, page):
    url = voila.write_app("limits.ipynb", APP)
    console = ConsoleLog(page)
    page.goto(url)
    shown = page.locator(".cellwire-output > .cellwire-live")
    shown.get_by_label("level").wait_for(timeout=60_000)
    kernel_id = page.evaluate("[...window.__cellwire.links.values()][0].kernelId")
    log_start = len(voila.log_text())
    before = kernel_rss(voila, kernel_id)
    page.evaluate(UPLOADS, 48)
    # the kernel holds 4 of the 48 MiB (it kept them all, for good)
    grown = kernel_rss(voila, kernel_id) - before
    assert grown < 24 * 1024**2, f"{grown / 2**20:.1f} MiB"
    # a chunk belongs to no output: the console says it (at most 20 error answers a second reach
    # a page; the log has every one)
    assert [m for m in console.messages if "unfinished uploads, the most the kernel accepts (4)" in m]
    # an error about a message for an output shows in that output (once the second in which the
    # refusals above used up the page's 20 error answers has passed: on a fast machine they all
    # fall into one)
    page.wait_for_timeout(1_100)
    page.evaluate(SIZES, 0)
    expect(page.locator(".cellwire-output .cellwire-status").first).to_contain_text(
        "'upload.sizes' has 2000000 entries, more than the kernel accepts (10000)"
    )
    log = voila.log_text()[log_start:]
    assert log.count("more than the kernel accepts (10000)") == 1
    assert log.count("unfinished uploads, the most the kernel accepts") == 44 and "Traceback" not in log
    # and the kernel still serves this page
    shown.get_by_label("level").fill("11")
    expect(shown.locator(".echo")).to_have_text("kernel saw 11")
    # another viewer (Voilà gives each its own kernel) is not affected
    other = page.context.new_page()
    other.goto(url)
    other_shown = other.locator(".cellwire-output > .cellwire-live")
    other_shown.get_by_label("level").wait_for(timeout=60_000)
    other_shown.get_by_label("level").fill("9")
    expect(other_shown.locator(".echo")).to_have_text("kernel saw 9")
    other.close()
