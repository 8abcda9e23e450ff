"""cellwire's additions on plain ipywidgets (bridged, ``import cellwire`` first), inside a running
cell: a wait for an ipywidgets Button click, a Stop button ending a loop that a slider steers and
whose observers run meanwhile, ``cw.wait_for`` and ``cw.changes`` on an ipywidgets control,
``cw.eval_js`` in the output showing an ipywidget, and an anywidget answering its JavaScript
while a cell runs.

These are the twins of test_busy_widgets.py's tests on cellwire's retired toolkit (issue #17):
the Stop button within 200 ms, ``wait_for`` and ``wait_click``/``changes`` in a running cell,
calls both ways on a widget and a widget answering JavaScript during a cell.

All share one notebook per configuration (``module_notebook``). ipykernel 6, where the shell pump
brings the clicks in, is covered in test_no_subshell.py."""

from __future__ import annotations

import json
import statistics
import time

import pytest
from playwright.sync_api import expect
from test_bridge import bridged, errors
from widget_helpers import LAB_AND_NB7

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]

SETUP = "import json, time\nimport cellwire as cw\nimport ipywidgets as widgets"


@pytest.fixture
def notebook(module_notebook):
    module_notebook.run(SETUP, timeout=60)
    return module_notebook


def test_a_running_cell_waits_for_an_ipywidgets_button_click_then_follows_a_slider(notebook):
    """Twin of test_busy_widgets' wait_for and wait_click/changes tests (cw.IntSlider, cw.Button)."""
    cell = notebook.start(
        "go = widgets.Button(description='Go')\n"
        "level = widgets.IntSlider(0, max=10, description='level')\n"
        "display(widgets.HBox([go, level]))\n"
        "t0 = time.time()\n"
        "print('clicked', cw.wait_click(go, timeout=60) is go, flush=True)\n"
        "print('level', cw.wait_for(level, 'value', until=lambda v: v >= 2, timeout=60), flush=True)\n"
        "seen = []\n"
        "for value in cw.changes(level, timeout=60):\n"
        "    seen.append(value)\n"
        "    if value >= 4:\n"
        "        break\n"
        "print('seen', json.dumps(seen))"
    )
    view = bridged(notebook.output(cell))
    time.sleep(0.5)
    assert not notebook.is_finished(cell)  # it waits for the click
    view.get_by_role("button", name="Go").click()
    expect(notebook.output(cell)).to_contain_text("clicked True")
    assert not notebook.is_finished(cell)  # and now for the slider
    view.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("ArrowRight")
    notebook.page.keyboard.press("ArrowRight")
    expect(notebook.output(cell)).to_contain_text("level 2")
    assert not notebook.is_finished(cell)  # and now follows the slider
    for _ in range(2):
        notebook.page.keyboard.press("ArrowRight")
        notebook.page.wait_for_timeout(150)
    notebook.wait_finished(cell, timeout=20)
    seen = json.loads(notebook.output_text(notebook.output(cell)).splitlines()[-1].removeprefix("seen "))
    assert seen == [3, 4], seen
    # the iterator stopped observing when the loop broke out of it
    observers = "len(_w._trait_notifiers.get('value', {}).get('change', []))"
    assert notebook.kernel_eval(observers.replace("_w", "level")) == notebook.kernel_eval(
        observers.replace("_w", "widgets.IntSlider()")
    )
    assert errors(notebook) == []


STOP_LOOP = (
    "stop = widgets.Button(description='Stop', button_style='danger')\n"
    "speed = widgets.IntSlider(1, max=10, description='speed')\n"
    "observed = []\n"
    "speed.observe(lambda change: observed.append(change.new), 'value')\n"
    "stopped = cw.clicked(stop)\n"
    "display(widgets.HBox([speed, stop]))\n"
    "start, steps, seen = time.time(), 0, set()\n"
    "while not stopped and time.time() - start < 20:\n"
    "    seen.add(speed.value)\n"
    "    steps += 1\n"
    "    time.sleep(0.001)\n"
    "end = time.time()\n"
    "print(json.dumps({'clicks': stopped.count, 'ran': end - start, 'end': end, 'steps': steps,\n"
    "                  'seen': sorted(seen), 'observed': observed}))"
)


