"""What a cellwire page trusts (docs/reliability.md, "Security"): the page's configuration only
where the server wrote it, and no element an output or a Markdown cell places; code from the
browser's cache only when its SHA-256 matches; the token in a WebSocket URL only for a socket on
another host; third-party SVG in an Output as an image, never as markup."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from harness import NotebookPage
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import WebSocket, expect
from widget_helpers import ALL_FRONTENDS, live, wait_kernel

pytestmark = pytest.mark.e2e

LAB = [pytest.param(("lab", "/"), id="lab")]
LAB_AND_NBCLASSIC = [*LAB, pytest.param(("nbclassic", "/"), id="nbclassic")]
SLIDER = "import cellwire as cw\nimport ipywidgets as w\ns = w.IntSlider(3, description='n')\ns"


def readout(view):
    """The value an ipywidgets slider shows."""
    return view.locator(".widget-readout")


class FakeServer:
    """Another host as an attacker would run it: it answers every request (CORS allowed: a
    page's fetch with an Authorization or X-XSRFToken header goes through) and records them all.
    ``GET api/kernels/<id>`` says yes once, then 404, which walks a page that trusts it from
    finding the kernel to reconnecting through a gateway (``POST api/kernels``)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                fake.requests.append((self.command, self.path, dict(self.headers)))
                kernel_asked = self.command == "GET" and self.path.startswith("/api/kernels/")
                ok = self.command == "OPTIONS" or (kernel_asked and len(fake.requests) <= 2)
                body = json.dumps({"id": self.path.rsplit("/", 1)[-1]}).encode() if ok else b"{}"
                self.send_response(204 if self.command == "OPTIONS" else 200 if ok else 404)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                self.send_header(
                    "Access-Control-Allow-Headers", self.headers.get("Access-Control-Request-Headers", "*")
                )
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(0 if self.command == "OPTIONS" else len(body)))
                self.end_headers()
                if self.command != "OPTIONS":
                    self.wfile.write(body)

            do_GET = do_POST = do_OPTIONS = _answer  # noqa: N815 (http.server's names)

            def log_message(self, *args) -> None:  # (quiet)
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    server = FakeServer()
    yield server
    server.stop()


@pytest.fixture
def notebook(module_notebook):
    return module_notebook


def reload_and_wait_live(notebook: NotebookPage, index: int = -1):
    notebook.save()
    notebook.reload()
    return live(notebook.cell_output(index))


@pytest.mark.parametrize("server_config", LAB_AND_NBCLASSIC, indirect=True)
def test_a_page_config_placed_by_an_output_is_ignored(notebook, fake_server):
    """An output (as a Markdown cell could) places a `<div id="jupyter-config-data">` pointing at
    another host; nbclassic has no config element of its own, so it is the page's first. After a
    reload (the runtime from the browser's cache) and behind a gateway (the path that asks the
    server to reconnect, sending the XSRF cookie's value), the widget connects to its own server
    and the other host hears nothing."""
    fake = f"127.0.0.1:{fake_server.port}"
    forged = json.dumps({"baseUrl": f"http://{fake}/", "wsUrl": f"ws://{fake}/", "token": "forged"})
    notebook.page.evaluate("id => sessionStorage.setItem(`cellwire.framing.${id}`, 'legacy')", notebook.kernel_id)
    live(notebook.run(SLIDER))  # (the runtime is loaded and cached before the forged element is there)
    notebook.run(f"from IPython.display import HTML\nHTML({f'<div id=jupyter-config-data hidden>{forged}</div>'!r})")
    live(notebook.run("s"))
    try:
        view = reload_and_wait_live(notebook)
    except PlaywrightTimeoutError:
        view = None
    heard = [(method, path, headers.get("X-XSRFToken")) for method, path, headers in fake_server.requests]
    assert heard == [], "the page contacted the host its forged config names"
    assert view is not None, "the widget did not come back live after the reload"
    notebook.run("s.value = 5")
    expect(readout(view)).to_have_text("5")
    notebook.page.evaluate("id => sessionStorage.removeItem(`cellwire.framing.${id}`)", notebook.kernel_id)
    assert fake_server.requests == []


