# duixian task runner. `make up` runs the whole system; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Test processes: most of a run waits on servers (Temporal, browsers, brokers; a serial run keeps two cores under
# half busy), so three workers shorten it even on two cores; a module stays on one worker (--dist loadfile) so its
# booted system is shared, and the longest modules start first (tests/conftest.py).
TEST_WORKERS ?= 3

.PHONY: up test lint venv unit integration workflow e2e bench contracts clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 ($(PYTHON) not found)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

## Run the whole system: Temporal dev server, RabbitMQ check, migrations, the three services, worker and bridge.
up: $(STAMP)
	$(BIN)/duixian up

## Run every test: unit, integration (real RabbitMQ, SQLite and PostgreSQL), workflow (time-skipping Temporal), end-to-end.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

## Static checks: ruff (pyflakes, pycodestyle, import order, bugbear, pyupgrade) on everything, mypy on the packages.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

integration: $(STAMP)
	$(BIN)/python -m pytest -q -m integration

workflow: $(STAMP)
	$(BIN)/python -m pytest -q -m workflow

e2e: $(STAMP)
	$(BIN)/python -m pytest -q -m e2e

## Regenerate checked-in artefacts derived from code (AsyncAPI document, RabbitMQ definitions).
contracts: $(STAMP)
	$(BIN)/duixian contracts export

## Benchmarks (print figures, assert nothing): micro figures, then the real processes against side-by-side
## baselines on SQLite and PostgreSQL (< 10 min; docs/performance.md). BENCH_ARGS=--quick for a smoke run.
bench: $(STAMP)
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks system $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache .hypothesis .mypy_cache .ruff_cache
