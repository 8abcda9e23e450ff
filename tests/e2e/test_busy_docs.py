"""The recipes of docs/busy.md run as written, with a user clicking where the text says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from widget_helpers import live

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", [("lab", "/")], indirect=True)]

DOC = Path(__file__).resolve().parents[2] / "docs" / "busy.md"


def recipes() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)


def test_the_recipes_of_busy_md_work(notebook):
    (stop, stop_widget, steer_widgets, steer, wait_click, wait_for, pick, py_to_js, js_to_py, poll) = recipes()

    cell = notebook.start(stop)
    view = notebook.output(cell).locator(".cellwire-live")
    view.locator("b.i", has_text=re.compile(r"[1-9]")).wait_for(timeout=20_000)  # the loop is running
    view.locator("button").click()
    notebook.wait_finished(cell, timeout=20)
    assert "stopped at step" in notebook.output_text(notebook.output(cell))

    cell = notebook.start(stop_widget)
    live(notebook.output(cell)).get_by_role("button", name="Stop").click()
    notebook.wait_finished(cell, timeout=20)

    cell = notebook.start(steer_widgets)
    view = live(notebook.output(cell))
    view.get_by_label("speed").focus()
    notebook.page.keyboard.press("End")
    notebook.page.wait_for_timeout(300)
    view.get_by_role("button", name="Stop").click()
    notebook.wait_finished(cell, timeout=20)
    assert notebook.kernel_eval("speed.value") == "100"

    cell = notebook.start(steer)
    view = notebook.output(cell).locator(".cellwire-live")
    view.locator("input").fill("90", timeout=20_000)  # fires 'input'
    notebook.page.wait_for_timeout(300)
    view.locator("button").click()
    notebook.wait_finished(cell, timeout=20)
    assert notebook.kernel_eval("speed") == "{'value': 90}"

    cell = notebook.start(wait_click)
    live(notebook.output(cell)).get_by_role("button", name="Continue").click()
    notebook.wait_finished(cell, timeout=20)
    assert "continuing with small" in notebook.output_text(notebook.output(cell))

    cell = notebook.start(wait_for)
    live(notebook.output(cell)).get_by_label("level").focus()
    notebook.page.keyboard.press("End")
    notebook.wait_finished(cell, timeout=20)
    assert notebook.kernel_eval("value") == "10"

    cell = notebook.start(pick)
    notebook.output(cell).locator(".cellwire-live div").click(position={"x": 10, "y": 20}, timeout=20_000)
    notebook.wait_finished(cell, timeout=20)
    assert "you picked 10" in notebook.output_text(notebook.output(cell))

    out = notebook.run(py_to_js, timeout=60)
    assert notebook.output_text(out).splitlines()[-1] == "3"
    assert notebook.kernel_eval("calc.call('mul', 6, 7)") == "42"

    out = notebook.run(js_to_py)
    button = out.locator(".cellwire-live button")
    button.click(timeout=20_000)
    button.filter(has_text="5").wait_for(timeout=5_000)

    cell = notebook.start(poll)  # (on ipykernel 6 too: test_no_subshell.py runs the same loop)
    live(notebook.output(cell)).get_by_role("button", name="Stop").click()
    notebook.wait_finished(cell, timeout=20)
    assert "stopped after" in notebook.output_text(notebook.output(cell))
