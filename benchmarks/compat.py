"""Which widget libraries render through cellwire, next to JupyterLab's own widget manager, measured
in one run on this machine; writes docs/compatibility.md.

    make compat                                          # every library: writes docs/compatibility.md
    make compat COMPAT_ARGS='--only bqplot ipyleaflet'   # re-measures these rows of the last full run
    .venv/bin/python benchmarks/compat.py --only bqplot --print    # a trial: prints, writes nothing

Two throwaway venvs under .compat/ (built on first use, rebuilt when the library list changes): a
kernel env (ipykernel, this tree's cellwire installed editable, every library) and a server env
(jupyterlab, jupyterlab_widgets and the same libraries, so their extensions are in the server). Each
sample runs in a notebook of its own, twice, on the same kernel env: through cellwire (``import
cellwire`` first) in the stock ``.venv-server`` (no widget package), and through JupyterLab's own
manager in the compat server env (no cellwire import). Requests off this machine are blocked; code or
styles asked from one count as a failure to note. One sample failing does not stop the run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from harness import JupyterServer, NotebookPage, launch_chromium  # noqa: E402
from harness.server import server_venv  # noqa: E402
from playwright.sync_api import Browser, Route, sync_playwright  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from test_bridge import LOCAL, NO_WIDGET_MANAGER  # noqa: E402

from compat_libraries import LIBRARIES, Library, packages  # noqa: E402
from compat_report import FAILS, PARTIAL, RENDERS, Outcome, Row, front_end_format, render_table, row_from_dict, short  # noqa: E402

COMPAT_DIR = ROOT / ".compat"
KERNEL_ENV, SERVER_ENV = COMPAT_DIR / "kernel", COMPAT_DIR / "server"
RUN_SECONDS = 60  # the sample cell must finish in this time ...
DRAW_SECONDS = 30  # ... and its view draw in this one after it
CHECK_SECONDS = 15  # an update or a click: its effect
CODE_KINDS = ("script", "stylesheet", "font", "fetch", "xhr")

# Run with the kernel env's Python: for each distribution, its version, the extension folders it
# (or a package it needs, past the shared widget front-ends) installs, and whether it uses anywidget.
INSPECT = r"""
import importlib.metadata as m, json, re, sys
SHARED = {"ipywidgets", "jupyterlab-widgets", "widgetsnbextension", "anywidget", "jupyterlab", "notebook"}
def norm(name): return re.sub(r"[-_.]+", "-", name).lower()
def folders(dist, kind):
    found = set()
    for f in dist.files or []:
        parts = f.parts
        if kind in parts and parts.index(kind) + 1 < len(parts) - 1:
            i = parts.index(kind) + 1
            found.add("/".join(parts[i:i + 2]) if parts[i].startswith("@") else parts[i])
    return found
out = {}
for name in sys.argv[1:]:
    dist = m.distribution(name)
    deps = [dist]
    for req in dist.requires or []:
        dep = re.split(r"[ ;<>=!~\[(]", req, 1)[0]
        if "extra ==" not in req and norm(dep) not in SHARED and norm(dep) != norm(name):
            try: deps.append(m.distribution(dep))
            except m.PackageNotFoundError: pass
    anywidget = any(str(f).endswith(".py") and "anywidget" in (f.read_text() or "")
                    for f in dist.files or [] if not str(f).startswith(".."))
    out[name] = {"version": dist.version, "anywidget": anywidget,
                 "nbextensions": sorted(set().union(*(folders(d, "nbextensions") for d in deps))),
                 "labextensions": sorted(set().union(*(folders(d, "labextensions") for d in deps)))}
print(json.dumps(out))
"""


def build_envs(names: list[str]) -> None:
    """The two venvs, (re)installed when the package list differs from the one they were built with."""
    wanted = " ".join(names)
    specs = {
        KERNEL_ENV: ["ipykernel", "-e", str(ROOT), *names],
        SERVER_ENV: ["jupyterlab", "jupyterlab_widgets", *names],
    }
    for env, spec in specs.items():
        stamp = env / ".compat-stamp"
        if stamp.exists() and stamp.read_text() == wanted:
            continue
        print(f"installing into {env.relative_to(ROOT)}: {' '.join(spec)}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        subprocess.run([str(env / "bin" / "pip"), "install", "-q", *spec], check=True)
        stamp.write_text(wanted)


def inspect_packages(names: list[str]) -> dict[str, dict]:
    python = str(KERNEL_ENV / "bin" / "python")
    done = subprocess.run([python, "-c", INSPECT, *names], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def console_problem(notebook: NotebookPage) -> str:
    """The first console error that says something: not the host's own, not a blocked request."""
    for error in notebook.unexpected_console_errors:
        if not NO_WIDGET_MANAGER.search(error) and "Failed to load resource" not in error:
            return error
    return ""


