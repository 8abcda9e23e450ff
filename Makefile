# Every target builds what it needs on a fresh machine; stamp files keep re-runs fast.
#   .venv               the project and kernel env: cellwire (editable) + test tools
#   .venv-server        the Jupyter server: jupyterlab, notebook, nbclassic and nothing else,
#                       so the tests prove cellwire needs no front-end extension
#   .venv-accel-server  jupyterlab + cellwire installed from this tree (pip install .), so its
#                       optional server accelerator is enabled by the config file the wheel ships
#   .venv-bench-server  jupyterlab + jupyterlab_widgets + anywidget + cellwire (its accelerator is switched
#                       on and off per run), to compare with ipywidgets/anywidget on the same servers
#   .venv-ipykernel6, .venv-ipykernel617
#                       kernel envs with ipykernel 6 (no subshells): the newest 6.x, and 6.17, the oldest
#                       supported (before 6.18 comms did not go through the `comm` package)
#   js/node_modules     typescript (pinned in js/package-lock.json), for `make check-js` only: nothing
#                       is built, the runtime's modules ship as they are
#   .venv-hub           jupyterhub + jupyterlab and nothing of cellwire: the hub and its single-user servers
#                       (tests/e2e/test_jupyterhub.py); configurable-http-proxy from npm in .hub-proxy/
#   .venv-voila         voila and nothing of cellwire: it serves notebooks as apps, their kernels from the
#                       project venv through a kernelspec (tests/e2e/test_voila.py)
#   .compat/            `make compat`'s throwaway kernel and server envs with ~30 widget libraries, built
#                       by benchmarks/compat.py itself (its library list is the one source)

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
PYTEST_ARGS ?=
BENCH_ARGS ?=
COMPAT_ARGS ?=

VENV := .venv
SERVER_VENV := .venv-server
ACCEL_SERVER_VENV := .venv-accel-server
BENCH_SERVER_VENV := .venv-bench-server
VOILA_VENV := .venv-voila
HUB_VENV := .venv-hub
HUB_PROXY := .hub-proxy/node_modules/.bin/configurable-http-proxy
JUPYTER_DATA := .jupyter-data
KERNELSPEC := $(JUPYTER_DATA)/kernels/cellwire/kernel.json
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
NOT_IN_SERVER_ENV := cellwire cellwire_accelerator ipywidgets jupyterlab_widgets

JS_DIR := js
JS_STAMP := $(JS_DIR)/node_modules/.stamp

.PHONY: test demo bench compat clean check-server-env system-packages lint check-js widgets-bundle dist

IPYKERNEL6_VENVS := .venv-ipykernel6 .venv-ipykernel617
DEMO_PACKAGES := numpy ipywidgets matplotlib bqplot wigglystuff

test: system-packages $(VENV)/.stamp check-server-env $(ACCEL_SERVER_VENV)/.stamp $(BENCH_SERVER_VENV)/.stamp $(IPYKERNEL6_VENVS:%=%/.stamp) lint check-js
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

# The package as others receive it: the wheel and sdist built from this tree (hatchling, in an
# isolated build env), checked for the runtime, schemas, vendored bundle, accelerator config,
# licence and js/ sources, and the wheel installed into a clean venv where it imports (about two
# minutes: not part of `make test`, whose tests/unit/test_dist.py checks the contents in seconds).
dist: $(VENV)/.stamp
	rm -rf dist
	$(VENV)/bin/python -m build --outdir dist .
	$(VENV)/bin/python scripts/check_dist.py dist

# ruff (lint + format) and mypy over the Python package; a violation stops `make test`.
lint: $(VENV)/.stamp
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

