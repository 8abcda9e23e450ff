// nbextensions.js: an nbextension's extension.js run for its requirejs configuration only. The file
// is a script prepended to ipywidgets-view.js, so it is evaluated here as such.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";

const source = readFileSync(new URL("../../../src/cellwire/static/nbextensions.js", import.meta.url), "utf8");
const { RequireConfig, requireConfigOf } = new Function(`${source}\nreturn { RequireConfig, requireConfigOf };`)();

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
