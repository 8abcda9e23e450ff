#!/bin/sh
# Rebuild the vendored ipywidgets front-end (src/cellwire/static/vendor/jupyter-widgets.*) from the
# exact npm versions pinned in js/jupyter-widgets/package-lock.json. Needs node and npm; installing
# cellwire does not (the built files are committed).
set -eu
cd "$(dirname "$0")/../js/jupyter-widgets"
npm ci --no-audit --no-fund
node build.mjs ../../src/cellwire/static/vendor
ls -l ../../src/cellwire/static/vendor
