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

# Chromium for the HTML viewer's browser tests (tests/test_browser.py), from Debian:
# installed with apt-get when missing and root; if it cannot be, those tests skip and say why.
browser-deps:
	@$(PYTHON) tests/browser_deps.py

# The screenshot of the viewer on the seed articles, in docs/.
screenshot: setup browser-deps
	ARGMAP_SCREENSHOT=docs/viewer.png $(BIN)/python -m pytest -q tests/test_browser.py -k highlights

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src/argmap

bench: setup
	$(BIN)/python bench/run.py

fuzz: setup
	ARGMAP_FUZZ_EXAMPLES=2000 $(BIN)/python -m pytest -q tests/test_properties.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
