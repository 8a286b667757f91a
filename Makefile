# Quick start: `make site` builds the bundled digest into site/; `make test` runs every test;
# `make test-fast` leaves out the whole-site builds and the browser.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
INSTALL := $(PIP) install --quiet --disable-pip-version-check -c constraints.txt
# Another digest project: make site CONTENT=../my-digest/content (its seeds/ beside content/).
CONTENT ?= content

.PHONY: site test test-fast serve check install install-test browser schema clean

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

## site: build the digest (the bundled one unless CONTENT=...) into site/ (checks first, MkDocs
## strict); published records only
site: install
	$(BIN)/parallax build --content $(CONTENT) --site-dir site

## serve: live preview, drafts shown under a banner; edits to content/ and seeds/ reload the page.
## --dirty rebuilds only the pages an edit changed (not strict; the plugin keeps the preview's
## search index whole). With CONTENT=..., the configuration beside that content folder.
SERVE_CONFIG = $(if $(filter content content/,$(CONTENT)),mkdocs.yml,$(if $(wildcard $(CONTENT)/../mkdocs.yml),$(CONTENT)/../mkdocs.yml,mkdocs.yml))
serve: install
	$(BIN)/mkdocs serve --dirty --no-strict -f $(SERVE_CONFIG)

## check: the editorial and consistency checks on $(CONTENT)
check: install
	$(BIN)/parallax check --content $(CONTENT)

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

## test: every test, browser tests and whole-site builds included
test: install-test browser
	$(BIN)/python -m pytest

## test-fast: every test except the slow ones (marker slow: whole-site builds) and the browser ones
test-fast: install-test
	$(BIN)/python -m pytest -m "not slow and not browser"

schema: install
	$(BIN)/parallax schema --out schema

clean:
	rm -rf site .pytest_cache .parallax-cache
