# ropagraph: `make run` starts the dashboard on the Kynex sample; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RECORD ?= data/kynex
PORT ?= 8501

.PHONY: run test lint typecheck unit install clean browser-deps neo4j neo4j-stop

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

# A real Neo4j 5.26 for the Neo4j tests (tests/neo4j_server, Java 17 + Maven):
#   eval "$$(make -s neo4j)"   starts it and exports NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD
#   make neo4j-stop            stops it
neo4j:
	@tests/neo4j_server/server.sh start

neo4j-stop:
	@tests/neo4j_server/server.sh stop
