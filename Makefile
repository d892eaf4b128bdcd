# Two entry points: `make demo` (set up, ingest the sample articles into SQLite, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/.installed: pyproject.toml examples/timeline-harbourwire/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]' -e examples/timeline-harbourwire
	touch $@

.PHONY: setup demo test lint openapi bench bench-ingest bench-serve bench-scale fuzz stress
setup: $(BIN)/.installed

demo: setup
	$(BIN)/timeline ingest --manifest examples/articles/manifest.jsonl
	@echo "A local write token for POST /articles (kept hashed in timeline-tokens.jsonl):"
	@$(BIN)/timeline token create --name demo --replace
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

stress: setup
	$(BIN)/python benchmarks/stress.py $(STRESS_ARGS)

# pages/s with 1 and 2 extraction processes on the same 2,000 synthetic pages (ratio from one run)
bench-ingest: setup
	$(BIN)/python benchmarks/ingest_jobs.py

# API reads/s with 1 and 2 workers on PostgreSQL (TIMELINE_BENCH_POSTGRES_URL names the server), mixed load
bench-serve: setup
	$(BIN)/python benchmarks/serve_workers.py

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
