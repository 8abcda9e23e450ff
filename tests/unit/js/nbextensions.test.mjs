// nbextensions.js: an nbextension's extension.js run for its requirejs configuration only. The file
// is a script prepended to ipywidgets-view.js, so it is evaluated here as such.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";

const source = readFileSync(new URL("../../../src/cellwire/static/nbextensions.js", import.meta.url), "utf8");
// (loadNbextensionChunk uses federation.js's helpers, prepended before it on the page)
const federation = readFileSync(new URL("../../../src/cellwire/static/federation.js", import.meta.url), "utf8");
const { RequireConfig, requireConfigOf, nbextensionFileOf, loadsChunksByUrl, loadNbextensionChunk } = new Function(
  `${federation}\n${source}\nreturn { RequireConfig, requireConfigOf, nbextensionFileOf, loadsChunksByUrl, loadNbextensionChunk };`)();

// The shapes of pythreejs', jupyter_bokeh's and the widget cookiecutter's extension.js.
const PYTHREEJS = 'define((()=>{return e={474:e=>{window.requirejs&&window.requirejs.config({map:{"*":{"jupyter-threejs":"nbextensions/jupyter-threejs/index",three:"nbextensions/jupyter-threejs/three"}}}),e.exports={load_ipython_extension:function(){}}}},r={},function t(n){var o=r[n];if(void 0!==o)return o.exports;var i=r[n]={exports:{}};return e[n](i,i.exports,t),i.exports}(474);var e,r}));';
const BOKEH = "define(function() {\n\"use strict\";\nwindow['requirejs'].config({map: {'*': {'@bokeh/jupyter_bokeh': 'nbextensions/jupyter_bokeh/index'}}});\nreturn {load_ipython_extension: function() {}};\n});";
const COOKIECUTTER = 'var base = document.querySelector("body").getAttribute("data-base-url");\ndefine(["require"], function (require) { require.config({paths: {mylib: "nbextensions/mylib/lib/main"}}); });';

test("map and paths of the extension.js files place modules in nbextension folders", () => {
  const config = RequireConfig.from({ "jupyter-threejs": PYTHREEJS, jupyter_bokeh: BOKEH, mylib: COOKIECUTTER });
  assert.deepEqual(config.failed, new Map());
  assert.deepEqual(config.resolve("three"), { folder: "jupyter-threejs", file: "three.js" });
  assert.deepEqual(config.resolve("@bokeh/jupyter_bokeh"), { folder: "jupyter_bokeh", file: "index.js" });
  assert.deepEqual(config.resolve("mylib"), { folder: "mylib", file: "lib/main.js" });
  assert.deepEqual(config.resolve("mylib/extra"), { folder: "mylib", file: "lib/main/extra.js" });
  assert.equal(config.resolve("bqplot"), null);
});