def test_an_ipywidgets_stop_button_ends_a_loop_a_slider_steers_within_200_ms(notebook):
    """Twin of test_busy_widgets' Stop button test (cw.Button, three loops, median under 200 ms);
    the first loop is also steered by a slider, whose observer runs while the cell does."""
    latencies = []
    for run in range(3):
        cell = notebook.start(STOP_LOOP)
        view = bridged(notebook.output(cell))
        button = view.get_by_role("button", name="Stop")
        time.sleep(0.5)
        if run == 0:  # the loop reads the slider as it moves
            view.locator(".noUi-handle").first.focus()
            for value in ("2", "3"):
                notebook.page.keyboard.press("ArrowRight")
                expect(view.locator(".widget-readout")).to_have_text(value)
                time.sleep(0.3)
        assert not notebook.is_finished(cell)
        clicked_at = button.evaluate("(b) => { b.click(); return Date.now() / 1000; }")
        notebook.wait_finished(cell, timeout=20)
        result = json.loads(notebook.output_text(notebook.output(cell)).splitlines()[-1])
        assert result["clicks"] == 1 and result["ran"] < 15 and result["steps"] > 10, result
        if run == 0:
            assert result["seen"] == [1, 2, 3] and result["observed"] == [2, 3], result
        latencies.append(result["end"] - clicked_at)
    print("ipywidgets Stop latencies (ms):", [round(x * 1000, 1) for x in latencies])
    assert statistics.median(latencies) < 0.2, latencies
    assert errors(notebook) == []


def test_eval_js_runs_in_the_output_showing_an_ipywidget(notebook):
    out = notebook.run(
        "name = widgets.Text('hi', description='name')\n"
        "ok = widgets.Button(description='OK')\n"
        "box = widgets.VBox([name, ok])\n"
        "box",
        timeout=60,
    )
    bridged(out)
    out = notebook.run(
        "print('text', cw.eval_js(name, \"el.querySelector('input').value\"))\n"
        "print('buttons', cw.eval_js(ok, \"el.querySelectorAll('button').length\"))\n"
        "print('args', cw.eval_js(box, 'return args.a + 1', {'a': 41}))\n"
        "try:\n"
        "    cw.eval_js(ok, 'el.nope.nope')\n"
        "except cw.JSError as err:\n"
        "    print('JSError', err.name)\n"
        "try:\n"
        "    cw.eval_js(widgets.IntSlider(), 'el', timeout=1)\n"
        "except cw.NoViewError as err:\n"
        "    print('NoViewError', 'display it' in str(err))",
        timeout=60,
    )
    lines = notebook.output_text(out).splitlines()
    assert lines == ["text hi", "buttons 1", "args 42", "JSError TypeError", "NoViewError True"], lines


PROBE = '''
import anywidget, traitlets
from anywidget.experimental import command

class Probe(anywidget.AnyWidget):
    _esm = """
    export default {
      render({ model, el, experimental }) {
        el.innerHTML = "<span class='name'>probe</span> <button class='ask'>ask</button> <button class='bump'>bump</button>";
        const ask = el.querySelector(".ask"), bump = el.querySelector(".bump");
        ask.onclick = async () => {
          try { ask.textContent = String((await experimental.invoke("double", 21))[0]); }
          catch (err) { ask.textContent = "failed: " + err; }
        };
        bump.onclick = () => { model.set("bumps", model.get("bumps") + 1); model.save_changes(); };
        const show = () => { bump.textContent = "seen " + model.get("seen"); };
        model.on("change:seen", show);
      },
    };
    """
    bumps = traitlets.Int(0).tag(sync=True)
    seen = traitlets.Int(0).tag(sync=True)

    @command
    def double(self, x, buffers):
        return 2 * x, []

probe = Probe()
probe.observe(lambda change: setattr(probe, "seen", change.new * 10), "bumps")
probe
'''


def test_an_anywidget_answers_its_javascript_while_a_cell_runs(notebook):
    """Twin of test_busy_widgets' custom-widget tests (cw.AnyWidget): anywidget's own
    ``experimental.invoke`` and a synced trait whose observer answers, both handled while another
    cell sleeps; Python reaches the widget's view with ``cw.eval_js``. (cellwire's ``expose`` /
    ``invoke`` / ``call`` with values and errors, on a ``Channel``: test_busy.py.)"""
    view = bridged(notebook.run(PROBE, timeout=60))
    expect(view.locator("span.name")).to_have_text("probe")
    out = notebook.run("print('name', cw.eval_js(probe, \"el.querySelector('.name').textContent\"))", timeout=30)
    assert notebook.output_text(out).splitlines() == ["name probe"]
    cell = notebook.start("time.sleep(5)")
    notebook.page.wait_for_timeout(500)
    started = time.monotonic()
    view.locator("button.ask").click()
    expect(view.locator("button.ask")).to_have_text("42", timeout=2000)
    view.locator("button.bump").click()
    expect(view.locator("button.bump")).to_have_text("seen 10", timeout=2000)
    assert time.monotonic() - started < 2.5
    assert not notebook.is_finished(cell)
    notebook.wait_finished(cell, timeout=20)
    assert notebook.kernel_eval("(probe.bumps, probe.seen)") == "(1, 10)"
    assert errors(notebook) == []
