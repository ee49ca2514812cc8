# Every target bootstraps .venv on first use (and again when pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUITE ?= evals/example.yaml

.DEFAULT_GOAL := help
.PHONY: help eval test test-chaos view bench browser postgres bwrap lint format typecheck schema clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "harness needs Python 3.11+; set PYTHON=python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

eval: $(STAMP) ## Run the example suite (simulated fleet + local models when no API keys are set)
	$(BIN)/harness run $(SUITE)

test: $(STAMP) browser postgres bwrap ## Run the test suite (offline)
	$(BIN)/python -m pytest

browser: ## Install Debian's chromium + chromedriver for the report's browser test (when missing and root)
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    (apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver >/dev/null)) || \
	    echo "chromium not installed: the browser test will be skipped (a failure under CI=true)"; }

postgres: ## Install Debian's postgresql for the lake's catalog tests (when missing and root)
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    (apt-get install -y -q postgresql >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null)) || \
	    echo "postgresql not installed: the lake's PostgreSQL tests will be skipped (a failure under CI=true)"; }

bwrap: ## Install Debian's bubblewrap, code_exec's sandbox (when missing and root)
	@command -v bwrap >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    (apt-get install -y -q bubblewrap >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null && apt-get install -y -q bubblewrap >/dev/null)) || \
	    echo "bubblewrap not installed: code_exec runs with rlimits only, its isolation tests are skipped (a failure under CI=true)"; }

test-chaos: $(STAMP) ## Crash tests at the reliability plan's full N (20 kills, 30 corrupt WALs, ...)
	HARNESS_CHAOS=1 $(BIN)/python -m pytest tests/run/test_durability.py

view: $(STAMP) ## Browse runs, cells and changes in a local web app (harness view; results/ by default)
	$(BIN)/harness view

bench: $(STAMP) ## Benchmarks vs the physical limit; writes reports/bench.json (BENCH="--quick" or "--only NAME")
	$(BIN)/python bench/run.py $(BENCH)

lint: $(STAMP) ## Ruff lint and format check, mypy
	$(BIN)/ruff check harness tests
	$(BIN)/ruff format --check harness tests
	$(BIN)/mypy

format: $(STAMP) ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix harness tests
	$(BIN)/ruff format harness tests

schema: $(STAMP) ## Write JSON schemas for editors to evals/schemas/
	$(BIN)/harness schema

clean: ## Remove .venv and results/
	rm -rf $(VENV) results
