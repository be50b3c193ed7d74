# Two commands: `make run` (set up, build the demo data if needed, start the dashboard) and
# `make test` (set up, then the whole test suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DB := data/demo.duckdb
GENERATOR_SOURCES := $(shell find roster analytics reporting cases -name '*.py') roster/schema.sql reporting/schema.sql \
	cases/schema.sql \
	$(wildcard data/reference/*)

.PHONY: run test test-fast lint typecheck setup system-deps fonts demo-data

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

setup: $(VENV)/.installed

$(DEMO_DB): $(VENV)/.installed $(GENERATOR_SOURCES)
	$(PY) -m roster.generate --seed 2017 --scale 1 --out $(DEMO_DB)
	$(PY) -m reporting demo --db $(DEMO_DB)
	$(PY) -m cases demo --db $(DEMO_DB)
	$(PY) -m analytics.monitoring backtest --db $(DEMO_DB) --json data/demo.backtest.json
	$(PY) -m access demo-accounts --db $(DEMO_DB)

demo-data: $(DEMO_DB)

run: setup fonts demo-data
	DASHBOARD_DB="$${DASHBOARD_DB:-$(DEMO_DB)}" $(PY) -m streamlit run app.py --server.port 8501

fonts:
	bash scripts/system-deps.sh fonts

system-deps:
	bash scripts/system-deps.sh

test: setup system-deps
	$(PY) -m pytest

# The inner loop: neither browser nor slow tests, on both cores (pytest-xdist).
test-fast: setup
	$(PY) -m pytest -m "not browser and not slow" -n 2

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: setup
	$(PY) -m mypy
