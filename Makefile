# The README's two commands: `make run` and `make test`. Both bootstrap their own virtualenv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test lint typecheck check serve migrate demo clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("lawmeet needs Python 3.11" if sys.version_info[:2] != (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	touch $@ $(VENV)/.installed-run

## make run: install, migrate, load demo data, serve on http://127.0.0.1:8000 (SQLite in var/)
run: $(VENV)/.installed-run
	$(BIN)/lawmeet migrate
	$(BIN)/lawmeet demo
	$(BIN)/lawmeet serve

## make test: install the dev tools and run the whole suite (SQLite, PostgreSQL when reachable, browser)
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

check: lint typecheck test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
