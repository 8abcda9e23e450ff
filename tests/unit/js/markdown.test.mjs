// The bridged ipywidgets Output's renderer (js/jupyter-widgets/src): Markdown converted with raw
// HTML escaped and only safe links, in linear time; the mimetype chosen as JupyterLab would.
import assert from "node:assert/strict";
import test from "node:test";

import { markdownToHtml } from "../../../js/jupyter-widgets/src/markdown.js";
import { preferredMime } from "../../../js/jupyter-widgets/src/mime.js";

test("markdown: headings, emphasis, code, lists, fenced code, links", () => {
  assert.equal(markdownToHtml("# Title *x*"), "<h1>Title <em>x</em></h1>");
  assert.equal(markdownToHtml("**bold** and _it_ and `a*b*`"), "<p><strong>bold</strong> and <em>it</em> and <code>a*b*</code></p>");
  assert.equal(markdownToHtml("- a\n- b\n\n1. c"), "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>c</li>\n</ol>");
  assert.equal(markdownToHtml("```\n<b>x</b>\n```"), "<pre><code>&lt;b&gt;x&lt;/b&gt;</code></pre>");
  assert.equal(markdownToHtml("[site](https://example.org/a_b)"),
    '<p><a href="https://example.org/a_b" target="_blank" rel="noopener noreferrer">site</a></p>');
  assert.equal(markdownToHtml("snake_case_name 2*3*4"), "<p>snake_case_name 2*3*4</p>");
});

test("markdown: raw HTML is escaped, and only http(s), mailto, #, / and ./ links are links", () => {
  const hostile = markdownToHtml('<img src=x onerror="window.__pwned=1"><script>alert(1)</script> "q" \'s\'');
  assert.equal(hostile, "<p>&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &#x27;s&#x27;</p>");
  for (const url of ["javascript:window.__pwned=1", "JavaScript:alert(1)", "data:text/html,x", "vbscript:x", "&#106;avascript:x", "java\tscript:x"]) {
    assert.doesNotMatch(markdownToHtml(`[x](${url})`), /<a /, url);
  }
  assert.doesNotMatch(markdownToHtml('[x](https://a"onmouseover="alert(1))'), /"onmouseover/);
  for (const url of ["http://a", "mailto:a@b", "#top", "/files/x", "./x"]) assert.match(markdownToHtml(`[x](${url})`), /<a href=/, url);
});

test("markdown: adversarial input takes linear time", () => {
  const n = 200_000;
  for (const unit of ["*a", "_a ", "[a](", "`", "**a", "[", "]( ", "# \u2028", " ", "- ", "1"]) {
    const started = performance.now();
    markdownToHtml(unit.repeat(n / unit.length));
    markdownToHtml(`# ${unit.repeat(n / unit.length)}\u2028x`);
    assert.ok(performance.now() - started < 1500, `${JSON.stringify(unit)} took ${performance.now() - started} ms`);
  }
});

test("the mimetype shown is JupyterLab's choice: json, html, markdown, latex, svg, images, text", () => {
  const all = { "text/plain": "p", "image/png": "i", "image/svg+xml": "s", "text/latex": "l", "text/markdown": "m", "text/html": "h", "application/json": {} };
  const order = [];
  const data = { ...all };
  for (;;) {
    const mime = preferredMime(data);
    if (!mime) break;
    order.push(mime);
    delete data[mime];
  }
  assert.deepEqual(order, ["application/json", "text/html", "text/markdown", "text/latex", "image/svg+xml", "image/png", "text/plain"]);
  assert.equal(preferredMime({ "application/javascript": "x", "text/plain": "p" }), "text/plain");
  assert.equal(preferredMime({ "application/vnd.jupyter.widget-view+json": {} }), undefined);
});
