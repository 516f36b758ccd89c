# The two commands of the README: `make run` (set up, generate a sample, materialize every asset)
# and `make test` (set up, run the test suite). Everything else here serves those two.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8

.PHONY: setup run ingest test ui screenshots lock clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The venv is synced exactly to the lock file whenever the lock file (or this recipe) changes. The
# packages' bytecode is compiled here, once: uv does not by default, and a process started with
# PYTHONDONTWRITEBYTECODE set would otherwise recompile every module it imports (~10 s of `urbanlake run`).
$(VENV)/.installed: requirements.lock pyproject.toml Makefile | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

setup: $(VENV)/.installed

run: setup
	$(BIN)/urbanlake run --generate $(ARGS)

ingest: setup
	$(BIN)/urbanlake run $(ARGS)

test: setup
	$(BIN)/python -m pytest $(ARGS)

# City-scale benchmark (tens of minutes, GBs of scratch in data/bench): writes docs/benchmarks.md and .png
bench: setup
	$(BIN)/python -m bench $(ARGS)

ui: setup
	$(BIN)/urbanlake ui $(ARGS)

# The README's lineage pictures (docs/lineage*.png), taken by the browser test from a real `urbanlake ui`
screenshots: setup
	URBANLAKE_DOCS_SCREENSHOTS=1 $(BIN)/python -m pytest tests/test_ui.py -k browser $(ARGS)

lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile pyproject.toml -o requirements.lock --python-version 3.11 --no-header -q

clean:
	rm -rf data .dagster_home
