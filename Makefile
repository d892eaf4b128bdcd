# Two entry points: `make demo` (set up, ingest the sample articles into SQLite, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/.installed: pyproject.toml examples/timeline-harbourwire/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]' -e examples/timeline-harbourwire
	touch $@

.PHONY: setup demo test lint openapi bench bench-scale fuzz
setup: $(BIN)/.installed

demo: setup
	$(BIN)/timeline ingest --manifest examples/articles/manifest.jsonl
	$(BIN)/timeline serve

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check timeline plugins tests examples benchmarks
	$(BIN)/ruff format --check timeline plugins tests examples benchmarks
	$(BIN)/mypy

openapi: setup
	$(BIN)/timeline openapi

bench: setup
	$(BIN)/python benchmarks/realworld/run.py score --split test --calibration
	$(BIN)/python benchmarks/realworld/run.py score --split dev
	$(BIN)/python benchmarks/extraction.py
	$(BIN)/python benchmarks/calibration.py benchmarks/heldout.jsonl tests/cases/sentences.jsonl
	$(BIN)/python benchmarks/export_memory.py

# Issue 10: a million entries against Datasette (its own venv, never the project's dependencies).
# SCALE_ARGS passes options through, e.g. `make bench-scale SCALE_ARGS="--entries 20000"`.
DS_VENV := benchmarks/.venv-datasette
$(DS_VENV)/.installed:
	$(PYTHON) -m venv $(DS_VENV)
	$(DS_VENV)/bin/python -m pip install -q datasette sqlite-utils
	touch $@

bench-scale: setup $(DS_VENV)/.installed
	$(BIN)/python benchmarks/scale.py $(SCALE_ARGS)

fuzz: setup
	$(BIN)/python -m pip install -q -e '.[fuzz]'
	bash benchmarks/fuzz.sh
