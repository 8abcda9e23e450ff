"""ipywidgets and anywidget through cellwire's bridge, next to the same code with its JupyterLab
extensions, measured in one run on this machine.

    make bench                              # print the tables
    make bench BENCH_ARGS=--write           # ... and put them into BENCHMARKS.md
    .venv/bin/python benchmarks/run.py --quick
    .venv/bin/python benchmarks/run.py --only-scale  # only the time-to-interactive lines

Everything runs for real: the kernel from ``.venv``, headless Chromium, and two kinds of
JupyterLab. **bridge**: a server env without any widget extension (``.venv-server``; stock), or
with cellwire's server accelerator (``.venv-accel-server``: TCP_NODELAY on kernel WebSockets), where
a plainly displayed widget is live through cellwire's bridge. **extension**: ``.venv-bench-server``
(jupyterlab_widgets, anywidget's extension, and cellwire so its accelerator can be switched on),
where JupyterLab's own manager renders the same widgets. Round trips use one anywidget ES module on
both: a custom message to the kernel, answered by the kernel with a custom message. Times are taken
in the page.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from harness import JupyterServer, NotebookPage, launch_chromium  # noqa: E402
from harness.server import server_venv  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

MB = 2**20

# One anywidget front-end module for both paths: it answers the page's requests
# for round trips and transfers and reports the time each took, measured in the page.
BENCH_ESM = r"""
export default { render({ model, el }) {
  el.textContent = "bench: " + model.get("toolkit");
  const waiting = new Map();
  let next = 0;
  model.on("msg:custom", (content, buffers) => {
    const done = waiting.get(content.id);
    if (done) { waiting.delete(content.id); done({ content, buffers }); }
  });
  const ask = (content, buffers = []) => new Promise((resolve) => {
    const id = ++next;
    waiting.set(id, resolve);
    model.send({ ...content, id }, undefined, buffers);
  });
  const upload = new Map(); // size -> the bytes sent, made once, outside the timings
  (window.__bench ||= {})[model.get("toolkit")] = {
    async roundTrips(n) {
      const times = [];
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        await ask({ op: "echo" });
        times.push(performance.now() - start);
      }
      return times;
    },
    async download(bytes) {
      const start = performance.now();
      const { buffers } = await ask({ op: "download", bytes });
      return { ms: performance.now() - start, bytes: buffers[0].byteLength };
    },
    async upload(bytes) {
      if (!upload.has(bytes)) upload.set(bytes, new Uint8Array(bytes).fill(7));
      const start = performance.now();
      const { content } = await ask({ op: "upload" }, [upload.get(bytes)]);
      return { ms: performance.now() - start, bytes: content.bytes };
    },
  };
} };
"""

KERNEL_SETUP = f"""
import anywidget, traitlets, numpy as np, ipywidgets, cellwire as cw, time
import sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); import kernel_helpers as bench
BENCH_ESM = {BENCH_ESM!r}
_payloads = {{}}

def _answer(widget, content, buffers):
    op = content["op"]
    if op == "echo":
        widget.send(content)
    elif op == "download":
        data = _payloads.setdefault(content["bytes"], np.full(content["bytes"], 3, np.uint8))
        widget.send(content, [data])
    elif op == "upload":
        widget.send({{**content, "bytes": sum(memoryview(b).nbytes for b in buffers)}})

class AnyWidgetBench(anywidget.AnyWidget):
    _esm = BENCH_ESM
    toolkit = traitlets.Unicode("anywidget").tag(sync=True)

bench_widget = AnyWidgetBench()
bench_widget.on_msg(_answer)

def stream(widget, n, rate):
    "Set widget.value n times, paced at `rate` per second; returns the rate achieved."
    start = time.perf_counter()
    for i in range(1, n + 1):
        widget.value = i
        while time.perf_counter() < start + i / rate:
            pass
    return n / (time.perf_counter() - start)
