# anjian — a newcomer runs `make run` (demo on http://127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
BIN     := $(VENV)/bin
PYTHON  ?= python3
ANJIAN  := $(BIN)/anjian
PYTEST  := $(BIN)/pytest
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000
# PostgreSQL for the second test run (skipped with a message when it does not answer).
ANJIAN_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/anjian
export ANJIAN_TEST_DATABASE_URL

.PHONY: help install assets messages run test test-sqlite test-postgres lint format typecheck e2e browser bench clean

help:
	@echo "make run    install everything, build assets, migrate SQLite, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   lint (ruff), types (mypy --strict), tests on SQLite and PostgreSQL (when reachable), e2e"
	@echo "make e2e    browser tests only (Debian chromium, headless)"
	@echo "make bench  benchmarks with their raw baselines"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP) node_modules/.installed messages

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed
	node tools/build_assets.js

# Compiled catalogues are build output (not committed); msgfmt comes with gettext.
messages: $(STAMP)
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	cd src/anjian && ../../$(ANJIAN) compilemessages --verbosity 0

# The demo is a development server with demo accounts: DEBUG on unless the caller says otherwise.
run: export ANJIAN_DEBUG ?= 1
# When an MQTT broker answers at ANJIAN_MQTT_URL, one ingest worker and the sensor simulator run
# in the background (logs in var/) and stop with the server; without a broker the demo runs as is.
MQTT_URL ?= $(or $(ANJIAN_MQTT_URL),mqtt://127.0.0.1:1883)
run: install assets
	$(ANJIAN) migrate --noinput
	$(ANJIAN) demo
	@mkdir -p var; pids=""; \
	if $(BIN)/python -c "import socket, sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); \
	    socket.create_connection((p.hostname or '127.0.0.1', p.port or 1883), 1).close()" "$(MQTT_URL)" 2>/dev/null; then \
	  echo "MQTT at $(MQTT_URL): ingest worker and simulator in the background (var/ingest.log, var/simulate.log)"; \
	  ANJIAN_MQTT_URL="$(MQTT_URL)" $(ANJIAN) ingest > var/ingest.log 2>&1 & pids="$$pids $$!"; \
	  ANJIAN_MQTT_URL="$(MQTT_URL)" $(ANJIAN) simulate --points 120 --rate 40 --minutes 0 > var/simulate.log 2>&1 & pids="$$pids $$!"; \
	else echo "No MQTT broker at $(MQTT_URL): monitoring pages show no live data."; fi; \
	trap 'kill $$pids 2>/dev/null' EXIT INT TERM; \
	$(ANJIAN) runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools

format: $(STAMP)
	$(BIN)/ruff check --fix src tests tools
	$(BIN)/ruff format src tests tools

typecheck: $(STAMP)
	$(BIN)/mypy src tests

test-sqlite: install assets
	ANJIAN_DATABASE_URL= $(PYTEST) -n 2 -m "not e2e" --cov --cov-report=term:skip-covered --cov-fail-under=85 -q

test-postgres: install assets
	@if $(BIN)/python tools/pg_ready.py "$$ANJIAN_TEST_DATABASE_URL"; then \
	  ANJIAN_DATABASE_URL="$$ANJIAN_TEST_DATABASE_URL" $(PYTEST) -n 2 -m "not e2e" -q -p no:randomly; \
	else echo "SKIPPED: PostgreSQL tests — no PostgreSQL answers at $$ANJIAN_TEST_DATABASE_URL"; fi

browser:
	@command -v chromium >/dev/null && fc-list | grep -qi "noto sans cjk" || \
	  (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk)

e2e: install assets browser
	$(PYTEST) -m e2e -q tests/e2e

test: lint typecheck test-sqlite test-postgres e2e

# SQLite first (the embedded default; the exchange target is set on SQLite), then PostgreSQL,
# where the 1,000,000-row statistics and the MQTT ingest targets are set.
bench: install assets
	$(ANJIAN) bench scope import risk-map exchange
	@if $(BIN)/python tools/pg_ready.py "$$ANJIAN_TEST_DATABASE_URL"; then \
	  ANJIAN_BENCH_DATABASE_URL="$$ANJIAN_TEST_DATABASE_URL" $(ANJIAN) bench scope risk-map danger-stats ingest; \
	else echo "SKIPPED: PostgreSQL benchmarks (scope, risk-map, danger-stats, ingest) — no PostgreSQL answers at $$ANJIAN_TEST_DATABASE_URL"; fi

clean:
	rm -rf $(VENV) node_modules src/anjian/static/vendor var .coverage .mypy_cache .ruff_cache
