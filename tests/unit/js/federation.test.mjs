// federation.js: JupyterLab extensions (module-federation containers) as widget front-ends. The file
// is a script prepended to ipywidgets-view.js, so it is evaluated here as such.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";

const source = readFileSync(new URL("../../../src/cellwire/static/federation.js", import.meta.url), "utf8");
const { Federation, federationScope, pointAssetsAt, pointCssAssetsAt, federatedFileName } =
  new Function(`${source}\nreturn { Federation, federationScope, pointAssetsAt, pointCssAssetsAt, federatedFileName };`)();

const REGISTRY = { name: "jupyter.extensions.jupyterWidgetRegistry" };
const shared = { "@jupyter-widgets/base": { version: "6.0.12", module: { IJupyterWidgetRegistry: REGISTRY } } };

/** A Federation whose containers are `containers[package]` (no script evaluated). */
function federation(containers) {
  const fed = new Federation(shared, async (name) => ({ data: { format: "federated", package: name, file: "remoteEntry.js", extension: "./extension" } }));
  fed.evaluate = (pkg) => containers[pkg];
  return fed;
}
const entry = (pkg) => ({ format: "federated", package: pkg, file: "remoteEntry.js", entry: "", extension: "./extension", needs: [] });
const exposing = (plugins) => ({ init() {}, async get() { return () => plugins; } });

test("the share scope is webpack's: {package: {version: {get, from, loaded}}}, modules marked as ES modules", async () => {
  const scope = federationScope(shared);
  const provided = scope["@jupyter-widgets/base"]["6.0.12"];
  assert.equal(provided.loaded, 1);
  const module = (await provided.get())();
  assert.equal(module.__esModule, true);
  assert.equal(module.IJupyterWidgetRegistry, REGISTRY);
});

test("assets a chunk names by publicPath become the given URLs; other names stay", () => {
  const chunk = 'e.exports=n.p+"a4d1.png"; x=__webpack_require__.p + \'b.woff2\'; y=n.p+"other.png"';
  assert.equal(pointAssetsAt(chunk, { "a4d1.png": "blob:1", "b.woff2": "blob:2" }),
    'e.exports="blob:1"; x="blob:2"; y=n.p+"other.png"');
  assert.equal(pointCssAssetsAt("a{src:url(f.woff2) url('g.ttf')}", { "f.woff2": "blob:3" }), 'a{src:url("blob:3") url(\'g.ttf\')}');
  assert.equal(federatedFileName("https://cellwire.invalid/labextensions/p/static/884.abc.js?v=abc"), "884.abc.js");
});

test("a plugin using the registry is activated; what it registers is the widget module (lazy exports too)", async () => {
  const seen = [];
  const fed = federation({
    lib: exposing({ default: [
      { id: "other", activate() { seen.push("other"); } },
      { id: "lib:plugin", requires: [REGISTRY], activate(app, registry) {
        seen.push("lib");
        registry.registerWidget({ name: "lib", version: "1.0.0", exports: async () => ({ LibModel: 1 }) });
      } },
    ] }),
  });
  assert.deepEqual(await fed.widgetModule("lib", entry("lib")), { LibModel: 1 });
  assert.deepEqual(seen, ["lib"]);
  assert.deepEqual(await fed.widgetModule("lib", null), { LibModel: 1 }); // registered: not activated again
  assert.deepEqual(seen, ["lib"]);
});

test("a CommonJS plugin module (exports = plugin) is activated too", async () => {
  const fed = federation({ cjs: exposing({ id: "cjs", requires: [REGISTRY], activate: (app, r) => r.registerWidget({ name: "cjs", exports: { A: 1 } }) }) });
  assert.deepEqual(await fed.widgetModule("cjs", entry("cjs")), { A: 1 });
});

test("each failure names the package and the step", async () => {
  const fed = federation({
    init: { init() { throw new Error("boom"); }, get() {} },
    activate: exposing({ id: "a:p", requires: [REGISTRY], activate() { throw new Error("bang"); } }),
    service: exposing({ id: "s:p", requires: [REGISTRY, { name: "@jupyterlab/application:ILabShell" }], activate() {} }),
    missing: { init() {}, async get() { throw new Error("Shared module @jupyterlab/apputils doesn't exist in shared scope default"); } },
    nothing: exposing({ id: "n:p", requires: [REGISTRY], activate() {} }),
  });
  const failure = async (pkg) => (await fed.widgetModule(pkg, entry(pkg)).then(() => null, (err) => err.message));
  assert.match(await failure("init"), /JupyterLab extension of 'init' .* failed in init \(the share scope\): boom/);
  assert.match(await failure("activate"), /'activate' .* failed while activating its plugin a:p: bang/);
  assert.match(await failure("service"), /'service' \(plugin s:p\) needs the JupyterLab service @jupyterlab\/application:ILabShell/);
  assert.match(await failure("missing"), /'missing' .* needs the package @jupyterlab\/apputils, which JupyterLab provides and cellwire does not/);
  assert.match(await failure("nothing"), /'nothing' registered no widget module, not 'nothing'/);
});

