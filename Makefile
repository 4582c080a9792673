# NetworkCRM — `make run` to try it, `make test` to test it. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Development defaults; the environment (or a .env you source) overrides them.
export DEBUG ?= true
# Tests run on PostgreSQL and Redis; on a laptop without them, set DATABASE_URL=sqlite:///…
# and the tests that need a service skip with a message (in CI they fail).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/networkcrm
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# `make test-sqlite`: the suite on SQLite, what `make run` uses (the test database is in memory).
TEST_SQLITE_DATABASE_URL ?= sqlite:///$(CURDIR)/var/test.sqlite3
PYTEST_ARGS ?= -n 2

VENDOR := static/vendor

.PHONY: help install assets migrate demo run test test-sqlite lint format check clean bench bench-large

help:
	@echo "make run     install everything, migrate, load the demo, start web + worker + beat"
	@echo "make test    lint, checks and the whole test suite (PostgreSQL + Redis + Chromium)"
	@echo "make test-sqlite  the suite on SQLite, less the tests marked postgresql"
	@echo "make bench   build benchmark data, measure the pages and the digest sweep (bench/README.md)"
	@echo "make bench-large  the pages at 50,000 contacts and 1,000,000 interactions (PostgreSQL)"
	@echo "make format  apply ruff's formatting and safe fixes"
	@echo "make clean   remove the virtualenv, node_modules, built assets and var/"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Development settings for manage.py run by hand; never overrides the real environment.
.env:
	printf '# Local development settings (see .env.example for every variable).\nDEBUG=true\n' > $@

install: $(VENV)/.installed .env

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end libraries come from the npm registry and are copied, never committed.
$(VENDOR)/.stamp: node_modules/.package-lock.json
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/htmx $(VENDOR)/chartjs
	cp node_modules/bootstrap/dist/css/bootstrap.min.css* $(VENDOR)/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* $(VENDOR)/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/chart.js/dist/chart.umd.min.js* $(VENDOR)/chartjs/
	mkdir -p $(VENDOR)/cytoscape
	cp node_modules/cytoscape/dist/cytoscape.min.js $(VENDOR)/cytoscape/
	touch $@

assets: $(VENDOR)/.stamp

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py seed_demo

run: install assets demo
	@echo "NetworkCRM at http://127.0.0.1:8000 — e-mails land in var/mail/. Ctrl-C stops all."
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --procfile Procfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

test: install assets lint check
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" \
	REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
	$(BIN)/pytest $(PYTEST_ARGS)

test-sqlite: install assets
	DATABASE_URL="$(TEST_SQLITE_DATABASE_URL)" \
	REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
	$(BIN)/pytest $(PYTEST_ARGS) -m "not postgresql"

# Speed figures on PostgreSQL (BENCH_DATABASE_URL) and SQLite, then the digest sweep on
# PostgreSQL with its own Redis database (BENCH_REDIS_URL, emptied); see bench/README.md.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/networkcrm_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/8
bench: install assets
	BENCH_DATABASE_URL="$(BENCH_DATABASE_URL)" BENCH_REDIS_URL="$(BENCH_REDIS_URL)" \
	$(BIN)/python -m bench $(BENCH_ARGS)

# The large profile: one user with 50,000 contacts and 1,000,000 interactions, PostgreSQL only.
BENCH_LARGE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/networkcrm_bench_large
bench-large: install assets
	BENCH_LARGE_DATABASE_URL="$(BENCH_LARGE_DATABASE_URL)" \
	$(BIN)/python -m bench --large $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var test-output .pytest_cache
