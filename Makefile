# The two commands of README.md: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck unit bench clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

## Set everything up, apply migrations, load demo data and serve the portal on http://127.0.0.1:8000/
run: $(VENV)/.installed
	$(BIN)/dps seed demo
	@echo "The portal: http://127.0.0.1:8000/ - sign in as the demo provider provider2@demo.dps.test (Harbour House Care, a member of lot 1) or the officer officer@demo.dps.test; password demo-password-2026"
	$(BIN)/dps serve

## Contract PDFs are made by LibreOffice headless (Debian's libreoffice-writer-nogui): installed
## here when missing and we are root, so the suite tests real PDFs; otherwise they are skipped.
## The portal's browser tests drive Debian's chromium (Playwright cannot download a browser here).
system-deps:
	@if ! command -v soffice >/dev/null 2>&1; then \
		if [ "$$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update && apt-get install -y --no-install-recommends libreoffice-writer-nogui; \
		else echo "LibreOffice (soffice) not found and not root: the PDF tests will be skipped"; fi; \
	fi
	@if ! [ -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update && apt-get install -y --no-install-recommends chromium fonts-liberation; \
		else echo "Debian's chromium not found and not root: install it (apt-get install chromium) for the portal's browser tests"; exit 1; fi; \
	fi

## Set everything up with dev extras; lint, type-check, check imports, run the whole suite
test: system-deps $(VENV)/.installed-dev lint typecheck
	$(BIN)/pytest -q -W error::DeprecationWarning:dps

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

unit: $(VENV)/.installed-dev
	$(BIN)/pytest -q tests/unit

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/api.py

clean:
	rm -rf $(VENV) var