@pytest.mark.parametrize("server_config", LAB_AND_NBCLASSIC, indirect=True)
def test_elements_named_like_cellwire_globals_do_not_switch_it_off(notebook):
    """Elements with the ids of cellwire's globals (`window.<id>` names an element) are on the
    page before any cellwire output runs (a reload): the widgets work both ways all the same."""
    ids = ["__cellwire_boot", "__cellwire_trace", "__cellwire"]
    anchors = "".join(f"<a id={name}></a>" for name in ids)
    notebook.run(f"from IPython.display import HTML\nHTML({anchors!r})")
    live(notebook.run(SLIDER))
    view = reload_and_wait_live(notebook)
    assert notebook.page.evaluate("ids => ids.map((id) => window[id] instanceof Element)", ids) == [False, True, False]
    notebook.run("s.value = 6")
    expect(readout(view)).to_have_text("6")
    view.locator(".noUi-handle").focus()
    notebook.page.keyboard.press("ArrowRight")
    wait_kernel(notebook, "s.value", "7")


# In the page: how many of cellwire's Cache Storage entries verify (are returned by the loader).
VERIFIED_ENTRIES = """async () => {
    const keys = (await (await caches.open("cellwire")).keys()).map((r) => r.url.split("/__cellwire__/")[1]);
    const found = await Promise.all(keys.map((key) => window.__cellwire_boot.cached(...key.split("/"))));
    return found.filter(Boolean).length;
}"""
# In the page: each entry (NUL-separated: the runtime's entry name, then names and sources; or a
# bundle's js and css) rewritten so that its first module marks the page when it runs; their URLs.
POISON_ENTRIES = """async () => {
    const cache = await caches.open("cellwire");
    const done = [];
    for (const request of await cache.keys()) {
        const parts = (await (await cache.match(request)).text()).split("\\0");
        const first = parts.length % 2 ? parts.indexOf(parts[0], 1) + 1 : 0;  // (the runtime's entry module)
        parts[first] = "globalThis.__cellwire_poisoned = (globalThis.__cellwire_poisoned || 0) + 1;\\n" + parts[first];
        await cache.put(request, new Response(parts.join("\\0")));
        done.push(request.url);
    }
    return done;
}"""
STILL_POISONED = """async (urls) => {
    const cache = await caches.open("cellwire");
    const texts = await Promise.all(urls.map(async (url) => (await cache.match(url))?.text() ?? ""));
    return texts.filter((text) => text.includes("__cellwire_poisoned")).length;
}"""
CACHED_WITHOUT_SUBTLE = """async ([kind, hash]) => {
    Object.defineProperty(crypto, "subtle", {value: undefined, configurable: true});
    try { return await window.__cellwire_boot.cached(kind, hash); } finally { delete crypto.subtle; }
}"""


@pytest.mark.parametrize("server_config", LAB, indirect=True)
def test_poisoned_cache_entries_are_not_run(notebook):
    """The runtime and ipywidgets' bundle in Cache Storage are replaced by copies that mark the
    page when they run (what another user server of the same origin could store); after a
    reload neither runs, both widgets work, and the cache holds the kernel's copies again."""
    live(notebook.run(SLIDER, timeout=60))
    live(notebook.run("b = w.IntSlider(4, description='b')\nb", timeout=60))
    deadline = time.monotonic() + 10
    while notebook.page.evaluate(VERIFIED_ENTRIES) < 2 and time.monotonic() < deadline:  # (stored meanwhile)
        time.sleep(0.2)
    assert notebook.page.evaluate(VERIFIED_ENTRIES) == 2  # (the page's SHA-256 agrees with the kernel's)
    poisoned = notebook.page.evaluate(POISON_ENTRIES)
    kinds = [url.split("/__cellwire__/")[1].split("/") for url in poisoned]
    assert sorted(kind for kind, _ in kinds) == ["runtime", "vendor"]
    notebook.save()
    notebook.reload()
    slider = live(notebook.cell_output(-2))
    bridged = live(notebook.cell_output(-1))
    bridged.locator(".widget-slider").wait_for()
    assert notebook.page.evaluate("window.__cellwire_poisoned") is None
    notebook.run("s.value = 8; b.value = 9")
    expect(readout(slider)).to_have_text("8")
    expect(bridged.locator(".widget-readout")).to_have_text("9")
    assert notebook.page.evaluate(STILL_POISONED, poisoned) == 0  # (replaced by what the kernel sent)
    # without crypto.subtle nothing is read from the cache (nothing could be verified)
    assert notebook.page.evaluate(VERIFIED_ENTRIES) == 2
    assert notebook.page.evaluate(CACHED_WITHOUT_SUBTLE, kinds[0]) is None


