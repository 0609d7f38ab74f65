# Depot: `make run` sets up and serves on SQLite; `make test` sets up and runs every test.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
PYTHON ?= python3
export FLASK_APP := app.py

RUN_PACKAGES := libzbar0 fonts-wqy-microhei
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils postgresql
# An independent ZPL renderer for the label tests (Zebrash as WASM, from the npm registry).
ZPL_RENDERER := tests/zpl/node_modules/zpl-renderer-js/package.json

.PHONY: run test test-sqlite test-postgres setup setup-dev system-run system-test translations bench clean

run: setup
	$(FLASK) db upgrade
	$(FLASK) depot ensure-admin
	@echo "Depot is starting on http://127.0.0.1:5000 (Ctrl+C stops it)"
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup-dev
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	$(PY) -m pytest

# The database-facing tests again, on a throwaway PostgreSQL 15 cluster in a temp dir.
test-postgres:
	scripts/with-postgres.sh $(PY) -m pytest -m db

setup: system-run $(VENV)/.installed translations
setup-dev: system-test $(VENV)/.installed-dev translations $(ZPL_RENDERER)

system-run:
	@scripts/need-packages.sh $(RUN_PACKAGES)

system-test:
	@scripts/need-packages.sh $(TEST_PACKAGES)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

$(ZPL_RENDERER): tests/zpl/package.json tests/zpl/package-lock.json
	@command -v npm >/dev/null || scripts/need-packages.sh nodejs npm
	npm ci --prefix tests/zpl --no-audit --no-fund --loglevel=error
	touch $@

translations: $(VENV)/.installed
	@$(VENV)/bin/pybabel compile --use-fuzzy -d depot/translations >/dev/null

bench: setup-dev
	$(PY) bench/decode_bench.py
	$(PY) bench/zpl_bench.py

clean:
	rm -rf $(VENV) .pytest_cache tests/zpl/node_modules
