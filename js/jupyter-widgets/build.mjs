// Builds ipywidgets' front-end into one ES module + one CSS file for cellwire's package data, and a
// licence file naming every npm package in the bundle. Run through scripts/build-widgets-bundle.sh.
//
// CSS: the controls' own rules apply everywhere. JupyterLab's theme variables and Lumino's
// structural rules are needed only on a page without JupyterLab (where nothing defines them), so they
// are scoped under `.cellwire-jw-defaults`, a class the page glue sets only on such pages: on a Lab
// page they would otherwise override the user's theme.
import * as esbuild from "esbuild";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const out = process.argv[2];
if (!out) throw new Error("usage: node build.mjs <output directory>");
mkdirSync(out, { recursive: true });
mkdirSync("build", { recursive: true });

const css = (pkg, file) => readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), file), "utf8");
const SCOPE = ".cellwire-jw-defaults";
const rootBlocks = (text) => (text.match(/:root\s*\{[^}]*\}/g) || []).join("\n");
const variables = [
  css("@jupyter-widgets/controls", "css/materialcolors.css"),
  css("@jupyter-widgets/controls", "css/labvariables.css").replace(/@import[^;]*;/g, ""),
  rootBlocks(css("@jupyter-widgets/controls", "css/widgets-base.css")),
].join("\n").replaceAll(":root", SCOPE);
const lumino = ["widget.css", "tabbar.css", "tabpanel.css", "accordionpanel.css"]
  .map((f) => css("@lumino/widgets", `style/${f}`)).join("\n");
writeFileSync("build/defaults.css", `${variables}\n${SCOPE} {\n${lumino}\n}\n${SCOPE} { font-family: var(--jp-ui-font-family); color: var(--jp-ui-font-color1); }\n`);
writeFileSync("build/styles.css", `@import "@jupyter-widgets/controls/css/widgets-base.css";\n@import "./defaults.css";\n` +
  `.cellwire-jw-stream, .cellwire-jw-error, .cellwire-jw-text { margin: 0; white-space: pre-wrap; font-family: var(--jp-code-font-family, monospace); font-size: var(--jp-code-font-size, 13px); }\n` +
  `.cellwire-jw-stderr, .cellwire-jw-error { background: var(--jp-rendermime-error-background, #fdd); }\n` +
  `.cellwire-jw-problem { font: 12px var(--jp-ui-font-family, sans-serif); color: var(--jp-error-color1, #d32f2f); margin: 2px 0; }\n` +
  // noUiSlider asks for two compositor layers per slider (will-change: transform on its origin and
  // connect): with 1,000 sliders on a page, every frame's layerizing and painting took ~0.5 s more
  // (docs/architecture.md). A slider's handle moves as well without.
  `.cellwire-ipywidget .noUi-origin, .cellwire-ipywidget .noUi-connect { will-change: auto; }\n`);

// The versions a JupyterLab extension's share scope sees for the packages the bundle provides
// (src/manager.js, `sharedPackages`): the pinned npm versions of every direct dependency.
const versionOf = (pkg) => JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")).version;
const shared = Object.keys(JSON.parse(readFileSync("package.json", "utf8")).dependencies)
  .filter((name) => name !== "@jupyter-widgets/base-manager");
const SHARED_VERSIONS = Object.fromEntries(shared.map((name) => [name, versionOf(name)]));

const common = { bundle: true, minify: true, legalComments: "none", target: ["chrome100", "firefox100", "safari15"], logLevel: "warning" };
const js = await esbuild.build({
  ...common, entryPoints: ["src/manager.js"], format: "esm", outfile: join(out, "jupyter-widgets.js"), metafile: true,
  define: { "process.env.NODE_ENV": '"production"', "process.env": "{}", global: "globalThis",
    // UMD modules inside (jQuery, Backbone, ...) must export, not register with a page's requirejs
    // (nbclassic has one): no global `define` inside the bundle.
    define: "undefined",
    SHARED_VERSIONS: JSON.stringify(SHARED_VERSIONS) },
  loader: { ".css": "empty" },
});
await esbuild.build({ ...common, entryPoints: ["build/styles.css"], outfile: join(out, "jupyter-widgets.css"),
  loader: { ".woff": "empty", ".woff2": "empty", ".svg": "dataurl", ".png": "dataurl" } });

const BSD3 = `(The package ships no licence file; this is the BSD-3-Clause text its package.json names.)
Copyright (c) HOLDER. All rights reserved.

Redistribution and use in source and binary forms, with or without modification, are permitted
provided that the following conditions are met:
1. Redistributions of source code must retain the above copyright notice, this list of conditions
   and the following disclaimer.
2. Redistributions in binary form must reproduce the above copyright notice, this list of
   conditions and the following disclaimer in the documentation and/or other materials provided
   with the distribution.
3. Neither the name of the copyright holder nor the names of its contributors may be used to
   endorse or promote products derived from this software without specific prior written
   permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR
IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND
FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR
CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN
CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF
THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
`;

// Licences of every package whose code is in the bundle.
const packages = new Map();
for (const input of Object.keys(js.metafile.inputs)) {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g);
  if (!m) continue;
  const dir = m.join("").replace(/\/$/, "");
  packages.set(dir, true);
}
let text = "Licences of the npm packages bundled into jupyter-widgets.js (built by scripts/build-widgets-bundle.sh)\n";
for (const dir of [...packages.keys()].sort()) {
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = ["LICENSE", "LICENSE.txt", "LICENSE.md", "license", "LICENCE", "License.md", "LICENSE-MIT"].map((f) => join(dir, f)).find((f) => existsSync(f));
  text += `\n${"=".repeat(78)}\n${meta.name}@${meta.version} (${meta.license || "see below"})\n${"=".repeat(78)}\n`;
  const author = typeof meta.author === "string" ? meta.author : meta.author?.name || meta.name;
  text += file ? readFileSync(file, "utf8")
    : meta.license === "BSD-3-Clause" ? BSD3.replace("HOLDER", author)
    : `The package ships no licence file; its package.json says: ${meta.license}\n`;
}
writeFileSync(join(out, "jupyter-widgets.LICENSES.txt"), text);
console.log(`bundled ${packages.size} packages`);
