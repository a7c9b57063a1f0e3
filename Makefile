# Thin wrappers: every target says what it runs. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LIAISON_HOME ?= var
LIAISON_PORT ?= 8000
export LIAISON_HOME LIAISON_PORT

.PHONY: run install test test-fast lint fmt bench vendor clean

$(VENV)/.app: pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.test: $(VENV)/.app
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,spark]'
	touch $@

install: $(VENV)/.app

run: install  ## install, migrate SQLite under ./var, load the demo data, start on http://127.0.0.1:8000
	$(BIN)/liaison init --demo
	$(BIN)/liaison serve --port $(LIAISON_PORT)

test: $(VENV)/.test  ## the whole suite, SQLite and PostgreSQL, browser tests included
	$(BIN)/pytest -n 2 --dist loadgroup

test-fast: $(VENV)/.test  ## the suite without the browser and Spark
	$(BIN)/pytest -n 2 -m "not e2e and not spark"

lint: $(VENV)/.test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

fmt: $(VENV)/.test
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(VENV)/.test  ## benchmarks under bench/, each updating docs/benchmarks.md
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,spark,bench]'
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

vendor:  ## refresh vendored front-end assets (and the tests' axe-core) from the npm registry
	cd /tmp && npm pack htmx.org@2.0.11 && tar xzf htmx.org-2.0.11.tgz
	cp /tmp/package/dist/htmx.min.js src/liaison/web/static/vendor/htmx.min.js
	cd /tmp && npm pack axe-core@4.14.1 && tar xzf axe-core-4.14.1.tgz
	cp /tmp/package/axe.min.js /tmp/package/LICENSE /tmp/package/LICENSE-3RD-PARTY.txt tests/e2e/vendor/axe-core/

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
