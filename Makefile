# The README's two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
# The app's default BASE_URL (links in e-mails) follows the port it is served on.
export PORT
CATALOGS := inspect_app/translations

.PHONY: run test test-pg lint translations extract-messages clean samples bench screenshots checkers

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -d $(CATALOGS) --statistics

run: $(VENV)/.runtime translations
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	@echo "Serving http://127.0.0.1:$(PORT)"
	$(FLASK) serve --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.dev translations lint checkers
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The checkers tests/browser/test_checkers.py runs over every page (axe-core, the Nu HTML
# Checker), pinned in package-lock.json. Install scripts are skipped: vnu-jar's would fetch
# a Java runtime, which Debian's default-jre-headless provides. Without npm the checkers'
# tests skip (and fail under CI).
checkers: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --ignore-scripts --no-audit --no-fund && touch $@; \
	else echo "npm is missing: the checkers' tests will be skipped (apt-get install npm)"; fi

# The layers of docs/architecture.md (.importlinter) and ruff's checks (ruff.toml).
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# The same suite on PostgreSQL: a throwaway cluster from Debian's postgresql binaries
# (PG_BIN), or the server in TEST_DATABASE_URL (its user must be allowed to create databases).
test-pg: $(VENV)/.dev translations checkers
	TEST_DATABASE=postgresql $(BIN)/python -m pytest $(PYTEST_ARGS)

# Sample PDFs from the demo data, on a database of their own, into build/samples/.
SAMPLES_INSTANCE := $(CURDIR)/build/samples-instance
SAMPLES_ENV := INSTANCE_PATH=$(SAMPLES_INSTANCE) \
	DATABASE_URL=sqlite:///$(SAMPLES_INSTANCE)/samples.db
samples: $(VENV)/.runtime translations
	rm -rf $(SAMPLES_INSTANCE) build/samples
	$(SAMPLES_ENV) $(FLASK) db upgrade
	$(SAMPLES_ENV) $(FLASK) demo load
	$(SAMPLES_ENV) $(FLASK) report samples --out build/samples

# Every benchmark (bench/all.py's fixed list), figures into build/bench/; they are recorded
# in docs/performance.md. The province data are generated once into build/bench-*.sqlite;
# BENCH_ARGS=--regenerate remakes them.
bench: $(VENV)/.dev translations
	$(BIN)/python bench/all.py $(BENCH_ARGS)

# The main pages of each role from the demo data, at 1280x900 and 390x844, written to
# docs/screenshots/ (Debian's chromium; a throwaway database).
screenshots: $(VENV)/.dev translations
	$(BIN)/python scripts/screenshots.py

# Developers: refresh the catalogs after adding or changing interface strings.
extract-messages: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _ln:1,2 -k lazy_ngettext:1,2 \
		--no-location --sort-output -o $(CATALOGS)/messages.pot .
	$(BIN)/pybabel update -i $(CATALOGS)/messages.pot -d $(CATALOGS) --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) build .pytest_cache node_modules
