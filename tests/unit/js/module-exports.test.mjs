// module-exports.js: the one rule for what a target's module exports (anywidget's forms).
import assert from "node:assert/strict";
import test from "node:test";

import { resolveExports } from "../../../src/cellwire/static/module-exports.js";

const render = () => {};
const initialize = () => {};

test("named exports", async () => {
  assert.deepEqual(await resolveExports({ render }), { render, initialize: undefined });
  assert.deepEqual(await resolveExports({ render, initialize, default: { render: () => {} } }), { render, initialize });
});

test("a default object", async () => {
  assert.deepEqual(await resolveExports({ default: { render, initialize } }), { render, initialize });
  assert.deepEqual(await resolveExports({ default: { initialize } }), { render: undefined, initialize });
});

test("a default function is a factory, sync or async", async () => {
  assert.deepEqual(await resolveExports({ default: () => ({ render }) }), { render, initialize: undefined });
  assert.deepEqual(await resolveExports({ default: async () => ({ render, initialize }) }), { render, initialize });
});

test("what is not a widget is refused, saying what to export", async () => {
  await assert.rejects(resolveExports({}), /no default export and no render \(export default \{ render \}/);
  await assert.rejects(resolveExports({ default: () => undefined }), /its default export returned undefined, not \{render, initialize\}/);
  await assert.rejects(resolveExports({ default: 5 }), /its default export is 5/);
  // render exported as the default function: called with no arguments, it fails; the rule is given
  const legacy = ({ channel }) => channel.send(1);
  await assert.rejects(resolveExports({ default: legacy }), /a default-exported function is called with none and must return \{render, initialize\}/);
});

test("a factory's own error is passed on as it is", async () => {
  const boom = new Error("boom");
  await assert.rejects(resolveExports({ default: () => { throw boom; } }), (err) => err === boom);
});

test("non-functions under the names are ignored", async () => {
  assert.deepEqual(await resolveExports({ default: { render: "no", initialize } }), { render: undefined, initialize });
});
