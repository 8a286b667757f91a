# Quick start: `make site` builds the bundled digest into site/; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
INSTALL := $(PIP) install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: site test serve check install install-test browser schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(INSTALL) -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(INSTALL) -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## site: build the bundled digest into site/ (checks first, MkDocs strict)
site: install
	$(BIN)/parallax build --content content --site-dir site

## serve: live preview; edits to content/ and seeds/ reload the page. --dirty rebuilds only the
## pages an edit changed (not strict; the preview's search index covers the rebuilt pages only)
serve: install
	$(BIN)/mkdocs serve --dirty --no-strict

## check: the editorial and consistency checks on content/
check: install
	$(BIN)/parallax check --content content

## browser: Debian's Chromium for the browser tests (installed when missing and we may)
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "chromium is missing and cannot be installed here: 'apt-get install chromium' as root"; \
	fi

## test: every test, browser tests included
test: install-test browser
	$(BIN)/python -m pytest

schema: install
	$(BIN)/parallax schema --out schema

clean:
	rm -rf site .pytest_cache .parallax-cache
