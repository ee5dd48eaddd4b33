# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Test workers in parallel: one per CPU by default (`make test TEST_WORKERS=0` runs in one).
TEST_WORKERS ?= auto
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint system-deps browser-deps clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

## Set everything up, load the demo data once, and serve on http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/haven migrate --noinput
	$(BIN)/haven load_demo
	$(BIN)/haven serve --no-migrate

## The whole suite: unit, integration and browser tests
test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/haven makemigrations --check --dry-run > /dev/null
	$(BIN)/pytest -n $(TEST_WORKERS)

## System packages the suite needs, installed when missing if we are root with apt-get:
## Debian's Chromium (browser tests), Pango and DejaVu fonts (WeasyPrint's PDFs) and
## poppler-utils (pdftotext/pdftoppm, which the PDF tests read the PDFs back with).
SYSTEM_PACKAGES := chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
system-deps:
	@missing=""; \
	for pkg in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get > /dev/null 2>&1; then \
	    echo "Installing$$missing for the tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing > /dev/null; \
	  else \
	    echo "Missing$$missing and cannot install them here: browser and PDF tests may be skipped."; \
	  fi; \
	fi

# The old name, kept so that existing scripts still work.
browser-deps: system-deps

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var
