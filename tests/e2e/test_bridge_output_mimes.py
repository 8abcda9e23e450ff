"""What users display in a bridged ipywidgets Output renders as JupyterLab would (issue #17: the
replacement of ``cw.Markdown``): Markdown as markup, JSON pretty-printed, LaTeX as its text, and of
each display the mimetype JupyterLab's rendermime picks; hostile Markdown (a ``javascript:`` link,
raw ``<img onerror>``) is shown, never run."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_bridge import bridged, errors
from widget_helpers import LAB_AND_NB7

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", LAB_AND_NB7, indirect=True)]

HOSTILE = '[run me](javascript:window.__pwned=1) <img src=x onerror="window.__pwned=2">'
CODE = f"""
import cellwire as cw
import ipywidgets as w
from IPython.display import JSON, Latex, Markdown, display
out = w.Output()
with out:
    display(Markdown('# Heading\\n\\n**bold** and *it* and [site](https://example.org/a_b)\\n\\n' + {HOSTILE!r}))
    display(JSON({{'answer': [42, 'x']}}))
    display(Latex(r'$\\alpha^2$'))
    display({{'text/html': '<b class="from-html">html</b>', 'text/markdown': '**md**', 'text/plain': 'p'}}, raw=True)
out
"""


def test_markdown_json_and_latex_render_and_hostile_markdown_runs_nothing(notebook):
    view = bridged(notebook.run(CODE, timeout=60))
    output = view.locator(".widget-output")
    expect(output.locator("h1")).to_have_text("Heading")
    expect(output.locator("strong")).to_have_text("bold")
    expect(output.locator("em")).to_have_text("it")
    expect(output.locator("a[href='https://example.org/a_b']")).to_have_text("site")
    expect(output.locator("pre", has_text='"answer"')).to_contain_text('"answer": [\n    42,')
    expect(output.locator("pre", has_text="alpha")).to_have_text("$\\alpha^2$")
    expect(output.locator("b.from-html")).to_have_text("html")  # html ranks before markdown
    expect(output).not_to_contain_text("IPython.core.display")
    expect(output).to_contain_text(HOSTILE)  # shown as text
    notebook.page.wait_for_timeout(1000)  # (an <img onerror> would have fired by now)
    assert output.locator("a[href^='javascript'], img[src='x'], script").count() == 0
    output.get_by_text("run me").first.click()
    assert notebook.page.evaluate("window.__pwned") is None
    assert errors(notebook) == []
