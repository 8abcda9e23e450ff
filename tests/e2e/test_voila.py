"""Voilà (issue 13): a cellwire notebook served as an app by a real ``voila`` (from an env without
cellwire; the kernel from the project venv) comes alive, widgets both ways. Voilà forbids execute
requests from the page: cellwire needs only comms."""

from __future__ import annotations

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


APP = """
import cellwire as cw
level = cw.IntSlider(10, description='level')
echo = cw.Text('', description='echo')
level.observe(lambda change: setattr(echo, 'value', f"kernel saw {change['new']}"), 'value')
cw.VBox([level, echo])
"""


def test_an_app_comes_alive_and_its_widgets_work_both_ways(voila, page):
    console = ConsoleLog(page)
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(voila.write_app("app.ipynb", APP))
    shown = page.locator(".cellwire-output > .cellwire-live")
    level = shown.get_by_label("level")
    level.wait_for(timeout=60_000)
    expect(page.locator(".cellwire-output").first).to_have_attribute("data-cellwire-state", "live")
    level.focus()
    page.keyboard.press("ArrowRight")
    # the kernel got the change (page -> kernel) and its answer came back (kernel -> page)
    expect(shown.get_by_label("echo")).to_have_value("kernel saw 11")
    assert failed == []
    assert [e for e in console.errors if "cellwire" in e] == []
