# psp-graph: the few verbs people type.
#   make demo   set up and show who holds power in the seed graph
#   make test   lint, types and the whole test suite (what CI runs)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint neo4j bench clean

# setup and demo install Python packages only; Chromium comes with test and maps.
setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/psp demo

test: setup browser lint
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check psp_graph tests
	$(BIN)/ruff format --check psp_graph tests
	$(BIN)/mypy

# Headless Chromium for the map tests and gallery (Debian packages; needs root and apt).
.PHONY: browser maps
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq chromium chromium-driver; } || \
	  echo "warning: cannot install chromium and chromium-driver (needs root and apt): browser tests skip outside CI"

maps: setup browser
	$(BIN)/python -m tools.gallery visualisations/gallery

neo4j: setup
	$(BIN)/python tools/neo4j/server.py

bench: setup
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) dist build psp-demo.db psp-demo.db-* .pytest_cache .mypy_cache .ruff_cache
