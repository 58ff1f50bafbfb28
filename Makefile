# Woonbrug developer commands. `make run` and `make test` work on a fresh machine: they create .venv,
# install what is needed, then run.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run demo test lint typecheck bench schemas clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Woonbrug needs Python 3.11 or newer"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Serve the gateway with the demo region on the embedded SQLite database.
run: install
	$(BIN)/woonbrug serve --demo

## Run the demo region end to end once and print its summary.
demo: install
	$(BIN)/woonbrug demo

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

## ruff, mypy (strict) and pytest; prints pytest's summary line.
test: lint typecheck
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m benchmarks

schemas: install
	$(BIN)/woonbrug schemas generate

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