"""

#: The two paths measured: cellwire's bridge (no widget extension on the server) and JupyterLab's own
#: manager (jupyterlab_widgets and anywidget's extension).
PATHS = ("bridge", "extension")
#: Interactive ipywidgets sliders on the page (their handle is drawn), on either path.
LIVE_SLIDERS = "document.querySelectorAll('.widget-slider .noUi-handle').length"
#: Slider counts of the time-to-interactive lines.
SCALE = (1, 200, 1000)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


class Lab:
    """One JupyterLab (a path, stock or accelerated), one browser page, one notebook with the bench kernel."""

    def __init__(self, browser, path: str, accelerated: bool = False, socket: str = "worker"):
        self.path, self.accelerated = path, accelerated
        if path == "bridge":  # no widget extension: plain displays are live through cellwire's bridge
            venv, extra = ("accel-server" if accelerated else "server"), ()
        else:
            venv, extra = "bench-server", (f"--ServerApp.jpserver_extensions=cellwire_accelerator={accelerated}",)
        self.server = JupyterServer(
            "lab", Path(tempfile.mkdtemp(prefix="cellwire-bench-")), venv=server_venv(venv), extra_args=extra
        )
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(120_000)
        if socket == "main":
            page.add_init_script("localStorage.setItem('cellwire.socket', 'main')")
        self.nb = NotebookPage(page, self.server).open("bench.ipynb")
        self.nb.run(KERNEL_SETUP, timeout=120)
        self.shown = False

    def show(self) -> dict:
        """Display the bench widget (once); on the bridge, check the page reports the intended path."""
        if not self.shown:
            self.nb.run("bench_widget")
            self.nb.page.wait_for_function("window.__bench && window.__bench.anywidget")
            self.shown = True
        if self.path != "bridge":
            return {}
        transport = self.nb.page.evaluate("[...__cellwire.links.values()][0].transport")
        assert transport["server"] == ("accelerated" if self.accelerated else "stock"), transport
        return transport

    def js(self, call: str, timeout: float = 120):
        return self.nb.page.evaluate(
            f"Promise.race([__bench.anywidget.{call}, "
            f"new Promise((_, no) => setTimeout(() => no(new Error('timed out')), {timeout * 1000}))])"
        )

    def close(self) -> None:
        self.nb.shutdown_kernel()
        self.nb.page.context.close()
        self.server.stop()


@contextmanager
def lab(browser, path: str, accelerated: bool = False, socket: str = "worker"):
    instance = Lab(browser, path, accelerated, socket)
    try:
        yield instance
    finally:
        instance.close()


# -- measurements ----------------------------------------------------------------------------------
def round_trips(lab_: Lab, n: int) -> dict:
    lab_.show()
    lab_.js("roundTrips(20)")  # warm up
    times = lab_.js(f"roundTrips({n})")
    return {"median": statistics.median(times), "p95": pct(times, 0.95), "n": n}


def round_trips_while_printing(lab_: Lab, n: int) -> dict:
    """Bridged round trips while another cell runs and prints every 10 ms (the kernel is busy and
    its output is broadcast to every socket, cellwire's included)."""
    cell = lab_.nb.start("for _i in range(3000):\n    print(_i)\n    time.sleep(0.01)")
    time.sleep(1)
    times = lab_.js(f"roundTrips({n})")
    lab_.nb.interrupt_kernel()
    lab_.nb.wait_finished(cell, 60)
    return {"median": statistics.median(times), "p95": pct(times, 0.95), "n": n}


def transfer(lab_: Lab, direction: str, nbytes: int) -> dict:
    lab_.show()
    lab_.js(f"{direction}({1 * MB})")  # warm up (and make the payloads)
    runs = [lab_.js(f"{direction}({nbytes})") for _ in range(3)]
    assert all(r["bytes"] == nbytes for r in runs), runs
    ms = statistics.median(r["ms"] for r in runs)
    return {"MB/s": nbytes / MB / (ms / 1000), "ms": ms, "MB": nbytes / MB}


def upload_over_frame_limit(lab_: Lab, nbytes: int) -> dict:
    """What happens when JupyterLab's own socket uploads more than the server's 10 MiB frame limit."""
    try:
        return transfer(lab_, "upload", nbytes)
    except Exception as err:
        return {"error": str(err).splitlines()[0][:80]}


def iopub_comm_msgs(side, comm_id: str, quiet: float = 2, most: float = 120) -> tuple[int, bool]:
    """How many comm messages of ``comm_id`` a kernel client got on iopub, until it is quiet for
    ``quiet`` seconds (or ``most`` seconds passed), and whether the server told it that it dropped
    some (the rate limit)."""
    received, limited, until = 0, False, time.monotonic() + most
    while time.monotonic() < until:
        try:
            msg = side.recv(timeout=quiet)
        except TimeoutError:
            break
        kind = msg["header"]["msg_type"]
        if kind == "comm_msg" and msg["content"].get("comm_id") == comm_id:
            received += 1
        elif kind == "stream" and "IOPub message rate exceeded" in msg["content"].get("text", ""):
            limited = True
    return received, limited


def bridged_streaming(lab_: Lab, n: int, rate: int, plain: bool = False) -> dict:
    """An ipywidgets IntSlider made with cellwire imported (the bridge on; ``plain``: its comm made
    while the bridge is off, as without cellwire), set ``n`` times at ``rate``/s: the comm messages
    on the kernel's iopub (what every socket of the kernel gets, JupyterLab's own included) and
    through cellwire's tunnel to its page (none where a host manager renders the widget), whether
    the server's rate limit was hit, whether the page shows the last value, and whether the cell
    ended (a dropped ``idle`` leaves it busy)."""
    nb = lab_.nb
    name = "s_plain" if plain else "s_bridged"
    make = f"{name} = ipywidgets.IntSlider(0, max={n})"
    if plain:
        make = f"cw.bridge.disable()\n{make}\ncw.bridge.enable()"
    slider = nb.run(f"{make}\n{name}")
    slider.locator(".widget-slider .noUi-handle").first.wait_for(state="attached")
    comm_id = nb.kernel_eval(f"{name}.comm.comm_id").strip("'")
    nb.page.evaluate("window.__cellwire_trace = []")
    with nb.kernel_client() as side:
        cell = nb.start(f"achieved = stream({name}, {n}, {rate})")
        iopub, limited, ended, until = 0, False, False, time.monotonic() + 120
        while not ended and time.monotonic() < until:  # (reading as it goes: the client answers pings)
            got, hit = iopub_comm_msgs(side, comm_id, quiet=0.5, most=1)
            iopub, limited, ended = iopub + got, limited or hit, nb.is_finished(cell)
        got, hit = iopub_comm_msgs(side, comm_id)
        iopub, limited = iopub + got, limited or hit
    time.sleep(2)  # the last update has long arrived if it ever will
    tunnel = nb.page.evaluate(
        "id => (window.__cellwire_trace || []).filter((t) => t.dir === 'in' && t.data.data"
        " && t.data.data.op === 'comm_msg' && t.data.data.comm_id === id).length",
        comm_id,
    )
    shown = slider.evaluate("el => el.querySelector('.widget-readout')?.textContent?.trim()")
    return {
        "achieved": float(nb.kernel_eval("achieved")),
        "iopub": iopub,
        "tunnel": tunnel,
        "final": str(shown) == str(n),
        "shown": shown,
        "dropped": limited or "IOPub message rate exceeded" in nb.output_text(nb.output(cell)),
        "ended": ended,
    }


def time_to_interactive(lab_: Lab, count: int) -> dict:
    """From executing the cell to ``count`` more interactive ipywidgets sliders (a VBox of them, or
    one); the kernel's memory growth."""
    nb = lab_.nb
    before = int(nb.kernel_eval("bench.kernel_memory()"))
    present = nb.page.evaluate(LIVE_SLIDERS)
    code = "ipywidgets.IntSlider(7)" if count == 1 else f"bench.make_widgets({count})"
    start = time.perf_counter()
    nb.start(code)
    nb.page.wait_for_function(f"{LIVE_SLIDERS} >= {present + count}", polling=5, timeout=300_000)
    seconds = time.perf_counter() - start
    grown = int(nb.kernel_eval("bench.kernel_memory()")) - before
    return {"ms": seconds * 1000, "memory MiB": grown / MB}


def first_slider(lab_: Lab, code: str) -> dict:
    """From executing ``code`` to one more live ipywidgets IntSlider on the page, and the page's
    start-up steps (cellwire marks them: ``cellwire:start:<step>``, ``cellwire:ipywidget:<step>``)."""
    nb = lab_.nb
    live_slider = LIVE_SLIDERS
    present = nb.page.evaluate(live_slider)
    nb.page.evaluate("performance.clearMarks()")
    page_start = nb.page.evaluate("performance.now()")
    start = time.perf_counter()
    nb.start(code)
    nb.page.wait_for_function(f"{live_slider} > {present}", polling=5, timeout=120_000)
    ms = (time.perf_counter() - start) * 1000
    marks = nb.page.evaluate(
        "performance.getEntriesByType('mark').filter(m => m.name.startsWith('cellwire:'))"
        ".map(m => [m.name.split(':').pop(), m.startTime])"
    )
    return {"ms": ms, "steps": {name: round(t - page_start) for name, t in marks}}


def first_ipywidget(lab_: Lab) -> dict:
    """A first ipywidgets IntSlider on a page that has shown no widget yet (ipywidgets and cellwire
    already imported in the kernel)."""
    return first_slider(lab_, "ipywidgets.IntSlider(7)")


def fresh_start(lab_: Lab, empty_cache: bool) -> dict:
    """A new kernel and a reloaded page (with ``empty_cache``, nothing of cellwire's in the browser's
    Cache Storage either): from the imports (``cellwire`` and ``ipywidgets`` on the bridge,
    ``ipywidgets`` with the extension) + an IntSlider to a live slider, with the kernel's import
    time. The kernel is set up for the other benchmarks again afterwards."""
    nb = lab_.nb
    nb.clear_all_outputs()
    nb.save()
    nb.restart_kernel()
    if empty_cache:
        nb.page.evaluate("caches.keys().then(names => Promise.all(names.map(name => caches.delete(name))))")
    nb.reload()
    imports = "import cellwire, ipywidgets as _m" if lab_.path == "bridge" else "import ipywidgets as _m"
    code = (
        f"import time as _t; _s = _t.perf_counter(); {imports}; "
        "_import_ms = (_t.perf_counter() - _s) * 1000; _m.IntSlider(7)"
    )
    result = first_slider(lab_, code)
    result["import ms"] = float(nb.kernel_eval("_import_ms"))
    nb.run(KERNEL_SETUP, timeout=120)
    lab_.shown = False
    return result


def bridge(browser, n: int) -> dict:
    """ipywidgets through cellwire's bridge (stock server env: no jupyterlab_widgets) next to
    ipywidgets with its extension (.venv-bench-server), each in its own JupyterLab: a first IntSlider
    on a fresh page, the same after a reload (the bridge's manager then comes from the browser's
    cache), time to interactive for 1, 200 and 1,000 sliders (the page already showing widgets),
    the custom message round trip of a plainly displayed anywidget (an ipywidgets DOMWidget), the
    streaming lines, and a first widget from a new kernel."""
    out: dict = {}
    for path in PATHS:
        print(f"-- JupyterLab, stock server, ipywidgets via the {path}", file=sys.stderr)
        with lab(browser, path) as lab_:
            out[path, "cold"] = first_ipywidget(lab_)
            if path == "bridge":
                out[path, "bundle fetches"] = int(lab_.nb.kernel_eval("cw.bridge.get_hub().bundles_sent"))
            lab_.nb.clear_all_outputs()
            lab_.nb.save()
            lab_.nb.reload()
            out[path, "reload"] = first_ipywidget(lab_)
            if path == "bridge":
                out[path, "bundle fetches after reload"] = int(lab_.nb.kernel_eval("cw.bridge.get_hub().bundles_sent"))
            out[path, "round trip"] = round_trips(lab_, n)
            for count in SCALE:
                out[path, "tti", count] = time_to_interactive(lab_, count)
            lab_.nb.clear_all_outputs()
            stream_lines(lab_, path, out)
            out[path, "fresh"] = fresh_start(lab_, empty_cache=path == "bridge")
            if path == "bridge":
                out[path, "cached"] = fresh_start(lab_, empty_cache=False)
    from cellwire.bridge.frontends import vendored_bundle

    out["bundle bytes"] = vendored_bundle()["size"]
    return out


def scale(browser) -> dict:
    """Only the time-to-interactive lines (``--only-scale``): each path's page shows one slider first."""
    out: dict = {}
    for path in PATHS:
        print(f"-- JupyterLab, stock server, ipywidgets time to interactive via the {path}", file=sys.stderr)
        with lab(browser, path) as lab_:
            first_ipywidget(lab_)
            for count in SCALE:
                out[path, "tti", count] = time_to_interactive(lab_, count)
    return out


def stream_lines(lab_: Lab, path: str, out: dict) -> None:
    """The bridged streaming lines of one JupyterLab (``path``: "bridge" or "extension")."""
    out[path, "stream"] = bridged_streaming(lab_, 20_000, 10_000)
    if path == "extension":
        out["plain", "stream"] = bridged_streaming(lab_, 20_000, 10_000, plain=True)


def bridge_streaming(browser) -> dict:
    """Only the bridged streaming lines (``--only-bridge-stream``)."""
    out: dict = {}
    for path in PATHS:
        print(f"-- JupyterLab, stock server, ipywidgets streaming via the {path}", file=sys.stderr)
        with lab(browser, path) as lab_:
            stream_lines(lab_, path, out)
    return out


def websocket_ceiling(browser, nbytes: int) -> dict:
    """What this browser's WebSocket itself reaches on this machine: a bare tornado WebSocket
    server (no Jupyter, no kernel) sends one ``nbytes`` frame down, and takes ``nbytes`` up in
    8 MiB frames (jupyter_server refuses frames over 10 MiB)."""
    import asyncio
    import threading

    import tornado.ioloop
    import tornado.web
    import tornado.websocket

    payload = bytes(nbytes)

    class Echo(tornado.websocket.WebSocketHandler):
        def on_message(self, message):
            if message == "down":
                self.write_message(payload, binary=True)
            else:
                self.write_message(str(len(message)))

    page = """<script>
      window.ready = new Promise((ok) => { window.ws = new WebSocket(`ws://${location.host}/ws`);
                                           ws.binaryType = "arraybuffer"; ws.onopen = ok; });
      window.down = () => new Promise((ok) => { const start = performance.now();
        ws.onmessage = () => ok(performance.now() - start); ws.send("down"); });
      window.up = (n, frame) => new Promise((ok) => { const part = new Uint8Array(frame), start = performance.now();
        let left = Math.ceil(n / frame); ws.onmessage = () => { if (--left === 0) ok(performance.now() - start); };
        for (let i = 0; i < Math.ceil(n / frame); i++) ws.send(part); });
    </script>"""

    class Page(tornado.web.RequestHandler):
        def get(self):
            self.write(page)

    started, holder = threading.Event(), {}

    def serve():
        asyncio.set_event_loop(asyncio.new_event_loop())
        app = tornado.web.Application([("/ws", Echo), ("/", Page)], websocket_max_message_size=2**31)
        server = app.listen(0, "127.0.0.1")
        holder["port"] = next(iter(server._sockets.values())).getsockname()[1]
        holder["loop"] = tornado.ioloop.IOLoop.current()
        started.set()
        holder["loop"].start()

    threading.Thread(target=serve, daemon=True).start()
    started.wait(10)
    page_ = browser.new_page()
    try:
        page_.goto(f"http://127.0.0.1:{holder['port']}/")
        page_.evaluate("ready")
        page_.evaluate("down()")
        down = statistics.median(page_.evaluate("down()") for _ in range(3))
        up = statistics.median(page_.evaluate(f"up({nbytes}, {8 * MB})") for _ in range(3))
    finally:
        page_.close()
        holder["loop"].add_callback(holder["loop"].stop)
    return {"down MB/s": nbytes / MB / (down / 1000), "up MB/s": nbytes / MB / (up / 1000)}


# -- the run ---------------------------------------------------------------------------------------
#: The JupyterLabs of round trips and transfers: (path, accelerated, where cellwire's socket runs).
LABS = (
    ("bridge", False, "worker"),
    ("bridge", False, "main"),
    ("bridge", True, "worker"),
    ("extension", False, "worker"),
    ("extension", True, "worker"),
)


def run(
    quick: bool,
    only_bridge: bool = False,
    only_transfer: bool = False,
    only_bridge_stream: bool = False,
    only_scale: bool = False,
) -> dict:
    """Everything, or only the bridge's lines, or only the binary transfers (and the ceiling), or
    only the bridge's streaming lines, or only its time-to-interactive lines."""
    n = 100 if quick else 300
    if only_bridge_stream or only_bridge or only_scale:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            if only_scale:
                lines = scale(browser)
            else:
                lines = bridge_streaming(browser) if only_bridge_stream else bridge(browser, n)
            results = {"bridge": lines, "chromium": browser.version}
            browser.close()
        return results
    everything = not only_transfer
    big = 20 * MB if quick else 100 * MB
    medium = 12 * MB if quick else 50 * MB
    results: dict = {"round trip": {}, "busy": {}, "transfer": {}}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for path, accelerated, socket in LABS:
            server = "accelerated" if accelerated else "stock"
            print(f"-- JupyterLab, {server} server, {path}, socket: {socket}", file=sys.stderr)
            tr = results["transfer"]
            with lab(browser, path, accelerated, socket) as lab_:
                if everything:
                    results["round trip"][path, server, socket] = round_trips(lab_, n)
                    if path == "bridge" and socket == "worker":
                        results["busy"][server] = round_trips_while_printing(lab_, n // 3)
                suffix = "-main" if socket == "main" else ""
                tr[path, server, "download" + suffix] = transfer(lab_, "download", big)
                # (JupyterLab's own socket sends a message as one frame: over 10 MiB the server closes it)
                tr[path, server, "upload" + suffix] = transfer(lab_, "upload", big if path == "bridge" else 8 * MB)
                if not accelerated and socket == "worker":
                    tr[path, server, "download-medium"] = transfer(lab_, "download", medium)
                    if path == "bridge":
                        tr[path, server, "upload-medium"] = transfer(lab_, "upload", medium)
                    else:  # last: it closes JupyterLab's own kernel socket
                        tr[path, server, "upload-big"] = upload_over_frame_limit(lab_, big)
        if everything:
            results["bridge"] = bridge(browser, n)
        results["ceiling"] = websocket_ceiling(browser, big)
        results["chromium"] = browser.version
        browser.close()
    results["big MB"], results["medium MB"] = big / MB, medium / MB
    return results


# -- report ----------------------------------------------------------------------------------------
def versions() -> str:
    venv_python = server_venv("bench-server") / "bin" / "python"
    server_pkgs = subprocess.run(
        [
            str(venv_python),
            "-c",
            "import importlib.metadata as m; print(' '.join(f'{p} {m.version(p)}' for p in "
            "('jupyter_server', 'jupyterlab', 'jupyterlab_widgets', 'anywidget')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    kernel_pkgs = " ".join(f"{p} {metadata.version(p)}" for p in ("ipykernel", "ipywidgets", "anywidget", "cellwire"))
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"server: {server_pkgs}; kernel: {kernel_pkgs}; Python {platform.python_version()}; {cpu}"


#: How the report names each path.
NAMES = {"bridge": "cellwire's bridge", "extension": "anywidget's extension"}


def transfer_report(results: dict) -> list[str]:
    """The binary transfer table (``--only-transfer`` prints just this)."""
    tr, big, medium, ceiling = results["transfer"], results["big MB"], results["medium MB"], results["ceiling"]
    lines = [
        f"**Binary transfer** of a numpy array / Uint8Array by an anywidget, {big:.0f} MB unless the row says "
        "otherwise (median of 3), MB/s:",
        "",
        "| path | server | kernel → page | page → kernel |",
        "|---|---|---:|---:|",
    ]
    for server in ("stock", "accelerated"):
        for path in PATHS:
            down = tr[path, server, "download"]["MB/s"]
            up = tr[path, server, "upload"]
            up_text = f"{up['MB/s']:.0f}" if up["MB"] == big else f"{up['MB/s']:.0f} (8 MB; {big:.0f} MB impossible¹)"
            lines.append(f"| {NAMES[path]} | {server} | {down:.0f} | {up_text} |")
    lines += [
        f"| cellwire's bridge, socket on the main thread | stock | {tr['bridge', 'stock', 'download-main']['MB/s']:.0f} "
        f"| {tr['bridge', 'stock', 'upload-main']['MB/s']:.0f} |",
        f"| cellwire's bridge, {medium:.0f} MB | stock | {tr['bridge', 'stock', 'download-medium']['MB/s']:.0f} "
        f"| {tr['bridge', 'stock', 'upload-medium']['MB/s']:.0f} |",
        f"| anywidget's extension, {medium:.0f} MB | stock | {tr['extension', 'stock', 'download-medium']['MB/s']:.0f} "
        f"| impossible¹ |",
        f"| *bare WebSocket, no Jupyter (this browser's ceiling)* | – | {ceiling['down MB/s']:.0f} "
        f"| {ceiling['up MB/s']:.0f} (8 MiB frames) |",
    ]
    failure = tr.get(("extension", "stock", "upload-big"))
    tried = f" Tried with {big:.0f} MB: {failure.get('error', 'delivered')}." if failure else ""
    lines += [
        "",
        f"¹ JupyterLab's own kernel socket sends a message as one WebSocket frame; the server closes the "
        f"socket on frames over 10 MiB.{tried} cellwire uploads in 8 MiB chunks.",
    ]
    return lines


def report(results: dict) -> str:
    rt = results["round trip"]
    ratio = lambda a, b: f"{a / b:.0f}×" if b else "–"  # noqa: E731
    lines = [
        f"Measured {date.today().isoformat()}, Chromium {results['chromium']} (headless); {versions()}.",
        "",
        "**Round trip** page → kernel → page (an anywidget's custom message answered by the kernel), "
        "sequential, in ms:",
        "",
        "| path | server | socket | median | p95 | vs the extension (same server) |",
        "|---|---|---|---:|---:|---:|",
    ]
    for (path, server, socket), r in rt.items():
        base = rt["extension", server, "worker"]["median"]
        where = "JupyterLab's" if path == "extension" else ("worker" if socket == "worker" else "main thread")
        lines.append(
            f"| {NAMES[path]} | {server} | {where} | {r['median']:.1f} | {r['p95']:.1f} | "
            f"{'–' if path == 'extension' else ratio(base, r['median']) + ' faster'} |"
        )
    lines += [
        "",
        "While another cell runs and prints every 10 ms (the bridge; the extension's messages wait until that "
        "cell ends):",
        "",
        "| server | median | p95 |",
        "|---|---:|---:|",
    ]
    for server, r in results["busy"].items():
        lines.append(f"| {server} | {r['median']:.1f} | {r['p95']:.1f} |")
    lines += ["", *transfer_report(results), "", *bridge_report(results["bridge"]), "", *goals(results)]
    return "\n".join(lines)


def bridge_report(b: dict) -> list[str]:
    """ipywidgets through cellwire's bridge next to ipywidgets with its extension (same run)."""
    rows = [
        "**ipywidgets without the extension, through cellwire's bridge** (stock server; the "
        "kernel had imported ipywidgets and cellwire), next to ipywidgets with jupyterlab_widgets:",
        "",
        "| | bridge | with the extension | bridge / extension |",
        "|---|---:|---:|---:|",
    ]
    for key, name in (("cold", "first IntSlider live, fresh page"), ("reload", "the same after a reload")):
        br, ext = b["bridge", key]["ms"], b["extension", key]["ms"]
        rows.append(f"| {name} | {br:.0f} ms | {ext:.0f} ms | {br / ext:.2f}× |")
    br, ext = b["bridge", "round trip"], b["extension", "round trip"]
    rows.append(
        f"| custom message round trip (anywidget displayed plainly), median / p95 | {br['median']:.1f} / "
        f"{br['p95']:.1f} ms | {ext['median']:.1f} / {ext['p95']:.1f} ms | {br['median'] / ext['median']:.2f}× |"
    )
    rows += [
        "",
        "Steps of the bridge's first slider, ms after the cell started (loader: the output's script "
        "runs; kernel-found, loader-socket, runtime-received: the runtime fetched from the kernel, or "
        "runtime-cached: read from the browser's cache; link-open, welcome: the page's connection; "
        "attached: the output's first message; render: the view module runs; manager: ipywidgets' "
        "code imported; states: the kernel's widget states applied; displayed): "
        + "; ".join(
            f"{key}: " + ", ".join(f"{k} {v}" for k, v in b["bridge", key].get("steps", {}).items())
            for key in ("cold", "reload")
        ),
    ]
    rows += [
        "",
        f"The bridge's manager (ipywidgets' own JavaScript, one ES module + CSS) is "
        f"{b['bundle bytes'] / 1024:.0f} KB; pages fetched it {b['bridge', 'bundle fetches']} time(s) "
        f"before the reload and {b['bridge', 'bundle fetches after reload'] - b['bridge', 'bundle fetches']} "
        "time(s) after it (Cache Storage by content hash).",
    ]
    rows += ["", *scale_report(b), "", *bridge_stream_report(b), "", *fresh_start_report(b), "", *bridge_goals(b)]
    return rows


def scale_report(b: dict) -> list[str]:
    """Time to interactive for 1, 200 and 1,000 sliders on both paths, and the kernel's memory for 200."""
    head = " | ".join(f"{n:,} slider{'s' if n > 1 else ''}" for n in SCALE)
    rows = [
        "**Time to interactive** from executing the cell to every slider's handle drawn (stock server; the page "
        "already showed widgets of that path; a VBox of ipywidgets IntSliders), and the kernel's memory growth:",
        "",
        f"| | {head} | kernel memory for 200 |",
        "|---|" + "---:|" * (len(SCALE) + 1),
    ]
    for path, name in (("bridge", "cellwire's bridge"), ("extension", "jupyterlab_widgets")):
        times = " | ".join(f"{b[path, 'tti', n]['ms']:.0f} ms" for n in SCALE)
        rows.append(f"| {name} | {times} | {b[path, 'tti', 200]['memory MiB']:+.1f} MiB |")
    ratios = " | ".join(f"{b['bridge', 'tti', n]['ms'] / b['extension', 'tti', n]['ms']:.2f}×" for n in SCALE)
    rows.append(f"| bridge / extension | {ratios} | |")
    return rows


def bridge_stream_report(b: dict) -> list[str]:
    """The bridged streaming lines (``stream_lines``)."""
    rows = [
        "**Streaming an ipywidget**: a Python loop sets an ipywidgets IntSlider 20,000 times at 10,000/s "
        "(comm messages of that widget on the kernel's iopub, which every socket of the kernel gets, and "
        "through cellwire's tunnel to its page):",
        "",
        "| path | loop rate reached | on iopub | through the tunnel | IOPub rate limit hit | final value shown | cell ended |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    for key, name in (
        ("bridge", "cellwire's bridge, no extension"),
        ("extension", "jupyterlab_widgets, cellwire imported"),
        ("plain", "jupyterlab_widgets, as without cellwire"),
    ):
        r = b[key, "stream"]
        rows.append(
            f"| {name} | {r['achieved']:.0f}/s | {r['iopub']} | {r['tunnel']} | {'yes' if r['dropped'] else 'no'} | "
            f"{'yes' if r['final'] else 'no (shows ' + str(r['shown']) + ')'} | {'yes' if r['ended'] else '**no**'} |"
        )
    return rows


def fresh_start_report(b: dict) -> list[str]:
    """A first widget from a new kernel: through the bridge against ipywidgets with its extension."""

    def split(result: dict) -> str:
        steps = result["steps"]
        fetched = steps.get("runtime-imported", 0) - steps.get("loader", 0)
        return (
            f"{result['ms']:.0f} ms | {result['import ms']:.0f} ms | {fetched} ms | "
            f"{steps.get('displayed', 0) - steps.get('runtime-imported', 0)} ms"
        )

    ext = b["extension", "fresh"]
    return [
        "**A first widget from a new kernel** (the cell imports `cellwire` and `ipywidgets` on the bridge, "
        "`ipywidgets` with the extension, and shows an IntSlider, on a reloaded page; import: the kernel's "
        "import time, part of the total; runtime: from the output's loader starting to cellwire's runtime "
        "running; connect + render: from there to the slider drawn):",
        "",
        "| | total | import | runtime | connect + render |",
        "|---|---:|---:|---:|---:|",
        f"| cellwire's bridge, runtime fetched from the kernel (empty browser cache) | {split(b['bridge', 'fresh'])} |",
        f"| cellwire's bridge, runtime in the browser's cache | {split(b['bridge', 'cached'])} |",
        f"| ipywidgets with jupyterlab_widgets | {ext['ms']:.0f} ms | {ext['import ms']:.0f} ms | – | – |",
    ]


#: Sliders per second at 1,000 may be at most this much slower than at 200 ("growing linearly").
LINEAR_SLACK = 1.25


def bridge_goals(b: dict) -> list[str]:
    """Issue #17's performance goals against this run's numbers (same run, stock server)."""
    ratio = {key: b["bridge", key]["ms"] / b["extension", key]["ms"] for key in ("cold", "reload")}
    tti = {n: b["bridge", "tti", n]["ms"] / b["extension", "tti", n]["ms"] for n in SCALE}
    per_slider = {n: b["bridge", "tti", n]["ms"] / n for n in (200, 1000)}
    rt = b["bridge", "round trip"]["median"]
    rows = [
        ("bridged custom-message round trip ≤ 5 ms", f"{rt:.1f} ms", rt <= 5),
        (
            "first bridged IntSlider, fresh page ≤ 3× ipywidgets with its extension",
            f"{ratio['cold']:.1f}×",
            ratio["cold"] <= 3,
        ),
        ("the same after a reload ≤ 2×", f"{ratio['reload']:.1f}×", ratio["reload"] <= 2),
        ("200 bridged sliders live in ≤ 0.5× the extension's time", f"{tti[200]:.2f}×", tti[200] <= 0.5),
        ("1,000 bridged sliders live in ≤ 0.5× the extension's time", f"{tti[1000]:.2f}×", tti[1000] <= 0.5),
        (
            f"growing linearly (time per slider at 1,000 ≤ {LINEAR_SLACK}× that at 200)",
            f"{per_slider[200]:.2f} → {per_slider[1000]:.2f} ms per slider",
            per_slider[1000] <= LINEAR_SLACK * per_slider[200],
        ),
    ]
    return goals_table("**Goals** (issue #17; same run):", rows)


def goals_table(title: str, rows: list[tuple[str, str, bool]]) -> list[str]:
    return [
        title,
        "",
        "| goal | this run | met |",
        "|---|---|---|",
        *[f"| {goal} | {value} | {'yes' if met else '**no**'} |" for goal, value, met in rows],
    ]


def goals(results: dict) -> list[str]:
    """Issue #5's goals against this run's numbers, on the bridged path."""
    rt, tr, big = results["round trip"], results["transfer"], results["big MB"]
    extension = rt["extension", "stock", "worker"]["median"]
    accel, stock = rt["bridge", "accelerated", "worker"]["median"], rt["bridge", "stock", "worker"]["median"]
    down = tr["bridge", "stock", "download"]["MB/s"]
    up = tr["bridge", "stock", "upload"]["MB/s"]
    ext_down = tr["extension", "stock", "download"]["MB/s"]
    stream = results["bridge"]["bridge", "stream"]
    per_second = stream["tunnel"] / (20_000 / stream["achieved"])
    rows = [
        (
            "round trip with the accelerator ≤ 4 ms, ≥ 10× faster than the extension",
            f"{accel:.1f} ms, {extension / accel:.0f}×",
            accel <= 4 and extension / accel >= 10,
        ),
        (
            "round trip on a stock server ≤ 25 ms, ≥ 2× faster than the extension",
            f"{stock:.1f} ms, {extension / stock:.0f}×",
            stock <= 25 and extension / stock >= 2,
        ),
        (f"{big:.0f} MB kernel → page ≥ 3× the extension's rate", f"{down / ext_down:.1f}×", down / ext_down >= 3),
        (f"{big:.0f} MB at ≥ 200 MB/s both ways", f"{down:.0f} / {up:.0f} MB/s", down >= 200 and up >= 200),
        (
            "10,000 updates/s coalesced into ≤ 100 messages/s, final value exact, no drops",
            f"{per_second:.0f} messages/s, final {'exact' if stream['final'] else 'wrong'}",
            per_second <= 100 and stream["final"] and not stream["dropped"],
        ),
    ]
    return goals_table("**Goals** (issue #5, on the bridged path; medians, stock server unless said):", rows)


def write_into(path: Path, text: str, command: str) -> None:
    """Replace what stands between the results markers of BENCHMARKS.md."""
    begin, end = "<!-- results:begin -->", "<!-- results:end -->"
    doc = path.read_text()
    if begin not in doc or end not in doc:
        raise SystemExit(f"{path} has no {begin} ... {end} section")
    body = f"{begin}\n\nCommand: `{command}`\n\n{text}\n\n{end}"
    path.write_text(re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: body, doc, flags=re.S))


def _plain(value):
    """Results as JSON: tuple keys become strings."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else " / ".join(map(str, k)): _plain(v) for k, v in value.items()}
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer round trips, 20 MB instead of 100 MB")
    parser.add_argument("--write", action="store_true", help="write the tables into BENCHMARKS.md")
    parser.add_argument("--json", type=Path, help="also save the raw results here")
    parser.add_argument("--only-bridge", action="store_true", help="only the ipywidgets bridge's lines")
    parser.add_argument("--only-transfer", action="store_true", help="only the binary transfers (and the ceiling)")
    parser.add_argument("--only-bridge-stream", action="store_true", help="only the bridge's streaming lines")
    parser.add_argument("--only-scale", action="store_true", help="only the time-to-interactive lines")
    args = parser.parse_args()
    if args.write and (args.only_bridge or args.only_transfer or args.only_bridge_stream or args.only_scale):
        parser.error("--write rewrites every table: run it without --only-*")
    results = run(args.quick, args.only_bridge, args.only_transfer, args.only_bridge_stream, args.only_scale)
    if args.only_scale:
        text = "\n".join(scale_report(results["bridge"]))
    elif args.only_bridge_stream:
        text = "\n".join(bridge_stream_report(results["bridge"]))
    elif args.only_bridge:
        text = "\n".join(bridge_report(results["bridge"]))
    elif args.only_transfer:
        text = "\n".join(transfer_report(results))
    else:
        text = report(results)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(_plain(results), indent=1))
    if args.write:
        write_into(ROOT / "BENCHMARKS.md", text, "make bench" + (" BENCH_ARGS=--quick" if args.quick else ""))


if __name__ == "__main__":
    main()
