"""The recipes of docs/busy.md (ipywidgets, Element, Channel) run as written, with a user clicking
where the text says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_bridge import bridged

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", [("lab", "/")], indirect=True)]

DOC = Path(__file__).resolve().parents[2] / "docs" / "busy.md"


def recipes() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)


def test_the_recipes_of_busy_md_work(notebook):
    (stop, stop_widget, steer_widgets, steer, wait_click, wait_for, pick, py_to_js, js_to_py, on_widget, poll) = (
        recipes()
    )

    cell = notebook.start(stop)
    view = notebook.output(cell).locator(".cellwire-live")
    view.locator("b.i", has_text=re.compile(r"[1-9]")).wait_for(timeout=20_000)  # the loop is running
    view.locator("button").click()
    notebook.wait_finished(cell, timeout=20)
    assert "stopped at step" in notebook.output_text(notebook.output(cell))

    cell = notebook.start(stop_widget)
    bridged(notebook.output(cell)).get_by_role("button", name="Stop").click()
    notebook.wait_finished(cell, timeout=20)

    cell = notebook.start(steer_widgets)
    view = bridged(notebook.output(cell))
    view.locator(".noUi-handle").first.focus()
    notebook.page.keyboard.press("End")
    notebook.page.wait_for_timeout(300)
    assert not notebook.is_finished(cell)  # the loop still runs, at the new speed
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
    bridged(notebook.output(cell)).get_by_role("button", name="Continue").click()
    notebook.wait_finished(cell, timeout=20)
    assert "continuing with small" in notebook.output_text(notebook.output(cell))

    cell = notebook.start(wait_for)
    bridged(notebook.output(cell)).locator(".noUi-handle").first.focus()
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

    out = notebook.run(on_widget, timeout=60)
    assert int(notebook.output_text(out).splitlines()[-1]) > 0  # the menu's width, from the page

    cell = notebook.start(poll)  # (on ipykernel 6 too: test_no_subshell.py runs such a loop)
    bridged(notebook.output(cell)).get_by_role("button", name="Stop").click()
    notebook.wait_finished(cell, timeout=20)
    assert "stopped after" in notebook.output_text(notebook.output(cell))
