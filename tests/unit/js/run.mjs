// The JS unit tests' one entry: `node tests/unit/js/run.mjs` runs every *.test.mjs next to it
// (node's built-in test runner, no npm packages); tests/unit/test_js.py runs it under pytest.
import { readdirSync } from "node:fs";

const here = new URL(".", import.meta.url);
for (const name of readdirSync(here).filter((n) => n.endsWith(".test.mjs")).sort()) {
  await import(new URL(name, here).href);
}
