# Woonbrug developer commands. `make run` and `make test` work on a fresh machine: they create .venv,
# install what is needed, then run.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The exact tested dependency set (pyproject.toml keeps the ranges vendors install against).
LOCK   := constraints.txt

.PHONY: install run demo test lint typecheck bench schemas clean lock check-newest

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Woonbrug needs Python 3.11 or newer"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Serve the gateway with the demo region on the embedded SQLite database.
run: install
	$(BIN)/woonbrug serve --demo

## Run the demo region end to end once and print its summary.
demo: install
	$(BIN)/woonbrug demo

## ruff's rules and its formatter (check only: `$(BIN)/ruff format .` applies it), and the import contracts
## of pyproject.toml ([tool.importlinter]: which room may import which).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: install
	$(BIN)/mypy

## ruff, mypy (strict) and pytest; prints pytest's summary line.
test: lint typecheck
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m benchmarks

schemas: install
	$(BIN)/woonbrug schemas generate

## Resolve the newest versions pyproject.toml allows into constraints.txt; then run `make test`.
lock:
	$(PYTHON) scripts/dependencies.py lock

## Test the newest allowed versions in .venv-newest and name the upgrade that breaks each failing test.
check-newest:
	$(PYTHON) scripts/dependencies.py check-newest

clean:
	rm -rf $(VENV) .venv-newest .mypy_cache .pytest_cache .ruff_cache