test("a plugin that also extends JupyterLab's notebook panels registers its widget; other app use is named", async () => {
  const fed = federation({
    bokehish: exposing({ id: "b:p", requires: [REGISTRY], activate(app, r) {
      const done = app.docRegistry.addWidgetExtension("Notebook", {});
      r.registerWidget({ name: "bokehish", exports: { disposable: typeof done.dispose } });
    } }),
    shelly: exposing({ id: "s:p", requires: [REGISTRY], activate(app) { app.shell.add({}); } }),
    docs: exposing({ id: "d:p", requires: [REGISTRY], activate(app) { app.docRegistry.addFileType({}); } }),
  });
  assert.deepEqual(await fed.widgetModule("bokehish", entry("bokehish")), { disposable: "function" });
  await assert.rejects(fed.widgetModule("shelly", entry("shelly")), /'shelly' .* plugin s:p: it uses JupyterLab's application \(app\.shell\)/);
  await assert.rejects(fed.widgetModule("docs", entry("docs")), /\(app\.docRegistry\.addFileType\), which cellwire does not provide/);
});

test("a container that failed is tried again on the next request", async () => {
  let tries = 0;
  const fed = federation({ flaky: { init() { if (++tries === 1) throw new Error("once"); }, async get() { return () => ({ id: "f", requires: [REGISTRY], activate: (a, r) => r.registerWidget({ name: "flaky", exports: { ok: 1 } }) }); } } });
  await assert.rejects(fed.widgetModule("flaky", entry("flaky")), /once/);
  assert.deepEqual(await fed.widgetModule("flaky", entry("flaky")), { ok: 1 });
});

test("a package whose code failed fails the same way again (webpack would run a half-made module)", async () => {
  let runs = 0;
  const half = { init() {}, async get() {
    if (++runs === 1) throw new Error("Shared module @jupyter-widgets/jupyterlab-manager doesn't exist in shared scope default");
    throw new ReferenceError("Cannot access 'o' before initialization");
  } };
  const fed = federation({ half });
  const first = await fed.widgetModule("half", entry("half")).catch((err) => err);
  assert.match(first.message, /'half' .* needs the package @jupyter-widgets\/jupyterlab-manager, which JupyterLab provides/);
  assert.equal(await fed.widgetModule("half", entry("half")).catch((err) => err), first);
  assert.equal(runs, 1);
});

test("a chunk or stylesheet the container adds comes from the kernel by file name, its assets as blob: URLs", async () => {
  const appended = [];
  globalThis.document = { createElement: () => ({ dataset: {} }), head: { appendChild: (el) => appended.push(el) } };
  try {
    const asked = [];
    const fed = new Federation(shared, async (name, file) => {
      asked.push([name, file]);
      const source = file.endsWith(".css") ? "a{background:url('i.png')}" : "globalThis.__cellwireChunk = n.p+\"i.png\";";
      return { data: { source, assets: ["i.png"] }, buffers: [new DataView(new ArrayBuffer(2))] };
    });
    const events = [];
    const script = { tagName: "SCRIPT", src: "https://cellwire.invalid/labextensions/lib/static/12.ab.js?v=ab", onload: (e) => events.push(e.type), onerror: (e) => events.push(e.type) };
    await fed.loadFile("lib", script);
    assert.deepEqual(asked, [["lib", "12.ab.js"]]);
    assert.match(globalThis.__cellwireChunk, /^blob:/);
    const link = { tagName: "LINK", href: "https://cellwire.invalid/labextensions/lib/static/3.cd.css", onload: (e) => events.push(e.type) };
    await fed.loadFile("lib", link);
    assert.equal(appended.length, 1);
    assert.equal(appended[0].dataset.cellwireSource, "cellwire-labextension/lib/3.cd.css");
    assert.match(appended[0].textContent, /^a\{background:url\("blob:[^"]+"\)\}$/);
    const failing = new Federation(shared, async () => ({ data: { error: "no file static/x.js" }, buffers: [] }));
    const bad = { tagName: "SCRIPT", src: "https://cellwire.invalid/labextensions/lib/static/x.js", onerror: (e) => events.push(e.type) };
    await failing.loadFile("lib", bad);
    assert.deepEqual(events, ["load", "load", "error"]);
    assert.match(failing.failedFiles.get(bad.src).message, /no file static\/x\.js/);
  } finally {
    delete globalThis.document;
    delete globalThis.__cellwireChunk;
  }
});
