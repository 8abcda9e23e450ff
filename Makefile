# Every target builds what it needs on a fresh machine; stamp files keep re-runs fast.
#   .venv               the project and kernel env: cellwire (editable) + test tools
#   .venv-server        the Jupyter server: jupyterlab, notebook, nbclassic and nothing else,
#                       so the tests prove cellwire needs no front-end extension
#   .venv-accel-server  jupyterlab + cellwire installed from this tree (pip install .), so its
#                       optional server accelerator is enabled by the config file the wheel ships
#   .venv-bench-server  jupyterlab + jupyterlab_widgets + anywidget + cellwire (its accelerator is switched
#                       on and off per run), to compare with ipywidgets/anywidget on the same servers

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
PYTEST_ARGS ?=
BENCH_ARGS ?=

VENV := .venv
SERVER_VENV := .venv-server
ACCEL_SERVER_VENV := .venv-accel-server
BENCH_SERVER_VENV := .venv-bench-server
JUPYTER_DATA := .jupyter-data
KERNELSPEC := $(JUPYTER_DATA)/kernels/cellwire/kernel.json
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
NOT_IN_SERVER_ENV := cellwire cellwire_accelerator ipywidgets jupyterlab_widgets

.PHONY: test demo bench clean check-server-env widgets-bundle

test: $(VENV)/.stamp check-server-env $(ACCEL_SERVER_VENV)/.stamp
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

demo: $(VENV)/.stamp check-server-env $(KERNELSPEC)
	JUPYTER_PATH=$(CURDIR)/$(JUPYTER_DATA) $(SERVER_VENV)/bin/jupyter lab examples/demo.ipynb \
		--MappingKernelManager.default_kernel_name=cellwire $(ALLOW_ROOT)

bench: $(VENV)/.stamp check-server-env $(ACCEL_SERVER_VENV)/.stamp $(BENCH_SERVER_VENV)/.stamp
	$(VENV)/bin/python benchmarks/run.py $(BENCH_ARGS)

$(VENV)/.stamp: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -e '.[test]'
	touch $@

$(SERVER_VENV)/.stamp:
	$(PYTHON) -m venv $(SERVER_VENV)
	$(SERVER_VENV)/bin/pip install jupyterlab notebook nbclassic
	touch $@

$(ACCEL_SERVER_VENV)/.stamp: pyproject.toml $(wildcard src/cellwire_accelerator/*.py jupyter-config/*/*.json)
	$(PYTHON) -m venv $(ACCEL_SERVER_VENV)
	$(ACCEL_SERVER_VENV)/bin/pip install jupyterlab .
	touch $@

$(BENCH_SERVER_VENV)/.stamp: pyproject.toml $(wildcard src/cellwire_accelerator/*.py jupyter-config/*/*.json)
	$(PYTHON) -m venv $(BENCH_SERVER_VENV)
	$(BENCH_SERVER_VENV)/bin/pip install jupyterlab jupyterlab_widgets anywidget .
	touch $@

# Runs every time: a package slipped into the server env would void what the tests prove.
check-server-env: $(SERVER_VENV)/.stamp
	@env -u PYTHONPATH $(SERVER_VENV)/bin/python -c 'import importlib.util, sys; \
		found = [m for m in sys.argv[1:] if importlib.util.find_spec(m)]; \
		sys.exit(f"ERROR: {sys.prefix} must not contain {found}; rebuild it with: make clean test" if found else 0)' \
		$(NOT_IN_SERVER_ENV)

# The demo kernel runs the project venv, where cellwire is installed.
$(KERNELSPEC): $(VENV)/.stamp
	mkdir -p $(@D)
	$(VENV)/bin/python -c 'import json, sys; json.dump({"display_name": "Python (cellwire)", "language": "python", \
		"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]}, open(sys.argv[1], "w"), indent=1)' $@

clean:
	rm -rf $(VENV) $(SERVER_VENV) $(ACCEL_SERVER_VENV) $(BENCH_SERVER_VENV) $(JUPYTER_DATA) test-artifacts .pytest_cache
	find . -name __pycache__ -not -path './.git/*' -prune -exec rm -rf {} +

# Rebuild the vendored ipywidgets front-end (needs node + npm; the built files are committed).
widgets-bundle:
	scripts/build-widgets-bundle.sh
