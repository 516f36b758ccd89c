# The two commands of the README: `make run` (set up, generate a sample, materialize every asset)
# and `make test` (set up, run the test suite). Everything else here serves those two.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export URBANLAKE_HOME ?= $(CURDIR)/data
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: setup run ingest test bench ui clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The venv is rebuilt from the lock file whenever the lock file changes.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

setup: $(VENV)/.installed

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

run: setup $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/urbanlake run --generate $(ARGS)

ingest: setup $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/urbanlake run $(ARGS)

test: setup
	$(BIN)/python -m pytest $(ARGS)

bench: setup
	$(BIN)/python -m benchmarks.run $(ARGS)

ui: setup $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -m pipelines.definitions

lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile pyproject.toml -o requirements.lock --python-version 3.11 --no-header -q

clean:
	rm -rf data .dagster_home