@pytest.mark.parametrize("server_config", ALL_FRONTENDS, indirect=True)
def test_same_origin_sockets_carry_no_token(notebook):
    """Every kernel WebSocket the page opens (the front-end's, the loader's, the runtime's) is on
    the page's own host and authenticates by the login cookie: none has the token in its URL."""
    sockets: list[str] = []
    notebook.page.on("websocket", lambda ws: sockets.append(ws.url))  # (the socket worker's too)
    notebook.page.evaluate("caches.delete('cellwire')")  # (so the loader opens its own socket)
    live(notebook.run(SLIDER))
    view = reload_and_wait_live(notebook)
    notebook.run("s.value = 2")
    expect(readout(view)).to_have_text("2")
    assert len([url for url in sockets if "/channels?" in url]) >= 3, sockets  # the front-end's and cellwire's two
    assert [url for url in sockets if "token=" in url or notebook.server.token in url] == []


@pytest.mark.parametrize("server_config", LAB, indirect=True)
def test_a_socket_on_the_servers_configured_ws_host_carries_the_token(browser, server):
    """The server's own page configuration names a WebSocket host other than the page's (as
    `ServerApp.websocket_url` does: here `localhost` for a page on 127.0.0.1, where the login
    cookie is not sent): cellwire follows it, with the token in the URL, and works."""
    ws_url = f"ws://localhost:{server.port}{server.base_url}"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.add_init_script(  # (the server's config script, rewritten as the parser inserts it)
        f"""(() => {{ const wsUrl = {json.dumps(ws_url)}; new MutationObserver((_, observer) => {{
            const el = document.getElementById("jupyter-config-data");
            try {{ el.textContent = JSON.stringify({{...JSON.parse(el.textContent), wsUrl}}); }} catch (e) {{ return; }}
            observer.disconnect();
        }}).observe(document, {{childList: true, subtree: true}}); }})()"""
    )
    sockets: list[WebSocket] = []
    page.on("websocket", lambda ws: sockets.append(ws))
    notebook = NotebookPage(page, server)
    try:
        notebook.open(f"configured-ws-host-{server.port}.ipynb")
        view = live(notebook.run(SLIDER))
        notebook.run("s.value = 4")
        expect(readout(view)).to_have_text("4")
        urls = [ws.url for ws in sockets if "/channels?" in ws.url]
        assert urls and all(url.startswith(ws_url) and f"token={server.token}" in url for url in urls), urls
    finally:
        context.close()
        notebook.shutdown_kernel()


@pytest.mark.parametrize("server_config", LAB, indirect=True)
def test_svg_in_an_output_is_shown_as_an_image_and_runs_nothing(notebook):
    """An SVG with event handlers and a script, displayed in a bridged ipywidgets Output: it is
    shown (an image of its size), and nothing in it runs. (cellwire's retired Output had the same
    test; the bridge's Output is the one left.)"""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30" onload="window.__svg_ran = 1">'
        '<script>window.__svg_ran = 2</script><image href="x" onerror="window.__svg_ran = 3"/>'
        '<rect width="40" height="30" fill="teal"/></svg>'
    )
    code = (
        "import cellwire as cw, ipywidgets as w\nfrom IPython.display import SVG, display\n"
        f"SVG_TEXT = {svg!r}\n"
        "w_out = w.Output()\n"
        "with w_out:\n    display(SVG(SVG_TEXT))\n"
        "display(w_out)"
    )
    output = notebook.run(code, timeout=60)
    image = live(output).locator("img").first
    image.wait_for()
    expect(image).to_have_attribute("src", re.compile(r"^data:image/svg\+xml"))
    assert image.evaluate("img => img.decode().then(() => [img.naturalWidth, img.naturalHeight])") == [40, 30]
    assert live(output).locator("svg, script").count() == 0
    notebook.page.wait_for_timeout(500)  # (an onerror would have fired by now)
    assert notebook.page.evaluate("window.__svg_ran") is None