# Debian's Chromium (browser builds cannot be downloaded here) and Node.js (the JS unit tests and
# tsc), installed with apt-get when root; otherwise one line saying the command to run.
SYSTEM_PACKAGES := chromium:/usr/bin/chromium nodejs:node npm:npm python3-venv:
system-packages:
	@missing=(); for entry in $(SYSTEM_PACKAGES); do pkg=$${entry%%:*}; cmd=$${entry#*:}; \
		if [ -n "$$cmd" ]; then command -v "$$cmd" >/dev/null || missing+=("$$pkg"); \
		else $(PYTHON) -c 'import ensurepip' 2>/dev/null || missing+=("$$pkg"); fi; done; \
	if [ $${#missing[@]} -gt 0 ]; then \
		if [ "$$(id -u)" -ne 0 ]; then \
			echo "make test needs Debian packages ($${missing[*]}): run  sudo apt-get install -y $${missing[*]}  then make test again" >&2; exit 1; fi; \
		echo "installing $${missing[*]} with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$${missing[@]}"; fi

demo: system-packages $(VENV)/.stamp check-server-env $(KERNELSPEC)
	JUPYTER_PATH=$(CURDIR)/$(JUPYTER_DATA) $(SERVER_VENV)/bin/jupyter lab examples/demo.ipynb \
		--MappingKernelManager.default_kernel_name=cellwire $(ALLOW_ROOT)

bench: system-packages $(VENV)/.stamp check-server-env $(ACCEL_SERVER_VENV)/.stamp $(BENCH_SERVER_VENV)/.stamp
	$(VENV)/bin/python benchmarks/run.py $(BENCH_ARGS)

# Widget libraries through cellwire and through JupyterLab's own manager, side by side: writes
# docs/compatibility.md (not part of `make test`; its throwaway venvs live in .compat/).
compat: system-packages $(VENV)/.stamp $(SERVER_VENV)/.stamp
	$(VENV)/bin/python benchmarks/compat.py $(COMPAT_ARGS)

$(VENV)/.stamp: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -e '.[test]'
	touch $@

$(SERVER_VENV)/.stamp:
	$(PYTHON) -m venv $(SERVER_VENV)
	$(SERVER_VENV)/bin/pip install jupyterlab notebook nbclassic
	touch $@

# The accelerator needs only jupyter_server: `--no-deps` keeps cellwire's kernel-side dependencies
# (ipywidgets, hence jupyterlab_widgets) out of this server env, which must have no widget manager.
$(ACCEL_SERVER_VENV)/.stamp: pyproject.toml $(wildcard src/cellwire_accelerator/*.py jupyter-config/*/*.json)
	$(PYTHON) -m venv $(ACCEL_SERVER_VENV)
	$(ACCEL_SERVER_VENV)/bin/pip install jupyterlab
	$(ACCEL_SERVER_VENV)/bin/pip install --no-deps .
	touch $@

$(BENCH_SERVER_VENV)/.stamp: pyproject.toml $(wildcard src/cellwire_accelerator/*.py jupyter-config/*/*.json)
	$(PYTHON) -m venv $(BENCH_SERVER_VENV)
	$(BENCH_SERVER_VENV)/bin/pip install jupyterlab jupyterlab_widgets anywidget .
	touch $@

# Kernel envs without subshells, with what the demo notebook imports (numpy, ipywidgets, matplotlib,
# bqplot, wigglystuff): the tests run the demo on them too.
.venv-ipykernel6/.stamp: pyproject.toml
	$(PYTHON) -m venv .venv-ipykernel6
	.venv-ipykernel6/bin/pip install -e . 'ipykernel==6.31.0' $(DEMO_PACKAGES)
	touch $@

.venv-ipykernel617/.stamp: pyproject.toml
	$(PYTHON) -m venv .venv-ipykernel617
	.venv-ipykernel617/bin/pip install -e . 'ipykernel==6.17.1' $(DEMO_PACKAGES)
	touch $@

# Type-checks the browser runtime and the widget views (// @ts-check + JSDoc, strict).
check-js: system-packages $(JS_STAMP)
	cd $(JS_DIR) && npx --no-install tsc --noEmit -p tsconfig.json

$(JS_STAMP): $(JS_DIR)/package.json $(JS_DIR)/package-lock.json
	cd $(JS_DIR) && npm ci --no-audit --no-fund

$(HUB_VENV)/.stamp:
	$(PYTHON) -m venv $(HUB_VENV)
	$(HUB_VENV)/bin/pip install jupyterhub jupyterlab
	touch $@

$(HUB_PROXY):
	npm install --prefix .hub-proxy --no-audit --no-fund configurable-http-proxy
	touch $@

$(VOILA_VENV)/.stamp:
	$(PYTHON) -m venv $(VOILA_VENV)
	$(VOILA_VENV)/bin/pip install voila
	touch $@

# Runs every time: a package slipped into the server env would void what the tests prove.
check-server-env: $(SERVER_VENV)/.stamp $(VOILA_VENV)/.stamp $(HUB_VENV)/.stamp $(HUB_PROXY)
	@for venv in $(SERVER_VENV) $(VOILA_VENV) $(HUB_VENV); do env -u PYTHONPATH $$venv/bin/python -c 'import importlib.util, sys; \
		found = [m for m in sys.argv[1:] if importlib.util.find_spec(m)]; \
		sys.exit(f"ERROR: {sys.prefix} must not contain {found}; rebuild it with: make clean test" if found else 0)' \
		$(NOT_IN_SERVER_ENV); done

# The demo kernel runs the project venv, where cellwire is installed.
$(KERNELSPEC): $(VENV)/.stamp
	mkdir -p $(@D)
	$(VENV)/bin/python -c 'import json, sys; json.dump({"display_name": "Python (cellwire)", "language": "python", \
		"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]}, open(sys.argv[1], "w"), indent=1)' $@

clean:
	rm -rf $(VENV) $(SERVER_VENV) $(ACCEL_SERVER_VENV) $(BENCH_SERVER_VENV) $(IPYKERNEL6_VENVS) $(VOILA_VENV) $(HUB_VENV) .hub-proxy $(JUPYTER_DATA) \
		$(JS_DIR)/node_modules test-artifacts .pytest_cache dist .compat
	find . -name __pycache__ -not -path './.git/*' -prune -exec rm -rf {} +

# Rebuild the vendored ipywidgets front-end (needs node + npm; the built files are committed).
widgets-bundle:
	scripts/build-widgets-bundle.sh