def why_not_drawn(notebook: NotebookPage, output_text: str, cdn: list[str]) -> str:
    parts = []
    if output_text:
        parts.append(f"output: “{short(output_text, 120)}”")
    if problem := console_problem(notebook):
        parts.append(f"console: “{short(problem, 140)}”")
    if cdn:
        parts.append("asked a CDN for code: " + ", ".join(sorted(set(cdn))))
    return "; ".join(parts) or "nothing in the output, no console error"


def wait_true(notebook: NotebookPage, expr: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if notebook.kernel_eval(f"bool({expr})") == "True":
            return True
        time.sleep(0.3)
    return False


def check(notebook: NotebookPage, lib: Library, with_cellwire: bool, cdn: list[str]) -> Outcome:
    """Run the sample in ``notebook``; did it draw, and did its update/click go through?"""
    code = ("import cellwire\n" if with_cellwire else "") + lib.code
    try:
        output = notebook.run(code, timeout=RUN_SECONDS)
    except PlaywrightError:
        return Outcome(FAILS, f"the cell did not finish in {RUN_SECONDS} s")
    root = output if lib.where == "output" else notebook.page.locator("body")
    try:
        root.locator(lib.drawn).first.wait_for(state="visible", timeout=DRAW_SECONDS * 1000)
    except PlaywrightError:
        return Outcome(FAILS, why_not_drawn(notebook, NotebookPage.output_text(output), cdn))
    problems = []
    if lib.update:
        notebook.run(lib.update, timeout=RUN_SECONDS)
        try:
            # attached, not visible: the new cell may have scrolled the view off-screen, where Lab
            # skips rendering it (content-visibility: auto)
            root.locator(lib.updated).first.wait_for(state="attached", timeout=CHECK_SECONDS * 1000)
        except PlaywrightError:
            problems.append("a Python-side update did not reach the view")
    if lib.click:
        root.locator(lib.click).first.click(timeout=CHECK_SECONDS * 1000)
        if not wait_true(notebook, lib.clicked, CHECK_SECONDS):
            problems.append("a click did not reach the kernel")
    if cdn:
        problems.append("asked a CDN for code: " + ", ".join(sorted(set(cdn))))
    if problems and (problem := console_problem(notebook)):
        problems.append(f"console: “{short(problem, 140)}”")
    return Outcome(PARTIAL if problems else RENDERS, "; ".join(problems))


def measure(browser: Browser, server: JupyterServer, lib: Library, with_cellwire: bool) -> Outcome:
    """One sample in a fresh notebook (own browser context, own kernel), off-machine requests blocked."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    cdn: list[str] = []

    def block(route: Route) -> None:
        if route.request.resource_type in CODE_KINDS:
            cdn.append(urlsplit(route.request.url).netloc)
        route.abort()

    context.route(lambda url: not LOCAL.match(url) and not url.startswith(("blob:", "data:")), block)
    notebook = NotebookPage(context.new_page(), server)
    try:
        notebook.open(f"{lib.name}-{'cellwire' if with_cellwire else 'lab'}.ipynb", timeout=90)
        return check(notebook, lib, with_cellwire, cdn)
    except Exception as error:  # a library that breaks the page must not stop the run
        return Outcome(FAILS, short(f"{type(error).__name__}: {error}", 140))
    finally:
        try:
            notebook.shutdown_kernel()
        except Exception as error:
            print(f"  (kernel shutdown: {error})", flush=True)
        context.close()


def timed(label: str, run: Callable[[], Outcome]) -> Outcome:
    start = time.monotonic()
    outcome = run()
    print(f"  {label}: {outcome.status} in {time.monotonic() - start:.0f} s {outcome.note}", flush=True)
    return outcome


def run(libraries: list[Library], info: dict[str, dict]) -> list[Row]:
    kernel_python = str(KERNEL_ENV / "bin" / "python")
    work = Path(tempfile.mkdtemp(prefix="cellwire-compat-"))
    stock = JupyterServer("lab", work / "stock", venv=server_venv(), kernel_python=kernel_python)
    with_widgets = JupyterServer("lab", work / "widgets", venv=SERVER_ENV, kernel_python=kernel_python)
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for lib in libraries:
                print(lib.name, flush=True)
                meta = info[lib.name]
                formats = front_end_format(meta["nbextensions"], meta["labextensions"], meta["anywidget"])
                cellwire = timed("cellwire", lambda lib=lib: measure(browser, stock, lib, with_cellwire=True))
                lab = timed("JupyterLab", lambda lib=lib: measure(browser, with_widgets, lib, with_cellwire=False))
                rows.append(Row(lib.name, meta["version"], formats, cellwire, lab, lib.why))
            browser.close()
    finally:
        stock.stop()
        with_widgets.stop()
        shutil.rmtree(work, ignore_errors=True)
    return rows


INTRO = """# Compatibility with widget libraries, measured

Each library's sample ran in a notebook of its own, on one kernel env holding every library,
twice: through **cellwire** (`import cellwire` first; JupyterLab from a server env with no widget
package) and through **JupyterLab**'s own widget manager (`jupyterlab_widgets` and every library's
extension in the server env; no cellwire import). A sample *renders* when the element that proves
its view drew shows up (and, where the sample has one, a Python-side update reaches the view or
a click reaches the kernel: *partly* when that fails). Requests off the machine are blocked;
map tiles are data, but code or styles asked from a CDN are noted. Headless Chromium without a
GPU: WebGL views draw with a software renderer, when the browser offers one. The samples and their
checks: `benchmarks/compat_libraries.py`."""


def measured(command: str) -> str:
    """When, with what command, which cellwire commit and which JupyterLab."""
    git = lambda *a: subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: E731
    dirty = " (with uncommitted changes in src/)" if git("status", "--porcelain", "src") else ""
    jupyter = [str(SERVER_ENV / "bin" / "jupyter"), "lab", "--version"]
    lab = subprocess.run(jupyter, capture_output=True, text=True).stdout.strip()
    return (
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC with `{command}`, cellwire at commit "
        f"`{git('rev-parse', '--short', 'HEAD')}`{dirty}, JupyterLab {lab}"
    )


def write_doc(rows: list[Row], command: str, partial: bool) -> None:
    """docs/compatibility.md from this run; a partial run (``--only``) replaces its rows in the last
    full run's results (kept in .compat/results.json) and says so in the header."""
    saved = COMPAT_DIR / "results.json"
    if partial:
        if not saved.exists():
            raise SystemExit("no full run to update (.compat/results.json): run `make compat` first")
        last = json.loads(saved.read_text())
        fresh = {row.name: row for row in rows}
        old = [row_from_dict(r) for r in last["rows"]]
        # (the reasons come from the library table, which may have learnt more since)
        whys = {lib.name: lib.why for lib in LIBRARIES}
        rows = [replace(fresh.get(row.name, row), why=whys.get(row.name, "")) for row in old]
        notes = last["notes"] + [f"Re-measured {measured(command)}: {', '.join(fresh)}."]
    else:
        notes = [f"Measured {measured(command)}."]
    saved.write_text(json.dumps({"notes": notes, "rows": [asdict(row) for row in rows]}, indent=1))
    (ROOT / "docs" / "compatibility.md").write_text(render_table(rows, INTRO + "\n\n" + "\n".join(notes)))
    print(f"wrote docs/compatibility.md ({len(rows)} libraries)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", metavar="LIBRARY", help="just these libraries: their rows are replaced")
    parser.add_argument("--print", action="store_true", help="print the table instead of writing the doc")
    args = parser.parse_args()
    chosen = [lib for lib in LIBRARIES if not args.only or lib.name in args.only]
    if args.only and len(chosen) != len(args.only):
        parser.error(f"unknown library in {args.only}; known: {', '.join(lib.name for lib in LIBRARIES)}")
    build_envs(packages())
    info = inspect_packages([lib.name for lib in chosen])
    rows = run(chosen, info)
    command = "make compat" + (f" COMPAT_ARGS='{' '.join(sys.argv[1:])}'" if sys.argv[1:] else "")
    if args.print:
        print(render_table(rows, INTRO + "\n\n" + f"Measured {measured(command)}."))
    else:
        write_doc(rows, command, partial=bool(args.only))


if __name__ == "__main__":
    main()
