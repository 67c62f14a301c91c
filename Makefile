# ropagraph: `make run` starts the dashboard on the Kynex sample; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RECORD ?= data/kynex
PORT ?= 8501

.PHONY: run test lint typecheck unit install clean browser-deps

$(BIN)/ropagraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/ropagraph

run: install
	$(BIN)/ropagraph dashboard $(RECORD) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy graph loaders dashboard

unit: install
	$(BIN)/pytest -q -ra

test: lint typecheck unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
