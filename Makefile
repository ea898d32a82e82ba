# argmap: `make build` builds the map of data/raw; `make test` runs the tests.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup build test lint bench fuzz clean browser-deps screenshot

setup: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (argmap needs Python 3.11+; set PYTHON=...)" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,model]'
	@touch $(STAMP)

build: setup
	$(BIN)/argmap build data/raw --out data/claims

test: setup browser-deps
	$(BIN)/python -m pytest -q

# Chromium for the HTML viewer's browser tests (tests/test_browser.py), from Debian.
# Installed when missing and root; if it cannot be, the browser tests skip and say why.
browser-deps:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing chromium for the browser tests (apt-get)" >&2; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; } >/dev/null 2>&1 \
	    || echo "warning: could not install chromium; the browser tests will skip" >&2; \
	else echo "warning: chromium missing and not root; the browser tests will skip (apt-get install chromium chromium-driver)" >&2; fi

# The screenshot of the viewer on the seed articles, in docs/.
screenshot: setup browser-deps
	ARGMAP_SCREENSHOT=docs/viewer.png $(BIN)/python -m pytest -q tests/test_browser.py -k highlights

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy src/argmap

bench: setup
	$(BIN)/python bench/run.py

fuzz: setup
	ARGMAP_FUZZ_EXAMPLES=2000 $(BIN)/python -m pytest -q tests/test_properties.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
