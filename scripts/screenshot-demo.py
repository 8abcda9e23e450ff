"""Take the README's picture of the demo: run examples/demo.ipynb in JupyterLab (the stock server
env, no widget extension) in headless Chromium and save two of its live outputs, every standard
ipywidget and the plain-ipywidgets section, side by side in docs/demo.png.

    .venv/bin/python scripts/screenshot-demo.py [--out docs/demo.png]

Uses the end-to-end harness (tests/e2e/harness): the server venv and Chromium that `make test`
builds. The kernel is this interpreter, so run it with the project venv's Python.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

import nbformat  # noqa: E402
from harness import JupyterServer, NotebookPage, launch_chromium  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

DEMO = ROOT / "examples" / "demo.ipynb"
#: What is shown, by how a code cell starts: left, every standard widget (the output only: its code
#: is a long dict); right, plain ipywidgets code (a click on "greet" first) and ipywidgets' interact.
LEFT = ("w = {",)
RIGHT = ("name = widgets.Text", "%matplotlib inline")
GAP = 16


def cell_of(output):
    """The whole cell (code and output) of an output area, in JupyterLab."""
    return output.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' jp-Cell ')][1]")


def shot(locator) -> Image.Image:
    return Image.open(io.BytesIO(locator.screenshot(animations="disabled"))).convert("RGB")


def column(images: list[Image.Image]) -> Image.Image:
    picture = Image.new(
        "RGB", (max(i.width for i in images), sum(i.height for i in images) + GAP * (len(images) - 1)), "white"
    )
    y = 0
    for image in images:
        picture.paste(image, (0, y))
        y += image.height + GAP
    return picture


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "demo.png")
    args = parser.parse_args()
    cells = [c.source for c in nbformat.read(DEMO, as_version=4).cells if c.cell_type == "code"]
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        server = JupyterServer("lab", Path(tmp))
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(viewport={"width": 1000, "height": 2000}, device_scale_factor=1)
            notebook = NotebookPage(context.new_page(), server).open("demo.ipynb")
            outputs = {code: notebook.run(code, timeout=120) for code in cells}

            def output(start: str):
                found = outputs[next(code for code in cells if code.startswith(start))]
                found.locator(".cellwire-output .cellwire-live").first.wait_for()
                return found

            greet = output(RIGHT[0])
            greet.get_by_role("button", name="greet").click()
            greet.get_by_text("hello, world!").wait_for()
            # The click made that cell the active one: no selection bar or cell toolbar in the picture.
            notebook.page.add_style_tag(content=".jp-Collapser, .jp-cell-toolbar { visibility: hidden !important; }")
            notebook.page.mouse.move(0, 0)
            notebook.page.wait_for_timeout(500)  # (fonts, the sliders' last layout)
            left = column([shot(output(start)) for start in LEFT])
            right = column([shot(cell_of(output(start))) for start in RIGHT])
        finally:
            browser.close()
            server.stop()
    picture = Image.new("RGB", (left.width + right.width + 3 * GAP, max(left.height, right.height) + 2 * GAP), "white")
    picture.paste(left, (GAP, GAP))
    picture.paste(right, (left.width + 2 * GAP, GAP))
    width, height = picture.size
    # 256 colours are plenty for widgets and code, and keep the file small.
    picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(args.out, optimize=True)
    print(f"{args.out}: {width}x{height}, {args.out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