test("an extension.js that does anything but configure requirejs is refused, naming the package; the others still count", () => {
  const config = RequireConfig.from({
    touchy: "define(function () { document.title = 'mine'; });",
    loader: "define(['base/js/namespace'], function (Jupyter) { Jupyter.notebook.kernel.execute('x'); });",
    fetcher: "fetch('https://example.com/x.js');",
    thrower: "define(function () { throw new Error('boom'); });",
    "jupyter-threejs": PYTHREEJS,
  });
  assert.deepEqual([...config.failed.keys()].sort(), ["fetcher", "loader", "thrower", "touchy"]);
  assert.match(config.failure("touchy").message, /^the nbextension 'touchy' \(nbextensions\/touchy\/extension\.js in the kernel's environment\) does something other than configure requirejs \(it uses document\.title\)/);
  assert.match(config.failure("loader").message, /it uses the module 'base\/js\/namespace'/);
  assert.match(config.failure("fetcher").message, /it uses 'fetch'/);
  assert.match(config.failure("thrower").message, /'thrower'.*failed while configuring requirejs: boom/);
  assert.deepEqual(config.resolve("three"), { folder: "jupyter-threejs", file: "three.js" });
});

test("its require cannot load modules; its top-level variables are its own", () => {
  assert.throws(() => requireConfigOf("eager", "require(['x'], function () {});"), /'eager'.*it uses require\(\[\.\.\.\]\) to load modules/);
  assert.deepEqual(requireConfigOf("vars", "var m = {x: 'nbextensions/vars/x'}; requirejs.config({paths: m});"), [{ paths: { x: "nbextensions/vars/x" } }]);
});

test("a chunk URL a bundle builds names its nbextension file, whatever its base", () => {
  assert.deepEqual(nbextensionFileOf("https://cellwire.invalid/nbextensions/jupyter-vue/index-vue-sfc.js"), { folder: "jupyter-vue", file: "index-vue-sfc.js" });
  // ipyaggrid's publicPath is the classic notebook's data-base-url ("null" in JupyterLab) + nbextensions/ipyaggrid/
  assert.deepEqual(nbextensionFileOf("nullnbextensions/ipyaggrid/906.index.js?v=1"), { folder: "ipyaggrid", file: "906.index.js" });
  assert.deepEqual(nbextensionFileOf("http://h/nbextensions/@s/p/c/1.css"), { folder: "@s/p", file: "c/1.css" });
  assert.equal(nbextensionFileOf("https://cdn.example/lib.js"), null);
  assert.equal(nbextensionFileOf("nbextensions/x/../../etc/passwd.js"), null);
  assert.equal(loadsChunksByUrl('var e=new Error("Loading chunk "+t+" failed.");e.name="ChunkLoadError"'), true);
  assert.equal(loadsChunksByUrl("define([], function () { return {}; })"), false);
});

test("a chunk script a bundle adds is fetched from the kernel and run, then its onload; a failure is reported and its onerror", async () => {
  class HTMLScriptElement { constructor(src) { this.tagName = "SCRIPT"; this.src = src; } getAttribute() { return this.src; } }
  Object.assign(globalThis, { HTMLScriptElement, HTMLLinkElement: class {} });
  try {
    const events = [];
    const reports = [];
    const asked = [];
    const fetch = async (folder, file) => {
      asked.push(`${folder}/${file}`);
      return file === "gone.js" ? { data: { error: "no file nbextensions/lib/gone.js" }, buffers: [] } : { data: { source: "globalThis.__cellwireChunkRan = 1;" }, buffers: [] };
    };
    const chunk = Object.assign(new HTMLScriptElement("nullnbextensions/lib/9.index.js"), { onload: (e) => events.push(e.type), onerror: (e) => events.push(e.type) });
    await loadNbextensionChunk(chunk, fetch, (m) => reports.push(m));
    assert.equal(globalThis.__cellwireChunkRan, 1);
    const gone = Object.assign(new HTMLScriptElement("https://cellwire.invalid/nbextensions/lib/gone.js"), { onerror: (e) => events.push(e.type) });
    await loadNbextensionChunk(gone, fetch, (m) => reports.push(m));
    const cdn = Object.assign(new HTMLScriptElement("https://cdn.example/x.js"), { onerror: (e) => events.push(e.type) });
    await loadNbextensionChunk(cdn, fetch, (m) => reports.push(m));
    assert.deepEqual(asked, ["lib/9.index.js", "lib/gone.js"]);
    assert.deepEqual(events, ["load", "error", "error"]);
    assert.match(reports[0], /asked for https:\/\/cellwire\.invalid\/nbextensions\/lib\/gone\.js \(nbextensions\/lib\/gone\.js in the kernel's environment\), which did not load: no file/);
    assert.match(reports[1], /asked for https:\/\/cdn\.example\/x\.js, which did not load: that is not a file of an nbextension/);
  } finally {
    delete globalThis.HTMLScriptElement;
    delete globalThis.HTMLLinkElement;
    delete globalThis.__cellwireChunkRan;
  }
});
