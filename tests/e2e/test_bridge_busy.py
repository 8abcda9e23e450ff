"""cellwire's additions on plain ipywidgets (bridged, ``import cellwire`` first), inside a running
cell: a wait for an ipywidgets Button click, a Stop button ending a loop, ``cw.wait_for`` and
``cw.changes`` on an ipywidgets control, and ``cw.eval_js`` in the output showing an ipywidget.

All share one notebook per configuration (``module_notebook``). ipykernel 6, where the shell pump
brings the clicks in, is covered in test_no_subshell.py."""

from __future__ import annotations

import json
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
    cell = notebook.start(
        "go = widgets.Button(description='Go')\n"
        "level = widgets.IntSlider(0, max=10, description='level')\n"
        "display(widgets.HBox([go, level]))\n"
        "t0 = time.time()\n"
        "print('clicked', cw.wait_click(go, timeout=60) is go, flush=True)\n"
        "print('level', cw.wait_for(level, 'value', until=lambda v: v >= 2, timeout=60), flush=True)\n"
        "for value in cw.changes(level, timeout=60):\n"
        "    if value >= 4:\n"
        "        break\n"
        "print('followed to', value)"
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
    notebook.page.keyboard.press("ArrowRight")
    notebook.page.keyboard.press("ArrowRight")
    notebook.wait_finished(cell, timeout=20)
    assert "followed to 4" in notebook.output_text(notebook.output(cell))
    assert errors(notebook) == []


def test_an_ipywidgets_stop_button_ends_a_loop_while_the_cell_runs(notebook):
    cell = notebook.start(
        "stop = widgets.Button(description='Stop', button_style='danger')\n"
        "stopped = cw.clicked(stop)\n"
        "display(stop)\n"
        "start, steps = time.time(), 0\n"
        "while not stopped and time.time() - start < 20:\n"
        "    steps += 1\n"
        "    time.sleep(0.001)\n"
        "end = time.time()\n"
        "print(json.dumps({'clicks': stopped.count, 'ran': end - start, 'end': end, 'steps': steps}))"
    )
    button = bridged(notebook.output(cell)).get_by_role("button", name="Stop")
    time.sleep(0.5)
    clicked_at = button.evaluate("(b) => { b.click(); return Date.now() / 1000; }")
    notebook.wait_finished(cell, timeout=20)
    result = json.loads(notebook.output_text(notebook.output(cell)).splitlines()[-1])
    assert result["clicks"] == 1 and result["ran"] < 15 and result["steps"] > 10, result
    print("ipywidgets Stop latency (ms):", round((result["end"] - clicked_at) * 1000, 1))
    assert result["end"] - clicked_at < 2, result


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
